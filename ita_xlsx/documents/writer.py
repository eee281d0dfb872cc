"""A Thai official document (ระเบียบงานสารบรรณ) as .docx, written with python-docx.

A4 portrait, TH Sarabun New 16 pt, margins top 2.5 cm, bottom 2 cm, left 3 cm, right 2 cm;
paragraphs indented 2.5 cm on their first line; the memo heading บันทึกข้อความ at 29 pt.
Thai is a complex script for Word and LibreOffice: the font, size and bold must be set on the
complex-script properties too (w:cs, w:szCs, w:bCs) or Thai text falls back to another font.
"""

from __future__ import annotations

import re
from collections.abc import Set as AbstractSet
from io import BytesIO

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING, WD_TAB_ALIGNMENT
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from docx.text.paragraph import Paragraph
from lxml import etree  # type: ignore[import-untyped]

from ita_xlsx.documents.emblem import Emblem
from ita_xlsx.thai import to_thai_digits

FONT = "TH Sarabun New"
SIZE = 16
MEMO_HEAD_SIZE = 29
LABEL_SIZE = 20
FIRST_LINE_INDENT = Cm(2.5)
TEXT_WIDTH_CM = 16.0  # 21 - 3 - 2
SIGN_INDENT = Cm(7.0)  # the signature block and its closing line, centred right of this
# The emblem (ครุฑ): about 3 cm tall at the head of a ประกาศ, 1.5 cm beside บันทึกข้อความ.
EMBLEM_CM = {"announcement": 3.0, "memo": 1.5}
KEEP_CHARS = 260  # about three lines of Thai at 16 pt: moved whole, at most 3 lines left blank
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
W15 = "http://schemas.microsoft.com/office/word/2012/wordml"

# Digits inside URLs, e-mail addresses and file names stay Arabic: they must still work.
_KEEP = re.compile(r"(?:https?://|www\.)\S+|\S+@\S+|\S+\.(?:xlsx|docx|pdf|ods)\b")


def thai_digits(text: str) -> str:
    out, last = [], 0
    for m in _KEEP.finditer(text):
        out.append(to_thai_digits(text[last:m.start()]))
        out.append(m.group(0))
        last = m.end()
    out.append(to_thai_digits(text[last:]))
    return "".join(out)


def thai_list(items: list[str]) -> str:
    """"ก, ข และ ค": a list in running Thai text."""
    if len(items) < 2:
        return "".join(items)
    return ", ".join(items[:-1]) + " และ " + items[-1]


def _latin(run) -> None:
    """Mark a run as English text (w:lang), however the paragraph's language is set."""
    rpr = run._r.get_or_add_rPr()
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), "en-US")
    rpr.append(lang)


def _field(paragraph, instr: str, shown: str) -> list:
    """A field (begin, instruction, separate, result, end) as run elements."""
    runs = []
    for kind, text in (("begin", None), (None, instr), ("separate", None), (None, None),
                       ("end", None)):
        r = OxmlElement("w:r")
        if kind:
            fc = OxmlElement("w:fldChar")
            fc.set(qn("w:fldCharType"), kind)
            r.append(fc)
        elif text is not None:
            it = OxmlElement("w:instrText")
            it.set(qn("xml:space"), "preserve")
            it.text = text
            r.append(it)
        else:
            t = OxmlElement("w:t")
            t.text = shown
            r.append(t)
        runs.append(r)
    return runs


def _set_fonts(rpr, font: str, size: float | None, bold: bool | None) -> None:
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), font)
    if bold is not None:
        for tag in ("w:b", "w:bCs"):
            el = rpr.find(qn(tag))
            if el is None:
                el = OxmlElement(tag)
                rpr.append(el)
            el.set(qn("w:val"), "1" if bold else "0")
    if size is not None:
        for tag in ("w:sz", "w:szCs"):
            el = rpr.find(qn(tag))
            if el is None:
                el = OxmlElement(tag)
                rpr.append(el)
            el.set(qn("w:val"), str(int(round(size * 2))))


