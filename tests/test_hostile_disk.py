"""Every writer onto a disk that is full (a small tmpfs mounted for the test) or onto a file
size limit (RLIMIT_FSIZE): a message naming the file and the cause, exit 1, nothing partial
left, success said only after the last write, never "Unexpected error" or a traceback.

Real processes (``python -m ita_xlsx``), so what the officer's console shows is what is
checked, including what Python prints while it cleans up."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from hostile import good_return

BAD = ("Unexpected", "ไม่คาดคิด", "Traceback", "FileCreateError", "Exception ignored",
       "Could not use :", "ไม่ได้:  ")


def run(*args, limit: int | None = None, lang: str = "th") -> subprocess.CompletedProcess:
    def cap() -> None:  # a size limit: writes past it fail with EFBIG ("File too large")
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return subprocess.run([sys.executable, "-m", "ita_xlsx", *map(str, args), "--lang", lang],
                          capture_output=True, text=True, encoding="utf-8", timeout=600,
                          preexec_fn=cap if limit else None)


@pytest.fixture(scope="module")
def returns(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("returns")
    for seed in (1, 2, 3):
        good_return(d, f"65601{seed:02d}.xlsx", seed)
    bad = good_return(d / "bad", "6560104.xlsx", 4)
    wb = openpyxl.load_workbook(bad)
    wb["มาตรการ"]["G5"] = None  # an owner left out: a finding, so a feedback copy
    wb.save(bad)
    return d


@pytest.fixture()
def full_disk(tmp_path):
    """A 256 KiB tmpfs, filled to the last byte."""
    if os.geteuid() != 0:
        pytest.skip("mounting a small file system needs root (CI runs as root)")
    folder = tmp_path / "full"
    folder.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(folder)],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    try:
        fd = os.open(folder / "filler", os.O_WRONLY | os.O_CREAT)
        try:
            while os.write(fd, b"\0" * 4096):
                pass
        except OSError:  # ENOSPC: full to the last page
            pass
        finally:
            os.close(fd)
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


def leftovers(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.name != "filler" and not p.is_dir()]


def clean(res: subprocess.CompletedProcess) -> None:
    text = res.stdout + res.stderr
    assert not any(b in text for b in BAD), text


def test_merge_onto_a_full_disk(returns, full_disk):
    out = full_disk / "report.xlsx"
    res = run("merge", returns, "-o", out, "--workers", "1")
    assert res.returncode == 1, res.stdout + res.stderr
    clean(res)
    assert str(out) in res.stderr and "ดิสก์เต็ม" in res.stderr
    assert "รายงานรวม:" not in res.stdout  # no success line
    assert leftovers(full_disk) == []  # no report, no temporary or scratch file
    en = run("merge", returns, "-o", out, "--workers", "1", lang="en")
    assert en.returncode == 1 and f"Could not write {out}: the disk is full" in en.stderr


def test_merge_csv_onto_a_full_disk_says_success_only_after_the_last_write(
        returns, full_disk, tmp_path):
    report = tmp_path / "report.xlsx"
    res = run("merge", returns, "-o", report, "--csv", full_disk / "csv", "--workers", "1")
    assert res.returncode == 1, res.stdout + res.stderr
    clean(res)
    assert str(full_disk / "csv") in res.stderr and "ดิสก์เต็ม" in res.stderr
    assert "รายงานรวม:" not in res.stdout and "ไฟล์ CSV:" not in res.stdout
    assert not report.exists()  # the report and the CSV files: all or none
    assert leftovers(full_disk) == [] and list(tmp_path.glob(".~*")) == []


@pytest.mark.parametrize("writer", ["check.xlsx", "check.csv", "check.json", "feedback",
                                    "docs", "new"])
def test_other_writers_onto_a_full_disk(returns, full_disk, tmp_path, writer):
    if writer.startswith("check."):
        target = full_disk / writer
        res = run("validate", returns, "--report", target, "--workers", "1")
    elif writer == "feedback":
        target = full_disk / "feedback"
        res = run("validate", returns / "bad", "--feedback", target, "--workers", "1")
    elif writer == "docs":
        target = full_disk / "docs"
        res = run("docs", returns / "6560101.xlsx", "--out", target)
    else:
        orgs = tmp_path / "orgs.csv"
        orgs.write_text("code,name\n6560101,อบต.หนึ่ง\n6560102,อบต.สอง\n", encoding="utf-8")
        target = full_disk / "workbooks"
        res = run("new", "--orgs", orgs, "--year", "2570", "--out", target)
    assert res.returncode == 1, res.stdout + res.stderr
    clean(res)
    assert str(target) in res.stderr and "ดิสก์เต็ม" in res.stderr, res.stderr
    assert leftovers(full_disk) == []


@pytest.mark.parametrize("command", ["merge", "report", "feedback"])
def test_file_size_limit_names_the_file(returns, tmp_path, command):
    """"File too large" (EFBIG) used to name no file ("Could not use : File too large")."""
    out = tmp_path / "out"
    out.mkdir()
    if command == "merge":
        target = out / "report.xlsx"
        res = run("merge", returns, "-o", target, "--workers", "1", limit=8192, lang="en")
    elif command == "report":
        target = out / "check.xlsx"
        res = run("validate", returns, "--report", target, "--workers", "1", limit=4096,
                  lang="en")
    else:
        target = out / "feedback"
        res = run("validate", returns / "bad", "--feedback", target, "--workers", "1",
                  limit=8192, lang="en")
    assert res.returncode == 1, res.stdout + res.stderr
    clean(res)
    assert f"Could not write {target}" in res.stderr, res.stderr
    assert "larger than this system or disk allows" in res.stderr
    assert [p for p in out.rglob("*") if p.is_file()] == []
