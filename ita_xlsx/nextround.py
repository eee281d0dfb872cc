"""`ita-xlsx new --from`: next round's workbooks with each organisation's own analysis and
measures already in place, and result rows ready, so organisations only fill results."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from .core.records import Org, Prefill
from .merge import OrgEntry, merge
from .template import Bound, Template


def next_round(entries: Sequence[OrgEntry], template: Template) -> str:
    """The round after the one most sources report (the template's [rules.next_round])."""
    following = template.rules["next_round"]
    rounds = Counter(e.round for e in entries if e.round in following)
    return following[rounds.most_common(1)[0][0]] if rounds else following["plan"]


def prefill_for(entry: OrgEntry, bound: Bound, round_key: str) -> Prefill:
    shown, labels = bound.shown, bound.choice_labels
    measures = [shown("measures", m) for m in entry.measures]
    results = []
    if round_key in ("6", "12"):
        label = labels["round"].get(round_key, round_key)
        done = {(str(r.get("measure_id")), str(r.get("round"))): r for r in entry.results}
        for m in entry.measures:
            # Carry a result already reported for this round; otherwise an empty row to fill.
            prev = done.get((str(m.get("measure_id")), round_key))
            results.append(shown("results", prev) if prev else
                           {"measure_id": m.get("measure_id"), "round": label})
    return Prefill(
        analysis={n: {"score": s, "issue": entry.issues.get(n)} for n, s in entry.scores.items()},
        measures=measures,
        results=results,
    )


def from_sources(inputs: Sequence[str | Path], template: Template, bound_of,
                 round_key: str | None = None, framework: str | None = None,
                 progress=None) -> tuple[list[Org], dict[str, Prefill], str, int | None]:
    """Organisations and their pre-fills from a consolidated report or a folder of returns.

    ``bound_of(fiscal_year)`` binds the template for the source's fiscal year.
    """
    result = merge(inputs, template=template, framework=framework, progress=progress)
    entries = [e for e in result.entries if e.status not in ("missing", "unreadable")]
    round_key = round_key or next_round(entries, template)
    bound = bound_of(result.fiscal_year)
    orgs = [Org(code=e.org_code, name=e.org_name, type=e.org_type, district=e.district,
                province=e.province) for e in entries]
    prefills = {e.org_code: prefill_for(e, bound, round_key) for e in entries}
    return orgs, prefills, round_key, result.fiscal_year
