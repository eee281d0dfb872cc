"""`ita-xlsx demo`: the whole cycle on built-in sample data, for a first look.

new (a district's workbooks) -> simulated returns (some with the seeds' typical mistakes, one
sent twice, one organisation silent) -> validate with feedback copies -> merge with charts.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from importlib import resources
from pathlib import Path

from . import api
from .i18n import msg
from .simulate import MISTAKES

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
    """Run the cycle under ``out`` through the library API; return where each output is."""
    if out.exists() and any(out.iterdir()) and not force:
        raise api.OutputExists(out)
    out.mkdir(parents=True, exist_ok=True)
    t = api.load_template()
    fy = api.parse_year(None)
    round_key = "6"
    orgs_file = out / SAMPLE_ORGS
    orgs_file.write_bytes(sample_orgs_bytes())
    orgs, _ = api.read_orgs(orgs_file, t)

    def step(n: int, what: str) -> None:
        say(msg("demo.step", lang, n=n, what=what))

    workbooks = out / "1-workbooks"
    made = api.make_workbooks(workbooks, orgs, fiscal_year=fy, round=round_key,
                              deadline=f"30 เมษายน {fy}",
                              contact="ท้องถิ่นอำเภอเชียงคำ โทร 0 5445 1234", force=True,
                              template=t)
    step(1, msg("new.written", lang, n=len(made.written), out=workbooks))

    returned = out / "2-returned"
    returned.mkdir(exist_ok=True)
    by_code = {p.name.split("_")[0]: p for p in made.written}
    for i, org in enumerate(orgs):
        if i not in PLAN:
            continue
        dst = returned / f"{org.code}_แบบรายงาน.xlsx"
        api.simulate_return(by_code[org.code], dst, seed=i, round=round_key, mistakes=PLAN[i],
                            thai_digits=(i == 3), fiscal_year=fy, template=t)
    # The first organisation sent an earlier, incomplete version too (the newest counts).
    older = returned / f"{orgs[0].code}_แบบรายงาน (ฉบับแรก).xlsx"
    api.simulate_return(by_code[orgs[0].code], older, seed=99, round=round_key,
                        mistakes=("done-no-url",), fiscal_year=fy, template=t)
    os.utime(older, (1, 1))  # an old file time: it was sent first
    step(2, ("จำลองไฟล์ที่ส่งกลับ {n} ไฟล์ ในโฟลเดอร์ {d} (บางไฟล์มีข้อผิดพลาดแบบที่พบจริง)"
             if lang == "th" else
             "Simulated {n} returned files in the folder {d} (some with real-world "
             "mistakes)").format(
        n=len(list(returned.glob("*.xlsx"))), d=returned))

    report = api.validate([returned], template=t)
    check = api.write_check_report(report, out / "3-check-report.xlsx", lang=lang, force=True)
    fb = api.write_feedback(report, out / "3-feedback", force=True, lang=lang)
    s = report.stats()
    step(3, ("ตรวจแล้ว: ผ่าน {v}, มีข้อเตือน {w}, ต้องแก้ไข {i} · รายงาน {r} · สำเนาแจ้งผล {n} ไฟล์"
             " ในโฟลเดอร์ {d}" if lang == "th" else
             "Checked: {v} valid, {w} with warnings, {i} invalid · report {r}"
             " · {n} feedback copies in the folder {d}").format(
        v=s["valid"], w=s["warnings"], i=s["invalid"], r=check, n=len(fb.written),
        d=out / "3-feedback"))

    result = api.consolidate([returned], template=t, orgs=orgs_file)
    consolidated = api.write_consolidated(result, out / "4-district-report.xlsx", force=True,
                                          lang=lang, template=t)
    csvs = api.write_consolidated_csv(result, out / "4-csv", force=True, template=t,
                                      lang=lang)
    step(4, ("รายงานรวมพร้อมกราฟ {r} และ CSV ในโฟลเดอร์ {d}" if lang == "th" else
             "Consolidated report with charts {r}, CSV in the folder {d}").format(
        r=consolidated, d=out / "4-csv"))
    return {"orgs": orgs_file, "workbooks": workbooks, "returned": returned, "check": check,
            "feedback": out / "3-feedback", "report": consolidated, "csv": csvs}
