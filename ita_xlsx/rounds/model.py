"""The round, decided once: for each organisation what it sent, which file counts and why,
its state, findings and figures; and the district's figures with the files they counted.

``open_round`` takes a round folder (``returned/`` inside, or the demo's ``2-returned/``), a
plain folder of returns, or any files and folders. It reads and checks through what exists
(``merge.merge`` → ``intake.check`` → ``selection.choose``), adds what the round's SQLite file
keeps (replies without a workbook, the officer's decisions; ``rounds.store``) and gives one
:class:`Round`. ``status``, ``send --remind``, ``collect``, ``validate``, ``merge``, the page
and the district memo all read that one answer.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from ita_xlsx.core.vocabulary import org_state_text
from ita_xlsx.rounds.store import LEDGER_FILES, FileRuling, Reply, read_store

RETURNS_FOLDERS = ("returned", "2-returned")  # a round folder's; the demo's
ORG_LISTS = ("orgs.csv", "orgs.xlsx")
SETTINGS_FILE = "ita-settings.toml"
TOOL_FOLDERS = (".ita-serve",)
OWN_KINDS = ("feedback", "check-report", "report")  # outputs of this tool: never anyone's return  # the page's own working files, never something sent


class OrgState(StrEnum):
    """One organisation's state in the round (words: ``core.vocabulary.ORG_STATES``)."""

    NOT_SENT = "not_sent"
    SENT = "sent"  # replied without a workbook to check (a link, "ส่งแล้วค่ะ")
    UNUSABLE = "unusable"  # sent only what cannot be read as a return (a scan, a locked file)
    NEEDS_FIXING = "needs_fixing"
    PASSED_WITH_NOTES = "passed_with_notes"
    PASSED = "passed"
    NOT_COUNTED = "not_counted"  # another round or year, a borrowed workbook, set aside

    def text(self, lang: str = "th") -> str:
        return org_state_text(self.value, lang)

    @property
    def done(self) -> bool:
        """Nothing more to ask of the organisation (not reminded)."""
        return self in (OrgState.PASSED, OrgState.PASSED_WITH_NOTES)


# the validation words older surfaces used, for their unchanged JSON fields
LEGACY_STATUS = {"not_sent": "missing", "sent": "missing", "unusable": "unreadable",
                 "needs_fixing": "invalid", "passed_with_notes": "warnings", "passed": "valid",
                 "not_counted": "invalid"}
_BY_STATUS = {"valid": OrgState.PASSED, "warnings": OrgState.PASSED_WITH_NOTES,
              "invalid": OrgState.NEEDS_FIXING, "unreadable": OrgState.UNUSABLE}


@dataclass
class RoundFile:
    """One thing an organisation sent: a return, or a file that is not one (kind says)."""

    name: str  # as shown: relative to the round folder, or "archive > inner name"
    kind: str  # "return", "report-row", or what it is: pdf | word | image | zip | mail | ...
    code: str  # whose it is ("" when nobody can tell)
    counts: bool = False
    status: str = ""  # valid | warnings | invalid | unreadable (returns); the kind otherwise
    why_th: str = ""
    why_en: str = ""
    errors: int = 0
    warnings: int = 0
    fiscal_year: int | None = None
    round: str = ""
    recorded: str = ""  # the report date the return gives (ISO)
    file_time: str = ""  # the file's time (ISO, Thai time)
    ruling: FileRuling | None = None  # the officer's decision, when there is one
    key: str = ""  # what the officer's decision is recorded under (name in the returns folder)
    location: Path | None = field(default=None, repr=False)  # on disk; never shown
    report: Any = field(default=None, repr=False)  # validators.engine.FileReport
    entry: Any = field(default=None, repr=False)  # merge.OrgEntry

    @property
    def is_return(self) -> bool:
        return self.kind in ("return", "report-row")

    def why(self, lang: str = "th") -> str:
        return self.why_en if lang == "en" and self.why_en else self.why_th

    def to_dict(self, lang: str = "th") -> dict:
        return {"name": self.name, "kind": self.kind, "org_code": self.code,
                "counts": self.counts, "status": self.status, "why": self.why(lang),
                "errors": self.errors, "warnings": self.warnings,
                "set_aside": (self.ruling.excluded if self.ruling and self.ruling.excluded
                              else ""),
                "assigned": self.ruling.assigned if self.ruling else ""}


