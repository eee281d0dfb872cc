"""Feedback copies: per organisation, a fresh workbook holding its own data, every problem
cell filled and commented, and a first sheet listing the problems with links to the cells.

Rebuilt from the current template rather than edited in place: openpyxl drops newer
validation rules and images on save, .xls/.ods cannot be edited by it, and rebuilding also
upgrades workbooks made from an older template version.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ita_xlsx.core.files import OutputExists, OutputFailed, atomic_write, safe_filename
from ita_xlsx.core.findings import Finding
from ita_xlsx.core.records import Note, Org, Prefill
from ita_xlsx.core.vocabulary import HEADINGS, SEVERITIES, label
from ita_xlsx.intake.read import Returned
from ita_xlsx.make.print_layout import row_height, setup_page, text_lines
from ita_xlsx.make.render import Formats, RenderOptions, render_workbook
from ita_xlsx.outputs.check_report import status_text
from ita_xlsx.spec.roles import Fields, Roles
from ita_xlsx.spec.template import Bound, column_letter, split_cell
from ita_xlsx.thai import clean_text
from ita_xlsx.thai.dates import format_day, now_thai
from ita_xlsx.validators.cross import indicator_rows
from ita_xlsx.validators.engine import FileReport, Report

FONT_SIZE = 16  # the workbook's font size (the template's), which the copy keeps

COVER_SHEET = "ผลการตรวจ"
COVER_SHEET_EN = "Findings"


@dataclass
class FeedbackResult:
    written: list[Path] = field(default_factory=list)
    refused: list[Path] = field(default_factory=list)
    skipped: list[Path] = field(default_factory=list)  # files that do not count


def prefill_from(ret: Returned, bound: Bound) -> Prefill:
    """The organisation's own data, choices shown as their labels again."""
    t, shown = bound.template, bound.shown
    org_fields = {k: v for k, v in shown(Roles.ORG, ret.form).items()
                  if not t.sheet(Roles.ORG).field(k).identity}
    analysis = {n: {Fields.SCORE: r.values.get(Fields.SCORE), Fields.ISSUE: r.values.get(Fields.ISSUE)}
                for n, r in indicator_rows(ret, bound)}
    return Prefill(
        org_fields=org_fields,
        analysis=analysis,
        extra={k: v for k, (v, _cell) in ret.extras.items()},
        measures=[shown(Roles.MEASURES, r.values) for r in ret.tables.get(Roles.MEASURES, [])],
        results=[shown(Roles.RESULTS, r.values) for r in ret.tables.get(Roles.RESULTS, [])],
        oit=_oit_prefill(ret, bound),
    )


def _oit_prefill(ret: Returned, bound: Bound) -> dict[str, dict[str, object]]:
    """Each OIT item's URLs and note as typed (line breaks kept), by item code."""
    out: dict[str, dict[str, object]] = {}
    for r in ret.tables.get(Roles.OIT, []):
        code = bound.target_fw.oit_item_from_text(r.values.get(Fields.OIT_CODE))
        if code and code not in out:
            raw = r.raw.get(Fields.OIT_URLS)
            value = r.values.get(Fields.OIT_URLS)
            linked = isinstance(value, str) and value != clean_text(raw)
            out[code] = {Fields.OIT_URLS: value if linked else raw, Fields.OIT_NOTE: r.raw.get(Fields.OIT_NOTE)}
    return out


def org_of(ret: Returned) -> Org:
    ident, form = ret.identity, ret.form

    def pick(key: str) -> str:
        return str(form.get(key) or ident.get(key) or "")

    return Org(code=ret.org_code, name=pick(Fields.ORG_NAME), type=pick(Fields.ORG_TYPE),
               district=pick(Fields.DISTRICT), province=pick(Fields.PROVINCE), email=str(form.get(Fields.EMAIL) or ""))


