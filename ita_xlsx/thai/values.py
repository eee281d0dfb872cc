"""Plain value parsers shared by the checks, the consolidation and the link checker: scores,
evidence URLs in a cell, timeframes (cached), dates and e-mail addresses.

Standard library only, so modules that only need a value parsed do not load pandas.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from functools import lru_cache

from ita_xlsx.thai import clean_url, is_valid_url, parse_date, parse_number, parse_timeframe

_EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# Several evidence URLs in one cell: one per line, or separated where a new http starts.
_URL_SPLIT = re.compile(r"[\n;,]+|\s+(?=https?://)|(?<=\S)(?=https?://)")


@lru_cache(maxsize=65536)
def timeframe(value: object, fiscal_year: int | None):
    return parse_timeframe(value, fiscal_year)


def split_urls(value: object) -> list[str]:
    if value is None:
        return []
    text = str(value).replace("\r", "\n")
    return [p.strip() for p in _URL_SPLIT.split(text) if p and p.strip()]


def url_problem(value: object) -> tuple[str, str] | None:
    """(Thai, English) reason when a URL cell is not all well-formed URLs, else None."""
    raw = value if isinstance(value, str) else str(value)
    for url in split_urls(raw):
        if is_valid_url(url):
            continue
        fixed = clean_url(url)
        if fixed != url and is_valid_url(fixed):
            return (f"มีช่องว่างหรือการขึ้นบรรทัดกลาง URL น่าจะเป็น {fixed}",
                    f"it has a space or line break inside; probably {fixed}")
        if not re.match(r"(?i)^https?://", url):
            return ("ไม่ได้ขึ้นต้นด้วย http:// หรือ https://", "it does not start with http:// or https://")
        return ("รูปแบบ URL ไม่ถูกต้อง", "the URL is malformed")
    return None


def score_number(value: object) -> float | None:
    """A score as a number; None when blank; ValueError for anything a score cannot be:
    text, outside 0-100, huge, NaN, infinite, negative zero."""
    number = value if isinstance(value, float) else parse_number(value)
    if number is None:
        return None
    if not math.isfinite(number) or not 0 <= number <= 100 or math.copysign(1.0, number) < 0:
        raise ValueError(f"not a score: {value!r}")
    return number


def score_ok(value: object) -> bool:
    try:
        score_number(value)
    except ValueError:
        return False
    return True


def score_value(value: object) -> float | None:
    """The score for totals, weak indicators and reports: None when blank or not a score
    (the check gives that cell its one score-invalid finding)."""
    try:
        return score_number(value)
    except ValueError:
        return None


def date_ok(value: object) -> bool:
    return isinstance(value, dt.date) or parse_date(value) is not None


def email_ok(value: object) -> bool:
    return bool(_EMAIL_RE.match(str(value)))


__all__ = ["date_ok", "email_ok", "score_number", "score_ok", "score_value", "split_urls", "timeframe", "url_problem"]
