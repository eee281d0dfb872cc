"""One vocabulary: every surface, in both languages, names states, severities, rounds and the
recurring headings with the words of ``core/vocabulary.py``.

The round is the demo's messy one (sent twice, a borrowed workbook, a PDF, a ZIP, a saved mail,
last year's and the plan round's files). Each surface is rendered as a user meets it: the
console through the command line, the .xlsx and CSV outputs read back, the page over HTTP, an
e-mail as the .eml file ``send --dry-run`` writes, the documents through python-docx. Two checks:

- no spelling the vocabulary has retired (its ``earlier`` words: "ผ่าน (มีข้อสังเกต)",
  "ยังไม่ส่งคืน", "valid with warnings", ...) appears outside one of its current words;
- every cell under a status, severity or round heading of an .xlsx output is a vocabulary word.
"""

from __future__ import annotations

import csv
import email
import io
import re
import shutil
from email import policy
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from ita_xlsx.cli.main import main
from ita_xlsx.core import vocabulary as vocab
from ita_xlsx.mail.ledger import Ledger, ReceivedRow, SentRow

LANGS = ("th", "en")


def run(*args: object, code: int | None = 0) -> str:
    res = CliRunner().invoke(main, [str(a) for a in args])
    if code is not None:
        assert res.exit_code == code, res.output
    return res.output


# ---------------------------------------------------------------- what counts as a violation


def _current() -> list[str]:
    words = {s for w in vocab.all_words() for s in (w.th, w.en, w.label("en"))}
    return sorted(words, key=len, reverse=True)


def _earlier() -> dict[str, str]:
    """Each retired spelling -> the word that replaced it."""
    out = {}
    for name, section in vocab.SECTIONS.items():
        if name == "ROUNDS":  # "แผน", "6 months" are also plain words; the round column is checked
            continue
        for key, w in section.items():
            for old in w.earlier:
                out[old] = f"{name}.{key}: {w.th} / {w.en}"
    return out


def _pattern(text: str) -> re.Pattern[str]:
    if text.isascii():  # a whole English word or phrase, any case
        return re.compile(rf"(?<![A-Za-z]){re.escape(text)}(?![A-Za-z])", re.IGNORECASE)
    return re.compile(re.escape(text))


CURRENT = [_pattern(w) for w in _current()]
EARLIER = {old: _pattern(old) for old in _earlier()}


def violations(text: str) -> list[str]:
    """Retired spellings in ``text`` that are not part of a current word there."""
    covered = [m.span() for p in CURRENT for m in p.finditer(text)]
    found = []
    for old, pat in EARLIER.items():
        for m in pat.finditer(text):
            if not any(a <= m.start() and m.end() <= b for a, b in covered):
                found.append(f"{old!r} in …{text[max(0, m.start() - 40):m.end() + 40]!r}…")
    return found


def test_the_check_can_fail():
    assert violations("สถานะ: ผ่าน (มีข้อสังเกต) · ยังไม่ส่งคืน 3")  # the old status words
    assert violations("3 valid with warnings, 2 not returned")
    assert not violations("ผ่าน (มีข้อเตือน) 2 · ยังไม่ส่ง 1 · passed with warnings")


def test_vocabulary_shape():
    for name, section in vocab.SECTIONS.items():
        for key, w in section.items():
            assert w.th and w.en, (name, key)
            assert vocab.key_of(section, w.th) == key or name in ("HEADINGS", "COUNTS"), (name, key)
            assert vocab.key_of(section, w.label("en")) in (key, None) or name == "HEADINGS"
    # shared with the round model: these keys, with a word in each language
    assert set(vocab.ORG_STATES) == {"not_sent", "sent", "unusable", "needs_fixing",
                                     "passed_with_notes", "passed", "not_counted"}
    # one thing, one word: a file that passes and an organisation that passed
    assert vocab.FILE_STATES["valid"] is vocab.ORG_STATES["passed"]
    assert vocab.FILE_STATES["warnings"] is vocab.ORG_STATES["passed_with_notes"]
    assert vocab.key_of(vocab.FILE_STATES, "ผ่าน (มีข้อสังเกต)") == "warnings"  # old reports
    assert vocab.key_of(vocab.SEVERITIES, "Note") == "info"
    assert vocab.key_of(vocab.ROUNDS, "6 เดือน") == "6"


