"""Validate what was sent, as a round: the inbox read, each file checked, and for every
organisation the file that counts chosen (``selection``), with everything else listed.

``validate`` and ``merge`` both start here, so they always agree on which file counts.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from ita_xlsx.core.findings import Finding
from ita_xlsx.intake.inbox import Inbox, code_in_name, gather
from ita_xlsx.intake.selection import Candidate, Decision, Selection, choose
from ita_xlsx.spec.roles import Fields
from ita_xlsx.spec.template import Template
from ita_xlsx.thai import parse_date
from ita_xlsx.thai.dates import iso_moment
from ita_xlsx.validators.engine import FileReport, Report, WorkerStep, validate_files


def iso_time(ts: float) -> str:
    """A file time as ISO 8601 in Thai time, with its offset."""
    return iso_moment(ts) if ts else ""


def stored_identity_conflict(rep: FileReport) -> tuple[str, str, str]:
    """(typed code, stored code, stored name) when the file's identities disagree, else
    ("", "", "")."""
    ret = rep.returned
    if ret.bad_code is not None:  # counts for no organisation at all (org-code-invalid)
        return "", "", ""
    form_code = str(ret.form.get(Fields.ORG_CODE) or "").strip()
    prop = ret.prop_identity.get(Fields.ORG_CODE, "").strip()
    meta = ret.meta_identity.get(Fields.ORG_CODE, "").strip()
    stored_name = ret.prop_identity.get(Fields.ORG_NAME, "") or ret.meta_identity.get(Fields.ORG_NAME, "")
    if prop and meta and prop.casefold() != meta.casefold():
        # properties and hidden sheet name different organisations: one was copied over;
        # the one the sheet does not show is the workbook's original owner
        typed = form_code or meta
        other = prop if typed.casefold() != prop.casefold() else meta
        other_name = (ret.prop_identity.get(Fields.ORG_NAME, "") if other == prop
                      else ret.meta_identity.get(Fields.ORG_NAME, ""))
        return typed, other, other_name
    stored = prop or meta
    if stored and form_code and stored.casefold() != form_code.casefold():
        return form_code, stored, stored_name
    return "", "", ""


def candidate(rep: FileReport) -> Candidate:
    ret = rep.returned
    typed, stored, stored_name = stored_identity_conflict(rep) if ret.readable else ("", "", "")
    day = parse_date(ret.form.get(Fields.REPORT_DATE)) if ret.form.get(Fields.REPORT_DATE) else None
    bad = ret.bad_code.code if ret.bad_code is not None else ""
    return Candidate(
        path=rep.path,
        code="" if bad else (typed or ret.org_code),
        bad_code=bad,
        name=str(ret.form.get(Fields.ORG_NAME) or "") if typed else ret.org_name,
        readable=ret.readable,
        fiscal_year=rep.fiscal_year,
        round=str(rep.round or ""),
        recorded=day.isoformat() if day else "",
        saved=ret.saved_at,
        file_time=iso_time(ret.mtime),
        borrowed_from=stored,
        borrowed_name=stored_name,
        ref=rep,
    )


def check(
    inputs: Sequence[str | Path],
    template: Template,
    *,
    fiscal_year: int | None = None,
    round: str | None = None,
    orgs: dict | None = None,
    orgs_source: str = "",
    framework: str | None = None,
    check_links: bool = False,
    link_timeout: float = 10.0,
    workers: int | None = None,
    progress: Callable[[int], None] | None = None,
    exclude: set[Path] | None = None,
    inbox: Inbox | None = None,
    do_select: bool = True,
    reports_as_files: bool = True,
    in_worker: WorkerStep | None = None,
) -> Report:
    """Read and check everything in ``inputs``; the report says which file counts per
    organisation (``report.selection``) and lists what was not read (``report.skipped``).
    ``in_worker``: more work on each readable file where it is read (``engine.check_all``)."""
    codes = {o.code for o in orgs.values()} if orgs else None
    own = inbox is None
    inbox = inbox or gather(list(inputs), codes, exclude)
    try:
        # validate reads a consolidated report it is given like any file, to say what it is
        files = inbox.workbooks + (inbox.reports if reports_as_files else [])
        report = validate_files(files, template, fiscal_year=fiscal_year, orgs=orgs,
                                orgs_source=orgs_source, framework=framework,
                                check_links=check_links, link_timeout=link_timeout,
                                workers=workers, progress=progress, in_worker=in_worker)
    finally:
        if own:
            inbox.close()  # everything needed was read into the report
    relabel(report, inbox)
    report.skipped = [s for s in inbox.skipped if s.kind != "report"] + [
        s for s in inbox.skipped if s.kind == "report"]
    if do_select:
        select(report, fiscal_year=fiscal_year, round=round, orgs=orgs)
    return report


def relabel(report: Report, inbox: Inbox) -> None:
    """Files taken out of archives are shown under the archive's name and time."""
    for rep in report.files:
        key = rep.path
        if key in inbox.shown:
            rep.path = rep.returned.path = inbox.shown[key]
            rep.returned.mtime = inbox.times.get(key, rep.returned.mtime)