@dataclass
class OrgRound:
    """One organisation in the round."""

    code: str
    name: str
    state: OrgState
    in_list: bool = True
    files: list[RoundFile] = field(default_factory=list)
    replies: list[Reply] = field(default_factory=list)  # messages that carried no workbook
    counting: RoundFile | None = None
    why_th: str = ""  # why this state, in a line
    why_en: str = ""
    errors: int = 0
    warnings: int = 0
    total: float | None = None
    level: str = ""
    email: str = ""
    entry: Any = field(default=None, repr=False)  # merge.OrgEntry (scores, measures ...)

    def why(self, lang: str = "th") -> str:
        return self.why_en if lang == "en" and self.why_en else self.why_th

    def state_text(self, lang: str = "th") -> str:
        return self.state.text(lang)

    @property
    def findings(self) -> list:
        rep = self.counting.report if self.counting else None
        return list(getattr(rep, "findings", []) or [])

    def to_dict(self, lang: str = "th") -> dict:
        return {"org_code": self.code, "org_name": self.name, "state": self.state.value,
                "state_text": self.state.text(lang), "why": self.why(lang),
                "in_list": self.in_list,
                "counting_file": self.counting.name if self.counting else "",
                "errors": self.errors, "warnings": self.warnings, "total": self.total,
                "level": self.level,
                "files": [f.to_dict(lang) for f in self.files],
                "replies": [{"sender": r.sender, "subject": r.subject, "date": r.date,
                             "kind": r.kind, "note": r.note(lang)} for r in self.replies]}


@dataclass
class IndicatorFigure:
    number: int
    label: str
    tool: str
    mean: float | None
    files: list[str]  # the counted files that gave this indicator a score


@dataclass
class RoundFigures:
    """The district's figures, and which files each counted."""

    orgs: int
    states: dict[str, int]  # OrgState value -> organisations
    counted_files: list[str]  # the returns the figures below count (one per organisation)
    indicators: list[IndicatorFigure]
    levels: list[tuple[str, int]]  # (level or pass label, organisations), framework order
    unscored: int  # counted returns without a complete score (no level)
    measures: int
    results: int
    done: int
    in_progress: int
    not_started: int
    with_evidence: int

    @property
    def returned(self) -> int:
        """Organisations whose return counts (passed, with notes, or to fix)."""
        return len(self.counted_files)

    def weakest(self, n: int = 3) -> list[IndicatorFigure]:
        scored = [i for i in self.indicators if i.mean is not None]
        return sorted(scored, key=lambda i: (i.mean, i.number))[:n]

    def to_dict(self) -> dict:
        return {"orgs": self.orgs, "states": self.states, "counted_files": self.counted_files,
                "indicator_means": {str(i.number): i.mean for i in self.indicators},
                "indicator_files": {str(i.number): i.files for i in self.indicators},
                "levels": [list(x) for x in self.levels], "unscored": self.unscored,
                "measures": self.measures, "results": self.results, "done": self.done,
                "in_progress": self.in_progress, "not_started": self.not_started,
                "with_evidence": self.with_evidence}


