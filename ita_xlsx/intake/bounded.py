"""Open a returned workbook with its size known before anything is expanded.

The pre-flight (safety.py) looks at the container; this module looks at the sheets, cheaply,
before the spreadsheet reader allocates anything:

* .xlsx: every member is inflated here, measured as it inflates (never trusting the declared
  size), and the reader gets an uncompressed copy of what was measured. Each sheet's cells are
  located from their references: a few stray cells far outside the area a return can use are
  dropped from the copy (one warning names the first), many are refused. Shared-string counts
  that the part cannot hold are refused.
* .ods: content.xml is read here with expat into rows, repeat counts checked against the area
  before anything is repeated (LibreOffice's trailing empty repeats cost nothing), so Gnumeric's
  pretty-printed files read too.
* .xls: the BIFF cell records are located before the reader allocates the sheet grid.

The result has the reader's interface (``sheet_names``, ``get_sheet_by_name(name).to_python()``,
``close()``) so read.py does not care which path a file took.
"""

from __future__ import annotations

import datetime as dt
import html
import io
import re
import struct
import xml.parsers.expat
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ita_xlsx.core.errors import ItaError
from ita_xlsx.intake.safety import (
    _ZIP_ERRORS,
    LIMITS,
    Limits,
    _Cfb,
    _damaged,
    _finding,
    _Refuse,
    _unsafe,
)
from ita_xlsx.intake.zips import MemberTooLarge, Parts, open_zip, read_member

if TYPE_CHECKING:  # a run-time import would be a cycle (catalogue <- engine <- read)
    from ita_xlsx.core.findings import Finding


@dataclass(frozen=True)
class Area:
    """The part of a sheet a return (or a consolidated report) can sensibly use."""

    max_rows: int = 50_000  # the template's rows plus room for pasted rows
    max_cols: int = 256  # column IV
    max_cells: int = 2_000_000  # rows x columns of one sheet's grid (about 64 MB in the reader)
    max_outside: int = 100  # stray cells beyond the area dropped with a warning; more: refused


AREA = Area()


class Refused(ItaError):
    """A workbook refused before expansion; ``finding`` is what the file gets."""

    def __init__(self, finding: Finding):
        super().__init__(finding.message("th"), finding.message("en"))
        self.finding = finding

    def __reduce__(self):  # raised in a worker, re-raised in the parent: pickled by its finding
        return (Refused, (self.finding,))


@dataclass
class Opened:
    """A workbook ready for read.py, and what was noticed on the way (warnings)."""

    book: Any  # a python_calamine.CalamineWorkbook, or the .ods reader's stand-in
    findings: list[Finding] = field(default_factory=list)


def column_name(col: int) -> str:
    """1 -> A, 16384 -> XFD."""
    name = ""
    while col > 0:
        col, rem = divmod(col - 1, 26)
        name = chr(65 + rem) + name
    return name


