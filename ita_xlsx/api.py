"""The library API: one function per verb of the round.

Each takes paths or objects and returns a typed result. None prints, none exits; the command
line (``cli.py``), the demo, the tests and the benchmarks all go through these functions.
Heavy modules are imported inside the functions so ``import ita_xlsx`` stays cheap.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # types only; importing them here would load xlsxwriter and pandas
    from .core.records import Org, Prefill
    from .documents.district import DistrictMemo
    from .documents.org import DocumentsResult
    from .feedback import FeedbackResult
    from .generate import NewResult
    from .merge import MergeResult
    from .orgs import OrgProblem
    from .template import Template
    from .validators.engine import Report

PathLike = str | Path
Progress = Callable[[int], None] | None


def load_template(path: PathLike | None = None) -> Template:
    """The workbook template: the built-in one, or the TOML file at ``path``."""
    from .template import load_template as _load

    return _load(str(path) if path else None)


def read_orgs(path: PathLike, template: Template | None = None
              ) -> tuple[list[Org], list[OrgProblem]]:
    """An organisation list (.csv, .xlsx, .ods): the usable organisations and the problems."""
    from .orgs import org_type_labels, read_org_list

    return read_org_list(path, org_type_labels(template or load_template()))


def find_workbooks(paths: Iterable[PathLike]) -> list[Path]:
    """The workbook files among ``paths`` (files and folders, searched recursively)."""
    from .read import find_workbooks as _find

    return _find([Path(p) for p in paths])


def _orgs(orgs: PathLike | Sequence[Org] | None, template: Template) -> list[Org] | None:
    if orgs is None:
        return None
    if isinstance(orgs, str | Path):
        return read_orgs(orgs, template)[0]
    return list(orgs)


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
    from .generate import generate
    from .render import RenderOptions
    from .thai import current_fiscal_year

    template = template or load_template()
    options = RenderOptions(fiscal_year=fiscal_year or current_fiscal_year(), round=round,
                            deadline=deadline, contact=contact)
    return generate(template, _orgs(orgs, template), options, Path(out), force,
                    str(framework) if framework else None, prefills, progress=progress)


def validate(
    paths: Iterable[PathLike],
    *,
    orgs: PathLike | Sequence[Org] | None = None,
    fiscal_year: int | None = None,
    template: Template | None = None,
    framework: PathLike | None = None,
    check_links: bool = False,
    link_timeout: float = 10.0,
    workers: int | None = None,
    progress: Progress = None,
) -> Report:
    """Check returned workbooks (files or folders) and return the :class:`Report`.

    Never raises for a bad file: a file that cannot be read gets a finding.
    """
    from .validators.engine import validate_files

    template = template or load_template()
    listed = _orgs(orgs, template)
    index = {o.code.casefold(): o for o in listed} if listed is not None else None
    return validate_files(find_workbooks(paths), template, fiscal_year=fiscal_year, orgs=index,
                          orgs_source=str(orgs) if isinstance(orgs, str | Path) else "",
                          framework=str(framework) if framework else None,
                          check_links=check_links, link_timeout=link_timeout, workers=workers,
                          progress=progress)


def write_feedback(report: Report, out_dir: PathLike, *, force: bool = False,
                   lang: str = "th") -> FeedbackResult:
    """A marked-up copy per organisation with findings, written into ``out_dir``."""
    from .feedback import write_feedback as _write

    return _write(report, Path(out_dir), force=force, lang=lang)


def write_check_report(report: Report, path: PathLike, *, lang: str = "th",
                       force: bool = False) -> Path:
    """The validation report as a file: .xlsx (filterable), .csv or .json by its suffix."""
    from . import report as rp
    from .files import atomic_write

    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        rp.write_report_xlsx(report, path, lang, force)
    elif suffix == ".json":
        atomic_write(path, rp.to_json(report, lang).encode("utf-8"), force)
    else:
        rp.write_report_csv(report, path, lang, force)
    return path


def consolidate(
    paths: Iterable[PathLike],
    *,
    orgs: PathLike | None = None,
    fiscal_year: int | None = None,
    template: Template | None = None,
    framework: PathLike | None = None,
    workers: int | None = None,
    progress: Progress = None,
) -> MergeResult:
    """Read returns and consolidated reports; keep the one that counts per organisation."""
    from .merge import merge

    return merge(list(paths), template=template or load_template(), orgs_path=orgs,
                 fiscal_year=fiscal_year, framework=str(framework) if framework else None,
                 workers=workers, progress=progress)


def write_consolidated(result: MergeResult, out: PathLike, *, force: bool = False,
                       lang: str = "th", template: Template | None = None,
                       framework: PathLike | None = None) -> Path:
    """The consolidated workbook (summary, indicators, measures, results, charts)."""
    from .merge import bound_for
    from .report_writer import write_report

    template = template or load_template()
    bound = bound_for(template, result.fiscal_year, str(framework) if framework else None)
    write_report(result, Path(out), template, bound, force, lang)
    return Path(out)


def write_consolidated_csv(result: MergeResult, out_dir: PathLike, *, force: bool = False,
                           template: Template | None = None) -> list[Path]:
    """summary.csv, measures.csv, results.csv and findings.csv (UTF-8 with BOM)."""
    from .report_writer import write_csvs

    return write_csvs(result, Path(out_dir), template or load_template(), force)


@dataclass
class NextRound:
    """What ``new --from`` needs: who, what to pre-fill, for which round and year."""

    orgs: list[Org] = field(default_factory=list)
    prefills: dict[str, Prefill] = field(default_factory=dict)
    round: str = "6"
    fiscal_year: int | None = None


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
    or a folder of returns."""
    from .merge import bound_for
    from .nextround import from_sources

    template = template or load_template()
    fw = str(framework) if framework else None
    orgs, prefills, round_key, source_year = from_sources(
        list(sources), template, lambda y: bound_for(template, fiscal_year or y, fw),
        round, fw, progress)
    return NextRound(orgs, prefills, round_key, fiscal_year or source_year)


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
) -> DocumentsResult:
    """Word documents (and PDFs) for each return that passed: the measures document and its
    memo (plan round), or the results report and its memo (6/12 months). Returns with errors
    are refused (with the reasons) unless ``force``; existing files are kept unless ``force``.
    """
    from .documents import org, templates
    from .documents.pdf import to_pdf

    report = validate(paths, fiscal_year=fiscal_year, template=template, framework=framework,
                      progress=progress)
    overrides = templates.overrides_from(list(doc_templates))
    result = org.make_documents(report.files, template or load_template(), Path(out),
                                force=force, arabic_digits=arabic_digits, overrides=overrides)
    if pdf:
        result.pdf, result.pdf_problem = to_pdf(result.written, Path(out), force=True)
    return result


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
) -> DistrictMemo:
    """The district's memo to the province from a consolidated report (``merge`` output),
    header fields from ``ita-settings.toml`` [district]."""
    from .documents import district, templates
    from .documents.pdf import to_pdf

    overrides = templates.overrides_from(list(doc_templates))
    memo = district.make_memo(Path(report_path), Path(out), template or load_template(),
                              settings=Path(settings) if settings else None, force=force,
                              arabic_digits=arabic_digits, overrides=overrides,
                              framework=str(framework) if framework else None)
    if pdf:
        memo.pdf, memo.pdf_problem = to_pdf([memo.path], Path(out), force=True)
    return memo


__all__ = [
    "NextRound",
    "consolidate",
    "find_workbooks",
    "load_template",
    "make_district_memo",
    "make_documents",
    "make_workbooks",
    "next_round",
    "read_orgs",
    "validate",
    "write_check_report",
    "write_consolidated",
    "write_consolidated_csv",
    "write_feedback",
]
