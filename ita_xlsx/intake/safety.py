"""Pre-flight checks on a returned file, before any spreadsheet parser touches it.

Returned workbooks come from email and chat attachments, so they are untrusted input. This
module looks at the container only (ZIP or OLE2/CFB) and decides, from the file's *content*
rather than its name, whether it is safe and sensible to hand to calamine/openpyxl:

* size caps and ZIP-bomb checks on the central directory, before anything is decompressed;
* XML entity declarations (billion laughs, XXE) in any XML part, found with expat itself
  rather than a byte regex, so UTF-16 or exotic encodings cannot hide them;
* macros, encryption, external links, and files that are not spreadsheets at all.

Every read is bounded: only the first bytes of each member are decompressed, and the file is
opened once, read-only.
"""

from __future__ import annotations

import re
import stat
import struct
import xml.parsers.expat
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO
from xml.etree.ElementTree import Element

import defusedxml.ElementTree as DET
from defusedxml import DefusedXmlException

from ita_xlsx.core.errors import what_happened
from ita_xlsx.intake.zips import ZIP_ERRORS, Parts, open_zip

if TYPE_CHECKING:
    from ita_xlsx.core.findings import Finding

MiB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """Caps on what a returned file may contain; generous for real workbooks."""

    max_file_bytes: int = 50 * MiB
    max_uncompressed: int = 200 * MiB  # sum of all members' declared sizes
    max_member: int = 100 * MiB
    max_ratio: float = 200  # uncompressed / compressed, per member
    ratio_min_member: int = 1 * MiB  # small members may compress well without harm
    max_entries: int = 10_000  # ZIP members or OLE directory entries
    xml_head_bytes: int = 64 * 1024  # how much of each XML part is scanned
    max_kept: int = 16 * MiB  # XML parts the scan read whole, kept for the reader
    max_small_part: int = 4 * MiB  # [Content_Types].xml / custom.xml parsed whole


LIMITS = Limits()


@dataclass(frozen=True)
class Preflight:
    kind: str  # "xlsx" | "xls" | "ods" | "" (not a workbook)
    findings: list[Finding]  # file-level findings; empty when fine
    custom_properties: dict[str, str] = field(default_factory=dict)
    # XML parts the scan read whole (the small ones: sheets, shared strings, styles,
    # relationships), so the extent checks and the reader need not inflate them again
    parts: dict[str, bytes] = field(default_factory=dict, repr=False)

    @property
    def ok(self) -> bool:
        """True when nothing blocks reading (warnings such as external links do not)."""
        return not any(f.severity == "error" for f in self.findings)


ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")  # a normal archive, an empty one
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
_SNIFF = 8192


def _finding(code: str, th: str, en: str) -> Finding:
    # imported on use: the validators package imports the engine, which imports read.py,
    # which imports this module; a top-level import would make that a cycle
    from ita_xlsx.core.findings import Finding

    return Finding(code, params={"detail": {"th": th, "en": en}})


class _Refuse(Exception):
    """Stops the checks with one file-level finding (raised deep, caught in preflight)."""

    def __init__(self, code: str, th: str, en: str, kind: str | None = None):
        super().__init__(code, en)
        self.finding = _finding(code, th, en)
        self.kind = kind  # None: the kind found so far (set by the caller that knows it)


def _unsafe(th: str, en: str) -> _Refuse:
    return _Refuse("file-unsafe", th, en)


def _damaged(what: str) -> _Refuse:
    """``what`` is a technical name (ZIP, OLE header, a part), the same in both languages."""
    return _Refuse("file-unreadable", f"ไฟล์เสียหาย: {what}", f"damaged file: {what}")


def _size(n: int) -> str:
    return f"{n / MiB:,.1f} MB" if n >= MiB else f"{n / 1024:,.1f} KB"


def _show(name: str, limit: int = 60) -> str:
    """A member name safe to put in a message (it is chosen by the sender)."""
    name = re.sub(r"[\x00-\x1f\x7f{}]", "?", name)
    return name if len(name) <= limit else name[: limit - 1] + "…"


