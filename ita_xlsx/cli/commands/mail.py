"""``send``, ``collect``, ``status`` and ``mail test``/``mail init``: the round by email."""

from __future__ import annotations

import sys

import click

from ita_xlsx.cli.base import (
    Command,
    Ctx,
    Group,
    UserError,
    _with_progress,
    friendly,
    lang_option,
    option,
)
from ita_xlsx.core import vocabulary as vocab

dir_option = option("--dir", "round_dir", type=click.Path(file_okay=False), default=".",
                    show_default=True,
                    th="โฟลเดอร์ของรอบ (ita-settings.toml, orgs.csv, บันทึกการส่ง-รับ)",
                    en="The round folder (ita-settings.toml, orgs.csv, the ledger).")


def _password(settings) -> str | None:
    from ita_xlsx.api import password_for

    found = password_for(settings.mail)
    if found or not settings.mail.configured or not sys.stdin.isatty():
        return found
    return click.prompt(f"รหัสผ่านอีเมล {settings.mail.user} / mail password", hide_input=True,
                        default="", show_default=False) or None


def _settings(round_dir: str):
    import ita_xlsx

    return ita_xlsx.load_settings(round_dir)


@click.command("send", cls=Command, help="""ส่งอีเมลถึงแต่ละหน่วยงานพร้อมแบบรายงานของหน่วยงานนั้น
(หรือสำเนาแจ้งผลตรวจ --feedback หรือหนังสือติดตาม --remind) ไม่ส่งซ้ำสิ่งที่ส่งแล้ว

\b
ตัวอย่าง:
  ita-xlsx send --dry-run
  ita-xlsx send
  ita-xlsx send --feedback feedback/
  ita-xlsx send --remind
  ita-xlsx send --remind --oit""", help_en="""Email each organisation its workbook (or its feedback
copy with --feedback, or a reminder with --remind); nothing already sent is sent again.

\b
Examples:
  ita-xlsx send --dry-run
  ita-xlsx send
  ita-xlsx send --feedback feedback/
  ita-xlsx send --remind
  ita-xlsx send --remind --oit""")
@dir_option
@option("--workbooks", type=click.Path(exists=True, file_okay=False), default=None,
        th="โฟลเดอร์แบบรายงานที่สร้างด้วย new (ค่าเริ่มต้น: <dir>/workbooks)",
        en="Folder of workbooks made by `new` (default: <dir>/workbooks).")
@option("--orgs", type=click.Path(exists=True, dir_okay=False), default=None,
        th="รายชื่อหน่วยงานที่มีคอลัมน์ email (ค่าเริ่มต้น: <dir>/orgs.csv)",
        en="Organisation list with the email column (default: <dir>/orgs.csv).")
@option("--dry-run", is_flag=True, th="เขียนแต่ละข้อความเป็นไฟล์ .eml เพื่อเปิดดู ไม่ส่งจริง",
        en="Write each message as an .eml file; send nothing.")
@option("--outbox", type=click.Path(file_okay=False), default=None,
        th="โฟลเดอร์ที่ --dry-run เขียนไฟล์ .eml (ค่าเริ่มต้น: <dir>/outbox)",
        en="Where --dry-run writes .eml files (default: <dir>/outbox).")
@option("--resend", multiple=True, metavar="CODE",
        th="ส่งถึงหน่วยงานรหัสนี้อีกครั้งแม้เคยส่งแล้ว (ใส่ได้หลายครั้ง)",
        en="Send this organisation's message again even if it was sent (repeatable).")
@option("--feedback", "feedback", type=click.Path(exists=True, file_okay=False),
        default=None, th="ส่งสำเนาแจ้งผลตรวจจากโฟลเดอร์นี้ เป็นการตอบกลับอีเมลที่หน่วยงานส่งมา",
        en="Send each organisation its feedback copy from this folder, as a reply.")
@option("--remind", is_flag=True,
        th="ติดตามหน่วยงานที่ยังไม่ส่งคืน หรือส่งคืนแล้วยังต้องแก้ไข",
        en="Remind organisations that have not returned a valid workbook.")
