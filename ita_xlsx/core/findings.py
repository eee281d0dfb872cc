"""The catalogue of findings: every problem `validate` can report, with a stable code.

Like Frictionless' error classes: each entry has a code, a title, a message template (Thai
and English) saying what is wrong *and how to fix it*, a default severity and tags. An entry's
parameters are the names its templates use (``{sheet}``, ``{cell}``, ``{label}``, ``{value}``
and entry-specific ones such as ``{detail}`` or ``{expected}``); the Thai and English templates
must use the same ones. A :class:`Finding` is built with every parameter its code declares,
or building it fails, and it stays typed (no text) until it is shown in the language asked.
"""

from __future__ import annotations

import math
import string
from dataclasses import dataclass, field

from ita_xlsx.core.errors import ItaError

# Parameters a Finding carries in its own fields rather than in ``params``.
LOCATION_PARAMS = ("sheet", "cell", "label", "value")


class FindingError(ItaError, ValueError):
    """A finding built without a parameter its catalogue entry declares (a programming
    error, caught by the tests: every message must be complete)."""


@dataclass(frozen=True)
class Entry:
    code: str
    severity: str
    title: str
    title_en: str
    template: str
    template_en: str
    tags: tuple[str, ...] = ()
    params: tuple[str, ...] = ()  # what the templates need, see the module docstring


