"""Benchmark the round by email against local servers (Dovecot IMAP + aiosmtpd SMTP on
127.0.0.1, started here as the tests start them): ``send`` of N workbooks with throttling off,
and ``collect`` of N replies carrying a filled workbook each (saved, checked, recorded), each
beside the bare protocol transfer of the same messages measured in the same run.

Usage: python benchmarks/bench_mail.py [N]
Target (issue 9): send and collect of 1,000 each within 60 s on 2 cores. Goal (issue 19):
collect <= 3x the bare work, an IMAP fetch plus a calamine read of the same workbooks.
"""

from __future__ import annotations

import shutil
import smtplib
import socket
import sys
import tempfile
import time
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from mail_servers import HOST, settings_toml, start_smtp_process, start_world  # noqa: E402

import ita_xlsx  # noqa: E402
from ita_xlsx.mail import compose  # noqa: E402
from ita_xlsx.make.simulate import make_return  # noqa: E402
from ita_xlsx.spec.template import bind, load_template  # noqa: E402

OFFICER, PASSWORD = "officer@amphoe.test", "bench-pw"


def read_attachments(bodies: list[bytes]) -> int:
    """Parse each message and read every sheet of its workbook with python-calamine."""
    import io
    from email import message_from_bytes, policy

    from python_calamine import CalamineWorkbook

    cells = 0
    for raw in bodies:
        msg = message_from_bytes(raw, policy=policy.default)
        for part in msg.iter_attachments():
            book = CalamineWorkbook.from_filelike(io.BytesIO(part.get_content()))
            for name in book.sheet_names:
                cells += sum(len(r) for r in book.get_sheet_by_name(name).to_python())
    return cells


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    world = start_world()
    smtp = None
    work = Path(tempfile.mkdtemp(prefix="ita-bench-mail-"))
    try:
        world.boxes.add_user(OFFICER, PASSWORD)
        lines = ["code,name,email"]
        for i in range(n):
            address = f"org{i}@org.test"
            world.boxes.add_user(address, "x")
            lines.append(f"{6000000 + i},เทศบาลตำบลทดสอบ{i},{address}")
        smtp = start_smtp_process(world)  # the users are all known now
        (work / "orgs.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
        (work / "ita-settings.toml").write_text(settings_toml(world, OFFICER), encoding="utf-8")
        ita_xlsx.make_workbooks(work / "workbooks", work / "orgs.csv", fiscal_year=2570,
                                round="6")
        settings = ita_xlsx.load_settings(work)
        books = sorted((work / "workbooks").glob("*.xlsx"))

        # ---- send: baseline = the same kind of messages (built beforehand) over one connection
        built = []
        for i, path in enumerate(books):
            msg = compose.build_message(
                sender=OFFICER, sender_name="ท้องถิ่นอำเภอ", to=[f"org{i}@org.test"],
                subject=f"[ITA2570-รอบ6-{6000000 + i}] แบบรายงาน", body="เรียน ...",
                attachments=[compose.Attachment(path.name, path.read_bytes())],
                message_id=make_msgid(domain="amphoe.test"))
            built.append((f"org{i}@org.test", compose.as_bytes(msg)))
        size = sum(len(b) for _a, b in built)
        t = time.perf_counter()
        import ssl

        with smtplib.SMTP(HOST, world.smtp.port) as s:
            s.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)  # as ita-xlsx does
            s.starttls(context=ssl.create_default_context(cafile=str(world.ca)))
            s.login(OFFICER, PASSWORD)
            for to, data in built:
                s.sendmail(OFFICER, [to], data)
        base_send = time.perf_counter() - t

        t = time.perf_counter()
        result = ita_xlsx.send_workbooks(work, settings=settings, password=PASSWORD)
        send_time = time.perf_counter() - t
        assert len(result.sent) == n, (len(result.sent), result.failed[:3])

        # ---- collect: N replies with a filled workbook each, in the officer's mailbox
        bound = bind(load_template(), 2570, "6")
        filled = work / "filled"
        filled.mkdir()
        sample = books[:20]  # 20 distinct fillings, each sent by 50 organisations (new bytes
        data = []  # per message: the identity differs, so no two files share a SHA-256)
        for j, path in enumerate(sample):
            make_return(path, filled / path.name, bound, j, "6")
            data.append((filled / path.name).read_bytes())
        for i in range(n):
            msg = EmailMessage()
            msg["From"] = f"clerk{i}@personal.test"
            msg["To"] = OFFICER
            msg["Subject"] = f"RE: [ITA2570-รอบ6-{6000000 + i}] แบบรายงาน"
            msg["Message-ID"] = make_msgid(domain="personal.test")
            msg.set_content("ส่งแบบรายงานค่ะ")
            blob = data[i % len(data)] + f"<!-- {i} -->".encode()  # distinct bytes
            msg.add_attachment(blob, maintype="application",
                               subtype="vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                               filename=f"แบบรายงาน ITA {i}.xlsx")
            world.boxes.deliver(OFFICER, msg.as_bytes())

        from imapclient import IMAPClient

        t = time.perf_counter()
        client = IMAPClient(HOST, port=world.dovecot.imaps_port, ssl=True,
                            ssl_context=ssl.create_default_context(cafile=str(world.ca)))
        client.login(OFFICER, PASSWORD)
        client.select_folder("INBOX", readonly=True)
        uids = client.search(["ALL"])
        fetched = 0
        bodies = []
        for start in range(0, len(uids), 25):
            for body in client.fetch(uids[start:start + 25], ["BODY.PEEK[]"]).values():
                fetched += len(body[b"BODY[]"])
                bodies.append(body[b"BODY[]"])
        client.logout()
        base_fetch = time.perf_counter() - t
        t = time.perf_counter()
        cells = read_attachments(bodies)  # the bare work's second half: read each workbook
        base_collect = base_fetch + time.perf_counter() - t

        t = time.perf_counter()
        got = ita_xlsx.collect(work, work / "returned", settings=settings, password=PASSWORD)
        collect_time = time.perf_counter() - t
        assert len(got.saved) == n, (len(got.saved), got.refused[:3])
        t = time.perf_counter()
        again = ita_xlsx.collect(work, work / "returned", settings=settings, password=PASSWORD)
        rerun = time.perf_counter() - t
        assert not again.saved

        print(f"messages: {n}; send: {size / 1e6:.0f} MB, collect: {fetched / 1e6:.0f} MB")
        print(f"ita_xlsx.send_workbooks, throttle off: {send_time:6.2f} s  "
              f"{n / send_time:5.0f} msg/s (compose, ledger, STARTTLS+login)")
        print(f"  baseline smtplib.sendmail of pre-built messages: {base_send:6.2f} s  "
              f"{n / base_send:5.0f} msg/s")
        print(f"ita_xlsx.collect (fetch, unpack, validate, save, ledger): {collect_time:6.2f} s  "
              f"{n / collect_time:5.0f} msg/s")
        print(f"  baseline IMAPClient fetch BODY.PEEK[] {base_fetch:6.2f} s, plus a python-calamine "
              f"read of every sheet of every attachment ({cells} cells): {base_collect:6.2f} s  "
              f"ratio {collect_time / base_collect:.2f}x (goal <= 3x)")
        print(f"collect rerun (nothing new): {rerun:6.2f} s")
    finally:
        if smtp is not None:
            smtp.terminate()
            smtp.wait(10)
        world.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
