"""Buddhist-Era years, fiscal years (ปีงบประมาณ N runs 1 October N-1 .. 30 September N),
Thai and English month names and dates. Two-digit years mean 25xx.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from ita_xlsx.thai.text import clean_text, to_arabic_digits

MONTHS_TH: tuple[str, ...] = (
    "มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน",
    "กรกฎาคม", "สิงหาคม", "กันยายน", "ตุลาคม", "พฤศจิกายน", "ธันวาคม",
)
MONTHS_TH_ABBR: tuple[str, ...] = (
    "ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.",
    "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค.",
)
MONTHS_EN: tuple[str, ...] = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)
MONTHS_EN_ABBR: tuple[str, ...] = tuple(m[:3] for m in MONTHS_EN)

BE_OFFSET = 543
# A 4-digit year in this range is Common Era; BE years of interest are 2400 and up, so the
# two ranges never overlap.
_CE_RANGE = range(1900, 2300)
_BE_RANGE = range(2400, 3000)


# ---------------------------------------------------------------------------- years


def be_to_ce(year: int) -> int:
    return year - BE_OFFSET


def ce_to_be(year: int) -> int:
    return year + BE_OFFSET


_YEAR_TEXT = re.compile(
    r"(?P<label>(?:(?:พ\.?\s*ศ\.?|ค\.?\s*ศ\.?|ปีงบประมาณ|ปีงบ|ปี|fy|b\.?\s*e\.?|c\.?\s*e\.?"
    r"|a\.?\s*d\.?)\s*)*)(?P<year>\d{4}|\d{2})\s*(?P<suffix>b\.?\s*e\.?|c\.?\s*e\.?|a\.?\s*d\.?)?",
    re.IGNORECASE,
)


def _year_from_digits(digits: str, era: str | None = None) -> int:
    """BE year from 2 or 4 digits; era "ce"/"be" when the text said so."""
    number = int(digits)
    if len(digits) == 2:
        return ce_to_be(2000 + number) if era == "ce" else 2500 + number
    if len(digits) != 4:
        raise ValueError(f"not a year: {digits!r}")
    if era != "be" and number in _CE_RANGE:
        return ce_to_be(number)
    if era != "ce" and number in _BE_RANGE:
        return number
    raise ValueError(f"not a year: {digits!r}")


def _era_of(label: str) -> str | None:
    letters = re.sub(r"[\s.]", "", label.lower())
    if "คศ" in letters or letters.endswith(("ce", "ad")):
        return "ce"
    if "พศ" in letters or letters.endswith("be"):
        return "be"
    return None


def normalize_year(value: object) -> int:
    """Any way of writing a year as a 4-digit Buddhist-Era year; ValueError otherwise.

    "๒๕๖๖", "พ.ศ. 2566", "66", 66, 2566.0 -> 2566; "2023", 2023, "ค.ศ. 2023" -> 2566.
    """
    if isinstance(value, bool) or value is None:
        raise ValueError(f"not a year: {value!r}")
    if isinstance(value, float):
        if not value.is_integer():
            raise ValueError(f"not a year: {value!r}")
        value = int(value)
    if isinstance(value, int):
        if not 10 <= value <= 9999:
            raise ValueError(f"not a year: {value!r}")
        return _year_from_digits(str(value))
    if not isinstance(value, str):
        raise ValueError(f"not a year: {value!r}")
    text = to_arabic_digits(clean_text(value))
    match = _YEAR_TEXT.fullmatch(text)
    if not match:
        raise ValueError(f"not a year: {value!r}")
    era = _era_of((match.group("label") or "") + " " + (match.group("suffix") or ""))
    return _year_from_digits(match.group("year"), era)


# ---------------------------------------------------------------------------- fiscal years


def fiscal_year_bounds(fiscal_year_be: int) -> tuple[datetime.date, datetime.date]:
    """FY 2566 -> (2022-10-01, 2023-09-30)."""
    ce = be_to_ce(fiscal_year_be)
    return datetime.date(ce - 1, 10, 1), datetime.date(ce, 9, 30)


def fiscal_year_of(day: datetime.date) -> int:
    """The BE fiscal year that contains a (CE) date."""
    return ce_to_be(day.year) + (1 if day.month >= 10 else 0)


def current_fiscal_year(today: datetime.date | None = None) -> int:
    return fiscal_year_of(today or datetime.date.today())


# ---------------------------------------------------------------------------- months

# Each abbreviation as its two parts, so that dots and spaces can go anywhere between them.
_ABBR_PARTS = (
    ("ม", "ค"), ("ก", "พ"), ("มี", "ค"), ("เม", "ย"), ("พ", "ค"), ("มิ", "ย"),
    ("ก", "ค"), ("ส", "ค"), ("ก", "ย"), ("ต", "ค"), ("พ", "ย"), ("ธ", "ค"),
)
# The spoken short forms ("มีนา") and common misspellings of the full names.
_SHORT_TH = (
    ("มกรา",), ("กุมภา",), ("มีนา",), ("เมษา",), ("พฤษภา",), ("มิถุนา",),
    ("กรกฎา", "กรกฏา"), ("สิงหา",), ("กันยา",), ("ตุลา",), ("พฤศจิกา", "พฤศจิ"), ("ธันวา",),
)
_FULL_VARIANTS = {
    2: ("กุมภาพันธ",), 7: ("กรกฏาคม",), 11: ("พฤศจิกายม",),
}
_EN_EXTRA = {9: ("sept",)}

_KIND_FULL, _KIND_SHORT, _KIND_ABBR, _KIND_EN = "full", "short", "abbr", "en"


def _month_keys() -> dict[str, tuple[int, str]]:
    keys: dict[str, tuple[int, str]] = {}
    for i in range(12):
        month = i + 1
        for name in (MONTHS_TH[i], *_FULL_VARIANTS.get(month, ())):
            keys[name] = (month, _KIND_FULL)
        for name in _SHORT_TH[i]:
            keys[name] = (month, _KIND_SHORT)
        keys["".join(_ABBR_PARTS[i])] = (month, _KIND_ABBR)
        for name in (MONTHS_EN[i].lower(), MONTHS_EN_ABBR[i].lower(), *_EN_EXTRA.get(month, ())):
            keys[name] = (month, _KIND_EN)
    return keys


_MONTH_KEYS = _month_keys()
_DOTS_SPACES = re.compile(r"[\s.]+")


def _month_key(text: str) -> tuple[int, str] | None:
    return _MONTH_KEYS.get(_DOTS_SPACES.sub("", text.lower()))


def parse_month(text: str) -> int | None:
    """1..12 from a Thai or English month name or abbreviation, however dotted; else None."""
    if not isinstance(text, str):
        return None
    cleaned = clean_text(text).lower()
    cleaned = re.sub(r"^เดือน\s*", "", cleaned)
    found = _month_key(cleaned)
    return found[0] if found else None


def format_month(ym: YearMonth, lang: str = "th", abbr: bool = True) -> str:
    """"ม.ค. 2566" / "มกราคม 2566"; in English "Jan 2023" / "January 2023" (CE years)."""
    i = ym.month - 1
    if lang == "en":
        return f"{(MONTHS_EN_ABBR if abbr else MONTHS_EN)[i]} {be_to_ce(ym.year)}"
    return f"{(MONTHS_TH_ABBR if abbr else MONTHS_TH)[i]} {ym.year}"


@dataclass(frozen=True, order=True)
class YearMonth:
    """A calendar month with a Buddhist-Era year; orders chronologically."""

    year: int
    month: int

    def __post_init__(self) -> None:
        if not 1 <= self.month <= 12:
            raise ValueError(f"month out of range: {self.month}")

    @classmethod
    def from_date(cls, day: datetime.date) -> YearMonth:
        return cls(ce_to_be(day.year), day.month)

    @classmethod
    def from_index(cls, index: int) -> YearMonth:
        return cls(index // 12, index % 12 + 1)

    @classmethod
    def fiscal_start(cls, fiscal_year: int) -> YearMonth:
        return cls(fiscal_year - 1, 10)

    @classmethod
    def fiscal_end(cls, fiscal_year: int) -> YearMonth:
        return cls(fiscal_year, 9)

    @property
    def index(self) -> int:
        return self.year * 12 + self.month - 1

    @property
    def fiscal_year(self) -> int:
        return self.year + (1 if self.month >= 10 else 0)

    def add_months(self, n: int) -> YearMonth:
        return YearMonth.from_index(self.index + n)

    def to_date_start(self) -> datetime.date:
        return datetime.date(be_to_ce(self.year), self.month, 1)

    def to_date_end(self) -> datetime.date:
        return self.add_months(1).to_date_start() - datetime.timedelta(days=1)

    def __str__(self) -> str:
        return f"{self.year}-{self.month:02d}"


def _implied(month: int, fiscal_year: int) -> YearMonth:
    """The month as it falls inside a fiscal year: Oct-Dec belong to the BE year before."""
    return YearMonth(fiscal_year - 1 if month >= 10 else fiscal_year, month)


# ---------------------------------------------------------------------------- dates

_DMY = re.compile(r"(?<![\d.])(\d{1,2})([/.\-])(\d{1,2})\2(\d{4}|\d{2})(?![\d.]?\d)")
_ISO = re.compile(r"(?<![\d.])(\d{4})-(\d{1,2})-(\d{1,2})(?!\d)")
_DAY_MONTH_YEAR = re.compile(r"(?:วันที่\s*)?(\d{1,2})\s*(.+?)\s*,?\s*(\d{4}|\d{2})")


def _safe_date(year_be: int, month: int, day: int) -> datetime.date | None:
    try:
        return datetime.date(be_to_ce(year_be), month, day)
    except ValueError:
        return None


def parse_date(value: object) -> datetime.date | None:
    """A (CE) date from a cell: "31/01/2570", "2027-01-31", "31 มกราคม 2570", "๓๑ ม.ค. ๗๐"."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = to_arabic_digits(clean_text(value)).lower()
    text = re.sub(r"\s*(?:พ\.?\s*ศ\.?|ค\.?\s*ศ\.?)\s*(?=\d+$)", " ", text).strip()
    try:
        if m := _DMY.fullmatch(text):
            return _safe_date(_year_from_digits(m.group(4)), int(m.group(3)), int(m.group(1)))
        if m := _ISO.fullmatch(text):
            return _safe_date(_year_from_digits(m.group(1)), int(m.group(2)), int(m.group(3)))
        if (m := _DAY_MONTH_YEAR.fullmatch(text)) and (month := parse_month(m.group(2))):
            return _safe_date(_year_from_digits(m.group(3)), month, int(m.group(1)))
    except ValueError:
        return None
    return None


