"""What was sent: every file among the inputs sorted into returns, reports and the rest.

A district's "returned" folder holds more than returns: PDF scans, Word files, photos, ZIP
archives, saved e-mails, and the district's own outputs saved next to them (feedback copies,
check reports, consolidated reports). Each file is recognised by its content, never trusted
by its name: the tool's own outputs by what they store (a document property, their sheets),
ZIPs and mails opened with :mod:`ita_xlsx.validators.returns.archive` and their workbooks taken out into a
temporary folder, shown under the archive's name. Everything that is not read as a return is
listed with what it is and, when its name shows an organisation code, whose it is, so nothing
sent stays invisible.
"""

from __future__ import annotations

import os
import re
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from ita_xlsx.core.errors import what_happened
from ita_xlsx.core.files import safe_filename, walk_folder
from ita_xlsx.intake.archive import ArchiveError, Contents, kind_of, scan_eml, scan_zip
from ita_xlsx.intake.safety import LIMITS, OLE_MAGIC, ZIP_MAGIC
from ita_xlsx.intake.zips import open_zip, small_part
from ita_xlsx.thai.text import fold_code_text

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")
OUTPUT_PROPERTY = "ita_output"  # custom property the tool writes into its own outputs
REPORT_KIND = "ita-consolidated"
FEEDBACK_SHEETS = ("ผลการตรวจ", "Findings")  # first sheet of a feedback copy
CHECK_REPORT_SHEETS = (("ไฟล์", "ข้อค้นพบ"), ("Files", "Findings"))

OWN_OUTPUTS = {
    "feedback": ("สำเนาแจ้งผลการตรวจที่โปรแกรมสร้าง ไม่นับเป็นแบบรายงาน",
                 "a feedback copy made by ita-xlsx, not a return"),
    "check-report": ("รายงานผลการตรวจที่โปรแกรมสร้าง ไม่นับเป็นแบบรายงาน",
                     "a check report made by ita-xlsx, not a return"),
    "report": ("รายงานรวมที่โปรแกรมสร้าง บันทึกไว้ในโฟลเดอร์แบบรายงาน ไม่นับ "
               "(ระบุชื่อไฟล์โดยตรงหากต้องการรวมรายงานนี้)",
               "a consolidated report made by ita-xlsx, saved among the returns; not counted "
               "(name the file itself to merge it)"),
}


@dataclass(frozen=True)
class Item:
    """A file that was not read as a return, and why."""

    path: str  # as shown: the file, or "archive > inner name"
    kind: str  # pdf | word | image | zip | mail | other | refused | feedback | check-report
    #            | report
    org_code: str  # whose it is by its name ("" when the name shows no known code)
    th: str
    en: str

    def text(self, lang: str = "th") -> str:
        return self.en if lang == "en" else self.th

    def to_dict(self, lang: str = "th") -> dict:
        return {"path": self.path, "kind": self.kind, "org_code": self.org_code,
                "detail": self.text(lang)}


@dataclass
class Inbox:
    """Returns to read (files on disk), reports to merge, and everything else."""

    workbooks: list[Path] = field(default_factory=list)
    reports: list[Path] = field(default_factory=list)
    skipped: list[Item] = field(default_factory=list)
    shown: dict[str, str] = field(default_factory=dict)  # extracted path -> shown name
    times: dict[str, float] = field(default_factory=dict)  # extracted path -> archive's time
    _tmp: tempfile.TemporaryDirectory | None = None

    def show(self, path: str | Path) -> str:
        return self.shown.get(str(path), str(path))

    def close(self) -> None:
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None

    def __enter__(self) -> Inbox:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _extract_dir(self) -> Path:
        if self._tmp is None:
            self._tmp = tempfile.TemporaryDirectory(prefix="ita-xlsx-")
        return Path(self._tmp.name)


def code_in_name(name: str, codes: set[str] | None = None) -> str:
    """The organisation code a file name shows: one of ``codes`` when given, else a leading
    run of 5+ digits (Thai, Arabic-Indic and full-width digits read as 0-9, invisible
    characters ignored). A name holding a right-to-left override shows another order than it
    has, so it names nobody."""
    if "\u202e" in name:
        return ""
    stem = fold_code_text(Path(name).name)
    tokens = [t for t in re.split(r"[^0-9A-Za-z]+", stem) if t]
    if codes:
        folded = {c.casefold(): c for c in codes}
        for t in tokens:
            if t.casefold() in folded:
                return folded[t.casefold()]
        return ""
    return tokens[0] if tokens and re.fullmatch(r"\d{5,}", tokens[0]) else ""


