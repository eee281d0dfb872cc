"""`merge`: a district's folder of returns into one report, and districts into a province."""

from __future__ import annotations

import csv
import random
import re
import zipfile
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from python_calamine import CalamineWorkbook

from ita_xlsx.cli.main import main
from ita_xlsx.make.render import Org, RenderOptions, render_workbook
from ita_xlsx.make.simulate import (
    MISTAKES,
    SEED_SCORES,
    apply_mistakes,
    fill_workbook,
    sample_content,
)
from ita_xlsx.spec.template import bind, load_template

FY = 2565  # analyses ITA 2564: letter levels, as in seed 000
ORGS = [("6560101", "เทศบาลตำบลห้วยวน"), ("6560102", "เทศบาลตำบลเวียง"),
        ("6560103", "เทศบาลตำบลฝายกวาง"), ("6560104", "องค์การบริหารส่วนตำบลอ่างทอง"),
        ("6560105", "องค์การบริหารส่วนตำบลเจดีย์คำ")]
EVIL = '=HYPERLINK("http://evil.example","คลิก")'


def make(folder: Path, template, code: str, name: str, *, seed: int, day: str,
         mistakes=(), evil: bool = False, fname: str | None = None) -> Path:
    bound = bind(template, FY, "6")
    blank = folder / f".blank-{code}.xlsx"
    blank.write_bytes(render_workbook(bound, Org(code=code, name=name, type="เทศบาลตำบล",
                                               district="เชียงคำ", province="พะเยา"),
                                      RenderOptions(FY, round="6",
                                                    generated_at=datetime(2021, 11, 1))))
    content = sample_content(bound, random.Random(seed), "6", scores=list(SEED_SCORES))
    content.org_fields["report_date"] = day
    apply_mistakes(content, mistakes)
    if evil:
        content.measures[0]["measure"] = EVIL
        content.measures[0]["owner"] = "+สำนักปลัด"
    path = folder / (fname or f"{code}.xlsx")
    fill_workbook(blank, path, bound, content)
    blank.unlink()
    return path


@pytest.fixture(scope="module")
def district(tmp_path_factory, template):
    d = tmp_path_factory.mktemp("district")
    returns = d / "returned"
    returns.mkdir()
    make(returns, template, *ORGS[0], seed=1, day="15/04/2565", evil=True)
    make(returns, template, *ORGS[1], seed=2, day="15/04/2565", mistakes=MISTAKES)
    # an older and a newer return of the same organisation
    make(returns, template, *ORGS[2], seed=3, day="10/04/2565", fname="6560103_old.xlsx")
    make(returns, template, *ORGS[2], seed=4, day="20/04/2565", fname="6560103 (1).xlsx")
    (returns / "6560104_broken.xlsx").write_text("not a workbook", encoding="utf-8")
    orgs = d / "orgs.csv"
    orgs.write_text("code,name,district\n" + "".join(f"{c},{n},เชียงคำ\n" for c, n in ORGS),
                    encoding="utf-8")
    return d


def run_merge(*args, code: int = 0) -> object:
    res = CliRunner().invoke(main, ["merge", *map(str, args)])
    assert res.exit_code == code, res.output
    return res


def summary_rows(path: Path) -> dict[str, dict]:
    rows = list(csv.DictReader((path).read_text(encoding="utf-8-sig").splitlines()))
    return {r["org_code"]: r for r in rows}


