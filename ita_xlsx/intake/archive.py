"""Workbooks inside ZIP archives and saved e-mails (.eml), taken out safely in memory.

Officers receive returns zipped ("ส่งงาน.zip" made by Thai Windows) or forward a whole mail.
Nothing here writes to disk or trusts a size the archive declares: every member is inflated in
small chunks and counted as it goes, with the same limits as the workbook checks of
``safety.py`` (member size, total size, compression ratio, number of entries). Names made on
Thai Windows are cp874 bytes without the ZIP "UTF-8" flag; they are decoded as such, and
cp437 (the ZIP default) is kept only when the bytes do not read as Thai.

Containers may sit inside one another in any order — a ZIP in a mail, a saved .eml in the ZIP,
a forwarded message in that mail — up to ``MAX_DEPTH`` of them; a deeper one is listed as
refused with the reason, never dropped. Parts are walked with an explicit stack, and a message
whose structure is nested past what the standard parser can take is refused the same way.

``zip_workbooks`` and ``eml_workbooks`` return the workbooks found as :class:`Member`
(inner_name, data, source); ``scan_zip``/``scan_eml`` also say what else was inside (a PDF, an
image, a member refused and why) so nothing sent goes unmentioned. A container that cannot be
opened at all raises :class:`ArchiveError` with a Thai and an English reason.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from typing import NamedTuple

from ita_xlsx.core.errors import ItaError, what_happened
from ita_xlsx.intake.safety import LIMITS, OLE_MAGIC, Limits, MiB
from ita_xlsx.intake.zips import MemberTooLarge, open_zip, read_member

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")
# Containers inside one another (ZIP, saved .eml, forwarded message; the mail itself is 0):
# ZIP > .eml > forwarded message > ZIP is followed, a fifth is refused and listed.
MAX_DEPTH = 4
# multipart/* and message/* headers in one mail's raw text beyond which it is not parsed: the
# standard parser recurses per level and a crafted mail nested thousands deep would stop it.
MAX_RAW_CONTAINERS = 200
_CONTAINER_HEADER = re.compile(rb"(?im)^content-type:[ \t]*(?:multipart|message)/")
TOO_DEEP = ("ซ้อนกันหลายชั้นเกินไป (ZIP, อีเมลที่บันทึกไว้ หรืออีเมลที่ส่งต่อ เกิน "
            f"{MAX_DEPTH} ชั้น) — เปิดดูในโปรแกรมอีเมลแล้วแนบสมุดงานมาโดยตรง",
            f"nested too deeply (ZIP, saved mail or forwarded mail, more than {MAX_DEPTH} "
            "levels) — open it in a mail program and attach the workbook itself")
_UTF8_FLAG = 0x800
_THAI = re.compile("[\u0e01-\u0e5b]")
# what zipfile/zlib raise on damaged or crafted archives
_ZIP_ERRORS = (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, NotImplementedError,
               RuntimeError, EOFError, ValueError, OverflowError, OSError)


class Member(NamedTuple):
    """One workbook taken out of an archive or mail."""

    inner_name: str  # its name inside (decoded; folders kept, e.g. "รอบ6/6560101.xlsx")
    data: bytes
    source: str  # the container(s) it came from, outermost first: "a.eml > b.zip"

    @property
    def display(self) -> str:
        return f"{self.source} > {self.inner_name}"


@dataclass(frozen=True)
class Other:
    """Something inside that is not a workbook (or a workbook refused), with the reason."""

    inner_name: str
    source: str
    kind: str  # "pdf" | "word" | "image" | "zip" | "mail" | "other" | "refused"
    th: str
    en: str


@dataclass
class Contents:
    members: list[Member] = field(default_factory=list)
    others: list[Other] = field(default_factory=list)


class ArchiveError(ItaError):
    """The container itself cannot be opened safely; ``th``/``en`` say why."""


# ---------------------------------------------------------------- names


def decode_zip_name(info: zipfile.ZipInfo) -> str:
    """The member's name as the sender saw it.

    With the UTF-8 flag zipfile already decoded it. Without, zipfile decoded the raw bytes as
    cp437; Thai Windows wrote them in cp874 (and some tools write UTF-8 without the flag).
    """
    name = info.filename
    if info.flag_bits & _UTF8_FLAG or name.isascii():
        return name
    try:
        raw = name.encode("cp437")
    except UnicodeEncodeError:
        return name
    for encoding in ("utf-8", "cp874"):
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _THAI.search(text):
            return text
    return name


def _safe_name(name: str) -> str:
    """A name to show: control characters replaced, folders kept but never absolute."""
    name = re.sub(r"[\x00-\x1f\x7f]", "?", name).replace("\\", "/").lstrip("/")
    return "/".join(p for p in name.split("/") if p not in ("", ".", ".."))


def kind_of(name: str, head: bytes = b"") -> tuple[str, str, str]:
    """(kind, Thai, English) of a non-workbook file from its content first, then its name."""
    low = name.lower()
    if head.startswith(b"%PDF") or low.endswith(".pdf"):
        return "pdf", "ไฟล์ PDF", "a PDF file"
    if head.startswith((b"\x89PNG", b"\xff\xd8\xff", b"GIF8")) or low.endswith(
            (".jpg", ".jpeg", ".png", ".gif", ".heic", ".bmp", ".tif", ".tiff", ".webp")):
        return "image", "ไฟล์รูปภาพ", "an image"
    if low.endswith((".doc", ".docx", ".odt", ".rtf")):
        return "word", "เอกสาร Word", "a Word document"
    if low.endswith((".eml", ".msg")):
        return "mail", "ข้อความอีเมลที่บันทึกไว้", "a saved e-mail message"
    if low.endswith((".zip", ".rar", ".7z", ".gz")) or head.startswith(
            (b"Rar!", b"7z\xbc\xaf\x27\x1c", b"\x1f\x8b")):
        return "zip", "ไฟล์บีบอัด", "a compressed archive"
    if head.startswith(OLE_MAGIC):
        return "other", "ไฟล์ Office ที่ไม่ใช่ Excel", "an Office file that is not Excel"
    return "other", "ไฟล์ที่ไม่ใช่สมุดงาน Excel", "a file that is not an Excel workbook"


def is_workbook_name(name: str) -> bool:
    return name.lower().endswith(WORKBOOK_SUFFIXES)


# ---------------------------------------------------------------- ZIP


def zip_workbooks(data: bytes, name: str, limits: Limits = LIMITS) -> list[Member]:
    """The workbooks in the ZIP archive ``data`` (called ``name``), read within limits."""
    return scan_zip(data, name, limits).members


def scan_zip(data: bytes, name: str, limits: Limits = LIMITS, _depth: int = 1,
             _budget: list[int] | None = None) -> Contents:
    """Everything in a ZIP archive: workbooks as members, the rest (and refusals) as others."""
    if len(data) > limits.max_file_bytes:
        raise ArchiveError(f"ไฟล์ ZIP ใหญ่เกินไป {len(data) / MiB:,.1f} MB",
                           f"ZIP file too large: {len(data) / MiB:,.1f} MB")
    budget = _budget if _budget is not None else [limits.max_uncompressed]
    try:
        zf = open_zip(io.BytesIO(data))
    except _ZIP_ERRORS as exc:
        th, en = what_happened(exc)  # in words, never the exception's class name
        raise ArchiveError(f"เปิดไฟล์ ZIP ไม่ได้ ไฟล์เสียหาย ({th})",
                           f"cannot open the ZIP archive, damaged ({en})") from None
    out = Contents()
    with zf:
        infos = zf.infolist()
        if len(infos) > limits.max_entries:
            raise ArchiveError(f"ZIP มีรายการมากเกินไป {len(infos):,} รายการ",
                               f"the ZIP has too many entries: {len(infos):,}")
        for info in infos:
            inner = _safe_name(decode_zip_name(info))
            if info.is_dir() or not inner or _is_clutter(inner):
                continue
            base = inner.rsplit("/", 1)[-1]
            wanted = is_workbook_name(base) or base.lower().endswith((".zip", ".eml"))
            if not wanted:
                kind, th, en = kind_of(base)
                out.others.append(Other(inner, name, kind, th, en))
                continue
            if info.flag_bits & 0x1:
                out.others.append(Other(inner, name, "refused", "ถูกเข้ารหัสด้วยรหัสผ่าน",
                                        "password-protected"))
                continue
            try:
                blob = _inflate(zf, info, inner, limits, budget)
            except ArchiveError as exc:
                out.others.append(Other(inner, name, "refused", exc.th, exc.en))
                continue
            except _ZIP_ERRORS as exc:
                out.others.append(Other(inner, name, "refused", "แตกไฟล์ไม่ได้ ไฟล์เสียหาย",
                                        f"cannot extract, damaged ({what_happened(exc)[1]})"))
                continue
            _take(blob, inner, name, limits, _depth, budget, out)
    return out


def _is_clutter(inner: str) -> bool:
    base = inner.rsplit("/", 1)[-1]
    return (inner.startswith("__MACOSX/") or base.startswith(("~$", ".~", "._"))
            or base in ("Thumbs.db", ".DS_Store", "desktop.ini"))


def _inflate(zf: zipfile.ZipFile, info: zipfile.ZipInfo, inner: str, limits: Limits,
             budget: list[int]) -> bytes:
    """The member's bytes, counted while inflating: declared sizes can lie."""
    cap = min(limits.max_member, budget[0])
    ratio_cap = max(limits.ratio_min_member, int(info.compress_size * limits.max_ratio))
    try:
        data = read_member(zf, info, cap, ratio_limit=ratio_cap)
    except MemberTooLarge as exc:
        if exc.ratio:
            raise ArchiveError(
                f"อัตราการบีบอัดของ {inner} สูงผิดปกติ แบบ ZIP bomb",
                f"the compression ratio of {inner} is abnormal, a ZIP bomb") from None
        raise ArchiveError(
            f"{inner} ขยายแล้วใหญ่เกิน {cap / MiB:,.0f} MB",
            f"{inner} expands beyond {cap / MiB:,.0f} MB") from None
    budget[0] -= len(data)
    return data


