"""Simulated returns: fill a generated workbook the way an officer would (openpyxl), with
content and mistakes taken from the seed documents. Used by `ita-xlsx demo`, the tests and
the benchmarks.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ita_xlsx.spec.roles import Fields, Roles
from ita_xlsx.spec.template import Bound, split_cell

# Seed 000 (เทศบาลตำบลห้วยวน): its ITA 2564 result, analysed in its FY2565 measures document:
# ten indicator scores giving 59.16 (D) with the 2564 framework.
SEED_SCORES = [92.11, 83.98, 87.24, 81.37, 86.50, 80.53, 85.15, 76.90, 38.90, 6.25]

ISSUES = {
    2: "เปิดเผยข้อมูลการใช้จ่ายงบประมาณประจำปีให้พนักงานและประชาชนทราบ",
    4: "บุคลากรนำทรัพย์สินของทางราชการไปใช้โดยไม่ขออนุญาต ต้องจัดทำคู่มือการยืมใช้ทรัพย์สิน",
    6: "ยังขาดมาตรฐานการปฏิบัติงานและการให้บริการอย่างเท่าเทียม",
    8: "เปิดโอกาสให้ผู้รับบริการมีส่วนร่วมในการปรับปรุงการดำเนินงานยังมีน้อย",
    9: "ข้อมูลบนเว็บไซต์ไม่เป็นปัจจุบันและไม่ครบถ้วนตามรายการ OIT",
    10: "ยังไม่ได้เผยแพร่มาตรการและแผนป้องกันการทุจริตบนเว็บไซต์",
}

# The OIT item of a measure is named by words of its title, not by code: the codes change
# from one year's framework to the next (O4 is ข่าวประชาสัมพันธ์ in 2570, a plan in 2565).
MEASURES = [
    ("IIT", 2, "", "เปิดเผยข้อมูลการใช้จ่ายงบประมาณประจำปี",
     "ประกาศแผนการจัดซื้อจัดจ้างและรายงานผลการใช้จ่ายงบประมาณบนเว็บไซต์และบอร์ดประชาสัมพันธ์",
     "กองคลัง", "ต.ค. {y0} - ก.ย. {y1}"),
    ("IIT", 4, "", "มาตรการการใช้ทรัพย์สินของราชการ",
     "จัดทำคู่มือการยืมใช้ทรัพย์สิน แจ้งเวียนให้บุคลากรทราบ และมอบหมายผู้กำกับดูแล",
     "สำนักปลัด", "ม.ค.-มี.ค. {y1s}"),
    ("EIT", 6, "", "ยกระดับคุณภาพการให้บริการ",
     "จัดทำมาตรฐานการให้บริการ และทบทวนขั้นตอนการปฏิบัติงานของเจ้าหน้าที่ทุกไตรมาส",
     "ทุกส่วนราชการ (สำนัก/กอง)", "ตลอดปีงบประมาณ"),
    ("EIT", 8, "", "เพิ่มช่องทางการมีส่วนร่วมของผู้รับบริการ",
     "เปิดช่องทางรับฟังความคิดเห็นออนไลน์ และสรุปผลเสนอผู้บริหาร",
     "สำนักปลัด", "ภายในเดือนมกราคม {y1}"),
    ("OIT", 9, ("โครงสร้าง",), "ปรับปรุงข้อมูลพื้นฐานบนเว็บไซต์ให้เป็นปัจจุบัน",
     "ศึกษาองค์ประกอบข้อมูลตามคู่มือ ป.ป.ช. รายงานผู้บริหาร และเผยแพร่บนเว็บไซต์",
     "สำนักปลัด (นางสาวยุภาวดี คำมี)", "ต.ค. - ธ.ค. {y0}"),
    ("OIT", 9, ("ข่าวประชาสัมพันธ์",), "เผยแพร่ข่าวประชาสัมพันธ์ภายใน 7 วันหลังเสร็จภารกิจ",
     "ทุกภารกิจส่งข่าวให้ผู้ดูแลเว็บไซต์ และผู้บริหารกำกับติดตามทุกเดือน",
     "สำนักปลัด", "ตุลาคม {y0} - กันยายน {y1}"),
    ("OIT", 10, ("แผนปฏิบัติการป้องกันการทุจริต",), "จัดทำแผนปฏิบัติการป้องกันการทุจริต",
     "จัดทำแผน เสนอผู้บริหารอนุมัติ และเผยแพร่บนเว็บไซต์",
     "สำนักปลัด", "ภายในเดือนพฤศจิกายน {y0}"),
    ("OIT", 10, ("การประเมินความเสี่ยงการทุจริต", "การประเมินความเสี่ยง"), "ประเมินความเสี่ยงการทุจริตประจำปี",
     "ประชุมคณะทำงานประเมินความเสี่ยง และจัดทำแผนบริหารจัดการความเสี่ยง",
     "หน่วยตรวจสอบภายใน", "ธ.ค. {y0} – ก.พ. {y1s}"),
]

# Mistakes seen in the seeds, by name: what `validate` must catch.
MISTAKES = (
    "owner-missing",  # a measure without an owner
    "timeframe-bad",  # a timeframe no one can date
    "timeframe-old-year",  # the year of last year's document, copied over
    "url-space",  # seed 003: a URL broken by a space
    "done-no-url",  # reported done, no evidence
    "issue-missing",  # a weak indicator with no issue stated
    "measure-unknown",  # a result for a measure id that does not exist
    "measure-duplicate",  # two measures with one id
    "score-bad",  # a score that is not a number
)


@dataclass
class Filled:
    scores: list[object]
    issues: dict[int, str]
    measures: list[dict]
    results: list[dict]
    org_fields: dict[str, object] = field(default_factory=dict)


def sample_content(bound: Bound, rng: random.Random, round_key: str = "plan",
                   thai_digits: bool = False, scores: list[float] | None = None) -> Filled:
    """Plausible content for one organisation, varied by ``rng`` (or with given ``scores``)."""
    from ita_xlsx.thai import to_thai_digits

    fy = bound.fiscal_year
    if scores is None:
        scores = [round(min(100.0, max(0.0, s + rng.uniform(-8, 12))), 2) for s in SEED_SCORES]
    shown: list[object] = [to_thai_digits(f"{s:.2f}") if thai_digits else s for s in scores]
    pass_mark = bound.analysis_fw.pass_mark
    issues = {i + 1: ISSUES.get(i + 1, "ทบทวนและปรับปรุงการดำเนินงานในตัวชี้วัดนี้")
              for i, s in enumerate(scores) if s < pass_mark}
    weak = set(issues)
    chosen = [m for m in MEASURES if m[1] in weak] or MEASURES[:3]
    chosen += [m for m in MEASURES if m not in chosen][: rng.randint(0, 2)]
    for n in sorted(weak - {m[1] for m in chosen}):
        tool = bound.analysis_fw.indicator(n).tool
        chosen.append((tool, n, "", f"ปรับปรุงตัวชี้วัดที่ {n}", "กำหนดแนวทางและติดตามผลทุกไตรมาส",
                       "สำนักปลัด", "ตลอดปีงบประมาณ"))
    ind = {i.number: i.label for i in bound.analysis_fw.indicators}
    oit = {o.code: o.label for o in bound.target_fw.oit_items}
    fw = bound.target_fw
    years = {"y0": fy - 1, "y1": fy, "y1s": str(fy)[-2:]}
    measures = []
    for n, (tool, number, item, text, method, owner, tf) in enumerate(chosen, start=1):
        measures.append({
            Fields.MEASURE_ID: f"M{n:02d}", Fields.TOOL: tool, Fields.INDICATOR: ind[number],
            Fields.OIT_ITEM: _oit_label(fw, oit, item), Fields.MEASURE: text, Fields.METHOD: method, Fields.OWNER: owner,
            Fields.TIMEFRAME: tf.format(**years), Fields.FOLLOWUP: "รายงานผลต่อผู้บริหารทุก 6 เดือน",
        })
    results = []
    if round_key in ("6", "12"):
        label = bound.template.round_label(round_key).split(" (")[0]
        site = f"https://www.example{rng.randint(1, 999)}.go.th"
        for m in measures:
            status = rng.choice(["ดำเนินการแล้วเสร็จ", "ดำเนินการแล้วเสร็จ", "อยู่ระหว่างดำเนินการ"])
            results.append({
                Fields.MEASURE_ID: m[Fields.MEASURE_ID], Fields.ROUND: label, Fields.STATUS: status,
                Fields.SUMMARY: "ดำเนินการตามขั้นตอนที่กำหนด และรายงานผู้บริหารแล้ว",
                Fields.OUTCOME: "ข้อมูลเผยแพร่ครบถ้วนและเป็นปัจจุบัน",
                Fields.EVIDENCE_URL: f"{site}/ita/{m[Fields.MEASURE_ID].lower()}"
                if status == "ดำเนินการแล้วเสร็จ" else "",
                Fields.PROBLEMS: "",
            })
    org_fields: dict[str, object] = {Fields.CONTACT_NAME: "นางสาวยุภาวดี คำมี", Fields.CONTACT_POSITION: "นักจัดการงานทั่วไป",
                  Fields.PHONE: "0 5445 1234", Fields.REPORT_DATE: f"15/{'01' if round_key == 'plan' else '04'}"
                  f"/{fy}"}
    return Filled(shown, issues, measures, results, org_fields)


def _oit_label(fw, labels: dict[str, str], names: Sequence[str] | str) -> str:
    """The year's item for a measure, found by its name: O-numbers change from year to year
    (ข่าวประชาสัมพันธ์ is O7 in 2564, O4 in 2569), so a fixed code would be wrong in some."""
    for name in (names,) if isinstance(names, str) else names:
        code = fw.oit_item_from_text(name) if name else None
        if code:
            return labels[code]
    return ""


def apply_mistakes(content: Filled, mistakes: tuple[str, ...]) -> Filled:
    """Break ``content`` the way the seeds show people do."""
    m, r = content.measures, content.results
    for mistake in mistakes:
        if mistake == "owner-missing" and m:
            m[0][Fields.OWNER] = ""
        elif mistake == "timeframe-bad" and len(m) > 1:
            m[1][Fields.TIMEFRAME] = "เร็วๆ นี้"
        elif mistake == "timeframe-old-year" and len(m) > 2:
            m[2][Fields.TIMEFRAME] = "ม.ค.- มี.ค.๖๕"
        elif mistake == "url-space" and r:
            done = next((x for x in r if x[Fields.EVIDENCE_URL]), r[0])
            done.update({Fields.STATUS: "ดำเนินการแล้วเสร็จ",
                         Fields.EVIDENCE_URL: "http://www.khoksaadch aiyaphum.go.th/"})
        elif mistake == "done-no-url" and len(r) > 1:
            r[-1].update({Fields.STATUS: "ดำเนินการแล้วเสร็จ", Fields.EVIDENCE_URL: ""})
        elif mistake == "issue-missing" and content.issues:
            content.issues.pop(min(content.issues))
        elif mistake == "measure-unknown" and r:
            r.append({**r[0], Fields.MEASURE_ID: "M99"})
        elif mistake == "measure-duplicate" and len(m) > 1:
            m[1][Fields.MEASURE_ID] = m[0][Fields.MEASURE_ID]
        elif mistake == "score-bad":
            content.scores[0] = "๙๒,๑๑ คะแนน"
    return content


def fill_workbook(src: Path, dst: Path, bound: Bound, content: Filled) -> None:
    """Type ``content`` into a generated workbook with openpyxl and save it as ``dst``."""
    import openpyxl

    wb = openpyxl.load_workbook(src)
    t = bound.template
    org = t.sheet(Roles.ORG)
    ws = wb[org.name]
    for key, value in content.org_fields.items():
        row, col = split_cell(org.field(key).cell)
        ws.cell(row, col + 1, value)
    a = t.sheet(Roles.ANALYSIS)
    ws = wb[a.name]
    for i, value in enumerate(content.scores):
        row = a.first_data_row + i
        ws.cell(row, a.field(Fields.SCORE).col_index + 1, value)
        if i + 1 in content.issues:
            ws.cell(row, a.field(Fields.ISSUE).col_index + 1, content.issues[i + 1])
    for key, rows in ((Roles.MEASURES, content.measures), (Roles.RESULTS, content.results)):
        s = t.sheet(key)
        ws = wb[s.name]
        for n, values in enumerate(rows):
            for f in s.fields:
                value = values.get(f.key)
                cell = ws.cell(s.first_data_row + n, f.col_index + 1)
                cell.value = value if value not in ("",) else None
                if isinstance(value, str) and value.startswith("="):
                    cell.data_type = "s"  # typed into a text-formatted (@) cell: text, as Excel
    wb.save(dst)


def make_return(src: Path, dst: Path, bound: Bound, seed: int, round_key: str = "plan",
                mistakes: tuple[str, ...] = (), thai_digits: bool = False) -> Filled:
    rng = random.Random(seed)
    content = apply_mistakes(sample_content(bound, rng, round_key, thai_digits), mistakes)
    fill_workbook(src, dst, bound, content)
    return content
