"""File names Windows accepts, and outputs that are never half-written or overwritten."""

from __future__ import annotations

import contextlib
import errno
import os
import re
import sys
import tempfile
import unicodedata
from pathlib import Path

from ita_xlsx.core.errors import OutputError, OutputExists

_WINDOWS_BAD = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f]')
_RESERVED = {"CON", "PRN", "AUX", "NUL"} | {f"{p}{i}" for p in ("COM", "LPT") for i in range(1, 10)}
MAX_STEM = 80  # characters; the byte cap below is what file systems enforce
# File systems count a name's bytes (255 on ext4, NTFS counts UTF-16 units): a Thai letter
# is 3 bytes of UTF-8, so 80 Thai letters plus a suffix overflowed. Stems keep room for the
# suffixes callers add ("_ตรวจแล้ว_2.xlsx").
MAX_STEM_BYTES = 180


def safe_filename(text: str, fallback: str = "file", max_len: int = MAX_STEM,
                  max_bytes: int = MAX_STEM_BYTES) -> str:
    """A file-name stem that is valid on Windows, macOS and Linux, whatever ``text`` holds."""
    text = unicodedata.normalize("NFC", text)
    text = _WINDOWS_BAD.sub("_", text)
    text = re.sub(r"[\s_]+", "_", text).strip(" ._")
    text = text[:max_len]
    while len(text.encode("utf-8")) > max_bytes:
        text = text[:-1]
    text = text.rstrip(" ._")
    if not text:
        text = fallback
    if text.split(".")[0].upper() in _RESERVED:
        text = "_" + text
    return text


# errno -> why, in Thai and English (what the officer can do about it)
_CAUSES = {
    errno.ENOSPC: ("ดิสก์เต็ม ให้ลบไฟล์ที่ไม่ใช้หรือเลือกที่เก็บอื่น",
                   "the disk is full; free some space or choose another place"),
    errno.EROFS: ("ที่เก็บนี้เขียนไม่ได้ (อ่านอย่างเดียว) ให้เลือกโฟลเดอร์อื่น",
                  "this place is read-only; choose another folder"),
    errno.EACCES: ("ไม่มีสิทธิ์เขียน หรือไฟล์เปิดค้างอยู่ในโปรแกรมอื่น เช่น Excel ให้ปิดไฟล์แล้วลองใหม่",
                   "no permission to write, or the file is open in another program such as "
                   "Excel; close it and try again"),
    errno.ENAMETOOLONG: ("ชื่อไฟล์หรือที่เก็บยาวเกินไป ให้ใช้ชื่อสั้นลง",
                         "the file name or path is too long; use a shorter one"),
    errno.ENOENT: ("ไม่พบโฟลเดอร์ปลายทาง", "the destination folder does not exist"),
    errno.ENOTDIR: ("ส่วนหนึ่งของที่เก็บไม่ใช่โฟลเดอร์", "part of the path is not a folder"),
    errno.EISDIR: ("มีโฟลเดอร์ชื่อนี้อยู่แล้ว", "a folder of that name exists"),
}
_CAUSES[errno.EFBIG] = ("ไฟล์ใหญ่เกินกว่าที่ระบบหรือดิสก์นี้ยอมให้เขียน ให้เลือกที่เก็บอื่น",
                        "the file is larger than this system or disk allows; choose another place")
_CAUSES[errno.EPERM] = _CAUSES[errno.EACCES]
_CAUSES[getattr(errno, "EDQUOT", errno.ENOSPC)] = _CAUSES[errno.ENOSPC]
_CAUSES[errno.EBUSY] = _CAUSES[errno.EACCES]


def os_error_cause(exc: OSError) -> tuple[str, str]:
    """Why an operating-system error happened, in Thai and English, with what to do."""
    if getattr(exc, "winerror", None) in (32, 33):  # sharing / lock violation: open in Excel
        return _CAUSES[errno.EACCES]
    fallback = exc.strerror or type(exc).__name__
    return _CAUSES.get(exc.errno or 0, (fallback, fallback))


