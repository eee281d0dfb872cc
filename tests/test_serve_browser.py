"""`ita-xlsx serve` end to end in a real Chromium (Debian's chromium + chromium-driver, driven by
Selenium), against a server this test starts on 127.0.0.1.

An officer's round: make the workbooks from an uploaded list, drop the demo's returns on the
page, read each organisation's state, find a known finding at its cell, download a feedback
copy and the consolidated report and open them as workbooks. Screenshots at 1366x768 are saved
in the test's temporary folder (printed at the end) for people to look at.
"""

from __future__ import annotations

import base64
import os
import shutil
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest
from test_serve_http import start_server  # noqa: E402 - tests/ is on sys.path under pytest

import ita_xlsx

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
DRIVER = shutil.which("chromedriver")
NEED = os.environ.get("CI") == "true" or os.environ.get("ITA_XLSX_REQUIRE_BROWSER") == "1"

if not (CHROMIUM and DRIVER):
    if NEED:
        raise RuntimeError("chromium and chromium-driver are needed for the browser tests")
    pytest.skip("chromium / chromedriver not installed", allow_module_level=True)
webdriver = pytest.importorskip("selenium.webdriver")
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import Select, WebDriverWait  # noqa: E402

WAIT = 60


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> dict:
    from ita_xlsx.demo.cycle import run_demo

    return run_demo(tmp_path_factory.mktemp("demo") / "d", True, lambda s: None)


@pytest.fixture
def browser(tmp_path):
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage",
                "--window-size=1366,768", "--lang=th-TH", "--disable-gpu"):
        options.add_argument(arg)
    options.add_experimental_option("prefs", {
        "download.default_directory": str(downloads), "download.prompt_for_download": False,
        "safebrowsing.enabled": False})
    driver = webdriver.Chrome(service=Service(DRIVER), options=options)
    driver.set_window_size(1366, 768)
    driver.downloads = downloads
    driver.shots = tmp_path / "screenshots"
    driver.shots.mkdir()
    try:
        yield driver
    finally:
        driver.quit()
        print(f"\nscreenshots: {driver.shots}")


def shot(driver, name: str) -> None:
    driver.save_screenshot(str(driver.shots / f"{name}.png"))


def find(driver, by, what: str):
    """The element, once the page that has it has loaded (a click does not wait)."""
    return WebDriverWait(driver, WAIT).until(lambda drv: drv.find_element(by, what))


def wait_download(driver, suffix: str, before: set[str]) -> Path:
    deadline = time.time() + WAIT
    while time.time() < deadline:
        done = [p for p in driver.downloads.iterdir() if p.name not in before
                and p.name.endswith(suffix)]
        if done:
            return done[0]
        time.sleep(0.2)
    raise AssertionError(f"no {suffix} download")


