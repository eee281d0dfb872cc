"""The rows of the report's stacked sheets (every organisation's rows one under another):
each row's cells, height and links, made the same way in the writer's process or in a
worker.

A country's report has ~400,000 measure and result rows, the largest part of writing it.
Those two sheets are made by two workers (``Making``, through the sandbox that reads
returns) while the writer writes the other sheets: each worker writes its sheet's row XML to
a file in the writer's scratch folder, and the writer splices the files in
(``FastSheet.splice``). Both paths run the same
code on the same values, so the report is the same to the byte (a test compares them).
"""

from __future__ import annotations

import gc
import math
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ita_xlsx.make.fast_sheet import row_xml
from ita_xlsx.make.print_layout import lines_for, row_height
from ita_xlsx.thai import is_valid_url
from ita_xlsx.thai.values import split_urls

FONT_SIZE = 14  # the report's text (titles 18)
MAX_LINKS = 65_000  # Excel allows 65,530 hyperlinks per sheet; past that, plain text
MAX_URL = 2079  # Excel's limit for a link; longer stays text
JUDGED = "\0urls-judged"  # a stacked row's mark: no column has this key
# From this many rows in the two sheets, workers make them (below it, starting the workers
# costs more than it saves).
PARALLEL_ROWS = 20_000


def link_target(v: str, judged: bool = False) -> str | None:
    """The first URL of a cell when it is a well-formed http(s) URL, else None.
    ``judged``: every URL of the cell was found well-formed where the return was read
    (``JUDGED``), so it is not judged again."""
    parts = v.split()
    url = parts[0] if parts else ""
    if len(url) > MAX_URL or not url.lower().startswith(("http://", "https://")):
        return None
    if judged and split_urls(url) == [url]:  # one of the URLs judged when it was read
        return url
    return url if is_valid_url(url) else None


class RowMaker:
    """The cells of a table's rows: text wrapped when longer than its column (and the row as
    tall as it needs), numbers of rows centred, yes/no in the report's language, the first
    ``MAX_LINKS`` well-formed URLs of the link column as links. ``styles`` holds what each
    cell kind is written with: XlsxWriter formats in the writer, their style attributes
    (``' s="3"'``) in a worker."""

    def __init__(self, keys: Sequence[str], widths: Sequence[float], printed: int,
                 link_col: int, styles: dict[str, Any], yes: str, no: str):
        self.keys, self.widths, self.printed, self.link_col = list(keys), list(widths), printed, link_col
        self.text, self.wrap = styles["text"], styles["wrap"]
        self.link, self.center = styles["link"], styles["center"]
        self.yes, self.no = yes, no
        self.links = 0
        self.one_line = row_height(FONT_SIZE)

    def row(self, values: dict) -> tuple[list[tuple[int, object, Any]], list[tuple[int, str]], float]:
        """(cells, links, height) of one row: cells are (column, value, style)."""
        cells: list[tuple[int, object, Any]] = []
        row_links: list[tuple[int, str]] = []
        widths, printed, link_col = self.widths, self.printed, self.link_col
        text, wrap, center = self.text, self.wrap, self.center
        need = 0.0  # the most characters per width unit a wrapped cell of the row holds
        for c, key in enumerate(self.keys):
            v = values.get(key)
            if v is None or v == "":
                continue
            kind = type(v)
            if kind is str:
                if c == link_col and self.links < MAX_LINKS and (url := link_target(
                        v, values.get(JUDGED) is True)):
                    cells.append((c, v, self.link))
                    row_links.append((c, url))
                    self.links += 1
                elif len(v) > widths[c] and c < printed:  # longer than its column: wrapped
                    cells.append((c, v, wrap))
                    # Arithmetic only: this runs for millions of cells. A line break
                    # counts as a line's worth of characters.
                    need = max(need, (len(v) + v.count("\n") * widths[c]) / widths[c])
                else:
                    cells.append((c, v, text))
            elif kind is int:  # numbers of rows and indicators (ข้อ): centred, apart
                cells.append((c, v, center))  # from the text beside them
            elif kind is float and math.isfinite(v):
                cells.append((c, v, text))
            elif kind is bool:
                cells.append((c, self.yes if v else self.no, text))
            else:
                cells.append((c, str(v), text))
        # Rows are as tall as their printed cells need; the columns after (file names…)
        # stay one line, so a long path does not make every row of the page tall.
        return cells, row_links, row_height(FONT_SIZE, lines_for(need)) if need else self.one_line


