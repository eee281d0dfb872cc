"""The tool's words, Thai and English, in one place (issue 15's one vocabulary).

Each section below is one family of words; code names a key, never the words.
"""

from __future__ import annotations

# ---------------------------------------------------------------- ORG_STATES (issue 16)
# The state of one organisation in a round, as the round model decides it
# (ita_xlsx.rounds). Every surface shows these words for these keys.

ORG_STATES: dict[str, tuple[str, str]] = {
    "not_sent": ("ยังไม่ส่ง", "not sent"),
    "sent": ("ส่งแล้ว (ไม่มีไฟล์แบบรายงานให้ตรวจ)", "sent (no workbook to check)"),
    "unusable": ("ส่งแล้วแต่ใช้ไม่ได้", "sent something unusable"),
    "needs_fixing": ("ต้องแก้ไข", "needs fixing"),
    "passed_with_notes": ("ผ่าน (มีข้อสังเกต)", "passed with notes"),
    "passed": ("ผ่าน", "passed"),
    "not_counted": ("ไม่นับ (รอบหรือปีอื่น หรือแบบรายงานของหน่วยงานอื่น)",
                    "not counted (another round or year, or another organisation's workbook)"),
}

# What an officer may say about one file, and taking it back.
FILE_RULINGS: dict[str, tuple[str, str]] = {
    "exclude": ("ไม่นับไฟล์นี้", "does not count"),
    "assign": ("เป็นไฟล์ของหน่วยงาน", "belongs to organisation"),
    "restore": ("นับตามปกติ (ยกเลิกการตัดสิน)", "restore (take the decision back)"),
}


def org_state_text(key: str, lang: str = "th") -> str:
    th, en = ORG_STATES[key]
    return en if lang == "en" else th

# ---------------------------------------------------------------- end of ORG_STATES
