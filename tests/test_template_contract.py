"""The template contract: roles and round rules are template data, the linter refuses a copy
lacking them, and a province's copy with renamed keys, reordered columns and an extra column
works end to end (new → validate → feedback → merge) through the command line."""

from __future__ import annotations

import json
import re
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

import ita_xlsx
from ita_xlsx.cli.main import main
from ita_xlsx.spec.template import OPTIONAL_FIELD_ROLES, ROLE_GROUPS, ROLES, TEMPLATE_DIR

SHIPPED = TEMPLATE_DIR / "ita-measures-1.toml"
FY = 2570


def invoke(*args, lang_env: str | None = None):
    return CliRunner().invoke(main, [str(a) for a in args])


def _block(text: str, key: str) -> tuple[int, int]:
    """The span of the [[...]] block whose key line is ``key = "<key>"`` (the first one)."""
    start = text.index(f'key = "{key}"')
    begin = text.rindex("[[", 0, start)
    nxt = text.find("\n[[", start)
    return begin, len(text) if nxt < 0 else nxt


def _set_in_block(text: str, key: str, name: str, value: str) -> str:
    begin, end = _block(text, key)
    block = re.sub(rf'(?m)^{name} = "[^"]*"', f'{name} = "{value}"', text[begin:end], count=1)
    return text[:begin] + block + text[end:]


def province_copy(tmp_path: Path) -> Path:
    """The shipped template as a province would change it: its own sheet and column keys,
    the owner and timeframe columns swapped, the fiscal year and report date cells swapped,
    an extra budget column."""
    text = SHIPPED.read_text(encoding="utf-8")
    for old, new in (("org", "ongkon"), ("analysis", "wikhro"), ("measures", "matrakan"),
                     ("results", "phon")):
        text = text.replace(f'key = "{old}"\nrole', f'key = "{new}"\nrole', 1)
    text = text.replace('key = "measure_id"', 'key = "rahat"')
    text = text.replace('references = "measures.measure_id"', 'references = "matrakan.rahat"')
    text = text.replace('key = "score"', 'key = "khanaen"')
    text = text.replace('column = "score", below', 'column = "khanaen", below')
    text = text.replace('key = "owner"', 'key = "phurap"')
    text = _set_in_block(text, "phurap", "column", "H")
    text = _set_in_block(text, "timeframe", "column", "G")
    text = _set_in_block(text, "fiscal_year", "cell", "C15")
    text = _set_in_block(text, "report_date", "cell", "C9")
    begin, end = _block(text, "followup")
    extra = ('\n\n[[sheets.columns]]\nkey = "budget"\nlabel = "งบประมาณ (บาท)"\n'
             'label_en = "Budget (baht)"\ncolumn = "J"\ntype = "text"\n')
    text = text[:end] + extra + text[end:]
    path = tmp_path / "province.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_shipped_template_declares_every_role_and_round_rule():
    t = ita_xlsx.load_template()
    for sheet_role, field_roles in ROLES.items():
        sheet = next(s for s in t.sheets if s.role == sheet_role)
        grouped = {r for group in ROLE_GROUPS.get(sheet_role, ()) for r in group}
        optional = set(OPTIONAL_FIELD_ROLES.get(sheet_role, ()))
        assert sorted(f.role for f in sheet.fields if f.role) == sorted({*field_roles, *grouped,
                                                                          *optional})
    assert t.rules == {"result_missing": {"plan": "", "6": "warning", "12": "error"},
                       "next_round": {"plan": "6", "6": "12", "12": "12"}}


def test_province_copy_keys_by_role(tmp_path):
    t = ita_xlsx.load_template(province_copy(tmp_path))
    measures = t.sheet("measures")
    assert measures.file_key == "matrakan"
    assert measures.field("measure_id").file_key == "rahat"
    assert (measures.field("owner").column, measures.field("timeframe").column) == ("H", "G")
    assert measures.fields[-1].key == "budget" and measures.fields[-1].role == ""
    assert t.sheet("results").field("measure_id").references == "measures.measure_id"
    assert t.sheet("analysis").field("issue").required_when.column == "score"
    assert t.sheet("org").field("fiscal_year").cell == "C15"


