"""The ``ita-xlsx`` command line: parses options, calls the library, prints.

Heavy modules (xlsxwriter, pandas, pandera) are imported inside the commands that use them
so that ``ita-xlsx --help`` starts fast.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import click

from . import __version__
from .cli_base import (
    LANGS,
    Ctx,
    Group,
    UserError,
    _deadline,
    _fiscal_year,
    _framework_error,
    _status,
    _template,
    _with_progress,
    framework_option,
    friendly,
    lang_option,
    template_option,
    year_option,
)
from .i18n import msg


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--lang", type=LANGS, default=lambda: os.environ.get("ITA_XLSX_LANG", "th"),
              show_default="th", help="Language of messages: th (Thai) or en.")
@click.option("--debug", is_flag=True, help="Show a traceback when something fails.")
@click.version_option(__version__, prog_name="ita-xlsx")
@click.pass_context
def main(ctx: click.Context, lang: str, debug: bool) -> None:
    """ita-xlsx: แบบรายงานมาตรการ ITA สำหรับ อปท. — สร้าง (new) ตรวจ (validate) รวม (merge).

    Standard Excel workbooks for the ITA measures cycle of Thai local governments.
    """
    ctx.obj = Ctx(lang, debug)


# ---------------------------------------------------------------- new


@main.command()
@click.option("--orgs", "orgs_path", type=click.Path(dir_okay=False), default=None,
              help="Organisation list (.csv, .xlsx, .ods): code, name, type, district, province, email.")
@year_option
@click.option("--round", "round_key", type=click.Choice(["plan", "6", "12"]), default=None,
              help="Reporting round the workbooks are for (default: plan; with --from, the "
                   "round after the source's).")
@click.option("--from", "from_paths", multiple=True, type=click.Path(exists=True),
              help="A consolidated report or a folder of returns: pre-fill each organisation's "
                   "analysis and measures for the next round (repeatable).")
@click.option("--deadline", default=None, help="Return deadline, e.g. 31/01/2570.")
@click.option("--contact", default="", help="Who to contact, shown on the instructions sheet.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False), default=None,
              help="Output folder (default: ita-<year>-<round>).")
@click.option("--force", is_flag=True, help="Overwrite workbooks that already exist.")
@framework_option
@template_option
@lang_option
@click.pass_obj
@friendly
def new(ctx: Ctx, orgs_path, year, round_key, from_paths, deadline, contact, out_dir, force,
        framework, template_path) -> None:
    """Write standard workbooks: one blank, or one per organisation of --orgs.

    \b
    Examples:
      ita-xlsx new
      ita-xlsx new --orgs orgs.csv --year 2570 --deadline 31/01/2570 --out workbooks
      ita-xlsx new --from district-report.xlsx --round 6 --out round6
    """
    from .framework import FrameworkError
    from .generate import generate
    from .render import RenderOptions

    template = _template(template_path)
    orgs, prefills = None, None
    if from_paths:  # the next round, pre-filled from a report or returns
        orgs, prefills, round_key, year = _from_sources(template, from_paths, year, round_key,
                                                         framework)
    round_key = round_key or "plan"
    fy = _fiscal_year(year)
    options = RenderOptions(fiscal_year=fy, round=round_key, deadline=_deadline(deadline),
                            contact=contact)
    out = Path(out_dir or f"ita-{fy}-{round_key}")
    exit_code = 0
    if orgs_path:
        listed, exit_code = _read_orgs(ctx, template, orgs_path)
        known = {o.code.casefold() for o in orgs or []}
        orgs = [*(orgs or []), *(o for o in listed if o.code.casefold() not in known)]
    try:
        result = _with_progress(ctx, len(orgs) if orgs else 1, msg("new.progress", ctx.lang),
                                lambda step: generate(template, orgs, options, out, force,
                                                      framework, prefills, progress=step))
    except FrameworkError as exc:
        raise _framework_error(exc) from None
    ctx.say(msg("new.written", ctx.lang, n=len(result.written), out=out))
    if result.refused:
        ctx.err(msg("new.refused", ctx.lang, n=len(result.refused), first=result.refused[0]))
        exit_code = 1
    sys.exit(exit_code)


def _from_sources(template, from_paths, year, round_key, framework):
    """Organisations and pre-fills for ``new --from``; the year defaults to the source's."""
    from .merge import bound_for
    from .nextround import from_sources

    def bound_of(source_year: int | None):
        return bound_for(template, _fiscal_year(year) if year else source_year, framework)

    orgs, prefills, round_key, source_year = from_sources(from_paths, template, bound_of,
                                                          round_key, framework)
    if not orgs:
        raise UserError.of("new.no_orgs", 1, file=", ".join(from_paths))
    return orgs, prefills, round_key, year or source_year


