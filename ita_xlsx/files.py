"""File names Windows accepts, and outputs that are never half-written or overwritten."""

from __future__ import annotations

import os
import re
import tempfile
import unicodedata
from pathlib import Path

from .core.errors import OutputExists

_WINDOWS_BAD = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f]')
_RESERVED = {"CON", "PRN", "AUX", "NUL"} | {f"{p}{i}" for p in ("COM", "LPT") for i in range(1, 10)}
MAX_STEM = 80


def safe_filename(text: str, fallback: str = "file", max_len: int = MAX_STEM) -> str:
    """A file-name stem that is valid on Windows, macOS and Linux, whatever ``text`` holds."""
    text = unicodedata.normalize("NFC", text)
    text = _WINDOWS_BAD.sub("_", text)
    text = re.sub(r"[\s_]+", "_", text).strip(" ._")
    text = text[:max_len].rstrip(" ._")
    if not text:
        text = fallback
    if text.split(".")[0].upper() in _RESERVED:
        text = "_" + text
    return text


def atomic_write(path: Path, data: bytes, force: bool = False) -> None:
    """Write ``data`` to a temporary file beside ``path`` and move it into place.

    A reader never sees a half-written file; an existing file is only replaced with ``force``.
    """
    path = Path(path)
    if path.exists() and not force:
        raise OutputExists(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".~", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def atomic_target(path: Path, force: bool = False) -> Path:
    """A temporary path beside ``path`` for writers that need a file name (call ``commit``)."""
    path = Path(path)
    if path.exists() and not force:
        raise OutputExists(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".~", suffix=path.suffix, dir=path.parent)
    os.close(fd)
    return Path(tmp)


def commit(tmp: Path, path: Path) -> None:
    os.replace(tmp, path)


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\0")


def csv_cell(value: object) -> object:
    """OWASP guard: text a spreadsheet would run as a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def csv_text(header: list[str], rows, lineterminator: str = "\r\n") -> str:
    """CSV text with every cell through the formula-injection guard."""
    import csv
    import io

    buf = io.StringIO(newline="")
    writer = csv.writer(buf, lineterminator=lineterminator)
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if v is None else csv_cell(v) for v in row])
    return buf.getvalue()


def write_csv(path: Path, header: list[str], rows, force: bool = False) -> None:
    """UTF-8 with BOM (so Excel shows Thai), guarded cells, written atomically."""
    atomic_write(path, csv_text(header, rows).encode("utf-8-sig"), force)
