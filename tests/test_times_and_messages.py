"""Moments in Thai time and the Buddhist Era on every surface; `status --since`; progress
lines off a terminal; messages that say what happened; nothing to check is an error."""

from __future__ import annotations

import datetime as dt
import email
import json
import os
import shutil
import smtplib
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from ita_xlsx.cli.main import main
from ita_xlsx.core.errors import what_happened
from ita_xlsx.mail import compose
from ita_xlsx.mail.ledger import Ledger, ReceivedRow, SentRow
from ita_xlsx.thai import dates

UTC = dt.UTC


def run(*args: object, code: int | None = 0):
    res = CliRunner().invoke(main, [str(a) for a in args])
    if code is not None:
        assert res.exit_code == code, res.output
    return res


# ---------------------------------------------------------------- the formatter


def test_one_formatter_thai_time_buddhist_era():
    moment = dt.datetime(2026, 12, 2, 3, 11, tzinfo=UTC)  # collect's "02/12/2026 03:11"
    assert dates.format_moment(moment) == "02/12/2569 10:11"
    assert dates.format_moment(moment, "en") == "02/12/2569 10:11"
    assert dates.format_moment("2026-12-02T03:11:00Z") == "02/12/2569 10:11"
    assert dates.format_moment("2026-12-02T10:17:34+07:00", seconds=True) == "02/12/2569 10:17:34"
    assert dates.format_day("2027-03-11") == "11/03/2570"  # the page's "2027-03-11"
    assert dates.format_day(dt.date(2027, 3, 11)) == "11/03/2570"
    # late evening UTC is the next day in Thailand
    assert dates.format_day(dt.datetime(2026, 12, 1, 20, 0, tzinfo=UTC)) == "02/12/2569"
    assert dates.iso_moment(moment) == "2026-12-02T10:11:00+07:00"
    assert dates.iso_moment(moment.timestamp()) == "2026-12-02T10:11:00+07:00"
    assert dates.format_moment("") == "" and dates.format_moment("not a time") == "not a time"
    back = dates.parse_moment(dates.format_moment(moment))
    assert back == moment and back.utcoffset() == dt.timedelta(hours=7)


def test_thai_time_without_a_tz_database(monkeypatch):
    """Windows may lack tzdata: the fallback is the fixed +07:00 Thailand keeps all year."""
    monkeypatch.setitem(sys.modules, "zoneinfo", None)  # `import zoneinfo` now fails
    tz = dates._bangkok()
    assert tz.utcoffset(None) == dt.timedelta(hours=7)
    for month in (1, 7):  # no daylight saving
        local = dt.datetime(2026, month, 1, 12, tzinfo=UTC).astimezone(tz)
        assert local.hour == 19


# ---------------------------------------------------------------- the ledger-backed surfaces


def _round(tmp_path: Path) -> Path:
    root = tmp_path / "round"
    (root / "returned").mkdir(parents=True)
    (root / "orgs.csv").write_text(
        "code,name,email\n6560101,เทศบาลตำบลห้วยวน,a@example.test\n"
        "6560102,เทศบาลตำบลเวียง,b@example.test\n6560103,เทศบาลตำบลฝายกวาง,c@example.test\n",
        encoding="utf-8")
    with Ledger(root / "ita-ledger.sqlite") as ledger:
        for code, at in (("6560101", "2026-11-30T02:00:00+00:00"),
                         ("6560102", "2026-11-30T02:01:00+00:00"),
                         ("6560103", "2026-11-30T02:02:00+00:00")):
            ledger.record_sent(SentRow("workbook", code, code, "x@example.test", "[ITA]",
                                       f"<{code}@ita.test>", "", "sent", "", at))
        def received(n: int, code: str, at: str, status: str, errors: int) -> None:
            ledger.record_received(ReceivedRow(f"h{n}", f"<m{n}@x.test>", f"{code}-{n}.xlsx", "",
                                               f"{code}-{n}.xlsx", code, "workbook", at, status,
                                               errors, 0, [], ""))
        received(1, "6560101", "2026-11-30T08:00:00+00:00", "invalid", 2)  # before
        received(2, "6560101", "2026-12-02T03:08:00+00:00", "valid", 0)  # after: fixed
        received(3, "6560102", "2026-12-02T04:00:00+00:00", "warnings", 0)  # first return
        ledger.record_sent(SentRow("feedback", "6560101:x", "6560101", "a@example.test",
                                   "Re", "<fb@ita.test>", "", "sent", "",
                                   "2026-12-02T05:00:00+00:00"))
        ledger.record_sent(SentRow("remind", "6560103:d", "6560103", "c@example.test",
                                   "remind", "<rm@ita.test>", "", "failed",
                                   "เซิร์ฟเวอร์อีเมลตัดการเชื่อมต่อ", "2026-12-02T05:01:00+00:00"))
        ledger.commit()
    return root


