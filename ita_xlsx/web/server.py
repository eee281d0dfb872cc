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
    from ita_xlsx.spec.settings import SETTINGS_FILE, SettingsError, read_file

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
    config = uvicorn.Config(app, log_level="warning", access_log=False,
                            timeout_keep_alive=5, limit_concurrency=64,
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