def test_officer_round_in_chromium(browser, demo, tmp_path):
    root = tmp_path / "round"
    root.mkdir()
    proc, url = start_server(root)
    base = url.split("?")[0].rstrip("/")
    d = browser
    try:
        d.get(base + "/")
        assert "รหัสเข้าใช้" in d.find_element(By.ID, "error").text  # no token, no page
        d.get(url)
        assert d.find_element(By.ID, "welcome").is_displayed()  # an empty folder: a start
        shot(d, "1-empty-round")

        # --- make the round from an uploaded list
        d.find_element(By.LINK_TEXT, "สร้างแบบรายงาน").click()
        d.find_element(By.NAME, "orglist").send_keys(str(demo["orgs"]))
        year = d.find_element(By.NAME, "year")
        year.clear()
        year.send_keys("2570")
        Select(d.find_element(By.NAME, "round")).select_by_value("6")
        d.find_element(By.NAME, "deadline").send_keys("30/04/2570")
        d.find_element(By.CSS_SELECTOR, "#make-form button[type=submit]").click()
        n_orgs = len(ita_xlsx.read_orgs(demo["orgs"])[0])
        outcome = find(d, By.ID, "outcome").text
        assert f"สร้างแบบรายงานแล้ว {n_orgs} ไฟล์" in outcome
        shot(d, "2-make")
        before = {p.name for p in d.downloads.iterdir()}
        d.find_element(By.ID, "zip").click()
        with zipfile.ZipFile(wait_download(d, ".zip", before)) as zf:
            assert len(zf.namelist()) == n_orgs

        # --- take in the demo's returns: its whole folder, as the officer drags it
        d.find_element(By.LINK_TEXT, "รับไฟล์ที่ส่งกลับ").click()
        sent = [p for p in Path(demo["returned"]).rglob("*") if p.is_file()]
        d.find_element(By.ID, "folder").send_keys(str(demo["returned"]))
        WebDriverWait(d, WAIT).until(
            lambda drv: drv.find_element(By.ID, "progress-done").is_displayed())
        assert d.find_element(By.ID, "progress-count").text == f"{len(sent)} / {len(sent)}"
        rows = d.find_elements(By.CSS_SELECTOR, "#results tbody tr")
        outcomes = [r.get_attribute("class") for r in rows]
        assert set(outcomes) <= {"o-stored", "o-skipped", "o-kept"}
        assert outcomes.count("o-stored") >= len(list(Path(demo["returned"]).glob("*.xlsx"))) - 3
        stored = outcomes.count("o-stored") + outcomes.count("o-kept")  # kept: a PDF scan ...
        assert len(list((root / "returned").iterdir())) == stored
        shot(d, "3-returns")
        # picked files: a ZIP of three returns already in, and a stray file: nothing new
        files = sorted(str(p) for p in Path(demo["returned"]).glob("*_แบบรายงาน*.xlsx"))
        folder = tmp_path / "from-mail"
        folder.mkdir()
        with zipfile.ZipFile(folder / "returns.zip", "w") as zf:
            for f in files[:3]:
                zf.writestr(Path(f).name, Path(f).read_bytes())
        (folder / "note.txt").write_text("x")
        d.get(base + "/returns")
        d.find_element(By.ID, "files").send_keys(
            "\n".join([str(folder / "returns.zip"), str(folder / "note.txt")]))
        WebDriverWait(d, WAIT).until(
            lambda drv: drv.find_element(By.ID, "progress-done").is_displayed())
        outcomes = [r.get_attribute("class") for r in
                    d.find_elements(By.CSS_SELECTOR, "#results tbody tr")]
        assert outcomes.count("o-duplicate") == 3 and outcomes.count("o-skipped") == 1
        assert len(list((root / "returned").iterdir())) == stored

        # --- the round: every organisation's state as the library decides it
        d.find_element(By.LINK_TEXT, "ดูภาพรวมรอบ").click()
        merged = ita_xlsx.consolidate([demo["returned"]], orgs=demo["orgs"])
        shown = {tr.get_attribute("data-code"): tr.get_attribute("data-status")
                 for tr in d.find_elements(By.CSS_SELECTOR, "#orgs tbody tr")}
        assert shown == ita_xlsx.open_round(root).states()  # the round model's states
        shot(d, "4-round")
        d.find_element(By.CSS_SELECTOR, '#counts a[data-status="needs_fixing"]').click()
        statuses = {tr.get_attribute("data-status")
                    for tr in d.find_elements(By.CSS_SELECTOR, "#orgs tbody tr")}
        assert statuses == {"needs_fixing"}

        # --- one organisation: a known finding at its cell, the feedback copy
        worst = max(merged.entries, key=lambda e: e.errors)
        known = next(f for f in worst.findings if f.cell)
        d.find_element(By.LINK_TEXT, worst.org_code).click()
        row = d.find_element(By.CSS_SELECTOR,
                             f'#findings tr[data-code="{known.code}"][data-cell="{known.cell}"]')
        assert known.message("th") in row.text
        assert known.cell == row.find_element(By.CSS_SELECTOR, "td.cell").text
        shot(d, "5-organisation")
        before = {p.name for p in d.downloads.iterdir()}
        d.find_element(By.CSS_SELECTOR, "#files a.feedback").click()
        copy = wait_download(d, ".xlsx", before)
        assert openpyxl.load_workbook(copy).sheetnames
        # a return that passed: its documents, made and downloaded from its page
        passed = next(e for e in merged.entries if e.status in ("valid", "warnings"))
        d.get(f"{base}/org/{passed.org_code}")
        find(d, By.ID, "make-documents").click()
        links = WebDriverWait(d, WAIT).until(
            lambda drv: drv.find_elements(By.CSS_SELECTOR, "#document-files a"))
        assert len(links) == 3  # the document, its memo, the request to publish them
        shot(d, "5b-documents")
        before = {p.name for p in d.downloads.iterdir()}
        links[0].click()
        import docx

        paper = docx.Document(str(wait_download(d, ".docx", before)))
        assert any(passed.org_name in par.text for par in paper.paragraphs)

        # --- the report
        d.find_element(By.LINK_TEXT, "รายงานรวม").click()
        d.find_element(By.ID, "build").click()
        assert f"{len(merged.entries)} หน่วยงาน" in find(d, By.ID, "outcome").text
        shot(d, "6-report")
        before = {p.name for p in d.downloads.iterdir()}
        link = next(a for a in d.find_elements(By.CSS_SELECTOR, "#report-files a")
                    if a.text.endswith(".xlsx"))
        link.click()
        report = wait_download(d, ".xlsx", before)
        assert len(openpyxl.load_workbook(report).sheetnames) >= 4
        # last (it changes the round): a blank workbook dropped onto the box (a drop event carrying a file, as the browser makes it)
        blank = sorted((root / "workbooks").glob("*.xlsx"))[-1]
        d.get(base + "/returns")
        d.execute_script("""
            const bytes = Uint8Array.from(atob(arguments[0]), (c) => c.charCodeAt(0));
            const dt = new DataTransfer();
            dt.items.add(new File([bytes], arguments[1]));
            document.getElementById("drop").dispatchEvent(
                new DragEvent("drop", {dataTransfer: dt, bubbles: true, cancelable: true}));
        """, base64.b64encode(blank.read_bytes()).decode(), blank.name)
        WebDriverWait(d, WAIT).until(
            lambda drv: drv.find_element(By.ID, "progress-done").is_displayed())
        row = d.find_element(By.CSS_SELECTOR, "#results tbody tr")
        assert "o-stored" in row.get_attribute("class") and blank.name in row.text
        assert len(list((root / "returned").iterdir())) == stored + 1
        errors = [e for e in d.get_log("browser") if e.get("level") == "SEVERE"
                  and "status of 403" not in e.get("message", "")]  # the tokenless visit
        assert not errors, errors  # no script error, no resource refused by the CSP
    except Exception:
        shot(d, "failed")
        raise
    finally:
        proc.terminate()
        proc.wait(10)
