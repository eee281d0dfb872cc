"""``collect``: the returned workbooks out of the mailbox, saved once, validated on the spot.

The mailbox is only read: messages are fetched with BODY.PEEK (not marked as read) from a folder
selected read-only, so nothing is deleted, moved or flagged unless ``mark_seen`` is asked for.
A message is known by its Message-ID together with the SHA-256 of its bytes: two different
messages under one Message-ID (a draft and the fixed return sent again with the same ID) are
both read and the shared ID is noted, while a copy of a message already read (the same bytes
under another UID or in another folder) is not read twice. Each workbook is saved once (its
SHA-256 goes into the ledger); an identical file sent again is noted, not saved again.
Workbooks are found in attachments, in forwarded messages, in ZIP archives and in attached
.eml files, nested in any order, through the bounded readers of ``archive.py``; what is too
deep or cannot be read is listed with the reason. A message is recorded as read only together
with what it brought (saved or listed), in one commit after the files are written.
"""

from __future__ import annotations

import hashlib
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from email import message_from_bytes, policy
from email.parser import BytesParser
from email.utils import getaddresses, parseaddr, parsedate_to_datetime
from imaplib import IMAP4
from pathlib import Path
from typing import Any

from ita_xlsx.core.files import OutputExists, atomic_write, safe_filename
from ita_xlsx.core.records import Org
from ita_xlsx.mail import compose
from ita_xlsx.mail.ledger import Ledger, ReceivedRow
from ita_xlsx.mail.transport import MailError, connection_cause
from ita_xlsx.rounds.store import Reply, record_reply
from ita_xlsx.spec.orgs import split_emails
from ita_xlsx.spec.settings import Settings
from ita_xlsx.thai.dates import format_moment

MAX_MESSAGE_BYTES = 80 * 1024 * 1024  # a message larger than this is listed, not fetched
HEADER_BATCH = 500
BODY_BATCH = 25
BATCH_BYTES = 64 * 1024 * 1024
IMAPError = IMAP4.error  # imapclient's errors (and aborts) are subclasses of it
CLOUD_LINK = re.compile(
    r"https?://[^\s<>\"']*(drive\.google|docs\.google|onedrive|1drv\.ms|sharepoint|dropbox|"
    r"box\.com|icloud\.com|mega\.nz|wetransfer)[^\s<>\"']*", re.I)


@dataclass
class Saved:
    path: Path
    code: str
    code_from: str  # workbook | subject | reply | sender | "" (unknown)
    original_name: str
    source: str
    sender: str
    status: str
    errors: int
    warnings: int
    state: str = ""  # the verdict in the round (rounds.OrgState value), set after saving
    why: str = ""  # why, in Thai
    why_en: str = ""


@dataclass
class NoWorkbook:
    sender: str
    subject: str
    date: str
    note: str  # Thai
    note_en: str = ""


@dataclass
class CollectResult:
    messages: int = 0  # messages in the folder (within --since)
    new_messages: int = 0  # looked at for the first time
    saved: list[Saved] = field(default_factory=list)
    duplicates: list[tuple[str, str, str]] = field(default_factory=list)  # (name, sender, as)
    without_workbook: list[NoWorkbook] = field(default_factory=list)
    refused: list[tuple[str, str, str, str]] = field(default_factory=list)  # (name, sender, why th, why en)
    unrelated: int = 0  # new messages with nothing of the round in them
    report: object = None  # the validation Report of the saved files
    copies: int = 0  # messages already read, found again under another UID
    duplicate_ids: list[tuple[str, str, str]] = field(default_factory=list)  # (id, sender, subject)


class CollectInterrupted(MailError):
    """The IMAP connection was lost while messages were being fetched (exit 1). What was
    fetched whole was saved and recorded (``result``); the rest is read by the next run."""

    def __init__(self, th: str, en: str, result: CollectResult):
        super().__init__("connection", th, en, exit_code=1)
        self.result = result


@dataclass
class _Pending:
    temp: Path
    original_name: str
    source: str
    sha256: str
    message_id: str
    sender: str
    received: datetime
    hints: list[tuple[str, str]]  # (code, from) in order of trust after the workbook's own


def _message_id(headers: bytes, uid: int, folder: str, uidvalidity: int) -> str:
    msg = message_from_bytes(headers, policy=policy.compat32)
    value = (msg.get("Message-ID") or "").strip()
    return value or f"<uid-{uidvalidity}-{uid}@{folder}>"


