"""`ita-xlsx demo`: the whole cycle on built-in sample data, for a first look.

new (a district's workbooks) -> simulated returns (some with the seeds' typical mistakes, one
sent twice, one organisation silent) -> validate with feedback copies -> merge with charts.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import resources
from pathlib import Path

from .files import OutputExists, atomic_write
from .generate import generate
from .i18n import msg
from .orgs import org_type_labels, read_org_list
from .render import RenderOptions
from .simulate import MISTAKES, make_return
from .template import bind, load_template
from .thai import current_fiscal_year

SAMPLE_ORGS = "orgs.csv"
# Which sample organisation returns what (by position in the list).
PLAN = {
    0: (),  # clean
    1: ("owner-missing", "timeframe-bad"),
    2: ("url-space", "done-no-url"),
    3: (),
    4: ("issue-missing", "measure-unknown", "timeframe-old-year"),
    5: (),
    6: MISTAKES,
    7: (),
    # 8: does not return at all
}


def sample_orgs_bytes() -> bytes:
    return resources.files("ita_xlsx").joinpath("sample_data", SAMPLE_ORGS).read_bytes()


def run_demo(out: Path, force: bool, say: Callable[[str], None], lang: str = "th") -> dict:
    """Run the cycle under ``out``; return where each output is."""
    from .feedback import write_feedback
    from .merge import bound_for, merge
    from .report import write_report_xlsx
    from .report_writer import write_csvs, write_report
    from .validators import validate_files

    if out.exists() and any(out.iterdir()) and not force:
        raise OutputExists(out)
    out.mkdir(parents=True, exist_ok=True)
    t = load_template()
    fy = current_fiscal_year()
    round_key = "6"
    orgs_file = out / SAMPLE_ORGS
    atomic_write(orgs_file, sample_orgs_bytes(), force=True)
    orgs, _ = read_org_list(orgs_file, org_type_labels(t))
    options = RenderOptions(fiscal_year=fy, round=round_key, deadline=f"30 เมษายน {fy}",
                            contact="ท้องถิ่นอำเภอเชียงคำ โทร 0 5445 1234")

    def step(n: int, what: str) -> None:
        say(msg("demo.step", lang, n=n, what=what))

    workbooks = out / "1-workbooks"
    made = generate(t, orgs, options, workbooks, force=True)
    step(1, msg("new.written", lang, n=len(made.written), out=workbooks))

    returned = out / "2-returned"
    returned.mkdir(exist_ok=True)
    bound = bind(t, fy, round_key)
    by_code = {p.name.split("_")[0]: p for p in made.written}
    for i, org in enumerate(orgs):
        if i not in PLAN:
            continue
        dst = returned / f"{org.code}_แบบรายงาน.xlsx"
        make_return(by_code[org.code], dst, bound, seed=i, round_key=round_key,
                    mistakes=PLAN[i], thai_digits=(i == 3))
    # The first organisation sent an earlier, incomplete version too (the newest counts).
    make_return(by_code[orgs[0].code], returned / f"{orgs[0].code}_แบบรายงาน (ฉบับแรก).xlsx",
                bound, seed=99, round_key=round_key, mistakes=("done-no-url",))
    older = returned / f"{orgs[0].code}_แบบรายงาน (ฉบับแรก).xlsx"
    import os

    os.utime(older, (1, 1))  # an old file time: it was sent first
    step(2, ("จำลองไฟล์ที่ส่งกลับ {n} ไฟล์ ใน {d} (บางไฟล์มีข้อผิดพลาดแบบที่พบจริง)" if lang == "th"
             else "Simulated {n} returned files in {d} (some with real-world mistakes)").format(
        n=len(list(returned.glob("*.xlsx"))), d=returned))

    report = validate_files(sorted(returned.glob("*.xlsx")), t)
    check = out / "3-check-report.xlsx"
    write_report_xlsx(report, check, lang, force=True)
    fb = write_feedback(report, out / "3-feedback", force=True, lang=lang)
    s = report.stats()
    step(3, ("ตรวจแล้ว: ผ่าน {v}, มีข้อเตือน {w}, ต้องแก้ไข {i} · รายงาน {r} · สำเนาแจ้งผล {n} ไฟล์ ใน {d}"
             if lang == "th" else "Checked: {v} valid, {w} with warnings, {i} invalid · report {r}"
             " · {n} feedback copies in {d}").format(
        v=s["valid"], w=s["warnings"], i=s["invalid"], r=check, n=len(fb.written),
        d=out / "3-feedback"))

    result = merge([returned], template=t, orgs_path=orgs_file)
    consolidated = out / "4-district-report.xlsx"
    write_report(result, consolidated, t, bound_for(t, result.fiscal_year), force=True,
                 lang=lang)
    csvs = write_csvs(result, out / "4-csv", t, force=True)
    step(4, ("รายงานรวมพร้อมกราฟ {r} และ CSV ใน {d}" if lang == "th" else
             "Consolidated report with charts {r}, CSV in {d}").format(r=consolidated,
                                                                        d=out / "4-csv"))
    from .documents.sample import demo_documents

    documents = demo_documents(out, orgs, returned, consolidated, say, lang)
    return {"orgs": orgs_file, "workbooks": workbooks, "returned": returned, "check": check,
            "feedback": out / "3-feedback", "report": consolidated, "csv": csvs, **documents}
