"""The OIT checklist end to end, against organisation websites served on 127.0.0.1.

Four organisations of a district: three fill their OIT sheet as people do (URLs pasted with
spaces around them, a line break after them, two on two lines, one with a space inside), their
sites serving this year's pages, 404s, a redirect loop, a login page and a "not found" page
answering 200, last year's pages (2569 and ๒๕๖๙), TIS-620 pages and a 20 MB page; the fourth
sends a version 2 return without the sheet. The round is fiscal year 2571, whose item list the
district loads from a file of its own. validate, merge's grid, the memo, the feedback copies,
the ITAS export, the reminders and the page are each compared, item by item, with what the
sites serve.
"""

from __future__ import annotations

import csv
import io
import re
import socket
import zipfile
from email import message_from_bytes, policy
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from oit_sites import BIG, FY, KINDS, OrgSite, framework_2571, serve, typed_cell

import ita_xlsx
from ita_xlsx.cli.main import main
from ita_xlsx.consolidation.oit_grid import GRID_TEXT
from ita_xlsx.core.records import Org
from ita_xlsx.spec.framework import load_framework
from ita_xlsx.spec.template import META_SHEET, TEMPLATE_DIR, load_template
from ita_xlsx.validators.links import PAGE_BYTES
from ita_xlsx.validators.oit import split_item_urls

CODES = [f"O{n}" for n in range(1, 27)]
ORDER = list(KINDS)
PLANS = {
    "6571001": {c: ORDER[i % len(ORDER)] for i, c in enumerate(CODES)},  # every kind
    "6571002": {c: ORDER[(i + 7) % len(ORDER)] for i, c in enumerate(CODES)},
    "6571003": {c: ("missing" if c in ("O7", "O20") else "ok-previous" if c == "O3" else "ok")
                for c in CODES},
}
OLD_RETURN = "6571004"  # a version 2 return: no OIT sheet
NAMES = {"6571001": "เทศบาลตำบลห้วยวน", "6571002": "เทศบาลตำบลเวียง",
         "6571003": "องค์การบริหารส่วนตำบลฝายกวาง", OLD_RETURN: "เทศบาลตำบลร่มเย็น"}
EXPECTED_CODE = {"missing": "oit-url-missing", "invalid": "oit-url-invalid",
                 "404": "oit-url-dead", "loop": "oit-url-dead", "login": "oit-page-login",
                 "error200": "oit-page-login", "old": "oit-page-old",
                 "old-thai": "oit-page-old", "big": "oit-page-old"}


def expected_code(kind: str) -> str | None:
    return EXPECTED_CODE.get("invalid" if kind == "malformed" else kind)


@pytest.fixture(scope="module")
def no_outside_dns():
    """Only 127.0.0.1 and localhost are ever looked up."""
    real = socket.getaddrinfo
    strays: list[str] = []

    def guarded(host, *args, **kwargs):
        name = host.decode() if isinstance(host, bytes) else str(host)
        if name not in ("127.0.0.1", "localhost"):
            strays.append(name)
            raise socket.gaierror(socket.EAI_NONAME, "blocked by the test")
        return real(host, *args, **kwargs)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(socket, "getaddrinfo", guarded)
        yield strays
    assert strays == []


def fill_oit(path: Path, site: OrgSite, website: str) -> None:
    """As an officer fills it: the website, then a URL per item pasted into column C."""
    wb = openpyxl.load_workbook(path)
    wb["ข้อมูลหน่วยงาน"]["C20"] = website
    ws = wb["รายการ OIT"]
    for i, code in enumerate(CODES):
        assert ws.cell(5 + i, 1).value == code
        typed = typed_cell(site, code, site.plan[code], i)
        site.cells[code] = typed or ""
        ws.cell(5 + i, 3).value = typed
    wb.save(path)