class ThaiDocument:
    """The few shapes an official document needs: centred titles, indented paragraphs, the
    memo header, grid tables, links and the signature block."""

    def __init__(self, font: str = FONT, size: float = SIZE, arabic_digits: bool = False,
                 landscape: bool = False, emblem: Emblem | None = None):
        self.font, self.size, self.arabic = font, size, arabic_digits
        self.text_width_cm = TEXT_WIDTH_CM
        self.emblem = emblem
        self._break_next = False
        self._last: Paragraph | None = None  # the last body paragraph written
        self.doc = Document()
        section = self.doc.sections[0]
        section.page_width, section.page_height = Cm(21.0), Cm(29.7)
        section.top_margin, section.bottom_margin = Cm(2.5), Cm(2.0)
        section.left_margin, section.right_margin = Cm(3.0), Cm(2.0)
        section.header_distance = section.footer_distance = Cm(1.25)
        normal = self.doc.styles["Normal"]
        rpr = normal.element.get_or_add_rPr()
        _set_fonts(rpr, font, size, None)
        lang = OxmlElement("w:lang")
        lang.set(qn("w:val"), "th-TH")
        lang.set(qn("w:bidi"), "th-TH")
        rpr.append(lang)
        fmt = normal.paragraph_format
        fmt.space_before, fmt.space_after = Pt(0), Pt(0)
        fmt.line_spacing = 1.0
        _set_fonts(self.doc.styles["Table Grid"].element.get_or_add_rPr(), font, None, None)
        if landscape:
            self._turn(section)
        self._page_numbers(section)

    def _page_numbers(self, section) -> None:
        """"- ๒ -" at the top centre from page 2 on (none on the first page, as the
        ระเบียบงานสารบรรณ writes them). Word draws Thai digits through ``PAGE \\* ThaiArabic``;
        LibreOffice reads that switch as Thai letters (ก ข ค), so it gets a plain PAGE field
        instead, through a markup-compatibility choice only Word takes (w15, Word 2013 on)."""
        section.different_first_page_header_footer = True
        section.first_page_header.is_linked_to_previous = False  # an empty header of its own
        p = section.header.paragraphs[0]
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        self._plain(p, "- ", False, None, False)
        plain = "PAGE" if self.arabic else "PAGE \\* ThaiArabic"
        if self.arabic:
            for r in _field(p, f" {plain} ", "2"):
                p._p.append(r)
        else:
            ac = etree.SubElement(p._p, f"{{{MC}}}AlternateContent")
            choice = etree.SubElement(ac, f"{{{MC}}}Choice", nsmap={"w15": W15})
            choice.set("Requires", "w15")
            for r in _field(p, f" {plain} ", "๒"):
                choice.append(r)
            fallback = etree.SubElement(ac, f"{{{MC}}}Fallback")
            for r in _field(p, " PAGE ", "2"):
                fallback.append(r)
        self._plain(p, " -", False, None, False)
        for r in p._p.iter(qn("w:r")):
            rpr = r.find(qn("w:rPr"))
            if rpr is None:
                rpr = OxmlElement("w:rPr")
                r.insert(0, rpr)
            _set_fonts(rpr, self.font, self.size, False)

    def _turn(self, section) -> None:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Cm(29.7), Cm(21.0)
        self.text_width_cm = 29.7 - 5.0

    def landscape(self) -> None:
        """Go on in a landscape section (wide tables): A4 turned, the same margins."""
        if self.text_width_cm > TEXT_WIDTH_CM:
            return
        section = self.doc.add_section(WD_SECTION.NEW_PAGE)
        section.different_first_page_header_footer = False  # numbered from its first page
        self._turn(section)

    def page_break(self) -> None:
        """The next paragraph starts a new page (no empty line left at the top of it)."""
        self._break_next = True

    def _para(self):
        p = self.doc.add_paragraph()
        if self._break_next:
            p.paragraph_format.page_break_before = True
            self._break_next = False
        self._last = p
        return p

    # -- text --------------------------------------------------------------------------------

    def text(self, value: str) -> str:
        return value if self.arabic else thai_digits(value)

    def _run(self, paragraph, text: str, bold: bool = False, size: float | None = None,
             convert: bool = True):
        """Text in runs: URLs, e-mail addresses and file names in runs of their own marked as
        English, so that Word and LibreOffice break them as addresses (at "/"), not with the
        Thai dictionary (which cut "huaywon.g / o.th")."""
        run = None
        last = 0
        for m in _KEEP.finditer(text):
            if m.start() > last:
                run = self._plain(paragraph, text[last:m.start()], bold, size, convert)
            run = self._plain(paragraph, m.group(0), bold, size, False)
            _latin(run)
            last = m.end()
        if last < len(text) or run is None:
            run = self._plain(paragraph, text[last:], bold, size, convert)
        return run

    def _plain(self, paragraph, text: str, bold: bool, size: float | None, convert: bool):
        run = paragraph.add_run(self.text(text) if convert else text)
        _set_fonts(run._r.get_or_add_rPr(), self.font, size or self.size, bold)
        return run

    def title(self, lines: list[str], size: float | None = None) -> None:
        for line in lines:
            p = self._para()
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            p.paragraph_format.keep_with_next = True
            self._run(p, line, bold=True, size=size)
        self.blank()

    def heading(self, text: str) -> None:
        p = self._para()
        p.paragraph_format.space_before = Pt(6)
        p.paragraph_format.keep_with_next = True
        self._run(p, text, bold=True)

    def paragraph(self, text: str, indent: bool = True, align: str = "justify") -> None:
        p = self._para()
        if indent:
            p.paragraph_format.first_line_indent = FIRST_LINE_INDENT
        p.paragraph_format.space_after = Pt(6)
        p.paragraph_format.widow_control = True
        p.alignment = {"justify": WD_ALIGN_PARAGRAPH.THAI_JUSTIFY,
                       "center": WD_ALIGN_PARAGRAPH.CENTER,
                       "left": WD_ALIGN_PARAGRAPH.LEFT}[align]
        self._run(p, text)

    def blank(self, keep: bool = False):
        p = self._para()
        p.paragraph_format.keep_with_next = keep
        return p

    def _keep_last(self) -> None:
        """A short paragraph written last (จึงประกาศให้ทราบโดยทั่วกัน) stays on the page of
        the closing and signature after it. A long one is not held back whole (that would leave
        half a page empty); the closing line itself is body text on the signature's page."""
        if self._last is not None and len(self._last.text) <= KEEP_CHARS:
            self._last.paragraph_format.keep_with_next = True

    def emblem_block(self, role: str = "announcement") -> None:
        """The emblem centred at the head of a ประกาศ (about 3 cm tall); without an image the
        same height is left blank, for the office to stamp or paste its own."""
        height = EMBLEM_CM[role]
        p = self._para()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        p.paragraph_format.keep_with_next = True
        self._emblem_into(p, height)

    def _emblem_into(self, p, height_cm: float) -> None:
        fmt = p.paragraph_format
        if self.emblem is not None:
            p.add_run().add_picture(BytesIO(self.emblem.data), height=Cm(height_cm))
        else:  # the space kept: a line at least as tall as the emblem would be
            fmt.line_spacing_rule = WD_LINE_SPACING.AT_LEAST
            fmt.line_spacing = Cm(height_cm)

    def memo_header(self, office: str, reference: str, date: str, subject: str,
                    addressee: str) -> None:
        """บันทึกข้อความ: the small emblem at the left margin with the heading centred on its
        line, ส่วนราชการ, ที่ / วันที่, เรื่อง, then เรียน."""
        p = self._para()
        p.paragraph_format.tab_stops.add_tab_stop(Cm(self.text_width_cm / 2),
                                                  WD_TAB_ALIGNMENT.CENTER)
        self._emblem_into(p, EMBLEM_CM["memo"])
        self._plain(p, "\t", True, MEMO_HEAD_SIZE, False)
        self._run(p, "บันทึกข้อความ", bold=True, size=MEMO_HEAD_SIZE)
        p = self._para()
        p.paragraph_format.left_indent = Cm(2.0)
        p.paragraph_format.first_line_indent = Cm(-2.0)
        self._run(p, "ส่วนราชการ", bold=True, size=LABEL_SIZE)
        self._run(p, "  " + office)
        p = self._para()
        p.paragraph_format.tab_stops.add_tab_stop(Cm(7.0))
        self._run(p, "ที่", bold=True, size=LABEL_SIZE)
        self._run(p, "  " + reference + "\t")
        self._run(p, "วันที่", bold=True, size=LABEL_SIZE)
        self._run(p, "  " + date)
        p = self._para()
        p.paragraph_format.left_indent = Cm(1.0)
        p.paragraph_format.first_line_indent = Cm(-1.0)
        self._run(p, "เรื่อง", bold=True, size=LABEL_SIZE)
        self._run(p, "  " + subject)
        self._rule()
        p = self._para()
        p.paragraph_format.space_after = Pt(6)
        self._run(p, "เรียน", bold=False)
        self._run(p, "  " + addressee)

    def _rule(self) -> None:
        """The line under the memo's header, as a bottom border (it prints on any width)."""
        p = self._last
        assert p is not None  # called right after a paragraph
        p_pr = p._p.get_or_add_pPr()
        bdr = OxmlElement("w:pBdr")
        bottom = OxmlElement("w:bottom")
        for k, v in (("w:val", "single"), ("w:sz", "6"), ("w:space", "4"),
                     ("w:color", "auto")):
            bottom.set(qn(k), v)
        bdr.append(bottom)
        p_pr.append(bdr)
        p.paragraph_format.space_after = Pt(6)

    def announcement_head(self, title: str, subject: str) -> None:
        """ประกาศ<หน่วยงาน> / เรื่อง … under the emblem, then a short rule."""
        self.emblem_block("announcement")
        for text in (title, subject):
            p = self._para()
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            p.paragraph_format.keep_with_next = True
            self._run(p, text, bold=True)
        p = self._para()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        p.paragraph_format.keep_with_next = True
        p.paragraph_format.space_after = Pt(6)
        self._plain(p, "-" * 24, False, None, False)

    def closing(self, lines: list[str], at_signature: bool = False) -> None:
        """Closing lines (จึงเรียนมาเพื่อ…, ประกาศ ณ วันที่ …), kept with the text before and the
        signature after; ``at_signature``: centred over the signature (a ประกาศ's date)."""
        self._keep_last()
        self.blank(keep=True)
        for line in lines:
            p = self._para()
            p.paragraph_format.keep_with_next = True
            if at_signature:
                p.paragraph_format.left_indent = SIGN_INDENT - Cm(1.5)
                p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            else:
                p.paragraph_format.first_line_indent = FIRST_LINE_INDENT
            self._run(p, line)

    def signature(self, lines: list[str]) -> None:
        """The signature block: a space to sign, then name and position centred on the right,
        on the page of the text before it."""
        self._keep_last()
        self.blank(keep=True)
        self.blank(keep=True)
        for n, line in enumerate(lines):
            p = self._para()
            p.paragraph_format.left_indent = SIGN_INDENT
            p.paragraph_format.keep_with_next = n < len(lines) - 1
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            self._run(p, line)

    def approvals(self, blocks: list[dict]) -> None:
        """The comment and approval blocks of a memo (ความเห็นของปลัด… / ความเห็นของนายก…),
        side by side in a borderless table that never splits: each a heading, lines to write
        on (or อนุมัติ / ไม่อนุมัติ), a space to sign, the name and the position."""
        if not blocks:
            return
        width = self.text_width_cm / len(blocks)
        t = self.doc.add_table(rows=1, cols=len(blocks))
        t.alignment = WD_TABLE_ALIGNMENT.CENTER
        t.autofit = False
        self._fixed_layout(t)
        self._cant_split(t.rows[0])
        for column in t.columns:
            column.width = Cm(width)
        for cell, b in zip(t.rows[0].cells, blocks, strict=True):
            cell.width = Cm(width)
            p = cell.paragraphs[0]
            p.paragraph_format.space_before = Pt(12)
            self._run(p, b["title"], bold=True)
            if b.get("choices"):
                for choice in b["choices"]:
                    p = cell.add_paragraph()
                    p.paragraph_format.left_indent = Cm(1.0)
                    self._plain(p, "\u2610 ", False, None, False)
                    self._run(p, choice)
            else:
                for _ in range(int(b.get("write_lines", 2))):
                    p = cell.add_paragraph()
                    self._plain(p, "." * int(width * 3.4), False, None, False)
            cell.add_paragraph()
            for line in b.get("lines", []):
                p = cell.add_paragraph()
                p.alignment = WD_ALIGN_PARAGRAPH.CENTER
                self._run(p, line)
        self._last = None

    def form_table(self, rows: list[tuple[str, str]], label_cm: float = 4.5) -> None:
        """A form: a label and its value a row (bold labels, shaded), no row split."""
        t = self.doc.add_table(rows=0, cols=2)
        t.style = self.doc.styles["Table Grid"]
        t.alignment = WD_TABLE_ALIGNMENT.CENTER
        t.autofit = False
        self._fixed_layout(t)
        widths = [Cm(label_cm), Cm(self.text_width_cm - label_cm)]
        for column, width in zip(t.columns, widths, strict=True):
            column.width = width
        for label, value in rows:
            row = t.add_row()
            self._cant_split(row)
            for cell, width in zip(row.cells, widths, strict=True):
                cell.width = width
            self._run(row.cells[0].paragraphs[0], label, bold=True)
            self._shade(row.cells[0], "F2F2F2")
            for n, line in enumerate(value.split("\n")):
                p = row.cells[1].paragraphs[0] if n == 0 else row.cells[1].add_paragraph()
                self._run(p, line)
        self._last = None
        self.doc.add_paragraph()

    # -- tables ------------------------------------------------------------------------------

    def table(self, columns: list[dict], rows: list[list], font_size: float | None = None,
              group_rows: AbstractSet[int] = frozenset(),
              notes: dict[int, tuple[str, list]] | None = None) -> None:
        """A grid table; ``rows`` hold str, or a list of URLs (live links) per cell.
        Rows listed in ``group_rows`` are one merged bold cell (a tool's heading); ``notes``
        (by row) add a full-width row under it: a label and URLs, each URL whole on its line.
        No row breaks across a page; the heading row repeats on every page."""
        size = font_size or self.size
        notes = notes or {}
        cms = [float(c.get("width", self.text_width_cm / len(columns))) for c in columns]
        scale = min(1.0, self.text_width_cm / sum(cms))  # never wider than the text area
        widths = [Cm(w * scale) for w in cms]
        t = self.doc.add_table(rows=1, cols=len(columns))
        t.style = self.doc.styles["Table Grid"]
        t.alignment = WD_TABLE_ALIGNMENT.CENTER
        t.autofit = False
        self._fixed_layout(t)
        for column, width in zip(t.columns, widths, strict=True):
            column.width = width  # w:gridCol, which LibreOffice lays the table out by
        header = t.rows[0]
        self._repeat_header(header)
        self._cant_split(header)
        for cell, col, width in zip(header.cells, columns, widths, strict=True):
            cell.width = width
            for n, line in enumerate(str(col["label"]).split("\n")):
                p = cell.paragraphs[0] if n == 0 else cell.add_paragraph()
                p.alignment = WD_ALIGN_PARAGRAPH.CENTER
                self._run(p, line, bold=True, size=size)
            self._shade(cell, "E7E6E6")
        for i, values in enumerate(rows):
            row = t.add_row()
            self._cant_split(row)
            cells = row.cells
            for cell, width in zip(cells, widths, strict=True):
                cell.width = width
            if i in group_rows:
                merged = cells[0].merge(cells[-1])
                self._run(merged.paragraphs[0], str(values[0]), bold=True, size=size)
                self._shade(merged, "F2F2F2")
                continue
            for cell, col, value in zip(cells, columns, values, strict=True):
                p = cell.paragraphs[0]
                if col.get("align") == "center":
                    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
                if isinstance(value, list):  # URLs: one live link a line
                    for n, url in enumerate(value):
                        if n:
                            p = cell.add_paragraph()
                        self.link(p, url, size)
                else:
                    bold = isinstance(value, tuple)
                    text = value[0] if bold else value
                    for n, line in enumerate(str(text or "").split("\n")):
                        if n:
                            p = cell.add_paragraph()
                        self._run(p, line, bold=bold, size=size)
            if i in notes:
                for p in (q for c in cells for q in c.paragraphs):
                    p.paragraph_format.keep_with_next = True  # the row stays with its note
                label, urls = notes[i]
                note = t.add_row()
                self._cant_split(note)
                merged = note.cells[0].merge(note.cells[-1])
                p = merged.paragraphs[0]
                self._run(p, label + " ", bold=True, size=size)
                for n, url in enumerate(urls):
                    if n:
                        p = merged.add_paragraph()
                        p.paragraph_format.left_indent = Cm(1.5)
                    self.link(p, url, size)
        self._last = None
        self.doc.add_paragraph()

    @staticmethod
    def _cant_split(row) -> None:
        tr_pr = row._tr.get_or_add_trPr()
        el = OxmlElement("w:cantSplit")
        el.set(qn("w:val"), "true")
        tr_pr.insert(0, el)

    def link(self, paragraph, url: str, size: float | None = None) -> None:
        """A live hyperlink (blue, underlined) whose text is the URL itself."""
        r_id = paragraph.part.relate_to(url, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
        link = OxmlElement("w:hyperlink")
        link.set(qn("r:id"), r_id)
        run = paragraph.add_run(url)
        _set_fonts(run._r.get_or_add_rPr(), self.font, size or self.size, False)
        run.font.underline = True
        run.font.color.rgb = RGBColor(0x05, 0x63, 0xC1)
        _latin(run)
        link.append(run._r)
        paragraph._p.append(link)

    @staticmethod
    def _fixed_layout(table) -> None:
        tbl_pr = table._tbl.tblPr
        layout = OxmlElement("w:tblLayout")
        layout.set(qn("w:type"), "fixed")
        tbl_pr.append(layout)

    @staticmethod
    def _repeat_header(row) -> None:
        tr_pr = row._tr.get_or_add_trPr()
        el = OxmlElement("w:tblHeader")
        el.set(qn("w:val"), "true")
        tr_pr.append(el)

    @staticmethod
    def _shade(cell, fill: str) -> None:
        tc_pr = cell._tc.get_or_add_tcPr()
        shd = OxmlElement("w:shd")
        shd.set(qn("w:val"), "clear")
        shd.set(qn("w:color"), "auto")
        shd.set(qn("w:fill"), fill)
        tc_pr.append(shd)

    def to_bytes(self) -> bytes:
        buf = BytesIO()
        self.doc.save(buf)
        return buf.getvalue()
