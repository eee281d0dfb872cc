"""``send``: one message per organisation (its workbook, its feedback copy, or a reminder).

Never twice: one ``send`` at a time per round (a lock the system releases when the program
ends, however it ends), and every message is written to the ledger as "sending" just before
its text goes to the server, and "sent" once the server accepted it. A row left in "sending"
(the program killed, the connection lost before the server's answer) may or may not have been
delivered: it is never sent again blind. The next run looks for its Message-ID in the account's
Sent folder over IMAP (where Gmail and Microsoft 365 keep what their SMTP servers sent); found,
it is recorded as sent; not found, or no Sent folder, it is reported as "may already have been
sent" with the way to resend it (``--resend CODE``).

Temporary failures (4xx answers, a connection dropped before the message was handed over) are
retried with growing pauses on a new connection, within one time budget for the whole run: a
server that only ever says "try later" is given up on after ``RETRY_BUDGET`` seconds, and what
is left waits for the next run. A permanent refusal (5xx, an address that does not exist) is
recorded for that organisation and the others go on.
"""

from __future__ import annotations

import re
import smtplib
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from ita_xlsx.core.errors import ItaError
from ita_xlsx.core.files import atomic_write, safe_filename
from ita_xlsx.core.records import Org
from ita_xlsx.core.vocabulary import COUNTS, FILE_STATES, word
from ita_xlsx.mail import compose
from ita_xlsx.mail.ledger import SEND_LOCK_FILE, Ledger, LedgerError, SentRow, now_iso
from ita_xlsx.mail.transport import MailError, connection_cause, find_in_sent, smtp_connect
from ita_xlsx.rounds.model import Round
from ita_xlsx.spec.orgs import split_emails
from ita_xlsx.spec.settings import MailSettings, Settings

RETRY_DELAYS = (2.0, 5.0, 15.0, 30.0, 60.0)  # seconds between tries of one message
RETRY_BUDGET = 120.0  # seconds of temporary refusals a whole run waits through, all messages
IN_DOUBT = ("sending", "uncertain")  # handed to the server, its answer never recorded


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
    # handed to the server, no answer: may already have been sent, not sent again
    uncertain: list[tuple[str, str, str]] = field(default_factory=list)  # (code, why th, en)
    confirmed: list[str] = field(default_factory=list)  # such a message found in Sent
    left: list[str] = field(default_factory=list)  # not tried: the server kept refusing
    stopped: tuple[str, str] = ("", "")  # why the run stopped early (Thai, English)


class SendLocked(ItaError):
    """Another ``send`` of this round is running (exit 1): nothing was sent by this one."""

    exit_code = 1

    def __init__(self, lock: Path, holder: tuple[int, str, str] | None):
        from ita_xlsx.mail.status import when

        if holder:
            pid, host, started = holder
            who_th = f" (เครื่อง {host} โปรแกรมหมายเลข {pid} เริ่มเมื่อ {when(started)})"
            who_en = f" (computer {host}, process {pid}, started {when(started, 'en')})"
        else:
            who_th = who_en = ""
        super().__init__(
            f"มีคำสั่ง send ของรอบนี้ทำงานอยู่แล้ว{who_th} — ครั้งนี้ยังไม่ได้ส่งอะไร เพื่อไม่ให้หน่วยงาน"
            f"ได้รับซ้ำ: รอให้คำสั่งนั้นเสร็จ แล้วสั่ง send อีกครั้ง (ส่งเฉพาะที่ยังไม่ได้ส่ง) [ไฟล์ล็อก {lock}]",
            f"Another send of this round is running{who_en} — nothing was sent by this one, so "
            f"that no organisation gets a message twice: wait for it to finish, then run send "
            f"again (only what is missing goes) [lock file {lock}]")


class SendLock:
    """One ``send`` per round at a time: an exclusive SQLite transaction on ``ita-send.lock``
    in the round folder. The system releases it when the program ends in any way (even
    killed or on power loss), so a lock is never left stale; works on Windows and Linux, and
    on network drives that lock files. Who holds it is written in the ledger for the message
    the second run shows."""

    def __init__(self, ledger: Ledger):
        self.ledger = ledger
        self.path = ledger.path.with_name(SEND_LOCK_FILE)
        self.conn: sqlite3.Connection | None = None

    def __enter__(self) -> SendLock:
        try:
            conn = sqlite3.connect(str(self.path), timeout=0, isolation_level=None)
        except sqlite3.Error as exc:
            raise LedgerError(self.path, exc) from None
        try:
            conn.execute("BEGIN EXCLUSIVE")
        except sqlite3.Error as exc:
            conn.close()
            if "locked" in str(exc).lower() or "busy" in str(exc).lower():
                raise SendLocked(self.path, self.ledger.send_holder()) from None
            raise LedgerError(self.path, exc) from None
        self.conn = conn
        self.ledger.set_send_holder()
        return self

    def __exit__(self, *exc) -> None:
        try:
            self.ledger.clear_send_holder()
        except LedgerError:
            pass  # the lock itself goes with the connection below
        if self.conn is not None:
            self.conn.close()
            self.conn = None


