"""What must outlast a run of the round: the round's SQLite file (``ita-ledger.sqlite``).

The mail ledger (``ita_xlsx.mail.ledger``) keeps what was sent and collected in it; the round
model keeps two more things in the same file, so they hold on every surface and every machine
that opens the round folder:

* replies that carried no workbook (a cloud-drive link, a PDF scan, "ส่งแล้วค่ะ"), so the
  organisation is not called "not sent" once ``collect`` has listed them;
* the officer's decisions about a file: "this file does not count, because …", "this file is
  X's", and taking either back. Each is a row (nothing is overwritten), so the history stays.

Opening the file (``connect``) lives here, below the mail package, so the round can be read
without anything of mail sending.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from ita_xlsx.core.errors import ItaError

LEDGER_FILE = "ita-ledger.sqlite"
# what SQLite keeps next to it; never a file someone sent
LEDGER_FILES = (LEDGER_FILE, LEDGER_FILE + "-wal", LEDGER_FILE + "-shm",
                LEDGER_FILE + "-journal")

SCHEMA = """
CREATE TABLE IF NOT EXISTS round_replies (
    message_id TEXT PRIMARY KEY,
    code TEXT NOT NULL DEFAULT '',   -- the organisation it is from ('' when nobody can tell)
    sender TEXT NOT NULL DEFAULT '',
    subject TEXT NOT NULL DEFAULT '',
    date TEXT NOT NULL DEFAULT '',   -- ISO 8601 with offset
    kind TEXT NOT NULL,              -- link | attachment | text | too_large
    note_th TEXT NOT NULL DEFAULT '',
    note_en TEXT NOT NULL DEFAULT '',
    at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS round_decisions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    file TEXT NOT NULL,              -- the file's name inside the returns folder
    action TEXT NOT NULL,            -- exclude | assign | restore
    code TEXT NOT NULL DEFAULT '',   -- assign: whose file it is
    reason TEXT NOT NULL DEFAULT '',
    at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS round_decisions_file ON round_decisions (file);
"""

ACTIONS = ("exclude", "assign", "restore")
REPLY_KINDS = ("link", "attachment", "text", "too_large")


def now_iso() -> str:
    return datetime.now().astimezone().isoformat(timespec="seconds")


def prepare(db: sqlite3.Connection) -> None:
    """Set up a connection to the round's SQLite file the one way every part of the tool does
    (the mail ledger too): WAL with synchronous=NORMAL, so a commit survives the program being
    killed without waiting for the disk on every row; and the round model's tables."""
    try:
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
    except sqlite3.DatabaseError:  # a network drive without shared memory: keep defaults
        pass
    db.executescript(SCHEMA)
    db.commit()


class LedgerError(ItaError):
    """The ledger file cannot be used (damaged, held by another program, not writable): exit 1,
    naming the file and the cause; nothing was half-recorded (SQLite undoes an unfinished
    write)."""

    exit_code = 1

    def __init__(self, path: Path, exc: BaseException):
        self.path = path
        text = str(exc).lower()
        if "locked" in text or "busy" in text:
            th = ("ไฟล์นี้ถูกโปรแกรมอื่นใช้อยู่ (ล็อกไว้) — ปิดโปรแกรมที่เปิดไฟล์นี้ (เช่น DB Browser) "
                  "หรือรอให้คำสั่ง send/collect ที่ทำงานอยู่เสร็จ แล้วสั่งอีกครั้ง")
            en = ("another program is using it (locked) — close the program that has it open "
                  "(such as DB Browser) or wait for the running send/collect, then run again")
        elif "not a database" in text or "malformed" in text or "corrupt" in text:
            th = ("ไฟล์เสียหาย (ไม่ใช่ฐานข้อมูล SQLite ที่อ่านได้) — นำสำเนาสำรองของไฟล์นี้กลับมาแทน "
                  "หากไม่มีสำเนา ให้ย้ายไฟล์ออกไปก่อน แต่ send ครั้งถัดไปจะส่งถึงทุกหน่วยงานอีกครั้ง "
                  "(ตรวจด้วย send --dry-run ก่อน)")
            en = ("the file is damaged (not a readable SQLite database) — put back a backup copy; "
                  "without one, move it away, but the next send would then email every "
                  "organisation again (check with send --dry-run first)")
        elif "readonly" in text or "read-only" in text or "unable to open" in text:
            th = "เขียนไฟล์หรือโฟลเดอร์นี้ไม่ได้ (อ่านอย่างเดียว หรือไม่มีสิทธิ์) — ตรวจสิทธิ์ของโฟลเดอร์รอบ"
            en = "cannot write the file or its folder (read-only or no permission)"
        elif "disk" in text or "full" in text:
            th = "เขียนลงดิสก์ไม่ได้ (ดิสก์เต็มหรือเสีย) — เพิ่มที่ว่างแล้วสั่งอีกครั้ง"
            en = "cannot write to the disk (full or failing) — free some space and run again"
        else:
            detail = str(exc)[:200]
            th, en = f"ใช้ไฟล์ไม่ได้ ({detail})", f"cannot use it ({detail})"
        super().__init__(f"บันทึกการส่ง-รับ {path}: {th}", f"The ledger {path}: {en}")


def connect(path: str | Path) -> sqlite3.Connection:
    """The round's SQLite file, opened and prepared (``prepare``). A file that cannot be used
    (damaged, locked, read-only) raises :class:`LedgerError` naming it and the cause."""
    try:
        db = sqlite3.connect(str(path), timeout=30)
    except sqlite3.Error as exc:
        raise LedgerError(Path(path), exc) from None
    try:
        prepare(db)
    except sqlite3.DatabaseError as exc:
        db.close()
        raise LedgerError(Path(path), exc) from None
    return db


@dataclass(frozen=True)
class Reply:
    """A message of the round that carried no workbook."""

    message_id: str
    code: str
    sender: str
    subject: str
    date: str
    kind: str  # link | attachment | text | too_large
    note_th: str
    note_en: str

    def note(self, lang: str = "th") -> str:
        return self.note_en if lang == "en" and self.note_en else self.note_th


def record_reply(db: Any, reply: Reply) -> None:
    """Keep a reply without a workbook (the caller commits: ``collect`` does once a run).
    ``db``: a connection, or anything with its ``execute`` (the mail ledger's wrapper)."""
    db.execute("INSERT OR REPLACE INTO round_replies VALUES (?,?,?,?,?,?,?,?,?)",
               (reply.message_id, reply.code, reply.sender, reply.subject, reply.date,
                reply.kind, reply.note_th, reply.note_en, now_iso()))


@dataclass(frozen=True)
class DecisionRow:
    file: str
    action: str
    code: str
    reason: str
    at: str


@dataclass(frozen=True)
class FileRuling:
    """What the officer's decisions say about one file now."""

    file: str
    excluded: str = ""  # the reason, when the officer said it does not count
    excluded_at: str = ""
    assigned: str = ""  # the organisation the officer said it belongs to
    assigned_reason: str = ""
    restored: str = ""  # the reason of the last "restore", shown in the file's history


class RoundStore:
    """The round model's tables in the round's SQLite file."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.db = connect(self.path)

    @classmethod
    def of_folder(cls, folder: str | Path) -> RoundStore:
        return cls(Path(folder) / LEDGER_FILE)

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> RoundStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------ replies without a workbook

    def record_reply(self, reply: Reply) -> None:
        record_reply(self.db, reply)
        self.db.commit()

    def replies(self) -> list[Reply]:
        rows = self.db.execute(
            "SELECT message_id, code, sender, subject, date, kind, note_th, note_en "
            "FROM round_replies ORDER BY date").fetchall()
        out = [Reply(*r) for r in rows]
        known = {r.message_id for r in out}
        # Ledgers written before this table: collect listed such messages in its own table.
        try:
            old = self.db.execute(
                "SELECT message_id, code, sender, subject, date, note FROM messages "
                "WHERE workbooks=0 AND related=1").fetchall()
        except sqlite3.OperationalError:
            old = []
        for mid, code, sender, subject, date, note in old:
            if mid not in known:
                kind = "link" if "ลิงก์" in note else "attachment" if "ไฟล์แนบ" in note else (
                    "too_large" if "ใหญ่เกิน" in note else "text")
                out.append(Reply(mid, code, sender, subject, date, kind, note, ""))
        return out

    # ------------------------------------------------------------ the officer's decisions

    def decide(self, file: str, action: str, *, reason: str = "", code: str = "") -> None:
        if action not in ACTIONS:
            raise ValueError(action)
        self.db.execute("INSERT INTO round_decisions (file, action, code, reason, at) "
                        "VALUES (?,?,?,?,?)", (file, action, code, reason, now_iso()))
        self.db.commit()

    def history(self, file: str | None = None) -> list[DecisionRow]:
        if file is None:
            rows = self.db.execute("SELECT file, action, code, reason, at FROM round_decisions "
                                   "ORDER BY id").fetchall()
        else:
            rows = self.db.execute("SELECT file, action, code, reason, at FROM round_decisions "
                                   "WHERE file=? ORDER BY id", (file,)).fetchall()
        return [DecisionRow(*r) for r in rows]

    def rulings(self) -> dict[str, FileRuling]:
        """file name -> what holds now (a "restore" takes back both kinds of decision)."""
        out: dict[str, FileRuling] = {}
        for row in self.history():
            cur = out.get(row.file, FileRuling(row.file))
            if row.action == "exclude":
                cur = FileRuling(row.file, row.reason or "-", row.at, cur.assigned,
                                 cur.assigned_reason)
            elif row.action == "assign":
                cur = FileRuling(row.file, cur.excluded, cur.excluded_at, row.code, row.reason)
            else:
                cur = FileRuling(row.file, restored=row.reason or "-")
            out[row.file] = cur
        return out


def read_store(folder: Path | None) -> tuple[list[Reply], dict[str, FileRuling]]:
    """Replies and rulings of the round in ``folder``; nothing (and no file made) when the
    folder has no SQLite file yet."""
    if folder is None or not (folder / LEDGER_FILE).is_file():
        return [], {}
    with RoundStore.of_folder(folder) as store:
        return store.replies(), store.rulings()
