"""Organisation websites on 127.0.0.1 for the OIT checks: one page per item, and the ways real
sites fail (404, a redirect loop, a login page answering 200, last year's pages, a cp874
page, a 20 MB page). Each organisation gets its own server (its own port) and a plan saying,
item by item, what its site serves; the tests compare validate, merge, feedback and the ITAS
export with that plan."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from socketserver import TCPServer
from urllib.parse import unquote, urlsplit

FY = 2571  # the round's fiscal year: its item list comes from a district's own file
BIG = 20 * 1024 * 1024

# What a site serves for an item, and what the checks must make of it.
KINDS = {
    "ok": "present",  # this year's page (UTF-8, Arabic digits)
    "ok-thai-digits": "present",  # ปีงบประมาณ ๒๕๗๑
    "ok-previous": "present",  # the year before (2570) is accepted
    "cp874": "present",  # a TIS-620 page, charset in the header
    "cp874-meta": "present",  # a TIS-620 page, charset only in <meta>
    "pdf": "present",  # a PDF: it opens; its content is for a person to read
    "missing": "missing",  # no URL in the workbook
    "404": "dead",
    "loop": "dead",  # a redirect loop
    "login": "dead",  # a login page served with 200
    "error200": "dead",  # "page not found" served with 200
    "old": "old",  # shows 2569
    "old-thai": "old",  # shows ๒๕๖๙
    "big": "old",  # 20 MB; this year appears only after the bound
    "malformed": "invalid",  # a URL with a space inside
}


def _html(body: str, title: str = "ITA", charset: str = "utf-8", meta: bool = False) -> str:
    head = f'<meta charset="{charset}">' if meta else ""
    return (f"<!DOCTYPE html><html><head>{head}<title>{title}</title></head>"
            f"<body><nav>หน้าแรก | ติดต่อเรา</nav><main>{body}</main></body></html>")


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, pages: dict[str, tuple[int, dict[str, str], bytes | str]]) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.pages = pages
        self.lock = threading.Lock()
        self.hits: dict[str, int] = {}
        self.sent: dict[str, int] = {}
        self.big_done = threading.Event()  # the 20 MB page stopped being sent

    def server_bind(self) -> None:
        TCPServer.server_bind(self)  # no getfqdn(): no name lookup
        self.server_name, self.server_port = self.server_address[:2]

    def handle_error(self, request, client_address) -> None:
        pass  # a client that stops reading the 20 MB page is expected

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server_port}"


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, format, *args) -> None:
        pass

    def do_HEAD(self) -> None:
        self._serve(head=True)

    def do_GET(self) -> None:
        self._serve(head=False)

    def _serve(self, head: bool) -> None:
        path = unquote(urlsplit(self.path).path)
        with self.server.lock:
            self.server.hits[path] = self.server.hits.get(path, 0) + 1
        status, headers, body = self.server.pages.get(path, (404, {}, _html("ไม่พบ", "404")))
        self.send_response(status)
        for k, v in headers.items():
            self.send_header(k, v)
        if body == "BIG":
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(BIG))
            self.end_headers()
            if head:
                return
            self._stream_big(path)
            return
        data = body if isinstance(body, bytes) else body.encode("utf-8")
        if "Content-Type" not in headers:
            self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if not head:
            self.wfile.write(data)

    def _stream_big(self, path: str) -> None:
        # 20 MB of last year's news; this year only at the very end, past any sane bound.
        chunk = ("<p>ข่าวประชาสัมพันธ์ ปี 2569 </p>" * 400).encode("utf-8")
        sent = 0
        try:
            self.wfile.write(b"<!DOCTYPE html><html><head><title>news</title></head><body>")
            while sent < BIG - 200:
                n = min(len(chunk), BIG - 200 - sent)
                self.wfile.write(chunk[:n])
                sent += n
            self.wfile.write("<p>ปีงบประมาณ 2571</p></body></html>".encode())
        except OSError:
            pass
        finally:
            with self.server.lock:
                self.server.sent[path] = sent
            self.server.big_done.set()


@dataclass
class OrgSite:
    code: str
    name: str
    plan: dict[str, str]  # item code -> kind
    server: _Server | None = None
    cells: dict[str, str] = field(default_factory=dict)  # item code -> what is typed

    @property
    def base(self) -> str:
        assert self.server is not None
        return self.server.base

    def url(self, code: str) -> str:
        return f"{self.base}/ita/{code.lower()}"


def pages_for(site: OrgSite, fy: int = FY) -> dict[str, tuple[int, dict[str, str], bytes | str]]:
    pages: dict[str, tuple[int, dict[str, str], bytes | str]] = {}
    thai = str(fy).translate(str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙"))
    for code, kind in site.plan.items():
        path = f"/ita/{code.lower()}"
        text = f"<h1>{code} {site.name}</h1><p>ข้อมูลประจำปีงบประมาณ พ.ศ. {fy}</p>"
        if kind in ("ok", "malformed"):
            pages[path] = (200, {}, _html(text))
        elif kind == "ok-thai-digits":
            pages[path] = (200, {}, _html(f"<p>{code} ปีงบประมาณ พ.ศ. {thai}</p>"))
        elif kind == "ok-previous":
            pages[path] = (200, {}, _html(f"<p>{code} รายงานผลปีงบประมาณ {fy - 1}</p>"))
        elif kind == "cp874":
            pages[path] = (200, {"Content-Type": "text/html; charset=windows-874"},
                           _html(f"<p>{code} ประกาศ ปีงบประมาณ {thai}</p>",
                                 charset="windows-874").encode("cp874"))
        elif kind == "cp874-meta":
            pages[path] = (200, {"Content-Type": "text/html"},
                           _html(f"<p>{code} ประกาศ ปีงบประมาณ {fy}</p>", charset="tis-620",
                                 meta=True).encode("cp874"))
        elif kind == "pdf":
            pages[path] = (200, {"Content-Type": "application/pdf"}, b"%PDF-1.4\n%\xe2\xe3\n")
        elif kind == "404":
            pages[path] = (404, {}, _html("ไม่พบหน้า", "404 Not Found"))
        elif kind == "loop":
            pages[path] = (302, {"Location": f"{path}/b"}, b"")
            pages[f"{path}/b"] = (302, {"Location": path}, b"")
        elif kind == "login":
            pages[path] = (200, {}, _html(
                '<form method="post"><input name="user"><input type="password" name="pw">'
                "</form>", "เข้าสู่ระบบ"))
        elif kind == "error200":
            pages[path] = (200, {}, _html("<h1>ไม่พบหน้าที่ต้องการ</h1>", "Page not found"))
        elif kind == "old":
            pages[path] = (200, {}, _html(f"<p>{code} ข้อมูลประจำปีงบประมาณ พ.ศ. 2569</p>"))
        elif kind == "old-thai":
            pages[path] = (200, {}, _html(f"<p>{code} ข้อมูลประจำปีงบประมาณ พ.ศ. ๒๕๖๙</p>"))
        elif kind == "big":
            pages[path] = (200, {}, "BIG")
    return pages


def typed_cell(site: OrgSite, code: str, kind: str, n: int) -> str | None:
    """What a person pastes for the item: sometimes with spaces around or a line break
    after the address, sometimes two URLs on two lines; a malformed one has a space inside."""
    url = site.url(code)
    if kind == "missing":
        return None
    if kind == "malformed":
        head, tail = url.rsplit("/", 1)
        return f"{head}/ {tail}"
    if n % 5 == 1:
        return f"  {url}  "
    if n % 5 == 2:
        return f"{url}\n"
    if n % 5 == 3 and kind.startswith("ok"):
        return f"{url}\r\n{site.base}/ita/index"
    return url


@contextmanager
def serve(sites: list[OrgSite]) -> Iterator[list[OrgSite]]:
    threads = []
    try:
        for site in sites:
            pages = pages_for(site)
            pages["/ita/index"] = (200, {}, _html(f"ITA {FY} {site.name}"))
            site.server = _Server(pages)
            t = threading.Thread(target=site.server.serve_forever,
                                 kwargs={"poll_interval": 0.05}, daemon=True)
            t.start()
            threads.append(t)
        yield sites
    finally:
        for site in sites:
            if site.server is not None:
                site.server.shutdown()
                site.server.server_close()
        for t in threads:
            t.join(2)


def framework_2571(folder: Path) -> Path:
    """A district's file for next year's item list: the 2570 file's shape, year 2571."""
    from ita_xlsx.spec.framework import DATA_DIR

    text = (DATA_DIR / "2570.toml").read_text(encoding="utf-8")
    text = text.replace("year = 2570", "year = 2571")
    text = text.replace("พ.ศ. 2570", "พ.ศ. 2571").replace("(พ.ศ. 2569)", "(พ.ศ. 2570)")
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "2571.toml"
    path.write_text(text, encoding="utf-8")
    return path
