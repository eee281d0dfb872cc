"""Whatever people type into whatever cell: validate, feedback and merge never fail.

A returned workbook is filled, then random input cells are overwritten with the odd values
real returns hold (huge text, formulas typed as text, dates in the Buddhist-Era year, control
characters, numbers where text belongs, ...). Every step must finish, every message must
render, and XlsxWriter must not warn (a warning means something was silently dropped).
"""

from __future__ import annotations

import datetime as dt
import random
import warnings
from pathlib import Path

import openpyxl
import pytest

import ita_xlsx
from ita_xlsx import Org

ODD_VALUES = [
    None, "", " ", "\u200b", "=1+1", "@SUM(A1)", "-", "๑๒๓", 1e308, -5, 0, 101, True, False,
    dt.datetime(2570, 1, 5), dt.date(1900, 1, 1), "ก" * 40_000, "ม.ค.", "ก.ย. 70 - ต.ค. 69",
    "http://", "https://ตัวอย่าง.ไทย/ก ข", "_x0041_", "<script>&amp;", "M01", "M01 ", "done",
    3.14159, "NaN", "None", "IIT", "O99", "\t=cmd", "line\nbreak",
]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_cell_values_never_break_anything(template, tmp_path, seed):
    bound = ita_xlsx.bind_template(template, fiscal_year=2570, round="6")
    blank = tmp_path / "blank.xlsx"
    blank.write_bytes(ita_xlsx.render_workbook(Org(code="6560101", name="เทศบาลตำบลห้วยวน"),
                                               bound=bound))
    good = tmp_path / "good.xlsx"
    ita_xlsx.simulate_return(blank, good, seed=seed, round="6", bound=bound)
    rng = random.Random(seed)
    paths = []
    for i in range(12):
        wb = openpyxl.load_workbook(good)
        for _ in range(40):
            ws = wb[rng.choice(wb.sheetnames[1:5])]
            ws.cell(rng.randint(1, 50), rng.randint(1, 12)).value = rng.choice(ODD_VALUES)
        path = tmp_path / f"odd{i}.xlsx"
        wb.save(path)
        paths.append(path)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        report = ita_xlsx.validate(paths, template=template, workers=1)
        assert all(f.status in ("valid", "warnings", "invalid") for f in report.files)
        for f in report.files:
            for x in f.findings:
                # Built with every declared parameter (else building it fails), shown in
                # each language when asked.
                assert x.message("th") != x.message("en")
        # twelve files of one organisation: every copy builds, and by default only the file
        # that counts gets one
        feedback = ita_xlsx.write_feedback(report, tmp_path / "feedback", all_files=True)
        assert len(feedback.written) == sum(bool(f.findings) for f in report.files)
        counting = [f for f in report.files if f.decision.counts]
        assert len(counting) == 1
        only = ita_xlsx.write_feedback(report, tmp_path / "feedback-1")
        assert len(only.written) == int(bool(counting[0].findings))
        result = ita_xlsx.consolidate(paths, template=template)
        ita_xlsx.write_consolidated(result, tmp_path / "report.xlsx", template=template)
        ita_xlsx.write_consolidated_csv(result, tmp_path / "csv", template=template)
    assert Path(tmp_path / "report.xlsx").stat().st_size > 0