class OutputFailed(OutputError):
    """An output could not be written (disk full, read-only, locked, name too long); nothing
    partial is left in its place. ``th``/``en`` name the path and the cause."""

    def __init__(self, path: Path, th: str, en: str):
        self.path, self.cause_th, self.cause_en = Path(path), th, en
        self.done: int | None = None  # batch writers: how many were written before
        self.total: int | None = None
        super().__init__(f"เขียนไฟล์ {path} ไม่ได้: {th}", f"Could not write {path}: {en}.")

    @classmethod
    def of(cls, exc: OSError, path: Path) -> OutputFailed:
        return cls(path, *os_error_cause(exc))

    def text(self, lang: str = "th") -> str:
        if lang == "en":
            line = self.en
            if self.total is not None:
                line += (f" {self.done} of {self.total} files were written; run the same "
                         "command again to write the rest.")
            return line
        line = self.th
        if self.total is not None:
            line += (f" (เขียนแล้ว {self.done} จาก {self.total} ไฟล์ เรียกคำสั่งเดิมอีกครั้ง"
                     "เพื่อเขียนส่วนที่เหลือ)")
        return line


@contextlib.contextmanager
def quiet_unraisable():
    """Within the block, an OSError raised while an object is being cleaned up (a writer's
    ZIP file closing on a full disk, after the error was already reported) is not printed
    as "Exception ignored in ..."; anything else still is."""
    previous = sys.unraisablehook

    def hook(unraisable) -> None:
        if not isinstance(unraisable.exc_value, OSError):
            previous(unraisable)

    sys.unraisablehook = hook
    try:
        yield
    finally:
        sys.unraisablehook = previous


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _ordinary_mode(tmp: Path | int) -> None:
    """mkstemp makes 0600 files; an output gets what any new file gets (0666 - umask)."""
    if os.name == "posix":
        os.chmod(tmp, 0o666 & ~_umask())


def _move(tmp: Path, path: Path, force: bool) -> None:
    """Put ``tmp`` in place. Without ``force`` the move never replaces a file that appeared
    meanwhile (another run writing the same output): that run's file stays, this one is
    refused."""
    if force:
        os.replace(tmp, path)
        return
    if os.name == "nt":
        try:
            os.rename(tmp, path)  # Windows: fails if the target exists
        except FileExistsError:
            raise OutputExists(path) from None
        return
    try:
        os.link(tmp, path)  # atomic, and fails if the target exists
    except FileExistsError:
        raise OutputExists(path) from None
    except OSError as exc:
        if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EXDEV, errno.EMLINK):
            raise
        if path.exists():  # a file system without hard links (FAT, some shares)
            raise OutputExists(path) from None
        os.replace(tmp, path)
        return
    os.unlink(tmp)


def _exists(path: Path) -> bool:
    try:
        os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        return False
    except OSError as exc:  # a name too long, a folder without permission
        raise OutputFailed.of(exc, path) from None
    return True


def _open_beside(path: Path, suffix: str) -> tuple[int, Path]:
    """A new temporary file beside ``path``, open for writing."""
    try:
        fd, tmp = tempfile.mkstemp(prefix=".~", suffix=suffix, dir=path.parent)
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".~", suffix=suffix, dir=path.parent)
    return fd, Path(tmp)


def _temp_beside(path: Path, suffix: str) -> Path:
    fd, tmp = _open_beside(path, suffix)
    os.close(fd)
    return tmp


def atomic_write(path: Path, data: bytes, force: bool = False) -> None:
    """Write ``data`` to a temporary file beside ``path`` and move it into place.

    A reader never sees a half-written file; an existing file is only replaced with ``force``.
    A file system error becomes OutputError (path and cause), with nothing left behind.
    """
    write_all([(Path(path), data)], force)


def write_all(items: list[tuple[Path, bytes]], force: bool = False) -> None:
    """Several outputs, all or none: every one is written to a temporary file first, and
    only when all are complete are they moved into place."""
    temps = stage(items, force)
    try:
        commit_all(temps)
    finally:
        for tmp, _ in temps:
            tmp.unlink(missing_ok=True)


