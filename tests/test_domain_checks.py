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