def make_old_return(path: Path) -> None:
    """A return of template version 2: no OIT sheet, version 2 in both identity stores."""
    wb = openpyxl.load_workbook(path)
    del wb["รายการ OIT"]
    meta = wb[META_SHEET]
    for row in meta.iter_rows():
        if row[0].value == "template_version":
            row[1].value = "2"
    for prop in wb.custom_doc_props.props:
        if prop.name == "ita_template_version":
            prop.value = "2"
    wb.save(path)


@pytest.fixture(scope="module")
def district(tmp_path_factory, no_outside_dns):
    root = tmp_path_factory.mktemp("oit")
    fwdir = root / "my-framework"
    framework_2571(fwdir)
    sites = [OrgSite(code, NAMES[code], plan) for code, plan in PLANS.items()]
    orgs = [Org(code=c, name=n, district="เชียงคำ", province="พะเยา",
                email=f"saraban{c[-1]}@example.invalid") for c, n in NAMES.items()]
    with serve(sites):
        made = ita_xlsx.make_workbooks(root / "workbooks", orgs, fiscal_year=FY,
                                       framework=fwdir)
        assert len(made.written) == 4
        returned = root / "returned"
        returned.mkdir()
        paths = {}
        for blank in made.written:
            code = blank.name[:7]
            dst = returned / blank.name
            dst.write_bytes(blank.read_bytes())
            if code == OLD_RETURN:
                make_old_return(dst)
            else:
                site = next(s for s in sites if s.code == code)
                fill_oit(dst, site, site.base + "/")
            paths[code] = dst
        report = ita_xlsx.validate(list(paths.values()), framework=fwdir, check_links=True,
                                   link_timeout=5)
        yield {"root": root, "fw": fwdir, "sites": {s.code: s for s in sites}, "paths": paths,
               "report": report, "blank": made.written[0], "orgs": orgs}


def file_of(report, code: str):
    return next(f for f in report.files if f.returned.org_code == code)


def expected_urls(site: OrgSite, code: str) -> list[str]:
    kind, typed = site.plan[code], site.cells[code]
    if kind == "missing":
        return []
    if kind == "malformed":
        return [site.url(code)]  # the likely fix: the space taken out
    return [u.strip() for u in typed.replace("\r", "\n").split("\n") if u.strip()]


# ---------------------------------------------------------------- the workbook


def test_the_oit_sheet_is_prefilled_locked_and_explains_each_item(district):
    fw = load_framework(FY, district["fw"])
    assert [o.code for o in fw.oit_items] == CODES  # next year's list, from the district's file
    wb = openpyxl.load_workbook(district["blank"])
    props = {p.name: p.value for p in wb.custom_doc_props.props}
    assert props["ita_template_version"] == "3"
    ws = wb["รายการ OIT"]
    rules = {str(dv.sqref): dv for dv in ws.data_validations.dataValidation}
    for i, item in enumerate(fw.oit_items):
        r = 5 + i
        assert (ws.cell(r, 1).value, ws.cell(r, 2).value) == (item.code, item.name_th)
        assert ws.cell(r, 1).protection.locked and ws.cell(r, 2).protection.locked
        assert not ws.cell(r, 3).protection.locked and not ws.cell(r, 4).protection.locked
        dv = rules[f"C{r}"]
        assert dv.promptTitle.startswith(item.code) and len(dv.promptTitle) <= 32
        content = fw.oit_shows(item.code)
        if content:  # the item's content rule, where a source gives one
            assert dv.prompt == f"ต้องแสดง: {content.shows}"
        else:
            assert dv.prompt.startswith("ที่อยู่เว็บเต็มของหน้าที่เผยแพร่ข้อนี้")
    assert rules["C15"].prompt == "ต้องแสดง: ข้อมูลของปีงบประมาณ พ.ศ. 2571"  # O11, current FY
    assert rules["C16"].prompt == "ต้องแสดง: รายงานของปีงบประมาณก่อนหน้า (พ.ศ. 2570)"  # O12
    assert ws.protection.sheet


