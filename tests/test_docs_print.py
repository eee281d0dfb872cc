"""The consolidated report on paper: A4 at a readable scale, rows tall enough for Thai, dates
as dd/mm/BBBB, Thai names for rounds and severities, a totals block, integer count axes,
every indicator labelled, scores from 0; and the report still reads back the same."""

from __future__ import annotations

import re
import zipfile

import openpyxl
import pytest
from test_docs_district import district_round  # noqa: F401 - the fixture, shared
from test_docs_render import ISO_DATE, pages, pdf_text

import ita_xlsx
from ita_xlsx.consolidation.merge import load_report
from ita_xlsx.spec.report_layout import sheet_names
from ita_xlsx.spec.template import load_template


def _sheets_xml(path):
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n).decode("utf-8") for n in z.namelist()
                if n.startswith(("xl/worksheets/sheet", "xl/charts/chart"))}


def test_summary_has_totals_thai_rounds_and_be_dates(district_round):  # noqa: F811
    _root, report = district_round
    wb = openpyxl.load_workbook(report)
    ws = wb["สรุป"]
    block = {ws.cell(r, 1).value: ws.cell(r, 3).value for r in range(4, 8)}
    assert block["ส่งแล้ว"] == "3 จาก 4 หน่วยงาน"
    assert block["ผ่าน"].startswith("2 แห่ง") and "ยังไม่ส่ง 1" in block["ผ่าน"]
    head = next(r for r in range(1, 20) if ws.cell(r, 1).value == "รหัส")
    cols = {ws.cell(head, c).value: c for c in range(1, 30) if ws.cell(head, c).value}
    first = ws.cell(head + 1, cols["รอบ"]).value, ws.cell(head + 1, cols["วันที่รายงาน"]).value
    assert first == ("รอบ 6 เดือน", "15/04/2570")  # the vocabulary's round
    # Thai needs about 1.7 x the font size: every printed row is at least that tall.
    for r in range(head + 1, head + 5):
        assert ws.row_dimensions[r].height >= 14 * 1.6
    assert ws.print_area and ws.print_area.endswith(f"${ws.max_row}")
    findings = wb["ข้อค้นพบ"]
    col = next(c for c in range(1, 20) if findings.cell(4, c).value == "ระดับ")
    severities = {findings.cell(r, col).value for r in range(5, findings.max_row + 1)} - {None}
    assert severities and severities <= {"ข้อผิดพลาด", "ข้อเตือน", "ข้อสังเกต"}


def test_every_sheet_prints_on_a4_at_a_readable_scale(district_round):  # noqa: F811
    _root, report = district_round
    for name, xml in _sheets_xml(report).items():
        if not name.startswith("xl/worksheets/") or "paperSize" not in xml:
            continue
        setup = re.search(r"<pageSetup[^>]*>", xml).group(0)
        assert 'paperSize="9"' in setup, name
        # Fitted to N pages wide, N chosen so that the scale stays >= 70 % (see
        # print_layout.setup_page); the estimate is checked there, the file here.
        assert re.search(r"<pageSetUpPr fitToPage=\"1\"", xml), name
        # one page tall only for the summary (up to 25 organisations: one sheet of paper)
        # and the indicator sheet when it fits one page at 70 % (a district's does)
        assert 'fitToHeight="0"' in setup or name.endswith(("sheet1.xml", "sheet2.xml")), name


def test_chart_axes_are_integer_counts_and_scores_from_zero(district_round):  # noqa: F811
    _root, report = district_round
    charts = [x for n, x in _sheets_xml(report).items() if n.startswith("xl/charts/")]
    assert len(charts) == 4  # levels, weakest indicators, results, and the OIT items most missing
    for xml in charts:
        assert '<c:tickLblSkip val="1"/>' in xml  # every indicator / organisation labelled
        val_ax = xml[xml.index("<c:valAx>"):]
        assert '<c:min val="0"/>' in val_ax
        unit = re.search(r'<c:majorUnit val="([\d.]+)"/>', val_ax)
        assert unit and float(unit.group(1)).is_integer()
    scores = next(x for x in charts if "คะแนนเฉลี่ยรายตัวชี้วัด" in x)
    assert '<c:max val="100"/>' in scores


