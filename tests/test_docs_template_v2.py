"""Template version 2: the optional fields the documents print (signer, executive's title,
document number prefix, website). Version 1 returns still validate, merge and make documents;
`new --from` turns them into version 2 workbooks."""

from __future__ import annotations

import random
from importlib import resources
from pathlib import Path

import openpyxl
from click.testing import CliRunner
from test_docs import HUAY_WAN, body_texts, make_return

import ita_xlsx
from ita_xlsx.cli.main import main
from ita_xlsx.make.render import RenderOptions, render_workbook
from ita_xlsx.make.simulate import SEED_SCORES, fill_workbook, sample_content
from ita_xlsx.spec.template import bind, load_template, parse_template

NEW_FIELDS = ("signer_name", "signer_position", "executive_title", "doc_prefix", "website")


def template_v1():
    """Version 1 as organisations hold it: the shipped template without version 2's fields."""
    import tomllib

    path = resources.files("ita_xlsx").joinpath("workbook_templates", "ita-measures-1.toml")
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    data["template"]["version"] = "1"
    data["template"]["compatible_versions"] = ["1"]
    for s in data["sheets"]:
        s["fields"] = [f for f in s.get("fields", []) if f.get("key") not in NEW_FIELDS]
    return parse_template(data, "ita-measures-1 (version 1)")
SIGNER = {"signer_name": "นายสมหมาย ตัวอย่าง", "signer_position": "นายกเทศมนตรีตำบลห้วยวน",
          "executive_title": "นายกเทศมนตรีตำบลห้วยวน", "doc_prefix": "พย 52301",
          "website": "https://www.huaywon.go.th"}


def v1_return(folder: Path) -> Path:
    """A return made from a version 1 workbook, as organisations still hold them."""
    b = bind(template_v1(), 2565, "plan")
    folder.mkdir(parents=True, exist_ok=True)
    blank = folder / ".blank-v1.xlsx"
    blank.write_bytes(render_workbook(b, HUAY_WAN, RenderOptions(fiscal_year=2565,
                                                                 round="plan")))
    dst = folder / "6560101_v1.xlsx"
    fill_workbook(blank, dst, b, sample_content(b, random.Random(1), "plan",
                                                scores=SEED_SCORES))
    blank.unlink()
    return dst


def test_the_default_template_is_version_2_with_optional_document_fields(tmp_path):
    t = load_template()
    # version 3 (the OIT sheet) keeps version 2's fields where they were
    assert t.version == "3" and set(t.compatible_versions) == {"1", "2", "3"}
    org = t.sheet("org")
    fields = {f.key: f for f in org.fields}
    for key, cell in zip(SIGNER, ("C16", "C17", "C18", "C19", "C20"), strict=True):
        assert fields[key].cell == cell and not fields[key].required
    # A version 1 workbook's cells are all where they were.
    old = {f.key: f.cell for f in template_v1().sheet("org").fields}
    assert set(fields) - set(old) == set(NEW_FIELDS)
    assert all(fields[k].cell == c for k, c in old.items())
    blank = tmp_path / "blank.xlsx"
    blank.write_bytes(render_workbook(bind(t, 2570, "plan"), HUAY_WAN,
                                      RenderOptions(fiscal_year=2570, round="plan")))
    ws = openpyxl.load_workbook(blank)[org.name]
    assert ws["B16"].value == "ผู้ลงนามประกาศ (ชื่อ-สกุล)" and ws["C16"].protection.locked is False


def test_version_1_returns_validate_merge_and_make_documents(tmp_path):
    path = v1_return(tmp_path / "returned")
    report = ita_xlsx.validate([path])
    (f,) = report.files
    assert f.returned.template_version == "1"
    assert f.status == "valid", [x.code for x in f.findings]
    merged = ita_xlsx.consolidate([path])
    assert merged.entries[0].total == 59.16
    result = ita_xlsx.make_documents([path], tmp_path / "docs")
    flat = "\n".join(body_texts(tmp_path / "docs" / "มาตรการ-2565-เทศบาลตำบลห้วยวน.docx"))
    assert "(................................)" in flat  # no signer in version 1: to fill in
    assert len(result.written) == 2


def test_version_2_fields_are_printed_in_the_documents(tmp_path):
    path, _, _ = make_return(tmp_path / "r", 2565, "plan", scores=SEED_SCORES, extra=SIGNER)
    ita_xlsx.make_documents([path], tmp_path / "docs")
    measures = "\n".join(body_texts(tmp_path / "docs" / "มาตรการ-2565-เทศบาลตำบลห้วยวน.docx"))
    assert "(นายสมหมาย ตัวอย่าง)\nนายกเทศมนตรีตำบลห้วยวน" in measures
    memo = body_texts(tmp_path / "docs" / "บันทึกข้อความ-มาตรการ-2565-เทศบาลตำบลห้วยวน.docx")
    flat = "\n".join(memo)
    assert "ที่  พย ๕๒๓๐๑/" in flat and "เรียน  นายกเทศมนตรีตำบลห้วยวน" in flat
    assert "https://www.huaywon.go.th" in flat  # a URL keeps its Arabic digits and letters


def test_new_from_upgrades_version_1_returns(tmp_path):
    path = v1_return(tmp_path / "returned")
    out = tmp_path / "round6"
    res = CliRunner().invoke(main, ["new", "--from", str(path.parent), "--round", "6",
                                    "--out", str(out)])
    assert res.exit_code == 0, res.output
    (made,) = list(out.glob("*.xlsx"))
    wb = openpyxl.load_workbook(made)
    props = {p.name: p.value for p in wb.custom_doc_props.props}
    assert props["ita_template_version"] == "3"
    org = load_template().sheet("org")
    assert wb[org.name]["B20"].value == "เว็บไซต์หน่วยงาน"
    # ... and the upgraded workbook, filled and returned, validates as the current version.
    again = ita_xlsx.validate([made])
    assert again.files[0].returned.template_version == "3"
