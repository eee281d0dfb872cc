"""Organisation codes that look like another code: Thai, Arabic-Indic and full-width digits,
invisible characters and a right-to-left override. Each is normalised in one place before any
comparison or display; a code that is still not a plain code gets one finding and the file is
never an organisation of its own."""

from __future__ import annotations

import json
import shutil
import unicodedata
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from hostile import good_return

import ita_xlsx
from ita_xlsx.cli.main import main
from ita_xlsx.intake.inbox import code_in_name
from ita_xlsx.spec.orgs import read_org_list
from ita_xlsx.thai.text import clean_text, read_code

RLO, PDF = "\u202e", "\u202c"
ARABIC = "٦٥٦٠١٠١"  # 6560101 in Arabic-Indic digits
FULL = "６５６０１０１"  # 6560101 in full-width digits
THAI = "๖๕๖๐๑๐๑"
# shows as 6560102 (another organisation) on any screen that honours the override
SHOWN_AS_OTHER = RLO + "2010656"


@pytest.mark.parametrize(("typed", "code", "plain"), [
    ("6560101", "6560101", True),
    (THAI, "6560101", True),
    (ARABIC, "6560101", True),
    (FULL, "6560101", True),
    ("6560\u200b101", "6560101", True),
    ("\ufeff 6560101\u200e ", "6560101", True),
    (6560101.0, "6560101", True),
    ("ＡＢ-1", "AB-1", True),
    (SHOWN_AS_OTHER, "2010656", False),
    (RLO + "6560101" + PDF, "6560101", False),
    ("65601" + RLO + "01", "6560101", False),  # shown as 6560110
    ("6560101 (ทต.)", "6560101(ทต.)", False),
])
def test_one_normaliser(typed, code, plain):
    read = read_code(typed)
    assert (read.code, read.plain) == (code, plain)
    assert not any(unicodedata.category(ch) == "Cf" for ch in read.code)


def test_override_says_what_a_screen_shows():
    assert read_code(SHOWN_AS_OTHER).shown == "6560102"
    assert read_code(ARABIC).shown == ""


def test_names_lose_invisible_controls():
    assert clean_text("เทศบาล\u202eตำบล\u200fห้วยวน") == "เทศบาลตำบลห้วยวน"


def test_file_names_and_org_list(tmp_path):
    assert code_in_name(f"{ARABIC}_แบบรายงาน.pdf") == "6560101"
    assert code_in_name(f"{FULL}_แบบรายงาน.pdf", {"6560101"}) == "6560101"
    assert code_in_name("6560\u200b101_scan.jpg", {"6560101"}) == "6560101"
    assert code_in_name(f"{SHOWN_AS_OTHER}_scan.jpg", {"6560102", "2010656"}) == ""
    listed = tmp_path / "orgs.csv"
    listed.write_text(f"code,name\n{ARABIC},เทศบาลตำบลห้วยวน\n{FULL},ซ้ำ\n"
                      f"{SHOWN_AS_OTHER},ปลอม\n6560103,เทศบาลตำบลฝายกวาง\n", encoding="utf-8")
    orgs, problems = read_org_list(listed)
    assert [o.code for o in orgs] == ["6560101", "6560103"]
    assert [p.row for p in problems] == [3, 4]  # the duplicate, and the reordered code
    assert "6560102" in problems[1].text("en")


def _with_code(src: Path, dst: Path, code: str, everywhere: bool) -> Path:
    """``src`` with its organisation code typed as ``code`` on the sheet (and, when
    ``everywhere``, in the document properties and the hidden sheet too)."""
    wb = openpyxl.load_workbook(src)
    wb["ข้อมูลหน่วยงาน"]["C4"] = code
    if everywhere:
        for prop in wb.custom_doc_props.props:
            if prop.name == "ita_org_code":
                prop.value = code
        for row in wb["_ita_meta"].iter_rows():
            if row[0].value == "org_code":
                row[1].value = code
    wb.save(dst)
    return dst