def select(report: Report, *, fiscal_year: int | None = None, round: str | None = None,
           orgs: dict | None = None, extra: Sequence[Candidate] = (),
           ruling: Callable[[Candidate], object] | None = None) -> Selection:
    """Decide which file counts; ``extra`` adds rows of consolidated reports to compete.

    ``ruling`` gives the officer's decision about a file (``rounds.store.FileRuling``, or
    None): a file the officer said is X's is X's; one the officer set aside does not compete.
    """
    cands = [candidate(rep) for rep in report.files] + list(extra)
    codes = {o.code for o in orgs.values()} if orgs else None
    for c in cands:
        if not c.code and not c.readable:  # an unreadable "<code>_....xlsx" is still theirs
            c.code = code_in_name(c.path.rsplit(" > ", 1)[-1], codes)
    competing, set_aside = list(cands), []
    if ruling is not None:
        competing = []
        for c in cands:
            r = ruling(c)
            assigned = str(getattr(r, "assigned", "") or "")
            if assigned:  # the officer knows whose it is: no longer a borrowed workbook
                listed = (orgs or {}).get(assigned.casefold())
                c.code, c.borrowed_from = (listed.code if listed else assigned), ""
                c.name = getattr(listed, "name", "") or c.name
            excluded = str(getattr(r, "excluded", "") or "")
            if excluded:
                set_aside.append((c, excluded))
            else:
                competing.append(c)
    sel = choose(competing, fiscal_year=fiscal_year, round=round, orgs=orgs)
    for c, why in set_aside:
        sel.decisions.append(Decision(c, False, c.code, f"เจ้าหน้าที่ระบุว่าไม่นับ: {why}",
                                      f"set aside by the officer: {why}", officer=True))
    for d in sel.decisions:
        rep = d.cand.ref
        if not isinstance(rep, FileReport):
            continue
        rep.decision = d
        if d.cand.borrowed_from and not any(f.code == "identity-mismatch" for f in rep.findings):
            rep.findings.insert(0, Finding("identity-mismatch", params={"detail": {
                "th": d.th, "en": d.en}}))
    report.selection = sel
    counted = {c for c in sel.counting}
    sent_codes = {c.code.casefold() for c in cands if c.code} | {
        s.org_code.casefold() for s in report.skipped if s.org_code}
    report.unusable = []
    names = {k: getattr(o, "name", "") for k, o in (orgs or {}).items()}
    for code in sorted(sent_codes - counted):
        what = [s.path for s in report.skipped if s.org_code.casefold() == code] + [
            c.path for c in cands if c.code.casefold() == code]
        shown = next((c.code for c in cands if c.code.casefold() == code), "") or next(
            (s.org_code for s in report.skipped if s.org_code.casefold() == code), code)
        report.unusable.append((shown, names.get(code, ""), ", ".join(what)))
    if orgs is not None:
        report.missing = [(o.code, o.name) for key, o in sorted(orgs.items())
                          if key not in counted and key not in sent_codes]
    return sel