def _names(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def _e(code, severity, title, title_en, template, template_en, *tags) -> Entry:
    th, en = _names(template), _names(template_en)
    if th != en:  # one language would show what the other does not
        raise FindingError(f"{code}: Thai template uses {sorted(th)}, English {sorted(en)}")
    return Entry(code, severity, title, title_en, template, template_en, tags, tuple(sorted(th)))


_ENTRIES = [
    # ---- the file itself
    _e("file-unreadable", "error", "เปิดไฟล์ไม่ได้", "File cannot be read",
       "เปิดไฟล์นี้ไม่ได้ ({detail}) ตรวจว่าไฟล์ไม่เสีย และบันทึกเป็น .xlsx, .ods หรือ .xls แล้วส่งใหม่",
       "This file cannot be opened ({detail}). Check it is not damaged, save it as .xlsx, .ods or .xls and send it again.",
       "#file"),
    _e("file-encrypted", "error", "ไฟล์มีรหัสผ่าน", "File is password-protected",
       "ไฟล์นี้ตั้งรหัสผ่านไว้ จึงตรวจไม่ได้ ให้เปิดไฟล์ เอารหัสผ่านออก (ไฟล์ > ข้อมูล > ป้องกันเวิร์กบุ๊ก) แล้วบันทึกและส่งใหม่",
       "This file is password-protected and cannot be checked. Remove the password (File > Info > Protect Workbook), save and send it again.",
       "#file"),
    _e("file-macro", "error", "ไฟล์มีมาโคร", "File contains macros",
       "ไฟล์นี้มีมาโคร (VBA) ซึ่งไม่ปลอดภัยและไม่ได้ใช้ในแบบรายงาน ให้บันทึกเป็น .xlsx (สมุดงาน Excel ธรรมดา) แล้วส่งใหม่",
       "This file contains macros (VBA), which are unsafe and not used by the workbook. Save it as a plain .xlsx workbook and send it again.",
       "#file", "#security"),
    _e("file-unsafe", "error", "ไฟล์ไม่ปลอดภัย", "File is unsafe",
       "ไฟล์นี้มีโครงสร้างที่ไม่ปลอดภัย ({detail}) จึงไม่เปิดอ่าน ให้คัดลอกข้อมูลลงแบบฟอร์มใหม่แล้วส่งอีกครั้ง",
       "This file has an unsafe structure ({detail}) and was not opened. Copy the data into a fresh workbook and send it again.",
       "#file", "#security"),
    _e("file-external-links", "warning", "ไฟล์เชื่อมโยงไฟล์อื่น", "File links to other files",
       "ไฟล์นี้มีการเชื่อมโยงไปยังไฟล์หรือแหล่งข้อมูลภายนอก ({detail}) ไม่ได้นำมาใช้ ให้คัดลอกเป็นค่า (วางแบบค่า) แทนสูตรเชื่อมโยง",
       "This file links to external files or data sources ({detail}), which were ignored. Paste values instead of linked formulas.",
       "#file", "#security"),
    _e("cells-outside", "warning", "มีข้อมูลนอกพื้นที่แบบฟอร์ม", "Data outside the form's area",
       "{detail} ให้ย้ายข้อมูลเข้ามาในตารางของแบบฟอร์ม หรือลบเซลล์ที่พิมพ์ไว้ผิดที่ แล้วส่งใหม่",
       "{detail}. Move the data into the form's table, or clear the stray cells, and send it again.",
       "#file"),
    _e("findings-more", "info", "ข้อค้นพบอื่นอีก", "More findings",
       "ไฟล์นี้มีข้อค้นพบมาก แสดงไว้เฉพาะ {shown} รายการแรก ยังมีอีก {more} รายการ ให้แก้ไขตามที่แสดงแล้วตรวจใหม่",
       "This file has many findings; the first {shown} are listed and {more} more are not. Fix those listed and check again.",
       "#file"),
    _e("file-empty", "error", "ไฟล์ว่าง", "File is empty",
       "ไฟล์นี้ว่างเปล่า (0 ไบต์) อาจแนบไฟล์ผิด ให้ส่งไฟล์แบบรายงานที่กรอกแล้วอีกครั้ง",
       "This file is empty (0 bytes); perhaps the wrong file was attached. Send the filled workbook again.",
       "#file"),
    # ---- the template
    _e("template-unknown", "error", "ไม่ใช่แบบรายงาน ITA", "Not an ITA workbook",
       "ไฟล์นี้ไม่ใช่แบบรายงานมาตรการ ITA ที่ท้องถิ่นอำเภอส่งให้ ({detail}) ให้กรอกข้อมูลในแบบฟอร์มที่ได้รับ แล้วส่งกลับ",
       "This is not the ITA measures workbook sent by the district office ({detail}). Fill in the workbook you received and send it back.",
       "#template"),
    _e("template-outdated", "warning", "แบบฟอร์มรุ่นเก่า", "Older template version",
       "ไฟล์นี้ใช้แบบฟอร์มรุ่น {value} ส่วนรุ่นปัจจุบันคือ {expected} ได้ตรวจตามรุ่นปัจจุบัน และสำเนาแจ้งผลจะเป็นรุ่นใหม่",
       "This file uses template version {value}; the current one is {expected}. It was checked against the current version and the feedback copy uses it.",
       "#template"),
    _e("sheet-missing", "error", "ไม่พบแผ่นงาน", "Sheet missing",
       "ไม่พบแผ่นงาน \"{sheet}\" อาจถูกลบหรือเปลี่ยนชื่อ ให้คืนชื่อเดิม หรือคัดลอกข้อมูลลงแบบฟอร์มใหม่",
       "Sheet \"{sheet}\" was not found; it may have been deleted or renamed. Restore its name, or copy the data into a fresh workbook.",
       "#structure"),
    _e("column-missing", "error", "ไม่พบคอลัมน์", "Column missing",
       "แผ่นงาน \"{sheet}\": ไม่พบคอลัมน์ \"{label}\" ในแถวหัวตาราง อาจถูกลบหรือเปลี่ยนชื่อ ให้คืนหัวคอลัมน์เดิม",
       "Sheet \"{sheet}\": column \"{label}\" is not in the header row; it may have been deleted or renamed. Restore the original heading.",
       "#structure"),
    _e("column-renamed", "warning", "หัวคอลัมน์ถูกเปลี่ยน", "Column heading changed",
       "แผ่นงาน \"{sheet}\" เซลล์ {cell}: หัวคอลัมน์ \"{value}\" ต่างจากแบบฟอร์ม (\"{label}\") ได้อ่านตามตำแหน่งเดิม ให้คืนหัวคอลัมน์เดิม",
       "Sheet \"{sheet}\" cell {cell}: heading \"{value}\" differs from the template (\"{label}\"); read by position. Restore the original heading.",
       "#structure"),
    _e("column-extra", "info", "คอลัมน์เพิ่มเติม", "Extra column",
       "แผ่นงาน \"{sheet}\" เซลล์ {cell}: คอลัมน์ \"{value}\" ไม่อยู่ในแบบฟอร์ม ข้อมูลในคอลัมน์นี้จะไม่ถูกรวบรวม",
       "Sheet \"{sheet}\" cell {cell}: column \"{value}\" is not in the template; its data will not be collected.",
       "#structure"),
    _e("identity-missing", "warning", "ไม่พบข้อมูลระบุหน่วยงาน", "Identity not found",
       "ไม่พบรหัสหน่วยงานที่ฝังไว้ในไฟล์ ได้ใช้ค่าจากแผ่นงานข้อมูลหน่วยงานแทน โปรดใช้ไฟล์ที่ได้รับจากท้องถิ่นอำเภอ",
       "The organisation identity stored in the file was not found; the organisation sheet was used instead. Please use the workbook you received.",
       "#identity"),
    _e("identity-mismatch", "error", "ข้อมูลหน่วยงานไม่ตรงกัน", "Identity mismatch",
       "{detail} ตรวจว่าส่งไฟล์ของหน่วยงานตนเอง และไม่ได้แก้ไขรหัสหน่วยงาน",
       "{detail} Check that this is your own organisation's file and that the code was not changed.",
       "#identity"),
    _e("org-code-invalid", "error", "รหัสหน่วยงานไม่ถูกต้อง", "Organisation code not usable",
       "รหัสหน่วยงาน \"{value}\" ใช้ไม่ได้ ({detail}) ไฟล์นี้จึงไม่นับให้หน่วยงานใด ให้พิมพ์รหัสหน่วยงานใหม่เป็นตัวเลขธรรมดา หรือใช้ไฟล์ที่ได้รับจากท้องถิ่นอำเภอ แล้วส่งใหม่",
       "Organisation code \"{value}\" is not usable ({detail}), so this file counts for no organisation. Type the code again in plain digits, or use the workbook you received, and send it again.",
       "#identity"),
    _e("fiscal-year-mismatch", "error", "ปีงบประมาณไม่ตรง", "Fiscal year mismatch",
       "ไฟล์นี้เป็นของปีงบประมาณ {value} แต่กำลังตรวจปี {expected} ให้ใช้แบบฟอร์มของปีที่ถูกต้อง",
       "This file is for fiscal year {value} but year {expected} is being checked. Use the workbook of the right year.",
       "#identity"),
    # ---- cells
    _e("required-missing", "error", "ไม่ได้กรอกข้อมูลที่จำเป็น", "Required value missing",
       "แผ่นงาน \"{sheet}\" เซลล์ {cell} ({label}): {detail}",
       "Sheet \"{sheet}\" cell {cell} ({label}): {detail}",
       "#cell", "#required"),
    _e("choice-invalid", "error", "ค่าไม่อยู่ในรายการ", "Value not in the list",
       "แผ่นงาน \"{sheet}\" เซลล์ {cell} ({label}): \"{value}\" ไม่อยู่ในรายการ ให้เลือกจากรายการแบบเลื่อนลง เช่น {expected}",
       "Sheet \"{sheet}\" cell {cell} ({label}): \"{value}\" is not in the list; choose from the dropdown, e.g. {expected}",
       "#cell"),
    _e("score-invalid", "error", "คะแนนไม่ถูกต้อง", "Invalid score",
       "แผ่นงาน \"{sheet}\" เซลล์ {cell} ({label}): \"{value}\" ไม่ใช่คะแนน ต้องเป็นตัวเลข 0–100 เช่น 85.50",
       "Sheet \"{sheet}\" cell {cell} ({label}): \"{value}\" is not a score; it must be a number from 0 to 100, e.g. 85.50",
       "#cell", "#score"),
    _e("score-mismatch", "warning", "คะแนนรวมไม่ตรง", "Total does not match",
       "แผ่นงาน \"{sheet}\" เซลล์ {cell}: คะแนนรวมที่กรอก {value} ไม่ตรงกับที่คำนวณจากคะแนนรายตัวชี้วัด ({expected}) ตรวจคะแนนแต่ละตัวชี้วัดอีกครั้ง",
       "Sheet \"{sheet}\" cell {cell}: the total entered, {value}, differs from the one computed from the indicators ({expected}). Check each indicator's score.",
       "#score"),
    _e("timeframe-invalid", "error", "ระยะเวลาไม่ชัดเจน", "Timeframe not understood",
       "แผ่นงาน \"{sheet}\" เซลล์ {cell} ({label}): \"{value}\" {detail}",
       "Sheet \"{sheet}\" cell {cell} ({label}): \"{value}\" {detail}",
       "#cell", "#timeframe"),
    _e("timeframe-outside-year", "warning", "ระยะเวลาอยู่นอกปีงบประมาณ", "Timeframe outside the fiscal year",
       "แผ่นงาน \"{sheet}\" เซลล์ {cell} ({label}): \"{value}\" ({detail}) ไม่อยู่ในปีงบประมาณ {expected} (ต.ค. {fy_start} – ก.ย. {fy_end}) ตรวจปี พ.ศ. อีกครั้ง",
       "Sheet \"{sheet}\" cell {cell} ({label}): \"{value}\" ({detail}) lies outside fiscal year {expected} (Oct {fy_start} – Sep {fy_end}); check the year.",
       "#cell", "#timeframe"),
    _e("timeframe-read-as", "info", "ระยะเวลาอ่านโดยตีความ", "Timeframe read with an assumption",
       "แผ่นงาน \"{sheet}\" เซลล์ {cell} ({label}): \"{value}\" อ่านเป็น {detail} ถ้าไม่ใช่ ให้เขียนเดือนเริ่มต้นและเดือนสิ้นสุดให้ชัด เช่น {expected}",
       "Sheet \"{sheet}\" cell {cell} ({label}): \"{value}\" was read as {detail}. If that is not meant, write the start and end months, e.g. {expected}.",
       "#cell", "#timeframe"),
    _e("score-percent", "warning", "คะแนนจัดรูปแบบเป็นเปอร์เซ็นต์", "Score formatted as a percentage",
       "แผ่นงาน \"{sheet}\" เซลล์ {cell} ({label}): คะแนนจัดรูปแบบเป็นเปอร์เซ็นต์ ({value}) ได้อ่านเป็น {expected} ตามที่แสดง ให้เปลี่ยนรูปแบบเซลล์เป็นตัวเลขแล้วพิมพ์ {expected}",
       "Sheet \"{sheet}\" cell {cell} ({label}): the score is formatted as a percentage ({value}); read as {expected}, as shown. Format the cell as a number and type {expected}.",
       "#cell", "#score"),
    _e("cells-merged", "info", "เซลล์ถูกผสาน", "Merged cells",
       "แผ่นงาน \"{sheet}\" เซลล์ {cell}: เซลล์ {value} ถูกผสานรวมกัน ได้ใช้ค่าเดียวกันกับทุกแถวในช่วงนี้ ({label}) ตรวจว่าถูกต้อง และควรยกเลิกการผสานแล้วกรอกทุกแถว",
       "Sheet \"{sheet}\" cell {cell}: cells {value} are merged; the one value was used for every row of the range ({label}). Check it is right, and better unmerge and fill every row.",
       "#cell"),
    _e("url-invalid", "error", "URL หลักฐานไม่ถูกต้อง", "Invalid evidence URL",
       "แผ่นงาน \"{sheet}\" เซลล์ {cell} ({label}): \"{value}\" ไม่ใช่ URL ที่ใช้ได้ ({detail}) ต้องขึ้นต้นด้วย http:// หรือ https:// ไม่มีช่องว่างหรือการขึ้นบรรทัดกลาง URL",
       "Sheet \"{sheet}\" cell {cell} ({label}): \"{value}\" is not a usable URL ({detail}); it must start with http:// or https:// and have no spaces or line breaks inside.",
       "#cell", "#url"),
    _e("url-unreachable", "warning", "เปิด URL หลักฐานไม่ได้", "Evidence URL unreachable",
       "แผ่นงาน \"{sheet}\" เซลล์ {cell} ({label}): เปิด {value} ไม่ได้ ({detail}) ตรวจว่าหน้าเว็บยังอยู่และเปิดให้บุคคลทั่วไปดูได้",
       "Sheet \"{sheet}\" cell {cell} ({label}): {value} could not be opened ({detail}); check the page exists and is public.",
       "#cell", "#url"),
    _e("date-invalid", "warning", "วันที่ไม่ถูกต้อง", "Invalid date",
       "แผ่นงาน \"{sheet}\" เซลล์ {cell} ({label}): \"{value}\" ไม่ใช่วันที่ เขียนเป็น วัน/เดือน/ปี พ.ศ. เช่น 31/03/2570",
       "Sheet \"{sheet}\" cell {cell} ({label}): \"{value}\" is not a date; write day/month/BE year, e.g. 31/03/2570",
       "#cell"),
    _e("email-invalid", "warning", "อีเมลไม่ถูกต้อง", "Invalid email",
       "แผ่นงาน \"{sheet}\" เซลล์ {cell} ({label}): \"{value}\" ไม่ใช่อีเมลที่ถูกต้อง เช่น saraban@example.go.th",
       "Sheet \"{sheet}\" cell {cell} ({label}): \"{value}\" is not a valid email, e.g. saraban@example.go.th",
       "#cell"),
    # ---- across rows and sheets
    _e("issue-missing", "error", "ไม่ได้ระบุประเด็นที่ต้องแก้ไข", "Issue to fix missing",
       "แผ่นงาน \"{sheet}\" เซลล์ {cell}: ตัวชี้วัด {indicator} ได้ {value} คะแนน ต่ำกว่า {expected} ต้องระบุประเด็นที่ต้องแก้ไข/ปรับปรุง",
       "Sheet \"{sheet}\" cell {cell}: indicator {indicator} scored {value}, below {expected}; state the issue to fix.",
       "#cross"),
    _e("indicator-uncovered", "warning", "ตัวชี้วัดที่ต่ำยังไม่มีมาตรการ", "Weak indicator without a measure",
       "ตัวชี้วัด {indicator} ได้ {value} คะแนน (ต่ำกว่า {expected}) แต่ยังไม่มีมาตรการในแผ่นงาน \"{sheet}\" ให้เพิ่มอย่างน้อยหนึ่งมาตรการสำหรับตัวชี้วัดนี้{suggestion}",
       "Indicator {indicator} scored {value} (below {expected}) but has no measure on sheet \"{sheet}\"; add at least one measure for it.{suggestion}",
       "#cross"),
    _e("oit-item-group", "warning", "ข้อ OIT ไม่อยู่ในกลุ่มของตัวชี้วัด", "OIT item outside the indicator's group",
       "แผ่นงาน \"{sheet}\" เซลล์ {cell} ({label}): ข้อ \"{value}\" อยู่ในกลุ่ม {detail} ของตัวชี้วัดที่ {expected} ไม่ใช่ตัวชี้วัดของมาตรการนี้ ({indicator}) ให้เลือกข้อ OIT ในกลุ่มของตัวชี้วัดนั้น หรือแก้ตัวชี้วัดให้ตรงกับข้อ OIT",
       "Sheet \"{sheet}\" cell {cell} ({label}): item \"{value}\" is in group {detail} of indicator {expected}, not this measure's indicator ({indicator}). Choose an OIT item of that indicator's group, or correct the indicator to match the item.",
       "#cross", "#oit"),
    _e("oit-item-named", "warning", "มาตรการกล่าวถึงข้อ OIT อื่น", "Measure names another OIT item",
       "แผ่นงาน \"{sheet}\" เซลล์ {cell} ({label}): ข้อความมาตรการกล่าวถึง \"{detail}\" ซึ่งคือข้อ {expected} แต่เลือกข้อ \"{value}\" ตรวจว่าเลือกข้อ OIT ถูกต้อง",
       "Sheet \"{sheet}\" cell {cell} ({label}): the measure's wording names \"{detail}\", which is item {expected}, but \"{value}\" is chosen. Check the OIT item.",
       "#cross", "#oit"),
    _e("measure-duplicate", "error", "รหัสมาตรการซ้ำ", "Duplicate measure id",
       "แผ่นงาน \"{sheet}\" เซลล์ {cell}: รหัสมาตรการ \"{value}\" ซ้ำกับเซลล์ {detail} ให้แก้ให้ไม่ซ้ำกัน",
       "Sheet \"{sheet}\" cell {cell}: measure id \"{value}\" repeats cell {detail}; make the ids unique.",
       "#cross"),
    _e("measure-unknown", "error", "ไม่พบรหัสมาตรการ", "Unknown measure id",
       "แผ่นงาน \"{sheet}\" เซลล์ {cell}: รหัสมาตรการ \"{value}\" ไม่มีในแผ่นงานมาตรการ ให้เลือกรหัสที่มีอยู่ (เช่น {expected})",
       "Sheet \"{sheet}\" cell {cell}: measure id \"{value}\" is not on the measures sheet; use an existing id (e.g. {expected}).",
       "#cross"),
    _e("result-missing", "warning", "ยังไม่รายงานผลของมาตรการ", "Result not reported",
       "มาตรการ \"{value}\" (แผ่นงาน \"{sheet}\" เซลล์ {cell}) ยังไม่มีผลการดำเนินการของ{expected} ให้เพิ่มแถวในแผ่นงานผลการดำเนินการ",
       "Measure \"{value}\" (sheet \"{sheet}\" cell {cell}) has no result for the {expected}; add a row on the results sheet.",
       "#cross"),
    _e("no-measures", "error", "ไม่มีมาตรการ", "No measures",
       "แผ่นงาน \"{sheet}\" ยังไม่มีมาตรการเลย ให้กรอกอย่างน้อยหนึ่งมาตรการ",
       "Sheet \"{sheet}\" has no measures yet; enter at least one.",
       "#cross"),
    _e("org-not-listed", "warning", "ไม่อยู่ในรายชื่อหน่วยงาน", "Not on the organisation list",
       "รหัสหน่วยงาน {value} ไม่อยู่ในรายชื่อหน่วยงาน ({detail}) ตรวจรหัสหน่วยงาน",
       "Organisation code {value} is not on the organisation list ({detail}); check the code.",
       "#identity"),
    # ---- the OIT sheet: each item's URLs (template version 3)
    _e("oit-url-missing", "warning", "ข้อ OIT ยังไม่มี URL", "OIT item without a URL",
       "แผ่นงาน \"{sheet}\" เซลล์ {cell}: ข้อ {item} ({name}) ยังไม่มี URL ให้วาง URL ของหน้าเว็บไซต์หน่วยงานที่เผยแพร่ข้อนี้ หากยังไม่ได้เผยแพร่ให้จัดทำและเผยแพร่ก่อน ป.ป.ช. ตรวจ",
       "Sheet \"{sheet}\" cell {cell}: item {item} ({name}) has no URL. Paste the address of the page on the organisation's website that publishes it; if it is not published yet, publish it before the NACC checks.",
       "#cell", "#oit"),
    _e("oit-url-invalid", "error", "URL ของข้อ OIT ไม่ถูกต้อง", "Invalid OIT item URL",
       "แผ่นงาน \"{sheet}\" เซลล์ {cell}: ข้อ {item} ({name}): \"{value}\" ไม่ใช่ URL ที่ใช้ได้ ({detail}) ต้องขึ้นต้นด้วย http:// หรือ https:// ไม่มีช่องว่างหรือการขึ้นบรรทัดกลาง URL",
       "Sheet \"{sheet}\" cell {cell}: item {item} ({name}): \"{value}\" is not a usable URL ({detail}); it must start with http:// or https:// and have no spaces or line breaks inside.",
       "#cell", "#oit", "#url"),
    _e("oit-url-offsite", "warning", "URL ของข้อ OIT อยู่นอกเว็บไซต์หน่วยงาน", "OIT item URL off the organisation's site",
       "แผ่นงาน \"{sheet}\" เซลล์ {cell}: ข้อ {item} ({name}): {value} ไม่ได้อยู่บนเว็บไซต์ของหน่วยงาน ({site}) หรือเว็บไซต์ทางราชการ ผู้ตรวจของ ป.ป.ช. ตรวจข้อมูลบนเว็บไซต์ของหน่วยงาน ให้เผยแพร่บนเว็บไซต์หน่วยงานแล้วใช้ URL นั้น",
       "Sheet \"{sheet}\" cell {cell}: item {item} ({name}): {value} is neither on the organisation's website ({site}) nor on an official site. The NACC checks the organisation's own website: publish the item there and use that URL.",
       "#cell", "#oit", "#url"),
    _e("oit-url-dead", "warning", "เปิด URL ของข้อ OIT ไม่ได้", "OIT item URL unreachable",
       "แผ่นงาน \"{sheet}\" เซลล์ {cell}: ข้อ {item} ({name}): เปิด {value} ไม่ได้ ({detail}) ตรวจว่าหน้าเว็บยังอยู่และเปิดให้บุคคลทั่วไปดูได้ แล้วแก้ URL",
       "Sheet \"{sheet}\" cell {cell}: item {item} ({name}): {value} could not be opened ({detail}); check the page exists and is public, then correct the URL.",
       "#cell", "#oit", "#url"),
    _e("oit-page-login", "warning", "URL ของข้อ OIT เปิดได้แต่ไม่ใช่หน้าข้อมูล", "OIT item URL is not the item's page",
       "แผ่นงาน \"{sheet}\" เซลล์ {cell}: ข้อ {item} ({name}): {value} เปิดได้แต่เป็น{detail} ไม่ใช่หน้าที่แสดงข้อมูล ข้อมูล OIT ต้องเปิดดูได้โดยไม่ต้องเข้าสู่ระบบ ให้ใช้ URL ของหน้าที่แสดงข้อมูลจริง",
       "Sheet \"{sheet}\" cell {cell}: item {item} ({name}): {value} opens, but it is {detail}, not a page showing the item. OIT pages must open without logging in: use the URL of the page that shows the item.",
       "#cell", "#oit", "#url"),
    _e("oit-page-old", "warning", "หน้าของข้อ OIT ไม่ใช่ข้อมูลปีนี้", "OIT item page is not this year's",
       "แผ่นงาน \"{sheet}\" เซลล์ {cell}: ข้อ {item} ({name}): หน้า {value} ไม่แสดงปี {expected} หรือ {previous} ({detail}) ให้เผยแพร่ข้อมูลของปีงบประมาณนี้และใช้ URL ของหน้านั้น",
       "Sheet \"{sheet}\" cell {cell}: item {item} ({name}): the page {value} shows neither {expected} nor {previous} ({detail}). Publish this fiscal year's information and use that page's URL.",
       "#cell", "#oit", "#url"),
]

CATALOGUE: dict[str, Entry] = {e.code: e for e in _ENTRIES}
SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}