def _read_orgs(ctx: Ctx, template, orgs_path: str) -> tuple[list, int]:
    """The usable organisations of a list, each bad row reported; exit code 1 if any skipped."""
    from .orgs import OrgListError, org_type_labels, read_org_list

    try:
        orgs, problems = read_org_list(orgs_path, org_type_labels(template))
    except OrgListError as exc:
        raise UserError(exc.message, exc.message_en, 1) from None
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


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Print the template as JSON for machines.")
@year_option
@framework_option
@template_option
@lang_option
@click.pass_obj
@friendly
def schema(ctx: Ctx, as_json, year, framework, template_path) -> None:
    """Describe the template: sheets, columns, cells, required fields and choices.

    \b
    Example:
      ita-xlsx schema --json --year 2570
    """
    from .framework import FrameworkError
    from .template import bind, describe

    template = _template(template_path)
    try:
        bound = bind(template, _fiscal_year(year), "plan", None, framework)
    except FrameworkError as exc:
        raise _framework_error(exc) from None
    data = describe(bound)
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    for sheet in data["sheets"]:
        ctx.say(f"{sheet['name']} ({sheet['key']}, {sheet['kind']})", style="bold")
        for col in sheet["columns"]:
            where = col.get("cell") or col.get("column")
            req = " *" if col["required"] else ""
            ctx.say(f"  {where:>4}  {col['key']:<16} {col['label']}{req}")


# ---------------------------------------------------------------- validate


@main.command()
@click.argument("inputs", nargs=-1, required=True, type=click.Path())
@click.option("--orgs", "orgs_path", type=click.Path(dir_okay=False, exists=True), default=None,
              help="Organisation list: each file's identity is checked against it.")
@year_option
@click.option("--format", "fmt", type=click.Choice(["text", "json", "csv"]), default="text",
              show_default=True, help="What to print: a summary, or the report as JSON or CSV.")
@click.option("--report", "report_path", type=click.Path(dir_okay=False), default=None,
              help="Also write the report to a file: .xlsx (filterable), .csv or .json.")
@click.option("--feedback", "feedback_dir", type=click.Path(file_okay=False), default=None,
              help="Write a marked-up copy per organisation into this folder.")
@click.option("--check-links", is_flag=True, help="Open every evidence URL over HTTP.")
@click.option("--link-timeout", type=float, default=10.0, show_default=True,
              help="Seconds to wait for each evidence URL.")
@click.option("--force", is_flag=True, help="Overwrite an existing report or feedback copies.")
@click.option("--workers", type=int, default=None, help="Reader processes (default: all cores).")
@click.option("--max-findings", type=int, default=30, show_default=True,
              help="Findings shown per file in the summary (the report has all).")
@framework_option
@template_option
@lang_option
@click.pass_obj
@friendly
def validate(ctx: Ctx, inputs, orgs_path, year, fmt, report_path, feedback_dir, check_links,
             link_timeout, force, workers, max_findings, framework, template_path) -> None:
    """Check returned workbooks (files or folders) and explain every problem.

    Exit code: 0 when no file has an error (warnings allowed), 1 when any file has an
    error or could not be read, 2 for a usage error.

    \b
    Examples:
      ita-xlsx validate returned/
      ita-xlsx validate returned/*.xlsx --orgs orgs.csv --report report.xlsx --feedback feedback/
      ita-xlsx validate returned/ --format json > report.json
    """
    from .read import find_workbooks
    from .validators import validate_files

    template = _template(template_path)
    missing = [p for p in inputs if not Path(p).exists()]
    if missing:
        raise UserError(f"ไม่พบ {missing[0]} ตรวจชื่อไฟล์หรือโฟลเดอร์อีกครั้ง",
                        f"{missing[0]} does not exist; check the file or folder name", 2)
    files = find_workbooks(list(inputs))
    if not files:
        raise UserError("ไม่พบไฟล์แบบรายงาน (.xlsx .xls .ods) ในที่ที่ระบุ",
                        "No workbook (.xlsx .xls .ods) found in the given paths", 2)
    _refuse_existing(report_path, force)
    if report_path:
        _not_the_output(files, inputs, Path(report_path))
    orgs = _org_index(template, orgs_path)
    fy = _fiscal_year(year) if year else None
    report = _with_progress(
        ctx, len(files), "กำลังตรวจ" if ctx.lang == "th" else "Checking",
        lambda step: validate_files(files, template, fiscal_year=fy, orgs=orgs,
                                    orgs_source=str(orgs_path or ""), framework=framework,
                                    check_links=check_links, link_timeout=link_timeout,
                                    workers=workers, progress=step))
    _emit_report(ctx, report, fmt, report_path, force, max_findings)
    if feedback_dir:
        from .feedback import write_feedback

        written = write_feedback(report, Path(feedback_dir), force=force, lang=ctx.lang)
        ctx.err(("เขียนสำเนาแจ้งผล {n} ไฟล์ ใน {d}" if ctx.lang == "th" else
                 "Wrote {n} feedback copies to {d}").format(n=len(written.written), d=feedback_dir))
        if written.refused:
            ctx.err(msg("new.refused", ctx.lang, n=len(written.refused), first=written.refused[0]))
    sys.exit(0 if report.valid else 1)


