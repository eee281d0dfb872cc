"""Render one workbook from a bound template with XlsxWriter.

Everything the workbook shows comes from the template (sheets, labels, choices, rules) and
the framework data (indicators, weights, levels). Untrusted text (organisation names, their
measures) is always written with ``write_string``; the workbook is built with
``strings_to_formulas/urls`` off as a second guard.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

import xlsxwriter
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from ita_xlsx.core.records import Notes, Org, Prefill
from ita_xlsx.make import print_layout
from ita_xlsx.spec.framework import Framework, score
from ita_xlsx.spec.roles import Cells, Fields, Roles
from ita_xlsx.spec.template import (
    MAX_MESSAGE,
    MAX_TITLE,
    META_SHEET,
    PROP_PREFIX,
    Bound,
    Field,
    Sheet,
    column_letter,
    split_cell,
)
from ita_xlsx.thai import clean_text, parse_number
from ita_xlsx.thai.dates import format_day

ROW_HEIGHT = 24  # points: one line of TH Sarabun New 16 pt
LISTS_SHEET = "_lists"
META_KEYS = (
    "template_id",
    "template_version",
    Fields.ORG_CODE,
    Fields.ORG_NAME,
    Fields.ORG_TYPE,
    Fields.DISTRICT,
    Fields.PROVINCE,
    Fields.FISCAL_YEAR,
    Fields.ROUND,
    "generated_at",
    "deadline",
    "contact",  # kept so that a feedback copy says what the original said
)


@dataclass
class RenderOptions:
    fiscal_year: int
    round: str = "plan"
    deadline: str = ""
    contact: str = ""
    generated_at: datetime = field(default_factory=lambda: datetime.now().replace(microsecond=0))




def meta_values(bound: Bound, org: Org, options: RenderOptions) -> dict[str, str]:
    t = bound.template
    return {
        "template_id": t.id,
        "template_version": t.version,
        Fields.ORG_CODE: org.code,
        Fields.ORG_NAME: org.name,
        Fields.ORG_TYPE: org.type,
        Fields.DISTRICT: org.district,
        Fields.PROVINCE: org.province,
        Fields.FISCAL_YEAR: str(options.fiscal_year),
        Fields.ROUND: options.round,
        "generated_at": options.generated_at.isoformat(),
        "deadline": options.deadline,
        "contact": options.contact,
    }


class Formats:
    """The workbook's cell formats, made once per workbook."""

    def __init__(self, wb: Workbook, font: str, size: int):
        base = {"font_name": font, "font_size": size, "valign": "top"}

        def fmt(**kw) -> xlsxwriter.format.Format:
            return wb.add_format({**base, **kw})

        self.text = fmt()
        self.wrap = fmt(text_wrap=True)
        self.title = fmt(bold=True, font_size=size + 4)
        self.subtitle = fmt(italic=True)
        self.header = fmt(bold=True, bg_color="#DDEBF7", border=1, text_wrap=True, align="center")
        self.header_req = fmt(
            bold=True, bg_color="#FFF2CC", border=1, text_wrap=True, align="center"
        )
        self.label = fmt(bold=True, border=1, bg_color="#F2F2F2")
        self.locked = fmt(border=1, bg_color="#F2F2F2", text_wrap=True)
        self.input = fmt(border=1, locked=False, num_format="@")
        self.input_wrap = fmt(border=1, locked=False, num_format="@", text_wrap=True)
        self.input_number = fmt(border=1, locked=False, num_format="0.00")
        self.computed = fmt(bold=True, border=1, bg_color="#E2EFDA", num_format="0.00")
        self.computed_text = fmt(bold=True, border=1, bg_color="#E2EFDA")
        self.note = {
            "error": fmt(border=2, border_color="#C00000", bg_color="#FFC7CE", locked=False,
                         text_wrap=True, num_format="@"),
            "warning": fmt(border=2, border_color="#BF8F00", bg_color="#FFEB9C", locked=False,
                           text_wrap=True, num_format="@"),
            "info": fmt(border=1, bg_color="#DDEBF7", locked=False, text_wrap=True,
                        num_format="@"),
        }
        self.flag = fmt(bg_color="#FFC7CE")
        self.link = fmt(font_color="blue", underline=1)


