"""`ita-xlsx new`: one workbook per organisation (or one blank), written safely."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from ita_xlsx.core.files import OutputExists, OutputFailed, atomic_write, safe_filename
from ita_xlsx.core.records import Org, Prefill
from ita_xlsx.make.render import RenderOptions, render_workbook
from ita_xlsx.make.stamp import Stamper, placeholder_org
from ita_xlsx.spec.roles import Fields
from ita_xlsx.spec.template import Bound, Template, bind


@dataclass
class NewResult:
    written: list[Path] = field(default_factory=list)
    refused: list[Path] = field(default_factory=list)  # existed, no --force


ROUND_IN_NAME = {"plan": "แผน", "6": "รอบ6", "12": "รอบ12"}


def workbook_filename(org: Org, fiscal_year: int, round_key: str = "plan") -> str:
    """``<code>_<name>_ITA<year>_<round>.xlsx``: starts with the code, safe on Windows, and
    says the round, so the 6- and 12-month attachments do not look alike in a mailbox."""
    tag = ROUND_IN_NAME.get(round_key, safe_filename(round_key, "", 10))
    suffix = f"ITA{fiscal_year}_{tag}" if tag else f"ITA{fiscal_year}"
    if not org.code:
        return f"{suffix}_blank.xlsx"
    code = safe_filename(org.code, "org", 30)
    name = safe_filename(org.name, "", 60)
    return f"{code}_{name}_{suffix}.xlsx" if name else f"{code}_{suffix}.xlsx"


def _stamp_values(org: Org) -> dict[str, str]:
    return {
        Fields.ORG_CODE: org.code,
        Fields.ORG_NAME: org.name,
        Fields.ORG_TYPE: org.type,
        Fields.DISTRICT: org.district,
        Fields.PROVINCE: org.province,
        Fields.EMAIL: org.first_email,
    }


def generate(
    template: Template,
    orgs: Iterable[Org] | None,
    options: RenderOptions,
    out_dir: Path,
    force: bool = False,
    framework_override: str | None = None,
    prefills: dict[str, Prefill] | None = None,
    progress: Callable[[int], None] | None = None,
) -> NewResult:
    """Write one workbook per organisation into ``out_dir`` (a blank one when ``orgs`` is None).

    Organisations without pre-filled data share one rendering per list of units and have
    their identity stamped in (fast); those with ``prefills`` are rendered one by one.
    """
    result = NewResult()
    out_dir = Path(out_dir)
    if orgs is None:
        bound = bind(template, options.fiscal_year, options.round, None, framework_override)
        path = out_dir / workbook_filename(Org(code="", name=""), options.fiscal_year, options.round)
        _write(result, path, render_workbook(bound, Org(code="", name=""), options), force)
        if progress:
            progress(1)
        return result
    prefills = prefills or {}
    stampers: dict[tuple[str, ...], Stamper] = {}
    orgs = list(orgs)
    try:
        _generate_all(template, orgs, options, out_dir, force, framework_override, prefills,
                      stampers, result, progress)
    except OutputFailed as exc:  # the disk filled up, ...: say how far it got
        exc.done, exc.total = len(result.written), len(orgs)
        raise
    return result


def _generate_all(template, orgs, options, out_dir, force, framework_override, prefills,
                  stampers, result, progress) -> None:
    bounds: dict[tuple[str, ...], Bound] = {}  # one binding per list of units, not per org
    with _Writer(result, force) as writer:
        for org in orgs:
            path = out_dir / workbook_filename(org, options.fiscal_year, options.round)
            if path.exists() and not force:
                writer.refuse(path)
            else:
                bound = bounds.get(tuple(org.units))
                if bound is None:
                    bound = bounds[tuple(org.units)] = bind(
                        template, options.fiscal_year, options.round, org.units, framework_override)
                if org.code in prefills:
                    data = render_workbook(bound, org, options, prefills[org.code])
                else:
                    stamper = stampers.get(bound.units)
                    if stamper is None:
                        placeholder = placeholder_org(bound.units)
                        stamper = Stamper(render_workbook(bound, placeholder, options))
                        stampers[bound.units] = stamper
                    data = stamper.stamp(_stamp_values(org))
                writer.write(path, data)
            if progress:
                progress(1)


class _Writer:
    """Writes workbooks on a few threads while the next ones are stamped: each write waits
    mostly on the disk (fsync), which lets other threads run, so the waits overlap instead of
    adding up. At most ``AHEAD`` workbooks are in flight (memory stays flat); results are
    recorded in the list's order, and the first failure (a full disk) stops the run."""

    THREADS = 4
    AHEAD = 16

    def __init__(self, result: NewResult, force: bool):
        self.result, self.force = result, force
        self.pool = ThreadPoolExecutor(self.THREADS, thread_name_prefix="ita-new")
        self.pending: deque[tuple[Path, Future | None]] = deque()
        self.paths: set[str] = set()  # in flight: a second write of one name waits for the first

    def __enter__(self) -> _Writer:
        return self

    def __exit__(self, kind, exc, tb) -> None:
        try:
            if kind is None:
                self.drain(0)  # the last writes; a failure among them stops as below
        finally:
            # stopping (a full disk, Ctrl-C): nothing new starts; what was already being
            # written finishes, and counts when it was written whole
            self.pool.shutdown(wait=True, cancel_futures=True)
            for path, done in self.pending:
                if done is not None and not done.cancelled() and done.exception() is None:
                    self.result.written.append(path)
            self.pending.clear()

    def refuse(self, path: Path) -> None:
        self.pending.append((path, None))

    def write(self, path: Path, data: bytes) -> None:
        if str(path).casefold() in self.paths:  # two names one file on Windows: in order
            self.drain(0)
        self.paths.add(str(path).casefold())
        self.pending.append((path, self.pool.submit(atomic_write, path, data, self.force)))
        self.drain(self.AHEAD)

    def drain(self, keep: int) -> None:
        while len(self.pending) > keep:
            path, done = self.pending.popleft()
            self.paths.discard(str(path).casefold())
            if done is None:
                self.result.refused.append(path)
                continue
            try:
                done.result()
                self.result.written.append(path)
            except OutputExists:
                self.result.refused.append(path)


def _write(result: NewResult, path: Path, data: bytes, force: bool) -> None:
    try:
        atomic_write(path, data, force)
        result.written.append(path)
    except OutputExists:
        result.refused.append(path)