def test_urls_as_pasted_are_split_and_rejoined():
    assert split_item_urls("  https://a.go.th/x  ") == ["https://a.go.th/x"]
    assert split_item_urls("https://a.go.th/x\r\nhttps://a.go.th/y") == [
        "https://a.go.th/x", "https://a.go.th/y"]
    assert split_item_urls("https://a.go.th/x https://a.go.th/y") == [
        "https://a.go.th/x", "https://a.go.th/y"]
    # an address broken over two lines stays one (malformed) URL, so the fix can be shown
    assert split_item_urls("https://a.go.th/ita/\no5.pdf") == ["https://a.go.th/ita/ o5.pdf"]


# ---------------------------------------------------------------- validate


def test_validate_with_links_item_by_item(district):
    report = district["report"]
    for code, site in district["sites"].items():
        rep = file_of(report, code)
        assert [it.code for it in rep.oit] == CODES
        oit_findings = [f for f in rep.findings if f.code.startswith("oit-")]
        for it in rep.oit:
            kind = site.plan[it.code]
            assert it.status == KINDS[kind], (code, it.code, kind, it.detail)
            assert it.export_urls == expected_urls(site, it.code), (code, it.code)
            mine = [f for f in oit_findings if f.params.get("item") == it.code]
            want = expected_code(kind)
            assert [f.code for f in mine] == ([want] if want else []), (code, it.code, kind)
            for f in mine:
                assert f.cell == f"C{5 + CODES.index(it.code)}" and f.sheet == "oit"
                text = f.message("th")
                assert it.code in text and it.name in text and "รายการ OIT" in text
                if kind == "malformed":
                    assert f.severity == "error" and site.url(it.code) in text  # the fix
                if kind in ("old", "old-thai", "big"):
                    assert "หน้าเว็บแสดง 2569" in text and "2571 หรือ 2570" in text
                    assert "the page shows 2569" in f.message("en")
                if kind == "big":
                    assert "1 MB" in text
                if kind == "login":
                    assert "หน้าเข้าสู่ระบบ" in text
                if kind == "404":
                    assert "HTTP 404" in text
                if kind == "loop":
                    assert "เปลี่ยนเส้นทางมากเกินไป" in text
        # no finding on an item whose page is fine, whatever its encoding or digits
        assert not any(f.params.get("item") in {c for c, k in site.plan.items()
                                                if KINDS[k] == "present"}
                       for f in oit_findings)
    # the 20 MB page was cut at the bound, not read whole
    big = next(s for s in district["sites"].values() if "big" in s.plan.values())
    assert big.server.big_done.wait(30)
    path = f"/ita/{next(c for c, k in big.plan.items() if k == 'big').lower()}"
    assert big.server.sent[path] < BIG // 2
    assert report.oit_links["checked"] >= 26
    # the version 2 return: no OIT sheet, no OIT result, no finding about it
    old = file_of(report, OLD_RETURN)
    assert old.returned.template_version == "2" and old.oit == []
    assert not [f for f in old.findings if f.code.startswith("oit-") or
                (f.code == "sheet-missing" and f.sheet == "oit")]


def test_page_reading_is_bounded(district):
    from ita_xlsx.validators.links import read_pages

    big = next(s for s in district["sites"].values() if "big" in s.plan.values())
    code = next(c for c, k in big.plan.items() if k == "big")
    page = read_pages([big.url(code)], timeout=5)[big.url(code)]
    assert page.link.ok and page.truncated and len(page.body) == PAGE_BYTES


