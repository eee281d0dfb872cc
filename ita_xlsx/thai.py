"""Thai conventions: digits, text clean-up, Buddhist-Era years, fiscal years, months, timeframes.

Everything here is standard library only: the CLI imports it at start-up.
Fiscal year (ปีงบประมาณ) N runs 1 October N-1 .. 30 September N, years are Buddhist Era
(BE = CE + 543) and two-digit years mean 25xx.
"""

from __future__ import annotations

import datetime
import math
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from numbers import Real

__all__ = [
    "THAI_DIGITS",
    "MONTHS_TH",
    "MONTHS_TH_ABBR",
    "MONTHS_EN",
    "MONTHS_EN_ABBR",
    "TIMEFRAME_REASONS",
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
    "parse_timeframe",
    "describe_timeframe_problem",
]

THAI_DIGITS = "๐๑๒๓๔๕๖๗๘๙"
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

TIMEFRAME_REASONS = ("empty", "no-month", "no-year", "end-before-start", "unrecognised")

# ---------------------------------------------------------------------------- digits

_TO_ARABIC = str.maketrans(THAI_DIGITS, "0123456789")
_TO_THAI = str.maketrans("0123456789", THAI_DIGITS)


def to_arabic_digits(text: str) -> str:
    """๕๙.๑๖ -> 59.16; every other character is left alone."""
    return text.translate(_TO_ARABIC)


def to_thai_digits(text: str) -> str:
    """59.16 -> ๕๙.๑๖; every other character is left alone."""
    return text.translate(_TO_THAI)


# ---------------------------------------------------------------------------- text

# Thai letters, vowels and marks, but not Thai digits: a line break before "๒." starts a new
# numbered item and must stay a space.
_THAI_LETTER = "\u0e01-\u0e4e"
_ZERO_WIDTH = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
# C0 controls that are not whitespace: Excel writers reject them and nobody means them.
_CONTROL = re.compile("[\x00-\x08\x0e-\x1b\x7f]")
_BREAK_IN_THAI = re.compile(f"(?<=[{_THAI_LETTER}])[\r\n\u2028\u2029]+(?=[{_THAI_LETTER}])")
_SPACES = re.compile(r"\s+")
# ำ typed as nikhahit + sara aa (optionally with a tone mark in between) looks right on screen
# but never matches the real ำ in searches or dropdowns.
_SARA_AM = re.compile("\u0e4d([\u0e48-\u0e4b]?)\u0e32")


def _number_text(value: int | float) -> str:
    if isinstance(value, float):
        if math.isnan(value):
            return ""  # pandas reads a blank cell as NaN
        if value.is_integer() and abs(value) < 1e16:
            return str(int(value))
    return str(value)


def clean_text(value: object) -> str:
    """Any cell value as tidy one-line text.

    None -> ""; 92.0 -> "92"; zero-width characters and soft hyphens go; a bare line break
    between two Thai letters goes (Word/PDF copy-paste splits Thai words); other line breaks,
    tabs and NBSP become one space; decomposed ำ is composed; NFC; stripped. Thai digits stay.
    """
    if value is None:
        return ""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return _number_text(value)
    if isinstance(value, datetime.datetime) and value.time() == datetime.time():
        return value.date().isoformat()
    text = value if isinstance(value, str) else str(value)
    text = _ZERO_WIDTH.sub("", text)
    text = _CONTROL.sub("", text)
    text = _BREAK_IN_THAI.sub("", text)  # PDF/Word copy-paste breaks Thai words mid-word
    text = _SARA_AM.sub("\\1\u0e33", text)
    text = unicodedata.normalize("NFC", text)
    return _SPACES.sub(" ", text).strip()


# ---------------------------------------------------------------------------- URLs

_HREF = re.compile(r"""<a\s[^>]*?href\s*=\s*["']?([^"'>]+)""", re.IGNORECASE)
_URL_WRAPPERS = "<>\"'“”‘’«»`"


def clean_url(value: object) -> str:
    """An evidence URL as it was meant: whitespace inside removed, wrappers stripped."""
    text = clean_text(value)
    href = _HREF.search(text)
    if href:  # a pasted HTML anchor: the href is the address
        text = href.group(1)
    text = _SPACES.sub("", text)
    previous = None
    while text != previous:
        previous = text
        text = text.strip(_URL_WRAPPERS).rstrip(".,")
    return text


_LABEL_ASCII = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?")
_URL_FORBIDDEN = set('<>"\\^`{}')


