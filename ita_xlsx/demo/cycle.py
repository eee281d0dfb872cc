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

from ita_xlsx import api
from ita_xlsx.core.messages import msg
from ita_xlsx.core.vocabulary import tally

SAMPLE_ORGS = "orgs.csv"


def sample_orgs_bytes() -> bytes:
    return resources.files("ita_xlsx").joinpath("sample_data", SAMPLE_ORGS).read_bytes()


def run_demo(out: Path, force: bool, say: Callable[[str], None], lang: str = "th") -> dict:
    """Run the cycle under ``out`` on a messy round, through the library API; return where
    each output is."""
    from ita_xlsx.consolidation.merge import merge_notes
    from ita_xlsx.demo.messy import messy_round

    if out.exists() and any(out.iterdir()) and not force:
        raise api.OutputExists(out)
    out.mkdir(parents=True, exist_ok=True)
    t = api.load_template()
    fy = api.parse_year(None)
    th = lang != "en"

    def step(n: int, what: str) -> None:
        say(msg("demo.step", lang, n=n, what=what))

    rnd = messy_round(out, t, fy, sample_orgs_bytes())
    workbooks, returned = out / "1-workbooks", rnd.returned
    step(1, msg("new.written", lang, n=len(list(workbooks.glob("*.xlsx"))), out=workbooks))
    step(2, ("จำลองสิ่งที่ส่งกลับมาจริงในโฟลเดอร์ {d}: ส่งสองครั้ง ใช้แบบรายงานของหน่วยงานอื่น ไฟล์ PDF "
             "ไฟล์ ZIP อีเมลที่บันทึกไว้ ไฟล์รอบแผนและของปีที่แล้ว สำเนาแจ้งผลและรายงานที่บันทึกไว้ปนกัน "
             "(ฉบับที่ถูกต้องอยู่ในโฟลเดอร์ {c})" if th else
             "Simulated what really comes back in {d}: sent twice, a borrowed workbook, a PDF, a "
             "ZIP, a saved mail, plan-round and last year's files, feedback copies and reports "
             "saved among them (the clean round is in {c})").format(d=returned, c=rnd.clean))

    report = api.validate([returned], orgs=rnd.orgs_file, template=t)
    check = api.write_check_report(report, out / "3-check-report.xlsx", lang=lang, force=True)
    fb = api.write_feedback(report, out / "3-feedback", force=True, lang=lang)
    s = report.stats()
    step(3, ("ตรวจแล้ว: {states} · รายงาน {r} · สำเนาแจ้งผล {n} ไฟล์ ในโฟลเดอร์ {d}" if th else
             "Checked: {states} · report {r} · {n} feedback copies in the folder {d}").format(
        states=tally(s, lang, ("valid", "warnings", "invalid")), r=check, n=len(fb.written),
        d=out / "3-feedback"))

    result = api.consolidate([returned], template=t, orgs=rnd.orgs_file)
    consolidated = api.write_consolidated(result, out / "4-district-report.xlsx", force=True,
                                          lang=lang, template=t)
    csvs = api.write_consolidated_csv(result, out / "4-csv", force=True, template=t,
                                      lang=lang)
    step(4, ("รายงานรวมพร้อมกราฟ {r} และ CSV ในโฟลเดอร์ {d}" if lang == "th" else
             "Consolidated report with charts {r}, CSV in the folder {d}").format(
        r=consolidated, d=out / "4-csv"))
    lines, warnings = merge_notes(result, lang)
    for line in [*lines, *warnings]:
        say(line)
    # 5. the documents: seed 000's measures (FY 2565), results reports, the district memo
    from ita_xlsx.demo.sample import plan_return, sample_settings

    docs = out / "5-documents"
    huay_wan = api.read_orgs(rnd.orgs_file, t)[0][0]
    plan = api.make_documents([plan_return(out / "5-plan-return", huay_wan)], docs, template=t)
    # The round's returns: the files that count; those with errors are refused.
    made = api.make_documents([returned], docs, template=t)
    memo = api.make_district_memo(consolidated, docs, force=True, template=t,
                                  settings=sample_settings(out, huay_wan))
    step(5, ("เอกสาร Word {n} ไฟล์ (มาตรการหรือรายงานผลพร้อมบันทึกข้อความของหน่วยงานที่ผ่าน "
             "และบันทึกข้อความของอำเภอ) ในโฟลเดอร์ {d}" if lang == "th" else
             "{n} Word documents (measures or results with their memos for the organisations "
             "that passed, and the district's memo) in the folder {d}").format(
        n=len(plan.written) + len(made.written) + 1, d=docs))
    return {"orgs": rnd.orgs_file, "workbooks": workbooks, "returned": returned,
            "clean": rnd.clean, "check": check, "feedback": out / "3-feedback",
            "report": consolidated, "csv": csvs, "round": rnd,
            "documents": docs, "district_memo": memo.path}