def test_validate_without_links_and_off_site_urls(district, tmp_path):
    site = district["sites"]["6571003"]
    path = tmp_path / "offsite.xlsx"
    path.write_bytes(district["paths"]["6571003"].read_bytes())
    wb = openpyxl.load_workbook(path)
    ws = wb["รายการ OIT"]
    ws["C5"] = f"http://localhost:{site.server.server_port}/ita/o1"  # another host
    ws["C6"] = "https://process3.gprocurement.go.th/egp/announcement/123"  # an official host
    wb.save(path)
    report = ita_xlsx.validate([path], framework=district["fw"])
    (rep,) = report.files
    offsite = [f for f in rep.findings if f.code == "oit-url-offsite"]
    assert [(f.params["item"], f.cell) for f in offsite] == [("O1", "C5")]
    assert "127.0.0.1" in offsite[0].message("th")  # the organisation's own site, named
    statuses = {it.code: it.status for it in rep.oit}
    assert statuses["O7"] == statuses["O20"] == "missing"
    assert set(statuses.values()) == {"present", "missing"}  # no page read without --check-links


def test_an_ods_resave_reads_the_same(district, soffice, tmp_path):
    ods = soffice(district["paths"]["6571002"], "ods", tmp_path)
    a = ita_xlsx.validate([ods], framework=district["fw"]).files[0]
    b = ita_xlsx.validate([district["paths"]["6571002"]], framework=district["fw"]).files[0]
    assert [(i.code, i.status, i.export_urls) for i in a.oit] == [
        (i.code, i.status, i.export_urls) for i in b.oit]


# ---------------------------------------------------------------- merge, memo, feedback


@pytest.fixture(scope="module")
def merged(district):
    result = ita_xlsx.consolidate([district["root"] / "returned"], framework=district["fw"],
                                  check_links=True, link_timeout=5)
    out = district["root"] / "district-report.xlsx"
    ita_xlsx.write_consolidated(result, out, framework=district["fw"])
    return result, out


def test_merge_grid_counts_and_chart(district, merged):
    result, out = merged
    wb = openpyxl.load_workbook(out)
    ws = wb["OIT"]
    head = [c.value for c in ws[4]]
    assert head[:2] == ["รหัส", "หน่วยงาน"] and head[2:28] == CODES
    rows = {ws.cell(r, 1).value: r for r in range(5, 5 + len(PLANS))}
    assert set(rows) == set(PLANS)  # the version 2 return has no row
    for code, plan in PLANS.items():
        r = rows[code]
        cells = [ws.cell(r, 3 + i).value for i in range(26)]
        assert cells == [GRID_TEXT[KINDS[plan[c]]][0] for c in CODES], code
        present = sum(KINDS[k] == "present" for k in plan.values())
        assert (ws.cell(r, 29).value, ws.cell(r, 30).value) == (present, 26 - present)
    labels = {ws.cell(r, 2).value: r for r in range(5 + len(PLANS), ws.max_row + 1)}
    for status in ("missing", "invalid", "dead", "old"):
        r = next(r for label, r in labels.items() if label and label.endswith(
            {"missing": "ไม่มี URL", "invalid": "URL ผิดรูปแบบ", "dead": "เปิดไม่ได้",
             "old": "ไม่ใช่ปีนี้"}[status]))
        for i, c in enumerate(CODES):
            want = sum(KINDS[p[c]] == status for p in PLANS.values())
            assert ws.cell(r, 3 + i).value == want, (status, c)
    kinds = [cf.rules[0].type for cf in ws.conditional_formatting]
    assert kinds.count("colorScale") == 3
    # the chart of the items most missing, on its own sheet, drawn from its table
    chart_ws = wb["OIT กราฟ"]
    failing = {c: sum(KINDS[p[c]] != "present" for p in PLANS.values()) for c in CODES}
    listed = [chart_ws.cell(r, 1).value for r in range(4, 14)]
    worst = sorted(CODES, key=lambda c: (-failing[c], CODES.index(c)))[:10]
    assert listed == worst
    with zipfile.ZipFile(out) as zf:
        charts = [n for n in zf.namelist() if n.startswith("xl/charts/chart")]
        texts = [zf.read(n).decode() for n in charts]
    assert any("ข้อ OIT ที่หน่วยงานขาดหรือไม่ผ่านมากที่สุด" in t and "barDir" in t for t in texts)
    # a later merge reads the grid back from this report
    from ita_xlsx.consolidation.merge import load_report

    entries, _ = load_report(out, load_template(), str(district["fw"]))
    back = {e.org_code: {i["code"]: i["status"] for i in e.oit} for e in entries if e.oit}
    assert back == {code: {c: KINDS[k] for c, k in plan.items()} for code, plan in PLANS.items()}


