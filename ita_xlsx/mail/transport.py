"""Connecting to the mail servers, and saying in Thai what went wrong when it fails.

SMTP is the standard library's ``smtplib``; IMAP is IMAPClient (see the README for why).
TLS always verifies the server's certificate, against the system's CAs plus the ``ca_file``
of the settings when one is given (a province's own mail server with a private CA).
"""

from __future__ import annotations

import smtplib
import socket
import ssl
from dataclasses import dataclass

from ita_xlsx.core.errors import ItaError
from ita_xlsx.spec.settings import MailSettings

AUTH_HINT_TH = ("ตรวจชื่อผู้ใช้และรหัสผ่าน — Gmail ต้องใช้ \"รหัสผ่านสำหรับแอป\" (App Password) "
                "ไม่ใช่รหัสผ่านปกติ และบัญชีต้องเปิดการยืนยันแบบ 2 ขั้นตอนก่อน")
AUTH_HINT_EN = ("check the user name and password — Gmail needs an app password, not the "
                "account password (2-step verification must be on)")


class MailError(ItaError):
    """A problem with the servers or the settings the officer can fix (exit 2); ``kind`` says
    which: auth, tls, connect, timeout, protocol, settings, password."""

    def __init__(self, kind: str, th: str, en: str, exit_code: int = 2):
        self.kind = kind
        super().__init__(th, en, exit_code)


@dataclass
class Problem:
    kind: str  # auth | tls | connect | timeout | protocol
    th: str
    en: str


def tls_context(settings: MailSettings) -> ssl.SSLContext:
    context = ssl.create_default_context()
    if settings.ca_file:
        try:
            context.load_verify_locations(cafile=settings.ca_file)
        except (OSError, ssl.SSLError) as exc:
            raise MailError("settings", f"อ่านไฟล์ใบรับรอง ca_file {settings.ca_file} ไม่ได้ ({exc})",
                            f"Cannot read ca_file {settings.ca_file} ({exc})") from None
    return context


def explain(exc: BaseException, server: str, host: str, port: int) -> MailError:
    """The Thai (and English) words for a failure to reach or log in to ``server``."""
    where = f"{server} {host}:{port}"
    if isinstance(exc, smtplib.SMTPAuthenticationError) or _is_imap_auth(exc):
        return MailError("auth", f"เข้าสู่ระบบ {where} ไม่ได้: ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง — "
                         f"{AUTH_HINT_TH}",
                         f"Login to {where} failed: wrong user name or password — {AUTH_HINT_EN}")
    if isinstance(exc, ssl.SSLCertVerificationError):
        return MailError("tls", f"ใบรับรองความปลอดภัย (TLS) ของ {where} ไม่น่าเชื่อถือ "
                         f"({exc.verify_message}) — ตรวจชื่อเซิร์ฟเวอร์ หรือระบุไฟล์ใบรับรองของ"
                         f"หน่วยงานใน ca_file ของส่วน [mail]",
                         f"The TLS certificate of {where} is not trusted ({exc.verify_message}) — "
                         f"check the host name, or set ca_file in [mail]")
    if isinstance(exc, ssl.SSLError):
        return MailError("tls", f"เชื่อมต่อแบบเข้ารหัส (TLS) กับ {where} ไม่สำเร็จ — "
                         f"พอร์ตกับ smtp_security/imap_security อาจไม่ตรงกัน "
                         f"(465/993 = ssl, 587/143 = starttls)",
                         f"TLS with {where} failed — the port and the security setting may not "
                         f"match (465/993 = ssl, 587/143 = starttls)")
    if isinstance(exc, socket.timeout | TimeoutError):
        return MailError("timeout", f"{where} ไม่ตอบภายในเวลาที่กำหนด — ตรวจพอร์ตและอินเทอร์เน็ต",
                         f"{where} did not answer in time — check the port and the network")
    if isinstance(exc, socket.gaierror):
        return MailError("connect", f"ไม่พบเซิร์ฟเวอร์ชื่อ {host} — ตรวจชื่อใน ita-settings.toml",
                         f"Host {host} not found — check the name in ita-settings.toml")
    if isinstance(exc, ConnectionRefusedError):
        return MailError("connect", f"ติดต่อ {where} ไม่ได้ (ไม่มีบริการที่พอร์ตนี้) — ตรวจพอร์ต",
                         f"Cannot connect to {where} (nothing listens on that port)")
    if isinstance(exc, smtplib.SMTPNotSupportedError):
        return MailError("protocol", f"{where} ไม่รองรับ STARTTLS หรือการเข้าสู่ระบบ — "
                         f"ลองตั้ง smtp_security = \"ssl\" และพอร์ต 465",
                         f"{where} does not offer STARTTLS or login — try ssl on port 465")
    th, en = connection_cause(exc)
    return MailError("connect", f"ติดต่อ {where} ไม่สำเร็จ ({th})", f"Cannot talk to {where} ({en})")


