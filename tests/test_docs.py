"""`ita-xlsx docs`: each organisation's documents, re-opened with python-docx and compared
with the workbook they came from."""

from __future__ import annotations

import random
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner

import ita_xlsx
from ita_xlsx.cli.main import main
from ita_xlsx.make.render import Org, RenderOptions, render_workbook
from ita_xlsx.make.simulate import SEED_SCORES, apply_mistakes, fill_workbook, sample_content
from ita_xlsx.spec.template import bind, load_template
from ita_xlsx.thai import to_thai_digits

HUAY_WAN = Org(code="6560101", name="เทศบาลตำบลห้วยวน", type="เทศบาลตำบล", district="เชียงคำ", province="พะเยา")


def make_return(folder: Path, fy: int, round_key: str, org: Org = HUAY_WAN,
                scores=None, mistakes: tuple[str, ...] = (), seed: int = 1,
                extra: dict | None = None):
    """A return filled the way an officer would (openpyxl), like the seed documents."""
    t = load_template()
    b = bind(t, fy, round_key)
    folder.mkdir(parents=True, exist_ok=True)
    blank = folder / f".blank-{org.code}-{round_key}.xlsx"
    blank.write_bytes(render_workbook(b, org, RenderOptions(fiscal_year=fy, round=round_key)))
    content = apply_mistakes(sample_content(b, random.Random(seed), round_key, scores=scores),
                             mistakes)
    content.org_fields.update(extra or {})
    dst = folder / f"{org.code}_{round_key}.xlsx"
    fill_workbook(blank, dst, b, content)
    blank.unlink()
    return dst, content, b


def body_texts(path: Path) -> list[str]:
    """Paragraphs and table cells in document order (a table gives its rows' texts)."""
    d = docx.Document(str(path))
    out = []
    for el in d.element.body.iterchildren():
        tag = el.tag.rsplit("}", 1)[-1]
        if tag == "p":
            out.append("".join(t.text or "" for t in el.iter() if t.tag.endswith("}t")))
        elif tag == "tbl":
            for tr in el.iter():
                if tr.tag.endswith("}tr"):
                    cells = []
                    for tc in tr:
                        if tc.tag.endswith("}tc"):
                            cells.append("".join(t.text or "" for t in tc.iter()
                                                 if t.tag.endswith("}t")))
                    out.append("\t".join(cells))
    return out


@pytest.fixture()
def huay_wan_plan(tmp_path):
    """Seed 000: Huay Wan's measures for FY 2565, analysing ITA 2564 (59.16, level D)."""
    return make_return(tmp_path / "returned", 2565, "plan", scores=SEED_SCORES)


def test_measures_document_has_the_workbooks_figures_in_the_seeds_order(huay_wan_plan,
                                                                        tmp_path):
    path, content, b = huay_wan_plan
    result = ita_xlsx.make_documents([path], tmp_path / "docs")
    assert not result.refused
    names = sorted(p.name for p in result.written)
    assert names == ["บันทึกข้อความ-มาตรการ-2565-เทศบาลตำบลห้วยวน.docx",
                     "มาตรการ-2565-เทศบาลตำบลห้วยวน.docx"]
    doc = tmp_path / "docs" / "มาตรการ-2565-เทศบาลตำบลห้วยวน.docx"
    texts = body_texts(doc)
    flat = "\n".join(texts)
    th = to_thai_digits
    assert "ประจำปีงบประมาณ พ.ศ. ๒๕๖๕" in flat and "เทศบาลตำบลห้วยวน อำเภอเชียงคำ" in flat
    assert f"มีผลคะแนน {th('59.16')} คะแนน อยู่ในระดับ D" in flat
    # The ten indicator scores, each on its indicator's row, with the issue the return gave.
    for ind, score in zip(b.analysis_fw.indicators, SEED_SCORES, strict=True):
        row = next(t for t in texts if t.startswith(th(ind.label) + "\t"))
        cells = row.split("\t")
        assert cells[1] == th(f"{score:.2f}")
        assert cells[2] == (th(content.issues[ind.number]) if ind.number in content.issues
                            else "-")
    total_row = next(t for t in texts if t.startswith("คะแนนรวม ITA"))
    assert total_row.split("\t")[1:] == [th("59.16"), "อยู่ในระดับ D"]
    # The measures, in the workbook's order, with owner and timeframe.
    measure_rows = [t.split("\t") for t in texts if t.count("\t") == 6 and not t.startswith("ที่")]
    assert len(measure_rows) == len(content.measures)
    for n, (row, m) in enumerate(zip(measure_rows, content.measures, strict=True), start=1):
        assert row[0] == th(str(n))
        assert row[2] == th(m["measure"]) and row[4] == th(m["owner"])
        assert row[5] == th(m["timeframe"])
    # Seed 000's order: title, part 1 (analysis, scores), part 2 (measures), closing block.
    at = {key: next(i for i, t in enumerate(texts) if t.startswith(key)) for key in (
        "มาตรการส่งเสริม", "๑. การวิเคราะห์", "จากผลการประเมิน", "ตัวชี้วัดของการประเมิน ITA",
        "๒. มาตรการ", "ที่\tเครื่องมือ", "ประกาศ ณ วันที่")}
    assert list(at.values()) == sorted(at.values())
    assert "ประกาศ ณ วันที่ ๑๕ มกราคม พ.ศ. ๒๕๖๕" in flat