def own_output(path: Path) -> str:
    """"report" | "feedback" | "check-report" for a workbook this tool wrote, else "".

    Looks at what the file stores (a document property; the sheets a feedback copy or a
    check report always has), so renaming the file does not hide it.
    """
    try:
        with open_zip(path) as zf:
            props = _small_part(zf, "docProps/custom.xml")
            if REPORT_KIND.encode() in props:
                return "report"
            hit = re.search(rb'name="' + OUTPUT_PROPERTY.encode() + rb'"[^>]*>\s*<vt:lpwstr>'
                            rb'([a-z-]+)<', props)
            if hit and hit.group(1).decode() in OWN_OUTPUTS:
                return hit.group(1).decode()
            sheets = _sheet_names(_small_part(zf, "xl/workbook.xml"))
    except (zipfile.BadZipFile, OSError, ValueError, KeyError, EOFError):
        return ""
    if sheets and sheets[0] in FEEDBACK_SHEETS and "_ita_meta" in sheets:
        return "feedback"
    if tuple(sheets[:2]) in CHECK_REPORT_SHEETS:
        return "check-report"
    return ""


def _small_part(zf: zipfile.ZipFile, name: str) -> bytes:
    return small_part(zf, name, LIMITS.max_small_part)


def _sheet_names(workbook_xml: bytes) -> list[str]:
    from html import unescape

    return [unescape(m.decode("utf-8", "replace"))
            for m in re.findall(rb'<(?:\w+:)?sheet\b[^>]*?\bname="([^"]*)"', workbook_xml)]


def _sniff(path: Path) -> bytes:
    try:
        with path.open("rb") as fh:
            return fh.read(16)
    except OSError:
        return b""


def _is_clutter(path: Path) -> bool:
    name = path.name
    return name.startswith(("~$", ".~", "._", ".")) or name in (
        "Thumbs.db", "desktop.ini", ".DS_Store")


def gather(inputs: list[str | Path], codes: set[str] | None = None,
           exclude: set[Path] | None = None) -> Inbox:
    """Sort the inputs (files and folders, searched recursively).

    A consolidated report counts as one (``reports``) when it is named itself, or when the
    folder it is in holds no returns; one saved among returns is listed as skipped. The
    caller closes the inbox (it may hold a temporary folder of extracted workbooks).
    """
    inbox = Inbox()
    excluded = {p.resolve() for p in exclude or set()}
    seen: set[Path] = set()
    for item in inputs:
        p = Path(item)
        if p.is_dir():
            files, blocked = walk_folder(p)
            files = sorted(f for f in files if not _is_clutter(f))
            # a subfolder that cannot be opened is read like a file: its finding says so
            inbox.workbooks.extend(blocked)
            found_reports: list[Path] = []
            before = len(inbox.workbooks)
            for f in files:
                key = f.resolve()  # once: it asks the disk about every folder on the way
                if key in excluded or key in seen:
                    continue
                seen.add(key)
                _classify(inbox, f, codes, found_reports)
            if len(inbox.workbooks) > before:
                for r in found_reports:
                    th, en = OWN_OUTPUTS["report"]
                    inbox.skipped.append(Item(str(r), "report", "", th, en))
            else:
                inbox.reports.extend(found_reports)
        else:
            key = p.resolve()
            if key in excluded or key in seen:
                continue
            seen.add(key)
            _classify(inbox, p, codes, inbox.reports)
    return inbox


def _classify(inbox: Inbox, path: Path, codes: set[str] | None, reports: list[Path]) -> None:
    head = _sniff(path)
    low = path.name.lower()
    code = code_in_name(path.name, codes)
    is_zip, is_ole = head.startswith(ZIP_MAGIC), head.startswith(OLE_MAGIC)
    if low.endswith(WORKBOOK_SUFFIXES) or (is_zip and _zip_is_workbook(path)):
        kind = own_output(path) if is_zip else ""
        if kind == "report":
            reports.append(path)
        elif kind:
            th, en = OWN_OUTPUTS[kind]
            inbox.skipped.append(Item(str(path), kind, code, th, en))
        else:
            inbox.workbooks.append(path)  # read and checked: a bad one gets its finding
        return
    if low.endswith(".eml") or (is_zip and not low.endswith((".docx", ".pptx", ".odt"))):
        _open_container(inbox, path, code, codes, eml=low.endswith(".eml"))
        return
    if is_ole and not low.endswith((".doc", ".ppt", ".msg")):
        inbox.workbooks.append(path)  # an .xls under another name: the reader says what it is
        return
    kind, th, en = kind_of(path.name, head)
    inbox.skipped.append(Item(str(path), kind, code, f"เป็น{th} ไม่ใช่แบบรายงาน Excel",
                              f"{en}, not an Excel return"))