def _not_the_output(files: list[Path], inputs, out: Path) -> list[Path]:
    from .files import same_file
    from .merge import find_reports

    if any(same_file(f, out) for f in files) and (
            any(same_file(Path(p), out) for p in inputs) or not find_reports([out], 1)[0]):
        raise UserError(f"ไฟล์ผลลัพธ์ {out} เป็นไฟล์ที่ส่งเข้ามาอ่าน จะไม่เขียนทับ ให้ใช้ชื่ออื่น",
                        f"the output {out} is one of the inputs; it is never overwritten, "
                        "choose another name", 2)
    return [f for f in files if not same_file(f, out)]


def _refuse_existing(path: str | None, force: bool) -> None:
    if path and Path(path).exists() and not force:
        raise UserError.of("error.output_exists", 2, path=path)


def _org_index(template, orgs_path: str | None) -> dict | None:
    if not orgs_path:
        return None
    from .orgs import OrgListError, org_type_labels, read_org_list

    try:
        orgs, _ = read_org_list(orgs_path, org_type_labels(template))
    except OrgListError as exc:
        raise UserError(exc.message, exc.message_en, 2) from None
    return {o.code.casefold(): o for o in orgs}


def _emit_report(ctx: Ctx, report, fmt: str, report_path: str | None, force: bool,
                 max_findings: int) -> None:
    from . import report as rp

    if fmt == "json":
        click.echo(rp.to_json(report, ctx.lang))
    elif fmt == "csv":
        from .files import csv_text

        rows = rp.finding_rows(report.files, ctx.lang)
        click.echo(csv_text(rp.FINDING_COLUMNS, rows, "\n"), nl=False)
    else:
        rp.print_console(report, ctx.console.print, ctx.lang, max_findings)
    if report_path:
        path = Path(report_path)
        suffix = path.suffix.lower()
        if suffix == ".xlsx":
            rp.write_report_xlsx(report, path, ctx.lang, force)
        elif suffix == ".json":
            from .files import atomic_write

            atomic_write(path, rp.to_json(report, ctx.lang).encode("utf-8"), force)
        else:
            rp.write_report_csv(report, path, ctx.lang, force)
        ctx.err(("เขียนรายงานที่ {p}" if ctx.lang == "th" else "Report written to {p}").format(
            p=path))


# ---------------------------------------------------------------- merge


@main.command()
@click.argument("inputs", nargs=-1, required=True, type=click.Path())
@click.option("-o", "--out", "out_path", type=click.Path(dir_okay=False), required=True,
              help="The consolidated workbook to write (.xlsx).")
@click.option("--orgs", "orgs_path", type=click.Path(dir_okay=False, exists=True), default=None,
              help="Organisation list: those that have not returned are listed as missing.")
@click.option("--csv", "csv_dir", type=click.Path(file_okay=False), default=None,
              help="Also write summary.csv, measures.csv, results.csv, findings.csv here.")
