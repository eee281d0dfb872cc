"""`validate`: returned workbooks filled as a person would, and after LibreOffice re-saves."""

from __future__ import annotations

import json
import os
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

import ita_xlsx
from ita_xlsx import MISTAKES, Org
from ita_xlsx.cli.main import main

FY = 2570


@pytest.fixture(scope="module")
def bound6(template):
    return ita_xlsx.bind_template(template, fiscal_year=FY, round="6")


@pytest.fixture(scope="module")
def returns(tmp_path_factory, bound6):
    """A blank 6-month workbook, a clean return and one with every seed mistake."""
    d = tmp_path_factory.mktemp("returns")
    blank = d / "blank.xlsx"
    org = Org(code="6560101", name="เทศบาลตำบลห้วยวน", type="เทศบาลตำบล", district="เชียงคำ",
              province="พะเยา")
    blank.write_bytes(ita_xlsx.render_workbook(org, bound=bound6,
                                               generated_at=datetime(2026, 11, 1)))
    # Which of one organisation's files counts goes by the time Excel saved it (seconds), then
    # the file's time: bad.xlsx is saved first, so a slow machine crossing a second boundary
    # cannot make it the newest, and the file times are fixed.
    ita_xlsx.simulate_return(blank, d / "bad.xlsx", seed=2, round="6", mistakes=MISTAKES,
                             bound=bound6)
    ita_xlsx.simulate_return(blank, d / "good.xlsx", seed=1, round="6", thai_digits=True,
                             bound=bound6)
    for age, name in enumerate(("good.xlsx", "bad.xlsx", "blank.xlsx")):
        os.utime(d / name, (1_790_000_000 - age * 60, 1_790_000_000 - age * 60))
    return d


def codes(report, name: str) -> set[tuple[str, str | None]]:
    rep = next(f for f in report.files if Path(f.path).name == name)
    return {(f.code, f.cell) for f in rep.findings}


EXPECTED_BAD = {
    ("score-invalid", "C5"),
    ("issue-missing", "D7"),
    ("required-missing", "G5"),  # owner
    ("measure-duplicate", "A6"),
    ("timeframe-invalid", "H6"),
    ("timeframe-outside-year", "H7"),
    ("url-invalid", "F5"),
    ("url-invalid", "F14"),
    ("required-missing", "F13"),  # done without evidence
    ("measure-unknown", "A6"),
    ("measure-unknown", "A14"),
}


def test_clean_return_has_no_finding(returns, template):
    report = ita_xlsx.validate([returns / "good.xlsx"], template=template, workers=1)
    assert report.files[0].findings == []
    assert report.files[0].status == "valid"
    assert report.valid


def test_every_seed_mistake_is_found_at_its_cell(returns, template):
    report = ita_xlsx.validate([returns / "bad.xlsx"], template=template, workers=1)
    assert codes(report, "bad.xlsx") == EXPECTED_BAD
    assert report.files[0].status == "invalid"
    msgs = [f.message("th") for f in report.files[0].findings]
    assert any("http://www.khoksaadchaiyaphum.go.th/" in m for m in msgs)  # the suggested fix
    owner = next(f for f in report.files[0].findings if f.cell == "G5")
    assert owner.message("en") == ('Sheet "มาตรการ" cell G5 (Owner): '
                                   + owner.params["detail"]["en"])
    assert owner.message("th") == ('แผ่นงาน "มาตรการ" เซลล์ G5 (ผู้รับผิดชอบ): '
                                   + owner.params["detail"]["th"])


@pytest.mark.libreoffice
@pytest.mark.parametrize("fmt", ["ods", "xls"])
def test_same_findings_after_libreoffice_resave(soffice, returns, template, tmp_path, fmt):
    good = soffice(returns / "good.xlsx", fmt, tmp_path)
    bad = soffice(returns / "bad.xlsx", fmt, tmp_path)
    report = ita_xlsx.validate([good, bad], template=template, workers=1)
    assert codes(report, good.name) == set()
    assert codes(report, bad.name) == EXPECTED_BAD
    for f in report.files:
        assert f.returned.org_code == "6560101"
        assert f.returned.identity_source == "meta-sheet"  # properties are lost on re-save


