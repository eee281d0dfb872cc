"""Read a returned workbook (.xlsx, .xlsm, .xls, .ods) into records, with exact Excel cells.

python-calamine reads the values (fast, all formats). Sheets are found by name, columns by
their header label (spaces, line breaks and the "*" of required columns do not matter), rows
inserted or pasted below the formatted range are read like any other, and every difference
from the template (missing, renamed or extra columns) becomes a finding instead of a silent
loss. Values are normalised before any check: Thai digits, stray whitespace, zero-width
characters.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from ita_xlsx.core.errors import what_happened
from ita_xlsx.core.files import walk_folder
from ita_xlsx.core.findings import Finding
from ita_xlsx.intake.safety import preflight
from ita_xlsx.intake.zips import Parts
from ita_xlsx.spec.report_layout import REPORT_SHEET
from ita_xlsx.spec.roles import Fields, Roles
from ita_xlsx.spec.template import (
    META_SHEET,
    PROP_PREFIX,
    Sheet,
    Template,
    column_letter,
    split_cell,
    version_before,
)
from ita_xlsx.thai import clean_text
from ita_xlsx.thai.text import OrgCode, read_code, typed_text

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")
_HEADER_SCAN = 15  # rows searched for a moved header row


@dataclass
class Row:
    row: int  # Excel row number
    values: dict[str, object]  # column key -> normalised value (None when blank)
    raw: dict[str, object]  # column key -> value as read


@dataclass
class Returned:
    """One returned workbook, as records. ``readable`` False: only ``findings`` matter."""

    path: str
    readable: bool = True
    kind: str = ""
    identity: dict[str, str] = field(default_factory=dict)
    identity_source: str = ""  # "properties" | "meta-sheet" | "form" | ""
    sheet_names: dict[str, str] = field(default_factory=dict)  # template key -> name in file
    form: dict[str, object] = field(default_factory=dict)
    form_raw: dict[str, object] = field(default_factory=dict)
    form_cells: dict[str, str] = field(default_factory=dict)
    # rows of each table sheet (packed once checked: see core/packed.py)
    tables: dict[str, Sequence[Row]] = field(default_factory=dict)
    columns: dict[str, dict[str, int]] = field(default_factory=dict)  # sheet -> key -> col
    extras: dict[str, tuple[object, str]] = field(default_factory=dict)  # key -> (value, cell)
    findings: list[Finding] = field(default_factory=list)
    mtime: float = 0.0
    # both stored identities, compared with each other and with the sheet (a borrowed or
    # hand-edited workbook shows as a disagreement)
    prop_identity: dict[str, str] = field(default_factory=dict)
    meta_identity: dict[str, str] = field(default_factory=dict)
    saved_at: str = ""  # when the workbook was last saved, from its document properties (ISO)
    link_text: dict[tuple[str, int], str] = field(default_factory=dict)  # (sheet, row) -> shown
    # the first organisation code the file holds that is not a plain code once normalised
    # (then the file counts for no organisation)
    bad_code: OrgCode | None = None

    @property
    def template_version(self) -> str:
        return self.identity.get("template_version", "")

    @property
    def org_code(self) -> str:
        return self.identity.get(Fields.ORG_CODE) or str(self.form.get(Fields.ORG_CODE) or "")

    @property
    def org_name(self) -> str:
        return str(self.form.get(Fields.ORG_NAME) or self.identity.get(Fields.ORG_NAME) or "")

    def cell(self, sheet: str, row: int, column: str) -> str:
        """The A1 cell of ``column`` (template key) on ``row`` as laid out in this file."""
        col = self.columns.get(sheet, {}).get(column)
        return f"{column_letter(col)}{row}" if col is not None else ""


@lru_cache(maxsize=8192)
def normalize_header(value: object) -> str:
    return re.sub(r"[\s*:：]+", "", clean_text(value)).casefold()


def normalize_value(value: object, kind: str) -> object:
    """A cell value ready for checks: blank -> None, text cleaned, numbers kept for scores."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, dt.datetime | dt.date):
        day = value.date() if isinstance(value, dt.datetime) else value
        if day.year > 2400:  # a Buddhist-Era year typed into a date cell
            day = _shift_years(day, -543)
        return day if kind in ("date", "timeframe") else day.strftime("%d/%m/") + str(
            day.year + 543)
    if isinstance(value, int | float):
        if kind in ("score", "year"):
            number = float(value)
            # NaN would pass for a blank cell, infinity for a number: keep them as what a
            # reader would call them, so the check names the cell (score-invalid)
            return number if math.isfinite(number) else _NON_FINITE.get(str(number), "NaN")
        return clean_text(value)
    if kind == "text" and isinstance(value, str):
        # What the organisation wrote is shown and written as written (line breaks, spacing):
        # checks and comparisons clean it themselves.
        return typed_text(value) or None
    text = clean_text(value)  # with its fast path for an already-clean cell
    if kind == "id" and text:
        from ita_xlsx.thai import to_arabic_digits

        text = to_arabic_digits(text)  # "M๐๒" is M02
    return text or None


