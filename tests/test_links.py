"""Link checking against a real HTTP server on 127.0.0.1, and nothing else.

Every name lookup goes through a guard: 127.0.0.1 passes, the test IDN host is mapped to
127.0.0.1, names under ``.invalid`` fail as DNS would, and anything else is refused and
recorded as a test failure. So these tests never put a packet on the network (a real lookup of
a ``.invalid`` name would still ask the configured resolver here).
"""

from __future__ import annotations

import socket
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from socketserver import TCPServer
from urllib.parse import unquote, urlsplit

import pytest

from ita_xlsx.validators import links
from ita_xlsx.validators.links import LinkResult, check_links, describe, summarize

THAI_PATH = "/หลักฐาน/ข่าว"
IDN_HOST = "ตัวอย่าง.ไทย"
IDN_ASCII = "xn--72c1a1bt4awk9o.xn--o3cw4h"
SLOW_SECONDS = 1.0
SHORT_TIMEOUT = 0.3
FILE_BUDGET = 10.0  # seconds for the whole module; it takes about three


# ---- the local server


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.reset()

    def server_bind(self) -> None:
        # HTTPServer.server_bind calls getfqdn(), a name lookup this test has no use for.
        TCPServer.server_bind(self)
        self.server_name, self.server_port = self.server_address[:2]

    def handle_error(self, request, client_address) -> None:
        pass  # clients cut off on purpose (timeouts) are not errors here

    def reset(self) -> None:
        with self.lock:
            self.hits: Counter[tuple[str, str]] = Counter()
            self.headers: list[tuple[str, str, dict[str, str]]] = []
            self.active = self.peak = 0

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server_port}"

    def hit_count(self, path: str) -> int:
        return sum(n for (_, p), n in self.hits.items() if p == path)


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_HEAD(self) -> None:
        self._serve("HEAD")

    def do_GET(self) -> None:
        self._serve("GET")

    def log_message(self, format, *args) -> None:
        pass

    def _serve(self, method: str) -> None:
        path = unquote(urlsplit(self.path).path)
        with self.server.lock:
            self.server.hits[method, path] += 1
            nth = self.server.hit_count(path)
            self.server.headers.append((method, self.path, dict(self.headers)))
        route = ROUTES.get(path)
        if route is None:
            self._reply(404)
        else:
            route(self, method, nth)

    def _reply(self, status: int, body: bytes = b"hello", **headers: str) -> None:
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name.replace("_", "-"), value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command == "GET":
            self.wfile.write(body)

    def _redirect(self, status: int, location: str) -> None:
        self._reply(status, b"", Location=location)

    def _drop(self) -> None:
        self.close_connection = True  # no reply at all: the client sees the connection close


def _slow(handler: _Handler, method: str, nth: int) -> None:
    if handler.server.stop.wait(SLOW_SECONDS):
        return
    try:
        handler._reply(200)
    except OSError:
        pass  # the client gave up long ago


def _counted(handler: _Handler, method: str, nth: int) -> None:
    server = handler.server
    with server.lock:
        server.active += 1
        server.peak = max(server.peak, server.active)
    time.sleep(0.15)
    with server.lock:
        server.active -= 1
    handler._reply(200)


def _trickle(handler: _Handler, method: str, nth: int) -> None:
    # Headers one byte at a time: every read succeeds, so only a total limit ends the wait.
    try:
        handler.wfile.write(b"HTTP/1.0 200 OK\r\nX-Slow: ")
        for _ in range(40):  # two seconds at most, so a missing limit fails instead of hanging
            if handler.server.stop.wait(0.05):
                break
            handler.wfile.write(b"a")
            handler.wfile.flush()
    except OSError:
        pass
    handler.close_connection = True


def _thai_redirect(handler: _Handler, method: str, nth: int) -> None:
    # Raw UTF-8 in Location, as some Thai CMSs send it (send_header encodes Latin-1).
    handler._redirect(302, THAI_PATH.encode().decode("latin-1"))


