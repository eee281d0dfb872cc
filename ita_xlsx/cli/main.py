"""The ``ita-xlsx`` command line: each command parses its options, calls the library API
(``ita_xlsx.api``), prints and sets the exit code. Errors become messages in one place
(``cli_base.friendly``); help and click's own messages are Thai unless ``--lang en``.

Heavy modules (xlsxwriter, pandas, pandera) are imported inside the API functions, so
``ita-xlsx --help`` starts fast.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import click

from ita_xlsx import __version__
from ita_xlsx.cli.base import (
    LANGS,
    Ctx,
    Group,
    Option,
    UserError,
    _deadline,
    _fiscal_year,
    _status,
    _template,
    _with_progress,
    framework_option,
    friendly,
    lang_option,
    option,
    template_option,
    year_option,
)
from ita_xlsx.core.errors import ItaError
from ita_xlsx.core.messages import msg


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"]},
             help="ita-xlsx: แบบรายงานมาตรการ ITA สำหรับองค์กรปกครองส่วนท้องถิ่น — สร้างแบบรายงาน "
                  "(new) ตรวจไฟล์ที่ส่งกลับ (validate) และรวมเป็นรายงานเดียว (merge)\n\n"
                  "ภาษาอังกฤษ: --lang en หรือตั้ง ITA_XLSX_LANG=en",
             help_en="ita-xlsx: standard Excel workbooks for the ITA measures cycle of Thai local "
                     "governments — make them (new), check the returns (validate), consolidate "
                     "them (merge).")
@option("--lang", type=LANGS, default=lambda: os.environ.get("ITA_XLSX_LANG", "th"),
        show_default="th", th="ภาษาของข้อความ: th (ไทย) หรือ en (อังกฤษ)",
        en="Language of messages: th (Thai) or en (English).")
@option("--debug", is_flag=True, th="แสดงรายละเอียดทางเทคนิค (traceback) เมื่อเกิดข้อผิดพลาด",
        en="Show a traceback when something fails.")
@click.version_option(__version__, prog_name="ita-xlsx", cls=Option,
                      help="แสดงรุ่นของโปรแกรมแล้วจบ", help_en="Show the version and exit.")
@click.pass_context
def main(ctx: click.Context, lang: str, debug: bool) -> None:
    ctx.obj = Ctx(lang, debug)


# ---------------------------------------------------------------- new


@main.command(
    help="""สร้างแบบรายงานมาตรฐาน: หนึ่งไฟล์เปล่า หรือหนึ่งไฟล์ต่อหน่วยงานในรายชื่อ --orgs

\b
ตัวอย่าง:
  ita-xlsx new
  ita-xlsx new --orgs orgs.csv --year 2570 --deadline 31/01/2570 --out workbooks
  ita-xlsx new --from district-report.xlsx --round 6 --out round6""",
    help_en="""Write standard workbooks: one blank, or one per organisation of --orgs.