_NON_FINITE = {"nan": "NaN", "inf": "INF", "-inf": "-INF"}


def _shift_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def find_workbooks(inputs: Sequence[str | Path]) -> list[Path]:
    """Files as given, and every workbook inside given folders (recursively), sorted."""
    found: list[Path] = []
    for item in inputs:
        p = Path(item)
        if p.is_dir():
            found.extend(_folder_workbooks(p))
        else:
            found.append(p)
    seen: set[Path] = set()
    unique = []
    for f in found:
        key = f.resolve() if f.exists() else f
        if key not in seen:
            seen.add(key)
            unique.append(f)
    return unique


def _folder_workbooks(folder: Path) -> list[Path]:
    """Workbooks under ``folder``; a subfolder that cannot be opened is listed itself, so it
    becomes a finding (pre-flight: "cannot open the folder") instead of a silent gap."""
    files, blocked = walk_folder(folder)
    return sorted(f for f in files
                  if f.suffix.lower() in WORKBOOK_SUFFIXES
                  and not f.name.startswith(("~$", ".~"))) + blocked  # skip lock files


def read_return(path: str | Path, template: Template) -> Returned:
    """Read one file; never raises for a bad file (it becomes a finding)."""
    path = Path(path)
    out = Returned(path=str(path))
    try:
        out.mtime = os.stat(path).st_mtime
    except OSError as exc:
        return _unreadable(out, what_happened(exc)[1], "ไม่พบไฟล์หรือเปิดไม่ได้")
    pf = preflight(path)
    out.kind = pf.kind
    out.findings.extend(pf.findings)
    if not pf.ok:
        out.readable = False
        return out
    from python_calamine import PasswordError

    from ita_xlsx.intake.bounded import Refused, open_workbook

    try:
        opened = open_workbook(path, pf.kind, parts=pf.parts)
    except Refused as refused:
        out.readable = False
        out.findings.append(refused.finding)
        return out
    except PasswordError:
        out.readable = False
        out.findings.append(Finding("file-encrypted"))
        return out
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException:  # noqa: BLE001 - calamine's errors, and its panics (BaseException)
        return _unreadable(out, "damaged file or not a workbook", "ไฟล์เสียหรือไม่ใช่สมุดงาน")
    wb = opened.book
    out.findings.extend(opened.findings)
    info: dict[str, SheetInfo] = {}
    if pf.kind == "xlsx":
        # one look inside the ZIP: the saved time, and on the sheets where they matter
        # (evidence, scores) the link targets and percent formats
        info = xlsx_cell_info(path, _extra_sheets(template), out, pf.parts)
    try:
        _read_workbook(wb, pf.custom_properties, template, out, info)
        normalise_identity(out, template)
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException:  # noqa: BLE001 - a malformed sheet (or a panic) must not stop the batch
        return _unreadable(out, "damaged sheet content", "อ่านเนื้อหาไม่ได้")
    finally:
        wb.close()
    return out


def file_mtime(path: str | Path) -> float:
    try:
        return os.stat(path).st_mtime
    except OSError:
        return 0.0


