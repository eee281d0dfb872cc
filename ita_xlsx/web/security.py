"""Who may use the pages and how much they may send.

- Access: a random token in the URL the command opens (as Jupyter does) becomes a session
  cookie; on a shared host (``--host``) a password from the settings signs in instead.
- CSRF: every POST carries the session's token (form field ``csrf`` or header
  ``X-CSRF-Token``) and, when the browser says where it comes from, the same origin.
- Limits: request body size, an idle and a total time for receiving it; the Host header must
  name this server (no DNS rebinding).
"""

from __future__ import annotations

import asyncio
import secrets
import time
from dataclasses import dataclass, field

MiB = 1024 * 1024


@dataclass
class Limits:
    max_body: int = 200 * MiB  # one upload request (the page sends batches well below this)
    max_small_body: int = 20 * MiB  # every other request
    max_files: int = 100  # files in one request
    max_file: int = 50 * MiB  # one file (the same as the validator's own limit)
    idle_seconds: float = 30.0  # no byte of the body for this long: give up
    body_seconds: float = 300.0  # the whole body


@dataclass
class Session:
    csrf: str
    authed: bool
    created: float = field(default_factory=time.time)


class Access:
    """The token, the optional password and the sessions."""

    def __init__(self, token: str | None = None, password: str | None = None,
                 cookie: str = "ita_session"):
        self.token = token or secrets.token_urlsafe(32)
        self.password = password
        self.cookie = cookie
        self.sessions: dict[str, Session] = {}

    def new_session(self, authed: bool) -> tuple[str, Session]:
        if len(self.sessions) > 10_000:  # nobody needs that many; keep memory bounded
            self.sessions.clear()
        sid = secrets.token_urlsafe(32)
        s = Session(secrets.token_urlsafe(32), authed)
        self.sessions[sid] = s
        return sid, s

    def session(self, sid: str | None) -> Session | None:
        return self.sessions.get(sid) if sid else None

    def token_ok(self, given: str | None) -> bool:
        return given is not None and bool(given) and secrets.compare_digest(given.encode(),
                                                                            self.token.encode())

    def password_ok(self, given: str | None) -> bool:
        return (self.password is not None and given is not None
                and secrets.compare_digest(given.encode("utf-8"), self.password.encode("utf-8")))

    @staticmethod
    def csrf_ok(session: Session | None, given: str | None) -> bool:
        return (session is not None and given is not None and bool(given)
                and secrets.compare_digest(given.encode(), session.csrf.encode()))


class BodyTooLarge(Exception):
    pass


class BodyTimeout(Exception):
    pass


def limited_receive(receive, max_bytes: int, limits: Limits):
    """``receive`` that counts the body and gives up when it is too big or too slow."""
    seen = 0
    deadline = time.monotonic() + limits.body_seconds

    async def wrapped():
        nonlocal seen
        left = deadline - time.monotonic()
        if left <= 0:
            raise BodyTimeout()
        try:
            message = await asyncio.wait_for(receive(), min(left, limits.idle_seconds))
        except TimeoutError:
            raise BodyTimeout() from None
        if message["type"] == "http.request":
            seen += len(message.get("body", b""))
            if seen > max_bytes:
                raise BodyTooLarge()
        return message

    return wrapped