def test_district_report(district):
    out = district / "report.xlsx"
    # 6560104_broken.xlsx cannot be read: the report is written, and the exit code says so
    res = run_merge(district / "returned", "-o", out, "--orgs", district / "orgs.csv",
                    "--csv", district / "csv", code=1)
    assert "เปิดไม่ได้" in res.output and out.exists()
    s = summary_rows(district / "csv" / "summary.csv")
    assert list(s) == [c for c, _ in ORGS]
    assert {c: r["status"] for c, r in s.items()} == {
        "6560101": "valid", "6560102": "invalid", "6560103": "valid",
        "6560104": "unreadable", "6560105": "missing"}
    assert s["6560101"]["ita_score"] == "59.16" and s["6560101"]["ita_level"] == "D"
    assert s["6560103"]["source_file"].endswith("6560103 (1).xlsx")  # the newer one won
    assert int(s["6560102"]["errors"]) > 0
    # As many measures as the return holds (its content is made from seed 1).
    expected = sample_content(bind(load_template(), FY, "6"), random.Random(1), "6",
                              scores=list(SEED_SCORES)).measures
    assert s["6560101"]["measures"] == str(len(expected)) and len(expected) >= 3
    for col in ("org_code", "org_name", "status", "ita_score", "ita_level", "measures",
                "results_done", "results_with_evidence", "errors", "warnings", "source_file"):
        assert col in s["6560101"]
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames[:8] == ["สรุป", "ตัวชี้วัด", "ประเด็นที่ต้องแก้ไข", "มาตรการ",
                                 "ผลการดำเนินการ", "ข้อค้นพบ", "ไฟล์", "กราฟ"]
    heads = [c.value for c in wb["ไฟล์"][4]]  # columns found by heading: the printed ones first
    files = {r[0]: dict(zip(heads, r, strict=False))
             for r in wb["ไฟล์"].iter_rows(min_row=5, values_only=True)}
    old = next(v for k, v in files.items() if k.endswith("6560103_old.xlsx"))
    assert old["ถูกแทนที่โดย"].endswith("6560103 (1).xlsx")  # superseded, and by which file
    assert "ถูกแทนที่ด้วย" in old["เหตุผล"]  # and why
    with zipfile.ZipFile(out) as zf:
        charts = [n for n in zf.namelist() if n.startswith("xl/charts/chart")]
    # the three overview charts, and the OIT items most missing (the returns leave the OIT
    # sheet empty: every item is missing)
    assert len(charts) == 4 and wb.sheetnames[8:10] == ["OIT", "OIT กราฟ"]
    ind = wb["ตัวชี้วัด"]
    assert ind["C5"].value.startswith("=IFERROR(ROUND(AVERAGE(")
    cached = openpyxl.load_workbook(out, data_only=True)["ตัวชี้วัด"]
    assert cached["C5"].value == pytest.approx(92.11)  # every return has seed 000's scores


def test_formula_looking_text_stays_text(district):
    out = district / "evil.xlsx"
    run_merge(district / "returned", "-o", out, "--csv", district / "evil-csv", code=1)
    ws = openpyxl.load_workbook(out)["มาตรการ"]
    cells = [c for row in ws.iter_rows(min_row=5) for c in row if c.value == EVIL]
    assert cells and all(c.data_type == "s" for c in cells)
    owner = [c for row in ws.iter_rows(min_row=5) for c in row if c.value == "+สำนักปลัด"]
    assert owner and owner[0].data_type == "s"
    text = (district / "evil-csv" / "measures.csv").read_text(encoding="utf-8-sig")
    assert "'" + EVIL.replace('"', '""') in text
    assert "'+สำนักปลัด" in text
    assert "\n=HYPERLINK" not in text and ",=HYPERLINK" not in text


def test_evidence_links_only_for_http(district):
    out = district / "links.xlsx"
    run_merge(district / "returned", "-o", out, code=1)
    ws = openpyxl.load_workbook(out)["ผลการดำเนินการ"]
    links = [c.hyperlink.target for row in ws.iter_rows(min_row=5) for c in row if c.hyperlink]
    assert links and all(t.startswith(("http://", "https://")) for t in links)
    assert all(" " not in t for t in links)  # the broken seed-003 URL is text, not a link