def _extra_sheets(template: Template) -> set[str]:
    names: set[str] = set()
    for s in template.data_sheets:
        if s.kind != "form" and any(f.type in ("url", "score") for f in s.fields):
            names |= {s.name, s.name_en}
    return {n for n in names if n}


_MODIFIED = re.compile(rb"<dcterms:modified\b[^>]*>([^<]{1,64})</dcterms:modified>")


def saved_time(core_xml: bytes) -> str:
    """The workbook's own "last saved" time (docProps/core.xml dcterms:modified), ISO, UTC.

    Unlike the file time, it does not change when a file is downloaded or copied."""
    hit = _MODIFIED.search(core_xml)
    if not hit:
        return ""
    try:
        when = dt.datetime.fromisoformat(hit.group(1).decode().strip().replace("Z", "+00:00"))
    except (ValueError, UnicodeDecodeError):
        return ""
    if when.tzinfo is not None:  # kept with its offset: shown later in Thai time
        when = when.astimezone(dt.UTC)
    return when.replace(microsecond=0).isoformat()


def _unreadable(out: Returned, en: str, th: str) -> Returned:
    out.readable = False
    out.findings.append(Finding("file-unreadable", params={"detail": {"th": th, "en": en}}))
    return out


def _read_workbook(wb, props: dict[str, str], template: Template, out: Returned,
                   info: dict[str, SheetInfo] | None = None) -> None:
    names = {normalize_header(n): n for n in wb.sheet_names}
    meta = _meta_sheet(wb) if META_SHEET in wb.sheet_names else {}
    ident = {k[len(PROP_PREFIX):]: v for k, v in props.items() if k.startswith(PROP_PREFIX)}
    ident = {k: ("" if v == "-" else v) for k, v in ident.items()}
    out.prop_identity, out.meta_identity = ident, meta
    if ident.get("template_id"):
        out.identity, out.identity_source = ident, "properties"
    elif meta.get("template_id"):
        out.identity, out.identity_source = meta, "meta-sheet"
    for s in template.data_sheets:
        found = names.get(normalize_header(s.name)) or names.get(normalize_header(s.name_en))
        if found:
            out.sheet_names[s.key] = found
    if REPORT_SHEET in wb.sheet_names:  # a consolidated report, not a return
        out.readable = False
        out.findings.append(Finding("template-unknown", params={"detail": {
            "th": "ไฟล์นี้เป็นรายงานรวมที่สร้างด้วย merge ใช้ ita-xlsx merge เพื่อรวมรายงาน",
            "en": "this is a consolidated report made by merge; combine it with ita-xlsx merge"}}))
        return
    if not out.identity and not out.sheet_names:
        out.readable = False
        out.findings.append(Finding("template-unknown", params={"detail": {
            "th": "ไม่พบแผ่นงานและข้อมูลระบุแบบฟอร์ม", "en": "no template sheets or identity"}}))
        return
    for s in template.data_sheets:
        name = out.sheet_names.get(s.key)
        if name is None and s.since and (not out.template_version
                                         or version_before(out.template_version, s.since)):
            continue  # a sheet added after this return's template version (or unknown)
        if name is None:
            out.findings.append(Finding("sheet-missing", sheet=s.key, sheet_name=s.name))
            continue
        sheet = wb.get_sheet_by_name(name)
        rows = sheet.to_python(skip_empty_area=False)
        if s.kind == "form":
            _read_form(rows, s, name, out)
        else:
            extra = (info or {}).get(name, SheetInfo())
            merged = _spread_merged(rows, sheet.merged_cell_ranges or [], s, out)
            _read_table(rows, s, name, out, extra, merged)
    align_measure_ids(out)
    if not out.identity:
        out.identity_source = "form"
        out.identity = {k: str(out.form.get(k) or "") for k in
                        (Fields.ORG_CODE, Fields.ORG_NAME, Fields.FISCAL_YEAR)}
        out.findings.append(Finding("identity-missing"))