@dataclass
class Round:
    """The round's one answer."""

    fiscal_year: int | None
    round: str
    orgs: list[OrgRound]
    unplaced: list[RoundFile]  # sent, but nobody can tell by whom
    figures: RoundFigures
    merge: Any = field(repr=False)  # merge.MergeResult: what the consolidated report writes
    report: Any = field(repr=False)  # validators.engine.Report: every file's findings
    has_list: bool = False
    root: Path | None = field(default=None, repr=False)  # the round folder (never shown)
    returns_dir: Path | None = field(default=None, repr=False)
    own_outputs: list[RoundFile] = field(default_factory=list)  # the tool's own, saved there

    def org(self, code: str) -> OrgRound | None:
        return next((o for o in self.orgs if o.code.casefold() == code.casefold()), None)

    def states(self) -> dict[str, str]:
        return {o.code: o.state.value for o in self.orgs}

    def summary(self, lang: str = "th") -> str:
        sel = getattr(self.merge, "selection", None)
        return sel.summary(lang) if sel is not None else ""

    def files(self) -> list[RoundFile]:
        return [f for o in self.orgs for f in o.files] + list(self.unplaced)

    def file(self, key: str) -> RoundFile | None:
        return next((f for f in self.files() if key and key in (f.key, f.name)), None)

    def to_dict(self, lang: str = "th") -> dict:
        return {"fiscal_year": self.fiscal_year, "round": self.round,
                "summary": self.summary(lang),
                "orgs": [o.to_dict(lang) for o in self.orgs],
                "unplaced": [f.to_dict(lang) for f in self.unplaced],
                "own_outputs": [f.to_dict(lang) for f in self.own_outputs],
                "figures": self.figures.to_dict()}


# ---------------------------------------------------------------- where the round is


@dataclass
class Layout:
    inputs: list[Path]
    root: Path | None  # the round folder, when there is one (its list, settings, SQLite)
    returns_dir: Path | None


def _looks_like_round(folder: Path) -> bool:
    return any((folder / n).exists() for n in (*ORG_LISTS, SETTINGS_FILE, LEDGER_FILES[0],
                                                "workbooks", "1-workbooks"))


def layout_of(source: str | Path | Sequence[str | Path]) -> Layout:
    """Where the returns, the list and the SQLite file are, for what was given."""
    items = [Path(source)] if isinstance(source, str | Path) else [Path(s) for s in source]
    if len(items) == 1 and items[0].is_dir():
        folder = items[0]
        for name in RETURNS_FOLDERS:
            if (folder / name).is_dir():
                return Layout([folder / name], folder, folder / name)
        if folder.name in RETURNS_FOLDERS and _looks_like_round(folder.parent):
            return Layout([folder], folder.parent, folder)  # returned/ of a round folder
        return Layout([folder], folder, folder)  # a plain folder of returns
    return Layout(items, None, None)


def _org_list(root: Path | None, orgs, template) -> tuple[list | None, str]:
    if orgs is not None and not isinstance(orgs, str | Path):
        return list(orgs), ""
    path = Path(orgs) if orgs is not None else next(
        (root / n for n in ORG_LISTS if root is not None and (root / n).is_file()), None)
    if path is None:
        return None, ""
    from ita_xlsx.spec.orgs import org_type_labels, read_org_list

    return read_org_list(path, org_type_labels(template))[0], str(path)


def _round_settings(root: Path | None) -> tuple[int | None, str]:
    if root is None or not (root / SETTINGS_FILE).is_file():
        return None, ""
    from ita_xlsx.spec.settings import SettingsError, read_file

    try:
        section = read_file(root / SETTINGS_FILE).get("round", {}) or {}
    except SettingsError:
        return None, ""
    year = section.get("fiscal_year")
    try:
        year = int(year) if year not in (None, "") else None
    except (TypeError, ValueError):
        year = None
    rnd = str(section.get("round") or "")
    return year, rnd if rnd in ("plan", "6", "12") else ""


# ---------------------------------------------------------------- the one function