# An organisation's part of a stacked sheet: code, name, file, the report it came through,
# and its rows (measures or results).
Part = tuple[str, str, str, str, Sequence[dict]]


def stacked_rows(parts: Iterable[Part], shown: Sequence[tuple[str, dict]]) -> Iterator[dict]:
    """Every organisation's rows, choices by their labels (``shown``: column, value -> label),
    each with the organisation's code, name and file."""
    for code, name, source, via, rows in parts:
        for rec in rows:
            row = dict(rec)
            for key, labels in shown:
                v = row.get(key)
                if v is not None:
                    row[key] = labels.get(str(v), v)
            row.update(org_code=code, org_name=name, source_file=rec.get("source_file") or source)
            # a return's URLs were judged by the worker that read it; a loaded report's
            # "yes" is only what that file says
            row[JUDGED] = not via and rec.get("evidence_ok") is True
            yield row


@dataclass
class SheetJob:
    """What a worker needs to make one stacked sheet's rows."""

    out: str  # the XML file to write (in the writer's scratch folder)
    parts: list[Part]
    shown: list[tuple[str, dict]]
    maker: RowMaker  # with the cells' style attributes, no link made yet
    first_row: int  # 0-based row of the heading; rows follow it


@dataclass
class Rendered:
    """A sheet's rows, made: the XML file, the rows it spans (0-based), the first and last
    row with cells and the columns they reach, and the links to register."""

    out: str
    last_row: int
    cells: tuple[int, int, int, int] | None = None  # first row, last row, min col, max col
    links: list[tuple[int, int, str]] = field(default_factory=list)


def render_sheet(job: SheetJob) -> Rendered:
    """In a worker (or in the writer): one stacked sheet's row XML, written to ``job.out``."""
    maker = job.maker
    links: list[tuple[int, int, str]] = []
    first = last = lo = hi = -1
    r = job.first_row
    with Path(job.out).open("w", encoding="utf-8", newline="") as fh:
        for values in stacked_rows(job.parts, job.shown):
            r += 1
            cells, row_links, height = maker.row(values)
            fh.write(row_xml(r, cells, height))
            links += [(r, c, url) for c, url in row_links]
            if cells:
                first = r if first < 0 else first
                last = r
                lo = min(cells[0][0], lo) if lo >= 0 else cells[0][0]
                hi = max(cells[-1][0], hi)
    return Rendered(job.out, r, (first, last, lo, hi) if first >= 0 else None, links)


class Making:
    """The sheets being made by workers, one each, while the writer writes the others."""

    def __init__(self, jobs: list[SheetJob]):
        from ita_xlsx.intake.sandbox import Budget, Started

        budget = Budget(memory=2048 * 1024 * 1024, seconds=900.0)
        # A forked worker shares the writer's heap (every return of the round): frozen, the
        # worker's garbage collector leaves it alone instead of copying it page by page.
        self.started: list[Started | None] = []
        gc.freeze()
        try:
            for job in jobs:
                try:
                    self.started.append(Started(render_sheet, job, budget))
                except (OSError, RuntimeError):  # no process to be had: the writer makes it
                    self.started.append(None)
        finally:
            gc.unfreeze()

    def result(self, i: int) -> Rendered | None:
        """Sheet ``i`` as its worker made it; None when it failed (the writer makes it)."""
        started = self.started[i]
        return started.result(lambda *_: None) if started is not None else None

    def cancel(self) -> None:
        for s in self.started:
            if s is not None:
                s.cancel()
