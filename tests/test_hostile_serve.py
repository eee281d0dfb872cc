"""The page under strain, over real sockets against `ita-xlsx serve`: many idle and half-open
connections do not lock the officer out, a request head that never completes is dropped, and
changes to the round from two tabs at once never leave a mixed round."""

from __future__ import annotations

import http.cookiejar
import re
import socket
import subprocess
import sys
import threading
import time
import tomllib
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

pytest.importorskip("uvicorn")

from ita_xlsx.web.server import HEAD_SECONDS, MAX_OPEN  # noqa: E402


def start_server(root: Path) -> tuple[subprocess.Popen, str]:
    proc = subprocess.Popen([sys.executable, "-m", "ita_xlsx", "serve", str(root),
                             "--no-browser"], stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, encoding="utf-8")
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        m = re.search(r"(http://127\.0\.0\.1:\d+/\?token=\S+)", line)
        if m:
            return proc, m.group(1)
        if proc.poll() is not None:
            break
    proc.kill()
    raise AssertionError("the server did not start")


@pytest.fixture()
def served(tmp_path):
    root = tmp_path / "round"
    root.mkdir()
    (root / "orgs.csv").write_text(
        "code,name\n" + "".join(f"65601{i:02d},อบต.ทดสอบ{i}\n" for i in range(1, 9)),
        encoding="utf-8")
    proc, url = start_server(root)
    try:
        yield root, url
    finally:
        proc.terminate()
        proc.wait(20)


def browser():
    return urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))


def half_open(port: int, n: int) -> list[socket.socket]:
    """``n`` connections that never finish a request: half send a partial head, half
    nothing at all."""
    out = []
    for i in range(n):
        s = socket.create_connection(("127.0.0.1", port), timeout=30)
        if i % 2:
            s.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
        out.append(s)
    return out


def closed_by_server(s: socket.socket) -> bool:
    """Waits (up to the socket's timeout) for the server to end the connection."""
    try:
        return s.recv(1024) == b""
    except ConnectionResetError:
        return True
    except TimeoutError:
        return False


def test_seventy_half_open_connections_do_not_lock_the_officer_out(served):
    root, url = served
    port = urllib.parse.urlsplit(url).port
    held = half_open(port, 70)
    try:
        with browser().open(url, timeout=60) as r:  # the officer, after all of them
            assert r.status == 200
            assert "ภาพรวมรอบ" in r.read().decode("utf-8")
        # the longest-waiting ones made room; the rest are dropped once their head is late
        assert sum(closed_by_server(s) for s in held[:70 - MAX_OPEN + 1]) >= 70 - MAX_OPEN
        late = held[-1]
        late.settimeout(HEAD_SECONDS * 3)
        assert closed_by_server(late)
        with browser().open(url, timeout=60) as r:
            assert r.status == 200
    finally:
        for s in held:
            s.close()


def test_a_request_head_trickled_byte_by_byte_is_dropped(served):
    _root, url = served
    port = urllib.parse.urlsplit(url).port
    s = socket.create_connection(("127.0.0.1", port), timeout=HEAD_SECONDS * 3)
    started = time.monotonic()
    s.sendall(b"GET / HTTP/1.1\r\n")
    dropped = False
    for _ in range(int(HEAD_SECONDS * 10)):  # a byte every half second: never a whole head
        try:
            s.sendall(b"X")
        except (BrokenPipeError, ConnectionResetError):
            dropped = True
            break
        s.settimeout(0.5)
        try:
            if s.recv(1024) == b"":
                dropped = True
                break
        except TimeoutError:
            continue
        except ConnectionResetError:
            dropped = True
            break
    s.close()
    assert dropped
    assert time.monotonic() - started < HEAD_SECONDS * 3


def _csrf(opener, base: str) -> str:
    with opener.open(base + "/make", timeout=60) as r:
        return re.search(r'name="csrf-token" content="([^"]+)"', r.read().decode()).group(1)


def _make(officer, base: str, csrf: str, year: str, round_key: str) -> tuple[int, str]:
    body = urllib.parse.urlencode({"csrf": csrf, "year": year, "round": round_key,
                                   "deadline": "", "contact": ""}).encode()
    req = urllib.request.Request(base + "/make", data=body, headers={
        "Content-Type": "application/x-www-form-urlencoded", "Origin": base})
    try:
        with officer.open(req, timeout=300) as r:
            return r.status, r.read().decode("utf-8")
    except urllib.error.HTTPError as err:
        return err.code, err.read().decode("utf-8")


def test_two_tabs_making_the_round_at_once_leave_one_round(served):
    """Two tabs make two rounds of one year at the same moment: whichever comes first makes
    its round, the other is told, never mixed in (either order)."""
    root, url = served
    base = url.split("/?")[0]
    officer = browser()
    officer.open(url, timeout=60).read()
    csrf = _csrf(officer, base)
    answers: dict[str, tuple[int, str]] = {}

    def make(round_key: str) -> None:
        answers[round_key] = _make(officer, base, csrf, "2570", round_key)

    tabs = [threading.Thread(target=make, args=(r,)) for r in ("plan", "6")]
    for t in tabs:
        t.start()
    for t in tabs:
        t.join(600)
    assert set(answers) == {"plan", "6"}
    settings = tomllib.loads((root / "ita-settings.toml").read_text(encoding="utf-8"))
    made_round = settings["round"]["round"]
    label = {"plan": "_ITA2570_แผน", "6": "_ITA2570_รอบ6"}[made_round]
    made = sorted(p.name for p in (root / "workbooks").glob("*.xlsx"))
    assert len(made) == 8 and all(label in n for n in made), made  # one round
    other = "6" if made_round == "plan" else "plan"
    status, page = answers[other]
    assert "รอบอื่น" in page or status == 409, page  # told, not mixed in
    assert answers[made_round][0] == 200


def test_a_make_that_fails_leaves_nothing_claiming_its_round(served):
    """A year without framework data is refused before anything is written: the settings
    do not claim it, and the next make (another year) is the round, settings and all. (A
    failed make used to leave ita-settings.toml saying 2571 beside 2570 workbooks.)"""
    root, url = served
    base = url.split("/?")[0]
    officer = browser()
    officer.open(url, timeout=60).read()
    csrf = _csrf(officer, base)
    status, page = _make(officer, base, csrf, "2571", "plan")
    assert "2571" in page and "ไม่มีกรอบการประเมิน" in page, page
    assert not (root / "ita-settings.toml").exists()
    assert not list((root / "workbooks").glob("*.xlsx")) if (root / "workbooks").exists() \
        else True
    status, page = _make(officer, base, csrf, "2570", "plan")
    assert status == 200
    settings = tomllib.loads((root / "ita-settings.toml").read_text(encoding="utf-8"))
    assert settings["round"]["fiscal_year"] == 2570
    made = sorted(p.name for p in (root / "workbooks").glob("*.xlsx"))
    assert len(made) == 8 and all("_ITA2570_" in n for n in made), made