def format_date(day: datetime.date, lang: str = "th", abbr: bool = False) -> str:
    """"31 มกราคม 2570" (BE); in English "31 January 2027"."""
    return f"{day.day} {format_month(YearMonth.from_date(day), lang, abbr)}"




# ---------------------------------------------------------------------------- moments
# One way to show a moment on every surface: Thai time (Asia/Bangkok), Buddhist-Era year,
# day first: "02/12/2569 10:11". JSON carries ISO 8601 with the offset (:func:`iso_moment`).

def _bangkok() -> datetime.tzinfo:
    try:
        from zoneinfo import ZoneInfo

        return ZoneInfo("Asia/Bangkok")
    except Exception:  # no tz database (Windows without tzdata): Thailand keeps +07:00 all year
        return datetime.timezone(datetime.timedelta(hours=7), "ICT")


THAI_TIME: datetime.tzinfo = _bangkok()


def thai_time(moment: datetime.datetime | str | float | None) -> datetime.datetime | None:
    """A moment in Thai time. An ISO text or a POSIX timestamp is read; a moment without an
    offset is taken as this computer's local time (what ``datetime.now()`` and file times
    give). None or unreadable text gives None."""
    if moment is None or moment == "":
        return None
    if isinstance(moment, int | float) and not isinstance(moment, bool):
        return datetime.datetime.fromtimestamp(moment, THAI_TIME)
    if isinstance(moment, str):
        try:
            moment = datetime.datetime.fromisoformat(moment.strip().replace("Z", "+00:00"))
        except ValueError:
            return None
    if not isinstance(moment, datetime.datetime):
        return None
    if moment.tzinfo is None:
        moment = moment.astimezone()  # local time, as Python takes a naive moment
    return moment.astimezone(THAI_TIME)