def test_status_shows_thai_time(tmp_path):
    root = _round(tmp_path)
    out = run("status", "--dir", root, "--format", "csv").output
    assert "30/11/2569 09:00" in out  # sent 02:00 UTC
    assert "03:08" not in out and "2026" not in out
    data = json.loads(run("status", "--dir", root, "--format", "json").stdout)
    for item in data:  # JSON: ISO 8601 with its offset
        for key in ("sent_at", "feedback_sent_at", "reminded_at"):
            if item[key]:
                assert dt.datetime.fromisoformat(item[key]).utcoffset() is not None


def test_status_since_shows_what_changed(tmp_path):
    root = _round(tmp_path)
    out = run("status", "--dir", root, "--since", "01/12/2569").output
    assert "6560101-2.xlsx" in out and "6560101-1.xlsx" not in out  # arrivals after only
    assert "ต้องแก้ไข → ผ่าน" in out  # 6560101's state changed
    assert "ยังไม่ส่ง → ผ่าน (มีข้อเตือน)" in out  # 6560102's first return
    assert "ส่งสำเนาแจ้งผลแล้ว" in out and "ส่งอีเมลเตือนไม่สำเร็จ" in out
    assert "02/12/2569 10:08" in out  # Thai time, Buddhist Era
    assert "ส่งแบบรายงานแล้ว" not in out  # the workbooks went out before
    en = run("status", "--dir", root, "--since", "2026-12-02 10:30", "--lang", "en").output
    assert "6560102-3.xlsx" in en and "6560101-2.xlsx" not in en  # 10:08 < 10:30 Thai time
    assert "passed with warnings" in en and "reminder not sent" in en
    data = json.loads(run("status", "--dir", root, "--since", "01/12/2569", "--format",
                          "json").stdout)
    assert data["since"] == "2026-12-01T00:00:00+07:00"
    assert [c["at"] for c in data["changes"]] == sorted(c["at"] for c in data["changes"])
    assert all(c["at"].endswith("+07:00") for c in data["changes"])
    assert {c["kind"] for c in data["changes"]} == {"arrival", "state", "sent", "send_failed"}
    bad = run("status", "--dir", root, "--since", "yesterday-ish", code=2)
    assert "ไม่ใช่วันที่" in bad.output


# ---------------------------------------------------------------- progress off a terminal


def test_progress_lines_are_few(capsys):
    from ita_xlsx.cli.base import ProgressLines

    counted = ProgressLines("กำลังตรวจ", 1000, after=0)
    for _ in range(1000):
        counted(1)
    lines = capsys.readouterr().err.splitlines()
    assert lines[0] == "กำลังตรวจ…" and lines[-1] == "กำลังตรวจ: 1000/1000"
    assert 5 <= len(lines) <= 12
    open_ended = ProgressLines("ข้อความที่อ่านแล้ว", None, after=0)
    for _ in range(5000):
        open_ended(1)
    lines = capsys.readouterr().err.splitlines()
    assert 5 <= len(lines) <= 15 and lines[-1].endswith(": 4096")
    quiet = ProgressLines("x", 10, after=3600)  # quick work says nothing
    for _ in range(10):
        quiet(1)
    assert capsys.readouterr().err == ""


