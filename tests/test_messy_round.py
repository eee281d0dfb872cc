"""The messy district round of issue 8: every organisation whose own return is among the
files comes out with exactly the clean round's figures; nothing sent goes unmentioned."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from ita_xlsx.cli.main import main
from ita_xlsx.consolidation.merge import merge
from ita_xlsx.demo.cycle import sample_orgs_bytes
from ita_xlsx.demo.messy import messy_round

FY = 2570


@pytest.fixture(scope="module")
def rnd(tmp_path_factory, template):
    return messy_round(tmp_path_factory.mktemp("messy"), template, FY, sample_orgs_bytes())


def figures(e) -> dict:
    """What a report says about an organisation, without where it came from."""
    def rows(recs, keys):
        return [{k: r.get(k) for k in keys} for r in recs]

    return {
        "name": e.org_name, "year": e.fiscal_year, "round": e.round,
        "scores": e.scores, "issues": e.issues, "total": e.total, "level": e.level,
        "measures": rows(e.measures, ("measure_id", "tool", "indicator", "oit_item", "measure",
                                      "method", "owner", "timeframe", "timeframe_start",
                                      "timeframe_end")),
        "results": rows(e.results, ("measure_id", "round", "status", "summary", "outcome",
                                    "evidence_url", "evidence_ok")),
    }


@pytest.fixture(scope="module")
def merged(rnd, template):
    clean = merge([rnd.clean], template=template, orgs_path=rnd.orgs_file)
    messy = merge([rnd.returned], template=template, orgs_path=rnd.orgs_file)
    return ({e.org_code: e for e in clean.entries}, {e.org_code: e for e in messy.entries},
            messy)


def test_own_returns_give_the_clean_figures(rnd, merged):
    clean, messy, _ = merged
    assert len(rnd.own) == 6
    for code in rnd.own:
        assert figures(messy[code]) == figures(clean[code]), code
        assert messy[code].status in ("valid", "warnings", "invalid")


def test_excel_habits_were_really_there_and_read(rnd, merged):
    _, messy, _ = merged
    habits = messy[rnd.own[3]]
    codes = [f.code for f in habits.findings]
    assert codes.count("score-percent") == 1 and codes.count("cells-merged") == 1
    assert habits.scores[1] == 92.11
    assert [m["owner"] for m in habits.measures[:3]] == ["สำนักปลัด"] * 3
    assert habits.results[0]["evidence_url"].startswith("https://")
    import openpyxl

    ws = openpyxl.load_workbook(Path(rnd.returned) / f"{rnd.own[3]}_แบบรายงาน.xlsx")["ผลการดำเนินการ"]
    assert "คลิกที่นี่" in [c.value for row in ws.iter_rows() for c in row]


def test_borrowed_workbook_counts_for_nobody(rnd, merged):
    clean, messy, result = merged
    who, whose = rnd.borrowed
    assert messy[whose].org_name == clean[whose].org_name  # its own return, not the borrower's
    assert messy[whose].source_file.endswith(f"{whose}_แบบรายงาน.xlsx")
    assert messy[who].unusable and messy[who].status == "invalid"
    assert not messy[who].scores and messy[who].total is None
    sel = result.selection
    (b,) = sel.borrowed
    d = sel.decision(b)
    assert not d.counts
    assert f"ดูเหมือนหน่วยงาน {who}" in d.th and f"ใช้แบบรายงานของ {whose}" in d.th


def test_what_was_sent_is_all_accounted_for(rnd, merged):
    _, messy, result = merged
    assert messy[rnd.pdf_only].status == "unreadable" and messy[rnd.pdf_only].unusable
    assert "PDF" in messy[rnd.pdf_only].note
    assert messy[rnd.silent].status == "missing"
    kinds = sorted(i.kind for i in result.skipped)
    assert kinds.count("feedback") >= 1 and "check-report" in kinds and "report" in kinds
    assert "pdf" in kinds
    # the ZIP and the mail: read, and named as the source
    zipped = messy[rnd.own[2]].source_file
    assert zipped.endswith(f"{rnd.own[2]}_ส่งแบบรายงาน.zip > แบบรายงาน ITA "
                           f"องค์การบริหารส่วนตำบลอ่างทอง.xlsx")
    assert ".eml > " in messy[rnd.own[4]].source_file


def test_rounds_years_and_ties(rnd, merged):
    _, messy, result = merged
    sel = result.selection
    assert (sel.fiscal_year, sel.round, sel.year_default, sel.round_default) == (FY, "6", True,
                                                                                 True)
    reasons = {Path(d.cand.path).name: d for d in sel.decisions}
    assert not reasons[f"{rnd.codes[1]}_แผน.xlsx"].counts
    assert "แผน" in reasons[f"{rnd.codes[1]}_แผน.xlsx"].th
    last = reasons[f"{rnd.codes[7]}_ปีที่แล้ว.xlsx"]
    assert not last.counts and f"ปีงบประมาณ {FY - 1}" in last.th
    newer, older = rnd.twice
    assert messy[rnd.codes[0]].source_file == newer
    (tie,) = sel.warnings
    assert newer in tie[0] and older in tie[0] and "บันทึก" in tie[0]


def test_merge_cli_reports_each_oddity_once(rnd, tmp_path):
    out = tmp_path / "r.xlsx"
    res = CliRunner().invoke(main, ["merge", str(rnd.returned), "-o", str(out), "--orgs",
                                    str(rnd.orgs_file)])
    assert res.exit_code == 0, res.output
    text = res.output
    assert text.count("ดูเหมือนหน่วยงาน") == 1
    assert text.count("สแกนแบบรายงาน.pdf") == 1 or text.count("สแกนแบบรายงาน.pdf") == 2
    assert "นับเฉพาะแบบรายงานปีงบประมาณ 2570 (ปีล่าสุดที่พบ) รอบ 6 เดือน (รอบล่าสุดที่พบ)" in text
    assert text.count("ลงวันที่รายงานเดียวกัน") == 1


def test_validate_groups_and_feedback_only_for_the_counting_file(rnd, tmp_path):
    fb = tmp_path / "fb"
    res = CliRunner().invoke(main, ["validate", str(rnd.returned), "--orgs", str(rnd.orgs_file),
                                    "--format", "json", "--feedback", str(fb)])
    data = json.loads(res.stdout)
    by_name = {Path(f["path"]).name: f for f in data["files"]}
    newer, older = rnd.twice
    assert by_name[Path(newer).name]["counts"] is True
    assert by_name[Path(older).name]["counts"] is False
    made = [p.name for p in fb.glob("*.xlsx")]
    assert not any(n.startswith(rnd.codes[0]) and "_2" in n for n in made)
    assert len([n for n in made if n.startswith(rnd.codes[0])]) <= 1
    assert {x["kind"] for x in data["not_read"]} >= {"pdf", "feedback", "check-report",
                                                      "report"}
    unusable = {x["org_code"] for x in data["sent_unusable"]}
    assert {rnd.pdf_only, rnd.borrowed[0]} <= unusable
    assert [m["org_code"] for m in data["missing"]] == [rnd.silent]


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_machine_output_is_utf8_whatever_the_console(rnd, fmt, tmp_path):
    """Thai Windows: the console is cp874; `--format json > check.json` must be UTF-8."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "PYTHONIOENCODING": "cp874", "PYTHONUTF8": "0"}
    done = subprocess.run([sys.executable, "-m", "ita_xlsx", "validate", str(rnd.clean),
                           "--format", fmt], capture_output=True, env=env, timeout=300)
    assert done.returncode in (0, 1), done.stderr.decode("utf-8", "replace")
    text = done.stdout.decode("utf-8")  # would raise on cp874 bytes
    assert "เทศบาลตำบลเวียง" in text
    if fmt == "json":
        assert json.loads(text)["files"]
    done = subprocess.run([sys.executable, "-m", "ita_xlsx", "schema", "--json"],
                          capture_output=True, env=env, timeout=300)
    assert "ข้อมูลหน่วยงาน" in done.stdout.decode("utf-8")