def test_vocabulary_is_standard_library_only():
    source = Path(vocab.__file__).read_text(encoding="utf-8")
    imports = set(re.findall(r"^(?:from|import) ([a-z_.]+)", source, re.M))
    assert imports <= {"__future__", "collections.abc", "dataclasses", "types"}


# ---------------------------------------------------------------- the round, every surface


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> dict:
    from ita_xlsx.demo.cycle import run_demo

    return run_demo(tmp_path_factory.mktemp("demo") / "d", True, lambda s: None)


SETTINGS = """[round]
fiscal_year = 2570
round = "6"
deadline = "31/03/2570"
contact = "ท้องถิ่นอำเภอดอกคำใต้ โทร 054-000000"
"""


def _ledger(root: Path, returned: Path, report_json: dict) -> None:
    """What send and collect would have recorded: each workbook sent, each return received."""
    with Ledger(root / "ita-ledger.sqlite") as ledger:
        codes = {f["org_code"] for f in report_json["files"] if f["org_code"]}
        for i, code in enumerate(sorted(codes)):
            ledger.record_sent(SentRow("workbook", code, code, f"{code}@example.test",
                                       "[ITA]", f"<{code}@ita.test>", "", "sent", "",
                                       f"2026-12-01T0{i % 10}:00:00+07:00"))
        for i, f in enumerate(report_json["files"]):
            if not f["org_code"] or "/" in f["path"].replace(str(returned) + "/", ""):
                continue
            ledger.record_received(ReceivedRow(
                f"h{i}", f"<m{i}@org.test>", Path(f["path"]).name, "", Path(f["path"]).name,
                f["org_code"], "workbook", f"2026-12-02T03:{i:02d}:00+00:00", f["status"],
                sum(x["severity"] == "error" for x in f["findings"]),
                sum(x["severity"] == "warning" for x in f["findings"]),
                [x["message"] for x in f["findings"][:3]], ""))
        ledger.commit()


