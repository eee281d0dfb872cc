"""The timeframe parser: what officers write in the timeframe column ('ต.ค. 67 - มี.ค. 68',
'ไตรมาส 2', 'ตลอดปีงบประมาณ') as a span of months, or the reason it cannot be read.

It never guesses. Every shape is either read (sometimes with a *note* saying how, which the
checks show the officer) or refused with a *reason* saying what to write instead. The
decisions are the table ``DECISIONS`` below, tried in order; each names the shape, what the
parser does with it and a real example. To teach the parser a new shape, add a row there (and
its message to ``_PROBLEMS`` or ``_NOTES``), then a real string to the tests.
"""

from __future__ import annotations

import datetime
import difflib
import re
from dataclasses import dataclass, field

from ita_xlsx.thai.dates import (
    _ABBR_PARTS,
    _DMY,
    _ISO,
    _KIND_EN,
    _KIND_FULL,
    _KIND_SHORT,
    _MONTH_KEYS,
    MONTHS_TH,
    YearMonth,
    _era_of,
    _implied,
    _month_key,
    _year_from_digits,
    current_fiscal_year,
    format_month,
)
from ita_xlsx.thai.text import _THAI_LETTER, clean_text, to_arabic_digits

TIMEFRAME_REASONS = ("empty", "no-month", "no-year", "end-before-start", "unrecognised",
                     "other-era", "misspelt-month", "no-end", "relative", "several-periods")
TIMEFRAME_NOTES = ("plain-year", "year-range", "open-end", "joined")


@dataclass(frozen=True)
class Decision:
    """One row of the parser's decision table."""

    name: str  # the reason (refuse) or note (read) it gives
    action: str  # "refuse", "read" (with a note) or "read-quietly"
    shape: str  # what it looks for, in words
    example: str  # a real string of that shape (sources in tests/test_thai.py)


# Tried in this order; the first that applies decides. "refuse" rows come first on purpose:
# a string that also looks readable must not be read when part of it cannot be.
DECISIONS: tuple[Decision, ...] = (
    Decision("other-era", "refuse", "a year in another era (ร.ศ., จ.ศ., ม.ศ.)",
             "18 มีนาคม รศ.124"),
    Decision("misspelt-month", "refuse", "a word within two letters of a month name",
             "ถึง วันที่ 28 กุมภาพันฑธ์ 2560"),
    Decision("no-end", "refuse", "a start month followed by ถึง/– and no readable end",
             "ม.ค. 2566 - ปัจจุบัน"),
    Decision("open-end", "read", "ตั้งแต่ <month> with no end: to the end of that fiscal year",
             "ตั้งแต่วันที่ 23 กุมภาพันธ์ 2540"),
    Decision("months", "read-quietly", "month names or numeric dates, ranges, deadlines",
             "ตุลาคม 2566 - กันยายน 2567"),
    Decision("year-range", "read", "no month, two labelled years: those fiscal years",
             "ปีงบประมาณ 2567-2568"),
    Decision("joined", "read", "no month, two periods joined by และ: both, if each is clear",
             "ประจำปีงบประมาณ พ.ศ.๒๕๖๓ รอบ ๑๒ เดือน และ พ.ศ.๒๕๖๔ รอบ ๖ เดือน"),
    Decision("several-periods", "refuse",
             "no month, periods joined by และ with one unclear, or several years",
             "ปีงบประมาณ 2563 และ 2565"),
    Decision("parts-of-year", "read-quietly", "quarters, halves, 12 months",
             "ไตรมาสที่ ๒, รอบ 6 เดือน"),
    Decision("relative", "refuse", "no month, a period counted in days from an event",
             "แล้วเสร็จภายในสามสิบวันนับแต่วันที่ประกาศใช้งบประมาณรายจ่ายประจําปี"),
    Decision("whole-year", "read-quietly", "the whole fiscal year (ตลอดปี, ปีงบประมาณ N)",
             "ประจำปีงบประมาณ พ.ศ.2567"),
    Decision("plain-year", "read", "no month, ปี <year>: that fiscal year",
             "ปี พ.ศ. 2567"),
    Decision("no-month", "refuse", "anything else", "เร็วๆ นี้"),
)

