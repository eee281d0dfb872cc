"""The template's rules compiled to pandera schemas: the reference the fast rules answer to.

``rules.py`` runs the rules at validation time, column by column in plain Python, so that
neither pandas nor pandera (nor the hypothesis package pandera reaches for) loads when a
command starts. The same declarations compile here to one pandera schema per data sheet, and
the tests hold both to the same failures over generated rows: a rule changed in one place and
not the other fails there.

Each check's ``error`` is ``"<finding code>|<column key>"`` so that failure cases map straight
back to catalogue entries. The frames are indexed as the columns' rows.
"""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa

from ita_xlsx.spec.template import Bound, Field, Sheet
from ita_xlsx.thai.values import (
    date_ok,
    email_ok,
    score_ok,
    score_value,
    timeframe,
    url_problem,
)
from ita_xlsx.validators.rules import FY_COLUMN, Columns, blank

SEP = "|"
def _condition(bound: Bound, f: Field):
    """A function df -> bool Series: rows where ``f`` is required by its condition."""
    c = f.required_when
    assert c is not None  # only called for a field that has a condition
    if c.below is not None:
        limit = bound.analysis_fw.pass_mark if c.below == "pass_mark" else float(c.below)
        numeric = f"{c.column}__num"
        return lambda df: df[numeric].notna() & (df[numeric] < limit)
    if c.equals is not None:
        return lambda df: df[c.column] == c.equals
    return lambda df: df[c.column].notna() & (df[c.column] != c.not_equals)


def _column_checks(bound: Bound, f: Field) -> list[pa.Check]:
    err = f"{SEP}{f.key}"
    checks = []
    if f.required and not f.required_when and not f.prefilled:
        checks.append(pa.Check(lambda s: s.notna(), ignore_na=False,
                               error="required-missing" + err))
    if f.choices and bound.template.choices[f.choices].strict:
        allowed = sorted({c.value for c in bound.choice_items(f.choices)})
        checks.append(pa.Check(lambda s, a=allowed: s.isna() | s.isin(a), ignore_na=False,
                               error="choice-invalid" + err))
    element = {"score": (score_ok, "score-invalid"), "url": (lambda v: url_problem(v) is None,
               "url-invalid"), "date": (date_ok, "date-invalid"),
               "email": (email_ok, "email-invalid")}
    if f.type in element:
        fn, code = element[f.type]
        checks.append(pa.Check(fn, element_wise=True, ignore_na=True, error=code + err))
    return checks


def _frame_checks(bound: Bound, sheet: Sheet) -> list[pa.Check]:
    checks = []
    for f in sheet.fields:
        err = f"{SEP}{f.key}"
        if f.required_when:
            cond = _condition(bound, f)
            checks.append(pa.Check(lambda df, k=f.key, c=cond: ~(c(df) & df[k].isna()),
                                   ignore_na=False, error="required-missing" + err))
        if f.type == "timeframe":
            checks.append(pa.Check(lambda df, k=f.key: _timeframes(df, k, False),
                                   ignore_na=False, error="timeframe-invalid" + err))
            checks.append(pa.Check(lambda df, k=f.key: _timeframes(df, k, True),
                                   ignore_na=False, error="timeframe-outside-year" + err))
            checks.append(pa.Check(lambda df, k=f.key: _timeframes(df, k, "notes"),
                                   ignore_na=False, error="timeframe-read-as" + err))
    return checks


def _timeframes(df: pd.DataFrame, key: str, year_check: bool | str) -> pd.Series:
    """Rows that pass: the timeframe is read (False), inside the year (True), or was read
    without a note to show ("notes")."""
    ok = []
    for value, fy in zip(df[key], df[FY_COLUMN], strict=True):
        fy = int(fy) if fy == fy else None  # NaN: year unknown
        if value is None:
            ok.append(True)
            continue
        tf = timeframe(value, fy)
        if year_check == "notes":
            ok.append(not (tf.ok and tf.notes))
        elif not year_check:
            ok.append(tf.ok)
        else:
            ok.append(not tf.ok or fy is None or tf.overlaps_fiscal_year(fy))
    return pd.Series(ok, index=df.index, dtype=bool)


def compile_schema(bound: Bound, sheet: Sheet) -> pa.DataFrameSchema:
    """The pandera schema of one sheet (form fields become columns of a one-row-per-file frame)."""
    columns = {
        f.key: pa.Column(object, nullable=True, required=True, checks=_column_checks(bound, f))
        for f in sheet.fields
    }
    return pa.DataFrameSchema(columns, checks=_frame_checks(bound, sheet), strict=False,
                              coerce=False, name=sheet.key)


def run_schema(schema: pa.DataFrameSchema, frame: pd.DataFrame) -> list[tuple[str, str, int]]:
    """(code, column key, frame index) for every failure, de-duplicated."""
    if frame.empty:
        return []
    try:
        schema.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as exc:
        cases = exc.failure_cases
        out = set()
        for check, index in zip(cases["check"], cases["index"], strict=True):
            if not isinstance(check, str) or SEP not in check or index is None:
                raise RuntimeError(f"unexpected schema failure: {check}") from exc
            code, key = check.split(SEP, 1)
            out.add((code, key, int(index)))
        return sorted(out, key=lambda t: (t[2], t[1], t[0]))
    return []


def frame_of(sheet: Sheet, cols: Columns) -> pd.DataFrame:
    """The rows ``rules.py`` checks, as the frame these schemas check: blanks as None, and a
    numeric twin of each score column for conditions such as "below the pass mark"."""
    frame = pd.DataFrame({k: pd.Series(v, dtype=object) for k, v in cols.items()})
    frame[FY_COLUMN] = [float("nan") if blank(v) else float(v) for v in cols[FY_COLUMN]]
    for f in sheet.fields:
        if f.type == "score":
            frame[f"{f.key}__num"] = [score_value(v) for v in cols[f.key]]
        frame[f.key] = frame[f.key].where(frame[f.key].notna(), None)
    return frame


__all__ = ["compile_schema", "run_schema", "frame_of"]