class _Temporary(Exception):
    """The message may go through on another try; ``unreachable`` when not even a
    connection could be made."""

    def __init__(self, text: str, unreachable: bool = False, en: str = ""):
        super().__init__(text)
        self.unreachable = unreachable
        self.en = en or text  # the text in English, when ``text`` is Thai


class _Permanent(Exception):
    """The server refused this message for good."""


class _Uncertain(Exception):
    """The message was handed over and no answer came back: it may have been delivered.
    ``th``/``en`` say what happened to the connection."""

    def __init__(self, th: str, en: str):
        super().__init__(en)
        self.th, self.en = th, en


class _GiveUp(_Temporary):
    """Temporary refusals used up the run's budget: stop, leave the rest for the next run."""


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
        "file_name": file_name, "result": "", "summary": "", "why": "", "oit_missing": "",
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
    # the state and severity words are the vocabulary's, as on every other surface
    if errors:
        result = f"{word(FILE_STATES, 'invalid')} — พบ{word(COUNTS, 'errors')} {errors} รายการ" + (
            f" และ{word(COUNTS, 'warnings')} {warnings} รายการ" if warnings else "")
    elif warnings:
        result = (f"{word(FILE_STATES, 'warnings')} — {word(COUNTS, 'warnings')} {warnings} "
                  "รายการ ขอให้ตรวจทาน")
    else:
        result = word(FILE_STATES, "valid")
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
        got = latest.get(org.code.casefold())
        findings, errors, warnings = (got.findings, got.errors, got.warnings) if got else (
            [], 0, 0)
        outcome, summary = _summary(findings, errors, warnings)
        if not got:
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


# what a reminder adds about what arrived, by the organisation's state in the round
REMIND_WHY = {
    "sent": " (ได้รับข้อความแล้วแต่ไม่มีไฟล์แบบรายงานแนบ โปรดแนบไฟล์ Excel มาด้วย)",
    "unusable": " (ไฟล์ที่ได้รับเปิดหรือใช้เป็นแบบรายงานไม่ได้ โปรดส่งไฟล์ Excel ของแบบรายงาน)",
    "needs_fixing": " (ไฟล์ที่ได้รับยังมีข้อผิดพลาดที่ต้องแก้ไข)",
    "not_counted": " (ไฟล์ที่ได้รับไม่ใช่แบบรายงานของรอบนี้ของหน่วยงาน จึงไม่นับ)",
}


def plan_reminders(settings: Settings, orgs: list[Org], ledger: Ledger, result: SendResult,
                   today: date | None = None, rnd: Round | None = None,
                   oit_missing: dict[str, list[str]] | None = None) -> list[Outgoing]:
    """A reminder to every listed organisation whose state in the round (``rnd``, the round
    model's answer) is not passed: nothing sent, a reply without a workbook, a file that
    cannot be used, one to fix, or one that does not count. ``oit_missing`` (organisation
    code folded -> its missing or failing OIT items, as lines): each reminder lists them, and
    an organisation whose return passed but lacks OIT items gets the OIT reminder."""
    state_of = {o.code.casefold(): o.state.value for o in (rnd.orgs if rnd else [])}
    day = (today or date.today()).isoformat()
    out = []
    for org in orgs:
        state = state_of.get(org.code.casefold(), "not_sent")
        items = (oit_missing or {}).get(org.code.casefold(), [])
        kind = "remind"
        if state in ("passed", "passed_with_notes"):
            if not items:
                result.skipped.append(org.code)
                continue
            kind = "remind_oit"
        why = REMIND_WHY.get(state, "")
        values = _values(settings, org, why=why, oit_missing=compose.oit_block(items))
        sent = ledger.sent("workbook", org.code)
        out.append(Outgoing("remind", f"{org.code}:{day}", org, split_emails(org.email),
                            compose.fill(settings.message, f"{kind}_subject", values),
                            compose.fill(settings.message, f"{kind}_body", values), [],
                            in_reply_to=sent.message_id if sent else ""))
    return out