def test_round_12_from_round_6_carries_results_marked(rnd, tmp_path):
    import openpyxl

    out = tmp_path / "r12"
    res = CliRunner().invoke(main, ["new", "--from", str(rnd.returned), "--out", str(out)])
    assert res.exit_code == 0, res.output
    names = sorted(p.name for p in out.glob("*.xlsx"))
    assert names and all(n.endswith("_ITA2570_รอบ12.xlsx") for n in names)
    # who was left out, and why: the PDF sender and the borrower
    assert f"{rnd.pdf_only} " in res.output and f"{rnd.borrowed[0]} " in res.output
    assert "หน่วยงานที่ไม่ได้สร้างจากแหล่งข้อมูล" in res.output
    book = next(out.glob(f"{rnd.codes[0]}_*.xlsx"))
    wb = openpyxl.load_workbook(book)
    guide = [c.value for row in wb["คำชี้แจง"].iter_rows() for c in row if c.value]
    assert any("รอบนี้: รายงานผลรอบ 12 เดือน" in str(v) for v in guide)
    ws = wb["ผลการดำเนินการ"]
    rows = [[c for c in r] for r in ws.iter_rows(min_row=5) if r[0].value]
    assert rows
    status_col = next(i for i, c in enumerate(ws[4]) if c.value and "สถานะ" in str(c.value))
    carried = [r for r in rows if r[status_col].value]
    assert carried and all(r[1].value == "รอบ 12 เดือน" for r in rows)
    assert all("ยกมาจากผลรอบ 6 เดือน" in r[status_col].comment.text for r in carried)
    # validating the untouched round-12 workbook: every measure has its 12-month row
    res = CliRunner().invoke(main, ["validate", str(book), "--format", "json"])
    codes = [f["code"] for f in json.loads(res.stdout)["files"][0]["findings"]]
    assert "result-missing" not in codes


