"""``send``: one message per organisation (its workbook, its feedback copy, or a reminder).

Every message is written to the ledger as "sending" before it leaves and "sent" after the
server accepted it, so a rerun after a crash or a network cut sends only what is missing.
Temporary failures (4xx answers, a dropped connection) are retried with growing pauses on a new
connection; a permanent one (5xx, an address that does not exist) is recorded for that
organisation and the others go on.
"""

from __future__ import annotations

import smtplib
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from ita_xlsx.core.files import atomic_write, safe_filename
from ita_xlsx.core.records import Org
from ita_xlsx.mail import compose
from ita_xlsx.mail.ledger import Ledger, SentRow, now_iso
from ita_xlsx.mail.transport import MailError, smtp_connect
from ita_xlsx.spec.orgs import split_emails
from ita_xlsx.spec.settings import MailSettings, Settings

RETRY_DELAYS = (2.0, 5.0, 15.0, 30.0, 60.0)  # seconds between tries of one message


@dataclass
class Outgoing:
    kind: str  # workbook | feedback | remind
    key: str
    org: Org
    to: list[str]
    subject: str
    body: str
    attachments: list[compose.Attachment]
    file: str = ""
    in_reply_to: str = ""
    references: str = ""


@dataclass
class SendResult:
    kind: str = "workbook"
    sent: list[tuple[str, str]] = field(default_factory=list)  # (code, recipients)
    already: list[str] = field(default_factory=list)  # sent before: not sent again
    failed: list[tuple[str, str]] = field(default_factory=list)  # (code, error)
    no_address: list[Org] = field(default_factory=list)
    no_file: list[Org] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)  # --dry-run .eml files
    refused: list[Path] = field(default_factory=list)  # existing .eml files kept
    unknown_files: list[str] = field(default_factory=list)  # files no organisation matches
    skipped: list[str] = field(default_factory=list)  # remind: returned and valid


class _Temporary(Exception):
    """The message may go through on another try; ``unreachable`` when not even a
    connection could be made."""

    def __init__(self, text: str, unreachable: bool = False):
        super().__init__(text)
        self.unreachable = unreachable


class _Permanent(Exception):
    """The server refused this message for good."""


def _code_of_file(path: Path, codes: dict[str, Org]) -> str:
    """The organisation a file belongs to: ``new`` and ``validate`` name files ``<code>_…``."""
    stem = path.stem
    head = stem.split("_", 1)[0]
    if head.casefold() in codes:
        return head.casefold()
    return stem.casefold() if stem.casefold() in codes else ""


def _files_by_code(folder: Path, codes: dict[str, Org], result: SendResult) -> dict[str, Path]:
    from ita_xlsx.intake.read import find_workbooks

    found: dict[str, Path] = {}
    for path in find_workbooks([folder]):
        code = _code_of_file(path, codes)
        if not code:
            result.unknown_files.append(path.name)
        elif code not in found or path.stat().st_mtime > found[code].stat().st_mtime:
            found[code] = path  # two feedback copies for one organisation: the newest
    return found


def _values(settings: Settings, org: Org, file_name: str = "", **extra: object) -> dict:
    fiscal_year = settings.round.fiscal_year or 0
    round_key = settings.round.round or "plan"
    office = (settings.district.office or settings.mail.sender_name
              or settings.district.name or "ท้องถิ่นอำเภอ")
    values = {
        "tag": compose.subject_tag(fiscal_year, round_key, org.code),
        "org_code": org.code, "org_name": org.name or org.code, "fiscal_year": fiscal_year,
        "round_label": compose.ROUND_LABELS.get(round_key, round_key),
        "deadline": settings.round.deadline or "-", "contact": settings.round.contact or "-",
        "office": office, "sender_name": settings.mail.sender_name or office,
        "file_name": file_name, "result": "", "summary": "", "why": "",
    }
    values.update(extra)
    return values