@option("--oit", "remind_oit", is_flag=True,
        th="กับ --remind: ระบุรายการ OIT ที่ยังไม่มี URL หรือ URL ผิดรูปแบบของแต่ละหน่วยงาน "
           "และติดตามหน่วยงานที่ส่งครบแล้วแต่รายการ OIT ยังขาดด้วย",
        en="With --remind: list each organisation's OIT items without a URL (or with a "
           "malformed one), and remind those whose return is valid but lacks OIT items too.")
@option("--force", is_flag=True, th="เขียนทับไฟล์ .eml ของ --dry-run ครั้งก่อน",
        en="Overwrite .eml files of an earlier --dry-run.")
@lang_option
@click.pass_obj
@friendly
def send_cmd(ctx: Ctx, round_dir, workbooks, orgs, dry_run, outbox, resend, feedback, remind,
             remind_oit, force):
    import ita_xlsx

    if feedback and remind:
        raise UserError("ใช้ --feedback กับ --remind พร้อมกันไม่ได้ — สั่งทีละอย่าง",
                        "--feedback and --remind cannot be used together", 2)
    settings = _settings(round_dir)
    password = None if dry_run else _password(settings)

    def work(step):
        return ita_xlsx.send_workbooks(
            round_dir, workbooks=workbooks, orgs=orgs, settings=settings, password=password,
            dry_run=dry_run, outbox=outbox, resend=resend, feedback=feedback, remind=remind,
            remind_oit=remind_oit, force=force, progress=step)

    result = _with_progress(ctx, _org_count(round_dir, orgs),
                            "ส่งอีเมล" if ctx.lang != "en" else "sending", work)
    _report_send(ctx, result, dry_run)
    if result.failed or result.uncertain or result.left:
        sys.exit(1)


def _org_count(round_dir: str, orgs: str | None) -> int:
    from pathlib import Path

    import ita_xlsx

    path = Path(orgs) if orgs else Path(round_dir) / "orgs.csv"
    try:
        return len(ita_xlsx.read_orgs(path)[0]) if path.is_file() else 0
    except Exception:  # noqa: BLE001 - the send itself reports a bad list
        return 0


def _report_send(ctx: Ctx, r, dry_run: bool) -> None:
    en = ctx.lang == "en"
    if dry_run:
        ctx.say(f"Wrote {len(r.written)} message(s) as .eml (nothing sent)" if en else
                f"เขียนข้อความ {len(r.written)} ฉบับเป็นไฟล์ .eml (ยังไม่ได้ส่ง)")
        for p in r.written[:5]:
            ctx.say(f"  {p}")
        for p in r.refused:
            ctx.say(f"  {p} exists (--force to replace)" if en
                    else f"  {p} มีอยู่แล้ว (ใช้ --force เพื่อเขียนทับ)")
    else:
        ctx.say(f"Sent {len(r.sent)}; sent before, not sent again: {len(r.already)}" if en else
                f"ส่งแล้ว {len(r.sent)} ฉบับ; เคยส่งแล้ว (ไม่ส่งซ้ำ) {len(r.already)} หน่วยงาน")
    for code in r.confirmed:
        ctx.say(f"  {code}: found in the Sent folder — recorded as sent (not sent again)" if en
                else f"  {code}: พบในโฟลเดอร์ Sent — บันทึกว่าส่งแล้ว (ไม่ส่งซ้ำ)", style="green")
    for code, error in r.failed:
        ctx.say((f"  not sent to {code}: {error}" if en else f"  ส่งถึง {code} ไม่สำเร็จ: {error}"),
                style="red")
    for code, why_th, why_en in r.uncertain:
        ctx.say(f"  {code}: {why_en}" if en else f"  {code}: {why_th}", style="yellow")
    if r.stopped[0]:
        ctx.say(r.stopped[1] if en else r.stopped[0], style="red")
    if r.left:
        ctx.say((f"  Not tried in this run ({len(r.left)}): " if en else
                 f"  ยังไม่ได้ส่งในครั้งนี้ ({len(r.left)} หน่วยงาน): ") + ", ".join(r.left[:20])
                + (" …" if len(r.left) > 20 else ""), style="yellow")
    for org in r.no_address:
        ctx.say(f"  {org.code} {org.name}: no email address in the list" if en else
                f"  {org.code} {org.name}: ไม่มีอีเมลในรายชื่อ — เพิ่มในคอลัมน์ email", style="yellow")
    for org in r.no_file:
        ctx.say(f"  {org.code} {org.name}: no workbook found" if en else
                f"  {org.code} {org.name}: ไม่พบไฟล์แบบรายงาน (ชื่อไฟล์ต้องขึ้นต้นด้วยรหัส)",
                style="yellow")
    if r.unknown_files:
        ctx.say(("Files matching no organisation: " if en else "ไฟล์ที่ไม่ตรงกับหน่วยงานใด: ")
                + ", ".join(r.unknown_files[:10]))
    if r.kind == "remind" and r.skipped:
        ctx.say(f"Not reminded (valid return): {len(r.skipped)}" if en else
                f"ไม่ต้องติดตาม (ส่งแล้วและผ่าน) {len(r.skipped)} หน่วยงาน")


