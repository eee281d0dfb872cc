"""Real mail servers on 127.0.0.1 for the mail tests and the mail benchmark.

IMAP is Dovecot (the Debian package), run in the foreground from a configuration written into a
temporary folder: its own users file, Maildirs, run/state folders, and a certificate signed by a
test CA made here. SMTP is aiosmtpd, whose handler delivers each message into the recipients'
Maildirs (so Dovecot serves it), checks the login against the same users file, and has hooks a
test uses: answer 451 once for an address, stop the server after N messages, answer every
message with one reply (421, 451, 552 ...), drop the connection without a reply, keep a copy of
what was accepted in the sender's Sent folder (as Gmail does), and pause at a chosen message so a
test can kill the client at a known point. A byte-counting TCP proxy cuts a connection mid-way.

Nothing here listens on anything but 127.0.0.1.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import mailbox
import os
import shutil
import socket
import ssl
import subprocess
import threading
import time
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.utils import getaddresses
from pathlib import Path

HOST = "127.0.0.1"


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def wait_port(port: int, timeout: float = 15.0) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            with socket.create_connection((HOST, port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing listens on {HOST}:{port}")


# ---------------------------------------------------------------- certificates


def make_ca_and_cert(folder: Path) -> tuple[Path, Path, Path]:
    """A throw-away CA and a server certificate for 127.0.0.1/localhost signed by it."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    now = dt.datetime.now(dt.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "ita-xlsx test CA")])
    ca = (x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name)
          .public_key(ca_key.public_key()).serial_number(x509.random_serial_number())
          .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=30))
          .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
          .add_extension(x509.KeyUsage(True, False, False, False, False, True, True, False, False),
                         critical=True)
          .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()),
                         critical=False)
          .sign(ca_key, hashes.SHA256()))
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")]))
            .issuer_name(ca_name).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=30))
            .add_extension(x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address(HOST))]),
                critical=False)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]),
                           critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
                           critical=False)
            .sign(ca_key, hashes.SHA256()))
    folder.mkdir(parents=True, exist_ok=True)
    ca_path, cert_path, key_path = folder / "ca.pem", folder / "cert.pem", folder / "key.pem"
    ca_path.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return ca_path, cert_path, key_path


# ---------------------------------------------------------------- the users and their Maildirs


@dataclass
class Mailboxes:
    root: Path
    users: dict[str, str] = field(default_factory=dict)  # address -> password
    uid: int = 0
    gid: int = 0

    def maildir(self, address: str) -> Path:
        return self.root / "mail" / address.lower()

    def add_user(self, address: str, password: str, *, sent: bool = False) -> None:
        """A mailbox; ``sent`` gives it a Sent folder (Maildir++ ``.Sent``, \\Sent special use)."""
        address = address.lower()
        self.users[address] = password
        box = self.maildir(address)
        for sub in ("cur", "new", "tmp"):
            (box / sub).mkdir(parents=True, exist_ok=True)
        self._own(box)
        if sent:
            folder = box / ".Sent"
            for sub in ("cur", "new", "tmp"):
                (folder / sub).mkdir(parents=True, exist_ok=True)
            (folder / "maildirfolder").touch()
            self._own(folder)
        self._write_users()

    def _own(self, box: Path) -> None:
        # Dovecot reads the Maildir as the mail user; as root, hand the folders over.
        if os.geteuid() == 0:
            for p in (box.parent, box, box / "cur", box / "new", box / "tmp",
                      *box.glob("maildirfolder")):
                os.chown(p, self.uid, self.gid)

    def _write_users(self) -> None:
        lines = [f"{a}:{{PLAIN}}{p}:{self.uid}:{self.gid}::{self.maildir(a)}::\n"
                 for a, p in sorted(self.users.items())]
        (self.root / "users").write_text("".join(lines), encoding="utf-8")
        # Dovecot reads one file per user (users.d/<address>): a file it has not seen is read
        # at once, while a changed shared file is noticed only a second later.
        folder = self.root / "users.d"
        folder.mkdir(exist_ok=True)
        for (address, _p), line in zip(sorted(self.users.items()), lines, strict=True):
            path = folder / address
            if not path.exists():
                path.write_text(line, encoding="utf-8")

    def deliver(self, address: str, data: bytes, folder: str = "") -> bool:
        """Put ``data`` in the mailbox (or its Maildir++ ``folder``); False when there is none."""
        box = self.maildir(address)
        if folder:
            box = box / f".{folder}"
        if not box.exists():
            return False
        key = mailbox.Maildir(str(box), create=False).add(data)
        if os.geteuid() == 0:
            for p in box.joinpath("new").glob(key + "*"):
                os.chown(p, self.uid, self.gid)
        return True

    def sent_messages(self, address: str) -> list:
        """The messages in the user's Sent folder."""
        box = self.maildir(address) / ".Sent"
        return [message_from_bytes(p.read_bytes(), policy=policy.default)
                for sub in ("new", "cur") for p in sorted((box / sub).glob("*")) if p.is_file()]

    def messages(self, address: str) -> list:
        """Every message in the mailbox (new and seen), parsed."""
        box = self.maildir(address)
        out = []
        for sub in ("new", "cur"):
            for p in sorted((box / sub).glob("*")):
                if p.is_file():
                    out.append(message_from_bytes(p.read_bytes(), policy=policy.default))
        return out


