"""The district office's memo to the province, from a consolidated report (``merge`` output).

Every figure is read back from the report itself (its summary and indicator sheets, located
through the hidden ``_ita_report`` sheet), so the memo says what the attached report says.
The memo's header (office, document prefix, signer, addressee) comes from the round folder's
``ita-settings.toml`` [district].
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ita_xlsx.consolidation.merge import bound_for, open_report
from ita_xlsx.core.errors import InputError
from ita_xlsx.core.files import atomic_write, safe_filename
from ita_xlsx.documents import templates as dt_templates
from ita_xlsx.documents.compose import Tables, compose
from ita_xlsx.documents.org import thai_long_date
from ita_xlsx.documents.writer import thai_list
from ita_xlsx.spec.settings import load_district
from ita_xlsx.spec.template import Template
from ita_xlsx.thai import clean_text

SETTINGS_NAME = "ita-settings.toml"
DISTRICT_KEYS = ("name", "office", "document_prefix", "signer_name", "signer_position",
                 "addressee")
WEAKEST = 3


class ReportError(InputError):
    """Not a consolidated report this tool wrote (or unreadable), or an unreadable settings
    file; Thai and English text, exit code 2 (bad input)."""


@dataclass
class DistrictFigures:
    """What the memo says, each figure as the report has it."""

    fiscal_year: int | None
    round: str
    orgs: int
    returned: int
    valid: int
    invalid: int
    missing: list[str]  # names of organisations that have not returned
    levels: list[tuple[str, int]]  # (level or pass label, organisations), in framework order
    weakest: list[tuple[str, float]]  # (indicator label, district mean), lowest first
    measures: int
    results: int
    done: int
    in_progress: int
    not_started: int
    with_evidence: int
    # OIT (issue 20): the sentence naming the items most missing across the district
    oit_sentence: str = ""
    counted_files: list[str] = field(default_factory=list)  # the returns the figures count

    @property
    def evidence_share(self) -> float | None:
        return self.with_evidence / self.results if self.results else None


@dataclass
class DistrictMemo:
    path: Path
    figures: DistrictFigures
    settings_file: str = ""
    pdf: list[Path] = field(default_factory=list)
    pdf_problem: tuple[str, str] | None = None


def _num(v: Any) -> float:  # a cell value as calamine gives it
    try:
        return float(v) if v not in (None, "") else 0.0
    except (TypeError, ValueError):
        return 0.0


def read_figures(path: Path, template: Template, framework: str | None = None
                 ) -> DistrictFigures:
    from ita_xlsx.consolidation.merge import _round_key, _status_key

    try:
        report = open_report(path)
    except Exception as exc:  # noqa: BLE001 - any unreadable file gets the same clear message
        raise ReportError(
            f"{path}: ไม่ใช่รายงานรวมที่สร้างด้วย ita-xlsx merge ({type(exc).__name__})",
            f"{path}: not a consolidated report made by ita-xlsx merge ({type(exc).__name__})"
        ) from None
    meta, table = report.meta, report.table

    fy_text = meta.get("fiscal_year", "")
    fy = int(fy_text) if fy_text.isdigit() else None
    summary = table("summary")
    statuses = [_status_key(clean_text(r.get("status"))) for r in summary]
    returned = [r for r, s in zip(summary, statuses, strict=True) if s != "missing"]
    # The report shows rounds by name ("6 เดือน"): back to keys.
    rounds = Counter(_round_key(clean_text(r.get("round"))) for r in returned if r.get("round"))
    bound = bound_for(template, fy, framework)
    order: list[str] = []
    if bound:
        fw = bound.analysis_fw
        order = [x.label for x in (fw.pass_labels if fw.result_scheme == "pass" else fw.levels)]
    levels = Counter(clean_text(r.get("ita_level")) for r in returned if r.get("ita_level"))
    level_rows = [(k, levels[k]) for k in order if levels.get(k)]
    level_rows += [(k, n) for k, n in levels.items() if k not in order]
    # The indicator statistics block of the scores sheet: label, tool, mean, ...
    n_ind = len(bound.analysis_fw.indicators) if bound else 0
    stats = [(clean_text(r[0]), float(r[2])) for r in report.rows("scores", "scores_stats")[:n_ind]
             if len(r) > 2 and isinstance(r[2], int | float) and r[0]]
    weakest = sorted(stats, key=lambda x: x[1])[:WEAKEST]

    def total(key: str) -> int:
        return int(sum(_num(r.get(key)) for r in returned))

    done, doing, todo = total("results_done"), total("results_in_progress"), total(
        "results_not_started")
    return DistrictFigures(
        fiscal_year=fy, round=rounds.most_common(1)[0][0] if rounds else "",
        orgs=len(summary), returned=len(returned),
        valid=sum(s in ("valid", "warnings") for s in statuses),
        invalid=sum(s in ("invalid", "unreadable") for s in statuses),
        missing=[clean_text(r.get("org_name")) or clean_text(r.get("org_code"))
                 for r, s in zip(summary, statuses, strict=True) if s == "missing"],
        levels=level_rows, weakest=weakest, measures=total("measures"),
        results=done + doing + todo, done=done, in_progress=doing, not_started=todo,
        with_evidence=total("results_with_evidence"),
        oit_sentence=_oit_sentence(report),
    )


def _oit_sentence(report) -> str:
    """The OIT grid of the report, read back: one sentence naming the items most missing."""
    from types import SimpleNamespace

    from ita_xlsx.consolidation.oit_grid import build, memo_sentence, read_back

    rows = read_back(report)
    return memo_sentence(build([SimpleNamespace(oit=r["items"]) for r in rows])) if rows else ""


def _oit_sentence_of(entries) -> str:
    """The same sentence from the round's own entries (their OIT items)."""
    from ita_xlsx.consolidation.oit_grid import build, memo_sentence

    with_items = [e for e in entries if getattr(e, "oit", None)]
    return memo_sentence(build(with_items)) if with_items else ""


