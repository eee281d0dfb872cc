"""Write the consolidated report (`merge`): summary, indicators, measures, results, findings,
files and charts, print-ready; and the same data as CSV files.

XlsxWriter in constant-memory mode (rows are written in order and flushed), so a country's
200,000 measure rows fit in little memory. Text from organisations is always written with
``write_string``; only well-formed http(s) URLs become links.
"""

from __future__ import annotations

import datetime as dt
import gc
import math
import os
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path

import xlsxwriter
from xlsxwriter.exceptions import FileCreateError

from ita_xlsx.consolidation import oit_grid, stacked
from ita_xlsx.consolidation.merge import MergeResult, OrgEntry
from ita_xlsx.consolidation.stacked import (
    FONT_SIZE,
    Making,
    Part,
    Rendered,
    RowMaker,
    SheetJob,
    stacked_rows,
)
from ita_xlsx.core import vocabulary as vocab
from ita_xlsx.core.files import (
    OutputFailed,
    atomic_target,
    commit_all,
    csv_bytes,
    discard,
    quiet_unraisable,
    stage,
    write_all,
)
from ita_xlsx.core.findings import Finding
from ita_xlsx.core.vocabulary import ORG_STATES
from ita_xlsx.make.fast_sheet import FastSheet, style_attribute
from ita_xlsx.make.print_layout import (
    be_date,
    fits_one_page,
    round_label,
    row_height,
    setup_page,
    severity_label,
    text_lines,
)
from ita_xlsx.spec.report_layout import (
    ANALYSIS,
    FILES,
    FINDINGS,
    NOT_PRINTED,
    REPORT_KIND,
    REPORT_META_SHEET,
    SUMMARY,
    SUMMARY_ONE_PAGE,
    SUMMARY_PRINTED,
    heading,
    measure_columns,
    result_columns,
    score_columns,
    sheet_names,
)
from ita_xlsx.spec.roles import Fields, Roles
from ita_xlsx.spec.template import Bound, Template, column_letter

# Charts in pixels: as wide as columns A:D (XlsxWriter's 524 px), so that they stay within the
# table's width however an application draws a column; a bar chart tall enough for its bars.
CHART_WIDTH, CHART_HEIGHT = 500, 360


def _bar_height(bars: int) -> int:
    return max(CHART_HEIGHT, 100 + 44 * bars)

def on_paper(columns, printed: tuple[str, ...] | None = None) -> tuple[list, int]:
    """The sheet's columns with those that print first (in ``printed`` order, else all but
    ``NOT_PRINTED``), and how many print. Readers find columns by the report's own list of
    keys, so the order on the sheet is free; the CSV files keep theirs."""
    if printed is not None:
        by_key = {c[0]: c for c in columns}
        on = [by_key[k] for k in printed if k in by_key]
    else:
        on = [c for c in columns if c[0] not in NOT_PRINTED]
    return on + [c for c in columns if c not in on], len(on)


def summary_values(e: OrgEntry) -> dict:
    n = len(e.results)
    return {
        "org_code": e.org_code, "org_name": e.org_name, "org_type": e.org_type,
        "district": e.district, "province": e.province, "status": e.status,
        "state": e.state,
        "template_version": e.template_version, "round": e.round, "ita_score": e.total,
        "ita_level": e.level, "measures": len(e.measures) if e.status != "missing" else None,
        "results_done": e.count_status("done") if n else (0 if e.measures else None),
        "results_in_progress": e.count_status("in_progress") if n else None,
        "results_not_started": e.count_status("not_started") if n else None,
        "results_with_evidence": e.with_evidence if n else None,
        "evidence_share": round(e.with_evidence / n, 4) if n else None,
        "errors": e.errors if e.status != "missing" else None,
        "warnings": e.warnings if e.status != "missing" else None,
        "note": e.note, "recorded": e.recorded, "file_time": e.file_time,
        "source_file": e.source_file,
        "via": e.via,
    }


STATE_KEYS = tuple(ORG_STATES)


