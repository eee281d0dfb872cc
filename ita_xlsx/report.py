"""Validation reports: JSON (a stable shape), CSV and a filterable .xlsx."""

from __future__ import annotations

import io
import json
from pathlib import Path

from .files import atomic_write, write_csv
from .validators.engine import FileReport, Report

STATUS_TH = {"valid": "ผ่าน", "warnings": "ผ่าน (มีข้อเตือน)", "invalid": "ต้องแก้ไข",
             "unreadable": "เปิดไม่ได้", "missing": "ยังไม่ส่ง"}
STATUS_EN = {"valid": "valid", "warnings": "valid with warnings", "invalid": "invalid",
             "unreadable": "unreadable", "missing": "missing"}
SEVERITY_TH = {"error": "ข้อผิดพลาด", "warning": "ข้อเตือน", "info": "ข้อสังเกต"}
SEVERITY_EN = {"error": "error", "warning": "warning", "info": "info"}


def status_text(status: str, lang: str) -> str:
    return (STATUS_EN if lang == "en" else STATUS_TH)[status]


def to_dict(report: Report, lang: str = "th") -> dict:
    """The JSON report: ``{"valid", "stats", "files": [...]}``; keys are stable."""
    return {
        "valid": report.valid,
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
    }


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


def finding_rows(files: list[FileReport], lang: str = "th") -> list[list[object]]:
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


def write_report_xlsx(report: Report, path: Path, lang: str = "th", force: bool = False) -> None:
    """One row per finding with filters, plus one row per file; all text written as text."""
    import xlsxwriter

    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_formulas": False,
                                   "strings_to_urls": False})
    base = {"font_name": "TH Sarabun New", "font_size": 14, "valign": "top"}
    head = wb.add_format({**base, "bold": True, "bg_color": "#DDEBF7", "border": 1})
    text = wb.add_format({**base, "text_wrap": True})
    sev_fmt = {"error": wb.add_format({**base, "font_color": "#C00000", "bold": True}),
               "warning": wb.add_format({**base, "font_color": "#9C5700"}),
               "info": wb.add_format(base)}
    th = lang != "en"
    files = wb.add_worksheet("ไฟล์" if th else "Files")
    fheads = (["ไฟล์", "รหัส", "หน่วยงาน", "สถานะ", "ข้อผิดพลาด", "ข้อเตือน", "นับหรือไม่"]
              if th else ["file", "org_code", "org_name", "status", "errors", "warnings",
                          "counts"])
    for c, h in enumerate(fheads):
        files.write_string(0, c, h, head)
    for r, f in enumerate(report.files, start=1):
        for c, v in enumerate([f.path, f.returned.org_code, f.returned.org_name,
                               status_text(f.status, lang)]):
            files.write_string(r, c, str(v or ""), text)
        files.write_number(r, 4, f.count("error"), text)
        files.write_number(r, 5, f.count("warning"), text)
        if f.decision is not None:
            files.write_string(r, 6, f.decision.text(lang), text)
    for r, item in enumerate(report.skipped, start=len(report.files) + 1):
        files.write_string(r, 0, item.path, text)
        files.write_string(r, 1, item.org_code, text)
        files.write_string(r, 3, "ไม่ใช่แบบรายงาน" if th else "not a return", text)
        files.write_string(r, 6, item.text(lang), text)
    files.autofilter(0, 0, max(1, len(report.files) + len(report.skipped)), len(fheads) - 1)
    files.freeze_panes(1, 0)
    files.set_column(0, 0, 40)
    files.set_column(1, 1, 12)
    files.set_column(2, 2, 36)
    files.set_column(3, 5, 14)
    files.set_column(6, 6, 60)
    ws = wb.add_worksheet("ข้อค้นพบ" if th else "Findings")
    for c, h in enumerate(FINDING_COLUMNS):
        ws.write_string(0, c, h, head)
    rows = finding_rows(report.files, lang)
    for r, row in enumerate(rows, start=1):
        for c, v in enumerate(row):
            if v is None:
                continue
            fmt = sev_fmt.get(row[4], text) if c == 4 else text
            if isinstance(v, int | float) and not isinstance(v, bool):
                ws.write_number(r, c, v, fmt)
            else:
                ws.write_string(r, c, str(v), fmt)
    ws.autofilter(0, 0, max(1, len(rows)), len(FINDING_COLUMNS) - 1)
    ws.freeze_panes(1, 0)
    for c, width in enumerate([30, 10, 28, 12, 10, 22, 10, 16, 6, 14, 7, 30, 80]):
        ws.set_column(c, c, width)
    sheets = [files, ws]
    if report.missing is not None or report.unusable:
        pending = wb.add_worksheet("ยังไม่ส่ง" if th else "Not returned")
        heads = ["รหัส", "หน่วยงาน", "สถานะ"] if th else ["org_code", "org_name", "state"]
        for c, h in enumerate(heads):
            pending.write_string(0, c, h, head)
        rows = [(c, n, "ยังไม่ส่ง" if th else "not returned") for c, n in report.missing or []]
        rows += [(c, n, (f"ส่งแล้วแต่ใช้ไม่ได้: {w}" if th else f"sent something unusable: {w}"))
                 for c, n, w in report.unusable]
        for r, row in enumerate(sorted(rows), start=1):
            for c, v in enumerate(row):
                pending.write_string(r, c, str(v or ""), text)
        pending.set_column(0, 0, 12)
        pending.set_column(1, 1, 36)
        pending.set_column(2, 2, 60)
        pending.freeze_panes(1, 0)
        sheets.append(pending)
    wb.set_custom_property("ita_output", "check-report")
    for sheet in sheets:
        sheet.set_landscape()
        sheet.set_paper(9)
        sheet.fit_to_pages(1, 0)
        sheet.repeat_rows(0)
    wb.close()
    atomic_write(path, buf.getvalue(), force)
