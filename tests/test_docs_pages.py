"""The documents as signed on paper (issue 18): printed through LibreOffice, each page read back
with pdftotext and rasterised with pdftoppm. The ประกาศ and its date and signature on one page
with body text, page numbers from page 2, rows never split, every evidence URL whole, ที่ and
เรียน carried from the organisation's earlier return, the approval blocks, and the office's
emblem at its size (a plain PNG stands in for it: the tool never ships one)."""

from __future__ import annotations

import re
import struct
import subprocess
import zlib
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner
from test_docs import make_return
from test_docs_render import check_pages

import ita_xlsx
from ita_xlsx.cli.main import main
from ita_xlsx.make.simulate import SEED_SCORES
from ita_xlsx.thai import to_thai_digits

pytestmark = pytest.mark.libreoffice
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
RED = (0x90, 0x18, 0x18)  # the stand-in emblem's colour, found again on the page raster
DPI = 100
PREFIX = "พย 52301"
SITE = "https://www.huaywon.go.th"


def png(width: int, height: int, rgb=RED) -> bytes:
    """A plain one-colour PNG (no imaging library needed)."""
    row = b"\x00" + bytes(rgb) * width
    raw = row * height

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    return (b"\x89PNG\r\n\x1a\n"
            + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def page_lines(pdf: Path) -> list[list[str]]:
    """Each page's lines in reading order (pdftotext -raw: a table cell by cell)."""
    n = int(re.search(r"Pages:\s+(\d+)", subprocess.run(
        ["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout).group(1))
    out = []
    for p in range(1, n + 1):
        text = subprocess.run(["pdftotext", "-raw", "-f", str(p), "-l", str(p), str(pdf), "-"],
                              capture_output=True, text=True, check=True).stdout
        out.append([line.strip() for line in text.splitlines() if line.strip()])
    return out


def flat(lines: list[str]) -> str:
    return re.sub(r"\s+", "", "".join(lines))


def red_box_cm(pdf: Path, page: int) -> tuple[float, float, float, float] | None:
    """(left, top, width, height) in cm of the stand-in emblem's pixels on a page."""
    stem = pdf.with_name(f"{pdf.stem}-red")
    subprocess.run(["pdftoppm", "-r", str(DPI), "-f", str(page), "-l", str(page), str(pdf),
                    str(stem)], check=True)
    (f,) = sorted(pdf.parent.glob(stem.name + "-*.ppm"))
    data = f.read_bytes()
    f.unlink()
    magic, w, h, _max, rest = data.split(maxsplit=4)
    assert magic == b"P6"
    w, h = int(w), int(h)
    px = rest[-w * h * 3:]
    xs, ys = [], []
    for y in range(0, h, 2):
        line = px[y * w * 3:(y + 1) * w * 3]
        for x in range(0, w, 2):
            r, g, b = line[3 * x], line[3 * x + 1], line[3 * x + 2]
            if r > 110 and g < 60 and b < 60:
                xs.append(x)
                ys.append(y)
    if not xs:
        return None
    cm = DPI / 2.54
    return min(xs) / cm, min(ys) / cm, (max(xs) - min(xs)) / cm, (max(ys) - min(ys)) / cm


@pytest.fixture(scope="module")
def printed(tmp_path_factory, soffice):
    """A round folder whose settings name the office's emblem; Huay Wan's plan return (with
    ที่ and the website) and its 6-month return (without them); the documents and their PDFs."""
    root = tmp_path_factory.mktemp("print")
    (root / "ครุฑ.png").write_bytes(png(100, 110))
    (root / "ita-settings.toml").write_text(
        '[documents]\nemblem = "ครุฑ.png"\n', encoding="utf-8")
    returned = root / "returned"
    signer = {"signer_name": "นายสมหมาย ตัวอย่าง", "signer_position": "นายกเทศมนตรีตำบลห้วยวน",
              "doc_prefix": PREFIX, "website": SITE}
    plan, plan_content, _ = make_return(returned, 2570, "plan", scores=SEED_SCORES, seed=7,
                                        extra=signer)
    _six, content, _ = make_return(returned, 2570, "6", seed=4)
    res = CliRunner().invoke(main, ["docs", str(plan), "--out", str(root / "docs")])
    assert res.exit_code == 0, res.output
    # The folder holds both: validate counts the 6-month return; the plan return is not
    # counted in a 6-month round, yet what it says of the organisation is carried over.
    res = CliRunner().invoke(main, ["docs", str(returned), "--out", str(root / "docs")])
    assert res.exit_code == 0, res.output
    docs = {p.name.split("-")[0] + ("-6" if "-6-" in p.name or "รอบ_6" in p.name else ""): p
            for p in (root / "docs").glob("*.docx")}
    pdfs = {k: soffice(p, "pdf", root / "pdf") for k, p in docs.items()}
    return root, docs, pdfs, plan_content, content, res.output


def test_the_announcement_is_signed_on_its_first_page(printed):
    _root, docs, pdfs, content, _, _out = printed
    pages = page_lines(pdfs["มาตรการ"])
    first = flat(pages[0])
    # The ประกาศ head, a preamble, the date line and the signature: one page, with body text.
    assert first.startswith("ประกาศเทศบาลตำบลห้วยวนเรื่องมาตรการส่งเสริมคุณธรรม")
    assert "ตามที่สำนักงานคณะกรรมการป้องกันและปราบปรามการทุจริตแห่งชาติ" in first
    assert "จึงประกาศให้ทราบโดยทั่วกัน" in first
    assert "ประกาศณวันที่๑๕มกราคมพ.ศ.๒๕๗๐" in first
    assert "(นายสมหมายตัวอย่าง)นายกเทศมนตรีตำบลห้วยวน" in first
    assert not any("(นายสมหมาย" in flat(p) for p in pages[1:])
    # The attachment follows on page 2: the analysis and the measures.
    assert flat(pages[1]).startswith("-2-")  # see test_page_numbers
    assert "เอกสารแนบท้ายประกาศเทศบาลตำบลห้วยวน" in flat(pages[1])
    everything = "".join(flat(p) for p in pages)
    assert f"จำนวน{to_thai_digits(str(len(content.measures)))}มาตรการ" in everything
    check_pages(pdfs["มาตรการ"])


def test_page_numbers_run_from_page_2_at_the_top_centre(printed):
    """Page 1 carries none; every later page starts with "- n -". LibreOffice, opening the
    .docx itself, shows Arabic digits (it reads Word's Thai-digit switch as Thai letters, so
    it is given a plain field); Word shows "- ๒ -" from the field kept for it, and so do the
    PDFs the tool makes (the next test)."""
    _root, docs, pdfs, _, _, _ = printed
    for key in ("มาตรการ", "รายงานผล-6", "บันทึกข้อความ"):
        pages = page_lines(pdfs[key])
        assert not re.fullmatch(r"-\s*1\s*-", pages[0][0])
        for n, lines in enumerate(pages[1:], start=2):
            assert re.fullmatch(rf"-\s*{n}\s*-", lines[0]), (key, n, lines[0])
    header = docx.Document(str(docs["มาตรการ"])).sections[0].header._element
    xml = header.xml
    assert "PAGE \\* ThaiArabic" in xml and 'Requires="w15"' in xml
    assert docx.Document(str(docs["มาตรการ"])).sections[0].different_first_page_header_footer


def _header_glyphs(pdf: Path, page: int) -> list[frozenset[tuple[int, int]]]:
    """The ink of the top 2 cm of a page (300 dpi) cut at blank columns into glyphs, each as
    its pixels from its own corner (so where the text starts does not count, only shapes)."""
    dpi = 300
    data = subprocess.run(["pdftoppm", "-f", str(page), "-l", str(page), "-r", str(dpi),
                           "-gray", "-x", "0", "-y", "0", "-W", "4000",
                           "-H", str(int(2.0 / 2.54 * dpi)), str(pdf)],
                          capture_output=True, check=True).stdout
    _magic, size, _max, pixels = data.split(b"\n", 3)  # P5 (binary grey): header, then bytes
    width = int(size.split()[0])
    ink = {divmod(i, width) for i, v in enumerate(pixels) if v < 128}
    columns = sorted({c for _, c in ink})
    runs = [[columns[0]]]
    for c in columns[1:]:
        if c - runs[-1][-1] <= 2:
            runs[-1].append(c)
        else:
            runs.append([c])
    glyphs = []
    for run in runs:
        pts = {(r, c) for r, c in ink if run[0] <= c <= run[-1]}
        top = min(r for r, _ in pts)
        glyphs.append(frozenset((r - top, c - run[0]) for r, c in pts))
    return glyphs


def test_the_pdfs_the_tool_makes_number_pages_in_thai_digits(tmp_path, soffice):
    """``docs --pdf`` prints "- ๒ -", as Word does: page 2's header is drawn exactly as a
    header holding the literal text "- ๒ -"; with --arabic-digits, "- 2 -"."""
    import copy

    from ita_xlsx.documents.pdf import to_pdf

    path, _, _ = make_return(tmp_path / "returned", 2570, "6", seed=4)
    result = ita_xlsx.make_documents([path], tmp_path / "d", pdf=True)
    assert result.pdf_problem is None
    doc = next(p for p in result.written if p.name.startswith("รายงานผล"))
    ours = next(p for p in result.pdf if p.stem == doc.stem)
    assert len(page_lines(ours)) >= 2
    # The same document whose header holds the literal text, printed the same way.
    reference = docx.Document(str(doc))
    p = reference.sections[0].header.paragraphs[0]._p
    first_rpr = copy.deepcopy(next(p.iter(f"{W}r")).find(f"{W}rPr"))
    for child in list(p):
        if child.tag != f"{W}pPr":
            p.remove(child)
    literal = docx.oxml.OxmlElement("w:r")
    literal.append(first_rpr)
    t = docx.oxml.OxmlElement("w:t")
    t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    t.text = "- ๒ -"
    literal.append(t)
    p.append(literal)
    (tmp_path / "ref").mkdir()
    reference.save(str(tmp_path / "ref" / doc.name))
    (ref_pdf,), problem = to_pdf([tmp_path / "ref" / doc.name], tmp_path / "ref")
    assert problem is None
    (arabic_pdf,), _ = to_pdf([doc], tmp_path / "arabic", thai_digits=False)
    want = _header_glyphs(ref_pdf, 2)
    assert len(want) == 3  # "-", "๒", "-"
    assert _header_glyphs(ours, 2) == want
    assert _header_glyphs(arabic_pdf, 2) != want


def test_table_rows_never_split_and_headings_repeat(printed):
    _root, docs, pdfs, content, six, _ = printed
    for key in ("มาตรการ", "รายงานผล-6"):
        body = docx.Document(str(docs[key])).element.body
        for tbl in body.iter(f"{W}tbl"):
            rows = tbl.findall(f"{W}tr")
            assert all(r.find(f"{W}trPr/{W}cantSplit") is not None for r in rows), key
            first = rows[0].find(f"{W}trPr/{W}tblHeader")
            assert first is not None and first.get(f"{W}val") == "true"
    # On paper: each measure's method is read whole on one page (a split row would carry
    # its end over to the next).
    pages = [flat(p) for p in page_lines(pdfs["มาตรการ"])]
    for m in content.measures:
        method = re.sub(r"\s+", "", to_thai_digits(m["method"]))
        assert sum(method in p for p in pages) == 1, m["method"]


def test_every_evidence_url_prints_whole_on_one_line(printed):
    _root, _docs, pdfs, _, six, _ = printed
    lines = [line for page in page_lines(pdfs["รายงานผล-6"]) for line in page]
    urls = [r["evidence_url"] for r in six.results if r["evidence_url"]]
    assert urls
    for url in urls:
        assert any(url in line.replace(" ", "") for line in lines), url
        # ... and not cut: no line ends inside it
        assert not any(line.endswith(url[: len(url) // 2]) for line in lines)


def test_results_report_signature_page_has_body_text_and_columns(printed):
    _root, _docs, pdfs, _, six, _ = printed
    pages = page_lines(pdfs["รายงานผล-6"])
    (sig,) = [flat(p) for p in pages if "ผู้รายงาน" in flat(p)]
    assert "รายงานณวันที่" in sig and "หลักฐานการดำเนินการ" in sig
    head = flat(pages[0])
    assert "ผู้รับผิดชอบ" in head and "ระยะเวลา" in head  # seed 002 keeps both columns
    assert "ยังไม่ดำเนินการ๐" not in "".join(flat(p) for p in pages)


def test_memos_carry_reference_addressee_and_approvals(printed):
    """The 6-month return leaves ที่ and the website blank; the plan return of the same
    organisation gave them: the 6-month memo is headed with them. เรียน is the executive of the
    organisation. Each memo ends with the ปลัด's and the executive's blocks."""
    _root, docs, pdfs, _, _, _ = printed
    ref = to_thai_digits(PREFIX)
    for key in ("บันทึกข้อความ", "บันทึกข้อความ-6"):
        pages = page_lines(pdfs[key])
        text = "".join(flat(p) for p in pages)
        assert f"ที่{ref.replace(' ', '')}/" in text, key
        assert "เรียนนายกเทศมนตรีตำบลห้วยวน" in text
        assert "ส่วนราชการสำนักปลัดเทศบาลตำบลห้วยวนโทร" in text
        assert "ความเห็นของปลัดเทศบาลตำบลห้วยวน" in text
        assert "ความเห็นของนายกเทศมนตรีตำบลห้วยวน" in text
        # the writer's signature is on a page with body text (the closing line at least)
        (sig,) = [flat(p) for p in pages if "(นางสาวยุภาวดีคำมี)" in flat(p)]
        assert "จึงเรียนมาเพื่อโปรด" in sig
    six = "".join(flat(p) for p in page_lines(pdfs["บันทึกข้อความ-6"]))
    assert "อนุมัติ" in six and "ไม่อนุมัติ" in six and SITE in six


def test_the_emblem_is_printed_at_its_size(printed):
    """About 3 cm tall at the head of the ประกาศ, centred; 1.5 cm at the left of the memo."""
    _root, _docs, pdfs, _, _, out = printed
    x, y, w, h = red_box_cm(pdfs["มาตรการ"], 1)
    assert abs(h - 3.0) < 0.2 and abs((x + w / 2) - (3.0 + 16.0 / 2)) < 0.3
    x, y, w, h = red_box_cm(pdfs["บันทึกข้อความ"], 1)
    assert abs(h - 1.5) < 0.15 and abs(x - 3.0) < 0.5
    assert red_box_cm(pdfs["มาตรการ"], 2) is None  # only at the head
    assert "ไม่ได้ระบุภาพตราครุฑ" not in out


def test_the_publication_request_form_is_made_beside_each_document(printed):
    _root, docs, pdfs, _, _, _ = printed
    for key in ("ขออนุญาตเผยแพร่", "ขออนุญาตเผยแพร่-6"):
        text = "".join(flat(p) for p in page_lines(pdfs[key]))
        assert text.startswith("แบบฟอร์มการขออนุญาตเผยแพร่ข้อมูลผ่านเว็บไซต์ของหน่วยงาน")
        for label in ("ชื่อหน่วยงาน", "หัวข้อ", "รายละเอียดข้อมูล", "ผู้รับผิดชอบการให้ข้อมูล",
                      "ผู้อนุมัติรับรอง", "ผู้รับผิดชอบการนำข้อมูลขึ้นเผยแพร่"):
            assert label in text, (key, label)
        assert SITE in text
        check_pages(pdfs[key])
    six = "".join(flat(p) for p in page_lines(pdfs["ขออนุญาตเผยแพร่-6"]))
    assert "รายงานผลการดำเนินการตามมาตรการ" in six and "รอบ๖เดือน" in six


def test_without_an_emblem_the_space_is_kept_and_the_command_says_once(tmp_path, soffice):
    path, _, _ = make_return(tmp_path / "r", 2570, "plan", scores=SEED_SCORES)
    res = CliRunner().invoke(main, ["docs", str(path), "--out", str(tmp_path / "d")])
    assert res.exit_code == 0, res.output
    assert res.output.count("ไม่ได้ระบุภาพตราครุฑ") == 1 and "[documents]" in res.output
    measures = next((tmp_path / "d").glob("มาตรการ-*.docx"))
    pdf = soffice(measures, "pdf", tmp_path / "pdf")
    from test_docs_render import ink_box, pages

    w, h, px = next(pages(pdf))
    _x0, y0, _x1, _y1 = ink_box(w, h, px)
    assert y0 > 2.5 + 2.8  # the title starts under the 3 cm kept for the emblem
    res = CliRunner().invoke(main, ["docs", str(path), "--out", str(tmp_path / "e"),
                                    "--emblem", str(tmp_path / "nothing.png")])
    assert res.exit_code == 2 and "Traceback" not in res.output


def test_a_bad_emblem_file_is_said_in_thai(tmp_path):
    path, _, _ = make_return(tmp_path / "r", 2570, "plan", scores=SEED_SCORES)
    bad = tmp_path / "ครุฑ.png"
    bad.write_text("not an image", encoding="utf-8")
    res = CliRunner().invoke(main, ["docs", str(path), "--out", str(tmp_path / "d"),
                                    "--emblem", str(bad)])
    assert res.exit_code == 2, res.output
    assert "ไม่ใช่ภาพ PNG" in res.output and "Traceback" not in res.output
    assert not (tmp_path / "d").exists() or not list((tmp_path / "d").iterdir())


def test_the_emblem_can_come_from_the_offices_letterhead(tmp_path):
    letter = docx.Document()
    import io

    letter.add_paragraph().add_run().add_picture(io.BytesIO(png(40, 44)))
    letter.save(str(tmp_path / "แบบบันทึกข้อความ.docx"))
    (tmp_path / "ita-settings.toml").write_text(
        '[documents]\nletterhead = "แบบบันทึกข้อความ.docx"\n', encoding="utf-8")
    path, _, _ = make_return(tmp_path / "returned", 2570, "plan", scores=SEED_SCORES)
    result = ita_xlsx.make_documents([tmp_path / "returned"], tmp_path / "d")
    assert result.emblem.startswith(str(tmp_path / "แบบบันทึกข้อความ.docx"))
    memo = next(p for p in result.written if p.name.startswith("บันทึกข้อความ"))
    blips = [r for r in docx.Document(str(memo)).part.rels.values() if "image" in r.reltype]
    assert len(blips) == 1 and blips[0].target_part.blob == png(40, 44)