# Written forms that mean the same as the form the patterns below know.
SYNONYMS: tuple[tuple[str, str], ...] = (
    ("พุทธศักราช", "พ.ศ."),
    ("คริสต์ศักราช", "ค.ศ."),
    ("คริสตศักราช", "ค.ศ."),
)
# A fiscal-year range longer than this is a strategy's span, not a measure's timeframe.
MAX_RANGE_YEARS = 5

# ---------------------------------------------------------------------------- timeframes


@dataclass(frozen=True)
class Timeframe:
    """A measure's timeframe as read from free text; ``reason`` says why it could not be."""

    text: str
    start: YearMonth | None
    end: YearMonth | None
    reason: str | None
    assumed_year: bool = False
    # How an ok reading was made when the text did not say it outright (TIMEFRAME_NOTES).
    notes: tuple[str, ...] = ()
    # For a refusal: the words in question ("กุมภาพันฑธ์ → กุมภาพันธ์"), shown to the officer.
    hint: str = ""

    @property
    def ok(self) -> bool:
        return self.reason is None and self.start is not None and self.end is not None

    def overlaps_fiscal_year(self, fy: int) -> bool:
        return (self.ok and self.start is not None and self.end is not None
                and self.start <= YearMonth.fiscal_end(fy)
                and self.end >= YearMonth.fiscal_start(fy))

    def within_fiscal_year(self, fy: int) -> bool:
        return (self.ok and self.start is not None and self.end is not None
                and self.start >= YearMonth.fiscal_start(fy)
                and self.end <= YearMonth.fiscal_end(fy))

    def label(self, lang: str = "th") -> str:
        """"ต.ค. 2565 - มี.ค. 2566" (one month alone when start == end); "" when not ok."""
        if not self.ok:
            return ""
        assert self.start is not None and self.end is not None  # ok means both ends are known
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
# "ประจำปี" only where it names a year ("ประจำปีงบประมาณ", "ประจำปี 2569") or stands alone: inside
# a sentence ("…งบประมาณรายจ่ายประจำปี") it says "annual", not when.
_WHOLE_YEAR = re.compile(
    r"(?:ตลอด\s*(?:ทั้ง\s*)?ปี|ทั้ง\s*ปี|ปี\s*งบ|^\s*ประจำ\s*ปี\s*$"
    r"|ประจำ\s*ปี(?=\s*(?:พ\.?\s*ศ|ค\.?\s*ศ|\d))|ทุก\s*เดือน"
    r"|ทุก\s*ไตรมาส|(?<![a-z])fy\s*\d|fiscal\s+year|(?:whole|full|entire|all)\s+year|throughout)"
)
# "ประจำปี พ.ศ. 2569" (without งบประมาณ) is how documents name the fiscal year too
_FY_LABELLED = re.compile(
    r"(?:ปี\s*งบ(?:\s*ประมาณ)?|ประจำ\s*ปี|(?<![a-z])fy)\s*(?:พ\.?\s*ศ\.?)?\s*(\d{4}|\d{2})(?!\d)"
)
_YEAR_LABELLED = re.compile(r"(?:พ\.?\s*ศ\.?|ปี)\s*(\d{4}|\d{2})(?!\d)")
_YEAR_BARE = re.compile(r"(?<![\d.,])(\d{4})(?![\d.,]?\d)")
_TAG = re.compile(r"<[^<>]{0,200}>")

_ERA = r"(?:พ\.?\s*ศ\.?|ค\.?\s*ศ\.?|b\.?\s*e\.?|c\.?\s*e\.?|a\.?\s*d\.?)"
# Rattanakosin, Chula and Maha Sakarat years: never to be read as พ.ศ.
_OTHER_ERA = re.compile(r"(?<![ก-๎])(?:ร|จ|ม)\.?\s*ศ\.?\s*\d{1,4}(?!\d)")
# "พฤษภาคม 29, 2023": the number after the month is a day when a 4-digit year follows.
_DAY_THEN_YEAR = re.compile(rf"\s*,?\s*(?:(?P<era>{_ERA})\s*)?(?P<year>\d{{4}})(?![.,]?\d)")
_LARGEST_DAY = 31
# A start with a range word and no end: "ม.ค. 2566 - ปัจจุบัน", "… ถึง วันที่ 28 กุมภาพันฑธ์".
_DANGLING_WORD = re.compile(
    r"\s*(?:จนถึง|ถึง|จน|(?<![a-z])(?:until|till|through|to)(?![a-z]))")