def test_district_memo_names_the_items_most_missing(district, merged):
    _, out = merged
    memo = ita_xlsx.make_district_memo(out, district["root"] / "docs", arabic_digits=True,
                                       framework=district["fw"])
    import docx

    text = "\n".join(p.text for p in docx.Document(memo.path).paragraphs)
    fw = load_framework(FY, district["fw"])
    failing = {c: sum(KINDS[p[c]] != "present" for p in PLANS.values()) for c in CODES}
    worst = sorted(CODES, key=lambda c: (-failing[c], CODES.index(c)))[:5]
    line = next(x for x in text.splitlines() if x.startswith("ข้อ OIT ที่หน่วยงานในอำเภอ"))
    for c in worst:
        assert f"{c} {fw.oit_item(c).name_th} ({failing[c]} จาก 3 หน่วยงาน)" in line


def test_grid_printed_as_a_person_sees_it(district, merged, soffice, tmp_path):
    _, out = merged
    pdf = soffice(out, "pdf", tmp_path)
    import subprocess

    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout
    flat = "".join(text.split())  # pdftotext spaces Thai vowels apart; compare without spaces
    assert "การเผยแพร่ข้อมูลOITรายหน่วยงาน" in flat
    assert "ข้อOITที่ขาดหรือไม่ผ่านมากที่สุด(3หน่วยงาน)" in flat
    for name in NAMES.values():
        if name != NAMES[OLD_RETURN]:
            assert name in flat
    assert "ปีเก่า" in flat and "เปิดไม่ได้" in flat and "URLผิด" in flat


def test_feedback_copy_marks_each_failing_item(district, tmp_path):
    written = ita_xlsx.write_feedback(district["report"], tmp_path / "fb")
    for code, site in district["sites"].items():
        (copy,) = [p for p in written.written if p.name.startswith(code)]
        ws = openpyxl.load_workbook(copy)["รายการ OIT"]
        for i, c in enumerate(CODES):
            cell = ws.cell(5 + i, 3)
            typed = (cell.value or "").replace("\r\n", "\n").replace("_x000D_", "")
            assert typed == site.cells[c].replace("\r\n", "\n"), (code, c)  # as typed
            if KINDS[site.plan[c]] == "present":
                assert cell.comment is None, (code, c)
            else:
                assert cell.comment is not None and f"ข้อ {c} " in cell.comment.text, (code, c)


def test_itas_export_item_by_item(district, tmp_path):
    out = tmp_path / "itas"
    written = ita_xlsx.export_itas(district["report"], out)
    assert len(written) == 2 * len(PLANS)  # the version 2 return has nothing to export
    fw = load_framework(FY, district["fw"])
    for code, site in district["sites"].items():
        csv_path = next(p for p in written if p.name.startswith(code) and p.suffix == ".csv")
        rows = list(csv.reader(io.StringIO(csv_path.read_text(encoding="utf-8-sig"))))
        assert rows[0] == ["ลำดับ", "ข้อ", "รายการ", "URL", "สถานะ", "หมายเหตุ"]
        got: dict[str, list[str]] = {}
        for row in rows[1:]:
            got.setdefault(row[1], []).append(row[3])
        assert list(got) == [o.code for o in fw.oit_items]  # the system's order
        for c in CODES:
            assert [u for u in got[c] if u] == expected_urls(site, c), (code, c)
        xlsx = csv_path.with_suffix(".xlsx")
        ws = openpyxl.load_workbook(xlsx)["ITAS"]
        assert NAMES[code] in ws["A1"].value and ws.page_setup.paperSize == 9
    # existing files are refused without --force, at once, nothing half-written
    r = CliRunner().invoke(main, ["itas", str(district["root"] / "returned"), "--out", str(out),
                                  "--framework", str(district["fw"])])
    assert r.exit_code == 2 and "--force" in r.output
    r = CliRunner().invoke(main, ["itas", str(district["root"] / "returned"), "--out", str(out),
                                  "--framework", str(district["fw"]), "--force"])
    assert r.exit_code == 0 and "3 หน่วยงาน" in r.output


