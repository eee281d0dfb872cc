"""The round folder as the web pages see it: organisations, returns and their findings.

Everything is computed through the library API (``ita_xlsx.validate``, ``read_orgs``,
``write_feedback`` ...). Validation results are cached per stored file (by size and modification
time), so a page view only checks files that are new or changed, whether they came through the
browser, through mail collection or were copied into ``returned/`` by hand.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import secrets
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import ita_xlsx
from ita_xlsx.core.files import atomic_write, safe_filename

if TYPE_CHECKING:  # annotations only: loading this module stays cheap, as ita_xlsx does
    pass

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")
OWN_OUTPUTS = ("feedback", "check-report", "report")  # never kept as something sent


ARCHIVE_SUFFIXES = (".zip",)
ORG_LIST_NAMES = ("orgs.csv", "orgs.xlsx")
STATE_DIR = ".ita-serve"  # the server's own working files, inside the round folder
# the round model's states (ita_xlsx.OrgState), in the order the page lists them
STATUSES = ("not_sent", "sent", "unusable", "needs_fixing", "passed_with_notes", "passed",
            "not_counted")
PASSED = ("passed", "passed_with_notes")
DISTRICT_KEYS = ("name", "office", "document_prefix", "signer_name", "signer_position",
                 "addressee")
WORKERS = 1  # a batch is checked in the server process: a worker pool per request costs more


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
    """One organisation as the pages show it: the round model's answer (``OrgRound``) with
    what the mail ledger says was sent."""

    code: str
    name: str
    status: str = "not_sent"  # the round model's state (ita_xlsx.OrgState value)
    files: list = field(default_factory=list)  # ita_xlsx.RoundFile: the returns it sent
    counting: Any = None  # the RoundFile that counts
    errors: int = 0
    warnings: int = 0
    level: str = ""
    total: float | None = None
    in_list: bool = True
    set_aside: list = field(default_factory=list)  # RoundFile: sent, but not a workbook
    replies: list = field(default_factory=list)  # replies that carried no workbook
    why_th: str = ""
    why_en: str = ""
    emails: list[str] = field(default_factory=list)
    sent_at: str = ""
    send_error: str = ""
    feedback_sent_at: str = ""
    reminded_at: str = ""
    originals: dict[str, str] = field(default_factory=dict)  # file key -> name as sent
    oit: list = field(default_factory=list)  # the counted return's OIT items (issue 20)

    def why(self, lang: str) -> str:
        return self.why_en if lang == "en" and self.why_en else self.why_th


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
    oit: Any = None  # oit_grid.Grid of the returns that count (issue 20), None without
    unplaced: list = field(default_factory=list)  # RoundFile: sent, nobody can tell by whom
    summary: str = ""  # which year and round count
    counted_files: list[str] = field(default_factory=list)
    figures: object = None  # ita_xlsx.RoundFigures


class RoundState:
    """One round folder; safe to use from several request threads."""

    def __init__(self, root: Path, lang: str = "th"):
        self.root = Path(root).resolve()
        self.lang = lang
        self.lock = threading.RLock()
        self._round = None  # the round model's answer, and what it was computed from
        self._round_key: tuple | None = None
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
        """Where the returns are, as the round model finds them: ``returned/`` (or the demo's
        ``2-returned/``), else the folder itself when it is a plain folder of returns; a new
        round gets ``returned/``."""
        for name in ("returned", "2-returned"):
            if (self.root / name).is_dir():
                return self.root / name
        own = {*ORG_LIST_NAMES, "ita-settings.toml", "ita-ledger.sqlite",
               "ita-ledger.sqlite-wal", "ita-ledger.sqlite-shm"}
        try:
            plain = any(q.is_file() and q.name not in own and not q.name.startswith(".")
                        for q in self.root.iterdir())
        except OSError:
            plain = False
        return self.root if plain else self.root / "returned"

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
        from ita_xlsx.api import SETTINGS_FILE, SettingsError
        from ita_xlsx.api import read_settings_file as read_file

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

    def round(self, progress: Callable[[int], None] | None = None):
        """The round model's answer (``ita_xlsx.open_round``), recomputed only when a file in
        the returns folder, the list, the settings or the round's SQLite file changed."""
        with self.lock:
            key = self._fingerprint()
            if self._round is None or key != self._round_key:
                orgs, _ = self.orgs()
                self._round = ita_xlsx.open_round(self.root, orgs=orgs or None,
                                                  template=self.template, workers=WORKERS,
                                                  progress=progress)
                self._round_key = key
            return self._round

    def _fingerprint(self) -> tuple:
        parts: list = []
        folders = [self.returned_dir] if self.returned_dir != self.root else []
        for folder in folders:
            if folder.is_dir():
                for q in sorted(folder.rglob("*")):
                    if q.is_file():
                        st = q.stat()
                        parts.append((str(q), st.st_size, st.st_mtime_ns))
        if self.returned_dir == self.root:  # a plain folder of returns: its own files
            for q in sorted(self.root.iterdir()):
                if q.is_file():
                    st = q.stat()
                    parts.append((str(q), st.st_size, st.st_mtime_ns))
        for name in (*ORG_LIST_NAMES, "ita-settings.toml", "ita-ledger.sqlite",
                     "ita-ledger.sqlite-wal"):
            q = self.root / name
            if q.is_file():
                st = q.stat()
                parts.append((name, st.st_size, st.st_mtime_ns))
        return tuple(parts), self.lang

    # ------------------------------------------------------------ the officer's decisions

    def set_aside(self, file_key: str, reason: str) -> None:
        with self.lock:
            ita_xlsx.set_aside_file(self.root, file_key, reason)
            self._round = None

    def restore(self, file_key: str, reason: str) -> None:
        with self.lock:
            ita_xlsx.restore_file(self.root, file_key, reason)
            self._round = None

    # ------------------------------------------------------------ the district header

    def district(self) -> dict[str, str]:
        from ita_xlsx.api import load_district

        path = self.root / "ita-settings.toml"
        if not path.is_file():
            return {}
        try:
            d = load_district(path)
        except ita_xlsx.ItaError:
            return {}
        return {k: getattr(d, k) for k in DISTRICT_KEYS}

    def save_district(self, values: dict[str, str]) -> None:
        from ita_xlsx.api import save_district

        with self.lock:
            save_district(self.root / "ita-settings.toml",
                          {k: str(values.get(k, "")).strip() for k in DISTRICT_KEYS})


    # ------------------------------------------------------------ the office's emblem

    def emblem(self) -> tuple[Any, str]:
        """The emblem the round's settings name, and the problem with it ("" when none)."""
        from ita_xlsx.api import round_emblem

        try:
            return round_emblem(self.root / "ita-settings.toml"), ""
        except ita_xlsx.ItaError as exc:  # a named file gone or broken, a broken settings file
            return None, exc.text(self.lang)

    def save_emblem(self, data: bytes, name: str) -> None:
        from ita_xlsx.api import save_emblem

        with self.lock:
            save_emblem(self.root / "ita-settings.toml", data, name)

    def clear_emblem(self) -> None:
        from ita_xlsx.api import clear_emblem

        with self.lock:
            clear_emblem(self.root / "ita-settings.toml")

    def ingest(self, uploads: list[tuple[str, bytes, float | None]]) -> list[Intake]:
        """Store and check uploaded files (name as sent, content, the sender's file time).

        Archives are opened (bounded) and their workbooks taken in. Names are chosen here:
        ``<code>_web_<time>.<ext>``; the sender's name is only remembered for display.
        """
        results: list[Intake] = []
        pending: list[tuple[Path, Intake, float | None, str]] = []
        self.warmed.wait(60)  # not racing the start-up's loading of the same modules
        with self.lock:
            self._index_hashes()
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
        """Put each upload into the returns folder under a name the tool chooses, then give
        each the round model's verdict: the same one ``status`` and ``merge`` give."""
        orgs, _ = self.orgs()
        report = ita_xlsx.validate([batch], orgs=orgs or None, workers=WORKERS,
                                   fiscal_year=self.fiscal_year(), template=self.template)
        by_path = {_real(r.path): r for r in report.files}
        skipped = {_real(k): v for k, v in _skipped_items(report).items()}
        self.returned_dir.mkdir(parents=True, exist_ok=True)
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        placed: list[tuple[Intake, Path]] = []
        for tmp, item, when, digest in pending:
            rep = by_path.get(_real(tmp))
            if rep is None:  # not a workbook (a PDF, a Word file) or one of the tool's outputs
                th, en, code, kind = skipped.get(_real(tmp), (
                    "ไม่ใช่แบบรายงานที่ส่งกลับ จึงไม่ได้รับไว้", "Not a returned workbook; not taken in.",
                    "", ""))
                item.outcome, item.detail_th, item.detail_en = "skipped", th, en
                item.org_code = code
                if code and kind not in OWN_OUTPUTS:  # kept: the organisation sent it
                    target = self._place(code, stamp, tmp.suffix)
                    os.replace(tmp, target)
                    self._hashes[digest] = target.name
                    self._originals[target.name] = item.original
                    item.stored_as, item.outcome = target.name, "kept"
                    placed.append((item, target))
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
            self._originals[target.name] = item.original
            self._hashes[digest] = target.name
            item.outcome, item.stored_as = "stored", target.name
            item.org_code = code
            placed.append((item, target))
        self._save_originals()
        if not placed:
            return
        self._round = None
        rnd = self.round()
        for item, target in placed:
            f = rnd.file(self._key(target))
            org = rnd.org(f.code) if f is not None and f.code else None
            if f is None:
                continue
            item.org_code = f.code or item.org_code
            item.org_name = org.name if org is not None else ""
            item.errors, item.warnings = f.errors, f.warnings
            if item.outcome == "stored":
                # the file's verdict in the round: the organisation's state when it counts,
                # "not counted" (with the reason) when it does not
                item.status = (org.state.value if f.counts and org is not None
                               else "not_counted")
                item.detail_th, item.detail_en = f.why_th, f.why_en

    def _key(self, path: Path) -> str:
        """A stored file's name inside the returns folder (what the round model keys it by)."""
        try:
            return path.resolve().relative_to(self.returned_dir.resolve()).as_posix()
        except ValueError:
            return path.name

    def _index_hashes(self) -> None:
        """Every file already in the returns folder (copied by hand too) is not taken twice."""
        if not self.returned_dir.is_dir():
            return
        known = set(self._hashes.values())
        for q in self.returned_dir.rglob("*"):
            if q.is_file() and q.name not in known and not q.name.startswith("ita-ledger"):
                try:
                    self._hashes[hashlib.sha256(q.read_bytes()).hexdigest()] = q.name
                except OSError:
                    pass

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
        """The round page: every row is the round model's answer (``ita_xlsx.open_round``),
        with what the mail ledger says was sent, fed back and reminded."""
        rnd = self.round()
        _orgs, problems = self.orgs()
        with self.lock:
            originals = dict(self._originals)
        rows: dict[str, OrgRow] = {}
        for o in rnd.orgs:
            returns = [f for f in o.files if f.is_return]
            rows[o.code.casefold()] = OrgRow(
                o.code, o.name, o.state.value, files=returns, counting=o.counting,
                errors=o.errors, warnings=o.warnings, level=o.level, total=o.total,
                in_list=o.in_list, set_aside=[f for f in o.files if not f.is_return],
                replies=list(o.replies), why_th=o.why_th, why_en=o.why_en,
                emails=_emails(o.email),
                originals={f.key: originals.get(f.key.rsplit("/", 1)[-1], "")
                           for f in o.files},
                oit=list(getattr(o.entry, "oit", None) or []) if o.counting is not None else [])
        has_status = self._merge_status(rows, rnd)
        ordered = list(rows.values())
        counts = Counter(r.status for r in ordered)
        counts_full = {s: counts.get(s, 0) for s in STATUSES}
        counts_full["orgs"] = len(ordered)
        counts_full["files"] = len(rnd.files())
        levels, weakest, progress = self._charts(rnd)
        return Overview(ordered, counts_full, levels, weakest, progress, rnd.has_list, problems,
                        has_status, rnd.fiscal_year, unplaced=list(rnd.unplaced),
                        summary=rnd.summary(self.lang),
                        counted_files=list(rnd.figures.counted_files), figures=rnd.figures,
                        oit=_oit_grid([o.entry for o in rnd.orgs
                                       if o.counting is not None and o.entry is not None]))

    def _merge_status(self, rows: dict[str, OrgRow], rnd) -> bool:
        """Sent / feedback sent / reminded from the mail ledger (``ita_xlsx.round_status``)."""
        try:
            statuses = ita_xlsx.round_status(self.root, round_model=rnd)
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

    def _charts(self, rnd) -> tuple[list, list, list]:
        """The district's figures as the round model counts them (the memo's and the
        consolidated report's): levels, the weakest indicators, results by status."""
        fig = rnd.figures
        weakest = [(i.label, i.mean) for i in fig.weakest(5)]
        labels: dict[str, str] = {}
        try:
            bound = ita_xlsx.bind_template(self.template, fiscal_year=rnd.fiscal_year)
            items = bound.choice_items(bound.template.choice_key(ita_xlsx.Roles.RESULTS,
                                                                 ita_xlsx.Fields.STATUS))
            labels = {c.value: ((c.label_en or c.label) if self.lang == "en" else c.label)
                      for c in items}
        except ita_xlsx.ItaError:
            pass
        counts = {"done": fig.done, "in_progress": fig.in_progress,
                  "not_started": fig.not_started}
        prog = [(labels.get(k, k), n) for k, n in counts.items() if n]
        return list(fig.levels), weakest, prog

    def org(self, code: str) -> OrgRow | None:
        for row in self.overview().rows:
            if row.code and row.code.casefold() == code.casefold():
                return row
        return None

    # ------------------------------------------------------------ outputs

    def feedback_copy(self, f) -> Path | None:
        """The marked-up copy of one return (written into ``feedback/``)."""
        from ita_xlsx import Report

        if f.report is None:
            return None
        try:  # the copy states the round's deadline and contact (else the workbook's own)
            rnd = ita_xlsx.load_settings(self.root).round
            deadline, contact = rnd.deadline, rnd.contact
        except ita_xlsx.ItaError:
            deadline = contact = ""
        with self.lock:
            result = ita_xlsx.write_feedback(Report([f.report]), self.root / "feedback",
                                             force=True, lang=self.lang, deadline=deadline,
                                             contact=contact)
        return result.written[0] if result.written else None

    # ------------------------------------------------------------ documents

    DOCS_SOURCE = ".source"  # which stored return (name, size, mtime) the documents came from

    def documents_dir(self, code: str) -> Path:
        return self.root / "documents" / safe_filename(code, fallback="org")

    @staticmethod
    def _source_of(f) -> str:
        st = f.location.stat() if f.location is not None and f.location.is_file() else None
        return f"{f.name}\t{st.st_size if st else 0}\t{st.st_mtime_ns if st else 0}"

    def org_documents(self, row: OrgRow) -> list[Path]:
        """The documents of the return that counts now, when it passed: never those of an
        older return (a figure under the organisation's name must be the current one)."""
        if row.counting is None or row.status not in PASSED:
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
            settings = self.root / "ita-settings.toml"  # the round's emblem, wherever the file
            result = ita_xlsx.make_documents([row.counting.location], d, force=True,
                                             template=self.template,
                                             fiscal_year=self.fiscal_year(),
                                             settings=settings if settings.is_file() else None)
            if result.written:
                atomic_write(d / self.DOCS_SOURCE,
                             self._source_of(row.counting).encode("utf-8"), True)
        return result


