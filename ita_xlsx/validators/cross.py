"""Checks across rows and sheets of one workbook (plain Python: they are per file and cheap).

Each returns findings; values are already canonical (choice values, not labels).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ita_xlsx.core.findings import Finding
from ita_xlsx.intake.read import Returned, Row, measure_key
from ita_xlsx.spec.framework import score
from ita_xlsx.spec.roles import Fields, Roles
from ita_xlsx.spec.template import Bound
from ita_xlsx.thai.values import score_value


def _measure_sheet(ret: Returned, bound: Bound):
    s = bound.template.sheet(Roles.MEASURES)
    return s, ret.sheet_names.get(Roles.MEASURES, s.name)


def identity_checks(ret: Returned, bound: Bound, expected_year: int | None,
                    file_year: int | None) -> list[Finding]:
    out: list[Finding] = []
    form = bound.template.sheet(Roles.ORG)
    form_code = str(ret.form.get(Fields.ORG_CODE) or "")
    stored = ret.identity.get(Fields.ORG_CODE, "") if ret.identity_source != "form" else ""
    # a code that is not plain already has its one finding (org-code-invalid)
    if stored and form_code and stored != form_code and ret.bad_code is None:
        out.append(Finding(
            "identity-mismatch", sheet=Roles.ORG, sheet_name=form.name, column=Fields.ORG_CODE,
            cell=ret.form_cells.get(Fields.ORG_CODE), value=form_code, label=form.field(Fields.ORG_CODE).label,
            params={"detail": {
                "th": f"รหัสหน่วยงานในแผ่นงาน ({form_code}) ไม่ตรงกับรหัสที่ฝังในไฟล์ ({stored})",
                "en": f"The code on the sheet ({form_code}) differs from the one stored in the "
                      f"file ({stored}).",
            }}))
    if expected_year and file_year and expected_year != file_year:
        out.append(Finding("fiscal-year-mismatch", sheet=Roles.ORG, sheet_name=form.name,
                           column=Fields.FISCAL_YEAR, cell=ret.form_cells.get(Fields.FISCAL_YEAR),
                           value=file_year, params={"expected": expected_year}))
    return out


def org_list_checks(ret: Returned, orgs: dict, source: str) -> list[Finding]:
    """Identity against the district's organisation list (``--orgs``)."""
    code = ret.org_code
    if not code or ret.bad_code is not None:
        return []
    org = orgs.get(code.casefold())
    if org is None:
        return [Finding("org-not-listed", value=code, params={"detail": source})]
    name = ret.org_name
    if name and _name_key(name) != _name_key(org.name):
        return [Finding(
            "identity-mismatch", severity="warning", sheet=Roles.ORG, column=Fields.ORG_NAME,
            cell=ret.form_cells.get(Fields.ORG_NAME), value=name,
            params={"detail": {
                "th": f"ชื่อหน่วยงาน \"{name}\" ไม่ตรงกับรายชื่อ (\"{org.name}\" รหัส {code})",
                "en": f"The name \"{name}\" differs from the list (\"{org.name}\", code {code}).",
            }})]
    return []


_PREFIXES = ("องค์การบริหารส่วนตำบล", "องค์การบริหารส่วนจังหวัด", "เทศบาลตำบล", "เทศบาลเมือง",
             "เทศบาลนคร", "อบต.", "อบจ.", "ทต.", "ทม.", "ทน.")


def _name_key(name: str) -> str:
    n = name.replace(" ", "")
    for p in _PREFIXES:
        if n.startswith(p):
            n = n[len(p):]
            break
    return n.casefold()


def indicator_rows(ret: Returned, bound: Bound) -> list[tuple[int, Row]]:
    """(indicator number, row) for the analysis rows naming an indicator of the framework;
    a row whose indicator cell was typed over is left to the choice check."""
    known = {str(i.number) for i in bound.analysis_fw.indicators}
    return [(int(str(r.values[Fields.INDICATOR])), r) for r in ret.tables.get(Roles.ANALYSIS, [])
            if str(r.values.get(Fields.INDICATOR)) in known]


