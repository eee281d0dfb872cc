"""The library API: one function per verb of the round.

Each takes paths or objects and returns a typed result. None prints, none exits; an input the
user can fix raises an :class:`ItaError` (Thai and English text, an exit code). The command
line (``cli.py``), the demo, the tests and the benchmarks all go through these functions.
Heavy modules are imported inside the functions so ``import ita_xlsx`` stays cheap.

A round in five lines::

    import ita_xlsx
    ita_xlsx.make_workbooks("workbooks", "orgs.csv", fiscal_year=2570)
    report = ita_xlsx.validate(["returned/"], orgs="orgs.csv")
    ita_xlsx.write_feedback(report, "feedback")
    ita_xlsx.write_consolidated(ita_xlsx.consolidate(["returned/"]), "district-report.xlsx")
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ita_xlsx.core.errors import (
    FrameworkError,
    InputError,
    ItaError,
    OrgListError,
    OutputError,
    OutputExists,
    TemplateError,
)
from ita_xlsx.core.findings import Finding
from ita_xlsx.core.records import Org, Prefill
from ita_xlsx.spec.roles import Cells, Fields, Roles

if TYPE_CHECKING:  # types only; importing them here would load xlsxwriter and pandas
    from ita_xlsx.consolidation.merge import MergeResult
    from ita_xlsx.documents.district import DistrictMemo
    from ita_xlsx.documents.org import DocumentsResult
    from ita_xlsx.mail.collect import CollectResult
    from ita_xlsx.mail.send import SendResult
    from ita_xlsx.mail.status import Change, OrgStatus
    from ita_xlsx.mail.transport import MailError
    from ita_xlsx.make.generate import NewResult
    from ita_xlsx.outputs.feedback import FeedbackResult
    from ita_xlsx.rounds.model import Round
    from ita_xlsx.spec.orgs import OrgProblem
    from ita_xlsx.spec.settings import Settings
    from ita_xlsx.spec.template import Bound, Template
    from ita_xlsx.validators.engine import Report

PathLike = str | Path
Progress = Callable[[int], None] | None

# The typical mistakes ``simulate_return`` can make (as seen in real returns).
MISTAKES = ("owner-missing", "timeframe-bad", "timeframe-old-year", "url-space", "done-no-url",
            "issue-missing", "measure-unknown", "measure-duplicate", "score-bad")


def _msg_error(cls: type[ItaError], key: str, exit_code: int | None = None, **kw) -> ItaError:
    from ita_xlsx.core.messages import msg

    return cls(msg(key, "th", **kw), msg(key, "en", **kw), exit_code)


# ---------------------------------------------------------------- inputs


def load_template(path: PathLike | None = None) -> Template:
    """The workbook template: the built-in one, or the TOML file at ``path``.

    Raises :class:`TemplateError` naming every problem of a template that cannot be used.
    """
    from ita_xlsx.spec.template import load_template as _load

    if path is not None and not Path(path).is_file():
        raise _msg_error(InputError, "error.not_found", path=path)
    return _load(str(path) if path else None)


def parse_year(value: str | int | None) -> int:
    """A fiscal year as people type it (2570, ๒๕๗๐, 2027 CE) → the Buddhist-Era year; the
    current fiscal year for None. Raises :class:`InputError` for anything else."""
    from ita_xlsx.thai import current_fiscal_year, normalize_year

    if value is None:
        return current_fiscal_year()
    try:
        year = normalize_year(value)
    except ValueError:
        raise _msg_error(InputError, "error.year", year=value) from None
    if not 2500 <= year <= 2700:
        raise _msg_error(InputError, "error.year", year=value)
    return year


def parse_deadline(value: str | None) -> str:
    """A deadline as people type it (31/01/2570, 2027-01-31) → the Thai date shown in the
    workbooks ("31 มกราคม 2570"); "" for none. Raises :class:`InputError` otherwise."""
    if not value:
        return ""
    from ita_xlsx.thai import format_date, parse_date

    day = parse_date(value)
    if day is None:
        raise _msg_error(InputError, "error.deadline", value=value)
    return format_date(day)


def read_orgs(path: PathLike, template: Template | None = None
              ) -> tuple[list[Org], list[OrgProblem]]:
    """An organisation list (.csv, .xlsx, .ods): the usable organisations and the problems of
    the rows left out. Raises :class:`OrgListError` when the list as a whole is unusable."""
    from ita_xlsx.spec.orgs import org_type_labels, read_org_list

    return read_org_list(path, org_type_labels(template or load_template()))


def find_workbooks(paths: Iterable[PathLike], *, exclude: Iterable[PathLike] = ()) -> list[Path]:
    """The workbook files among ``paths`` (files and folders, searched recursively), without
    ``exclude``. Raises :class:`InputError` for a path that does not exist."""
    from ita_xlsx.intake.read import find_workbooks as _find

    given = _existing(paths)
    skip = {Path(p).resolve() for p in exclude}
    found = _find(given)
    return [f for f in found if f.resolve() not in skip] if skip else found


def _existing(paths: Iterable[PathLike]) -> list[Path]:
    """``paths`` as paths; raises :class:`InputError` for one that does not exist."""
    given = [Path(p) for p in paths]
    for p in given:
        if not p.exists():
            raise _msg_error(InputError, "error.not_found", path=p)
    return given


def anything_sent(inputs: Iterable[PathLike], exclude: Iterable[PathLike] = ()) -> bool:
    """Whether the inputs hold any file at all: a folder with only a ZIP, a saved mail or a
    PDF is a round to report on, not "no workbook found"."""
    skip = {Path(p).resolve() for p in exclude}
    for item in map(Path, inputs):
        files = [item] if item.is_file() else (f for f in item.rglob("*") if f.is_file())
        if any(f.resolve() not in skip and not f.name.startswith(("~$", ".~")) for f in files):
            return True
    return False


def refuse_input_as_output(paths: Iterable[PathLike], out: PathLike) -> None:
    """Raise :class:`InputError` when ``out`` is one of the inputs: named among ``paths``, or
    a return found in a folder. An output never replaces an input, even with ``--force``; a
    consolidated report found in a folder may be the output (it is not read)."""
    from ita_xlsx.consolidation.merge import find_reports
    from ita_xlsx.core.files import same_file

    target, given = Path(out), [Path(p) for p in paths]
    named = any(same_file(p, target) for p in given)
    found = named or any(same_file(f, target) for f in find_workbooks(given))
    if found and (named or not find_reports([target], 1)[0]):
        raise InputError(f"ไฟล์ผลลัพธ์ {out} เป็นไฟล์ที่ส่งเข้ามาอ่าน จะไม่เขียนทับ ให้ใช้ชื่ออื่น",
                         f"the output {out} is one of the inputs; it is never overwritten, "
                         "choose another name")


def _orgs(orgs: PathLike | Sequence[Org] | None, template: Template) -> list[Org] | None:
    if orgs is None:
        return None
    if isinstance(orgs, str | Path):
        return read_orgs(orgs, template)[0]
    return list(orgs)


def bind_template(template: Template | None = None, *, fiscal_year: int | None = None,
                  round: str = "plan", framework: PathLike | None = None) -> Bound:
    """The template bound to a fiscal year's framework (indicators, tools, levels) and a round.
    Raises :class:`FrameworkError` when there is no framework for that year."""
    from ita_xlsx.spec.template import bind

    return bind(template or load_template(), fiscal_year or parse_year(None), round, None,
                str(framework) if framework else None)


def describe_template(template: Template | None = None, *, fiscal_year: int | None = None,
                      framework: PathLike | None = None) -> dict:
    """The template for machines (sheets, columns, cells, required fields, choices): the
    shape ``ita-xlsx schema --json`` prints."""
    from ita_xlsx.spec.template import describe

    return describe(bind_template(template, fiscal_year=fiscal_year, framework=framework))


# ---------------------------------------------------------------- workbooks


def render_workbook(
    org: Org | None = None,
    *,
    fiscal_year: int | None = None,
    round: str = "plan",
    deadline: str = "",
    contact: str = "",
    prefill: Prefill | None = None,
    generated_at: datetime | None = None,
    template: Template | None = None,
    framework: PathLike | None = None,
    bound: Bound | None = None,
) -> bytes:
    """The bytes of one workbook (a blank one when ``org`` is None). ``bound``: a template
    already bound with :func:`bind_template` (many workbooks of one year and round)."""
    from ita_xlsx.make.render import RenderOptions
    from ita_xlsx.make.render import render_workbook as _render

    if bound is None:
        bound = bind_template(template, fiscal_year=fiscal_year, round=round,
                              framework=framework)
    options = RenderOptions(fiscal_year=bound.fiscal_year, round=bound.round,
                            deadline=deadline, contact=contact)
    if generated_at is not None:
        options.generated_at = generated_at
    return _render(bound, org or Org(code="", name=""), options, prefill)


def make_workbooks(
    out: PathLike,
    orgs: PathLike | Sequence[Org] | None = None,
    *,
    fiscal_year: int | None = None,
    round: str = "plan",
    deadline: str = "",
    contact: str = "",
    prefills: dict[str, Prefill] | None = None,
    force: bool = False,
    template: Template | None = None,
    framework: PathLike | None = None,
    progress: Progress = None,
) -> NewResult:
    """Write one workbook per organisation into the folder ``out`` (one blank when no orgs).

    ``orgs`` is a list file or a sequence of :class:`Org`; existing files are kept unless
    ``force``. Returns what was written and what was refused.
    """
    from ita_xlsx.make.generate import generate
    from ita_xlsx.make.render import RenderOptions

    template = template or load_template()
    options = RenderOptions(fiscal_year=fiscal_year or parse_year(None), round=round,
                            deadline=deadline, contact=contact)
    return generate(template, _orgs(orgs, template), options, Path(out), force,
                    str(framework) if framework else None, prefills, progress=progress)


def simulate_return(blank: PathLike, out: PathLike, *, seed: int = 0, round: str = "plan",
                    mistakes: Sequence[str] = (), thai_digits: bool = False,
                    fiscal_year: int | None = None, template: Template | None = None,
                    framework: PathLike | None = None, bound: Bound | None = None) -> None:
    """Fill a workbook as an organisation would (openpyxl), with chosen typical ``mistakes``
    (``MISTAKES`` lists them all): for the demo, tests and benchmarks."""
    from ita_xlsx.make.simulate import make_return

    if bound is None:
        bound = bind_template(template, fiscal_year=fiscal_year, round=round,
                              framework=framework)
    make_return(Path(blank), Path(out), bound, seed, round, tuple(mistakes), thai_digits)


# ---------------------------------------------------------------- validation


def validate(
    paths: Iterable[PathLike],
    *,
    orgs: PathLike | Sequence[Org] | None = None,
    fiscal_year: int | None = None,
    template: Template | None = None,
    framework: PathLike | None = None,
    round: str | None = None,
    check_links: bool = False,
    link_timeout: float = 10.0,
    workers: int | None = None,
    progress: Progress = None,
) -> Report:
    """Check what was sent (files or folders; ZIP archives and saved mails opened) and return
    the :class:`Report`: findings per file, which file counts per organisation
    (``report.selection``, each file's ``decision``) and what was not read (``skipped``).

    A file that cannot be read gets a finding, never an exception; no workbook at all gives
    an empty report. Raises :class:`InputError` when a path does not exist.
    """
    from ita_xlsx.validators.returns import check

    template = template or load_template()
    paths = _existing(paths)
    listed = _orgs(orgs, template)
    index = {o.code.casefold(): o for o in listed} if listed is not None else None
    return check(paths, template, fiscal_year=fiscal_year, round=round,
                 orgs=index, orgs_source=str(orgs) if isinstance(orgs, str | Path) else "",
                 framework=str(framework) if framework else None,
                 check_links=check_links, link_timeout=link_timeout, workers=workers,
                 progress=progress)


def write_feedback(report: Report, out_dir: PathLike, *, force: bool = False,
                   lang: str = "th", all_files: bool = False, deadline: str = "",
                   contact: str = "") -> FeedbackResult:
    """A marked-up copy per organisation with findings, written into ``out_dir`` (for the
    file that counts only, unless ``all_files``). Each copy states the round's ``deadline``
    and ``contact`` (the ``[round]`` settings); where not given, those the original workbook
    carried."""
    from ita_xlsx.outputs.feedback import write_feedback as _write

    return _write(report, Path(out_dir), force=force, lang=lang, all_files=all_files,
                  deadline=deadline, contact=contact)


def report_text(report: Report, fmt: str = "json", *, lang: str = "th") -> str:
    """The validation report as text: ``"json"`` or ``"csv"`` (one row per finding)."""
    from ita_xlsx.outputs import check_report as rp

    if fmt == "csv":
        from ita_xlsx.core.files import csv_text

        return csv_text(rp.FINDING_COLUMNS, rp.finding_rows(report.files, lang), "\n")
    return rp.to_json(report, lang)


def write_check_report(report: Report, path: PathLike, *, lang: str = "th",
                       force: bool = False) -> Path:
    """The validation report as a file: .xlsx (filterable), .csv or .json by its suffix."""
    from ita_xlsx.core.files import atomic_write
    from ita_xlsx.outputs import check_report as rp

    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        rp.write_report_xlsx(report, path, lang, force)
    elif suffix == ".json":
        atomic_write(path, rp.to_json(report, lang).encode("utf-8"), force)
    else:
        rp.write_report_csv(report, path, lang, force)
    return path


# ---------------------------------------------------------------- consolidation


def consolidate(
    paths: Iterable[PathLike],
    *,
    orgs: PathLike | None = None,
    fiscal_year: int | None = None,
    round: str | None = None,
    template: Template | None = None,
    framework: PathLike | None = None,
    exclude: Iterable[PathLike] = (),
    workers: int | None = None,
    progress: Progress = None,
    check_links: bool = False,
    link_timeout: float = 10.0,
) -> MergeResult:
    """Read returns and consolidated reports (ZIP archives and saved mails opened); keep the
    one that counts per organisation: one fiscal year and round (as asked, else the newest
    present), the newest return by report date, saved time, file time; borrowed workbooks
    and the tool's own outputs never count.

    ``exclude``: files never read (the report being written, when it sits among the inputs).
    No workbook at all gives every listed organisation as missing. Raises :class:`InputError`
    when a path does not exist. ``check_links``: open every evidence URL and read every OIT
    item's page, so the OIT grid tells dead pages and last year's pages apart.
    """
    from ita_xlsx.consolidation.merge import merge

    template = template or load_template()
    paths = [Path(p) for p in paths]
    _existing(paths)  # a path that does not exist is an InputError
    if orgs is not None:
        read_orgs(orgs, template)  # an unusable list is refused before any work
    return merge(paths, template=template, orgs_path=orgs, fiscal_year=fiscal_year,
                 round=round, framework=str(framework) if framework else None,
                 workers=workers, progress=progress,
                 exclude={Path(p) for p in exclude}, check_links=check_links,
                 link_timeout=link_timeout)


def write_consolidated(result: MergeResult, out: PathLike, *, force: bool = False,
                       lang: str = "th", template: Template | None = None,
                       framework: PathLike | None = None,
                       csv_dir: PathLike | None = None) -> Path:
    """The consolidated workbook (summary, indicators, measures, results, charts); with
    ``csv_dir`` also the four CSV files, all or none (nothing is in place until every one is
    complete). Raises :class:`OutputError` naming the file and the cause (a full disk, ...)."""
    from ita_xlsx.consolidation.merge import bound_for
    from ita_xlsx.consolidation.report_writer import write_report_and_csvs

    template = template or load_template()
    bound = bound_for(template, result.fiscal_year, str(framework) if framework else None)
    write_report_and_csvs(result, Path(out), Path(csv_dir) if csv_dir else None, template,
                          bound, force, lang)
    return Path(out)


def write_consolidated_csv(result: MergeResult, out_dir: PathLike, *, force: bool = False,
                           template: Template | None = None, lang: str = "th") -> list[Path]:
    """summary.csv, measures.csv, results.csv and findings.csv (UTF-8 with BOM); findings'
    messages in ``lang``."""
    from ita_xlsx.consolidation.report_writer import write_csvs

    return write_csvs(result, Path(out_dir), template or load_template(), force, lang)


@dataclass
class NextRound:
    """What ``new --from`` needs: who, what to pre-fill, for which round and year."""

    orgs: list[Org] = field(default_factory=list)
    prefills: dict[str, Prefill] = field(default_factory=dict)
    round: str = "6"
    fiscal_year: int | None = None
    skipped: list = field(default_factory=list)  # nextround.Skipped: left out, and why


def next_round(
    sources: Iterable[PathLike],
    *,
    round: str | None = None,
    fiscal_year: int | None = None,
    template: Template | None = None,
    framework: PathLike | None = None,
    progress: Progress = None,
) -> NextRound:
    """Organisations and their pre-filled data for the next round, from a consolidated report
    or a folder of returns. Raises :class:`FrameworkError` for a year without framework data."""
    from ita_xlsx.consolidation.nextround import from_sources

    template = template or load_template()
    fw = str(framework) if framework else None
    sources = list(sources)
    _existing(sources)  # a missing source is an InputError

    def bound_of(source_year: int | None) -> Bound:
        return bind_template(template, fiscal_year=fiscal_year or source_year, framework=fw)

    skipped: list = []
    orgs, prefills, round_key, source_year = from_sources(
        sources, template, bound_of, round, fw, progress, skipped=skipped)
    return NextRound(orgs, prefills, round_key, fiscal_year or source_year, skipped)


# ---------------------------------------------------------------- the round by email


def load_settings(round_dir: PathLike = ".") -> Settings:
    """The round folder's ``ita-settings.toml`` (defaults where there is none)."""
    from ita_xlsx.spec.settings import load_settings as _load

    return _load(round_dir)


def _mail_password(settings: Settings, password: str | None) -> str:
    from ita_xlsx.mail.transport import MailError
    from ita_xlsx.spec.settings import password_for

    password = password or password_for(settings.mail)
    if not password:
        env = settings.mail.password_env
        raise MailError("password", f"ไม่มีรหัสผ่านอีเมล — ตั้งตัวแปรสภาพแวดล้อม {env} "
                        f"หรือบันทึกใน keyring ของเครื่อง (ita-xlsx จะไม่เขียนรหัสผ่านลงไฟล์)",
                        f"No mail password — set the environment variable {env} or store it "
                        f"in the OS keyring")
    return password


def _mail_settings(settings: Settings) -> None:
    from ita_xlsx.mail.transport import MailError

    if not settings.mail.configured:
        raise MailError("settings", "ยังไม่ได้ตั้งค่าอีเมล — เพิ่มส่วน [mail] (smtp_host, user ...) "
                        "ในไฟล์ ita-settings.toml ของโฟลเดอร์รอบนี้ (ดู README หัวข้อ Gmail/MailGoThai)",
                        "Mail is not set up — add a [mail] section (smtp_host, user, ...) to "
                        "ita-settings.toml in the round folder")


def _round_orgs(round_dir: Path, orgs: PathLike | Sequence[Org] | None) -> tuple[list[Org], Path | None]:
    if orgs is None:
        orgs = round_dir / "orgs.csv"
    if isinstance(orgs, str | Path):
        path = Path(orgs)
        return (read_orgs(path)[0] if path.is_file() else []), path
    return list(orgs), None


def send_workbooks(
    round_dir: PathLike = ".",
    *,
    workbooks: PathLike | None = None,
    orgs: PathLike | Sequence[Org] | None = None,
    settings: Settings | None = None,
    password: str | None = None,
    dry_run: bool = False,
    outbox: PathLike | None = None,
    resend: Iterable[str] = (),
    feedback: PathLike | None = None,
    remind: bool = False,
    remind_oit: bool = False,
    force: bool = False,
    retry_delays: tuple[float, ...] | None = None,
    progress: Progress = None,
) -> SendResult:
    """Send each organisation its workbook (or, with ``feedback``, its feedback copy as a reply
    to its return; with ``remind``, a reminder when it has not returned a valid workbook).

    What was sent is recorded in the round's ledger and never sent twice unless its code is in
    ``resend``. ``remind_oit``: reminders list each organisation's missing or failing OIT
    items, read from its newest saved return, and a valid return that lacks items gets an
    OIT reminder too. ``dry_run`` writes .eml files into ``outbox`` and sends nothing (no mail
    settings needed). Raises ``ita_xlsx.mail.transport.MailError`` for login/settings problems;
    a refused message is reported per organisation in the result.
    """
    from ita_xlsx.mail import send as s
    from ita_xlsx.mail.ledger import Ledger

    round_dir = Path(round_dir)
    settings = settings or load_settings(round_dir)
    from ita_xlsx.mail.compose import check_texts

    check_texts(settings.message)
    org_list, _path = _round_orgs(round_dir, orgs)
    result = s.SendResult(kind="feedback" if feedback else "remind" if remind else "workbook")
    with Ledger.of_round(round_dir) as ledger:
        if feedback:
            outgoing = s.plan_feedback(settings, org_list, Path(feedback), ledger, result)
        elif remind:  # who is chased is the round model's answer, as status shows it
            rnd = open_round(round_dir, orgs=org_list or None)
            missing = _oit_missing(rnd) if remind_oit else None
            outgoing = s.plan_reminders(settings, org_list, ledger, result, rnd=rnd,
                                        oit_missing=missing)
        else:
            outgoing = s.plan_workbooks(settings, org_list,
                                        Path(workbooks) if workbooks else round_dir / "workbooks",
                                        result)
        if dry_run:
            return s.write_drafts(settings, outgoing, Path(outbox) if outbox
                                  else round_dir / "outbox", result, force)
        _mail_settings(settings)
        kwargs: dict[str, Any] = ({"retry_delays": retry_delays} if retry_delays is not None
                                  else {})
        return s.send_messages(settings, outgoing, ledger, password=_mail_password(
            settings, password), result=result, resend=set(resend), progress=progress, **kwargs)


def _oit_missing(rnd: Round) -> dict[str, list[str]]:
    """Per organisation (code folded), the OIT items of the return that counts for it in the
    round that are missing or failing, as reminder lines ("O7 รายงานผลการดำเนินงานประจำปี
    (ไม่มี URL)"): the same file every other surface counts."""
    out: dict[str, list[str]] = {}
    for org in rnd.orgs:
        rep = org.counting.report if org.counting is not None else None
        if rep is not None:
            out[org.code.casefold()] = [f"{it.code} {it.name} ({it.detail})"
                                        for it in rep.oit if it.failing]
    return out


def export_itas(report: Report, out_dir: PathLike, *, force: bool = False,
                lang: str = "th") -> list[Path]:
    """Per organisation, its OIT items and URLs in the order the NACC's ITAS system asks for
    them: ``<code>_<name>_ITAS.csv`` (UTF-8 with BOM) and a printable
    ``<code>_<name>_ITAS.xlsx``. Only the file that counts per organisation; returns without
    an OIT sheet are skipped. Raises OutputExists for a file already there (unless ``force``)."""
    from ita_xlsx.outputs.itas import write_itas

    return write_itas(report, Path(out_dir), force=force, lang=lang)


def collect(
    round_dir: PathLike = ".",
    out: PathLike | None = None,
    *,
    orgs: PathLike | Sequence[Org] | None = None,
    settings: Settings | None = None,
    password: str | None = None,
    folder: str = "INBOX",
    since: date | None = None,
    mark_seen: bool = False,
    progress: Progress = None,
) -> CollectResult:
    """Save every returned workbook from the mailbox into ``out`` (default ``returned/``),
    once, named ``<code>_<received>_<original name>``; validate what arrived."""
    from ita_xlsx.mail.collect import collect as _collect

    round_dir = Path(round_dir)
    settings = settings or load_settings(round_dir)
    _mail_settings(settings)
    org_list, orgs_path = _round_orgs(round_dir, orgs)

    def check(paths: list[Path]) -> Report:
        return validate(paths, orgs=orgs_path if orgs_path and orgs_path.is_file() else org_list
                        or None, fiscal_year=settings.round.fiscal_year)

    out_dir = Path(out) if out else round_dir / "returned"
    result = _collect(round_dir, out_dir, settings, _mail_password(settings, password),
                      orgs=org_list, orgs_path=orgs_path, folder=folder, since=since,
                      mark_seen=mark_seen, check=check, progress=progress)
    if result.saved:  # the verdict on arrival is the round's: the same as status and merge
        rnd = open_round(out_dir if out else round_dir, orgs=org_list or None)
        for saved in result.saved:
            f = rnd.file(saved.path.name)
            org = rnd.org(f.code) if f is not None and f.code else None
            if f is None:
                continue
            saved.state = org.state.value if f.counts and org is not None else "not_counted"
            saved.why, saved.why_en = f.why_th, f.why_en
    return result


def open_round(
    source: PathLike | Sequence[PathLike] = ".",
    *,
    orgs: PathLike | Sequence[Org] | None = None,
    fiscal_year: int | None = None,
    round: str | None = None,
    template: Template | None = None,
    framework: PathLike | None = None,
    exclude: Iterable[PathLike] = (),
    check_links: bool = False,
    link_timeout: float = 10.0,
    workers: int | None = None,
    progress: Progress = None,
    reports_as_files: bool = False,
) -> Round:
    """The round, decided once: a round folder (``returned/`` or the demo's ``2-returned/``
    inside), a plain folder of returns, or any files and folders.

    For each organisation on the list or found in the inputs: the files it sent and its
    replies without a workbook, which file counts and why, its state (:class:`OrgState`),
    findings and figures; and the district's figures with the files they counted
    (``round.figures``). Every surface (status, send --remind, collect, validate, merge, the
    page, the district memo) reads this answer. Raises :class:`InputError` when a path does
    not exist. ``reports_as_files``: a consolidated report among the inputs is checked as a
    file (what ``validate`` does), not merged.
    """
    from ita_xlsx.rounds import open_round as _open

    template = template or load_template()
    given = [source] if isinstance(source, str | Path) else list(source)
    _existing(given)  # a path that does not exist is an InputError
    if isinstance(orgs, str | Path):
        read_orgs(orgs, template)  # an unusable list is refused before any work
    return _open(source if isinstance(source, str | Path) else given, orgs=orgs,
                 fiscal_year=fiscal_year, round=round, template=template,
                 framework=str(framework) if framework else None, workers=workers,
                 progress=progress, exclude=[Path(p) for p in exclude],
                 check_links=check_links, link_timeout=link_timeout,
                 reports_as_files=reports_as_files)


def unpack(data: bytes, name: str) -> list[tuple[str, bytes]]:
    """The workbooks inside a ZIP archive or a saved e-mail (``name`` says which), read within
    the safety limits: (inner name, content) each. Raises :class:`InputError` (Thai and
    English) for an archive that cannot be opened safely."""
    from ita_xlsx.intake.archive import ArchiveError, eml_workbooks, zip_workbooks

    reader = eml_workbooks if str(name).lower().endswith(".eml") else zip_workbooks
    try:
        members = reader(data, name)
    except ArchiveError as exc:
        raise InputError(f"{name}: {exc.th}", f"{name}: {exc.en}", 2) from None
    return [(m.inner_name, m.data) for m in members]


def set_aside_file(round_dir: PathLike, file: str, reason: str) -> None:
    """The officer's "this file does not count, because …", kept in the round's SQLite file
    (``file``: its name as the round shows it, or inside the returns folder)."""
    from ita_xlsx.rounds import set_aside

    _need_reason(reason)
    set_aside(round_dir, _file_key(round_dir, file), reason.strip())


def assign_file(round_dir: PathLike, file: str, code: str, reason: str = "") -> None:
    """The officer's "this file is ``code``'s"."""
    from ita_xlsx.rounds import assign

    assign(round_dir, _file_key(round_dir, file), code.strip(), reason.strip())


def restore_file(round_dir: PathLike, file: str, reason: str = "") -> None:
    """Take back the officer's decision about ``file`` (it counts by the rules again)."""
    from ita_xlsx.rounds import restore

    restore(round_dir, _file_key(round_dir, file), reason.strip())


def _need_reason(reason: str) -> None:
    if not (reason or "").strip():
        raise InputError("ระบุเหตุผลที่ไม่นับไฟล์นี้ด้วย (จะแสดงในทุกหน้าของรอบนี้)",
                         "Give the reason this file does not count (every surface shows it)", 2)


def _file_key(round_dir: PathLike, file: str) -> str:
    """A decision is kept under the file's name inside the returns folder: "returned/x.xlsx"
    and "x.xlsx" are the same file."""
    from ita_xlsx.rounds import layout_of

    lay = layout_of(round_dir)
    text = str(file).replace("\\", "/")
    if lay.root is not None and lay.returns_dir is not None:
        try:
            prefix = lay.returns_dir.resolve().relative_to(lay.root.resolve()).as_posix()
        except ValueError:
            prefix = ""
        if prefix and prefix != "." and text.startswith(prefix + "/"):
            text = text[len(prefix) + 1:]
    return text


def round_status(round_dir: PathLike = ".", orgs: PathLike | Sequence[Org] | None = None,
                 *, round_model: Round | None = None) -> list[OrgStatus]:
    """Per organisation: sent, returned, its state in the round (the round model's, see
    :func:`open_round`), feedback, reminder (from the ledger). ``round_model``: the round
    already opened, so it is not read twice."""
    from ita_xlsx.mail.status import round_status as _status

    org_list = _round_orgs(Path(round_dir), orgs)[0]
    rnd = round_model or open_round(round_dir, orgs=org_list or None)
    return _status(round_dir, org_list, rnd)


def round_changes(round_dir: PathLike = ".", since: object = None) -> list[Change]:
    """What changed in the round since ``since`` (a date, an aware or local datetime, or text
    such as "01/12/2569" or "01/12/2569 09:00", Thai time): arrivals, result changes, messages
    sent or failed, replies without a workbook; oldest first."""
    from ita_xlsx.mail.status import changes_since

    return changes_since(round_dir, parse_since(since))


def parse_since(value: object) -> datetime:
    """A moment to look back to, in Thai time; :class:`InputError` when it is not one."""
    import datetime as dt

    from ita_xlsx.thai.dates import THAI_TIME, parse_date, parse_moment, thai_time

    if isinstance(value, dt.datetime):
        return thai_time(value) or value
    if isinstance(value, dt.date):
        return dt.datetime.combine(value, dt.time(), THAI_TIME)
    moment = None
    if value and ":" not in str(value):  # a day: from its start, Thai time
        day = parse_date(value)
        moment = dt.datetime.combine(day, dt.time(), THAI_TIME) if day else None
    elif value:
        moment = parse_moment(value)
    if moment is None:
        raise InputError(f"{value!s} ไม่ใช่วันที่ เขียนเป็น 01/12/2569 หรือ 01/12/2569 09:00",
                         f"{value!s} is not a date; write 01/12/2569 or 01/12/2569 09:00")
    return moment


def mail_test(round_dir: PathLike = ".", *, settings: Settings | None = None,
              password: str | None = None) -> list[tuple[str, MailError | None]]:
    """Log in to the SMTP and IMAP servers; (server, None or the MailError) for each."""
    from ita_xlsx.mail.transport import test_login

    settings = settings or load_settings(round_dir)
    _mail_settings(settings)
    return test_login(settings.mail, _mail_password(settings, password))

def make_documents(
    paths: Iterable[PathLike],
    out: PathLike,
    *,
    force: bool = False,
    arabic_digits: bool = False,
    pdf: bool = False,
    doc_templates: Sequence[PathLike] = (),
    fiscal_year: int | None = None,
    template: Template | None = None,
    framework: PathLike | None = None,
    progress: Progress = None,
    emblem: PathLike | None = None,
    settings: PathLike | None = None,
) -> DocumentsResult:
    """Word documents (and PDFs) for each return that passed: the measures document and its
    memo (plan round), or the results report and its memo (6/12 months), and the request to
    publish them. Returns with errors are refused (with the reasons) unless ``force``;
    existing files are kept unless ``force``. The emblem: the image ``emblem``, else
    ``[documents]`` of ``settings`` (or of the ita-settings.toml beside the returns).

    Only the file that counts for each organisation, as the round model decides
    (:func:`open_round`): never an older copy, another round's file or a borrowed workbook.
    """
    from ita_xlsx.documents import org, templates
    from ita_xlsx.documents.pdf import to_pdf

    paths = list(paths)
    rnd = open_round(paths, fiscal_year=fiscal_year, template=template,
                     framework=framework, progress=progress)
    counting = [o.counting.report for o in rnd.orgs
                if o.counting is not None and o.counting.report is not None]
    # Files that do not count still give what their organisation typed (ที่, เรียน, the
    # website of the plan return heads the 6-month memo); they get no documents.
    others = [f.report for f in rnd.files() if not f.counts and f.report is not None
              and f.report.decision is not None and not f.report.decision.counts]
    overrides = templates.overrides_from(list(doc_templates))
    result = org.make_documents(counting + others, template or load_template(), Path(out),
                                force=force, arabic_digits=arabic_digits, overrides=overrides,
                                emblem=_emblem(emblem, settings, paths))
    if pdf:
        result.pdf, result.pdf_problem = to_pdf(result.written, Path(out), force=True,
                                                thai_digits=not arabic_digits)
    return result


def _emblem(image: PathLike | None, settings: PathLike | None, near: Sequence[PathLike]):
    """The office's emblem: the image given, else the settings' [documents] (the file given,
    or ita-settings.toml in the folder of the first input, its parent or the current folder)."""
    from ita_xlsx.documents import emblem as em
    from ita_xlsx.spec.settings import SETTINGS_FILE, load_documents

    if image:
        return em.load(Path(image))
    found = Path(settings) if settings else None
    if found is None:
        first = Path(near[0]) if near else Path.cwd()
        folder = first if first.is_dir() else first.parent
        found = next((f / SETTINGS_FILE for f in (folder, folder.parent, Path.cwd())
                      if (f / SETTINGS_FILE).is_file()), None)
    if found is None or not found.is_file():
        return None
    image_path, letterhead = load_documents(found).paths(found.parent)
    return em.load(image_path, letterhead)


def make_district_memo(
    report_path: PathLike,
    out: PathLike,
    *,
    settings: PathLike | None = None,
    force: bool = False,
    arabic_digits: bool = False,
    pdf: bool = False,
    doc_templates: Sequence[PathLike] = (),
    template: Template | None = None,
    framework: PathLike | None = None,
    emblem: PathLike | None = None,
    date: dt.date | None = None,
) -> DistrictMemo:
    """The district's memo to the province from a consolidated report (``merge`` output),
    header fields from ``ita-settings.toml`` [district]; dated ``date``, else the newest
    return's report date."""
    from ita_xlsx.documents import district, templates
    from ita_xlsx.documents.pdf import to_pdf

    overrides = templates.overrides_from(list(doc_templates))
    memo = district.make_memo(Path(report_path), Path(out), template or load_template(),
                              settings=Path(settings) if settings else None, force=force,
                              arabic_digits=arabic_digits, overrides=overrides,
                              framework=str(framework) if framework else None,
                              today=date,
                              emblem=_emblem(emblem, settings, [report_path]))
    if pdf:
        memo.pdf, memo.pdf_problem = to_pdf([memo.path], Path(out), force=True,
                                            thai_digits=not arabic_digits)
    return memo


# ---------------------------------------------------------------- for the page and the CLI

# Names the command line and the page use beside the verbs (settings, words, the status table),
# each taken from the module that owns it on first use, so that ``web/`` and ``cli/`` reach the
# library through this module only: ``from ita_xlsx.api import SETTINGS_FILE``.
_GATEWAY: dict[str, tuple[str, str | None]] = {
    "SETTINGS_FILE": ("ita_xlsx.spec.settings", "SETTINGS_FILE"),
    "SAMPLE_SETTINGS": ("ita_xlsx.spec.settings", "SAMPLE"),
    "SettingsError": ("ita_xlsx.spec.settings", "SettingsError"),
    "RoundSettings": ("ita_xlsx.spec.settings", "RoundSettings"),
    "read_settings_file": ("ita_xlsx.spec.settings", "read_file"),
    "settings_file_of_round": ("ita_xlsx.spec.settings", "load_settings"),
    "load_district": ("ita_xlsx.spec.settings", "load_district"),
    "save_district": ("ita_xlsx.spec.settings", "save_district"),
    "password_for": ("ita_xlsx.spec.settings", "password_for"),
    "round_text": ("ita_xlsx.intake.selection", "round_text"),
    "file_status_text": ("ita_xlsx.outputs.check_report", "status_text"),
    "merge_notes": ("ita_xlsx.consolidation.merge", "merge_notes"),
    "oit_grid": ("ita_xlsx.consolidation.oit_grid", "build"),
    "EMBLEM_MISSING": ("ita_xlsx.documents.emblem", "MISSING"),
    "EmblemError": ("ita_xlsx.documents.emblem", "EmblemError"),
    "save_emblem": ("ita_xlsx.documents.emblem", "install"),
    "round_emblem": ("ita_xlsx.documents.emblem", "current"),
    "clear_emblem": ("ita_xlsx.documents.emblem", "remove"),
    "CollectInterrupted": ("ita_xlsx.mail.collect", "CollectInterrupted"),
    "status_table": ("ita_xlsx.mail.status", None),  # the status table's columns and writers
}


def __getattr__(name: str) -> Any:
    if name in _GATEWAY:
        import importlib

        module, attr = _GATEWAY[name]
        loaded = importlib.import_module(module)
        return loaded if attr is None else getattr(loaded, attr)
    raise AttributeError(f"module 'ita_xlsx.api' has no attribute {name!r}")


__all__ = [
    "FrameworkError",
    "InputError",
    "ItaError",
    "OrgListError",
    "OutputError",
    "OutputExists",
    "TemplateError",
    "Finding",
    "MISTAKES",
    "Cells",
    "Fields",
    "Roles",
    "Org",
    "Prefill",
    "NextRound",
    "collect",
    "load_settings",
    "mail_test",
    "round_changes",
    "round_status",
    "send_workbooks",
    "open_round",
    "unpack",
    "set_aside_file",
    "assign_file",
    "restore_file",
    "bind_template",
    "consolidate",
    "describe_template",
    "export_itas",
    "anything_sent",
    "find_workbooks",
    "load_template",
    "make_district_memo",
    "make_documents",
    "make_workbooks",
    "next_round",
    "parse_deadline",
    "parse_year",
    "read_orgs",
    "refuse_input_as_output",
    "render_workbook",
    "report_text",
    "simulate_return",
    "validate",
    "write_check_report",
    "write_consolidated",
    "write_consolidated_csv",
    "write_feedback",
]