def relocate(ret: Returned, bound: Bound, f: Finding) -> tuple[str, int, int] | None:
    """Where a finding's cell lands in the rebuilt workbook: (sheet key, Excel row, column)."""
    t = bound.template
    if not f.sheet or f.sheet == "file" or f.sheet not in {s.key for s in t.data_sheets}:
        return None
    s = t.sheet(f.sheet)
    if s.kind == "form":
        if f.column is None:  # no cell named: nothing to point at
            return None
        try:
            row, col = split_cell(s.field(f.column).cell)
        except (KeyError, ValueError):
            return None
        return (s.key, row, col)
    if f.sheet == Roles.ANALYSIS:
        cells = bound.summary_cells(s)
        if f.column in cells:
            row, col = split_cell(cells[f.column])
            return (s.key, row, col)
        rows = ret.tables.get(Roles.ANALYSIS, [])
        number = next((r.values.get(Fields.INDICATOR) for r in rows if r.row == f.row), None)
        numbers = [str(i.number) for i in bound.analysis_fw.indicators]
        if str(number) not in numbers or not f.column:
            return None
        return (s.key, s.first_data_row + numbers.index(str(number)), s.field(f.column).col_index)
    if f.sheet == Roles.OIT:  # the copy lists the items in the year's order, whatever the file did
        codes = [o.code for o in bound.target_fw.oit_items]
        code = f.params.get("item")
        if code not in codes or not f.column:
            return None
        return (s.key, s.first_data_row + codes.index(code), s.field(f.column).col_index)
    index = next((i for i, r in enumerate(ret.tables.get(f.sheet, [])) if r.row == f.row), None)
    if index is None or not f.column:
        return None
    try:
        col = s.field(f.column).col_index
    except KeyError:
        return None
    return (s.key, s.first_data_row + index, col)


def _cover(rep: FileReport, bound: Bound, places: list, lang: str):
    """A first sheet listing every problem, with links to the cells of this copy."""

    def draw(wb, fmt: Formats) -> None:
        th = lang != "en"
        # marks the copy as this tool's output: never read back as a return, whatever its name
        wb.set_custom_property("ita_output", "feedback")
        ws = wb.add_worksheet(COVER_SHEET if th else COVER_SHEET_EN)
        widths = [5, 12, 20, 10, 80]
        for c, w in enumerate(widths):
            ws.set_column(c, c, w)
        setup_page(ws, widths, title_rows=(4, 4), orientation="landscape")
        ret = rep.returned
        title = ("ผลการตรวจแบบรายงาน ITA" if th else "ITA workbook check") + \
            f" — {ret.org_name} ({ret.org_code})"
        ws.write_string(0, 0, title, fmt.title)
        ws.set_row(0, row_height(20))
        ws.set_row(1, row_height(FONT_SIZE))
        ws.set_row(2, row_height(FONT_SIZE))
        checked = f"{label(HEADINGS, 'checked_at', lang)} {format_day(now_thai())}"
        ws.write_string(1, 0, (f"ไฟล์ที่ส่งมา: {Path(rep.path).name} · {label(HEADINGS, 'status', lang)}: "
                               f"{status_text(rep.status, lang)} · {checked}") if th else
                        f"Returned file: {Path(rep.path).name} · {label(HEADINGS, 'status', lang)}: "
                        f"{status_text(rep.status, lang)} · {checked}", fmt.text)
        ws.write_string(2, 0, "แก้ไขเซลล์ที่มีสีในสำเนานี้ (ชี้ที่เซลล์เพื่ออ่านคำอธิบาย) แล้วส่งกลับ"
                        if th else "Fix the coloured cells of this copy (hover to read why), "
                        "then send it back.", fmt.text)
        heads = ["#", *(label(HEADINGS, k, lang) for k in ("severity", "sheet", "cell")),
                 "ปัญหาและวิธีแก้" if th else "Problem and fix"]
        ws.set_row(4, row_height(FONT_SIZE))  # the default height cuts Thai at the borders
        for c, h in enumerate(heads):
            ws.write_string(4, c, h, fmt.header)
        for i, (f, place) in enumerate(places, start=1):
            r = 4 + i
            ws.write_number(r, 0, i, fmt.text)
            ws.write_string(r, 1, label(SEVERITIES, f.severity, lang), fmt.text)
            if place:
                sheet = bound.template.sheet(place[0])
                cell = f"{column_letter(place[2])}{place[1]}"
                ws.write_string(r, 2, sheet.text(lang), fmt.text)
                ws.write_url(r, 3, f"internal:'{sheet.name}'!{cell}", fmt.link, string=cell)
            else:
                ws.write_string(r, 2, f.sheet_name or "", fmt.text)
                ws.write_string(r, 3, "", fmt.text)
            message = f.message(lang)
            ws.write_string(r, 4, message, fmt.input_wrap)
            ws.set_row(r, row_height(FONT_SIZE, text_lines(message, widths[4], FONT_SIZE)))
        if not places:
            ws.write_string(5, 0, "ไม่พบปัญหา" if th else "No problems found", fmt.text)
        ws.freeze_panes(5, 0)
        ws.activate()

    return draw


