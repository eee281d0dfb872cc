"""Thai conventions, standard library only (the CLI imports them at start-up).

- ``text``: Thai/Arabic digits, clean-up of typed text, numbers as officers type them;
- ``urls``: evidence URLs (unwrapping pasted links, whether a URL is usable);
- ``dates``: Buddhist-Era years, fiscal years, month names, dates;
- ``timeframes``: the timeframe parser (a cell's text → a span of months, or why not).

Every name is re-exported here, so ``from ita_xlsx.thai import parse_timeframe`` works.
"""

from __future__ import annotations

from ita_xlsx.thai.dates import (
    MONTHS_EN,
    MONTHS_EN_ABBR,
    MONTHS_TH,
    MONTHS_TH_ABBR,
    THAI_TIME,
    YearMonth,
    be_to_ce,
    ce_to_be,
    current_fiscal_year,
    fiscal_year_bounds,
    fiscal_year_of,
    format_date,
    format_day,
    format_moment,
    format_month,
    iso_moment,
    normalize_year,
    now_thai,
    parse_date,
    parse_month,
    thai_time,
)
from ita_xlsx.thai.text import (
    THAI_DIGITS,
    clean_text,
    parse_number,
    to_arabic_digits,
    to_thai_digits,
)
from ita_xlsx.thai.timeframes import (
    DECISIONS,
    TIMEFRAME_NOTES,
    TIMEFRAME_REASONS,
    Timeframe,
    describe_timeframe_problem,
    describe_timeframe_reading,
    parse_timeframe,
)
from ita_xlsx.thai.urls import clean_url, is_valid_url

__all__ = [
    "THAI_DIGITS",
    "MONTHS_TH",
    "MONTHS_TH_ABBR",
    "MONTHS_EN",
    "MONTHS_EN_ABBR",
    "TIMEFRAME_REASONS",
    "TIMEFRAME_NOTES",
    "DECISIONS",
    "YearMonth",
    "Timeframe",
    "to_arabic_digits",
    "to_thai_digits",
    "clean_text",
    "clean_url",
    "is_valid_url",
    "parse_number",
    "be_to_ce",
    "ce_to_be",
    "normalize_year",
    "fiscal_year_bounds",
    "fiscal_year_of",
    "current_fiscal_year",
    "parse_month",
    "format_month",
    "parse_date",
    "format_date",
    "THAI_TIME",
    "thai_time",
    "format_day",
    "format_moment",
    "iso_moment",
    "now_thai",
    "parse_timeframe",
    "describe_timeframe_problem",
    "describe_timeframe_reading",
]
