"""The state emblem (ครุฑ) the office already uses, for the head of a ประกาศ and a บันทึกข้อความ.

The emblem is regulated and every office holds it in its own Word letterheads, so the tool never
draws or ships one: it takes an image file the office names (``[documents] emblem`` in
ita-settings.toml, ``--emblem`` or the web page), or the first picture of the office's own
letterhead .docx (``[documents] letterhead``). Without either the documents keep the space.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from ita_xlsx.core.errors import InputError
from ita_xlsx.intake.zips import ZIP_ERRORS, open_zip, read_member

IMAGE_TYPES = {b"\x89PNG\r\n\x1a\n": "png", b"\xff\xd8\xff": "jpeg", b"GIF8": "gif",
               b"BM": "bmp"}
MAX_BYTES = 20 * 1024 * 1024

MISSING = (
    "ไม่ได้ระบุภาพตราครุฑ เอกสารจึงเว้นที่ว่างของตราไว้ (ประกาศ ๓ ซม. บันทึกข้อความ ๑.๕ ซม.) "
    "หากต้องการให้พิมพ์ตราด้วย ให้ระบุไฟล์ภาพตราครุฑของสำนักงาน (.png หรือ .jpg) ใน "
    "ita-settings.toml หัวข้อ [documents] เช่น emblem = \"ครุฑ.png\" หรือระบุแบบบันทึกข้อความ "
    "(.docx) ที่มีตราครุฑ: letterhead = \"แบบบันทึกข้อความ.docx\" หรือใช้ตัวเลือก --emblem",
    "No emblem (Garuda) image was given, so the documents keep its space blank (3 cm on an "
    "announcement, 1.5 cm on a memo). To print it, name the office's emblem image (.png or "
    ".jpg) in ita-settings.toml under [documents], e.g. emblem = \"garuda.png\", or a letterhead "
    ".docx holding it: letterhead = \"memo-letterhead.docx\"; or use --emblem.",
)


class EmblemError(InputError):
    """The emblem image or letterhead named cannot be used (exit 2)."""


@dataclass
class Emblem:
    data: bytes
    kind: str  # png, jpeg, gif, bmp
    source: str  # the file it came from


def _kind(data: bytes) -> str | None:
    return next((k for magic, k in IMAGE_TYPES.items() if data.startswith(magic)), None)


def from_image(path: Path) -> Emblem:
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise EmblemError(f"ไฟล์ภาพตราครุฑ {path} ใหญ่เกินไป ({size // 1024} KB) ใช้ภาพไม่เกิน 20 MB",
                              f"The emblem image {path} is too large ({size // 1024} KB).")
        data = path.read_bytes()
    except OSError as exc:
        raise EmblemError(f"เปิดไฟล์ภาพตราครุฑ {path} ไม่ได้ ({exc.strerror}) ตรวจชื่อไฟล์ใน "
                          "ita-settings.toml หัวข้อ [documents]",
                          f"Cannot open the emblem image {path} ({exc.strerror}).") from None
    kind = _kind(data)
    if kind is None:
        raise EmblemError(f"ไฟล์ {path} ไม่ใช่ภาพ PNG, JPEG, GIF หรือ BMP บันทึกภาพตราครุฑเป็น .png "
                          "แล้วระบุใหม่",
                          f"{path} is not a PNG, JPEG, GIF or BMP image; save the emblem as .png.")
    return Emblem(data, kind, str(path))


def from_letterhead(path: Path | BinaryIO, shown: str = "") -> Emblem:
    """The first picture of a letterhead .docx (the emblem at the top of the office's form);
    ``shown`` names it in messages (the path by default)."""
    shown = shown or str(path)
    try:
        with open_zip(path) as z:
            names = sorted((n for n in z.namelist() if n.startswith("word/media/")),
                           key=lambda n: z.getinfo(n).header_offset)
            for name in names:
                info = z.getinfo(name)
                if info.file_size > MAX_BYTES:
                    continue
                data = read_member(z, info, MAX_BYTES)  # the declared size may lie
                kind = _kind(data)
                if kind:
                    return Emblem(data, kind, f"{shown} ({name})")
    except (OSError, *ZIP_ERRORS) as exc:
        raise EmblemError(f"เปิดแบบบันทึกข้อความ {shown} ไม่ได้ ({exc}) ต้องเป็นไฟล์ .docx",
                          f"Cannot open the letterhead {shown} ({exc}); it must be a .docx."
                          ) from None
    raise EmblemError(f"ไม่พบภาพตราครุฑในแบบบันทึกข้อความ {shown} (ไม่มีรูปภาพ PNG/JPEG ในไฟล์) "
                      "ระบุไฟล์ภาพแทนด้วย emblem = \"ครุฑ.png\"",
                      f"No picture in the letterhead {shown}; name an image with emblem = ...")


def load(image: Path | None = None, letterhead: Path | None = None) -> Emblem | None:
    if image:
        return from_image(Path(image))
    if letterhead:
        return from_letterhead(Path(letterhead))
    return None


# ------------------------------------------------------------ the round's own emblem file

# The names the tool gives the office's upload, beside ita-settings.toml.
STORED = {"png": "ita-emblem.png", "jpeg": "ita-emblem.jpg", "gif": "ita-emblem.gif",
          "bmp": "ita-emblem.bmp", "docx": "ita-letterhead.docx"}


def install(settings_file: Path, data: bytes, name: str = "") -> Emblem:
    """Keep an uploaded emblem image or letterhead .docx (``name``: as it was sent) beside the
    round's settings file and name it in ``[documents]``; it is checked before anything is
    written."""
    from ita_xlsx.core.files import atomic_write
    from ita_xlsx.spec.settings import save_documents

    if len(data) > MAX_BYTES:
        raise EmblemError(f"ไฟล์ตราครุฑ {name} ใหญ่เกินไป ({len(data) // 1024} KB) ใช้ไฟล์ไม่เกิน "
                          "20 MB", f"The emblem file {name} is too large ({len(data) // 1024} KB).")
    kind = _kind(data) or ("docx" if data.startswith(b"PK\x03\x04") else None)
    if kind is None:
        raise EmblemError(f"ไฟล์ {name} ไม่ใช่ภาพ PNG, JPEG, GIF, BMP หรือแบบบันทึกข้อความ .docx "
                          "บันทึกภาพตราครุฑเป็น .png แล้วส่งใหม่",
                          f"{name} is not a PNG, JPEG, GIF or BMP image nor a letterhead "
                          ".docx; save the emblem as .png and send it again.")
    folder = Path(settings_file).parent
    target = folder / STORED[kind]
    if kind == "docx":  # the picture must come out of it before the file is kept
        from_letterhead(io.BytesIO(data), name)
    atomic_write(target, data, force=True)
    for name in set(STORED.values()) - {target.name}:  # one emblem file per round
        (folder / name).unlink(missing_ok=True)
    field = "letterhead" if kind == "docx" else "emblem"
    save_documents(settings_file, {field: target.name})
    found = current(settings_file)
    assert found is not None
    return found


def current(settings_file: Path) -> Emblem | None:
    """The emblem the round's settings name (None when they name none); a named file that
    cannot be used raises :class:`EmblemError`."""
    from ita_xlsx.spec.settings import load_documents

    settings_file = Path(settings_file)
    if not settings_file.is_file():
        return None
    image, letterhead = load_documents(settings_file).paths(settings_file.parent)
    return load(image, letterhead)


def remove(settings_file: Path) -> None:
    """Name no emblem in ``[documents]``; a file the tool stored is deleted, the office's own
    files are left where they are."""
    from ita_xlsx.spec.settings import save_documents

    settings_file = Path(settings_file)
    if settings_file.is_file():
        save_documents(settings_file, {})
    for name in STORED.values():
        (settings_file.parent / name).unlink(missing_ok=True)