def test_same_inputs_same_bytes_and_no_overwrite(district):
    a, b = district / "a.xlsx", district / "b.xlsx"
    run_merge(district / "returned", "-o", a, code=1)
    run_merge(district / "returned", "-o", b, code=1)
    assert a.read_bytes() == b.read_bytes()
    res = CliRunner().invoke(main, ["merge", str(district / "returned"), "-o", str(a)])
    assert res.exit_code == 2
    assert "--force" in res.output


def test_province_merges_district_reports_without_double_counting(district, template, tmp_path):
    east, west = tmp_path / "east", tmp_path / "west"
    east.mkdir()
    west.mkdir()
    make(east, template, "7000001", "อบต.หนึ่ง", seed=5, day="01/04/2565")
    make(east, template, "7000002", "อบต.สอง", seed=6, day="01/04/2565")
    make(west, template, "7000003", "อบต.สาม", seed=7, day="01/04/2565")
    run_merge(east, "-o", tmp_path / "east.xlsx", "--csv", tmp_path / "east-csv")
    run_merge(west, "-o", tmp_path / "west.xlsx")
    # an organisation's own, newer return also reaches the province
    late = tmp_path / "late"
    late.mkdir()
    make(late, template, "7000002", "อบต.สอง", seed=8, day="25/04/2565")
    run_merge(tmp_path / "east.xlsx", tmp_path / "west.xlsx", late, "-o",
              tmp_path / "province.xlsx", "--csv", tmp_path / "pcsv")
    s = summary_rows(tmp_path / "pcsv" / "summary.csv")
    assert sorted(s) == ["7000001", "7000002", "7000003"]
    assert s["7000001"]["via"].endswith("east.xlsx")
    assert s["7000002"]["via"] == "" and s["7000002"]["recorded"] == "25/04/2565"
    assert s["7000001"]["ita_score"] == "59.16"
    east_s = summary_rows(tmp_path / "east-csv" / "summary.csv")  # made from the returns
    for col in ("results_done", "results_in_progress", "results_with_evidence", "measures"):
        assert s["7000001"][col] == east_s["7000001"][col], col  # the same through a report
    measures = list(csv.DictReader((tmp_path / "pcsv" / "measures.csv").read_text(
        encoding="utf-8-sig").splitlines()))
    per_org = {c: sum(m["org_code"] == c for m in measures) for c in s}
    assert per_org == {c: int(s[c]["measures"]) for c in s}  # no double counting
    # every level survives the trip through a district report, and the level chart has data
    assert s["7000001"]["ita_level"] == east_s["7000001"]["ita_level"] == "D"
    assert all(s[c]["ita_level"] for c in s)
    wb = CalamineWorkbook.from_path(str(tmp_path / "province.xlsx"))
    chart = wb.get_sheet_by_name("กราฟ").to_python()
    start = next(i for i, r in enumerate(chart) if r and r[0] == "ระดับผลการประเมิน")
    counts = {}
    for r in chart[start + 1:]:
        if not r or r[0] == "":
            break
        counts[r[0]] = r[1]
    assert sum(counts.values()) == 3 and counts.get("D")
    files = wb.get_sheet_by_name("ไฟล์").to_python()
    assert any(str(r[-1]).endswith("7000002.xlsx") and "late" in str(r[-1]) for r in files)