\b
Examples:
  ita-xlsx new
  ita-xlsx new --orgs orgs.csv --year 2570 --deadline 31/01/2570 --out workbooks
  ita-xlsx new --from district-report.xlsx --round 6 --out round6""")
@option("--orgs", "orgs_path", type=click.Path(dir_okay=False), default=None,
        th="ไฟล์รายชื่อหน่วยงาน (.csv .xlsx .ods): รหัส ชื่อ ประเภท อำเภอ จังหวัด อีเมล",
        en="Organisation list (.csv, .xlsx, .ods): code, name, type, district, province, email.")
@year_option
@option("--round", "round_key", type=click.Choice(["plan", "6", "12"]), default=None,
        th="รอบการรายงาน: plan (แผน), 6 หรือ 12 เดือน (ค่าเริ่มต้น: plan; เมื่อใช้ --from "
           "คือรอบถัดไปของต้นทาง)",
        en="Reporting round the workbooks are for (default: plan; with --from, the round after "
           "the source's).")
@option("--from", "from_paths", multiple=True, type=click.Path(exists=True),
        th="รายงานรวมหรือโฟลเดอร์ไฟล์ที่ส่งกลับ: กรอกผลวิเคราะห์และมาตรการเดิม ของแต่ละหน่วยงาน "
           "ไว้ให้สำหรับรอบถัดไป (ใส่ได้หลายครั้ง)",
        en="A consolidated report or a folder of returns: pre-fill each organisation's "
           "analysis and measures for the next round (repeatable).")
@option("--deadline", default=None, th="กำหนดส่งคืน เช่น 31/01/2570",
        en="Return deadline, e.g. 31/01/2570.")
@option("--contact", default="", th="ผู้ประสานงาน แสดงในแผ่นงานคำชี้แจง",
        en="Who to contact, shown on the instructions sheet.")
@option("--out", "out_dir", type=click.Path(file_okay=False), default=None,
        th="โฟลเดอร์ที่จะเขียนแบบรายงาน (ค่าเริ่มต้น: ita-<ปี>-<รอบ>)",
        en="Output folder (default: ita-<year>-<round>).")
@option("--force", is_flag=True, th="เขียนทับแบบรายงานที่มีอยู่แล้ว",
        en="Overwrite workbooks that already exist.")
@framework_option
@template_option
@lang_option
@click.pass_obj
@friendly
def new(ctx: Ctx, orgs_path, year, round_key, from_paths, deadline, contact, out_dir, force,
        framework, template_path) -> None:
    from ita_xlsx.api import make_workbooks, next_round

    template = _template(template_path)
    orgs, prefills = None, None
    if from_paths:  # the next round, pre-filled from a report or returns
        nr = next_round(from_paths, round=round_key,
                        fiscal_year=_fiscal_year(year) if year else None,
                        template=template, framework=framework)
        if nr.skipped:  # who the source could not give a workbook for, and why
            ctx.err(f"Not made from the source ({len(nr.skipped)}):" if ctx.lang == "en" else
                    f"หน่วยงานที่ไม่ได้สร้างจากแหล่งข้อมูล ({len(nr.skipped)} หน่วยงาน):")
            for s in nr.skipped:
                ctx.err(f"  · {s.code} {s.name}: {s.en if ctx.lang == 'en' else s.th}")
        if not nr.orgs:
            raise UserError.of("new.no_orgs", 1, file=", ".join(from_paths))
        orgs, prefills, round_key, year = nr.orgs, nr.prefills, nr.round, nr.fiscal_year
    round_key = round_key or "plan"
    fy = _fiscal_year(year)
    deadline = _deadline(deadline)
    out = Path(out_dir or f"ita-{fy}-{round_key}")
    exit_code = 0
    if orgs_path:
        listed, exit_code = _read_orgs(ctx, template, orgs_path)
        known = {o.code.casefold() for o in orgs or []}
        orgs = [*(orgs or []), *(o for o in listed if o.code.casefold() not in known)]
    result = _with_progress(
        ctx, len(orgs) if orgs else 1, msg("new.progress", ctx.lang),
        lambda step: make_workbooks(out, orgs, fiscal_year=fy, round=round_key,
                                    deadline=deadline, contact=contact, prefills=prefills,
                                    force=force, template=template, framework=framework,
                                    progress=step))
    ctx.say(msg("new.written", ctx.lang, n=len(result.written), out=out))
    if result.refused:
        ctx.err(msg("new.refused", ctx.lang, n=len(result.refused), first=result.refused[0]))
        exit_code = 1
    sys.exit(exit_code)


def _read_orgs(ctx: Ctx, template, orgs_path: str) -> tuple[list, int]:
    """The usable organisations of a list, each bad row reported; exit code 1 if any skipped."""
    from ita_xlsx.api import read_orgs

    orgs, problems = read_orgs(orgs_path, template)
    errors = sum(p.severity == "error" for p in problems)
    if problems:
        ctx.err(msg("new.list_problems", ctx.lang, file=orgs_path, errors=errors,
                    warnings=len(problems) - errors))
        for p in problems:
            ctx.err(f"  {'✗' if p.severity == 'error' else '!'} {p.text(ctx.lang)}")
    if not orgs:
        raise UserError.of("new.no_orgs", 1, file=orgs_path)
    return orgs, 1 if errors else 0


# ---------------------------------------------------------------- schema


@main.command(
    help="""แสดงโครงสร้างแบบฟอร์ม: แผ่นงาน คอลัมน์ เซลล์ ช่องที่ต้องกรอก และรายการให้เลือก