_DANGLING_DASH = re.compile(
    r"\s*(?:-+|–|—|‒|―|−|~)\s*(?:(?:วันที่|สิ้นเดือน|เดือน)\s*)*(?:\d{1,2}\s*)?"
    r"(?:$|ปัจจุบัน|now|present)")
_THAI_RUN = re.compile(f"[{_THAI_LETTER}]+")
_GLUE_PREFIXES = ("ตั้งแต่", "ภายใน", "เดือน", "วันที่", "จนถึง", "ถึง", "สิ้น", "ก่อน", "จน")
_MISSPELT_CUTOFF = 0.8  # กุมภาพันฑธ์/กุมภาพันธ์ 0.95, มีนาคน/มีนาคม 0.83; ตุลาการ/ตุลาคม 0.62
# "ภายในสามสิบวันนับแต่…", "ภายใน 30 วัน", "120 วัน หลังจาก…": counted from an event.
_RELATIVE = re.compile(
    r"(?:ภายใน|ไม่เกิน)\s*[\dก-๎]{0,12}?\s*วัน(?!ที่)|นับ\s*(?:แต่|จาก)|\d+\s*วัน\s*หลัง"
    r"|(?<![a-z])within\s+\d+\s+days|\d+\s+days\s+(?:after|from)")
_YEAR_LABEL = (r"(?:ปี\s*งบ(?:\s*ประมาณ)?|ประจำ\s*ปี(?:\s*งบ(?:\s*ประมาณ)?)?|ปี|พ\.?\s*ศ\.?"
               r"|ค\.?\s*ศ\.?|(?<![a-z])fy)")
_YEAR_RANGE = re.compile(
    rf"(?:{_YEAR_LABEL}\s*)+(\d{{4}})\s*(?:-+|–|—|‒|−|ถึง|จนถึง|(?<![a-z])to(?![a-z]))\s*"
    rf"(?:{_YEAR_LABEL}\s*)*(\d{{4}}|\d{{2}})(?![\d/.]?\d)")
_PLAIN_YEAR = re.compile(
    rf"(?<![ก-๎])ปี\s*(?:{_ERA}\s*)?(\d{{4}}|\d{{2}})(?![\d/.]?\d)")
_AND = re.compile(r"\s*(?:และ|(?<![a-z])and(?![a-z]))\s*")


class _Unrecognised(Exception):
    """Something date-like that cannot be a date (13/2566, ไตรมาส 5, ม.ค. 1234)."""


def _prepare(text: str) -> str:
    # <p>/<u> leftovers of HTML extraction and Thai digits would only get in the way
    text = to_arabic_digits(_TAG.sub(" ", text)).lower()
    for written, known in SYNONYMS:
        text = text.replace(written, known)
    return text


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
    digits, era, stop = match.group("year"), match.group("era") or "", match.end()
    if len(digits) == 2 and not era and int(digits) <= _LARGEST_DAY:
        # "พฤษภาคม 29, 2023" / "May 29": a day (no one writes 2529 as 29), the year may follow
        later = _DAY_THEN_YEAR.match(text, stop)
        if not later:
            return None, stop
        digits, era, stop = later.group("year"), later.group("era") or "", later.end()
    try:
        year = _year_from_digits(digits, _era_of(era))
    except ValueError:
        raise _Unrecognised from None
    return year, stop


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
                digits = _DIGITS.match(text, match.start())
                assert digits is not None  # the candidate began with a digit
                pos = digits.end()
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


def _dangling(text: str, segment: _Segment) -> bool:
    """A lone month followed by "ถึง"/"–" with no end that can be read (decision no-end)."""
    return segment.kind != "range" and bool(
        _DANGLING_WORD.match(text, segment.last.stop)
        or _DANGLING_DASH.match(text, segment.last.stop))


def _misspelt_month(text: str, points: list[_Point]) -> str:
    """"กุมภาพันฑธ์ → กุมภาพันธ์?" for a word close to a month name but not one; else ""."""
    rest = _blank(text, [(p.begin, p.stop) for p in points])
    for run in _THAI_RUN.findall(rest):
        word = run
        while glue := next((g for g in _GLUE_PREFIXES
                            if word.startswith(g) and len(word) > len(g)), None):
            word = word[len(glue):]
        if not 5 <= len(word) <= 14 or _month_key(word):
            continue
        close = difflib.get_close_matches(word, MONTHS_TH, n=1, cutoff=_MISSPELT_CUTOFF)
        if close:
            return f"{word} → {close[0]}?"
    return ""


