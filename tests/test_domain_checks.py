"""Issue 21 through `validate`: timeframes read with a note or refused with a suggestion,
OIT items against their indicator's group, and the suggested-measures catalogue."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import openpyxl
import pytest

import ita_xlsx
from ita_xlsx import Org

FY = 2570
ORG = Org(code="6560101", name="เทศบาลตำบลห้วยวน", type="เทศบาลตำบล", district="เชียงคำ",
          province="พะเยา")


@pytest.fixture(scope="module")
def filled(tmp_path_factory, template):
    d = tmp_path_factory.mktemp("domain")
    bound = ita_xlsx.bind_template(template, fiscal_year=FY, round="plan")
    blank = d / "blank.xlsx"
    blank.write_bytes(ita_xlsx.render_workbook(ORG, bound=bound,
                                               generated_at=datetime(2026, 11, 1)))
    ita_xlsx.simulate_return(blank, d / "good.xlsx", seed=1, round="plan", bound=bound)
    return d


def _edit(src: Path, dst: Path, sheet: str, cells: dict[str, object]) -> Path:
    wb = openpyxl.load_workbook(src)
    ws = wb[sheet]
    for ref, value in cells.items():
        ws[ref] = value
    wb.save(dst)
    return dst


def _findings(path: Path, template, code: str):
    report = ita_xlsx.validate([path], template=template, workers=1)
    return [f for f in report.files[0].findings if f.code == code]


def test_timeframes_read_with_a_note_or_refused_with_what_to_write(filled, template, tmp_path):
    path = _edit(filled / "good.xlsx", tmp_path / "tf.xlsx", "มาตรการ", {
        "H5": "ปี พ.ศ. 2570",
        "H6": "ตั้งแต่วันที่ 4 มกราคม 2570 ถึง วันที่ 28 กุมภาพันฑธ์ 2570",
        "H7": "แล้วเสร็จภายในสามสิบวันนับแต่วันที่ประกาศใช้งบประมาณรายจ่ายประจําปี",
    })
    notes = _findings(path, template, "timeframe-read-as")
    assert [(f.cell, f.severity) for f in notes] == [("H5", "info")]
    assert notes[0].message("th") == (
        'แผ่นงาน "มาตรการ" เซลล์ H5 (ระยะเวลาดำเนินการ): "ปี พ.ศ. 2570" อ่านเป็น '
        "ต.ค. 2569 - ก.ย. 2570 (ถือเป็นปีงบประมาณ 2570 ทั้งปี) ถ้าไม่ใช่ "
        "ให้เขียนเดือนเริ่มต้นและเดือนสิ้นสุดให้ชัด เช่น ต.ค. 2569 - ก.ย. 2570")
    refused = {f.cell: f for f in _findings(path, template, "timeframe-invalid")}
    assert set(refused) == {"H6", "H7"}
    misspelt = refused["H6"].message("th")
    assert "\"ตั้งแต่วันที่ 4 มกราคม 2570 ถึง วันที่ 28 กุมภาพันฑธ์ 2570\"" in misspelt
    assert "กุมภาพันฑธ์ → กุมภาพันธ์?" in misspelt
    assert 'เขียนเป็น "ต.ค. 2569 - ก.ย. 2570"' in misspelt  # the workbook's year
    assert "นับจากเหตุการณ์" in refused["H7"].message("th")
    assert "counts days from an event" in refused["H7"].message("en")
    # nothing the parser refused is reported as outside the year (it has no months at all)
    assert not _findings(path, template, "timeframe-outside-year")


# ---------------------------------------------------------------------------- OIT items

@pytest.fixture(scope="module")
def fy2565(tmp_path_factory, template):
    """The demo's content in a FY 2565 workbook, whose OIT list (the 2564 one) has O4
    แผนยุทธศาสตร์… and O23 สรุปผลการจัดซื้อจัดจ้าง… (a 9.3 procurement item)."""
    d = tmp_path_factory.mktemp("fy2565")
    bound = ita_xlsx.bind_template(template, fiscal_year=2565, round="plan")
    blank = d / "blank.xlsx"
    blank.write_bytes(ita_xlsx.render_workbook(ORG, bound=bound,
                                               generated_at=datetime(2021, 11, 1)))
    ita_xlsx.simulate_return(blank, d / "good.xlsx", seed=1, round="plan", bound=bound)
    return d, bound


def _measure_rows(path: Path) -> dict[str, int]:
    ws = openpyxl.load_workbook(path)["มาตรการ"]
    return {ws.cell(r, 5).value: r for r in range(5, 45) if ws.cell(r, 5).value}


def test_oit_items_against_their_indicator_group(fy2565, template, tmp_path):
    d, bound = fy2565
    fw = bound.target_fw
    label = {o.code: o.label for o in fw.oit_items}
    base = d / "good.xlsx"
    rows = _measure_rows(base)
    news = rows.get("เผยแพร่ข่าวประชาสัมพันธ์ภายใน 7 วันหลังเสร็จภารกิจ") or 5
    plan = rows.get("จัดทำแผนปฏิบัติการป้องกันการทุจริต") or 6
    # the demo's two mistakes, written as an officer picks them from the dropdown
    path = _edit(base, tmp_path / "oit.xlsx", "มาตรการ", {
        f"B{news}": "OIT", f"C{news}": "9. การเปิดเผยข้อมูล", f"D{news}": label["O4"],
        f"E{news}": "เผยแพร่ข่าวประชาสัมพันธ์ภายใน 7 วันหลังเสร็จภารกิจ",
        f"B{plan}": "OIT", f"C{plan}": "10. การป้องกันการทุจริต", f"D{plan}": label["O23"],
        f"E{plan}": "จัดทำแผนปฏิบัติการป้องกันการทุจริต",
    })
    group = _findings(path, template, "oit-item-group")
    assert [(f.cell, f.severity) for f in group] == [(f"D{plan}", "info")]  # 2565: unconfirmed
    th = group[0].message("th")
    assert f'ข้อ "{label["O23"]}" อยู่ในกลุ่ม 9.3 การบริหารเงินงบประมาณ' in th
    assert "ของตัวชี้วัดที่ 9 ไม่ใช่ตัวชี้วัดของมาตรการนี้ (10. การป้องกันการทุจริต)" in th
    assert "9.3 Budget management" in group[0].message("en")
    named = {f.cell: f for f in _findings(path, template, "oit-item-named")}
    assert set(named) == {f"D{news}", f"D{plan}"}
    assert 'กล่าวถึง "ข่าวประชาสัมพันธ์" ซึ่งคือข้อ O7 ข่าวประชาสัมพันธ์' in named[f"D{news}"].message("th")
    assert "O39 แผนปฏิบัติการป้องกันการทุจริต" in named[f"D{plan}"].message("th")
    # corrected as the messages say: no finding left
    fixed = _edit(path, tmp_path / "fixed.xlsx", "มาตรการ", {
        f"D{news}": label["O7"], f"D{plan}": label["O39"]})
    assert not _findings(fixed, template, "oit-item-group")
    assert not _findings(fixed, template, "oit-item-named")


def test_confirmed_grouping_gives_a_warning(template, tmp_path):
    """FY 2564's list (confirmed grouping): the same mistake is a warning, not information."""
    bound = ita_xlsx.bind_template(template, fiscal_year=2564, round="plan")
    blank = tmp_path / "blank.xlsx"
    blank.write_bytes(ita_xlsx.render_workbook(ORG, bound=bound,
                                               generated_at=datetime(2020, 11, 1)))
    ita_xlsx.simulate_return(blank, tmp_path / "r.xlsx", seed=3, round="plan", bound=bound)
    o23 = next(o.label for o in bound.target_fw.oit_items if o.code == "O23")
    path = _edit(tmp_path / "r.xlsx", tmp_path / "r2.xlsx", "มาตรการ", {
        "B5": "OIT", "C5": "10. การป้องกันการทุจริต", "D5": o23, "E5": "ทบทวนมาตรการ"})
    group = _findings(path, template, "oit-item-group")
    assert [(f.cell, f.severity) for f in group] == [("D5", "warning")]
    assert "ยังไม่ยืนยัน" not in group[0].message("th")


