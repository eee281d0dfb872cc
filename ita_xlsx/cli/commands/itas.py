"""`ita-xlsx itas`: each organisation's OIT items and URLs for the NACC's ITAS system."""

from __future__ import annotations

import click

from ita_xlsx.cli.base import (
    Command,
    Ctx,
    UserError,
    _fiscal_year,
    _template,
    _with_progress,
    framework_option,
    friendly,
    lang_option,
    option,
    template_option,
    year_option,
)


@click.command(
    "itas", cls=Command,
    help="""ทำรายการ OIT ของแต่ละหน่วยงาน (ข้อ → URL) เรียงตามลำดับข้อในระบบ ITAS ของ ป.ป.ช.
เป็นไฟล์ CSV และแผ่นงานพร้อมพิมพ์ (.xlsx) ให้หน่วยงานใช้กรอกในระบบ

\b
ตัวอย่าง:
  ita-xlsx itas returned --out itas
  ita-xlsx itas returned --out itas --check-links""",
    help_en="""Each organisation's OIT items and URLs (item → URL) in the order of the NACC's
ITAS system, as CSV and as a printable sheet (.xlsx), to type into the system from.

\b
Examples:
  ita-xlsx itas returned --out itas
  ita-xlsx itas returned --out itas --check-links""")
@click.argument("inputs", nargs=-1, required=True, type=click.Path())
@option("--out", "out_dir", type=click.Path(file_okay=False), required=True,
        th="โฟลเดอร์ที่จะเขียนไฟล์ <รหัส>_<ชื่อ>_ITAS.csv และ .xlsx",
        en="Folder for the <code>_<name>_ITAS.csv and .xlsx files.")
@year_option
@option("--check-links", is_flag=True,
        th="เปิดหน้าของทุกข้อก่อน: ข้อที่เปิดไม่ได้หรือไม่ใช่ข้อมูลปีนี้จะมีสถานะกำกับ",
        en="Open every item's page first: dead pages and last year's pages are marked.")
@option("--link-timeout", type=float, default=10.0, show_default=True,
        th="เวลารอ (วินาที) ต่อ URL แต่ละรายการ", en="Seconds to wait for each URL.")
@option("--force", is_flag=True, th="เขียนทับไฟล์ที่มีอยู่แล้ว", en="Overwrite existing files.")
@framework_option
@template_option
@lang_option
@click.pass_obj
@friendly
def itas_cmd(ctx: Ctx, inputs, out_dir, year, check_links, link_timeout, force, framework,
             template_path) -> None:
    from ita_xlsx.api import export_itas, find_workbooks
    from ita_xlsx.api import validate as run_validate

    template = _template(template_path)
    files = find_workbooks(inputs)
    if not files:
        raise UserError.of("error.no_workbooks", 2)
    fy = _fiscal_year(year) if year else None
    report = _with_progress(
        ctx, max(len(files), 1), "กำลังตรวจ" if ctx.lang == "th" else "Checking",
        lambda step: run_validate(inputs, fiscal_year=fy, template=template,
                                  framework=framework, check_links=check_links,
                                  link_timeout=link_timeout, progress=step))
    from ita_xlsx.core.errors import OutputExists

    try:
        written = export_itas(report, out_dir, force=force, lang=ctx.lang)
    except OutputExists as exc:  # checked before anything is written: a usage error, exit 2
        raise UserError(exc.text("th"), exc.text("en"), 2) from None
    orgs = len(written) // 2
    if ctx.lang == "en":
        ctx.say(f"ITAS lists for {orgs} organisations in {out_dir}")
    else:
        ctx.say(f"รายการสำหรับระบบ ITAS {orgs} หน่วยงาน ในโฟลเดอร์ {out_dir}")
    if not orgs:
        ctx.err("ไม่มีแบบรายงานที่มีแผ่นงานรายการ OIT (แบบฟอร์มรุ่น 3 ขึ้นไป)" if ctx.lang == "th"
                else "No return has the OIT sheet (template version 3 or later).")


COMMANDS = [itas_cmd]
