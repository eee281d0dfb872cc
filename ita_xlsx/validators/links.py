"""Check evidence URLs over HTTP: which links open, which are dead, and why.

Evidence links point at small municipal web servers, often slow, often misconfigured. So each
distinct URL is checked once, at most ``per_host`` requests go to one host at a time, HEAD is
tried before a tiny ranged GET, and every check has a hard time budget so a hung server cannot
stall `validate`. Standard library only; requests go straight out with ``http.client``.
"""

from __future__ import annotations

import contextlib
import http.client
import re
import socket
import ssl
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, replace
from email.utils import parsedate_to_datetime
from functools import cache
from typing import TypeVar
from urllib.parse import quote, urljoin, urlsplit, urlunsplit

REASONS = ("ok", "http-error", "timeout", "dns", "refused", "ssl", "too-many-redirects",
           "invalid", "error")
REDIRECTS = frozenset({301, 302, 303, 307, 308})
HEAD_REFUSED = frozenset({403, 405, 501})  # servers that mishandle HEAD; a GET tells the truth
RETRY_LATER = frozenset({429, 503})
MAX_RETRY_AFTER = 3.0  # seconds; a longer Retry-After is cut to this, never honoured in full
BACKOFF = 0.25  # seconds before a retry, times the attempt number
PEEK_BYTES = 4096  # a GET reads no more than this: the status is all we need

# RFC 3986 reserved and unreserved characters stay as they are; "%" too, so that an already
# percent-encoded URL is not encoded twice.
_SAFE_PATH = "/%:@!$&'()*+,;=-._~"
_SAFE_QUERY = _SAFE_PATH + "?"
_STRAY_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")
_ASCII_HOST = re.compile(r"[A-Za-z0-9._-]+")


@dataclass(frozen=True)
class LinkResult:
    url: str
    ok: bool
    status: int | None  # final HTTP status, None when no response
    reason: str  # one of REASONS
    detail: str  # short English text, e.g. "HTTP 404"
    final_url: str  # after redirects
    elapsed: float


@dataclass(frozen=True)
class _Target:
    """A URL ready to request: ASCII only, no fragment."""

    url: str
    scheme: str
    host: str
    port: int
    path: str  # request target: path and query


@dataclass(frozen=True)
class _Reply:
    status: int
    location: str | None
    retry_after: str | None
    body: bytes = b""  # only when the page itself is read (read_pages)
    content_type: str = ""
    truncated: bool = False  # the body was cut at the size bound


@dataclass(frozen=True)
class _Options:
    timeout: float
    max_redirects: int
    retries: int
    user_agent: str
    read_body: int = 0  # bytes of the page to read (read_pages); 0: the status only

    @property
    def budget(self) -> float:
        """Hard limit for one URL, redirects and retries included."""
        return self.timeout * (self.retries + 1) + BACKOFF * self.retries


class _Failure(Exception):
    """A check that ended without a usable reply; carries the reason code."""

    def __init__(self, reason: str, detail: str, url: str, status: int | None = None):
        super().__init__(detail)
        self.reason, self.detail, self.url, self.status = reason, detail, url, status


# ---- URLs