def test_round_instructions_differ(tmp_path):
    import openpyxl

    texts = {}
    for key in ("plan", "6", "12"):
        out = tmp_path / key
        res = CliRunner().invoke(main, ["new", "--round", key, "--year", "2570", "--out",
                                        str(out)])
        assert res.exit_code == 0, res.output
        (book,) = out.glob("*.xlsx")
        assert book.name == f"ITA2570_{ {'plan': 'แผน', '6': 'รอบ6', '12': 'รอบ12'}[key]}_blank.xlsx"
        ws = openpyxl.load_workbook(book)["คำชี้แจง"]
        texts[key] = [c.value for row in ws.iter_rows() for c in row if c.value and
                      str(c.value).startswith("รอบนี้")]
    assert texts["plan"] != texts["6"] != texts["12"] and all(texts.values())


def test_check_report_lists_not_returned_and_feedback_shows_labels(rnd, tmp_path):
    import openpyxl

    report, fb = tmp_path / "check.xlsx", tmp_path / "fb"
    CliRunner().invoke(main, ["validate", str(rnd.returned), "--orgs", str(rnd.orgs_file),
                              "--report", str(report), "--feedback", str(fb)])
    ws = openpyxl.load_workbook(report)["ยังไม่ส่ง"]
    rows = {r[0]: r for r in ws.iter_rows(min_row=2, values_only=True)}
    assert rows[rnd.silent][2] == "ยังไม่ส่ง"
    assert "ส่งแล้วแต่ใช้ไม่ได้" in rows[rnd.pdf_only][2]
    copy = next(fb.glob("*.xlsx"))
    org = openpyxl.load_workbook(copy)["ข้อมูลหน่วยงาน"]
    values = [c.value for row in org.iter_rows() for c in row if c.value]
    assert "องค์การบริหารส่วนตำบล" in values and "sao" not in values


def test_zip_named_directly_is_read_with_its_thai_names(rnd):
    (zipped,) = rnd.returned.glob("*.zip")
    res = CliRunner().invoke(main, ["validate", str(zipped), "--format", "json"])
    data = json.loads(res.stdout)
    (f,) = data["files"]
    assert f["path"].endswith(".zip > แบบรายงาน ITA องค์การบริหารส่วนตำบลอ่างทอง.xlsx")
    assert f["org_code"] == rnd.codes[3] and f["counts"] is True
    assert not any(x["code"] == "file-unsafe" for x in f["findings"])


def test_own_outputs_recognised_by_content_not_name(rnd, tmp_path):
    """A feedback copy and a check report renamed like returns are still not returns."""
    import shutil

    folder = tmp_path / "in"
    folder.mkdir()
    copy = sorted((rnd.returned / "ตรวจแล้ว").glob("*.xlsx"))[0]
    shutil.copy(copy, folder / f"{rnd.codes[0]}.xlsx")
    shutil.copy(rnd.returned / "ผลการตรวจ.xlsx", folder / f"{rnd.codes[1]}.xlsx")
    shutil.copy(rnd.clean / f"{rnd.codes[2]}.xlsx", folder / f"{rnd.codes[2]}.xlsx")
    from ita_xlsx import api

    report = api.validate([folder])
    assert [Path(f.path).name for f in report.files] == [f"{rnd.codes[2]}.xlsx"]
    assert sorted(i.kind for i in report.skipped) == ["check-report", "feedback"]


