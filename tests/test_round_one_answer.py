"""One round, one answer (issue 16): a messy 12-organisation round by email against the real
servers the mail tests start (Dovecot IMAP, aiosmtpd SMTP), then every surface asked about it.

The round has a wrong-round file, a Drive-link reply, a PDF reply, a return copied into
``returned/`` by hand, one uploaded through the page (HTTP), a borrowed workbook, a return
sent twice, an owner cell with a line break and an officer's "does not count". Every surface
must give the same state per organisation and the same district figures: validate JSON,
merge's summary/indicator means/result counts, status JSON, the recipients of send --remind,
the page's round and report views, and the district memo's sentences and figures. The
figures are also checked against what the organisations typed.
"""

from __future__ import annotations

import json
import random
import re
import shutil
import smtplib
import warnings
import zipfile
from email import message_from_bytes, policy
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path

import pytest
from click.testing import CliRunner
from mail_servers import HOST, settings_toml, world_fixture

import ita_xlsx
from ita_xlsx.cli.main import main
from ita_xlsx.core.vocabulary import ORG_STATES, org_state_text
from ita_xlsx.make.simulate import apply_mistakes, fill_workbook, sample_content
from ita_xlsx.spec.template import bind, load_template

starlette = pytest.importorskip("starlette")
warnings.filterwarnings("ignore", message=".*httpx.*", category=DeprecationWarning)
from starlette.testclient import TestClient  # noqa: E402

from ita_xlsx.web.app import create_app  # noqa: E402
from ita_xlsx.web.security import Access  # noqa: E402

mail_world = world_fixture()
OFFICER, PASSWORD = "saraban@amphoe-dokkhamtai.test", "รหัส-officer-16"
N = 12
CODES = [f"65602{i:02d}" for i in range(1, N + 1)]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BASE = "http://127.0.0.1:8765"
PASSED = {"passed", "passed_with_notes"}
OWNER_WITH_BREAK = "สำนักปลัด\nกองคลัง"
SET_ASIDE_REASON = "ไฟล์ทดลองกรอก หน่วยงานแจ้งว่าจะส่งฉบับจริงภายหลัง"

# what each organisation does, and the state the round must give it
EXPECTED = {
    1: PASSED,  # a good return by mail
    2: {"needs_fixing"},  # a return with an owner missing
    3: {"not_counted"},  # only a plan-round file in the 6-month round
    4: {"sent"},  # only a Drive link
    5: {"unusable"},  # only a PDF scan
    6: PASSED,  # the same return sent twice
    7: {"not_counted"},  # filled organisation 8's workbook (borrowed)
    8: PASSED,  # its own return copied into returned/ by hand
    9: PASSED,  # uploaded through the page
    10: PASSED,  # an owner cell with a line break
    11: {"not_counted"},  # the officer said its file does not count
    12: {"not_sent"},  # nothing
}
COUNTED = (1, 2, 6, 8, 9, 10)  # the returns the district's figures count


def org_address(i: int) -> str:
    return f"saraban{i}@org{i}.test"


def personal(i: int) -> str:
    return f"clerk{i}@personal.test"


def run(args: list[str], round_dir: Path | None = None):
    extra = ["--dir", str(round_dir)] if round_dir is not None else []
    return CliRunner().invoke(main, [*args, *extra], env={"ITA_XLSX_MAIL_PASSWORD": PASSWORD})


def deliver(world, msg: EmailMessage) -> None:
    with smtplib.SMTP(HOST, world.smtp.port, timeout=20) as s:
        s.send_message(msg, to_addrs=[OFFICER])


def reply_to(original, sender: str, text: str = "ส่งแบบรายงานตามไฟล์แนบค่ะ") -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = f"เจ้าหน้าที่ <{sender}>"
    msg["To"] = OFFICER
    msg["Subject"] = "RE: " + str(original["Subject"])
    msg["Message-ID"] = make_msgid(domain="personal.test")
    msg["In-Reply-To"] = original["Message-ID"]
    msg["References"] = original["Message-ID"]
    msg.set_content(text)
    return msg


def attach(msg: EmailMessage, data: bytes, name: str, subtype: str = XLSX.split("/")[1],
           maintype: str = "application") -> EmailMessage:
    msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    return msg


