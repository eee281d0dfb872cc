"""Hostile and damaged files in one batch with good ones: each costs itself one finding,
never the run; interrupts end the run cleanly (workers started with spawn, as on Windows)."""

from __future__ import annotations

import hashlib
import os
import resource
import shutil
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from hostile import (
    edit_zip,
    far_cell_xlsx,
    first_sheet_with_data,
    good_return,
    million_rows_xlsx,
    mutate,
    ods_cell_repeat_bomb,
    ods_repeat_bomb,
    ssconvert,
    truncated,
    unique_count_xlsx,
)

from ita_xlsx.validators import validate_files

ROOT = Path(__file__).resolve().parent.parent

# file name -> (finding code, words in its English detail); None: a good file
EXPECTED = {
    "good.xlsx": None,
    "good-lo.xlsx": None,
    "good-lo.ods": None,
    "good-lo.xls": None,
    "good-gnumeric.ods": None,
    "good-gnumeric.xlsx": None,
    "far-xfd.xlsx": ("cells-outside", "XFD1048576"),
    "far-az.xlsx": ("cells-outside", "AZ1048576"),
    "far-lo.ods": ("cells-outside", "XFD1048576"),
    "far-lo.xls": ("cells-outside", "IV65536"),
    "unique-count.xlsx": ("file-unsafe", "sharedStrings declares 4,294,967,295"),
    "truncated.xls": ("file-unreadable", "damaged"),
    "million-rows.xlsx": ("file-unsafe", "outside the form's area"),
    "bomb-rows.ods": ("file-unsafe", "repeats a non-empty row 1,000,000 times"),
    "bomb-cols.ods": ("file-unsafe", "repeats a non-empty column 16,384 times"),
}


@pytest.fixture(scope="session")
def batch(tmp_path_factory, soffice) -> Path:
    d = tmp_path_factory.mktemp("hostile")
    work = tmp_path_factory.mktemp("hostile-src")
    good = good_return(d, "good.xlsx")
    lo = soffice(good, "xlsx", work / "lo")
    shutil.copy(lo, d / "good-lo.xlsx")
    ods = shutil.copy(soffice(good, "ods", work / "lo"), d / "good-lo.ods")
    xls = shutil.copy(soffice(good, "xls", work / "lo"), d / "good-lo.xls")
    if ssconvert(good, d / "good-gnumeric.ods") is None:
        pytest.skip("Gnumeric (ssconvert) not installed")
    ssconvert(good, d / "good-gnumeric.xlsx")
    far_cell_xlsx(good, d / "far-xfd.xlsx")
    far_cell_xlsx(good, d / "far-az.xlsx", "AZ1048576")
    shutil.copy(soffice(d / "far-xfd.xlsx", "ods", work / "far"), d / "far-lo.ods")
    far_cell_xlsx(good, work / "far-iv.xlsx", "IV65536")
    shutil.copy(soffice(work / "far-iv.xlsx", "xls", work / "far"), d / "far-lo.xls")
    unique_count_xlsx(d / "good-lo.xlsx", d / "unique-count.xlsx")
    truncated(Path(xls), d / "truncated.xls")
    million_rows_xlsx(good, d / "million-rows.xlsx")
    ods_repeat_bomb(Path(ods), d / "bomb-rows.ods")
    ods_cell_repeat_bomb(Path(ods), d / "bomb-cols.ods")
    assert sorted(p.name for p in d.iterdir()) == sorted(EXPECTED)
    return d


def digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.iterdir()}


def test_each_hostile_file_gets_one_finding_and_good_files_are_checked(batch, template):
    before = digest(batch)
    started = time.monotonic()
    report = validate_files(sorted(batch.iterdir()), template, workers=2)
    took = time.monotonic() - started
    assert digest(batch) == before  # inputs byte-identical
    got = {Path(f.path).name: f for f in report.files}
    assert set(got) == set(EXPECTED)
    for name, expected in EXPECTED.items():
        rep = got[name]
        if expected is None:
            assert rep.status == "valid", (name, [x.to_dict() for x in rep.findings])
            assert rep.returned.tables["measures"], name  # read, not merely opened
            continue
        code, words = expected
        assert [f.code for f in rep.findings] == [code], (name, rep.findings)
        detail = rep.findings[0].params["detail"]
        assert words in detail["en"], (name, detail)
        for lang in ("th", "en"):
            text = rep.findings[0].message(lang)
            assert "Calamine" not in text and "Panic" not in text and "{" not in text
    # a stray far cell does not make a sound file "damaged": it is read, with a warning
    assert got["far-xfd.xlsx"].status == "warnings"
    assert got["far-lo.ods"].returned.org_code == got["good.xlsx"].returned.org_code
    # the whole batch stays within 1 GiB (this process and the largest worker)
    peak = max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
               resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) * 1024
    assert peak < 1024 ** 3, peak
    assert took < 120