def normalise_identity(out: Returned, template: Template) -> None:
    """Every organisation code the file holds (document properties, hidden sheet, the
    organisation sheet) through ``thai.read_code``, before anything compares or shows it:
    ๖๕๖๐๑๐๑, ٦٥٦٠١٠١ and ６５６０１٠١ are 6560101; invisible characters go. The first code that
    is still not a plain code gets the one ``org-code-invalid`` finding."""
    bad: list[tuple[OrgCode, bool]] = []  # (code, on the organisation sheet)
    if Fields.ORG_CODE in out.form_raw:
        typed = read_code(out.form_raw.get(Fields.ORG_CODE))
        out.form[Fields.ORG_CODE] = typed.code or None
        if typed.code and not typed.plain:
            bad.append((typed, True))
    done: set[int] = set()
    for ident in (out.prop_identity, out.meta_identity, out.identity):
        if id(ident) in done:  # the identity is one of the other two
            continue
        done.add(id(ident))
        if ident.get(Fields.ORG_CODE):
            stored = read_code(ident[Fields.ORG_CODE])
            ident[Fields.ORG_CODE] = stored.code
            if stored.code and not stored.plain and out.identity_source != "form":
                bad.append((stored, False))
        for key in (Fields.ORG_NAME, Fields.ORG_TYPE, Fields.DISTRICT, Fields.PROVINCE):
            if ident.get(key):
                ident[key] = clean_text(ident[key])
    if not bad:
        return
    code, on_sheet = bad[0]
    out.bad_code = code
    form = template.sheet(Roles.ORG)
    if code.shown:
        th = (f"รหัสนี้มีอักขระกลับทิศทางข้อความ (right-to-left override) บนจอจึงแสดงเป็น "
              f"{code.shown} แต่รหัสที่บันทึกจริงคือ {code.code}")
        en = (f"the code holds a right-to-left override: a screen shows {code.shown} but what "
              f"is stored is {code.code}")
    else:
        th = "รหัสหน่วยงานใช้ได้เฉพาะตัวอักษรอังกฤษ ตัวเลข และ . _ -"
        en = "an organisation code may hold only letters, digits and . _ -"
    detail = {"detail": {"th": th, "en": en}}
    if on_sheet:
        out.findings.append(Finding(
            "org-code-invalid", sheet=Roles.ORG, sheet_name=out.sheet_names.get(Roles.ORG, form.name),
            column=Fields.ORG_CODE, cell=out.form_cells.get(Fields.ORG_CODE),
            label=form.field(Fields.ORG_CODE).label, value=code.code, params=detail))
    else:
        out.findings.append(Finding("org-code-invalid", value=code.code, params=detail))


def _meta_sheet(wb) -> dict[str, str]:
    rows = wb.get_sheet_by_name(META_SHEET).to_python(skip_empty_area=False)
    return {clean_text(r[0]): clean_text(r[1]) for r in rows if len(r) >= 2 and r[0]}


def _cell(rows: list[list], row: int, col: int) -> object:
    """Value at Excel row ``row`` (1-based) and 0-based ``col``; None outside the data."""
    if 0 < row <= len(rows) and col < len(rows[row - 1]):
        return rows[row - 1][col]
    return None


def _read_form(rows: list[list], s: Sheet, name: str, out: Returned) -> None:
    """Form fields: found by their label in the label column (rows may have moved)."""
    label_col = split_cell(f"{s.label_column}1")[1]
    by_label: dict[str, int] = {}
    for r in range(1, len(rows) + 1):
        key = normalize_header(_cell(rows, r, label_col))
        if key:
            by_label.setdefault(key, r)
    for f in s.fields:
        row, col = split_cell(f.cell)
        row = by_label.get(normalize_header(f.label), row)
        raw = _cell(rows, row, col)
        out.form_raw[f.key] = raw
        out.form[f.key] = normalize_value(raw, f.type)
        out.form_cells[f.key] = f"{column_letter(col)}{row}"
    out.columns[s.key] = {}


def _header_row(rows: list[list], s: Sheet) -> int:
    """The Excel row holding most of the sheet's labels (rows above may have been added)."""
    labels = {normalize_header(f.label) for f in s.fields}
    if s.header_row <= len(rows):
        hits = sum(normalize_header(v) in labels for v in rows[s.header_row - 1])
        if hits * 2 > len(labels):  # where the template put it: the usual case
            return s.header_row
    best, best_hits = s.header_row, 0
    for r in range(1, min(len(rows), s.header_row + _HEADER_SCAN) + 1):
        hits = sum(normalize_header(v) in labels for v in rows[r - 1])
        if hits > best_hits:
            best, best_hits = r, hits
    return best