def open_round(
    source: str | Path | Sequence[str | Path],
    *,
    orgs=None,
    fiscal_year: int | None = None,
    round: str | None = None,
    template=None,
    framework: str | None = None,
    workers: int | None = None,
    progress: Callable[[int], None] | None = None,
    exclude: Sequence[str | Path] = (),
    check_links: bool = False,
    link_timeout: float = 10.0,
    use_settings: bool = True,
    reports_as_files: bool = False,
) -> Round:
    """Decide the round once (see the module doc).

    ``source``: a round folder, a plain folder of returns, or files and folders. ``orgs``: a
    list file or records (default: the round folder's ``orgs.csv``/``orgs.xlsx``). The fiscal
    year and round are as asked, else the round folder's ``ita-settings.toml`` [round], else
    the newest present.
    """
    from ita_xlsx.consolidation.merge import merge
    from ita_xlsx.spec.template import load_template

    template = template or load_template()
    lay = layout_of(source)
    listed, _source = _org_list(lay.root, orgs, template)
    if use_settings:
        set_year, set_round = _round_settings(lay.root)
        fiscal_year = fiscal_year or set_year
        round = round or set_round or None
    replies, rulings = read_store(lay.root)
    skip = {Path(p) for p in exclude}
    for folder in {lay.root, lay.returns_dir} - {None}:
        assert folder is not None
        skip |= {folder / n for n in LEDGER_FILES if (folder / n).exists()}
    base = lay.root.resolve() if lay.root is not None else None
    returns = lay.returns_dir.resolve() if lay.returns_dir is not None else None

    def key_of(path: str) -> str:
        """The name a decision is recorded under: the path inside the returns folder."""
        head = path.split(" > ", 1)
        try:
            rel = Path(head[0]).resolve().relative_to(returns) if returns else None
        except (ValueError, OSError):
            rel = None
        name = rel.as_posix() if rel is not None else head[0]
        return name + (f" > {head[1]}" if len(head) > 1 else "")

    def ruling(cand) -> FileRuling | None:
        return rulings.get(key_of(cand.path)) if rulings else None

    if lay.root is not None and lay.returns_dir == lay.root:
        skip |= _round_own_files(lay.root)  # a plain folder that is also the round folder
    inputs = [p for p in lay.inputs]
    result = merge(inputs, template=template, org_list=listed, fiscal_year=fiscal_year,
                   round=round, framework=framework, workers=workers, progress=progress,
                   exclude=skip | _tool_files(lay.returns_dir), ruling=ruling,
                   check_links=check_links, link_timeout=link_timeout,
                   reports_as_files=reports_as_files)
    shown = _shower(base)
    return _decide(result, listed, replies, rulings, shown, key_of, lay, template, framework)


# what the tool (or the officer) keeps in a round folder besides the returns
ROUND_OWN_FOLDERS = ("workbooks", "1-workbooks", "feedback", "3-feedback", "reports", "4-csv",
                     "documents", "5-documents", "5-plan-return", "outbox", "clean",
                     *TOOL_FOLDERS)


def _round_own_files(root: Path) -> set[Path]:
    out = {root / n for n in (*ORG_LISTS, SETTINGS_FILE) if (root / n).is_file()}
    for name in ROUND_OWN_FOLDERS:
        d = root / name
        if d.is_dir():
            out |= {p for p in d.rglob("*") if p.is_file()}
    return out


def _tool_files(folder: Path | None) -> set[Path]:
    if folder is None:
        return set()
    out: set[Path] = set()
    for name in TOOL_FOLDERS:
        d = folder / name
        if d.is_dir():
            out |= {p for p in d.rglob("*") if p.is_file()}
    return out


def _shower(base: Path | None) -> Callable[[str], str]:
    """Paths as shown: relative to the round folder (never the server's absolute path)."""
    if base is None:
        return lambda text: text
    prefixes = sorted({str(base) + os.sep, str(base) + "/"}, key=len, reverse=True)

    def shown(text: str) -> str:
        for p in prefixes:
            text = text.replace(p, "")
        return text

    return shown