def _zip_is_workbook(path: Path) -> bool:
    """A spreadsheet package (Excel or OpenDocument), not any Office file: a Word document
    or a presentation is also a ZIP with ``[Content_Types].xml`` and must be listed as what
    it is, never read as an unreadable return."""
    try:
        with open_zip(path) as zf:
            names = set(zf.namelist()[: LIMITS.max_entries])
            if "mimetype" in names and zf.getinfo("mimetype").file_size < 200:
                return zf.read("mimetype").startswith(
                    b"application/vnd.oasis.opendocument.spreadsheet")
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, KeyError):
        return False
    if "[Content_Types].xml" not in names:
        return False
    # an Excel package keeps its parts under xl/; Word under word/, PowerPoint under ppt/
    return not any(n.startswith(("word/", "ppt/")) for n in names)


def _open_container(inbox: Inbox, path: Path, code: str, codes: set[str] | None,
                    eml: bool) -> None:
    what_th, what_en = ("ข้อความอีเมล", "mail message") if eml else ("ไฟล์ ZIP", "ZIP archive")
    try:
        size = path.stat().st_size
        limit = LIMITS.max_file_bytes * (2 if eml else 1)
        if size > limit:
            raise ArchiveError(f"ใหญ่เกินไป {size / 1024 / 1024:,.1f} MB",
                               f"too large: {size / 1024 / 1024:,.1f} MB")
        data = path.read_bytes()
        contents: Contents = (scan_eml if eml else scan_zip)(data, str(path))
        mtime = path.stat().st_mtime
    except ArchiveError as exc:
        inbox.skipped.append(Item(str(path), "refused", code, f"{what_th}: {exc.th}",
                                  f"{what_en}: {exc.en}"))
        return
    except OSError as exc:
        th, en = what_happened(exc)
        inbox.skipped.append(Item(str(path), "refused", code, f"เปิด{what_th}ไม่ได้ ({th})",
                                  f"cannot open the {what_en} ({en})"))
        return
    if not contents.members and not contents.others:
        inbox.skipped.append(Item(str(path), "mail" if eml else "zip", code,
                                  f"{what_th}ที่ไม่มีแบบรายงาน Excel แนบ/อยู่ภายใน",
                                  f"a {what_en} without an Excel workbook inside"))
        return
    folder = inbox._extract_dir()
    for member in contents.members:
        shown = member.display
        inner_base = member.inner_name.rsplit("/", 1)[-1]
        target = folder / f"{len(inbox.shown) + 1:04d}_{safe_filename(inner_base, 'workbook')}"
        target.write_bytes(member.data)
        os.utime(target, (mtime, mtime))
        inbox.shown[str(target)] = shown
        inbox.times[str(target)] = mtime
        kind = own_output(target) if member.data.startswith(ZIP_MAGIC) else ""
        if kind == "report":
            th, en = OWN_OUTPUTS["report"]
            inbox.skipped.append(Item(shown, "report", "", th, en))
        elif kind:
            th, en = OWN_OUTPUTS[kind]
            inbox.skipped.append(Item(shown, kind, code_in_name(inner_base, codes) or code,
                                      th, en))
        else:
            inbox.workbooks.append(target)
    for other in contents.others:
        shown = f"{other.source} > {other.inner_name}"
        who = code_in_name(other.inner_name, codes) or code
        if other.kind == "refused":
            inbox.skipped.append(Item(shown, "refused", who, f"ไม่ได้เปิด: {other.th}",
                                      f"not opened: {other.en}"))
        else:
            inbox.skipped.append(Item(shown, other.kind, who,
                                      f"เป็น{other.th} ไม่ใช่แบบรายงาน Excel",
                                      f"{other.en}, not an Excel return"))