ROUTES: dict[str, Callable[[_Handler, str, int], None]] = {
    "/ok": lambda h, m, n: h._reply(200),
    "/missing": lambda h, m, n: h._reply(404),
    "/broken": lambda h, m, n: h._reply(500),
    "/no-head": lambda h, m, n: h._reply(405, Allow="GET") if m == "HEAD" else h._reply(200),
    "/drop-head": lambda h, m, n: h._drop() if m == "HEAD" else h._reply(200),
    "/flaky": lambda h, m, n: h._drop() if n <= 2 else h._reply(200),
    "/busy": lambda h, m, n: h._reply(503, Retry_After="0") if n == 1 else h._reply(200),
    "/throttled": lambda h, m, n: h._reply(429, Retry_After="0"),
    "/moved": lambda h, m, n: h._redirect(301, f"{h.server.base}/ok"),
    "/chain/1": lambda h, m, n: h._redirect(302, "/chain/2"),
    "/chain/2": lambda h, m, n: h._redirect(307, "/chain/3"),
    "/chain/3": lambda h, m, n: h._redirect(308, "/ok"),
    "/docs/rel": lambda h, m, n: h._redirect(302, "../ok"),
    "/loop/a": lambda h, m, n: h._redirect(302, "b"),
    "/loop/b": lambda h, m, n: h._redirect(302, "a"),
    "/slow": _slow,
    "/count": _counted,
    "/trickle": _trickle,
    "/thai-redirect": _thai_redirect,
    THAI_PATH: lambda h, m, n: h._reply(200),
}


@pytest.fixture(scope="module")
def server() -> Iterator[_Server]:
    started = time.monotonic()
    srv = _Server()
    thread = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.05},
                              daemon=True)
    thread.start()
    yield srv
    srv.stop.set()
    srv.shutdown()
    srv.server_close()
    thread.join(2)
    assert time.monotonic() - started < FILE_BUDGET, "link tests should take a few seconds"


@pytest.fixture()
def site(server: _Server) -> _Server:
    server.reset()
    return server