@year_option
@click.option("--force", is_flag=True, help="Overwrite existing outputs.")
@click.option("--workers", type=int, default=None, help="Reader processes (default: all cores).")
@framework_option
@template_option
@lang_option
@click.pass_obj
@friendly
def merge(ctx: Ctx, inputs, out_path, orgs_path, csv_dir, year, force, workers, framework,
          template_path) -> None:
    """Combine returns (and other consolidated reports) into one report with charts.

    The newest return of each organisation counts; older ones are listed, not lost.

    \b
    Examples:
      ita-xlsx merge returned/ -o district-report.xlsx --orgs orgs.csv --csv csv/
      ita-xlsx merge district-a.xlsx district-b.xlsx -o province-report.xlsx
    """
    from .merge import bound_for
    from .merge import merge as run_merge
    from .read import find_workbooks
    from .report_writer import write_csvs, write_report

    template = _template(template_path)
    missing = [p for p in inputs if not Path(p).exists()]
    if missing:
        raise UserError(f"ไม่พบ {missing[0]} ตรวจชื่อไฟล์หรือโฟลเดอร์อีกครั้ง",
                        f"{missing[0]} does not exist; check the file or folder name", 2)
    out = Path(out_path)
    _refuse_existing(out_path, force)
    if csv_dir and not force:
        for name in ("summary.csv", "measures.csv", "results.csv", "findings.csv"):
            _refuse_existing(str(Path(csv_dir) / name), force)
    # The output itself is never read as an input (merging into a folder's own report), and
    # never replaces a return, even with --force.
    files = _not_the_output(find_workbooks(list(inputs)), inputs, out)
    if not files:
        raise UserError("ไม่พบไฟล์แบบรายงาน (.xlsx .xls .ods) ในที่ที่ระบุ",
                        "No workbook (.xlsx .xls .ods) found in the given paths", 2)
    fy = _fiscal_year(year) if year else None
    _org_index(template, orgs_path)  # an unusable list is a usage error, before any work
    result = _with_progress(
        ctx, len(files), "กำลังอ่านและตรวจ" if ctx.lang == "th" else "Reading and checking",
        lambda step: run_merge(files, template=template, orgs_path=orgs_path, fiscal_year=fy,
                               framework=framework, workers=workers, progress=step))
    bound = bound_for(template, result.fiscal_year, framework)
    writing = "กำลังเขียนรายงานรวม…" if ctx.lang == "th" else "Writing the report…"
    with _status(writing):
        write_report(result, out, template, bound, force, ctx.lang)
    counts = {s: sum(e.status == s for e in result.entries) for s in
              ("valid", "warnings", "invalid", "unreadable", "missing")}
    # unreadable files no organisation could be named for are not entries, but still count
    counts["unreadable"] += sum(f["status"] == "unreadable" and not f["org_code"]
                                for f in result.files)
    if ctx.lang == "en":
        ctx.say(f"Consolidated report: {out} · {len(result.entries)} organisations "
                f"({counts['valid']} valid, {counts['warnings']} with warnings, "
                f"{counts['invalid']} invalid, {counts['unreadable']} unreadable, "
                f"{counts['missing']} missing) · {len(result.superseded)} superseded returns")
    else:
        ctx.say(f"รายงานรวม: {out} · {len(result.entries)} หน่วยงาน (ผ่าน {counts['valid']}, "
                f"มีข้อเตือน {counts['warnings']}, ต้องแก้ไข {counts['invalid']}, "
                f"เปิดไม่ได้ {counts['unreadable']}, ยังไม่ส่ง {counts['missing']}) · "
                f"ไฟล์ฉบับเก่าที่ถูกแทนที่ {len(result.superseded)}")
    if csv_dir:
        written = write_csvs(result, Path(csv_dir), template, force)
        ctx.say(("CSV: " if ctx.lang == "en" else "ไฟล์ CSV: ") + ", ".join(str(p) for p in written))


# ---------------------------------------------------------------- demo


@main.command()
@click.option("--out", "out_dir", type=click.Path(file_okay=False), default="ita-demo",
              show_default=True, help="Folder for everything the demo writes.")
@click.option("--force", is_flag=True, help="Write into a folder that is not empty.")
@lang_option
@click.pass_obj
@friendly
def demo(ctx: Ctx, out_dir, force) -> None:
    """Run the whole cycle on built-in sample data and say where the outputs are.

    new (workbooks for a district's 9 organisations) → simulated returns, some with the
    mistakes real documents show → validate with feedback copies → merge with charts.

    \b
    Example:
      ita-xlsx demo --out ita-demo
    """
    from .demo import run_demo

    run_demo(Path(out_dir), force, ctx.say, ctx.lang)
    ctx.say(msg("demo.done", ctx.lang, out=Path(out_dir).resolve()))


# Commands that live in modules of their own (ita_xlsx/commands/) join the group here.
from .commands import register  # noqa: E402

register(main)

if __name__ == "__main__":  # pragma: no cover
    main()