def _take(blob: bytes, inner: str, source: str, limits: Limits, depth: int,
          budget: list[int], out: Contents) -> None:
    """Add a workbook, or open a nested ZIP or mail (up to MAX_DEPTH containers)."""
    low = inner.lower()
    if is_workbook_name(low):
        out.members.append(Member(inner, blob, source))
        return
    if depth >= MAX_DEPTH:
        out.others.append(Other(inner, source, "refused", *TOO_DEEP))
        return
    chain = f"{source} > {inner}"
    try:
        if low.endswith(".eml"):
            inner_contents = scan_eml(blob, chain, limits, depth + 1, budget)
        else:
            inner_contents = scan_zip(blob, chain, limits, depth + 1, budget)
    except ArchiveError as exc:
        out.others.append(Other(inner, source, "refused", exc.th, exc.en))
        return
    out.members.extend(inner_contents.members)
    out.others.extend(inner_contents.others)


# ---------------------------------------------------------------- saved e-mail


def eml_workbooks(data: bytes, name: str, limits: Limits = LIMITS) -> list[Member]:
    """The workbook attachments of a saved e-mail (and of mails forwarded inside it, and of
    ZIP archives attached to either)."""
    return scan_eml(data, name, limits).members


def parse_mail(data: bytes):
    """A mail parsed with the standard library's fast ``compat32`` parser; :class:`ArchiveError`
    when it cannot be (nested past what the parser takes, or garbage)."""
    import email
    import email.policy

    if len(_CONTAINER_HEADER.findall(data, 0, 8 * MiB)) > MAX_RAW_CONTAINERS:
        raise ArchiveError(*TOO_DEEP)
    try:
        return email.message_from_bytes(data, policy=email.policy.compat32)
    except RecursionError:  # the backstop for a structure the count above did not see
        raise ArchiveError(*TOO_DEEP) from None
    except Exception as exc:  # the parser is lenient; anything raised means garbage
        raise ArchiveError("อ่านไฟล์อีเมลไม่ได้", f"cannot read the mail ({type(exc).__name__})"
                           ) from None