def analysis_checks(ret: Returned, bound: Bound) -> list[Finding]:
    """The published total against the indicator scores."""
    out: list[Finding] = []
    s = bound.template.sheet(Roles.ANALYSIS)
    name = ret.sheet_names.get(Roles.ANALYSIS, s.name)
    result = score(bound.analysis_fw, {n: score_value(r.values.get(Fields.SCORE))
                                       for n, r in indicator_rows(ret, bound)})
    common: dict[str, Any]  # Finding's keyword arguments, of several types
    for f in s.extra_fields:
        value, cell = ret.extras.get(f.key, (None, ""))
        if value is None:
            continue
        number = score_value(value)
        common = dict(sheet=Roles.ANALYSIS, sheet_name=name, column=f.key, cell=cell, value=value,
                      label=f.label, label_en=f.label_en)
        if number is None or not 0 <= number <= 100:
            out.append(Finding("score-invalid", **common))
        elif result.total is not None and abs(number - result.total) > 0.011:
            out.append(Finding("score-mismatch", **common, params={"expected": result.total}))
    return out


def weak_indicators(ret: Returned, bound: Bound) -> dict[int, tuple[float, int]]:
    """Indicator -> (score, Excel row) for scores below the pass mark."""
    weak = {}
    for ind, r in indicator_rows(ret, bound):
        number = score_value(r.values.get(Fields.SCORE))
        if number is not None and number < bound.analysis_fw.pass_mark:
            weak[ind] = (number, r.row)
    return weak


def measure_checks(ret: Returned, bound: Bound) -> list[Finding]:
    out: list[Finding] = []
    s, name = _measure_sheet(ret, bound)
    rows = ret.tables.get(Roles.MEASURES, [])
    if Roles.MEASURES in ret.sheet_names and not rows:
        out.append(Finding("no-measures", sheet=Roles.MEASURES, sheet_name=name))
    first: dict[str, str] = {}
    for r in rows:
        mid = r.values.get(Fields.MEASURE_ID)
        if mid is None:
            continue
        cell = ret.cell(Roles.MEASURES, r.row, Fields.MEASURE_ID)
        key = measure_key(mid)
        if key in first:
            out.append(Finding("measure-duplicate", sheet=Roles.MEASURES, sheet_name=name, row=r.row,
                               column=Fields.MEASURE_ID, cell=cell, value=mid,
                               label=s.field(Fields.MEASURE_ID).label, params={"detail": first[key]}))
        else:
            first[key] = cell
    covered = {str(r.values.get(Fields.INDICATOR)) for r in rows}
    a = bound.template.sheet(Roles.ANALYSIS)
    a_name = ret.sheet_names.get(Roles.ANALYSIS, a.name)
    for ind, (value, row) in sorted(weak_indicators(ret, bound).items()):
        if str(ind) not in covered:
            out.append(Finding(
                "indicator-uncovered", sheet=Roles.ANALYSIS, sheet_name=a_name, row=row,
                column=Fields.SCORE, cell=ret.cell(Roles.ANALYSIS, row, Fields.SCORE), value=value,
                params={"indicator": _indicator_text(bound, ind),
                        "expected": f"{bound.analysis_fw.pass_mark:g}", "sheet": name,
                        "suggestion": suggestion_text(bound, ind)}))
    return out


SUGGESTIONS_SHOWN = 2  # the first ones of the catalogue; the sheet lists them all


def suggestion_text(bound: Bound, indicator: int) -> dict[str, str]:
    """" ตัวอย่างมาตรการ: …" for a weak indicator, from the catalogue ("" when it has none)."""
    found = bound.suggestions(indicator)[:SUGGESTIONS_SHOWN]
    if not found:
        return {"th": "", "en": ""}
    listed = "; ".join(s.measure for s in found)
    sheet = next((s for s in bound.template.sheets if s.kind == "catalogue"), None)
    where_th = f" (ดูเพิ่มเติมในแผ่นงาน \"{sheet.name}\")" if sheet else ""
    where_en = f" (more on sheet \"{sheet.name}\")" if sheet else ""
    return {"th": f" ตัวอย่างมาตรการ: {listed}{where_th}",
            "en": f" Suggested measures: {listed}{where_en}"}


