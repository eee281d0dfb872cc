"""The round's mail ledger: a small SQLite file (``ita-ledger.sqlite``) in the round folder.

It remembers what was sent (to whom, when, the Message-ID, failures), which messages and
attachments were collected (Message-ID, SHA-256 of each workbook, where it was saved) and how
each saved return validated. That is what makes ``send`` and ``collect`` safe to rerun. It holds
no password and no workbook data; deleting it only makes the next ``send`` send everything again
and the next ``collect`` look at every message again (files already saved are kept).
"""

from __future__ import annotations

import json
import os
import socket
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from ita_xlsx.rounds.store import LedgerError, prepare

LEDGER_FILE = "ita-ledger.sqlite"
SEND_LOCK_FILE = "ita-send.lock"
BUSY_TIMEOUT = 30.0  # seconds to wait for another program's write before saying the file is busy

SCHEMA = """
CREATE TABLE IF NOT EXISTS sent (
    kind TEXT NOT NULL,          -- workbook | feedback | remind
    key TEXT NOT NULL,           -- what makes it the same message (code, code+file hash, code+day)
    code TEXT NOT NULL,
    recipients TEXT NOT NULL,
    subject TEXT NOT NULL,
    message_id TEXT NOT NULL,
    file TEXT NOT NULL DEFAULT '',
    state TEXT NOT NULL,         -- sending | sent | failed
    error TEXT NOT NULL DEFAULT '',
    at TEXT NOT NULL,
    PRIMARY KEY (kind, key)
);
CREATE TABLE IF NOT EXISTS messages (
    message_id TEXT PRIMARY KEY, -- the message's own Message-ID (or a hash of its headers)
    folder TEXT NOT NULL,
    uid INTEGER NOT NULL,
    sender TEXT NOT NULL,
    subject TEXT NOT NULL,
    date TEXT NOT NULL,
    workbooks INTEGER NOT NULL,
    note TEXT NOT NULL DEFAULT '', -- why a message without workbook was listed
    related INTEGER NOT NULL DEFAULT 1,
    code TEXT NOT NULL DEFAULT '',
    at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS received (
    sha256 TEXT NOT NULL,
    message_id TEXT NOT NULL,
    original_name TEXT NOT NULL,
    source TEXT NOT NULL DEFAULT '', -- "", "forwarded", "zip:<name>" ...
    saved TEXT NOT NULL DEFAULT '',  -- file name in the returned folder; '' for a duplicate
    code TEXT NOT NULL DEFAULT '',
    code_from TEXT NOT NULL DEFAULT '', -- workbook | subject | reply | sender | ''
    received_at TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT '',  -- valid | warnings | invalid | unreadable
    errors INTEGER NOT NULL DEFAULT 0,
    warnings INTEGER NOT NULL DEFAULT 0,
    findings TEXT NOT NULL DEFAULT '[]', -- the first Thai messages, for the feedback summary
    duplicate_of TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (message_id, sha256, original_name)
);
CREATE INDEX IF NOT EXISTS sent_message_id ON sent (message_id);
CREATE INDEX IF NOT EXISTS received_sha256 ON received (sha256);
CREATE INDEX IF NOT EXISTS received_code ON received (code);
"""


