"""The one place that drives XlsxWriter's private members: a worksheet that writes plain rows
straight to its XML (constant-memory mode only), for the consolidated report's stacked sheets.

XlsxWriter's own path costs ~7 µs a cell; a country's report has ~6 million cells, so rows are
written here at ~1.5 µs a cell, keeping to the same XML and bookkeeping as XlsxWriter's
``_write_single_row`` (the dimensions, the previous row, hyperlinks). Private members can change
in any release, so the fast path runs only on the XlsxWriter versions it was checked against
(``TESTED``, the same bound as ``pyproject.toml``) and only when every member it needs exists;
otherwise each cell goes through the public ``write_string``/``write_number``/``write_url``.
A test compares the sheet XML of both paths.
"""

from __future__ import annotations

import functools
import math
import re
import shutil

import xlsxwriter
from xlsxwriter.utility import xl_rowcol_to_cell_fast
from xlsxwriter.worksheet import Worksheet

# XlsxWriter versions the fast path was checked against: [lower, upper). pyproject.toml
# allows the same range (a test keeps the two equal).
TESTED = ((3, 2), (3, 4))
_MEMBERS = ("_write_single_row", "_escape_control_characters", "_check_dimensions",
            "ignore_write_string", "fh")

_NEEDS_CONTROL_ESCAPE = re.compile(r"[\x00-\x08\x0b-\x1f]|_x[0-9a-fA-F]{4}_")
_NEEDS_XML_ESCAPE = re.compile(r"[&<>]")
# a character class alone: scanned at C speed (an alternation beside it makes the engine try
# every position); "_x" is looked for apart, as plain text
_NEEDS_CHAR_ESCAPE = re.compile(r"[\x00-\x08\x0b-\x1f&<>]")


@functools.cache
def _column(col: int) -> str:
    """Column letters of a 0-based column (A, B, ... XFD)."""
    return xl_rowcol_to_cell_fast(0, col)[:-1]


def _number_text(value: float) -> str:
    return {"nan": "NaN", "inf": "INF", "-inf": "-INF"}.get(str(value), str(value))


def _version(text: str) -> tuple[int, ...]:
    return tuple(int(p) for p in re.findall(r"\d+", text)[:2])


def version_tested(version: str = xlsxwriter.__version__) -> bool:
    return TESTED[0] <= _version(version) < TESTED[1]


def style_attribute(fmt) -> str:
    """A format's style attribute of a cell (`` s="3"``), fixing its index if not yet fixed."""
    return f' s="{fmt._get_xf_index()}"' if fmt is not None else ""


def row_xml(row: int, cells, height: float | None = None) -> str:
    """The XML of one row (0-based ``row``) as XlsxWriter writes it: cells are (col,
    str|int|float, style attribute). Text is written inline, escaped as XlsxWriter escapes it.
    A plain function, so that a worker can make a sheet's rows without a workbook."""
    ht = f' ht="{height:g}" customHeight="1"' if height else ""
    number = str(row + 1)
    out = [f'<row r="{number}"{ht}>']
    for col, value, style in cells:
        ref = _column(col) + number
        if type(value) is str:
            text = value[:32767]
            if _NEEDS_CHAR_ESCAPE.search(text) or "_x" in text:  # the rare cell that needs it
                if _NEEDS_CONTROL_ESCAPE.search(text):
                    text = Worksheet._escape_control_characters(text)
                if _NEEDS_XML_ESCAPE.search(text):
                    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            keep = ' xml:space="preserve"' if text[:1].isspace() or text[-1:].isspace() else ""
            out.append(f'<c r="{ref}"{style} t="inlineStr"><is><t{keep}>{text}</t></is></c>')
        else:
            out.append(f"<c r=\"{ref}\"{style}><v>{value:.16G}</v></c>")
    out.append("</row>")
    return "".join(out)


class FastSheet(Worksheet):
    """A worksheet with ``append_row``: the fast path where it is safe, the public one else."""

    fast = version_tested()  # per class; a sheet also checks its own members when it starts

    def __init__(self) -> None:
        super().__init__()
        self._styles: dict[object, str] = {}  # format -> its ' s="n"' attribute, made once

    def append_row(self, row: int, cells: list[tuple[int, object, object]], links=(),
                   height: float | None = None) -> None:
        """Write ``row`` (0-based): cells are (col, str|int|float, format); ``links`` are
        (col, url) for cells that also carry a hyperlink; ``height`` in points (Thai text
        needs taller rows than the default)."""
        # a number Excel cannot store (NaN, infinity) is written as the text it is
        cells = [(c, _number_text(v) if isinstance(v, float) and not math.isfinite(v) else v, f)
                 for c, v, f in cells]
        if self.fast and all(hasattr(self, m) for m in _MEMBERS):
            self._append_fast(row, cells, links, height)
        else:
            self._append_public(row, cells, links, height)

    def _append_public(self, row: int, cells, links, height: float | None = None) -> None:
        if height:
            self.set_row(row, height)
        linked = dict(links)
        for col, value, fmt in cells:
            if col in linked:
                self.write_url(row, col, linked[col], fmt, str(value))
            elif type(value) is str:
                self.write_string(row, col, value, fmt)
            else:
                self.write_number(row, col, value, fmt)

    def _append_fast(self, row: int, cells, links, height: float | None = None) -> None:
        self._write_single_row(row)  # flush any row written the usual way; previous_row = row
        styles = self._styles
        styled = []
        for col, value, fmt in cells:
            style = styles.get(fmt)
            if style is None:
                style = styles[fmt] = style_attribute(fmt)
            styled.append((col, value, style))
        self.fh.write(row_xml(row, styled, height))
        for col, url in links:
            # Register the link only; the cell itself was written above.
            self.ignore_write_string = True
            try:
                self.write_url(row, col, url)
            finally:
                self.ignore_write_string = False
        if cells:
            cols = [c for c, _, _ in cells]
            self._check_dimensions(row, min(cols))
            self._check_dimensions(row, max(cols))

    def splice(self, rows_file: str, first: int, last: int,
               cells: tuple[int, int, int, int] | None, links) -> None:
        """Rows ``first``..``last`` (0-based) whose XML was made elsewhere with ``row_xml``
        (``rows_file``), with the bookkeeping ``append_row`` does for each: the sheet's
        dimensions (``cells``: the first and last row with cells, the columns they reach)
        and the links (row, col, url), registered in row order."""
        self._write_single_row(first)  # the heading row written before goes out first
        # as bytes, under the sheet's text file (flushed first): both are UTF-8, and a
        # decoded copy of a country's rows would cost seconds
        self.fh.flush()
        with open(rows_file, "rb") as src:
            shutil.copyfileobj(src, self.fh.buffer, 1 << 20)
        if cells is not None:
            self._write_single_row(cells[0])
            self._check_dimensions(cells[0], cells[2])
        for row, col, url in links:
            self._write_single_row(row)
            self.ignore_write_string = True
            try:
                self.write_url(row, col, url)
            finally:
                self.ignore_write_string = False
        if cells is not None:
            self._write_single_row(cells[1])
            self._check_dimensions(cells[1], cells[3])
        self._write_single_row(last)
