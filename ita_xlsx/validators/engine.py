"""Validate many returned workbooks at once.

Each file is read and checked in a worker process (``check_file``: the template's rules from
``rules.py``, column by column, then the cross-sheet and OIT checks); the main process gathers
the reports and adds what needs the organisation list and the other files.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ita_xlsx.core.findings import Finding, sort_key
from ita_xlsx.core.packed import Packed
from ita_xlsx.intake.inbox import Item
from ita_xlsx.intake.read import Returned, normalize_header, read_return
from ita_xlsx.intake.selection import Decision, Selection
from ita_xlsx.spec.framework import FrameworkError
from ita_xlsx.spec.roles import Fields, Roles
from ita_xlsx.spec.template import Bound, Sheet, Template, bind, load_template
from ita_xlsx.thai import normalize_year, to_arabic_digits
from ita_xlsx.validators import cross, oit, rules

Lookups = dict[str, dict[str, Callable[[object], object]]]


@dataclass
class FileReport:
    path: str
    returned: Returned
    findings: list[Finding] = field(default_factory=list)
    fiscal_year: int | None = None
    round: str | None = None
    bound: Bound | None = None
    decision: Decision | None = None  # whether this file counts, and why
    oit: Sequence = field(default_factory=list)  # oit.ItemResult per OIT item of the year
    # what a caller's ``in_worker`` step made of the file where it was read (merge: the
    # figures of its entry), so the parent only gathers
    entry: Any = None

    @property
    def status(self) -> str:
        if not self.returned.readable:
            return "unreadable"
        sev = {f.severity for f in self.findings}
        if "error" in sev:
            return "invalid"
        return "warnings" if "warning" in sev else "valid"

    def count(self, severity: str) -> int:
        return sum(f.severity == severity for f in self.findings)


@dataclass
class Report:
    files: list[FileReport]
    seconds: float = 0.0
    links: dict[str, dict[str, object]] = field(default_factory=dict)
    oit_links: dict = field(default_factory=dict)  # counts of the OIT pages read
    missing: list[tuple[str, str]] | None = None  # with an organisation list: (code, name)
    selection: Selection | None = None  # which file counts per organisation
    skipped: list[Item] = field(default_factory=list)  # sent but not read as a return
    # organisations that sent something, none of it usable: (code, name, what they sent)
    unusable: list[tuple[str, str, str]] = field(default_factory=list)
    round: Any = None  # rounds.Round, when the round model read these files

    @property
    def valid(self) -> bool:
        return all(f.status in ("valid", "warnings") for f in self.files)

    def counts_toward_exit(self, f: FileReport) -> bool:
        """Whether ``f``'s errors decide the exit code: a file that does not count while
        another file counts for the same organisation (an older draft, another round, a
        borrowed copy) is reported but does not fail the run; unreadable and unattributable
        files, and any file when nothing counts for its organisation, do."""
        d, sel = f.decision, self.selection
        if d is None or sel is None or getattr(d, "counts", True) or not f.returned.readable:
            return True
        codes = {c.casefold() for c in (getattr(d, "code", ""), d.cand.code) if c}
        return not any(c in sel.counting for c in codes)

    @property
    def ok(self) -> bool:
        """What the exit code says: no file that counts (or cannot be placed) has an error."""
        return all(f.status in ("valid", "warnings") for f in self.files
                   if self.counts_toward_exit(f))

    def stats(self) -> dict:
        statuses = [f.status for f in self.files]
        return {
            "files": len(self.files),
            "valid": statuses.count("valid"),
            "warnings": statuses.count("warnings"),
            "invalid": statuses.count("invalid"),
            "unreadable": statuses.count("unreadable"),
            "errors": sum(f.count("error") for f in self.files),
            "warnings_total": sum(f.count("warning") for f in self.files),
            "seconds": round(self.seconds, 3),
        }


# ---------------------------------------------------------------- reading


# path, template file, year, framework, and the caller's step after the checks (or None)
Job = tuple[str, str, int | None, str | None, "WorkerStep | None"]
WorkerStep = Callable[[FileReport, Template], None]


def _check_one(job: Job) -> FileReport:
    """In a worker: read one file and run every check of its own (the template's rules, the
    cross-sheet and OIT checks), then the caller's step on a readable file. What comes back
    is the file's report, without its bound template (the main process binds each year
    once)."""
    path, template_file, fiscal_year, framework, step = job
    template = load_template(template_file)
    ret = read_return(path, template)
    rep = FileReport(ret.path, ret, list(ret.findings))
    if ret.readable:
        check_file(rep, template, fiscal_year, framework)
        if step is not None:
            step(rep, template)
    # the rows and OIT items are final now: they cross to the parent, and stay there,
    # packed (reading the OIT pages unpacks the items it adds to: _oit_page_findings)
    ret.tables = {key: Packed.of(rows) for key, rows in ret.tables.items()}
    rep.oit = Packed.of(rep.oit)
    rep.bound = None
    return rep


def _read_failed(job: Job, failure) -> FileReport:
    """The file that cost its worker a budget, a panic or its life: one finding."""
    from ita_xlsx.intake.read import file_mtime

    path = job[0]
    ret = Returned(path=path, readable=False, mtime=file_mtime(path), findings=[Finding(
        failure.code, params={"detail": {"th": failure.th, "en": failure.en}})])
    return FileReport(path, ret, list(ret.findings))


def check_all(paths: Sequence[Path], template: Template, fiscal_year: int | None = None,
              framework: str | None = None, workers: int | None = None,
              progress: Callable[[int], None] | None = None, budget=None,
              in_worker: WorkerStep | None = None) -> list[FileReport]:
    """Read and check every file in worker processes, each within the memory and time
    budget: the per-file work is done where the file is read, in parallel. ``in_worker``
    (a module-level function: workers may be spawned) runs there too, after the checks."""
    from ita_xlsx.intake.sandbox import run_jobs

    jobs = [(str(p), template.source_file, fiscal_year, framework, in_worker) for p in paths]
    return run_jobs(_check_one, jobs, _read_failed, workers=workers, budget=budget,
                    progress=progress)


@dataclass
class Prepared:
    """What checking a year's files needs, made once per process (not once per file): the
    template bound to the year, its choice lookups and each sheet's compiled rules."""

    bound: Bound
    lookups: Lookups
    rules: dict[str, list[rules.Rule]]


