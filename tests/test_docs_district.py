"""`ita-xlsx docs --district`: the memo's figures equal the consolidated report's, read back
from the report with openpyxl (independently of the code that wrote the memo)."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from test_docs import body_texts, make_return

import ita_xlsx
from ita_xlsx.cli.main import main
from ita_xlsx.make.render import Org
from ita_xlsx.thai import to_thai_digits

ORGS = [
    Org(code="6560101", name="เทศบาลตำบลห้วยวน", type="เทศบาลตำบล", district="เชียงคำ", province="พะเยา"),
    Org(code="6560102", name="เทศบาลตำบลเวียง", type="เทศบาลตำบล", district="เชียงคำ", province="พะเยา"),
    Org(code="6560104", name="องค์การบริหารส่วนตำบลอ่างทอง", type="องค์การบริหารส่วนตำบล", district="เชียงคำ", province="พะเยา"),
    Org(code="6560109", name="องค์การบริหารส่วนตำบลเชียงบาน", type="องค์การบริหารส่วนตำบล", district="เชียงคำ", province="พะเยา"),
]
SETTINGS = """[round]
fiscal_year = 2570
round = "6"

[district]
name = "อำเภอเชียงคำ"
office = "ที่ทำการท้องถิ่นอำเภอเชียงคำ"
document_prefix = "พย 0023.12"
signer_name = "นายสมชาย ใจดี"
signer_position = "ท้องถิ่นอำเภอเชียงคำ"
addressee = "ท้องถิ่นจังหวัดพะเยา"
"""


@pytest.fixture(scope="module")
def district_round(tmp_path_factory):
    """A round folder: settings, an organisation list, three returns (one with errors), one
    organisation silent, and the consolidated report."""
    root = tmp_path_factory.mktemp("round")
    (root / "ita-settings.toml").write_text(SETTINGS, encoding="utf-8")
    lines = ["code,name,type,district,province,email"]
    lines += [f"{o.code},{o.name},{o.type},{o.district},{o.province}," for o in ORGS]
    (root / "orgs.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    returned = root / "returned"
    make_return(returned, 2570, "6", ORGS[0], seed=1)
    make_return(returned, 2570, "6", ORGS[1], seed=2, mistakes=("owner-missing",))
    make_return(returned, 2570, "6", ORGS[2], seed=3)
    result = ita_xlsx.consolidate([returned], orgs=root / "orgs.csv")
    report = root / "reports" / "district-report.xlsx"
    report.parent.mkdir()
    ita_xlsx.write_consolidated(result, report)
    return root, report


def read_back(report: Path) -> dict:
    """The report's own figures, found by its column headings."""
    wb = openpyxl.load_workbook(report, data_only=True)
    ws = wb["สรุป"]
    rows = list(ws.iter_rows(values_only=True))
    head = next(i for i, r in enumerate(rows) if r and r[0] == "รหัส")
    cols = {label: i for i, label in enumerate(rows[head]) if label}
    data = [r for r in rows[head + 1:] if r and r[0]]

    def col(label):
        return [r[cols[label]] for r in data]

    status = col("สถานะ")
    returned = [r for r in data if r[cols["สถานะ"]] != "ยังไม่ส่ง"]

    def total(label):
        return int(sum(r[cols[label]] or 0 for r in returned))

    scores = wb["ตัวชี้วัด"]
    means = []
    for r in scores.iter_rows(min_row=5, max_row=14, values_only=True):
        if isinstance(r[2], int | float):
            means.append((r[0], r[2]))
    return {
        "orgs": len(data), "returned": len(returned),
        "valid": sum(s in ("ผ่าน", "ผ่าน (มีข้อเตือน)") for s in status),
        "invalid": sum(s in ("ต้องแก้ไข", "เปิดไม่ได้") for s in status),
        "missing": [r[cols["หน่วยงาน"]] for r in data if r[cols["สถานะ"]] == "ยังไม่ส่ง"],
        "levels": sorted(str(r[cols["ระดับผลการประเมิน"]]) for r in returned
                         if r[cols["ระดับผลการประเมิน"]]),
        "measures": total("จำนวนมาตรการ"), "done": total("ผลแล้วเสร็จ"),
        "in_progress": total("ระหว่างดำเนินการ"), "not_started": total("ยังไม่ดำเนินการ"),
        "evidence": total("ผลที่มีหลักฐาน"),
        "weakest": sorted(means, key=lambda x: x[1])[:3],
    }


