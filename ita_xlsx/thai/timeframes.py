"""The timeframe parser: what officers write in the timeframe column ('ต.ค. 67 - มี.ค. 68',
'ไตรมาส 2', 'ตลอดปีงบประมาณ') as a span of months, or the reason it cannot be read."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from ita_xlsx.thai.dates import (
    _ABBR_PARTS,
    _DMY,
    _ISO,
    _KIND_EN,
    _KIND_FULL,
    _KIND_SHORT,
    _MONTH_KEYS,
    YearMonth,
    _era_of,
    _implied,
    _month_key,
    _year_from_digits,
    current_fiscal_year,
    format_month,
)
from ita_xlsx.thai.text import _THAI_LETTER, clean_text, to_arabic_digits

TIMEFRAME_REASONS = ("empty", "no-month", "no-year", "end-before-start", "unrecognised")

# ---------------------------------------------------------------------------- timeframes


@dataclass(frozen=True)
class Timeframe:
    """A measure's timeframe as read from free text; ``reason`` says why it could not be."""

    text: str
    start: YearMonth | None
    end: YearMonth | None
    reason: str | None
    assumed_year: bool = False

    @property
    def ok(self) -> bool:
        return self.reason is None and self.start is not None and self.end is not None

    def overlaps_fiscal_year(self, fy: int) -> bool:
        return (self.ok and self.start <= YearMonth.fiscal_end(fy)
                and self.end >= YearMonth.fiscal_start(fy))

    def within_fiscal_year(self, fy: int) -> bool:
        return (self.ok and self.start >= YearMonth.fiscal_start(fy)
                and self.end <= YearMonth.fiscal_end(fy))

    def label(self, lang: str = "th") -> str:
        """"ต.ค. 2565 - มี.ค. 2566" (one month alone when start == end); "" when not ok."""
        if not self.ok:
            return ""
        if self.start == self.end:
            return format_month(self.start, lang)
        return f"{format_month(self.start, lang)} - {format_month(self.end, lang)}"


@dataclass
class _Point:
    """One month mentioned in the text, with the year written next to it (if any)."""

    begin: int
    stop: int
    month: int
    year: int | None


@dataclass
class _Segment:
    kind: str  # "range", "single", "deadline", "before-month" or "from"
    first: _Point
    last: _Point


