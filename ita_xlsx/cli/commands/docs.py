"""`ita-xlsx docs`: Word documents people read, print and sign.

From returns that passed: each organisation's measures document and memo (plan round) or its
results report and memo (6/12 months). With ``--district REPORT.xlsx``: the district office's
memo to the province from a consolidated report.
"""

from __future__ import annotations

import click

from ita_xlsx.cli.base import (
    Command,
    Ctx,
    UserError,
    _template,
    friendly,
    lang_option,
    option,
    template_option,
)


@click.command(
    cls=Command,
    help="""ทำเอกสาร Word (.docx) จากแบบรายงานที่ผ่านการตรวจ: มาตรการและบันทึกข้อความเสนอผู้บริหาร
(รอบแผน) หรือรายงานผลและบันทึกข้อความ (รอบ 6/12 เดือน); หรือบันทึกข้อความของอำเภอถึงจังหวัด (--district)

\b
ตัวอย่าง:
  ita-xlsx docs returned --out documents
  ita-xlsx docs returned --out documents --pdf --arabic-digits
  ita-xlsx docs returned --out documents --emblem ครุฑ.png
  ita-xlsx docs --district reports/district-report.xlsx --out documents --date 20/04/2570
  ita-xlsx docs --district . --out documents""",
    help_en="""Word documents (.docx) from returns that passed: the measures document and the
memo presenting it (plan round), or the results report and its memo (6/12 months); or the
district's memo to the province (--district).

\b
Examples:
  ita-xlsx docs returned --out documents
  ita-xlsx docs returned --out documents --pdf --arabic-digits
  ita-xlsx docs returned --out documents --emblem garuda.png
  ita-xlsx docs --district reports/district-report.xlsx --out documents --date 20/04/2570
  ita-xlsx docs --district . --out documents""")
@click.argument("inputs", nargs=-1, type=click.Path())
@option("--out", "out_dir", type=click.Path(file_okay=False), required=True,
        th="โฟลเดอร์ที่จะเขียนเอกสาร", en="Folder for the documents.")
@option("--district", "district_report", type=click.Path(exists=True),
        default=None, th="โฟลเดอร์รอบ หรือรายงานรวม (ผลของ merge): ทำบันทึกข้อความของอำเภอถึงจังหวัดแทน "
        "(ตัวเลขจากรอบเดียวกับที่คำสั่ง status และหน้าเว็บแสดง)",
        en="The round folder, or a consolidated report (merge output): write the district's "
           "memo instead (the round's figures, as status and the page show them).")
@option("--settings", "settings_path", type=click.Path(dir_okay=False, exists=True),
        default=None, th="ไฟล์ตั้งค่าที่มีหมวด [district] (ค่าเริ่มต้น: ita-settings.toml ในโฟลเดอร์รอบ)",
        en="Settings file with [district] (default: ita-settings.toml of the round folder).")
@option("--pdf", is_flag=True, th="ทำไฟล์ PDF ด้วย (ต้องมี LibreOffice)",
        en="Also write PDFs (needs LibreOffice).")
@option("--arabic-digits", is_flag=True, th="ใช้เลขอารบิก (0-9) แทนเลขไทย",
        en="Arabic digits (0-9) instead of Thai digits.")
@option("--doc-template", "doc_templates", multiple=True,
        type=click.Path(dir_okay=False, exists=True),
        th="แบบเอกสาร (.toml) ของท่านเอง ใช้แทนแบบที่มีมาให้ชนิดเดียวกัน",
        en="Your own document template (.toml) replacing the built-in one of its kind.")
@option("--emblem", "emblem", type=click.Path(dir_okay=False, exists=True), default=None,
        th="ภาพตราครุฑของสำนักงาน (.png/.jpg) สำหรับประกาศและบันทึกข้อความ (ค่าเริ่มต้น: [documents] "
           "ใน ita-settings.toml)",
        en="The office's emblem image (.png/.jpg) for the announcement and the memos "
           "(default: [documents] of ita-settings.toml).")
