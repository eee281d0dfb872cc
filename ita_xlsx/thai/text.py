"""Thai text: digits, clean-up of typed text and numbers as officers type them.

Standard library only: the CLI imports it at start-up.
"""

from __future__ import annotations

import datetime
import math
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from numbers import Real

THAI_DIGITS = "๐๑๒๓๔๕๖๗๘๙"

# ---------------------------------------------------------------------------- digits

_TO_ARABIC = str.maketrans(THAI_DIGITS, "0123456789")
_TO_THAI = str.maketrans("0123456789", THAI_DIGITS)


_HAS_THAI_DIGIT = re.compile(f"[{THAI_DIGITS}]")


def to_arabic_digits(text: str) -> str:
    """๕๙.๑๖ -> 59.16; every other character is left alone."""
    # translate() looks every character up; most text has no Thai digit, found at C speed
    return text.translate(_TO_ARABIC) if _HAS_THAI_DIGIT.search(text) else text


def to_thai_digits(text: str) -> str:
    """59.16 -> ๕๙.๑๖; every other character is left alone."""
    return text.translate(_TO_THAI)


# ---------------------------------------------------------------------------- text

# Thai letters, vowels and marks, but not Thai digits: a line break before "๒." starts a new
# numbered item and must stay a space.
_THAI_LETTER = "\u0e01-\u0e4e"
_ZERO_WIDTH = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
# Bidirectional controls (marks, embeddings, overrides, isolates): invisible, and an override
# makes text show in another order than it is stored ("6560102" shown for 2010656).
_BIDI = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
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

    None -> ""; 92.0 -> "92"; zero-width characters, bidirectional controls and soft hyphens go; a bare line break
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
    if (text.isprintable() and text == text.strip() and "  " not in text
            and "\u0e4d" not in text and unicodedata.is_normalized("NFC", text)):
        return text  # already clean, as most cells are: nothing below would change it
    text = _ZERO_WIDTH.sub("", text)
    text = _BIDI.sub("", text)
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
    if value.isprintable() and value.strip():
        return value  # no control or zero-width character, and something to read
    if not clean_text(value):
        return ""
    return _CONTROL.sub("", _ZERO_WIDTH.sub("", value))


# ---------------------------------------------------------------------------- codes

# What an organisation code may be once normalised (also the rule of the organisation list).
PLAIN_CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
_OVERRIDE_END = "\u202c\u2069"  # PDF (pop directional formatting), PDI (pop isolate)


@dataclass(frozen=True)
class OrgCode:
    """An organisation code as read: ``code`` is what every comparison and display uses."""

    code: str
    plain: bool  # letters, digits, ". _ -" only, and shown on screen as it is stored
    shown: str = ""  # how a screen shows it, when a right-to-left override reorders it


def read_code(value: object) -> OrgCode:
    """The one place an organisation code is normalised (workbooks, lists, file names, mail).

    Any decimal digit (Thai ๖, Arabic-Indic ٦, full-width ６ ...) becomes ASCII, full-width
    letters become ASCII (NFKC), invisible characters (zero-width, bidirectional controls,
    soft hyphen) and spaces go. A right-to-left override shows the characters after it in
    reverse: when that changes what a person sees, the code is not plain (the officer would
    read another organisation's code).
    """
    if value is None:
        return OrgCode("", False)
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e16:
        value = int(value)  # a code typed into a number cell
    raw = unicodedata.normalize("NFKC", str(value))
    shown = _as_shown(raw)
    code = _code_chars(raw)
    shown_code = _code_chars(shown) if shown != raw else code
    plain = bool(PLAIN_CODE.fullmatch(code)) and shown_code == code
    return OrgCode(code, plain, shown_code if shown_code != code else "")


def normalise_code(value: object) -> str:
    """``read_code(value).code``: the code to compare, store and show."""
    return read_code(value).code


def fold_code_text(text: str) -> str:
    """Text that may hold a code (a file name, a mail subject) as ``read_code`` sees it, spaces
    kept: any decimal digit as ASCII, full-width forms folded, invisible characters removed."""
    return "".join(_fold(unicodedata.normalize("NFKC", text), keep_spaces=True))


def _code_chars(text: str) -> str:
    return "".join(_fold(text, keep_spaces=False))


def _fold(text: str, keep_spaces: bool):
    for ch in text:
        kind = unicodedata.category(ch)
        if kind == "Nd":
            yield str(unicodedata.digit(ch))
        elif kind in ("Cf", "Cc") and not (keep_spaces and ch in "\t\n\r"):
            continue  # invisible: zero-width, bidirectional and other format controls
        elif ch.isspace() or kind in ("Zs", "Zl", "Zp"):
            if keep_spaces:
                yield " "
        else:
            yield ch


def _as_shown(text: str) -> str:
    """``text`` with each right-to-left override span (U+202E up to its PDF, or the end)
    reversed, as a screen shows it (codes hold no right-to-left letters of their own)."""
    if "\u202e" not in text:
        return text
    out, i = [], 0
    while i < len(text):
        start = text.find("\u202e", i)
        if start < 0:
            out.append(text[i:])
            break
        out.append(text[i:start])
        end = next((j for j in range(start + 1, len(text)) if text[j] in _OVERRIDE_END),
                   len(text))
        out.append(text[start + 1:end][::-1])
        i = end + 1
    return "".join(out)


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
    if math.isinf(number):  # "1e309"
        raise ValueError(f"not a finite number: {text!r}")
    return -number if match.group("sign") in ("-", "\u2212") else number


