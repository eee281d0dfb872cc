"""`ita-xlsx serve` with the round's mail (real Dovecot IMAP and aiosmtpd SMTP on 127.0.0.1):
send the workbooks from the page, collect the replies, see sent / feedback sent / reminded per
organisation, email one organisation its feedback copy and remind another."""

from __future__ import annotations

import re
import smtplib
import warnings
from email import message_from_bytes, policy
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path

import pytest
from mail_servers import HOST, settings_toml, world_fixture

import ita_xlsx

pytest.importorskip("starlette")
warnings.filterwarnings("ignore", message=".*httpx.*", category=DeprecationWarning)
from test_serve_http import BASE, client_for, csrf_of  # noqa: E402

mail_world = world_fixture()
OFFICER, PASSWORD = "saraban@amphoe-serve.test", "รหัส-serve-1"
CODES = ["6560201", "6560202", "6560203"]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def address(i: int) -> str:
    return f"saraban{i}@serve-org{i}.test"


@pytest.fixture
def round_dir(mail_world, tmp_path, monkeypatch) -> Path:
    world = mail_world
    world.boxes.add_user(OFFICER, PASSWORD)
    lines = ["code,name,type,district,province,email"]
    for i, code in enumerate(CODES, start=1):
        world.boxes.add_user(address(i), "x")
        lines.append(f"{code},เทศบาลตำบลทดลอง{i},เทศบาลตำบล,เชียงคำ,พะเยา,{address(i)}")
    (tmp_path / "orgs.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (tmp_path / "ita-settings.toml").write_text(settings_toml(world, OFFICER), encoding="utf-8")
    monkeypatch.setenv("ITA_XLSX_MAIL_PASSWORD", PASSWORD)
    return tmp_path


def texts(html: str, element_id: str) -> str:
    m = re.search(rf'id="{element_id}"[^>]*>(.*?)</section>', html, re.S)
    return re.sub(r"<[^>]+>", " ", m.group(1)) if m else ""


def test_the_round_by_email_from_the_pages(mail_world, round_dir):
    world = mail_world
    client, access = client_for(round_dir)
    page = client.get(f"/make?token={access.token}").text
    csrf = csrf_of(page)
    r = client.post("/make", data={"csrf": csrf, "year": "2570", "round": "6"})
    assert "สร้างแบบรายงานแล้ว 3 ไฟล์" in r.text and 'id="send-workbooks"' in r.text

    # send every organisation its workbook
    r = client.post("/make/send", data={"csrf": csrf})
    sent = texts(r.text, "sent")
    assert all(f"ส่งถึง {code} แล้ว" in sent for code in CODES), sent
    originals = {}
    for i, code in enumerate(CODES, start=1):
        (m,) = world.boxes.messages(address(i))
        originals[code] = message_from_bytes(m.as_bytes(), policy=policy.default)
    r = client.post("/make/send", data={"csrf": csrf})  # never twice
    assert "เคยส่งแล้ว" in texts(r.text, "sent")
    assert all(len(world.boxes.messages(address(i))) == 1 for i in range(1, 4))
    page = client.get("/").text
    for code in CODES:  # the sent column comes from the mail ledger
        row = re.search(rf'<tr data-code="{code}".*?</tr>', page, re.S).group(0)
        # (Buddhist Era, Thai time: the one formatter)
        assert re.search(r"\d\d/\d\d/25\d\d \d\d:\d\d", row), row

    # organisation 1 replies with its workbook (two mistakes); 2 and 3 stay silent
    (blank,) = (round_dir / "workbooks").glob(f"{CODES[0]}_*.xlsx")
    filled = round_dir.parent / "filled.xlsx"
    ita_xlsx.simulate_return(blank, filled, seed=1, round="6", fiscal_year=2570,
                             mistakes=("owner-missing", "timeframe-bad"))
    reply = EmailMessage()
    reply["From"] = address(1)
    reply["To"] = OFFICER
    reply["Subject"] = "RE: " + str(originals[CODES[0]]["Subject"])
    reply["Message-ID"] = make_msgid(domain="serve-org1.test")
    reply["In-Reply-To"] = originals[CODES[0]]["Message-ID"]
    reply.set_content("ส่งแบบรายงานค่ะ")
    reply.add_attachment(filled.read_bytes(), maintype="application",
                         subtype=XLSX.split("/")[1], filename="แบบรายงาน ทต.ทดลอง1.xlsx")
    with smtplib.SMTP(HOST, world.smtp.port, timeout=20) as s:
        s.send_message(reply, to_addrs=[OFFICER])

    page = client.get("/returns").text
    assert 'id="collect"' in page
    r = client.post("/returns/collect", data={"csrf": csrf})
    assert "รับไฟล์ 1 ไฟล์" in r.text, r.text[-2000:]
    states = dict(re.findall(r'<tr data-code="([^"]+)" data-status="([^"]*)"',
                             client.get("/").text))
    # the round model's states (issue 16)
    assert states == {CODES[0]: "needs_fixing", CODES[1]: "not_sent", CODES[2]: "not_sent"}

    # the feedback copy to organisation 1, a reminder to organisation 2
    r = client.post(f"/org/{CODES[0]}/send/feedback", data={"csrf": csrf})
    assert f"ส่งถึง {CODES[0]} แล้ว" in texts(r.text, "sent")
    box = world.boxes.messages(address(1))
    assert len(box) == 2
    feedback = message_from_bytes(box[-1].as_bytes(), policy=policy.default)
    assert [a.get_filename() for a in feedback.iter_attachments()][0].endswith(".xlsx")
    r = client.post(f"/org/{CODES[1]}/send/remind", data={"csrf": csrf})
    assert f"ส่งถึง {CODES[1]} แล้ว" in texts(r.text, "sent")
    assert len(world.boxes.messages(address(2))) == 2
    page = client.get("/").text
    row1 = re.search(rf'<tr data-code="{CODES[0]}".*?</tr>', page, re.S).group(0)
    row2 = re.search(rf'<tr data-code="{CODES[1]}".*?</tr>', page, re.S).group(0)
    assert len(re.findall(r"\d\d/\d\d/25\d\d \d\d:\d\d", row1)) == 2  # sent, feedback sent
    assert len(re.findall(r"\d\d/\d\d/25\d\d \d\d:\d\d", row2)) == 2  # sent, reminded
    # no CSRF token, no mail
    assert client.post(f"/org/{CODES[2]}/send/remind", data={}).status_code == 403
    assert len(world.boxes.messages(address(3))) == 1
    assert BASE.startswith("http://127.0.0.1")
