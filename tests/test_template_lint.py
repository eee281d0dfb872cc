"""Each rule of the template linter, one mutation of the shipped template at a time, with the
exact problem it must report (and only that one)."""

from __future__ import annotations

import copy
import re
import tomllib

import pytest

from ita_xlsx.spec.template import TEMPLATE_DIR, TemplateError, parse_template

with open(TEMPLATE_DIR / "ita-measures-1.toml", "rb") as fh:
    SHIPPED = tomllib.load(fh)


def _sheet(d, key):
    return next(s for s in d["sheets"] if s["key"] == key)


def _col(d, sheet, key):
    s = _sheet(d, sheet)
    return next(f for f in s.get("columns", s.get("fields", [])) if f["key"] == key)


def m_dup_sheet_name(d):
    _sheet(d, "results")["name"] = _sheet(d, "measures")["name"]


def m_long_sheet_name(d):
    _sheet(d, "results")["name"] = "ผ" * 32


def m_bad_char(d):
    _sheet(d, "results")["name"] = "ผล/รอบ"


def m_kind(d):
    _sheet(d, "guide")["kind"] = "chart"


def m_header(d):
    _sheet(d, "results")["header_row"] = 9


def m_key_format(d):
    _col(d, "measures", "followup")["key"] = "Follow-up"


def m_type(d):
    _col(d, "measures", "followup")["type"] = "money"


def m_severity(d):
    _col(d, "measures", "followup")["severity"] = "fatal"


def m_cell(d):
    _col(d, "org", "phone")["cell"] = "C"


def m_column(d):
    _col(d, "measures", "followup")["column"] = "9"


def m_place_twice(d):
    _col(d, "measures", "followup")["column"] = "H"


def m_required_message(d):
    c = _col(d, "measures", "followup")
    c["required"] = True
    c.pop("required_message", None)


def m_unknown_choices(d):
    _col(d, "results", "status")["choices"] = "states"


def m_choice_needs_list(d):
    c = _col(d, "measures", "followup")
    c["type"] = "choice"


def m_required_when(d):
    _col(d, "results", "summary")["required_when"]["column"] = "state"


def m_references(d):
    _col(d, "results", "measure_id")["references"] = "measures.code"


def m_items_and_source(d):
    d["choices"]["tool"]["items"] = [{"value": "x", "label": "x"}]


def m_no_items(d):
    d["choices"]["status"]["items"] = []


def m_dup_values(d):
    d["choices"]["status"]["items"].append({"value": "done", "label": "เสร็จ"})


def m_dup_labels(d):
    d["choices"]["status"]["items"].append({"value": "finished", "label": "ดำเนินการแล้วเสร็จ"})


def m_round(d):
    d["rounds"]["3"] = {"label": "รอบ 3 เดือน"}
    for rule in d["rules"].values():
        rule["3"] = "6" if rule is d["rules"]["next_round"] else ""


def m_rule_value(d):
    d["rules"]["result_missing"]["6"] = "fatal"


def m_next_round(d):
    d["rules"]["next_round"]["12"] = "24"


def m_no_rule(d):
    del d["rules"]["next_round"]


RULES = [
    (m_dup_sheet_name, "sheet results: duplicate sheet name 'มาตรการ'"),
    (m_long_sheet_name, "sheet results: sheet name has 32 characters, more than 31 (ผผผผผผผผผผผผผผผผผผผผ…)"),
    (m_bad_char, "sheet results: sheet name has a character Excel forbids"),
    (m_kind, "sheet guide: unknown kind 'chart'"),
    (m_header, "sheet results: header_row must be above first_data_row"),
    (m_key_format, "sheet measures field Follow-up: key must be lower-case letters, digits and _"),
    (m_type, "sheet measures field followup: unknown type 'money'"),
    (m_severity, "sheet measures field followup: unknown severity 'fatal'"),
    (m_cell, "sheet org field phone: a form field needs a cell like C4"),
    (m_column, "sheet measures field followup: a table column needs a column letter"),
    (m_place_twice, "sheet measures field followup: H is used twice"),
    (m_required_message, "sheet measures field followup: required but no required_message (Thai)"),
    (m_unknown_choices, "sheet results field status: unknown choice list 'states'"),
    (m_choice_needs_list, "sheet measures field followup: type choice needs a choice list"),
    (m_required_when, "sheet results field summary: required_when names unknown column"),
    (m_references, "sheet results field measure_id: references unknown 'measures.code'"),
    (m_items_and_source, "choice list tool: give items or source, not both"),
    (m_no_items, "choice list status: no items"),
    (m_dup_values, "choice list status: duplicate values"),
    (m_dup_labels, "choice list status: duplicate labels"),
    (m_round, "round '3' is not in the round choice list"),
    (m_rule_value, "[rules.result_missing] '6': 'fatal' is not error, warning or ''"),
    (m_next_round, "[rules.next_round] '12': '24' is not a round"),
    (m_no_rule, "no [rules.next_round] table (the round `new --from` prepares after this one)"),
]