@pytest.fixture(scope="module")
def surfaces(demo, tmp_path_factory) -> dict[str, dict[str, str]]:
    """Per language, per surface, the text a user sees."""
    import json

    out: dict[str, dict[str, str]] = {}
    for lang in LANGS:
        base = tmp_path_factory.mktemp(f"surfaces-{lang}")
        root = base / "round"
        root.mkdir()
        shutil.copy(demo["orgs"], root / "orgs.csv")
        shutil.copytree(demo["returned"], root / "returned")
        (root / "ita-settings.toml").write_text(SETTINGS, encoding="utf-8")
        returned = root / "returned"
        seen: dict[str, str] = {}
        seen["console: validate"] = run("validate", returned, "--orgs", root / "orgs.csv",
                                        "--report", base / "check.xlsx", "--feedback",
                                        root / "feedback", "--lang", lang, code=None)
        seen["csv: validate"] = run("validate", returned, "--format", "csv", "--lang", lang,
                                    code=None)
        data = json.loads(run("validate", returned, "--format", "json", "--lang", lang,
                              code=None))
        seen["json labels: validate"] = "\n".join(
            [*(f.get("decision", "") for f in data["files"]),
             *(x["message"] for f in data["files"] for x in f["findings"]),
             *(d["detail"] for d in data.get("not_read", [])),
             data.get("selection", {}).get("summary", "")])
        seen["console: merge"] = run("merge", returned, "-o", base / "report.xlsx", "--orgs",
                                     root / "orgs.csv", "--csv", base / "csv", "--lang", lang,
                                     code=None)
        _ledger(root, returned, data)
        seen["console: status"] = run("status", "--dir", root, "--xlsx", base / "status.xlsx",
                                      "--lang", lang)
        seen["csv: status"] = run("status", "--dir", root, "--format", "csv", "--lang", lang)
        seen["console: status --since"] = run("status", "--dir", root, "--since", "01/12/2569",
                                              "--lang", lang)
        for name in ("check.xlsx", "report.xlsx", "status.xlsx"):
            seen[f"xlsx: {name}"] = xlsx_text(base / name)
        for path in sorted((root / "feedback").glob("*.xlsx"))[:3]:
            seen[f"xlsx: feedback {path.name}"] = xlsx_text(path)
        for path in sorted((base / "csv").glob("*.csv")):
            seen[f"csv: merge {path.name}"] = path.read_text(encoding="utf-8-sig")
        # e-mails: the feedback replies and the reminders, as --dry-run writes them
        run("send", "--dir", root, "--dry-run", "--feedback", root / "feedback", "--outbox",
            base / "outbox-fb", "--lang", lang, code=None)
        run("send", "--dir", root, "--dry-run", "--remind", "--outbox", base / "outbox-rm",
            "--lang", lang, code=None)
        mails = sorted([*(base / "outbox-fb").glob("*.eml"), *(base / "outbox-rm").glob("*.eml")])
        assert mails, "no e-mail written"
        for path in mails[:6]:
            msg = email.message_from_bytes(path.read_bytes(), policy=policy.default)
            seen[f"e-mail: {path.parent.name}/{path.name}"] = (
                str(msg["Subject"]) + "\n" + msg.get_body(("plain",)).get_content())
        # documents: the district memo and an organisation's documents
        run("docs", "--district", base / "report.xlsx", "--out", base / "docs", "--lang", lang,
            code=None)
        run("docs", returned, "--out", base / "docs", "--lang", lang, code=None)
        docs = sorted((base / "docs").glob("*.docx"))
        assert docs, "no document written"
        for path in docs[:4]:
            seen[f"document: {path.name}"] = docx_text(path)
        # the page, over HTTP
        seen.update(page_texts(root, lang, data))
        out[lang] = seen
    return out


def xlsx_text(path: Path) -> str:
    wb = openpyxl.load_workbook(path, read_only=True)
    lines = []
    for ws in wb.worksheets:
        lines.append("\f" + ws.title)  # a sheet starts
        for row in ws.iter_rows(values_only=True):
            lines.append("\t".join("" if v is None else str(v) for v in row))
    return "\n".join(lines)


def docx_text(path: Path) -> str:
    import docx

    d = docx.Document(str(path))
    parts = [p.text for p in d.paragraphs]
    parts += [c.text for t in d.tables for row in t.rows for c in row.cells]
    return "\n".join(parts)


def page_texts(root: Path, lang: str, data: dict) -> dict[str, str]:
    import html

    from test_serve_http import client_for

    client, access = client_for(root, lang=lang)
    pages = {"/": client.get(f"/?token={access.token}")}
    for path in ("/returns", "/report", "/make"):
        pages[path] = client.get(path)
    for code in sorted({f["org_code"] for f in data["files"] if f["org_code"]})[:6]:
        pages[f"/org/{code}"] = client.get(f"/org/{code}")
    out = {}
    for path, r in pages.items():
        assert r.status_code == 200, (path, r.status_code)
        body = re.sub(r"<script.*?</script>|<style.*?</style>", "", r.text, flags=re.S)
        out[f"page: {path}"] = html.unescape(re.sub(r"<[^>]+>", "\n", body))
    return out


@pytest.mark.parametrize("lang", LANGS)
def test_no_retired_word_on_any_surface(surfaces, lang):
    seen = surfaces[lang]
    kinds = {name.split(":")[0] for name in seen}
    assert kinds >= {"console", "xlsx", "csv", "json labels", "e-mail", "document", "page"}
    problems = [f"{name}: {v}" for name, text in seen.items() for v in violations(text)]
    assert not problems, "\n".join(problems[:30])