@dataclass
class _Context:
    fiscal_year: int | None  # the workbook's FY (argument)
    text_fy: int | None  # "ปีงบประมาณ 2566" written in the text
    first_year_fy: int | None  # FY of the first month written with a year
    assumed: bool = False
    notes: list[str] = field(default_factory=list)

    def fy_for_months(self) -> int | None:
        """FY that yearless months fall in: what the text says beats the workbook's FY, so a
        yearless month beside "25 พฤษภาคม 2542" is not put in the workbook's year."""
        if self.text_fy is not None:
            return self.text_fy
        if self.first_year_fy is not None:
            return self.first_year_fy
        if self.fiscal_year is not None:
            self.assumed = True
        return self.fiscal_year


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
            assert fy is not None  # a "from" span always keeps its own year (set just above)
            end = YearMonth.fiscal_end(fy)
            ctx.notes.append("open-end")  # decision open-end: said, never silent
    return start, end


def _year_values(pattern: re.Pattern[str], text: str) -> list[int]:
    found = []
    for match in pattern.finditer(text):
        try:
            found.append(_year_from_digits(match.group(1)))
        except ValueError:
            continue
    return found


def _first_fy(pattern: re.Pattern[str], text: str) -> int | None:
    found = _year_values(pattern, text)
    return found[0] if found else None


def _text_fiscal_year(text: str, loose: bool) -> int | None:
    """A fiscal year written in the text; ``loose`` also takes "พ.ศ. 2566" or a bare 2566."""
    found = _first_fy(_FY_LABELLED, text)
    if found is None and loose:
        found = _first_fy(_YEAR_LABELLED, text) or _first_fy(_YEAR_BARE, text)
    return found


def _years_written(text: str) -> set[int]:
    return {y for pattern in (_FY_LABELLED, _YEAR_LABELLED, _YEAR_BARE)
            for y in _year_values(pattern, text)}


def _refused(text: str, reason: str, hint: str = "") -> Timeframe:
    return Timeframe(text, None, None, reason, hint=hint)


def _from_months(text: str, points: list[_Point], fiscal_year: int | None) -> Timeframe:
    first_year = next((p for p in points if p.year is not None), None)
    ctx = _Context(fiscal_year, _text_fiscal_year(text, loose=False),
                   YearMonth(first_year.year, first_year.month).fiscal_year
                   if first_year and first_year.year is not None else None)
    spans = []
    for segment in _segments(text, points):
        if _dangling(text, segment):
            return _refused(text, "no-end", text[segment.first.begin:].strip()[:60])
        span = _resolve(segment, ctx)
        if span is None:
            return _refused(text, "no-year")
        if span[1] < span[0]:
            return _refused(text, "end-before-start")
        spans.append(span)
    return Timeframe(text, min(s for s, _ in spans), max(e for _, e in spans), None, ctx.assumed,
                     tuple(dict.fromkeys(ctx.notes)))


def _part_span(text: str, fy: int) -> tuple[YearMonth, YearMonth] | None:
    """Decision parts-of-year: a quarter, a half or 12 months of fiscal year ``fy``."""
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
    if _TWELVE_MONTHS.search(text):
        return start, end
    return None


def _keywords_found(text: str) -> list[tuple[int, int]]:
    """Spans of quarter / half-year / whole-year phrases (their numbers are not dates)."""
    spans = []
    for pattern in (_QUARTER, _FIRST_HALF, _SECOND_HALF, _TWELVE_MONTHS):
        spans += [m.span() for m in pattern.finditer(text)]
    return spans


def _in_fiscal_year(text: str, blanked: str, fiscal_year: int | None, span_of) -> Timeframe:
    """A keyword's span in the fiscal year the text names (else the workbook's)."""
    years = _years_written(blanked)
    if len(years) > 1:  # "ปีงบประมาณ 2563 และ 2565": which one?
        return _refused(text, "several-periods")
    fy = _text_fiscal_year(blanked, loose=True)
    assumed = fy is None and fiscal_year is not None
    fy = fy if fy is not None else fiscal_year
    if fy is None:
        return _refused(text, "no-year")
    start, end = span_of(fy)
    return Timeframe(text, start, end, None, assumed)