def plan_workbooks(settings: Settings, orgs: list[Org], folder: Path, result: SendResult
                   ) -> list[Outgoing]:
    codes = {o.code.casefold(): o for o in orgs}
    files = _files_by_code(folder, codes, result)
    out = []
    for org in orgs:
        path = files.get(org.code.casefold())
        if path is None:
            result.no_file.append(org)
            continue
        values = _values(settings, org, path.name)
        out.append(Outgoing("workbook", org.code, org, split_emails(org.email),
                            compose.fill(settings.message, "subject", values),
                            compose.fill(settings.message, "body", values),
                            [compose.Attachment(path.name, path.read_bytes())], str(path)))
    return out


def _summary(findings: list[str], errors: int, warnings: int) -> tuple[str, str]:
    if errors:
        result = f"ต้องแก้ไข — พบข้อผิดพลาด {errors} รายการ" + (
            f" และข้อสังเกต {warnings} รายการ" if warnings else "")
    elif warnings:
        result = f"ผ่าน แต่มีข้อสังเกต {warnings} รายการ ขอให้ตรวจทาน"
    else:
        result = "ผ่าน"
    lines = [f"- {text}" for text in findings[:10]]
    if len(findings) > 10:
        lines.append(f"- และอีก {len(findings) - 10} รายการ (ดูในไฟล์แนบ)")
    return result, ("สิ่งที่ต้องแก้:\n" + "\n".join(lines)) if lines else ""


def plan_feedback(settings: Settings, orgs: list[Org], folder: Path, ledger: Ledger,
                  result: SendResult) -> list[Outgoing]:
    import hashlib

    codes = {o.code.casefold(): o for o in orgs}
    files = _files_by_code(folder, codes, result)
    latest = {}
    for row in ledger.received_rows():
        if row.saved and row.code:
            latest[row.code.casefold()] = row
    out = []
    for org in orgs:
        path = files.get(org.code.casefold())
        if path is None:
            continue
        data = path.read_bytes()
        row = latest.get(org.code.casefold())
        findings, errors, warnings = (row.findings, row.errors, row.warnings) if row else (
            [], 0, 0)
        outcome, summary = _summary(findings, errors, warnings)
        if not row:
            outcome = "ดูรายละเอียดในแผ่นงาน \"ผลการตรวจ\" ของไฟล์แนบ"
        values = _values(settings, org, path.name, result=outcome, summary=summary)
        to = split_emails(org.email)
        in_reply_to = references = ""
        reply = ledger.message_of_code(org.code)
        subject = compose.fill(settings.message, "feedback_subject", values)
        if reply:
            in_reply_to, sender, original = reply
            if sender and sender.casefold() not in {a.casefold() for a in to}:
                to.append(sender)  # returns often come from a personal address
            if original and compose.TAG_RE.search(original):
                subject = original if original.lower().startswith("re:") else f"Re: {original}"
            sent = ledger.sent("workbook", org.code)
            references = sent.message_id if sent and sent.message_id != in_reply_to else ""
        key = f"{org.code}:{hashlib.sha256(data).hexdigest()[:16]}"
        out.append(Outgoing("feedback", key, org, to, subject,
                            compose.fill(settings.message, "feedback_body", values),
                            [compose.Attachment(path.name, data)], str(path),
                            in_reply_to, references))
    return out


def plan_reminders(settings: Settings, orgs: list[Org], ledger: Ledger, result: SendResult,
                   today: date | None = None) -> list[Outgoing]:
    status: dict[str, str] = {}
    for row in ledger.received_rows():
        if row.saved and row.code:
            status[row.code.casefold()] = row.status  # newest last
    day = (today or date.today()).isoformat()
    out = []
    for org in orgs:
        state = status.get(org.code.casefold())
        if state in ("valid", "warnings"):
            result.skipped.append(org.code)
            continue
        why = "" if state is None else " (ไฟล์ที่ได้รับยังมีข้อผิดพลาดที่ต้องแก้ไข)"
        values = _values(settings, org, why=why)
        sent = ledger.sent("workbook", org.code)
        out.append(Outgoing("remind", f"{org.code}:{day}", org, split_emails(org.email),
                            compose.fill(settings.message, "remind_subject", values),
                            compose.fill(settings.message, "remind_body", values), [],
                            in_reply_to=sent.message_id if sent else ""))
    return out