@pytest.mark.parametrize("source", ["report", "folder"])
def test_next_round_prefilled_from_report_or_returns(district, tmp_path, source):
    report = district / "for-next.xlsx"
    if not report.exists():
        run_merge(district / "returned", "-o", report, code=1)
    src = report if source == "report" else district / "returned"
    out = tmp_path / "round12"
    res = CliRunner().invoke(main, ["new", "--from", str(src), "--round", "12", "--out", str(out)])
    assert res.exit_code == 0, res.output
    made = {p.name.split("_")[0]: p for p in out.glob("*.xlsx")}
    assert set(made) == {"6560101", "6560102", "6560103"}  # readable returns only
    wb = openpyxl.load_workbook(made["6560101"])
    assert wb["วิเคราะห์ผล ITA"]["C5"].value == pytest.approx(92.11)
    assert wb["ข้อมูลหน่วยงาน"]["C10"].value == "รอบ 12 เดือน"
    measures = [r for r in wb["มาตรการ"].iter_rows(min_row=5, values_only=True) if r[4]]
    assert measures[0][4] == EVIL and measures[0][1] == "IIT"
    results = [r for r in wb["ผลการดำเนินการ"].iter_rows(min_row=5, values_only=True) if r[0]]
    assert [r[0] for r in results] == [m[0] for m in measures]
    # every measure has its 12-month row, starting from its 6-month result (status carried)
    assert all(r[1] == "รอบ 12 เดือน" for r in results)
    assert all(r[2] for r in results)
    # the organisation only has results left to update
    rep = CliRunner().invoke(main, ["validate", str(made["6560103"]), "--format", "json"])
    import json

    codes = {f["code"] for f in json.loads(rep.output)["files"][0]["findings"]}
    assert codes <= {"required-missing"}


def test_validate_names_a_report_given_by_mistake(district):
    out = district / "mistake.xlsx"
    run_merge(district / "returned", "-o", out, code=1)
    res = CliRunner().invoke(main, ["validate", str(out), "--format", "json", "--lang", "en"])
    import json

    (f,) = json.loads(res.output)["files"][0]["findings"]
    assert f["code"] == "template-unknown" and "merge" in f["message"]


@pytest.mark.libreoffice
def test_report_converts_with_libreoffice(district, soffice, tmp_path):
    out = district / "lo.xlsx"
    run_merge(district / "returned", "-o", out, code=1)
    pdf = soffice(out, "pdf", tmp_path / "pdf")
    assert pdf.stat().st_size > 10_000
    ods = soffice(out, "ods", tmp_path / "ods")
    rows = CalamineWorkbook.from_path(str(ods)).get_sheet_by_name("สรุป").to_python()
    assert any(r and r[0] == "6560101" for r in rows)


def test_english_report_is_wholly_english_and_reads_back(district, tmp_path):
    """merge --lang en: headings, sheet names, titles and findings in English (organisations'
    own text and the framework's Thai level names aside); new --from reads it back."""
    out = tmp_path / "report-en.xlsx"
    run_merge(district / "returned", "-o", out, "--lang", "en", "--csv", tmp_path / "csv", code=1)
    wb = openpyxl.load_workbook(out, read_only=True)
    assert wb.sheetnames[:8] == ["Summary", "Indicators", "Issues to fix", "Measures", "Results",
                                 "Findings", "Files", "Charts"]
    # The headings follow the totals block at the top of the summary.
    summary = list(wb["Summary"].iter_rows(values_only=True))
    assert [r[0] for r in summary[3:7]] == ["Returned", "Passed", "Measures", "Results"]
    heads = list(next(r for r in summary if r and r[0] == "Code"))
    assert heads[:3] == ["Code", "Organisation", "Status"]  # what prints comes first
    assert {"Type", "District", "Province"} <= set(heads)
    findings = list(wb["Findings"].iter_rows(min_row=4, values_only=True))
    message = findings[0].index("Message")
    rows = [r for r in findings[1:] if r[0]]
    # Thai only inside quotes: the sheet names and values as the organisation's file has them.
    unquoted = [re.sub(r'"[^"]*"', "", r[message]) for r in rows]
    assert len(rows) >= 5 and [m for m in unquoted if re.search("[\u0e00-\u0e7f]", m)] == []
    findings_csv = (tmp_path / "csv" / "findings.csv").read_text(encoding="utf-8-sig")
    assert "Sheet " in findings_csv and "แผ่นงาน " not in findings_csv
    res = CliRunner().invoke(main, ["new", "--from", str(out), "--out", str(tmp_path / "next")])
    assert res.exit_code == 0, res.output
    assert len(list((tmp_path / "next").glob("*.xlsx"))) == 3  # the three readable returns