\b
ตัวอย่าง:
  ita-xlsx schema --json --year 2570""",
    help_en="""Describe the template: sheets, columns, cells, required fields and choices.

\b
Example:
  ita-xlsx schema --json --year 2570""")
@option("--json", "as_json", is_flag=True, th="พิมพ์แบบฟอร์มเป็น JSON สำหรับโปรแกรมอื่น",
        en="Print the template as JSON for machines.")
@year_option
@framework_option
@template_option
@lang_option
@click.pass_obj
@friendly
def schema(ctx: Ctx, as_json, year, framework, template_path) -> None:
    from ita_xlsx.api import describe_template

    data = describe_template(_template(template_path), fiscal_year=_fiscal_year(year),
                             framework=framework)
    if as_json:
        echo_utf8(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
        return
    for sheet in data["sheets"]:
        ctx.say(f"{sheet['name']} ({sheet['key']}, {sheet['kind']})", style="bold")
        for col in sheet["columns"]:
            where = col.get("cell") or col.get("column")
            req = " *" if col["required"] else ""
            ctx.say(f"  {where:>4}  {col['key']:<16} {col['label']}{req}")


# ---------------------------------------------------------------- validate


def _round_settings(inputs):
    """The ``[round]`` settings of the round the inputs belong to: ita-settings.toml in the
    working folder, or beside or above an input (``returned/`` sits in the round folder)."""
    from ita_xlsx.api import SETTINGS_FILE, RoundSettings
    from ita_xlsx.api import settings_file_of_round as load_settings

    places = [Path.cwd()]
    for item in inputs:
        p = Path(item).resolve()
        folder = p if p.is_dir() else p.parent
        places += [folder, folder.parent]
    for place in places:
        if (place / SETTINGS_FILE).is_file():
            try:
                return load_settings(place, use_user_file=False).round
            except ItaError:  # a settings file that cannot be read leaves the workbook's own
                break
    return RoundSettings()


@main.command(
    help="""ตรวจแบบรายงานที่ส่งกลับ (ไฟล์หรือโฟลเดอร์) และอธิบายทุกปัญหาที่พบ

รหัสการจบ: 0 เมื่อไม่มีไฟล์ใดมีข้อผิดพลาด (มีข้อเตือนได้), 1 เมื่อมีไฟล์ที่มีข้อผิดพลาด
หรือเปิดไม่ได้, 2 เมื่อใช้คำสั่งไม่ถูกต้อง

