"""The words the tool shows, once, in Thai and English.

Every surface (console, the .xlsx and CSV outputs, JSON labels, the web page, documents and
e-mails) takes the names of states, severities, rounds and the recurring column headings from
this table, so one thing is worded one way everywhere. Sentences (messages, help) live with
their surface; words that the template or the framework data define (choice labels, pass
labels, indicator names) stay data there: :data:`FROM_DATA` says where.

Each section maps a machine key (what JSON and the code carry) to a :class:`Word`. A word may
list ``earlier`` spellings that older versions of the tool wrote, so that reports written then
still read back (:func:`key_of`); they are never shown.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType


@dataclass(frozen=True)
class Word:
    th: str
    en: str  # as it stands in running text; :meth:`label` capitalises it for a heading or cell
    earlier: tuple[str, ...] = ()

    def text(self, lang: str = "th") -> str:
        return self.en if lang == "en" else self.th

    def label(self, lang: str = "th") -> str:
        """The word as a heading, a table cell or the start of a line."""
        return self.en[:1].upper() + self.en[1:] if lang == "en" else self.th

    def spellings(self) -> tuple[str, ...]:
        return (self.th, self.en, self.en[:1].upper() + self.en[1:], *self.earlier)

    def __iter__(self):  # ``th, en = ORG_STATES[key]``, as a (Thai, English) pair reads
        return iter((self.th, self.en))


def _section(**words: Word) -> Mapping[str, Word]:
    return MappingProxyType(words)


# ---------------------------------------------------------------- ORG_STATES (issue 16)
# The state of one organisation in a round, as the round model decides it (ita_xlsx.rounds).
# Every surface shows these words for these keys. Shared with the round model: keep the keys.
ORG_STATES = _section(
    not_sent=Word("ยังไม่ส่ง", "not sent", ("ยังไม่ส่งคืน", "not returned")),
    sent=Word("ส่งแล้ว (ไม่มีไฟล์แบบรายงานให้ตรวจ)", "sent (no workbook to check)"),
    unusable=Word("ส่งแล้วแต่ใช้ไม่ได้", "sent something unusable"),
    needs_fixing=Word("ต้องแก้ไข", "needs fixing"),
    passed_with_notes=Word("ผ่าน (มีข้อเตือน)", "passed with warnings",
                           ("ผ่าน (มีข้อสังเกต)", "ผ่าน มีข้อเตือน", "ผ่านแต่มีข้อเตือน",
                            "valid with warnings")),
    passed=Word("ผ่าน", "passed"),
    not_counted=Word("ไม่นับ", "not counted"),
)


def org_state_text(key: str, lang: str = "th") -> str:
    return ORG_STATES[key].text(lang)

# ---------------------------------------------------------------- end of ORG_STATES

# ---------------------------------------------------------------- FILE_RULINGS (issue 16)
# What an officer may say about one file, and taking it back.
FILE_RULINGS = _section(
    exclude=Word("ไม่นับไฟล์นี้", "does not count"),
    assign=Word("เป็นไฟล์ของหน่วยงาน", "belongs to organisation"),
    restore=Word("นับตามปกติ (ยกเลิกการตัดสิน)", "restore (take the decision back)"),
)

# ---------------------------------------------------------------- FILE_STATES
# The result of checking one returned file (``status`` in the JSON). The same outcome for an
# organisation is the same word: a file that passes is "passed" whichever surface says it.
FILE_STATES = _section(
    valid=ORG_STATES["passed"],
    warnings=ORG_STATES["passed_with_notes"],
    invalid=ORG_STATES["needs_fixing"],
    unreadable=Word("เปิดไม่ได้", "unreadable", ("เปิดไฟล์ไม่ได้",)),
    missing=ORG_STATES["not_sent"],
    not_read=Word("ไม่ใช่แบบรายงาน", "not a return"),
)

# ---------------------------------------------------------------- FILE_KINDS
# What a file that was not read as a return is (``kind`` of the files not read).
FILE_KINDS = _section(
    pdf=Word("ไฟล์ PDF", "PDF file"),
    word=Word("ไฟล์ Word", "Word file"),
    image=Word("รูปภาพ", "image"),
    zip=Word("ไฟล์ ZIP", "ZIP file"),
    mail=Word("อีเมลที่บันทึกไว้", "saved e-mail"),
    other=Word("ไฟล์อื่น", "other file"),
    refused=Word("ไม่รับ", "refused"),
    feedback=Word("สำเนาแจ้งผล", "feedback copy"),
    **{"check-report": Word("รายงานผลการตรวจ", "check report")},
    report=Word("รายงานรวม", "consolidated report"),
)

# ---------------------------------------------------------------- SEVERITIES
SEVERITIES = _section(
    error=Word("ข้อผิดพลาด", "error"),
    warning=Word("ข้อเตือน", "warning", ("คำเตือน",)),
    info=Word("ข้อสังเกต", "note"),
)
# The same severities counted ("3 errors"); Thai has no plural.
COUNTS = _section(
    errors=Word("ข้อผิดพลาด", "errors"),
    warnings=Word("ข้อเตือน", "warnings"),
    notes=Word("ข้อสังเกต", "notes"),
)

# ---------------------------------------------------------------- ROUNDS
ROUNDS = _section(
    plan=Word("รอบแผน", "plan round", ("แผน", "plan", "แผน (ต้นปี)")),
    **{"6": Word("รอบ 6 เดือน", "6-month round", ("6 เดือน", "6 months")),
       "12": Word("รอบ 12 เดือน", "12-month round", ("12 เดือน", "12 months"))},
)

# ---------------------------------------------------------------- MAIL_KINDS
# What a message the tool sends is (the ledger's ``kind``).
MAIL_KINDS = _section(
    workbook=Word("แบบรายงาน", "workbook"),
    feedback=Word("สำเนาแจ้งผล", "feedback copy"),
    remind=Word("อีเมลเตือน", "reminder"),
)

# ---------------------------------------------------------------- HEADINGS
# Column headings that recur across the outputs (check report, status, consolidated report,
# the page). A heading that one output alone has stays with that output.
HEADINGS = _section(
    org_code=Word("รหัส", "code"),
    org_name=Word("หน่วยงาน", "organisation"),
    email=Word("อีเมล", "email"),
    file=Word("ไฟล์", "file"),
    source_file=Word("ไฟล์ต้นทาง", "source file"),
    status=Word("สถานะ", "status", ("ผลตรวจ", "สถานะไฟล์")),
    severity=Word("ระดับ", "severity"),
    code=Word("รหัสปัญหา", "finding code"),
    sheet=Word("แผ่นงาน", "sheet"),
    cell=Word("เซลล์", "cell"),
    value=Word("ค่าที่พบ", "value found"),
    message=Word("คำอธิบาย", "message"),
    errors=COUNTS["errors"],
    warnings=COUNTS["warnings"],
    round=Word("รอบ", "round"),
    fiscal_year=Word("ปีงบประมาณ", "fiscal year"),
    recorded=Word("วันที่รายงาน", "report date"),
    file_time=Word("เวลาไฟล์", "file time"),
    returned_files=Word("ไฟล์ที่ได้รับ", "files received"),
    counting_file=Word("ไฟล์ที่ใช้", "file that counts"),
    sent_at=Word("ส่งแบบรายงานเมื่อ", "workbook sent"),
    send_error=Word("ส่งไม่สำเร็จ", "not sent because"),
    feedback_sent_at=Word("ส่งสำเนาแจ้งผลเมื่อ", "feedback sent"),
    reminded_at=Word("เตือนเมื่อ", "reminded"),
    level=Word("ระดับผลการประเมิน", "level"),
    score=Word("คะแนน", "score"),
    total=Word("คะแนนรวม", "total score"),
    checked_at=Word("ตรวจเมื่อ", "checked"),
)

# Words that are data, not vocabulary: where each surface reads them.
FROM_DATA = MappingProxyType({
    "choice labels": "the template (workbook_templates/*.toml): each choice's label / label_en",
    "pass labels and level bands": "framework data (framework_data/<year>.toml): bands' label",
    "indicator names": "framework data: indicators' name_th / name_en",
    "sheet and column labels of the workbook": "the template: label / label_en",
})

SECTIONS: Mapping[str, Mapping[str, Word]] = MappingProxyType({
    "ORG_STATES": ORG_STATES, "FILE_STATES": FILE_STATES, "SEVERITIES": SEVERITIES,
    "COUNTS": COUNTS, "FILE_KINDS": FILE_KINDS, "FILE_RULINGS": FILE_RULINGS,
    "ROUNDS": ROUNDS, "MAIL_KINDS": MAIL_KINDS, "HEADINGS": HEADINGS,
})


def word(section: Mapping[str, Word], key: object, lang: str = "th") -> str:
    """The word for ``key`` in running text; an unknown key is shown as it is."""
    found = section.get("" if key is None else str(key))
    return found.text(lang) if found else ("" if key is None else str(key))


def label(section: Mapping[str, Word], key: object, lang: str = "th") -> str:
    """The word for ``key`` as a heading or cell; an unknown key is shown as it is."""
    found = section.get("" if key is None else str(key))
    return found.label(lang) if found else ("" if key is None else str(key))


def key_of(section: Mapping[str, Word], text: object) -> str | None:
    """The key a shown word (either language, or an earlier spelling) stands for."""
    wanted = ("" if text is None else str(text)).strip().casefold()
    for key, w in section.items():
        if wanted == key.casefold() or wanted in (s.casefold() for s in w.spellings()):
            return key
    return None


def all_words() -> list[Word]:
    """Every word of every section (each once)."""
    seen: dict[int, Word] = {}
    for section in SECTIONS.values():
        for w in section.values():
            seen.setdefault(id(w), w)
    return list(seen.values())


def tally(counts: Mapping[str, int], lang: str = "th", keys: tuple[str, ...] = (
        "valid", "warnings", "invalid", "unreadable", "missing"), sep: str = ", ") -> str:
    """"ผ่าน 3, ผ่าน (มีข้อเตือน) 1, ต้องแก้ไข 2, …": file states and how many, in this order
    (a key missing from ``counts`` is left out)."""
    return sep.join(f"{word(FILE_STATES, k, lang)} {counts[k]}" for k in keys if k in counts)