def test_next_round_for_a_year_without_framework_is_a_clear_error(district, tmp_path):
    out = tmp_path / "report.xlsx"
    run_merge(district / "returned", "-o", out, code=1)
    res = CliRunner().invoke(main, ["new", "--from", str(out), "--year", "2580", "--out",
                                    str(tmp_path / "next")])
    assert res.exit_code == 2
    assert res.output.startswith("ไม่มีกรอบการประเมิน ITA ปี 2579 ในระบบ")
    assert not (tmp_path / "next").exists()


def test_province_keeps_each_status_of_a_district_report(district, template, tmp_path):
    """Statuses are written as Thai labels; read back they are the same statuses, and an
    organisation the district lists as not returned is missing, not an entry, until its
    own return arrives."""
    run_merge(district / "returned", "-o", tmp_path / "d.xlsx", "--orgs", district / "orgs.csv",
              code=1)
    run_merge(tmp_path / "d.xlsx", "-o", tmp_path / "p.xlsx", "--csv", tmp_path / "pc")
    s = summary_rows(tmp_path / "pc" / "summary.csv")
    assert {c: r["status"] for c, r in s.items()} == {
        "6560101": "valid", "6560102": "invalid", "6560103": "valid",
        "6560104": "unreadable", "6560105": "missing"}
    assert s["6560105"]["source_file"] == "" and s["6560105"]["ita_score"] == ""
    files = CalamineWorkbook.from_path(str(tmp_path / "p.xlsx")).get_sheet_by_name(
        "ไฟล์").to_python()
    assert not any("6560105" in str(c) for r in files for c in r)  # not a file that counts
    # the missing organisation's late return counts
    late = tmp_path / "late"
    late.mkdir()
    make(late, template, "6560105", ORGS[4][1], seed=9, day="25/04/2565")
    run_merge(tmp_path / "d.xlsx", late, "-o", tmp_path / "p2.xlsx", "--csv", tmp_path / "pc2")
    s2 = summary_rows(tmp_path / "pc2" / "summary.csv")
    assert s2["6560105"]["status"] == "valid" and s2["6560105"]["via"] == ""
    assert s2["6560105"]["recorded"] == "25/04/2565" and s2["6560105"]["ita_score"]
    assert {c: r["status"] for c, r in s2.items() if c != "6560105"} == {
        c: r["status"] for c, r in s.items() if c != "6560105"}


def test_validate_exit_code_counts_only_files_that_count(template, tmp_path):
    """An older draft with errors, replaced by a valid newer return, is reported but does not
    fail the run; an error in the file that counts, or an unreadable file, does."""
    folder = tmp_path / "sent"
    folder.mkdir()
    make(folder, template, "7100001", "อบต.หนึ่ง", seed=1, day="10/04/2565",
         mistakes=MISTAKES, fname="7100001_draft.xlsx")
    make(folder, template, "7100001", "อบต.หนึ่ง", seed=2, day="20/04/2565")
    res = CliRunner().invoke(main, ["validate", str(folder)])
    assert res.exit_code == 0, res.output
    assert "7100001_draft.xlsx" in res.output  # still reported
    import json

    rep = json.loads(CliRunner().invoke(main, ["validate", str(folder), "--format",
                                               "json"]).output)
    assert rep["ok"] is True and rep["valid"] is False
    # the error is in the file that counts: exit 1
    make(folder, template, "7100002", "อบต.สอง", seed=3, day="20/04/2565", mistakes=MISTAKES)
    assert CliRunner().invoke(main, ["validate", str(folder)]).exit_code == 1
    (folder / "7100002.xlsx").unlink()
    # an unreadable file: exit 1
    (folder / "7100003_broken.xlsx").write_text("not a workbook", encoding="utf-8")
    assert CliRunner().invoke(main, ["validate", str(folder)]).exit_code == 1