class Sender:
    """One SMTP connection, reopened after a drop; throttled; retries temporary failures."""

    def __init__(self, settings: MailSettings, password: str, *,
                 retry_delays: tuple[float, ...] = RETRY_DELAYS,
                 sleep: Callable[[float], None] = time.sleep):
        self.settings, self.password = settings, password
        self.retry_delays, self.sleep = retry_delays, sleep
        self.conn: smtplib.SMTP | None = None
        self.last_sent = 0.0

    def _throttle(self) -> None:
        per_minute = self.settings.per_minute
        if per_minute and per_minute > 0 and self.last_sent:
            wait = 60.0 / per_minute - (time.monotonic() - self.last_sent)
            if wait > 0:
                self.sleep(wait)

    def close(self) -> None:
        if self.conn is not None:
            try:
                self.conn.quit()
            except (OSError, smtplib.SMTPException):
                pass
            self.conn = None

    def _drop(self) -> None:
        if self.conn is not None:
            try:
                self.conn.close()
            except OSError:
                pass
            self.conn = None

    def _once(self, sender: str, to: list[str], data: bytes) -> dict:
        if self.conn is None:
            try:
                self.conn = smtp_connect(self.settings, self.password)
            except MailError as exc:
                if exc.kind in ("connect", "timeout"):
                    raise _Temporary(exc.th, unreachable=True) from None
                raise
        try:
            return self.conn.sendmail(sender, to, data)
        except smtplib.SMTPRecipientsRefused as exc:
            codes = [code for code, _text in exc.recipients.values()]
            text = "; ".join(f"{a}: {c} {t.decode('utf-8', 'replace') if isinstance(t, bytes) else t}"
                             for a, (c, t) in exc.recipients.items())
            self._reset()
            if all(400 <= c < 500 for c in codes):
                raise _Temporary(text) from None
            raise _Permanent(text) from None
        except smtplib.SMTPResponseException as exc:
            error = exc.smtp_error
            text = f"{exc.smtp_code} {error.decode('utf-8', 'replace') if isinstance(error, bytes) else error}"
            if exc.smtp_code == 421:  # the server is closing the connection
                self._drop()
                raise _Temporary(text) from None
            self._reset()
            if 400 <= exc.smtp_code < 500:
                raise _Temporary(text) from None
            raise _Permanent(text) from None
        except (TimeoutError, smtplib.SMTPServerDisconnected, OSError) as exc:
            self._drop()
            raise _Temporary(f"{type(exc).__name__}: {exc}") from None

    def _reset(self) -> None:
        try:
            if self.conn is not None:
                self.conn.rset()
        except (OSError, smtplib.SMTPException):
            self._drop()

    def send(self, sender: str, to: list[str], data: bytes) -> dict:
        """Deliver ``data``; the refused recipients (when some were accepted). Raises
        :class:`_Permanent` or, after the last retry, :class:`_Temporary`."""
        self._throttle()
        delays = list(self.retry_delays)
        while True:
            try:
                refused = self._once(sender, to, data)
                self.last_sent = time.monotonic()
                return refused
            except _Temporary:
                if not delays:
                    raise
                self.sleep(delays.pop(0))


