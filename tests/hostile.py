"""Hostile and damaged returns made from real ones: a filled return, re-saved by LibreOffice
(and Gnumeric), then edited at the byte or XML level the way a crafted or unlucky file is."""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from pathlib import Path

from ita_xlsx.render import Org, RenderOptions, render_workbook
from ita_xlsx.simulate import make_return
from ita_xlsx.template import bind, load_template

FY = 2570


def good_return(folder: Path, name: str = "good.xlsx", seed: int = 1) -> Path:
    """A filled return as an officer makes it (openpyxl over the generated workbook)."""
    folder.mkdir(parents=True, exist_ok=True)
    bound = bind(load_template(), FY, "plan")
    blank = folder / f".blank-{seed}.xlsx"
    blank.write_bytes(render_workbook(bound, Org(f"65601{seed:02d}", "เทศบาลตำบลห้วยวน"),
                                      RenderOptions(FY)))
    out = folder / name
    make_return(blank, out, bound, seed)
    blank.unlink()
    return out


def edit_zip(src: Path, dst: Path, edit) -> Path:
    """A copy of ``src`` with ``edit(name, data) -> data`` applied to every member."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = edit(info.filename, zin.read(info))
            if info.filename == "mimetype":
                zout.writestr(info, data, zipfile.ZIP_STORED)
            else:
                zout.writestr(info.filename, data)
    return dst


def first_sheet_with_data(src: Path) -> str:
    with zipfile.ZipFile(src) as zf:
        return sorted(n for n in zf.namelist() if n.startswith("xl/worksheets/sheet"))[1]


def far_cell_xlsx(src: Path, dst: Path, ref: str = "XFD1048576", value: str = "7") -> Path:
    """One stray number at ``ref`` in the org sheet (a sound file otherwise)."""
    target = first_sheet_with_data(src)

    def edit(name: str, data: bytes) -> bytes:
        if name != target:
            return data
        row = int(re.sub(r"[A-Z]", "", ref))
        cell = f'<row r="{row}"><c r="{ref}"><v>{value}</v></c></row>'.encode()
        return data.replace(b"</sheetData>", cell + b"</sheetData>", 1)

    return edit_zip(src, dst, edit)


def unique_count_xlsx(src: Path, dst: Path, count: int = 4294967295) -> Path:
    def edit(name: str, data: bytes) -> bytes:
        if name != "xl/sharedStrings.xml":
            return data
        data = re.sub(rb'uniqueCount="\d+"', f'uniqueCount="{count}"'.encode(), data, count=1)
        return re.sub(rb' count="\d+"', f' count="{count}"'.encode(), data, count=1)

    return edit_zip(src, dst, edit)


def million_rows_xlsx(src: Path, dst: Path, rows: int = 1_048_576) -> Path:
    """One value on each of ``rows`` rows of the measures sheet (5 MB zipped)."""
    with zipfile.ZipFile(src) as zf:
        sheets = sorted(n for n in zf.namelist() if n.startswith("xl/worksheets/sheet"))
    target = sheets[3]

    def edit(name: str, data: bytes) -> bytes:
        if name != target:
            return data
        head, _, _ = data.partition(b"<sheetData>")
        _, _, tail = data.partition(b"</sheetData>")
        body = b"".join(b'<row r="%d"><c r="A%d"><v>1</v></c></row>' % (r, r)
                        for r in range(1, rows + 1))
        return head + b"<sheetData>" + body + b"</sheetData>" + tail

    return edit_zip(src, dst, edit)


def truncated(src: Path, dst: Path, cut: int = 5) -> Path:
    dst.write_bytes(src.read_bytes()[:-cut])
    return dst


def ods_repeat_bomb(src_ods: Path, dst: Path, repeat: int = 1_000_000) -> Path:
    """A non-empty row repeated ``repeat`` times: 200 bytes that expand to a million rows."""

    def edit(name: str, data: bytes) -> bytes:
        if name != "content.xml":
            return data
        row = (f'<table:table-row table:number-rows-repeated="{repeat}"><table:table-cell '
               'office:value-type="float" office:value="1"><text:p>1</text:p>'
               '</table:table-cell></table:table-row>').encode()
        pos = data.find(b"</table:table>")
        return data[:pos] + row + data[pos:]

    return edit_zip(src_ods, dst, edit)


def ods_cell_repeat_bomb(src_ods: Path, dst: Path, repeat: int = 16384) -> Path:
    def edit(name: str, data: bytes) -> bytes:
        if name != "content.xml":
            return data
        row = (f'<table:table-row table:number-rows-repeated="60"><table:table-cell '
               f'table:number-columns-repeated="{repeat}" office:value-type="string">'
               '<text:p>x</text:p></table:table-cell></table:table-row>').encode()
        pos = data.find(b"</table:table>")
        return data[:pos] + row + data[pos:]

    return edit_zip(src_ods, dst, edit)


def ssconvert(src: Path, dst: Path) -> Path | None:
    """Re-save through Gnumeric; None when it is not installed."""
    exe = shutil.which("ssconvert")
    if exe is None:
        return None
    done = subprocess.run([exe, str(src), str(dst)], capture_output=True, timeout=120)
    return dst if done.returncode == 0 and dst.exists() else None
