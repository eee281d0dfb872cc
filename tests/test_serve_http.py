"""`ita-xlsx serve` at the HTTP level: access token, CSRF, limits, path handling, and the pages'
answers compared with the library API on the same files (the demo's real returns)."""

from __future__ import annotations

import csv
import io
import re
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
import warnings
import zipfile
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

import ita_xlsx
from ita_xlsx.cli.main import main as cli

starlette = pytest.importorskip("starlette")
warnings.filterwarnings("ignore", message=".*httpx.*", category=DeprecationWarning)
from starlette.testclient import TestClient  # noqa: E402

from ita_xlsx.web.app import create_app  # noqa: E402
from ita_xlsx.web.security import Access, Limits  # noqa: E402

BASE = "http://127.0.0.1:8765"


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> dict:
    from ita_xlsx.demo.cycle import run_demo

    return run_demo(tmp_path_factory.mktemp("demo") / "d", True, lambda s: None)


@pytest.fixture
def round_dir(tmp_path, demo) -> Path:
    root = tmp_path / "round"
    root.mkdir()
    shutil.copy(demo["orgs"], root / "orgs.csv")
    return root


def client_for(root: Path, **kw) -> tuple[TestClient, Access]:
    access = kw.pop("access", None) or Access()
    app = create_app(root, access=access, allowed_hosts={"127.0.0.1:8765"}, **kw)
    return TestClient(app, base_url=BASE), access