def _valid_label(label: str) -> bool:
    if label.isascii():
        return bool(_LABEL_ASCII.fullmatch(label))
    if label.startswith("-") or label.endswith("-"):
        return False
    if not all(ch == "-" or ch.isascii() and ch.isalnum()
               or unicodedata.category(ch)[0] in "LM" for ch in label):
        return False
    try:
        return 0 < len(label.encode("idna")) <= 63
    except UnicodeError:
        return False


def _valid_host(host: str) -> bool:
    import ipaddress  # only needed when URLs are checked, not at CLI start-up

    if host == "localhost":
        return True
    try:
        ipaddress.ip_address(host.strip("[]"))
        return True
    except ValueError:
        pass
    labels = host[:-1].split(".") if host.endswith(".") else host.split(".")
    if len(labels) < 2 or not all(_valid_label(label) for label in labels):
        return False
    tld = labels[-1]
    # "1.2.3.999" is not an IP and not a name either
    return not tld.isdigit() and (not tld.isascii() or tld.startswith("xn--") or tld.isalpha())


_ASCII_URL_BAD = re.compile(
    "[\\x00-\\x20\\x7f" + "".join(re.escape(c) for c in _URL_FORBIDDEN if c.isascii()) + "]"
)


def is_valid_url(url: str) -> bool:
    """A well-formed http(s) address with a real host and no spaces or control characters.

    Surrounding whitespace is ignored; whitespace *inside* makes the URL invalid, so a raw
    cell with a line break in the address is reported (``clean_url`` gives the fix).
    """
    if not isinstance(url, str):
        return False
    url = url.strip()
    if url.isascii():  # the common case, checked with one regex instead of per character
        if _ASCII_URL_BAD.search(url):
            return False
    elif any(ch.isspace() or unicodedata.category(ch) in ("Cc", "Cf") or ch in _URL_FORBIDDEN
             for ch in url):
        return False
    match = re.match(r"(?i)(https?)://([^/?#]*)", url)
    if not match:
        return False
    authority = match.group(2).rpartition("@")[2]
    host, port = authority, ""
    if not authority.startswith("["):
        host, _, port = authority.partition(":")
    elif "]:" in authority:
        host, _, port = authority.partition("]:")
        host += "]"
    if port and not (port.isdigit() and 0 < int(port) < 65536):
        return False
    if ":" in authority and not port and not authority.startswith("["):
        return False  # "http://host:/"
    return bool(host) and _valid_host(host.lower())


# ---------------------------------------------------------------------------- numbers

_NUMBER = re.compile(
    r"(?:ร้อยละ\s*)?(?P<sign>[+\-\u2212]?)\s*"
    r"(?P<num>(?:(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?)"
    r"\s*(?:คะแนน|%|เปอร์เซ็นต์|points?|pts?\.?)?",
    re.IGNORECASE,
)
_BLANK_MARKS = {"-", "–", "—", "−"}  # a dash in a Thai form cell means "nothing here"


def parse_number(value: object) -> float | None:
    """A score or amount as float; None when blank; ValueError when not a number.

    Thai digits, a trailing "คะแนน"/"%", a leading "ร้อยละ" and thousands commas ("1,234.5")
    are accepted. "92,11" is rejected rather than read as 9211.
    """
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueError(f"not a number: {value!r}")
    if isinstance(value, (Real, Decimal)):
        number = float(value)
        if math.isnan(number):
            return None
        if math.isinf(number):
            raise ValueError(f"not a finite number: {value!r}")
        return number
    text = to_arabic_digits(clean_text(value))
    if not text or text in _BLANK_MARKS:
        return None
    match = _NUMBER.fullmatch(text)
    if not match:
        raise ValueError(f"not a number: {text!r}")
    number = float(match.group("num").replace(",", ""))
    return -number if match.group("sign") in ("-", "\u2212") else number


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
    kind: str  # "range", "single", "deadline" or "from"
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
    r"(?:ตลอด\s*(?:ทั้ง\s*)?ปี|ทั้ง\s*ปี|ปี\s*งบ|ทุก\s*เดือน"
    r"|ทุก\s*ไตรมาส|(?<![a-z])fy\s*\d|fiscal\s+year|(?:whole|full|entire|all)\s+year|throughout)"
)
_FY_LABELLED = re.compile(
    r"(?:ปี\s*งบ(?:\s*ประมาณ)?|(?<![a-z])fy)\s*(?:พ\.?\s*ศ\.?)?\s*(\d{4}|\d{2})(?!\d)"
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
        if _DEADLINE_BEFORE.search(before):
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