class Renderer:
    """Writes one workbook. ``render()`` returns its bytes."""

    def __init__(
        self,
        bound: Bound,
        org: Org,
        options: RenderOptions,
        prefill: Prefill | None = None,
        notes: Notes | None = None,
        cover: Callable[[Workbook, Formats], None] | None = None,
    ):
        self.bound = bound
        self.t = bound.template
        self.org = org
        self.options = options
        self.prefill = prefill or Prefill()
        # notes the pre-fill brings (results carried from an earlier round), then the caller's
        self.notes = {**(self.prefill.notes or {}), **(notes or {})}
        self.cover = cover
        self.list_ranges: dict[str, str] = {}

    # ------------------------------------------------------------ entry point

    def render(self) -> bytes:
        buf = io.BytesIO()
        wb = xlsxwriter.Workbook(
            buf,
            {
                "in_memory": True,
                "strings_to_formulas": False,
                "strings_to_urls": False,
                "strings_to_numbers": False,
            },
        )
        self.fmt = Formats(wb, self.t.font, self.t.font_size)
        self._properties(wb)
        if self.cover:
            self.cover(wb, self.fmt)
        sheets = {s.key: wb.add_worksheet(s.name) for s in self.t.sheets}
        lists = wb.add_worksheet(LISTS_SHEET)
        meta = wb.add_worksheet(META_SHEET)
        self._lists(lists)
        for s in self.t.sheets:
            ws = sheets[s.key]
            self._page_setup(ws, s)
            if s.kind == "guide":
                self._guide(ws, s)
            elif s.kind == "form":
                self._form(ws, s)
            elif s.kind == "catalogue":
                self._catalogue(ws, s)
            else:
                self._table(ws, s)
        self._meta(meta)
        lists.hide()
        meta.very_hidden()
        wb.close()
        return buf.getvalue()

    # ------------------------------------------------------------ workbook-level

    def _properties(self, wb: Workbook) -> None:
        values = meta_values(self.bound, self.org, self.options)
        wb.set_properties(
            {
                "title": f"{self.t.title} {self.org.name}".strip(),
                "subject": f"ITA {self.options.fiscal_year}",
                "author": "ita-xlsx",
                "company": self.org.name,
                "comments": f"{self.t.id} {self.t.version}",
                "created": self.options.generated_at,
            }
        )
        for key, value in values.items():
            # Excel's limit is 255 characters; the very-hidden sheet keeps the full value.
            wb.set_custom_property(PROP_PREFIX + key, (value or "-")[:255], "text")

    def _meta(self, ws: Worksheet) -> None:
        for row, (key, value) in enumerate(meta_values(self.bound, self.org, self.options).items()):
            ws.write_string(row, 0, key)
            ws.write_string(row, 1, value)

    def _lists(self, ws: Worksheet) -> None:
        """Every choice list in its own column of a hidden sheet (no 255-character limit)."""
        for col, key in enumerate(self.t.choices):
            items = self.bound.choice_items(key)
            ws.write_string(0, col, key)
            for row, item in enumerate(items, start=1):
                ws.write_string(row, col, item.label)
            letter = column_letter(col)
            self.list_ranges[key] = f"='{LISTS_SHEET}'!${letter}$2:${letter}${len(items) + 1}"

    def _footer(self) -> str:
        """The organisation at the left, the page at the centre, the form's version in words
        at the right (no template id: it is a machine word)."""
        # The text must not start with a digit: it would be read as part of the font size.
        org = "หน่วยงาน " + footer_safe(f"{self.org.code} {self.org.name}")
        return (f'&L&"{self.t.font},Regular"&12{org}&C&12หน้า &P/&N&R&12'
                f'แบบรายงานรุ่นที่ {self.t.version}')

    def _page_setup(self, ws: Worksheet, s: Sheet) -> None:
        ws.hide_gridlines(1)  # gridlines on screen, not on paper
        table = s.kind == "table"
        widths = [w for _, w in sorted((split_cell(f"{k}1")[1], w) for k, w in s.widths.items())]
        # A4: one page wide while that stays readable, else split with the first columns
        # (id, tool or indicator) repeated: wide input sheets printed at 6 pt help no one.
        print_layout.setup_page(ws, widths, title_rows=(s.header_row - 1, s.header_row - 1) if table
                   else None, repeat_columns=(0, 1) if table else None,
                   orientation="landscape" if table else "auto",
                   footer=self._footer())
        for letter, width in s.widths.items():
            col = split_cell(f"{letter}1")[1]
            ws.set_column(col, col, width)
        ws.set_default_row(ROW_HEIGHT)

    def _protect(self, ws: Worksheet) -> None:
        # No password: protection only keeps labels and formulas from being typed over.
        ws.protect(
            "",
            {
                "insert_rows": True,
                "delete_rows": True,
                "format_cells": True,
                "format_columns": True,
                "format_rows": True,
                "autofilter": True,
                "sort": True,
            },
        )

    def _fill(self, text: str) -> str:
        o, t = self.options, self.t
        fy = o.fiscal_year
        return text.format(
            title=t.title,
            fiscal_year=fy,
            analysis_year=fy - 1,
            round_label=t.round_label(o.round),
            org_name=self.org.name,
            org_code=self.org.code,
            pass_mark=int(self.bound.analysis_fw.pass_mark),
            fy_start_short=fy - 1,
            fy_end_short=fy,
            deadline=o.deadline or "ตามที่ท้องถิ่นอำเภอแจ้ง",
            contact=o.contact or "ท้องถิ่นอำเภอ",
            template_id=t.id,
            template_version=t.version,
            generated=format_day(o.generated_at),
        )

    # ------------------------------------------------------------ sheets

    def _guide(self, ws: Worksheet, s: Sheet) -> None:
        # One column a line of text, as wide as portrait A4 holds at a readable scale: at 130
        # units it was cut at the right margin on paper (blank workbooks and feedback copies).
        width = 84
        ws.set_column(0, 0, width)
        print_layout.setup_page(ws, [width], orientation="portrait", footer=self._footer())
        lines: list[str] = []
        rnd = self.options.round
        if rnd in ("6", "12") and not (self.prefill.measures or self.prefill.results):
            rnd = f"{rnd}-blank" if f"{rnd}-blank" in s.round_lines else rnd
        for line in s.lines:  # each round has its own instructions, declared in the template
            if line.strip() == "{round_instructions}":
                lines.extend(s.round_lines.get(rnd, ()))
            else:
                lines.append(line)
        for row, line in enumerate(lines):
            text = self._fill(line)
            if row == 0:
                ws.write_string(row, 0, text, self.fmt.title)
                ws.set_row(row, ROW_HEIGHT + 10)
                continue
            ws.write_string(row, 0, text, self.fmt.wrap)
            ws.set_row(row, ROW_HEIGHT * text_lines(text, width))
        ws.protect("")

    def _write_value(self, ws: Worksheet, row0: int, col: int, f: Field, value, fmt) -> None:
        """Write a pre-filled or returned value: numbers as numbers, everything else as text."""
        if value is None or value == "":
            ws.write_blank(row0, col, None, fmt)
            return
        if f.type == "score" and not isinstance(value, str):
            ws.write_number(row0, col, float(value), fmt)
            return
        if f.type == "score":
            try:
                number = parse_number(value)
            except ValueError:
                number = None
            if number is not None and str(value).strip() == str(number):
                ws.write_number(row0, col, number, fmt)
                return
        ws.write_string(row0, col, clean_text(value) if not isinstance(value, str) else value, fmt)

    def _note(self, ws: Worksheet, key: str, row: int, col: int) -> object | None:
        """Comment a cell that has findings; return the highlight format to use, if any."""
        notes = self.notes.get((key, row, col))
        if not notes:
            return None
        text = "\n".join(f"• {n.text}" for n in notes)
        ws.write_comment(row - 1, col, text[:30000], {"x_scale": 3, "y_scale": 2.5})
        worst = min(notes, key=lambda n: ("error", "warning", "info").index(n.severity))
        return self.fmt.note[worst.severity]

    def _form(self, ws: Worksheet, s: Sheet) -> None:
        f = self.fmt
        ws.write_string(0, 0, self._fill(s.title or s.name), f.title)
        ws.set_row(0, ROW_HEIGHT + 10)
        identity = {
            Fields.ORG_CODE: self.org.code,
            Fields.ORG_NAME: self.org.name,
            Fields.ORG_TYPE: self.org.type,
            Fields.DISTRICT: self.org.district,
            Fields.PROVINCE: self.org.province,
            Fields.FISCAL_YEAR: str(self.options.fiscal_year),
        }
        defaults = {
            Fields.ROUND: self.t.choices[self.t.choice_key(Roles.ORG, Fields.ROUND)].items[
                [c.value for c in self.t.choices[self.t.choice_key(Roles.ORG, Fields.ROUND)].items].index(self.options.round)
            ].label,
            Fields.EMAIL: self.org.first_email,
        }
        for fld in s.fields:
            row, col = split_cell(fld.cell)
            label_col = split_cell(f"{s.label_column}1")[1]
            label = fld.label + (" *" if fld.required else "")
            ws.write_string(row - 1, label_col, label, f.label)
            if fld.identity:
                value = identity.get(fld.key, "")
                fmt = f.locked
            else:
                value = str(self.prefill.org_fields.get(fld.key, defaults.get(fld.key, "")))
                fmt = f.input
            fmt = self._note(ws, s.key, row, col) or fmt
            self._write_value(ws, row - 1, col, fld, value, fmt)
            self._validation(ws, fld, row - 1, col, row - 1)
        self._protect(ws)

    def _table(self, ws: Worksheet, s: Sheet) -> None:
        f = self.fmt
        last_col = max(c.col_index for c in s.fields)
        ws.write_string(0, 0, self._fill(s.title or s.name), f.title)
        ws.set_row(0, ROW_HEIGHT + 10)
        ws.write_string(
            1, 0, f"{self.org.name} ({self.org.code}) · ปีงบประมาณ {self.options.fiscal_year}",
            f.subtitle,
        )
        hdr = s.header_row - 1
        for c in s.fields:
            label = c.label + (" *" if c.required else "")
            ws.write_string(hdr, c.col_index, label, f.header_req if c.required else f.header)
        # As tall as the longest wrapped heading (a fixed 48 pt cut two-line Thai headings).
        ws.set_row(hdr, max(48, print_layout.row_height(self.t.font_size, max(
            print_layout.text_lines(c.label + " *", s.widths.get(c.column, 10),
                                    self.t.font_size) for c in s.fields))))
        ws.freeze_panes(s.first_data_row - 1, 0)
        if s.rows == "framework.indicators":
            self._analysis_rows(ws, s)
        elif s.rows == "framework.oit_items":
            self._oit_rows(ws, s)
        else:
            self._input_rows(ws, s)
        if s.validation_rows:
            ws.autofilter(hdr, 0, hdr + max(self.bound.table_rows(s), 1), last_col)
        self._protect(ws)

    def _catalogue(self, ws: Worksheet, s: Sheet) -> None:
        """The suggested measures, one per row, read-only: the measures column's dropdown
        picks from this sheet, and the officer may still type a measure of their own."""
        f = self.fmt
        b = self.bound
        title = self._fill(s.title or s.name)
        if b.catalogue is not None and b.catalogue.title:
            title = f"{title} ({b.catalogue.title})" if s.title else b.catalogue.title
        ws.write_string(0, 0, title, f.title)
        ws.set_row(0, ROW_HEIGHT + 10)
        ws.write_string(1, 0, "เลือกใช้ในแผ่นงานมาตรการได้ (คอลัมน์มาตรการ/แนวทาง) หรือพิมพ์มาตรการของหน่วยงานเอง"
                        " ตัวอย่างเหล่านี้ไม่ใช่ข้อกำหนดของ ป.ป.ช.", f.subtitle)
        hdr = s.header_row - 1
        for c in s.fields:
            ws.write_string(hdr, c.col_index, c.label, f.header)
        ws.set_row(hdr, max(48, print_layout.row_height(self.t.font_size, max(
            print_layout.text_lines(c.label, s.widths.get(c.column, 10), self.t.font_size)
            for c in s.fields))))
        ws.freeze_panes(s.first_data_row - 1, 0)
        labels = {i.number: i.label for i in b.analysis_fw.indicators}
        first = s.first_data_row - 1
        for i, sug in enumerate(b.suggestions()):
            values = {Fields.INDICATOR: labels.get(sug.indicator, str(sug.indicator)),
                      Fields.OIT_ITEM: b.suggestion_item(sug), Fields.MEASURE: sug.measure,
                      Fields.UNIT: sug.unit, Fields.SOURCE: sug.source.label}
            lines = max(print_layout.text_lines(values.get(c.key) or "", s.widths.get(c.column, 10),
                                                self.t.font_size) for c in s.fields)
            ws.set_row(first + i, min(409, print_layout.row_height(self.t.font_size, lines)))
            for c in s.fields:
                ws.write_string(first + i, c.col_index, values.get(c.key) or "", f.locked)
        if b.suggestions():
            last_col = max(c.col_index for c in s.fields)
            ws.autofilter(hdr, 0, first + len(b.suggestions()) - 1, last_col)
        self._protect(ws)

    def _input_rows(self, ws: Worksheet, s: Sheet) -> None:
        """Pre-formatted input rows, filled from ``prefill`` when given."""
        # by role, not by the Prefill attribute that happens to share its name (other table
        # sheets: the attribute named as their role)
        data = ({Roles.MEASURES: self.prefill.measures, Roles.RESULTS: self.prefill.results}.get(s.key)
                or getattr(self.prefill, s.key, []) or [])
        n_rows = max(self.bound.table_rows(s), len(data) + 5)
        first = s.first_data_row - 1
        for i in range(n_rows):
            values = data[i] if i < len(data) else {}
            if values:
                lines = max((text_lines(values.get(c.key), s.widths.get(c.column, 10))
                             for c in s.fields if c.wrap or c.type == "choice"), default=1)
                if lines > 1:  # pre-filled long text: tall enough to read and print
                    ws.set_row(first + i, min(409, ROW_HEIGHT * lines))
            for c in s.fields:
                value = values.get(c.key)
                if value in (None, "") and c.sequence and not data:
                    value = c.sequence.format(n=i + 1)
                # Choices wrap too: OIT items and indicators are long names.
                fmt = self.fmt.input_wrap if c.wrap or c.type == "choice" else self.fmt.input
                if c.type == "score":
                    fmt = self.fmt.input_number
                fmt = self._note(ws, s.key, first + i + 1, c.col_index) or fmt
                self._write_value(ws, first + i, c.col_index, c, value, fmt)
        last = first + max(s.validation_rows, n_rows) - 1
        for c in s.fields:
            self._validation(ws, c, first, c.col_index, last)
        self._row_flags(ws, s, first, last)

    def _row_flags(self, ws: Worksheet, s: Sheet, first: int, last: int) -> None:
        """Shade a required cell left empty on a row that has other content."""
        content = [c for c in s.fields if not c.sequence and not c.prefilled]
        if not content:
            return
        r = first + 1
        lo = column_letter(min(c.col_index for c in content))
        hi = column_letter(max(c.col_index for c in content))
        for c in s.fields:
            if not c.required or c.sequence:
                continue
            letter = column_letter(c.col_index)
            ws.conditional_format(
                first, c.col_index, last, c.col_index,
                {
                    "type": "formula",
                    "criteria": f"=AND(COUNTA(${lo}{r}:${hi}{r})>0,LEN({letter}{r})=0)",
                    "format": self.fmt.flag,
                },
            )

    def _analysis_rows(self, ws: Worksheet, s: Sheet) -> None:
        """One locked row per indicator, score and issue as inputs, formulas underneath."""
        fw = self.bound.analysis_fw
        first = s.first_data_row - 1
        scores: dict[int, float | None] = {}
        cols = {c.key: c for c in s.fields}
        for i, ind in enumerate(fw.indicators):
            row0 = first + i
            given = self.prefill.analysis.get(ind.number, {})
            try:
                scores[ind.number] = parse_number(given.get(Fields.SCORE))
            except ValueError:
                scores[ind.number] = None
            for c in s.fields:
                if c.key == Fields.INDICATOR:
                    ws.write_string(row0, c.col_index, ind.label, self.fmt.locked)
                elif c.key == Fields.TOOL:
                    ws.write_string(row0, c.col_index, ind.tool, self.fmt.locked)
                else:
                    fmt = self.fmt.input_number if c.type == "score" else self.fmt.input_wrap
                    fmt = self._note(ws, s.key, row0 + 1, c.col_index) or fmt
                    self._write_value(ws, row0, c.col_index, c, given.get(c.key), fmt)
                    self._validation(ws, c, row0, c.col_index, row0)
        score_col = cols[Fields.SCORE].column
        rows = {ind.number: s.first_data_row + i for i, ind in enumerate(fw.indicators)}
        self._summary(ws, s, fw, scores, score_col, rows)
        issue = cols.get(Fields.ISSUE)
        if issue:
            last = first + len(fw.indicators) - 1
            r = s.first_data_row
            ws.conditional_format(
                first, issue.col_index, last, issue.col_index,
                {
                    "type": "formula",
                    "criteria": f"=AND(ISNUMBER(${score_col}{r}),${score_col}{r}<"
                    f"{fw.pass_mark:g},LEN({issue.column}{r})=0)",
                    "format": self.fmt.flag,
                },
            )

    def _oit_rows(self, ws: Worksheet, s: Sheet) -> None:
        """One locked row per OIT item of the year; the URLs and the note are the inputs.

        The URL cell's input message says what the item's page must show, where the
        framework data give the item's content rule."""
        fw = self.bound.target_fw
        first = s.first_data_row - 1
        cols = {c.key: c for c in s.fields}
        for i, item in enumerate(fw.oit_items):
            row0 = first + i
            given = self.prefill.oit.get(item.code, {})
            lines = max(text_lines(item.name_th, s.widths.get(cols[Fields.OIT_NAME].column, 10)),
                        text_lines(given.get(Fields.OIT_URLS), s.widths.get(cols[Fields.OIT_URLS].column, 10)))
            if lines > 1:
                ws.set_row(row0, min(409, ROW_HEIGHT * lines))
            for c in s.fields:
                if c.key == Fields.OIT_CODE:
                    ws.write_string(row0, c.col_index, item.code, self.fmt.locked)
                elif c.key == Fields.OIT_NAME:
                    ws.write_string(row0, c.col_index, item.name_th, self.fmt.locked)
                else:
                    fmt = self.fmt.input_wrap
                    fmt = self._note(ws, s.key, row0 + 1, c.col_index) or fmt
                    self._write_value(ws, row0, c.col_index, c, given.get(c.key), fmt)
                    if c.key == Fields.OIT_URLS:
                        self._oit_message(ws, c, row0, item)
                    else:
                        self._validation(ws, c, row0, c.col_index, row0)

    def _oit_message(self, ws: Worksheet, c: Field, row0: int, item) -> None:
        content = self.bound.target_fw.oit_shows(item.code)
        message = f"ต้องแสดง: {content.shows}" if content and content.shows else c.hint
        opts = {"validate": "any",
                "input_title": f"{item.code} {item.name_th}"[:MAX_TITLE - 1].rstrip() or item.code,
                "input_message": message[:MAX_MESSAGE]}
        if ws.data_validation(row0, c.col_index, row0, c.col_index, opts) != 0:
            raise RuntimeError(f"data validation for {item.code} was rejected by XlsxWriter")

    def _summary(
        self,
        ws: Worksheet,
        s: Sheet,
        fw: Framework,
        scores: dict[int, float | None],
        score_col: str,
        rows: dict[int, int],
    ) -> None:
        """Tool means, total and level as live formulas carrying their computed values."""
        cells = self.bound.summary_cells(s)
        result = score(fw, scores)
        labels = {c.key: c.label for c in s.computed}
        label_col = 0
        for tool in fw.tools:
            cell = cells[f"{Cells.TOOL_MEAN}:{tool.code}"]
            refs = ",".join(f"{score_col}{rows[n]}" for n in tool.indicators)
            formula = (
                f'=IF(COUNT({refs})={len(tool.indicators)},AVERAGE({refs}),"")'
            )
            cached = result.tool_means.get(tool.code)
            self._formula_row(ws, cell, labels[Cells.TOOL_MEAN].format(tool=tool.code), formula,
                              cached, label_col)
        means = {t.code: cells[f"{Cells.TOOL_MEAN}:{t.code}"] for t in fw.tools}
        weighted = "+".join(f"{t.weight:g}*{means[t.code]}" for t in fw.tools)
        refs = ",".join(means.values())
        total_formula = f'=IF(COUNT({refs})={len(fw.tools)},ROUND({weighted},2),"")'
        self._formula_row(ws, cells[Cells.TOTAL], labels[Cells.TOTAL], total_formula, result.total,
                          label_col)
        level_formula = "=" + level_formula_for(fw, cells[Cells.TOTAL], list(means.values()))
        self._formula_row(ws, cells[Cells.LEVEL], labels[Cells.LEVEL], level_formula, result.label,
                          label_col, text=True)
        for fld in s.extra_fields:
            row, col = split_cell(cells[fld.key])
            ws.write_string(row - 1, label_col, fld.label, self.fmt.label)
            fmt = self._note(ws, s.key, row, col) or self.fmt.input_number
            self._write_value(ws, row - 1, col, fld, self.prefill.extra.get(fld.key), fmt)
            self._validation(ws, fld, row - 1, col, row - 1)

    def _formula_row(self, ws, cell, label, formula, cached, label_col, text=False) -> None:
        row, col = split_cell(cell)
        ws.write_string(row - 1, label_col, label, self.fmt.label)
        # LibreOffice and mail previews show the cached value: make it the true result.
        value = "" if cached is None else cached
        ws.write_formula(row - 1, col, formula,
                         self.fmt.computed_text if text else self.fmt.computed, value)

    # ------------------------------------------------------------ validation

    def _validation(self, ws: Worksheet, c: Field, first: int, col: int, last: int) -> None:
        opts: dict = {}
        if c.choices:
            strict = self.t.choices[c.choices].strict
            opts = {
                "validate": "list",
                "source": self.list_ranges[c.choices],
                "error_type": "stop" if strict else "information",
            }
        elif c.references:
            ref_sheet, _, ref_col = c.references.partition(".")
            rs = self.t.sheet(ref_sheet)
            letter = rs.field(ref_col).column
            end = rs.first_data_row + max(rs.validation_rows, self.bound.table_rows(rs)) - 1
            opts = {
                "validate": "list",
                "source": f"='{rs.name}'!${letter}${rs.first_data_row}:${letter}${end}",
                "error_type": "warning",
            }
        elif c.type == "score":
            # A warning, not a stop: Thai digits typed as text must still be accepted.
            opts = {
                "validate": "decimal",
                "criteria": "between",
                "minimum": 0,
                "maximum": 100,
                "error_type": "warning",
                "error_title": "คะแนน 0–100",
                "error_message": "คะแนนต้องเป็นตัวเลขตั้งแต่ 0 ถึง 100",
            }
        elif c.hint:
            opts = {"validate": "any"}
        else:
            return
        if c.hint:
            opts["input_title"] = c.hint_title or c.label
            opts["input_message"] = c.hint
        if ws.data_validation(first, col, last, col, opts) != 0:
            # The template linter should have caught this: never ship a silently dropped rule.
            raise RuntimeError(f"data validation for {c.key} was rejected by XlsxWriter")