_PREPARED: dict[tuple[str, int, str | None], Prepared] = {}


def prepared(template: Template, year: int, framework: str | None = None) -> Prepared:
    """Raises :class:`FrameworkError` for a year without framework data."""
    key = (template.source_file, year, framework)
    if key not in _PREPARED:
        b = bind(template, year, "plan", None, framework)
        _PREPARED[key] = Prepared(b, choice_lookups(b), {
            s.key: rules.compile_rules(b, s) for s in template.data_sheets if s.key != oit.SHEET})
    return _PREPARED[key]


def bound_for(template: Template, year: int, framework: str | None = None) -> Bound:
    return prepared(template, year, framework).bound


# ---------------------------------------------------------------- canonical values


def _lookup(bound: Bound, key: str) -> Callable[[object], object]:
    table: dict[str, str] = {}
    for c in bound.choice_items(key):
        for spelling in (c.value, c.label, c.label_en, *c.aliases):
            if spelling:
                table[to_arabic_digits(normalize_header(spelling))] = c.value
    source = bound.template.choices[key].source
    fw = bound.analysis_fw

    def canon(value: object) -> object:
        if value is None:
            return None
        hit = table.get(to_arabic_digits(normalize_header(value)))
        if hit is not None:
            return hit
        if source == "framework.indicators":
            n = fw.indicator_from_text(str(value))
            return str(n) if n else value
        if source == "framework.oit_items":
            return bound.target_fw.oit_item_from_text(str(value)) or value
        return value

    return canon




def choice_lookups(bound: Bound) -> Lookups:
    """Sheet key -> column key -> canonical-value function, for every strict choice column."""
    t = bound.template
    return {s.key: {f.key: _lookup(bound, f.choices) for f in s.fields
                    if f.choices and t.choices[f.choices].strict} for s in t.data_sheets}


def canonicalize(ret: Returned, bound: Bound, lookups: Lookups | None = None) -> None:
    """Replace choice labels and aliases by their values, in place (same for every file)."""
    t = bound.template
    lookups_all = lookups or choice_lookups(bound)
    for s in t.data_sheets:
        sheet_lookups = lookups_all[s.key]
        if not sheet_lookups:
            continue
        if s.kind == "form":
            for k, fn in sheet_lookups.items():
                ret.form[k] = fn(ret.form.get(k))
        for row in ret.tables.get(s.key, []):
            for k, fn in sheet_lookups.items():
                row.values[k] = fn(row.values.get(k))


def file_year(ret: Returned) -> int | None:
    for value in (ret.identity.get(Fields.FISCAL_YEAR), ret.form.get(Fields.FISCAL_YEAR)):
        if value not in (None, ""):
            try:
                return normalize_year(value)
            except ValueError:
                continue
    return None


# ---------------------------------------------------------------- the template's rules