def test_english_labels_with_lang_en(district_round, tmp_path):  # noqa: F811
    root, _ = district_round
    result = ita_xlsx.consolidate([root / "returned"], orgs=root / "orgs.csv")
    out = ita_xlsx.write_consolidated(result, tmp_path / "en.xlsx", lang="en")
    wb = openpyxl.load_workbook(out)
    ws = wb["Summary"]
    assert ws["A4"].value == "Returned" and ws["C4"].value == "3 of 4 organisations"
    findings = wb["Findings"]
    col = next(c for c in range(1, 20) if findings.cell(4, c).value == "Severity")
    assert {findings.cell(r, col).value for r in range(5, findings.max_row + 1)} - {None} <= {
        "Error", "Warning", "Note"}


def test_report_still_reads_back_as_keys(district_round):  # noqa: F811
    root, report = district_round
    entries, _meta = load_report(report, load_template())
    direct = {e.org_code: e for e in ita_xlsx.consolidate(
        [root / "returned"], orgs=root / "orgs.csv").entries}
    entries = [e for e in entries if e.status != "missing"]
    assert entries
    for e in entries:
        assert e.recorded == direct[e.org_code].recorded  # ISO again, not 15/04/2570
        assert e.round == direct[e.org_code].round == "6"
        assert {f["severity"] for f in e.findings} <= {"error", "warning", "info"}
    # A province merging the district's report keeps the same figures.
    again = ita_xlsx.consolidate([report])
    assert sorted((e.org_code, e.total, e.recorded) for e in again.entries
                  if e.status != "missing") == sorted(
        (e.org_code, e.total, e.recorded) for e in entries)


@pytest.mark.libreoffice
def test_report_printed_through_libreoffice(district_round, soffice, tmp_path):  # noqa: F811
    _root, report = district_round
    pdf = soffice(report, "pdf", tmp_path / "pdf")
    text = pdf_text(pdf)
    assert "สรุปการส่งแบบรายงานมาตรการITA" in text and "ส่งแล้ว3จาก4หน่วยงาน" in text
    assert "15/04/2570" in text and not ISO_DATE.search(text)
    assert "plan" not in text.lower()
    assert not re.search(r"(?<![a-z-])(error|warning)(?![a-z-])", text.lower())
    for n, (w, h, px) in enumerate(pages(pdf), start=1):
        assert min(px) < 160, f"page {n} is blank"
        assert sorted((round(w / 40 * 2.54), round(h / 40 * 2.54))) == [21, 30]


def test_pass_labels_in_english_and_back(district_round, tmp_path):  # noqa: F811
    """ITA 2569 gives pass labels: an English report names them in English (summary, score
    grid, level chart), the Thai one in Thai, and an English report reads back to Thai."""
    from python_calamine import CalamineWorkbook

    root, thai = district_round
    fw = ita_xlsx.bind_template(load_template(), fiscal_year=2570, round="6").analysis_fw
    english_names = {r.label_en for r in fw.pass_labels}
    thai_names = {r.label for r in fw.pass_labels}
    assert all(english_names) and not english_names & thai_names
    result = ita_xlsx.consolidate([root / "returned"], orgs=root / "orgs.csv")
    levels = {e.level for e in result.entries if e.level}
    assert levels and levels <= thai_names
    en = tmp_path / "en.xlsx"
    ita_xlsx.write_consolidated(result, en, lang="en")
    names = sheet_names("en")
    cells = {str(c) for sheet in (names["summary"], names["scores"], names["charts"])
             for r in CalamineWorkbook.from_path(str(en)).get_sheet_by_name(sheet).to_python()
             for c in r}
    shown = {fw.result_text(lv, "en") for lv in levels}
    assert shown <= english_names and shown <= cells
    assert not thai_names & cells
    th_cells = {str(c) for r in CalamineWorkbook.from_path(str(thai)).get_sheet_by_name(
        "สรุป").to_python() for c in r}
    assert levels <= th_cells
    back, _meta = load_report(en, load_template())
    assert {e.level for e in back if e.level} == levels


DEMO_REPORT_PAGES = 32  # the demo (9 organisations): 40 pages before issue 18, 26 after, +4 OIT grid


