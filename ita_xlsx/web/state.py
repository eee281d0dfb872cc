"""The round folder as the web pages see it: organisations, returns and their findings.

Everything is computed through the library API (``ita_xlsx.validate``, ``read_orgs``,
``write_feedback`` ...). Validation results are cached per stored file (by size and modification
time), so a page view only checks files that are new or changed, whether they came through the
browser, through mail collection or were copied into ``returned/`` by hand.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import secrets
import threading
import time
import zipfile
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import ita_xlsx
from ita_xlsx.core.files import atomic_write, safe_filename
from ita_xlsx.intake.safety import LIMITS

if TYPE_CHECKING:  # annotations only: loading this module stays cheap, as ita_xlsx does
    from ita_xlsx.consolidation.merge import OrgEntry
    from ita_xlsx.validators.engine import FileReport

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")
OWN_OUTPUTS = ("feedback", "check-report", "report")  # never kept as something sent


ARCHIVE_SUFFIXES = (".zip",)
ORG_LIST_NAMES = ("orgs.csv", "orgs.xlsx")
STATE_DIR = ".ita-serve"  # the server's own working files, inside the round folder
STATUSES = ("valid", "warnings", "invalid", "unreadable", "missing")
MAX_ZIP_MEMBERS = 2000
WORKERS = 1  # a batch is checked in the server process: a worker pool per request costs more


@dataclass
class Stored:
    """One return in ``returned/`` with its validation result."""

    path: Path
    key: tuple[int, int]  # (size, mtime_ns): re-check when either changes
    report: FileReport
    entry: OrgEntry
    original: str = ""  # the name it had on the sender's computer, shown only
    code: str = ""  # the organisation it is for ("" when nobody can tell)
    counts: bool = False
    why_th: str = ""  # why it counts or not, when the library says
    why_en: str = ""

    def __post_init__(self) -> None:
        self.code = self.code or self.entry.org_code

    @property
    def name(self) -> str:
        return self.path.name

    def why(self, lang: str) -> str:
        return self.why_en if lang == "en" else self.why_th


@dataclass
class Skipped:
    """A file in ``returned/`` the library does not take as a return, and why."""

    path: Path
    key: tuple[int, int]
    why_th: str = ""
    why_en: str = ""
    code: str = ""  # the organisation that sent it, when its name says
    original: str = ""

    @property
    def name(self) -> str:
        return self.path.name

    def why(self, lang: str) -> str:
        return self.why_en if lang == "en" else self.why_th


@dataclass
class Intake:
    """What happened to one uploaded file (or archive member)."""

    original: str
    outcome: str = ""  # "stored" | "kept" (not a return) | "duplicate" | "skipped" | "refused"
    stored_as: str = ""
    org_code: str = ""
    org_name: str = ""
    status: str = ""
    errors: int = 0
    warnings: int = 0
    detail_th: str = ""
    detail_en: str = ""

    def as_json(self) -> dict:
        return self.__dict__.copy()


@dataclass
class OrgRow:
    code: str
    name: str
    status: str = "missing"
    files: list[Stored] = field(default_factory=list)
    counting: Stored | None = None
    errors: int = 0
    warnings: int = 0
    level: str = ""
    total: float | None = None
    in_list: bool = True
    set_aside: list[Skipped] = field(default_factory=list)  # sent, but not a return
    emails: list[str] = field(default_factory=list)
    sent_at: str = ""
    send_error: str = ""
    feedback_sent_at: str = ""
    reminded_at: str = ""


@dataclass
class Overview:
    rows: list[OrgRow]
    counts: dict[str, int]
    levels: list[tuple[str, int]]
    weakest: list[tuple[str, float]]
    progress: list[tuple[str, int]]
    has_list: bool
    list_problems: list[str]
    has_status: bool  # the mail module's round_status answered
    fiscal_year: int | None
    oit: object = None  # oit_grid.Grid of the returns that count (issue 20), None without


class RoundState:
    """One round folder; safe to use from several request threads."""

    def __init__(self, root: Path, lang: str = "th"):
        self.root = Path(root).resolve()
        self.lang = lang
        self.lock = threading.RLock()
        self._cache: dict[str, Stored] = {}
        self._skipped: dict[str, Skipped] = {}  # files in returned/ that are not returns
        self._hashes: dict[str, str] = {}  # sha256 -> stored file name
        self._originals: dict[str, str] = {}
        self._orgs_key: tuple | None = None
        self._orgs: tuple[list, list[str]] = ([], [])
        self._template = None
        self.warmed = threading.Event()  # cleared while ``warm`` loads the checking machinery
        self.warmed.set()
        self._load_originals()

    # ------------------------------------------------------------ places

    @property
    def returned_dir(self) -> Path:
        return self.root / "returned"

    @property
    def state_dir(self) -> Path:
        return self.root / STATE_DIR

    def inside(self, path: Path) -> bool:
        """True when ``path`` is in the round folder (no route reads or writes elsewhere)."""
        try:
            return Path(path).resolve().is_relative_to(self.root)
        except (OSError, ValueError):
            return False

    def is_round_folder(self) -> bool:
        return any((self.root / n).exists() for n in
                   (*ORG_LIST_NAMES, "ita-settings.toml", "returned", "workbooks"))

    @property
    def template(self):
        if self._template is None:
            self._template = ita_xlsx.load_template()
        return self._template

    # ------------------------------------------------------------ settings and list

    def settings(self) -> dict:
        from ita_xlsx.spec.settings import SETTINGS_FILE, SettingsError, read_file

        try:
            return read_file(self.root / SETTINGS_FILE)
        except SettingsError:  # a broken file: the pages go on without it
            return {}

    def fiscal_year(self) -> int | None:
        value = self.settings().get("round", {}).get("fiscal_year")
        try:
            return int(value) if value else None
        except (TypeError, ValueError):
            return None

    def orgs_file(self) -> Path | None:
        for name in ORG_LIST_NAMES:
            if (self.root / name).is_file():
                return self.root / name
        return None

    def orgs(self) -> tuple[list, list[str]]:
        """The organisation list (or none) and the problems found in it, as text."""
        path = self.orgs_file()
        if path is None:
            return [], []
        st = path.stat()
        key = (str(path), st.st_size, st.st_mtime_ns, self.lang)
        if key != self._orgs_key:
            try:
                orgs, problems = ita_xlsx.read_orgs(path, self.template)
                texts = [f"{path.name} แถว {p.row}: {p.text(self.lang)}" if self.lang == "th"
                         else f"{path.name} row {p.row}: {p.text(self.lang)}" for p in problems]
            except ita_xlsx.ItaError as exc:
                orgs, texts = [], [exc.text(self.lang)]
            self._orgs, self._orgs_key = (orgs, texts), key
        return self._orgs

    # ------------------------------------------------------------ validation cache

    def refresh(self, progress: Callable[[int], None] | None = None) -> list[Stored]:
        """Check new or changed files in ``returned/``; forget removed ones."""
        with self.lock:
            files = self._inputs()
            seen, todo = set(), []
            for p in files:
                k = _real(p)
                seen.add(k)
                st = p.stat()
                cached = self._cache.get(k) or self._skipped.get(k)
                if cached is None or cached.key != (st.st_size, st.st_mtime_ns):
                    todo.append(p)
            for table in (self._cache, self._skipped):
                for k in list(table):
                    if k not in seen:
                        del table[k]
            if todo:  # all new (the first look): as a folder, so the library sorts it
                self._check(todo, progress, whole=len(todo) == len(files))
            return sorted(self._cache.values(), key=lambda s: s.name)

    def _inputs(self) -> list[Path]:
        if not self.returned_dir.is_dir():
            return []
        # Every file, not only workbooks: the library sorts PDFs, mails and the rest itself.
        return sorted(p for p in self.returned_dir.rglob("*") if p.is_file()
                      and not p.name.startswith((".", "~$")))

    def _check(self, paths: list[Path], progress=None, whole: bool = False) -> list[Stored]:
        from ita_xlsx.consolidation.merge import entry_from_return

        orgs, _ = self.orgs()
        report = ita_xlsx.validate([self.returned_dir] if whole else paths, orgs=orgs or None,
                                   fiscal_year=self.fiscal_year(), template=self.template,
                                   progress=progress)
        out = []
        skipped = {_real(k): v for k, v in _skipped_items(report).items()}
        answered = set()
        for rep in report.files:
            p = Path(rep.path)
            if not p.is_file():  # a member of an archive: not what this folder stores
                continue
            answered.add(_real(p))
            st = p.stat()
            entry = entry_from_return(rep, self.template)
            if not entry.org_code:
                entry.org_code = _code_from_name(p.name, {o.code.casefold() for o in orgs})
            stored = Stored(p, (st.st_size, st.st_mtime_ns), rep, entry,
                            self._originals.get(p.name, ""))
            self._cache[_real(p)] = stored
            out.append(stored)
        for p in paths:  # not taken as a return (the library says why, where it can)
            if _real(p) not in answered and p.is_file():
                st = p.stat()
                th, en, code, _kind = skipped.get(_real(p), ("", "", "", ""))
                self._skipped[_real(p)] = Skipped(p, (st.st_size, st.st_mtime_ns), th, en, code)
        return out

    # ------------------------------------------------------------ taking in returns

    def ingest(self, uploads: list[tuple[str, bytes, float | None]]) -> list[Intake]:
        """Store and check uploaded files (name as sent, content, the sender's file time).

        Archives are opened (bounded) and their workbooks taken in. Names are chosen here:
        ``<code>_web_<time>.<ext>``; the sender's name is only remembered for display.
        """
        results: list[Intake] = []
        pending: list[tuple[Path, Intake, float | None, str]] = []
        self.warmed.wait(60)  # not racing the start-up's loading of the same modules
        with self.lock:
            self.refresh()
            # One scratch folder per batch, each file under its sender's (cleaned) name in a
            # numbered folder: the library then sorts it exactly as a dropped folder.
            batch = self.state_dir / "incoming" / secrets.token_hex(6)
            batch.mkdir(parents=True, exist_ok=True)
            for original, data, when in uploads:
                for name, body, problem in _expand(original, data):
                    item = Intake(original=name)
                    results.append(item)
                    if problem:
                        item.outcome, (item.detail_th, item.detail_en) = "refused", problem
                        continue
                    digest = hashlib.sha256(body).hexdigest()
                    if digest in self._hashes:
                        item.outcome, item.stored_as = "duplicate", self._hashes[digest]
                        item.detail_th = f"ได้รับไฟล์นี้แล้ว ({self._hashes[digest]})"
                        item.detail_en = f"Already received ({self._hashes[digest]})"
                        continue
                    tmp = batch / str(len(pending)) / (
                        safe_filename(Path(name.split(" › ")[-1]).stem, "file")
                        + Path(name).suffix.lower())
                    tmp.parent.mkdir()
                    tmp.write_bytes(body)
                    self._hashes[digest] = tmp.name
                    pending.append((tmp, item, when, digest))
            try:
                if pending:
                    self._file_away(pending, batch)
            finally:
                import shutil

                shutil.rmtree(batch, ignore_errors=True)
        return results

    def _file_away(self, pending, batch: Path) -> None:
        from ita_xlsx.consolidation.merge import entry_from_return

        orgs, _ = self.orgs()
        report = ita_xlsx.validate([batch], orgs=orgs or None, workers=WORKERS,
                                   fiscal_year=self.fiscal_year(), template=self.template)
        by_path = {_real(r.path): r for r in report.files}
        skipped = {_real(k): v for k, v in _skipped_items(report).items()}
        self.returned_dir.mkdir(parents=True, exist_ok=True)
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        for tmp, item, when, digest in pending:
            rep = by_path.get(_real(tmp))
            if rep is None:  # the library did not take it as a return (a PDF, a copy ...)
                th, en, code, kind = skipped.get(_real(tmp), (
                    "ไม่ใช่แบบรายงานที่ส่งกลับ จึงไม่ได้รับไว้", "Not a returned workbook; not taken in.",
                    "", ""))
                item.outcome, item.detail_th, item.detail_en = "skipped", th, en
                item.org_code = code
                if code and kind not in OWN_OUTPUTS:  # kept: the organisation sent it
                    target = self._place(code, stamp, tmp.suffix)
                    os.replace(tmp, target)
                    st = target.stat()
                    self._skipped[_real(target)] = Skipped(target, (st.st_size, st.st_mtime_ns),
                                                           th, en, code)
                    self._hashes[digest] = target.name
                    self._originals[target.name] = item.original
                    item.stored_as, item.outcome = target.name, "kept"
                else:
                    tmp.unlink(missing_ok=True)
                    self._hashes.pop(digest, None)
                continue
            code = rep.returned.org_code or _code_from_name(
                item.original, {o.code.casefold() for o in orgs})
            target = self._place(code, stamp, tmp.suffix)
            os.replace(tmp, target)
            when = _sane_time(when)
            os.utime(target, (when, when))
            rep.path = str(target)
            rep.returned.path = str(target)
            rep.returned.mtime = when
            entry = entry_from_return(rep, self.template)
            entry.org_code = entry.org_code or code
            st = target.stat()
            self._originals[target.name] = item.original
            self._hashes[digest] = target.name
            self._cache[_real(target)] = Stored(target, (st.st_size, st.st_mtime_ns), rep, entry,
                                              item.original)
            item.outcome, item.stored_as = "stored", target.name
            item.org_code, item.org_name = entry.org_code, entry.org_name
            item.status, item.errors, item.warnings = rep.status, rep.count("error"), \
                rep.count("warning")
        self._save_originals()

    def _place(self, code: str, stamp: str, suffix: str) -> Path:
        """A free name in ``returned/`` chosen by the tool: ``<code>_web_<time>[-n]<suffix>``."""
        stem = safe_filename(f"{code}_web_{stamp}" if code else f"unknown_web_{stamp}")
        target, n = self.returned_dir / f"{stem}{suffix}", 2
        while target.exists():
            target, n = self.returned_dir / f"{stem}-{n}{suffix}", n + 1
        return target

    def _load_originals(self) -> None:
        path = self.state_dir / "uploads.json"
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            self._originals = {str(k): str(v) for k, v in data.get("originals", {}).items()}
        except (OSError, ValueError, AttributeError):
            self._originals = {}
        if self.returned_dir.is_dir():  # what is already there is not taken twice
            for p in self.returned_dir.rglob("*"):
                if p.is_file() and p.suffix.lower() in WORKBOOK_SUFFIXES:
                    try:
                        self._hashes[hashlib.sha256(p.read_bytes()).hexdigest()] = p.name
                    except OSError:
                        pass

    def _save_originals(self) -> None:
        data = json.dumps({"originals": self._originals}, ensure_ascii=False, indent=1)
        atomic_write(self.state_dir / "uploads.json", data.encode("utf-8"), force=True)

    def warm(self) -> None:
        """Check one simulated return in a scratch folder, so the first real batch does not
        wait for pandas and pandera to load (about a second); then the overview."""
        import shutil

        scratch = self.state_dir / "warm"
        try:
            year = self.fiscal_year() or ita_xlsx.parse_year(None)
            made = ita_xlsx.make_workbooks(scratch, None, fiscal_year=year, round="6",
                                           force=True, template=self.template)
            filled = scratch / "warm.xlsx"
            ita_xlsx.simulate_return(made.written[0], filled, seed=1, round="6",
                                     fiscal_year=year, template=self.template)
            ita_xlsx.validate([filled], template=self.template)
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
            self.warmed.set()
        self.overview()

    # ------------------------------------------------------------ the overview

    def overview(self) -> Overview:
        with self.lock:
            stored = self.refresh()
            orgs, problems = self.orgs()
            counting = _select(stored, {o.code.casefold(): o for o in orgs},
                               self.fiscal_year())
        files_by_code: dict[str, list[Stored]] = {}
        for s in stored:
            files_by_code.setdefault(s.code.casefold(), []).append(s)
        rows: dict[str, OrgRow] = {}
        for o in orgs:
            rows[o.code.casefold()] = OrgRow(o.code, o.name, emails=_emails(o.email))
        for key, files in files_by_code.items():
            if not key:
                continue
            first = files[0]
            row = rows.get(key) or OrgRow(first.code, first.entry.org_name, in_list=False)
            rows[key] = row
            row.files = sorted(files, key=lambda s: s.name)
            chosen = counting.get(key)
            if chosen is None:  # sent something, none of it counts (another year, borrowed)
                row.status = ("invalid" if any(f.report.returned.readable for f in files)
                              else "unreadable")
                continue
            e = chosen.entry
            row.name = row.name or e.org_name
            row.counting = chosen
            row.status, row.errors, row.warnings = e.status, e.errors, e.warnings
            row.level, row.total = e.level, e.total
        with self.lock:
            aside = [k for k in self._skipped.values() if k.code]
        for k in aside:
            key = k.code.casefold()
            row = rows.get(key) or OrgRow(k.code, "", in_list=False)
            rows[key] = row
            k.original = self._originals.get(k.name, "")
            row.set_aside.append(k)
            if row.counting is None and row.status == "missing":  # sent only what cannot count
                row.status = "unreadable"
        unknown = files_by_code.get("", [])
        if unknown:
            rows["\0unknown"] = OrgRow("", "", in_list=False, files=unknown, status="unreadable")
        has_status = self._merge_status(rows)
        ordered = sorted(rows.values(), key=lambda r: (r.code == "", r.code))
        counts = Counter(r.status for r in ordered if r.code)
        counts_full = {s: counts.get(s, 0) for s in STATUSES}
        counts_full["orgs"] = sum(1 for r in ordered if r.code)
        counts_full["files"] = len(stored)
        kept = [s.entry for s in counting.values()]
        return Overview(ordered, counts_full, *self._charts(kept), bool(orgs), problems,
                        has_status, self.fiscal_year() or _common_year(kept),
                        oit=_oit_grid(kept))

    def _merge_status(self, rows: dict[str, OrgRow]) -> bool:
        """Sent / feedback sent / reminded from the mail module, once it exists."""
        try:
            round_status = ita_xlsx.round_status
        except AttributeError:
            return False
        try:
            statuses = round_status(self.root)
        except Exception:  # noqa: BLE001 - the mail ledger must not take the page down
            return False
        for st in statuses:
            row = rows.get(str(st.code).casefold())
            if row is None:
                continue
            row.emails = list(getattr(st, "emails", []) or row.emails)
            row.sent_at = getattr(st, "sent_at", "") or ""
            row.send_error = getattr(st, "send_error", "") or ""
            row.feedback_sent_at = getattr(st, "feedback_sent_at", "") or ""
            row.reminded_at = getattr(st, "reminded_at", "") or ""
        return True

    def _charts(self, kept) -> tuple[list, list, list]:
        from ita_xlsx.consolidation.merge import bound_for

        usable = [e for e in kept if e.status in ("valid", "warnings")]
        levels: dict[str, tuple[int, float]] = {}
        for e in usable:
            if e.level:
                n, best = levels.get(e.level, (0, -1.0))
                levels[e.level] = (n + 1, max(best, e.total or 0))
        level_rows = [(k, v[0]) for k, v in sorted(levels.items(), key=lambda kv: -kv[1][1])]
        sums: dict[int, list[float]] = {}
        for e in usable:
            for ind, v in e.scores.items():
                if v is not None:
                    sums.setdefault(ind, []).append(v)
        years = [e.fiscal_year for e in usable if e.fiscal_year]
        bound = bound_for(self.template, max(set(years), key=years.count) if years else None)
        fw = bound.analysis_fw if bound else None
        means = []
        for ind, vals in sums.items():
            label = str(ind)
            if fw is not None:
                try:
                    label = fw.indicator(ind).label or label
                except Exception:  # noqa: BLE001 - an unknown indicator keeps its number
                    pass
            means.append((label, round(sum(vals) / len(vals), 2)))
        weakest = sorted(means, key=lambda m: m[1])[:5]
        labels = {}
        if bound is not None:
            labels = bound.choice_labels.get(bound.template.choice_key(ita_xlsx.Roles.RESULTS, ita_xlsx.Fields.STATUS), {})
            if self.lang == "en":
                labels = {c.value: (c.label_en or c.label) for c in bound.choice_items(
                    bound.template.choice_key(ita_xlsx.Roles.RESULTS, ita_xlsx.Fields.STATUS))}
        progress: Counter[str] = Counter()
        for e in usable:
            for r in e.results:
                progress[str(r.get(ita_xlsx.Fields.STATUS) or "")] += 1
        order = list(labels) + [k for k in progress if k not in labels]
        prog = [(labels.get(k, k or "-"), progress[k]) for k in order if progress.get(k)]
        return level_rows, weakest, prog

    def org(self, code: str) -> OrgRow | None:
        for row in self.overview().rows:
            if row.code and row.code.casefold() == code.casefold():
                return row
        return None

    # ------------------------------------------------------------ outputs

    def feedback_copy(self, stored: Stored) -> Path | None:
        """The marked-up copy of one return (written into ``feedback/``)."""
        from ita_xlsx.validators.engine import Report

        try:  # the copy states the round's deadline and contact (else the workbook's own)
            rnd = ita_xlsx.load_settings(self.root).round
            deadline, contact = rnd.deadline, rnd.contact
        except ita_xlsx.ItaError:
            deadline = contact = ""
        with self.lock:
            result = ita_xlsx.write_feedback(Report([stored.report]), self.root / "feedback",
                                             force=True, lang=self.lang, deadline=deadline,
                                             contact=contact)
        return result.written[0] if result.written else None


    # ------------------------------------------------------------ documents

    DOCS_SOURCE = ".source"  # which stored return (name, size, mtime) the documents came from

    def documents_dir(self, code: str) -> Path:
        return self.root / "documents" / safe_filename(code, fallback="org")

    @staticmethod
    def _source_of(stored: Stored) -> str:
        return f"{stored.name}\t{stored.key[0]}\t{stored.key[1]}"

    def org_documents(self, row: OrgRow) -> list[Path]:
        """The documents of the return that counts now, when it passed: never those of an
        older return (a figure under the organisation's name must be the current one)."""
        if row.counting is None or row.status not in ("valid", "warnings"):
            return []
        d = self.documents_dir(row.code)
        try:
            made_from = (d / self.DOCS_SOURCE).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return []
        if made_from != self._source_of(row.counting):
            return []
        return sorted((p for p in d.iterdir() if p.is_file() and p.suffix.lower() == ".docx"
                       and self.inside(p)), key=lambda p: p.name)

    def make_org_documents(self, row: OrgRow):
        """Write the documents of the counting return into ``documents/<code>/`` (the
        tool names the files); the previous ones of this organisation are replaced."""
        d = self.documents_dir(row.code)
        assert row.counting is not None  # the page offers documents only for a counting return
        with self.lock:
            d.mkdir(parents=True, exist_ok=True)
            (d / self.DOCS_SOURCE).unlink(missing_ok=True)
            for old in d.glob("*.docx"):
                old.unlink(missing_ok=True)
            result = ita_xlsx.make_documents([row.counting.path], d, force=True,
                                             template=self.template,
                                             fiscal_year=self.fiscal_year())
            if result.written:
                atomic_write(d / self.DOCS_SOURCE,
                             self._source_of(row.counting).encode("utf-8"), True)
        return result


def _oit_grid(kept):
    """The OIT grid of the returns that count (issue 20)."""
    from ita_xlsx.consolidation.oit_grid import build

    return build(kept)


def _expand(name: str, data: bytes):
    """(inner name, content, problem) for an upload: itself, or the workbooks inside a ZIP
    or a saved mail (.eml, with the library's archive reader where it exists)."""
    suffix = Path(name).suffix.lower()
    if suffix not in (*ARCHIVE_SUFFIXES, ".eml"):
        yield name, data, None
        return
    try:  # the library's bounded reader (ZIP and .eml), where this version has it
        from ita_xlsx.intake.archive import eml_workbooks, zip_workbooks
    except ImportError:
        reader = None
    else:
        reader = zip_workbooks if suffix == ".zip" else eml_workbooks
    if reader is not None:
        try:
            members = list(reader(data, name))
        except Exception as exc:  # noqa: BLE001 - a bad archive is a finding for that file
            th = getattr(exc, "th", "") or "เปิดไฟล์นี้ไม่ได้ ให้แตกไฟล์แล้วลากไฟล์แบบรายงานมาวางแทน"
            en = getattr(exc, "en", "") or "This file cannot be opened; drop the workbooks instead."
            yield name, b"", (th, en)
            return
        for m in members:
            yield f"{name} › {m[0]}", m[1], None
        return
    if suffix == ".eml":
        yield name, data, None  # skipped as "not a workbook" below
        return
    yield from _unzip(name, data)


def _unzip(name: str, data: bytes):
    problem = ("เปิดไฟล์ ZIP นี้ไม่ได้ หรือไฟล์ใหญ่เกินกำหนด ให้แตกไฟล์แล้วลากไฟล์แบบรายงานมาวางแทน",
               "This ZIP cannot be opened or is too large; unpack it and drop the workbooks instead.")
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = [i for i in zf.infolist() if not i.is_dir()]
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError):
        yield name, b"", problem
        return
    if len(infos) > MAX_ZIP_MEMBERS or sum(i.file_size for i in infos) > LIMITS.max_uncompressed:
        yield name, b"", problem
        return
    for info in infos:
        inner = info.filename.replace("\\", "/").split("/")[-1]
        if info.flag_bits & 0x800 == 0:  # not marked UTF-8: Thai Windows zips use cp874
            try:
                inner = info.filename.encode("cp437").decode("cp874").split("\\")[-1]
                inner = inner.split("/")[-1]
            except (UnicodeEncodeError, UnicodeDecodeError):
                pass
        shown = f"{name} › {inner}"
        if Path(inner).suffix.lower() not in WORKBOOK_SUFFIXES or inner.startswith("~$"):
            continue
        try:
            body = _read_bounded(zf, info, LIMITS.max_file_bytes)
        except (zipfile.BadZipFile, ValueError, OSError, NotImplementedError, RuntimeError):
            yield shown, b"", problem
            continue
        yield shown, body, None


def _read_bounded(zf: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int) -> bytes:
    """A member's bytes, measured as they inflate (the declared size may lie)."""
    out = bytearray()
    with zf.open(info) as fh:
        while chunk := fh.read(1 << 16):
            out += chunk
            if len(out) > limit:
                raise ValueError("member too large")
    return bytes(out)


def _sane_time(when: float | None) -> float:
    now = time.time()
    if when is None or not (0 < when <= now + 86400):  # the sender's time, if plausible
        return now
    return when


def _real(path) -> str:
    try:
        return str(Path(path).resolve())
    except (OSError, ValueError):
        return str(path)


def _skipped_items(report) -> dict[str, tuple[str, str, str, str]]:
    """path -> (Thai, English, organisation code, kind) for inputs the library set aside."""
    out = {}
    for item in getattr(report, "skipped", None) or []:
        path = str(getattr(item, "path", ""))
        out[path] = (str(getattr(item, "th", "")), str(getattr(item, "en", "")),
                     str(getattr(item, "org_code", "") or ""), str(getattr(item, "kind", "")))
    return out


def _select(stored: list[Stored], orgs: dict, fiscal_year: int | None) -> dict[str, Stored]:
    """The file that counts per organisation (code casefold -> Stored), with the reasons.

    The library's own rules decide: ``selection.choose`` (one year and round, the newest
    report, borrowed workbooks for nobody).
    """
    s: Stored | None  # a stored file, or a lookup below that may find none
    for s in stored:
        s.counts, s.why_th, s.why_en = False, "", ""
    from ita_xlsx.intake.selection import choose
    from ita_xlsx.validators.returns import candidate

    cands = []
    by_ref = {}
    for s in stored:
        c = candidate(s.report)
        c.code = c.code or s.code
        s.code = c.code
        cands.append(c)
        by_ref[id(s.report)] = s
    sel = choose(cands, fiscal_year=fiscal_year, orgs=orgs or None)
    for d in sel.decisions:
        s = by_ref.get(id(d.cand.ref))
        if s is not None:
            s.why_th, s.why_en = d.th, d.en
    out = {}
    for key, c in sel.counting.items():
        s = by_ref.get(id(c.ref))
        if s is not None:
            s.counts = True
            out[key.casefold()] = s
    return out


def _emails(text: str) -> list[str]:
    return [e.strip() for e in str(text or "").replace(",", ";").split(";") if e.strip()]


def _code_from_name(name: str, codes: set[str]) -> str:
    head = Path(name).name.split("_")[0].split(" ")[0].split(".")[0]
    return head if head.casefold() in codes else ""


def _common_year(entries) -> int | None:
    years = [e.fiscal_year for e in entries if e.fiscal_year]
    return max(set(years), key=years.count) if years else None