# Added to SCHEMA: a message is known by its Message-ID *and* a hash of its bytes (two different
# messages under one ID are two messages), the IMAP UIDs already read, and who holds the send lock.
SCHEMA_READ = """
CREATE TABLE IF NOT EXISTS message_uids (
    folder TEXT NOT NULL,
    uidvalidity INTEGER NOT NULL,    -- 0: not known (a ledger written before this table)
    uid INTEGER NOT NULL,
    message_id TEXT NOT NULL,
    content TEXT NOT NULL,           -- SHA-256 of the whole message as fetched
    PRIMARY KEY (folder, uidvalidity, uid)
);
CREATE TABLE IF NOT EXISTS send_holder (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    pid INTEGER NOT NULL,
    host TEXT NOT NULL,
    started TEXT NOT NULL
);
"""
MESSAGES_V2 = """
ALTER TABLE messages RENAME TO messages_v1;
CREATE TABLE messages (
    message_id TEXT NOT NULL,
    folder TEXT NOT NULL,
    uid INTEGER NOT NULL,
    sender TEXT NOT NULL,
    subject TEXT NOT NULL,
    date TEXT NOT NULL,
    workbooks INTEGER NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    related INTEGER NOT NULL DEFAULT 1,
    code TEXT NOT NULL DEFAULT '',
    at TEXT NOT NULL,
    content TEXT NOT NULL DEFAULT '',     -- SHA-256 of the message ('' in older ledgers)
    uidvalidity INTEGER NOT NULL DEFAULT 0,
    duplicate_id INTEGER NOT NULL DEFAULT 0, -- another, different message has this Message-ID
    PRIMARY KEY (message_id, content)
);
INSERT INTO messages (message_id, folder, uid, sender, subject, date, workbooks, note, related,
                      code, at)
    SELECT message_id, folder, uid, sender, subject, date, workbooks, note, related, code, at
    FROM messages_v1;
INSERT OR IGNORE INTO message_uids SELECT folder, 0, uid, message_id, '' FROM messages_v1;
DROP TABLE messages_v1;
"""


class _Cursor:
    def __init__(self, cursor: sqlite3.Cursor, path: Path):
        self._cursor, self._path = cursor, path

    def fetchone(self):
        try:
            return self._cursor.fetchone()
        except sqlite3.Error as exc:
            raise LedgerError(self._path, exc) from None

    def fetchall(self):
        try:
            return self._cursor.fetchall()
        except sqlite3.Error as exc:
            raise LedgerError(self._path, exc) from None

    def __iter__(self):
        return iter(self.fetchall())


class _Db:
    """The SQLite connection, every failure turned into a :class:`LedgerError` naming the file."""

    def __init__(self, conn: sqlite3.Connection, path: Path):
        self.conn, self.path = conn, path

    def execute(self, sql: str, params=()) -> _Cursor:
        try:
            return _Cursor(self.conn.execute(sql, params), self.path)
        except sqlite3.Error as exc:
            raise LedgerError(self.path, exc) from None

    def executescript(self, sql: str) -> None:
        try:
            self.conn.executescript(sql)
        except sqlite3.Error as exc:
            self._undo()
            raise LedgerError(self.path, exc) from None

    def commit(self) -> None:
        try:
            self.conn.commit()
        except sqlite3.Error as exc:
            self._undo()
            raise LedgerError(self.path, exc) from None

    def executemany(self, sql: str, rows) -> _Cursor:
        try:
            return _Cursor(self.conn.executemany(sql, rows), self.path)
        except sqlite3.Error as exc:
            raise LedgerError(self.path, exc) from None

    def __enter__(self) -> _Db:  # ``with ledger.db:`` commits, or rolls back on an error
        return self

    def __exit__(self, kind, exc, tb) -> None:
        if kind is None:
            self.commit()
        else:
            self._undo()

    def __getattr__(self, name: str):  # anything else of sqlite3.Connection, as it is
        return getattr(self.conn, name)

    def _undo(self) -> None:
        try:
            self.conn.rollback()
        except sqlite3.Error:
            pass

    def close(self) -> None:
        try:
            self.conn.close()
        except sqlite3.Error:
            pass


def now_iso() -> str:
    return datetime.now().astimezone().isoformat(timespec="seconds")


@dataclass
class SentRow:
    kind: str
    key: str
    code: str
    recipients: str
    subject: str
    message_id: str
    file: str
    state: str
    error: str
    at: str


@dataclass
class ReceivedRow:
    sha256: str
    message_id: str
    original_name: str
    source: str
    saved: str
    code: str
    code_from: str
    received_at: str
    status: str
    errors: int
    warnings: int
    findings: list[str]
    duplicate_of: str