def test_the_parent_keeps_each_return_s_rows_packed_and_reads_them_whole(district, template):
    """A country's merge keeps 8,000 returns in one process: each return's rows and its
    entry's measures and results come back from the worker packed (core/packed.py), and
    read back exactly as the worker read them."""
    from ita_xlsx import consolidate
    from ita_xlsx.core.packed import Packed
    from ita_xlsx.intake.read import read_return
    from ita_xlsx.validators.engine import FileReport, check_file

    result = consolidate([district / "returned"], template=template)
    readable = [rep for rep in result.report.files if rep.returned.readable]
    assert len(readable) == 4
    for rep in readable:
        assert rep.returned.tables and all(isinstance(rows, Packed)
                                           for rows in rep.returned.tables.values())
        here = FileReport(rep.path, read_return(rep.path, template))
        check_file(here, template)
        assert {k: list(v) for k, v in rep.returned.tables.items()} == here.returned.tables
    entries = [e for e in result.entries if e.measures]
    assert entries and all(isinstance(e.measures, Packed) for e in entries)
    assert all(e.measures[0]["measure_id"] for e in entries)


def test_measures_and_results_made_by_workers_give_the_same_report_to_the_byte(
        district, template, tmp_path, monkeypatch):
    """A large report's measures and results sheets are made by two workers, while the
    writer writes the other sheets, and spliced in (consolidation/stacked.py); a small one's
    by the writer itself; and when a worker fails the writer makes that sheet. All three are
    the same file, byte for byte, and it reads back with its rows, links and dimensions."""
    from ita_xlsx import consolidate, write_consolidated
    from ita_xlsx.consolidation import stacked

    result = consolidate([district / "returned"], template=template)
    made = []

    class Counted(stacked.Making):
        def __init__(self, jobs):
            made.append(len(jobs))
            super().__init__(jobs)

    monkeypatch.setattr(stacked, "Making", Counted)
    write_consolidated(result, tmp_path / "alone.xlsx", template=template)
    monkeypatch.setattr(stacked, "PARALLEL_ROWS", 0)
    write_consolidated(result, tmp_path / "workers.xlsx", template=template)
    monkeypatch.setattr(Counted, "result", lambda self, i: None)
    write_consolidated(result, tmp_path / "failed.xlsx", template=template)
    monkeypatch.undo()
    monkeypatch.setattr(stacked, "PARALLEL_ROWS", 0)

    def no_process(*_args, **_kw):
        raise OSError(11, "Resource temporarily unavailable")  # fork refused

    monkeypatch.setattr("ita_xlsx.intake.sandbox.Started.__init__", no_process)
    write_consolidated(result, tmp_path / "no-process.xlsx", template=template)
    assert made == [2, 2]  # the small report made none; the forced ones two each
    alone = (tmp_path / "alone.xlsx").read_bytes()
    for other in ("workers", "failed", "no-process"):
        assert (tmp_path / f"{other}.xlsx").read_bytes() == alone, other
    ws = openpyxl.load_workbook(tmp_path / "workers.xlsx")["ผลการดำเนินการ"]
    links = [c.hyperlink.target for row in ws.iter_rows(min_row=5) for c in row if c.hyperlink]
    rows = sum(len(e.results) for e in result.entries)
    assert links and ws.max_row == 4 + rows
    measures = openpyxl.load_workbook(tmp_path / "workers.xlsx")["มาตรการ"]
    assert measures.max_row == 4 + sum(len(e.measures) for e in result.entries)
    assert measures.calculate_dimension().startswith("A1:")


def test_a_sheet_a_worker_cannot_make_is_left_to_the_writer(tmp_path):
    from ita_xlsx.consolidation.stacked import Making, RowMaker, SheetJob

    maker = RowMaker(["a"], [10.0], 1, -1, {"text": "", "wrap": "", "link": "", "center": ""},
                     "ใช่", "ไม่")
    job = SheetJob(str(tmp_path / "no-such-folder" / "rows.xml"), [], [], maker, 3)
    making = Making([job])
    assert making.result(0) is None
    making.cancel()  # again: nothing left to stop