def stage(items: list[tuple[Path, bytes]], force: bool = False) -> list[tuple[Path, Path]]:
    """Write each output to a temporary file beside it (nothing is in place yet); returns
    (temporary, destination) pairs for ``commit_all``. On failure nothing is left behind."""
    items = [(Path(p), d) for p, d in items]
    for path, _ in items:
        if _exists(path) and not force:
            raise OutputExists(path)
    temps: list[tuple[Path, Path]] = []
    current = items[0][0] if items else Path()
    try:
        for path, data in items:
            current = path
            fd, tmp = _open_beside(path, ".part")
            temps.append((tmp, path))
            _PENDING[tmp] = force
            with open(fd, "wb") as fh:  # the descriptor mkstemp opened: no second open
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())  # a full disk shows here, not after the move
                _ordinary_mode(fh.fileno())
            _SYNCED.add(tmp)
    except OSError as exc:
        discard(temps)
        raise OutputFailed.of(exc, current) from None
    except BaseException:
        discard(temps)
        raise
    return temps


def discard(temps: list[tuple[Path, Path]]) -> None:
    """Remove staged temporary files that will not be committed."""
    for tmp, _ in temps:
        _PENDING.pop(tmp, None)
        _SYNCED.discard(tmp)
        tmp.unlink(missing_ok=True)


_PENDING: dict[Path, bool] = {}  # temporary file -> force, between atomic_target and commit
_SYNCED: set[Path] = set()  # staged temporary files already flushed, with their mode set


def atomic_target(path: Path, force: bool = False) -> Path:
    """A temporary path beside ``path`` for writers that need a file name (call ``commit``;
    delete the temporary file if the writer fails)."""
    path = Path(path)
    if _exists(path) and not force:
        raise OutputExists(path)
    try:
        tmp = _temp_beside(path, path.suffix)
    except OSError as exc:
        raise OutputFailed.of(exc, path) from None
    _PENDING[tmp] = force
    return tmp


def commit(tmp: Path, path: Path) -> None:
    commit_all([(Path(tmp), Path(path))])


def _sync(tmp: Path) -> None:
    """Flush a finished temporary file to the disk: a full disk shows here, before the move,
    on file systems that only notice when the data is written out."""
    # read-write: Windows flushes only handles open for writing
    fd = os.open(tmp, os.O_RDWR | getattr(os, "O_BINARY", 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def commit_all(pairs: list[tuple[Path, Path]]) -> None:
    """Move finished temporary files (from ``atomic_target``) into place, all or none: when
    one cannot be placed, those placed by this call that did not replace a file are taken
    back, and the error names the file that failed."""
    placed: list[Path] = []
    current = pairs[0][1] if pairs else Path()
    try:
        for tmp, path in pairs:
            current = path
            if Path(tmp) in _SYNCED:
                _SYNCED.discard(Path(tmp))
                continue
            _sync(tmp)
            _ordinary_mode(tmp)
        for tmp, path in pairs:
            current = path
            force = _PENDING.pop(Path(tmp), True)
            _move(Path(tmp), Path(path), force)
            if not force:
                placed.append(Path(path))
    except OSError as exc:
        for done in placed:
            done.unlink(missing_ok=True)
        raise OutputFailed.of(exc, current) from None
    except OutputExists:
        for done in placed:
            done.unlink(missing_ok=True)
        raise


def same_file(a: Path, b: Path) -> bool:
    try:
        return Path(a).resolve() == Path(b).resolve() or (
            Path(a).exists() and Path(b).exists() and os.path.samefile(a, b))
    except OSError:
        return False


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


def csv_bytes(header: list[str], rows) -> bytes:
    """UTF-8 with BOM (so Excel shows Thai), guarded cells."""
    return csv_text(header, rows).encode("utf-8-sig")


def write_csv(path: Path, header: list[str], rows, force: bool = False) -> None:
    """UTF-8 with BOM (so Excel shows Thai), guarded cells, written atomically."""
    atomic_write(path, csv_bytes(header, rows), force)


def walk_folder(folder: Path) -> tuple[list[Path], list[Path]]:
    """Every file under ``folder``, and the subfolders that could not be opened."""
    files: list[Path] = []
    blocked: list[Path] = []

    def unreadable(exc: OSError) -> None:
        blocked.append(Path(exc.filename) if exc.filename else folder)

    for top, dirs, names in os.walk(folder, onerror=unreadable):
        dirs.sort()
        files.extend(f for f in (Path(top) / n for n in names) if f.is_file())
    return files, sorted(blocked)