def _parse(url: str) -> _Target:
    """Normalise ``url`` for the wire (IDNA host, percent-encoded path); ValueError if unusable."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise ValueError(f"unsupported scheme {scheme + ':' if scheme else '(none)'}")
    if not parts.hostname:
        raise ValueError("no host name")
    host = _ascii_host(parts.hostname)
    port = parts.port  # raises ValueError for a junk or out-of-range port
    netloc = f"[{host}]" if ":" in host else host
    if port is not None:
        netloc += f":{port}"
    path = _quote(parts.path or "/", _SAFE_PATH)
    query = _quote(parts.query, _SAFE_QUERY)
    target = path + (f"?{query}" if query else "")
    default = 443 if scheme == "https" else 80
    return _Target(urlunsplit((scheme, netloc, path, query, "")), scheme, host,
                   port or default, target)


def _ascii_host(host: str) -> str:
    """Thai (IDN) host names go out as punycode, as DNS and the Host header need."""
    if ":" in host:  # an IPv6 literal
        return host
    try:
        ascii_host = host.encode("idna").decode("ascii")
    except UnicodeError as exc:
        raise ValueError(f"bad host name {host!r}") from exc
    if not _ASCII_HOST.fullmatch(ascii_host):
        raise ValueError(f"bad host name {host!r}")
    return ascii_host


def _quote(text: str, safe: str) -> str:
    return quote(_STRAY_PERCENT.sub("%25", text), safe=safe)


def _decode_location(value: str) -> str:
    """http.client reads headers as Latin-1; servers that send raw UTF-8 (Thai paths) need undoing."""
    try:
        return value.encode("latin-1").decode("utf-8")
    except UnicodeError:
        return value


# ---- one request


@cache
def _ssl_context() -> ssl.SSLContext:
    return ssl.create_default_context()


class _Watchdog:
    """Cuts a request off at its limit: socket timeouts bound each read, not a trickling reply."""

    def __init__(self, conn: http.client.HTTPConnection, seconds: float):
        self.fired = False
        self._conn = conn
        self._timer = threading.Timer(seconds, self._fire)
        self._timer.daemon = True

    def __enter__(self) -> _Watchdog:
        self._timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._timer.cancel()

    def _fire(self) -> None:
        self.fired = True
        sock = self._conn.sock
        if sock is not None:
            # The plain-socket method, also for TLS: it wakes a blocked recv in the other thread.
            with contextlib.suppress(OSError):
                socket.socket.shutdown(sock, socket.SHUT_RDWR)


def _fetch(target: _Target, method: str, opts: _Options, deadline: float) -> _Reply:
    limit = min(opts.timeout, deadline - time.monotonic())
    if limit <= 0:
        raise TimeoutError("time budget used up")
    if target.scheme == "https":
        conn: http.client.HTTPConnection = http.client.HTTPSConnection(
            target.host, target.port, timeout=limit, context=_ssl_context())
    else:
        conn = http.client.HTTPConnection(target.host, target.port, timeout=limit)
    headers = {"User-Agent": opts.user_agent, "Accept": "*/*", "Connection": "close"}
    if method == "GET" and not opts.read_body:
        headers["Range"] = "bytes=0-0"  # the first byte is enough; evidence files can be huge
    try:
        with _Watchdog(conn, limit) as dog:
            try:
                conn.request(method, target.path, headers=headers)
                resp = conn.getresponse()
            except (OSError, http.client.HTTPException) as exc:
                if dog.fired:
                    raise TimeoutError("request cut off at its time limit") from exc
                raise
            if dog.fired:  # cut off mid-headers can still parse as a reply; it is not one
                raise TimeoutError("request cut off at its time limit")
            if method == "GET" and opts.read_body and resp.status not in REDIRECTS:
                body = _read_bounded(resp, opts.read_body)
                if dog.fired:
                    raise TimeoutError("request cut off at its time limit")
                return _Reply(resp.status, resp.getheader("Location"),
                              resp.getheader("Retry-After"), body[:opts.read_body],
                              resp.getheader("Content-Type") or "",
                              len(body) > opts.read_body)
            if method == "GET":
                # The status is already known; a body that breaks off does not change it.
                with contextlib.suppress(OSError, http.client.HTTPException):
                    resp.read(PEEK_BYTES)
            return _Reply(resp.status, resp.getheader("Location"), resp.getheader("Retry-After"))
    finally:
        conn.close()


def _read_bounded(resp: http.client.HTTPResponse, limit: int) -> bytes:
    """Up to ``limit`` + 1 bytes of the body (one more tells that it was cut); a body that
    breaks off keeps what arrived."""
    chunks: list[bytes] = []
    got = 0
    with contextlib.suppress(OSError, http.client.HTTPException):
        while got <= limit:
            chunk = resp.read(min(65536, limit + 1 - got))
            if not chunk:
                break
            chunks.append(chunk)
            got += len(chunk)
    return b"".join(chunks)


def _odd(exc: BaseException) -> bool:
    """HEAD failures worth a GET: servers that drop or garble a HEAD but answer a GET."""
    return isinstance(exc, (http.client.HTTPException, ConnectionResetError,
                            ConnectionAbortedError, BrokenPipeError))


def _transient(exc: BaseException) -> bool:
    return isinstance(exc, TimeoutError) or _odd(exc)


def _probe(target: _Target, opts: _Options, deadline: float) -> _Reply:
    """HEAD first (cheap); GET when the server refuses or mangles HEAD, or when the page
    itself is wanted."""
    if opts.read_body:
        return _fetch(target, "GET", opts, deadline)
    try:
        reply = _fetch(target, "HEAD", opts, deadline)
    except (OSError, http.client.HTTPException) as exc:
        if not _odd(exc):
            raise
        return _fetch(target, "GET", opts, deadline)
    if reply.status in HEAD_REFUSED:
        return _fetch(target, "GET", opts, deadline)
    return reply


def _retry_after(value: str | None) -> float:
    if not value:
        return BACKOFF
    value = value.strip()
    if value.isdigit():
        seconds = float(value)
    else:
        try:
            seconds = parsedate_to_datetime(value).timestamp() - time.time()
        except (TypeError, ValueError, IndexError):
            seconds = BACKOFF
    return max(0.0, min(seconds, MAX_RETRY_AFTER))


def _pause(seconds: float, deadline: float) -> bool:
    """Sleep before a retry, unless the retry could not finish within the budget anyway."""
    if time.monotonic() + seconds >= deadline:
        return False
    time.sleep(seconds)
    return True


def _request(target: _Target, opts: _Options, deadline: float) -> _Reply:
    """One hop, retrying timeouts and resets, and a 429/503 once."""
    waited = False
    for attempt in range(opts.retries + 1):
        last = attempt == opts.retries
        try:
            reply = _probe(target, opts, deadline)
        except (OSError, http.client.HTTPException) as exc:
            if last or not _transient(exc) or not _pause(BACKOFF * (attempt + 1), deadline):
                raise
            continue
        if reply.status in RETRY_LATER and not waited and not last:
            waited = True
            if _pause(_retry_after(reply.retry_after), deadline):
                continue
        return reply
    raise AssertionError("unreachable")  # the loop always returns or raises


# ---- one URL, redirects included


class _HostLimiter:
    """A semaphore per host: a small municipality's server should not see a burst from us."""

    def __init__(self, per_host: int):
        self._per_host = max(1, per_host)
        self._lock = threading.Lock()
        self._slots: dict[str, threading.Semaphore] = {}

    def slot(self, host: str) -> threading.Semaphore:
        with self._lock:
            if host not in self._slots:
                self._slots[host] = threading.BoundedSemaphore(self._per_host)
            return self._slots[host]