\b
ตัวอย่าง:
  ita-xlsx validate returned/
  ita-xlsx validate returned/*.xlsx --orgs orgs.csv --report report.xlsx --feedback feedback/
  ita-xlsx validate returned/ --format json > report.json""",
    help_en="""Check returned workbooks (files or folders) and explain every problem.

Exit code: 0 when no file has an error (warnings allowed), 1 when any file has an
error or could not be read, 2 for a usage error.

\b
Examples:
  ita-xlsx validate returned/
  ita-xlsx validate returned/*.xlsx --orgs orgs.csv --report report.xlsx --feedback feedback/
  ita-xlsx validate returned/ --format json > report.json""")
@click.argument("inputs", nargs=-1, required=True, type=click.Path())
@option("--orgs", "orgs_path", type=click.Path(dir_okay=False, exists=True), default=None,
        th="ไฟล์รายชื่อหน่วยงาน: ตรวจรหัสและชื่อหน่วยงาน ของแต่ละไฟล์กับรายชื่อนี้",
        en="Organisation list: each file's identity is checked against it.")
@year_option
@option("--format", "fmt", type=click.Choice(["text", "json", "csv"]), default="text",
        show_default=True, th="สิ่งที่พิมพ์ออก: สรุป (text) หรือรายงานแบบ JSON หรือ CSV",
        en="What to print: a summary, or the report as JSON or CSV.")
@option("--report", "report_path", type=click.Path(dir_okay=False), default=None,
        th="เขียนรายงานลงไฟล์ด้วย: .xlsx (กรองได้), .csv หรือ .json",
        en="Also write the report to a file: .xlsx (filterable), .csv or .json.")
@option("--feedback", "feedback_dir", type=click.Path(file_okay=False), default=None,
        th="โฟลเดอร์ที่จะเขียนสำเนาแจ้งผล (ทำเครื่องหมายจุดที่ต้องแก้) ของแต่ละหน่วยงาน",
        en="Write a marked-up copy per organisation into this folder.")
@option("--round", "round_key", type=click.Choice(["plan", "6", "12"]), default=None,
        th="รอบที่กำลังตรวจ: ไฟล์ของรอบอื่นไม่นับ (ค่าเริ่มต้น: รอบล่าสุดที่พบ)",
        en="The round being checked: other rounds' files do not count (default: the newest "
           "round present).")
@option("--all-files", is_flag=True,
        th="ทำสำเนาแจ้งผลให้ทุกไฟล์ ไม่เฉพาะไฟล์ที่นับของแต่ละหน่วยงาน",
        en="Feedback for every file, not only the one that counts per organisation.")
@option("--check-links", is_flag=True, th="เปิด URL หลักฐานทุกรายการเพื่อตรวจว่าเปิดได้",
        en="Open every evidence URL over HTTP.")
@option("--link-timeout", type=float, default=10.0, show_default=True,
        th="เวลารอ (วินาที) ต่อ URL หลักฐานแต่ละรายการ", en="Seconds to wait for each evidence URL.")
@option("--force", is_flag=True, th="เขียนทับรายงาน หรือสำเนาแจ้งผลที่มีอยู่แล้ว",
        en="Overwrite an existing report or feedback copies.")
@option("--workers", type=int, default=None, th="จำนวนโปรเซสที่อ่านไฟล์ (ค่าเริ่มต้น: ทุกคอร์)",
        en="Reader processes (default: all cores).")
@option("--max-findings", type=int, default=30, show_default=True,
        th="จำนวนปัญหาที่แสดงต่อไฟล์ในสรุป (รายงานมีครบทุกรายการ)",
        en="Findings shown per file in the summary (the report has all).")
@framework_option
@template_option
@lang_option
@click.pass_obj
@friendly
def validate(ctx: Ctx, inputs, orgs_path, year, fmt, report_path, feedback_dir, round_key,
             all_files, check_links, link_timeout, force, workers, max_findings, framework,
             template_path) -> None:
    from ita_xlsx.api import (
        find_workbooks,
        open_round,
        report_text,
        write_check_report,
        write_feedback,
    )

    template = _template(template_path)
    files = find_workbooks(inputs)  # for the progress bar; ZIPs and mails add their own
    from ita_xlsx.api import anything_sent

    if not files and not anything_sent(inputs):
        raise UserError.of("error.no_workbooks", 2)
    _refuse_existing(report_path, force)
    if report_path:
        _not_the_output(inputs, Path(report_path))
    fy = _fiscal_year(year) if year else None
    # the round model decides (the same answer as merge, status and the page): the report
    # is its files' findings, and its JSON carries each organisation's state
    rnd = _with_progress(
        ctx, max(len(files), 1), "กำลังตรวจ" if ctx.lang == "th" else "Checking",
        lambda step: open_round(inputs, orgs=orgs_path, fiscal_year=fy, round=round_key,
                                template=template, framework=framework,
                                check_links=check_links, link_timeout=link_timeout,
                                workers=workers, progress=step, reports_as_files=True))
    report = rnd.report
    if not report.files:  # only PDFs, links, Word files...: nothing was checked
        if fmt == "text":
            from ita_xlsx.cli.console import print_selection

            print_selection(report, ctx.console.print, ctx.lang)
        raise UserError.of("error.nothing_to_check", 1, n=len(report.skipped))
    if fmt == "text":
        from ita_xlsx.cli.console import print_console

        print_console(report, ctx.console.print, ctx.lang, max_findings)
        _say_states(ctx, rnd)
    else:
        text = report_text(report, fmt, lang=ctx.lang)
        echo_utf8(text + "\n" if fmt == "json" else text)
    if report_path:
        path = write_check_report(report, report_path, lang=ctx.lang, force=force)
        ctx.err(("เขียนรายงานที่ {p}" if ctx.lang == "th" else "Report written to {p}").format(
            p=path))
    if feedback_dir:
        rnd = _round_settings(inputs)
        written = write_feedback(report, feedback_dir, force=force, lang=ctx.lang,
                                 all_files=all_files, deadline=rnd.deadline, contact=rnd.contact)
        ctx.err(("เขียนสำเนาแจ้งผล {n} ไฟล์ ในโฟลเดอร์ {d}" if ctx.lang == "th" else
                 "Wrote {n} feedback copies into the folder {d}").format(
                     n=len(written.written), d=feedback_dir))
        if written.refused:
            ctx.err(msg("new.refused", ctx.lang, n=len(written.refused), first=written.refused[0]))
        if written.skipped:
            ctx.err(("ไม่ได้ทำสำเนาแจ้งผลให้ {n} ไฟล์ที่ไม่นับ (ใช้ --all-files หากต้องการ)"
                     if ctx.lang == "th" else "No feedback for {n} file(s) that do not count "
                     "(--all-files to make them)").format(n=len(written.skipped)))
    sys.exit(0 if report.ok else 1)


def _say_states(ctx: Ctx, rnd) -> None:
    """One line: organisations by state, in the round model's words."""
    counts = rnd.figures.states
    if not rnd.orgs:
        return
    from ita_xlsx import OrgState

    parts = [f"{OrgState(k).text(ctx.lang)} {n}" for k, n in counts.items() if n]
    ctx.say(("Organisations: " if ctx.lang == "en" else "หน่วยงาน: ") + " · ".join(parts))


def _not_the_output(inputs, out: Path) -> None:
    from ita_xlsx.api import refuse_input_as_output

    refuse_input_as_output(inputs, out)

def echo_utf8(text: str) -> None:
    """Machine output (JSON, CSV) as UTF-8 bytes, whatever the console's code page: on Thai
    Windows the console is cp874, and ``> check.json`` must still give a UTF-8 file."""
    out = click.get_binary_stream("stdout")
    out.write(text.encode("utf-8"))
    out.flush()


def _refuse_existing(path: str | None, force: bool) -> None:
    if path and Path(path).exists() and not force:
        raise UserError.of("error.output_exists", 2, path=path)


# ---------------------------------------------------------------- merge


@main.command(
    help="""รวมไฟล์ที่ส่งกลับ (และรายงานรวมอื่น) เป็นรายงานเดียวพร้อมกราฟ

นับหนึ่งไฟล์ต่อหน่วยงาน: เฉพาะปีงบประมาณและรอบเดียว (ตามที่ระบุ หรือล่าสุดที่พบ) ฉบับล่าสุดตาม
วันที่รายงาน เวลาบันทึกในไฟล์ แล้วจึงเวลาไฟล์ ไฟล์ที่ไม่นับแสดงไว้พร้อมเหตุผล

\b
ตัวอย่าง:
  ita-xlsx merge returned/ -o district-report.xlsx --orgs orgs.csv --csv csv/
  ita-xlsx merge district-a.xlsx district-b.xlsx -o province-report.xlsx""",
    help_en="""Combine returns (and other consolidated reports) into one report with charts.

One file counts per organisation: one fiscal year and round (as asked, else the newest
present), the newest by report date, then saved time, then file time; the rest are listed
with the reason.

\b
Examples:
  ita-xlsx merge returned/ -o district-report.xlsx --orgs orgs.csv --csv csv/
  ita-xlsx merge district-a.xlsx district-b.xlsx -o province-report.xlsx""")
@click.argument("inputs", nargs=-1, required=True, type=click.Path())
@option("-o", "--out", "out_path", type=click.Path(dir_okay=False), required=True,
        th="ไฟล์รายงานรวมที่จะเขียน (.xlsx)", en="The consolidated workbook to write (.xlsx).")
@option("--orgs", "orgs_path", type=click.Path(dir_okay=False, exists=True), default=None,
        th="ไฟล์รายชื่อหน่วยงาน: หน่วยงานที่ยังไม่ส่งจะแสดงว่ายังไม่ส่ง",
        en="Organisation list: those that have not returned are listed as missing.")
@option("--csv", "csv_dir", type=click.Path(file_okay=False), default=None,
        th="เขียน summary.csv, measures.csv, results.csv, findings.csv ลงโฟลเดอร์นี้ด้วย",
        en="Also write summary.csv, measures.csv, results.csv, findings.csv into this folder.")
@year_option
@option("--round", "round_key", type=click.Choice(["plan", "6", "12"]), default=None,
        th="นับเฉพาะแบบรายงานของรอบนี้ (ค่าเริ่มต้น: รอบล่าสุดที่พบ รอบอื่นแสดงรายการไว้)",
        en="Count only returns of this round (default: the newest round present; the others "
           "are listed).")
@option("--check-links", is_flag=True,
        th="เปิด URL หลักฐานและหน้าของรายการ OIT ทุกข้อ: ตาราง OIT แยกหน้าที่เปิดไม่ได้และหน้าของปีก่อน",
        en="Open every evidence URL and OIT item page: the OIT grid then tells dead pages and "
           "last year's pages apart.")
@option("--link-timeout", type=float, default=10.0, show_default=True,
        th="เวลารอ (วินาที) ต่อ URL แต่ละรายการ", en="Seconds to wait for each URL.")
@option("--force", is_flag=True, th="เขียนทับไฟล์ผลลัพธ์ที่มีอยู่แล้ว",
        en="Overwrite existing outputs.")
@option("--workers", type=int, default=None, th="จำนวนโปรเซสที่อ่านไฟล์ (ค่าเริ่มต้น: ทุกคอร์)",
        en="Reader processes (default: all cores).")
@framework_option
@template_option
@lang_option
@click.pass_obj
@friendly
def merge(ctx: Ctx, inputs, out_path, orgs_path, csv_dir, year, round_key, check_links,
          link_timeout, force, workers, framework, template_path) -> None:
    from ita_xlsx.api import find_workbooks, open_round, write_consolidated

    template = _template(template_path)
    out = Path(out_path)
    find_workbooks(inputs)  # a missing input is reported before outputs are looked at
    _refuse_existing(out_path, force)
    if csv_dir and not force:
        for name in ("summary.csv", "measures.csv", "results.csv", "findings.csv"):
            _refuse_existing(str(Path(csv_dir) / name), force)
    # never replaces an input (a return), even with --force
    _not_the_output(inputs, out)
    fy = _fiscal_year(year) if year else None
    # The output itself is never read as an input (merging into a folder's own report).
    files = find_workbooks(inputs, exclude=[out])
    from ita_xlsx.api import anything_sent

    if not files and not anything_sent(inputs, exclude=[out]):
        raise UserError.of("error.no_workbooks", 2)
    # the round model decides which file counts and each organisation's state; the report
    # written is its merge result
    rnd = _with_progress(
        ctx, max(len(files), 1),
        "กำลังอ่านและตรวจ" if ctx.lang == "th" else "Reading and checking",
        lambda step: open_round(inputs, orgs=orgs_path, fiscal_year=fy, round=round_key,
                                template=template, framework=framework, exclude=[out],
                                workers=workers, progress=step, check_links=check_links,
                                link_timeout=link_timeout))
    result = rnd.merge
    if len(result.files) == len(result.skipped):  # not one workbook among the inputs
        from ita_xlsx.cli.console import merge_lines

        for line in merge_lines(result, ctx.lang)[0]:
            ctx.err(line)
        raise UserError.of("error.nothing_to_merge", 1, n=len(result.skipped))
    writing = "กำลังเขียนรายงานรวม…" if ctx.lang == "th" else "Writing the report…"
    with _status(writing):  # the report and the CSV files together, all or none
        write_consolidated(result, out, force=force, lang=ctx.lang, template=template,
                           framework=framework, csv_dir=csv_dir)
    from ita_xlsx import OrgState

    states = rnd.figures.states
    shown = ", ".join(f"{OrgState(k).text(ctx.lang)} {n}" for k, n in states.items() if n)
    not_counted = sum(not f.counts for f in rnd.files() if f.is_return)
    if ctx.lang == "en":
        ctx.say(f"Consolidated report: {out} · {len(rnd.orgs)} organisations ({shown}) · "
                f"{not_counted} files not counted")
    else:
        ctx.say(f"รายงานรวม: {out} · {len(rnd.orgs)} หน่วยงาน ({shown}) · "
                f"ไฟล์ที่ไม่นับ {not_counted}")
    _say_figures(ctx, rnd)
    _say_selection(ctx, result)
    if csv_dir:  # written above with the report: success is said after the last write
        written = [Path(csv_dir) / n for n in ("summary.csv", "measures.csv", "results.csv",
                                               "findings.csv")]
        ctx.say(("CSV: " if ctx.lang == "en" else "ไฟล์ CSV: ") + ", ".join(str(p) for p in written))
    # Something sent could not be read: the report is written, but a script must see it
    # (as validate does).
    unread = [f for f in result.files if f["status"] == "unreadable" and not f["via"]]
    if unread:
        ctx.err(f"! {len(unread)} file(s) could not be read; the report lists them "
                "(sheet Files). Exit code 1." if ctx.lang == "en" else
                f"! มี {len(unread)} ไฟล์ที่เปิดไม่ได้ รายงานรวมระบุไว้ในแผ่นงาน \"ไฟล์\" "
                "(รหัสออก 1)")
        sys.exit(1)


def _say_figures(ctx: Ctx, rnd) -> None:
    """The district's figures as the round model counts them, and from how many files."""
    fig = rnd.figures
    weak = ", ".join(f"{i.label} {i.mean:.2f}" for i in fig.weakest(3))
    if ctx.lang == "en":
        ctx.say(f"Figures from {fig.returned} counted return(s): results {fig.results} (done "
                f"{fig.done}) · weakest: {weak or '-'}")
    else:
        ctx.say(f"ตัวเลขจากแบบรายงานที่นับ {fig.returned} ไฟล์: ผลการดำเนินการ {fig.results} "
                f"รายการ (ดำเนินการแล้ว {fig.done}) · ตัวชี้วัดที่ต่ำสุด: {weak or '-'}")


def _say_selection(ctx: Ctx, result) -> None:
    """Which year and round counted, files not counted and why, what was not read."""
    from ita_xlsx.cli.console import merge_lines

    lines, warnings = merge_lines(result, ctx.lang)
    for line in lines:
        ctx.say(line)
    for line in warnings:
        ctx.err(line)


# ---------------------------------------------------------------- demo


@main.command(
    help="""ลองทั้งรอบด้วยข้อมูลตัวอย่าง แล้วบอกว่าผลลัพธ์อยู่ที่ใด

new (แบบรายงานของ 9 หน่วยงานในอำเภอ) → จำลองไฟล์ที่ส่งกลับ บางไฟล์มีข้อผิดพลาดแบบที่พบจริง
→ validate พร้อมสำเนาแจ้งผล → merge พร้อมกราฟ

\b
ตัวอย่าง:
  ita-xlsx demo --out ita-demo""",
    help_en="""Run the whole cycle on built-in sample data and say where the outputs are.

new (workbooks for a district's 9 organisations) → simulated returns, some with the
mistakes real documents show → validate with feedback copies → merge with charts.

\b
Example:
  ita-xlsx demo --out ita-demo""")
@option("--out", "out_dir", type=click.Path(file_okay=False), default="ita-demo",
        show_default=True, th="โฟลเดอร์สำหรับทุกอย่างที่ตัวอย่างเขียน",
        en="Folder for everything the demo writes.")
@option("--force", is_flag=True, th="เขียนลงโฟลเดอร์ที่มีไฟล์อยู่แล้ว",
        en="Write into a folder that is not empty.")
@lang_option
@click.pass_obj
@friendly
def demo(ctx: Ctx, out_dir, force) -> None:
    from ita_xlsx.demo.cycle import run_demo

    run_demo(Path(out_dir), force, ctx.say, ctx.lang)
    ctx.say(msg("demo.done", ctx.lang, out=Path(out_dir).resolve()))


# Commands that live in modules of their own (ita_xlsx/commands/) join the group here.
from ita_xlsx.cli.commands import register  # noqa: E402

register(main)

if __name__ == "__main__":  # pragma: no cover
    main()