def test_the_shipped_template_passes():
    assert parse_template(copy.deepcopy(SHIPPED)).id == "ita-measures"


@pytest.mark.parametrize("mutate, problem", RULES, ids=[m.__name__[2:] for m, _ in RULES])
def test_each_rule(mutate, problem):
    data = copy.deepcopy(SHIPPED)
    mutate(data)
    with pytest.raises(TemplateError) as err:
        parse_template(data, "copy.toml")
    assert err.value.problems == [problem]
    assert err.value.text("en") == f"Template copy.toml is not usable: {problem}"
    assert err.value.exit_code == 2
    (thai,) = err.value.problems_th  # the same problem, said in Thai
    assert re.search("[\u0e00-\u0e7f]", thai) and thai != problem
    assert err.value.text("th") == f"แบบฟอร์ม copy.toml ใช้ไม่ได้: {thai}"


def _role_drops():
    """(sheet role, group, role) for every role the code reads: each one dropped in turn."""
    from ita_xlsx.spec.template import COMPUTED_ROLES, ROLES

    out = [(sheet, "fields", role) for sheet, roles in ROLES.items() for role in roles]
    out += [(sheet, "computed", role) for sheet, roles in COMPUTED_ROLES.items() for role in roles]
    return out


@pytest.mark.parametrize("sheet_role, group, role", _role_drops(),
                         ids=[f"{s}.{r}" for s, _, r in _role_drops()])
def test_a_copy_lacking_any_role_the_code_reads_is_refused(sheet_role, group, role):
    data = copy.deepcopy(SHIPPED)
    sheet = next(s for s in data["sheets"] if s.get("role") == sheet_role)
    items = sheet.get(group) or sheet.get("columns") or []
    item = next(f for f in items if f.get("role") == role)
    del item["role"]
    item["key"] = f"renamed_{role}"  # a copy that renamed the key and forgot the role
    with pytest.raises(TemplateError) as err:
        parse_template(data, "copy.toml")
    what = "computed cell" if group == "computed" else "column or field"
    problem = f"sheet {sheet['name']!r}: no {what} has role = {role!r}"
    assert problem in err.value.problems  # (a renamed score also leaves required_when dangling)
    thai = err.value.problems_th[err.value.problems.index(problem)]
    assert f"role = {role!r}" in thai and re.search("[\u0e00-\u0e7f]", thai)


@pytest.mark.parametrize("role", ["signer_name", "website"])
def test_a_copy_with_part_of_a_role_group_is_refused(role):
    """Version 1 had none of the document fields: a copy with some renamed the others."""
    data = copy.deepcopy(SHIPPED)
    item = next(f for f in _sheet(data, "org")["fields"] if f.get("role") == role)
    del item["role"]
    item["key"] = f"renamed_{role}"
    with pytest.raises(TemplateError) as err:
        parse_template(data, "copy.toml")
    have = sorted({"signer_name", "signer_position", "executive_title", "doc_prefix",
                   "website"} - {role})
    assert err.value.problems == [f"sheet 'ข้อมูลหน่วยงาน': no column or field has role = "
                                  f"{role!r} (it has {', '.join(have)})"]
    org = _sheet(data, "org")
    org["fields"] = [f for f in org["fields"] if f["key"] not in (*have, f"renamed_{role}")]
    assert parse_template(data, "copy.toml").id  # none of them, as in version 1: usable


def test_a_key_is_checked_as_the_file_writes_it_even_under_a_role():
    data = copy.deepcopy(SHIPPED)
    _col(data, "measures", "owner")["key"] = "Owner!"
    with pytest.raises(TemplateError) as err:
        parse_template(data, "copy.toml")
    assert err.value.problems == [
        "sheet measures field Owner!: key must be lower-case letters, digits and _"]
