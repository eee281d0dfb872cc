"""Benchmark `ita-xlsx serve`: returns dropped on the page until every result is shown.

A real server (``python -m ita_xlsx serve``) on 127.0.0.1 gets the returns over HTTP exactly as
the page sends them (batches of 40 files with the CSRF header), then the round page is fetched;
the clock stops when that page lists every organisation. Beside it, in the same run: the
library's ``ita_xlsx.validate`` on the same files (the work the server cannot avoid).

Usage: python benchmarks/bench_serve.py [N ...]      (default: 10 300)
Targets (issue 12): 10 returns shown in < 2 s; 300 in < 15 s, with progress meanwhile.
"""

from __future__ import annotations

import http.cookiejar
import os
import re
import secrets
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from make_returns import make_returns  # noqa: E402

BATCH = 40  # what the page's script sends in one request (static/app.js)


def start(root: Path) -> tuple[subprocess.Popen, str]:
    proc = subprocess.Popen([sys.executable, "-m", "ita_xlsx", "serve", str(root),
                             "--no-browser"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True, encoding="utf-8")
    for line in proc.stdout:
        m = re.search(r"(http://127\.0\.0\.1:\d+/\?token=\S+)", line)
        if m:
            return proc, m.group(1)
    raise SystemExit("the server did not start")


def multipart(fields: dict[str, str], files: list[Path]) -> tuple[bytes, str]:
    boundary = secrets.token_hex(16)
    out = bytearray()
    for k, v in fields.items():
        out += (f"--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n"
                f"{v}\r\n").encode()
    for f in files:
        out += (f"--{boundary}\r\nContent-Disposition: form-data; name=\"mtime\"\r\n\r\n"
                f"{int(f.stat().st_mtime * 1000)}\r\n").encode()
        out += (f"--{boundary}\r\nContent-Disposition: form-data; name=\"files\"; "
                f"filename=\"{f.name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
                ).encode() + f.read_bytes() + b"\r\n"
    out += f"--{boundary}--\r\n".encode()
    return bytes(out), f"multipart/form-data; boundary={boundary}"


def run(files: list[Path]) -> dict:
    root = Path(tempfile.mkdtemp(prefix="ita-bench-serve-"))
    proc, url = start(root)
    try:
        base = url.split("?")[0].rstrip("/")
        browser = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        t_start = time.perf_counter()
        page = browser.open(url).read().decode("utf-8")
        while 'data-ready="1"' not in page:  # the server loads its checking machinery once
            time.sleep(0.1)
            page = browser.open(base + "/returns").read().decode("utf-8")
        warm = time.perf_counter() - t_start
        csrf = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
        t0 = time.perf_counter()
        first = None
        for i in range(0, len(files), BATCH):
            body, ctype = multipart({"csrf": csrf}, files[i:i + BATCH])
            req = urllib.request.Request(base + "/returns/upload", data=body, headers={
                "Content-Type": ctype, "X-CSRF-Token": csrf, "X-Requested-With": "fetch"})
            browser.open(req).read()
            first = first or time.perf_counter() - t0
        uploaded = time.perf_counter() - t0
        page = browser.open(base + "/").read().decode("utf-8")
        shown = time.perf_counter() - t0
        rows = len(re.findall(r'<tr data-code="\d+"', page))
        return {"first": first, "uploaded": uploaded, "shown": shown, "rows": rows, "warm": warm}
    finally:
        proc.terminate()
        proc.wait(10)


def load() -> float:
    return os.getloadavg()[0] if hasattr(os, "getloadavg") else 0.0  # not on Windows


def main() -> None:
    sizes = [int(a) for a in sys.argv[1:]] or [10, 300]
    src = Path(tempfile.gettempdir()) / "ita-bench-returns"
    all_files = make_returns(src, max(sizes))
    import ita_xlsx

    ita_xlsx.validate(all_files[:5])  # warm the library in this process too
    print(f"cores: {os.cpu_count()}, batch {BATCH} files a request")
    for n in sizes:
        files = all_files[:n]
        t = time.perf_counter()
        ita_xlsx.validate(files)
        base = time.perf_counter() - t
        r = run(files)
        ok = "all shown" if r["rows"] == n else f"ONLY {r['rows']} of {n} shown"
        print(f"{n:4d} returns: shown in {r['shown']:6.2f} s ({ok}); first progress after "
              f"{r['first']:.2f} s; uploads done {r['uploaded']:.2f} s  |  baseline "
              f"ita_xlsx.validate same files: {base:.2f} s  |  server ready after start: "
              f"{r['warm']:.1f} s; load average {load():.1f}")


if __name__ == "__main__":
    main()
