"""`ita-xlsx merge`: one consolidated report from many returns (and from other reports).

Data flows: files -> validate (records + findings) -> one entry per organisation (the newest
return wins; the others are listed as superseded, not lost) -> the consolidated workbook and
CSV files. A consolidated report can itself be merged (district -> province): its hidden
``_ita_report`` sheet says which machine key each column holds.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ita_xlsx.core.findings import Finding
from ita_xlsx.core.packed import Packed
from ita_xlsx.core.vocabulary import FILE_STATES, ROUNDS, SEVERITIES, key_of
from ita_xlsx.spec.framework import score
from ita_xlsx.spec.orgs import org_type_labels, read_org_list
from ita_xlsx.spec.report_layout import DATA_SHEETS, REPORT_KIND, REPORT_META_SHEET
from ita_xlsx.spec.roles import Fields, Roles
from ita_xlsx.spec.template import Bound, Template, load_template
from ita_xlsx.thai import clean_text, is_valid_url, parse_date
from ita_xlsx.thai.dates import iso_moment, parse_moment
from ita_xlsx.thai.text import normalise_code, read_code, typed_text
from ita_xlsx.validators import engine
from ita_xlsx.validators.cross import indicator_rows
from ita_xlsx.validators.engine import FileReport

if TYPE_CHECKING:  # annotations of MergeResult only
    from ita_xlsx.intake.inbox import Item
    from ita_xlsx.intake.selection import Selection
    from ita_xlsx.validators.engine import Report

STATUSES = ("valid", "warnings", "invalid", "unreadable", "missing")


@dataclass
class OrgEntry:
    """Everything the report holds about one organisation (one return, or one report row)."""

    org_code: str
    org_name: str = ""
    org_type: str = ""
    district: str = ""
    province: str = ""
    status: str = "missing"
    template_version: str = ""
    fiscal_year: int | None = None
    round: str = ""
    scores: dict[int, float | None] = field(default_factory=dict)
    issues: dict[int, str] = field(default_factory=dict)
    total: float | None = None
    level: str = ""
    # lists; packed (core/packed.py) when made where the file was read
    measures: Sequence[dict] = field(default_factory=list)
    results: Sequence[dict] = field(default_factory=list)
    # Findings of a return, or rows read back from an earlier consolidated report (text).
    findings: list[Finding | dict] = field(default_factory=list)
    errors: int = 0
    warnings: int = 0
    source_file: str = ""
    recorded: str = ""  # the report date the organisation gave (ISO, CE)
    file_time: str = ""  # the file's modification time (ISO), the tie-breaker
    via: str = ""  # the consolidated report it came through, if any
    note: str = ""  # why this file counts when there was a choice, or why nothing counts
    note_en: str = ""
    unusable: bool = False  # sent something, none of which can count
    reason: str = ""  # this file's own decision (the files table)
    reason_en: str = ""
    # OIT items (template version 3): code, name, status, urls (one per line), detail
    oit: Sequence[dict] = field(default_factory=list)
    state: str = ""  # the round model's state of the organisation (rounds.OrgState value)

    @property
    def newest_key(self) -> tuple[str, str]:
        return (self.recorded, self.file_time)

    def count_status(self, status: str) -> int:
        return sum(r.get(Fields.STATUS) == status for r in self.results)

    @property
    def with_evidence(self) -> int:
        return sum(bool(r.get("evidence_ok")) for r in self.results)


@dataclass
class MergeResult:
    entries: list[OrgEntry]  # one per organisation, sorted by code
    superseded: list[tuple[OrgEntry, OrgEntry]]  # (older, the one kept)
    files: list[dict]  # every input file: path, org_code, status, used
    fiscal_year: int | None = None
    seconds: float = 0.0
    round: str = ""  # the round that counted ("" when the returns say none)
    selection: Selection | None = None  # every file's decision
    skipped: list[Item] = field(default_factory=list)  # sent, not read as a return
    report: Report | None = None  # every return read and checked


# ---------------------------------------------------------------- entries from returns


def _iso_time(ts: float) -> str:
    # with its offset (Thai time): report bytes must not depend on the machine's TZ
    return iso_moment(ts) if ts else ""


def entry_from_return(rep: FileReport, template: Template) -> OrgEntry:
    """The organisation's entry from its checked return: the figures as the worker that read
    the file made them (``entry_in_worker``), or made here; the status, findings and file
    as they stand now (the parent adds findings, reads the OIT pages with --check-links, and
    shows archived files by the archive's name)."""
    e = rep.entry if isinstance(rep.entry, OrgEntry) else _entry_body(rep, template)
    rep.entry = None  # one owner: the entry, from here on
    e.status = rep.status
    e.template_version = rep.returned.template_version
    e.fiscal_year = rep.fiscal_year
    e.round = str(rep.round or "")
    e.errors, e.warnings = rep.count("error"), rep.count("warning")
    e.source_file = rep.path
    e.file_time = _iso_time(rep.returned.mtime)
    e.findings = list(rep.findings)  # typed: shown in the report's language when written
    if rep.returned.readable and rep.bound is not None:  # pages read by --check-links count
        e.oit = Packed([{"code": it.code, "name": it.name, "status": it.status,
                         "urls": "\n".join(it.export_urls), "detail": it.detail,
                         "detail_en": it.detail_en} for it in rep.oit])
    return e


def entry_in_worker(rep: FileReport, template: Template) -> None:
    """``in_worker`` step of validation: the entry's figures where the file was read (its
    evidence URLs judged in the same process that checked them), packed for the way back."""
    e = rep.entry = _entry_body(rep, template)
    e.measures, e.results = Packed.of(e.measures), Packed.of(e.results)


def _entry_body(rep: FileReport, template: Template) -> OrgEntry:
    """Who the return is from and what it reports: scores, measures, results (the OIT items
    are taken by ``entry_from_return``, after any pages were read)."""
    ret, b = rep.returned, rep.bound
    form = ret.form
    e = OrgEntry(
        org_code=ret.org_code,
        org_name=ret.org_name,
        org_type=str(form.get(Fields.ORG_TYPE) or ret.identity.get(Fields.ORG_TYPE) or ""),
        district=str(form.get(Fields.DISTRICT) or ret.identity.get(Fields.DISTRICT) or ""),
        province=str(form.get(Fields.PROVINCE) or ret.identity.get(Fields.PROVINCE) or ""),
    )
    day = parse_date(form.get(Fields.REPORT_DATE)) if form.get(Fields.REPORT_DATE) else None
    e.recorded = day.isoformat() if day else ""
    if not ret.readable or b is None:
        return e
    e.org_type = b.choice_labels.get(b.template.choice_key(Roles.ORG, Fields.ORG_TYPE), {}).get(e.org_type, e.org_type)
    from ita_xlsx.thai.values import score_value, split_urls, timeframe

    for ind, r in indicator_rows(ret, b):
        e.scores[ind] = score_value(r.values.get(Fields.SCORE))
        if r.values.get(Fields.ISSUE):
            e.issues[ind] = str(r.values[Fields.ISSUE])
    result = score(b.analysis_fw, e.scores)
    e.total, e.level = result.total, result.label or ""
    measures: list[dict] = []
    results: list[dict] = []
    for r in ret.tables.get(Roles.MEASURES, []):
        m = {k: v for k, v in r.values.items()}
        tf = timeframe(r.values.get(Fields.TIMEFRAME), rep.fiscal_year)
        m["timeframe_start"] = f"{tf.start.year}-{tf.start.month:02d}" if tf.ok else ""
        m["timeframe_end"] = f"{tf.end.year}-{tf.end.month:02d}" if tf.ok else ""
        m["sheet_row"] = r.row
        measures.append(m)
    for r in ret.tables.get(Roles.RESULTS, []):
        res = {k: v for k, v in r.values.items()}
        urls = split_urls(r.values.get(Fields.EVIDENCE_URL))
        res["evidence_ok"] = bool(urls) and all(is_valid_url(u) for u in urls)
        res["sheet_row"] = r.row
        results.append(res)
    e.measures, e.results = measures, results
    return e


# ---------------------------------------------------------------- consolidated reports as input


def is_report(path: Path) -> bool:
    """A consolidated report made by merge (by its document property, or its hidden sheet).

    .xlsx: the property, from the bounded pre-flight (nothing parsed past it). .ods/.xls:
    their sheet names, read in a worker like any other file (see ``find_reports``).
    """
    return find_reports([Path(path)], workers=1)[0]


def _report_property(path: Path) -> bool | None:
    """True/False for an .xlsx decided by its document property (a bounded read of one small
    part, nothing parsed); None for .ods/.xls, whose sheet names must say (in a worker)."""
    from ita_xlsx.intake.safety import (
        LIMITS,
        OLE_MAGIC,
        ZIP_MAGIC,
        _check_central_directory_size,
        _Refuse,
    )
    from ita_xlsx.intake.zips import ZIP_ERRORS, open_zip, small_part

    try:
        size = path.stat().st_size
        with path.open("rb") as fh:
            head = fh.read(8)
            if head.startswith(OLE_MAGIC):
                return None
            if not head.startswith(ZIP_MAGIC) or size > LIMITS.max_file_bytes:
                return False
            _check_central_directory_size(fh, size, LIMITS)
            fh.seek(0)
            with open_zip(fh) as zf:
                names = set(zf.namelist())
                if "content.xml" in names and "mimetype" in names:
                    return None
                return REPORT_KIND.encode() in small_part(zf, "docProps/custom.xml",
                                                          LIMITS.max_small_part)
    except (_Refuse, KeyError, OSError, *ZIP_ERRORS):
        return False  # not a report; reading it as a return says what is wrong


def _has_report_sheet(path: str) -> bool:
    from ita_xlsx.intake.bounded import open_workbook
    from ita_xlsx.intake.safety import preflight

    pf = preflight(Path(path))
    if not pf.ok:
        return False
    book = open_workbook(Path(path), pf.kind).book
    try:
        return REPORT_META_SHEET in book.sheet_names
    finally:
        book.close()


def find_reports(files: Sequence[Path], workers: int | None = None) -> list[bool]:
    """Which files are consolidated reports; none is opened by a reader outside a worker."""
    from ita_xlsx.intake.sandbox import run_jobs

    known = [_report_property(f) for f in files]
    ask = [str(f) for f, k in zip(files, known, strict=True) if k is None]
    answers = iter(run_jobs(_has_report_sheet, ask, lambda *_: False, workers=workers))
    return [next(answers) if k is None else k for k in known]


def _load_report_job(args: tuple[str, str, str | None]) -> list[OrgEntry] | OrgEntry:
    """In a worker: a report's entries, or one unreadable entry carrying its findings."""
    from ita_xlsx.intake.safety import preflight

    path, template_file, framework = args
    pf = preflight(Path(path))
    failing = [f for f in pf.findings if f.severity == "error"]
    if failing:  # a report passes the same checks as a return (macros, bombs, ...)
        return _report_failed(args, failing[0])
    try:
        return load_report(Path(path), load_template(template_file), framework,
                           kind=pf.kind)[0]
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:  # noqa: BLE001 - damaged metadata costs this file only
        from ita_xlsx.core.findings import Finding
        from ita_xlsx.intake.bounded import Refused

        if isinstance(exc, Refused):
            return _report_failed(args, exc.finding)
        return _report_failed(args, Finding("file-unreadable", params={"detail": {
            "th": "ข้อมูลกำกับของรายงานรวมเสียหาย", "en": "the report's metadata is damaged"}}))


def _report_failed(args: tuple, failure) -> OrgEntry:
    from ita_xlsx.core.findings import Finding
    from ita_xlsx.intake.read import file_mtime

    path = args[0]
    if not isinstance(failure, Finding):  # a sandbox Failure
        failure = Finding(failure.code, params={"detail": {"th": failure.th, "en": failure.en}})
    e = OrgEntry("", status="unreadable", source_file=path,
                 file_time=_iso_time(file_mtime(path)), errors=1,
                 findings=[failure.to_dict()])
    e.reason, e.reason_en = failure.message("th"), failure.message("en")
    return e


def load_reports(paths: Sequence[Path], template: Template, framework: str | None = None,
                 workers: int | None = None, progress: Callable[[int], None] | None = None
                 ) -> list[list[OrgEntry] | OrgEntry]:
    """Each report's entries (read in workers), or an unreadable entry for it."""
    from ita_xlsx.intake.sandbox import run_jobs

    jobs = [(str(p), template.source_file, framework) for p in paths]
    return run_jobs(_load_report_job, jobs, _report_failed, workers=workers, progress=progress)


@dataclass
class ReportBook:
    """A consolidated report opened for reading: the workbook and its hidden metadata (which
    sheet holds what, its column keys and first data rows). Used by ``load_report`` and by the
    district memo, so both read a report the same way and through the same checks."""

    book: Any  # python_calamine.CalamineWorkbook (the library has no types)
    meta: dict[str, str]

    def rows(self, sheet_key: str, first_row_key: str) -> list[list]:
        """The rows of the sheet ``sheet_key`` from the first row recorded as ``first_row_key``."""
        name = self.meta.get(f"sheet:{sheet_key}")
        first = int(self.meta.get(f"first_row:{first_row_key}", "0") or 0)
        if not name or name not in self.book.sheet_names or not first:
            return []
        return self.book.get_sheet_by_name(name).to_python(skip_empty_area=False)[first - 1:]

    def table(self, key: str, first_row_key: str | None = None) -> list[dict]:
        """The non-empty rows of a stacked table as dicts keyed by its column keys
        (blank cells are "")."""
        keys = self.meta.get(f"columns:{key}", "").split(",")
        return [dict(zip(keys, r, strict=False))
                for r in self.rows(key, first_row_key or key) if any(v != "" for v in r)]


def open_report(path: Path, kind: str = "") -> ReportBook:
    """Open a consolidated report with its extent checked (pre-flight, then bounded.py).
    Raises for a file that is not a readable report."""
    from ita_xlsx.intake.bounded import open_workbook

    if not kind:
        from ita_xlsx.intake.safety import preflight

        kind = preflight(Path(path)).kind
    wb = open_workbook(Path(path), kind).book
    meta_rows = wb.get_sheet_by_name(REPORT_META_SHEET).to_python(skip_empty_area=False)
    meta = {clean_text(r[0]): clean_text(r[1]) for r in meta_rows if len(r) > 1 and r[0]}
    return ReportBook(wb, meta)


def load_report(path: Path, template: Template, framework: str | None = None,
                kind: str = "") -> tuple[list[OrgEntry], dict[str, str]]:
    """Entries stored in a consolidated report (choices back to their values), and its
    metadata. Organisations the report lists as not returned come back with status
    "missing" and nothing else: they are not returns, and ``merge`` does not let them
    compete with one (see ``merge``). Opened with its extent checked (bounded.py); call it in a worker
    (``load_reports``) for files from outside."""
    report = open_report(path, kind)
    meta = report.meta
    fy = meta.get("fiscal_year", "")
    bound = bound_for(template, int(fy) if fy.isdigit() else None, framework)
    lookups = engine.prepared(template, bound.fiscal_year, framework).lookups if bound else {}

    def table(key: str) -> list[dict]:
        return [{k: (None if v == "" else v) for k, v in row.items()}
                for row in report.table(key)]

    entries: dict[str, OrgEntry] = {}
    e: OrgEntry | None  # an entry made here, then one looked up (or not found) below
    for row in table("summary"):
        read = read_code(row.get("org_code"))
        code = read.code
        if not read.plain:  # a report merge wrote holds plain codes only: a hand-edited row
            continue
        e = OrgEntry(code, via=str(path))
        for k in ("org_name", "org_type", "district", "province", "status",
                  "template_version", "round", "source_file", "recorded", "file_time", "level"):
            setattr(e, k, clean_text(row.get(k)))
        for k in ("org_name", "org_type", "district", "province"):  # shown as written
            setattr(e, k, typed_text(str(row.get(k) or "")))
        # shown as 02/12/2569 10:11 (Thai time): back to ISO, as returns carry it
        moment = parse_moment(e.file_time)
        e.file_time = moment.isoformat() if moment is not None else e.file_time
        # the writer names the level column "ita_level"; older reports said "level"
        e.level = clean_text(row.get("ita_level") or row.get("level"))
        if bound is not None:  # an English report names pass labels in English: back to Thai
            e.level = bound.analysis_fw.result_key(e.level)
        # The status is written as its label (ยังไม่ส่ง, ...): compare keys, not labels.
        e.status = _status_key(e.status)
        if e.status == "missing":
            e.recorded = e.round = e.source_file = e.file_time = e.level = ""
            e.template_version = ""
            entries[code.casefold()] = e
            continue
        # The report shows dates as dd/mm/BBBB and rounds by their Thai names: back to keys.
        e.recorded, e.round = _iso_day(e.recorded), _round_key(e.round)
        e.total = _num(row.get("ita_score"))
        e.errors = int(_num(row.get("errors")) or 0)
        e.warnings = int(_num(row.get("warnings")) or 0)
        e.fiscal_year = int(fy) if fy.isdigit() else None
        entries[code.casefold()] = e
    for row in table("scores"):
        e = entries.get(normalise_code(row.get("org_code")).casefold())
        if e:
            e.scores = {int(k[1:]): _num(v) for k, v in row.items()
                        if k.startswith("i") and k[1:].isdigit()}
    for row in table("analysis"):
        e = entries.get(normalise_code(row.get("org_code")).casefold())
        number = _num(row.get("indicator_no"))
        if e and number and row.get("issue"):
            e.issues[int(number)] = typed_text(str(row.get("issue")))
    # report sheet, entry attribute, the template sheet (role) its columns come from
    for key, attr, role in (("measures", "measures", Roles.MEASURES), ("results", "results", Roles.RESULTS),
                            ("findings", "findings", "")):
        for row in table(key):
            e = entries.get(normalise_code(row.get("org_code")).casefold())
            if e is None:
                continue
            rec = {k: v for k, v in row.items() if k not in DATA_SHEETS["provenance"]}
            for k, canon in lookups.get(role, {}).items():
                rec[k] = canon(rec.get(k))
            if isinstance(rec.get("sheet_row"), float):
                rec["sheet_row"] = int(rec["sheet_row"])
            if key == "findings":
                rec["severity"] = _severity_key(clean_text(rec.get("severity")))
            if key == "results":
                rec["evidence_ok"] = clean_text(rec.get("evidence_ok")) in ("ใช่", "True", "1")
            getattr(e, attr).append(rec)
    _load_oit(report, entries)
    return list(entries.values()), meta


def _load_oit(report: ReportBook, entries: dict[str, OrgEntry]) -> None:
    """The OIT grid of an earlier consolidated report back into its entries' items."""
    from ita_xlsx.consolidation.oit_grid import read_back

    for row in read_back(report):
        e = entries.get(row["org_code"].casefold())
        if e is not None:
            e.oit = [{**it, "urls": "", "detail": "", "detail_en": ""} for it in row["items"]]


def _num(v: Any) -> float | None:  # a cell value as calamine gives it
    """A number read back from a report; anything else, and NaN or infinity, is None."""
    try:
        number = float(v) if v not in (None, "") else None
    except (TypeError, ValueError, OverflowError):
        return None
    return number if number is not None and math.isfinite(number) else None


def _iso_day(text: str) -> str:
    """"25/01/2570" (as the report shows it) or ISO -> "2027-01-25"."""
    if not text or (len(text) >= 10 and text[4] == "-"):
        return text
    day = parse_date(text)
    return day.isoformat() if day else text


def _round_key(text: str) -> str:
    return key_of(ROUNDS, text) or text


def _severity_key(text: str) -> str:
    return key_of(SEVERITIES, text) or text


def _status_key(text: str) -> str:
    return key_of(FILE_STATES, text) or text or "invalid"


# ---------------------------------------------------------------- the whole merge


def merge(
    inputs: Sequence[str | Path],
    *,
    template: Template | None = None,
    orgs_path: str | Path | None = None,
    fiscal_year: int | None = None,
    round: str | None = None,
    framework: str | None = None,
    workers: int | None = None,
    progress: Callable[[int], None] | None = None,
    exclude: set[Path] | None = None,
    org_list: Sequence | None = None,
    ruling: Callable | None = None,
    check_links: bool = False,
    link_timeout: float = 10.0,
    reports_as_files: bool = False,
) -> MergeResult:
    """Read everything sent, load any consolidated reports, and keep for each organisation
    the file that counts (see ``selection``): one fiscal year, one round, the newest return;
    borrowed workbooks count for nobody; what could not be used is listed, not dropped.

    ``org_list`` (records already read) stands in for ``orgs_path``; ``ruling`` carries the
    officer's decisions about files (see ``intake.select``). ``reports_as_files``: a
    consolidated report among the inputs is checked as a file (what ``validate`` says of it),
    not merged."""
    import time

    from ita_xlsx.intake.inbox import gather
    from ita_xlsx.intake.selection import Candidate
    from ita_xlsx.validators.returns import check, select

    started = time.perf_counter()
    template = template or load_template()
    orgs = {}
    if orgs_path:
        listed, _ = read_org_list(orgs_path, org_type_labels(template))
        orgs = {o.code.casefold(): o for o in listed}
    if org_list is not None:
        orgs = {o.code.casefold(): o for o in org_list}
    with gather(list(inputs), {o.code for o in orgs.values()} or None, exclude) as inbox:
        report = check([], template, fiscal_year=fiscal_year, framework=framework,
                       workers=workers, progress=progress, inbox=inbox, do_select=False,
                       reports_as_files=reports_as_files, orgs=orgs or None,
                       check_links=check_links,
                       link_timeout=link_timeout, in_worker=entry_in_worker)
        report_entries: list[OrgEntry] = []
        failed_reports: list[OrgEntry] = []  # reports that could not be read safely
        # listed as not returned in a report: not a file, so never a candidate; shown as
        # missing unless something that counts arrives for them
        listed_missing: list[OrgEntry] = []
        to_load = [] if reports_as_files else inbox.reports
        for loaded in load_reports(to_load, template, framework, workers, progress):
            if isinstance(loaded, OrgEntry):
                failed_reports.append(loaded)
            else:
                report_entries.extend(e for e in loaded if e.status != "missing")
                listed_missing.extend(e for e in loaded if e.status == "missing")
    report.skipped = list(inbox.skipped)
    entries = {id(rep): entry_from_return(rep, template) for rep in report.files}
    extra = [Candidate(path=f"{e.via} > {e.org_code}", code=e.org_code, name=e.org_name,
                       readable=e.status != "unreadable", fiscal_year=e.fiscal_year,
                       round=e.round, recorded=e.recorded, file_time=e.file_time, ref=e)
             for e in report_entries]
    sel = select(report, fiscal_year=fiscal_year, round=round, orgs=orgs or None, extra=extra,
                 ruling=ruling)

    def entry_of(ref) -> OrgEntry:
        return ref if isinstance(ref, OrgEntry) else entries[id(ref)]

    kept: list[OrgEntry] = []
    e: OrgEntry | None  # an entry, or a lookup by code below that may find none
    for cand in sel.counting.values():
        e = entry_of(cand.ref)
        e.org_code = cand.code
        kept.append(e)
    by_code = {e.org_code.casefold(): e for e in kept}
    superseded = []
    for d in sel.decisions:
        e = entry_of(d.cand.ref)
        e.reason, e.reason_en = d.th, d.en
        winner = by_code.get(d.code.casefold()) if d.code else None
        if not d.counts and winner is not None:
            superseded.append((e, winner))
    for code, name, what in report.unusable:  # sent something, none of it counts
        if code.casefold() in by_code:
            continue
        mine = [d for d in sel.decisions if d.cand.code.casefold() == code.casefold()]
        readable = any(d.cand.readable for d in mine)
        items = [i for i in report.skipped if i.org_code.casefold() == code.casefold()]
        why = "; ".join(dict.fromkeys([*(d.th for d in mine), *(i.th for i in items)]))
        why_en = "; ".join(dict.fromkeys([*(d.en for d in mine), *(i.en for i in items)]))
        e = OrgEntry(code, name, status="invalid" if readable else "unreadable",
                     source_file=what,
                     note=f"ส่งแล้วแต่ใช้ไม่ได้: {what} ({why})",
                     note_en=f"sent something that cannot be used: {what} ({why_en})",
                     unusable=True)
        if mine:
            e.org_name = e.org_name or mine[0].cand.name
        kept.append(e)
        by_code[code.casefold()] = e
    for code, org in orgs.items():
        e = by_code.get(code)
        if e is None:
            kept.append(OrgEntry(org.code, org.name, org.type, org.district, org.province))
        else:  # the list fills in names and places a return left out
            e.org_name = e.org_name or org.name
            e.org_type, e.district = e.org_type or org.type, e.district or org.district
            e.province = e.province or org.province
    for m in listed_missing:
        if m.org_code.casefold() not in by_code:
            e = OrgEntry(m.org_code, m.org_name, m.org_type, m.district, m.province, via=m.via)
            kept.append(e)
            by_code[m.org_code.casefold()] = e
    kept.sort(key=lambda x: x.org_code)
    counting = {id(entry_of(c.ref)): c for c in sel.counting.values()}  # entry -> its file
    for e in kept:
        if e.status != "missing" and not e.note:
            counted = sel.decision(counting.get(id(e)))
            if counted is not None and "ไฟล์เดียว" not in counted.th:
                e.note, e.note_en = counted.th, counted.en
    rows = _file_table([*entries.values(), *report_entries, *failed_reports], by_code)
    rows += [{"path": s.path, "via": "", "org_code": s.org_code, "org_name": "",
              "status": s.kind, "recorded": "", "file_time": "", "used": False,
              "superseded_by": "", "round": "", "reason": s.th, "reason_en": s.en}
             for s in report.skipped]
    return MergeResult(kept, superseded, rows, sel.fiscal_year, time.perf_counter() - started,
                       round=sel.round, selection=sel, skipped=list(report.skipped),
                       report=report)


def merge_notes(result: MergeResult, lang: str = "th") -> tuple[list[str], list[str]]:
    """Lines for the console: the year and round counted, each file not counted and why,
    each file not read as a return; and the warnings (ties). Each oddity is said once."""
    sel, en = result.selection, lang == "en"
    if sel is None:
        return [], []
    lines = [sel.summary(lang)] if sel.summary(lang) else []
    tied = {id(other) for _best, other in sel.ties}  # said once, in the tie warning
    for d in sel.decisions:
        if not d.counts and id(d.cand) not in tied:
            lines.append(f"  – {d.cand.path}: {d.text(lang)}")
    for item in result.skipped:
        who = f" [{item.org_code}]" if item.org_code else ""
        lines.append(f"  · {item.path}{who}: {item.text(lang)}")
    unusable = [f"{e.org_code} {e.org_name}".strip() for e in result.entries if e.unusable]
    if unusable:
        lines.append(("Sent something, none of it counts (see above): " if en else
                      "ส่งแล้วแต่ไม่มีไฟล์ที่นับได้ (ดูรายการด้านบน): ") + ", ".join(unusable))
    return lines, ["! " + (e if en else th) for th, e in sel.warnings]


def _file_table(entries: list[OrgEntry], kept: dict[str, OrgEntry]) -> list[dict]:
    """Every input: used in the report, or why not."""
    rows = []
    for e in entries:
        winner = kept.get(e.org_code.casefold()) if e.org_code else None
        used = winner is e
        rows.append({
            "path": e.source_file if not e.via else f"{e.via} > {e.org_code}", "via": e.via,
            "org_code": e.org_code, "org_name": e.org_name,
            "status": e.status, "recorded": e.recorded, "file_time": e.file_time,
            "used": used, "round": e.round, "reason": e.reason, "reason_en": e.reason_en,
            "superseded_by": winner.source_file if winner is not None and not used else "",
        })
    return rows


def bound_for(template: Template, fiscal_year: int | None, framework: str | None = None
              ) -> Bound | None:
    """The template bound to a report's year (this year when it names none), None when
    there is no framework for it; bound once per process, as validation binds it."""
    from ita_xlsx.spec.framework import FrameworkError
    from ita_xlsx.thai import current_fiscal_year

    try:
        return engine.bound_for(template, fiscal_year or current_fiscal_year(), framework)
    except FrameworkError:
        return None