def signed_in(root: Path, **kw) -> tuple[TestClient, str]:
    client, access = client_for(root, **kw)
    r = client.get(f"/?token={access.token}")
    assert r.status_code == 200
    return client, csrf_of(r.text)


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf-token" content="([^"]+)"', html).group(1)


def upload(client: TestClient, csrf: str, files: list[tuple[str, bytes]], **headers):
    return client.post("/returns/upload", data={"csrf": csrf},
                       files=[("files", (n, b)) for n, b in files],
                       headers={"X-Requested-With": "fetch", **headers})


def demo_files(demo) -> list[tuple[str, bytes]]:
    """Every file the demo's organisations sent, as an officer drags the folder."""
    return [(p.name, p.read_bytes()) for p in sorted(Path(demo["returned"]).rglob("*"))
            if p.is_file()]


def demo_workbooks(demo) -> list[tuple[str, bytes]]:
    return [(p.name, p.read_bytes()) for p in sorted(Path(demo["returned"]).glob("*.xlsx"))]


def message(html: str) -> str:
    m = re.search(r'class="message">([^<]*)<', html)
    return m.group(1) if m else ""


# ---------------------------------------------------------------- access


def test_no_token_no_page(round_dir):
    client, access = client_for(round_dir)
    for path in ("/", "/returns", "/org/6560101", "/report", "/make/workbooks.zip"):
        r = client.get(path)
        assert r.status_code == 403, path
        assert "รหัสเข้าใช้" in message(r.text)
    assert client.get("/?token=wrong" + access.token[:5]).status_code == 403
    r = client.post("/report/build", data={"csrf": "x"})
    assert r.status_code == 403


def test_token_becomes_cookie_and_leaves_the_url(round_dir):
    client, access = client_for(round_dir)
    r = client.get(f"/returns?token={access.token}", follow_redirects=False)
    assert r.status_code == 303
    assert r.headers["location"] == "/returns"  # the token is not left in the address bar
    cookie = r.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie
    assert client.get("/returns").status_code == 200
    assert r.headers["referrer-policy"] == "same-origin"
    other, _ = client_for(round_dir, access=access)  # a fresh browser without the cookie
    assert other.get("/returns").status_code == 403


def test_other_host_names_refused(round_dir):
    client, access = client_for(round_dir)
    evil = TestClient(client.app, base_url="http://evil.example:8765")
    r = evil.get(f"/?token={access.token}")
    assert r.status_code == 400  # DNS rebinding: the page only answers to its own address


def test_password_for_a_shared_host(round_dir):
    access = Access(password="long-enough-secret")
    client, _ = client_for(round_dir, access=access)
    r = client.get("/", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/login"
    page = client.get("/login")
    csrf = csrf_of(page.text)
    assert client.post("/login", data={"csrf": csrf, "password": "wrong"}).status_code == 403
    assert client.get("/").status_code in (200, 303)
    assert client.get("/", follow_redirects=False).status_code == 303  # still not signed in
    r = client.post("/login", data={"csrf": csrf, "password": "long-enough-secret"},
                    follow_redirects=False)
    assert r.status_code == 303
    assert client.get("/").status_code == 200


def test_cli_refuses_host_without_password(round_dir):
    r = CliRunner().invoke(cli, ["serve", str(round_dir), "--host", "0.0.0.0", "--no-browser"])
    assert r.exit_code == 2
    assert "รหัสผ่าน" in r.output and "Traceback" not in r.output


# ---------------------------------------------------------------- CSRF


def test_csrf_on_every_form(round_dir, demo):
    client, csrf = signed_in(round_dir)
    assert client.post("/report/build", data={}).status_code == 403
    r = client.post("/report/build", data={"csrf": "not-it"})
    assert r.status_code == 403 and "แบบฟอร์ม" in message(r.text)
    assert upload(client, "bad", demo_workbooks(demo)[:1]).status_code == 403
    r = client.post("/make", data={"csrf": "bad", "year": "2570"})
    assert r.status_code == 403
    assert not (round_dir / "returned").exists()  # nothing was taken in
    # the right token, but the browser says the form came from another site
    r = client.post("/report/build", data={"csrf": csrf}, headers={"Origin": "http://evil.example"})
    assert r.status_code == 403
    r = client.post("/report/build", data={"csrf": csrf}, headers={"Origin": BASE})
    assert r.status_code == 200


# ---------------------------------------------------------------- taking in returns


def test_upload_validates_like_the_library(round_dir, demo):
    client, csrf = signed_in(round_dir)
    r = upload(client, csrf, demo_workbooks(demo))
    assert r.status_code == 200
    results = r.json()["results"]
    report = ita_xlsx.validate([demo["returned"]])
    expected = {Path(f.path).name: f for f in report.files}
    set_aside = {Path(i.path).name for i in getattr(report, "skipped", [])}
    assert len(results) == len(demo_workbooks(demo))
    rnd = ita_xlsx.open_round(round_dir)  # the verdict on arrival is the round's
    for item in results:
        if item["original"] in set_aside:  # the library's own outputs sent back, and such
            assert item["outcome"] in ("skipped", "kept") and item["detail"]
            continue
        want = expected[item["original"]]
        assert item["outcome"] == "stored"
        f = rnd.file(item["stored_as"])
        assert item["status"] == (rnd.org(f.code).state.value if f.counts else "not_counted")
        assert item["errors"] == want.count("error")
        # whose it is, as the round says (a borrowed workbook: the one who filled it)
        assert item["org_code"] == f.code
        assert item["stored_as"].startswith(want.returned.org_code + "_web_")
        assert (round_dir / "returned" / item["stored_as"]).is_file()
    # the same files again: recognised, not stored twice
    again = upload(client, csrf, demo_workbooks(demo)[:2]).json()["results"]
    assert [i["outcome"] for i in again] == ["duplicate", "duplicate"]
    stored = [i for i in results if i["outcome"] in ("stored", "kept")]
    assert len(list((round_dir / "returned").iterdir())) == len(stored)


def test_round_page_states_match_consolidate(round_dir, demo):
    client, csrf = signed_in(round_dir)
    upload(client, csrf, demo_files(demo))
    page = client.get("/").text
    # the round model's answer, for the uploaded copy and for the demo's own folder alike
    model = ita_xlsx.open_round(round_dir).states()
    assert ita_xlsx.open_round(demo["returned"], orgs=demo["orgs"]).states() == model
    states = dict(re.findall(r'<tr data-code="([^"]+)" data-status="([^"]*)"', page))
    assert states == model
    assert "not_sent" in states.values()  # the demo's silent organisation
    assert "not_counted" in states.values()  # the borrowed workbook
    counts = dict(re.findall(r'data-status="(\w+)"><b>(\d+)</b>', page))
    for status in ("passed", "needs_fixing", "not_sent", "not_counted"):
        assert int(counts[status]) == sum(s == status for s in model.values())
    invalid = client.get("/?status=needs_fixing").text
    shown = re.findall(r'<tr data-code="([^"]*)" data-status="([^"]*)"', invalid)
    assert shown and all(s == "needs_fixing" for _, s in shown)


def test_org_page_every_finding_at_its_cell(round_dir, demo):
    client, csrf = signed_in(round_dir)
    upload(client, csrf, demo_files(demo))
    merged = ita_xlsx.consolidate([demo["returned"]], orgs=demo["orgs"])
    worst = max(merged.entries, key=lambda e: e.errors)
    assert worst.errors > 0
    page = client.get(f"/org/{worst.org_code}").text
    rows = re.findall(r'data-code="([^"]+)" data-cell="([^"]*)">.*?<td class="sheet">([^<]*)</td><td class="cell">'
                      r'([^<]*)</td>\s*<td>([^<]*)</td>', page, re.S)
    import html as h

    shown = {(code, cell, h.unescape(msg)) for code, cell, _sheet, _c, msg in rows}
    want = {(f.code, f.cell or "", f.message("th")) for f in worst.findings}
    assert shown == want
    assert "✔" in page  # which file counts is marked


def test_feedback_copy_download_opens(round_dir, demo):
    client, csrf = signed_in(round_dir)
    upload(client, csrf, demo_files(demo))
    merged = ita_xlsx.consolidate([demo["returned"]], orgs=demo["orgs"])
    worst = max(merged.entries, key=lambda e: e.errors)
    page = client.get(f"/org/{worst.org_code}").text
    link = re.search(r'href="(/org/[^"]+/feedback/\d+)"', page).group(1)
    r = client.get(link)
    assert r.status_code == 200
    wb = openpyxl.load_workbook(io.BytesIO(r.content))
    assert len(wb.sheetnames) >= 3
    assert (round_dir / "feedback").is_dir()


def test_uploaded_names_never_become_paths(round_dir, demo, tmp_path):
    client, csrf = signed_in(round_dir)
    body = demo_workbooks(demo)[1][1]
    names = ["../../escape.xlsx", "..\\..\\win.xlsx", "CON.xlsx", "/etc/passwd.xlsx", "a\x00b.xlsx"]
    variants = [(n, body + bytes([i])) for i, n in enumerate(names)]  # distinct contents
    r = upload(client, csrf, [*variants, ("notes.txt", b"hello")])
    assert r.status_code == 200
    results = r.json()["results"]
    assert results[-1]["outcome"] == "skipped"
    returned = round_dir / "returned"
    for item in results[:-1]:
        assert "/" not in item["stored_as"] and "\\" not in item["stored_as"]
        assert (returned / item["stored_as"]).is_file()
    inside = {p.resolve() for p in round_dir.rglob("*")}
    outside = [p for p in tmp_path.rglob("*") if p.resolve() not in inside
               and not p.resolve().is_relative_to(round_dir.resolve())]
    assert not [p for p in outside if p.name in ("escape.xlsx", "win.xlsx")]
    assert not (round_dir.parent / "escape.xlsx").exists()


def test_zip_upload_takes_workbooks_inside(round_dir, demo):
    client, csrf = signed_in(round_dir)
    buf = io.BytesIO()
    files = demo_workbooks(demo)[:3]
    with zipfile.ZipFile(buf, "w") as zf:
        for name, data in files:
            zf.writestr(f"ส่งกลับ/{name}", data)
        zf.writestr("readme.txt", "x")
    results = upload(client, csrf, [("returns.zip", buf.getvalue())]).json()["results"]
    assert [i["outcome"] for i in results] == ["stored"] * 3


def test_path_handling(round_dir, demo):
    client, csrf = signed_in(round_dir)
    upload(client, csrf, demo_files(demo))
    (round_dir.parent / "secret.csv").write_text("secret")
    for path in ("/report/file/..%2Fsecret.csv", "/report/file/%2E%2E%2F%2E%2E%2Fsecret.csv",
                 "/report/file/..%5Csecret.csv", "/static/..%2F..%2Forgs.csv",
                 "/static/../app.py", "/org/6560101/file/99", "/org/6560101/file/-1",
                 "/org/..%2F..%2Fsecret/file/0", "/org/nope"):
        r = client.get(path)
        assert r.status_code == 404, path
        assert "secret" not in r.text


def test_limits(round_dir, demo):
    limits = Limits(max_body=600_000, max_small_body=50_000, max_files=3, max_file=200_000)
    client, csrf = signed_in(round_dir, limits=limits)
    one = demo_workbooks(demo)[0]
    r = upload(client, csrf, [one] * 4)  # too many files in one request
    assert r.status_code == 413 and "ไม่เกิน" in message(r.text)
    r = upload(client, csrf, [("big.xlsx", b"PK" + b"\0" * 300_000)])  # one file too large
    assert r.status_code == 413
    r = upload(client, csrf, [("a.xlsx", b"\0" * 250_000)] * 3)  # the request too large
    assert r.status_code == 413
    r = client.post("/report/build", content=b"csrf=" + b"x" * 60_000,
                    headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert r.status_code == 413
    assert not (round_dir / "returned").exists() or not any((round_dir / "returned").iterdir())
    # the server keeps working
    assert client.get("/").status_code == 200
    assert upload(client, csrf, [one]).json()["results"][0]["outcome"] == "stored"


def test_failing_request_gives_thai_page_and_server_lives_on(round_dir, demo):
    client, csrf = signed_in(round_dir)
    (round_dir / ".ita-serve").write_text("a file where the server wants its folder")
    r = upload(client, csrf, demo_workbooks(demo)[:1])
    assert r.status_code == 500
    assert "ไม่สำเร็จ" in message(r.text) and "Traceback" not in r.text
    (round_dir / ".ita-serve").unlink()
    assert client.get("/").status_code == 200
    assert upload(client, csrf, demo_workbooks(demo)[:1]).json()["results"][0]["outcome"] == "stored"


def test_everything_escaped(round_dir, demo, tmp_path):
    (round_dir / "orgs.csv").write_text(
        "code,name,type,district,province,email\n"
        "6560101,<script>alert(1)</script>,เทศบาลตำบล,เชียงคำ,พะเยา,\n", encoding="utf-8")
    client, csrf = signed_in(round_dir)
    page = client.get("/").text
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


# ---------------------------------------------------------------- making the round, the report


def test_make_round_from_uploaded_list(tmp_path, demo):
    root = tmp_path / "new-round"
    root.mkdir()
    client, csrf = signed_in(root)
    assert "ยังไม่มีรอบ" in client.get("/").text  # an empty folder is offered a start
    r = client.post("/make", data={"csrf": csrf, "year": "2570", "round": "6",
                                   "deadline": "30/04/2570", "contact": "โทร 0 5445 1234"},
                    files={"orglist": ("รายชื่อ.csv", Path(demo["orgs"]).read_bytes())})
    assert r.status_code == 200
    n_orgs = len(ita_xlsx.read_orgs(demo["orgs"])[0])
    assert f"สร้างแบบรายงานแล้ว {n_orgs} ไฟล์" in r.text
    assert (root / "orgs.csv").read_bytes() == Path(demo["orgs"]).read_bytes()
    assert 'fiscal_year = 2570' in (root / "ita-settings.toml").read_text(encoding="utf-8")
    z = client.get("/make/workbooks.zip")
    assert z.status_code == 200
    with zipfile.ZipFile(io.BytesIO(z.content)) as zf:
        names = zf.namelist()
        assert len(names) == n_orgs
        wb = openpyxl.load_workbook(io.BytesIO(zf.read(names[0])))
        assert wb.sheetnames
    # a second list is refused unless the officer says to replace the first
    r = client.post("/make", data={"csrf": csrf, "year": "2570"},
                    files={"orglist": ("x.csv", b"code,name\n1,a\n")})
    assert "แทนที่รายชื่อเดิม" in r.text
    r = client.post("/make", data={"csrf": csrf, "year": "ปีไหน"})
    assert "ปี" in r.text and r.status_code == 200


def test_report_build_and_download(round_dir, demo):
    client, csrf = signed_in(round_dir)
    assert "ยังไม่มีไฟล์ที่ส่งกลับ" in client.post("/report/build", data={"csrf": csrf}).text
    upload(client, csrf, demo_files(demo))
    r = client.post("/report/build", data={"csrf": csrf})
    assert r.status_code == 200
    links = re.findall(r'href="(/report/file/[^"]+)"', r.text)
    xlsx = [u for u in links if u.endswith(".xlsx")]
    assert xlsx and any(u.endswith("summary.csv") for u in links)
    wb = openpyxl.load_workbook(io.BytesIO(client.get(xlsx[0]).content))
    assert len(wb.sheetnames) >= 4
    summary = client.get([u for u in links if u.endswith("summary.csv")][0])
    rows = list(csv.reader(io.StringIO(summary.content.decode("utf-8-sig"))))
    merged = ita_xlsx.consolidate([demo["returned"]], orgs=demo["orgs"])
    assert len(rows) - 1 == len(merged.entries)


# ---------------------------------------------------------------- the command, over real HTTP


def start_server(root: Path, *extra: str) -> tuple[subprocess.Popen, str]:
    proc = subprocess.Popen([sys.executable, "-m", "ita_xlsx", "serve", str(root),
                             "--no-browser", *extra], stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, encoding="utf-8")
    deadline = time.time() + 30
    while time.time() < deadline:
        line = proc.stdout.readline()
        m = re.search(r"(http://127\.0\.0\.1:\d+/\?token=\S+)", line)
        if m:
            return proc, m.group(1)
        if proc.poll() is not None:
            break
    proc.kill()
    raise AssertionError("the server did not start")


def test_serve_command_real_http(round_dir):
    proc, url = start_server(round_dir)
    try:
        base = url.split("?")[0]
        with pytest.raises(urllib.error.HTTPError) as err:
            urllib.request.urlopen(base, timeout=10)
        assert err.value.code == 403
        import http.cookiejar

        browser = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        with browser.open(url, timeout=10) as r:  # follows to / with the cookie
            assert r.status == 200
            assert "ภาพรวมรอบ" in r.read().decode("utf-8")
        # a second server finds the next free port
        proc2, url2 = start_server(round_dir)
        try:
            assert url2.split("?")[0] != base
            assert url2.split("token=")[1] != url.split("token=")[1]
        finally:
            proc2.terminate()
            proc2.wait(10)
    finally:
        proc.terminate()
        proc.wait(10)


def test_unreadable_org_list_is_a_thai_message(tmp_path):
    root = tmp_path / "r"
    root.mkdir()
    client, csrf = signed_in(root)
    r = client.post("/make", data={"csrf": csrf, "year": "2570"},
                    files={"orglist": ("list.xlsx", b"this is not a workbook")})
    assert r.status_code == 200
    assert re.search(r'class="bad">[^<]*[\u0e00-\u0e7f]', r.text)  # a Thai message
    assert not (root / "orgs.xlsx").exists() and not (root / "workbooks").exists()
    assert not any((root / ".ita-serve" / "incoming").iterdir())  # the scratch copy is gone


def test_english_pages(round_dir, demo):
    client, csrf = signed_in(round_dir, lang="en")
    upload(client, csrf, demo_files(demo))
    for path in ("/", "/returns", "/make", "/report", "/org/6560102"):
        r = client.get(path)
        assert r.status_code == 200, path
        nav = re.search(r"<nav>(.*?)</nav>", r.text, re.S).group(1)
        assert "The round" in nav and not re.search(r"[\u0e00-\u0e7f]", nav)
    assert "Not allowed" in message(TestClient(client.app, base_url=BASE).get("/").text)


def test_stalled_upload_is_dropped(round_dir):
    """A body that stops arriving is given up after the idle limit (408), not waited for."""
    import asyncio

    limits = Limits(idle_seconds=0.3)
    client, access = client_for(round_dir, limits=limits)
    sid, session = access.new_session(authed=True)
    app = client.app
    sent: list[dict] = []
    scope = {"type": "http", "method": "POST", "path": "/returns/upload", "raw_path": b"",
             "root_path": "", "scheme": "http", "query_string": b"", "http_version": "1.1",
             "server": ("127.0.0.1", 8765), "client": ("127.0.0.1", 5000),
             "headers": [(b"host", b"127.0.0.1:8765"), (b"content-length", b"100000"),
                         (b"content-type", b"multipart/form-data; boundary=x"),
                         (b"cookie", f"{access.cookie}={sid}".encode()),
                         (b"x-csrf-token", session.csrf.encode())]}
    first = True

    async def receive():
        nonlocal first
        if first:
            first = False
            return {"type": "http.request", "body": b"--x\r\n", "more_body": True}
        await asyncio.sleep(60)  # the sender went quiet

    async def send(message):
        sent.append(message)

    async def run():
        await asyncio.wait_for(app(scope, receive, send), 10)

    started = time.perf_counter()
    asyncio.run(run())
    assert time.perf_counter() - started < 5
    assert sent[0]["status"] == 408
    body = b"".join(m.get("body", b"") for m in sent[1:]).decode("utf-8")
    assert "นานเกินกำหนด" in body


def test_plain_form_upload_without_script(round_dir, demo):
    client, csrf = signed_in(round_dir)
    r = client.post("/returns/upload", data={"csrf": csrf},
                    files=[("files", (n, b)) for n, b in demo_workbooks(demo)[:2]])
    assert r.status_code == 200 and "text/html" in r.headers["content-type"]
    assert r.text.count('<tr class="o-stored">') == 2


def test_browser_opened_without_the_token_on_its_command_line(round_dir, tmp_path):
    """The browser's command line is readable by other users: it gets a private local page
    that forwards to the link, not the link itself (as Jupyter does)."""
    import os
    import stat

    record = tmp_path / "argv.txt"
    fake = tmp_path / "browser.py"
    fake.write_text("import sys, pathlib\n"
                    f"pathlib.Path({str(record)!r}).write_text(sys.argv[1], encoding='utf-8')\n")
    env = {**os.environ, "BROWSER": f"{sys.executable} {fake} %s"}
    proc = subprocess.Popen([sys.executable, "-m", "ita_xlsx", "serve", str(round_dir)],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            encoding="utf-8", env=env)
    try:
        url = None
        while url is None:
            line = proc.stdout.readline()
            assert line or proc.poll() is None, "the server did not start"
            m = re.search(r"(http://127\.0\.0\.1:\d+/\?token=\S+)", line)
            url = m.group(1) if m else None
        deadline = time.time() + 30
        while not record.exists() and time.time() < deadline:
            time.sleep(0.1)
        opened = record.read_text(encoding="utf-8")
        token = url.split("token=")[1]
        assert opened.startswith("file://") and token not in opened
        page = Path(urllib.request.url2pathname(opened[len("file://"):]))
        assert url in page.read_text(encoding="utf-8")
        if os.name != "nt":
            assert stat.S_IMODE(page.stat().st_mode) == 0o600
    finally:
        if os.name == "nt":
            proc.terminate()
        else:
            import signal

            proc.send_signal(signal.SIGINT)  # Ctrl+C
        proc.wait(10)
    assert not page.exists()  # removed when the server stops


def test_cli_missing_round_folder(tmp_path):
    r = CliRunner().invoke(cli, ["serve", str(tmp_path / "nope"), "--no-browser"])
    assert r.exit_code == 2 and "ไม่พบโฟลเดอร์" in r.output
    assert not (tmp_path / "nope").exists()


def test_serve_help_thai_by_default_english_on_request(monkeypatch):
    monkeypatch.delenv("ITA_XLSX_LANG", raising=False)
    top = CliRunner().invoke(cli, ["--help"])
    assert re.search(r"serve\s+เปิดรอบการรายงานในเบราว์เซอร์", top.output)
    r = CliRunner().invoke(cli, ["serve", "--help"])
    assert r.exit_code == 0
    assert "เปิดรอบการรายงานในเบราว์เซอร์" in r.output
    assert "ไม่ต้องเปิดเบราว์เซอร์ให้" in r.output and "พอร์ต" in r.output
    assert "The round in a browser" not in r.output
    en = CliRunner().invoke(cli, ["serve", "--help", "--lang", "en"])
    assert "The round in a browser" in en.output and "Do not open the browser." in en.output
    monkeypatch.setenv("ITA_XLSX_LANG", "en")
    env_en = CliRunner().invoke(cli, ["--help"])
    assert re.search(r"serve\s+The round in a browser", env_en.output)


# ---------------------------------------------------------------- documents


def _docx_text(data: bytes) -> str:
    import docx

    d = docx.Document(io.BytesIO(data))
    parts = [p.text for p in d.paragraphs]
    parts += [c.text for t in d.tables for r in t.rows for c in r.cells]
    return "\n".join(parts)


def test_org_documents_for_a_return_that_passed(round_dir, demo):
    client, csrf = signed_in(round_dir)
    upload(client, csrf, demo_files(demo))
    merged = ita_xlsx.consolidate([demo["returned"]], orgs=demo["orgs"])
    passed = [e for e in merged.entries if e.status in ("valid", "warnings")]
    assert passed
    e = passed[0]
    page = client.get(f"/org/{e.org_code}").text
    assert 'id="make-documents"' in page and "/document/" not in page
    # the form is CSRF-protected like the rest
    assert client.post(f"/org/{e.org_code}/documents", data={"csrf": "x"}).status_code == 403
    r = client.post(f"/org/{e.org_code}/documents", data={"csrf": csrf})
    assert r.status_code == 200
    links = re.findall(r'href="(/org/[^"]+/document/[^"]+)"', r.text)
    assert len(links) == 3  # the document, its memo and the request to publish them
    for link in links:
        got = client.get(link)
        assert got.status_code == 200
        assert e.org_name in _docx_text(got.content)
    # the same names the library writes, in the round folder
    made = sorted(p.name for p in (round_dir / "documents").rglob("*.docx"))
    assert len(made) == 3
    # still offered on the next visit; nothing but a listed name is served
    again = client.get(f"/org/{e.org_code}").text
    assert len(re.findall(r'/document/', again)) == 3
    for bad in ("..%2F..%2Forgs.csv", ".source", "nope.docx"):
        assert client.get(f"/org/{e.org_code}/document/{bad}").status_code == 404


def test_invalid_return_offers_no_documents(round_dir, demo):
    client, csrf = signed_in(round_dir)
    upload(client, csrf, demo_files(demo))
    merged = ita_xlsx.consolidate([demo["returned"]], orgs=demo["orgs"])
    bad = next(e for e in merged.entries if e.status == "invalid")
    page = client.get(f"/org/{bad.org_code}").text
    assert 'id="make-documents"' not in page
    assert f"ยังทำเอกสารไม่ได้: แบบรายงานที่ใช้มีข้อผิดพลาด {bad.errors} รายการ" in page
    r = client.post(f"/org/{bad.org_code}/documents", data={"csrf": csrf})
    assert "/document/" not in r.text
    assert not list((round_dir / "documents").rglob("*.docx")) if \
        (round_dir / "documents").exists() else True


def test_district_memo_after_the_report(round_dir, demo):
    client, csrf = signed_in(round_dir)
    assert 'id="make-memo"' not in client.get("/report").text
    (round_dir / "ita-settings.toml").write_text(
        '[district]\nname = "อำเภอทดสอบ"\noffice = "ที่ทำการท้องถิ่นอำเภอทดสอบ"\n'
        'document_prefix = "พย 0023.99"\n', encoding="utf-8")
    upload(client, csrf, demo_files(demo))
    built = client.post("/report/build", data={"csrf": csrf}).text
    assert 'id="make-memo"' in built
    assert client.post("/report/memo", data={"csrf": "x"}).status_code == 403
    r = client.post("/report/memo", data={"csrf": csrf})
    assert r.status_code == 200
    docx_links = [u for u in re.findall(r'href="(/report/file/[^"]+)"', r.text)
                  if u.endswith(".docx")]
    assert len(docx_links) == 1
    text = _docx_text(client.get(docx_links[0]).content)
    assert "ที่ทำการท้องถิ่นอำเภอทดสอบ" in text
    merged = ita_xlsx.consolidate([demo["returned"]], orgs=demo["orgs"])
    missing = [e.org_name for e in merged.entries if e.status == "missing"]
    assert missing and all(name in text for name in missing)  # the silent ones are named
    # rebuilding the report drops the memo of the old one
    rebuilt = client.post("/report/build", data={"csrf": csrf}).text
    assert ".docx" not in "".join(re.findall(r'href="(/report/file/[^"]+)"', rebuilt))


def test_documents_of_a_superseded_return_are_not_offered(round_dir, demo, tmp_path):
    client, csrf = signed_in(round_dir)
    upload(client, csrf, demo_workbooks(demo))
    merged = ita_xlsx.consolidate([demo["returned"]], orgs=demo["orgs"])
    e = next(e for e in merged.entries if e.status in ("valid", "warnings"))
    r = client.post(f"/org/{e.org_code}/documents", data={"csrf": csrf})
    assert len(re.findall(r'/document/', r.text)) == 3  # with the request to publish
    # the organisation sends a corrected copy later (saved again, so other bytes)
    wb = openpyxl.load_workbook(e.source_file)
    saved = tmp_path / "saved.xlsx"
    wb.save(saved)
    newer = tmp_path / "again.xlsx"
    with zipfile.ZipFile(saved) as src, zipfile.ZipFile(newer, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():  # saved in Excel after the first copy
            data = src.read(item.filename)
            if item.filename == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>2030-01-01T10:00:00Z",
                              data)
            dst.writestr(item, data)
    upload(client, csrf, [("again.xlsx", newer.read_bytes())])
    page = client.get(f"/org/{e.org_code}").text
    counting = re.search(r'<tr class="counting"[^>]*>\s*<td class="file">[^<]*</td>'
                         r'<td class="file muted">([^<]*)</td>', page)
    assert counting and counting.group(1) == "again.xlsx"
    assert "/document/" not in page  # made from the older file: offered no more
    assert 'id="make-documents"' in page


def test_district_memo_without_district_settings_says_so(round_dir, demo):
    client, csrf = signed_in(round_dir)
    upload(client, csrf, demo_files(demo))
    assert "ให้สร้างรายงานรวมก่อน" in client.post("/report/memo", data={"csrf": csrf}).text
    client.post("/report/build", data={"csrf": csrf})
    r = client.post("/report/memo", data={"csrf": csrf}).text
    assert "ไม่พบหัวข้อ [district] ใน ita-settings.toml" in r
    assert any(u.endswith(".docx") for u in re.findall(r'href="(/report/file/[^"]+)"', r))


def _emblem_blobs(data: bytes) -> list[tuple[bytes, int]]:
    """The pictures of a .docx and their printed heights in EMU."""
    import docx

    d = docx.Document(io.BytesIO(data))
    heights = [int(e.get("cy")) for e in d.element.body.iter()
              if e.tag.endswith("}extent") and e.get("cy")]
    blobs = [r.target_part.blob for r in d.part.rels.values() if "image" in r.reltype]
    return list(zip(blobs, heights, strict=False))


def test_the_emblem_form_puts_the_offices_emblem_on_the_documents(round_dir, demo):
    """Uploaded on the report page, the emblem is kept in the round folder, named in
    [documents], shown back, and printed on the documents the page makes (1.5 cm on a memo,
    3 cm on the ประกาศ); a file that is no emblem is refused with nothing changed."""
    from test_docs_pages import png

    client, csrf = signed_in(round_dir)
    page = client.get("/report").text
    assert 'id="emblem-form"' in page and 'id="emblem-absent"' in page
    # the form is CSRF-protected like the rest
    image = png(100, 110)
    assert client.post("/report/emblem", data={"csrf": "x"},
                       files={"emblem": ("ครุฑ.png", image)}).status_code == 403
    # not an image: said, and nothing written
    r = client.post("/report/emblem", data={"csrf": csrf},
                    files={"emblem": ("ครุฑ.png", b"GIF? no: plain text")})
    assert "ครุฑ.png ไม่ใช่ภาพ PNG" in r.text and 'id="emblem-saved"' not in r.text
    assert not (round_dir / "ita-settings.toml").exists()
    r = client.post("/report/emblem", data={"csrf": csrf},
                    files={"emblem": ("ครุฑ.png", image)})
    assert 'id="emblem-saved"' in r.text and 'id="emblem-current"' in r.text
    assert (round_dir / "ita-emblem.png").read_bytes() == image
    assert ita_xlsx.load_settings(round_dir).documents.emblem == "ita-emblem.png"
    shown = client.get("/report/emblem/image")
    assert shown.status_code == 200 and shown.content == image
    assert shown.headers["content-type"] == "image/png"
    # the documents the page makes for an organisation carry it at its size
    upload(client, csrf, demo_files(demo))
    merged = ita_xlsx.consolidate([demo["returned"]], orgs=demo["orgs"])
    e = next(e for e in merged.entries if e.status in ("valid", "warnings"))
    r = client.post(f"/org/{e.org_code}/documents", data={"csrf": csrf})
    links = re.findall(r'href="(/org/[^"]+/document/[^"]+)"', r.text)
    heights = set()
    for link in links:
        for blob, cy in _emblem_blobs(client.get(link).content):
            assert blob == image
            heights.add(round(cy / 360000, 1))
    assert heights and heights <= {1.5, 3.0}, heights
    # removed: the tool's copy goes, the settings name none, the page says so
    r = client.post("/report/emblem", data={"csrf": csrf, "remove": "1"})
    assert 'id="emblem-absent"' in r.text and not (round_dir / "ita-emblem.png").exists()
    assert ita_xlsx.load_settings(round_dir).documents.emblem == ""
    assert client.get("/report/emblem/image").status_code == 404


def test_the_emblem_form_takes_the_offices_letterhead(round_dir):
    import docx
    from test_docs_pages import png

    client, csrf = signed_in(round_dir)
    letter, buf = docx.Document(), io.BytesIO()
    letter.add_paragraph().add_run().add_picture(io.BytesIO(png(40, 44)))
    letter.save(buf)
    r = client.post("/report/emblem", data={"csrf": csrf},
                    files={"emblem": ("แบบบันทึกข้อความ.docx", buf.getvalue())})
    assert 'id="emblem-current"' in r.text
    assert ita_xlsx.load_settings(round_dir).documents.letterhead == "ita-letterhead.docx"
    assert client.get("/report/emblem/image").content == png(40, 44)
    # a .docx without a picture is refused by name
    empty = io.BytesIO()
    docx.Document().save(empty)
    r = client.post("/report/emblem", data={"csrf": csrf},
                    files={"emblem": ("ว่าง.docx", empty.getvalue())})
    assert "ไม่พบภาพตราครุฑในแบบบันทึกข้อความ ว่าง.docx" in r.text
    assert ita_xlsx.load_settings(round_dir).documents.letterhead == "ita-letterhead.docx"