def test_rows_pasted_below_the_formatted_range_and_moved_columns(returns, template, tmp_path):
    wb = openpyxl.load_workbook(returns / "good.xlsx")
    ws = wb["มาตรการ"]
    ws.cell(200, 1, "M50")  # far below the 40 formatted rows, owner missing
    ws.cell(200, 5, "มาตรการที่วางเพิ่ม")
    ws.cell(200, 8, "ตลอดปีงบประมาณ")
    ws.insert_cols(3)  # a column inserted by the user: everything right of B moves
    ws.cell(4, 3, "หมายเหตุ")
    path = tmp_path / "moved.xlsx"
    wb.save(path)
    report = ita_xlsx.validate([path], template=template, workers=1)
    found = codes(report, "moved.xlsx")
    assert ("column-extra", "C4") in found
    assert ("required-missing", "H200") in found  # owner now in column H
    assert all(code != "column-missing" for code, _ in found)


def test_renamed_and_deleted_columns_are_reported(returns, template, tmp_path):
    wb = openpyxl.load_workbook(returns / "good.xlsx")
    ws = wb["มาตรการ"]
    ws["G4"] = "ผู้รับผิดชอบหลัก"  # renamed in place: read by position, with a warning
    ws["I4"] = None  # heading deleted
    path = tmp_path / "drift.xlsx"
    wb.save(path)
    found = codes(ita_xlsx.validate([path], template=template, workers=1), "drift.xlsx")
    assert ("column-renamed", "G4") in found
    assert ("column-missing", None) in found
    assert not any(c == "required-missing" and cell.startswith("G") for c, cell in found if cell)


def test_identity_survives_renaming_and_is_checked(returns, template, tmp_path):
    renamed = tmp_path / "แบบรายงาน (1).xlsx"
    renamed.write_bytes((returns / "good.xlsx").read_bytes())
    wb = openpyxl.load_workbook(renamed)
    wb["ข้อมูลหน่วยงาน"]["C4"] = "6560999"  # someone edited the code
    wb.save(renamed)
    report = ita_xlsx.validate([renamed], template=template, workers=1)
    assert ("identity-mismatch", "C4") in codes(report, renamed.name)
    assert report.files[0].returned.identity["org_code"] == "6560101"


def test_plan_round_needs_no_results_but_12_month_round_does(bound6, template, tmp_path):
    blank = tmp_path / "b12.xlsx"
    bound12 = ita_xlsx.bind_template(template, fiscal_year=FY, round="12")
    blank.write_bytes(ita_xlsx.render_workbook(Org(code="1", name="อบต.หนึ่ง"), bound=bound12,
                                               generated_at=datetime(2026, 11, 1)))
    ita_xlsx.simulate_return(blank, tmp_path / "r12.xlsx", seed=3, round="plan", bound=bound12)
    report = ita_xlsx.validate([tmp_path / "r12.xlsx"], template=template, workers=1)
    missing = [f for f in report.files[0].findings if f.code == "result-missing"]
    assert missing and all(f.severity == "error" for f in missing)
    assert missing[0].cell == "A5"


def test_org_list_and_year_checks(returns, template, tmp_path):
    orgs = tmp_path / "orgs.csv"
    orgs.write_text("code,name\n6560102,เทศบาลตำบลเวียง\n", encoding="utf-8")
    runner = CliRunner()
    res = runner.invoke(main, ["validate", str(returns / "good.xlsx"), "--orgs", str(orgs),
                               "--year", "2569", "--format", "json"])
    data = json.loads(res.output)
    found = {f["code"] for f in data["files"][0]["findings"]}
    assert {"org-not-listed", "fiscal-year-mismatch"} <= found
    assert res.exit_code == 1
    assert data["missing"] == [{"org_code": "6560102", "org_name": "เทศบาลตำบลเวียง"}]
    res = runner.invoke(main, ["validate", str(returns / "good.xlsx"), "--orgs", str(orgs)])
    assert "ยังไม่ส่ง (1 หน่วยงาน): 6560102 เทศบาลตำบลเวียง" in res.output


def test_org_list_name_mismatch_is_a_warning(returns, tmp_path):
    orgs = tmp_path / "orgs.csv"
    runner = CliRunner()

    def findings(name: str, lang: str) -> tuple[int, list[dict]]:
        orgs.write_text(f"code,name\n6560101,{name}\n", encoding="utf-8")
        res = runner.invoke(main, ["validate", str(returns / "good.xlsx"), "--orgs", str(orgs),
                                   "--format", "json", "--lang", lang])
        return res.exit_code, json.loads(res.output)["files"][0]["findings"]

    code, found = findings("เทศบาลตำบลห้วยวนใหม่", "en")
    assert code == 0  # a warning: the file still passes
    assert [(f["code"], f["severity"], f["cell"], f["message"]) for f in found] == [(
        "identity-mismatch", "warning", "C5",
        'The name "เทศบาลตำบลห้วยวน" differs from the list ("เทศบาลตำบลห้วยวนใหม่", code '
        "6560101). Check that this is your own organisation's file and that the code was not "
        "changed.")]
    code, found = findings("เทศบาลตำบลห้วยวนใหม่", "th")
    assert [f["message"] for f in found] == [
        'ชื่อหน่วยงาน "เทศบาลตำบลห้วยวน" ไม่ตรงกับรายชื่อ ("เทศบาลตำบลห้วยวนใหม่" รหัส 6560101) '
        "ตรวจว่าส่งไฟล์ของหน่วยงานตนเอง และไม่ได้แก้ไขรหัสหน่วยงาน"]
    # The same name written with the short prefix and a space is the same organisation.
    assert findings("ทต. ห้วยวน", "th") == (0, [])