def figures_from_round(rnd) -> DistrictFigures:
    """The memo's figures as the round model decided them (``rounds.Round``): the same states
    and the same district figures every other surface shows. Organisations whose return does
    not count yet are listed by name, with what they sent when they sent something."""
    from ita_xlsx.core.vocabulary import org_state_text
    from ita_xlsx.rounds.model import OrgState

    fig = rnd.figures
    waiting = []
    for o in rnd.orgs:
        if o.state in (OrgState.PASSED, OrgState.PASSED_WITH_NOTES, OrgState.NEEDS_FIXING):
            continue
        name = o.name or o.code
        waiting.append(name if o.state == OrgState.NOT_SENT
                       else f"{name} ({org_state_text(o.state.value).split(' (')[0]})")
    states = fig.states
    return DistrictFigures(
        fiscal_year=rnd.fiscal_year, round=rnd.round, orgs=len(rnd.orgs),
        returned=fig.returned,
        valid=states.get("passed", 0) + states.get("passed_with_notes", 0),
        invalid=states.get("needs_fixing", 0), missing=waiting, levels=list(fig.levels),
        weakest=[(i.label, i.mean) for i in fig.weakest(WEAKEST) if i.mean is not None],
        measures=fig.measures, results=fig.results, done=fig.done,
        in_progress=fig.in_progress, not_started=fig.not_started,
        with_evidence=fig.with_evidence, counted_files=list(fig.counted_files),
        oit_sentence=_oit_sentence_of(rnd.merge.entries))


def round_of_report(report: Path) -> Path | None:
    """The round folder a consolidated report was written into (``<round>/reports/``), when
    that folder holds the round's returns: then the memo reads the round itself."""
    from ita_xlsx.rounds.model import RETURNS_FOLDERS

    folder = report.parent.parent if report.parent.name == "reports" else None
    if folder is not None and any((folder / n).is_dir() for n in RETURNS_FOLDERS):
        return folder
    return None