def _year_range(text: str) -> Timeframe | None:
    """Decision year-range: "ปีงบประมาณ 2567-2568", "(พ.ศ. 2566 - พ.ศ. 2570)"."""
    match = _YEAR_RANGE.search(text)
    if not match:
        return None
    first, last = match.group(1), match.group(2)
    if len(last) == 2:  # "2567-68"
        last = first[:2] + last
    try:
        a, b = _year_from_digits(first), _year_from_digits(last)
    except ValueError:
        raise _Unrecognised from None
    if b < a:
        return _refused(text, "end-before-start")
    if b - a + 1 > MAX_RANGE_YEARS:  # a 20-year strategy is no measure's timeframe
        return _refused(text, "no-month")
    return Timeframe(text, YearMonth.fiscal_start(a), YearMonth.fiscal_end(b), None,
                     notes=("year-range",))


def _joined(text: str, fiscal_year: int | None) -> Timeframe | None:
    """Decisions joined / several-periods: periods without months joined by "และ"."""
    parts = [part for part in _AND.split(text) if part.strip()]
    if len(parts) < 2:
        return None
    readings = [_without_months(part, _blank(part, _keywords_found(part)), fiscal_year)
                for part in parts]
    said = [r for r in readings if r.reason != "no-month"]
    if len(said) < 2:
        return None
    if not all(r.ok for r in said):
        return _refused(text, "several-periods")
    notes = tuple(dict.fromkeys(n for r in said for n in r.notes)) + ("joined",)
    starts = [r.start for r in said if r.start is not None]
    ends = [r.end for r in said if r.end is not None]
    return Timeframe(text, min(starts), max(ends), None, any(r.assumed_year for r in said), notes)


def _without_months(text: str, blanked: str, fiscal_year: int | None) -> Timeframe:
    """A text with no month in it, through the rest of DECISIONS in order."""
    found = _year_range(text)
    if found is None:
        found = _joined(text, fiscal_year)
    if found is None and _part_span(text, 2500) is not None:  # any FY to ask "is there one?"
        found = _in_fiscal_year(text, blanked, fiscal_year, lambda fy: _part_span(text, fy))
    if found is None and _RELATIVE.search(text):
        found = _refused(text, "relative")
    if found is None and _WHOLE_YEAR.search(text):
        found = _in_fiscal_year(text, blanked, fiscal_year,
                                lambda fy: (YearMonth.fiscal_start(fy), YearMonth.fiscal_end(fy)))
    if found is None and (plain := _year_values(_PLAIN_YEAR, text)):
        if len(set(plain)) > 1:
            found = _refused(text, "several-periods")
        else:
            found = Timeframe(text, YearMonth.fiscal_start(plain[0]),
                              YearMonth.fiscal_end(plain[0]), None, notes=("plain-year",))
    return found or _refused(text, "no-month")


def parse_timeframe(value: object, fiscal_year: int | None = None) -> Timeframe:
    """Read a timeframe cell: month ranges, deadlines, quarters, "ตลอดปีงบประมาณ", dates.

    ``fiscal_year`` (BE) supplies the year when the text gives none (``assumed_year``).
    The decisions, in order, are the table ``DECISIONS``.
    """
    if isinstance(value, datetime.date):
        day = value.date() if isinstance(value, datetime.datetime) else value
        month = YearMonth.from_date(day)
        return Timeframe(day.isoformat(), month, month, None)
    text = clean_text(value)
    if not text:
        return Timeframe(text, None, None, "empty")
    prepared = _prepare(text)
    if era := _OTHER_ERA.search(prepared):
        return _refused(text, "other-era", text[era.start():era.end()])
    try:
        blanked = _blank(prepared, _keywords_found(prepared))
        points, broken = _scan_points(blanked)
        if misspelt := _misspelt_month(blanked, points):
            return _refused(text, "misspelt-month", misspelt)
        if points:
            return _replace_text(_from_months(blanked, points, fiscal_year), text)
        found = _without_months(prepared, blanked, fiscal_year)
    except _Unrecognised:
        return _refused(text, "unrecognised")
    if found.reason == "no-month" and broken:
        return _refused(text, "unrecognised")
    return _replace_text(found, text)


def _replace_text(timeframe: Timeframe, text: str) -> Timeframe:
    return Timeframe(text, timeframe.start, timeframe.end, timeframe.reason,
                     timeframe.assumed_year, timeframe.notes, timeframe.hint)