def test_framework_data_group_every_item():
    from ita_xlsx.spec.framework import AVAILABLE_YEARS, load_framework

    for year in AVAILABLE_YEARS:
        fw = load_framework(year)
        for item in fw.oit_items:
            group = fw.oit_group_of(item.code)
            assert group is not None and group.indicator in (9, 10), (year, item.code)
            assert any(g.code == item.group for g in fw.oit_groups), (year, item.code)
        assert all(g.note for g in fw.oit_groups if g.unconfirmed), year


# ---------------------------------------------------------------------------- catalogue

def test_blank_workbook_offers_the_catalogue_without_forcing_it(filled, template):
    from ita_xlsx.spec.catalogue import load_catalogue

    wb = openpyxl.load_workbook(filled / "blank.xlsx")
    sheet = template.sheet("catalogue")
    ws = wb[sheet.name]
    catalogue = load_catalogue()
    heads = [ws.cell(sheet.header_row, c.col_index + 1).value for c in sheet.fields]
    assert heads == [c.label for c in sheet.fields]
    rows = [[ws.cell(r, c.col_index + 1).value for c in sheet.fields]
            for r in range(sheet.first_data_row, sheet.first_data_row + 60)]
    rows = [r for r in rows if any(r)]
    assert len(rows) == len(catalogue.suggestions) >= 30
    col = {c.key: i for i, c in enumerate(sheet.fields)}
    # every indicator has suggestions, each with its source, the OIT item of the year's list
    assert {r[col["indicator"]] for r in rows} == {
        i.label for i in ita_xlsx.bind_template(template, fiscal_year=FY).analysis_fw.indicators}
    assert all(r[col["source"]] and r[col["measure"]] for r in rows)
    items = {r[col["oit_item"]] for r in rows if r[col["oit_item"]]}
    assert "O4 ข่าวประชาสัมพันธ์" in items and "O23 แผนปฏิบัติการป้องกันการทุจริต" in items
    assert ws.protection.sheet  # read-only list
    # the measure column picks from it with a warning, never a stop: own text stays allowed
    measures = wb[template.sheet("measures").name]
    letter = template.sheet("measures").field("measure").column
    dv = next(v for v in measures.data_validations.dataValidation
              if str(v.sqref).startswith(f"{letter}5:"))
    first, last = sheet.first_data_row, sheet.first_data_row + len(rows) - 1
    assert dv.type == "list" and dv.errorStyle in ("warning", "information")
    assert dv.formula1 == f"'{sheet.name}'!$C${first}:$C${last}"