@pytest.fixture(autouse=True)
def local_only(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Resolve only 127.0.0.1 (and the test IDN host to it); record any other attempt."""
    real = socket.getaddrinfo
    strays: list[str] = []

    def guarded(host, port, *args, **kwargs):
        name = host.decode() if isinstance(host, bytes) else str(host)
        if name.endswith(".invalid"):
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        if name == IDN_ASCII:
            name = "127.0.0.1"
        if name != "127.0.0.1":
            strays.append(name)
            raise socket.gaierror(socket.EAI_NONAME, "blocked by the test")
        return real(name, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", guarded)
    yield strays
    assert strays == [], f"tried to reach hosts other than 127.0.0.1: {strays}"


@pytest.fixture()
def refused_url() -> Iterator[str]:
    """A port that is bound but not listening: connecting is refused, and no one can take it."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    yield f"http://127.0.0.1:{sock.getsockname()[1]}/ok"
    sock.close()


def check(*urls: str, **kwargs) -> dict[str, LinkResult]:
    kwargs.setdefault("timeout", 2.0)
    return check_links(urls, **kwargs)


def one(url: str, **kwargs) -> LinkResult:
    return check(url, **kwargs)[url]


# ---- answers


def test_ok_page(site):
    result = one(f"{site.base}/ok")
    assert (result.ok, result.status, result.reason, result.detail) == (True, 200, "ok", "HTTP 200")
    assert result.final_url == f"{site.base}/ok"
    assert site.hits == {("HEAD", "/ok"): 1}  # HEAD was enough


@pytest.mark.parametrize(("path", "status"), [("/missing", 404), ("/broken", 500)])
def test_http_errors(site, path, status):
    result = one(site.base + path)
    assert (result.ok, result.status, result.reason, result.detail) == (
        False, status, "http-error", f"HTTP {status}")
    assert site.hit_count(path) == 1  # a 404 or 500 is not retried


def test_head_not_allowed_falls_back_to_ranged_get(site):
    result = one(f"{site.base}/no-head")
    assert (result.ok, result.status, result.reason) == (True, 200, "ok")
    assert site.hits == {("HEAD", "/no-head"): 1, ("GET", "/no-head"): 1}
    get_headers = next(h for m, _, h in site.headers if m == "GET")
    assert get_headers["Range"] == "bytes=0-0"
    assert get_headers["User-Agent"] == "ita-xlsx link check"


def test_head_dropped_falls_back_to_get(site):
    result = one(f"{site.base}/drop-head")
    assert (result.ok, result.status) == (True, 200)
    assert site.hits == {("HEAD", "/drop-head"): 1, ("GET", "/drop-head"): 1}


# ---- redirects


def test_permanent_redirect(site):
    result = one(f"{site.base}/moved")
    assert (result.ok, result.status, result.reason) == (True, 200, "ok")
    assert result.final_url == f"{site.base}/ok"


def test_redirect_chain_within_and_over_the_limit(site):
    url = f"{site.base}/chain/1"
    result = one(url, max_redirects=3)
    assert (result.ok, result.status, result.final_url) == (True, 200, f"{site.base}/ok")
    result = one(url, max_redirects=2)
    assert (result.ok, result.status, result.reason) == (False, 308, "too-many-redirects")
    assert result.final_url == f"{site.base}/chain/3"


def test_relative_redirect(site):
    result = one(f"{site.base}/docs/rel")
    assert (result.ok, result.status, result.final_url) == (True, 200, f"{site.base}/ok")


def test_redirect_loop(site):
    result = one(f"{site.base}/loop/a", max_redirects=50)
    assert (result.ok, result.status, result.reason) == (False, 302, "too-many-redirects")
    assert result.detail == "redirect loop"
    assert site.hit_count("/loop/a") == 1 and site.hit_count("/loop/b") == 1


def test_raw_utf8_location(site):
    result = one(f"{site.base}/thai-redirect")
    assert (result.ok, result.status) == (True, 200)
    assert site.hit_count(THAI_PATH) == 1


# ---- failures without an answer


def test_timeout_is_bounded(site):
    started = time.monotonic()
    result = one(f"{site.base}/slow", timeout=SHORT_TIMEOUT, retries=0)
    took = time.monotonic() - started
    assert (result.ok, result.status, result.reason) == (False, None, "timeout")
    assert result.detail == f"timed out after {SHORT_TIMEOUT:g} s"
    assert took < SHORT_TIMEOUT + 0.4
    assert site.hit_count("/slow") == 1


def test_trickling_reply_is_cut_off(site):
    started = time.monotonic()
    result = one(f"{site.base}/trickle", timeout=SHORT_TIMEOUT, retries=0)
    assert (result.ok, result.reason) == (False, "timeout")
    assert time.monotonic() - started < SHORT_TIMEOUT + 0.4


def test_timeout_is_retried(site):
    started = time.monotonic()
    result = one(f"{site.base}/slow", timeout=SHORT_TIMEOUT, retries=1)
    took = time.monotonic() - started
    assert result.reason == "timeout"
    assert site.hit_count("/slow") == 2
    assert took < 2 * SHORT_TIMEOUT + links.BACKOFF + 0.4


def test_dropped_connection_is_retried(site):
    result = one(f"{site.base}/flaky", retries=1)
    assert (result.ok, result.status) == (True, 200)
    assert site.hit_count("/flaky") == 3  # HEAD dropped, GET dropped, then HEAD answered


def test_dropped_connection_without_retries(site):
    result = one(f"{site.base}/flaky", retries=0)
    assert (result.ok, result.status, result.reason) == (False, None, "error")
    assert result.detail == "connection closed without a reply"


def test_busy_server_is_asked_again(site):
    result = one(f"{site.base}/busy")
    assert (result.ok, result.status) == (True, 200)
    assert site.hit_count("/busy") == 2


def test_throttled_server_is_asked_again_only_once(site):
    result = one(f"{site.base}/throttled", retries=3)
    assert (result.ok, result.status, result.reason) == (False, 429, "http-error")
    assert site.hit_count("/throttled") == 2


def test_refused(refused_url):
    result = one(refused_url)
    assert (result.ok, result.status, result.reason) == (False, None, "refused")


def test_dns_failure(local_only):
    url = "http://no-such-office.invalid/news"
    result = one(url)
    assert (result.ok, result.status, result.reason) == (False, None, "dns")


@pytest.mark.parametrize("url", [
    "ftp://127.0.0.1/report.pdf", "javascript:alert(1)", "mailto:saraban@example.go.th", "",
    "www.example.go.th/news", "http://", "http://[::1", "http://127.0.0.1:99999/",
    "http://bad host/",
])
def test_invalid_urls_make_no_request(url, local_only, monkeypatch):
    monkeypatch.setattr(links, "_fetch", lambda *a: pytest.fail(f"requested {url!r}"))
    result = one(url)
    assert (result.ok, result.status, result.reason) == (False, None, "invalid")
    assert result.url == url and result.elapsed == 0.0


# ---- Thai names and paths


def test_thai_path_is_percent_encoded(site):
    result = one(site.base + THAI_PATH)
    assert (result.ok, result.status) == (True, 200)
    (_, raw_path, _), = site.headers
    assert raw_path.isascii() and unquote(raw_path) == THAI_PATH
    assert result.final_url == site.base + raw_path


def test_thai_host_goes_out_as_punycode(site):
    url = f"http://{IDN_HOST}:{site.server_port}{THAI_PATH}"
    result = one(url)
    assert (result.ok, result.status) == (True, 200)
    (_, _, headers), = site.headers
    assert headers["Host"] == f"{IDN_ASCII}:{site.server_port}"
    assert result.url == url and result.final_url.startswith(f"http://{IDN_ASCII}:")


@pytest.mark.parametrize(("url", "wire"), [
    ("http://ตัวอย่าง.ไทย/ข่าว?q=ภาษี#top",
     f"http://{IDN_ASCII}/%E0%B8%82%E0%B9%88%E0%B8%B2%E0%B8%A7?q=%E0%B8%A0%E0%B8%B2%E0%B8%A9%E0%B8%B5"),
    ("  HTTPS://Example.go.th/a%20b/c d?x=1&y=a/b  ", "https://example.go.th/a%20b/c%20d?x=1&y=a/b"),
    ("http://example.go.th", "http://example.go.th/"),
    ("http://example.go.th:8080/100%/", "http://example.go.th:8080/100%25/"),
])
def test_urls_are_normalised_for_the_wire(url, wire):
    assert links._parse(url).url == wire


# ---- many URLs


def test_duplicates_are_checked_once(site):
    ok = f"{site.base}/ok"
    urls = [ok, ok, f"  {ok} ", f"{ok}#evidence", f"{site.base}/missing", ok, "javascript:void(0)"]
    ticks: list[int] = []
    results = check_links(urls, timeout=2.0, progress=ticks.append)
    distinct = list(dict.fromkeys(urls))
    assert list(results) == distinct
    assert ticks == [1] * len(distinct)
    assert site.hits == {("HEAD", "/ok"): 1, ("HEAD", "/missing"): 1}
    assert all(results[u].ok for u in distinct[:3])
    assert results[f"  {ok} "].url == f"  {ok} "


@pytest.mark.parametrize("per_host", [2, 4])
def test_per_host_limit(site, per_host):
    urls = [f"{site.base}/count?i={i}" for i in range(8)]
    results = check_links(urls, timeout=2.0, workers=8, per_host=per_host)
    assert all(r.ok for r in results.values())
    assert site.hit_count("/count") == 8
    assert site.peak == per_host  # concurrent up to the limit, never beyond


def test_mixed_batch_is_concurrent_and_bounded(site, refused_url):
    urls = [f"{site.base}/slow", f"{site.base}/ok", f"{site.base}/missing", refused_url,
            "ftp://127.0.0.1/x"]
    started = time.monotonic()
    results = check_links(urls, timeout=SHORT_TIMEOUT, retries=0)
    took = time.monotonic() - started
    assert [r.reason for r in results.values()] == [
        "timeout", "ok", "http-error", "refused", "invalid"]
    assert took < SHORT_TIMEOUT + 0.4  # in parallel: the slow one sets the pace


def test_empty_input():
    assert check_links([]) == {}


# ---- wording and counts


def _result(reason: str, status: int | None = None, detail: str = "", url: str = "http://x/"):
    ok = reason == "ok"
    return LinkResult(url, ok, status, reason, detail, url, 0.1)


@pytest.mark.parametrize(("result", "th", "en"), [
    (_result("ok", 200), "เปิดได้ (HTTP 200)", "reachable (HTTP 200)"),
    (_result("http-error", 404), "ไม่พบหน้าเว็บ (HTTP 404)", "page not found (HTTP 404)"),
    (_result("http-error", 500), "เซิร์ฟเวอร์ขัดข้อง (HTTP 500)", "server error (HTTP 500)"),
    (_result("timeout", detail="timed out after 10 s"), "หมดเวลารอ 10 วินาที",
     "no reply within 10 s"),
    (_result("dns"), "ไม่พบชื่อโดเมน", "domain name not found"),
    (_result("refused"), "เซิร์ฟเวอร์ปฏิเสธการเชื่อมต่อ", "the server refused the connection"),
    (_result("ssl"), "ใบรับรอง SSL ไม่ถูกต้อง", "the SSL certificate is not valid"),
    (_result("too-many-redirects", 302), "เปลี่ยนเส้นทางมากเกินไป", "too many redirects"),
    (_result("invalid", url="ftp://x/"), "ลิงก์ต้องขึ้นต้นด้วย http:// หรือ https://",
     "the link must start with http:// or https://"),
    (_result("invalid"), "ที่อยู่ลิงก์ไม่ถูกต้อง", "the link is not a valid address"),
    (_result("error"), "เชื่อมต่อเว็บไซต์ไม่สำเร็จ", "could not connect to the website"),
])
def test_describe(result, th, en):
    assert describe(result) == th
    assert describe(result, lang="en") == en


def test_describe_real_timeout(site):
    result = one(f"{site.base}/slow", timeout=SHORT_TIMEOUT, retries=0)
    assert describe(result) == f"หมดเวลารอ {SHORT_TIMEOUT:g} วินาที"


def test_summarize():
    results = {str(i): _result(reason) for i, reason in
               enumerate(["ok", "ok", "http-error", "timeout", "ok", "http-error"])}
    assert summarize(results) == {
        "checked": 6, "ok": 3, "dead": 3,
        "by_reason": {"ok": 3, "http-error": 2, "timeout": 1},
    }
    assert summarize({}) == {"checked": 0, "ok": 0, "dead": 0, "by_reason": {}}
