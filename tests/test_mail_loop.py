"""The whole round by email against real servers on 127.0.0.1 (Dovecot IMAP, aiosmtpd SMTP):
new → send to 30 organisations → the organisations reply as people do → collect → validate →
send --feedback (threaded into the right mailboxes) → status → send --remind."""

from __future__ import annotations

import io
import json
import smtplib
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
from ita_xlsx.make.simulate import MISTAKES, make_return
from ita_xlsx.spec.template import bind, load_template

mail_world = world_fixture()
OFFICER, PASSWORD = "saraban@amphoe-chiangkham.test", "รหัส-officer-1"
N = 30
CODES = [f"65601{i:02d}" for i in range(1, N + 1)]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def org_address(i: int) -> str:
    return f"saraban{i}@org{i}.test"


def personal(i: int) -> str:
    return f"clerk{i}@personal.test"


def run(args: list[str], round_dir: Path):
    result = CliRunner().invoke(main, [*args, "--dir", str(round_dir)],
                                env={"ITA_XLSX_MAIL_PASSWORD": PASSWORD})
    return result


def deliver(world, msg: EmailMessage, to: str) -> None:
    """An organisation's reply, sent through the SMTP server as its mail program would."""
    with smtplib.SMTP(HOST, world.smtp.port, timeout=20) as s:
        s.send_message(msg, to_addrs=[to])


def reply_to(original, sender: str, subject: str | None = None) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = f"เจ้าหน้าที่ <{sender}>"
    msg["To"] = OFFICER
    msg["Subject"] = subject if subject is not None else "RE: " + str(original["Subject"])
    msg["Message-ID"] = make_msgid(domain="personal.test")
    if original is not None:
        msg["In-Reply-To"] = original["Message-ID"]
        msg["References"] = original["Message-ID"]
    msg.set_content("ส่งแบบรายงานตามไฟล์แนบค่ะ")
    return msg


