"""`ita-xlsx new`: one workbook per organisation (or one blank), written safely."""

from __future__ import annotations

from collections.abc import Callable, Iterable
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
    for org in orgs:
        path = out_dir / workbook_filename(org, options.fiscal_year, options.round)
        if path.exists() and not force:
            result.refused.append(path)
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
            _write(result, path, data, force)
        if progress:
            progress(1)


def _write(result: NewResult, path: Path, data: bytes, force: bool) -> None:
    try:
        atomic_write(path, data, force)
        result.written.append(path)
    except OutputExists:
        result.refused.append(path)