@option("--date", "memo_date", default=None,
        th="วันที่ของบันทึกข้อความอำเภอ เช่น 20/04/2570 (ค่าเริ่มต้น: วันที่รายงานล่าสุดของหน่วยงาน)",
        en="The district memo's date, e.g. 20/04/2570 (default: the newest return's report date).")
@option("--force", is_flag=True,
        th="ทำเอกสารแม้แบบรายงานยังมีข้อผิดพลาด และเขียนทับไฟล์เดิม",
        en="Also make documents for returns with errors; overwrite existing files.")
@template_option
@lang_option
@click.pass_obj
@friendly
def docs(ctx: Ctx, inputs, out_dir, district_report, settings_path, pdf, arabic_digits,
         doc_templates, emblem, memo_date, force, template_path):
    from pathlib import Path

    from ita_xlsx import api
    from ita_xlsx.api import EMBLEM_MISSING as MISSING
    from ita_xlsx.thai import parse_date

    th = ctx.lang != "en"
    template = _template(template_path)
    out = Path(out_dir)
    if district_report:
        day = parse_date(memo_date) if memo_date else None
        if memo_date and day is None:
            raise UserError(f"--date {memo_date}: ไม่ใช่วันที่ เขียนแบบ วัน/เดือน/ปี พ.ศ. เช่น 20/04/2570",
                            f"--date {memo_date}: not a date; write it as dd/mm/yyyy (B.E.), "
                            "e.g. 20/04/2570.", 2)
        memo = api.make_district_memo(district_report, out, settings=settings_path,
                                      force=force, arabic_digits=arabic_digits, pdf=pdf,
                                      doc_templates=doc_templates, template=template,
                                      emblem=emblem, date=day)
        ctx.say(("เขียนบันทึกข้อความของอำเภอแล้ว: " if th else "District memo written: ")
                + str(memo.path))
        if not memo.emblem:
            ctx.err(MISSING[0] if th else MISSING[1])
        _say_pdf(ctx, memo.pdf, memo.pdf_problem)
        return
    if not inputs:
        raise UserError("ระบุไฟล์หรือโฟลเดอร์แบบรายงานที่ส่งกลับ หรือใช้ --district รายงานรวม.xlsx",
                        "Give returned workbooks (files or folders), or --district REPORT.xlsx.",
                        2)
    result = api.make_documents(inputs, out, force=force, arabic_digits=arabic_digits, pdf=pdf,
                                doc_templates=doc_templates, template=template, emblem=emblem,
                                settings=settings_path)
    for path in result.written:
        ctx.say(("เขียนแล้ว: " if th else "Written: ") + str(path))
    for path in result.existing:
        ctx.err(("มีไฟล์นี้อยู่แล้ว ไม่เขียนทับ (ใช้ --force เพื่อเขียนทับ): " if th else
                 "Already there, kept (use --force to overwrite): ") + str(path))
    for r in result.refused:
        ctx.err(f"ไม่ได้ทำเอกสารของ {r.org} ({r.path}) เพราะ:" if th else
                f"No documents for {r.org} ({r.path}) because:")
        for reason in (r.reasons_th if th else r.reasons_en):
            ctx.err("  - " + reason)
    if any(r.forcible for r in result.refused):
        ctx.err("แก้ไขแบบรายงานตามรายการข้างต้นแล้วสั่งใหม่ หรือใช้ --force เพื่อทำเอกสารทั้งที่ยังมีข้อผิดพลาด"
                if th else "Fix the returns as listed and run again, or use --force to make "
                "the documents anyway.")
    if result.written and not result.emblem:  # said once, however many documents
        ctx.err(MISSING[0] if th else MISSING[1])
    _say_pdf(ctx, result.pdf, result.pdf_problem)
    if not result.written and not result.existing:
        raise SystemExit(1)


def _say_pdf(ctx: Ctx, written, problem) -> None:
    for path in written:
        ctx.say("PDF: " + str(path))
    if problem:
        ctx.err(problem[1] if ctx.lang == "en" else problem[0])


COMMANDS = [docs]