def memo_text(path: Path) -> str:
    with zipfile.ZipFile(path) as z:
        xml = z.read("word/document.xml").decode("utf-8")
    paragraphs = re.findall(r"<w:p[ >].*?</w:p>", xml, flags=re.S)
    return "\n".join("".join(re.findall(r"<w:t[^>]*>([^<]*)</w:t>", p)) for p in paragraphs)


def states_of(pairs) -> dict[str, str]:
    return {code: state for code, state in pairs}


@pytest.fixture(scope="module")
def messy_round(mail_world, tmp_path_factory):
    """The round folder after mail, a hand copy, a page upload and the officer's decision;
    what each organisation typed; and the page's client."""
    world = mail_world
    world.boxes.add_user(OFFICER, PASSWORD)
    d = tmp_path_factory.mktemp("round16")
    lines = ["code,name,type,district,province,email"]
    for i, code in enumerate(CODES, start=1):
        world.boxes.add_user(org_address(i), "x")
        world.boxes.add_user(personal(i), "x")
        lines.append(f"{code},องค์การบริหารส่วนตำบลทดสอบ{i},องค์การบริหารส่วนตำบล,ดอกคำใต้,พะเยา,"
                     f"{org_address(i)}")
    (d / "orgs.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (d / "ita-settings.toml").write_text(settings_toml(world, OFFICER), encoding="utf-8")
    template = load_template()
    bound6, bound_plan = bind(template, 2570, "6"), bind(template, 2570, "plan")

    assert run(["new", "--orgs", str(d / "orgs.csv"), "--year", "2570", "--round", "6",
                "--out", str(d / "workbooks")]).exit_code == 0
    r = run(["send"], d)
    assert r.exit_code == 0, r.output
    originals = {}
    for i in range(1, N + 1):
        (m,) = world.boxes.messages(org_address(i))
        originals[i] = message_from_bytes(m.as_bytes(), policy=policy.default)

    filled, contents = d / "filled", {}
    filled.mkdir()

    def blank(i: int) -> Path:
        (src,) = (d / "workbooks").glob(f"{CODES[i - 1]}_*.xlsx")
        return src

    def fill(i: int, mistakes=(), src: Path | None = None, bound=bound6, round_key="6"):
        content = apply_mistakes(sample_content(bound, random.Random(i), round_key),
                                 tuple(mistakes))
        if i == 10:
            content.measures[0]["owner"] = OWNER_WITH_BREAK
        contents[i] = content
        dst = filled / f"{i}.xlsx"
        fill_workbook(src or blank(i), dst, bound, content)
        return dst

    # 1, 2, 10: a return by mail (2 with an owner missing, 10 with a line break in an owner)
    for i, mistakes in ((1, ()), (2, ("owner-missing",)), (10, ())):
        deliver(world, attach(reply_to(originals[i], personal(i)), fill(i, mistakes).read_bytes(),
                              f"แบบรายงาน ITA อบต.ทดสอบ{i}.xlsx"))
    # 3: only a plan-round workbook of its own (the wrong round)
    plan = ita_xlsx.make_workbooks(d / "plan-workbooks", [o for o in ita_xlsx.read_orgs(
        d / "orgs.csv")[0] if o.code == CODES[2]], fiscal_year=2570, round="plan")
    wrong = fill(3, src=plan.written[0], bound=bound_plan, round_key="plan")
    deliver(world, attach(reply_to(originals[3], personal(3)), wrong.read_bytes(), "ITA แผน.xlsx"))
    # 4: a Drive link; 5: a PDF scan
    deliver(world, reply_to(originals[4], personal(4),
                            "ส่งไฟล์ทาง Google Drive ค่ะ https://drive.google.com/file/d/x16/view"))
    deliver(world, attach(reply_to(originals[5], personal(5)),
                          b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n",
                          "สแกนแบบรายงาน.pdf", subtype="pdf"))
    # 6: the same return twice
    data6 = fill(6).read_bytes()
    for _ in range(2):
        deliver(world, attach(reply_to(originals[6], personal(6)), data6, "ita6.xlsx"))
    # 7: fills organisation 8's workbook and types its own code and name over it
    from ita_xlsx.demo.messy import _set_org_fields

    borrowed = fill(7, src=blank(8))
    _set_org_fields(borrowed, bound6, {"org_code": CODES[6],
                                       "org_name": "องค์การบริหารส่วนตำบลทดสอบ7"})
    deliver(world, attach(reply_to(originals[7], personal(7)), borrowed.read_bytes(),
                          "แบบรายงาน.xlsx"))
    # 11: a return the officer will set aside
    deliver(world, attach(reply_to(originals[11], personal(11)), fill(11).read_bytes(),
                          "ITA11.xlsx"))

    r = run(["collect", "--out", str(d / "returned")], d)
    assert r.exit_code == 0, r.output
    collect_output = r.output
    # 8: copied into returned/ by hand, under a name of the officer's choosing
    shutil.copy(fill(8), d / "returned" / "ส่งมาทางไลน์ อบต8.xlsx")

    # 9: uploaded through the page, over HTTP
    access = Access()
    client = TestClient(create_app(d, access=access, allowed_hosts={"127.0.0.1:8765"}),
                        base_url=BASE)
    page = client.get(f"/?token={access.token}")
    assert page.status_code == 200
    csrf = re.search(r'name="csrf-token" content="([^"]+)"', page.text).group(1)
    up = client.post("/returns/upload", data={"csrf": csrf},
                     files=[("files", ("ITA อบต9.xlsx", fill(9).read_bytes()))],
                     headers={"X-Requested-With": "fetch"})
    assert up.status_code == 200, up.text
    (uploaded,) = up.json()["results"]
    assert uploaded["outcome"] == "stored" and uploaded["org_code"] == CODES[8]
    assert uploaded["status"] in PASSED  # the verdict on arrival is the round's

    # 11: the officer's "does not count", with the reason, on the organisation's page
    org11 = client.get(f"/org/{CODES[10]}")
    assert org11.status_code == 200
    (form_action,) = re.findall(r'action="(/org/[^"]+/file/\d+/set-aside)"', org11.text)
    done = client.post(form_action, data={"csrf": csrf, "reason": SET_ASIDE_REASON},
                       follow_redirects=False)
    assert done.status_code == 303
    return {"dir": d, "contents": contents, "client": client, "csrf": csrf,
            "collect": collect_output, "world": world}


def expected_figures(contents) -> dict:
    """The district's figures from what the counted organisations typed."""
    means = {}
    for n in range(1, 11):
        vals = [float(contents[i].scores[n - 1]) for i in COUNTED]
        means[n] = round(sum(vals) / len(vals), 2)
    results = [r for i in COUNTED for r in contents[i].results]
    return {"means": means, "results": len(results),
            "done": sum(r.get("status") == "ดำเนินการแล้วเสร็จ" for r in results),
            "measures": sum(len(contents[i].measures) for i in COUNTED)}


def test_every_surface_gives_the_same_answer(messy_round):
    d, contents, client = messy_round["dir"], messy_round["contents"], messy_round["client"]
    want = expected_figures(contents)

    # the model itself, through the library API
    rnd = ita_xlsx.open_round(d)
    model = rnd.states()
    assert set(model) == set(CODES)
    for i, code in enumerate(CODES, start=1):
        assert model[code] in EXPECTED[i], (i, code, model[code], rnd.org(code).why())
    assert rnd.org(CODES[10]).why().endswith(SET_ASIDE_REASON)
    assert "drive.google.com" in rnd.org(CODES[3]).why()
    fig = rnd.figures
    assert {f.split(" > ")[0].split("/")[-1][:7] for f in fig.counted_files} <= set(CODES) | {
        "ส่งมาทา"}
    assert len(fig.counted_files) == len(COUNTED)
    assert {i.number: i.mean for i in fig.indicators} == want["means"]
    assert (fig.results, fig.done, fig.measures) == (want["results"], want["done"],
                                                     want["measures"])

    # validate JSON (given the returns folder: the same round)
    r = run(["validate", str(d / "returned"), "--format", "json"])
    data = json.loads(r.output)
    assert states_of((o["org_code"], o["state"]) for o in data["orgs"]) == model
    assert {int(k): v for k, v in data["figures"]["indicator_means"].items()} == want["means"]
    assert data["figures"]["counted_files"] == fig.counted_files
    set_aside = [f for f in data["files"] if SET_ASIDE_REASON in (f.get("decision") or "")]
    assert len(set_aside) == 1 and set_aside[0]["counts"] is False

    # merge: its summary line, and the report it writes (summary states, indicator means,
    # result counts)
    out = d / "reports" / "district-report.xlsx"
    out.parent.mkdir(exist_ok=True)
    r = run(["merge", str(d), "-o", str(out)])
    assert r.exit_code == 0, r.output
    for key, n in fig.states.items():
        if n:
            assert f"{org_state_text(key)} {n}" in r.output, (key, r.output)
    from ita_xlsx.consolidation.merge import open_report

    book = open_report(out)
    by_text = {org_state_text(k): k for k in ORG_STATES}
    summary = book.table("summary")
    assert states_of((row["org_code"], by_text[row["state"]]) for row in summary) == model
    stats = book.rows("scores", "scores_stats")[:10]
    assert {n: round(float(row[2]), 2) for n, row in enumerate(stats, start=1)} == want["means"]
    counted_rows = [row for row in summary if by_text[row["state"]] in PASSED | {"needs_fixing"}]
    assert sum(int(row["results_done"] or 0) for row in counted_rows) == want["done"]
    assert sum(int(row["results_done"] or 0) + int(row["results_in_progress"] or 0)
               + int(row["results_not_started"] or 0) for row in counted_rows) == want["results"]

    # status JSON
    r = run(["status", "--format", "json"], d)
    assert r.exit_code == 0, r.output
    status = json.loads(r.output)
    assert states_of((s["code"], s["state"]) for s in status) == model
    hand = next(s for s in status if s["code"] == CODES[7])
    assert hand["counting_file"] == "ส่งมาทางไลน์ อบต8.xlsx"  # copied by hand: counts the same
    assert next(s for s in status if s["code"] == CODES[3])["replies"]  # the Drive link

    # the page: the round view and the report view
    page = client.get("/").text
    assert states_of(re.findall(r'<tr data-code="(\d+)" data-status="(\w+)"', page)) == model
    report = client.get("/report").text
    means = dict(re.findall(r'<tr data-n="(\d+)" data-mean="([\d.]+)"', report))
    assert {int(k): float(v) for k, v in means.items()} == want["means"]
    assert f'data-results="{want["results"]}"' in report and f'data-done="{want["done"]}"' in report
    page_states = dict(re.findall(r'data-state="(\w+)" data-n="(\d+)"', report))
    assert {k: int(v) for k, v in page_states.items()} == fig.states
    assert "/tmp/" not in page and str(d) not in page and str(d) not in report  # no server paths
    org11 = client.get(f"/org/{CODES[10]}").text
    assert SET_ASIDE_REASON in org11 and 'class="restore"' in org11

    # the district memo: its sentences and figures
    r = run(["docs", "--district", str(d), "--out", str(d / "memo"), "--arabic-digits"])
    assert r.exit_code == 0, r.output
    (memo,) = (d / "memo").glob("*.docx")
    text = memo_text(memo)
    n_valid = fig.states["passed"] + fig.states["passed_with_notes"]
    waiting = N - len(COUNTED)
    sentence = re.search(r"มีหน่วยงานส่งแบบรายงานแล้ว (\d+) แห่ง \S+ (\d+) แห่ง ต้องแก้ไข (\d+) แห่ง "
                         r"และยังไม่ส่ง (\d+) แห่ง ได้แก่ ([^\n]*)", text)
    assert sentence, text
    assert tuple(map(int, sentence.groups()[:4])) == (len(COUNTED), n_valid,
                                                      fig.states["needs_fixing"], waiting)
    waiting_names = sentence.group(5)
    for i in (3, 4, 5, 7, 11, 12):  # everyone whose return does not count yet, by name
        assert f"องค์การบริหารส่วนตำบลทดสอบ{i}" in waiting_names
    assert "กรอกคะแนนไม่ครบ" not in text  # the wrong-round file is not a return with gaps
    for w in fig.weakest(3):  # named in a sentence: "ตัวชี้วัดที่ 10 การป้องกันการทุจริต"
        name = re.sub(r"^\s*(\d+)\s*[.)]\s*", r"ตัวชี้วัดที่ \1 ", w.label)
        assert f"{name} (เฉลี่ย {w.mean:.2f} คะแนน)" in text
    assert f"รายงานผลการดำเนินการ {want['results']} รายการ" in text
    assert f"ดำเนินการแล้วเสร็จ {want['done']} รายการ" in text

    # send --remind: exactly those whose state is not passed get a reminder
    r = run(["send", "--remind"], d)
    assert r.exit_code == 0, r.output
    world = messy_round["world"]
    reminded = set()
    for i, code in enumerate(CODES, start=1):
        for m in world.boxes.messages(org_address(i)):
            if "ขอติดตาม" in str(message_from_bytes(m.as_bytes(), policy=policy.default)[
                    "Subject"]):
                reminded.add(code)
    assert reminded == {code for code, state in model.items() if state not in PASSED}


def test_the_officer_takes_the_decision_back(messy_round):
    """Restore: organisation 11's file counts again, on every surface."""
    d, client, csrf = messy_round["dir"], messy_round["client"], messy_round["csrf"]
    org11 = client.get(f"/org/{CODES[10]}").text
    (action,) = re.findall(r'action="(/org/[^"]+/file/\d+/restore)"', org11)
    # a reason is required
    assert client.post(action, data={"csrf": csrf, "reason": " "}).status_code == 400
    r = client.post(action, data={"csrf": csrf, "reason": "หน่วยงานยืนยันว่าเป็นฉบับจริง"},
                    follow_redirects=False)
    assert r.status_code == 303
    state = ita_xlsx.open_round(d).org(CODES[10]).state.value
    assert state in PASSED
    status = json.loads(run(["status", "--format", "json"], d).output)
    assert next(s for s in status if s["code"] == CODES[10])["state"] == state
    page = client.get("/").text
    assert f'data-code="{CODES[10]}" data-status="{state}"' in page
    # the decision and its undoing stay in the round's SQLite file
    from ita_xlsx.rounds import RoundStore

    with RoundStore.of_folder(d) as store:
        actions = [h.action for h in store.history()]
    assert actions == ["exclude", "restore"]


def test_the_district_header_form(messy_round):
    d, client, csrf = messy_round["dir"], messy_round["client"], messy_round["csrf"]
    r = client.post("/report/district", data={
        "csrf": csrf, "name": "อำเภอดอกคำใต้", "office": "ที่ทำการท้องถิ่นอำเภอดอกคำใต้ โทร 0 5449 1234",
        "document_prefix": "พย 0023.16", "signer_name": "นายทดสอบ ใจดี",
        "signer_position": "ท้องถิ่นอำเภอดอกคำใต้", "addressee": "ท้องถิ่นจังหวัดพะเยา"})
    assert r.status_code == 200 and 'id="district-saved"' in r.text
    settings = ita_xlsx.load_settings(d)
    assert settings.district.document_prefix == "พย 0023.16"
    assert settings.mail.smtp_host == HOST  # the rest of the file is kept
    assert 'value="นายทดสอบ ใจดี"' in client.get("/report").text


def test_non_workbooks_are_listed_as_what_they_are(messy_round):
    """A Word file dropped on the page is a Word file, never an unreadable return of an
    unknown organisation."""
    import io

    from docx import Document

    client, csrf = messy_round["client"], messy_round["csrf"]
    buf = io.BytesIO()
    Document().save(buf)
    up = client.post("/returns/upload", data={"csrf": csrf},
                     files=[("files", (f"{CODES[11]}_หนังสือนำส่ง.docx", buf.getvalue()))],
                     headers={"X-Requested-With": "fetch"})
    (item,) = up.json()["results"]
    assert item["outcome"] == "kept" and "Word" in item["detail"]
    row = ita_xlsx.open_round(messy_round["dir"]).org(CODES[11])
    assert [f.kind for f in row.files] == ["word"]
    assert row.state.value == "unusable"
    page = client.get("/").text
    assert 'data-code=""' not in page  # no row for an unknown organisation
