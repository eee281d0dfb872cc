"""Faults on the way out: a full disk, a read-only place, a name too long, two runs at once,
an output that is an input. A Thai message names the path and the cause; nothing partial."""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from hostile import good_return

from ita_xlsx.cli.main import main
from ita_xlsx.core.files import OutputError, atomic_write, safe_filename

ROOT = Path(__file__).resolve().parent.parent


def invoke(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.fixture(scope="module")
def returns(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("returns")
    for seed in (1, 2, 3):
        good_return(d, f"65601{seed:02d}.xlsx", seed)
    return d


def _mount(folder: Path, options: str) -> bool:
    folder.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(folder)],
                          capture_output=True)
    return done.returncode == 0


@pytest.fixture()
def small_disk(tmp_path, monkeypatch):
    """A 1 MiB file system made for the test (tmpfs), nearly full; where mounting is not
    allowed, the same fault at the file-system boundary (fsync reports ENOSPC there)."""
    folder = tmp_path / "small"
    if _mount(folder, "size=1m"):
        yield folder, lambda: (folder / "filler").unlink()
        subprocess.run(["umount", "-l", str(folder)], check=False)
        return
    folder.mkdir(exist_ok=True)
    real = os.fsync
    state = {"full": True}

    def fsync(fd):
        if state["full"] and os.readlink(f"/proc/self/fd/{fd}").startswith(str(folder)):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    yield folder, lambda: state.update(full=False)


def fill(folder: Path, leave: int) -> None:
    free = shutil.disk_usage(folder).free
    if free < 2 * 1024 * 1024:  # the real small disk
        (folder / "filler").write_bytes(b"\0" * max(free - leave, 0))


def test_merge_csv_on_a_full_disk_writes_none_and_says_why(returns, small_disk, tmp_path):
    disk, _free = small_disk
    fill(disk, 6 * 1024)
    csv_dir = disk / "csv"
    res = invoke("merge", returns, "-o", tmp_path / "r.xlsx", "--csv", csv_dir)
    assert res.exit_code == 1, res.output
    assert "ดิสก์เต็ม" in res.output and str(csv_dir) in res.output
    assert "Traceback" not in res.output and "ไฟล์ CSV:" not in res.output
    assert not csv_dir.exists() or list(csv_dir.iterdir()) == []  # all four or none


def test_new_on_a_full_disk_says_how_far_and_a_rerun_completes(small_disk, tmp_path):
    disk, free = small_disk
    orgs = tmp_path / "orgs.csv"
    orgs.write_text("code,name\n" + "".join(f"65{i:05d},อบต.ทดสอบ{i}\n" for i in range(30)),
                    encoding="utf-8")
    fill(disk, 200 * 1024)
    out = disk / "wb"
    res = invoke("new", "--orgs", orgs, "--year", "2570", "--out", out)
    assert res.exit_code == 1 and "ดิสก์เต็ม" in res.output, res.output
    assert "จาก 30 ไฟล์" in res.output and "Traceback" not in res.output
    written = sorted(out.glob("*.xlsx"))
    assert not list(out.glob(".~*"))  # nothing partial
    free()
    res = invoke("new", "--orgs", orgs, "--year", "2570", "--out", out)
    assert len(list(out.glob("*.xlsx"))) == 30
    assert res.exit_code == (1 if written else 0)  # the first ones existed: said, not redone


def test_read_only_place(returns, tmp_path):
    ro = tmp_path / "ro"
    if not _mount(ro, "size=1m,ro"):
        pytest.skip("cannot mount a read-only file system here")
    try:
        res = invoke("merge", returns, "-o", ro / "r.xlsx")
        assert res.exit_code == 1 and "อ่านอย่างเดียว" in res.output, res.output
        assert str(ro / "r.xlsx") in res.output and "รายงานรวม:" not in res.output
        res = invoke("merge", returns, "-o", ro / "r.xlsx", "--lang", "en")
        assert "read-only" in res.output
    finally:
        subprocess.run(["umount", "-l", str(ro)], check=False)


def test_output_that_is_an_input_is_refused_even_with_force(returns):
    target = returns / "6560101.xlsx"
    before = target.read_bytes()
    res = invoke("merge", returns, "-o", target)
    assert res.exit_code == 2 and "อยู่แล้ว" in res.output, res.output
    res = invoke("merge", returns, "-o", target, "--force")
    assert res.exit_code == 2 and "เป็นไฟล์ที่ส่งเข้ามาอ่าน" in res.output, res.output
    res = invoke("merge", target, returns / "6560102.xlsx", "-o", target, "--force")
    assert res.exit_code == 2 and "เป็นไฟล์ที่ส่งเข้ามาอ่าน" in res.output, res.output
    assert target.read_bytes() == before


def test_two_runs_writing_the_same_output_at_once(returns, tmp_path):
    out = tmp_path / "same.xlsx"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    cmd = [sys.executable, "-m", "ita_xlsx", "merge", str(returns), "-o", str(out)]
    runs = [subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True) for _ in range(2)]
    results = [(p.wait(timeout=300), *p.communicate()) for p in runs]
    codes = sorted(r[0] for r in results)
    assert codes == [0, 1], results  # the second is refused, never a silent replacement
    loser = next(r for r in results if r[0] == 1)
    assert "อยู่แล้ว" in loser[2], loser
    assert not list(tmp_path.glob(".~*"))


def test_long_thai_names_fit_the_file_system(tmp_path):
    name = "องค์การบริหารส่วนตำบล" * 12  # 264 letters, 792 bytes
    stem = safe_filename(f"6560101_{name}")
    assert len(stem.encode()) <= 180
    path = tmp_path / f"{stem}_ตรวจแล้ว_2.xlsx"
    atomic_write(path, b"x")
    assert path.read_bytes() == b"x"


def test_outputs_get_ordinary_modes(tmp_path):
    old = os.umask(0o022)
    try:
        atomic_write(tmp_path / "a.csv", b"x")
    finally:
        os.umask(old)
    assert (tmp_path / "a.csv").stat().st_mode & 0o777 == 0o644


def test_name_too_long_is_a_message(tmp_path):
    with pytest.raises(OutputError) as caught:
        atomic_write(tmp_path / ("ก" * 120 + ".csv"), b"x")
    assert "ชื่อไฟล์" in caught.value.text("th") and "ก" in caught.value.text("th")
    assert list(tmp_path.iterdir()) == []


def test_report_bytes_do_not_depend_on_tz(returns, tmp_path):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    outs = []
    for tz in ("UTC", "America/New_York"):
        out = tmp_path / f"r-{tz.replace('/', '-')}.xlsx"
        subprocess.run([sys.executable, "-m", "ita_xlsx", "merge", str(returns), "-o",
                        str(out)], env={**env, "TZ": tz}, check=True, capture_output=True)
        outs.append(out.read_bytes())
    assert outs[0] == outs[1]


def test_unreadable_subfolder_is_a_finding(returns, tmp_path, monkeypatch):
    folder = tmp_path / "in"
    shutil.copytree(returns, folder)
    locked = folder / "locked"
    locked.mkdir()
    shutil.copy(returns / "6560101.xlsx", locked / "x.xlsx")
    real = os.scandir

    def scandir(path="."):  # root may read anything: deny at the file-system boundary
        if Path(path) == locked:
            raise PermissionError(errno.EACCES, "Permission denied", str(locked))
        return real(path)

    monkeypatch.setattr(os, "scandir", scandir)
    res = invoke("validate", folder, "--format", "json")
    assert res.exit_code == 1
    assert "locked" in res.output and "cannot open this folder" not in res.output
    monkeypatch.undo()
    time.sleep(0)