@pytest.mark.parametrize("lang", LANGS)
def test_surfaces_use_the_vocabulary_words(surfaces, lang):
    """The words are there, in the language asked: the state of each file, the severities,
    the headings, on the surfaces that show them."""
    seen = surfaces[lang]
    states = vocab.FILE_STATES

    def has(name: str, *words: vocab.Word) -> None:
        text = seen[name].casefold()
        for w in words:
            assert w.text(lang).casefold() in text, (name, w.text(lang))

    has("console: validate", states["valid"], states["invalid"], vocab.ORG_STATES["not_sent"])
    has("console: merge", states["valid"], states["warnings"], states["invalid"])
    has("console: status", vocab.HEADINGS["status"], vocab.HEADINGS["org_code"])
    has("xlsx: check.xlsx", vocab.SEVERITIES["error"], vocab.HEADINGS["severity"])
    has("xlsx: report.xlsx", vocab.HEADINGS["status"], vocab.ROUNDS["6"])
    has("page: /", vocab.HEADINGS["status"], vocab.HEADINGS["org_code"])
    other = "en" if lang == "th" else "th"
    if other == "en":  # the Thai surfaces never fall back to the English words
        for name in ("console: validate", "console: merge", "xlsx: check.xlsx", "page: /"):
            for w in (states["warnings"], states["invalid"]):
                assert w.en not in seen[name], (name, w.en)


SECTION_OF_HEADING = {"status": ("FILE_STATES", "FILE_KINDS", "ORG_STATES"),
                      "severity": ("SEVERITIES",), "round": ("ROUNDS",)}


@pytest.mark.parametrize("lang", LANGS)
def test_xlsx_columns_hold_vocabulary_words(surfaces, template, lang):
    """Under a status, severity or round heading of every .xlsx output: only the vocabulary's
    words for that column (a state with a reason after a colon counts by its word). Sheets
    that carry the template's own columns (a result's status is a template choice) and the
    workbook sheets of a feedback copy are the template's words, not the vocabulary's."""
    from ita_xlsx.spec.report_layout import SHEET_NAMES, SHEET_NAMES_EN

    template_sheets = {s.text(lang) for s in template.sheets} | {
        names[k] for names in (SHEET_NAMES, SHEET_NAMES_EN) for k in ("measures", "results")}
    checked = 0
    for name, text in surfaces[lang].items():
        if not name.startswith("xlsx:"):
            continue
        for sheet in text.split("\f"):
            if sheet.split("\n", 1)[0] in template_sheets:
                continue
            rows = [line.split("\t") for line in sheet.split("\n")]
            for r, row in enumerate(rows):
                for heading, sections in SECTION_OF_HEADING.items():
                    head = vocab.HEADINGS[heading].label(lang)
                    if head not in row:
                        continue
                    c = row.index(head)
                    allowed = {w.label(lang) for s in sections
                               for w in vocab.SECTIONS[s].values()}
                    for below in rows[r + 1:]:
                        if head in below:  # the next table's headings
                            break
                        if c >= len(below) or not below[c]:
                            continue
                        value = below[c].split(":")[0].strip()
                        assert value in allowed, (name, heading, below[c])
                        checked += 1
    assert checked > 20


# ---------------------------------------------------------------- text kept as typed