def test_district_memo_figures_equal_the_reports(district_round, tmp_path):
    root, report = district_round
    memo = ita_xlsx.make_district_memo(report, tmp_path / "out", arabic_digits=True)
    f, want = memo.figures, read_back(report)
    assert memo.settings_file == str(root / "ita-settings.toml")  # found in the round folder
    assert (f.fiscal_year, f.round) == (2570, "6")
    assert memo.path.name == "บันทึกข้อความ-อำเภอ-6-2570.docx"
    assert (f.orgs, f.returned, f.valid, f.invalid) == (
        want["orgs"], want["returned"], want["valid"], want["invalid"]) == (4, 3, 2, 1)
    assert f.missing == want["missing"] == ["องค์การบริหารส่วนตำบลเชียงบาน"]
    assert sorted(k for k, n in f.levels for _ in range(n)) == want["levels"]
    assert (f.measures, f.done, f.in_progress, f.not_started, f.with_evidence) == (
        want["measures"], want["done"], want["in_progress"], want["not_started"],
        want["evidence"])
    assert [(k, round(m, 2)) for k, m in f.weakest] == [(k, round(m, 2))
                                                         for k, m in want["weakest"]]
    # ... and the memo says exactly those numbers.
    flat = "\n".join(body_texts(memo.path))
    assert (f"มีหน่วยงานส่งแบบรายงานแล้ว {want['returned']} แห่ง ผ่าน {want['valid']} แห่ง "
            f"ต้องแก้ไข {want['invalid']} แห่ง และยังไม่ส่ง 1 แห่ง ได้แก่ "
            "องค์การบริหารส่วนตำบลเชียงบาน") in flat
    results = want["done"] + want["in_progress"] + want["not_started"]
    assert (f"หน่วยงานได้กำหนดมาตรการรวม {want['measures']} มาตรการ รายงานผลการดำเนินการ "
            f"{results} รายการ ดำเนินการแล้วเสร็จ {want['done']} รายการ") in flat
    assert f"ร้อยละ {want['evidence'] / results * 100:.1f}" in flat
    weak = [f"{label} (เฉลี่ย {mean:.2f} คะแนน)" for label, mean in want["weakest"]]
    assert f"{weak[0]}, {weak[1]} และ {weak[2]}" in flat
    assert "(district-report.xlsx)" in flat  # the consolidated workbook, named as attachment
    assert "รอบ 6 เดือน ประจำปีงบประมาณ พ.ศ. 2570" in flat
    for level in set(want["levels"]):
        assert f"{level} {want['levels'].count(level)} แห่ง" in flat
    # Header fields from ita-settings.toml [district].
    assert "ที่ทำการท้องถิ่นอำเภอเชียงคำ" in flat and "พย 0023.12/" in flat
    assert "ท้องถิ่นจังหวัดพะเยา" in flat and "(นายสมชาย ใจดี)" in flat


def test_district_memo_from_the_command_line(district_round, tmp_path):
    root, report = district_round
    other = tmp_path / "settings.toml"
    other.write_text(SETTINGS.replace("นายสมชาย ใจดี", "นางสาวมาลี ศรีสุข"), encoding="utf-8")
    res = CliRunner().invoke(main, ["docs", "--district", str(report), "--out",
                                    str(tmp_path / "d"), "--settings", str(other)])
    assert res.exit_code == 0, res.output
    memo = next((tmp_path / "d").glob("*.docx"))
    flat = "\n".join(body_texts(memo))
    assert "(นางสาวมาลี ศรีสุข)" in flat
    assert f"ยังไม่ส่ง {to_thai_digits('1')} แห่ง" in flat  # Thai digits by default
    res = CliRunner().invoke(main, ["docs", "--district", str(root / "orgs.csv"), "--out",
                                    str(tmp_path / "e")])
    assert res.exit_code == 2 and "ไม่ใช่รายงานรวม" in res.output
    assert "Traceback" not in res.output