def _classify(exc: BaseException, opts: _Options) -> tuple[str, str]:
    """The reason code and a short detail for a request that got no usable reply."""
    if isinstance(exc, TimeoutError):
        return "timeout", f"timed out after {opts.timeout:g} s"
    if isinstance(exc, socket.gaierror):
        return "dns", "host name not found"
    if isinstance(exc, ConnectionRefusedError):
        return "refused", "connection refused"
    if isinstance(exc, ssl.SSLCertVerificationError):
        return "ssl", f"certificate not valid: {exc.verify_message}"
    if isinstance(exc, ssl.SSLError):
        return "ssl", f"TLS failed: {exc.reason or exc}"
    if isinstance(exc, ConnectionResetError | ConnectionAbortedError | BrokenPipeError):
        return "error", "connection closed without a reply"
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return "error", text[:120]


class _Clock:
    """Time of one check, from its first request: waiting for a host's slot does not count."""

    def __init__(self, budget: float):
        self._budget = budget
        self.started: float | None = None

    def deadline(self) -> float:
        if self.started is None:
            self.started = time.monotonic()
        return self.started + self._budget

    def elapsed(self) -> float:
        return 0.0 if self.started is None else time.monotonic() - self.started


def _follow(target: _Target, opts: _Options, limiter: _HostLimiter,
            clock: _Clock) -> tuple[_Reply, str]:
    """Request ``target`` and follow its redirects; returns the final reply and URL."""
    seen = {target.url}
    for hop in range(opts.max_redirects + 1):
        try:
            with limiter.slot(target.host):
                reply = _request(target, opts, clock.deadline())
        except (OSError, http.client.HTTPException) as exc:
            raise _Failure(*_classify(exc, opts), target.url) from exc
        if reply.status not in REDIRECTS or not reply.location:
            return reply, target.url
        if hop == opts.max_redirects:
            raise _Failure("too-many-redirects", f"more than {opts.max_redirects} redirects",
                           target.url, reply.status)
        try:
            nxt = _parse(urljoin(target.url, _decode_location(reply.location)))
        except ValueError as exc:
            raise _Failure("invalid", f"redirect to an unusable URL: {exc}", target.url,
                           reply.status) from exc
        if nxt.url in seen:
            raise _Failure("too-many-redirects", "redirect loop", nxt.url, reply.status)
        target = nxt
        seen.add(target.url)
    raise AssertionError("unreachable")  # the last hop returns or raises


