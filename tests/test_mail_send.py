"""send and mail test against real servers on 127.0.0.1: TLS with a test CA, a wrong password,
the server stopping midway, a temporary 451, a refused address, --dry-run, --resend."""

from __future__ import annotations

from email import message_from_bytes, policy
from pathlib import Path

import pytest
from click.testing import CliRunner
from mail_servers import settings_toml, world_fixture

import ita_xlsx
from ita_xlsx.cli.main import main
from ita_xlsx.mail.ledger import Ledger

mail_world = world_fixture()
FAST = (0.05, 0.05)  # retry pauses in tests


def cli(args: list[str], password: str = "pw-ok"):
    return CliRunner().invoke(main, args, env={"ITA_XLSX_MAIL_PASSWORD": password})


def make_round(world, tmp_path: Path, prefix: str, n: int, **settings) -> tuple[Path, list[str]]:
    """A round folder with ``n`` organisations whose mailboxes exist, and their workbooks."""
    officer = f"{prefix}-officer@amphoe.test"
    world.boxes.add_user(officer, "pw-ok")
    addresses = []
    lines = ["code,name,email"]
    for i in range(1, n + 1):
        address = f"{prefix}{i}@org.test"
        world.boxes.add_user(address, "x")
        addresses.append(address)
        lines.append(f"65700{i:02d},องค์การบริหารส่วนตำบลทดสอบ{i},{address}")
    d = tmp_path / prefix
    d.mkdir()
    (d / "orgs.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (d / "ita-settings.toml").write_text(settings_toml(world, officer, **settings),
                                         encoding="utf-8")
    r = cli(["new", "--orgs", str(d / "orgs.csv"), "--year", "2570", "--round", "6", "--out",
             str(d / "workbooks")])
    assert r.exit_code == 0, r.output
    return d, addresses


def counts(world, addresses: list[str]) -> list[int]:
    return [len(world.boxes.messages(a)) for a in addresses]


def test_mail_test_with_the_test_ca(mail_world, tmp_path):
    d, _ = make_round(mail_world, tmp_path, "tls", 1)
    r = cli(["mail", "test", "--dir", str(d)])
    assert r.exit_code == 0, r.output
    assert "SMTP: เข้าสู่ระบบได้" in r.output and "IMAP: เข้าสู่ระบบได้" in r.output


def test_mail_test_implicit_ssl_and_starttls_imap(mail_world, tmp_path):
    d, _ = make_round(mail_world, tmp_path, "tls2", 1, imap_security="starttls")
    r = cli(["mail", "test", "--dir", str(d), "--lang", "en"])
    assert r.exit_code == 0, r.output
    assert "IMAP: OK" in r.output


def test_untrusted_certificate_is_a_thai_message(mail_world, tmp_path):
    d, _ = make_round(mail_world, tmp_path, "noca", 1, ca_file=False)
    r = cli(["mail", "test", "--dir", str(d)])
    assert r.exit_code == 2
    assert "ใบรับรองความปลอดภัย (TLS)" in r.output and "ca_file" in r.output
    assert "Traceback" not in r.output


def test_wrong_password(mail_world, tmp_path):
    d, _ = make_round(mail_world, tmp_path, "wrongpw", 1)
    r = cli(["mail", "test", "--dir", str(d)], password="not-this")
    assert r.exit_code == 2
    assert "ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง" in r.output and "App Password" in r.output
    r = cli(["send", "--dir", str(d)], password="not-this")
    assert r.exit_code == 2 and "รหัสผ่านไม่ถูกต้อง" in r.output
    r = cli(["collect", "--dir", str(d)], password="not-this")
    assert r.exit_code == 2 and "รหัสผ่านไม่ถูกต้อง" in r.output


def test_no_password_anywhere(mail_world, tmp_path, monkeypatch):
    d, _ = make_round(mail_world, tmp_path, "nopw", 1)
    monkeypatch.delenv("ITA_XLSX_MAIL_PASSWORD", raising=False)
    r = CliRunner().invoke(main, ["send", "--dir", str(d)], env={"ITA_XLSX_MAIL_PASSWORD": None})
    assert r.exit_code == 2 and "ITA_XLSX_MAIL_PASSWORD" in r.output