def test_gnumeric_ods_reads_like_the_libreoffice_one(batch, template):
    report = validate_files([batch / "good-lo.ods", batch / "good-gnumeric.ods"], template)
    lo, gnumeric = (f.returned for f in report.files)
    assert gnumeric.readable and gnumeric.form == lo.form
    assert [r.values for r in gnumeric.tables["measures"]] == [
        r.values for r in lo.tables["measures"]]


# ---------------------------------------------------------------- interrupts


def _processes_marked(mark: str) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if mark.encode() in (entry / "environ").read_bytes():
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
@pytest.mark.parametrize(("signum", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143),
                                              (signal.SIGHUP, 129)])
def test_interrupt_ends_the_run_cleanly(batch, tmp_path, signum, code):
    many = tmp_path / "in"
    many.mkdir()
    for i in range(400):
        shutil.copy(batch / "good-lo.xlsx", many / f"{i:03d}.xlsx")
    out = tmp_path / "out"
    out.mkdir()
    mark = f"ITA_TEST_MARK={uuid.uuid4().hex}"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "ITA_XLSX_START_METHOD": "spawn",
           mark.split("=")[0]: mark.split("=")[1]}
    proc = subprocess.Popen(
        [sys.executable, "-m", "ita_xlsx", "merge", str(many), "-o", str(out / "r.xlsx"),
         "--csv", str(out / "csv"), "--workers", "2"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    # Wait for the state the test needs, not for a time: a reader process is up (the run
    # spawns its workers only once the inbox is sorted, so a worker means work in flight).
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        if [p for p in _processes_marked(mark) if p != proc.pid]:
            break
        time.sleep(0.05)
    assert proc.poll() is None, "finished before the interrupt; make the batch larger"
    proc.send_signal(signum)
    stdout, stderr = proc.communicate(timeout=60)
    assert proc.returncode == code, (stdout, stderr)
    assert "ยกเลิก" in stderr and "Traceback" not in stderr, stderr
    deadline = time.monotonic() + 30
    while _processes_marked(mark) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _processes_marked(mark) == []  # no worker left running
    assert list(out.rglob("*")) == []  # no partial output, no stray temporary file


# ---------------------------------------------------------------- fuzz

REGRESSIONS = Path(__file__).parent / "regressions"
FUZZ_CASES = int(os.environ.get("ITA_FUZZ_CASES", "240"))


def _check_fuzzed(report, cases: dict[str, str]) -> list[str]:
    problems = []
    for rep in report.files:
        name = Path(rep.path).name
        file_level = [f for f in rep.findings if f.code.startswith(("file-", "cells-"))]
        if not rep.returned.readable and len(file_level) != 1:
            problems.append(f"{name} ({cases.get(name, 'regression')}): "
                            f"{[f.code for f in rep.findings]}")
        for f in rep.findings:
            for lang in ("th", "en"):
                text = f.message(lang)
                if "Calamine" in text or "Panic" in text or "{" in text or "Traceback" in text:
                    problems.append(f"{name}: {text}")
    return problems


def test_fuzzed_returns_each_get_one_finding_or_a_clean_read(batch, template, tmp_path):
    """A seeded mutator over real returns (.xlsx, .xls, .ods): bit flips, truncations,
    repeat-count, dimension and shared-string edits, far cells. Every case ends in a clean
    read or one file-level finding, within the budget, with no traceback. A failing case is
    kept: copy it into tests/regressions/ (they run here every time)."""
    import random

    rng = random.Random(20261130)
    bases = [batch / n for n in ("good.xlsx", "good-lo.xlsx", "good-lo.ods", "good-lo.xls",
                                 "good-gnumeric.ods")]
    cases: dict[str, str] = {}
    paths = []
    for i in range(FUZZ_CASES):
        base = bases[i % len(bases)]
        kind = base.suffix.lstrip(".")
        data, op = mutate(base.read_bytes(), kind, rng)
        path = tmp_path / f"case{i:03d}-{op}{base.suffix}"
        path.write_bytes(data)
        cases[path.name] = op
        paths.append(path)
    paths += sorted(REGRESSIONS.glob("*.*")) if REGRESSIONS.exists() else []
    started = time.monotonic()
    report = validate_files(paths, template, workers=2)
    took = time.monotonic() - started
    assert len(report.files) == len(paths)
    problems = _check_fuzzed(report, cases)
    assert not problems, "\n".join(problems)
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
    assert peak < 1024 ** 3, peak
    assert took < 120, took


def test_findings_are_capped_per_file(batch, template, tmp_path):
    import openpyxl

    wb = openpyxl.load_workbook(batch / "good.xlsx")
    ws = wb["มาตรการ"]
    for r in range(60, 3060):  # a pasted block of junk: every row is wrong
        ws.cell(r, 4).value = "x"
    wb.save(tmp_path / "junk.xlsx")
    rep = validate_files([tmp_path / "junk.xlsx"], template).files[0]
    assert len(rep.findings) == 501 and rep.findings[-1].code == "findings-more"
    assert rep.status == "invalid"
    assert "500" in rep.findings[-1].message("en")


def test_merge_checks_reports_like_returns(batch, template, tmp_path):
    """A bomb, a macro-enabled "report", a return carrying the report marker: each is one
    unreadable input of the merge, which still writes its report."""
    import zipfile

    from click.testing import CliRunner
    from hostile import edit_zip

    from ita_xlsx.cli.main import main

    inputs = tmp_path / "in"
    inputs.mkdir()
    shutil.copy(batch / "good.xlsx", inputs / "6560101_good.xlsx")
    report = tmp_path / "district.xlsx"
    res = CliRunner().invoke(main, ["merge", str(inputs), "-o", str(report)])
    assert res.exit_code == 0, res.output
    with zipfile.ZipFile(report) as zf:
        assert b"ita-consolidated" in zf.read("docProps/custom.xml")
    macro = edit_zip(report, tmp_path / "macro-report.xlsx", lambda n, d: d)
    with zipfile.ZipFile(macro, "a") as zf:
        zf.writestr("xl/vbaProject.bin", b"\xd0\xcf\x11\xe0 not really")
    marker = edit_zip(batch / "good.xlsx", tmp_path / "marked-return.xlsx",
                      lambda n, d: d.replace(b"</Properties>", b'<property fmtid="{D5CDD505-'
                                             b'2E9C-101B-9397-08002B2CF9AE}" pid="99" name="'
                                             b'ita_report"><vt:lpwstr>ita-consolidated'
                                             b'</vt:lpwstr></property></Properties>')
                      if n == "docProps/custom.xml" else d)
    mixed = [batch / "good-lo.xls", batch / "bomb-rows.ods", report, macro, marker]
    res = CliRunner().invoke(main, ["merge", *map(str, mixed), "-o", str(tmp_path / "p.xlsx"),
                                    "--csv", str(tmp_path / "csv")])
    assert res.exit_code == 1, res.output  # written, but three inputs could not be read
    assert "มี 3 ไฟล์ที่เปิดไม่ได้" in res.output, res.output
    assert (tmp_path / "p.xlsx").exists()
    assert "Traceback" not in res.output
    from python_calamine import CalamineWorkbook

    rows = CalamineWorkbook.from_path(str(tmp_path / "p.xlsx")).get_sheet_by_name(
        "ไฟล์").to_python()
    status = {Path(str(r[0])).name: r for r in rows if str(r[0]).endswith((".xlsx", ".ods",
                                                                            ".xls"))}
    for bad in ("bomb-rows.ods", "macro-report.xlsx", "marked-return.xlsx"):
        assert "เปิดไม่ได้" in status[bad], status[bad]
    assert "เปิดไม่ได้" not in status["good-lo.xls"]


@pytest.mark.parametrize(("cell", "shown"), [
    ('<row r="1048576"><c s="0" r="XFD1048576"><v>7</v></c></row>', "XFD1048576"),
    ('<row r="1048576"><c t="n"><v>7</v></c></row>', "A1048576"),
    ('<row r="9"><c r="A9"><v>1</v></c><c><v>2</v></c><c r="AZ1048576"><v>7</v></c></row>',
     "AZ1048576"),
])
def test_a_stray_cell_in_an_unusual_form_is_still_found(tmp_path, template, cell, shown):
    """The quick extent pass reads only cells whose reference comes first; a cell with its
    attributes in another order, or with no reference, sends the sheet to the full walk."""
    good = good_return(tmp_path / "src")
    target = first_sheet_with_data(good)

    def edit(name: str, data: bytes) -> bytes:
        return data.replace(b"</sheetData>", cell.encode() + b"</sheetData>", 1) \
            if name == target else data

    bad = edit_zip(good, tmp_path / "stray.xlsx", edit)
    report = validate_files([bad], template, workers=1)
    outside = [f for f in report.files[0].findings if f.code == "cells-outside"]
    assert outside and shown in outside[0].params["detail"]["en"], report.files[0].findings
    assert report.files[0].status == "warnings"  # read as the sound file it otherwise is