def _pdf_pages(pdf) -> list[str]:
    import subprocess

    n = int(re.search(r"Pages:\s+(\d+)", subprocess.run(
        ["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout).group(1))
    return [subprocess.run(["pdftotext", "-f", str(p), "-l", str(p), str(pdf), "-"],
                           capture_output=True, text=True, check=True).stdout
            for p in range(1, n + 1)]


@pytest.fixture(scope="module")
def demo_out(tmp_path_factory):
    from click.testing import CliRunner

    from ita_xlsx.cli.main import main

    out = tmp_path_factory.mktemp("demo") / "demo"
    res = CliRunner().invoke(main, ["demo", "--out", str(out)])
    assert res.exit_code == 0, res.output
    return out


@pytest.mark.libreoffice
def test_the_demos_report_prints_in_few_pages_without_machine_words(demo_out, tmp_path,
                                                                     soffice):
    """What a district office files: the summary on one page, then the indicators, the issues,
    the lists one page wide, the charts; no finding codes, template ids or tool names, the
    ข้อ numbers apart from the indicator names."""
    pdf = soffice(demo_out / "4-district-report.xlsx", "pdf", tmp_path / "pdf")
    pages = _pdf_pages(pdf)
    assert len(pages) <= DEMO_REPORT_PAGES, len(pages)
    sheets = [(re.findall(r"· (\S+)\s", p) or [""])[-1] for p in pages]  # the footer names it
    assert sheets.count("สรุป") == 1 and sheets[0] == "สรุป"
    assert sheets.count("ตัวชี้วัด") + sheets.count("ตัวชีว้") == 1  # one page of scores
    text = "".join(pages)
    words = re.sub(r"\S*[/\\]\S*", "", text)  # file paths (the files sheet) are not words
    assert not re.search(r"\b[a-z]+-[a-z]+(?:-[a-z]+)*\b", words)  # indicator-uncovered …
    assert "ita-xlsx" not in text and "ita-measures" not in text
    flat = re.sub(r"\s+", "", text)
    # The issues sheet: the number in its ข้อ column, the name alone beside it (it printed
    # "1010. การป้องกันการทุจริต" when the name carried its number too).
    issues = re.sub(r"\s+", "", "".join(p for p, s in zip(pages, sheets, strict=True)
                                       if s == "ประเด็นที่ต้องแก้ไข"))
    assert "การป้องกันการทุจริต" in issues
    assert not re.search(r"\d\.การ(?:ป้องกัน|เปิดเผย|ใช้)", issues)
    assert flat
    # the summary's 9 organisations, all on page 1
    codes = re.findall(r"\b656010\d\b", pages[0])
    assert len(set(codes)) == 9


@pytest.mark.libreoffice
def test_a_summary_of_25_organisations_prints_on_one_page_at_70_percent(tmp_path, soffice):
    """25 organisations listed (3 returned): one page, every code on it, rows at least 70 % of
    their height in the workbook (the pitch between rows on paper)."""
    import subprocess

    from test_docs import make_return

    from ita_xlsx.core.records import Org
    from ita_xlsx.make.print_layout import row_height

    names = ["เทศบาลตำบลห้วยวน", "องค์การบริหารส่วนตำบลร่มเย็น", "องค์การบริหารส่วนตำบลเชียงบาน"]
    orgs = [Org(code=f"65601{n:02d}", name=f"{names[n % 3]}{n}", type="อบต.",
                district="เชียงคำ", province="พะเยา") for n in range(1, 26)]
    lines = ["code,name,type,district,province,email"]
    lines += [f"{o.code},{o.name},{o.type},{o.district},{o.province}," for o in orgs]
    (tmp_path / "orgs.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    for i in range(3):
        make_return(tmp_path / "returned", 2570, "6", orgs[i], seed=i + 1)
    result = ita_xlsx.consolidate([tmp_path / "returned"], orgs=tmp_path / "orgs.csv")
    report = ita_xlsx.write_consolidated(result, tmp_path / "report.xlsx")
    pdf = soffice(report, "pdf", tmp_path / "pdf")
    bbox = subprocess.run(["pdftotext", "-bbox", "-f", "1", "-l", "1", str(pdf), "-"],
                          capture_output=True, text=True, check=True).stdout
    tops = {w: float(y) for y, w in re.findall(r'yMin="([\d.]+)"[^>]*>(65601\d\d)<', bbox)}
    assert len(tops) == 25  # every organisation on page 1
    ys = sorted(tops.values())
    pitch = min(b - a for a, b in zip(ys, ys[1:], strict=False))
    assert pitch / row_height(14) >= 0.70, pitch
    page2 = _pdf_pages(pdf)[1]
    assert re.findall(r"· (\S+)\s", page2)[-1] != "สรุป"


@pytest.mark.libreoffice
def test_the_instructions_sheet_prints_whole_and_says_what_the_round_holds(tmp_path, soffice):
    """A 6-month workbook made from the organisation list alone has no measures in it: its
    instructions do not say they are pre-filled. On paper the sheet is one page wide: every
    line's end is printed (it was cut at the right margin)."""
    from click.testing import CliRunner

    from ita_xlsx.cli.main import main

    orgs = tmp_path / "orgs.csv"
    orgs.write_text("code,name,type,district,province,email\n"
                    "6560101,เทศบาลตำบลห้วยวน,เทศบาลตำบล,เชียงคำ,พะเยา,\n", encoding="utf-8")
    res = CliRunner().invoke(main, ["new", "--orgs", str(orgs), "--year", "2570", "--round",
                                    "6", "--out", str(tmp_path / "wb")])
    assert res.exit_code == 0, res.output
    (made,) = list((tmp_path / "wb").glob("*.xlsx"))
    guide = openpyxl.load_workbook(made)["คำชี้แจง"]
    lines = [c.value for c in guide["A"] if c.value]
    text = "\n".join(lines)
    assert "รอบ 6 เดือน" in text and "กรอกไว้ให้แล้ว" not in text
    assert "กรอกมาตรการของหน่วยงานตามที่ประกาศไว้ในรอบแผน" in text
    pdf = soffice(made, "pdf", tmp_path / "pdf")
    from test_docs_render import CM, ink_box

    w, h, px = next(pages(pdf))
    assert w < h  # portrait
    x0, _y0, x1, _y1 = ink_box(w, h, px)
    # the text ends inside the right margin (0.4 in): a cut line runs up to the page's edge
    assert x1 < w / CM - 1.0 and x0 > 0.8, (x0, x1)
    first = re.sub(r"\s+", "", _pdf_pages(pdf)[0])
    assert "กรอกมาตรการของหน่วยงานตามที่ประกาศไว้ในรอบแผน" in first
    footer = "".join(_pdf_pages(pdf))
    assert "ita-measures" not in footer and "แบบรายงานรุ่นที่" in footer


def test_the_check_report_hides_finding_codes_on_paper(tmp_path):
    from test_docs import make_return

    path, _, _ = make_return(tmp_path / "r", 2570, "plan", mistakes=("owner-missing",))
    report = ita_xlsx.validate([path])
    out = tmp_path / "check.xlsx"
    ita_xlsx.write_check_report(report, out)
    ws = openpyxl.load_workbook(out)["ข้อค้นพบ"]
    col = next(c for c in range(1, 20) if ws.cell(4, c).value == "รหัสปัญหา")
    letter = openpyxl.utils.get_column_letter(col)
    assert ws.column_dimensions[letter].hidden  # kept for filters, not printed
    assert any(ws.cell(r, col).value == "required-missing" for r in range(5, ws.max_row + 1))


def _only_sheet(src, keep: int, dst) -> None:
    """A copy of a workbook that lists only its sheet ``keep`` (and the very hidden sheets
    the charts read): LibreOffice prints hidden sheets too, so the others are unlisted."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item)
            if item.filename == "xl/workbook.xml":
                xml = data.decode("utf-8")
                tags = re.findall(r"<sheet [^>]*/>", xml)
                kept = [i for i, t in enumerate(tags) if i == keep or "veryHidden" in t]
                index = {old: new for new, old in enumerate(kept)}
                xml = xml.replace("".join(tags), "".join(tags[i] for i in kept))

                def renumber(m, index=index):
                    local = re.search(r'localSheetId="(\d+)"', m.group(1))
                    if local is None:
                        return m.group(0)
                    if int(local.group(1)) not in index:
                        return ""  # a print area or filter of a sheet left out
                    return m.group(0).replace(
                        local.group(0), f'localSheetId="{index[int(local.group(1))]}"')

                xml = re.sub(r"<definedName ([^>]*)>.*?</definedName>", renumber, xml)
                xml = re.sub(r'(activeTab|firstSheet)="\d+"', r'\1="0"', xml)
                data = xml.encode("utf-8")
            zout.writestr(item, data)


def _word_heights(pdf) -> list[list[float]]:
    """Each page's word heights in points, as pdftotext -bbox measures them."""
    import subprocess

    bbox = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout
    return [[float(b) - float(a) for a, b in
             re.findall(r'yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)"', page)]
            for page in bbox.split("<page ")[1:]]


@pytest.mark.libreoffice
def test_every_sheet_a_person_prints_reads_at_70_percent_or_more(demo_out, tmp_path):
    """Each sheet of the consolidated report, a blank workbook, a feedback copy and the check
    report, printed alone through LibreOffice: on every page the text is drawn at 70 % of its
    size or more. The scale is read off the paper: the median word height of the page against
    that of the same font printed at 100 %."""
    import statistics
    import subprocess
    from collections import Counter

    import xlsxwriter
    from conftest import soffice_path

    calibration = tmp_path / "calibration.xlsx"
    wb = xlsxwriter.Workbook(str(calibration))
    ws = wb.add_worksheet()
    cell = wb.add_format({"font_name": load_template().font, "font_size": 14})
    for r in range(30):
        ws.write_string(r, 0, "ตรวจสอบ ข้อมูล องค์การบริหารส่วนตำบล 6560101 ผลการดำเนินการ", cell)
    wb.close()
    printed = {
        "report": demo_out / "4-district-report.xlsx",
        "blank": next((demo_out / "1-workbooks").glob("*.xlsx")),
        "feedback": next((demo_out / "3-feedback").glob("*.xlsx")),
        "check": demo_out / "3-check-report.xlsx",
    }
    copies, body = [calibration], {}
    for kind, path in printed.items():
        book = openpyxl.load_workbook(path)
        for i, sheet in enumerate(book.worksheets):
            if sheet.sheet_state != "visible":
                continue
            sizes = Counter(c.font.sz for row in sheet.iter_rows() for c in row
                            if isinstance(c.value, str) and c.value.strip())
            copy = tmp_path / f"{kind}-{i}.xlsx"
            _only_sheet(path, i, copy)
            copies.append(copy)
            body[copy.stem] = (f"{path.name} / {sheet.title}", sizes.most_common(1)[0][0])
    profile = tmp_path / "profile"
    subprocess.run([soffice_path(), "--headless", "--norestore",
                    f"-env:UserInstallation={profile.as_uri()}", "--convert-to", "pdf",
                    "--outdir", str(tmp_path / "pdf"), *map(str, copies)],
                   capture_output=True, timeout=600, check=True)
    (at_100,) = _word_heights(tmp_path / "pdf" / "calibration.pdf")
    per_point = statistics.median(at_100) / 14
    scales = {}
    for stem, (where, size) in body.items():
        pages = _word_heights(tmp_path / "pdf" / f"{stem}.pdf")
        assert pages, where
        for n, heights in enumerate(pages, start=1):
            if len(heights) >= 5:  # a page of a word or two says nothing of the scale
                scales[f"{where} p.{n}"] = statistics.median(heights) / (per_point * size)
    assert len({k.split(" p.")[0] for k in scales}) == len(body)  # every sheet measured
    low = {k: round(v * 100) for k, v in scales.items() if v < 0.70}
    assert not low, low


def test_pages_across_count_whole_columns_and_the_repeated_ones(tmp_path):
    """The estimate behind fitToWidth: a column is never cut and the repeated columns come
    again on each page, so N pages across print at the largest scale that keeps them in N."""
    import xlsxwriter

    from ita_xlsx.make.print_layout import MIN_SCALE, pages_wide, setup_page

    widths = [10, 10, 30, 30, 50, 50, 26, 24, 36]  # the measures sheet before issue 18
    # by total width two pages would hold it at 70 %; whole columns and A:B again need three
    assert pages_wide(widths, 70, repeat=0) == 2
    assert pages_wide(widths, 70, repeat=2) == 3
    wb = xlsxwriter.Workbook(str(tmp_path / "w.xlsx"))
    ws = wb.add_worksheet()
    scale = setup_page(ws, widths, repeat_columns=(0, 1), orientation="landscape")
    wb.close()
    assert scale >= MIN_SCALE and pages_wide(widths, scale, repeat=2) == 3
    assert scale == 100 or pages_wide(widths, scale + 1, repeat=2) > 3  # the largest
    setup = re.search(r"<pageSetup[^>]*>", _sheets_xml(tmp_path / "w.xlsx")[
        "xl/worksheets/sheet1.xml"]).group(0)
    assert 'fitToWidth="3"' in setup and 'fitToHeight="0"' in setup
