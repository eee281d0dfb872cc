"""The template's rules for each data sheet, compiled once and run column by column.

A rule is what the template declares of a field: required (or required when another column
says so), one of a strict choice list, a typed value (score, URL, date, e-mail) or a
timeframe. Each runs over a whole column of the rows of all files at once, in plain Python:
no data frame is built and neither pandas nor pandera is loaded, so a one-file ``validate``
starts at once. ``schema.py`` compiles the same rules to pandera; the tests hold the two to
the same findings.

The rows come as ``Columns``: column key -> the values of every row, plus ``FY_COLUMN`` (the
row's fiscal year, or None). A rule gives back the row indexes it fails.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ita_xlsx.spec.roles import Fields
from ita_xlsx.spec.template import Bound, Field, Sheet
from ita_xlsx.thai.values import (
    date_ok,
    email_ok,
    score_ok,
    score_value,
    timeframe,
    url_problem,
)

FY_COLUMN = "__fy"
Columns = dict[str, list]


def blank(value: object) -> bool:
    """Empty as a data frame sees it: None or a float NaN."""
    return value is None or (isinstance(value, float) and value != value)


@dataclass(frozen=True)
class Rule:
    code: str  # the finding's catalogue code
    key: str  # the column it is reported at
    failing: Callable[[Columns], list[int]]


def _required(key: str) -> Callable[[Columns], list[int]]:
    return lambda cols: [i for i, v in enumerate(cols[key]) if blank(v)]


def _choice(key: str, allowed: frozenset) -> Callable[[Columns], list[int]]:
    return lambda cols: [i for i, v in enumerate(cols[key]) if not blank(v) and v not in allowed]


def _element(key: str, ok: Callable[[object], object]) -> Callable[[Columns], list[int]]:
    return lambda cols: [i for i, v in enumerate(cols[key]) if not blank(v) and not ok(v)]


def _condition(bound: Bound, f: Field) -> Callable[[Columns], list[bool]]:
    """Rows where ``f`` is required by its condition."""
    c = f.required_when
    assert c is not None  # only called for a field that has a condition
    if c.below is not None:
        limit = bound.analysis_fw.pass_mark if c.below == "pass_mark" else float(c.below)

        def below(cols: Columns) -> list[bool]:
            numbers = (score_value(v) for v in cols[c.column])
            return [n is not None and n == n and n < limit for n in numbers]
        return below
    if c.equals is not None:
        return lambda cols: [v == c.equals for v in cols[c.column]]
    return lambda cols: [not blank(v) and v != c.not_equals for v in cols[c.column]]


def _required_when(bound: Bound, f: Field) -> Callable[[Columns], list[int]]:
    needed = _condition(bound, f)

    def failing(cols: Columns) -> list[int]:
        return [i for i, (need, v) in enumerate(zip(needed(cols), cols[f.key], strict=True))
                if need and blank(v)]
    return failing


def _timeframes(key: str, check: str) -> Callable[[Columns], list[int]]:
    """Rows whose timeframe is not read ("read"), lies outside the fiscal year ("year"), or
    was read with a note to show ("notes")."""

    def failing(cols: Columns) -> list[int]:
        out = []
        for i, (value, fy) in enumerate(zip(cols[key], cols[FY_COLUMN], strict=True)):
            if blank(value):
                continue
            year = None if blank(fy) else int(fy)
            tf = timeframe(value, year)
            if check == "read":
                bad = not tf.ok
            elif check == "notes":
                bad = bool(tf.ok and tf.notes)
            else:
                bad = tf.ok and year is not None and not tf.overlaps_fiscal_year(year)
            if bad:
                out.append(i)
        return out
    return failing


ELEMENT_TYPES: dict[str, tuple[Callable[[object], object], str]] = {
    "score": (score_ok, "score-invalid"),
    "url": (lambda v: url_problem(v) is None, "url-invalid"),
    "date": (date_ok, "date-invalid"),
    "email": (email_ok, "email-invalid"),
}


def compile_rules(bound: Bound, sheet: Sheet) -> list[Rule]:
    """The rules of one sheet, in the order the template declares them."""
    rules = []
    for f in sheet.fields:
        if f.required and not f.required_when and not f.prefilled:
            rules.append(Rule("required-missing", f.key, _required(f.key)))
        if f.choices and bound.template.choices[f.choices].strict:
            allowed = frozenset(c.value for c in bound.choice_items(f.choices))
            rules.append(Rule("choice-invalid", f.key, _choice(f.key, allowed)))
        if f.type in ELEMENT_TYPES:
            ok, code = ELEMENT_TYPES[f.type]
            rules.append(Rule(code, f.key, _element(f.key, ok)))
    for f in sheet.fields:
        if f.required_when:
            rules.append(Rule("required-missing", f.key, _required_when(bound, f)))
        if f.type == "timeframe":
            rules.append(Rule("timeframe-invalid", f.key, _timeframes(f.key, "read")))
            rules.append(Rule("timeframe-outside-year", f.key, _timeframes(f.key, "year")))
            rules.append(Rule("timeframe-read-as", f.key, _timeframes(f.key, "notes")))
    return rules


def run_rules(rules: Sequence[Rule], cols: Columns) -> list[tuple[str, str, int]]:
    """(code, column key, row index) for every failure, once each, by row, column, code."""
    out = {(r.code, r.key, i) for r in rules for i in r.failing(cols)}
    return sorted(out, key=lambda t: (t[2], t[1], t[0]))


def finding_detail(code: str, f: Field, value: object, fy: int | None, bound: Bound,
                   record) -> dict:
    """Entry-specific message fields for a failed rule (``record``: the row's values)."""
    if code == "issue-missing":
        ind = str(record[Fields.INDICATOR])
        names = {str(i.number): {"th": i.label, "en": f"{i.number}. {i.name_en}"}
                 for i in bound.analysis_fw.indicators}
        return {"indicator": names.get(ind, {"th": ind, "en": ind}), "value": record[Fields.SCORE],
                "expected": f"{bound.analysis_fw.pass_mark:g}"}
    if code == "choice-invalid":
        assert f.choices is not None  # this check exists only on a field with a choice list
        items = bound.choice_items(f.choices)
        return {"expected": " / ".join(c.label for c in items[:4])}
    if code == "required-missing":
        return {"detail": {"th": f.required_message, "en": f.required_message_en or
                           f.required_message}}
    if code == "timeframe-invalid":
        from ita_xlsx.thai import describe_timeframe_problem

        tf = timeframe(value, fy)
        reason = tf.reason or "unrecognised"
        return {"detail": {
            "th": describe_timeframe_problem(reason, "th", fiscal_year=fy, hint=tf.hint),
            "en": describe_timeframe_problem(reason, "en", fiscal_year=fy, hint=tf.hint)}}
    if code == "timeframe-read-as":
        from ita_xlsx.thai import (
            YearMonth,
            current_fiscal_year,
            describe_timeframe_reading,
            format_month,
        )

        tf = timeframe(value, fy)
        year = fy or current_fiscal_year()
        example = (f"{format_month(YearMonth.fiscal_start(year))} - "
                   f"{format_month(YearMonth.fiscal_end(year))}")
        return {"detail": {"th": describe_timeframe_reading(tf, "th"),
                           "en": describe_timeframe_reading(tf, "en")}, "expected": example}
    if code == "timeframe-outside-year":
        from ita_xlsx.thai import format_month

        tf = timeframe(value, fy)
        return {"detail": {"th": f"{format_month(tf.start)} – {format_month(tf.end)}",
                           "en": f"{format_month(tf.start, 'en')} – {format_month(tf.end, 'en')}"},
                "expected": fy, "fy_start": (fy or 1) - 1, "fy_end": fy}
    if code == "url-invalid":
        th, en = url_problem(value) or ("", "")
        return {"detail": {"th": th, "en": en}}
    return {}