@click.command("collect", cls=Command, help="""ดึงแบบรายงานที่ส่งคืนจากกล่องจดหมาย (IMAP) บันทึกไฟล์ละครั้งเดียว
แล้วตรวจทันที ไม่ลบ ไม่ย้าย และไม่ทำเครื่องหมายอีเมล (เว้นแต่ --mark-seen)

\b
ตัวอย่าง:
  ita-xlsx collect
  ita-xlsx collect --out returned/ --since 01/03/2570""", help_en="""Save returned workbooks
from the mailbox (IMAP), each file once, and check them; mail is never deleted, moved or
flagged (unless --mark-seen).

\b
Examples:
  ita-xlsx collect
  ita-xlsx collect --out returned/ --since 01/03/2570""")
@dir_option
@option("--out", type=click.Path(file_okay=False), default=None,
        th="โฟลเดอร์ที่บันทึกไฟล์ที่ส่งคืน (ค่าเริ่มต้น: <dir>/returned)",
        en="Where returns are saved (default: <dir>/returned).")
@option("--folder", default="INBOX", show_default=True, th="โฟลเดอร์ในกล่องจดหมายที่จะอ่าน",
        en="Mailbox folder to read.")
@option("--since", default=None,
        th="เฉพาะอีเมลตั้งแต่วันที่นี้ (วว/ดด/ปปปป พ.ศ. หรือ ค.ศ.; ค่าเริ่มต้น: วันที่ส่งครั้งแรกของรอบ)",
        en="Only messages from this date (dd/mm/yyyy, BE or CE; default: the round's first "
           "send).")
@option("--mark-seen", is_flag=True, th="ทำเครื่องหมายว่าอ่านแล้ว (ไม่เปลี่ยนอย่างอื่น)",
        en="Mark the messages read (nothing else changes).")
@lang_option
@click.pass_obj
@friendly
def collect_cmd(ctx: Ctx, round_dir, out, folder, since, mark_seen):
    import ita_xlsx

    day = None
    if since:
        from ita_xlsx.thai import parse_date

        day = parse_date(since)
        if day is None:
            raise UserError(f"วันที่ --since {since!r} ไม่ถูกต้อง — ใช้ วว/ดด/ปปปป เช่น 01/03/2570",
                            f"--since {since!r} is not a date (dd/mm/yyyy)", 2)
    settings = _settings(round_dir)
    password = _password(settings)
    from ita_xlsx.api import CollectInterrupted
    from ita_xlsx.cli.base import progress_for

    try:
        with _status_spinner(ctx):
            r = ita_xlsx.collect(round_dir, out, settings=settings, password=password,
                                 folder=folder, since=day, mark_seen=mark_seen,
                                 progress=progress_for("ข้อความที่อ่านแล้ว" if ctx.lang != "en"
                                                       else "messages read", ctx.lang))
    except CollectInterrupted as exc:
        _report_collect(ctx, exc.result)  # what was saved and listed before the cut
        raise
    _report_collect(ctx, r)