def scan_eml(data: bytes, name: str, limits: Limits = LIMITS, _depth: int = 1,
             _budget: list[int] | None = None) -> Contents:
    """Every attachment of a saved e-mail: workbooks as members, the rest as others."""
    # base64 makes a mail about 4/3 of its attachments; allow for that and some text
    if len(data) > limits.max_file_bytes * 2:
        raise ArchiveError(f"ไฟล์อีเมลใหญ่เกินไป {len(data) / MiB:,.1f} MB",
                           f"mail file too large: {len(data) / MiB:,.1f} MB")
    msg = parse_mail(data)
    if not msg.keys() and not msg.get_payload():
        raise ArchiveError("ไม่ใช่ไฟล์อีเมล", "not a mail message")
    return scan_message(msg, name, limits, _depth, _budget)


def scan_message(msg, name: str, limits: Limits = LIMITS, depth: int = 0,
                 budget: list[int] | None = None) -> Contents:
    """Every attachment of a parsed mail (``depth`` containers deep; a mail fetched from the
    mailbox is 0), of the messages forwarded inside it and of the ZIP archives and saved
    mails attached to either: workbooks as members, the rest (and refusals) as others.

    The parts are walked with a stack, not recursion; each forwarded message is one level."""
    budget = budget if budget is not None else [limits.max_uncompressed]
    out = Contents()
    parts = 0
    stack = [(msg, depth)]
    while stack:
        part, level = stack.pop()
        parts += 1
        if parts > limits.max_entries:
            out.others.append(Other(name, name, "refused", "อีเมลมีส่วนประกอบมากเกินไป",
                                    "too many parts in the mail"))
            break
        if part.is_multipart():
            children = part.get_payload()
            if not isinstance(children, list):
                continue
            if part.get_content_maintype() == "message" and part is not msg:
                if level + 1 > MAX_DEPTH:  # a forwarded message one level too deep
                    out.others.append(Other(_forwarded_name(children), name, "refused",
                                            *TOO_DEEP))
                    continue
                level += 1
            stack.extend((child, level) for child in reversed(children))
            continue
        filename = _part_filename(part)
        forwarded = part.get_content_type() == "message/rfc822"  # sent as an opaque body
        if not filename and not forwarded:
            continue
        filename = filename or "forwarded.eml"
        try:
            blob = part.get_payload(decode=True) or b""
        except Exception:  # a broken transfer encoding: say so for this attachment only
            out.others.append(Other(filename, name, "refused", "ไฟล์แนบเสียหาย",
                                    "damaged attachment"))
            continue
        if len(blob) > limits.max_member or len(blob) > budget[0]:
            out.others.append(Other(filename, name, "refused", "ไฟล์แนบใหญ่เกินไป",
                                    "attachment too large"))
            continue
        low = filename.lower()
        if forwarded and not low.endswith(".eml"):
            filename, low = filename + ".eml", low + ".eml"
        if is_workbook_name(low) or low.endswith((".zip", ".eml")):
            budget[0] -= len(blob)
            _take(blob, filename, name, limits, level, budget, out)
        else:
            kind, th, en = kind_of(filename, blob[:16])
            out.others.append(Other(filename, name, kind, th, en))
    return out