def test_weak_indicator_without_measure_gets_the_suggestion_in_the_feedback_copy(
        filled, template, tmp_path):
    bound = ita_xlsx.bind_template(template, fiscal_year=FY)
    analysis = template.sheet("analysis")
    row = analysis.first_data_row + 4  # indicator 5 การแก้ไขปัญหาการทุจริต
    score = f"{analysis.field('score').column}{row}"
    issue = f"{analysis.field('issue').column}{row}"
    path = _edit(filled / "good.xlsx", tmp_path / "weak.xlsx", analysis.name,
                 {score: 61.5, issue: "บุคลากรไม่ทราบช่องทางร้องเรียนการทุจริต"})
    report = ita_xlsx.validate([path], template=template, workers=1)
    uncovered = [f for f in report.files[0].findings if f.code == "indicator-uncovered"]
    assert [f.cell for f in uncovered] == [score]
    first = bound.suggestions(5)[0].measure
    assert f"ตัวอย่างมาตรการ: {first}" in uncovered[0].message("th")
    out = tmp_path / "feedback"
    result = ita_xlsx.write_feedback(report, out)
    copy = openpyxl.load_workbook(result.written[0])
    comment = copy[analysis.name][score].comment
    assert comment is not None and f"ตัวอย่างมาตรการ: {first}" in comment.text
    cover = copy.worksheets[0]
    listed = [cover.cell(r, 5).value or "" for r in range(6, cover.max_row + 1)]
    assert any(f"ตัวอย่างมาตรการ: {first}" in text for text in listed)
    assert copy["ตัวอย่างมาตรการ"].max_row >= 30  # the copy offers the catalogue too


def test_a_province_replaces_the_catalogue(filled, template, tmp_path, monkeypatch):
    own = tmp_path / "province.toml"
    own.write_text('title = "มาตรการแนะนำของจังหวัด"\n\n[[sources]]\nkey = "p"\n'
                   'name = "ท้องถิ่นจังหวัดพะเยา"\n\n[[measures]]\nindicator = 5\n'
                   'measure = "จัดเวทีประชาคมเรื่องการป้องกันการทุจริตทุกไตรมาส"\n'
                   'unit = "สำนักปลัด"\nsource = "p"\n', encoding="utf-8")
    monkeypatch.setenv("ITA_XLSX_CATALOGUE", str(own))
    bound = ita_xlsx.bind_template(template, fiscal_year=FY)
    assert [s.measure for s in bound.suggestions()] == [
        "จัดเวทีประชาคมเรื่องการป้องกันการทุจริตทุกไตรมาส"]
    blank = tmp_path / "blank.xlsx"
    blank.write_bytes(ita_xlsx.render_workbook(ORG, bound=bound,
                                               generated_at=datetime(2026, 11, 1)))
    ws = openpyxl.load_workbook(blank)["ตัวอย่างมาตรการ"]
    assert ws["C5"].value == "จัดเวทีประชาคมเรื่องการป้องกันการทุจริตทุกไตรมาส"
    assert ws["E5"].value == "ท้องถิ่นจังหวัดพะเยา" and ws["C6"].value is None
    own.write_text("[[measures]]\nindicator = 5\nmeasure = 'x'\nsource = 'missing'\n",
                   encoding="utf-8")
    with pytest.raises(ita_xlsx.ItaError) as err:
        ita_xlsx.bind_template(template, fiscal_year=FY)
    assert "missing" in err.value.text("en") and "ตัวอย่างมาตรการ" in err.value.text("th")


def test_catalogue_sheet_is_optional_but_keeps_its_roles(template):
    import tomllib

    from ita_xlsx.spec.template import lint_problems, parse_template

    with open(template.source_file, "rb") as fh:
        data = tomllib.load(fh)
    without = {**data, "sheets": [s for s in data["sheets"] if s.get("kind") != "catalogue"]}
    for s in without["sheets"]:  # nothing may point at the sheet that was taken out
        for c in s.get("columns", []):
            if c.get("references", "").startswith("catalogue."):
                del c["references"]
    assert not lint_problems(parse_template(without))
    broken = {**data, "sheets": [dict(s) for s in data["sheets"]]}
    cat = next(s for s in broken["sheets"] if s.get("kind") == "catalogue")
    cat["columns"] = [{**c, "role": ""} if c.get("role") == "measure" else c
                      for c in cat["columns"]]
    with pytest.raises(ita_xlsx.ItaError) as err:
        parse_template(broken)
    assert "role = 'measure'" in err.value.text("en")