def columns_of(s: Sheet, rep: FileReport) -> tuple[rules.Columns, list[int | None]]:
    """A sheet's rows of one file, column by column, and the Excel row of each."""
    ret = rep.returned
    keys = [f.key for f in s.fields]
    rows = [(None, ret.form)] if s.kind == "form" else [
        (r.row, r.values) for r in ret.tables.get(s.key, [])]
    cols: rules.Columns = {k: [values.get(k) for _, values in rows] for k in keys}
    cols[rules.FY_COLUMN] = [rep.fiscal_year or None] * len(rows)
    return cols, [excel_row for excel_row, _ in rows]


def _rule_findings(rep: FileReport, ready: Prepared) -> None:
    """Run each sheet's rules over the file's rows, column by column."""
    ret, bound = rep.returned, ready.bound
    for s in bound.template.data_sheets:
        if s.key == oit.SHEET or s.key not in ret.sheet_names:  # OIT items: oit.py
            continue
        cols, where = columns_of(s, rep)
        fields = {f.key: f for f in s.fields}
        for code, key, index in rules.run_rules(ready.rules[s.key], cols):
            excel_row, f = where[index], fields[key]
            if s.kind == "form":
                cell = ret.form_cells.get(key, f.cell)
                excel_row = int(cell.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
                raw = ret.form_raw.get(key)
            else:
                assert excel_row is not None  # every table row has its Excel row
                cell, raw = ret.cell(s.key, excel_row, key), None
                if not cell:  # the column is missing from the file: column-missing says so once
                    continue
            value = cols[key][index]
            record = {k: cols[k][index] for k in fields}
            severity = ""  # the catalogue's, unless the template says otherwise
            if code == "required-missing" and f.missing_code:
                code = f.missing_code
            elif code == "required-missing":
                severity = f.severity
            rep.findings.append(Finding(
                code, severity=severity, sheet=s.key,
                sheet_name=ret.sheet_names.get(s.key, s.name), row=excel_row, column=key,
                cell=cell, value=raw if raw not in (None, "") else value, label=f.label,
                label_en=f.label_en,
                params=rules.finding_detail(code, f, value, rep.fiscal_year, bound, record)))


# ---------------------------------------------------------------- the whole run


def validate_files(
    paths: Sequence[str | Path],
    template: Template | None = None,
    *,
    fiscal_year: int | None = None,
    orgs: dict | None = None,
    orgs_source: str = "",
    framework: str | None = None,
    check_links: bool = False,
    link_timeout: float = 10.0,
    workers: int | None = None,
    progress: Callable[[int], None] | None = None,
    link_progress: Callable[[int], None] | None = None,
    in_worker: WorkerStep | None = None,
) -> Report:
    """Validate ``paths`` (files) and return the report. Never raises for a bad file.
    ``in_worker``: more work on each readable file where it is read (see ``check_all``)."""
    started = time.perf_counter()
    template = template or load_template()
    reports = check_all([Path(p) for p in paths], template, fiscal_year, framework, workers,
                        progress, in_worker=in_worker)
    for rep in reports:
        if rep.fiscal_year is not None and rep.returned.readable:
            try:
                rep.bound = bound_for(template, rep.fiscal_year, framework)
            except FrameworkError:  # the worker said so already (template-unknown)
                rep.bound = None
        if orgs is not None and rep.bound is not None:
            rep.findings += cross.org_list_checks(rep.returned, orgs, orgs_source)
    report = Report(reports)
    if orgs is not None:  # who on the list has sent nothing readable yet
        sent = {rep.returned.org_code.casefold() for rep in reports if rep.returned.readable}
        report.missing = [(o.code, o.name) for key, o in sorted(orgs.items()) if key not in sent]
    if check_links:
        _link_findings(report, template, link_timeout, link_progress)
        _oit_page_findings(report, link_timeout, link_progress)
    order = {s.key: i for i, s in enumerate(template.sheets)}
    for rep in reports:
        rep.findings.sort(key=lambda f: sort_key(f, order))
        _cap_findings(rep)
    report.seconds = time.perf_counter() - started
    return report


def check_file(rep: FileReport, template: Template, fiscal_year: int | None = None,
               framework: str | None = None) -> None:
    """Every check of one readable file that needs no other file: the template's version,
    its year, choices read as their values, the template's rules, the cross-sheet checks and
    the OIT items. Sets the report's year, round and bound template."""
    ret = rep.returned
    _template_findings(rep, template)
    year = file_year(ret) or fiscal_year
    rep.fiscal_year = year
    if year is None:
        f = template.sheet(Roles.ORG).field(Fields.FISCAL_YEAR)
        rep.findings.append(Finding(
            "required-missing", sheet=Roles.ORG, sheet_name=ret.sheet_names.get(
                Roles.ORG, template.sheet(Roles.ORG).name), column=f.key,
            cell=ret.form_cells.get(f.key, f.cell), label=f.label, label_en=f.label_en,
            params={"detail": {"th": f.required_message,
                               "en": f.required_message_en or f.required_message}}))
        return
    try:
        ready = prepared(template, year, framework)
    except FrameworkError as exc:
        rep.findings.append(Finding("template-unknown", params={"detail": {
            "th": exc.message, "en": getattr(exc, "message_en", str(exc))}}))
        return
    rep.bound = b = ready.bound
    canonicalize(ret, b, ready.lookups)
    round_value = ret.form.get(Fields.ROUND) or ret.identity.get(Fields.ROUND) or None
    rep.round = None if round_value is None else str(round_value)  # typed over: may be a number
    _rule_findings(rep, ready)
    rep.findings += cross.identity_checks(ret, b, fiscal_year, rep.fiscal_year)
    rep.findings += cross.analysis_checks(ret, b)
    rep.findings += cross.measure_checks(ret, b)
    rep.findings += cross.oit_item_checks(ret, b)
    rep.findings += cross.result_checks(ret, b, rep.round)
    rep.oit = oit.check_items(ret, b, template.oit_official_hosts)
    rep.findings += oit.findings_of(rep.oit)


MAX_FINDINGS = 500  # per file; a pasted block of junk must not make a 100 MB report


def _cap_findings(rep: FileReport) -> None:
    """Keep the first findings, summarise the rest; the summary carries the worst severity
    left out, so the file's status stays what all its findings say."""
    if len(rep.findings) <= MAX_FINDINGS:
        return
    rest = rep.findings[MAX_FINDINGS:]
    rank = {"error": 0, "warning": 1, "info": 2}
    worst = min((f.severity for f in rest), key=lambda s: rank.get(s, 3))
    rep.findings = rep.findings[:MAX_FINDINGS] + [Finding(
        "findings-more", severity=worst,
        params={"shown": f"{MAX_FINDINGS:,}", "more": f"{len(rest):,}"})]


def _template_findings(rep: FileReport, template: Template) -> None:
    ident = rep.returned.identity
    tid, version = ident.get("template_id", ""), ident.get("template_version", "")
    if tid and tid != template.id:
        rep.findings.append(Finding("template-unknown", params={"detail": {
            "th": f"แบบฟอร์ม {tid}", "en": f"template {tid}"}}))
    elif version and version != template.version and version not in \
            template.compatible_versions:  # a compatible older version reads as it is
        rep.findings.append(Finding("template-outdated", value=version,
                                    params={"expected": template.version}))


def _oit_page_findings(report: Report, timeout: float, progress) -> None:
    """Read each OIT item's pages: dead, a login or error page, or not this year's."""
    files = [rep for rep in report.files if rep.oit]
    if not files:
        return
    live = [list(rep.oit) for rep in files]  # the pages read add their findings to them
    for rep, items in zip(files, live, strict=True):
        rep.oit = items
    before = {id(it): len(it.findings) for items in live for it in items}
    report.oit_links = oit.check_pages([(items, rep.fiscal_year)
                                        for rep, items in zip(files, live, strict=True)],
                                       timeout=timeout, progress=progress)
    for rep in files:
        for it in rep.oit:
            rep.findings += it.findings[before[id(it)]:]


def _link_findings(report: Report, template: Template, timeout: float, progress) -> None:
    """Open every well-formed evidence URL once; a dead one is a warning where it stands."""
    from ita_xlsx.thai import is_valid_url
    from ita_xlsx.thai.values import split_urls
    from ita_xlsx.validators.links import check_links, describe, summarize

    f = template.sheet(Roles.RESULTS).field(Fields.EVIDENCE_URL)
    places = [
        (rep, r.row, url)
        for rep in report.files if Roles.RESULTS in rep.returned.sheet_names
        for r in rep.returned.tables.get(Roles.RESULTS, [])
        for url in split_urls(r.values.get(Fields.EVIDENCE_URL)) if is_valid_url(url)
    ]
    results = check_links([u for _, _, u in places], timeout=timeout, progress=progress)
    report.links = summarize(results)
    for rep, row, url in places:
        res = results[url]
        if not res.ok:
            ret = rep.returned
            rep.findings.append(Finding(
                "url-unreachable", sheet=Roles.RESULTS, sheet_name=ret.sheet_names.get(Roles.RESULTS),
                row=row, column=f.key, cell=ret.cell(Roles.RESULTS, row, f.key), value=url,
                label=f.label, label_en=f.label_en,
                params={"detail": {"th": describe(res, "th"), "en": describe(res, "en")}}))