def format_day(day: datetime.date | datetime.datetime | str | None, lang: str = "th") -> str:
    """"02/12/2569": a day, Buddhist Era, day first (the same in both languages: officers file
    by the Thai year). A moment is first put in Thai time; other text is returned as it is."""
    if isinstance(day, str):
        text = day
        moment = thai_time(text) if ("T" in text or ":" in text) else None
        if moment is not None:
            day = moment.date()
        else:
            try:
                day = datetime.date.fromisoformat(text[:10])
            except ValueError:
                return text
    elif isinstance(day, datetime.datetime):
        day = (thai_time(day) or day).date()
    if day is None:
        return ""
    return f"{day.day:02d}/{day.month:02d}/{ce_to_be(day.year)}"


def format_moment(moment: datetime.datetime | str | float | None, lang: str = "th",
                  seconds: bool = False) -> str:
    """"02/12/2569 10:11" in Thai time ("" for nothing; unreadable text as it is)."""
    t = thai_time(moment)
    if t is None:
        return moment if isinstance(moment, str) else ""
    clock = f"{t.hour:02d}:{t.minute:02d}" + (f":{t.second:02d}" if seconds else "")
    return f"{format_day(t.date(), lang)} {clock}"


def iso_moment(moment: datetime.datetime | str | float | None) -> str:
    """ISO 8601 with the Thai offset, for JSON: "2026-12-02T10:11:00+07:00"."""
    t = thai_time(moment)
    return t.replace(microsecond=0).isoformat() if t is not None else ""


def now_thai() -> datetime.datetime:
    return datetime.datetime.now(THAI_TIME).replace(microsecond=0)


_SHOWN_MOMENT = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?)?")


def parse_moment(text: object) -> datetime.datetime | None:
    """A moment as :func:`format_moment` shows it ("02/12/2569 10:11", Thai time) or as ISO
    text (without an offset: Thai time), back as an aware datetime in Thai time; None
    otherwise."""
    if isinstance(text, datetime.datetime):
        return thai_time(text)
    value = str(text or "").strip()
    if m := _SHOWN_MOMENT.fullmatch(value):
        try:
            year = _year_from_digits(m.group(3))
            return datetime.datetime(be_to_ce(year), int(m.group(2)), int(m.group(1)),
                                     int(m.group(4) or 0), int(m.group(5) or 0),
                                     int(m.group(6) or 0), tzinfo=THAI_TIME)
        except ValueError:
            return None
    try:  # ISO text; without an offset it was written in Thai time, as shown
        moment = datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return thai_time(moment if moment.tzinfo else moment.replace(tzinfo=THAI_TIME))
