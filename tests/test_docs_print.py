"""The consolidated report on paper: A4 at a readable scale, rows tall enough for Thai, dates
as dd/mm/BBBB, Thai names for rounds and severities, a totals block, integer count axes,
every indicator labelled, scores from 0; and the report still reads back the same."""

from __future__ import annotations

import re
import zipfile

import openpyxl
import pytest
from test_docs_district import district_round  # noqa: F401 - the fixture, shared
from test_docs_render import ISO_DATE, pages, pdf_text

import ita_xlsx
from ita_xlsx.consolidation.merge import load_report
from ita_xlsx.spec.report_layout import sheet_names
from ita_xlsx.spec.template import load_template


def _sheets_xml(path):
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n).decode("utf-8") for n in z.namelist()
                if n.startswith(("xl/worksheets/sheet", "xl/charts/chart"))}


def test_summary_has_totals_thai_rounds_and_be_dates(district_round):  # noqa: F811
    _root, report = district_round
    wb = openpyxl.load_workbook(report)
    ws = wb["สรุป"]
    block = {ws.cell(r, 1).value: ws.cell(r, 3).value for r in range(4, 8)}
    assert block["ส่งแล้ว"] == "3 จาก 4 หน่วยงาน"
    assert block["ผ่าน"].startswith("2 แห่ง") and "ยังไม่ส่ง 1" in block["ผ่าน"]
    head = next(r for r in range(1, 20) if ws.cell(r, 1).value == "รหัส")
    cols = {ws.cell(head, c).value: c for c in range(1, 30) if ws.cell(head, c).value}
    first = ws.cell(head + 1, cols["รอบ"]).value, ws.cell(head + 1, cols["วันที่รายงาน"]).value
    assert first == ("รอบ 6 เดือน", "15/04/2570")  # the vocabulary's round
    # Thai needs about 1.7 x the font size: every printed row is at least that tall.
    for r in range(head + 1, head + 5):
        assert ws.row_dimensions[r].height >= 14 * 1.6
    assert ws.print_area and ws.print_area.endswith(f"${ws.max_row}")
    findings = wb["ข้อค้นพบ"]
    severities = {findings.cell(r, 4).value for r in range(5, findings.max_row + 1)} - {None}
    assert severities and severities <= {"ข้อผิดพลาด", "ข้อเตือน", "ข้อสังเกต"}


def test_every_sheet_prints_on_a4_at_a_readable_scale(district_round):  # noqa: F811
    _root, report = district_round
    for name, xml in _sheets_xml(report).items():
        if not name.startswith("xl/worksheets/") or "paperSize" not in xml:
            continue
        setup = re.search(r"<pageSetup[^>]*>", xml).group(0)
        assert 'paperSize="9"' in setup, name
        # Fitted to N pages wide, N chosen so that the scale stays >= 70 % (see
        # print_layout.setup_page); the estimate is checked there, the file here.
        assert re.search(r"<pageSetUpPr fitToPage=\"1\"", xml), name
        assert 'fitToHeight="0"' in setup, name


def test_chart_axes_are_integer_counts_and_scores_from_zero(district_round):  # noqa: F811
    _root, report = district_round
    charts = [x for n, x in _sheets_xml(report).items() if n.startswith("xl/charts/")]
    assert len(charts) == 3
    for xml in charts:
        assert '<c:tickLblSkip val="1"/>' in xml  # every indicator / organisation labelled
        val_ax = xml[xml.index("<c:valAx>"):]
        assert '<c:min val="0"/>' in val_ax
        unit = re.search(r'<c:majorUnit val="([\d.]+)"/>', val_ax)
        assert unit and float(unit.group(1)).is_integer()
    scores = next(x for x in charts if "คะแนนเฉลี่ยรายตัวชี้วัด" in x)
    assert '<c:max val="100"/>' in scores