# ---------------------------------------------------------------- entry point


def preflight(path: Path, limits: Limits = LIMITS) -> Preflight:
    """Check ``path`` before parsing; never modifies it, reads only bounded amounts."""
    path = Path(path)
    try:
        size = _regular_file_size(path)
        if size == 0:
            raise _Refuse("file-empty", "ไฟล์ขนาด 0 ไบต์", "0 bytes")
        if size > limits.max_file_bytes:
            raise _unsafe(
                f"ไฟล์ใหญ่เกินไป {_size(size)} สูงสุด {_size(limits.max_file_bytes)}",
                f"file too large: {_size(size)}, limit {_size(limits.max_file_bytes)}",
            )
        with path.open("rb") as fh:
            head = fh.read(_SNIFF)
            if head.startswith(ZIP_MAGIC):
                return _zip_preflight(fh, size, limits)
            if head.startswith(OLE_MAGIC):
                try:
                    return _ole_preflight(fh, size, limits)
                except (struct.error, ValueError, IndexError):
                    raise _damaged("OLE") from None
        raise _Refuse("file-unreadable", *_describe(head))
    except _Refuse as refused:
        return Preflight(refused.kind or "", [refused.finding])
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        return Preflight("", [_finding("file-unreadable", f"เปิดไฟล์ไม่ได้: {reason}",
                                       f"cannot open the file: {reason}")])


def _regular_file_size(path: Path) -> int:
    st = path.stat()
    if stat.S_ISDIR(st.st_mode):  # a subfolder find_workbooks could not open
        raise _Refuse("file-unreadable", "เปิดโฟลเดอร์นี้ไม่ได้ เพราะไม่มีสิทธิ์อ่าน ไฟล์ในโฟลเดอร์จึงไม่ได้ตรวจ",
                      "cannot open this folder (no permission to read it); its files were "
                      "not checked")
    if not stat.S_ISREG(st.st_mode):  # a FIFO or device would block or never end
        raise _Refuse("file-unreadable", "ไม่ใช่ไฟล์ปกติ", "not a regular file")
    return st.st_size


# ---------------------------------------------------------------- not a container

_IMAGE_MAGIC = (b"\x89PNG", b"\xff\xd8\xff", b"GIF8")
_ARCHIVE_MAGIC = (b"Rar!", b"7z\xbc\xaf\x27\x1c", b"\x1f\x8b")


def _describe(head: bytes) -> tuple[str, str]:
    """What a non-spreadsheet file looks like, in Thai and English, for the detail."""
    low = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith(b"%PDF"):
        return "เป็นไฟล์ PDF ไม่ใช่ไฟล์ Excel", "it is a PDF, not an Excel file"
    if low.startswith((b"<!doctype html", b"<html")) or b"<table" in low[:2048]:
        return ("เป็นหน้าเว็บ HTML ที่ตั้งชื่อเป็นไฟล์ Excel",
                "it is an HTML web page named like an Excel file")
    if low.startswith(b"<?xml") and b"urn:schemas-microsoft-com:office:spreadsheet" in low:
        return ("เป็นไฟล์ XML Spreadsheet 2003 ให้เปิดใน Excel แล้วบันทึกเป็น .xlsx",
                "it is an Excel 2003 XML spreadsheet; open it in Excel and save as .xlsx")
    if head.startswith(b"{\\rtf"):
        return "เป็นเอกสาร RTF ไม่ใช่ไฟล์ Excel", "it is an RTF document, not an Excel file"
    if head.startswith(_IMAGE_MAGIC):
        return "เป็นไฟล์รูปภาพ ไม่ใช่ไฟล์ Excel", "it is an image, not an Excel file"
    if head.startswith(_ARCHIVE_MAGIC):
        return ("เป็นไฟล์บีบอัด RAR/7z/gzip ให้แตกไฟล์ก่อน",
                "it is a compressed archive, RAR/7z/gzip; extract it first")
    if _looks_like_text(head):
        return ("เป็นไฟล์ข้อความ เช่น CSV ไม่ใช่ไฟล์ Excel",
                "it is a plain-text file such as CSV, not an Excel file")
    return "ไม่ใช่รูปแบบไฟล์ตารางคำนวณที่รู้จัก", "not a known spreadsheet format"


