"""`ita-xlsx new`, `schema` and `demo` through the command line, and the library parts."""

from __future__ import annotations

import json
import subprocess
import sys

import openpyxl
import pytest
from click.testing import CliRunner
from python_calamine import CalamineWorkbook

from ita_xlsx.cli.main import main
from ita_xlsx.core.files import safe_filename
from ita_xlsx.spec.orgs import read_org_list
from ita_xlsx.spec.template import TemplateError, lint_template, load_template, parse_template


def invoke(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def test_blank_workbook(tmp_path):
    res = invoke("new", "--year", "2570", "--out", tmp_path)
    assert res.exit_code == 0, res.output
    (path,) = tmp_path.glob("*.xlsx")
    assert path.name == "ITA2570_แผน_blank.xlsx"
    wb = openpyxl.load_workbook(path)
    assert wb["ข้อมูลหน่วยงาน"]["C9"].value == "2570"


def test_org_list_with_bad_rows_keeps_the_good_ones(tmp_path):
    orgs = tmp_path / "orgs.csv"
    orgs.write_text(
        "รหัสหน่วยงาน,ชื่อหน่วยงาน,ประเภท,อำเภอ,จังหวัด,อีเมล\n"
        "๖๕๖๐๑๐๑,เทศบาลตำบลห้วยวน,ทต.,เชียงคำ,พะเยา,a@b.go.th\n"
        ",ไม่มีรหัส,อบต.,เชียงคำ,พะเยา,\n"
        "6560101,ซ้ำ,อบต.,เชียงคำ,พะเยา,\n"
        'CON,อบต. "ชื่อ/แปลก" <*>?,อบต.,เชียงคำ,พะเยา,not-an-email\n',
        encoding="cp874",  # as Thai Windows Excel saves CSV
    )
    out = tmp_path / "out"
    res = invoke("new", "--orgs", orgs, "--year", "2570", "--out", out)
    assert res.exit_code == 1  # rows were skipped
    assert "แถว 3" in res.output and "แถว 4" in res.output
    names = sorted(p.name for p in out.glob("*.xlsx"))
    assert names[0].startswith("6560101_เทศบาลตำบลห้วยวน")
    assert names[1].startswith("_CON_") and all(c not in names[1] for c in '<>:"/\\|?*')
    wb = openpyxl.load_workbook(out / names[0])
    assert wb["ข้อมูลหน่วยงาน"]["C4"].value == "6560101"
    assert wb["ข้อมูลหน่วยงาน"]["C6"].value == "เทศบาลตำบล"  # "ทต." expanded
    assert wb.custom_doc_props["ita_org_code"].value == "6560101"
    # again: nothing is overwritten without --force
    before = (out / names[0]).stat().st_mtime_ns
    res = invoke("new", "--orgs", orgs, "--year", "2570", "--out", out)
    assert res.exit_code == 1 and "--force" in res.output
    assert (out / names[0]).stat().st_mtime_ns == before
    res = invoke("new", "--orgs", orgs, "--year", "2570", "--out", out, "--force")
    assert res.output.splitlines()[-1] == f"สร้างแบบรายงาน 2 ไฟล์ ในโฟลเดอร์ {out}"


def test_org_list_from_xlsx(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["code", "name", "district"])
    ws.append([6560101, "เทศบาลตำบลห้วยวน", "เชียงคำ"])  # a number, as Excel stores codes
    wb.save(tmp_path / "orgs.xlsx")
    orgs, problems = read_org_list(tmp_path / "orgs.xlsx")
    assert [o.code for o in orgs] == ["6560101"] and not problems


def test_unusable_org_list_is_a_clear_error(tmp_path):
    bad = tmp_path / "orgs.csv"
    bad.write_text("a,b\n1,2\n", encoding="utf-8")
    res = invoke("new", "--orgs", bad, "--out", tmp_path / "o")
    assert res.exit_code == 2  # an unusable input, like every other
    assert res.output.strip() == ("orgs.csv: ไม่พบหัวคอลัมน์ ต้องมีอย่างน้อย code (รหัสหน่วยงาน) "
                                  "และ name (ชื่อหน่วยงาน)")
    res = invoke("--lang", "en", "new", "--orgs", bad, "--out", tmp_path / "o")
    assert res.exit_code == 2
    assert res.output.strip() == "orgs.csv: no heading row; it needs at least code and name columns"
    assert not (tmp_path / "o").exists()


def test_schema_json(tmp_path):
    res = invoke("schema", "--json", "--year", "2570")
    data = json.loads(res.output)
    assert data["template"] == {"id": "ita-measures", "version": "3", "fiscal_year": 2570}
    sheets = {s["key"]: s for s in data["sheets"]}
    assert set(sheets) == {"org", "analysis", "measures", "results", "oit"}
    assert [c["key"] for c in sheets["oit"]["columns"]] == ["oit_code", "oit_name", "oit_urls",
                                                            "oit_note"]
    assert sheets["org"]["kind"] == "form"
    assert {"key": "org_code", "cell": "C4"}.items() <= sheets["org"]["columns"][0].items()
    m = {c["key"]: c for c in sheets["measures"]["columns"]}
    assert m["owner"]["required"] is True and m["owner"]["column"] == "G"
    assert m["tool"]["choices"] == ["IIT", "EIT", "OIT"]
    assert sheets["measures"]["header_row"] == 4 and sheets["measures"]["first_data_row"] == 5
    assert len(m["indicator"]["choices"]) == 10


def test_template_linter_rejects_what_xlsxwriter_would_drop():
    t = load_template()
    assert lint_template(t) == []
    import tomllib

    with open(t.source_file, "rb") as fh:
        data = tomllib.load(fh)
    data["sheets"][2]["columns"][2]["hint_title"] = "ก" * 33
    data["sheets"][2]["columns"][3]["hint"] = "ข" * 256
    data["sheets"][3]["columns"][1]["key"] = "measure_id"
    del data["sheets"][3]["columns"][1]["role"]  # else its role would key it "tool" again
    data["choices"]["status"]["items"].append({"value": "x", "label": "ค" * 250})
    with pytest.raises(TemplateError) as err:
        parse_template(data, "bad.toml")
    text = " ".join(err.value.problems)
    assert "hint_title" in text and "hint has 256" in text
    assert "duplicate key" in text and "inline list" in text


@pytest.mark.parametrize("name", ["CON", "a/b\\c:d*e?f", "  ..  ", "ชื่อ" * 40, "nul.txt"])
def test_safe_filename(name):
    out = safe_filename(name)
    assert out and len(out) <= 80
    assert not any(c in out for c in '<>:"/\\|?*')
    assert out.split(".")[0].upper() not in {"CON", "NUL"}
    assert not out.endswith((".", " "))


def test_help_is_fast_and_does_not_import_pandas():
    code = ("import sys, ita_xlsx.cli.main; from click.testing import CliRunner; "
            "CliRunner().invoke(ita_xlsx.cli.main.main, ['--help']); "
            "print('pandas' in sys.modules, 'pandera' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.stdout.strip() == "False False"


def test_demo_runs_the_cycle(tmp_path):
    res = invoke("demo", "--out", tmp_path / "demo")
    assert res.exit_code == 0, res.output
    d = tmp_path / "demo"
    assert len(list((d / "1-workbooks").glob("*.xlsx"))) == 9
    sent = {p.suffix for p in (d / "2-returned").rglob("*") if p.is_file()}
    assert sent == {".xlsx", ".zip", ".pdf", ".eml"}
    assert list((d / "3-feedback").glob("*.xlsx"))
    wb = CalamineWorkbook.from_path(str(d / "4-district-report.xlsx"))
    summary = wb.get_sheet_by_name("สรุป").to_python()
    assert sum(1 for r in summary if r and str(r[0]).startswith("65601")) == 9
    # the messy round, said once each: borrowed, PDF, tie, the round counted
    assert res.output.count("ดูเหมือนหน่วยงาน") == 1
    assert res.output.count("ลงวันที่รายงานเดียวกัน") == 1
    assert "เป็นไฟล์ PDF" in res.output and "รอบ 6 เดือน (รอบล่าสุดที่พบ)" in res.output
    assert (d / "4-csv" / "summary.csv").exists()
    res = invoke("demo", "--out", tmp_path / "demo")
    assert res.exit_code == 1  # not over an earlier demo without --force


def test_framework_override_changes_the_workbook_formulas(tmp_path):
    override = tmp_path / "2569.toml"
    override.write_text('year = 2569\n[[tools]]\ncode = "IIT"\nweight = 0.2\n'
                        '[[tools]]\ncode = "EIT"\nweight = 0.3\n'
                        '[[tools]]\ncode = "OIT"\nweight = 0.5\n', encoding="utf-8")
    res = invoke("new", "--year", "2570", "--framework", override, "--out", tmp_path / "o")
    assert res.exit_code == 0, res.output
    (path,) = (tmp_path / "o").glob("*.xlsx")
    ws = openpyxl.load_workbook(path)["วิเคราะห์ผล ITA"]
    formulas = [c.value for row in ws.iter_rows() for c in row
                if isinstance(c.value, str) and c.value.startswith("=IF(COUNT(") and "ROUND" in
                c.value]
    assert formulas and "0.5*" in formulas[0] and "0.2*" in formulas[0]


def test_validate_csv_output(tmp_path):
    invoke("new", "--year", "2570", "--out", tmp_path)
    (path,) = tmp_path.glob("*.xlsx")
    res = invoke("validate", path, "--format", "csv")
    lines = res.output.splitlines()
    assert lines[0].startswith("path,org_code,org_name,status,severity,code")
    assert any(",required-missing," in line for line in lines[1:])  # a blank workbook
    assert res.exit_code == 1


@pytest.mark.libreoffice
def test_stamped_workbooks_open_in_libreoffice(tmp_path, soffice):
    """`new --orgs` writes its ZIPs itself (identity stamped in): a real client must open them."""
    orgs = tmp_path / "orgs.csv"
    orgs.write_text("code,name\n6560101,เทศบาลตำบลห้วยวน & <ส่วน>\n", encoding="utf-8")
    invoke("new", "--orgs", orgs, "--year", "2570", "--out", tmp_path / "o")
    (path,) = (tmp_path / "o").glob("*.xlsx")
    ods = soffice(path, "ods", tmp_path / "ods")
    wb = CalamineWorkbook.from_path(str(ods))
    org = wb.get_sheet_by_name("ข้อมูลหน่วยงาน").to_python(skip_empty_area=False)
    assert org[3][2] == "6560101" and org[4][2] == "เทศบาลตำบลห้วยวน & <ส่วน>"
    assert soffice(path, "pdf", tmp_path / "pdf").stat().st_size > 1000


def test_year_in_thai_digits_or_ce_and_a_thai_error_otherwise(tmp_path):
    res = invoke("new", "--year", "๒๕๗๐", "--out", tmp_path / "a")
    assert res.exit_code == 0 and (tmp_path / "a" / "ITA2570_แผน_blank.xlsx").exists()
    res = invoke("new", "--year", "2027", "--out", tmp_path / "b")  # a CE year is understood
    assert (tmp_path / "b" / "ITA2570_แผน_blank.xlsx").exists()
    res = invoke("new", "--year", "ปีหน้า", "--out", tmp_path / "c")
    assert res.exit_code == 2 and "ปีงบประมาณ" in res.output


def test_usage_errors_are_framed_in_thai(tmp_path):
    res = invoke("validate")
    assert res.exit_code == 2 and "ใช้คำสั่งไม่ถูกต้อง" in res.output
    assert "validate --help" in res.output
    res = invoke("validate", "--bogus", "x", "--lang", "en")
    assert res.exit_code == 2 and res.output.startswith("Usage error")
    assert invoke("--help").exit_code == 0


def test_own_template_file(tmp_path):
    """--template: a district's own copy of the template drives the workbook and the checks."""
    from ita_xlsx.spec.template import load_template

    text = open(load_template().source_file, encoding="utf-8").read()
    own = tmp_path / "mine.toml"
    own.write_text(text.replace('label = "ผู้รับผิดชอบ"', 'label = "หน่วยที่รับผิดชอบ"'),
                   encoding="utf-8")
    res = invoke("new", "--year", "2570", "--template", own, "--out", tmp_path / "o")
    assert res.exit_code == 0, res.output
    (path,) = (tmp_path / "o").glob("*.xlsx")
    assert openpyxl.load_workbook(path)["มาตรการ"]["G4"].value == "หน่วยที่รับผิดชอบ *"
    res = invoke("validate", path, "--template", own, "--format", "json")
    assert "column-missing" not in res.output
    bad = tmp_path / "bad.toml"
    bad.write_text(text.replace('name = "มาตรการ"', 'name = "มาตรการ:ใหม่"'), encoding="utf-8")
    res = invoke("new", "--template", bad, "--out", tmp_path / "p")
    assert res.exit_code == 2 and "แบบฟอร์ม" in res.output


def test_many_workbooks_written_on_threads_are_listed_in_order_and_whole(tmp_path):
    """`new` writes on a few threads while it stamps the next workbook: every workbook is
    listed in the list's order (written or refused), and each holds its own organisation."""
    from ita_xlsx.core.records import Org
    from ita_xlsx.make.generate import generate
    from ita_xlsx.make.render import RenderOptions

    orgs = [Org(code=f"65601{i:02d}", name=f"อบต.ที่ {i}") for i in range(60)]
    out = tmp_path / "out"
    out.mkdir()
    first = generate(load_template(), orgs[::7], RenderOptions(fiscal_year=2570), out)
    again = generate(load_template(), orgs, RenderOptions(fiscal_year=2570), out)
    assert [p.name[:7] for p in first.written] == [o.code for o in orgs[::7]]
    assert [p.name[:7] for p in again.refused] == [o.code for o in orgs[::7]]
    assert [p.name[:7] for p in again.written] == [o.code for o in orgs if o not in orgs[::7]]
    for path in again.written:
        book = CalamineWorkbook.from_path(str(path))
        assert book.get_sheet_by_name("ข้อมูลหน่วยงาน").to_python()[3][2] == path.name[:7]
    assert not [p for p in out.iterdir() if not p.name.endswith(".xlsx")]  # no temporary file