def _map_columns(rows: list[list], s: Sheet, header: int, out: Returned) -> dict[str, int]:
    heads = rows[header - 1] if header <= len(rows) else []
    by_label: dict[str, int] = {}
    for i, v in enumerate(heads):
        by_label.setdefault(normalize_header(v), i)
    known = {normalize_header(f.label) for f in s.fields}
    mapping: dict[str, int] = {}
    for f in s.fields:
        found = by_label.get(normalize_header(f.label))
        if found is not None:
            mapping[f.key] = found
            continue
        at = f.col_index
        head = clean_text(heads[at]) if at < len(heads) else ""
        if head and normalize_header(head) not in known:
            mapping[f.key] = at  # renamed in place: read by position, but say so
            out.findings.append(Finding(
                "column-renamed", sheet=s.key, sheet_name=s.name, column=f.key, row=header,
                cell=f"{column_letter(at)}{header}", value=head, label=f.label,
                label_en=f.label_en))
        else:
            out.findings.append(Finding(
                "column-missing", sheet=s.key, sheet_name=s.name, column=f.key, row=header,
                label=f.label, label_en=f.label_en))
    used = set(mapping.values())
    for i, v in enumerate(heads):
        head = clean_text(v)
        if head and i not in used and normalize_header(head) not in known:
            out.findings.append(Finding(
                "column-extra", sheet=s.key, sheet_name=s.name, row=header,
                cell=f"{column_letter(i)}{header}", value=head))
    return mapping


def _read_table(rows: list[list], s: Sheet, name: str, out: Returned,
                info: SheetInfo | None = None, merged: dict | None = None) -> None:
    info = info or SheetInfo()
    header = _header_row(rows, s)
    mapping = _map_columns(rows, s, header, out)
    out.columns[s.key] = mapping
    content = [f for f in s.fields if not f.sequence and not f.prefilled and f.key in mapping]
    stop_labels = {normalize_header(x.label) for x in s.extra_fields} | {
        normalize_header(c.label.split("{")[0]) for c in s.computed
    }
    records: list[Row] = []
    present = [(f.key, mapping[f.key]) for f in s.fields if f.key in mapping]
    # a row of a free table with nothing typed in its content columns (the template's blank
    # rows with only a pre-filled id) is passed over before any value is made, unless a
    # link, a cell format or a merge says more about one of its cells
    content_cols = [mapping[f.key] for f in content]
    marked = {r for r, _ in (*info.links, *info.percent, *info.no_number, *(merged or ()))}
    free = not (isinstance(s.rows, str) and s.rows.startswith("framework."))
    for r in range(header + 1, len(rows) + 1):
        line = rows[r - 1]
        if free and (r - 1) not in marked and all(
                i >= len(line) or line[i] is None or line[i] == "" for i in content_cols):
            continue
        if s.rows == "framework.indicators" and stop_labels and line and any(
            normalize_header(line[0]).startswith(lbl) for lbl in stop_labels if lbl
        ):
            _read_extras(rows, s, r, out, info)
            break
        raw = {k: (line[i] if i < len(line) else None) for k, i in present}
        values = {f.key: normalize_value(raw.get(f.key), f.type) for f in s.fields}
        for f in s.fields:
            col = mapping.get(f.key)
            if col is None:
                continue
            if f.type == "url" and (r - 1, col) in info.links:
                # "คลิกที่นี่" linked to the page: the link's target is the evidence
                out.link_text[(s.key, r)] = clean_text(raw.get(f.key))
                values[f.key] = info.links[(r - 1, col)]
            elif (f.type == "score" and (r - 1, col) in info.percent
                  and isinstance(number := raw.get(f.key), int | float)
                  and not isinstance(number, bool)):
                values[f.key] = _percent_score(float(number), s, f, r, col, name, out)
            elif f.type == "score" and values[f.key] is None and (r - 1, col) in info.no_number:
                values[f.key] = "NaN"  # not a blank: a number no spreadsheet can hold
            if merged and (r - 1, col) in merged:
                span, first = merged[(r - 1, col)]
                if first:
                    out.findings.append(Finding(
                        "cells-merged", sheet=s.key, sheet_name=name, row=r, column=f.key,
                        cell=f"{column_letter(col)}{r}", value=span, label=f.label,
                        label_en=f.label_en))
        if s.rows == "framework.indicators":
            if values.get(Fields.INDICATOR) is None:
                continue
        elif s.rows == "framework.oit_items":
            if values.get(Fields.OIT_CODE) is None:  # each item's row is kept, filled or not
                continue
        elif not any(values.get(f.key) is not None for f in content):
            continue  # blank row, or only the pre-filled measure id
        records.append(Row(r, values, raw))
    out.tables[s.key] = records