def _report_collect(ctx: Ctx, r) -> None:
    en = ctx.lang == "en"
    ctx.say(f"{r.new_messages} new message(s) of {r.messages}; saved {len(r.saved)} workbook(s)"
            if en else f"ข้อความใหม่ {r.new_messages} จาก {r.messages} ฉบับ; "
                       f"บันทึกแบบรายงาน {len(r.saved)} ไฟล์")

    for s in r.saved:
        # the round model's verdict (the same as status, merge and the page)
        shown = (vocab.label(vocab.ORG_STATES, s.state, ctx.lang) if s.state
                 else vocab.label(vocab.FILE_STATES, s.status, ctx.lang))
        ctx.say(f"  {s.path.name}  [{shown}; {s.errors}/{s.warnings}]  ← {s.sender}")
        if s.state == "not_counted" and (s.why_en if en else s.why):
            ctx.say(f"      {s.why_en if en else s.why}", style="yellow")
    for name, sender, earlier in r.duplicates:
        ctx.say(f"  same file again: {name} from {sender} (saved as {earlier})" if en else
                f"  ไฟล์เดิมส่งซ้ำ: {name} จาก {sender} (บันทึกไว้แล้วเป็น {earlier})")
    for mid, sender, subject in r.duplicate_ids:
        ctx.say(f"  two different messages share the Message-ID {mid} ({sender}, {subject}): "
                f"both were read" if en else
                f"  ข้อความสองฉบับที่ต่างกันใช้ Message-ID เดียวกัน {mid} ({sender}, {subject}): "
                f"อ่านทั้งสองฉบับแล้ว", style="yellow")
    if r.without_workbook:
        ctx.say("Messages without a workbook (follow up):" if en else
                "ข้อความที่ไม่มีไฟล์แบบรายงาน (ต้องติดตาม):", style="yellow")
        for n in r.without_workbook:
            ctx.say(f"  {n.date}  {n.sender}  {n.subject}  — "
                    f"{n.note_en if en and n.note_en else n.note}")
    for name, sender, why_th, why_en in r.refused:
        ctx.say(f"  refused: {name} from {sender}: {why_en}" if en else
                f"  ไม่รับไฟล์: {name} จาก {sender}: {why_th}", style="red")
    unknown = [s for s in r.saved if not s.code]
    if unknown:
        ctx.say(f"{len(unknown)} file(s) of unknown organisation (unknown_…): open and rename"
                if en else f"ไม่ทราบหน่วยงานของ {len(unknown)} ไฟล์ (ชื่อขึ้นต้น unknown_) "
                           f"— เปิดดูแล้วเปลี่ยนชื่อให้ขึ้นต้นด้วยรหัส")


def _status_spinner(ctx: Ctx):
    from ita_xlsx.cli.base import _status

    return _status("กำลังอ่านกล่องจดหมาย..." if ctx.lang != "en" else "reading the mailbox...")


@click.command("status", cls=Command, help="""สถานะของรอบรายหน่วยงาน: ส่งแล้ว ได้รับคืน ผลตรวจ
ส่งผลตรวจ ติดตาม ยังไม่ส่งคืน

\b
ตัวอย่าง:
  ita-xlsx status
  ita-xlsx status --format json
  ita-xlsx status --xlsx status.xlsx
  ita-xlsx status --since 01/12/2569""", help_en="""The round per organisation: sent,
returned, validation, feedback sent, reminded, missing.

\b
Examples:
  ita-xlsx status
  ita-xlsx status --format json
  ita-xlsx status --xlsx status.xlsx
  ita-xlsx status --since 01/12/2569""")
@dir_option
@option("--orgs", type=click.Path(exists=True, dir_okay=False), default=None,
        th="รายชื่อหน่วยงาน (ค่าเริ่มต้น: <dir>/orgs.csv)",
        en="Organisation list (default: <dir>/orgs.csv).")
@option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table",
        show_default=True, th="รูปแบบผล: ตาราง, JSON หรือ CSV", en="Output: table, JSON or CSV.")