# ---------------------------------------------------------------- Dovecot


DOVECOT_CONF = """\
protocols = imap
listen = {host}
base_dir = {root}/run
state_dir = {root}/state
instance_name = ita-test-{imap_port}
log_path = {root}/dovecot.log
info_log_path = {root}/dovecot.log
default_internal_user = {user}
default_internal_group = {group}
default_login_user = {user}
first_valid_uid = {uid}
first_valid_gid = {gid}
mail_location = maildir:~
ssl = yes
ssl_cert = <{cert}
ssl_key = <{key}
ssl_min_protocol = TLSv1.2
auth_mechanisms = plain login
disable_plaintext_auth = no
auth_failure_delay = 0
login_trusted_networks =
mail_max_userip_connections = 200
passdb {{
  driver = passwd-file
  args = scheme=PLAIN {root}/users.d/%u
}}
userdb {{
  driver = passwd-file
  args = {root}/users.d/%u
}}
service imap-login {{
  inet_listener imap {{
    address = {host}
    port = {imap_port}
  }}
  inet_listener imaps {{
    address = {host}
    port = {imaps_port}
    ssl = yes
  }}
  process_min_avail = 1
}}
service anvil {{
  unix_listener anvil-auth-penalty {{
    mode = 0
  }}
}}
protocol imap {{
  mail_max_userip_connections = 200
}}
namespace inbox {{
  inbox = yes
  mailbox Sent {{
    special_use = \\Sent
  }}
}}
"""