@pytest.mark.libreoffice
def test_excel_habits_survive_a_libreoffice_save(rnd, soffice, tmp_path, template):
    """The officer opened the file in LibreOffice and saved it again: still read the same."""
    from ita_xlsx.intake.read import read_return

    src = rnd.returned / f"{rnd.own[3]}_แบบรายงาน.xlsx"
    again = soffice(src, "xlsx:Calc MS Excel 2007 XML", tmp_path / "lo")
    ret = read_return(again, template)
    codes = [f.code for f in ret.findings]
    assert "score-percent" in codes and "cells-merged" in codes
    first = ret.tables["analysis"][0]
    assert first.values["score"] == pytest.approx(92.11)
    owners = [r.values["owner"] for r in ret.tables["measures"][:3]]
    assert owners == ["สำนักปลัด"] * 3
    urls = [r.values["evidence_url"] for r in ret.tables["results"]]
    assert urls[0].startswith("https://") and "คลิกที่นี่" not in urls


def test_properties_and_hidden_sheet_disagree(rnd, tmp_path):
    """The hidden sheet still names the workbook's owner, the properties were rewritten to
    another organisation (and the sheet says that one too): borrowed, counts for nobody."""
    import openpyxl
    from openpyxl.packaging.custom import StringProperty

    owner, other = rnd.codes[0], rnd.codes[2]
    wb = openpyxl.load_workbook(rnd.clean / f"{owner}.xlsx")
    props = wb.custom_doc_props
    kept = [p for p in props.props if p.name != "ita_org_code"]
    props.props = [*kept, StringProperty(name="ita_org_code", value=other)]
    from ita_xlsx.spec.template import load_template

    wb["ข้อมูลหน่วยงาน"][load_template().sheet("org").field("org_code").cell] = other
    path = tmp_path / f"{other}.xlsx"
    wb.save(path)
    from ita_xlsx import api

    report = api.validate([path], orgs=rnd.orgs_file)
    (f,) = report.files
    assert not f.decision.counts
    assert f"ดูเหมือนหน่วยงาน {other}" in f.decision.th and f"แบบรายงานของ {owner}" in f.decision.th
    assert report.selection.borrowed and not report.selection.counting


def test_full_tie_is_a_warning_naming_both(rnd, tmp_path):
    """`cp -r` of a folder: same report date, same saved time, same file time."""
    import os
    import shutil

    folder = tmp_path / "copy"
    folder.mkdir()
    src = rnd.clean / f"{rnd.codes[0]}.xlsx"
    for name in ("b.xlsx", "a.xlsx"):
        shutil.copy(src, folder / name)
        os.utime(folder / name, (1_700_000_000, 1_700_000_000))
    from ita_xlsx import api

    report = api.validate([folder])
    (tie,) = report.selection.warnings
    assert "a.xlsx" in tie[0] and "b.xlsx" in tie[0] and "ทุกเวลาตรงกัน" in tie[0]
    counting = [f for f in report.files if f.decision.counts]
    assert [Path(f.path).name for f in counting] == ["b.xlsx"]  # the same on every machine


def test_measure_ids_match_loosely_and_near_misses_suggest(rnd, tmp_path):
    """Results written M๐๑ / m2 / "M 03" meet their measures M01-M03; "MO4" suggests M04."""
    import openpyxl

    from ita_xlsx import api

    path = tmp_path / f"{rnd.codes[0]}.xlsx"
    wb = openpyxl.load_workbook(rnd.clean / f"{rnd.codes[0]}.xlsx")
    ws = wb["ผลการดำเนินการ"]
    ids = [c for c in ws["A"][4:] if c.value]
    assert [c.value for c in ids[:3]] == ["M01", "M02", "M03"]
    ids[0].value, ids[1].value, ids[2].value = "M๐๑", "m2", "M 03"
    assert len(ids) > 3 and ids[3].value == "M04"
    ids[3].value = "MO4"  # letter O for zero
    wb.save(path)
    report = api.validate([path])
    (f,) = report.files
    unknown = [x for x in f.findings if x.code == "measure-unknown"]
    assert [x.cell for x in unknown] == [ids[3].coordinate]
    assert "(เช่น M04)" in unknown[0].message("th")  # the nearest id, not just the first
    results = f.returned.tables["results"]
    assert [r.values["measure_id"] for r in results[:3]] == ["M01", "M02", "M03"]
    assert not any(x.code == "result-missing" and x.value in ("M01", "M02", "M03")
                   for x in f.findings)