def _oit_grid(kept):
    """The OIT grid of the returns that count (issue 20)."""
    from ita_xlsx.api import oit_grid as build

    return build(kept)


def _expand(name: str, data: bytes):
    """(inner name, content, problem) for an upload: itself, or the workbooks inside a ZIP
    or a saved mail (.eml, with the library's archive reader where it exists)."""
    suffix = Path(name).suffix.lower()
    if suffix not in (*ARCHIVE_SUFFIXES, ".eml"):
        yield name, data, None
        return
    try:  # the library's bounded reader of ZIP archives and saved mails
        members = ita_xlsx.unpack(data, name)
    except ita_xlsx.ItaError as exc:  # a bad archive is a finding for that file
        yield name, b"", (exc.th or "เปิดไฟล์นี้ไม่ได้ ให้แตกไฟล์แล้วลากไฟล์แบบรายงานมาวางแทน",
                          exc.en or "This file cannot be opened; drop the workbooks instead.")
        return
    for inner, body in members:
        yield f"{name} › {inner}", body, None


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


def _emails(text: str) -> list[str]:
    return [e.strip() for e in str(text or "").replace(",", ";").split(";") if e.strip()]


def _code_from_name(name: str, codes: set[str]) -> str:
    head = Path(name).name.split("_")[0].split(" ")[0].split(".")[0]
    return head if head.casefold() in codes else ""
