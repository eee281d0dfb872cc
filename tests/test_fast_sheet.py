"""The fast row writer (XlsxWriter private members, in one guarded module) writes the same
sheet XML as XlsxWriter's public path, and runs only on the versions pyproject.toml allows."""

from __future__ import annotations

import re
import tomllib
import zipfile
from pathlib import Path

import xlsxwriter

from ita_xlsx.make import fast_sheet
from ita_xlsx.make.fast_sheet import FastSheet

ROOT = Path(__file__).resolve().parents[1]
ROWS = [
    [(0, "6560101", None), (1, "เทศบาลตำบล & <ห้วยวน>", "text"), (2, 85.5, "num"),
     (3, "https://www.example.go.th/ita/m01", "link")],
    [(0, " leading and trailing ", None), (1, "bell\x07and _x0041_ literal", "text"),
     (2, 3, "num"), (4, "x" * 40000, "text")],
    [(2, -0.000123456789, None), (5, "ตลอดปีงบประมาณ", "text"), (30, "AE", "text"),
     (16383, "XFD", None)],
]


class _Public(FastSheet):
    fast = False


def _sheet_xml(tmp_path: Path, cls) -> str:
    path = tmp_path / f"{cls.__name__}.xlsx"
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_urls": False})
    formats = {"text": wb.add_format({"font_name": "TH Sarabun New"}),
               "num": wb.add_format({"num_format": "0.00"}),
               "link": wb.add_format({"font_color": "blue", "underline": 1})}
    ws = wb.add_worksheet("data", worksheet_class=cls)
    ws.write_string(0, 0, "heading")  # a row written the usual way first
    for r, cells in enumerate(ROWS, start=1):
        ws.append_row(r, [(c, v, formats.get(f)) for c, v, f in cells],
                      [(c, v) for c, v, f in cells if f == "link"])
    wb.close()
    with zipfile.ZipFile(path) as zf:
        return zf.read("xl/worksheets/sheet1.xml").decode("utf-8")


def test_fast_rows_write_the_public_paths_xml(tmp_path):
    assert FastSheet.fast  # the installed XlsxWriter is one the fast path was checked against
    fast, public = _sheet_xml(tmp_path, FastSheet), _sheet_xml(tmp_path, _Public)
    assert fast == public
    assert '<c r="B2" s="1" t="inlineStr"><is><t>เทศบาลตำบล &amp; &lt;ห้วยวน&gt;</t></is></c>' in fast
    assert "<hyperlink " in fast and len(re.findall(r"<row ", fast)) == 4


def test_pyproject_bound_is_the_tested_range():
    spec = next(d for d in tomllib.loads((ROOT / "pyproject.toml").read_text())["project"][
        "dependencies"] if d.startswith("xlsxwriter"))
    low, high = (tuple(int(x) for x in v.split(".")) for v in
                 re.fullmatch(r"xlsxwriter>=([\d.]+),<([\d.]+)", spec).groups())
    assert (low, high) == fast_sheet.TESTED
    assert fast_sheet.version_tested(xlsxwriter.__version__)
    assert not fast_sheet.version_tested("3.4.0") and not fast_sheet.version_tested("3.1.9")
