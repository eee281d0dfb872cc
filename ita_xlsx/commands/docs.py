"""`ita-xlsx docs`: Word documents people read, print and sign.

From returns that passed: each organisation's measures document and memo (plan round) or its
results report and memo (6/12 months). With ``--district REPORT.xlsx``: the district office's
memo to the province from a consolidated report.
"""

from __future__ import annotations

import click

from ..cli_base import Ctx, UserError, _framework_error, _template, friendly, lang_option


@click.command()
@click.argument("inputs", nargs=-1, type=click.Path())
@click.option("--out", "out_dir", type=click.Path(file_okay=False), required=True,
              help="Folder for the documents.")
@click.option("--district", "district_report", type=click.Path(dir_okay=False, exists=True),
              default=None, help="A consolidated report (merge output): write the district's "
              "memo to the province instead.")
@click.option("--settings", "settings_path", type=click.Path(dir_okay=False, exists=True),
              default=None, help="Settings file with [district] (default: ita-settings.toml "
              "in the current folder, if there).")
@click.option("--pdf", is_flag=True, help="Also write PDFs (needs LibreOffice).")
@click.option("--arabic-digits", is_flag=True, help="Arabic digits (0-9) instead of Thai digits.")
@click.option("--doc-template", "doc_templates", multiple=True,
              type=click.Path(dir_okay=False, exists=True),
              help="Your own document template (.toml) replacing the built-in one of its kind.")
@click.option("--force", is_flag=True,
              help="Also make documents for returns with errors; overwrite existing files.")
@click.option("--template", "template_path", type=click.Path(exists=True, dir_okay=False),
              default=None, help="A workbook template other than the built-in one.")
@lang_option
@click.pass_obj
@friendly
def docs(ctx: Ctx, inputs, out_dir, district_report, settings_path, pdf, arabic_digits,
         doc_templates, force, template_path):
    """Word documents (.docx) from returns that passed, or the district memo (--district)."""
    from pathlib import Path

    from .. import api
    from ..documents.district import ReportError
    from ..documents.templates import DocTemplateError
    from ..framework import FrameworkError

    th = ctx.lang != "en"
    template = _template(template_path)
    out = Path(out_dir)
    try:
        if district_report:
            memo = api.make_district_memo(district_report, out, settings=settings_path,
                                          force=force, arabic_digits=arabic_digits, pdf=pdf,
                                          doc_templates=doc_templates, template=template)
            ctx.say(("เขียนบันทึกข้อความของอำเภอแล้ว: " if th else "District memo written: ")
                    + str(memo.path))
            _say_pdf(ctx, memo.pdf, memo.pdf_problem)
            return
        if not inputs:
            raise UserError("ระบุไฟล์หรือโฟลเดอร์แบบรายงานที่ส่งกลับ หรือใช้ --district "
                            "รายงานรวม.xlsx", "Give returned workbooks (files or folders), or "
                            "--district REPORT.xlsx.", 2)
        result = api.make_documents(inputs, out, force=force, arabic_digits=arabic_digits,
                                    pdf=pdf, doc_templates=doc_templates, template=template)
    except DocTemplateError as exc:
        raise UserError("แบบเอกสารใช้ไม่ได้: " + exc.text("th"),
                        "Unusable document template: " + exc.text("en"), 2) from None
    except ReportError as exc:
        raise UserError(exc.th, exc.en, 1) from None
    except FrameworkError as exc:
        raise _framework_error(exc) from None
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
    _say_pdf(ctx, result.pdf, result.pdf_problem)
    if not result.written and not result.existing:
        raise SystemExit(1)


def _say_pdf(ctx: Ctx, written, problem) -> None:
    for path in written:
        ctx.say("PDF: " + str(path))
    if problem:
        ctx.err(problem[1] if ctx.lang == "en" else problem[0])


COMMANDS = [docs]
