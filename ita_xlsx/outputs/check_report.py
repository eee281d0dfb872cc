"""Validation reports: JSON (a stable shape), CSV and a filterable .xlsx."""

from __future__ import annotations

import io
import json
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ita_xlsx.core.files import atomic_write, write_csv
from ita_xlsx.core.vocabulary import FILE_STATES, HEADINGS, ORG_STATES, SEVERITIES, label, tally
from ita_xlsx.thai.dates import format_day, now_thai
from ita_xlsx.validators.engine import FileReport, Report


def status_text(status: str, lang: str) -> str:
    """A file's result as a cell or the start of a line (the vocabulary's word)."""
    return label(FILE_STATES, status, lang)


def to_dict(report: Report, lang: str = "th") -> dict:
    """The JSON report: ``{"valid", "stats", "files": [...]}``; keys are stable."""
    return {
        "valid": report.valid,
        "ok": report.ok,  # what the exit code says (files that do not count left out)
        "stats": report.stats(),
        "files": [
            {
                "path": f.path,
                "org_code": f.returned.org_code,
                "org_name": f.returned.org_name,
                "template_version": f.returned.template_version,
                "status": f.status,
                **({"counts": f.decision.counts, "decision": f.decision.text(lang)}
                   if f.decision is not None else {}),
                "findings": [x.to_dict(lang) for x in f.findings],
            }
            for f in report.files
        ],
        **selection_dict(report, lang),
        **({"links": report.links} if report.links else {}),
        **({"missing": [{"org_code": c, "org_name": n} for c, n in report.missing]}
           if report.missing is not None else {}),
        **round_dict(report, lang),
    }


def round_dict(report: Report, lang: str = "th") -> dict:
    """Each organisation's state and the district's figures, as the round model decided
    (the same answer ``status``, ``merge``, the page and the memo give)."""
    rnd = report.round
    if rnd is None:
        return {}
    return {"orgs": [{k: v for k, v in o.to_dict(lang).items() if k != "files"}
                     for o in rnd.orgs],
            "figures": rnd.figures.to_dict()}


def selection_dict(report: Report, lang: str = "th") -> dict:
    """Which year/round counted, ties, what was sent but not read, who sent nothing usable."""
    sel = report.selection
    out: dict = {}
    if sel is not None:
        out["selection"] = {
            "fiscal_year": sel.fiscal_year, "round": sel.round, "summary": sel.summary(lang),
            "warnings": [en if lang == "en" else th for th, en in sel.warnings]}
    if report.skipped:
        out["not_read"] = [s.to_dict(lang) for s in report.skipped]
    if report.unusable:
        out["sent_unusable"] = [{"org_code": c, "org_name": n, "files": w}
                                for c, n, w in report.unusable]
    return out


def to_json(report: Report, lang: str = "th") -> str:
    return json.dumps(to_dict(report, lang), ensure_ascii=False, indent=2)


FINDING_COLUMNS = ["path", "org_code", "org_name", "status", "severity", "code", "sheet",
                   "sheet_name", "row", "column", "cell", "value", "message"]


def finding_rows(files: Sequence[FileReport], lang: str = "th") -> list[list[Any]]:
    rows = []
    for f in files:
        for x in f.findings:
            d = x.to_dict(lang)
            rows.append([f.path, f.returned.org_code, f.returned.org_name, f.status,
                         d["severity"], d["code"], d["sheet"], d["sheet_name"], d["row"],
                         d["column"], d["cell"], d["value"], d["message"]])
    return rows


def write_report_csv(report: Report, path: Path, lang: str = "th", force: bool = False) -> None:
    write_csv(path, FINDING_COLUMNS, finding_rows(report.files, lang), force)


def finding_headings(lang: str = "th") -> list[str]:
    """Headings of the findings sheet, by FINDING_COLUMNS; the recurring ones are the
    vocabulary's."""
    own = {"sheet": ("แผ่นงาน (คีย์)", "Sheet (key)"), "row": ("แถว", "Row"),
           "column": ("คอลัมน์ (คีย์)", "Column (key)"),
           "message": ("คำอธิบายและวิธีแก้", "What is wrong and how to fix it")}
    key = {"path": "file", "sheet_name": "sheet"}
    return [(own[c][1] if lang == "en" else own[c][0]) if c in own
            else label(HEADINGS, key.get(c, c), lang) for c in FINDING_COLUMNS]


FINDING_WIDTHS = [26, 10, 22, 12, 11, 16, 10, 14, 6, 10, 7, 18, 44]
# Kept for filters and machines, hidden on screen and paper: the file path and status (on the
# Files sheet), template keys and the row number (the cell says it).
FINDING_HIDDEN = (0, 3, 6, 8, 9)