def _header(msg, name: str) -> str:
    """A header as text, encoded words (RFC 2047) decoded with the standard library's modern
    header parser (spaces between words kept as the sender wrote them)."""
    value = msg.get(name)
    if value is None:
        return ""
    try:
        return str(policy.default.header_fetch_parse(name, str(value))).strip()
    except Exception:  # noqa: BLE001 - a malformed header: show it as it came
        return str(value).strip()


def _filename(part) -> str:
    """The attachment's name: RFC 2231 (``filename*=``) or an encoded word in ``filename=`` /
    ``name=``, as mail programs write them; '' for the message's own text."""
    from email.header import decode_header, make_header

    try:
        name = part.get_filename() or part.get_param("name") or ""
    except Exception:  # noqa: BLE001 - malformed parameters: no name
        name = ""
    if isinstance(name, tuple):  # an RFC 2231 value the parser left split
        from email.utils import collapse_rfc2231_value

        name = collapse_rfc2231_value(name)
    if "=?" in name:
        try:
            name = str(make_header(decode_header(name)))
        except (LookupError, UnicodeDecodeError, ValueError):
            pass
    name = re.sub(r"[\x00-\x1f\x7f]", "", name).replace("\\", "/").rsplit("/", 1)[-1].strip()
    if not name and part.get_content_type() in (
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "application/vnd.ms-excel", "application/zip", "application/x-zip-compressed"):
        name = "attachment" + (".xls" if part.get_content_type().endswith("ms-excel") else
                               ".zip" if "zip" in part.get_content_type() else ".xlsx")
    return name


def attachments(msg, label: str):
    """The workbooks (archive.Member) and other files (archive.Other) of a parsed message:
    its attachments, those of messages forwarded inside it, of ZIP archives and of saved .eml
    files, in any order, to ``archive.MAX_DEPTH`` containers (deeper ones are refused and
    listed). Every workbook is checked again by ``validate`` when it is saved."""
    from ita_xlsx.intake.archive import scan_message

    contents = scan_message(msg, label)
    return contents.members, contents.others


def _text_of(msg) -> str:
    parts = []
    for part in msg.walk():
        if part.get_content_maintype() == "text" and not _filename(part):
            try:
                raw = part.get_payload(decode=True) or b""
                parts.append(raw.decode(part.get_content_charset() or "utf-8", "replace"))
            except (LookupError, ValueError):
                continue
    return "\n".join(parts)


def _describe_nothing(msg, others) -> tuple[str, str]:
    """Why a message of the round brought no workbook, in Thai and English."""
    links = sorted({m.group(0)[:120] for m in CLOUD_LINK.finditer(_text_of(msg))})
    if links:
        shown = " ".join(links[:3])
        return (f"มีลิงก์ไปยังไฟล์บนคลาวด์ (ต้องดาวน์โหลดเอง): {shown}",
                f"a cloud-drive link (download it yourself): {shown}")
    if others:
        return ("มีไฟล์แนบที่ไม่ใช่สมุดงาน: " + ", ".join(
                    f"{o.inner_name} ({o.th})" for o in others[:5]),
                "attachments that are not workbooks: " + ", ".join(
                    f"{o.inner_name} ({o.en})" for o in others[:5]))
    return "ไม่มีไฟล์แนบ (ข้อความเท่านั้น)", "no attachment (text only)"


def _reply_kind(msg, others) -> str:
    """link | attachment | text: what a reply without a workbook carried."""
    if CLOUD_LINK.search(_text_of(msg)):
        return "link"
    return "attachment" if others else "text"


def _received_time(msg, internal: datetime | None) -> datetime:
    when = internal
    if when is None:
        try:
            when = parsedate_to_datetime(msg.get("Date", ""))
        except (TypeError, ValueError):
            when = None
    when = when or datetime.now()
    return when.astimezone() if when.tzinfo else when


def _round_start(ledger: Ledger) -> date | None:
    first = ledger.first_sent_at()
    try:
        return datetime.fromisoformat(first).date() if first else None
    except ValueError:
        return None


