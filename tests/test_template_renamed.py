"""A copy of the shipped template with every sheet, column, field and computed-cell key renamed
works end to end exactly as the shipped one: the code knows them by role, never by key.

Both templates go through the same round, driven through the command line: ``new`` (plan) →
filled as an officer would (openpyxl) → ``validate`` → ``merge`` → ``docs`` → ``new --from``
(6 months) → results filled → ``validate`` → ``merge`` → ``docs`` → ``new --from`` (12 months).
Every output is compared: the validate JSON, every cell of the consolidated reports and of
the next rounds' workbooks, and the documents' text read back with python-docx. Values typed
in every column must also reach the documents and the next round (nothing blank, nothing
dropped)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import docx
import openpyxl
import pytest
from click.testing import CliRunner

from ita_xlsx.cli.main import main
from ita_xlsx.spec.roles import Fields, Roles
from ita_xlsx.spec.template import TEMPLATE_DIR, Bound, bind, load_template
from ita_xlsx.thai import to_thai_digits

SHIPPED = TEMPLATE_DIR / "ita-measures-1.toml"
FY = 2570
ORGS = ("code,name,type,district,province,email\n"
        "6560101,เทศบาลตำบลห้วยวน,เทศบาลตำบล,เชียงคำ,พะเยา,saraban@huaywon.go.th\n"
        "6560102,องค์การบริหารส่วนตำบลเวียง,อบต.,เชียงคำ,พะเยา,\n")
SCORES = [92.5, 88.1, 71.0, 95.2, 66.4, 90.0, 86.3, 89.9, 58.75, 93.0]
ORG_VALUES = {
    Fields.CONTACT_NAME: "นางสาวยุภาวดี คำมี", Fields.CONTACT_POSITION: "นักจัดการงานทั่วไป",
    Fields.PHONE: "0 5445 1234", Fields.EMAIL: "yupawadee@huaywon.go.th",
    Fields.SIGNER_NAME: "นายสมหมาย ใจดี", Fields.SIGNER_POSITION: "นายกเทศมนตรีตำบลห้วยวน",
    Fields.EXECUTIVE_TITLE: "นายกเทศมนตรีตำบลห้วยวน", Fields.DOC_PREFIX: "พย 52301",
    Fields.WEBSITE: "https://www.huaywon.go.th",
}


def renamed_copy(tmp_path: Path) -> Path:
    """The shipped template with every key of a sheet, column, field, computed cell or choice
    list given another name (``p_`` + the key), and the references between them following."""
    text = SHIPPED.read_text(encoding="utf-8")
    keys = set(re.findall(r'(?m)^key = "([a-z_0-9]+)"$', text))
    assert {"measures", "measure", "outcome", "total", "org_code"} <= keys
    text = re.sub(r'(?m)^key = "([a-z_0-9]+)"$', r'key = "p_\1"', text)
    text = re.sub(r'(?m)^references = "([a-z_0-9]+)\.([a-z_0-9]+)"$',
                  r'references = "p_\1.p_\2"', text)
    text = re.sub(r'required_when = \{ column = "([a-z_0-9]+)"', r'required_when = { column = "p_\1"',
                  text)
    # and the choice lists, which the code finds through the fields that offer them
    text = re.sub(r'(?m)^\[choices\.([a-z_0-9]+)\]$', r'[choices.p_\1]', text)
    text = re.sub(r'(?m)^choices = "([a-z_0-9]+)"$', r'choices = "p_\1"', text)
    path = tmp_path / "renamed.toml"
    path.write_text(text, encoding="utf-8")
    return path


def invoke(*args, code: int = 0) -> str:
    res = CliRunner().invoke(main, [str(a) for a in args])
    assert res.exit_code == code, res.output
    return res.output


def break_return(src: Path, dst: Path, t) -> None:
    """An officer's slips: an owner left out, a timeframe no one can read, a weak indicator's
    issue deleted, the phone number blank."""
    wb = openpyxl.load_workbook(src)
    m = t.sheet(Roles.MEASURES)
    ws = wb[m.name]
    ws.cell(m.first_data_row, m.field(Fields.OWNER).col_index + 1).value = None
    ws.cell(m.first_data_row + 1, m.field(Fields.TIMEFRAME).col_index + 1).value = "เร็วๆ นี้"
    a = t.sheet(Roles.ANALYSIS)
    wb[a.name].cell(a.first_data_row + 8, a.field(Fields.ISSUE).col_index + 1).value = None
    org = t.sheet(Roles.ORG)
    wb[org.name][org.field(Fields.PHONE).cell] = None
    wb.save(dst)


def _put(ws, row: int, col: int, value) -> None:
    ws.cell(row, col + 1).value = value


def fill(blank: Path, dst: Path, b: Bound, round_key: str, n: int) -> None:
    """Type into a workbook what an officer would: every input cell of the round."""
    t = b.template
    wb = openpyxl.load_workbook(blank)
    org = t.sheet(Roles.ORG)
    ws = wb[org.name]
    for key, value in {**ORG_VALUES, Fields.REPORT_DATE: "15/10/2569" if round_key == "plan"
                       else "20/04/2570"}.items():
        ws[org.field(key).cell] = value
    if round_key == "plan":
        a = t.sheet(Roles.ANALYSIS)
        ws = wb[a.name]
        for i, score in enumerate(SCORES):
            row = a.first_data_row + i
            _put(ws, row, a.field(Fields.SCORE).col_index, score)
            if score < b.analysis_fw.pass_mark:
                _put(ws, row, a.field(Fields.ISSUE).col_index, f"ประเด็นที่ต้องแก้ไข {n}-{i + 1}")
        m = t.sheet(Roles.MEASURES)
        ws = wb[m.name]
        inds = {i.number: i for i in b.analysis_fw.indicators}
        oit = b.choice_items(t.choice_key(Roles.MEASURES, Fields.OIT_ITEM))[0].label
        for k, number in enumerate((5, 9, 3)):
            ind = inds[number]
            row = m.first_data_row + k
            values = {
                Fields.MEASURE_ID: f"M{k + 1:02d}", Fields.TOOL: ind.tool, Fields.INDICATOR: ind.label,
                Fields.OIT_ITEM: oit if ind.tool == "OIT" else None,
                Fields.MEASURE: f"มาตรการที่ {k + 1} ของหน่วยงาน {n}",
                Fields.METHOD: f"วิธีดำเนินการ {n}-{k + 1}", Fields.OWNER: "สำนักปลัด",
                Fields.TIMEFRAME: "ต.ค. 2569 - ก.ย. 2570", Fields.FOLLOWUP: f"รายงานผู้บริหาร {n}-{k + 1}",
            }
            for key, value in values.items():
                _put(ws, row, m.field(key).col_index, value)
    else:
        r = t.sheet(Roles.RESULTS)
        ws = wb[r.name]
        status = {c.value: c.label for c in b.choice_items(t.choice_key(Roles.RESULTS, Fields.STATUS))}
        mid = r.field(Fields.MEASURE_ID).col_index + 1
        row = r.first_data_row
        while ws.cell(row, mid).value:
            k = row - r.first_data_row + 1
            values = {
                Fields.STATUS: status["done"] if k != 2 else status["in_progress"],
                Fields.SUMMARY: f"สรุปผล {n}-{k}", Fields.OUTCOME: f"ผลลัพธ์ {n}-{k}",
                Fields.EVIDENCE_URL: f"https://www.huaywon.go.th/ita/m{k:02d}" if k != 2 else None,
                Fields.PROBLEMS: f"ปัญหาอุปสรรค {n}-{k}",
            }
            for key, value in values.items():
                _put(ws, row, r.field(key).col_index, value)
            row += 1
        assert row > r.first_data_row  # the result rows came pre-filled from --from
    wb.save(dst)


def cells(path: Path, base: Path) -> dict:
    """Every non-empty cell value of every sheet (the temporary folder's path made neutral)."""
    wb = openpyxl.load_workbook(path)
    out = {}
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if c.value not in (None, ""):
                    out[f"{ws.title}!{c.coordinate}"] = str(c.value).replace(str(base), "<base>")
    return out


def doc_text(path: Path) -> list[str]:
    d = docx.Document(str(path))
    out = [p.text for p in d.paragraphs]
    for table in d.tables:
        out += ["\t".join(c.text for c in row.cells) for row in table.rows]
    return out


def run_round(tpl: Path, base: Path) -> dict:
    """The whole round with one template; everything it produced, for comparison."""
    t = load_template(str(tpl))
    orgs = base / "orgs.csv"
    base.mkdir()
    orgs.write_text(ORGS, encoding="utf-8")
    out: dict = {}

    def returns(folder: Path, round_key: str, blanks: Path) -> Path:
        b = bind(t, FY, round_key)
        dst = base / folder
        dst.mkdir()
        for n, blank in enumerate(sorted(blanks.glob("*.xlsx")), 1):
            fill(blank, dst / blank.name, b, round_key, n)
        return dst

    def check_and_merge(stage: str, returned: Path) -> Path:
        res = invoke("validate", returned, "--template", tpl, "--format", "json", "--workers", 1)
        data = json.loads(res[res.index("{"):res.rindex("}") + 1])
        assert [f["status"] for f in data["files"]] == ["valid", "valid"], data["files"]
        out[f"{stage}/validate"] = json.loads(json.dumps(data).replace(str(base), "<base>"))
        report = base / f"{stage}-report.xlsx"
        invoke("merge", returned, "--template", tpl, "-o", report, "--orgs", orgs, "--workers", 1)
        out[f"{stage}/report"] = cells(report, base)
        docs = base / f"{stage}-docs"
        invoke("docs", returned, "--out", docs, "--template", tpl)
        out[f"{stage}/docs"] = {p.name: doc_text(p) for p in sorted(docs.glob("*.docx"))}
        return report

    invoke("new", "--template", tpl, "--orgs", orgs, "--year", FY, "--out", base / "plan")
    returned = returns(Path("plan-returned"), "plan", base / "plan")
    report = check_and_merge("plan", returned)
    bad = base / "plan-bad"
    bad.mkdir()
    first = sorted(returned.glob("*.xlsx"))[0]
    break_return(first, bad / first.name, t)
    res = invoke("validate", bad, "--template", tpl, "--format", "json", "--workers", 1,
                 "--feedback", base / "feedback", "--report", base / "check.xlsx", code=1)
    data = json.loads(res[res.index("{"):res.rindex("}") + 1])
    assert {x["code"] for x in data["files"][0]["findings"]} >= {
        "required-missing", "timeframe-invalid", "issue-missing"}
    assert len(list((base / "feedback").glob("*.xlsx"))) == 1
    out["plan/feedback"] = {
        "validate": json.loads(json.dumps(data).replace(str(base), "<base>")),
        "check": cells(base / "check.xlsx", base),
        **{p.name: cells(p, base) for p in sorted((base / "feedback").glob("*.xlsx"))}}
    invoke("new", "--template", tpl, "--from", report, "--round", "6", "--out", base / "six")
    out["six/workbooks"] = {p.name: cells(p, base) for p in sorted((base / "six").glob("*.xlsx"))}
    report = check_and_merge("six", returns(Path("six-returned"), "6", base / "six"))
    invoke("docs", "--district", report, "--out", base / "district", "--template", tpl)
    out["six/district"] = {p.name: doc_text(p) for p in sorted((base / "district").glob("*.docx"))}
    invoke("new", "--template", tpl, "--from", report, "--round", "12", "--out", base / "twelve")
    out["twelve/workbooks"] = {p.name: cells(p, base)
                               for p in sorted((base / "twelve").glob("*.xlsx"))}
    return out


def _neutral(value):
    """Generation times and durations differ between two runs; nothing else may."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
    text = re.sub(r'"seconds": [0-9.]+', '"seconds": 0', text)
    text = re.sub(r"\b\d{1,2}:\d\d(:\d\d)?\b", "<hh:mm>", text)  # file times, "made at"
    text = re.sub(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?([+-]\d\d:\d\d)?", "<time>", text)
    text = re.sub(r"renamed\.toml|ita-measures-1\.toml", "<template>", text)
    # the hidden lists sheet heads each list with the name the template file gives it
    text = re.sub(r'("_lists![A-Z]+1": ")p_', r"\1", text)
    return json.loads(text)


@pytest.fixture(scope="module")
def both(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("renamed")
    return run_round(SHIPPED, tmp / "shipped"), run_round(renamed_copy(tmp), tmp / "renamed")


def test_the_copy_renames_every_key(tmp_path):
    t = load_template(str(renamed_copy(tmp_path)))
    written = [x.file_key for s in t.sheets
               for x in (s, *s.fields, *s.extra_fields, *s.computed)]
    assert written and all(k.startswith("p_") for k in written)
    assert t.choices and all(k.startswith("p_") for k in t.choices)


@pytest.mark.parametrize("stage", ["plan/validate", "plan/report", "plan/docs", "plan/feedback",
                                   "six/workbooks",
                                   "six/validate", "six/report", "six/docs", "six/district",
                                   "twelve/workbooks"])
def test_every_output_is_the_same_as_with_the_shipped_template(both, stage):
    shipped, renamed = both
    assert shipped[stage]  # something was produced
    assert _neutral(renamed[stage]) == _neutral(shipped[stage])


def test_nothing_typed_is_blank_or_dropped(both):
    shipped, _ = both
    plan = "\n".join(line for text in shipped["plan/docs"].values() for line in text)
    for v in (*ORG_VALUES.values(), "มาตรการที่ 1 ของหน่วยงาน 1", "วิธีดำเนินการ 1-2",
              "รายงานผู้บริหาร 1-3", "สำนักปลัด", "ประเด็นที่ต้องแก้ไข 1-9"):
        if v not in (ORG_VALUES[Fields.PHONE], ORG_VALUES[Fields.EMAIL]):  # documents omit them
            assert to_thai_digits(v) in plan, v
    six = "\n".join(line for text in shipped["six/docs"].values() for line in text)
    for v in ("สรุปผล 1-1", "ผลลัพธ์ 2-3", "ปัญหาอุปสรรค 1-2", "มาตรการที่ 2 ของหน่วยงาน 2"):
        assert to_thai_digits(v) in six, v
    twelve = {v for wb in shipped["twelve/workbooks"].values() for v in wb.values()}
    six_wb = {v for wb in shipped["six/workbooks"].values() for v in wb.values()}
    for v in ("สรุปผล 1-1", "ผลลัพธ์ 2-3", "ปัญหาอุปสรรค 1-2", "https://www.huaywon.go.th/ita/m01",
              "วิธีดำเนินการ 2-2", "รายงานผู้บริหาร 1-3", "ประเด็นที่ต้องแก้ไข 2-9"):
        assert v in twelve, v
    assert "วิธีดำเนินการ 1-1" in six_wb and "มาตรการที่ 3 ของหน่วยงาน 2" in six_wb


MUTATE = """
import json, sys
from pathlib import Path
sys.path.insert(0, sys.argv[1])
from ita_xlsx.spec import roles
for cls in (roles.Roles, roles.Fields, roles.Cells):  # before any module reads them
    for name, value in list(vars(cls).items()):
        if name.isupper():
            setattr(cls, name, "r_" + value)
import test_template_renamed as T
out = T.run_round(Path(sys.argv[2]), Path(sys.argv[3]))
Path(sys.argv[4]).write_text(json.dumps(T._neutral(out), ensure_ascii=False), encoding="utf-8")
"""


def _unprefixed(value):
    if isinstance(value, dict):
        return {re.sub(r"\br_(?=[a-z])", "", k): _unprefixed(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_unprefixed(v) for v in value]
    return re.sub(r"\br_(?=[a-z])", "", value) if isinstance(value, str) else value


def test_no_code_path_reads_a_key_string(both, tmp_path):
    """Every role given another value (the constants and the template together): a key
    string left anywhere in the code would now miss its sheet, column or cell. The outputs
    are the shipped template's, but for the role names they show."""
    import subprocess
    import sys

    tpl = renamed_copy(tmp_path)
    tpl.write_text(re.sub(r'(?m)^role = "([a-z_]+)"', r'role = "r_\1"',
                          tpl.read_text(encoding="utf-8")), encoding="utf-8")
    dump = tmp_path / "outputs.json"
    env = {**__import__("os").environ,
           "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    run = subprocess.run([sys.executable, "-c", MUTATE, str(Path(__file__).parent), str(tpl),
                          str(tmp_path / "round"), str(dump)], capture_output=True, text=True,
                         env=env, timeout=600)
    assert run.returncode == 0, run.stderr[-3000:]
    mutated = json.loads(dump.read_text(encoding="utf-8"))
    shipped, _ = both
    assert "r_measure" in json.dumps(mutated, ensure_ascii=False)  # the roles did change
    for stage, value in _neutral(shipped).items():
        assert _unprefixed(mutated[stage]) == value, stage