@pytest.fixture(scope="module")
def lookalikes(tmp_path_factory) -> dict:
    """6560101's return three times over with its code in look-alike digits, 6560102's own
    return, and a return whose code a screen shows as 6560102."""
    d = tmp_path_factory.mktemp("codes")
    src = d / "src"
    real = good_return(src, "6560101.xlsx", seed=1)
    inbox = d / "returned"
    inbox.mkdir()
    good_return(inbox, "6560102_แบบรายงาน.xlsx", seed=2)
    _with_code(real, inbox / "arabic.xlsx", ARABIC, everywhere=True)
    _with_code(real, inbox / "fullwidth.xlsx", FULL, everywhere=False)
    _with_code(real, inbox / "zero-width.xlsx", "6560\u200b101", everywhere=True)
    _with_code(real, inbox / "override.xlsx", SHOWN_AS_OTHER, everywhere=True)
    orgs = d / "orgs.csv"
    orgs.write_text("code,name\n6560101,เทศบาลตำบลห้วยวน\n6560102,เทศบาลตำบลห้วยวน\n"
                    "6560103,เทศบาลตำบลฝายกวาง\n", encoding="utf-8")
    return {"inbox": inbox, "orgs": orgs, "dir": d}


def test_validate_counts_the_real_organisation_and_no_phantom(lookalikes, template):
    report = ita_xlsx.validate([lookalikes["inbox"]], orgs=lookalikes["orgs"],
                               template=template, workers=1)
    by_name = {Path(f.path).name: f for f in report.files}
    for name in ("arabic.xlsx", "fullwidth.xlsx", "zero-width.xlsx"):
        rep = by_name[name]
        assert rep.returned.org_code == "6560101", name
        assert rep.findings == [], (name, [f.code for f in rep.findings])
    assert set(report.selection.counting) == {"6560101", "6560102"}
    assert report.missing == [("6560103", "เทศบาลตำบลฝายกวาง")]
    assert report.unusable == []
    shown = by_name["override.xlsx"]
    assert [f.code for f in shown.findings] == ["org-code-invalid"]  # one finding, no more
    assert "6560102" in shown.findings[0].message("en")
    assert shown.decision is not None and not shown.decision.counts
    assert shown.decision.code == ""  # for no organisation


def test_merge_has_no_phantom_organisation(lookalikes, template):
    result = ita_xlsx.consolidate([lookalikes["inbox"]], orgs=lookalikes["orgs"],
                                  template=template, workers=1)
    assert [(e.org_code, e.status) for e in result.entries] == [
        ("6560101", "valid"), ("6560102", "valid"), ("6560103", "missing")]
    override = next(f for f in result.files if f["path"].endswith("override.xlsx"))
    assert not override["used"]


def test_cli_output_is_free_of_invisible_characters(lookalikes):
    runner = CliRunner()
    out = lookalikes["dir"] / "check.json"
    r = runner.invoke(main, ["validate", str(lookalikes["inbox"]), "--orgs",
                             str(lookalikes["orgs"]), "--report", str(out), "--workers", "1"])
    assert r.exit_code == 1, r.output  # the override file has an error
    for text in (r.output, out.read_text(encoding="utf-8")):
        assert not any(unicodedata.category(ch) == "Cf" for ch in text)
    data = json.loads(out.read_text(encoding="utf-8"))
    codes = {f["org_code"] for f in data["files"]}
    assert codes == {"6560101", "6560102", "2010656"}  # the override one as stored, not shown
    report = lookalikes["dir"] / "report.xlsx"
    r = runner.invoke(main, ["merge", str(lookalikes["inbox"]), "-o", str(report), "--orgs",
                             str(lookalikes["orgs"]), "--workers", "1"])
    assert r.exit_code == 0, r.output
    assert not any(unicodedata.category(ch) == "Cf" for ch in r.output)
    # the report reads back with the same organisations (a province merging it)
    again = ita_xlsx.consolidate([report], workers=1)
    assert [e.org_code for e in again.entries] == ["6560101", "6560102", "6560103"]
    shutil.rmtree(lookalikes["dir"] / "src", ignore_errors=True)