def collect(round_dir: Path, out: Path, settings: Settings, password: str, *,
            orgs: list[Org] | None = None, orgs_path: Path | None = None,
            folder: str = "INBOX", since: date | None = None, mark_seen: bool = False,
            check: Callable[[list[Path]], object] | None = None,
            progress: Callable[[int], None] | None = None,
            max_message_bytes: int = MAX_MESSAGE_BYTES) -> CollectResult:
    from ita_xlsx.mail.transport import imap_connect

    orgs = orgs or []
    by_code = {o.code.casefold(): o for o in orgs}
    by_address = {a.casefold(): o.code for o in orgs for a in split_emails(o.email)}
    result = CollectResult()
    with Ledger.of_round(round_dir) as ledger, tempfile.TemporaryDirectory(
            prefix="ita-collect-") as tmp:
        ledger.check_writable()
        out.mkdir(parents=True, exist_ok=True)  # after the ledger: nothing made if it fails
        client = imap_connect(settings.mail, password)
        lost: MailError | None = None
        pending: list[_Pending] = []
        hashes_now: dict[str, str] = {}
        records: list[tuple] = []
        try:
            try:
                info = client.select_folder(folder, readonly=not mark_seen)
            except IMAPError as exc:
                raise MailError(
                    "folder", f"เปิดโฟลเดอร์ {folder!r} ในกล่องจดหมายไม่ได้ ({exc}) — ตรวจชื่อใน "
                    f"--folder (ค่าเริ่มต้น INBOX)",
                    f"Cannot open the mailbox folder {folder!r} ({exc}) — check --folder") from None
            except OSError as exc:
                raise _lost_connection(settings, exc, 0, 0) from None
            uidvalidity = int(info.get(b"UIDVALIDITY", 0) or 0)
            since = since or _round_start(ledger)
            read_uids = ledger.read_uids(folder, uidvalidity)
            contents = ledger.contents_of()  # Message-ID -> content hashes already read
            todo: list[tuple[int, str, int, datetime | None]] = []
            fetched = 0
            try:
                uids = client.search(["SINCE", since] if since else ["ALL"])
                result.messages = len(uids)
                for start in range(0, len(uids), HEADER_BATCH):
                    chunk = uids[start:start + HEADER_BATCH]
                    heads = client.fetch(chunk, ["BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)]",
                                                 "RFC822.SIZE", "INTERNALDATE"])
                    for uid in chunk:
                        data = heads.get(uid, {})
                        raw = next((v for k, v in data.items() if k.startswith(b"BODY[")), b"")
                        mid = _message_id(raw or b"", uid, folder, uidvalidity)
                        if read_uids.get(uid) == mid:  # this very message was read before
                            continue
                        todo.append((uid, mid, int(data.get(b"RFC822.SIZE", 0) or 0),
                                     data.get(b"INTERNALDATE")))
                for chunk in _batches(todo, max_message_bytes):
                    small = [uid for uid, _m, size, _d in chunk if size <= max_message_bytes]
                    bodies = client.fetch(small, ["BODY.PEEK[]"]) if small else {}
                    for uid, mid, size, internal in chunk:
                        raw = bodies.get(uid, {}).get(b"BODY[]")
                        fetched += 1
                        if raw is None and size <= max_message_bytes:
                            # not given by the server this time: listed, and read next run
                            _look_at(None, uid, mid, 0, internal, folder, ledger, by_code,
                                     by_address, tmp, pending, hashes_now, result)
                            continue
                        content = (hashlib.sha256(raw).hexdigest() if raw is not None
                                   else f"unfetched:{size}")
                        known = contents.setdefault(mid, set())
                        if content in known:  # the same message again (a copy): read once
                            ledger.record_uid(folder, uidvalidity, uid, mid, content)
                            result.copies += 1
                            continue
                        duplicate = bool(known)
                        known.add(content)
                        try:
                            record = _look_at(raw, uid, mid, size, internal, folder, ledger,
                                              by_code, by_address, tmp, pending, hashes_now,
                                              result)
                        except (ValueError, TypeError, LookupError, AttributeError,
                                IndexError, UnicodeError):
                            # one malformed message: listed with the reason, read again next
                            # run (not recorded), the others go on
                            known.discard(content)
                            result.without_workbook.append(NoWorkbook(
                                "", mid, "", "อ่านข้อความนี้ไม่ได้ (รูปแบบผิดปกติ) — เปิดดูใน"
                                "โปรแกรมอีเมล", "this message cannot be read (malformed) — "
                                "open it in a mail program"))
                            continue
                        if duplicate:
                            result.duplicate_ids.append((mid, record[3], record[4]))
                        records.append((*record, content, uidvalidity, duplicate))
                        if progress:
                            progress(1)
                if mark_seen and todo:
                    client.add_flags([uid for uid, *_ in todo], [b"\\Seen"])
            except (OSError, IMAPError) as exc:
                lost = _lost_connection(settings, exc, fetched, len(todo) or result.messages)
        finally:
            try:
                client.logout()
            except Exception:  # noqa: BLE001 - the work is done; a failing goodbye is harmless
                pass
        result.new_messages = len(records)
        _save_all(pending, out, ledger, by_code, check, result)
        for record in records:
            ledger.record_message(*record)
        ledger.commit()
    if lost is not None:
        raise CollectInterrupted(lost.th, lost.en, result)
    return result


