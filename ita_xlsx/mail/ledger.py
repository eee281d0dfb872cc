"""The round's mail ledger: a small SQLite file (``ita-ledger.sqlite``) in the round folder.

It remembers what was sent (to whom, when, the Message-ID, failures), which messages and
attachments were collected (Message-ID, SHA-256 of each workbook, where it was saved) and how
each saved return validated. That is what makes ``send`` and ``collect`` safe to rerun. It holds
no password and no workbook data; deleting it only makes the next ``send`` send everything again
and the next ``collect`` look at every message again (files already saved are kept).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from ita_xlsx.rounds.store import LEDGER_FILE, connect

__all__ = ["LEDGER_FILE", "Ledger", "ReceivedRow", "SentRow", "now_iso"]


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
        # one way of opening the round's file (rounds.store): the round model shares it.
        # WAL with synchronous=NORMAL: a commit survives the program being killed (what the
        # "sending"/"sent" records are for) without waiting for the disk on every message.
        self.db = connect(self.path)
        self.db.executescript(SCHEMA)
        self.db.commit()

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
                       date: str, workbooks: int, note: str, related: bool, code: str) -> None:
        self.db.execute("INSERT OR REPLACE INTO messages VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                        (message_id, folder, uid, sender, subject, date, workbooks, note,
                         int(related), code, now_iso()))

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
        rows = self.db.execute("SELECT * FROM received ORDER BY received_at").fetchall()
        out = []
        for r in rows:
            values = list(r)
            values[11] = json.loads(values[11] or "[]")
            out.append(ReceivedRow(*values))
        return out

    def commit(self) -> None:
        self.db.commit()