def _col_number(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n


def _outside_warning(sheet: str, first: str, count: int) -> Finding:
    th = f"แผ่นงาน {sheet} มีข้อมูล {count:,} เซลล์อยู่นอกพื้นที่แบบฟอร์ม เช่น {first} ซึ่งไม่ได้อ่าน"
    en = f"sheet {sheet} has {count:,} cell(s) outside the form's area, e.g. {first}; not read"
    return _finding("cells-outside", th, en)


def _too_many_outside(sheet: str, first: str, count: str) -> _Refuse:
    return _unsafe(f"แผ่นงาน {sheet} มีข้อมูลนอกพื้นที่แบบฟอร์ม {count} เซลล์ เช่น {first}",
                   f"sheet {sheet} has {count} cells outside the form's area, e.g. {first}")


def _too_large(sheet: str, rows: int, cols: int, area: Area) -> _Refuse:
    return _unsafe(
        f"แผ่นงาน {sheet} ใหญ่เกินไป {rows:,} แถว x {cols:,} คอลัมน์ สูงสุด {area.max_cells:,} เซลล์",
        f"sheet {sheet} is too large: {rows:,} rows x {cols:,} columns, limit "
        f"{area.max_cells:,} cells")


# ---------------------------------------------------------------- entry point


def open_workbook(path: Path, kind: str, limits: Limits = LIMITS, area: Area = AREA,
                  parts: dict[str, bytes] | None = None) -> Opened:
    """The workbook at ``path`` (already through pre-flight) with its extent checked.

    Raises Refused with one finding for a file that cannot be read within the area.
    """
    try:
        if kind == "xlsx":
            return _open_xlsx(Path(path), limits, area, parts or {})
        if kind == "ods":
            return _open_ods(Path(path), area)
        if kind == "xls":
            return _open_xls(Path(path), limits, area)
    except _Refuse as refused:
        raise Refused(refused.finding) from None
    except _ZIP_ERRORS as exc:
        raise Refused(_damaged(f"ZIP, {type(exc).__name__}").finding) from None
    raise Refused(_finding("file-unreadable", "ไม่ใช่ไฟล์ตารางคำนวณ", "not a spreadsheet"))


# ---------------------------------------------------------------- .xlsx

# parts no reader needs: pictures, embedded files, printer settings, macros
_SKIP_PARTS = ("xl/media/", "xl/embeddings/", "xl/printersettings/", "xl/activex/",
               "xl/diagrams/", "customxml/")
_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(row|c|sheetData|dimension)\b([^>]*?)(/?)>")
_REF = re.compile(rb'\sr="([A-Z]{1,3})([0-9]{1,7})"')
_ROW_NUM = re.compile(rb'\sr="([0-9]{1,7})"')
_SI = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?si\b")
_UNIQUE = re.compile(rb'\suniqueCount="([0-9]+)"')
_VALUE = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(v|is)\b")
_CELL_END = re.compile(rb"</(?:[A-Za-z_][\w.-]*:)?c>")


def _open_xlsx(path: Path, limits: Limits, area: Area, parts: dict[str, bytes]) -> Opened:
    """Sheets and shared strings are inflated here, measured as they inflate, and checked.
    When a sheet needs cells dropped, the reader gets an uncompressed copy holding exactly
    what was measured; otherwise it reads the file itself (the worker's budget bounds it)."""
    from python_calamine import CalamineWorkbook

    findings: list = []
    changed: dict[str, bytes] = {}
    with open_zip(path) as zin:
        titles = _sheet_titles(zin, limits, parts)
        for info in zin.infolist():
            low = info.filename.lower()
            if low.endswith("sharedstrings.xml"):
                _check_shared_strings(parts.get(info.filename) or _inflate(zin, info, limits))
            elif info.filename in titles or low.startswith("xl/worksheets/"):
                data = parts.get(info.filename) or _inflate(zin, info, limits)
                if b"sheetData" not in data:
                    continue
                bounded, warning = _bound_sheet(data, titles.get(info.filename, info.filename),
                                                area)
                if warning is not None:
                    findings.append(warning)
                if bounded is not data:
                    changed[info.filename] = bounded
        if not changed:
            if path.suffix.lower() in (".xlsx", ".xlsm"):
                return Opened(CalamineWorkbook.from_path(str(path)), findings)
            # calamine picks its reader by the name: a sound .xlsx named .xlsb or .xls would
            # be read as that format and called damaged. The content decided the kind, so
            # hand it the bytes (within the pre-flight's size cap).
            return Opened(CalamineWorkbook.from_filelike(io.BytesIO(path.read_bytes())),
                          findings)
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as zout:
            for info in zin.infolist():
                low = info.filename.lower()
                if info.is_dir() or low.startswith(_SKIP_PARTS) or low.endswith(".bin"):
                    continue
                kept = changed.get(info.filename)
                zout.writestr(info.filename, kept if kept is not None else
                              _inflate(zin, info, limits))
    out.seek(0)
    return Opened(CalamineWorkbook.from_filelike(out), findings)


def _inflate(zf: zipfile.ZipFile, info: zipfile.ZipInfo, limits: Limits) -> bytes:
    """The member, counted as it inflates: more than allowed is refused whatever it declares."""
    try:
        return read_member(zf, info, limits.max_member)
    except MemberTooLarge:
        raise _unsafe(f"รายการ {info.filename[:60]} ขยายแล้วใหญ่เกินไป",
                      f"entry {info.filename[:60]} expands beyond the limit") from None


def _sheet_titles(zf: zipfile.ZipFile, limits: Limits, parts: dict[str, bytes]
                  ) -> dict[str, str]:
    """Part name -> sheet title, for messages (best effort: the part name otherwise)."""
    archive = Parts(zf, parts)
    try:
        book = archive.part("xl/workbook.xml")[: limits.max_small_part]
        rels = archive.part("xl/_rels/workbook.xml.rels")[: limits.max_small_part]
    except KeyError:
        return {}
    targets = {m.group(1): m.group(2) for m in re.finditer(
        rb'<Relationship\b[^>]*?\bId="([^"]+)"[^>]*?\bTarget="([^"]+)"', rels)}
    targets.update({m.group(2): m.group(1) for m in re.finditer(
        rb'<Relationship\b[^>]*?\bTarget="([^"]+)"[^>]*?\bId="([^"]+)"', rels)})
    titles = {}
    for m in re.finditer(rb'<(?:\w+:)?sheet\b[^>]*?\bname="([^"]*)"[^>]*?\br:id="([^"]+)"', book):
        target = targets.get(m.group(2))
        if target:
            part = target.decode("utf-8", "replace").lstrip("/")
            part = part if part.startswith("xl/") else "xl/" + part
            titles[part] = _unescape(m.group(1).decode("utf-8", "replace"))
    return titles


def _unescape(text: str) -> str:
    return html.unescape(text)[:60] if "&" in text else text[:60]


def _check_shared_strings(data: bytes) -> None:
    m = _UNIQUE.search(data[:4096])
    if not m:
        return
    declared = int(m.group(1))
    # the reader reserves room for the declared count before reading a single string
    if declared > len(data) // 7 + 1000:
        actual = len(_SI.findall(data))
        raise _unsafe(f"ตารางข้อความ sharedStrings แจ้งจำนวน {declared:,} รายการ แต่มีจริง {actual:,}",
                      f"sharedStrings declares {declared:,} strings but holds {actual:,}")


# every cell tag's start, with the reference when it comes first (as Excel, LibreOffice and
# every writer we know put it); cells with a namespace prefix are found apart. Two C-speed
# passes over the part (a pattern that allowed a prefix would be tried at every tag).
_CELL_START = re.compile(rb'<c(?=[\s>/])(?:\s+r="([A-Z]{1,3})([0-9]{1,7})")?')
_PREFIXED_CELL = re.compile(rb':c[\s>/]')
_DIMENSION = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?dimension\b[^>]*>")


def _quick_extent(data: bytes) -> tuple[int, int] | None:
    """The last row and column of a sheet whose every cell carries its reference first (the
    usual file); None when some cell does not, or cells have a namespace prefix (then the
    full walk decides)."""
    if _PREFIXED_CELL.search(data):
        return None
    cells = _CELL_START.findall(data)
    if not cells:
        return 0, 0
    letters, digits = zip(*cells, strict=True)
    if b"" in letters:
        return None
    return max(map(int, digits)), max(map(_col_number, set(letters)))


def _bound_sheet(data: bytes, title: str, area: Area) -> tuple[bytes, Finding | None]:
    """Drop cells outside ``area`` (a warning), or refuse; the sheet's grid stays bounded."""
    quick = _quick_extent(data)
    if quick is not None and quick[0] <= area.max_rows and quick[1] <= area.max_cols:
        if quick[0] * quick[1] > area.max_cells:
            raise _too_large(title, quick[0], quick[1], area)
        dim = _find_dimension(data)
        if dim and _dimension_too_large(data, dim.span(), area):
            return data[: dim.start()] + data[dim.end():], None
        return data, None
    return _walk_sheet(data, title, area)


def _find_dimension(data: bytes) -> re.Match[bytes] | None:
    """The first dimension element: the word found at C speed, the tag matched around it
    (a pattern search would try its optional prefix at every tag of the part)."""
    at = data.find(b"dimension")
    while at != -1:
        start = data.rfind(b"<", max(0, at - 64), at)
        hit = _DIMENSION.match(data, start) if start != -1 else None
        if hit is not None and hit.end() > at:
            return hit
        at = data.find(b"dimension", at + 1)
    return None


def _walk_sheet(data: bytes, title: str, area: Area) -> tuple[bytes, Finding | None]:
    """Every row and cell tag in order (cells without a reference follow the previous one)."""
    cuts: list[tuple[int, int]] = []  # byte ranges to remove
    outside, first = 0, ""
    max_row = max_col = 0
    row = col = 0
    in_data = False
    dimension: tuple[int, int] | None = None
    for m in _TAG.finditer(data):
        name, attrs, closed = m.group(1), m.group(2), m.group(3)
        if name == b"sheetData":
            in_data = not closed and not in_data
            continue
        if name == b"dimension":
            dimension = (m.start(), m.end())
            continue
        if not in_data:
            continue
        if name == b"row":
            r = _ROW_NUM.search(attrs)
            row = int(r.group(1)) if r else row + 1
            col = 0
            continue
        ref = _REF.search(attrs)
        if ref:
            col, row = _col_number(ref.group(1)), int(ref.group(2))
        else:
            col += 1
        if row <= area.max_rows and col <= area.max_cols:
            max_row, max_col = max(max_row, row), max(max_col, col)
            continue
        end = m.end()
        has_value = False
        if not closed:
            stop = _CELL_END.search(data, end)
            if stop is None:
                raise _damaged(f"{title}, XML")
            has_value = _VALUE.search(data, end, stop.start()) is not None
            end = stop.end()
        cuts.append((m.start(), end))
        if has_value:
            outside += 1
            first = first or f"{column_name(col)}{row}"
            if outside > area.max_outside:
                raise _too_many_outside(title, first, f"{area.max_outside:,}+")
    if max_row * max_col > area.max_cells:
        raise _too_large(title, max_row, max_col, area)
    if dimension is not None and (cuts or _dimension_too_large(data, dimension, area)):
        cuts.append(dimension)  # the reader takes the extent from the cells themselves
    if not cuts:
        return data, None
    cuts.sort()
    parts, pos = [], 0
    for start, end in cuts:
        parts.append(data[pos:start])
        pos = end
    parts.append(data[pos:])
    return b"".join(parts), (_outside_warning(title, first, outside) if outside else None)


def _dimension_too_large(data: bytes, span: tuple[int, int], area: Area) -> bool:
    refs = re.findall(rb"([A-Z]{1,3})([0-9]{1,7})", data[span[0]: span[1]])
    if not refs:
        return False
    col, row = _col_number(refs[-1][0]), int(refs[-1][1])
    return row > area.max_rows or col > area.max_cols or row * col > area.max_cells


# ---------------------------------------------------------------- .ods

_NS_TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
_NS_OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
_NS_TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
T = _NS_TABLE + " "
OF = _NS_OFFICE + " "
X = _NS_TEXT + " "
_CELLS = (T + "table-cell", T + "covered-table-cell")


class _Rows:
    """A sheet as the reader gives it: rows from A1, each as wide as the widest."""

    def __init__(self, name: str, cells: dict[int, dict[int, object]],
                 merged: list | None = None):
        self.name = name
        self._cells = cells
        # ((first row, first col), (last row, last col)), 0-based, as the reader gives them
        self.merged_cell_ranges = merged or []

    def to_python(self, skip_empty_area: bool = False) -> list[list]:
        if not self._cells:
            return []
        height = max(self._cells) + 1
        width = max(max(r) for r in self._cells.values() if r) + 1
        rows = []
        for r in range(height):
            line: list[object] = [""] * width
            for c, v in self._cells.get(r, {}).items():
                line[c] = v
            rows.append(line)
        return rows


class RowBook:
    """Sheets read by this module (the .ods path), with the reader's interface."""

    def __init__(self, sheets: list[_Rows]):
        self._sheets = {s.name: s for s in sheets}
        self.sheet_names = [s.name for s in sheets]

    def get_sheet_by_name(self, name: str) -> _Rows:
        return self._sheets[name]

    def close(self) -> None:
        self._sheets = {}


class _OdsHandler:
    def __init__(self, area: Area):
        self.area = area
        self.sheets: list[_Rows] = []
        self.depth = 0  # nesting of table:table (sub-tables are not sheets)
        self.name = ""
        self.cells: dict[int, dict[int, object]] = {}
        self.merged: list = []
        self.row = 0
        self.row_repeat = 1
        self.row_cells: dict[int, object] = {}
        self.col = 0
        self.cell: dict | None = None  # attributes of the cell being read
        self.cell_repeat = 1
        self.text: list[str] = []
        self.paragraphs: list[str] = []
        self.in_p = 0
        self.skip = 0  # inside an annotation: not the cell's text
        self.outside = 0
        self.first = ""
        self.filled = 0  # cells with content, repeats counted
        self.warnings: list = []

    def start(self, tag: str, attrs: dict) -> None:
        if self.skip:
            self.skip += 1
            return
        if tag == T + "table":
            self.depth += 1
            if self.depth == 1:
                self.name, self.cells, self.row = attrs.get(T + "name", ""), {}, 0
                self.merged = []
                self.outside, self.first = 0, ""
            return
        if self.depth != 1:
            return
        if tag == T + "table-row":
            self.row_repeat = _count(attrs.get(T + "number-rows-repeated"))
            self.row_cells, self.col = {}, 0
        elif tag in _CELLS:
            self.cell = attrs
            self.cell_repeat = _count(attrs.get(T + "number-columns-repeated"))
            self.paragraphs = []
        elif tag == OF + "annotation":
            self.skip = 1
        elif self.cell is not None:
            if tag == X + "p" or tag == X + "h":
                self.in_p += 1
                if self.in_p == 1:
                    self.text = []
            elif tag == X + "s" and self.in_p:
                self.text.append(" " * min(_count(attrs.get(X + "c")), 1000))
            elif tag == X + "tab" and self.in_p:
                self.text.append("\t")
            elif tag == X + "line-break" and self.in_p:
                self.text.append("\n")

    def end(self, tag: str) -> None:
        if self.skip:
            self.skip -= 1
            return
        if tag == T + "table":
            if self.depth == 1:
                self._end_table()
            self.depth -= 1
            return
        if self.depth != 1:
            return
        if tag == T + "table-row":
            self._end_row()
        elif tag in _CELLS and self.cell is not None:
            self._end_cell()
        elif (tag == X + "p" or tag == X + "h") and self.in_p:
            self.in_p -= 1
            if self.in_p == 0:
                self.paragraphs.append("".join(self.text))

    def chars(self, data: str) -> None:
        if self.in_p and not self.skip:
            self.text.append(data)  # text outside paragraphs is layout whitespace

    def _end_cell(self) -> None:
        assert self.cell is not None  # a cell's end follows its start
        value = _cell_value(self.cell, self.paragraphs)
        start, n = self.col, self.cell_repeat
        rows = _count(self.cell.get(T + "number-rows-spanned"))
        cols = _count(self.cell.get(T + "number-columns-spanned"))
        if (rows > 1 or cols > 1) and self.row + rows <= self.area.max_rows and (
                start + cols <= self.area.max_cols) and len(self.merged) < 10_000:
            self.merged.append(((self.row, start), (self.row + rows - 1, start + cols - 1)))
        self.col += n
        self.cell = None
        if value is None:
            return
        if start + n > self.area.max_cols:
            if n > 1:
                raise _repeat_refused(self.name, "คอลัมน์", "column", n)
            self._outside(self.row, start)
            return
        for c in range(start, start + n):
            self.row_cells[c] = value

    def _end_row(self) -> None:
        start, n = self.row, self.row_repeat
        self.row += n
        if not self.row_cells:
            return
        if start + n > self.area.max_rows:
            if n > 1:
                raise _repeat_refused(self.name, "แถว", "row", n)
            for c in self.row_cells:
                self._outside(start, c)
            return
        self.filled += n * len(self.row_cells)
        if self.filled > self.area.max_cells:
            raise _too_large(self.name, start + n, max(self.row_cells) + 1, self.area)
        for r in range(start, start + n):
            self.cells[r] = dict(self.row_cells)

    def _outside(self, row: int, col: int) -> None:
        self.outside += 1
        self.first = self.first or f"{column_name(col + 1)}{row + 1}"
        if self.outside > self.area.max_outside:
            raise _too_many_outside(self.name, self.first, f"{self.area.max_outside:,}+")

    def _end_table(self) -> None:
        if self.cells:
            height = max(self.cells) + 1
            width = max(max(r) for r in self.cells.values()) + 1
            if height * width > self.area.max_cells:
                raise _too_large(self.name, height, width, self.area)
        if self.outside:
            self.warnings.append(_outside_warning(self.name, self.first, self.outside))
        self.sheets.append(_Rows(self.name, self.cells, self.merged))


def _count(value: str | None) -> int:
    try:
        return max(1, int(value)) if value else 1
    except ValueError:
        return 1


def _repeat_refused(sheet: str, what_th: str, what_en: str, n: int) -> _Refuse:
    return _unsafe(f"แผ่นงาน {sheet} ทำซ้ำ{what_th}ที่มีข้อมูล {n:,} ครั้ง เกินพื้นที่แบบฟอร์ม",
                   f"sheet {sheet} repeats a non-empty {what_en} {n:,} times, beyond the "
                   f"form's area")


def _cell_value(attrs: dict, paragraphs: list[str]) -> object:
    kind = attrs.get(OF + "value-type")
    try:
        if kind in ("float", "percentage", "currency"):
            return float(attrs.get(OF + "value", "nan"))
        if kind == "boolean":
            return attrs.get(OF + "boolean-value", "").lower() in ("true", "1")
        if kind == "date":
            return _ods_date(attrs.get(OF + "date-value", ""))
    except ValueError:
        pass
    if kind == "string" and OF + "string-value" in attrs:
        return attrs[OF + "string-value"]
    text = "\n".join(paragraphs)
    return text if text else None


def _ods_date(text: str) -> object:
    if "T" in text:
        return dt.datetime.fromisoformat(text[:26])
    return dt.date.fromisoformat(text[:10])


def _open_ods(path: Path, area: Area) -> Opened:
    with open_zip(path) as zf:
        info = zf.getinfo("content.xml")
        data = _inflate(zf, info, LIMITS)
    handler = _OdsHandler(area)
    parser = xml.parsers.expat.ParserCreate(namespace_separator=" ")
    parser.buffer_text = True
    parser.ordered_attributes = False
    parser.StartElementHandler = handler.start
    parser.EndElementHandler = handler.end
    parser.CharacterDataHandler = handler.chars

    def refuse(*_args: object) -> None:
        raise _unsafe("มีการประกาศ XML entity/DOCTYPE ใน content.xml",
                      "XML entity declarations in content.xml")

    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    try:
        parser.Parse(data, True)
    except xml.parsers.expat.ExpatError:
        raise _damaged("content.xml") from None
    return Opened(RowBook(handler.sheets), handler.warnings)


# ---------------------------------------------------------------- .xls

_BIFF_CELLS = {0x0203, 0x027E, 0x00FD, 0x0204, 0x0205, 0x0006, 0x0201, 0x00D6}
_BIFF_MULTI = {0x00BD, 0x00BE}  # MULRK, MULBLANK: row, first col, ..., last col
_BIFF_BOF = 0x0809
_BIFF_DIMENSIONS = 0x0200
_BIFF_BOUNDSHEET = 0x0085


def _sheet_name(raw: bytes) -> str:
    """A BOUNDSHEET name: length, a flag (1: UTF-16), then the characters."""
    n, wide = raw[0], raw[1] & 1
    text = raw[2: 2 + n * (2 if wide else 1)]
    return text.decode("utf-16-le" if wide else "latin-1", "replace")[:60]
_BIFF_BLANKS = {0x0201, 0x00BE}


def _open_xls(path: Path, limits: Limits, area: Area) -> Opened:
    from python_calamine import CalamineWorkbook

    data = path.read_bytes()  # under the pre-flight's size cap
    with io.BytesIO(data) as fh:
        cfb = _Cfb(fh, len(data), limits)
        book = next((e for e in cfb.entries() if e.kind == 2 and e.name in ("workbook", "book")),
                    None)
        findings: list = []
        if book is not None and book.size >= cfb.mini_cutoff:
            chain = _chain(cfb, book)
            try:
                stream = b"".join(cfb._sector(sid) for sid in chain)[: book.size]
                outside, warning = _check_biff(stream, area)
            except (struct.error, IndexError):
                raise _damaged("BIFF") from None
            if outside:  # stray cells: their records become ones every reader skips
                data = _patch_records(data, cfb.sector, chain, outside)
                if warning is not None:  # only blank cells or the declared size: silent
                    findings.append(warning)
    return Opened(CalamineWorkbook.from_filelike(io.BytesIO(data)), findings)


def _chain(cfb: _Cfb, entry) -> list[int]:
    sids = []
    for sid in cfb.chain(entry.start):
        sids.append(sid)
        if len(sids) * cfb.sector >= entry.size:
            break
    return sids


def _patch_records(data: bytes, sector: int, chain: list[int], offsets: list[int]) -> bytes:
    """Set the type of the records at ``offsets`` (in the stream) to 0, an unknown record."""
    out = bytearray(data)
    for pos in offsets:
        for o in (pos, pos + 1):
            sid = chain[o // sector]
            out[(sid + 1) * sector + o % sector] = 0
    return bytes(out)


def _check_biff(data: bytes, area: Area) -> tuple[list[int], Finding | None]:
    """Per sheet (BOF to BOF), the grid the reader will allocate from the cell records.

    Returns the stream offsets of the records outside the area (a few: skipped with a
    warning; many: refused) and the warning."""
    pos, sheet, max_row, max_col = 0, 0, 0, 0
    outside: list[int] = []
    values, first, where = 0, "", ""
    names: list[str] = []
    while pos + 4 <= len(data):
        rtype, rlen = struct.unpack_from("<HH", data, pos)
        body = pos + 4
        if rtype == _BIFF_BOF:
            sheet, max_row, max_col = sheet + 1, 0, 0
        elif rtype == _BIFF_BOUNDSHEET and rlen >= 8:
            names.append(_sheet_name(data[body + 6: body + rlen]))
        elif rtype == _BIFF_DIMENSIONS and rlen >= 14:
            rows, cols = struct.unpack_from("<I", data, body + 4)[0], struct.unpack_from(
                "<H", data, body + 10)[0]
            if rows > area.max_rows or cols > area.max_cols or rows * cols > area.max_cells:
                outside.append(pos)  # the reader would allocate the declared grid up front
        elif (rtype in _BIFF_CELLS or rtype in _BIFF_MULTI) and rlen >= 6:
            row, col = struct.unpack_from("<HH", data, body)
            last = struct.unpack_from("<H", data, body + rlen - 2)[0] if (
                rtype in _BIFF_MULTI) else col
            if row + 1 > area.max_rows or last + 1 > area.max_cols:
                outside.append(pos)
                if rtype not in _BIFF_BLANKS:
                    values += 1
                    if not first:
                        first = f"{column_name(last + 1)}{row + 1}"
                        where = names[sheet - 2] if 0 <= sheet - 2 < len(names) else str(sheet - 1)
                    if values > area.max_outside:
                        raise _too_many_outside(f"{sheet - 1}", first,
                                                f"{area.max_outside:,}+")
            elif rtype not in _BIFF_BLANKS:
                max_row, max_col = max(max_row, row + 1), max(max_col, last + 1)
                if max_row * max_col > area.max_cells:
                    raise _too_large(f"{sheet - 1}", max_row, max_col, area)
        pos = body + rlen
    return outside, (_outside_warning(where, first, values) if values else None)