def _lost_connection(settings: Settings, exc: BaseException, fetched: int,
                     total: int) -> MailError:
    host = settings.mail.imap_host or settings.mail.smtp_host
    where = f"IMAP {host}:{settings.mail.port('imap')}"
    th, en = connection_cause(exc)
    left = max(total - fetched, 0)
    return MailError(
        "connection",
        f"การเชื่อมต่อกับ {where} ขาดระหว่างดึงข้อความ ({th}) — ข้อความที่ดึงมาครบแล้ว "
        f"บันทึกและตรวจแล้ว ยังเหลืออีกประมาณ {left} ฉบับที่ยังไม่ได้อ่าน: สั่ง collect อีกครั้ง "
        f"(ไม่บันทึกซ้ำ)",
        f"The connection to {where} was lost while fetching messages ({en}) — the "
        f"messages fetched whole were saved and checked; about {left} are not read yet: run "
        f"collect again (nothing is saved twice)", exit_code=1)


def _batches(todo: list, max_message_bytes: int, max_batch_bytes: int = BATCH_BYTES):
    """Messages to fetch together: at most BODY_BATCH of them and about ``max_batch_bytes``,
    so a run of large messages is never held in memory at once."""
    chunk: list = []
    total = 0
    for item in todo:
        size = item[2] if item[2] <= max_message_bytes else 0
        if chunk and (len(chunk) >= BODY_BATCH or total + size > max_batch_bytes):
            yield chunk
            chunk, total = [], 0
        chunk.append(item)
        total += size
    if chunk:
        yield chunk


def _look_at(raw, uid, mid, size, internal, folder, ledger, by_code, by_address, tmp, pending,
             hashes_now, result):
    """One message: its workbooks into ``pending``; the ledger row for it."""
    if raw is None:
        mb = f"{size / 1048576:,.0f} MB"
        why, why_en = ((f"ข้อความใหญ่เกินไป ({mb}) ไม่ได้ดาวน์โหลด — เปิดดูในโปรแกรมอีเมล",
                        f"message too large ({mb}), not fetched — open it in your mail program")
                       if size else ("เซิร์ฟเวอร์ไม่ส่งข้อความนี้มาในครั้งนี้ — สั่ง collect อีกครั้ง",
                                     "the server did not give this message this time — run "
                                     "collect again"))
        result.without_workbook.append(NoWorkbook("", "", "", why, why_en))
        return (mid, folder, uid, "", "", "", 0, why, True, "")
    from ita_xlsx.intake.archive import ArchiveError, Other, parse_mail

    unreadable: Other | None = None
    try:
        msg = parse_mail(raw)  # compat32: ~3x faster than policy.default
    except ArchiveError as exc:  # its headers still say who sent it
        msg = BytesParser(policy=policy.compat32).parsebytes(raw, headersonly=True)
        unreadable = Other("(ข้อความทั้งฉบับ / the whole message)", "", "refused", exc.th,
                           exc.en)
    sender = parseaddr(_header(msg, "From"))[1]
    subject = _header(msg, "Subject")
    received = _received_time(msg, internal)
    hints: list[tuple[str, str]] = []
    tag = compose.code_from_subject(subject)
    if tag:
        hints.append((tag, "subject"))
    for ref in re.findall(r"<[^>]+>", f"{msg.get('In-Reply-To', '')} {msg.get('References', '')}"):
        code = ledger.code_of_message_id(ref)
        if code:
            hints.append((code, "reply"))
            break
    addresses = [a.casefold() for _n, a in getaddresses([_header(msg, "From"),
                                                          _header(msg, "Reply-To")])]
    for address in addresses:
        if address in by_address:
            hints.append((by_address[address], "sender"))
            break
    label = subject or sender or "mail"
    members, others = attachments(msg, label) if unreadable is None else ([], [unreadable])
    for other in others:
        if other.kind == "refused":
            result.refused.append((other.inner_name, sender, other.th, other.en))
    count = 0
    for member in members:
        digest = hashlib.sha256(member.data).hexdigest()
        earlier = ledger.saved_with_hash(digest) or hashes_now.get(digest)
        name = member.inner_name.rsplit("/", 1)[-1]
        if earlier:
            result.duplicates.append((name, sender, earlier))
            ledger.record_received(ReceivedRow(digest, mid, name, member.source, "",
                                               hints[0][0] if hints else "", "",
                                               received.isoformat(timespec="seconds"), "", 0,
                                               0, [], earlier))
            count += 1
            continue
        suffix = Path(name).suffix.lower() or ".xlsx"
        temp = Path(tmp) / f"{len(pending):06d}{suffix}"
        temp.write_bytes(member.data)
        hashes_now[digest] = f"{name} ({sender})"
        pending.append(_Pending(temp, name, member.source, digest, mid, sender, received, hints))
        count += 1
    # Something that may be a return (a refused or nested file) is the round's even from an
    # unknown sender: listed, never dropped without a word.
    related = bool(count or hints or any(o.kind in ("refused", "zip", "mail")
                                         or (o.source and o.source != label) for o in others))
    note = ""
    if not count:
        if related:
            note, note_en = _describe_nothing(msg, others)
            result.without_workbook.append(NoWorkbook(
                sender, subject, format_moment(received), note, note_en))
            # kept for the round model: the organisation replied, it is not "not sent"
            record_reply(ledger.db, Reply(
                mid, hints[0][0] if hints else "", sender, subject,
                received.isoformat(timespec="seconds"), _reply_kind(msg, others), note,
                note_en))
        else:
            result.unrelated += 1
    code = hints[0][0] if hints else ""
    return (mid, folder, uid, sender, subject, received.isoformat(timespec="seconds"), count,
            note, related, code)