def _looks_like_text(head: bytes) -> bool:
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16 text (Excel "Unicode text")
        return True
    if b"\x00" in head:
        return False
    controls = sum(1 for b in head if (b < 0x20 and b not in b"\t\n\r\f") or b == 0x7F)
    return controls * 100 <= len(head)


# ---------------------------------------------------------------- ZIP containers


# what zipfile/zlib raise on damaged or crafted archives (unsupported methods and versions,
# bad headers, CRC mismatches); every one means "cannot read this file"
_ZIP_ERRORS = ZIP_ERRORS


def _zip_preflight(fh: BinaryIO, size: int, limits: Limits) -> Preflight:
    _check_central_directory_size(fh, size, limits)
    try:
        zf = open_zip(fh)
    except _ZIP_ERRORS as exc:
        raise _damaged(f"ZIP, {what_happened(exc)[1]}") from None
    with zf:
        infos = zf.infolist()
        names = {i.filename for i in infos}
        kind = _zip_kind(names)
        try:
            return _zip_checks(zf, infos, names, kind, limits)
        except _Refuse as refused:
            if refused.kind is None:
                refused.kind = kind
            raise
        except _ZIP_ERRORS as exc:
            raise _damaged(f"ZIP, {what_happened(exc)[1]}") from None


def _zip_checks(zf: zipfile.ZipFile, infos: list[zipfile.ZipInfo], names: set[str],
                kind: str, limits: Limits) -> Preflight:
    _check_members(infos, limits)  # central directory only: nothing decompressed yet
    if kind == "ods":
        _confirm_ods(zf)
    elif kind == "":
        raise _not_a_spreadsheet(_zip_lookalike(names))
    parts = _scan_members(zf, infos, limits)  # bounded heads: nested archives, XML entities
    if kind == "ods":
        return Preflight("ods", _ods_findings(names))
    findings = _ooxml_findings(zf, names, limits, parts)
    return Preflight("xlsx", findings, _custom_properties(zf, names, limits, parts), parts)


def _zip_kind(names: set[str]) -> str:
    """"xlsx", "ods" or "" from member names only (nothing read yet)."""
    if "[Content_Types].xml" in names and names & {"xl/workbook.xml", "xl/workbook.bin"}:
        return "xlsx"
    if "mimetype" in names and "content.xml" in names:
        return "ods"  # confirmed from the mimetype member once the sizes are checked
    return ""


def _zip_lookalike(names: set[str]) -> tuple[str, str]:
    if "word/document.xml" in names:
        return "เอกสาร Word", "a Word document"
    if "ppt/presentation.xml" in names:
        return "งานนำเสนอ PowerPoint", "a PowerPoint presentation"
    if "mimetype" in names:
        return "เอกสาร OpenDocument ที่ไม่ใช่ตารางคำนวณ", "an OpenDocument file of another kind"
    return "ไฟล์ ZIP", "a ZIP archive"


def _not_a_spreadsheet(lookalike: tuple[str, str]) -> _Refuse:
    th, en = lookalike
    return _Refuse("file-unreadable", f"ไม่ใช่ไฟล์ตารางคำนวณ แต่เป็น{th}",
                   f"not a spreadsheet: it is {en}", kind="")


