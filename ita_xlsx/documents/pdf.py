"""PDF copies of .docx documents through LibreOffice Writer (when it is installed)."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

NOT_INSTALLED = (
    "ไม่พบโปรแกรม LibreOffice (soffice) จึงสร้างไฟล์ PDF ไม่ได้ ไฟล์ .docx สร้างเรียบร้อยแล้ว "
    "ติดตั้ง LibreOffice (https://th.libreoffice.org) แล้วสั่งใหม่ หรือเปิดไฟล์ .docx ใน Word "
    "แล้วบันทึกเป็น PDF",
    "LibreOffice (soffice) was not found, so no PDF was made; the .docx files are written. "
    "Install LibreOffice and run again, or open the .docx in Word and save as PDF.",
)


def soffice() -> str | None:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found:
        return found
    for base in (os.environ.get("PROGRAMFILES", ""), os.environ.get("PROGRAMFILES(X86)", "")):
        exe = Path(base, "LibreOffice", "program", "soffice.exe") if base else None
        if exe and exe.exists():
            return str(exe)
    return None


# LibreOffice reads Word's ``PAGE \* ThaiArabic`` as Thai letters and knows no Thai page
# number format in .docx, so its page numbers come out "- 2 -". Its "context" numerals draw
# the digits of Thai-language text as Thai digits: in a document written in Thai digits that
# touches only the page number, since URLs and addresses are runs marked as English.
_THAI_NUMERALS = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry"
 xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Common/I18N/CTL"><prop oor:name="CTLFont" oor:op="fuse"\
><value>true</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/I18N/CTL"><prop oor:name="CTLTextNumerals" \
oor:op="fuse"><value>3</value></prop></item>
</oor:items>
"""


def to_pdf(docs: list[Path], out_dir: Path, force: bool = False, timeout: float = 300,
           thai_digits: bool = True) -> tuple[list[Path], tuple[str, str] | None]:
    """Convert ``docs`` into ``out_dir``; (PDFs written, problem (Thai, English) or None).
    ``thai_digits``: the documents are written in Thai digits (their page numbers too)."""
    exe = soffice()
    if exe is None:
        return [], NOT_INSTALLED
    if not docs:
        return [], None
    written: list[Path] = []
    out_dir.mkdir(parents=True, exist_ok=True)
    # The PDFs are made beside their targets and moved into place whole (never half-written).
    with tempfile.TemporaryDirectory(prefix="ita-lo-") as tmp, \
            tempfile.TemporaryDirectory(prefix=".~pdf-", dir=out_dir) as stage_dir:
        profile = Path(tmp, "profile")
        if thai_digits:
            (profile / "user").mkdir(parents=True)
            (profile / "user" / "registrymodifications.xcu").write_text(_THAI_NUMERALS,
                                                                        encoding="utf-8")
        stage = Path(stage_dir)
        cmd = [exe, "--headless", "--norestore", "--nolockcheck",
               f"-env:UserInstallation={profile.as_uri()}", "--convert-to", "pdf",
               "--outdir", str(stage), *[str(d) for d in docs]]
        try:
            subprocess.run(cmd, capture_output=True, timeout=timeout, check=False)
        except (OSError, subprocess.TimeoutExpired) as exc:
            return [], (f"แปลงเป็น PDF ไม่สำเร็จ ({exc})", f"PDF conversion failed ({exc})")
        missing = []
        for d in docs:
            made = stage / f"{d.stem}.pdf"
            target = out_dir / made.name
            if not made.exists():
                missing.append(d.name)
                continue
            if target.exists() and not force:
                continue
            os.replace(made, target)
            written.append(target)
        if missing:
            return written, (f"แปลงเป็น PDF ไม่สำเร็จ: {', '.join(missing)}",
                             f"could not convert to PDF: {', '.join(missing)}")
    return written, None
