"""The layout of the consolidated report (`merge`): its sheets, their columns and the hidden
sheet that marks a file as a report. One module, imported by the writer (``report_writer``)
and by the reader of earlier reports (``merge.load_report``), so the two cannot drift apart.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ita_xlsx.core.vocabulary import HEADINGS, label
from ita_xlsx.spec.roles import Fields, Roles

if TYPE_CHECKING:
    from ita_xlsx.spec.template import Bound, Template

REPORT_SHEET = "_ita_report"  # the hidden sheet of a consolidated report
REPORT_META_SHEET = REPORT_SHEET
REPORT_KIND = "ita-consolidated"  # its document property ita_report

# Columns of each data sheet: (machine key, Thai heading, width). Measures and results add the
# template's own columns after the provenance ones.
SUMMARY = [
    ("org_code", "รหัส", 9), ("org_name", "หน่วยงาน", 30), ("org_type", "ประเภท", 18),
    ("district", "อำเภอ", 12), ("province", "จังหวัด", 12), ("status", "สถานะ", 10),
    ("state", "สถานะในรอบ", 14),  # the round model's state (rounds.OrgState)
    ("template_version", "รุ่นแบบฟอร์ม", 8), ("round", "รอบ", 8),
    ("ita_score", "คะแนน ITA ปีก่อน", 7), ("ita_level", "ระดับ", 20),
    ("measures", "จำนวนมาตรการ", 8), ("results_done", "ผลแล้วเสร็จ", 8),
    ("results_in_progress", "ระหว่างดำเนินการ", 8), ("results_not_started", "ยังไม่ดำเนินการ", 8),
    ("results_with_evidence", "ผลที่มีหลักฐาน", 8), ("evidence_share", "สัดส่วนมีหลักฐาน", 9),
    ("errors", "ข้อผิดพลาด", 8), ("warnings", "ข้อเตือน", 8),
    ("recorded", "วันที่รายงาน", 10), ("note", "หมายเหตุ", 36),
    ("file_time", "เวลาไฟล์", 18), ("source_file", "ไฟล์ต้นทาง", 40), ("via", "มาจากรายงาน", 30),
]
PROVENANCE = [("org_code", "รหัส", 10), ("org_name", "หน่วยงาน", 18),
              ("source_file", "ไฟล์ต้นทาง", 24), ("sheet_row", "แถวในไฟล์", 7)]
FINDINGS = [("org_code", "รหัส", 10), ("org_name", "หน่วยงาน", 24),
            ("source_file", "ไฟล์ต้นทาง", 24), ("severity", "ระดับ", 9), ("code", "รหัสปัญหา", 18),
            ("sheet_name", "แผ่นงาน", 14), ("cell", "เซลล์", 7), ("value", "ค่าที่พบ", 24),
            ("message", "คำอธิบาย", 50)]
FILES = [("path", "ไฟล์", 34), ("via", "มาจากรายงาน", 24), ("org_code", "รหัส", 10),
         ("org_name", "หน่วยงาน", 24), ("status", "สถานะ", 12), ("recorded", "วันที่รายงาน", 12),
         ("file_time", "เวลาไฟล์", 18), ("round", "รอบ", 8), ("used", "ใช้ในรายงาน", 10),
         ("reason", "เหตุผล", 44), ("superseded_by", "ถูกแทนที่โดย", 40)]
DATA_SHEETS = {"provenance": {k for k, _, _ in PROVENANCE}}
ANALYSIS = [("org_code", "รหัส", 10), ("org_name", "หน่วยงาน", 24),
            ("indicator_no", "ข้อ", 5), ("indicator", "ตัวชี้วัด", 26), ("tool", "เครื่องมือ", 8),
            ("score", "คะแนน", 8), ("issue", "ประเด็นที่ต้องแก้ไข/ปรับปรุง", 70)]
# English headings (``merge --lang en``), by column key; template columns use their label_en.
HEADINGS_EN = {
    "org_code": "Code", "org_name": "Organisation", "org_type": "Type", "district": "District",
    "province": "Province", "status": "Status", "state": "State in the round",
    "template_version": "Template version",
    "round": "Round", "ita_score": "Last year's ITA score", "ita_level": "Level",
    "measures": "Measures", "results_done": "Results done", "results_in_progress": "In progress",
    "results_not_started": "Not started", "results_with_evidence": "Results with evidence",
    "evidence_share": "Share with evidence", "errors": "Errors", "warnings": "Warnings",
    "recorded": "Report date", "file_time": "File time", "source_file": "Source file",
    "via": "From report", "sheet_row": "Row in file", "severity": "Severity", "code": "Code",
    "sheet_name": "Sheet", "cell": "Cell", "value": "Value found", "message": "Message",
    "path": "File", "used": "Used in report", "superseded_by": "Superseded by",
    "indicator_no": "No.", "indicator": "Indicator", "tool": "Tool", "score": "Score",
    "issue": "Issue to fix / improve", "timeframe_start": "Start (year-month)",
    "timeframe_end": "End (year-month)", "evidence_ok": "URL usable", "total": "Total",
    "level": "Level", "mean": "Mean", "min": "Lowest", "max": "Highest",
    "below": "Below the pass mark",
}
SHEET_NAMES_EN = {"summary": "Summary", "scores": "Indicators", "analysis": "Issues to fix",
                  "measures": "Measures", "results": "Results", "findings": "Findings",
                  "files": "Files", "charts": "Charts"}


def sheet_names(lang: str) -> dict[str, str]:
    return SHEET_NAMES_EN if lang == "en" else SHEET_NAMES


# Columns whose heading recurs across the outputs: the vocabulary's word, in both languages.
_SHARED = {"org_code": "org_code", "org_name": "org_name", "status": "status", "round": "round",
           "ita_level": "level", "level": "level", "errors": "errors", "warnings": "warnings",
           "recorded": "recorded", "file_time": "file_time", "source_file": "source_file",
           "severity": "severity", "code": "code", "sheet_name": "sheet", "cell": "cell",
           "value": "value", "path": "file", "total": "total"}
_SHARED.update({Fields.ROUND: "round", Fields.STATUS: "status"})  # the results sheet's, by role


def heading(key: str, thai: str, lang: str) -> str:
    if key in _SHARED:
        return label(HEADINGS, _SHARED[key], lang)
    return HEADINGS_EN.get(key, thai) if lang == "en" else thai


SHEET_NAMES = {"summary": "สรุป", "scores": "ตัวชี้วัด", "analysis": "ประเด็นที่ต้องแก้ไข",
               "measures": "มาตรการ",
               "results": "ผลการดำเนินการ", "findings": "ข้อค้นพบ", "files": "ไฟล์",
               "charts": "กราฟ"}


def _label(f, lang: str) -> str:
    return (f.label_en or f.label) if lang == "en" else f.label


# Widths of the template's columns in the report, by the role the template gives them (long
# text wraps at 18): a sheet of measures or results then prints one landscape A4 page wide at
# 70 % or more, instead of two strips of pages each repeating the organisation's name.
ROLE_WIDTH = {"measure_id": 8, "tool": 7, "indicator": 16, "oit_item": 16, "owner": 13,
              "timeframe": 11, "round": 9, "status": 12, "evidence_url": 26}
TEXT_WIDTH = 18


def _width(f) -> int:
    return ROLE_WIDTH.get(f.role, TEXT_WIDTH if f.type == "text" else 12)


def measure_columns(t: Template, lang: str = "th") -> list[tuple[str, str, int]]:
    cols = [(f.key, _label(f, lang), _width(f)) for f in t.sheet(Roles.MEASURES).fields]
    return [*PROVENANCE, *cols, ("timeframe_start", "เริ่ม (ปี-เดือน)", 10),
            ("timeframe_end", "สิ้นสุด (ปี-เดือน)", 10)]


def result_columns(t: Template, lang: str = "th") -> list[tuple[str, str, int]]:
    cols = [(f.key, _label(f, lang), _width(f)) for f in t.sheet(Roles.RESULTS).fields]
    return [*PROVENANCE, *cols, ("evidence_ok", "URL ใช้ได้", 8)]


def score_columns(bound: Bound | None, lang: str = "th") -> list[tuple[str, str, int]]:
    """The score grid: the name first (its column also holds the indicator statistics' labels
    above the grid), the code, one narrow column an indicator, the total and the level: one
    landscape A4 page wide at a readable scale."""
    inds = bound.analysis_fw.indicators if bound else []
    return [("org_name", "หน่วยงาน", 28), ("org_code", "รหัส", 10),
            *[(f"i{i.number}", f"{i.number}. {i.name_en}" if lang == "en" else i.label, 7)
              for i in inds], ("total", "คะแนนรวม", 8),
            ("level", "ระดับ", 10)]


# On paper (the consolidated report's print areas), in this order: what a district office
# files. The other columns (file names, times, template versions, finding codes) are for the
# screen and come after them in the sheet.
# (The round is in the title block: a district's round is one.)
SUMMARY_PRINTED = ("org_code", "org_name", "status", "ita_score", "ita_level",
                   "measures", "results_done", "results_in_progress", "results_not_started",
                   "results_with_evidence", "recorded")
# The lists (measures, results, findings, files, issues) print the organisation's name, not
# its code, beside the rest.
NOT_PRINTED = {"source_file", "sheet_row", "timeframe_start", "timeframe_end", "evidence_ok",
               "code", "file_time", "via", "template_version", "org_code", "superseded_by"}
SUMMARY_ONE_PAGE = 25  # organisations whose summary prints on one page