def _check(target: _Target, opts: _Options, limiter: _HostLimiter) -> LinkResult:
    clock = _Clock(opts.budget)
    try:
        reply, final_url = _follow(target, opts, limiter, clock)
    except _Failure as failure:
        return LinkResult(target.url, False, failure.status, failure.reason, failure.detail,
                          failure.url, clock.elapsed())
    except Exception as exc:  # a checker bug must not abort a whole validation run
        from ita_xlsx.core.errors import what_happened  # words, never a class name

        return LinkResult(target.url, False, None, "error", what_happened(exc)[1],
                          target.url, clock.elapsed())
    ok = 200 <= reply.status < 400
    return LinkResult(target.url, ok, reply.status, "ok" if ok else "http-error",
                      f"HTTP {reply.status}", final_url, clock.elapsed())


R = TypeVar("R")


# ---- public API


def check_links(urls: Iterable[str], *, timeout: float = 10.0, max_redirects: int = 5,
                retries: int = 1, workers: int = 16, per_host: int = 4,
                progress: Callable[[int], None] | None = None,
                user_agent: str = "ita-xlsx link check") -> dict[str, LinkResult]:
    """Check each distinct URL once, concurrently; results keyed by the URLs as given.

    Spellings of one URL (surrounding spaces, a #fragment) share one check. ``progress(1)`` is
    called for each distinct input string once its result is known. Never raises for a bad URL:
    unusable ones come back with reason ``"invalid"`` and no request is made.
    """
    opts = _Options(timeout, max_redirects, max(0, retries), user_agent)
    return _each_url(urls, _check, lambda link: link, lambda res, raw: replace(res, url=raw),
                     opts, workers, per_host, progress)


PAGE_BYTES = 1_048_576  # read_pages reads no more of a page than this


@dataclass(frozen=True)
class PageResult:
    """A page read for its content: the link check's result and the first bytes of the page."""

    link: LinkResult
    body: bytes = b""
    content_type: str = ""
    truncated: bool = False  # the page is longer than the bound; ``body`` is its beginning


def _check_page(target: _Target, opts: _Options, limiter: _HostLimiter) -> PageResult:
    clock = _Clock(opts.budget)
    try:
        reply, final_url = _follow(target, opts, limiter, clock)
    except _Failure as failure:
        return PageResult(LinkResult(target.url, False, failure.status, failure.reason,
                                     failure.detail, failure.url, clock.elapsed()))
    except Exception as exc:  # a checker bug must not abort a whole validation run
        return PageResult(LinkResult(target.url, False, None, "error",
                                     f"{type(exc).__name__}: {exc}", target.url, clock.elapsed()))
    ok = 200 <= reply.status < 400
    link = LinkResult(target.url, ok, reply.status, "ok" if ok else "http-error",
                      f"HTTP {reply.status}", final_url, clock.elapsed())
    return PageResult(link, reply.body, reply.content_type, reply.truncated)


def read_pages(urls: Iterable[str], *, max_bytes: int = PAGE_BYTES, timeout: float = 10.0,
               max_redirects: int = 5, retries: int = 1, workers: int = 16, per_host: int = 4,
               progress: Callable[[int], None] | None = None,
               user_agent: str = "ita-xlsx link check") -> dict[str, PageResult]:
    """Like :func:`check_links`, but GET each page and keep its first ``max_bytes`` bytes,
    for checks of what a page shows (the OIT items). Same time budget, retries and per-host
    limit; a page longer than the bound is cut, never read whole."""
    opts = _Options(timeout, max_redirects, max(0, retries), user_agent, max(1, max_bytes))
    return _each_url(urls, _check_page, PageResult,
                     lambda page, raw: replace(page, link=replace(page.link, url=raw)),
                     opts, workers, per_host, progress)