def feedback_workbook(rep: FileReport, lang: str = "th", *, deadline: str = "",
                      contact: str = "") -> bytes | None:
    """The bytes of one feedback copy, or None when the file could not be read.

    The copy says the round's deadline and contact: ``deadline``/``contact`` (the round's
    settings) when given, else what the original workbook stored."""
    ret, bound = rep.returned, rep.bound
    if not ret.readable or bound is None:
        return None
    notes: dict[tuple[str, int, int], list[Note]] = {}
    places = []
    for f in rep.findings:
        place = relocate(ret, bound, f)
        places.append((f, place))
        if place:
            notes.setdefault(place, []).append(Note(f.severity, f.message(lang)))
    # the very-hidden sheet keeps values whole; the properties stop at 255 characters
    stored = {**ret.prop_identity, **{k: v for k, v in ret.meta_identity.items() if v}}
    options = RenderOptions(fiscal_year=bound.fiscal_year,
                            round=rep.round if rep.round in bound.template.rounds else "plan",
                            deadline=deadline or stored.get("deadline", ""),
                            contact=contact or stored.get("contact", ""))
    org = org_of(ret)
    # canonical values are machine keys ("sao"); the copy shows the label, as the original
    org.type = bound.choice_labels.get(bound.template.choice_key(Roles.ORG, Fields.ORG_TYPE), {}).get(org.type, org.type)
    return render_workbook(bound, org, options, prefill_from(ret, bound), notes,
                           _cover(rep, bound, places, lang))


def write_feedback(report: Report, out_dir: Path, force: bool = False, lang: str = "th",
                   all_files: bool = False, deadline: str = "",
                   contact: str = "") -> FeedbackResult:
    """One copy per readable file that has findings, named after the organisation.

    Only for the file that counts for its organisation (an older or borrowed file gets
    none), unless ``all_files``.
    """
    result = FeedbackResult()
    used: set[str] = set()
    for rep in report.files:
        if not rep.findings:
            continue
        if not all_files and rep.decision is not None and not rep.decision.counts:
            result.skipped.append(Path(rep.path))
            continue
        data = feedback_workbook(rep, lang, deadline=deadline, contact=contact)
        if data is None:
            continue
        ret = rep.returned
        stem = safe_filename(f"{ret.org_code}_{ret.org_name}" if ret.org_code
                             else Path(rep.path).stem, "workbook")
        name, n = f"{stem}_ตรวจแล้ว.xlsx", 2
        while name.casefold() in used:  # two returns of one organisation
            name, n = f"{stem}_ตรวจแล้ว_{n}.xlsx", n + 1
        used.add(name.casefold())
        path = Path(out_dir) / name
        try:
            atomic_write(path, data, force)
            result.written.append(path)
        except OutputExists:
            result.refused.append(path)
        except OutputFailed as exc:  # the disk filled up, ...: say how far it got
            exc.done = len(result.written)
            exc.total = sum(1 for r in report.files if r.findings)
            raise
    return result