def test_cli_json_shape_and_exit_codes(returns, tmp_path):
    runner = CliRunner()
    res = runner.invoke(main, ["validate", str(returns / "good.xlsx"), "--format", "json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    assert set(data) >= {"valid", "stats", "files"}
    assert set(data["stats"]) == {"files", "valid", "warnings", "invalid", "unreadable", "errors",
                                  "warnings_total", "seconds"}
    assert data["files"][0]["status"] == "valid"
    assert set(data["files"][0]) == {"path", "org_code", "org_name", "template_version",
                                     "status", "counts", "decision", "findings"}
    assert data["files"][0]["counts"] is True
    res = runner.invoke(main, ["validate", str(returns), "--format", "json", "--lang", "en"])
    data = json.loads(res.output)
    bad = next(f for f in data["files"] if f["path"].endswith("bad.xlsx"))
    # all three files are the same organisation's: the errors of one that does not count
    # are reported but do not decide the exit code; alone it counts, and exit is 1
    assert bad["counts"] is False and bad["status"] == "invalid"
    assert res.exit_code == 0 and data["ok"] is True and data["valid"] is False
    assert runner.invoke(main, ["validate", str(returns / "bad.xlsx")]).exit_code == 1
    f0 = bad["findings"][0]
    assert set(f0) == {"severity", "code", "sheet", "sheet_name", "row", "column", "cell",
                       "value", "message"}
    assert f0["severity"] == "error" and f0["message"].startswith("Sheet")
    res = runner.invoke(main, ["validate", str(tmp_path / "nothing-here")])
    assert res.exit_code == 2


def test_cli_reports_and_feedback_copies(returns, tmp_path):
    runner = CliRunner()
    report = tmp_path / "report.xlsx"
    fb = tmp_path / "feedback"
    res = runner.invoke(main, ["validate", str(returns / "bad.xlsx"), "--report", str(report),
                               "--feedback", str(fb)])
    assert res.exit_code == 1
    wb = openpyxl.load_workbook(report)
    ws = wb["ข้อค้นพบ"]
    assert ws.auto_filter.ref
    assert ws.max_row - 4 == len(EXPECTED_BAD)  # title, subtitle, a blank row, headings
    copies = list(fb.glob("*.xlsx"))
    assert len(copies) == 1 and copies[0].name.startswith("6560101_")
    copy = openpyxl.load_workbook(copies[0])
    assert copy.sheetnames[0] == "ผลการตรวจ"
    assert copy["มาตรการ"]["G5"].comment is not None  # the owner cell is commented
    assert "ผู้รับผิดชอบ" in copy["มาตรการ"]["G5"].comment.text
    assert copy["มาตรการ"]["G5"].fill.fgColor.rgb.endswith("FFC7CE")
    assert copy["มาตรการ"]["E5"].value  # the organisation's own data is there
    links = [c.hyperlink.location for row in copy["ผลการตรวจ"].iter_rows() for c in row
             if c.hyperlink]
    assert "'มาตรการ'!G5" in links
    # again without --force: nothing is overwritten
    res = runner.invoke(main, ["validate", str(returns / "bad.xlsx"), "--report", str(report)])
    assert res.exit_code == 2


def test_csv_report_is_utf8_with_bom_and_guarded(returns, tmp_path):
    runner = CliRunner()
    out = tmp_path / "r.csv"
    runner.invoke(main, ["validate", str(returns / "bad.xlsx"), "--report", str(out)])
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    assert "ผู้รับผิดชอบ" in raw.decode("utf-8-sig")


def test_check_links_reports_dead_evidence(returns, template, tmp_path):
    """--check-links against a real local server: the dead link becomes a warning."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    class Handler(BaseHTTPRequestHandler):
        def do_HEAD(self):  # noqa: N802 - http.server's naming
            self.send_response(200 if self.path.startswith("/ok") else 404)
            self.end_headers()

        do_GET = do_HEAD

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}"
        wb = openpyxl.load_workbook(returns / "good.xlsx")
        ws = wb["ผลการดำเนินการ"]
        urls = [ws.cell(r, 6) for r in range(5, 40) if ws.cell(r, 6).value]
        assert len(urls) >= 2
        for cell in urls:
            cell.value = f"{base}/ok/{cell.row}"
        urls[1].value = f"{base}/gone"
        path = tmp_path / "links.xlsx"
        wb.save(path)
        res = CliRunner().invoke(main, ["validate", str(path), "--check-links", "--format",
                                        "json", "--link-timeout", "5"])
    finally:
        server.shutdown()
    assert res.exit_code == 0, res.output  # a dead link is a warning
    data = json.loads(res.output)
    found = [(f["code"], f["cell"]) for f in data["files"][0]["findings"]]
    assert found == [("url-unreachable", f"F{urls[1].row}")]
    assert data["links"]["dead"] == 1


def test_hostile_files_get_one_finding_each_and_the_rest_is_checked(returns, tmp_path):
    """A batch as a district receives it: every bad file gets one clear finding, in bounded
    time, the good one is still checked, nothing is modified, no traceback."""
    import time
    import zipfile

    d = tmp_path / "inbox"
    d.mkdir()
    good = d / "good.xlsx"
    good.write_bytes((returns / "good.xlsx").read_bytes())
    src = zipfile.ZipFile(returns / "good.xlsx")

    def variant(name: str, extra: dict[str, bytes], content_types: bytes | None = None):
        with zipfile.ZipFile(d / name, "w", zipfile.ZIP_DEFLATED) as zf:
            for name_ in src.namelist():
                data = src.read(name_)
                if name_ == "[Content_Types].xml" and content_types:
                    data = content_types
                zf.writestr(name_, data)
            for part, data in extra.items():
                zf.writestr(part, data)

    ct = src.read("[Content_Types].xml").replace(
        b"sheet.main+xml", b"sheet.macroEnabled.main+xml")
    variant("macro.xlsx", {"xl/vbaProject.bin": b"\0" * 512}, ct)
    with zipfile.ZipFile(d / "bomb.xlsx", "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", src.read("[Content_Types].xml"))
        with zf.open("xl/workbook.xml", "w") as fh:
            chunk = b"\0" * (1 << 20)
            for _ in range(300):  # 300 MiB of zeros, ~300 KB on disk
                fh.write(chunk)
    laughs = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
              b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
              b'<sst>&lol2;</sst>')
    with zipfile.ZipFile(d / "laughs.xlsx", "w") as zf:
        for name_ in src.namelist():
            data = laughs if name_ == "xl/worksheets/sheet1.xml" else src.read(name_)
            zf.writestr(name_, data)
    (d / "renamed-pdf.xlsx").write_bytes(b"%PDF-1.7\n" + b"x" * 2000)
    (d / "empty.xlsx").write_bytes(b"")
    foreign = openpyxl.Workbook()
    foreign.active["A1"] = "งบประมาณ"
    foreign.save(d / "foreign.xlsx")
    before = {p.name: p.read_bytes() for p in d.iterdir()}
    started = time.perf_counter()
    res = CliRunner().invoke(main, ["validate", str(d), "--format", "json"])
    assert time.perf_counter() - started < 20
    assert res.exit_code == 1 and "Traceback" not in res.output
    files = {Path(f["path"]).name: f for f in json.loads(res.output)["files"]}
    expected = {"macro.xlsx": "file-macro", "bomb.xlsx": "file-unsafe",
                "laughs.xlsx": "file-unsafe", "renamed-pdf.xlsx": "file-unreadable",
                "empty.xlsx": "file-empty", "foreign.xlsx": "template-unknown"}
    for name, code in expected.items():
        assert [f["code"] for f in files[name]["findings"]] == [code], name
        assert files[name]["status"] == "unreadable"
    assert files["good.xlsx"]["status"] == "valid"
    assert {p.name: p.read_bytes() for p in d.iterdir()} == before


def _edited(returns, tmp_path, name, edit) -> Path:
    wb = openpyxl.load_workbook(returns / "good.xlsx")
    edit(wb)
    path = tmp_path / name
    wb.save(path)
    return path


def test_each_remaining_rule_at_its_cell(returns, template, tmp_path):
    """One file per rule, each with exactly the finding expected (code, cell)."""

    def wrong_choice(wb):
        wb["ผลการดำเนินการ"]["C5"] = "เสร็จไปบางส่วน"  # not in the status list
        wb["มาตรการ"]["B5"] = "XIT"

    def aliases(wb):  # spellings people use for the same values: accepted, no finding
        from ita_xlsx.thai import to_thai_digits

        res = wb["ผลการดำเนินการ"]
        res["C5"] = {"ดำเนินการแล้วเสร็จ": "เสร็จแล้ว",
                     "อยู่ระหว่างดำเนินการ": "กำลังดำเนินการ"}[res["C5"].value]
        number, name = wb["มาตรการ"]["C5"].value.split(". ", 1)
        wb["มาตรการ"]["C5"] = f"ตัวชี้วัดที่ {to_thai_digits(number)} {name}"

    def bad_date_email(wb):
        wb["ข้อมูลหน่วยงาน"]["C15"] = "สิ้นเดือนนี้"
        wb["ข้อมูลหน่วยงาน"]["C14"] = "saraban at huaywon"

    def published_total(wb):
        wb["วิเคราะห์ผล ITA"]["C21"] = 99.5  # the indicators give something else

    def no_measures(wb):
        ws = wb["มาตรการ"]
        for row in ws.iter_rows(min_row=5, max_row=60):
            for c in row[1:]:
                c.value = None
        ws2 = wb["ผลการดำเนินการ"]
        for row in ws2.iter_rows(min_row=5, max_row=60):
            for c in row:
                c.value = None

    def sheet_gone(wb):
        del wb["ผลการดำเนินการ"]

    def outdated(wb):
        wb.custom_doc_props["ita_template_version"].value = "0"

    cases = {
        "choice.xlsx": (wrong_choice, {("choice-invalid", "C5"), ("choice-invalid", "B5")}),
        "alias.xlsx": (aliases, set()),
        "date.xlsx": (bad_date_email, {("date-invalid", "C15"), ("email-invalid", "C14")}),
        "total.xlsx": (published_total, {("score-mismatch", "C21")}),
        "sheet.xlsx": (sheet_gone, {("sheet-missing", None)}),
        "old.xlsx": (outdated, {("template-outdated", None)}),
    }
    paths = {n: _edited(returns, tmp_path, n, fn) for n, (fn, _) in cases.items()}
    paths["empty.xlsx"] = _edited(returns, tmp_path, "empty.xlsx", no_measures)
    report = ita_xlsx.validate(list(paths.values()), template=template, workers=1)
    for name, (_, expected) in cases.items():
        assert codes(report, name) == expected, name
    empty = codes(report, "empty.xlsx")
    assert ("no-measures", None) in empty
    assert {c for c, _ in empty} == {"no-measures", "indicator-uncovered"}
    uncovered = [cell for c, cell in empty if c == "indicator-uncovered"]
    assert uncovered and all(cell.startswith("C") for cell in uncovered)  # the weak scores


@pytest.mark.libreoffice
def test_identity_from_the_hidden_sheet_or_the_form(returns, template, tmp_path, soffice):
    ods = soffice(returns / "good.xlsx", "ods", tmp_path)  # properties lost, hidden sheet kept
    wb = openpyxl.load_workbook(returns / "good.xlsx")
    del wb["_ita_meta"]
    for name in list(wb.custom_doc_props.names):
        del wb.custom_doc_props[name]
    bare = tmp_path / "bare.xlsx"
    wb.save(bare)  # both lost: the organisation sheet is the last resort, with a warning
    report = ita_xlsx.validate([ods, bare], template=template, workers=1)
    by = {Path(f.path).name: f for f in report.files}
    assert by[ods.name].returned.identity_source == "meta-sheet"
    assert codes(report, ods.name) == set()
    assert by["bare.xlsx"].returned.identity_source == "form"
    assert by["bare.xlsx"].returned.org_code == "6560101"
    assert codes(report, "bare.xlsx") == {("identity-missing", None)}


def test_parallel_reading_with_spawn_as_on_windows(returns, tmp_path):
    """Windows starts worker processes by spawning, not forking: the reader must survive that."""
    import subprocess
    import sys

    for i in range(30):  # above the size where reading goes parallel
        (tmp_path / f"r{i:02d}.xlsx").write_bytes((returns / "good.xlsx").read_bytes())
    code = (
        "import multiprocessing, sys\n"
        "if __name__ == '__main__':\n"
        "    multiprocessing.set_start_method('spawn', force=True)\n"
        "    import ita_xlsx\n"
        "    r = ita_xlsx.validate(sorted(__import__('glob').glob(sys.argv[1] + '/*.xlsx')),"
        " workers=2)\n"
        "    print(r.stats()['valid'])\n"
    )
    script = tmp_path / "spawn_run.py"
    script.write_text(code, encoding="utf-8")
    out = subprocess.run([sys.executable, str(script), str(tmp_path)], capture_output=True,
                         text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "30"