def _save_all(pending: list[_Pending], out: Path, ledger: Ledger, by_code: dict[str, Org],
              check: Callable[[list[Path]], object] | None, result: CollectResult) -> None:
    """Name, save and record the new workbooks; ``check`` (the API's validate) gives each
    its organisation code from the workbook itself and its validation."""
    if not pending:
        return
    reports = {}
    if check is not None:
        report: Any = check([p.temp for p in pending])  # the API's validation Report
        result.report = report
        reports = {Path(r.path).name: r for r in report.files}
    for item in pending:
        rep = reports.get(item.temp.name)
        # the workbook's code, normalised when read; one that is not plain names nobody
        own = rep.returned.org_code.strip() if rep is not None and rep.returned.bad_code is None \
            else ""
        code, code_from = "", ""
        if own and (not by_code or own.casefold() in by_code):
            code, code_from = own, "workbook"
        elif item.hints:
            code, code_from = item.hints[0]
        elif own:
            code, code_from = own, "workbook"
        if code.casefold() in by_code:
            code = by_code[code.casefold()].code
        stem = safe_filename(Path(item.original_name).stem, "file", 60)
        name = (f"{safe_filename(code, 'unknown', 30) if code else 'unknown'}_"
                f"{item.received.strftime('%Y%m%d-%H%M%S')}_{stem}{item.temp.suffix}")
        path = out / name
        data = item.temp.read_bytes()
        n = 2
        while True:
            try:
                atomic_write(path, data)
                break
            except OutputExists:
                if path.read_bytes() == data:  # saved by a run that stopped before the ledger
                    break
                path = out / f"{Path(name).stem}_{n}{item.temp.suffix}"
                n += 1
        status = rep.status if rep is not None else ""
        errors = rep.count("error") if rep is not None else 0
        warnings = rep.count("warning") if rep is not None else 0
        findings = ([_finding_text(f) for f in rep.findings if f.severity in ("error", "warning")]
                    if rep is not None else [])
        ledger.record_received(ReceivedRow(
            item.sha256, item.message_id, item.original_name, item.source, path.name, code,
            code_from, item.received.isoformat(timespec="seconds"), status, errors, warnings,
            findings[:30], ""))
        result.saved.append(Saved(path, code, code_from, item.original_name, item.source,
                                  item.sender, status, errors, warnings))


def _finding_text(f) -> str:
    return f.message("th")  # already names the sheet and the cell
