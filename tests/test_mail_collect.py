"""collect against a real IMAP server: names, --mark-seen, --since, bounds, messages without a
workbook, and files whose organisation cannot be told."""

from __future__ import annotations

import smtplib
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path

import pytest
from click.testing import CliRunner
from mail_servers import HOST, settings_toml, world_fixture

import ita_xlsx
from ita_xlsx.cli.main import main
from ita_xlsx.mail.ledger import Ledger

mail_world = world_fixture()
XLSX = ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def cli(args: list[str]):
    return CliRunner().invoke(main, args, env={"ITA_XLSX_MAIL_PASSWORD": "pw"})


def setup_round(world, tmp_path: Path, prefix: str) -> tuple[Path, str]:
    officer = f"{prefix}@amphoe.test"
    world.boxes.add_user(officer, "pw")
    d = tmp_path / prefix
    d.mkdir()
    (d / "orgs.csv").write_text("code,name,email\n6580001,เทศบาลตำบลหนึ่ง,one@org.test\n"
                                "6580002,เทศบาลตำบลสอง,two@org.test\n", encoding="utf-8")
    (d / "ita-settings.toml").write_text(settings_toml(world, officer), encoding="utf-8")
    assert cli(["new", "--orgs", str(d / "orgs.csv"), "--year", "2570", "--round", "6",
                "--out", str(d / "workbooks")]).exit_code == 0
    return d, officer


def mail(world, to: str, sender: str, subject: str, attachments=(), text="ส่งแล้วนะคะ",
         date=None) -> None:
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = sender, to, subject
    msg["Message-ID"] = make_msgid(domain="org.test")
    if date:
        msg["Date"] = format_datetime(date)
    msg.set_content(text)
    for name, data in attachments:
        msg.add_attachment(data, maintype=XLSX[0], subtype=XLSX[1], filename=name)
    with smtplib.SMTP(HOST, world.smtp.port, timeout=20) as s:
        s.send_message(msg)


def workbook(d: Path, code: str) -> bytes:
    return next((d / "workbooks").glob(f"{code}_*.xlsx")).read_bytes()


def test_names_codes_and_followups(mail_world, tmp_path):
    world = mail_world
    d, officer = setup_round(world, tmp_path, "names")
    # identity inside the workbook wins over a wrong tag in the subject
    mail(world, officer, "someone@gmail.test", "[ITA2570-รอบ6-6580002] งาน",
         [("ไฟล์.xlsx", workbook(d, "6580001"))])
    # a blank workbook (no identity) with the tag: the tag says who
    (d / "blank").mkdir()
    assert cli(["new", "--out", str(d / "blank"), "--year", "2570"]).exit_code == 0
    blank = next((d / "blank").glob("*.xlsx")).read_bytes()
    mail(world, officer, "x@y.test", "Re: [ITA2570-รอบ6-6580002] ส่งงาน", [("งาน.xlsx", blank)])
    # a blank workbook from a stranger without tag: unknown_
    mail(world, officer, "stranger@z.test", "ส่งไฟล์", [("book.xlsx", blank + b"")])
    # bare text from the organisation's listed address: listed for follow-up
    mail(world, officer, "two@org.test", "ITA", text="ส่งแล้วนะคะ")
    # unrelated mail: neither saved nor listed
    mail(world, officer, "news@shop.test", "โปรโมชั่น", text="ลดราคา")
    r = cli(["collect", "--dir", str(d)])
    assert r.exit_code == 0, r.output
    names = sorted(p.name for p in (d / "returned").iterdir())
    assert len(names) == 2, names  # the blank sent twice is one file
    assert names[0].startswith("6580001_") and names[0].endswith("_ไฟล์.xlsx")
    assert names[1].startswith("6580002_") and names[1].endswith("_งาน.xlsx")
    assert "ไฟล์เดิมส่งซ้ำ: book.xlsx" in r.output
    assert "two@org.test" in r.output and "ไม่มีไฟล์แนบ (ข้อความเท่านั้น)" in r.output
    assert "โปรโมชั่น" not in r.output
    with Ledger.of_round(d) as ledger:
        rows = {row.saved: row for row in ledger.received_rows() if row.saved}
    assert rows[names[0]].code_from == "workbook" and rows[names[1]].code_from == "subject"


def test_unknown_prefix_when_nothing_tells(mail_world, tmp_path):
    world = mail_world
    d, officer = setup_round(world, tmp_path, "unknown")
    (d / "blank").mkdir()
    assert cli(["new", "--out", str(d / "blank"), "--year", "2570"]).exit_code == 0
    blank = next((d / "blank").glob("*.xlsx")).read_bytes()
    mail(world, officer, "stranger@z.test", "ส่งไฟล์", [("book.xlsx", blank)])
    r = cli(["collect", "--dir", str(d)])
    assert r.exit_code == 0, r.output
    (name,) = [p.name for p in (d / "returned").iterdir()]
    assert name.startswith("unknown_") and name.endswith("_book.xlsx")
    assert "unknown_" in r.output


