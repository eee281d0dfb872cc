"""The generated workbook, read back with openpyxl, python-calamine and LibreOffice."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import datetime

import openpyxl
import pytest
from python_calamine import CalamineWorkbook

from ita_xlsx.make.render import (
    LISTS_SHEET,
    META_SHEET,
    Org,
    Prefill,
    RenderOptions,
    footer_safe,
    render_workbook,
)
from ita_xlsx.make.stamp import Stamper, placeholder_org
from ita_xlsx.spec.template import FIXED_ROWS, bind, split_cell

SEED_000 = [92.11, 83.98, 87.24, 81.37, 86.50, 80.53, 85.15, 76.90, 38.90, 6.25]


def header_labels(ws, sheet) -> dict[str, str]:
    return {
        c.key: str(ws.cell(sheet.header_row, c.col_index + 1).value).rstrip(" *")
        for c in sheet.fields
    }


def test_sheets_and_visibility(workbook_path, template):
    wb = openpyxl.load_workbook(workbook_path)
    assert wb.sheetnames == [s.name for s in template.sheets] + [LISTS_SHEET, META_SHEET]
    assert wb[LISTS_SHEET].sheet_state == "hidden"
    assert wb[META_SHEET].sheet_state == "veryHidden"
    for s in template.sheets:
        assert wb[s.name].sheet_state == "visible"


def test_every_label_the_template_declares(workbook_path, template, bound):
    wb = openpyxl.load_workbook(workbook_path)
    for s in template.sheets:
        ws = wb[s.name]
        if s.kind == "table":
            assert header_labels(ws, s) == {c.key: c.label for c in s.fields}
            assert ws.freeze_panes == f"A{s.first_data_row}"
            assert ws.print_title_rows.replace("$", "") == f"{s.header_row}:{s.header_row}"
        elif s.kind == "form":
            for f in s.fields:
                row, _ = split_cell(f.cell)
                assert ws.cell(row, 2).value.rstrip(" *") == f.label
    analysis = template.sheet("analysis")
    ws = wb[analysis.name]
    labels = [ws.cell(analysis.first_data_row + i, 1).value for i in range(10)]
    assert labels == [i.label for i in bound.analysis_fw.indicators]


def test_identity_in_form_properties_and_very_hidden_sheet(workbook_path, sample_org):
    wb = openpyxl.load_workbook(workbook_path)
    org = wb["ข้อมูลหน่วยงาน"]
    assert org["C4"].value == sample_org.code
    assert org["C5"].value == sample_org.name
    assert org["C9"].value == "2570"
    props = {p.name: p.value for p in wb.custom_doc_props.props}
    assert props["ita_template_id"] == "ita-measures"
    assert props["ita_template_version"] == "3"
    assert props["ita_org_code"] == sample_org.code
    assert props["ita_org_name"] == sample_org.name
    assert props["ita_fiscal_year"] == "2570"
    meta = {r[0]: r[1] for r in wb[META_SHEET].iter_rows(values_only=True)}
    assert meta["org_code"] == sample_org.code
    assert meta["template_version"] == "3"
    assert meta["round"] == "plan"


def test_dropdowns_and_input_messages(workbook_path, template, bound):
    wb = openpyxl.load_workbook(workbook_path)
    lists = wb[LISTS_SHEET]
    for s in template.sheets:
        if s.kind != "table" or s.rows in FIXED_ROWS:  # fixed rows: their own tests
            continue
        ws = wb[s.name]
        rules = {str(dv.sqref).split(":")[0]: dv for dv in ws.data_validations.dataValidation}
        for c in s.fields:
            dv = rules.get(f"{c.column}{s.first_data_row}")
            if c.choices:
                assert dv is not None and dv.type == "list", c.key
                # the list points at the hidden sheet, holding exactly the choice labels
                col = dv.formula1.split("!")[1].split(":")[0].replace("$", "")[0]
                values = [r[0] for r in lists[f"{col}2:{col}200"] if r[0].value is not None]
                assert [v.value for v in values] == [i.label for i in bound.choice_items(c.choices)]
                assert str(dv.sqref).endswith(str(s.first_data_row + s.validation_rows - 1))
            if c.hint:
                assert dv.prompt == c.hint and dv.promptTitle == (c.hint_title or c.label)
                assert dv.showInputMessage
    # results.measure_id offers the measure ids of the measures sheet
    results = wb["ผลการดำเนินการ"]
    dv = next(d for d in results.data_validations.dataValidation if str(d.sqref).startswith("A5"))
    assert dv.formula1 == "'มาตรการ'!$A$5:$A$1004"


def test_protection_fonts_and_print_setup(workbook_path, template):
    wb = openpyxl.load_workbook(workbook_path)
    ws = wb["มาตรการ"]
    assert ws.protection.sheet is True
    assert ws.protection.password is None
    assert ws.protection.insertRows is False  # inserting rows is allowed
    assert ws["E4"].protection.locked is True  # header
    assert ws["E5"].protection.locked is False  # input
    assert ws["A5"].value == "M01"
    assert wb["ข้อมูลหน่วยงาน"]["C4"].protection.locked is True
    assert wb["ข้อมูลหน่วยงาน"]["C11"].protection.locked is False
    assert ws["E5"].font.name == "TH Sarabun New" and ws["E5"].font.sz == 16
    assert ws.page_setup.orientation == "landscape"
    assert ws.page_setup.paperSize == 9
    # Fitted to as few pages wide as keep the print at >= 70 % (the wide measures sheet: 2,
    # with its first columns repeated); fitToWidth 1 is the format's default, left out.
    assert ws.page_setup.fitToWidth in (None, 1, 2) and ws.page_setup.fitToHeight == 0
    assert ws.print_title_cols == "$A:$B"
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert "6560101" in ws.oddFooter.left.text
    assert "&P" in ws.oddFooter.center.text or "หน้า" in ws.oddFooter.center.text


def test_analysis_formulas_carry_computed_values(tmp_path, template, sample_org):
    bound = bind(template, 2565, "plan")  # analyses ITA 2564: letter levels
    prefill = Prefill(analysis={i + 1: {"score": s} for i, s in enumerate(SEED_000)})
    opts = RenderOptions(fiscal_year=2565, generated_at=datetime(2026, 1, 1))
    path = tmp_path / "a.xlsx"
    path.write_bytes(render_workbook(bound, sample_org, opts, prefill))
    cells = bound.summary_cells(template.sheet("analysis"))
    wb = openpyxl.load_workbook(path)
    ws = wb["วิเคราะห์ผล ITA"]
    assert ws[cells["total"]].value.startswith("=IF(COUNT(")
    assert "0.4*" in ws[cells["total"]].value
    cached = openpyxl.load_workbook(path, data_only=True)["วิเคราะห์ผล ITA"]
    assert cached[cells["total"]].value == pytest.approx(59.16)
    assert cached[cells["level"]].value == "D"
    assert cached[cells["tool_mean:OIT"]].value == pytest.approx(22.575)


def test_blank_workbook_has_blank_cached_results(workbook_path, template, bound):
    cells = bound.summary_cells(template.sheet("analysis"))
    ws = openpyxl.load_workbook(workbook_path, data_only=True)["วิเคราะห์ผล ITA"]
    assert ws[cells["total"]].value in (None, "")


def test_calamine_reads_every_sheet(workbook_path, template):
    wb = CalamineWorkbook.from_path(str(workbook_path))
    assert [s.name for s in template.sheets] == wb.sheet_names[: len(template.sheets)]
    rows = wb.get_sheet_by_name("มาตรการ").to_python(skip_empty_area=False)
    sheet = template.sheet("measures")
    header = [str(v).rstrip(" *") for v in rows[sheet.header_row - 1]]
    assert header[: len(sheet.fields)] == [c.label for c in sheet.fields]
    visibility = {s.name: str(s.visible) for s in wb.sheets_metadata}
    assert "VeryHidden" in visibility[META_SHEET]


def _all_values(data: bytes) -> dict[str, list]:
    wb = CalamineWorkbook.from_filelike(io.BytesIO(data))
    return {n: wb.get_sheet_by_name(n).to_python(skip_empty_area=False) for n in wb.sheet_names}


def test_stamped_workbook_equals_a_direct_rendering(bound, options):
    org = Org(code="6560199", name='อบต.ทดสอบ & "หน่วย" <ใหม่>', type="องค์การบริหารส่วนตำบล",
              district="เชียงคำ",
              province="พะเยา", email="a@b.go.th")
    direct = render_workbook(bound, org, options)
    placeholder = placeholder_org(bound.units)
    stamped = Stamper(render_workbook(bound, placeholder, options)).stamp(
        {"org_code": org.code, "org_name": org.name, "org_type": org.type,
         "district": org.district, "province": org.province, "email": org.email}
    )
    assert _all_values(stamped) == _all_values(direct)
    with zipfile.ZipFile(io.BytesIO(stamped)) as zf:
        assert zf.testzip() is None
        custom = zf.read("docProps/custom.xml").decode()
    assert "&amp; &quot;หน่วย&quot; &lt;ใหม่&gt;" in custom or "&amp; \"หน่วย\" &lt;ใหม่&gt;" in custom
    wb = openpyxl.load_workbook(io.BytesIO(stamped))
    assert wb.custom_doc_props["ita_org_name"].value == org.name
    assert footer_safe(org.name) in wb["มาตรการ"].oddFooter.left.text


@pytest.mark.libreoffice
def test_libreoffice_converts_and_identity_survives(soffice, workbook_path, tmp_path, sample_org):
    pdf = soffice(workbook_path, "pdf", tmp_path / "pdf")
    assert pdf.stat().st_size > 1000
    for fmt in ("ods", "xls"):
        converted = soffice(workbook_path, fmt, tmp_path / fmt)
        wb = CalamineWorkbook.from_path(str(converted))
        assert META_SHEET in wb.sheet_names
        meta = {r[0]: r[1] for r in wb.get_sheet_by_name(META_SHEET).to_python() if r}
        assert meta["org_code"] == sample_org.code
        assert meta["template_id"] == "ita-measures"
        org = wb.get_sheet_by_name("ข้อมูลหน่วยงาน").to_python(skip_empty_area=False)
        assert org[3][2] == sample_org.code


@pytest.mark.libreoffice
def test_libreoffice_shows_the_computed_total(soffice, tmp_path, template, sample_org):
    bound = bind(template, 2565, "plan")
    prefill = Prefill(analysis={i + 1: {"score": s} for i, s in enumerate(SEED_000)})
    path = tmp_path / "scores.xlsx"
    path.write_bytes(render_workbook(bound, sample_org, RenderOptions(fiscal_year=2565), prefill))
    sheet_no = [s.key for s in template.sheets].index("analysis") + 1
    out = soffice(path, f"csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,"
                        f"false,{sheet_no}", tmp_path / "csv")
    rows = list(csv.reader(out.read_text(encoding="utf-8").splitlines()))
    flat = [c for r in rows for c in r]
    assert "59.16" in flat
    assert "D" in flat


def test_stamped_parts_are_whole_deflate_streams_whatever_the_value(bound, options):
    """Each copy adds the values as stored blocks between blocks compressed once: every part
    must inflate to exactly the text a plain replacement gives, empty and huge values too."""
    placeholder = placeholder_org(bound.units)
    rendered = render_workbook(bound, placeholder, options)
    values = {"org_code": "", "org_name": "ก" * 70_000 + " & <x>", "org_type": "อบต.",
              "district": "", "province": "พะเยา", "email": "a@b.go.th"}
    stamped = Stamper(rendered).stamp(values)
    with zipfile.ZipFile(io.BytesIO(stamped)) as zf, \
            zipfile.ZipFile(io.BytesIO(rendered)) as plain:
        assert zf.testzip() is None  # CRCs and sizes agree with the inflated data
        text = zf.read("xl/sharedStrings.xml").decode()
        assert "ก" * 70_000 + " &amp; &lt;x&gt;" in text
        assert "@@ITA" not in text
        assert zf.namelist() == plain.namelist()