def _check_central_directory_size(fh: BinaryIO, size: int, limits: Limits) -> None:
    """Bound what ``zipfile`` will parse: it builds one object per central-directory entry."""
    tail_len = min(size, 22 + 0xFFFF)
    fh.seek(size - tail_len)
    tail = fh.read(tail_len)
    pos = tail.rfind(b"PK\x05\x06")
    if pos < 0 or len(tail) - pos < 22:
        return  # no end record: zipfile reports the damage
    entries, cd_size = struct.unpack_from("<HI", tail, pos + 10)
    if (entries == 0xFFFF or cd_size == 0xFFFFFFFF) and pos >= 20:
        entries, cd_size = _zip64_counts(fh, tail[pos - 20: pos], entries, cd_size)
    # the count field can lie (zipfile parses cd_size bytes whatever it says), so cap the
    # directory's size too: real entries take ~100 bytes, a crafted one as few as 46
    if entries > limits.max_entries or cd_size > limits.max_entries * 512:
        raise _too_many_entries(max(entries, cd_size // 46), limits)


def _zip64_counts(fh: BinaryIO, locator: bytes, entries: int, cd_size: int) -> tuple[int, int]:
    if not locator.startswith(b"PK\x06\x07"):
        return entries, cd_size
    (offset,) = struct.unpack_from("<Q", locator, 8)
    fh.seek(offset)
    record = fh.read(56)
    if len(record) < 56 or not record.startswith(b"PK\x06\x06"):
        return entries, cd_size
    return struct.unpack_from("<QQ", record, 32)


def _too_many_entries(count: int, limits: Limits) -> _Refuse:
    return _unsafe(f"มีรายการภายในมากเกินไป {count:,} รายการ สูงสุด {limits.max_entries:,}",
                   f"too many entries: {count:,}, limit {limits.max_entries:,}")


_NESTED_SUFFIXES = (".zip", ".xlsx", ".xlsm", ".xlsb", ".xltx", ".xltm", ".docx", ".docm",
                    ".pptx", ".pptm", ".ods", ".odt", ".jar", ".7z", ".rar", ".gz", ".tar")


def _check_members(infos: list[zipfile.ZipInfo], limits: Limits) -> None:
    """ZIP-bomb and path checks from declared sizes; zipfile never reads past them."""
    if len(infos) > limits.max_entries:
        raise _too_many_entries(len(infos), limits)
    seen: set[str] = set()
    total = 0
    for info in infos:
        _check_name(info.filename, seen)
        _check_member_size(info, limits)
        if info.flag_bits & 0x1:
            raise _Refuse("file-unreadable", "รายการใน ZIP ถูกเข้ารหัสด้วยรหัสผ่าน",
                          "ZIP entries are password-protected")
        total += info.file_size
    if total > limits.max_uncompressed:
        raise _unsafe(
            f"ขยายแล้วใหญ่เกินไป {total / MiB:,.0f} MB สูงสุด {limits.max_uncompressed / MiB:.0f} MB",
            f"expands to {total / MiB:,.0f} MB, limit {limits.max_uncompressed / MiB:.0f} MB",
        )


def _check_name(name: str, seen: set[str]) -> None:
    parts = re.split(r"[/\\]", name)
    if not name or name.startswith(("/", "\\")) or re.match(r"[A-Za-z]:", name) or ".." in parts:
        raise _unsafe(f"ชื่อรายการภายในไม่ปลอดภัย: {_show(name)}",
                      f"unsafe entry name: {_show(name)}")
    # part names are case-insensitive: two spellings of one part let checker and parser
    # disagree on which one is "the" workbook
    key = name.lower()
    if key in seen:
        raise _unsafe(f"มีรายการชื่อซ้ำ: {_show(name)}", f"duplicate entry: {_show(name)}")
    seen.add(key)
    if key.endswith(_NESTED_SUFFIXES):
        raise _nested(name)


def _nested(name: str) -> _Refuse:
    return _unsafe(f"มีไฟล์บีบอัดซ้อนอยู่ภายใน: {_show(name)}",
                   f"nested archive inside: {_show(name)}")


def _check_member_size(info: zipfile.ZipInfo, limits: Limits) -> None:
    name = _show(info.filename)
    if info.file_size > limits.max_member:
        raise _unsafe(f"รายการ {name} ขยายแล้วใหญ่เกินไป {info.file_size / MiB:,.0f} MB",
                      f"entry {name} expands to {info.file_size / MiB:,.0f} MB")
    ratio = info.file_size / max(info.compress_size, 1)
    if info.file_size > limits.ratio_min_member and ratio > limits.max_ratio:
        raise _unsafe(f"อัตราการบีบอัดของ {name} สูงผิดปกติ {ratio:,.0f}:1 แบบ ZIP bomb",
                      f"compression ratio of {name} is {ratio:,.0f}:1, a ZIP bomb")


def _confirm_ods(zf: zipfile.ZipFile) -> None:
    with zf.open("mimetype") as member:
        mimetype = member.read(128).strip()
    if mimetype != ODS_MIMETYPE:
        raise _not_a_spreadsheet(("เอกสาร OpenDocument ที่ไม่ใช่ตารางคำนวณ",
                                  "an OpenDocument file of another kind"))
    if _ods_encrypted(zf):
        raise _Refuse("file-encrypted", "ไฟล์ ODS ตั้งรหัสผ่านไว้", "the ODS file is encrypted",
                      "ods")


def _ods_encrypted(zf: zipfile.ZipFile) -> bool:
    """An encrypted ODS lists <manifest:encryption-data>; its content.xml is then not XML."""
    try:
        info = zf.getinfo("META-INF/manifest.xml")
    except KeyError:
        return False
    with zf.open(info) as member:
        return b"encryption-data" in member.read(1 * MiB)


# ---------------------------------------------------------------- member contents

_XML_SUFFIXES = (".xml", ".rels", ".vml")


def _scan_members(zf: zipfile.ZipFile, infos: list[zipfile.ZipInfo], limits: Limits
                  ) -> dict[str, bytes]:
    """Read at most ``xml_head_bytes`` of each member: nested archives and XML prologs.

    Returns the XML parts that were read whole (up to ``max_kept`` bytes in all), so what
    reads the file next does not inflate them again.
    """
    whole: dict[str, bytes] = {}
    kept = 0
    for info in infos:
        if info.is_dir() or info.file_size == 0:
            continue
        with zf.open(info) as member:
            head = member.read(16)
            if head.startswith(ZIP_MAGIC):  # by content: the name may say .png
                raise _nested(info.filename)
            if _is_xml_part(info.filename, head):
                head += member.read(limits.xml_head_bytes - len(head))
                complete = len(head) >= info.file_size
                _check_xml_prolog(info.filename, head, complete=complete)
                if complete and kept + len(head) <= limits.max_kept and not member.read(1):
                    whole[info.filename] = head
                    kept += len(head)
    return whole


def _is_xml_part(name: str, head: bytes) -> bool:
    """By name or content: [Content_Types].xml may declare XML parts under any name.

    SVG pictures are left alone: no reader parses them, and SVGs exported from drawing
    programs often carry a harmless DOCTYPE.
    """
    low = name.lower()
    if low.endswith(_XML_SUFFIXES):
        return True
    return not low.endswith(".svg") and _looks_like_xml(head)


def _looks_like_xml(head: bytes) -> bool:
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    return stripped.startswith(b"<") or head[:4] in (
        b"\xff\xfe<\x00", b"\xfe\xff\x00<", b"<\x00?\x00", b"\x00<\x00?")


class _Prolog(Exception):
    """Raised from expat callbacks to stop parsing at once."""


def _check_xml_prolog(name: str, head: bytes, complete: bool) -> None:
    """Refuse DOCTYPE/ENTITY declarations before the root element.

    Expat tokenises the head with the document's own encoding, so a UTF-16 or single-byte
    encoded DOCTYPE is found too; encodings expat cannot read (UTF-7: the PhpSpreadsheet
    CVE-2018-19277 bypass) are refused, as is a prolog longer than the scanned head.
    """
    parser = xml.parsers.expat.ParserCreate()

    def refuse(*_args: object) -> None:
        raise _Prolog("declarations")

    def root(*_args: object) -> None:
        raise _Prolog("root")  # the prolog is over; the body cannot declare entities

    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    parser.StartElementHandler = root
    try:
        parser.Parse(head, complete)
    except _Prolog as stop:
        if str(stop) == "root":
            return
        raise _unsafe(f"มีการประกาศ XML entity/DOCTYPE ใน {_show(name)}",
                      f"XML entity declarations in {_show(name)}") from None
    except (xml.parsers.expat.ExpatError, ValueError, LookupError):
        raise _unsafe(f"ตรวจส่วน XML {_show(name)} ไม่ได้ เพราะรหัสอักขระหรือรูปแบบผิดปกติ",
                      f"XML part {_show(name)} cannot be checked: unusual encoding or syntax"
                      ) from None
    raise _unsafe(f"ส่วนหัว XML ของ {_show(name)} ยาวผิดปกติ",
                  f"XML prolog of {_show(name)} is too long to check")


def _ooxml_findings(zf: zipfile.ZipFile, names: set[str], limits: Limits,
                    parts: dict[str, bytes]) -> list[Finding]:
    findings: list[Finding] = []
    macro = _ooxml_macro(zf, names, limits, parts)
    if macro:
        findings.append(_finding("file-macro", macro, macro))
    links = _external_links(names)
    if links:
        findings.append(_finding("file-external-links", *links))
    return findings


def _ooxml_macro(zf: zipfile.ZipFile, names: set[str], limits: Limits,
                 parts: dict[str, bytes]) -> str:
    """The reason an OOXML package counts as macro-enabled, or "" when it does not."""
    vba = [n for n in names if n.lower().rsplit("/", 1)[-1] == "vbaproject.bin"]
    if vba:
        return _show(vba[0])
    lower = {n.lower() for n in names}
    if "xl/workbook.bin" in lower:
        return ".xlsb"
    if any(n.startswith("xl/macrosheets/") for n in lower):
        return "Excel 4.0 macro sheet"
    for content_type in _content_types(zf, limits, parts):
        low = content_type.lower()
        if "macroenabled" in low or "vbaproject" in low or "macrosheet" in low:
            return _show(content_type, 80)
    return ""


def _content_types(zf: zipfile.ZipFile, limits: Limits, parts: dict[str, bytes]) -> list[str]:
    root = _parse_small_part(zf, "[Content_Types].xml", limits, parts)
    if root is None:
        raise _damaged("[Content_Types].xml")
    return [el.get("ContentType", "") for el in root]


def _parse_small_part(zf: zipfile.ZipFile, name: str, limits: Limits,
                      parts: dict[str, bytes]) -> Element | None:
    """Parse a small part whole with defusedxml; None when it is not well-formed XML."""
    try:
        data = Parts(zf, parts).part(name, limits.max_small_part)
    except ValueError:
        raise _unsafe(f"ส่วน {name} ใหญ่ผิดปกติ", f"part {name} is unusually large") from None
    try:
        return DET.fromstring(data, forbid_dtd=True)
    except DefusedXmlException:
        raise _unsafe(f"มีการประกาศ XML entity/DOCTYPE ใน {name}",
                      f"XML entity declarations in {name}") from None
    except DET.ParseError:
        return None


def _external_links(names: set[str]) -> tuple[str, str] | None:
    lower = {n.lower() for n in names}
    count = sum(1 for n in lower if n.startswith("xl/externallinks/") and n.endswith(".xml"))
    parts_th, parts_en = [], []
    if count:
        parts_th.append(f"ลิงก์ไปยังเวิร์กบุ๊กอื่น {count} รายการ")
        parts_en.append(f"{count} link(s) to other workbooks")
    if "xl/connections.xml" in lower:
        parts_th.append("การเชื่อมต่อข้อมูลภายนอก")
        parts_en.append("external data connections")
    if not parts_en:
        return None
    return ", ".join(parts_th), ", ".join(parts_en)


def _ods_findings(names: set[str]) -> list[Finding]:
    # LibreOffice keeps Basic modules under Basic/ and Python/JS under Scripts/
    if any(n.startswith(("Basic/", "Scripts/")) for n in names):
        return [_finding("file-macro", "มีมาโคร LibreOffice Basic/สคริปต์",
                         "LibreOffice Basic macros or scripts")]
    return []


_CUSTOM_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/custom-properties}"


def _custom_properties(zf: zipfile.ZipFile, names: set[str], limits: Limits,
                       parts: dict[str, bytes]) -> dict[str, str]:
    """docProps/custom.xml as name -> text (every vt: type read as its text)."""
    if "docProps/custom.xml" not in names:
        return {}
    root = _parse_small_part(zf, "docProps/custom.xml", limits, parts)
    if root is None:
        return {}
    props: dict[str, str] = {}
    for prop in root.iter(f"{_CUSTOM_NS}property"):
        name = prop.get("name")
        value = next(iter(prop), None)
        if name and value is not None:
            props[name] = value.text or ""
    return props


# ---------------------------------------------------------------- OLE2 / CFB containers

_ENDOFCHAIN = 0xFFFFFFFE
_FILEPASS = 0x002F
_BIFF_EOF = 0x000A


@dataclass
class _DirEntry:
    name: str  # lower-cased: CFB names compare case-insensitively
    kind: int  # 1 storage, 2 stream, 5 root
    start: int
    size: int


class _Cfb:
    """Just enough of [MS-CFB] to list the directory and peek at a stream's first sector."""

    def __init__(self, fh: BinaryIO, size: int, limits: Limits):
        self.fh = fh
        header = self._read(0, 512)
        major, _bom, shift = struct.unpack_from("<HHH", header, 0x1A)
        if shift not in (9, 12):
            raise _damaged("OLE header")
        self.sector = 1 << shift
        self.major = major
        self.nsectors = max(-(-size // self.sector) - 1, 0)
        self.limits = limits
        self.fat = self._load_fat(header)
        (self.first_dir,) = struct.unpack_from("<I", header, 0x30)
        (self.mini_cutoff,) = struct.unpack_from("<I", header, 0x38)

    def _read(self, offset: int, n: int) -> bytes:
        self.fh.seek(offset)
        data = self.fh.read(n)
        if len(data) < n:
            raise _damaged("OLE, truncated")
        return data

    def _sector(self, sid: int) -> bytes:
        if sid >= self.nsectors:
            raise _damaged("OLE, sector out of range")
        self.fh.seek((sid + 1) * self.sector)
        data = self.fh.read(self.sector)
        if not data:
            raise _damaged("OLE, truncated")
        return data.ljust(self.sector, b"\0")  # some writers do not pad the last sector

    def _load_fat(self, header: bytes) -> list[int]:
        num_fat, *_, first_difat, num_difat = struct.unpack_from("<8I", header, 0x2C)
        if num_fat > self.nsectors or num_difat > self.nsectors:
            raise _damaged("OLE header")
        per = self.sector // 4
        # FAT entries past the end of the file are useless: reading only what covers the
        # file keeps memory proportional to the (capped) file size whatever the header says
        wanted = min(num_fat, -(-self.nsectors // per))
        ids = list(struct.unpack_from("<109I", header, 0x4C))[: min(wanted, 109)]
        sid = first_difat
        for _ in range(num_difat):  # DIFAT chain: per-1 FAT sector ids, then the next link
            if len(ids) >= wanted:
                break
            block = struct.unpack(f"<{per}I", self._sector(sid))
            ids.extend(block[:-1])
            sid = block[-1]
        fat: list[int] = []
        for fat_sid in ids[:wanted]:
            fat.extend(struct.unpack(f"<{per}I", self._sector(fat_sid)))
        return fat[: self.nsectors]

    def chain(self, start: int) -> Iterator[int]:
        sid, steps = start, 0
        while sid != _ENDOFCHAIN:
            if sid >= len(self.fat) or steps > self.nsectors:  # special value or a loop
                raise _damaged("OLE, sector chain")
            yield sid
            steps += 1
            sid = self.fat[sid]

    def entries(self) -> list[_DirEntry]:
        out: list[_DirEntry] = []
        for sid in self.chain(self.first_dir):
            block = self._sector(sid)
            for off in range(0, self.sector, 128):
                entry = self._entry(block[off: off + 128])
                if entry is not None:
                    out.append(entry)
            if len(out) > self.limits.max_entries:
                raise _too_many_entries(len(out), self.limits)
        return out

    def _entry(self, raw: bytes) -> _DirEntry | None:
        (name_len,) = struct.unpack_from("<H", raw, 64)
        kind = raw[66]
        if kind == 0 or not 2 <= name_len <= 64:
            return None
        name = raw[: name_len - 2].decode("utf-16-le", errors="replace").lower()
        start, size = struct.unpack_from("<IQ", raw, 116)
        if self.major == 3:
            size &= 0xFFFFFFFF  # version 3 files leave the high half undefined
        return _DirEntry(name, kind, start, size)

    def stream_head(self, entry: _DirEntry) -> bytes | None:
        """The first sector of a stream; None when it lives in the mini stream (tiny)."""
        if entry.size < self.mini_cutoff:
            return None
        return self._sector(entry.start)[: entry.size]


def _ole_preflight(fh: BinaryIO, size: int, limits: Limits) -> Preflight:
    cfb = _Cfb(fh, size, limits)
    entries = cfb.entries()
    names = {e.name for e in entries}
    if {"encryptioninfo", "encryptedpackage"} <= names:  # an encrypted OOXML package
        raise _Refuse("file-encrypted", "ไฟล์ Excel ตั้งรหัสผ่านไว้",
                      "the workbook is encrypted with a password", "xlsx")
    book = next((e for e in entries if e.kind == 2 and e.name in ("workbook", "book")), None)
    if book is None:
        raise _not_a_spreadsheet(_ole_lookalike(names))
    findings: list[Finding] = []
    if "_vba_project_cur" in names:
        findings.append(_finding("file-macro", "มีมาโคร VBA _VBA_PROJECT_CUR",
                                 "VBA macros, _VBA_PROJECT_CUR"))
    if _has_filepass(cfb.stream_head(book)):
        findings.append(_finding("file-encrypted", "ไฟล์ .xls ตั้งรหัสผ่านไว้ FILEPASS",
                                 "the .xls file is password-protected, FILEPASS"))
    return Preflight("xls", findings)


def _ole_lookalike(names: set[str]) -> tuple[str, str]:
    if "worddocument" in names:
        return "เอกสาร Word .doc", "a Word .doc document"
    if "powerpoint document" in names:
        return "งานนำเสนอ PowerPoint .ppt", "a PowerPoint .ppt presentation"
    if any(n.startswith("__substg1.0_") for n in names):
        return "อีเมล Outlook .msg ให้บันทึกไฟล์แนบออกมาก่อน", \
            "an Outlook .msg email; save the attachment out of it first"
    return "ไฟล์ OLE ชนิดอื่น", "another kind of OLE file"


def _has_filepass(head: bytes | None) -> bool:
    """FILEPASS must follow the workbook's BOF, so the first records are enough.

    A workbook stream small enough for the mini stream is left to calamine's PasswordError.
    """
    if not head:
        return False
    pos = 0
    while pos + 4 <= len(head):
        rtype, rlen = struct.unpack_from("<HH", head, pos)
        if rtype == _FILEPASS:
            return True
        if rtype == _BIFF_EOF:
            return False
        pos += 4 + rlen
    return False