def oit_item_checks(ret: Returned, bound: Bound) -> list[Finding]:
    """Each measure's OIT item against its indicator's group in the year's framework, and
    against the item its wording names (issue 21: O4 for a news measure whose item is O7)."""
    out: list[Finding] = []
    s, name = _measure_sheet(ret, bound)
    fw = bound.target_fw  # the items the measures cite are those of the year assessed next
    field = s.field(Fields.OIT_ITEM)
    shown = bound.choice_labels.get(field.choices or "", {})
    known = {i.number for i in bound.analysis_fw.indicators}
    for r in ret.tables.get(Roles.MEASURES, []):
        code = r.values.get(Fields.OIT_ITEM)
        if code is None or not any(item.code == str(code) for item in fw.oit_items):
            continue  # empty, or typed over: the choice check says so
        code = str(code)
        common = dict(sheet=Roles.MEASURES, sheet_name=name, row=r.row, column=Fields.OIT_ITEM,
                      cell=ret.cell(Roles.MEASURES, r.row, Fields.OIT_ITEM), value=shown.get(code, code),
                      label=field.label, label_en=field.label_en)
        indicator = str(r.values.get(Fields.INDICATOR))
        group = fw.oit_group_of(code)
        if group is not None and indicator.isdigit() and int(indicator) in known \
                and int(indicator) != group.indicator:
            unsure = {"th": " (การจัดกลุ่มของปีนี้ยังไม่ยืนยัน)", "en": " (this year's grouping is unconfirmed)"}
            out.append(Finding(
                "oit-item-group", severity="info" if group.unconfirmed else "", **common,
                params={"detail": {"th": group.label + (unsure["th"] if group.unconfirmed else ""),
                                   "en": f"{group.code} {group.name_en or group.name_th}"
                                         + (unsure["en"] if group.unconfirmed else "")},
                        "expected": group.indicator,
                        "indicator": _indicator_text(bound, int(indicator))}))
        named = fw.oit_items_named_in(r.values.get(Fields.MEASURE))
        if named and code not in named:
            other = fw.oit_item(named[0])
            out.append(Finding("oit-item-named", **common,
                               params={"detail": other.name_th, "expected": other.label}))
    return out


def _nearest(mid: object, measures: Sequence) -> str:
    """The existing measure id closest to a mistyped one ("M1O" -> "M10"), or ""."""
    import difflib

    ids = {measure_key(r.values.get(Fields.MEASURE_ID)): str(r.values.get(Fields.MEASURE_ID))
           for r in measures if r.values.get(Fields.MEASURE_ID) is not None}
    hit = difflib.get_close_matches(measure_key(mid), list(ids), n=1, cutoff=0.5)
    return ids[hit[0]] if hit else ""


def _indicator_text(bound: Bound, number: int) -> dict[str, str]:
    ind = bound.analysis_fw.indicator(number)
    return {"th": ind.label, "en": f"{ind.number}. {ind.name_en}"}


def result_checks(ret: Returned, bound: Bound, round_key: str | None) -> list[Finding]:
    out: list[Finding] = []
    s = bound.template.sheet(Roles.RESULTS)
    name = ret.sheet_names.get(Roles.RESULTS, s.name)
    measures = ret.tables.get(Roles.MEASURES, [])
    ids = {measure_key(r.values.get(Fields.MEASURE_ID)): r for r in measures
           if r.values.get(Fields.MEASURE_ID) is not None}
    example = next(iter(r.values.get(Fields.MEASURE_ID) for r in measures), "M01")
    reported: set[tuple[str, str]] = set()
    for r in ret.tables.get(Roles.RESULTS, []):
        mid = r.values.get(Fields.MEASURE_ID)
        if mid is None:
            continue
        reported.add((measure_key(mid), str(r.values.get(Fields.ROUND) or round_key)))
        if measure_key(mid) not in ids and Roles.MEASURES in ret.sheet_names:
            out.append(Finding("measure-unknown", sheet=Roles.RESULTS, sheet_name=name, row=r.row,
                               column=Fields.MEASURE_ID, cell=ret.cell(Roles.RESULTS, r.row, Fields.MEASURE_ID),
                               value=mid, label=s.field(Fields.MEASURE_ID).label,
                               params={"expected": _nearest(mid, measures) or example}))
    severity = bound.template.rule("result_missing", round_key)
    if severity and Roles.RESULTS in ret.sheet_names:
        assert round_key is not None  # rule() gives "" when the round is unknown
        label = bound.template.round_label(round_key)
        label_en = bound.template.round_label(round_key, "en")
        m_name = ret.sheet_names.get(Roles.MEASURES, "")
        for key, r in ids.items():
            if (key, round_key) not in reported:
                out.append(Finding(
                    "result-missing", severity=severity, sheet=Roles.MEASURES, sheet_name=m_name,
                    row=r.row, column=Fields.MEASURE_ID, cell=ret.cell(Roles.MEASURES, r.row, Fields.MEASURE_ID),
                    value=r.values.get(Fields.MEASURE_ID),
                    params={"expected": {"th": label, "en": label_en}}))
    return out
