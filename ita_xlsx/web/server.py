"""Bind, open the browser, run: the part of ``ita-xlsx serve`` that is not pages."""

from __future__ import annotations

import os
import socket
import sys
import threading
import webbrowser
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ita_xlsx.core.errors import ItaError

DEFAULT_PORT = 8765
PORT_TRIES = 10  # 8765..8774, then any free port the system gives
LOOPBACK = ("127.0.0.1", "localhost", "::1")


# Bounds on clients that hold connections without asking anything (half-open, slowloris):
# uvicorn has no time limit for receiving a request's head, and its concurrency limit counts
# idle connections, so 64 silent sockets answered the officer with 503 for ever.
HEAD_SECONDS = 10.0  # a whole request head must arrive within this, from connect or last answer
MAX_OPEN = 48  # connections kept; past it the ones waiting longest for a head are closed
MAX_TASKS = 64  # requests in progress at once, on top of the kept connections


def bounded_protocol(head_seconds: float = HEAD_SECONDS, max_open: int = MAX_OPEN):
    """uvicorn's h11 protocol with a deadline for each request head and a cap on open
    connections that sheds the longest-idle ones first, so a new visitor always gets in."""
    from uvicorn.protocols.http.h11_impl import H11Protocol

    class Bounded(H11Protocol):
        _deadline = None
        _since = 0.0

        def connection_made(self, transport) -> None:
            super().connection_made(transport)
            self._wait_for_head()
            self._shed()

        def data_received(self, data: bytes) -> None:
            super().data_received(data)
            if not self._between_requests():
                self._stop_waiting()  # a whole head arrived: the request runs unhurried

        def on_response_complete(self) -> None:
            super().on_response_complete()
            if not self.transport.is_closing() and self._between_requests():
                self._wait_for_head()

        def connection_lost(self, exc) -> None:
            self._stop_waiting()
            super().connection_lost(exc)

        def _between_requests(self) -> bool:
            return self.cycle is None or self.cycle.response_complete

        def _wait_for_head(self) -> None:
            self._stop_waiting()
            self._since = self.loop.time()
            self._deadline = self.loop.call_later(head_seconds, self._too_slow)

        def _stop_waiting(self) -> None:
            if self._deadline is not None:
                self._deadline.cancel()
                self._deadline = None

        def _too_slow(self) -> None:
            self._deadline = None
            if self._between_requests() and not self.transport.is_closing():
                self.transport.close()

        def _shed(self) -> None:
            extra = len(self.connections) - max_open
            if extra <= 0:
                return
            waiting = sorted((c for c in self.connections
                              if c is not self and getattr(c, "_deadline", None) is not None),
                             key=lambda c: c._since)
            for c in waiting[:extra]:
                c._stop_waiting()
                c.transport.close()

    return Bounded


class ServeError(ItaError):
    """The page cannot be served (no free port, no password for another host)."""

    exit_code = 1


@dataclass
class Running:
    url: str  # with the token: the one to open
    base: str
    port: int
    token: str