def connection_cause(exc: BaseException) -> tuple[str, str]:
    """What happened to a connection, in words (Thai, English), never an exception's name."""
    import imaplib

    if isinstance(exc, socket.timeout | TimeoutError):
        return "เซิร์ฟเวอร์ไม่ตอบภายในเวลาที่กำหนด", "the server did not answer in time"
    if isinstance(exc, ConnectionRefusedError):
        return "ไม่มีบริการที่พอร์ตนี้", "nothing listens on the port"
    if isinstance(exc, smtplib.SMTPServerDisconnected | ConnectionResetError |
                  BrokenPipeError | ssl.SSLEOFError | imaplib.IMAP4.abort | EOFError):
        return "เซิร์ฟเวอร์ปิดการเชื่อมต่อกลางคัน", "the server closed the connection"
    if isinstance(exc, ssl.SSLError):
        return "การเชื่อมต่อแบบเข้ารหัส (TLS) ขัดข้อง", "the TLS connection failed"
    if isinstance(exc, imaplib.IMAP4.error):
        detail = str(exc)[:160]
        return f"เซิร์ฟเวอร์ตอบว่า: {detail}", f"the server answered: {detail}"
    if isinstance(exc, OSError) and exc.strerror:
        return f"การเชื่อมต่อขัดข้อง ({exc.strerror})", f"the connection failed ({exc.strerror})"
    return "การเชื่อมต่อขัดข้อง", "the connection failed"


def _is_imap_auth(exc: BaseException) -> bool:
    try:
        from imapclient.exceptions import LoginError
    except ImportError:  # pragma: no cover
        return False
    return isinstance(exc, LoginError)


def smtp_connect(settings: MailSettings, password: str) -> smtplib.SMTP:
    """A logged-in SMTP connection; :class:`MailError` when that is not possible."""
    host, port = settings.smtp_host, settings.port("smtp")
    try:
        if settings.smtp_security == "ssl":
            conn: smtplib.SMTP = smtplib.SMTP_SSL(host, port, timeout=settings.timeout,
                                                  context=tls_context(settings))
        else:
            conn = smtplib.SMTP(host, port, timeout=settings.timeout)
            if settings.smtp_security == "starttls":
                conn.starttls(context=tls_context(settings))
        _no_delay(conn.sock)
        if settings.user:
            _smtp_login(conn, settings.user, password)
        return conn
    except MailError:
        raise
    except (OSError, smtplib.SMTPException) as exc:
        raise explain(exc, "SMTP", host, port) from None


def _no_delay(sock) -> None:
    """Send each SMTP command at once: with Nagle's algorithm the end of a message waits for
    the server's delayed acknowledgement (tens of milliseconds per message)."""
    try:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    except (OSError, AttributeError):
        pass


