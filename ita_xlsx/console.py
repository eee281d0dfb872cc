"""How a validation report looks on a terminal: the command line's presentation, kept out of
the library (which never prints)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .report import SEVERITY_EN, SEVERITY_TH, status_text

if TYPE_CHECKING:
    from .validators.engine import Report

_ICON = {"valid": "✔", "warnings": "!", "invalid": "✘", "unreadable": "✘"}
_STYLE = {"valid": "green", "warnings": "yellow", "invalid": "red", "unreadable": "red"}


def print_console(report: Report, say, lang: str = "th", max_findings: int = 30) -> None:
    """Per file a status line, then its findings (the worst first), then the totals."""
    from rich.text import Text

    for f in report.files:
        org = " ".join(x for x in (f.returned.org_code, f.returned.org_name) if x)
        counts = []
        if f.count("error"):
            counts.append(f"{f.count('error')} " + ("errors" if lang == "en" else "ข้อผิดพลาด"))
        if f.count("warning"):
            counts.append(f"{f.count('warning')} " + ("warnings" if lang == "en" else "ข้อเตือน"))
        line = Text(f"{_ICON[f.status]} {status_text(f.status, lang)}  ", style=_STYLE[f.status])
        line.append(f"{f.path}" + (f"  [{org}]" if org else ""), style="bold")
        if counts:
            line.append("  (" + ", ".join(counts) + ")")
        say(line)
        for x in f.findings[:max_findings]:
            sev = (SEVERITY_EN if lang == "en" else SEVERITY_TH)[x.severity]
            say(Text(f"    {sev} [{x.code}] ", style=_STYLE["invalid" if x.severity == "error"
                                                         else "warnings"]
                     if x.severity != "info" else "dim") + Text(x.message(lang)))
        if len(f.findings) > max_findings:
            more = len(f.findings) - max_findings
            say(Text(f"    … {more} more (see --report)" if lang == "en" else
                     f"    … และอีก {more} รายการ (ดูไฟล์ --report)", style="dim"))
    s = report.stats()
    if lang == "en":
        total = (f"{s['files']} file(s): {s['valid']} valid, {s['warnings']} with warnings, "
                 f"{s['invalid']} invalid, {s['unreadable']} unreadable · {s['errors']} errors, "
                 f"{s['warnings_total']} warnings · {s['seconds']:.2f} s")
    else:
        total = (f"ตรวจ {s['files']} ไฟล์: ผ่าน {s['valid']}, ผ่านแต่มีข้อเตือน {s['warnings']}, "
                 f"ต้องแก้ไข {s['invalid']}, เปิดไม่ได้ {s['unreadable']} · ข้อผิดพลาด {s['errors']}, "
                 f"ข้อเตือน {s['warnings_total']} · {s['seconds']:.2f} วินาที")
    say(Text(total, style="bold"))
    if report.missing:
        names = ", ".join(f"{c} {n}" for c, n in report.missing[:20])
        more = len(report.missing) - 20
        tail = (f" … (+{more})" if more > 0 else "")
        say(Text((f"Not returned yet ({len(report.missing)}): " if lang == "en" else
                  f"ยังไม่ส่ง ({len(report.missing)} หน่วยงาน): ") + names + tail, style="yellow"))
    if report.links:
        ln = report.links
        say(Text(f"links: {ln.get('checked', 0)} checked, {ln.get('dead', 0)} dead" if lang == "en"
                 else f"ลิงก์: ตรวจ {ln.get('checked', 0)} รายการ เปิดไม่ได้ {ln.get('dead', 0)}"))