class Sender:
    """One SMTP connection, reopened after a drop; throttled; retries temporary failures
    within the run's budget (``budget`` seconds since the last success, over all messages)."""

    def __init__(self, settings: MailSettings, password: str, *,
                 retry_delays: tuple[float, ...] | None = None,
                 sleep: Callable[[float], None] = time.sleep,
                 budget: float | None = None,
                 clock: Callable[[], float] = time.monotonic):
        self.settings, self.password = settings, password
        self.retry_delays = RETRY_DELAYS if retry_delays is None else retry_delays
        self.sleep = sleep
        self.budget = RETRY_BUDGET if budget is None else budget
        self.clock = clock
        self.conn: smtplib.SMTP | None = None
        self.last_sent = 0.0
        self.trouble_since: float | None = None  # first temporary failure since a success

    def _throttle(self) -> None:
        per_minute = self.settings.per_minute
        if per_minute and per_minute > 0 and self.last_sent:
            wait = 60.0 / per_minute - (self.clock() - self.last_sent)
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

    def _refused(self, code: int, text: bytes | str) -> Exception:
        """The exception for an answer other than success (the message was not taken)."""
        shown = f"{code} {text.decode('utf-8', 'replace') if isinstance(text, bytes) else text}"
        if code == 421:  # the server is closing the connection
            self._drop()
            return _Temporary(shown)
        self._reset()
        return _Temporary(shown) if 400 <= code < 500 else _Permanent(shown)

    def _once(self, sender: str, to: list[str], data: bytes,
              on_handover: Callable[[], None]) -> dict:
        if self.conn is None:
            try:
                self.conn = smtp_connect(self.settings, self.password)
            except MailError as exc:
                if exc.kind in ("connect", "timeout"):
                    raise _Temporary(exc.th, unreachable=True) from None
                raise
        conn = self.conn
        try:
            conn.ehlo_or_helo_if_needed()
            code, text = conn.mail(sender)
            if code != 250:
                raise self._refused(code, text)
            refused: dict = {}
            for address in to:
                code, text = conn.rcpt(address)
                if code not in (250, 251):
                    refused[address] = (code, text)
                if code == 421:
                    raise self._refused(code, text)
            if len(refused) == len(to):
                shown = "; ".join(
                    f"{a}: {c} {t.decode('utf-8', 'replace') if isinstance(t, bytes) else t}"
                    for a, (c, t) in refused.items())
                self._reset()
                if all(400 <= c < 500 for c, _t in refused.values()):
                    raise _Temporary(shown)
                raise _Permanent(shown)
            code, text = conn.docmd("DATA")
            if code != 354:
                raise self._refused(code, text)
        except (TimeoutError, smtplib.SMTPServerDisconnected, OSError) as exc:
            self._drop()  # before the message was handed over: not delivered
            th, en = connection_cause(exc)
            raise _Temporary(th, en=en) from None
        on_handover()  # from here on the server may deliver it without our hearing of it
        try:
            conn.send(_dot_stuffed(data))
        except (TimeoutError, smtplib.SMTPServerDisconnected, OSError) as exc:
            self._drop()  # the end of the message never went out: not delivered
            th, en = connection_cause(exc)
            raise _Temporary(th, en=en) from None
        try:
            code, text = conn.getreply()
        except (TimeoutError, smtplib.SMTPServerDisconnected, OSError) as exc:
            self._drop()
            raise _Uncertain(*connection_cause(exc)) from None
        if code != 250:
            raise self._refused(code, text)
        return refused

    def _reset(self) -> None:
        try:
            if self.conn is not None:
                self.conn.rset()
        except (OSError, smtplib.SMTPException):
            self._drop()

    def send(self, sender: str, to: list[str], data: bytes,
             on_handover: Callable[[], None] = lambda: None) -> dict:
        """Deliver ``data``; the refused recipients (when some were accepted). Raises
        :class:`_Permanent`, :class:`_Uncertain` (never retried), :class:`_GiveUp` when the
        run's budget for temporary failures is spent or, after the last retry,
        :class:`_Temporary`. ``on_handover`` is called just before the message's text goes."""
        self._throttle()
        delays = list(self.retry_delays)
        while True:
            try:
                refused = self._once(sender, to, data, on_handover)
                self.last_sent = self.clock()
                self.trouble_since = None
                return refused
            except _Temporary as exc:
                now = self.clock()
                if self.trouble_since is None:
                    self.trouble_since = now
                if not delays:
                    if now - self.trouble_since >= self.budget:
                        raise _GiveUp(str(exc), exc.unreachable, exc.en) from None
                    raise  # this message's tries are used up; the next one may still go
                delay = delays.pop(0)
                if now + delay - self.trouble_since > self.budget:
                    raise _GiveUp(str(exc), exc.unreachable, exc.en) from None
                self.sleep(delay)