def _decide(result, listed, replies: list[Reply], rulings: dict[str, FileRuling],
            shown: Callable[[str], str], key_of: Callable[[str], str], lay: Layout,
            template, framework) -> Round:
    from ita_xlsx.consolidation.merge import OrgEntry

    sel = result.selection
    report = result.report
    names = {o.code.casefold(): o for o in (listed or [])}
    files_of: dict[str, list[RoundFile]] = {}
    unplaced: list[RoundFile] = []
    not_counted_why: dict[str, list[tuple[str, str]]] = {}

    def place(f: RoundFile) -> None:
        if f.code:
            files_of.setdefault(f.code.casefold(), []).append(f)
        else:
            unplaced.append(f)

    entries_by_ref: dict[int, OrgEntry] = {}
    for e in result.entries:
        entries_by_ref[id(e)] = e
    counting_refs = {id(c.ref) for c in sel.counting.values()} if sel else set()
    for d in (sel.decisions if sel else []):
        ref = d.cand.ref
        is_entry = isinstance(ref, OrgEntry)
        key = key_of(d.cand.path)
        code = d.code or d.cand.code
        if is_entry:
            status, errors, warnings = ref.status, ref.errors, ref.warnings
            location = None
        else:
            status, errors, warnings = ref.status, ref.count("error"), ref.count("warning")
            p = Path(ref.path)
            location = p if p.is_file() else None
        f = RoundFile(shown(d.cand.path), "report-row" if is_entry else "return", code,
                      counts=id(ref) in counting_refs, status=status,
                      why_th=shown(d.th), why_en=shown(d.en), errors=errors,
                      warnings=warnings, fiscal_year=d.cand.fiscal_year, round=d.cand.round,
                      recorded=d.cand.recorded, file_time=d.cand.file_time,
                      ruling=rulings.get(key), key=key, location=location,
                      report=None if is_entry else ref, entry=ref if is_entry else None)
        place(f)
        if not f.counts and code and (d.cand.readable or d.officer):
            # superseded files are not "not counted" reasons: their organisation has a file
            not_counted_why.setdefault(code.casefold(), []).append((f.why_th, f.why_en))
    own: list[RoundFile] = []
    for item in result.skipped:
        key = key_of(item.path)
        p = Path(item.path)
        if item.kind in OWN_KINDS:  # the district's own outputs saved among the returns
            own.append(RoundFile(shown(item.path), item.kind, "", status=item.kind,
                                 why_th=shown(item.th), why_en=shown(item.en), key=key))
            continue
        place(RoundFile(shown(item.path), item.kind, item.org_code, status=item.kind,
                        why_th=shown(item.th), why_en=shown(item.en), ruling=rulings.get(key),
                        key=key, location=p if p.is_file() else None))
    replies_of: dict[str, list[Reply]] = {}
    for r in replies:
        if r.code:
            replies_of.setdefault(r.code.casefold(), []).append(r)

    entries = {e.org_code.casefold(): e for e in result.entries}
    codes = list(dict.fromkeys([*names, *entries, *files_of, *replies_of]))
    orgs: list[OrgRound] = []
    for key in codes:
        listed_org = names.get(key)
        e = entries.get(key)
        files = sorted(files_of.get(key, []), key=lambda f: (not f.counts, f.name))
        counting = next((f for f in files if f.counts), None)
        code = (listed_org.code if listed_org else e.org_code if e else
                files[0].code if files else replies_of[key][0].code)
        name = (listed_org.name if listed_org else "") or (e.org_name if e else "")
        o = OrgRound(code, name, OrgState.NOT_SENT, in_list=listed_org is not None,
                     files=files, replies=replies_of.get(key, []), counting=counting,
                     email=getattr(listed_org, "email", "") or "")
        if counting is not None:
            o.state = _BY_STATUS.get(counting.status, OrgState.UNUSABLE)
            o.entry = counting.entry or (e if e is not None and not e.unusable else None)
            o.errors, o.warnings = counting.errors, counting.warnings
            if o.entry is not None:
                o.total, o.level = o.entry.total, o.entry.level
            o.why_th, o.why_en = counting.why_th, counting.why_en
        elif key in not_counted_why:
            o.state = OrgState.NOT_COUNTED
            whys = not_counted_why[key]
            o.why_th = "; ".join(dict.fromkeys(w[0] for w in whys))
            o.why_en = "; ".join(dict.fromkeys(w[1] for w in whys))
        elif files:
            o.state = OrgState.UNUSABLE
            o.why_th = "; ".join(dict.fromkeys(f"{f.name}: {f.why_th}" for f in files))
            o.why_en = "; ".join(dict.fromkeys(f"{f.name}: {f.why('en')}" for f in files))
        elif o.replies:
            scans = [r for r in o.replies if r.kind == "attachment"]
            o.state = OrgState.UNUSABLE if scans else OrgState.SENT
            o.why_th = "; ".join(dict.fromkeys(r.note_th for r in o.replies))
            o.why_en = "; ".join(dict.fromkeys(r.note("en") for r in o.replies))
        if e is not None:
            e.state = o.state.value  # the consolidated report shows the same state
        orgs.append(o)
    orgs.sort(key=lambda o: (not o.in_list, o.code))
    figures = _figures(orgs, result, template, framework)
    rnd = Round(result.fiscal_year, result.round, orgs, unplaced, figures, result, report,
                has_list=listed is not None, root=lay.root, returns_dir=lay.returns_dir,
                own_outputs=own)
    report.round = rnd  # validate's JSON gives the states with the files
    return rnd