class Ledger:
    def __init__(self, path: str | Path):
        self.path = Path(path)
        try:
            conn = sqlite3.connect(str(self.path), timeout=BUSY_TIMEOUT)
        except sqlite3.Error as exc:
            raise LedgerError(self.path, exc) from None
        # The round's file is prepared the one way (rounds.store.prepare): WAL with
        # synchronous=NORMAL, so a commit survives the program being killed (what the
        # "sending"/"sent" records are for) without waiting for the disk on every message;
        # and the round model's tables (replies without a workbook, the officer's decisions).
        try:
            prepare(conn)
        except sqlite3.DatabaseError as exc:
            conn.close()
            raise LedgerError(self.path, exc) from None
        self.db = _Db(conn, self.path)
        try:
            self.db.executescript(SCHEMA)
            self.db.executescript(SCHEMA_READ)
            self._upgrade()
            self.db.commit()
        except LedgerError:
            self.db.close()
            raise

    def _upgrade(self) -> None:
        """Older ledgers kept one row per Message-ID: move them to (Message-ID, content)."""
        columns = {r[1] for r in self.db.execute("PRAGMA table_info(messages)")}
        if "content" not in columns:
            self.db.executescript("BEGIN IMMEDIATE;" + MESSAGES_V2 + "COMMIT;")

    @classmethod
    def of_round(cls, round_dir: str | Path) -> Ledger:
        return cls(Path(round_dir) / LEDGER_FILE)

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # ------------------------------------------------------------ sent

    def sent(self, kind: str, key: str) -> SentRow | None:
        row = self.db.execute("SELECT * FROM sent WHERE kind=? AND key=?", (kind, key)).fetchone()
        return SentRow(*row) if row else None

    def record_sent(self, row: SentRow) -> None:
        # Written before the message goes out ("sending") and again after: a crash in between
        # leaves "sending", and the rerun sends it again with the same Message-ID (mail
        # services file a second copy with the same Message-ID as one message).
        self.db.execute("INSERT OR REPLACE INTO sent VALUES (?,?,?,?,?,?,?,?,?,?)",
                        (row.kind, row.key, row.code, row.recipients, row.subject,
                         row.message_id, row.file, row.state, row.error, row.at))
        self.db.commit()

    def sent_rows(self, kind: str | None = None) -> list[SentRow]:
        if kind:
            rows = self.db.execute("SELECT * FROM sent WHERE kind=? ORDER BY at", (kind,))
        else:
            rows = self.db.execute("SELECT * FROM sent ORDER BY at")
        return [SentRow(*r) for r in rows.fetchall()]

    def code_of_message_id(self, message_id: str) -> str:
        row = self.db.execute("SELECT code FROM sent WHERE message_id=?",
                              (message_id,)).fetchone()
        return row[0] if row else ""

    def first_sent_at(self) -> str:
        row = self.db.execute("SELECT MIN(at) FROM sent WHERE state='sent'").fetchone()
        return row[0] or "" if row else ""

    # ------------------------------------------------------------ messages seen by collect

    def seen_message_ids(self) -> set[str]:
        return {r[0] for r in self.db.execute("SELECT message_id FROM messages")}

    def record_message(self, message_id: str, folder: str, uid: int, sender: str, subject: str,
                       date: str, workbooks: int, note: str, related: bool, code: str,
                       content: str = "", uidvalidity: int = 0,
                       duplicate_id: bool = False) -> None:
        """A message read: ``content`` is the SHA-256 of its bytes (with the Message-ID, what
        makes it this message); its UID is remembered so the next run does not fetch it."""
        self.db.execute(
            "INSERT OR REPLACE INTO messages (message_id, folder, uid, sender, subject, date, "
            "workbooks, note, related, code, at, content, uidvalidity, duplicate_id) "
            "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (message_id, folder, uid, sender, subject, date, workbooks, note, int(related), code,
             now_iso(), content, uidvalidity, int(duplicate_id)))
        if content:  # the row of an older ledger for this very message (same place) is replaced
            self.db.execute("DELETE FROM messages WHERE message_id=? AND content='' AND folder=? "
                            "AND uid=?", (message_id, folder, uid))
        self.record_uid(folder, uidvalidity, uid, message_id, content)

    def record_uid(self, folder: str, uidvalidity: int, uid: int, message_id: str,
                   content: str) -> None:
        """This UID of the folder holds a message already read (a copy, or the one recorded)."""
        self.db.execute("INSERT OR REPLACE INTO message_uids VALUES (?,?,?,?,?)",
                        (folder, uidvalidity, uid, message_id, content))

    def read_uids(self, folder: str, uidvalidity: int) -> dict[int, str]:
        """UID -> Message-ID of the messages of ``folder`` already read; UIDs recorded without
        their UIDVALIDITY (older ledgers) count when the Message-ID still matches."""
        rows = self.db.execute(
            "SELECT uid, message_id, uidvalidity FROM message_uids WHERE folder=? AND "
            "uidvalidity IN (?, 0) ORDER BY uidvalidity", (folder, uidvalidity)).fetchall()
        return {uid: mid for uid, mid, _v in rows}

    def contents_of(self) -> dict[str, set[str]]:
        """Message-ID -> the content hashes read under it ('' for an older ledger's row)."""
        out: dict[str, set[str]] = {}
        for mid, content in self.db.execute("SELECT message_id, content FROM messages"):
            out.setdefault(mid, set()).add(content)
        return out

    def check_writable(self) -> None:
        """:class:`LedgerError` now, before any work, when another program holds the file
        or it cannot be written (rather than after the files were saved)."""
        self.db.execute("BEGIN IMMEDIATE")
        self.db.commit()

    # ------------------------------------------------------------ who holds the send lock

    def set_send_holder(self) -> None:
        self.db.execute("INSERT OR REPLACE INTO send_holder VALUES (1, ?, ?, ?)",
                        (os.getpid(), socket.gethostname(), now_iso()))
        self.db.commit()

    def send_holder(self) -> tuple[int, str, str] | None:
        """(pid, computer, started) of the last run that took the send lock."""
        row = self.db.execute("SELECT pid, host, started FROM send_holder").fetchone()
        return (int(row[0]), str(row[1]), str(row[2])) if row else None

    def clear_send_holder(self) -> None:
        self.db.execute("DELETE FROM send_holder")
        self.db.commit()

    def messages_without_workbook(self) -> list[tuple[str, str, str, str]]:
        """(sender, subject, date, note) of related messages that carried no workbook."""
        return list(self.db.execute(
            "SELECT sender, subject, date, note FROM messages WHERE workbooks=0 AND related=1 "
            "ORDER BY date").fetchall())

    def message_of_code(self, code: str) -> tuple[str, str, str] | None:
        """(message_id, sender, subject) of the newest message that brought a return of code."""
        row = self.db.execute(
            "SELECT m.message_id, m.sender, m.subject FROM received r JOIN messages m "
            "ON m.message_id = r.message_id WHERE r.code=? ORDER BY r.received_at DESC LIMIT 1",
            (code,)).fetchone()
        return tuple(row) if row else None

    # ------------------------------------------------------------ received attachments

    def saved_with_hash(self, sha256: str) -> str:
        row = self.db.execute("SELECT saved FROM received WHERE sha256=? AND saved<>'' LIMIT 1",
                              (sha256,)).fetchone()
        return row[0] if row else ""

    def record_received(self, row: ReceivedRow) -> None:
        self.db.execute("INSERT OR REPLACE INTO received VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                        (row.sha256, row.message_id, row.original_name, row.source, row.saved,
                         row.code, row.code_from, row.received_at, row.status, row.errors,
                         row.warnings, json.dumps(row.findings, ensure_ascii=False),
                         row.duplicate_of))

    def received_rows(self) -> list[ReceivedRow]:
        # rowid breaks ties: two returns received in the same second, the later one last
        rows = self.db.execute("SELECT * FROM received ORDER BY received_at, rowid").fetchall()
        out = []
        for r in rows:
            values = list(r)
            values[11] = json.loads(values[11] or "[]")
            out.append(ReceivedRow(*values))
        return out

    def commit(self) -> None:
        self.db.commit()