@pytest.fixture(scope="module")
def round_dir(mail_world, tmp_path_factory) -> Path:
    world = mail_world
    world.boxes.add_user(OFFICER, PASSWORD)
    d = tmp_path_factory.mktemp("round")
    lines = ["code,name,type,district,province,email"]
    for i, code in enumerate(CODES, start=1):
        world.boxes.add_user(org_address(i), "x")
        world.boxes.add_user(personal(i), "x")
        emails = org_address(i) if i != 2 else f"{org_address(i)}; {personal(i)}"
        lines.append(f"{code},เทศบาลตำบลทดสอบ{i},เทศบาลตำบล,เชียงคำ,พะเยา,\"{emails}\"")
    (d / "orgs.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (d / "ita-settings.toml").write_text(settings_toml(world, OFFICER), encoding="utf-8")
    return d


def test_the_round_by_email(mail_world, round_dir):
    world, d = mail_world, round_dir
    template = load_template()
    bound6 = bind(template, 2570, "6")

    # 1. new
    r = CliRunner().invoke(main, ["new", "--orgs", str(d / "orgs.csv"), "--year", "2570",
                                  "--round", "6", "--out", str(d / "workbooks")])
    assert r.exit_code == 0, r.output

    # 2. send to 30 organisations
    r = run(["send"], d)
    assert r.exit_code == 0, r.output
    assert "ส่งแล้ว 30 ฉบับ" in r.output
    originals = {}
    for i, code in enumerate(CODES, start=1):
        box = world.boxes.messages(org_address(i))
        assert len(box) == 1, (code, len(box))
        m = message_from_bytes(box[0].as_bytes(), policy=policy.default)
        assert f"[ITA2570-รอบ6-{code}]" in str(m["Subject"])
        names = [a.get_filename() for a in m.iter_attachments()]
        (made,) = (d / "workbooks").glob(f"{code}_*.xlsx")
        assert names == [made.name] and made.name.startswith(f"{code}_เทศบาลตำบลทดสอบ{i}_ITA2570")
        assert m["Message-ID"]
        originals[code] = m
    assert len(world.boxes.messages(personal(2))) == 1  # the second address of org 2
    # rerun: nothing sent twice
    r = run(["send"], d)
    assert r.exit_code == 0 and "ส่งแล้ว 0 ฉบับ" in r.output and "30" in r.output
    assert all(len(world.boxes.messages(org_address(i))) == 1 for i in range(1, N + 1))

    # 3. the organisations reply, as people do
    filled = d / "filled"
    filled.mkdir()

    def fill(i: int, mistakes=()) -> bytes:
        code = CODES[i - 1]
        (src,) = (d / "workbooks").glob(f"{code}_*.xlsx")
        dst = filled / f"{code}.xlsx"
        make_return(src, dst, bound6, i, "6", tuple(mistakes))
        return dst.read_bytes()

    invalid = {3, 7}
    for i in range(1, 21):  # replies with the workbook, from personal addresses, Thai names
        msg = reply_to(originals[CODES[i - 1]], personal(i))
        msg.add_attachment(fill(i, MISTAKES if i in invalid else ()), maintype="application",
                           subtype=XLSX.split("/")[1],
                           filename=f"แบบรายงาน ITA ทต.ทดสอบ{i} (แก้ไขแล้ว).xlsx")
        deliver(world, msg, OFFICER)
    # 21: forwarded by the mayor's secretary, new subject, no tag: the workbook says who
    inner = reply_to(originals[CODES[20]], personal(21))
    inner.add_attachment(fill(21), maintype="application", subtype=XLSX.split("/")[1],
                         filename="ITA ห้วยทดสอบ.xlsx")
    fwd = reply_to(None, "secretary@mayor.test", subject="Fwd: ส่งงาน")
    fwd.add_attachment(inner)
    deliver(world, fwd, OFFICER)
    # 22: in a ZIP with a Thai member name
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("ส่งงาน/แบบรายงาน ITA.xlsx", fill(22))
    msg = reply_to(originals[CODES[21]], personal(22))
    msg.add_attachment(buf.getvalue(), maintype="application", subtype="zip",
                       filename="ส่งงาน ITA.zip")
    deliver(world, msg, OFFICER)
    # 23: the same file sent twice
    data23 = fill(23)
    for _ in range(2):
        msg = reply_to(originals[CODES[22]], personal(23))
        msg.add_attachment(data23, maintype="application", subtype=XLSX.split("/")[1],
                           filename="ita23.xlsx")
        deliver(world, msg, OFFICER)
    # 24: only a link to a cloud drive
    msg = reply_to(originals[CODES[23]], personal(24))
    msg.set_content("ส่งไฟล์ทาง Google Drive ค่ะ https://drive.google.com/file/d/abc123/view")
    deliver(world, msg, OFFICER)
    # 25: a password-protected workbook
    import msoffcrypto.format.ooxml as ooxml

    plain = io.BytesIO(fill(25))
    locked = io.BytesIO()
    ooxml.OOXMLFile(plain).encrypt("1234", locked)
    msg = reply_to(originals[CODES[24]], personal(25))
    msg.add_attachment(locked.getvalue(), maintype="application", subtype=XLSX.split("/")[1],
                       filename="รายงาน (ใส่รหัส).xlsx")
    deliver(world, msg, OFFICER)
    # and something that has nothing to do with the round
    news = reply_to(None, "news@province.test", subject="ข่าวประชาสัมพันธ์จังหวัด")
    deliver(world, news, OFFICER)

    # 4. collect
    r = run(["collect", "--out", str(d / "returned")], d)
    assert r.exit_code == 0, r.output
    saved = sorted(p.name for p in (d / "returned").iterdir())
    assert len(saved) == 24, saved  # 1-23 and 25; 23 once
    for i in [*range(1, 24), 25]:
        assert sum(name.startswith(CODES[i - 1] + "_") for name in saved) == 1, (i, saved)
    assert any(name.endswith("_แบบรายงาน_ITA_ทต.ทดสอบ1_(แก้ไขแล้ว).xlsx") for name in saved)
    assert "drive.google.com" in r.output  # listed for follow-up
    assert "ไฟล์เดิมส่งซ้ำ" in r.output and "ita23.xlsx" in r.output
    # the mailbox is untouched: every message still unread, nothing moved or deleted
    officer_box = world.boxes.maildir(OFFICER)
    assert len(list((officer_box / "cur").glob("*")) + list((officer_box / "new").glob("*"))) == 27
    assert not any(":2," in p.name and "S" in p.name.split(":2,")[1]
                   for p in (officer_box / "cur").glob("*"))
    # rerun: nothing downloaded twice
    r = run(["collect", "--out", str(d / "returned")], d)
    assert r.exit_code == 0 and "ข้อความใหม่ 0" in r.output, r.output
    assert sorted(p.name for p in (d / "returned").iterdir()) == saved

    # 5. validate what came back; feedback copies
    report = ita_xlsx.validate([d / "returned"], orgs=d / "orgs.csv")
    fb = ita_xlsx.write_feedback(report, d / "feedback")
    assert fb.written

    # 6. send --feedback: replies in the organisations' threads
    r = run(["send", "--feedback", str(d / "feedback")], d)
    assert r.exit_code == 0, r.output
    fed = {p.name.split("_")[0] for p in fb.written}
    assert {CODES[i - 1] for i in invalid} <= fed
    for i, code in enumerate(CODES, start=1):
        box = [message_from_bytes(m.as_bytes(), policy=policy.default)
               for m in world.boxes.messages(personal(i))]
        replies = [m for m in box if m["In-Reply-To"]]
        if code in fed:
            assert len(replies) == 1, code
            reply = replies[0]
            assert reply["In-Reply-To"] and originals[code]["Message-ID"] in reply["References"]
            assert str(reply["Subject"]) == "RE: " + str(originals[code]["Subject"])
            body = reply.get_body(("plain",)).get_content()
            assert "ผลการตรวจ" in body
            if i in invalid:
                assert "ต้องแก้ไข" in body and "สิ่งที่ต้องแก้" in body
                assert 'แผ่นงาน "มาตรการ" เซลล์ G5 (ผู้รับผิดชอบ)' in body  # owner-missing
            # and also to the listed address
            assert any(m["In-Reply-To"] for m in world.boxes.messages(org_address(i)))
        else:
            assert not replies, code
    r = run(["send", "--feedback", str(d / "feedback")], d)  # not twice
    assert "ส่งแล้ว 0 ฉบับ" in r.output

    # 7. status
    r = run(["status", "--format", "json"], d)
    assert r.exit_code == 0, r.output
    st = {s["code"]: s for s in json.loads(r.output)}
    assert len(st) == N
    for i, code in enumerate(CODES, start=1):
        s = st[code]
        assert s["sent_at"], code
        if i in invalid:
            assert s["validation"] == "invalid" and s["errors"] > 0
        elif i == 25:
            assert s["validation"] == "unreadable"
        elif i == 24 or i > 25:
            assert s["validation"] == "missing" and not s["returned_files"]
        else:
            assert s["validation"] == "valid", (code, s)  # org 2's two addresses too
            assert s["counting_file"].startswith(code + "_")
        assert bool(s["feedback_sent_at"]) == (code in fed)
    api = {s.code: s for s in ita_xlsx.round_status(d)}
    assert api[CODES[2]].validation == "invalid"
    r = run(["status", "--xlsx", str(d / "status.xlsx")], d)
    assert r.exit_code == 0 and "ต้องแก้ไข" in r.output
    import openpyxl

    ws = openpyxl.load_workbook(d / "status.xlsx").active
    table = list(ws.iter_rows(values_only=True))
    assert table[0][:2] == ("รหัส", "หน่วยงาน") and len(table) == N + 1
    assert table[3][0] == CODES[2] and table[3][7] == "ต้องแก้ไข"
    r = run(["status", "--format", "csv"], d)
    assert r.output.splitlines()[0].startswith("รหัส,หน่วยงาน")

    # 8. remind those without a valid return
    r = run(["send", "--remind"], d)
    assert r.exit_code == 0, r.output
    reminded = {s.code for s in ita_xlsx.round_status(d) if s.reminded_at}
    expected = {CODES[i - 1] for i in (*invalid, 24, 25, 26, 27, 28, 29, 30)}
    assert reminded == expected
    for i in (24, 26):
        subjects = [str(message_from_bytes(m.as_bytes(), policy=policy.default)["Subject"])
                    for m in world.boxes.messages(org_address(i))]
        assert any("ขอติดตาม" in s for s in subjects)