def send_messages(settings: Settings, outgoing: list[Outgoing], ledger: Ledger, *,
                  password: str, result: SendResult, resend: set[str] | None = None,
                  retry_delays: tuple[float, ...] = RETRY_DELAYS,
                  sleep: Callable[[float], None] = time.sleep,
                  progress: Callable[[int], None] | None = None) -> SendResult:
    resend = {c.casefold() for c in (resend or set())}
    mail = settings.mail
    sender_addr = mail.from_address
    todo = []
    for item in outgoing:
        if not item.to:
            result.no_address.append(item.org)
            if progress:
                progress(1)
            continue
        before = ledger.sent(item.kind, item.key)
        if before and before.state == "sent" and item.org.code.casefold() not in resend:
            result.already.append(item.org.code)
            if progress:
                progress(1)
            continue
        todo.append((item, before))
    if not todo:
        return result
    smtp = Sender(mail, password, retry_delays=retry_delays, sleep=sleep)
    unreachable = ""
    try:
        for item, before in todo:
            if unreachable:  # the server is gone: do not wait through every retry again
                result.failed.append((item.org.code, unreachable))
                ledger.record_sent(SentRow(item.kind, item.key, item.org.code, ", ".join(item.to),
                                           item.subject, before.message_id if before else "",
                                           item.file, "failed", unreachable, now_iso()))
                if progress:
                    progress(1)
                continue
            forced = item.org.code.casefold() in resend
            # The same Message-ID as an earlier attempt that may have gone through; a new one
            # when the officer forces a resend.
            message_id = (before.message_id if before and before.message_id and not forced
                          else compose.new_message_id(sender_addr))
            msg = compose.build_message(
                sender=sender_addr, sender_name=mail.sender_name, to=item.to,
                subject=item.subject, body=item.body, attachments=item.attachments,
                message_id=message_id, reply_to=mail.reply_to, in_reply_to=item.in_reply_to,
                references=item.references)
            row = SentRow(item.kind, item.key, item.org.code, ", ".join(item.to), item.subject,
                          message_id, item.file, "sending", "", now_iso())
            ledger.record_sent(row)
            try:
                refused = smtp.send(sender_addr, item.to, compose.as_bytes(msg))
            except (_Temporary, _Permanent) as exc:
                row.state, row.error = "failed", str(exc)[:500]
                result.failed.append((item.org.code, row.error))
                if isinstance(exc, _Temporary) and exc.unreachable:
                    unreachable = ("ยังไม่ได้ส่ง: ติดต่อเซิร์ฟเวอร์ไม่ได้ — สั่ง send อีกครั้งภายหลัง "
                                   "(ส่งเฉพาะที่ยังไม่ได้ส่ง)")
            else:
                row.state = "sent"
                if refused:
                    row.error = "; ".join(f"{a}: {c}" for a, (c, _t) in refused.items())
                result.sent.append((item.org.code, row.recipients))
            row.at = now_iso()
            ledger.record_sent(row)
            if progress:
                progress(1)
    finally:
        smtp.close()
    return result


def write_drafts(settings: Settings, outgoing: list[Outgoing], out_dir: Path, result: SendResult,
                 force: bool = False) -> SendResult:
    """``--dry-run``: each message as an .eml file (opens in Outlook/Thunderbird); a placeholder
    sender when no mail settings exist yet."""
    from ita_xlsx.core.files import OutputExists

    mail = settings.mail
    sender = mail.from_address or compose.PLACEHOLDER_SENDER
    for item in outgoing:
        if not item.to:
            result.no_address.append(item.org)
        msg = compose.build_message(
            sender=sender, sender_name=mail.sender_name or "ท้องถิ่นอำเภอ", to=item.to,
            subject=item.subject, body=item.body, attachments=item.attachments,
            message_id=compose.message_id_for(item.kind, item.key, sender),
            reply_to=mail.reply_to, in_reply_to=item.in_reply_to, references=item.references)
        name = safe_filename(f"{item.org.code}_{item.kind}", "message") + ".eml"
        path = out_dir / name
        try:
            atomic_write(path, compose.as_bytes(msg), force)
            result.written.append(path)
        except OutputExists:
            result.refused.append(path)
    return result