def _smtp_login(conn: smtplib.SMTP, user: str, password: str) -> None:
    if (user + password).isascii():
        conn.login(user, password)
        return
    # smtplib encodes credentials as ASCII; a Thai password goes as UTF-8 in AUTH PLAIN.
    import base64

    conn.ehlo_or_helo_if_needed()
    token = base64.b64encode(f"\0{user}\0{password}".encode()).decode("ascii")
    code, resp = conn.docmd("AUTH", "PLAIN " + token)
    if code != 235:
        raise smtplib.SMTPAuthenticationError(code, resp)


def imap_connect(settings: MailSettings, password: str):
    """A logged-in IMAPClient; :class:`MailError` when that is not possible."""
    from imapclient import IMAPClient
    from imapclient.exceptions import IMAPClientError

    host, port = settings.imap_host or settings.smtp_host, settings.port("imap")
    try:
        context = tls_context(settings)
        client = IMAPClient(host, port=port, ssl=settings.imap_security == "ssl",
                            ssl_context=context, timeout=settings.timeout)
        if settings.imap_security == "starttls":
            client.starttls(context)
        if (settings.user + password).isascii():
            client.login(settings.user, password)
        else:  # LOGIN sends ASCII only; AUTHENTICATE PLAIN carries UTF-8
            client.plain_login(settings.user, password)
        return client
    except MailError:
        raise
    except (OSError, IMAPClientError) as exc:
        raise explain(exc, "IMAP", host, port) from None


def test_login(settings: MailSettings, password: str) -> list[tuple[str, MailError | None]]:
    """Log in to both servers; (server, problem or None) for each."""
    out: list[tuple[str, MailError | None]] = []
    try:
        smtp_connect(settings, password).quit()
        out.append(("SMTP", None))
    except MailError as exc:
        out.append(("SMTP", exc))
    try:
        imap_connect(settings, password).logout()
        out.append(("IMAP", None))
    except MailError as exc:
        out.append(("IMAP", exc))
    return out


# Names of the sent-mail folder where the server does not mark it \Sent (RFC 6154)
SENT_NAMES = ("sent", "sent items", "sent messages", "sent mail", "รายการที่ส่ง", "ส่งแล้ว",
              "จดหมายที่ส่ง")


def find_in_sent(settings: MailSettings, password: str, message_ids: list[str]
                 ) -> tuple[set[str], str, str]:
    """The Message-IDs among ``message_ids`` found in the account's Sent folder over IMAP,
    and, when the folder could not be searched, why (Thai, English); nothing is changed."""
    from imaplib import IMAP4

    found: set[str] = set()
    try:
        client = imap_connect(settings, password)
    except MailError as exc:
        return found, f"ตรวจโฟลเดอร์ Sent ไม่ได้: {exc.th}", f"cannot check the Sent folder: {exc.en}"
    try:
        folders = client.list_folders()
        names = [name for flags, _sep, name in folders
                 if any(f.lower() == b"\\sent" for f in flags)]
        if not names:
            names = [name for _flags, sep, name in folders
                     if str(name).rsplit(sep.decode() if isinstance(sep, bytes) and sep else "/",
                                         1)[-1].casefold() in SENT_NAMES]
        if not names:
            return (found, "บัญชีนี้ไม่มีโฟลเดอร์ Sent ให้ตรวจ",
                    "the account has no Sent folder to check")
        for name in names[:3]:
            client.select_folder(name, readonly=True)
            for message_id in message_ids:
                if message_id and message_id not in found and client.search(
                        ["HEADER", "Message-ID", message_id]):
                    found.add(message_id)
        return found, "", ""
    except (OSError, IMAP4.error) as exc:
        th, en = connection_cause(exc)
        return found, f"ตรวจโฟลเดอร์ Sent ไม่สำเร็จ ({th})", f"searching the Sent folder failed ({en})"
    finally:
        try:
            client.logout()
        except Exception:  # noqa: BLE001 - the answer is in; a failing goodbye is harmless
            pass