def test_reminder_lists_the_missing_items(district, tmp_path, monkeypatch):
    from ita_xlsx.mail.ledger import Ledger, ReceivedRow

    monkeypatch.setenv("ITA_XLSX_FRAMEWORK_DIR", str(district["fw"]))
    d = tmp_path / "round"
    d.mkdir()
    (d / "ita-settings.toml").write_text(f'[round]\nfiscal_year = {FY}\nround = "plan"\n',
                                         encoding="utf-8")
    lines = ["code,name,email"] + [f"{o.code},{o.name},{o.email}" for o in district["orgs"]]
    (d / "orgs.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = district["report"]
    (d / "returned").mkdir()
    with Ledger.of_round(d) as ledger:  # as collect records what it saved in returned/
        for i, code in enumerate(NAMES):
            rep = file_of(report, code)
            saved = d / "returned" / district["paths"][code].name
            saved.write_bytes(district["paths"][code].read_bytes())
            ledger.record_received(ReceivedRow(
                f"sha{i}", f"<m{i}@example.invalid>", "r.xlsx", "", saved.name, code,
                "workbook", f"2027-01-0{i + 1}T09:00:00", rep.status, rep.count("error"),
                rep.count("warning"), [], ""))
        ledger.commit()
    r = CliRunner().invoke(main, ["send", "--dir", str(d), "--remind", "--oit", "--dry-run"])
    assert r.exit_code == 0, r.output
    bodies = {}
    for eml in (d / "outbox").glob("*.eml"):
        m = message_from_bytes(eml.read_bytes(), policy=policy.default)
        bodies[re.search(r"-(\d{7})\]", str(m["Subject"])).group(1)] = m.get_body().get_content()
    assert set(bodies) == set(NAMES)  # the version 2 return has not sent its OIT items: 4
    fw = load_framework(FY, district["fw"])
    for code, plan in PLANS.items():
        body = bodies[code]
        for c, kind in plan.items():
            line = f"- {c} {fw.oit_item(c).name_th} ("
            # a reminder opens no page: it lists the items with no URL or a malformed one
            assert (line in body) == (KINDS[kind] in ("missing", "invalid")), (code, c)
    assert "รายการ OIT ที่ยังขาด" not in bodies[OLD_RETURN]


# ---------------------------------------------------------------- the page


def test_the_page_shows_the_grid_and_each_organisations_items(district, tmp_path, monkeypatch):
    pytest.importorskip("starlette")
    from starlette.testclient import TestClient

    from ita_xlsx.web.app import create_app
    from ita_xlsx.web.security import Access

    monkeypatch.setenv("ITA_XLSX_FRAMEWORK_DIR", str(district["fw"]))
    root = tmp_path / "round"
    (root / "returned").mkdir(parents=True)
    for p in district["paths"].values():
        (root / "returned" / p.name).write_bytes(p.read_bytes())
    (root / "ita-settings.toml").write_text(f'[round]\nfiscal_year = {FY}\n', encoding="utf-8")
    access = Access()
    app = create_app(root, access=access, allowed_hosts={"127.0.0.1:8765"})
    client = TestClient(app, base_url="http://127.0.0.1:8765")
    html = client.get(f"/?token={access.token}").text
    grid = html[html.index('id="oit-grid"'):]
    for code, plan in PLANS.items():
        row = grid[grid.index(f'<tr data-oit-code="{code}">'):]
        row = row[:row.index("</tr>")]
        # the page reads no links: a well-formed URL is present, the rest missing or invalid
        want = ["invalid" if k == "malformed" else "missing" if k == "missing" else "present"
                for k in (plan[c] for c in CODES)]
        assert re.findall(r'data-status="(\w+)"', row) == want, code
    page = client.get("/org/6571001").text
    items = page[page.index('id="oit-items"'):]
    items = items[:items.index("</table>")]
    assert re.findall(r'<tr class="oit-\w+" data-item="(O\d+)"', items) == CODES
    assert "มีช่องว่างหรือการขึ้นบรรทัดกลาง URL" in items  # what failed, for the malformed one
    assert "ไม่มี URL" in items


# ---------------------------------------------------------------- the template contract


def _province(tmp_path: Path, text: str, name: str = "province.toml") -> Path:
    path = tmp_path / name  # a name per copy: templates are cached by path
    path.write_text(text, encoding="utf-8")
    return path


def test_a_province_copy_renames_the_oit_sheet_and_columns(tmp_path):
    text = (TEMPLATE_DIR / "ita-measures-1.toml").read_text(encoding="utf-8")
    text = text.replace('key = "oit"\nrole = "oit"\nname = "รายการ OIT"',
                        'key = "phoei_phrae"\nrole = "oit"\nname = "ข้อมูลเผยแพร่ OIT"')
    text = text.replace('key = "oit_urls"\nrole = "oit_urls"\nlabel = "URL ที่เผยแพร่ (หลาย URL ขึ้นบรรทัดใหม่)"',
                        'key = "lingk"\nrole = "oit_urls"\nlabel = "ลิงก์"')
    t = ita_xlsx.load_template(_province(tmp_path, text))
    assert t.sheet("oit").file_key == "phoei_phrae" and t.sheet("oit").field("oit_urls").label == "ลิงก์"
    org = Org(code="6560101", name="เทศบาลตำบลห้วยวน", district="เชียงคำ", province="พะเยา")
    made = ita_xlsx.make_workbooks(tmp_path / "wb", [org], fiscal_year=2570, template=t)
    (path,) = made.written
    wb = openpyxl.load_workbook(path)
    ws = wb["ข้อมูลเผยแพร่ OIT"]
    assert ws["C4"].value == "ลิงก์"
    ws["C5"] = "https://www.huaywon.go.th/ita/o1"
    ws["C6"] = "https://www.huaywon.go.th/ita/ o2"
    wb.save(path)
    (rep,) = ita_xlsx.validate([path], template=t).files
    got = {(f.code, f.params.get("item"), f.cell) for f in rep.findings if f.code.startswith("oit")}
    assert ("oit-url-invalid", "O2", "C6") in got and ("oit-url-missing", "O3", "C7") in got
    assert all(f.sheet_name == "ข้อมูลเผยแพร่ OIT" for f in rep.findings if f.code.startswith("oit"))


def test_a_copy_without_the_oit_sheet_is_accepted_but_a_broken_one_is_not(tmp_path):
    text = (TEMPLATE_DIR / "ita-measures-1.toml").read_text(encoding="utf-8")
    start = text.index("[[sheets]]\nkey = \"oit\"")
    t = ita_xlsx.load_template(_province(tmp_path, text[:start]))  # a copy made before v3
    assert "oit" not in {s.key for s in t.sheets}
    broken = text.replace('role = "oit_urls"\n', "")
    with pytest.raises(ita_xlsx.TemplateError) as exc:
        ita_xlsx.load_template(_province(tmp_path, broken, "broken.toml"))
    assert "oit_urls" in str(exc.value.text("en"))