@option("--xlsx", "xlsx_path", type=click.Path(dir_okay=False), default=None,
        th="เขียนตารางเป็นไฟล์ .xlsx ด้วย", en="Also write the table as an .xlsx file.")
@option("--force", is_flag=True, th="เขียนทับไฟล์ .xlsx", en="Overwrite the .xlsx file.")
@option("--since", "since", default=None,
        th="แสดงสิ่งที่เปลี่ยนไปตั้งแต่วันที่นี้ (เวลาไทย) เช่น 01/12/2569 หรือ \"01/12/2569 09:00\": "
           "ไฟล์ที่ได้รับ สถานะที่เปลี่ยน อีเมลที่ส่ง",
        en="Show what changed since this date (Thai time), e.g. 01/12/2569 or "
           "\"01/12/2569 09:00\": arrivals, state changes, messages sent.")
@lang_option
@click.pass_obj
@friendly
def status_cmd(ctx: Ctx, round_dir, orgs, fmt, xlsx_path, force, since):
    import ita_xlsx
    from ita_xlsx.api import status_table as st

    if since is not None:
        _changes(ctx, round_dir, since, fmt)
        return

    items = ita_xlsx.round_status(round_dir, orgs)
    if not items:
        raise UserError("ยังไม่มีข้อมูลรอบนี้ — ไม่พบ orgs.csv หรือบันทึกการส่ง (ita-ledger.sqlite) "
                        "ในโฟลเดอร์นี้ (ใช้ --dir หรือ --orgs)",
                        "Nothing known about this round: no orgs.csv or ledger here", 2)
    if xlsx_path:
        from pathlib import Path

        st.write_status_xlsx(items, Path(xlsx_path), ctx.lang, force)
    if fmt == "json":
        import json

        from ita_xlsx.thai.dates import iso_moment

        rows = [{**d, **{k: iso_moment(d[k]) or d[k] for k in st.TIME_COLUMNS}}
                for d in (i.as_dict() for i in items)]  # ISO 8601, Thai offset
        click.echo(json.dumps(rows, ensure_ascii=False, indent=1))
    elif fmt == "csv":
        from ita_xlsx.core.files import csv_text

        click.echo(csv_text(st.headings(ctx.lang), st.rows(items, ctx.lang), "\n"), nl=False)
    else:
        _table(ctx, items, st)
    if xlsx_path and fmt == "table":
        ctx.say(("Written: " if ctx.lang == "en" else "เขียนไฟล์: ") + str(xlsx_path))


def _changes(ctx: Ctx, round_dir, since, fmt: str) -> None:
    """``status --since``: what happened since then, oldest first."""
    import ita_xlsx
    from ita_xlsx.thai.dates import format_moment, iso_moment

    start = ita_xlsx.api.parse_since(since)
    changes = ita_xlsx.round_changes(round_dir, start)
    if fmt == "json":
        import json

        click.echo(json.dumps({"since": iso_moment(start),
                               "changes": [c.as_dict(ctx.lang) for c in changes]},
                              ensure_ascii=False, indent=1))
        return
    if fmt == "csv":
        from ita_xlsx.core.files import csv_text

        heads = ["at", "code", "kind", "text"] if ctx.lang == "en" else [
            "เมื่อ", vocab.label(vocab.HEADINGS, "org_code"), "ประเภท", "รายละเอียด"]
        click.echo(csv_text(heads, [[format_moment(c.at, ctx.lang), c.code, c.kind,
                                     c.text(ctx.lang)] for c in changes], "\n"), nl=False)
        return
    en = ctx.lang == "en"
    ctx.say(f"Since {format_moment(start, ctx.lang)}: {len(changes)} change(s)" if en else
            f"ตั้งแต่ {format_moment(start, ctx.lang)}: เปลี่ยนแปลง {len(changes)} รายการ",
            style="bold")
    for c in changes:
        ctx.say(f"  {format_moment(c.at, ctx.lang)}  {c.code or '-':<10} {c.text(ctx.lang)}")
    if not changes:
        ctx.say("  nothing changed" if en else "  ไม่มีอะไรเปลี่ยน")