def write_report_xlsx(report: Report, path: Path, lang: str = "th", force: bool = False) -> None:
    """One row per finding with filters, plus one row per file (and the organisations that
    have not returned, with an organisation list); titled, Thai headings, print-ready on A4;
    all text written as text."""

    import xlsxwriter

    from ita_xlsx.make.print_layout import row_height, setup_page, text_lines

    size = 14
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_formulas": False,
                                   "strings_to_urls": False})
    base = {"font_name": "TH Sarabun New", "font_size": size, "valign": "top"}
    head = wb.add_format({**base, "bold": True, "bg_color": "#DDEBF7", "border": 1,
                          "text_wrap": True, "align": "center"})
    title_fmt = wb.add_format({**base, "bold": True, "font_size": 18})
    plain = wb.add_format(base)
    text = wb.add_format({**base, "text_wrap": True})
    sev_fmt = {"error": wb.add_format({**base, "font_color": "#C00000", "bold": True}),
               "warning": wb.add_format({**base, "font_color": "#9C5700"}),
               "info": wb.add_format(base)}
    th = lang != "en"
    s = report.stats()
    missing = report.missing or []
    title = "ผลการตรวจแบบรายงานมาตรการ ITA" if th else "ITA measures returns: check report"
    states = tally({**s, "missing": len(missing)}, lang, (
        "valid", "warnings", "invalid", "unreadable",
        *(("missing",) if report.missing is not None else ())), " · ")
    today = format_day(now_thai())  # the day in Thailand, whatever the computer's zone
    subtitle = (f"ตรวจเมื่อ {today} · {s['files']} ไฟล์ · {states}" if th else
                f"Checked {today} · {s['files']} files · {states}")
    footer = f'&L&"TH Sarabun New,Regular"&12{title}&C&12' + ("หน้า &P/&N" if th else
                                                               "Page &P/&N")

    def titled(ws, heads: Sequence[str], widths: Sequence[float], repeat=None, hidden=()) -> int:
        ws.set_row(0, row_height(18))
        ws.write_string(0, 0, title, title_fmt)
        ws.set_row(1, row_height(size))
        ws.write_string(1, 0, subtitle, plain)
        for c, w in enumerate(widths):
            ws.set_column(c, c, w, None, {"hidden": True} if c in hidden else {})
        shown = [w for c, w in enumerate(widths) if c not in hidden]
        lines = max(text_lines(h, w) for c, (h, w) in enumerate(zip(heads, widths, strict=True))
                    if c not in hidden)
        ws.set_row(3, row_height(size, lines))
        for c, h in enumerate(heads):
            ws.write_string(3, c, h, head)
        ws.freeze_panes(4, 0)
        setup_page(ws, shown, title_rows=(3, 3), repeat_columns=repeat, footer=footer)
        return 3

    files = wb.add_worksheet("ไฟล์" if th else "Files")
    fheads = [*(label(HEADINGS, k, lang) for k in ("file", "org_code", "org_name", "status",
                                                   "errors", "warnings")),
              "นับหรือไม่" if th else "Counts"]
    fwidths = [40, 12, 30, 14, 10, 10, 40]
    h = titled(files, fheads, fwidths)
    r = h
    for f in report.files:
        r += 1
        values = [f.path, f.returned.org_code, f.returned.org_name, status_text(f.status, lang)]
        decision = f.decision.text(lang) if f.decision is not None else ""
        lines = max(text_lines(v, w) for v, w in zip([*values, "", "", decision], fwidths,
                                                     strict=True))
        files.set_row(r, row_height(size, lines))
        for c, v in enumerate(values):
            files.write_string(r, c, str(v or ""), text)
        files.write_number(r, 4, f.count("error"), plain)
        files.write_number(r, 5, f.count("warning"), plain)
        if decision:
            files.write_string(r, 6, decision, text)
    for item in report.skipped:
        r += 1
        files.set_row(r, row_height(size, max(text_lines(item.path, 40),
                                              text_lines(item.text(lang), 40))))
        files.write_string(r, 0, item.path, text)
        files.write_string(r, 1, item.org_code, text)
        files.write_string(r, 3, label(FILE_STATES, "not_read", lang), text)
        files.write_string(r, 6, item.text(lang), text)
    files.autofilter(h, 0, max(h + 1, r), len(fheads) - 1)

    ws = wb.add_worksheet("ข้อค้นพบ" if th else "Findings")
    h = titled(ws, finding_headings(lang), FINDING_WIDTHS,
               repeat=(1, 2), hidden=FINDING_HIDDEN)
    rows: list[Any] = finding_rows(report.files, lang)  # then the pending sheet's rows, below
    for r, row in enumerate(rows, start=h + 1):
        severity = row[4]
        shown = {3: status_text(row[3], lang),
                 4: label(SEVERITIES, severity, lang)}
        lines = max((text_lines(v, w) for c, (v, w) in enumerate(zip(row, FINDING_WIDTHS,
                                                                     strict=True))
                     if isinstance(v, str) and c not in FINDING_HIDDEN), default=1)
        ws.set_row(r, row_height(size, lines))
        for c, v in enumerate(row):
            v = shown.get(c, v)
            if v is None:
                continue
            fmt = sev_fmt.get(severity, text) if c == 4 else text
            if isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v):
                ws.write_number(r, c, v, fmt)
            else:
                ws.write_string(r, c, str(v), fmt)
    ws.autofilter(h, 0, h + max(1, len(rows)), len(FINDING_COLUMNS) - 1)

    if report.missing is not None or report.unusable:
        # With an organisation list: who has not returned, or sent nothing usable.
        pending = wb.add_worksheet(label(ORG_STATES, "not_sent", lang))
        h = titled(pending, [label(HEADINGS, k, lang) for k in ("org_code", "org_name",
                                                                  "status")], [14, 36, 60])
        rows = [(c, n, label(ORG_STATES, "not_sent", lang)) for c, n in report.missing or []]
        rows += [(c, n, f"{label(ORG_STATES, 'unusable', lang)}: {w}")
                 for c, n, w in report.unusable]
        for r, row in enumerate(sorted(rows), start=h + 1):
            pending.set_row(r, row_height(size, max(text_lines(row[1], 36),
                                                    text_lines(row[2], 60))))
            for c, v in enumerate(row):
                pending.write_string(r, c, str(v or ""), text)
        if not rows:
            pending.write_string(h + 1, 1, "ส่งครบทุกหน่วยงาน" if th else "Every organisation "
                                 "has returned", plain)
    wb.set_custom_property("ita_output", "check-report")
    wb.close()
    atomic_write(path, buf.getvalue(), force)