def _dot_stuffed(data: bytes) -> bytes:
    """The DATA text: lines starting with a dot doubled, CRLF endings, the final dot line."""
    data = re.sub(rb"(?:\r\n|\n|\r(?!\n))", b"\r\n", data)
    data = re.sub(rb"(?m)^\.", b"..", data)
    if not data.endswith(b"\r\n"):
        data += b"\r\n"
    return data + b".\r\n"


UNREACHABLE = ("ยังไม่ได้ส่ง: ติดต่อเซิร์ฟเวอร์ไม่ได้ — สั่ง send อีกครั้งภายหลัง (ส่งเฉพาะที่ยังไม่ได้ส่ง)",
               "not sent: the server cannot be reached — run send again later (only what is "
               "missing goes)")


def send_messages(settings: Settings, outgoing: list[Outgoing], ledger: Ledger, *,
                  password: str, result: SendResult, resend: set[str] | None = None,
                  retry_delays: tuple[float, ...] | None = None,
                  sleep: Callable[[float], None] = time.sleep,
                  progress: Callable[[int], None] | None = None,
                  budget: float | None = None,
                  clock: Callable[[], float] = time.monotonic) -> SendResult:
    """Send ``outgoing`` under the round's send lock (:class:`SendLocked` when another run
    holds it); see the module's text for what is never sent twice."""
    ledger.check_writable()
    with SendLock(ledger):
        return _send_locked(settings, outgoing, ledger, password=password, result=result,
                            resend=resend, retry_delays=retry_delays, sleep=sleep,
                            progress=progress, budget=budget, clock=clock)


def _step(progress: Callable[[int], None] | None) -> None:
    if progress:
        progress(1)