def bind(host: str, port: int | None) -> socket.socket:
    """A listening socket on ``port`` (or the default one), trying the next ports when taken."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    ports = [port] if port else [*range(DEFAULT_PORT, DEFAULT_PORT + PORT_TRIES), 0]
    last: OSError | None = None
    for p in ports:
        sock = socket.socket(family, socket.SOCK_STREAM)
        try:
            if os.name == "nt" and hasattr(socket, "SO_EXCLUSIVEADDRUSE"):
                # Windows lets a second program bind the same port otherwise.
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_EXCLUSIVEADDRUSE, 1)
            else:
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.bind((host, p))
            sock.listen(128)
            sock.set_inheritable(True)
            return sock
        except OSError as exc:
            sock.close()
            last = exc
    raise ServeError(f"เปิดพอร์ตไม่ได้ ({last}) ให้ระบุพอร์ตอื่นด้วย --port",
                     f"Cannot open a port ({last}); choose another with --port")


def password_from_settings(root: Path) -> str | None:
    """``[serve] password`` or the environment variable named by ``[serve] password_env``."""
    from ita_xlsx.api import SETTINGS_FILE, SettingsError
    from ita_xlsx.api import read_settings_file as read_file

    try:
        data = read_file(root / SETTINGS_FILE)
    except SettingsError:
        return None
    serve = data.get("serve", {}) if isinstance(data.get("serve"), dict) else {}
    if serve.get("password_env"):
        value = os.environ.get(str(serve["password_env"]))
        if value:
            return value
    value = serve.get("password")
    return str(value) if value else None


def serve(root: Path, *, host: str = "127.0.0.1", port: int | None = None, lang: str = "th",
          open_browser: bool = True, token: str | None = None,
          announce: Callable[[Running], None] | None = None,
          ready: threading.Event | None = None) -> None:
    """Run the pages for the round folder ``root`` until interrupted (Ctrl+C)."""
    import uvicorn

    from ita_xlsx.web.app import create_app
    from ita_xlsx.web.security import Access

    root = Path(root).resolve()
    password = None
    if host not in LOOPBACK:
        password = password_from_settings(root)
        if not password or len(password) < 8:
            raise ServeError(
                "เปิดให้เครื่องอื่นใช้ (--host) ต้องตั้งรหัสผ่านอย่างน้อย 8 ตัวอักษร ในไฟล์ ita-settings.toml "
                "หมวด [serve] password_env (ชื่อตัวแปรสภาพแวดล้อมที่เก็บรหัสผ่าน) หรือ password",
                "Serving to other machines (--host) needs a password of 8+ characters in "
                "ita-settings.toml, section [serve]: password_env (an environment variable "
                "holding it) or password")
    sock = bind(host, port)
    real_port = sock.getsockname()[1]
    access = Access(token=token, password=password, cookie=f"ita_session_{real_port}")
    shown = "localhost" if host in LOOPBACK else host
    names = {f"{h}:{real_port}" for h in ("127.0.0.1", "localhost", "[::1]")} \
        if host in LOOPBACK else None  # a shared host answers to whatever name people use
    app = create_app(root, lang=lang, access=access, allowed_hosts=names)
    base = f"http://{'127.0.0.1' if host in LOOPBACK else shown}:{real_port}"
    running = Running(f"{base}/?token={access.token}", base, real_port, access.token)
    # the connection cap is the protocol's (it sheds idle ones); uvicorn's own limit, which
    # also counts idle connections, stays above it and only bounds requests in progress
    config = uvicorn.Config(app, log_level="warning", access_log=False,
                            http=bounded_protocol(), timeout_keep_alive=5,
                            limit_concurrency=MAX_OPEN + MAX_TASKS,
                            h11_max_incomplete_event_size=64 * 1024)
    server = uvicorn.Server(config)

    def warm() -> None:  # the first page would otherwise wait for pandas/pandera to load
        try:
            app.state.warm()
        except Exception:  # noqa: BLE001 - the page shows the problem when it is asked for
            app.state.warmed.set()

    def started() -> None:
        app.state.warmed.clear()
        threading.Thread(target=warm, daemon=True).start()
        if announce:
            announce(running)
        if ready is not None:
            ready.set()
        if open_browser:
            try:
                webbrowser.open(opener(running.url))
            except Exception:  # noqa: BLE001 - no browser: the printed link still works
                pass

    def watch() -> None:
        import time

        for _ in range(600):  # up to 30 s for the server to say it listens
            if server.started:
                started()
                return
            time.sleep(0.05)

    redirect: list[Path] = []

    def opener(url: str) -> str:
        """A private local page that forwards to ``url``: the browser's command line (which
        other users of the machine can read) then carries no token. Jupyter does the same."""
        import html
        import tempfile

        fd, name = tempfile.mkstemp(prefix="ita-xlsx-serve-", suffix=".html")  # mode 0600
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(f'<!doctype html><meta charset="utf-8"><meta http-equiv="refresh" '
                     f'content="0;url={html.escape(url)}"><a href="{html.escape(url)}">'
                     f'ita-xlsx serve</a>')
        redirect.append(Path(name))
        # gone once the browser has surely read it (and when the server stops)
        gone = threading.Timer(120, lambda: Path(name).unlink(missing_ok=True))
        gone.daemon = True
        gone.start()
        return Path(name).as_uri()

    threading.Thread(target=watch, daemon=True).start()
    try:
        server.run(sockets=[sock])
    finally:
        sock.close()
        for page in redirect:
            page.unlink(missing_ok=True)
        sys.stdout.flush()