def _read_extras(rows: list[list], s: Sheet, start: int, out: Returned,
                 info: SheetInfo | None = None) -> None:
    info = info or SheetInfo()
    """The extra input fields under a fixed table (e.g. the published total)."""
    score_col = next((f.col_index for f in s.fields if f.type == "score"), 2)
    for r in range(start, min(len(rows), start + 20) + 1):
        head = normalize_header(_cell(rows, r, 0))
        for f in s.extra_fields:
            if head == normalize_header(f.label):
                raw = _cell(rows, r, score_col)
                value = normalize_value(raw, f.type)
                if (r - 1, score_col) in info.percent and isinstance(raw, int | float):
                    value = _percent_score(raw, s, f, r, score_col, s.name, out)
                elif value is None and (r - 1, score_col) in info.no_number:
                    value = "NaN"
                out.extras[f.key] = (value, f"{column_letter(score_col)}{r}")



# ---------------------------------------------------------------- what Excel stores besides values


@dataclass
class SheetInfo:
    """Per sheet, what calamine does not give: link targets and percent-formatted cells,
    keyed by 0-based (row, column)."""

    links: dict[tuple[int, int], str] = field(default_factory=dict)
    percent: set[tuple[int, int]] = field(default_factory=set)
    # number cells with an empty value: what openpyxl writes for NaN and infinity (Excel
    # itself never does), read by calamine as blank
    no_number: set[tuple[int, int]] = field(default_factory=set)


_PERCENT_BUILTIN = {9, 10}
_PART_LIMIT = 4 * 1024 * 1024  # workbook.xml, styles, rels: small parts, read whole


def xlsx_cell_info(path: Path, wanted: set[str] | None = None, out: Returned | None = None,
                   parts: dict[str, bytes] | None = None) -> dict[str, SheetInfo]:
    """Sheet name -> link targets and percent cells, for the sheets in ``wanted`` (all when
    None). Called after the preflight accepted the file (sizes and XML declarations checked);
    any surprise gives no extra information, never an error.

    A byte-level scan, not an XML parse: this runs for every returned file, and only
    hyperlink elements and the style of percent-formatted cells matter here."""

    archive = Parts(path, parts or {})
    try:
        if out is not None:
            try:
                out.saved_at = saved_time(archive.part("docProps/core.xml", _PART_LIMIT))
            except KeyError:
                pass
        return _cell_info(archive, wanted)
    except Exception:  # damaged parts: values are still read, just without these extras
        return {}
    finally:
        archive.close()


_ATTR = re.compile(rb'([\w:]+)="([^"]*)"')
_SHEET_TAG = re.compile(rb"<(?:\w+:)?sheet\b([^>]*)/?>")
_REL_TAG = re.compile(rb"<(?:\w+:)?Relationship\b([^>]*)/?>")
_NUMFMT_TAG = re.compile(rb"<(?:\w+:)?numFmt\b([^>]*)/?>")
_XF_TAG = re.compile(rb"<(?:\w+:)?xf\b([^>]*)/?>")
_CELLXFS = re.compile(rb"<(?:\w+:)?cellXfs\b.*?</(?:\w+:)?cellXfs>", re.S)
_LINK_TAG = re.compile(rb"<(?:\w+:)?hyperlink\b([^>]*)/?>")
_EMPTY_NUMBER = re.compile(rb"<(?:\w+:)?c\b([^>]*)>\s*<(?:\w+:)?v\s*(?:/>|>\s*</(?:\w+:)?v>)")