def test_province_copy_end_to_end(tmp_path):
    tpl = province_copy(tmp_path)
    t = ita_xlsx.load_template(tpl)
    orgs = tmp_path / "orgs.csv"
    orgs.write_text("code,name,district,province\n6560101,เทศบาลตำบลห้วยวน,เชียงคำ,พะเยา\n"
                    "6560102,เทศบาลตำบลเวียง,เชียงคำ,พะเยา\n", encoding="utf-8")
    res = invoke("new", "--template", tpl, "--orgs", orgs, "--year", FY, "--round", "6",
                 "--out", tmp_path / "wb")
    assert res.exit_code == 0, res.output
    blank = {p.name[:7]: p for p in (tmp_path / "wb").glob("*.xlsx")}
    wb = openpyxl.load_workbook(blank["6560101"])
    assert wb["ข้อมูลหน่วยงาน"]["C15"].value == str(FY)  # the fiscal year where the copy says
    assert wb["มาตรการ"]["J4"].value.startswith("งบประมาณ")  # the extra column's heading
    returned = tmp_path / "returned"
    returned.mkdir()
    ita_xlsx.simulate_return(blank["6560101"], returned / "6560101.xlsx", seed=1, round="6",
                             fiscal_year=FY, template=t)
    ita_xlsx.simulate_return(blank["6560102"], returned / "6560102.xlsx", seed=2, round="6",
                             mistakes=("owner-missing", "timeframe-bad"), fiscal_year=FY,
                             template=t)

    res = invoke("validate", returned, "--template", tpl, "--format", "json",
                 "--feedback", tmp_path / "fb")
    assert res.exit_code == 1, res.output
    data = json.loads(res.output[res.output.index("{"):res.output.rindex("}") + 1])
    by_file = {Path(f["path"]).stem: f for f in data["files"]}
    assert by_file["6560101"]["status"] == "valid", by_file["6560101"]["findings"]
    bad = {(x["code"], x["column"]): x["cell"] for x in by_file["6560102"]["findings"]
           if x["severity"] == "error"}
    # The owner is in column H and the timeframe in G in this copy; findings say so.
    assert bad == {("required-missing", "owner"): "H5", ("timeframe-invalid", "timeframe"): "G6"}
    assert [p.name[:7] for p in (tmp_path / "fb").glob("*.xlsx")] == ["6560102"]

    res = invoke("merge", returned, "--template", tpl, "-o", tmp_path / "report.xlsx",
                 "--orgs", orgs)
    assert res.exit_code == 0, res.output
    result = ita_xlsx.consolidate([returned], template=t)
    entry = next(e for e in result.entries if e.org_code == "6560101")
    assert entry.measures and all(m["owner"] and m["timeframe_start"] for m in entry.measures)
    report = openpyxl.load_workbook(tmp_path / "report.xlsx", read_only=True)
    heads = [c.value for c in next(report["มาตรการ"].iter_rows(min_row=4, max_row=4))]
    assert "งบประมาณ (บาท)" in heads and "ผู้รับผิดชอบ" in heads


@pytest.mark.parametrize("drop, problem, thai", [
    ('role = "measures"\n', "no sheet has role = 'measures' (the code relies on it)",
     "ไม่มีแผ่นงานที่ระบุ role = 'measures' (โปรแกรมต้องใช้)"),
    ('role = "evidence_url"\n', "sheet 'ผลการดำเนินการ': no column or field has role = "
                                "'evidence_url'",
     "แผ่นงาน 'ผลการดำเนินการ': ไม่มีคอลัมน์หรือช่องที่ระบุ role = 'evidence_url'"),
    ('"12" = "error"\n', "[rules.result_missing] has no value for round '12'",
     "[rules.result_missing] ไม่มีค่าของรอบ '12'"),
])
def test_copy_lacking_a_role_or_rule_is_refused(tmp_path, drop, problem, thai):
    text = SHIPPED.read_text(encoding="utf-8")
    assert drop in text
    path = tmp_path / "lacking.toml"
    path.write_text(text.replace(drop, "", 1), encoding="utf-8")
    with pytest.raises(ita_xlsx.TemplateError) as err:
        ita_xlsx.load_template(path)
    assert err.value.problems == [problem]
    res = invoke("new", "--template", path, "--out", tmp_path / "o")
    assert res.exit_code == 2
    assert res.output.strip() == f"แบบฟอร์ม {path} ใช้ไม่ได้: {thai}"
    res = invoke("new", "--template", path, "--out", tmp_path / "o", "--lang", "en")
    assert res.exit_code == 2
    assert res.output.strip() == f"Template {path} is not usable: {problem}"
    assert not (tmp_path / "o").exists()