def text_lines(value: object, width: float) -> int:
    """Lines a wrapped cell needs at 16 pt (about one Thai character per width unit)."""
    if value in (None, ""):
        return 1
    per_line = max(1, int(width))
    return sum(max(1, -(-len(part) // per_line)) for part in str(value).split("\n"))


def footer_safe(text: str, limit: int = 100) -> str:
    """Text for a header/footer: '&' is its control character and '"' opens a font name."""
    return text[:limit].replace("&", "&&").replace('"', "”")


def level_formula_for(fw: Framework, total: str, tool_cells: list[str]) -> str:
    """An Excel expression giving the letter level or pass label of ``total``."""
    if fw.result_scheme == "pass" and fw.pass_labels:
        rules = [
            (r.label, r.min_total, r.min_each_tool) for r in fw.pass_labels
        ]
    else:
        rules = [(b.label, b.min_score, None) for b in fw.levels]
    expr = f'"{rules[-1][0]}"'
    for label, min_total, min_tool in reversed(rules[:-1]):
        cond = f"{total}>={min_total:g}"
        if min_tool is not None:
            cond = f"AND({cond},MIN({','.join(tool_cells)})>={min_tool:g})"
        expr = f'IF({cond},"{label}",{expr})'
    return f'IF({total}="","",{expr})'


def render_workbook(
    bound: Bound,
    org: Org,
    options: RenderOptions,
    prefill: Prefill | None = None,
    notes: Notes | None = None,
    cover: Callable[[Workbook, Formats], None] | None = None,
) -> bytes:
    """The bytes of one .xlsx workbook for ``org``."""
    return Renderer(bound, org, options, prefill, notes, cover).render()
