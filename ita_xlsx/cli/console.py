"""How a validation report looks on a terminal: the command line's presentation, kept out of
the library (which never prints)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ita_xlsx.api import file_status_text as status_text
from ita_xlsx.core.vocabulary import COUNTS, ORG_STATES, SEVERITIES, label, tally, word

if TYPE_CHECKING:
    from ita_xlsx import Report

_ICON = {"valid": "✔", "warnings": "!", "invalid": "✘", "unreadable": "✘"}
_STYLE = {"valid": "green", "warnings": "yellow", "invalid": "red", "unreadable": "red"}


def print_selection(report: Report, say, lang: str = "th") -> None:
    """Per organisation with several files (or a file that does not count): which counts
    and why; then every file not read as a return, and the ties."""
    from rich.text import Text

    sel = report.selection
    if sel is None:
        return
    en = lang == "en"
    groups: dict[str, list] = {}
    for f in report.files:
        if f.decision is not None:
            groups.setdefault(f.decision.code or f"?{f.path}", []).append(f)
    shown_any = False
    for _code, files in sorted(groups.items()):
        if len(files) == 1 and files[0].decision.counts:
            continue
        if not shown_any:
            say(Text("Which file counts:" if en else "ไฟล์ที่นับของแต่ละหน่วยงาน:", style="bold"))
            shown_any = True
        for f in files:
            mark = "✔" if f.decision.counts else "–"
            say(Text(f"  {mark} {f.path}: ", style="green" if f.decision.counts else "dim")
                + Text(f.decision.text(lang)))
    if report.skipped:
        say(Text(f"Not read as returns ({len(report.skipped)}):" if en else
                 f"ไฟล์ที่ไม่ได้อ่านเป็นแบบรายงาน ({len(report.skipped)} ไฟล์):", style="bold"))
        for item in report.skipped:
            who = f" [{item.org_code}]" if item.org_code else ""
            say(Text(f"  · {item.path}{who}: {item.text(lang)}"))
    for th, en_text in sel.warnings:
        say(Text("! " + (en_text if en else th), style="yellow"))
    if sel.summary(lang):
        say(Text(sel.summary(lang)))


def print_console(report: Report, say, lang: str = "th", max_findings: int = 30) -> None:
    """Per file a status line, then its findings (the worst first), then the totals."""
    from rich.text import Text

    for f in report.files:
        org = " ".join(x for x in (f.returned.org_code, f.returned.org_name) if x)
        counts = []
        if f.count("error"):
            counts.append(f"{f.count('error')} " + word(COUNTS, "errors", lang))
        if f.count("warning"):
            counts.append(f"{f.count('warning')} " + word(COUNTS, "warnings", lang))
        line = Text(f"{_ICON[f.status]} {status_text(f.status, lang)}  ", style=_STYLE[f.status])
        line.append(f"{f.path}" + (f"  [{org}]" if org else ""), style="bold")
        if counts:
            line.append("  (" + ", ".join(counts) + ")")
        say(line)
        for x in f.findings[:max_findings]:
            sev = label(SEVERITIES, x.severity, lang)
            say(Text(f"    {sev} [{x.code}] ", style=_STYLE["invalid" if x.severity == "error"
                                                         else "warnings"]
                     if x.severity != "info" else "dim") + Text(x.message(lang)))
        if len(f.findings) > max_findings:
            more = len(f.findings) - max_findings
            say(Text(f"    … {more} more (see --report)" if lang == "en" else
                     f"    … และอีก {more} รายการ (ดูไฟล์ --report)", style="dim"))
    print_selection(report, say, lang)
    s = report.stats()
    states = tally(s, lang, ("valid", "warnings", "invalid", "unreadable"))
    severities = (f"{word(COUNTS, 'errors', lang)} {s['errors']}, "
                  f"{word(COUNTS, 'warnings', lang)} {s['warnings_total']}")
    if lang == "en":
        total = f"{s['files']} file(s): {states} · {severities} · {s['seconds']:.2f} s"
    else:
        total = f"ตรวจ {s['files']} ไฟล์: {states} · {severities} · {s['seconds']:.2f} วินาที"
    say(Text(total, style="bold"))
    if report.missing:
        names = ", ".join(f"{c} {n}" for c, n in report.missing[:20])
        more = len(report.missing) - 20
        tail = (f" … (+{more})" if more > 0 else "")
        n = len(report.missing)
        say(Text(label(ORG_STATES, "not_sent", lang)
                 + (f" ({n}): " if lang == "en" else f" ({n} หน่วยงาน): ") + names + tail,
                 style="yellow"))
    for code, name, what in report.unusable:
        say(Text(f"{label(ORG_STATES, 'unusable', lang)}: {code} {name} — {what}",
                 style="yellow"))
    if report.links:
        ln = report.links
        say(Text(f"links: {ln.get('checked', 0)} checked, {ln.get('dead', 0)} dead" if lang == "en"
                 else f"ลิงก์: ตรวจ {ln.get('checked', 0)} รายการ เปิดไม่ได้ {ln.get('dead', 0)}"))


def merge_lines(result, lang: str = "th") -> tuple[list[str], list[str]]:
    """What ``merge`` says after the report: the year and round counted, each file not
    counted and why, each file not read as a return; and the tie warnings (each said once)."""
    from ita_xlsx.api import merge_notes

    return merge_notes(result, lang)
