"""Untrusted ZIP containers, opened one way: a returned workbook (.xlsx and .ods are ZIPs), an
archive someone attached, a part inside either.

Declared sizes can lie, so a member is measured as it inflates and refused past its limit; and
one list of exceptions means "this container is damaged", whichever module opened it.
"""

from __future__ import annotations

import struct
import zipfile
import zlib
from pathlib import Path
from typing import BinaryIO

from ita_xlsx.core.errors import ItaError

# What zipfile and zlib raise on a damaged or hostile container (bad headers, CRC mismatches,
# unsupported methods, truncation); every one means "cannot read this file".
ZIP_ERRORS = (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, NotImplementedError,
              RuntimeError, EOFError, ValueError, OverflowError, struct.error)

_CHUNK = 1 << 20


class MemberTooLarge(ItaError, ValueError):
    """A member that inflates past its limit (``ratio``: past the compression ratio allowed)."""

    def __init__(self, name: str, limit: int, ratio: bool = False):
        self.name, self.limit, self.ratio = name, limit, ratio
        super().__init__(f"รายการ {name[:60]} ในไฟล์ ZIP ขยายแล้วใหญ่เกินไป",
                         f"entry {name[:60]} of the ZIP expands beyond the limit")

    def __reduce__(self):  # crosses from reader processes: pickled by its fields
        return (MemberTooLarge, (self.name, self.limit, self.ratio))


def open_zip(source: Path | str | BinaryIO) -> zipfile.ZipFile:
    """The container, for reading. Raises one of :data:`ZIP_ERRORS` (or OSError) if damaged."""
    return zipfile.ZipFile(source)


def read_member(zf: zipfile.ZipFile, member: zipfile.ZipInfo | str, limit: int, *,
                ratio_limit: int | None = None) -> bytes:
    """The member's bytes, counted while inflating: more than ``limit`` bytes (or, with
    ``ratio_limit``, more than that many) raises :class:`MemberTooLarge`."""
    info = member if isinstance(member, zipfile.ZipInfo) else zf.getinfo(member)
    parts: list[bytes] = []
    total = 0
    with zf.open(info) as fh:
        while chunk := fh.read(_CHUNK):
            total += len(chunk)
            if total > limit:
                raise MemberTooLarge(info.filename, limit)
            if ratio_limit is not None and total > ratio_limit:
                raise MemberTooLarge(info.filename, ratio_limit, ratio=True)
            parts.append(chunk)
    return b"".join(parts)


def small_part(zf: zipfile.ZipFile, name: str, limit: int) -> bytes:
    """A small part such as the document properties: b"" when absent or declared larger than
    ``limit`` (nothing is inflated then), else at most ``limit`` bytes of it."""
    try:
        info = zf.getinfo(name)
    except KeyError:
        return b""
    if info.file_size > limit:
        return b""
    with zf.open(info) as fh:
        return fh.read(limit)


class Parts:
    """The parts of one container: those already read whole (``kept``, by the pre-flight),
    else read from the archive, which is opened only when a part is needed that was not kept
    (``source`` may be an open archive: it is left open)."""

    def __init__(self, source: Path | zipfile.ZipFile, kept: dict[str, bytes]):
        self.kept = kept
        self._source = source
        self._zip: zipfile.ZipFile | None = source if isinstance(source, zipfile.ZipFile) else None

    def part(self, name: str, limit: int | None = None) -> bytes:
        """The part's bytes. Raises KeyError for a part the file does not have, ValueError
        for one declared larger than ``limit``."""
        if name in self.kept:
            return self.kept[name]
        if self._zip is None:
            self._zip = open_zip(self._source)  # type: ignore[arg-type]
        info = self._zip.getinfo(name)
        if limit is not None and info.file_size > limit:
            raise ValueError(name)
        return self._zip.read(info)

    def close(self) -> None:
        if self._zip is not None and self._zip is not self._source:
            self._zip.close()