def _table(ctx: Ctx, items, st) -> None:
    from rich.table import Table

    en = ctx.lang == "en"
    styles = {"passed": "green", "passed_with_notes": "yellow", "needs_fixing": "red",
              "unusable": "red", "not_counted": "red", "sent": "cyan", "not_sent": "dim"}
    h = vocab.HEADINGS
    table = Table(*(h[k].label(ctx.lang) for k in ("org_code", "org_name", "sent_at",
                                                    "returned_files", "status")),
                  f"{h['errors'].label(ctx.lang)}/{h['warnings'].text(ctx.lang)}",
                  *(h[k].label(ctx.lang) for k in ("feedback_sent_at", "reminded_at")))
    for i in items:
        sent = st.when(i.sent_at, ctx.lang) if i.sent_at else (
            ("failed" if en else "ไม่สำเร็จ") if i.send_error else "-")
        shown = vocab.label(vocab.ORG_STATES, i.state, ctx.lang)  # the round model's state
        table.add_row(i.code, i.name, sent, str(len(i.returned_files)),
                      f"[{styles.get(i.state, '')}]{shown}[/]",
                      f"{i.errors}/{i.warnings}" if i.returned_files else "-",
                      st.when(i.feedback_sent_at, ctx.lang) or "-",
                      st.when(i.reminded_at, ctx.lang) or "-")
    ctx.console.print(table)
    counts: dict[str, int] = {}
    for i in items:
        counts[i.state] = counts.get(i.state, 0) + 1
    ctx.say(", ".join(f"{vocab.word(vocab.ORG_STATES, k, ctx.lang)} {v}"
                      for k, v in counts.items()))


@click.group("mail", cls=Group, help="ตั้งค่าอีเมล: mail init เขียนไฟล์ตั้งค่า, mail test ทดลองเข้าสู่ระบบ",
             help_en="Mail settings: `mail init` writes a settings file, `mail test` logs in.")
@lang_option
def mail_group():
    pass


@mail_group.command("test", cls=Command,
                    help="เข้าสู่ระบบ SMTP และ IMAP แล้วบอกเป็นภาษาไทยว่าติดขัดที่ใด",
                    help_en="Log in to the SMTP and IMAP servers and say what is wrong, if anything.")
@dir_option
@lang_option
@click.pass_obj
@friendly
def mail_test_cmd(ctx: Ctx, round_dir):
    import ita_xlsx

    settings = _settings(round_dir)
    results = ita_xlsx.mail_test(round_dir, settings=settings, password=_password(settings))
    bad = None
    for server, problem in results:
        if problem is None:
            ctx.say(f"{server}: OK" if ctx.lang == "en" else f"{server}: เข้าสู่ระบบได้", style="green")
        else:
            bad = bad or problem
            ctx.say(f"{server}: {problem.en if ctx.lang == 'en' else problem.th}", style="red")
    if bad is not None:
        sys.exit(bad.exit_code)


@mail_group.command("init", cls=Command,
                    help="เขียนไฟล์ ita-settings.toml ตัวอย่างพร้อมคำอธิบาย ให้กรอกต่อ",
                    help_en="Write a commented ita-settings.toml to fill in.")
@dir_option
@option("--force", is_flag=True, th="เขียนทับ ita-settings.toml ที่มีอยู่",
        en="Overwrite an existing ita-settings.toml.")
@lang_option
@click.pass_obj
@friendly
def mail_init_cmd(ctx: Ctx, round_dir, force):
    from pathlib import Path

    from ita_xlsx.api import SAMPLE_SETTINGS as SAMPLE
    from ita_xlsx.api import SETTINGS_FILE
    from ita_xlsx.core.files import atomic_write

    path = Path(round_dir) / SETTINGS_FILE
    atomic_write(path, SAMPLE.encode("utf-8"), force)
    ctx.say(f"Written: {path} — fill in [round] and [mail]" if ctx.lang == "en" else
            f"เขียนไฟล์ {path} แล้ว — แก้ส่วน [round] และ [mail] ให้ตรงกับของท่าน")


COMMANDS = [send_cmd, collect_cmd, status_cmd, mail_group]