def _attrs(raw: bytes) -> dict[str, str]:
    from html import unescape

    return {k.decode().rsplit(":", 1)[-1] if k.startswith(b"r:") else k.decode():
            unescape(v.decode("utf-8", "replace")) for k, v in _ATTR.findall(raw)}


def _rels(archive: Parts, name: str) -> dict[str, tuple[str, str]]:
    """Relationship id -> (target, mode) of a part's .rels (empty when absent)."""
    try:
        data = archive.part(name, _PART_LIMIT)
    except KeyError:
        return {}
    out = {}
    for raw in _REL_TAG.findall(data):
        a = _attrs(raw)
        out[a.get("Id", "")] = (a.get("Target", ""), a.get("TargetMode", ""))
    return out


def _percent_styles(archive: Parts) -> frozenset[int]:
    try:
        data = archive.part("xl/styles.xml", _PART_LIMIT)
    except KeyError:
        return frozenset()
    return _percent_xfs(data)


@lru_cache(maxsize=64)
def _percent_xfs(data: bytes) -> frozenset[int]:
    """The cell styles (xf indices) of styles.xml that show a percent: the returns of one
    round share a few styles parts, so each is scanned once per reader."""
    custom = {}
    for raw in _NUMFMT_TAG.findall(data):
        a = _attrs(raw)
        if a.get("numFmtId", "").isdigit():
            custom[int(a["numFmtId"])] = a.get("formatCode", "")
    percent_ids = set(_PERCENT_BUILTIN) | {
        i for i, code in custom.items() if "%" in re.sub(r'"[^"]*"|\\.', "", code)}
    block = _CELLXFS.search(data)
    if block is None:
        return frozenset()
    return frozenset(i for i, raw in enumerate(_XF_TAG.findall(block.group(0)))
                     if int(_attrs(raw).get("numFmtId", "0") or 0) in percent_ids)


@lru_cache(maxsize=64)
def _styled_cells(styles: frozenset[int]) -> re.Pattern[bytes]:
    """Cell tags with one of ``styles``."""
    return re.compile(rb'<(?:\w+:)?c\b([^>]*\ss="(?:%s)"[^>]*)>' % b"|".join(
        str(i).encode() for i in sorted(styles)))


def _cell_info(archive: Parts, wanted: set[str] | None) -> dict[str, SheetInfo]:
    from ita_xlsx.spec.template import split_cell

    rels = _rels(archive, "xl/_rels/workbook.xml.rels")
    percent_xf: frozenset[int] | None = None
    out: dict[str, SheetInfo] = {}
    for raw in _SHEET_TAG.findall(archive.part("xl/workbook.xml", _PART_LIMIT)):
        a = _attrs(raw)
        name = a.get("name", "")
        if wanted is not None and name not in wanted:
            continue
        target = rels.get(a.get("id", ""), ("", ""))[0]
        if not target:
            continue
        part = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
        try:
            data = archive.part(part)  # its size was checked by the preflight
        except KeyError:
            continue
        info = SheetInfo()
        if percent_xf is None:
            percent_xf = _percent_styles(archive)
        if percent_xf:
            # only the cells styled as a percent, found by the scan itself (not every cell)
            for raw_c in _styled_cells(percent_xf).findall(data):
                c = _attrs(raw_c)
                style = c.get("s", "")
                if style.isdigit() and int(style) in percent_xf and c.get("r"):
                    row, col = split_cell(c["r"])
                    info.percent.add((row - 1, col))
        if b"<v></v>" in data or b"<v/>" in data:
            for hit in _EMPTY_NUMBER.finditer(data):
                c = _attrs(hit.group(1))
                if c.get("t", "n") == "n" and c.get("r"):
                    row, col = split_cell(c["r"])
                    info.no_number.add((row - 1, col))
        if b"hyperlink" in data:
            base = part.rsplit("/", 1)
            sheet_rels = _rels(archive, f"{base[0]}/_rels/{base[1]}.rels")
            for raw_l in _LINK_TAG.findall(data):
                link = _attrs(raw_l)
                url, mode = sheet_rels.get(link.get("id", ""), ("", ""))
                if not url or mode != "External":
                    continue  # a link inside the workbook is not evidence
                for cell in _cells_of(link.get("ref", "")):
                    info.links[cell] = url
        out[name] = info
    return out