def _figures(orgs: list[OrgRound], result, template, framework) -> RoundFigures:
    from ita_xlsx.consolidation.merge import bound_for

    counted = [o for o in orgs if o.counting is not None and o.entry is not None
               and o.state in (OrgState.PASSED, OrgState.PASSED_WITH_NOTES,
                               OrgState.NEEDS_FIXING)]
    names = [o.counting.name if o.counting is not None else "" for o in counted]
    bound = bound_for(template, result.fiscal_year, framework)
    fw = bound.analysis_fw if bound is not None else None
    indicators = []
    for ind in (fw.indicators if fw is not None else []):
        vals = [(o.entry.scores.get(ind.number), n) for o, n in zip(counted, names, strict=True)]
        vals = [(v, n) for v, n in vals if v is not None]
        mean = round(sum(v for v, _ in vals) / len(vals), 2) if vals else None
        indicators.append(IndicatorFigure(ind.number, ind.label or str(ind.number), ind.tool,
                                          mean, [n for _, n in vals]))
    order = [x.label for x in (fw.pass_labels if fw is not None and fw.result_scheme == "pass"
                               else fw.levels if fw is not None else [])]
    levels: dict[str, int] = {}
    for o in counted:
        if o.entry.level:
            levels[o.entry.level] = levels.get(o.entry.level, 0) + 1
    level_rows = [(k, levels[k]) for k in order if levels.get(k)]
    level_rows += [(k, n) for k, n in levels.items() if k not in order]

    def count(status: str) -> int:
        return sum(o.entry.count_status(status) for o in counted)

    states = {s.value: sum(o.state == s for o in orgs) for s in OrgState}
    done, doing, todo = count("done"), count("in_progress"), count("not_started")
    return RoundFigures(
        orgs=len(orgs), states=states, counted_files=names,
        indicators=indicators, levels=level_rows,
        unscored=sum(1 for o in counted if not o.entry.level),
        measures=sum(len(o.entry.measures) for o in counted),
        results=sum(len(o.entry.results) for o in counted), done=done, in_progress=doing,
        not_started=todo, with_evidence=sum(o.entry.with_evidence for o in counted))


# ---------------------------------------------------------------- the officer's decisions


def set_aside(round_dir: str | Path, file: str, reason: str) -> None:
    """Record "this file does not count, because …" in the round's SQLite file."""
    _decide_file(round_dir, file, "exclude", reason=reason)


def assign(round_dir: str | Path, file: str, code: str, reason: str = "") -> None:
    """Record "this file is ``code``'s"."""
    _decide_file(round_dir, file, "assign", reason=reason, code=code)


def restore(round_dir: str | Path, file: str, reason: str = "") -> None:
    """Take back what the officer decided about ``file``."""
    _decide_file(round_dir, file, "restore", reason=reason)


def _decide_file(round_dir: str | Path, file: str, action: str, **kw: str) -> None:
    from ita_xlsx.rounds.store import RoundStore

    lay = layout_of(round_dir)
    if lay.root is None:
        raise ValueError("a round folder is needed to record a decision")
    with RoundStore.of_folder(lay.root) as store:
        store.decide(file, action, **kw)