def test_mark_seen_only_when_asked(mail_world, tmp_path):
    world = mail_world
    d, officer = setup_round(world, tmp_path, "seen")
    mail(world, officer, "one@org.test", "[ITA2570-รอบ6-6580001]",
         [("a.xlsx", workbook(d, "6580001"))])
    box = world.boxes.maildir(officer)

    def flagged_seen() -> int:
        return sum(1 for p in (box / "cur").glob("*") if "S" in p.name.partition(":2,")[2])

    r = cli(["collect", "--dir", str(d)])
    assert r.exit_code == 0, r.output
    assert flagged_seen() == 0
    mail(world, officer, "two@org.test", "[ITA2570-รอบ6-6580002]",
         [("b.xlsx", workbook(d, "6580002"))])
    r = cli(["collect", "--dir", str(d), "--mark-seen"])
    assert r.exit_code == 0, r.output
    assert flagged_seen() == 1  # only the new message; nothing deleted or moved
    assert len(list((box / "cur").glob("*")) + list((box / "new").glob("*"))) == 2


def test_since_skips_older_messages(mail_world, tmp_path):
    world = mail_world
    d, officer = setup_round(world, tmp_path, "since")
    mail(world, officer, "one@org.test", "[ITA2570-รอบ6-6580001]",
         [("a.xlsx", workbook(d, "6580001"))])
    r = cli(["collect", "--dir", str(d), "--since", "01/01/2600"])  # a date to come (BE 2600)
    assert r.exit_code == 0, r.output
    assert not (d / "returned").exists() or not any((d / "returned").iterdir())
    r = cli(["collect", "--dir", str(d), "--since", "ไม่ใช่วันที่"])
    assert r.exit_code == 2 and "--since" in r.output


def test_oversized_message_is_listed_not_fetched(mail_world, tmp_path):
    world = mail_world
    d, officer = setup_round(world, tmp_path, "huge")
    mail(world, officer, "one@org.test", "[ITA2570-รอบ6-6580001]",
         [("a.xlsx", workbook(d, "6580001"))])
    from ita_xlsx.mail.collect import collect

    settings = ita_xlsx.load_settings(d)
    result = collect(d, d / "returned", settings, "pw", max_message_bytes=1000)
    assert not result.saved
    assert any("ใหญ่เกินไป" in n.note for n in result.without_workbook)


def test_collect_interrupted_before_the_ledger_saves_nothing_twice(mail_world, tmp_path,
                                                                   monkeypatch):
    from ita_xlsx.mail import ledger as ledger_module

    world = mail_world
    d, officer = setup_round(world, tmp_path, "crash")
    for code in ("6580001", "6580002"):
        mail(world, officer, f"{code}@org.test", f"[ITA2570-รอบ6-{code}]",
             [(f"{code}.xlsx", workbook(d, code))])

    def crash(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(ledger_module.Ledger, "record_message", crash)
    with pytest.raises(KeyboardInterrupt):
        ita_xlsx.collect(d, settings=ita_xlsx.load_settings(d), password="pw")
    monkeypatch.undo()
    first = sorted(p.name for p in (d / "returned").iterdir())
    assert len(first) == 2  # the files were written, the ledger was not
    result = ita_xlsx.collect(d, settings=ita_xlsx.load_settings(d), password="pw")
    assert result.new_messages == 2 and len(result.saved) == 2
    assert sorted(p.name for p in (d / "returned").iterdir()) == first  # not twice
    again = ita_xlsx.collect(d, settings=ita_xlsx.load_settings(d), password="pw")
    assert again.new_messages == 0 and not again.saved


def test_a_refused_attachment_is_named_in_the_language_asked_for(mail_world, tmp_path):
    """A ZIP that cannot be opened is refused, named with the sender and the reason — Thai by
    default, English with --lang en."""
    world = mail_world
    d, officer = setup_round(world, tmp_path, "refused")
    broken = b"PK\x03\x04" + b"\x00" * 60  # a ZIP header and nothing a reader can use
    mail(world, officer, "one@org.test", "[ITA2570-รอบ6-6580001] ส่งงาน",
         [("แบบรายงาน.zip", broken)])
    english = cli(["--lang", "en", "collect", "--dir", str(d)])
    assert english.exit_code == 0, english.output
    line = next(x for x in english.output.splitlines() if "refused:" in x)
    assert "แบบรายงาน.zip" in line and "one@org.test" in line
    reason = line.split("one@org.test: ", 1)[1]
    assert reason and not any("\u0e00" <= ch <= "\u0e7f" for ch in reason), line
    for part in d.glob("*.sqlite*"):  # forget the message so the Thai run sees it again
        part.unlink()
    thai = cli(["collect", "--dir", str(d)])
    assert thai.exit_code == 0, thai.output
    assert any(x.strip().startswith("ไม่รับไฟล์: แบบรายงาน.zip จาก one@org.test: ")
               for x in thai.output.splitlines()), thai.output
