"""`ita-xlsx serve [ROUND_DIR]`: the round in a browser (see ``ita_xlsx/web``)."""

from __future__ import annotations

import click

from ita_xlsx.cli.base import Command, Ctx, UserError, friendly, lang_option, option


@click.command("serve", cls=Command, help="""เปิดรอบการรายงานในเบราว์เซอร์: รายชื่อหน่วยงานและสถานะ
ลากไฟล์ที่ส่งกลับมาวางเพื่อตรวจ ดูข้อผิดพลาดรายหน่วยงาน ดาวน์โหลดสำเนาแจ้งผลตรวจและเอกสาร
สร้างแบบรายงาน และจัดทำรายงานรวมกับบันทึกข้อความของอำเภอ (ภาษาไทย; --lang en เป็นภาษาอังกฤษ)

ไม่ระบุ ROUND_DIR จะใช้โฟลเดอร์ปัจจุบันเป็นโฟลเดอร์รอบ

\b
ตัวอย่าง:
  ita-xlsx serve
  ita-xlsx serve รอบ6เดือน/ --port 8800""", help_en="""The round in a browser: the organisations, returns
dropped onto the page, findings, feedback copies and documents, new workbooks, the report and
the district memo (Thai; --lang en for English).

Without ROUND_DIR the current folder is the round folder.

\b
Examples:
  ita-xlsx serve
  ita-xlsx serve round-6-months/ --port 8800""")
@click.argument("round_dir", required=False, type=click.Path(file_okay=False))
@option("--port", type=int, default=None,
        th="พอร์ต (ค่าเริ่มต้น 8765 หรือพอร์ตว่างถัดไป)",
        en="Port (default 8765, or the next free one).")
@option("--host", default="127.0.0.1", show_default=True,
        th="ที่อยู่ที่รับการเชื่อมต่อ ถ้าไม่ใช่เครื่องนี้ต้องตั้งรหัสผ่านไว้ใน "
           "ita-settings.toml [serve]",
        en="Address to listen on. Anything but this machine needs a password "
           "in ita-settings.toml [serve].")
@option("--no-browser", is_flag=True, th="ไม่ต้องเปิดเบราว์เซอร์ให้",
        en="Do not open the browser.")
@lang_option
@click.pass_obj
@friendly
def serve_cmd(ctx: Ctx, round_dir: str | None, port: int | None, host: str,
              no_browser: bool) -> None:
    import sys
    from pathlib import Path

    from ita_xlsx.web.server import ServeError, serve

    root = Path(round_dir) if round_dir else Path.cwd()
    if not root.exists():
        ask = ("ยังไม่มีโฟลเดอร์ {p} สร้างเป็นโฟลเดอร์รอบใหม่หรือไม่?" if ctx.lang == "th"
               else "{p} does not exist. Create it as a new round folder?").format(p=root)
        if not (sys.stdin.isatty() and click.confirm(ask, default=True)):
            raise UserError(f"ไม่พบโฟลเดอร์ {root}", f"Folder not found: {root}", 2)
        root.mkdir(parents=True)

    def announce(running) -> None:
        if ctx.lang == "en":
            ctx.say(f"ita-xlsx serve: round folder {root.resolve()}\n"
                    f"Open this link in the browser (it carries the access token):\n"
                    f"  {running.url}\nStop with Ctrl+C.")
        else:
            ctx.say(f"ita-xlsx serve: โฟลเดอร์รอบ {root.resolve()}\n"
                    f"เปิดลิงก์นี้ในเบราว์เซอร์ (มีรหัสเข้าใช้ต่อท้าย):\n"
                    f"  {running.url}\nหยุดด้วย Ctrl+C")

    try:
        serve(root, host=host, port=port, lang=ctx.lang, open_browser=not no_browser,
              announce=announce)
    except ServeError as exc:
        raise UserError(exc.th, exc.en, 2) from None


COMMANDS = [serve_cmd]