def test_dry_run_writes_eml_and_sends_nothing(mail_world, tmp_path):
    d, addresses = make_round(mail_world, tmp_path, "dry", 2)
    (d / "ita-settings.toml").write_text('[round]\nfiscal_year = 2570\nround = "6"\n',
                                         encoding="utf-8")  # no [mail] yet
    r = cli(["send", "--dir", str(d), "--dry-run"])
    assert r.exit_code == 0, r.output
    emls = sorted((d / "outbox").glob("*.eml"))
    assert len(emls) == 2
    m = message_from_bytes(emls[0].read_bytes(), policy=policy.default)
    assert m["From"].addresses[0].addr_spec == "ita-xlsx@example.invalid"
    assert str(m["Subject"]).startswith("[ITA2570-รอบ6-6570001]")
    (made,) = (d / "workbooks").glob("6570001_*.xlsx")
    assert made.name.startswith("6570001_องค์การบริหารส่วนตำบลทดสอบ1_ITA2570")
    assert [a.get_filename() for a in m.iter_attachments()] == [made.name]
    raw = emls[0].read_bytes()
    assert b"filename*=utf-8''6570001_%E0%B8%AD" in raw  # RFC 2231
    assert b'name="=?utf-8?b?' in raw  # RFC 2047 for older Outlook
    assert counts(mail_world, addresses) == [0, 0]
    assert Ledger.of_round(d).sent_rows() == []
    r = cli(["send", "--dir", str(d), "--dry-run"])
    assert "--force" in r.output  # never silently overwritten


def test_server_stops_midway_and_rerun_completes_without_duplicates(mail_world, tmp_path):
    world = mail_world
    d, addresses = make_round(world, tmp_path, "stop", 8)
    world.smtp.handler.delivered = 0
    world.smtp.handler.stop_after = 3
    try:
        result = ita_xlsx.send_workbooks(d, password="pw-ok", retry_delays=FAST)
    finally:
        world.smtp.handler.stop_after = None
    assert len(result.sent) == 3 and len(result.failed) == 5
    # once the server cannot be reached, the rest are not each retried for minutes
    assert sum("ยังไม่ได้ส่ง: ติดต่อเซิร์ฟเวอร์ไม่ได้" in e for _c, e in result.failed) == 4
    assert sum(counts(world, addresses)) == 3
    world.restart_smtp()
    r = cli(["status", "--dir", str(d), "--format", "json"])
    assert r.output.count('"send_error": ""') == 3
    result = ita_xlsx.send_workbooks(d, password="pw-ok", retry_delays=FAST)
    assert len(result.sent) == 5 and len(result.already) == 3 and not result.failed
    assert counts(world, addresses) == [1] * 8
    result = ita_xlsx.send_workbooks(d, password="pw-ok", retry_delays=FAST)
    assert not result.sent and len(result.already) == 8
    assert counts(world, addresses) == [1] * 8


def test_temporary_451_is_retried(mail_world, tmp_path):
    world = mail_world
    d, addresses = make_round(world, tmp_path, "tmp451", 3)
    world.smtp.handler.fail_once.add(addresses[1])
    r = cli(["send", "--dir", str(d)])
    assert r.exit_code == 0, r.output
    assert addresses[1] not in world.smtp.handler.fail_once  # it was refused once
    assert counts(world, addresses) == [1, 1, 1]


def test_permanent_5xx_for_one_organisation_does_not_stop_the_others(mail_world, tmp_path):
    world = mail_world
    d, addresses = make_round(world, tmp_path, "perm", 3)
    world.smtp.handler.reject.add(addresses[0])
    try:
        r = cli(["send", "--dir", str(d)])
    finally:
        world.smtp.handler.reject.clear()
    assert r.exit_code == 1
    assert "ส่งถึง 6570001 ไม่สำเร็จ" in r.output and "550" in r.output
    assert counts(world, addresses) == [0, 1, 1]
    st = {s.code: s for s in ita_xlsx.round_status(d)}
    assert "550" in st["6570001"].send_error and not st["6570001"].sent_at
    r = cli(["send", "--dir", str(d)])  # the address fixed on the server: only it goes
    assert r.exit_code == 0 and counts(world, addresses) == [1, 1, 1]


def test_resend_forces_one(mail_world, tmp_path):
    world = mail_world
    d, addresses = make_round(world, tmp_path, "resend", 2)
    assert cli(["send", "--dir", str(d)]).exit_code == 0
    r = cli(["send", "--dir", str(d), "--resend", "6570002"])
    assert r.exit_code == 0 and "ส่งแล้ว 1 ฉบับ" in r.output
    assert counts(world, addresses) == [1, 2]
    ids = {m["Message-ID"] for m in world.boxes.messages(addresses[1])}
    assert len(ids) == 2  # a new message, not a copy of the first