def test_text_from_organisations_is_kept(tmp_path, template):
    """A line break and double spaces in an owner and a measure reach the merge report, the
    CSV and the page as typed (only comparing and checking normalise them)."""
    import random
    from datetime import datetime

    from ita_xlsx.make.render import Org, RenderOptions, render_workbook
    from ita_xlsx.make.simulate import SEED_SCORES, fill_workbook, sample_content
    from ita_xlsx.spec.template import bind

    bound = bind(template, 2565, "6")
    root = tmp_path / "round"
    (root / "returned").mkdir(parents=True)
    name = "เทศบาลตำบล  ห้วยวน"  # two spaces, as the organisation typed its name
    blank = tmp_path / "blank.xlsx"
    blank.write_bytes(render_workbook(bound, Org(code="6560101", name=name, type="เทศบาลตำบล",
                                                 district="เชียงคำ", province="พะเยา"),
                                      RenderOptions(2565, round="6",
                                                    generated_at=datetime(2021, 11, 1))))
    content = sample_content(bound, random.Random(1), "6", scores=list(SEED_SCORES))
    owner, measure = "สำนักปลัด\nกองคลัง", "ประกาศเจตจำนง  สุจริต ของผู้บริหาร"
    content.measures[0]["owner"] = owner
    content.measures[0]["measure"] = measure
    fill_workbook(blank, root / "returned" / "6560101.xlsx", bound, content)

    run("merge", root / "returned", "-o", tmp_path / "r.xlsx", "--csv", tmp_path / "csv")
    wb = openpyxl.load_workbook(tmp_path / "r.xlsx", read_only=True)
    cells = {v for row in wb["มาตรการ"].iter_rows(values_only=True) for v in row}
    assert owner in cells and measure in cells
    rows = list(csv.DictReader(io.StringIO(
        (tmp_path / "csv" / "measures.csv").read_text(encoding="utf-8-sig"))))
    assert rows[0]["owner"] == owner and rows[0]["measure"] == measure
    summary = list(csv.DictReader(io.StringIO(
        (tmp_path / "csv" / "summary.csv").read_text(encoding="utf-8-sig"))))
    assert summary[0]["org_name"] == name
    # and a province merging the district's report keeps them too
    run("merge", tmp_path / "r.xlsx", "-o", tmp_path / "p.xlsx", "--csv", tmp_path / "pcsv")
    rows = list(csv.DictReader(io.StringIO(
        (tmp_path / "pcsv" / "measures.csv").read_text(encoding="utf-8-sig"))))
    assert rows[0]["owner"] == owner and rows[0]["measure"] == measure
    # checks still compare cleaned text: the owner is there, the name matches the identity
    data = run("validate", root / "returned", "--format", "json")
    assert "required-missing" not in data and "identity-mismatch" not in data
    # the page names the organisation as it wrote its name
    from test_serve_http import client_for

    client, access = client_for(root)
    page = client.get(f"/org/6560101?token={access.token}")
    assert page.status_code == 200
    assert f"6560101 · {name}" in page.text


# ---------------------------------------------------------------- feedback copies


def _instructions(path: Path) -> str:
    wb = openpyxl.load_workbook(path, read_only=True)
    return "\n".join(str(v) for ws in wb.worksheets for row in ws.iter_rows(values_only=True)
                     for v in row if v is not None)


def test_feedback_copies_keep_deadline_and_contact(tmp_path, template):
    """A copy states what the original workbook said (no round settings), or the round's
    settings when the round has them; never the placeholder words."""
    import ita_xlsx
    from ita_xlsx.make.render import Org, RenderOptions, render_workbook
    from ita_xlsx.spec.template import bind

    bound = bind(template, 2570, "6")
    org = Org(code="6560101", name="เทศบาลตำบลห้วยวน", type="เทศบาลตำบล", district="เชียงคำ",
              province="พะเยา")
    blank = tmp_path / "blank.xlsx"
    blank.write_bytes(render_workbook(bound, org, RenderOptions(
        2570, round="6", deadline="31 มีนาคม 2570",
        contact="ท้องถิ่นอำเภอดอกคำใต้ โทร 054-491111")))
    returned = tmp_path / "round" / "returned"
    returned.mkdir(parents=True)
    ita_xlsx.simulate_return(blank, returned / "6560101.xlsx", seed=2, round="6",
                             mistakes=("owner-missing",), bound=bound)
    run("validate", returned, "--feedback", tmp_path / "fb1", code=None)
    text = _instructions(next((tmp_path / "fb1").glob("*.xlsx")))
    assert "31 มีนาคม 2570" in text and "ท้องถิ่นอำเภอดอกคำใต้ โทร 054-491111" in text
    assert "ตามที่ท้องถิ่นอำเภอแจ้ง" not in text
    (tmp_path / "round" / "ita-settings.toml").write_text(SETTINGS, encoding="utf-8")
    run("validate", returned, "--feedback", tmp_path / "fb2", code=None)
    text = _instructions(next((tmp_path / "fb2").glob("*.xlsx")))
    assert "31/03/2570" in text and "ท้องถิ่นอำเภอดอกคำใต้ โทร 054-000000" in text