def _cells_of(ref: str) -> list[tuple[int, int]]:
    from ita_xlsx.spec.template import split_cell

    first, _, last = ref.partition(":")
    (r0, c0), (r1, c1) = split_cell(first), split_cell(last or first)
    if (r1 - r0 + 1) * (c1 - c0 + 1) > 10_000:
        return []
    return [(r - 1, c) for r in range(r0, r1 + 1) for c in range(c0, c1 + 1)]


def _percent_score(value: float, s: Sheet, f, row: int, col: int, name: str,
                   out: Returned) -> float:
    """A score typed as 92.11% is stored as 0.9211: read it as the 92.11 shown, and say so."""
    shown = round(float(value) * 100, 6)
    shown = float(f"{shown:.10g}")
    out.findings.append(Finding(
        "score-percent", sheet=s.key, sheet_name=name, row=row, column=f.key,
        cell=f"{column_letter(col)}{row}", value=f"{shown:g}%", label=f.label,
        label_en=f.label_en, params={"expected": f"{shown:g}"}))
    return shown


def _spread_merged(rows: list[list], ranges, s: Sheet, out: Returned) -> dict:
    """Copy the value of each vertically merged range to every row of it (Excel keeps it in
    the first cell only). Returns (row, col) -> (range text, is first row of the range)."""
    cols = {f.col_index for f in s.fields}
    where: dict[tuple[int, int], tuple[str, bool]] = {}
    for (r0, c0), (r1, c1) in ranges:
        if r1 <= r0 or r1 - r0 > 10_000:
            continue
        if r0 < s.header_row:  # the header block (0-based r0 < header row): not data
            continue
        span = f"{column_letter(c0)}{r0 + 1}:{column_letter(c1)}{r1 + 1}"
        for c in range(c0, c1 + 1):
            if c not in cols:
                continue
            top = rows[r0][c] if r0 < len(rows) and c < len(rows[r0]) else ""
            if top in (None, ""):
                continue
            for r in range(r0, min(r1, len(rows) - 1) + 1):
                line = rows[r]
                if c >= len(line):
                    line.extend([""] * (c + 1 - len(line)))
                if r > r0:
                    line[c] = top
                where[(r, c)] = (span, r == r0)
    return where


def measure_key(value: object) -> str:
    """A measure id compared loosely: case, spaces, Thai digits and leading zeros ignored
    ("M๐๒", "m2", "M 02" and "M02" are one id)."""
    try:
        return _measure_key(value)
    except TypeError:  # not hashable: not a cell value, but said the same way
        return _measure_key.__wrapped__(value)


_DIGITS = re.compile(r"\d+")


@functools.lru_cache(maxsize=1 << 16, typed=True)  # the same few ids, compared again and again
def _measure_key(value: object) -> str:
    from ita_xlsx.thai import to_arabic_digits

    text = to_arabic_digits(clean_text(value)).replace(" ", "").casefold()
    return _DIGITS.sub(lambda m: str(int(m.group())), text)


def align_measure_ids(out: Returned) -> None:
    """Results name their measure as typed; use the measures sheet's spelling of the same id
    so the result and its measure meet in every check and report."""
    canonical: dict[str, str] = {}
    for r in out.tables.get(Roles.MEASURES, []):
        mid = r.values.get(Fields.MEASURE_ID)
        if mid is not None:
            canonical.setdefault(measure_key(mid), str(mid))
    for r in out.tables.get(Roles.RESULTS, []):
        mid = r.values.get(Fields.MEASURE_ID)
        if mid is not None:
            r.values[Fields.MEASURE_ID] = canonical.get(measure_key(mid), mid)