class Dovecot:
    def __init__(self, root: Path, boxes: Mailboxes, cert: Path, key: Path):
        self.root, self.boxes = root, boxes
        self.imap_port, self.imaps_port = free_port(), free_port()
        import grp
        import pwd

        if os.geteuid() == 0:
            user, group = "dovecot", "dovecot"
        else:
            user = pwd.getpwuid(os.geteuid()).pw_name
            group = grp.getgrgid(os.getegid()).gr_name
        (root / "run").mkdir(parents=True, exist_ok=True)
        (root / "state").mkdir(parents=True, exist_ok=True)
        self.conf = root / "dovecot.conf"
        self.conf.write_text(DOVECOT_CONF.format(
            host=HOST, root=root, imap_port=self.imap_port, imaps_port=self.imaps_port,
            user=user, group=group, uid=boxes.uid, gid=boxes.gid, cert=cert, key=key), encoding="utf-8")
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        exe = shutil.which("dovecot") or "/usr/sbin/dovecot"
        self.proc = subprocess.Popen([exe, "-F", "-c", str(self.conf)],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        try:
            wait_port(self.imap_port)
            wait_port(self.imaps_port)
        except RuntimeError:
            self.stop()
            log = (self.root / "dovecot.log")
            raise RuntimeError("dovecot did not start: "
                               + (log.read_text(errors="replace") if log.exists() else "")) from None

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        self.proc = None


# ---------------------------------------------------------------- SMTP (aiosmtpd)


class Delivery:
    """aiosmtpd handler: deliver into the Maildirs; hooks for failures.

    ``answer`` replies to every message with that line instead of delivering it (at RCPT or at
    the end of DATA, ``answer_at``); ``drop_at`` closes the connection without a reply at that
    point; ``keep_sent`` files a copy of each accepted message in the sender's Sent folder;
    ``pause`` stops at the n-th message of some recipients until the test releases it.
    ``per_recipient`` counts what was delivered to each address."""

    def __init__(self, boxes: Mailboxes):
        self.boxes = boxes
        self.fail_once: set[str] = set()  # addresses answered 451 on the first try
        self.reject: set[str] = set()  # addresses answered 550 (no such user)
        self.stop_after: int | None = None  # stop the whole server after this many messages
        self.answer: str | None = None  # e.g. "421 4.3.2 Try later": every message refused
        self.answer_at = "data"  # rcpt | data
        self.answer_for: set[str] = set()  # answer/drop only these recipients (empty: all)
        self.drop_at: str | None = None  # rcpt | data: close the connection, no reply
        self.keep_sent = False
        self.pause: Pause | None = None
        self.delivered = 0
        self.refusals = 0  # messages answered with ``answer``
        self.per_recipient: dict[str, int] = {}
        self.open_sessions: set[int] = set()
        self.on_stop = None
        self.lock = threading.Lock()
        self.changed = threading.Condition(self.lock)

    @property
    def sessions(self) -> int:
        """Connections open now."""
        return len(self.open_sessions)

    def session(self, key: int, opened: bool) -> None:
        with self.changed:
            # STARTTLS makes a session "connected" twice (plain, then TLS): a set, not a count
            (self.open_sessions.add if opened else self.open_sessions.discard)(key)
            self.changed.notify_all()

    def wait_for(self, predicate, timeout: float = 60.0) -> bool:
        """Wait until ``predicate(self)`` holds (checked whenever something was delivered)."""
        with self.changed:
            return self.changed.wait_for(lambda: predicate(self), timeout)

    def _applies(self, envelope, address: str | None = None) -> bool:
        if not self.answer_for:
            return True
        rcpts = [address] if address else envelope.rcpt_tos
        return any(a.lower() in self.answer_for for a in rcpts)

    def _pausing(self, phase: str, rcpts: list[str]) -> Pause | None:
        pause = self.pause
        if pause is None or phase != pause.phase or not pause.matches(rcpts):
            return None
        return pause

    @staticmethod
    async def _hold(pause: Pause) -> str:
        import asyncio

        return await asyncio.get_running_loop().run_in_executor(None, pause.hold)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower() in self.reject:
            return "550 5.1.1 No such user here"
        if address.lower() in self.fail_once:
            self.fail_once.discard(address.lower())
            return "451 4.3.0 Temporary failure, try again later"
        if self.drop_at == "rcpt" and self._applies(envelope, address):
            server.transport.abort()
            return "421 4.4.2 dropped"  # never reaches the client: the connection is gone
        if self.answer and self.answer_at == "rcpt" and self._applies(envelope, address):
            with self.changed:
                self.refusals += 1
                self.changed.notify_all()
            return self.answer
        pause = self._pausing("rcpt", [address])
        if pause is not None and await self._hold(pause) == "drop":
            server.transport.abort()
            return "421 4.4.2 dropped"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.drop_at == "data" and self._applies(envelope):
            server.transport.abort()
            return "421 4.4.2 dropped"
        if self.answer and self.answer_at == "data" and self._applies(envelope):
            with self.changed:
                self.refusals += 1
                self.changed.notify_all()
            return self.answer
        pause = self._pausing("data", envelope.rcpt_tos)
        if pause is not None and pause.then == "drop":
            await self._hold(pause)
            server.transport.abort()  # the message was received, never delivered nor answered
            return "421 4.4.2 dropped"
        with self.changed:
            if self.stop_after is not None and self.delivered >= self.stop_after:
                if self.on_stop:
                    threading.Thread(target=self.on_stop, daemon=True).start()
                return "421 4.3.2 Service shutting down"
            data = envelope.original_content or envelope.content
            for rcpt in envelope.rcpt_tos:
                self.boxes.deliver(rcpt, data)
                key = rcpt.lower()
                self.per_recipient[key] = self.per_recipient.get(key, 0) + 1
            if self.keep_sent and envelope.mail_from:
                self.boxes.deliver(envelope.mail_from, data, "Sent")
            self.delivered += 1
            self.changed.notify_all()
        if pause is not None:  # delivered; the answer waits (the client may be gone by then)
            await self._hold(pause)
        return "250 OK delivered"


class Pause:
    """Hold the ``n``-th message (counted over messages to ``recipients``) at ``phase``
    until :meth:`release`: "rcpt" is before the client sends the message; "data" is once the
    whole message was received, with ``then`` "go" (delivered at once, the answer held back:
    a server that delivers what it got even when the client is gone) or "drop" (held, then
    the connection closed without delivering or answering)."""

    def __init__(self, recipients: set[str], n: int, phase: str, then: str = "go"):
        self.recipients = {a.lower() for a in recipients}
        self.n, self.phase, self.then = n, phase, then
        self.seen = 0
        self.reached = threading.Event()
        self.released = threading.Event()

    def matches(self, rcpts: list[str]) -> bool:
        if self.reached.is_set() or not any(a.lower() in self.recipients for a in rcpts):
            return False
        self.seen += 1
        return self.seen == self.n

    def hold(self) -> str:
        self.reached.set()
        self.released.wait(120)
        return self.then

    def release(self) -> None:
        self.released.set()


def _counting_controller(handler, **kwargs):
    """aiosmtpd's Controller whose sessions tell the handler when they open and close (a test
    waits for a killed client's connection to be over before counting deliveries)."""
    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import SMTP

    class Counted(SMTP):
        def connection_made(self, transport):
            handler.session(id(self), True)
            super().connection_made(transport)

        def connection_lost(self, error):
            super().connection_lost(error)
            handler.session(id(self), False)

    class Counting(Controller):
        def factory(self):
            return Counted(self.handler, **self.SMTP_kwargs)

    return Counting(handler, **kwargs)


class Smtp:
    def __init__(self, boxes: Mailboxes, cert: Path, key: Path, *, implicit_tls: bool = False,
                 port: int | None = None):
        self.boxes, self.cert, self.key = boxes, cert, key
        self.implicit_tls = implicit_tls
        self.port = port or free_port()
        self.handler = Delivery(boxes)
        self.controller = None

    def _authenticator(self, server, session, envelope, mechanism, auth_data):
        from aiosmtpd.smtp import AuthResult, LoginPassword

        if isinstance(auth_data, LoginPassword):
            user = auth_data.login.decode("utf-8", "replace").lower()
            password = auth_data.password.decode("utf-8", "replace")
            if self.boxes.users.get(user) == password:
                return AuthResult(success=True)
        return AuthResult(success=False, handled=False)

    def start(self) -> None:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(self.cert, self.key)
        kwargs = dict(hostname=HOST, port=self.port, authenticator=self._authenticator,
                      auth_require_tls=False, decode_data=False, data_size_limit=60_000_000)
        if self.implicit_tls:
            kwargs["ssl_context"] = context
        else:
            kwargs["tls_context"] = context
        self.controller = _counting_controller(self.handler, **kwargs)
        self.controller.start()
        self.handler.on_stop = self.stop

    def stop(self) -> None:
        if self.controller is not None:
            controller, self.controller = self.controller, None
            try:
                controller.stop()
            except Exception:  # noqa: BLE001 - already stopping
                pass


class CuttingProxy:
    """A TCP relay on 127.0.0.1 to ``port`` that closes both sides once ``cut_after`` bytes
    came back from the server on one connection (None: never): a server dying mid-answer."""

    def __init__(self, port: int, cut_after: int | None = None):
        self.target, self.cut_after = port, cut_after
        self.sock = socket.socket()
        self.sock.bind((HOST, 0))
        self.sock.listen(8)
        self.port = self.sock.getsockname()[1]
        self.cuts = 0
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _addr = self.sock.accept()
            except OSError:
                return
            server = socket.create_connection((HOST, self.target))
            threading.Thread(target=self._pipe, args=(client, server, False), daemon=True).start()
            threading.Thread(target=self._pipe, args=(server, client, True), daemon=True).start()

    def _pipe(self, src: socket.socket, dst: socket.socket, counted: bool) -> None:
        total = 0
        try:
            while data := src.recv(65536):
                if counted and self.cut_after is not None and total + len(data) > self.cut_after:
                    dst.sendall(data[:max(0, self.cut_after - total)])
                    self.cuts += 1
                    break
                total += len(data)
                dst.sendall(data)
        except OSError:
            pass
        for s in (src, dst):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            s.close()

    def close(self) -> None:
        self.sock.close()


@dataclass
class MailWorld:
    root: Path
    boxes: Mailboxes
    dovecot: Dovecot
    smtp: Smtp
    ca: Path
    cert: Path
    key: Path

    def restart_smtp(self) -> None:
        self.smtp.stop()
        handler = self.smtp.handler
        self.smtp = Smtp(self.boxes, self.cert, self.key, port=self.smtp.port)
        self.smtp.handler.delivered = handler.delivered
        self.smtp.start()

    def stop(self, remove: bool = True) -> None:
        self.smtp.stop()
        self.dovecot.stop()
        if remove:
            shutil.rmtree(self.root, ignore_errors=True)

    def recipients(self, message) -> list[str]:
        return [a.lower() for _n, a in getaddresses(message.get_all("To", []))]


def start_world(root: Path | None = None) -> MailWorld:
    """Dovecot + aiosmtpd on 127.0.0.1 sharing one set of Maildirs, with a test CA.

    The folder is a fresh one under the system temp folder unless given: Dovecot's processes
    run as its own user and must be able to enter it (pytest's tmp_path is private to root).
    """
    import tempfile

    root = Path(root) if root else Path(tempfile.mkdtemp(prefix="ita-mail-"))
    root.mkdir(parents=True, exist_ok=True)
    root.chmod(0o755)
    ca, cert, key = make_ca_and_cert(root / "tls")
    uid, gid = os.geteuid(), os.getegid()
    if os.geteuid() == 0:
        import pwd

        nobody = pwd.getpwnam("dovecot")
        uid, gid = nobody.pw_uid, nobody.pw_gid
        # The key must be readable by Dovecot's config process only; it runs as root here.
    boxes = Mailboxes(root, uid=uid, gid=gid)
    (root / "mail").mkdir(parents=True, exist_ok=True)
    if os.geteuid() == 0:
        os.chown(root / "mail", uid, gid)
    boxes._write_users()
    dovecot = Dovecot(root, boxes, cert, key)
    dovecot.start()
    smtp = Smtp(boxes, cert, key)
    smtp.start()
    wait_port(smtp.port)
    return MailWorld(root, boxes, dovecot, smtp, ca, cert, key)


# ---------------------------------------------------------------- pytest helpers


def settings_toml(world: MailWorld, user: str, *, smtp_security: str = "starttls",
                  imap_security: str = "ssl", ca_file: bool = True, extra: str = "",
                  fiscal_year: int = 2570, round_key: str = "6") -> str:
    smtp_port = world.smtp.port
    imap_port = world.dovecot.imaps_port if imap_security == "ssl" else world.dovecot.imap_port
    ca = f'ca_file = "{world.ca.as_posix()}"\n' if ca_file else ""
    return (f'[round]\nfiscal_year = {fiscal_year}\nround = "{round_key}"\n'
            f'deadline = "31 มีนาคม 2570"\ncontact = "ท้องถิ่นอำเภอเชียงคำ โทร 0 5445 1234"\n\n'
            f'[district]\nname = "อำเภอเชียงคำ"\noffice = "ที่ทำการท้องถิ่นอำเภอเชียงคำ"\n\n'
            f'[mail]\nsmtp_host = "{HOST}"\nsmtp_port = {smtp_port}\n'
            f'smtp_security = "{smtp_security}"\nimap_host = "{HOST}"\nimap_port = {imap_port}\n'
            f'imap_security = "{imap_security}"\nuser = "{user}"\n'
            f'sender_name = "ท้องถิ่นอำเภอเชียงคำ"\nper_minute = 0\ntimeout = 20\n{ca}{extra}')


def world_fixture():
    """A module-scoped pytest fixture starting the servers (skips when Dovecot is missing,
    fails instead when ITA_XLSX_REQUIRE_MAIL is set, as in CI)."""
    import pytest

    @pytest.fixture(scope="module")
    def mail_world():
        if not (shutil.which("dovecot") or Path("/usr/sbin/dovecot").exists()):
            if os.environ.get("ITA_XLSX_REQUIRE_MAIL"):
                pytest.fail("Dovecot is required here but not installed")
            pytest.skip("Dovecot not installed")
        pytest.importorskip("aiosmtpd")
        world = start_world()
        try:
            yield world
        finally:
            world.stop()

    return mail_world


# ---------------------------------------------------------------- SMTP in a process of its own


def _users_from_file(root: Path) -> Mailboxes:
    boxes = Mailboxes(root, uid=os.geteuid(), gid=os.getegid())
    for line in (root / "users").read_text(encoding="utf-8").splitlines():
        parts = line.split(":")
        if len(parts) >= 4:
            boxes.users[parts[0]] = parts[1].removeprefix("{PLAIN}")
            boxes.uid, boxes.gid = int(parts[2]), int(parts[3])
    return boxes


def start_smtp_process(world: MailWorld) -> subprocess.Popen:
    """The SMTP server in a separate Python process (as a real server would be), for the
    benchmark: the client's timings then do not include the server's share of one GIL.
    Uses the users known when started; no failure hooks."""
    import sys

    world.smtp.stop()
    proc = subprocess.Popen([sys.executable, __file__, "smtp", str(world.root),
                             str(world.smtp.port), str(world.cert), str(world.key)])
    wait_port(world.smtp.port)
    return proc


if __name__ == "__main__":
    import sys

    if sys.argv[1] == "smtp":
        _root, _port = Path(sys.argv[2]), int(sys.argv[3])
        server = Smtp(_users_from_file(_root), Path(sys.argv[4]), Path(sys.argv[5]), port=_port)
        server.start()
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            server.stop()
