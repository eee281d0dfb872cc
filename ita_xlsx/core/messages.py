"""User-facing messages of the command line, Thai first (``--lang en`` for English).

Findings of `validate` have their own catalogue (``core/findings.py``); this holds the
rest: progress, summaries and errors of the commands.
"""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    "new.progress": ("กำลังสร้างแบบรายงาน", "Writing workbooks"),
    "new.written": ("สร้างแบบรายงาน {n} ไฟล์ ในโฟลเดอร์ {out}",
                    "Wrote {n} workbook(s) into the folder {out}"),
    "new.refused": (
        "ไม่เขียนทับไฟล์ที่มีอยู่แล้ว {n} ไฟล์ (ใช้ --force หากต้องการเขียนทับ) เช่น {first}",
        "Did not overwrite {n} existing file(s) (use --force to overwrite), e.g. {first}",
    ),
    "new.list_problems": (
        "รายชื่อหน่วยงาน {file}: ข้าม {errors} แถว เตือน {warnings} แถว",
        "Organisation list {file}: {errors} row(s) skipped, {warnings} warning(s)",
    ),
    "new.no_orgs": (
        "ไม่มีหน่วยงานที่ใช้ได้ในรายชื่อ {file}",
        "No usable organisation in the list {file}",
    ),
    "error.unexpected": (
        "เกิดข้อผิดพลาดที่ไม่คาดคิด: {detail}\nโปรดแจ้งผู้ดูแลระบบ พร้อมคำสั่งที่ใช้ (เพิ่ม --debug เพื่อดูรายละเอียด)",
        "Unexpected error: {detail}\nPlease report it with the command you ran (add --debug for details)",
    ),
    "error.year": (
        "ปีงบประมาณ {year} ไม่ถูกต้อง ใช้ปี พ.ศ. เช่น 2570",
        "Fiscal year {year} is not valid; use a Buddhist-Era year such as 2570",
    ),
    "error.round": (
        "รอบ {round} ไม่ถูกต้อง ใช้ plan, 6 หรือ 12",
        "Round {round} is not valid; use plan, 6 or 12",
    ),
    "error.deadline": (
        "กำหนดส่ง {value} อ่านไม่ได้ เขียนเป็น 31/01/2570 หรือ 2027-01-31",
        "Deadline {value} is not a date; write 31/01/2570 or 2027-01-31",
    ),
    "error.not_found": (
        "ไม่พบ {path} ตรวจชื่อไฟล์หรือโฟลเดอร์อีกครั้ง",
        "{path} does not exist; check the file or folder name",
    ),
    "error.no_workbooks": (
        "ไม่พบไฟล์แบบรายงาน (.xlsx .xls .ods) ในที่ที่ระบุ",
        "No workbook (.xlsx .xls .ods) found in the given paths",
    ),
    "error.nothing_to_check": (
        "ไม่มีแบบรายงานให้ตรวจ: {n} ไฟล์ที่ระบุไม่ใช่แบบรายงาน (.xlsx .xls .ods) จึงไม่ได้ตรวจอะไร "
        "ให้ระบุไฟล์หรือโฟลเดอร์ของแบบรายงานที่หน่วยงานส่งกลับ",
        "Nothing to check: the {n} file(s) given are not workbooks (.xlsx .xls .ods), so nothing "
        "was checked. Give the returned workbooks or their folder.",
    ),
    "error.nothing_to_merge": (
        "ไม่มีแบบรายงานให้รวม: {n} ไฟล์ที่ระบุไม่ใช่แบบรายงาน (.xlsx .xls .ods) จึงไม่ได้เขียนรายงานรวม "
        "ให้ระบุไฟล์หรือโฟลเดอร์ของแบบรายงานที่หน่วยงานส่งกลับ",
        "Nothing to consolidate: the {n} file(s) given are not workbooks (.xlsx .xls .ods), so "
        "no report was written. Give the returned workbooks or their folder.",
    ),
    "error.template": ("แบบฟอร์ม {file} ใช้ไม่ได้: {problems}", "Template {file} is not usable: {problems}"),
    "error.output_exists": (
        "มีไฟล์ {path} อยู่แล้ว ไม่เขียนทับ (ใช้ --force หากต้องการเขียนทับ)",
        "{path} already exists; not overwritten (use --force to overwrite)",
    ),
    "demo.done": ("ตัวอย่างเสร็จแล้ว ผลลัพธ์อยู่ที่ {out}", "Demo finished; the outputs are in {out}"),
    "demo.step": ("ขั้นที่ {n}: {what}", "Step {n}: {what}"),
}


def msg(key: str, lang: str = "th", **kwargs: object) -> str:
    th, en = MESSAGES[key]
    return (en if lang == "en" else th).format(**kwargs)
