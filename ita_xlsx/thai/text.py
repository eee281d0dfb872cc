"""Thai text: digits, clean-up of typed text and numbers as officers type them.

Standard library only: the CLI imports it at start-up.
"""

from __future__ import annotations

import datetime
import math
import re
import unicodedata
from decimal import Decimal
from numbers import Real

THAI_DIGITS = "๐๑๒๓๔๕๖๗๘๙"

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


def typed_text(value: str) -> str:
    """Text as the organisation typed it, for showing and writing: line breaks, spacing and
    the Thai words kept. Only what no one sees and no file format can hold goes (zero-width
    characters, C0 controls). Blank ("" or whitespace only) gives "". Compare and check with
    :func:`clean_text`, never with this."""
    if not clean_text(value):
        return ""
    return _CONTROL.sub("", _ZERO_WIDTH.sub("", value))


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