def _forwarded_name(children: list) -> str:
    try:
        subject = str(children[0].get("Subject", "") or "").strip() if children else ""
    except Exception:  # noqa: BLE001 - a malformed header: a generic name
        subject = ""
    return _decode_words(subject)[:120] or "forwarded message"


def _decode_words(text: str) -> str:
    """RFC 2047 encoded words (``=?utf-8?b?...?=``) as text; the text itself otherwise."""
    if "=?" not in text:
        return text
    from email.header import decode_header, make_header

    try:
        return str(make_header(decode_header(text)))
    except (LookupError, UnicodeDecodeError, ValueError, TypeError):
        return text


def _part_filename(part) -> str:
    """The attachment's file name (RFC 2231 / encoded words decoded, as mail programs write
    them in ``filename=`` or ``name=``), safe to show; '' for the message's own text."""
    try:
        filename = part.get_filename() or part.get_param("name") or ""
    except Exception:  # malformed header parameters
        filename = ""
    if isinstance(filename, tuple):  # an RFC 2231 value the parser left split
        from email.utils import collapse_rfc2231_value

        filename = collapse_rfc2231_value(filename)
    filename = _decode_words(str(filename))
    if not filename and part.get_content_type() in (
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "application/vnd.ms-excel", "application/zip", "application/x-zip-compressed"):
        filename = "attachment" + {"application/vnd.ms-excel": ".xls",
                                   "application/zip": ".zip",
                                   "application/x-zip-compressed": ".zip"}.get(
            part.get_content_type(), ".xlsx")
    return _safe_name(filename).rsplit("/", 1)[-1]
