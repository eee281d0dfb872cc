"""`ita-xlsx demo`: the whole cycle on built-in sample data, for a first look.

new (a district's workbooks) -> a messy round as districts really receive it (see messy.py:
sent twice, a borrowed workbook, a PDF, a ZIP, a saved mail, other rounds' files, the
district's own outputs saved among the returns) -> validate with feedback copies -> merge with
charts, every oddity said once.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import resources
from pathlib import Path

from .files import OutputExists
from .i18n import msg
from .orgs import org_type_labels, read_org_list
from .template import load_template
from .thai import current_fiscal_year

SAMPLE_ORGS = "orgs.csv"
def sample_orgs_bytes() -> bytes:
    return resources.files("ita_xlsx").joinpath("sample_data", SAMPLE_ORGS).read_bytes()


def run_demo(out: Path, force: bool, say: Callable[[str], None], lang: str = "th") -> dict:
    """Run the cycle under ``out`` on a messy round; return where each output is."""
    from .feedback import write_feedback
    from .intake import check
    from .merge import bound_for, merge, merge_notes
    from .messy import messy_round
    from .report import write_report_xlsx
    from .report_writer import write_csvs, write_report

    if out.exists() and any(out.iterdir()) and not force:
        raise OutputExists(out)
    out.mkdir(parents=True, exist_ok=True)
    t = load_template()
    fy = current_fiscal_year()
    th = lang != "en"

    def step(n: int, what: str) -> None:
        say(msg("demo.step", lang, n=n, what=what))

    rnd = messy_round(out, t, fy, sample_orgs_bytes())
    workbooks, returned = out / "1-workbooks", rnd.returned
    step(1, msg("new.written", lang, n=len(list(workbooks.glob("*.xlsx"))), out=workbooks))
    step(2, ("จำลองสิ่งที่ส่งกลับมาจริงใน {d}: ส่งสองครั้ง ใช้แบบรายงานของหน่วยงานอื่น ไฟล์ PDF "
             "ไฟล์ ZIP อีเมลที่บันทึกไว้ ไฟล์รอบแผนและของปีที่แล้ว สำเนาแจ้งผลและรายงานที่บันทึกไว้ปนกัน "
             "(ฉบับที่ถูกต้องอยู่ใน {c})" if th else
             "Simulated what really comes back in {d}: sent twice, a borrowed workbook, a PDF, a "
             "ZIP, a saved mail, plan-round and last year's files, feedback copies and reports "
             "saved among them (the clean round is in {c})").format(d=returned, c=rnd.clean))

    orgs, _ = read_org_list(rnd.orgs_file, org_type_labels(t))
    report = check([returned], t, orgs={o.code.casefold(): o for o in orgs},
                   orgs_source=str(rnd.orgs_file))
    checked = out / "3-check-report.xlsx"
    write_report_xlsx(report, checked, lang, force=True)
    fb = write_feedback(report, out / "3-feedback", force=True, lang=lang)
    s = report.stats()
    step(3, ("ตรวจแล้ว: ผ่าน {v}, มีข้อเตือน {w}, ต้องแก้ไข {i} · รายงาน {r} · สำเนาแจ้งผล {n} ไฟล์ ใน {d}"
             if th else "Checked: {v} valid, {w} with warnings, {i} invalid · report {r}"
             " · {n} feedback copies in {d}").format(
        v=s["valid"], w=s["warnings"], i=s["invalid"], r=checked, n=len(fb.written),
        d=out / "3-feedback"))

    result = merge([returned], template=t, orgs_path=rnd.orgs_file)
    consolidated = out / "4-district-report.xlsx"
    write_report(result, consolidated, t, bound_for(t, result.fiscal_year), force=True,
                 lang=lang)
    csvs = write_csvs(result, out / "4-csv", t, force=True)
    step(4, ("รายงานรวมพร้อมกราฟ {r} และ CSV ใน {d}" if th else
             "Consolidated report with charts {r}, CSV in {d}").format(r=consolidated,
                                                                        d=out / "4-csv"))
    lines, warnings = merge_notes(result, lang)
    for line in [*lines, *warnings]:
        say(line)
    return {"orgs": rnd.orgs_file, "workbooks": workbooks, "returned": returned,
            "clean": rnd.clean, "check": checked, "feedback": out / "3-feedback",
            "report": consolidated, "csv": csvs, "round": rnd}