class Writer:
    """Writes the consolidated workbook in one pass."""

    def __init__(self, result: MergeResult, template: Template, bound: Bound | None,
                 lang: str = "th"):
        self.r = result
        self.t = template
        self.bound = bound
        self.lang = lang
        labels = bound.choice_labels if bound else {}
        # column key -> {value: label}, for the choice columns of the stacked sheets
        self.shown = {f.key: labels.get(f.choices, {})
                      for f in (*template.sheet(Roles.MEASURES).fields,
                                *template.sheet(Roles.RESULTS).fields)
                      if f.choices and template.choices[f.choices].strict}
        if lang == "en" and bound:  # choices shown by their English labels
            english = {k: {c.value: c.label_en or c.label for c in bound.choice_items(k)}
                       for k in template.choices}
            self.shown = {f.key: english[f.choices]
                          for f in (*template.sheet(Roles.MEASURES).fields,
                                    *template.sheet(Roles.RESULTS).fields)
                          if f.choices and f.key in self.shown}
        self.names = sheet_names(lang)
        self.yes, self.no = self.tr("ใช่", "yes"), self.tr("ไม่", "no")
        self.meta: list[tuple[str, str]] = []

    def tr(self, th: str, en: str) -> str:
        return en if self.lang == "en" else th

    def level_text(self, level: str) -> str:
        """An organisation's result label in the report's language (pass labels have English
        names in the framework data; letters are the same)."""
        if not level or not self.bound:
            return level
        return self.bound.analysis_fw.result_text(level, self.lang)

    def _ind_label(self, ind) -> str:
        return f"{ind.number}. {ind.name_en}" if self.lang == "en" else ind.label

    def write(self, path: Path, force: bool = False) -> None:
        tmp = self.stage(path, force)
        try:
            commit_all([(tmp, path)])
        finally:
            tmp.unlink(missing_ok=True)

    def stage(self, path: Path, force: bool = False) -> Path:
        """The whole workbook in a temporary file beside ``path`` (for ``commit_all``).

        A file system error (full disk, a size limit, a read-only place) becomes
        OutputFailed naming ``path``, with nothing left behind: XlsxWriter's own scratch
        files go to a private folder beside the output, removed whatever happens."""
        path = Path(path)
        tmp = atomic_target(path, force)
        failed: OutputFailed | None = None
        with quiet_unraisable():
            scratch = None
            try:
                scratch = Path(tempfile.mkdtemp(prefix=".~ita-", dir=path.parent))
                self._build(tmp, scratch)
            except (OSError, FileCreateError) as exc:
                failed = _failed(exc, path)
            except BaseException:
                tmp.unlink(missing_ok=True)
                raise
            finally:
                if scratch is not None:
                    shutil.rmtree(scratch, ignore_errors=True)
                if failed is not None:
                    tmp.unlink(missing_ok=True)
            gc.collect()  # the failed writer's open ZIP is closed now, quietly
        if failed is not None:
            raise failed
        return tmp

    def _build(self, tmp: Path, scratch: Path) -> None:
        wb = xlsxwriter.Workbook(str(tmp), {
            "constant_memory": True, "strings_to_formulas": False,
            "strings_to_urls": False, "strings_to_numbers": False, "tmpdir": str(scratch),
        })
        self._formats(wb)
        # the stacked sheets' styles fixed first, so that the workbook is the same whichever
        # process makes those sheets
        self._styles = {k: style_attribute(f) for k, f in (
            ("text", self.f_text), ("wrap", self.f_wrap), ("link", self.f_link),
            ("center", self.f_center))}
        making = self._make_stacked(scratch)
        try:
            self._write_sheets(wb, making)
        finally:
            if making is not None:
                making.cancel()  # no worker outlives the writer, whatever happened
        wb.close()

    def _write_sheets(self, wb, making: Making | None) -> None:
        created = max((e.recorded for e in self.r.entries if e.recorded), default="")
        wb.set_properties({
            "title": self.tr(f"รายงานรวมมาตรการ ITA ปีงบประมาณ {self.r.fiscal_year or ''}",
                             f"ITA measures report, fiscal year {self.r.fiscal_year or ''}"),
            "author": "ita-xlsx",
            # Fixed from the data, so the same inputs give the same file.
            "created": dt.datetime.fromisoformat(created) if created
            else dt.datetime(2000, 1, 1),
        })
        wb.set_custom_property("ita_report", REPORT_KIND)
        self._summary(wb)
        self._scores(wb)
        self._analysis(wb)
        # the measures and results sheets take their place in the workbook now and their
        # rows last, so that the workers making them work while the other sheets are written
        # (each sheet's rows still come in order, as constant-memory mode needs)
        measures = self._stacked_sheet(wb, "measures", self.tr(
            "มาตรการของทุกหน่วยงาน", "Measures of every organisation"))
        results = self._stacked_sheet(wb, "results", self.tr(
            "ผลการดำเนินการของทุกหน่วยงาน", "Results of every organisation"))
        self._findings(wb)
        self._files(wb)
        self._charts(wb)
        oit_grid.write_sheet(self, wb)
        for i, (attr, sheet) in enumerate((("measures", measures), ("results", results))):
            self._stacked_rows(attr, sheet, making.result(i) if making else None)
        self._meta(wb)

    # ------------------------------------------------------------ helpers

    def _formats(self, wb) -> None:
        base = {"font_name": self.t.font, "font_size": 14, "valign": "top"}
        self.f_text = wb.add_format(base)
        self.f_wrap = wb.add_format({**base, "text_wrap": True})
        self.f_num = wb.add_format({**base, "num_format": "0.00"})
        self.f_int = wb.add_format({**base, "num_format": "0"})
        self.f_pct = wb.add_format({**base, "num_format": "0%"})
        self.f_head = wb.add_format({**base, "bold": True, "bg_color": "#DDEBF7", "border": 1,
                                     "text_wrap": True, "align": "center"})
        self.f_title = wb.add_format({**base, "bold": True, "font_size": 18})
        self.f_bold = wb.add_format({**base, "bold": True})
        self.f_center = wb.add_format({**base, "align": "center"})
        self.f_link = wb.add_format({**base, "font_color": "blue", "underline": 1})
        self.f_status = {
            "valid": wb.add_format({**base, "bg_color": "#C6EFCE"}),
            "warnings": wb.add_format({**base, "bg_color": "#FFEB9C"}),
            "invalid": wb.add_format({**base, "bg_color": "#FFC7CE"}),
            "unreadable": wb.add_format({**base, "bg_color": "#FFC7CE"}),
            "missing": wb.add_format({**base, "bg_color": "#D9D9D9"}),
        }

    def _sheet(self, wb, key: str, columns, title: str, first_row: int = 3,
               printed: int | None = None, block: Sequence[tuple[str, str]] = (),
               note: str = ""):
        """A sheet with its title, subtitle (and ``note`` under it) and heading row; on paper
        A4, one page wide at a readable scale or split with code and name repeated
        (``printed``: columns on paper)."""
        ws = wb.add_worksheet(self.names[key], worksheet_class=FastSheet)
        ws.set_row(0, row_height(18))
        ws.set_row(1, row_height(FONT_SIZE))
        ws.write_string(0, 0, title, self.f_title)
        ws.write_string(1, 0, self._subtitle(), self.f_text)
        if note:
            ws.set_row(2, row_height(FONT_SIZE))
            ws.write_string(2, 0, note, self.f_text)
        for i, (label, value) in enumerate(block):  # rows come in order (constant memory)
            ws.set_row(3 + i, row_height(FONT_SIZE))
            ws.write_string(3 + i, 0, label, self.f_bold)
            ws.write_string(3 + i, 2, value, self.f_text)
        for c, (_k, _label, width) in enumerate(columns):
            ws.set_column(c, c, width)
        self._head_row(ws, first_row, columns)
        ws.freeze_panes(first_row + 1, 2 if key != "files" else 1)
        widths = [w for _, _, w in columns][:printed]
        self._printed = printed or len(columns)
        setup_page(ws, widths, title_rows=(first_row, first_row),
                   repeat_columns=(0, 1) if key != "files" else None,
                   footer=self._footer())
        self.meta += [(f"sheet:{key}", self.names[key]),
                      (f"columns:{key}", ",".join(k for k, _, _ in columns)),
                      (f"first_row:{key}", str(first_row + 2))]
        return ws

    def _footer(self) -> str:
        """The sheet's title at the left, the page at the right (a portrait page has no room
        for both at the centre): words a reader uses."""
        fy = self.r.fiscal_year or ""
        return (f'&L&"{self.t.font},Regular"&12' + self.tr(
            f"รายงานรวมมาตรการ ITA ปีงบประมาณ {fy} · &A&R&12หน้า &P/&N",
            f"ITA measures report, fiscal year {fy} · &A&R&12Page &P/&N"))

    def _head_row(self, ws, row: int, columns) -> None:
        """Column headings, the row as tall as the longest wrapped heading needs."""
        labels = [(heading(k, label, self.lang), w) for k, label, w in columns]
        lines = max((text_lines(label, w) for label, w in labels), default=1)
        ws.set_row(row, row_height(FONT_SIZE, lines))
        for c, (label, _w) in enumerate(labels):
            ws.write_string(row, c, label, self.f_head)

    def _subtitle(self) -> str:
        n = len(self.r.entries)
        fy = self.r.fiscal_year or ""
        rnd = getattr(self.r, "round", "") or ""
        shown = f" · {round_label(rnd, self.lang)}" if rnd else ""
        return self.tr(f"ปีงบประมาณ {fy}{shown} · {n} หน่วยงาน",
                       f"Fiscal year {fy}{shown} · {n} organisations")

    def _shown(self, key: str, value: object) -> object:
        """A canonical choice value shown as its label."""
        labels = self.shown.get(key)
        if labels is None or value is None:
            return value
        return labels.get(str(value), value)

    def _put(self, ws, row: int, col: int, value: object, fmt=None) -> None:
        if value is None or value == "":
            return
        if isinstance(value, bool):
            ws.write_string(row, col, self.yes if value else self.no, fmt or self.f_text)
        elif isinstance(value, int | float) and math.isfinite(value):
            ws.write_number(row, col, value, fmt or self.f_text)
        else:
            ws.write_string(row, col, str(value), fmt or self.f_text)

    def _rows(self, ws, columns, rows, first_row: int, link_key: str | None = None,
              made: Rendered | None = None) -> int:
        """Stacked rows through ``FastSheet.append_row`` (``stacked.RowMaker`` says what each
        cell is), or spliced in as a worker ``made`` them: this is where a country's report
        spends its time."""
        if made is not None:
            if made.last_row > first_row:
                ws.splice(made.out, first_row + 1, made.last_row, made.cells, made.links)
            r = made.last_row
        else:
            maker = self._maker(columns, link_key, self._printed, {
                "text": self.f_text, "wrap": self.f_wrap, "link": self.f_link,
                "center": self.f_center})
            r = first_row
            for values in rows:
                r += 1
                cells, links, height = maker.row(values)
                ws.append_row(r, cells, links, height)
        ws.autofilter(first_row, 0, max(r, first_row + 1), len(columns) - 1)
        # On paper: the columns a reader needs (see on_paper), every row.
        ws.print_area(0, 0, max(r, first_row + 1), self._printed - 1)
        return r

    def _maker(self, columns, link_key: str | None, printed: int, styles: dict) -> RowMaker:
        keys = [k for k, _, _ in columns]
        return RowMaker(keys, [w for _, _, w in columns], printed,
                        keys.index(link_key) if link_key in keys else -1, styles,
                        self.yes, self.no)

    def _stacked_columns(self, attr: str) -> tuple[list, int, str | None]:
        """A stacked sheet's columns, those on paper, and its link column."""
        if attr == "measures":
            cols, printed = on_paper(measure_columns(self.t, self.lang))
            return cols, printed, None
        cols, printed = on_paper(result_columns(self.t, self.lang))
        return cols, printed, Fields.EVIDENCE_URL

    def _parts(self, attr: str) -> list[Part]:
        return [(e.org_code, e.org_name, e.source_file, e.via, getattr(e, attr))
                for e in self.r.entries]

    def _make_stacked(self, scratch: Path) -> Making | None:
        """Workers started on the measures and results sheets, for a report large enough to
        gain by it; None otherwise (the writer makes them itself)."""
        rows = sum(len(e.measures) + len(e.results) for e in self.r.entries)
        if not FastSheet.fast or rows < stacked.PARALLEL_ROWS:
            return None
        jobs = []
        for attr in ("measures", "results"):
            cols, printed, link_key = self._stacked_columns(attr)
            maker = self._maker(cols, link_key, printed or len(cols), self._styles)
            jobs.append(SheetJob(str(scratch / f"{attr}.rows.xml"), self._parts(attr),
                                 list(self.shown.items()), maker, 3))
        return stacked.Making(jobs)

    # ------------------------------------------------------------ sheets

    def _summary(self, wb) -> None:
        totals = self._totals()
        head = 3 + len(totals) + 1  # the totals block first, then the table
        columns, printed = on_paper(SUMMARY, SUMMARY_PRINTED)
        ws = self._sheet(wb, "summary", columns, self.tr("สรุปการส่งแบบรายงานมาตรการ ITA",
                                                         "Returns of the ITA measures workbook"),
                         first_row=head, printed=printed, block=totals)
        one_page = len(self.r.entries) <= SUMMARY_ONE_PAGE
        if one_page:
            # A district's summary is one sheet of paper, up to 25 organisations at 70 % or
            # more: the table alone on it, its title and totals in the page's header line.
            ws.set_landscape()
            ws.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
            ws.fit_to_pages(1, 1)
            ws.set_header(f'&C&"{self.t.font},Bold"&12' + self._header_line(totals).replace(
                "&", "&&"), {"margin": 0.2})
        r = head
        one_line = row_height(FONT_SIZE)
        for e in self.r.entries:
            r += 1
            values = summary_values(e)
            values["ita_level"] = self.level_text(values["ita_level"])
            width = {k: w for k, _l, w in columns}
            lines = max(text_lines(values["org_name"], width["org_name"]),
                        text_lines(values["ita_level"], width["ita_level"]))
            ws.set_row(r, row_height(FONT_SIZE, lines) if lines > 1 else one_line)
            for c, (key, _l, _w) in enumerate(columns):
                v = values[key]
                if key == "status":
                    ws.write_string(r, c, vocab.label(vocab.FILE_STATES, v, self.lang),
                                    self.f_status[v])
                elif key == "state" and v:
                    ws.write_string(r, c, vocab.label(vocab.ORG_STATES, v, self.lang),
                                    self.f_wrap)
                elif key == "evidence_share" and v is not None:
                    ws.write_number(r, c, v, self.f_pct)
                elif key == "ita_score" and v is not None:
                    ws.write_number(r, c, v, self.f_num)
                elif key == "round" and v:
                    ws.write_string(r, c, round_label(v, self.lang), self.f_center)
                elif key in ("recorded", "file_time") and v:
                    ws.write_string(r, c, be_date(v), self.f_center)
                elif key in ("org_name", "org_type", "ita_level") and v:
                    ws.write_string(r, c, str(v), self.f_wrap)
                else:
                    self._put(ws, r, c, v)
        ws.autofilter(head, 0, max(r, head + 1), len(columns) - 1)
        # On paper, up to the report date: file names and times would shrink the page to unreadable.
        ws.print_area(head if one_page else 0, 0, max(r, head + 1), printed - 1)

    def _header_line(self, totals: list[tuple[str, str]]) -> str:
        title = self.tr("สรุปการส่งแบบรายงานมาตรการ ITA", "Returns of the ITA measures workbook")
        return " · ".join([f"{title} {self._subtitle()}"] + [f"{k} {v}" for k, v in totals[:2]])

    def _totals(self) -> list[tuple[str, str]]:
        """The block at the top of the summary: returned of listed, valid, to fix, missing,
        measures and results, the share of results with evidence."""
        es = self.r.entries
        count = {k: sum(e.status == k for e in es) for k in
                 ("valid", "warnings", "invalid", "unreadable", "missing")}
        if any(e.state for e in es):  # the round model decided: its states are the answer
            by = {k: sum(e.state == k for e in es) for k in STATE_KEYS}
            count = {"valid": by["passed"], "warnings": by["passed_with_notes"],
                     "invalid": by["needs_fixing"],
                     "unreadable": by["unusable"] + by["not_counted"],
                     "missing": by["not_sent"] + by["sent"]}
        returned = len(es) - count["missing"]
        results = sum(len(e.results) for e in es)
        evidence = sum(e.with_evidence for e in es)
        share = f"{evidence / results:.0%}" if results else "-"
        passed = vocab.label(vocab.ORG_STATES, "passed", self.lang)
        rest = vocab.tally(count, self.lang, ("warnings", "invalid", "unreadable", "missing"),
                           " · ")
        if self.lang == "en":
            return [("Returned", f"{returned} of {len(es)} organisations"),
                    (passed, f"{count['valid'] + count['warnings']} (of which {rest})"),
                    ("Measures", f"{sum(len(e.measures) for e in es)}"),
                    ("Results", f"{results} · with evidence {evidence} ({share})")]
        return [("ส่งแล้ว", f"{returned} จาก {len(es)} หน่วยงาน"),
                (passed, f"{count['valid'] + count['warnings']} แห่ง · {rest}"),
                ("มาตรการ", f"{sum(len(e.measures) for e in es)} มาตรการ"),
                ("ผลการดำเนินการ", f"{results} รายการ · มีหลักฐาน {evidence} ({share})")]

    def _scores(self, wb) -> None:
        cols = score_columns(self.bound, self.lang)
        inds = self.bound.analysis_fw.indicators if self.bound else []
        stats_rows = len(inds)
        grid_head = 3 + stats_rows + 3
        stats_cols = [("indicator", "ตัวชี้วัด", 28), ("tool", "เครื่องมือ", 10),
                      ("mean", "เฉลี่ย", 8), ("min", "ต่ำสุด", 8), ("max", "สูงสุด", 8),
                      ("below", "ต่ำกว่าเกณฑ์", 8)]
        ws = self._sheet(wb, "scores", stats_cols,
                         self.tr("คะแนน ITA ปีก่อน รายตัวชี้วัด", "Last year's ITA scores by indicator"))
        # One set of column widths serves the statistics block and the grid under it; the
        # page is laid out by the grid, the wider of the two (it printed tiny before).
        stats_w = [w for _, _, w in stats_cols] + [0] * len(cols)
        widths: list[float] = [max(w, stats_w[c]) for c, (_k, _l, w) in enumerate(cols)]
        for c, w in enumerate(widths):
            ws.set_column(c, c, w)
        setup_page(ws, widths, title_rows=(grid_head, grid_head), repeat_columns=(0, 1),
                   footer=self._footer())
        scored = [e for e in self.r.entries if e.scores]
        first, last = grid_head + 2, grid_head + 1 + max(len(scored), 1)
        pass_mark = self.bound.analysis_fw.pass_mark if self.bound else 0  # no indicators then
        self.indicator_means = []
        one_line = row_height(FONT_SIZE)  # Thai rows at the default height overlap on paper
        for i, ind in enumerate(inds):
            r = 4 + i
            ws.set_row(r, one_line)
            given = [e.scores.get(ind.number) for e in scored]
            vals = [v for v in given if v is not None]
            col = column_letter(2 + i)
            rng = f"{col}{first}:{col}{last}"
            ws.write_string(r, 0, self._ind_label(ind), self.f_text)
            ws.write_string(r, 1, ind.tool, self.f_text)
            mean = round(sum(vals) / len(vals), 2) if vals else ""
            self.indicator_means.append((self._ind_label(ind), mean if vals else 0))
            ws.write_formula(r, 2, f'=IFERROR(ROUND(AVERAGE({rng}),2),"")', self.f_num, mean)
            ws.write_formula(r, 3, f'=IF(COUNT({rng})=0,"",MIN({rng}))', self.f_num,
                             min(vals) if vals else "")
            ws.write_formula(r, 4, f'=IF(COUNT({rng})=0,"",MAX({rng}))', self.f_num,
                             max(vals) if vals else "")
            ws.write_formula(r, 5, f'=COUNTIF({rng},"<{pass_mark:g}")', self.f_int,
                             sum(v < pass_mark for v in vals))
        self.meta += [("first_row:scores_stats", "5"), ("first_row:scores", str(grid_head + 2)),
                      ("columns:scores", ",".join(k for k, _, _ in cols))]
        self._head_row(ws, grid_head, cols)
        r = grid_head
        heights = [row_height(18), *[one_line] * grid_head]  # title to the grid's heading
        for e in scored:
            r += 1
            heights.append(row_height(FONT_SIZE, text_lines(e.org_name, 28)))
            ws.set_row(r, heights[-1])
            values = {"org_code": e.org_code, "org_name": e.org_name, "total": e.total,
                      "level": self.level_text(e.level), **{f"i{k}": v for k, v in e.scores.items()}}
            for c, (key, _l, _w) in enumerate(cols):
                v = values.get(key)
                self._put(ws, r, c, v, self.f_num if isinstance(v, float)
                          else self.f_wrap if key == "org_name" else None)
        if fits_one_page(widths, sum(heights)):
            # A district's statistics and grid are one sheet of paper when that stays
            # readable: fitted by width alone, the last rows spilled onto a second page.
            ws.fit_to_pages(1, 1)
        if scored:
            ws.conditional_format(first - 1, 2, last - 1, len(cols) - 2, {
                "type": "3_color_scale", "min_color": "#F8696B", "mid_color": "#FFEB84",
                "max_color": "#63BE7B"})

    def _analysis(self, wb) -> None:
        """Every indicator below the pass mark, with the issue the organisation gave."""
        cols, printed = on_paper(ANALYSIS)
        ws = self._sheet(wb, "analysis", cols, self.tr(
            "ตัวชี้วัดที่ต่ำกว่าเกณฑ์และประเด็นที่ต้องแก้ไข", "Indicators below the pass mark and the issues to fix"),
            printed=printed)
        fw = self.bound.analysis_fw if self.bound else None

        def rows():
            for e in self.r.entries:
                for n, value in sorted(e.scores.items()):
                    weak = value is not None and fw is not None and value < fw.pass_mark
                    if not (weak or e.issues.get(n)):
                        continue
                    ind = fw.indicator(n) if fw else None
                    # the name only: the number has its own column (ข้อ), "1010." otherwise
                    yield {"org_code": e.org_code, "org_name": e.org_name, "indicator_no": n,
                           "indicator": (ind.name_en if self.lang == "en" else ind.name_th)
                           if ind else str(n),
                           "tool": ind.tool if ind else "", "score": value,
                           "issue": e.issues.get(n, "")}

        self._rows(ws, cols, rows(), 3)

    def _stacked_sheet(self, wb, attr: str, title: str) -> tuple:
        """A stacked sheet's title and headings; its rows come with ``_stacked_rows``."""
        cols, printed, link_key = self._stacked_columns(attr)
        ws = self._sheet(wb, attr, cols, title, printed=printed)
        return ws, cols, self._printed, link_key

    def _stacked_rows(self, attr: str, sheet: tuple, made: Rendered | None) -> None:
        ws, cols, printed, link_key = sheet
        self._printed = printed
        rows = None if made else stacked_rows(self._parts(attr), list(self.shown.items()))
        self._rows(ws, cols, rows, 3, link_key=link_key, made=made)

    def _findings(self, wb) -> None:
        cols, printed = on_paper(FINDINGS)
        ws = self._sheet(wb, "findings", cols, self.tr("ข้อค้นพบจากการตรวจ",
                                                       "Findings of the checks"), printed=printed)

        def rows():
            for e in self.r.entries:
                for f in e.findings:
                    row = finding_row(f, self.lang)
                    yield {**row, "org_code": e.org_code, "org_name": e.org_name,
                           "source_file": row.get("source_file") or e.source_file,
                           "severity": severity_label(row.get("severity"), self.lang)}

        self._rows(ws, cols, rows(), 3)

    def _files(self, wb) -> None:
        cols, printed = on_paper(FILES)
        # Files named from the folder they all came from, given once above the table: on
        # paper a full path ran to three lines a file (C:\Users\...\Downloads\...).
        root = _common_folder([f["path"] for f in self.r.files])
        ws = self._sheet(wb, "files", cols, self.tr(
            "ไฟล์ที่ได้รับ (ฉบับล่าสุดของแต่ละหน่วยงานถูกใช้)",
            "Files received (the newest of each organisation is used)"), printed=printed,
            note=self.tr(f"ในโฟลเดอร์ {root}", f"In the folder {root}") if root else "")
        en = self.lang == "en"

        def inside(text: str) -> str:
            return text.replace(root + os.sep, "") if root else text

        rows = [{**f, "path": inside(f["path"]),
                 "status": vocab.label(vocab.FILE_KINDS if f["status"] in vocab.FILE_KINDS
                                       else vocab.FILE_STATES, f["status"], self.lang),
                 "reason": inside(f.get("reason_en" if en else "reason", "")),
                 "recorded": be_date(f.get("recorded")), "file_time": be_date(f.get("file_time")),
                 "round": round_label(f.get("round"), self.lang) if f.get("round") else ""}
                for f in sorted(self.r.files, key=lambda x: (x["org_code"], x["path"]))]
        self._rows(ws, cols, rows, 3)

    def _charts(self, wb) -> None:
        ws = wb.add_worksheet(self.names["charts"])
        # Each table with its chart under it, within A:D, one block a page: portrait, read at
        # nearly full size whatever the spreadsheet's column metrics (a chart beside its
        # table was drawn wider by LibreOffice without Calibri, and the page shrank to 64 %).
        setup_page(ws, [30, 14, 14, 14], orientation="portrait", footer=self._footer())
        ws.set_default_row(row_height(FONT_SIZE))
        ws.set_row(0, row_height(18))
        ws.write_string(0, 0, self.tr("ภาพรวม", "Overview"), self.f_title)
        # The three tables, each followed by its chart (every category labelled, tall enough
        # for its rows); from the second on, each table starts a page.
        levels: dict[str, int] = {}
        for e in self.r.entries:
            if e.level:
                levels[e.level] = levels.get(e.level, 0) + 1
        order = self._level_order()
        level_rows = [(lv, levels[lv]) for lv in order if lv in levels] + [
            (lv, n) for lv, n in sorted(levels.items()) if lv not in order]
        means = getattr(self, "indicator_means", [])
        groups = self._status_groups()
        n1, n2, n3 = max(len(level_rows), 1), max(len(means), 1), max(len(groups), 1)
        heights = (CHART_HEIGHT, _bar_height(n2), _bar_height(n3))

        def rows_of(px: int) -> int:  # sheet rows a chart of ``px`` pixels covers
            return -(-px // int(row_height(FONT_SIZE) * 4 / 3)) + 1

        r0 = 2
        r1 = r0 + n1 + 2 + rows_of(heights[0]) + 1
        r2 = r1 + n2 + 2 + rows_of(heights[1]) + 1
        ws.set_h_pagebreaks([r1, r2])
        ws.write_string(r0, 0, vocab.label(vocab.HEADINGS, "level", self.lang), self.f_head)
        ws.write_string(r0, 1, self.tr("จำนวนหน่วยงาน", "Organisations"), self.f_head)
        for i, (lv, n) in enumerate(level_rows, start=1):
            ws.write_string(r0 + i, 0, self.level_text(lv), self.f_text)
            ws.write_number(r0 + i, 1, n, self.f_int)
        ws.write_string(r1, 0, self.tr("ตัวชี้วัด", "Indicator"), self.f_head)
        ws.write_string(r1, 1, self.tr("คะแนนเฉลี่ย", "Mean score"), self.f_head)
        for i, (label, mean) in enumerate(means, start=1):
            ws.write_string(r1 + i, 0, label, self.f_text)
            ws.write_number(r1 + i, 1, mean or 0, self.f_num)
        # result status by organisation (by district when there are many)
        heads = (["Organisation/district", "Done", "In progress", "Not started"] if self.lang == "en"
                 else ["หน่วยงาน/อำเภอ", "แล้วเสร็จ", "ระหว่างดำเนินการ", "ยังไม่ดำเนินการ"])
        for c, h in enumerate(heads):
            ws.write_string(r2, c, h, self.f_head)
        for i, (name, counts) in enumerate(groups, start=1):
            ws.write_string(r2 + i, 0, name, self.f_text)
            for c, n in enumerate(counts, start=1):
                ws.write_number(r2 + i, c, n, self.f_int)
        ws.set_column(0, 0, 30)
        ws.set_column(1, 3, 14)
        name = self.names["charts"]
        font = {"name": self.t.font, "size": 14}

        def chart(kind, title, series, cats, row, height, subtype=None, values=None):
            """``values``: the value axis, counts ({"count": max}) or scores (0-100)."""
            opts = {"type": kind}
            if subtype:
                opts["subtype"] = subtype
            ch = wb.add_chart(opts)
            for s in series:
                ch.add_series({**s, "categories": cats})
            ch.set_title({"name": title, "name_font": {**font, "size": 16}})
            # Every category labelled (room enough for each: no label skipped). In a bar
            # chart XlsxWriter's y axis is the category axis and x the values.
            category_axis = {"num_font": {**font, "size": 12}, "interval_unit": 1,
                             "interval_tick": 1}
            value_axis = {"num_font": font, "min": 0, "major_gridlines": {"visible": True}}
            if values == "scores":
                value_axis.update(max=100, major_unit=10, num_format="0")
            elif isinstance(values, int):  # counts: whole numbers, never 0.5 steps
                value_axis.update(num_format="0", major_unit=max(1, -(-values // 10)),
                                  max=max(1, values))
            if kind == "bar":
                ch.set_x_axis(value_axis)
                ch.set_y_axis(category_axis)
            else:
                ch.set_x_axis(category_axis)
                ch.set_y_axis(value_axis)
            ch.set_legend({"font": font, "position": "bottom" if len(series) > 1 else "none"})
            ch.set_size({"width": CHART_WIDTH, "height": height})
            ws.insert_chart(row, 0, ch)

        chart("column", self.tr("จำนวนหน่วยงานตามระดับผลการประเมิน",
                                "Organisations by assessment level"),
              [{"name": self.tr("หน่วยงาน", "Organisations"),
                "values": [name, r0 + 1, 1, r0 + n1, 1],
                "data_labels": {"value": True}, "fill": {"color": "#4472C4"}}],
              [name, r0 + 1, 0, r0 + n1, 0], r0 + n1 + 2, heights[0],
              values=max((n for _, n in level_rows), default=1))
        chart("bar", self.tr("คะแนนเฉลี่ยรายตัวชี้วัด", "Mean score by indicator"),
              [{"name": self.tr("คะแนนเฉลี่ย", "Mean score"),
                "values": [name, r1 + 1, 1, r1 + n2, 1],
                "data_labels": {"value": True, "num_format": "0.00"},
                "fill": {"color": "#70AD47"}}],
              [name, r1 + 1, 0, r1 + n2, 0], r1 + n2 + 2, heights[1], values="scores")
        colors = ["#70AD47", "#FFC000", "#A5A5A5"]
        chart("bar", self.tr("สถานะผลการดำเนินการ", "Status of results"),
              [{"name": [name, r2, c], "values": [name, r2 + 1, c, r2 + n3, c],
                "fill": {"color": colors[c - 1]}} for c in (1, 2, 3)],
              [name, r2 + 1, 0, r2 + n3, 0], r2 + n3 + 2, heights[2], subtype="stacked",
              values=max((sum(c) for _, c in groups), default=1))

    def _level_order(self) -> list[str]:
        if not self.bound:
            return []
        fw = self.bound.analysis_fw
        rules = fw.pass_labels if fw.result_scheme == "pass" else fw.levels
        return [r.label for r in rules]

    def _status_groups(self) -> list[tuple[str, tuple[int, int, int]]]:
        entries = [e for e in self.r.entries if e.results]
        by_org = len(entries) <= 60
        groups: dict[str, list[int]] = {}
        for e in entries:
            key = e.org_name or e.org_code if by_org else (e.district or "-")
            g = groups.setdefault(key, [0, 0, 0])
            g[0] += e.count_status("done")
            g[1] += e.count_status("in_progress")
            g[2] += e.count_status("not_started")
        return [(k, (v[0], v[1], v[2])) for k, v in groups.items()]

    def _meta(self, wb) -> None:
        ws = wb.add_worksheet(REPORT_META_SHEET)
        rows = [("kind", REPORT_KIND), ("fiscal_year", str(self.r.fiscal_year or "")),
                ("round", self.r.round),
                ("organisations", str(len(self.r.entries))),
                ("template_id", self.t.id), ("template_version", self.t.version), *self.meta]
        for i, (k, v) in enumerate(rows):
            ws.write_string(i, 0, k)
            ws.write_string(i, 1, v)
        ws.very_hidden()


def _common_folder(paths: Sequence[str]) -> str:
    """The folder every one of ``paths`` lies in ("" when they share none, e.g. two drives)."""
    folders = [os.path.dirname(p) for p in paths if p and " > " not in p]
    try:
        root = os.path.commonpath(folders) if folders else ""
    except ValueError:  # relative beside absolute, or two drives
        return ""
    return "" if root in ("", os.sep) else root


def _failed(exc: Exception, path: Path) -> OutputFailed:
    """XlsxWriter wraps the system's error (FileCreateError): name the output and the cause."""
    cause = exc if isinstance(exc, OSError) else next(
        (a for a in exc.args if isinstance(a, OSError)), None)
    if cause is not None:
        return OutputFailed.of(cause, path)
    return OutputFailed(path, str(exc), str(exc))


def write_report(result: MergeResult, path: Path, template: Template, bound: Bound | None,
                 force: bool = False, lang: str = "th") -> None:
    Writer(result, template, bound, lang).write(Path(path), force)


def finding_row(f: Finding | dict, lang: str) -> dict:
    """A finding as a row, its message in ``lang``; rows read back from an earlier report
    are already text."""
    return f.to_dict(lang) if isinstance(f, Finding) else f


def write_csvs(result: MergeResult, out_dir: Path, template: Template, force: bool = False,
               lang: str = "th") -> list[Path]:
    """summary.csv, measures.csv, results.csv, findings.csv (UTF-8 with BOM, guarded)."""
    pending = csv_files(result, out_dir, template, lang)
    write_all(pending, force)  # all four or none
    return [path for path, _ in pending]


def write_report_and_csvs(result: MergeResult, path: Path, csv_dir: Path | None,
                          template: Template, bound: Bound | None, force: bool = False,
                          lang: str = "th") -> list[Path]:
    """The report and (with ``csv_dir``) the four CSV files, all or none: every one is
    complete in a temporary file before any is moved into place."""
    report = Writer(result, template, bound, lang).stage(Path(path), force)
    temps = [(report, Path(path))]
    try:
        if csv_dir is not None:
            temps += stage(csv_files(result, Path(csv_dir), template, lang), force)
        commit_all(temps)
    finally:
        discard(temps)
    return [dest for _, dest in temps]


def csv_files(result: MergeResult, out_dir: Path, template: Template,
              lang: str = "th") -> list[tuple[Path, bytes]]:
    """The four CSV files as (path, bytes)."""
    out_dir = Path(out_dir)
    pending: list[tuple[Path, bytes]] = []

    def save(name: str, columns, rows) -> None:
        keys = [k for k, _, _ in columns]
        pending.append((out_dir / name, csv_bytes(keys, [[r.get(k) for k in keys]
                                                          for r in rows])))

    # dates as every surface shows them (Buddhist Era, Thai time); JSON alone carries ISO
    save("summary.csv", SUMMARY, [{**v, "recorded": be_date(v["recorded"]),
                                   "file_time": be_date(v["file_time"])}
                                  for v in map(summary_values, result.entries)])

    def stacked(attr):
        for e in result.entries:
            for rec in getattr(e, attr):
                rec = finding_row(rec, lang) if attr == "findings" else rec
                yield {**rec, "org_code": e.org_code, "org_name": e.org_name,
                       "source_file": rec.get("source_file") or e.source_file}

    save("measures.csv", measure_columns(template, lang), list(stacked("measures")))
    save("results.csv", result_columns(template, lang), list(stacked("results")))
    save("findings.csv", FINDINGS, list(stacked("findings")))
    return pending