def find_settings(report: Path, given: Path | None) -> Path | None:
    """The settings file: the one given, else ita-settings.toml in the report's folder, its
    parent (the round folder, when the report is in reports/) or the current folder."""
    if given:
        return given
    for folder in (report.parent, report.parent.parent, Path.cwd()):
        candidate = folder / SETTINGS_NAME
        if candidate.is_file():
            return candidate
    return None


def read_district_settings(path: Path | None) -> dict[str, str]:
    if path is None:
        return {}
    district = load_district(path)
    return {k: clean_text(getattr(district, k)) for k in DISTRICT_KEYS if getattr(district, k)}


def _round_label(template: Template, round_key: str) -> str:
    try:
        return template.round_label(round_key).split(" (")[0]
    except KeyError:
        return round_key


def memo_values(f: DistrictFigures, settings: dict[str, str], words: dict[str, str],
                template: Template, attachment: str, today: dt.date) -> dict[str, str]:
    missing = words.get("missing", "................................")
    none = words.get("none", "-")
    level_item = words.get("level_item", "{level} {count}")
    weak_item = words.get("weak_item", "{indicator} ({mean})")
    share = f.evidence_share
    unscored = f.returned - sum(n for _, n in f.levels)  # returns without a complete score
    return {
        "fiscal_year": str(f.fiscal_year or ""), "analysis_year": str((f.fiscal_year or 1) - 1),
        "round": f.round, "round_label": _round_label(template, f.round) if f.round else "",
        "n_orgs": str(f.orgs), "n_returned": str(f.returned), "n_valid": str(f.valid),
        "n_invalid": str(f.invalid), "n_missing": str(len(f.missing)),
        "missing_list": thai_list(f.missing) if f.missing else none,
        "levels_list": thai_list([level_item.format(level=k, count=n) for k, n in f.levels]
                                 + ([words.get("no_level", "-").format(count=unscored)]
                                    if unscored else [])) or none,
        "weak_list": thai_list([weak_item.format(indicator=k, mean=f"{m:.2f}")
                                for k, m in f.weakest]) or none,
        "n_measures": str(f.measures), "n_results": str(f.results), "n_done": str(f.done),
        "n_in_progress": str(f.in_progress), "n_not_started": str(f.not_started),
        "n_evidence": str(f.with_evidence),
        "evidence_percent": f"{share * 100:.1f}" if share is not None else "0",
        "attachment": attachment, "date": thai_long_date(today),
        "oit_sentence": f.oit_sentence,
        "district_name": settings.get("name", "") or missing,
        **{k: settings.get(k, "") or missing for k in DISTRICT_KEYS if k != "name"},
    }


def make_memo(report: Path, out: Path, template: Template, *, settings: Path | None = None,
              force: bool = False, arabic_digits: bool = False,
              overrides: dict[str, Path] | None = None, framework: str | None = None,
              today: dt.date | None = None) -> DistrictMemo:
    # A round folder, or a report written into one: the round model's answer (what the
    # page, status and merge say). A report from elsewhere (a province merging districts):
    # the figures it holds.
    round_dir = report if report.is_dir() else round_of_report(report)
    if round_dir is not None:
        from ita_xlsx.rounds.model import open_round

        figures = figures_from_round(open_round(round_dir, template=template,
                                                framework=framework))
        if report.is_dir():
            books = sorted((report / "reports").glob("*.xlsx")) if (
                report / "reports").is_dir() else []
            attachment = books[-1].name if books else ""
            settings_file = settings or (report / SETTINGS_NAME if (
                report / SETTINGS_NAME).is_file() else None)
        else:
            attachment, settings_file = report.name, find_settings(report, settings)
    else:
        figures = read_figures(report, template, framework)
        attachment, settings_file = report.name, find_settings(report, settings)
    values_settings = read_district_settings(settings_file)
    t = dt_templates.load("district_memo", overrides)
    values = memo_values(figures, values_settings, t.words, template, attachment,
                         today or dt.date.today())
    name = safe_filename(t.file_name.format_map(values), fallback="district_memo") + ".docx"
    path = out / name
    atomic_write(path, compose(t, values, Tables(), arabic_digits), force)
    return DistrictMemo(path, figures, str(settings_file or ""))