def _each_url(urls: Iterable[str], check: Callable[..., R], invalid: Callable[[LinkResult], R],
              as_given: Callable[[R, str], R], opts: _Options, workers: int, per_host: int,
              progress: Callable[[int], None] | None) -> dict[str, R]:
    """Each distinct URL checked once by ``check``, concurrently within the per-host limit;
    results keyed by the URLs as given (``as_given``); an unusable URL gets ``invalid`` of its
    reason without a request."""
    results: dict[str, R] = {}
    pending: dict[str, tuple[_Target, list[str]]] = {}  # normalised URL -> target, spellings
    order = list(dict.fromkeys(u if isinstance(u, str) else str(u) for u in urls))
    for raw in order:
        try:
            target = _parse(raw)
        except ValueError as exc:
            results[raw] = invalid(LinkResult(raw, False, None, "invalid", str(exc),
                                              raw.strip(), 0.0))
            _tick(progress)
            continue
        pending.setdefault(target.url, (target, []))[1].append(raw)
    if pending:
        limiter = _HostLimiter(per_host)
        with ThreadPoolExecutor(max_workers=max(1, min(workers, len(pending)))) as pool:
            futures = {pool.submit(check, target, opts, limiter): spellings
                       for target, spellings in pending.values()}
            for future in as_completed(futures):
                for raw in futures[future]:
                    results[raw] = as_given(future.result(), raw)
                    _tick(progress)
    return {raw: results[raw] for raw in order}


def _tick(progress: Callable[[int], None] | None) -> None:
    if progress is not None:
        progress(1)


_TEXT = {
    # reason: (Thai, English)
    "ok": ("เปิดได้", "reachable"),
    "timeout": ("หมดเวลารอ", "no reply"),
    "dns": ("ไม่พบชื่อโดเมน", "domain name not found"),
    "refused": ("เซิร์ฟเวอร์ปฏิเสธการเชื่อมต่อ", "the server refused the connection"),
    "ssl": ("ใบรับรอง SSL ไม่ถูกต้อง", "the SSL certificate is not valid"),
    "too-many-redirects": ("เปลี่ยนเส้นทางมากเกินไป", "too many redirects"),
    "invalid": ("ที่อยู่ลิงก์ไม่ถูกต้อง", "the link is not a valid address"),
    "error": ("เชื่อมต่อเว็บไซต์ไม่สำเร็จ", "could not connect to the website"),
}
_HTTP_TEXT = {
    404: ("ไม่พบหน้าเว็บ", "page not found"),
    410: ("ไม่พบหน้าเว็บ", "page not found"),
    401: ("ไม่มีสิทธิ์เข้าถึงหน้าเว็บ", "access denied"),
    403: ("ไม่มีสิทธิ์เข้าถึงหน้าเว็บ", "access denied"),
    429: ("เซิร์ฟเวอร์ไม่รับคำขอเพราะถี่เกินไป", "the server is rate limiting"),
}
_SECONDS = re.compile(r"after ([\d.]+) s")


def describe(result: LinkResult, lang: str = "th") -> str:
    """A short explanation for a finding's detail, Thai unless ``lang`` is ``"en"``."""
    en = lang == "en"
    if result.reason in ("ok", "http-error") and result.status is not None:
        return f"{_http_text(result)[en]} (HTTP {result.status})"
    if result.reason == "timeout":
        match = _SECONDS.search(result.detail)
        if match:
            return f"no reply within {match[1]} s" if en else f"หมดเวลารอ {match[1]} วินาที"
    if result.reason == "invalid" and urlsplit(result.url.strip()).scheme.lower() not in (
            "http", "https"):
        return ("the link must start with http:// or https://" if en
                else "ลิงก์ต้องขึ้นต้นด้วย http:// หรือ https://")
    return _TEXT.get(result.reason, _TEXT["error"])[en]


def _http_text(result: LinkResult) -> tuple[str, str]:
    status = result.status or 0
    if result.ok:
        return _TEXT["ok"]
    if status in _HTTP_TEXT:
        return _HTTP_TEXT[status]
    if status >= 500:
        return ("เซิร์ฟเวอร์ขัดข้อง", "server error")
    return ("เปิดหน้าเว็บไม่ได้", "the page cannot be opened")


def summarize(results: Mapping[str, LinkResult]) -> dict:
    """Counts for a report: ``by_reason`` covers every result, "ok" included."""
    by_reason = Counter(result.reason for result in results.values())
    ok = by_reason.get("ok", 0)
    return {"checked": len(results), "ok": ok, "dead": len(results) - ok,
            "by_reason": dict(by_reason.most_common())}
