"""The template's rules as validation runs them (``rules.py``, plain Python, column by column)
against the same rules compiled to pandera (``schema.py``): the same failures for any rows.
And a one-file validate loads neither pandas nor pandera nor hypothesis."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ita_xlsx.spec.template import bind, load_template
from ita_xlsx.validators import rules
from ita_xlsx.validators.schema import compile_schema, frame_of, run_schema

TEMPLATE = load_template()
BOUND = {year: bind(TEMPLATE, year, "plan") for year in (2564, 2570)}
SHEETS = [s for s in TEMPLATE.data_sheets if s.key != "oit"]

# Values people put in cells: blanks, the choice values and their labels, numbers, scores
# typed as text, URLs, dates, e-mail addresses and timeframes, good and bad.
COMMON = [None, "", " ", 0, 1, 85, 84.99, 59.16, 100.5, -3, "85", "84,5", "92.11%", "abc",
          float("nan"), True, dt.datetime(2026, 10, 1), dt.date(2027, 3, 31),
          "https://www.huaywon.go.th/ita/o1", "www.example.go.th", "http://x", "ftp://a b",
          "saraban@huaywon.go.th", "not an email", "1/10/2569", "31/02/2570",
          "ต.ค. 2569 - ก.ย. 2570", "ตลอดปีงบประมาณ", "ม.ค.-มี.ค. 70", "ต.ค. 65 - ก.ย. 66",
          "ไตรมาส 2", "ภายในปี 2580", "เมษายน 2570"]


def _pool(bound, f) -> list:
    extra = []
    if f.choices:
        for c in bound.choice_items(f.choices):
            extra += [c.value, c.label]
    return COMMON + extra


@st.composite
def rows(draw, year: int, sheet_key: str):
    bound = BOUND[year]
    sheet = TEMPLATE.sheet(sheet_key)
    n = draw(st.integers(min_value=1, max_value=12))
    cols: rules.Columns = {f.key: [draw(st.sampled_from(_pool(bound, f))) for _ in range(n)]
                           for f in sheet.fields}
    cols[rules.FY_COLUMN] = [draw(st.sampled_from([None, 2569, 2570, year])) for _ in range(n)]
    return cols


@pytest.mark.parametrize("year", sorted(BOUND))
@pytest.mark.parametrize("sheet_key", [s.key for s in SHEETS])
@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_the_rules_fail_the_rows_pandera_fails(year, sheet_key, data):
    cols = data.draw(rows(year, sheet_key))
    bound, sheet = BOUND[year], TEMPLATE.sheet(sheet_key)
    fast = rules.run_rules(rules.compile_rules(bound, sheet), cols)
    reference = run_schema(compile_schema(bound, sheet), frame_of(sheet, cols))
    assert fast == reference


def test_every_rule_kind_is_exercised():
    """The comparison above covers each kind of rule the template declares."""
    codes = {r.code for year in BOUND for s in SHEETS
             for r in rules.compile_rules(BOUND[year], s)}
    assert {"required-missing", "choice-invalid", "score-invalid", "url-invalid",
            "timeframe-invalid", "timeframe-outside-year", "timeframe-read-as"} <= codes


def test_a_one_file_validate_loads_no_data_frame_library(tmp_path):
    """``validate one.xlsx`` starts fast: pandas, pandera and hypothesis stay unloaded."""
    from test_docs import make_return

    path, _, _ = make_return(tmp_path / "r", 2570, "6", seed=3)
    code = (
        "import sys, json\n"
        "from ita_xlsx.cli.main import main\n"
        "try:\n"
        f"    main([{'validate'!r}, {str(path)!r}], standalone_mode=False)\n"
        "finally:\n"
        "    print(json.dumps(sorted(m for m in ('pandas', 'pandera', 'hypothesis', 'numpy')"
        " if m in sys.modules)), file=sys.stderr)\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120)
    assert "ตรวจ 1 ไฟล์" in done.stdout, (done.stdout, done.stderr)
    assert json.loads(done.stderr.strip().splitlines()[-1]) == []