def test_the_document_is_a4_portrait_in_th_sarabun_16(huay_wan_plan, tmp_path):
    path, _, _ = huay_wan_plan
    result = ita_xlsx.make_documents([path], tmp_path / "docs")
    d = docx.Document(str(result.written[0]))
    first = d.sections[0]
    assert round(first.page_width.cm, 1) == 21.0 and round(first.page_height.cm, 1) == 29.7
    assert round(first.left_margin.cm, 1) == 3.0 and round(first.right_margin.cm, 1) == 2.0
    normal = d.styles["Normal"]
    assert normal.font.name == "TH Sarabun New" and normal.font.size.pt == 16
    fonts = normal.element.rPr.rFonts
    assert fonts.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}cs") == \
        "TH Sarabun New"  # Thai is a complex script: without w:cs Word picks another font


def test_arabic_digits_on_request(huay_wan_plan, tmp_path):
    path, _, _ = huay_wan_plan
    ita_xlsx.make_documents([path], tmp_path / "docs", arabic_digits=True)
    flat = "\n".join(body_texts(tmp_path / "docs" / "มาตรการ-2565-เทศบาลตำบลห้วยวน.docx"))
    assert "มีผลคะแนน 59.16 คะแนน" in flat and "พ.ศ. 2565" in flat
    assert not any("๐" <= ch <= "๙" for ch in flat)


def test_memo_presents_the_measures_to_the_executive(tmp_path):
    path, content, _ = make_return(tmp_path / "r", 2565, "plan", scores=SEED_SCORES)
    ita_xlsx.make_documents([path], tmp_path / "docs")
    texts = body_texts(tmp_path / "docs" / "บันทึกข้อความ-มาตรการ-2565-เทศบาลตำบลห้วยวน.docx")
    flat = "\n".join(texts)
    assert texts[0] == "บันทึกข้อความ"
    assert flat.index("ส่วนราชการ") < flat.index("เรื่อง") < flat.index("เรียน")
    assert f"ได้คะแนน {to_thai_digits('59.16')} คะแนน" in flat
    assert f"จำนวน {to_thai_digits(str(len(content.measures)))} มาตรการ" in flat
    assert "(นางสาวยุภาวดี คำมี)" in flat  # the contact person of the workbook signs the memo


def test_results_report_counts_and_live_evidence_links(tmp_path):
    path, content, b = make_return(tmp_path / "r", 2570, "6", seed=4)
    result = ita_xlsx.make_documents([path], tmp_path / "docs", arabic_digits=True)
    assert not result.refused, result.refused
    report = next(p for p in result.written if p.name.startswith("รายงานผล"))
    d = docx.Document(str(report))
    flat = "\n".join(body_texts(report))
    done = sum(r["status"] == "ดำเนินการแล้วเสร็จ" for r in content.results)
    doing = sum(r["status"] == "อยู่ระหว่างดำเนินการ" for r in content.results)
    assert done + doing == len(content.measures)
    assert f"ดำเนินการแล้วเสร็จ {done} มาตรการ อยู่ระหว่างดำเนินการ {doing} มาตรการ" in flat
    assert "รอบ 6 เดือน (ตุลาคม 2569 – มีนาคม 2570)" in flat
    links = sorted(r.target_ref for r in d.part.rels.values() if r.is_external)
    assert links == sorted(r["evidence_url"] for r in content.results if r["evidence_url"])
    assert d.sections[0].page_width.cm > d.sections[0].page_height.cm  # A4 turned: wide table


