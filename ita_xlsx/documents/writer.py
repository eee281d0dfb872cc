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
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from ita_xlsx.thai import to_thai_digits

FONT = "TH Sarabun New"
SIZE = 16
MEMO_HEAD_SIZE = 29
LABEL_SIZE = 20
FIRST_LINE_INDENT = Cm(2.5)
TEXT_WIDTH_CM = 16.0  # 21 - 3 - 2

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
                 landscape: bool = False):
        self.font, self.size, self.arabic = font, size, arabic_digits
        self.text_width_cm = TEXT_WIDTH_CM
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

    def _turn(self, section) -> None:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Cm(29.7), Cm(21.0)
        self.text_width_cm = 29.7 - 5.0

    def landscape(self) -> None:
        """Go on in a landscape section (wide tables): A4 turned, the same margins."""
        if self.text_width_cm > TEXT_WIDTH_CM:
            return
        self._turn(self.doc.add_section(WD_SECTION.NEW_PAGE))

    # -- text --------------------------------------------------------------------------------

    def text(self, value: str) -> str:
        return value if self.arabic else thai_digits(value)

    def _run(self, paragraph, text: str, bold: bool = False, size: float | None = None,
             convert: bool = True):
        run = paragraph.add_run(self.text(text) if convert else text)
        _set_fonts(run._r.get_or_add_rPr(), self.font, size or self.size, bold)
        return run

    def title(self, lines: list[str], size: float | None = None) -> None:
        for line in lines:
            p = self.doc.add_paragraph()
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            self._run(p, line, bold=True, size=size)
        self.blank()

    def heading(self, text: str) -> None:
        p = self.doc.add_paragraph()
        p.paragraph_format.space_before = Pt(6)
        p.paragraph_format.keep_with_next = True
        self._run(p, text, bold=True)

    def paragraph(self, text: str, indent: bool = True, align: str = "justify") -> None:
        p = self.doc.add_paragraph()
        if indent:
            p.paragraph_format.first_line_indent = FIRST_LINE_INDENT
        p.paragraph_format.space_after = Pt(6)
        p.alignment = {"justify": WD_ALIGN_PARAGRAPH.THAI_JUSTIFY,
                       "center": WD_ALIGN_PARAGRAPH.CENTER,
                       "left": WD_ALIGN_PARAGRAPH.LEFT}[align]
        self._run(p, text)

    def blank(self) -> None:
        self.doc.add_paragraph()

    def memo_header(self, office: str, reference: str, date: str, subject: str,
                    addressee: str) -> None:
        """บันทึกข้อความ: heading, ส่วนราชการ, ที่ / วันที่, เรื่อง, then เรียน."""
        p = self.doc.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        self._run(p, "บันทึกข้อความ", bold=True, size=MEMO_HEAD_SIZE)
        for label, value in (("ส่วนราชการ", office),):
            p = self.doc.add_paragraph()
            self._run(p, label, bold=True, size=LABEL_SIZE)
            self._run(p, "  " + value)
        p = self.doc.add_paragraph()
        p.paragraph_format.tab_stops.add_tab_stop(Cm(7.0))
        self._run(p, "ที่", bold=True, size=LABEL_SIZE)
        self._run(p, "  " + reference + "\t")
        self._run(p, "วันที่", bold=True, size=LABEL_SIZE)
        self._run(p, "  " + date)
        p = self.doc.add_paragraph()
        p.paragraph_format.left_indent = Cm(1.0)
        p.paragraph_format.first_line_indent = Cm(-1.0)
        self._run(p, "เรื่อง", bold=True, size=LABEL_SIZE)
        self._run(p, "  " + subject)
        self.blank()
        p = self.doc.add_paragraph()
        p.paragraph_format.space_after = Pt(6)
        self._run(p, "เรียน", bold=False)
        self._run(p, "  " + addressee)

    def closing(self, lines: list[str]) -> None:
        self.blank()
        for line in lines:
            p = self.doc.add_paragraph()
            p.paragraph_format.first_line_indent = FIRST_LINE_INDENT
            self._run(p, line)

    def signature(self, lines: list[str]) -> None:
        """The signature block: a space to sign, then name and position centred on the right."""
        self.blank()
        self.blank()
        for line in lines:
            p = self.doc.add_paragraph()
            p.paragraph_format.left_indent = Cm(7.0)
            p.paragraph_format.keep_with_next = True
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            self._run(p, line)

    # -- tables ------------------------------------------------------------------------------

    def table(self, columns: list[dict], rows: list[list], font_size: float | None = None,
              group_rows: AbstractSet[int] = frozenset()) -> None:
        """A grid table; ``rows`` hold str, or a list of URLs (live links) per cell.
        Rows listed in ``group_rows`` are one merged bold cell (a tool's heading)."""
        size = font_size or self.size
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
        for cell, col, width in zip(header.cells, columns, widths, strict=True):
            cell.width = width
            p = cell.paragraphs[0]
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            self._run(p, col["label"], bold=True, size=size)
            self._shade(cell, "E7E6E6")
        for i, values in enumerate(rows):
            cells = t.add_row().cells
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
        self.doc.add_paragraph()

    def link(self, paragraph, url: str, size: float | None = None) -> None:
        """A live hyperlink (blue, underlined) whose text is the URL itself."""
        r_id = paragraph.part.relate_to(url, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
        link = OxmlElement("w:hyperlink")
        link.set(qn("r:id"), r_id)
        run = paragraph.add_run(url)
        _set_fonts(run._r.get_or_add_rPr(), self.font, size or self.size, False)
        run.font.underline = True
        run.font.color.rgb = RGBColor(0x05, 0x63, 0xC1)
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