def test_organisation_without_address_is_listed(mail_world, tmp_path):
    d, addresses = make_round(mail_world, tmp_path, "noaddr", 2)
    text = (d / "orgs.csv").read_text(encoding="utf-8").replace(addresses[1], "")
    (d / "orgs.csv").write_text(text, encoding="utf-8")
    r = cli(["send", "--dir", str(d)])
    assert r.exit_code == 0
    assert "6570002" in r.output and "ไม่มีอีเมลในรายชื่อ" in r.output
    assert counts(mail_world, addresses) == [1, 0]


def test_unknown_placeholder_in_the_message_template(mail_world, tmp_path):
    d, _ = make_round(mail_world, tmp_path, "tpl", 1)
    with (d / "ita-settings.toml").open("a", encoding="utf-8") as fh:
        fh.write('\n[message]\nsubject = "{tag} แบบรายงาน {ชื่อ}"\n')
    r = cli(["send", "--dir", str(d), "--dry-run"])
    assert r.exit_code == 2 and "{ชื่อ}" in r.output


@pytest.mark.parametrize("bad", ['smtp_security = "tls"', 'per_minute = "fast"'])
def test_bad_settings_are_named(tmp_path, bad):
    (tmp_path / "ita-settings.toml").write_text(f"[mail]\n{bad}\n", encoding="utf-8")
    r = cli(["send", "--dir", str(tmp_path), "--dry-run"])
    assert r.exit_code == 2 and "ita-settings.toml" in r.output and "[mail]" in r.output


def test_killed_between_delivery_and_ledger_is_not_sent_again_blind(
        mail_world, tmp_path, monkeypatch):
    """The one window SMTP leaves open: the server took the message, the program died before
    writing "sent". The rerun does not send it again: the account has no Sent folder to look
    in, so it is reported as "may already have been sent" with the way to resend it; resent
    on request, it carries the same Message-ID (mail programs then show one message)."""
    from ita_xlsx.mail import send as send_module

    world = mail_world
    d, addresses = make_round(world, tmp_path, "killed", 4)
    original = send_module.Sender.send
    calls = []

    def dying(self, *args, **kwargs):
        refused = original(self, *args, **kwargs)
        calls.append(1)
        if len(calls) == 2:
            raise KeyboardInterrupt  # Ctrl+C, power cut, crash
        return refused

    monkeypatch.setattr(send_module.Sender, "send", dying)
    with pytest.raises(KeyboardInterrupt):
        ita_xlsx.send_workbooks(d, password="pw-ok", retry_delays=FAST)
    monkeypatch.setattr(send_module.Sender, "send", original)
    assert counts(world, addresses) == [1, 1, 0, 0]
    result = ita_xlsx.send_workbooks(d, password="pw-ok", retry_delays=FAST)
    assert [c for c, _ in result.sent] == ["6570003", "6570004"]
    assert [c for c, *_ in result.uncertain] == ["6570002"]
    assert "ไม่มีโฟลเดอร์ Sent" in result.uncertain[0][1]
    assert counts(world, addresses) == [1, 1, 1, 1]
    r = cli(["send", "--dir", str(d)])  # reported again, still not sent
    assert r.exit_code == 1, r.output
    assert "อาจส่งไปแล้ว" in r.output and "--resend 6570002" in r.output
    assert counts(world, addresses) == [1, 1, 1, 1]
    st = {s.code: s for s in ita_xlsx.round_status(d)}
    assert "อาจส่งไปแล้ว" in st["6570002"].send_error
    r = cli(["send", "--dir", str(d), "--resend", "6570002"])
    assert r.exit_code == 0, r.output
    assert counts(world, addresses) == [1, 2, 1, 1]
    for address in addresses:
        assert len({m["Message-ID"] for m in world.boxes.messages(address)}) == 1


def test_port_and_security_mismatch_are_explained(mail_world, tmp_path):
    d, _ = make_round(mail_world, tmp_path, "mismatch", 1, smtp_security="ssl")
    r = cli(["mail", "test", "--dir", str(d)])
    assert r.exit_code == 2
    assert "SMTP" in r.output and "465/993 = ssl, 587/143 = starttls" in r.output
    assert "IMAP: เข้าสู่ระบบได้" in r.output  # the other server is still tried and reported


def test_nothing_listening_on_the_port(mail_world, tmp_path):
    from mail_servers import free_port

    d, _ = make_round(mail_world, tmp_path, "closed", 1)
    text = (d / "ita-settings.toml").read_text(encoding="utf-8")
    text = text.replace(f"smtp_port = {mail_world.smtp.port}", f"smtp_port = {free_port()}")
    (d / "ita-settings.toml").write_text(text, encoding="utf-8")
    r = cli(["mail", "test", "--dir", str(d)])
    assert r.exit_code == 2 and "ไม่มีบริการที่พอร์ตนี้" in r.output