@dataclass
class Finding:
    """One problem, located by sheet and Excel cell (what Excel shows)."""

    code: str
    severity: str = ""
    sheet: str | None = None  # template key
    sheet_name: str | None = None  # the name the user sees
    row: int | None = None
    column: str | None = None  # template key
    cell: str | None = None
    value: object = None
    label: str | None = None  # Thai column label
    label_en: str | None = None
    params: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        entry = CATALOGUE.get(self.code)
        if entry is None:
            raise FindingError(f"unknown finding code {self.code!r}")
        if not self.severity:
            self.severity = entry.severity
        missing = [name for name in entry.params if not self._has(name)]
        if missing:
            raise FindingError(f"finding {self.code} built without {', '.join(missing)}")

    def _has(self, name: str) -> bool:
        if name in self.params:  # a parameter may stand in for a location field
            value = self.params[name]
            return value is not None and (not isinstance(value, dict) or
                                          ("th" in value and "en" in value))
        if name == "sheet":
            return bool(self.sheet_name or self.sheet)
        if name == "cell":
            return bool(self.cell)
        if name == "label":
            return bool(self.label)
        if name == "value":
            return self.value is not None
        return False

    def message(self, lang: str = "th") -> str:
        """The message in ``lang`` ("th" or "en"): rendered here, at the edge, never stored."""
        entry = CATALOGUE[self.code]
        en = lang == "en"
        fields = {
            "sheet": self.sheet_name or self.sheet or "",
            "cell": self.cell or "",
            "label": (self.label_en if en and self.label_en else self.label) or "",
            "value": _show(self.value),
        }
        for k, v in self.params.items():
            if isinstance(v, dict) and "th" in v:
                v = v["en" if en else "th"]
            fields[k] = v
        return (entry.template_en if en else entry.template).format(**fields)

    def title(self, lang: str = "th") -> str:
        entry = CATALOGUE[self.code]
        return entry.title_en if lang == "en" else entry.title

    def to_dict(self, lang: str = "th") -> dict:
        return {
            "severity": self.severity,
            "code": self.code,
            "sheet": self.sheet,
            "sheet_name": self.sheet_name,
            "row": self.row,
            "column": self.column,
            "cell": self.cell,
            "value": _json_value(self.value),
            "message": self.message(lang),
        }


def _show(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value == 0 and math.copysign(1.0, value) < 0:
        return "-0"  # negative zero is not a score: show it as it is
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e16:
        value = int(value)  # 105 typed is read as 105.0; echo it as typed (1e+27 stays)
    text = str(value)
    return text if len(text) <= 80 else text[:77] + "…"


def _json_value(value: object) -> object:
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)  # JSON has no NaN or infinity
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def sort_key(f: Finding, sheet_order: dict[str, int]) -> tuple:
    """Worst first; then file-level findings, then by sheet as the workbook orders them, row
    and column."""
    column = len(f.cell or "") - len((f.cell or "").lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
    return (SEVERITY_ORDER[f.severity], -1 if f.sheet is None else sheet_order.get(f.sheet, 99),
            f.row or 0, column, f.cell or "", f.code)