def _alternation(words: list[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


def _month_pattern() -> str:
    words = [k for k, (_, kind) in _MONTH_KEYS.items() if kind in (_KIND_FULL, _KIND_SHORT)]
    abbrs = [f"{re.escape(a)}(?:\\s*\\.\\s*|\\s+)?{re.escape(b)}(?:\\s*\\.)?"
             for a, b in _ABBR_PARTS]
    english = [k for k, (_, kind) in _MONTH_KEYS.items() if kind == _KIND_EN]
    return (f"(?P<th>{_alternation(words)}|{'|'.join(abbrs)})"
            f"|(?<![a-z])(?P<en>{_alternation(english)})\\.?(?![a-z])")


_MY = re.compile(r"(?<![\d/.])(\d{1,2})/(\d{4}|\d{2})(?![\d/])")
_YEAR_AFTER = re.compile(
    r"\s*,?\s*(?:(?P<era>พ\.?\s*ศ\.?|ค\.?\s*ศ\.?|b\.?\s*e\.?|c\.?\s*e\.?|a\.?\s*d\.?)\s*)?"
    r"(?P<year>\d{4}|\d{2})(?![.,]?\d)"
)
_THAI_LETTER_RE = re.compile(f"[{_THAI_LETTER}]")
_DOTTED_LETTER = re.compile(f"[{_THAI_LETTER}]\\.")
_CANDIDATE = re.compile(f"{_month_pattern()}|(?P<num>\\d)")
_DIGITS = re.compile(r"\d+")
# Words that may touch a dotless abbreviation ("ภายในเดือนมค", "มค65", "ตุลาพ.ศ.").
_GLUE_BEFORE = ("เดือน", "ใน", "ถึง", "แต่", "จน")
_GLUE_AFTER = re.compile(r"พ\.?\s*ศ|ค\.?\s*ศ|ถึง|จน|ปี|เป็นต้นไป|และ")

_RANGE_GAP = re.compile(
    r"\s*(?:เดือน\s*)?(?:-+|–|—|‒|―|−|~|จนถึง|ถึง|จน|to|until|till|through|thru)\s*"
    r"(?:(?:วันที่|เดือน|สิ้นเดือน|\d{1,2})\s*)*"
)
_DEADLINE_BEFORE = re.compile(
    r"(?:ภายใน|ไม่เกิน|by|within)\s*(?:วันที่\s*)?(?:สิ้นเดือน\s*)?(?:\d{1,2}\s*)?(?:เดือน\s*)?$"
)
# "ก่อนวันที่ 1 เมษายน 2569" / "ก่อนเดือนเมษายน": done before that month starts, so the
# timeframe ends in the month before (March); "ก่อนวันที่ 15 เมษายน" still ends in April.
_BEFORE_MONTH = re.compile(
    r"(?:ก่อน|before)\s*(?:(?:วันที่|the)\s*)?(?:(?:1|1st)\s*(?:of\s*)?(?:เดือน\s*)?|เดือน\s*)$")
_BEFORE_DAY = re.compile(r"(?:ก่อน|before)\s*(?:(?:วันที่|the)\s*)?(?:\d{1,2}\s*)?(?:เดือน\s*)?$")
_FROM_BEFORE = re.compile(r"(?:ตั้งแต่|เริ่ม|from|since)\s*(?:วันที่\s*)?(?:\d{1,2}\s*)?(?:เดือน\s*)?$")
_FROM_AFTER = re.compile(r"\s*(?:เป็นต้นไป|onwards?)")

_QUARTER = re.compile(
    r"(?:ไตรมาส|(?<![a-z])q)\s*(?:ที่\s*)?(\d+)(?:\s*(?:-|–|—|ถึง|และ|,|to)\s*"
    r"(?:(?:ไตรมาส|q)\s*(?:ที่\s*)?)?(\d+))?"
)
_FIRST_HALF = re.compile(
    r"(?:(?:รอบ\s*)?(?<!\d)(?:6|หก)\s*เดือน(?:\s*แรก)?(?!\s*หลัง)|ครึ่ง\s*ปี\s*(?:งบ(?:ประมาณ)?\s*)?แรก"
    r"|first\s+half|(?:first\s+)?6\s+months)"
)
_SECOND_HALF = re.compile(
    r"(?:(?<!\d)(?:6|หก)\s*เดือน\s*หลัง|ครึ่ง\s*ปี\s*(?:งบ(?:ประมาณ)?\s*)?หลัง|second\s+half|last\s+6\s+months)"
)
_TWELVE_MONTHS = re.compile(r"(?:รอบ\s*)?(?<!\d)(?:12|สิบสอง)\s*เดือน")
_WHOLE_YEAR = re.compile(
    r"(?:ตลอด\s*(?:ทั้ง\s*)?ปี|ทั้ง\s*ปี|ปี\s*งบ|ประจำ\s*ปี|ทุก\s*เดือน"
    r"|ทุก\s*ไตรมาส|(?<![a-z])fy\s*\d|fiscal\s+year|(?:whole|full|entire|all)\s+year|throughout)"
)
# "ประจำปี พ.ศ. 2569" (without งบประมาณ) is how documents name the fiscal year too
_FY_LABELLED = re.compile(
    r"(?:ปี\s*งบ(?:\s*ประมาณ)?|ประจำ\s*ปี|(?<![a-z])fy)\s*(?:พ\.?\s*ศ\.?)?\s*(\d{4}|\d{2})(?!\d)"
)
_YEAR_LABELLED = re.compile(r"(?:พ\.?\s*ศ\.?|ปี)\s*(\d{4}|\d{2})(?!\d)")
_YEAR_BARE = re.compile(r"(?<![\d.,])(\d{4})(?![\d.,]?\d)")
_TAG = re.compile(r"<[^<>]{0,200}>")


class _Unrecognised(Exception):
    """Something date-like that cannot be a date (13/2566, ไตรมาส 5, ม.ค. 1234)."""


def _prepare(text: str) -> str:
    # <p>/<u> leftovers of HTML extraction and Thai digits would only get in the way
    return to_arabic_digits(_TAG.sub(" ", text)).lower()


def _blank(text: str, spans: list[tuple[int, int]]) -> str:
    chars = list(text)
    for a, b in spans:
        chars[a:b] = " " * (b - a)
    return "".join(chars)


def _thai_month_allowed(text: str, begin: int, stop: int, kind: str) -> bool:
    """Reject abbreviations and short forms that are really part of another word."""
    if kind == _KIND_FULL:
        return True
    # match at positions rather than slicing: a cell can hold 32,767 characters
    free_after = not _THAI_LETTER_RE.match(text, stop) or bool(_GLUE_AFTER.match(text, stop))
    if kind == _KIND_SHORT:  # "ตุลาการ" is a judge, not October
        return free_after
    if "." not in text[begin:stop]:  # "มีคน", "ยกย่อง", "พยาบาล"
        free_before = (begin == 0 or not _THAI_LETTER_RE.match(text, begin - 1)
                       or text.endswith(_GLUE_BEFORE, 0, begin))
        return free_before and free_after
    # dotted: not a piece of a longer dotted abbreviation such as "ป.ป.ช." or "ก.พ.ร."
    if begin >= 2 and text[begin - 1] == "." and _THAI_LETTER_RE.match(text, begin - 2):
        return False
    if text[stop - 1] == ".":
        return not _DOTTED_LETTER.match(text, stop) or bool(_GLUE_AFTER.match(text, stop))
    return free_after


def _year_after(text: str, pos: int) -> tuple[int | None, int]:
    """The year written right after a month (if any) and where it ends."""
    match = _YEAR_AFTER.match(text, pos)
    if not match:
        return None, pos
    try:
        year = _year_from_digits(match.group("year"), _era_of(match.group("era") or ""))
    except ValueError:
        raise _Unrecognised from None
    return year, match.end()


def _numeric_point(text: str, pos: int) -> _Point | None:
    """A numeric date (d/m/y, yyyy-mm-dd, m/y) starting exactly at ``pos``.

    Raises _Unrecognised for one that cannot be a date ("13/2566").
    """
    # (pattern, group of the day or None, group of the month, group of the year)
    for pattern, d, m, y in ((_DMY, 1, 3, 4), (_ISO, 3, 2, 1), (_MY, None, 1, 2)):
        match = pattern.match(text, pos)
        if not match:
            continue
        month = int(match.group(m))
        day = int(match.group(d)) if d is not None else 1
        if not (1 <= month <= 12 and 1 <= day <= 31):
            raise _Unrecognised
        try:
            year = _year_from_digits(match.group(y))
        except ValueError:
            raise _Unrecognised from None
        return _Point(match.start(), match.end(), month, year)
    return None


def _scan_points(text: str) -> tuple[list[_Point], bool]:
    """The months mentioned, in order, and whether a broken numeric date was seen."""
    points: list[_Point] = []
    broken = False
    pos = 0
    while (match := _CANDIDATE.search(text, pos)) is not None:
        if match.group("num"):
            try:
                point = _numeric_point(text, match.start())
            except _Unrecognised:  # fatal only if nothing else in the cell is a date
                point, broken = None, True
            if point:
                points.append(point)
                pos = point.stop
            else:  # skip the whole run of digits, not one digit at a time
                pos = _DIGITS.match(text, match.start()).end()
            continue
        found = _month_key(match.group())
        kind = found[1] if found else _KIND_FULL
        if found and (kind == _KIND_EN
                      or _thai_month_allowed(text, match.start(), match.end(), kind)):
            year, stop = _year_after(text, match.end())
            points.append(_Point(match.start(), stop, found[0], year))
            pos = stop
        else:
            pos = match.start() + 1
    return points, broken


def _segments(text: str, points: list[_Point]) -> list[_Segment]:
    segments: list[_Segment] = []
    i = 0
    while i < len(points):
        point = points[i]
        before = text[segments[-1].last.stop if segments else 0: point.begin]
        nxt = points[i + 1] if i + 1 < len(points) else None
        if nxt and _RANGE_GAP.fullmatch(text[point.stop: nxt.begin]):
            segments.append(_Segment("range", point, nxt))
            i += 2
            continue
        if _BEFORE_MONTH.search(before):
            kind = "before-month"
        elif _DEADLINE_BEFORE.search(before) or _BEFORE_DAY.search(before):
            kind = "deadline"
        elif _FROM_BEFORE.search(before) or _FROM_AFTER.match(text, point.stop):
            kind = "from"
        else:
            kind = "single"
        segments.append(_Segment(kind, point, point))
        i += 1
    return segments


@dataclass
class _Context:
    fiscal_year: int | None  # the workbook's FY (argument)
    text_fy: int | None  # "ปีงบประมาณ 2566" written in the text
    first_year_fy: int | None  # FY of the first month written with a year
    assumed: bool = False

    def fy_for_months(self) -> int | None:
        """FY that yearless months fall in: what the text says beats the workbook's FY."""
        if self.text_fy is not None:
            return self.text_fy
        if self.fiscal_year is not None:
            self.assumed = True
            return self.fiscal_year
        return self.first_year_fy


def _resolve(segment: _Segment, ctx: _Context) -> tuple[YearMonth, YearMonth] | None:
    a, b = segment.first, segment.last
    if a.year is not None and b.year is not None:
        start, end = YearMonth(a.year, a.month), YearMonth(b.year, b.month)
    elif b.year is not None:  # "ม.ค.-มี.ค.๖๕": the trailing year covers both ends
        end = YearMonth(b.year, b.month)
        start = YearMonth(b.year if a.month <= b.month else b.year - 1, a.month)
    elif a.year is not None:
        start = YearMonth(a.year, a.month)
        end = YearMonth(a.year if b.month >= a.month else a.year + 1, b.month)
    else:
        fy = ctx.fy_for_months()
        if fy is None:
            return None
        start = _implied(a.month, fy)
        end = YearMonth(start.year if b.month >= a.month else start.year + 1, b.month)
    if segment.kind == "before-month":  # before the 1st of April: ends in March
        end = end.add_months(-1)
        start = end
        segment = _Segment("deadline", segment.first, segment.last)
    if segment.kind in ("deadline", "from"):
        fy = ctx.fiscal_year or ctx.text_fy or end.fiscal_year
        if not YearMonth.fiscal_start(fy) <= end <= YearMonth.fiscal_end(fy):
            fy = end.fiscal_year if segment.kind == "from" else None
        if segment.kind == "deadline" and fy is not None:
            start = YearMonth.fiscal_start(fy)
        elif segment.kind == "from":
            end = YearMonth.fiscal_end(fy)
    return start, end


def _first_fy(pattern: re.Pattern[str], text: str) -> int | None:
    for match in pattern.finditer(text):
        try:
            return _year_from_digits(match.group(1))
        except ValueError:
            continue
    return None


def _text_fiscal_year(text: str, loose: bool) -> int | None:
    """A fiscal year written in the text; ``loose`` also takes "พ.ศ. 2566" or a bare 2566."""
    found = _first_fy(_FY_LABELLED, text)
    if found is None and loose:
        found = _first_fy(_YEAR_LABELLED, text) or _first_fy(_YEAR_BARE, text)
    return found


def _from_months(text: str, points: list[_Point], fiscal_year: int | None) -> Timeframe:
    first_year = next((p for p in points if p.year is not None), None)
    ctx = _Context(fiscal_year, _text_fiscal_year(text, loose=False),
                   YearMonth(first_year.year, first_year.month).fiscal_year if first_year else None)
    spans = []
    for segment in _segments(text, points):
        span = _resolve(segment, ctx)
        if span is None:
            return Timeframe(text, None, None, "no-year")
        if span[1] < span[0]:
            return Timeframe(text, None, None, "end-before-start")
        spans.append(span)
    return Timeframe(text, min(s for s, _ in spans), max(e for _, e in spans), None, ctx.assumed)


def _keyword_span(text: str, fy: int) -> tuple[YearMonth, YearMonth] | None:
    start, end = YearMonth.fiscal_start(fy), YearMonth.fiscal_end(fy)
    if quarter := _QUARTER.search(text):
        numbers = [int(q) for q in quarter.groups() if q]
        if not all(1 <= q <= 4 for q in numbers) or numbers[-1] < numbers[0]:
            raise _Unrecognised
        return start.add_months(3 * (numbers[0] - 1)), start.add_months(3 * numbers[-1] - 1)
    if _SECOND_HALF.search(text):
        return start.add_months(6), end
    if _FIRST_HALF.search(text):
        return start, start.add_months(5)
    if _TWELVE_MONTHS.search(text) or _WHOLE_YEAR.search(text):
        return start, end
    return None


def _keywords_found(text: str) -> list[tuple[int, int]]:
    """Spans of quarter / half-year / whole-year phrases (their numbers are not dates)."""
    spans = []
    for pattern in (_QUARTER, _FIRST_HALF, _SECOND_HALF, _TWELVE_MONTHS):
        spans += [m.span() for m in pattern.finditer(text)]
    return spans


def _from_keywords(text: str, blanked: str, fiscal_year: int | None) -> Timeframe | None:
    if _keyword_span(text, 2500) is None:  # any FY will do to ask "is there a keyword?"
        return None
    fy = _text_fiscal_year(blanked, loose=True)
    assumed = fy is None and fiscal_year is not None
    fy = fy if fy is not None else fiscal_year
    if fy is None:
        return Timeframe(text, None, None, "no-year")
    start, end = _keyword_span(text, fy)
    return Timeframe(text, start, end, None, assumed)


def parse_timeframe(value: object, fiscal_year: int | None = None) -> Timeframe:
    """Read a timeframe cell: month ranges, deadlines, quarters, "ตลอดปีงบประมาณ", dates.

    ``fiscal_year`` (BE) supplies the year when the text gives none (``assumed_year``).
    """
    if isinstance(value, datetime.date):
        day = value.date() if isinstance(value, datetime.datetime) else value
        month = YearMonth.from_date(day)
        return Timeframe(day.isoformat(), month, month, None)
    text = clean_text(value)
    if not text:
        return Timeframe(text, None, None, "empty")
    prepared = _prepare(text)
    try:
        blanked = _blank(prepared, _keywords_found(prepared))
        points, broken = _scan_points(blanked)
        if points:
            return _replace_text(_from_months(blanked, points, fiscal_year), text)
        found = _from_keywords(prepared, blanked, fiscal_year)
    except _Unrecognised:
        broken, found = True, None
    if found:
        return _replace_text(found, text)
    return Timeframe(text, None, None, "unrecognised" if broken else "no-month")


def _replace_text(timeframe: Timeframe, text: str) -> Timeframe:
    return Timeframe(text, timeframe.start, timeframe.end, timeframe.reason,
                     timeframe.assumed_year)


_PROBLEMS = {
    "empty": ("ยังไม่ได้กรอกระยะเวลาดำเนินการ", "The timeframe is empty."),
    "no-month": ("ไม่พบชื่อเดือนในระยะเวลาดำเนินการ",
                 "No month could be found in the timeframe."),
    "no-year": ("ไม่ระบุปี พ.ศ. ของระยะเวลาดำเนินการ",
                "The timeframe gives no year (Buddhist Era)."),
    "end-before-start": ("เดือนสิ้นสุดอยู่ก่อนเดือนเริ่มต้น",
                         "The end month comes before the start month."),
    "unrecognised": ("อ่านระยะเวลาดำเนินการไม่ได้ (วันที่ เดือน ไตรมาส หรือปีไม่ถูกต้อง)",
                     "The timeframe cannot be read (an invalid date, month, quarter or year)."),
}


def describe_timeframe_problem(reason: str, lang: str = "th", *,
                               fiscal_year: int | None = None) -> str:
    """A sentence saying what is wrong with a timeframe and how to write it instead."""
    fy = fiscal_year if fiscal_year is not None else current_fiscal_year()
    start, end = YearMonth.fiscal_start(fy), YearMonth.fiscal_end(fy)
    th, en = _PROBLEMS.get(reason, ("ระยะเวลาดำเนินการไม่ถูกต้อง", "The timeframe is not valid."))
    example = f"{format_month(start)} - {format_month(end)}"
    if lang == "en":
        return (f'{en} Write it as "{example}" ({format_month(start, "en")} - '
                f'{format_month(end, "en")}) or "ตลอดปีงบประมาณ" (the whole fiscal year).')
    return f'{th} เขียนเป็น "{example}" หรือ "ตลอดปีงบประมาณ"'