# reason -> (Thai, English); {hint} is the text in question.
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
    "other-era": ("ปี \"{hint}\" ไม่ใช่ปี พ.ศ. (เช่น ร.ศ.) จึงไม่ได้อ่าน ให้เขียนปีเป็น พ.ศ.",
                  "The year \"{hint}\" is not a Buddhist-Era year (e.g. Rattanakosin era), so it "
                  "was not read; write the year in พ.ศ."),
    "misspelt-month": ("ชื่อเดือนน่าจะสะกดผิด: {hint} แก้ชื่อเดือนให้ถูกต้อง",
                       "A month name looks misspelt: {hint} Correct the month's name."),
    "no-end": ("อ่านเดือนสิ้นสุดไม่ได้ (มีคำว่า \"ถึง\" หรือ \"-\" แต่ไม่มีเดือนสิ้นสุดที่อ่านได้)"
               " ให้ระบุเดือนสิ้นสุด",
               "The end cannot be read (there is \"to\" or \"-\" but no end month that can be "
               "read); give the end month."),
    "relative": ("ระยะเวลาเขียนเป็นจำนวนวันนับจากเหตุการณ์ ไม่ได้บอกเดือน ให้ระบุเดือนที่จะดำเนินการ"
                 "หรือแล้วเสร็จ",
                 "The timeframe counts days from an event and names no month; give the months "
                 "in which it will be done."),
    "several-periods": ("มีหลายช่วงเวลาหรือหลายปีในช่องเดียว และอ่านให้ชัดทุกช่วงไม่ได้ ให้เขียนช่วงเดียว"
                        " หรือแยกเป็นหลายมาตรการ",
                        "The cell holds several periods or years that cannot all be read; write "
                        "one period, or split it into several measures."),
}

# note -> (Thai, English); {fy} is the last fiscal year read, {fy_first} the first.
_NOTES = {
    "plain-year": ("ถือเป็นปีงบประมาณ {fy} ทั้งปี", "taken as the whole of fiscal year {fy}"),
    "year-range": ("ถือเป็นปีงบประมาณ {fy_first} ถึง {fy} ทั้งช่วง",
                   "taken as fiscal years {fy_first} to {fy}"),
    "open-end": ("ไม่ระบุเดือนสิ้นสุด จึงถือว่าสิ้นสุดเมื่อสิ้นปีงบประมาณ {fy}",
                 "no end month is given, so it is taken to end with fiscal year {fy}"),
    "joined": ("รวมทุกช่วงที่เขียนไว้เป็นช่วงเดียว", "all the periods written, taken together"),
}


def describe_timeframe_problem(reason: str, lang: str = "th", *,
                               fiscal_year: int | None = None, hint: str = "") -> str:
    """A sentence saying what is wrong with a timeframe and how to write it instead."""
    fy = fiscal_year if fiscal_year is not None else current_fiscal_year()
    start, end = YearMonth.fiscal_start(fy), YearMonth.fiscal_end(fy)
    th, en = _PROBLEMS.get(reason, ("ระยะเวลาดำเนินการไม่ถูกต้อง", "The timeframe is not valid."))
    th, en = th.replace("{hint}", hint), en.replace("{hint}", hint)
    example = f"{format_month(start)} - {format_month(end)}"
    if lang == "en":
        return (f'{en} Write it as "{example}" ({format_month(start, "en")} - '
                f'{format_month(end, "en")}) or "ตลอดปีงบประมาณ" (the whole fiscal year).')
    return f'{th} เขียนเป็น "{example}" หรือ "ตลอดปีงบประมาณ"'


def describe_timeframe_reading(timeframe: Timeframe, lang: str = "th") -> str:
    """How a timeframe with notes was read: "ต.ค. 2566 - ก.ย. 2568 (ถือเป็นปีงบประมาณ …)"."""
    if not timeframe.ok or timeframe.start is None or timeframe.end is None:
        return ""
    values = {"fy": str(timeframe.end.fiscal_year), "fy_first": str(timeframe.start.fiscal_year)}
    said = []
    for note in timeframe.notes:
        th, en = _NOTES[note]
        text = en if lang == "en" else th
        for key, value in values.items():
            text = text.replace("{" + key + "}", value)
        said.append(text)
    label = timeframe.label(lang)
    return f"{label} ({'; '.join(said)})" if said else label