def _send_locked(settings: Settings, outgoing: list[Outgoing], ledger: Ledger, *,
                 password: str, result: SendResult, resend: set[str] | None,
                 retry_delays: tuple[float, ...] | None, sleep: Callable[[float], None],
                 progress: Callable[[int], None] | None, budget: float | None,
                 clock: Callable[[], float]) -> SendResult:
    resend = {c.casefold() for c in (resend or set())}
    mail = settings.mail
    sender_addr = mail.from_address
    todo, doubtful = [], []
    for item in outgoing:
        if not item.to:
            result.no_address.append(item.org)
            _step(progress)
            continue
        before = ledger.sent(item.kind, item.key)  # read under the lock: no other run sends
        forced = item.org.code.casefold() in resend
        if before and before.state == "sent" and not forced:
            result.already.append(item.org.code)
            _step(progress)
        elif before and before.state in IN_DOUBT and not forced:
            doubtful.append((item, before))
        else:
            todo.append((item, before))
    if doubtful:
        _settle_doubtful(mail, password, doubtful, ledger, result, progress)
    if not todo:
        return result
    smtp = Sender(mail, password, retry_delays=retry_delays, sleep=sleep, budget=budget,
                  clock=clock)
    unreachable = False
    stopped = ""
    try:
        for item, before in todo:
            if stopped:  # the server kept refusing: the rest waits for the next run
                result.left.append(item.org.code)
                _step(progress)
                continue
            if unreachable:  # the server is gone: do not wait through every retry again
                result.failed.append((item.org.code, UNREACHABLE[0]))
                ledger.record_sent(SentRow(item.kind, item.key, item.org.code, ", ".join(item.to),
                                           item.subject, before.message_id if before else "",
                                           item.file, "failed", UNREACHABLE[0], now_iso()))
                _step(progress)
                continue
            forced = item.org.code.casefold() in resend
            # The same Message-ID as an earlier attempt that may have gone through (a copy the
            # mail services then file as one); a new one when the officer resends a sent one.
            reuse = before and before.message_id and (not forced or before.state in IN_DOUBT)
            message_id = before.message_id if reuse and before else compose.new_message_id(
                sender_addr)
            msg = compose.build_message(
                sender=sender_addr, sender_name=mail.sender_name, to=item.to,
                subject=item.subject, body=item.body, attachments=item.attachments,
                message_id=message_id, reply_to=mail.reply_to, in_reply_to=item.in_reply_to,
                references=item.references)
            row = SentRow(item.kind, item.key, item.org.code, ", ".join(item.to), item.subject,
                          message_id, item.file, "sending", "", now_iso())

            def handover(row: SentRow = row) -> None:
                row.at = now_iso()
                ledger.record_sent(row)  # committed before the text leaves

            try:
                refused = smtp.send(sender_addr, item.to, compose.as_bytes(msg), handover)
            except _Uncertain as exc:
                code = item.org.code
                why_th = (f"อาจส่งไปแล้ว — ส่งข้อความให้เซิร์ฟเวอร์แล้วแต่ไม่ได้รับคำตอบ ({exc.th}) จึงไม่ส่งซ้ำ: "
                          f"ถามหน่วยงานว่าได้รับหรือไม่ ถ้าไม่ได้รับ สั่ง ita-xlsx send --resend {code}")
                why_en = (f"may already have been sent — handed to the server but no answer "
                          f"came ({exc.en}), so not sent again: ask the organisation; if it did "
                          f"not arrive, run ita-xlsx send --resend {code}")
                row.state, row.error = "uncertain", why_th[:500]
                result.uncertain.append((code, why_th, why_en))
            except (_Temporary, _Permanent) as exc:
                row.state, row.error = "failed", str(exc)[:500]
                if isinstance(exc, _GiveUp) and not exc.unreachable:
                    seconds = f"{smtp.budget:,.0f}"
                    stopped = str(exc)[:200]
                    result.stopped = (
                        f"เซิร์ฟเวอร์ตอบว่าให้ลองใหม่ภายหลัง ({stopped}) ต่อเนื่องนานกว่า {seconds} วินาที "
                        f"— หยุดส่งในครั้งนี้ ที่เหลือยังไม่ได้ส่ง: สั่ง send อีกครั้งภายหลัง "
                        f"(ส่งเฉพาะที่ยังไม่ได้ส่ง)",
                        f"The server kept answering \"try later\" ({exc.en[:200]}) for more than "
                        f"{seconds} s — sending stopped for this run and the rest is not sent: "
                        f"run send again later (only what is missing goes)")
                if isinstance(exc, _Temporary) and exc.unreachable:
                    unreachable = True
                result.failed.append((item.org.code, row.error))
            else:
                row.state = "sent"
                if refused:
                    row.error = "; ".join(f"{a}: {c}" for a, (c, _t) in refused.items())
                result.sent.append((item.org.code, row.recipients))
            row.at = now_iso()
            ledger.record_sent(row)
            _step(progress)
    finally:
        smtp.close()
    return result


def _settle_doubtful(mail: MailSettings, password: str, doubtful: list, ledger: Ledger,
                     result: SendResult, progress: Callable[[int], None] | None) -> None:
    """Messages handed to the server whose answer was never recorded: found in the account's
    Sent folder, they are recorded as sent; otherwise reported, never sent again blind."""
    found, problem_th, problem_en = find_in_sent(mail, password,
                                                 [b.message_id for _i, b in doubtful])
    for item, before in doubtful:
        code = item.org.code
        if before.message_id in found:
            before.state, before.error, before.at = "sent", "", now_iso()
            ledger.record_sent(before)
            result.confirmed.append(code)
        else:
            where_th = problem_th or "ไม่พบในโฟลเดอร์ Sent ของบัญชี"
            where_en = problem_en or "not found in the account's Sent folder"
            why_th = (f"อาจส่งไปแล้ว — ครั้งก่อนส่งให้เซิร์ฟเวอร์แล้วแต่ไม่ทราบผล ({where_th}) จึงไม่ส่งซ้ำ: "
                      f"ถามหน่วยงานว่าได้รับหรือไม่ ถ้าไม่ได้รับ สั่ง ita-xlsx send --resend {code}")
            why_en = (f"may already have been sent — handed to the server last time, outcome "
                      f"unknown ({where_en}), so not sent again: ask the organisation; if it "
                      f"did not arrive, run ita-xlsx send --resend {code}")
            before.state, before.error = "uncertain", why_th[:500]
            ledger.record_sent(before)
            result.uncertain.append((code, why_th, why_en))
        _step(progress)


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
