"""Numbers no score can be (huge, NaN, infinite, negative zero, 1e309), typed as text, written
by openpyxl as numbers, and stored in the XML as numbers: one score-invalid finding each, and
every writer (the report workbook, CSV, JSON, feedback copies, documents) still finishes."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from hostile import edit_zip, good_return

import ita_xlsx
from ita_xlsx.cli.main import main

SHEET = "วิเคราะห์ผล ITA"
# (how it gets into the file, the value); C5 is indicator 1's score
CASES = [
    ("typed", "1E+27"), ("typed", "NaN"), ("typed", "inf"), ("typed", "1e309"),
    ("typed", "-0"), ("typed", "1" + "0" * 400),
    ("openpyxl", 1e27), ("openpyxl", float("nan")), ("openpyxl", float("inf")),
    ("openpyxl", -0.0),
    ("xml", "NaN"), ("xml", "INF"), ("xml", "-INF"), ("xml", "1e309"), ("xml", "-0"),
    ("xml", "1E+27"),
]


def _strict_json(text: str):
    def refuse(name):
        raise AssertionError(f"not JSON: {name}")
    return json.loads(text, parse_constant=refuse)


@pytest.fixture(scope="module")
def returns(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("scores")
    src = d / "src"
    inbox = d / "returned"
    inbox.mkdir()
    for i, (how, value) in enumerate(CASES):
        code = f"65602{i:02d}"
        made = good_return(src, f"{code}.xlsx", seed=i + 1)
        # the code is stamped from the seed: give every case its own organisation
        wb = openpyxl.load_workbook(made)
        wb["ข้อมูลหน่วยงาน"]["C4"] = code
        for prop in wb.custom_doc_props.props:
            if prop.name == "ita_org_code":
                prop.value = code
        for row in wb["_ita_meta"].iter_rows():
            if row[0].value == "org_code":
                row[1].value = code
        if how != "xml":
            wb[SHEET]["C5"] = value
        wb.save(inbox / f"{code}.xlsx")
        if how == "xml":
            sheet = f"xl/worksheets/sheet{wb.sheetnames.index(SHEET) + 1}.xml"

            def edit(name: str, data: bytes, v=value, sheet=sheet) -> bytes:
                if name != sheet:
                    return data
                return re.sub(rb'<c r="C5"([^>]*)>.*?</c>',
                              b'<c r="C5" t="n"><v>' + v.encode() + b"</v></c>", data, count=1)

            (inbox / f"{code}.xlsx").rename(src / "xml.xlsx")
            edit_zip(src / "xml.xlsx", inbox / f"{code}.xlsx", edit)
    return inbox


def test_one_score_invalid_per_file_and_nothing_else(returns, template):
    report = ita_xlsx.validate([returns], template=template, workers=1)
    assert len(report.files) == len(CASES)
    for rep in report.files:
        found = [(f.code, f.cell) for f in rep.findings]
        assert found == [("score-invalid", "C5")], (rep.path, found)
        assert rep.returned.readable
    shown = {f.findings[0].message("en").split('"')[3] for f in report.files}
    assert {"1E+27", "NaN", "inf", "1e309", "-0", "INF", "-INF"} <= shown


def test_every_writer_copes(returns, tmp_path):
    runner = CliRunner()
    out = tmp_path / "out"
    for fmt in ("xlsx", "csv", "json"):
        r = runner.invoke(main, ["validate", str(returns), "--workers", "1",
                                 "--report", str(out / f"check.{fmt}")])
        assert r.exit_code == 1, r.output  # the files have errors; the run finished
        assert "Unexpected" not in r.output and "ไม่คาดคิด" not in r.output
    _strict_json((out / "check.json").read_text(encoding="utf-8"))
    openpyxl.load_workbook(out / "check.xlsx")
    with open(out / "check.csv", encoding="utf-8-sig") as fh:
        assert len(list(csv.reader(fh))) == len(CASES) + 1
    r = runner.invoke(main, ["validate", str(returns), "--workers", "1", "--format", "json"])
    _strict_json(r.stdout)
    r = runner.invoke(main, ["validate", str(returns), "--workers", "1", "--feedback",
                             str(out / "feedback")])
    assert len(list((out / "feedback").glob("*.xlsx"))) == len(CASES), r.output
    r = runner.invoke(main, ["merge", str(returns), "-o", str(out / "report.xlsx"), "--csv",
                             str(out / "csv"), "--workers", "1"])
    assert r.exit_code == 0, r.output
    wb = openpyxl.load_workbook(out / "report.xlsx")
    grid = [v for row in wb.worksheets[1].iter_rows(values_only=True) for v in row
            if isinstance(v, float)]
    assert grid and all(0 <= v <= 100 for v in grid)  # no impossible score in the grid
    with open(out / "csv" / "summary.csv", encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == len(CASES) and all(not r["ita_score"] for r in rows)
    # a province merging this report reads it back
    again = ita_xlsx.consolidate([out / "report.xlsx"], workers=1)
    assert len(again.entries) == len(CASES)
    r = runner.invoke(main, ["docs", str(returns), "--out", str(out / "docs"), "--force"])
    assert r.exit_code == 0, r.output
    assert list((out / "docs").glob("*.docx"))
