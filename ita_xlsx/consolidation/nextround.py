"""`ita-xlsx new --from`: next round's workbooks with each organisation's own analysis and
measures already in place, and result rows ready, so organisations only fill results."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ita_xlsx.consolidation.merge import OrgEntry, merge
from ita_xlsx.core.records import Org, Prefill
from ita_xlsx.spec.roles import Fields, Roles
from ita_xlsx.spec.template import Bound, Template


def next_round(entries: Sequence[OrgEntry], template: Template) -> str:
    """The round after the one most sources report (the template's [rules.next_round])."""
    following = template.rules["next_round"]
    rounds = Counter(e.round for e in entries if e.round in following)
    return following[rounds.most_common(1)[0][0]] if rounds else following["plan"]


CARRIED_TH = "ยกมาจากผลรอบ 6 เดือน: ตรวจและแก้ไขเฉพาะที่เปลี่ยนแปลง"
CARRIED_KEYS = (Fields.STATUS, Fields.SUMMARY, Fields.OUTCOME, Fields.EVIDENCE_URL, Fields.PROBLEMS)


def prefill_for(entry: OrgEntry, bound: Bound, round_key: str) -> Prefill:
    from ita_xlsx.core.records import Note

    shown, labels = bound.shown, bound.choice_labels
    measures = [shown(Roles.MEASURES, m) for m in entry.measures]
    results = []
    notes: dict = {}
    if round_key in ("6", "12"):
        label = labels[bound.template.choice_key(Roles.RESULTS, Fields.ROUND)].get(round_key, round_key)
        done = {(str(r.get(Fields.MEASURE_ID)), str(r.get(Fields.ROUND))): r for r in entry.results}
        sheet = bound.template.sheet(Roles.RESULTS)
        for m in entry.measures:
            mid = str(m.get(Fields.MEASURE_ID))
            prev = done.get((mid, round_key))
            earlier = done.get((mid, "6")) if round_key == "12" else None
            if prev:  # a result already reported for this round
                results.append(shown(Roles.RESULTS, prev))
            elif earlier:  # the 6-month result as the 12-month starting point, marked
                row = sheet.first_data_row + len(results)
                results.append({**shown(Roles.RESULTS, {k: earlier.get(k) for k in
                                                    (Fields.MEASURE_ID, *CARRIED_KEYS)}),
                                Fields.ROUND: label})
                for key in CARRIED_KEYS:
                    if earlier.get(key) not in (None, ""):
                        notes[(Roles.RESULTS, row, sheet.field(key).col_index)] = [
                            Note("info", CARRIED_TH)]
            else:
                results.append({Fields.MEASURE_ID: m.get(Fields.MEASURE_ID), Fields.ROUND: label})
    return Prefill(
        analysis={n: {Fields.SCORE: s, Fields.ISSUE: entry.issues.get(n)} for n, s in entry.scores.items()},
        measures=measures,
        results=results,
        notes=notes,
    )


@dataclass
class Skipped:
    code: str
    name: str
    th: str
    en: str


def from_sources(inputs: Sequence[str | Path], template: Template, bound_of,
                 round_key: str | None = None, framework: str | None = None,
                 progress=None, skipped: list[Skipped] | None = None
                 ) -> tuple[list[Org], dict[str, Prefill], str, int | None]:
    """Organisations and their pre-fills from a consolidated report or a folder of returns.

    ``bound_of(fiscal_year)`` binds the template for the source's fiscal year. Organisations
    left out (nothing usable sent) are appended to ``skipped`` with the reason.
    """
    result = merge(inputs, template=template, framework=framework, progress=progress)
    entries = [e for e in result.entries
               if e.status not in ("missing", "unreadable") and not e.unusable]
    if skipped is not None:
        for e in result.entries:
            if e in entries:
                continue
            if e.status == "missing":
                th, en = "ไม่มีแบบรายงานในแหล่งข้อมูล", "no return in the source"
            else:
                th, en = e.note or "ไม่มีไฟล์ที่นับได้", e.note_en or "no file that counts"
            skipped.append(Skipped(e.org_code, e.org_name, th, en))
    round_key = round_key or next_round(entries, template)
    bound = bound_of(result.fiscal_year)
    orgs = [Org(code=e.org_code, name=e.org_name, type=e.org_type, district=e.district,
                province=e.province) for e in entries]
    prefills = {e.org_code: prefill_for(e, bound, round_key) for e in entries}
    return orgs, prefills, round_key, result.fiscal_year
