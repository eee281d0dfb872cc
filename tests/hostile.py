"""Hostile and damaged returns made from real ones: a filled return, re-saved by LibreOffice
(and Gnumeric), then edited at the byte or XML level the way a crafted or unlucky file is."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

from ita_xlsx.make.render import Org, RenderOptions, render_workbook
from ita_xlsx.make.simulate import make_return
from ita_xlsx.spec.template import bind, load_template

FY = 2570


def good_return(folder: Path, name: str = "good.xlsx", seed: int = 1) -> Path:
    """A filled return as an officer makes it (openpyxl over the generated workbook)."""
    folder.mkdir(parents=True, exist_ok=True)
    bound = bind(load_template(), FY, "plan")
    blank = folder / f".blank-{seed}.xlsx"
    blank.write_bytes(render_workbook(bound, Org(code=f"65601{seed:02d}", name="เทศบาลตำบลห้วยวน"),
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
        if os.environ.get("ITA_XLSX_REQUIRE_LIBREOFFICE"):  # CI installs both programs
            raise RuntimeError("Gnumeric (ssconvert) is required here but not installed")
        return None
    done = subprocess.run([exe, str(src), str(dst)], capture_output=True, timeout=120)
    return dst if done.returncode == 0 and dst.exists() else None


# ---------------------------------------------------------------- a seeded mutator (fuzz)


def _rezip(data: bytes, edit) -> bytes:
    import io

    src, out = io.BytesIO(data), io.BytesIO()
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            body = edit(info.filename, zin.read(info))
            zout.writestr(info.filename, body,
                          zipfile.ZIP_STORED if info.filename == "mimetype" else None)
    return out.getvalue()


def _xml_member(name: str) -> bool:
    return name == "content.xml" or name.startswith("xl/worksheets/") or name.endswith(
        "sharedStrings.xml")


def _big(rng) -> int:
    return rng.choice([2, 1000, 65_536, 1_048_576, 16_384, 4_294_967_295, 10 ** 12,
                       rng.randrange(1, 2 ** 31)])


def _far_ref(rng) -> str:
    from ita_xlsx.intake.bounded import column_name

    return f"{column_name(rng.choice([1, 27, 52, 256, 16_384, rng.randrange(1, 20_000)]))}" \
           f"{rng.choice([1, 60, 50_001, 65_536, 1_048_576, rng.randrange(1, 2_000_000)])}"


def mutate(data: bytes, kind: str, rng) -> tuple[bytes, str]:
    """One random edit of a workbook's bytes, and its name (for the regression file)."""
    ops = ["flip", "truncate"]
    if kind in ("xlsx", "ods"):
        ops += ["xml-flip", "far"] * 2
        ops += ["dimension", "sst", "refs"] if kind == "xlsx" else ["repeat", "repeat"]
    else:
        ops += ["cell-record"] * 2
    op = rng.choice(ops)
    if op == "flip":
        out = bytearray(data)
        for _ in range(rng.randint(1, 8)):
            i = rng.randrange(len(out))
            out[i] ^= 1 << rng.randrange(8)
        return bytes(out), op
    if op == "truncate":
        return data[: rng.randrange(1, len(data))], op
    if op == "cell-record":  # NUMBER/LABELSST records: row and column set far away
        out = bytearray(data)
        spots = [m.start() for m in re.finditer(rb"(\x03\x02\x0e\x00|\xfd\x00\x0a\x00)", data)]
        for pos in rng.sample(spots, min(len(spots), rng.randint(1, 3))):
            out[pos + 4: pos + 8] = rng.randrange(65_536).to_bytes(2, "little") + \
                rng.choice([255, 256, 16_383, 65_535]).to_bytes(2, "little")
        return bytes(out), op

    def edit(name: str, body: bytes) -> bytes:
        if not _xml_member(name):
            return body
        if op == "xml-flip":
            b = bytearray(body)
            for _ in range(rng.randint(1, 4)):
                i = rng.randrange(len(b))
                b[i] = rng.choice(b'<>"/=0123456789 \x00\xff')
            return bytes(b)
        if op == "far" and name != "content.xml" and b"</sheetData>" in body:
            ref = _far_ref(rng)
            row = re.sub(r"[A-Z]", "", ref)
            cell = f'<row r="{row}"><c r="{ref}"><v>1</v></c></row>'.encode()
            return body.replace(b"</sheetData>", cell + b"</sheetData>", 1)
        if op == "far" and name == "content.xml":
            row = (f'<table:table-row table:number-rows-repeated="{_big(rng)}"><table:table-cell/>'
                   '</table:table-row><table:table-row><table:table-cell '
                   f'table:number-columns-repeated="{_big(rng)}"/><table:table-cell '
                   'office:value-type="float" office:value="3"><text:p>3</text:p>'
                   '</table:table-cell></table:table-row>').encode()
            pos = body.find(b"</table:table>")
            return body[:pos] + row + body[pos:] if pos > 0 else body
        if op == "repeat" and name == "content.xml":
            spots = [m.start() for m in re.finditer(rb"<table:table-(row|cell)\b", body)]
            if not spots:
                return body
            pos = rng.choice(spots)
            tag = b"rows" if body[pos + 13: pos + 16] == b"row" else b"columns"
            attr = b' table:number-%s-repeated="%d"' % (tag, _big(rng))
            end = body.index(b" ", pos) if b" " in body[pos: pos + 20] else pos + 16
            return body[:end] + attr + body[end:]
        if op == "dimension":
            return re.sub(rb'<dimension ref="[^"]*"', f'<dimension ref="A1:{_far_ref(rng)}"'
                          .encode(), body, count=1)
        if op == "sst":
            return re.sub(rb'(uniqueCount|count)="\d+"',
                          lambda m: m.group(1) + f'="{_big(rng)}"'.encode(), body)
        if op == "refs":
            refs = list(re.finditer(rb'\sr="[A-Z]+[0-9]+"', body))
            if not refs:
                return body
            m = rng.choice(refs)
            return body[: m.start()] + f' r="{_far_ref(rng)}"'.encode() + body[m.end():]
        return body

    try:
        return _rezip(data, edit), op
    except (zipfile.BadZipFile, ValueError, KeyError):
        return data[: len(data) // 2], "truncate"
