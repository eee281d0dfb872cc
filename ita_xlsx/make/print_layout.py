"""Paper for the workbooks this tool writes (XlsxWriter): Thai row heights, A4 scaling that
stays readable, Buddhist-Era dates and Thai labels for what machines store as keys.

Why: printed through Excel or LibreOffice, a sheet fitted to one page wide shrinks to
whatever fits (a 19-column summary printed at about half size), rows at the default height
clip Thai upper vowels and tone marks, and ISO dates and English keys (`plan`, `error`) are not
what a Thai officer files.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence

from ita_xlsx.core.vocabulary import ROUNDS, SEVERITIES, label

A4 = 9  # XlsxWriter's paper code
PAGE_PT = {"landscape": 842.0, "portrait": 595.0}  # A4 width in points
PAGE_HEIGHT_PT = {"landscape": 595.0, "portrait": 842.0}
MARGIN_TB_IN = 0.6  # top and bottom margins, inches
MARGIN_IN = 0.4  # left and right margins, inches
MIN_SCALE = 70  # below this Thai at 14 pt is too small to read on paper
# Thai characters (marks not counted) a width unit holds at 14 pt: TH Sarabun New fits more,
# Laksaman (its stand-in where it is not installed) fewer; a row a little tall beats one cut.
CHARS_PER_UNIT = 0.9
# Pixels per width unit: Excel with Calibri 11 draws 7; LibreOffice without Calibri draws up
# to 10. The larger, so a sheet judged to fit at a readable scale does so in both.
COL_PX = 10


def row_height(font_size: float, lines: int = 1) -> float:
    """Points for ``lines`` lines of Thai at ``font_size``: Thai stacks vowels and tone marks
    above and below the line, so it needs about 1.7 times the size (Latin needs 1.3)."""
    return min(409.0, math.ceil(font_size * 1.7) * max(1, lines) + 2)


def width_points(widths: Sequence[float]) -> float:
    """Printed width of columns given in Excel width units."""
    return sum((w * COL_PX + 5) * 0.75 for w in widths if w)


def fit_scale(widths: Sequence[float], orientation: str = "landscape") -> int:
    """The scale (%) that fits these columns on one A4 page wide, at most 100."""
    printable = PAGE_PT[orientation] - 2 * 72 * MARGIN_IN
    return max(10, min(100, int(printable / max(width_points(widths), 1.0) * 100)))


def fits_one_page(widths: Sequence[float], height_pt: float,
                  orientation: str = "landscape") -> bool:
    """Whether a sheet this wide and ``height_pt`` tall prints on one A4 page at
    ``MIN_SCALE`` or more."""
    tall = (PAGE_HEIGHT_PT[orientation] - 2 * 72 * MARGIN_TB_IN) * 100 / max(height_pt, 1.0)
    return min(fit_scale(widths, orientation), tall) >= MIN_SCALE


def pages_wide(widths: Sequence[float], scale: float, orientation: str = "landscape",
               repeat: int = 0) -> int:
    """Pages across that the columns take at ``scale`` %: a column is never cut, and from the
    second page on the first ``repeat`` columns are printed again before the rest."""
    room = (PAGE_PT[orientation] - 2 * 72 * MARGIN_IN) * 100 / scale
    again = width_points(widths[:repeat])
    pages, used = 1, 0.0
    for w in widths:
        pt = width_points([w])
        if used and used + pt > room:
            pages, used = pages + 1, again
        used += pt
    return pages


def setup_page(ws, widths: Sequence[float], *, title_rows: tuple[int, int] | None = None,
               repeat_columns: tuple[int, int] | None = None, orientation: str = "auto",
               footer: str = "") -> int:
    """A4, readable: fitted to one page wide when that keeps the scale at or above
    ``MIN_SCALE`` (portrait if it fits at 90 %, else landscape); otherwise landscape, fitted
    to the fewest pages wide that keep that scale, with ``repeat_columns`` (e.g. code and
    name) on every page. Returns the (estimated) scale."""
    ws.set_paper(A4)
    ws.set_margins(left=MARGIN_IN, right=MARGIN_IN, top=MARGIN_TB_IN, bottom=MARGIN_TB_IN)
    if orientation == "auto":
        orientation = "portrait" if fit_scale(widths, "portrait") >= 90 else "landscape"
    if orientation == "landscape":
        ws.set_landscape()
    else:
        ws.set_portrait()
    scale = fit_scale(widths, orientation)
    if scale >= MIN_SCALE:
        ws.fit_to_pages(1, 0)  # the application works out the exact scale: never cut
    else:
        # N pages wide, not a fixed scale: no last column of pages holding one column. The
        # application takes the largest scale at which the columns fit in N pages, whole
        # columns a page and the repeated ones again on each: so is N chosen here.
        repeat = repeat_columns[1] + 1 if repeat_columns else 0
        pages = pages_wide(widths, MIN_SCALE, orientation, repeat)
        ws.fit_to_pages(pages, 0)
        scale = next(s for s in range(100, MIN_SCALE - 1, -1)
                     if pages_wide(widths, s, orientation, repeat) <= pages)
        if repeat_columns:
            ws.repeat_columns(*repeat_columns)
    if title_rows:
        ws.repeat_rows(*title_rows)
    if footer:
        ws.set_footer(footer)
    return scale


def be_date(value: object) -> str:
    """A day ("2027-01-25", a date) -> "25/01/2570"; a moment (ISO with a time, a datetime)
    -> "25/01/2570 10:11" in Thai time (the one formatter, ``thai.dates``); other text
    unchanged."""
    from ita_xlsx.thai.dates import format_day, format_moment

    if isinstance(value, dt.datetime):
        return format_moment(value)
    if isinstance(value, dt.date):
        return format_day(value)
    text = "" if value is None else str(value)
    if len(text) > 10 and text[4:5] == "-":
        return format_moment(text)
    return format_day(text) if text[4:5] == "-" else text


def round_label(key: object, lang: str = "th") -> str:
    return label(ROUNDS, key, lang)


def severity_label(key: object, lang: str = "th") -> str:
    return label(SEVERITIES, key, lang)


# Thai vowels and tone marks written above or below a consonant take no width of their own.
_NO_WIDTH = dict.fromkeys(map(ord, "\u0e31\u0e34\u0e35\u0e36\u0e37\u0e38\u0e39\u0e3a"
                                   "\u0e47\u0e48\u0e49\u0e4a\u0e4b\u0e4c\u0e4d\u0e4e"))


def _base_chars(text: str) -> int:
    """Characters that take width (str.translate: the report measures millions of cells)."""
    return len(text.translate(_NO_WIDTH))


def lines_for(chars_per_unit: float, font_size: float = 14) -> int:
    """Lines for text of ``chars_per_unit`` characters per width unit of its column, counted
    with its vowel and tone marks (about a sixth of Thai text)."""
    return max(1, math.ceil(chars_per_unit / (CHARS_PER_UNIT * 1.15 * 14 / font_size)))


def text_lines(value: object, width: float, font_size: float = 14) -> int:
    """Lines a wrapped cell of ``width`` (Excel units) needs for ``value`` at ``font_size``."""
    if value in (None, ""):
        return 1
    per_line = max(1, int(width * CHARS_PER_UNIT * 14 / font_size))
    return sum(max(1, -(-_base_chars(part) // per_line)) for part in str(value).split("\n"))