def test_returns_with_errors_are_refused_with_reasons_unless_forced(tmp_path):
    path, _, _ = make_return(tmp_path / "r", 2570, "plan", mistakes=("owner-missing",))
    runner = CliRunner()
    out = tmp_path / "docs"
    res = runner.invoke(main, ["docs", str(path), "--out", str(out)])
    assert res.exit_code == 1
    assert "ไม่ได้ทำเอกสารของ เทศบาลตำบลห้วยวน" in res.output
    assert "G5" in res.output and "--force" in res.output
    assert not out.exists() or not list(out.iterdir())
    res = runner.invoke(main, ["docs", str(path), "--out", str(out), "--force"])
    assert res.exit_code == 0, res.output
    assert len(list(out.glob("*.docx"))) == 2
    res = runner.invoke(main, ["docs", str(path), "--out", str(out), "--lang", "en"])
    assert res.exit_code == 1
    assert "No documents for" in res.output and "G5" in res.output


def test_existing_documents_are_kept_without_force(huay_wan_plan, tmp_path):
    path, _, _ = huay_wan_plan
    out = tmp_path / "docs"
    first = ita_xlsx.make_documents([path], out)
    stamp = {p: p.read_bytes() for p in first.written}
    again = ita_xlsx.make_documents([path], out, arabic_digits=True)
    assert not again.written and sorted(again.existing) == sorted(first.written)
    assert {p: p.read_bytes() for p in first.written} == stamp


def test_wording_comes_from_a_document_template_the_user_can_replace(huay_wan_plan, tmp_path):
    from importlib import resources

    path, _, _ = huay_wan_plan
    text = resources.files("ita_xlsx").joinpath("document_templates", "measures.toml"
                                                ).read_text(encoding="utf-8")
    mine = tmp_path / "my-measures.toml"
    mine.write_text(text.replace("มาตรการส่งเสริมคุณธรรมและความโปร่งใสภายในหน่วยงาน\",",
                                 "ประกาศ{org_name} เรื่อง มาตรการส่งเสริมคุณธรรม\","),
                    encoding="utf-8")
    res = CliRunner().invoke(main, ["docs", str(path), "--out", str(tmp_path / "d"),
                                    "--doc-template", str(mine)])
    assert res.exit_code == 0, res.output
    texts = body_texts(tmp_path / "d" / "มาตรการ-2565-เทศบาลตำบลห้วยวน.docx")
    assert texts[0] == "ประกาศเทศบาลตำบลห้วยวน เรื่อง มาตรการส่งเสริมคุณธรรม"
    bad = tmp_path / "bad.toml"
    bad.write_text(text.replace("{org_name} อำเภอ", "{org_nmae} อำเภอ"), encoding="utf-8")
    res = CliRunner().invoke(main, ["docs", str(path), "--out", str(tmp_path / "e"),
                                    "--doc-template", str(bad)])
    assert res.exit_code == 2
    assert "แบบเอกสารใช้ไม่ได้" in res.output and "{org_nmae}" in res.output
    assert "Traceback" not in res.output


def test_pdf_without_libreoffice_says_so_in_thai(huay_wan_plan, tmp_path, monkeypatch):
    path, _, _ = huay_wan_plan
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))  # no soffice to be found
    monkeypatch.delenv("PROGRAMFILES", raising=False)
    res = CliRunner().invoke(main, ["docs", str(path), "--out", str(tmp_path / "d"), "--pdf"])
    assert res.exit_code == 0
    assert "ไม่พบโปรแกรม LibreOffice" in res.output
    assert len(list((tmp_path / "d").glob("*.docx"))) == 2