def test_validate_prints_progress_lines_when_piped(tmp_path, workbook_path):
    folder = tmp_path / "returns"
    folder.mkdir()
    for i in range(12):
        shutil.copy(workbook_path, folder / f"r{i:02d}.xlsx")
    env = {**os.environ, "ITA_XLSX_PROGRESS_AFTER": "0",
           "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    done = subprocess.run([sys.executable, "-m", "ita_xlsx", "validate", str(folder),
                           "--workers", "1"], capture_output=True, text=True,
                          encoding="utf-8", env=env, timeout=600)
    lines = [ln for ln in done.stderr.splitlines() if ln.startswith("กำลังตรวจ")]
    assert lines and lines[-1] == "กำลังตรวจ: 12/12", done.stderr
    assert len(lines) <= 13


# ---------------------------------------------------------------- messages say what happened


def test_exceptions_become_words():
    cases = [smtplib.SMTPServerDisconnected("Connection unexpectedly closed"),
             smtplib.SMTPResponseException(250, b"2.0.0 Ok: queued as 12345"),
             ConnectionResetError(104, "Connection reset by peer"), TimeoutError("timed out"),
             KeyError("x")]
    for exc in cases:
        th, en = what_happened(exc)
        for text in (th, en):
            assert type(exc).__name__ not in text and "SMTP" not in text.split("(")[0], text
            assert text
    assert "250" in what_happened(cases[1])[0] and "queued" in what_happened(cases[1])[1]
    assert what_happened(cases[0])[0] == "เซิร์ฟเวอร์อีเมลตัดการเชื่อมต่อ"


def test_a_reminder_threads(tmp_path):
    """In-Reply-To and References are written on their own line: no leading space."""
    long_id = "<" + "a" * 70 + "@mail.example.test>"
    msg = compose.build_message(sender="d@example.test", sender_name="ท้องถิ่นอำเภอ",
                                to=["o@example.test"], subject="ติดตาม", body="ข้อความ",
                                attachments=[], message_id="<" + "b" * 70 + "@ita.test>",
                                in_reply_to=" " + long_id, references="<c@x.test>")
    raw = compose.as_bytes(msg)
    parsed = email.message_from_bytes(raw)
    assert parsed["In-Reply-To"] == long_id
    assert parsed["References"] == f"<c@x.test> {long_id}"
    assert parsed["Message-ID"].startswith("<b")
    assert b"\r\nIn-Reply-To: <" in raw


# ---------------------------------------------------------------- nothing to check


def test_nothing_to_check_is_an_error(tmp_path):
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(b"%PDF-1.4\n%%EOF\n")
    res = run("validate", scan, code=1)
    assert "ไม่มีแบบรายงานให้ตรวจ" in res.output and "scan.pdf" in res.output
    res = run("validate", scan, "--format", "json", "--lang", "en", code=1)
    assert "Nothing to check" in res.output
    out = tmp_path / "x.xlsx"
    res = run("merge", scan, "-o", out, code=1)
    assert "ไม่มีแบบรายงานให้รวม" in res.output and not out.exists()
    assert not list(tmp_path.glob("*.xlsx"))


@pytest.mark.parametrize("lang", ["th", "en"])
def test_unexpected_errors_show_no_class_name(lang):
    """The command line's last line of defence words an unexpected failure."""
    import zipfile

    import click

    from ita_xlsx.cli.base import Ctx, friendly

    @click.command()
    @friendly
    def cmd():
        raise zipfile.BadZipFile("File is not a zip file")

    res = CliRunner().invoke(cmd, obj=Ctx(lang, False))
    assert res.exit_code == 1
    assert "BadZipFile" not in res.output
    assert ("ไฟล์ ZIP เสีย" if lang == "th" else "the ZIP file is damaged") in res.output