def test_english_labels_with_lang_en(district_round, tmp_path):  # noqa: F811
    root, _ = district_round
    result = ita_xlsx.consolidate([root / "returned"], orgs=root / "orgs.csv")
    out = ita_xlsx.write_consolidated(result, tmp_path / "en.xlsx", lang="en")
    wb = openpyxl.load_workbook(out)
    ws = wb["Summary"]
    assert ws["A4"].value == "Returned" and ws["C4"].value == "3 of 4 organisations"
    findings = wb["Findings"]
    assert {findings.cell(r, 4).value for r in range(5, findings.max_row + 1)} - {None} <= {
        "Error", "Warning", "Note"}


def test_report_still_reads_back_as_keys(district_round):  # noqa: F811
    root, report = district_round
    entries, _meta = load_report(report, load_template())
    direct = {e.org_code: e for e in ita_xlsx.consolidate(
        [root / "returned"], orgs=root / "orgs.csv").entries}
    entries = [e for e in entries if e.status != "missing"]
    assert entries
    for e in entries:
        assert e.recorded == direct[e.org_code].recorded  # ISO again, not 15/04/2570
        assert e.round == direct[e.org_code].round == "6"
        assert {f["severity"] for f in e.findings} <= {"error", "warning", "info"}
    # A province merging the district's report keeps the same figures.
    again = ita_xlsx.consolidate([report])
    assert sorted((e.org_code, e.total, e.recorded) for e in again.entries
                  if e.status != "missing") == sorted(
        (e.org_code, e.total, e.recorded) for e in entries)


@pytest.mark.libreoffice
def test_report_printed_through_libreoffice(district_round, soffice, tmp_path):  # noqa: F811
    _root, report = district_round
    pdf = soffice(report, "pdf", tmp_path / "pdf")
    text = pdf_text(pdf)
    assert "สรุปการส่งแบบรายงานมาตรการITA" in text and "ส่งแล้ว3จาก4หน่วยงาน" in text
    assert "15/04/2570" in text and not ISO_DATE.search(text)
    assert "plan" not in text.lower()
    assert not re.search(r"(?<![a-z-])(error|warning)(?![a-z-])", text.lower())
    for n, (w, h, px) in enumerate(pages(pdf), start=1):
        assert min(px) < 160, f"page {n} is blank"
        assert sorted((round(w / 40 * 2.54), round(h / 40 * 2.54))) == [21, 30]


def test_pass_labels_in_english_and_back(district_round, tmp_path):  # noqa: F811
    """ITA 2569 gives pass labels: an English report names them in English (summary, score
    grid, level chart), the Thai one in Thai, and an English report reads back to Thai."""
    from python_calamine import CalamineWorkbook

    root, thai = district_round
    fw = ita_xlsx.bind_template(load_template(), fiscal_year=2570, round="6").analysis_fw
    english_names = {r.label_en for r in fw.pass_labels}
    thai_names = {r.label for r in fw.pass_labels}
    assert all(english_names) and not english_names & thai_names
    result = ita_xlsx.consolidate([root / "returned"], orgs=root / "orgs.csv")
    levels = {e.level for e in result.entries if e.level}
    assert levels and levels <= thai_names
    en = tmp_path / "en.xlsx"
    ita_xlsx.write_consolidated(result, en, lang="en")
    names = sheet_names("en")
    cells = {str(c) for sheet in (names["summary"], names["scores"], names["charts"])
             for r in CalamineWorkbook.from_path(str(en)).get_sheet_by_name(sheet).to_python()
             for c in r}
    shown = {fw.result_text(lv, "en") for lv in levels}
    assert shown <= english_names and shown <= cells
    assert not thai_names & cells
    th_cells = {str(c) for r in CalamineWorkbook.from_path(str(thai)).get_sheet_by_name(
        "สรุป").to_python() for c in r}
    assert levels <= th_cells
    back, _meta = load_report(en, load_template())
    assert {e.level for e in back if e.level} == levels
