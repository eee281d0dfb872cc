"""The round at a glance, per organisation: sent, returned, valid, feedback, reminded, missing.

Built from the organisation list and the ledger only (no mail server needed), so the console
table, the JSON/CSV and the .xlsx, and the web view all show the same thing.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path

from ita_xlsx.core.records import Org
from ita_xlsx.mail.ledger import LEDGER_FILE, Ledger
from ita_xlsx.spec.orgs import split_emails

STATE_TH = {"valid": "ผ่าน", "warnings": "ผ่าน (มีข้อสังเกต)", "invalid": "ต้องแก้ไข",
            "unreadable": "เปิดไฟล์ไม่ได้", "missing": "ยังไม่ส่งคืน"}
STATE_EN = {"valid": "valid", "warnings": "valid with warnings", "invalid": "needs fixing",
            "unreadable": "unreadable", "missing": "not returned"}
COLUMNS = ("code", "name", "emails", "sent_at", "send_error", "returned_files", "counting_file",
           "validation", "errors", "warnings", "feedback_sent_at", "reminded_at")
HEADINGS_TH = ("รหัส", "หน่วยงาน", "อีเมล", "ส่งแบบฟอร์มเมื่อ", "ส่งไม่สำเร็จ", "ไฟล์ที่ได้รับ",
               "ไฟล์ที่ใช้", "ผลตรวจ", "ข้อผิดพลาด", "ข้อสังเกต", "ส่งผลตรวจเมื่อ", "ติดตามเมื่อ")


@dataclass
class OrgStatus:
    code: str
    name: str
    emails: list[str] = field(default_factory=list)
    sent_at: str = ""
    send_error: str = ""
    returned_files: list[str] = field(default_factory=list)
    counting_file: str = ""
    validation: str = "missing"  # valid | warnings | invalid | unreadable | missing
    errors: int = 0
    warnings: int = 0
    feedback_sent_at: str = ""
    reminded_at: str = ""

    def as_dict(self) -> dict:
        return asdict(self)


def statuses(orgs: list[Org], ledger: Ledger | None) -> list[OrgStatus]:
    table: dict[str, OrgStatus] = {}
    for org in orgs:
        table[org.code.casefold()] = OrgStatus(org.code, org.name, split_emails(org.email))
    if ledger is None:
        return list(table.values())

    def entry(code: str) -> OrgStatus:
        key = code.casefold()
        if key not in table:  # a return from an organisation not on the list
            table[key] = OrgStatus(code, "")
        return table[key]

    for row in ledger.sent_rows():
        st = entry(row.code)
        if row.kind == "workbook":
            if row.state == "sent":
                st.sent_at, st.send_error = row.at, row.error
            else:
                st.send_error = row.error or "ส่งไม่สำเร็จ (ยังไม่ได้รับการยืนยันจากเซิร์ฟเวอร์)"
                if not row.error and row.state == "sending":  # never sent again blind
                    st.send_error = ("อาจส่งไปแล้ว (ส่งให้เซิร์ฟเวอร์แล้วแต่ไม่ทราบผล) — สั่ง send "
                                     "เพื่อตรวจในโฟลเดอร์ Sent")
        elif row.kind == "feedback" and row.state == "sent":
            st.feedback_sent_at = max(st.feedback_sent_at, row.at)
        elif row.kind == "remind" and row.state == "sent":
            st.reminded_at = max(st.reminded_at, row.at)
    for got in ledger.received_rows():  # oldest first: the newest return counts
        if not got.code or not got.saved:
            continue
        st = entry(got.code)
        st.returned_files.append(got.saved)
        st.counting_file = got.saved
        st.validation = got.status or "unreadable"
        st.errors, st.warnings = got.errors, got.warnings
    return list(table.values())


def round_status(round_dir: str | Path, orgs: list[Org]) -> list[OrgStatus]:
    """One :class:`OrgStatus` per organisation in ``orgs``, plus any code the ledger of the
    round in ``round_dir`` knows that is not listed (``ita_xlsx.round_status`` reads the list)."""
    round_dir = Path(round_dir)
    ledger_path = round_dir / LEDGER_FILE
    if not ledger_path.is_file():
        return statuses(list(orgs), None)
    with Ledger(ledger_path) as ledger:
        return statuses(list(orgs), ledger)


TIME_COLUMNS = ("sent_at", "feedback_sent_at", "reminded_at")


def when(iso: str, lang: str = "th") -> str:
    """An ISO time as an officer reads it: 30/11/2569 14:05 (Buddhist Era in Thai)."""
    from datetime import datetime

    if not iso:
        return ""
    try:
        t = datetime.fromisoformat(iso)
    except ValueError:
        return iso
    year = t.year + 543 if lang != "en" else t.year
    return f"{t.day:02d}/{t.month:02d}/{year} {t.hour:02d}:{t.minute:02d}"


def _cell(st: OrgStatus, column: str, lang: str) -> object:
    value = getattr(st, column)
    if column in TIME_COLUMNS:
        return when(value, lang)
    if column == "validation":
        return (STATE_EN if lang == "en" else STATE_TH).get(value, value)
    if isinstance(value, list):
        return "; ".join(value)
    return value


def rows(items: list[OrgStatus], lang: str = "th") -> list[list[object]]:
    return [[_cell(st, c, lang) for c in COLUMNS] for st in items]


def headings(lang: str = "th") -> list[str]:
    return list(COLUMNS) if lang == "en" else list(HEADINGS_TH)


def write_status_xlsx(items: list[OrgStatus], path: Path, lang: str = "th",
                      force: bool = False) -> Path:
    import io

    import xlsxwriter

    from ita_xlsx.core.files import atomic_write

    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True})
    ws = wb.add_worksheet("สถานะ" if lang != "en" else "Status")
    font = {"font_name": "TH Sarabun New", "font_size": 14}  # as the workbooks and reports
    bold = wb.add_format({**font, "bold": True, "bg_color": "#DDEBF7", "border": 1,
                          "text_wrap": True, "valign": "top"})
    text = wb.add_format({**font, "valign": "top"})
    fills = {"valid": "#C6EFCE", "warnings": "#FFEB9C", "invalid": "#FFC7CE",
             "unreadable": "#FFC7CE", "missing": "#EDEDED"}
    state_fmt = {k: wb.add_format({**font, "bg_color": v, "valign": "top"})
                 for k, v in fills.items()}
    heads = headings(lang)
    for c, h in enumerate(heads):
        ws.write_string(0, c, h, bold)
    for r, st in enumerate(items, start=1):
        for c, column in enumerate(COLUMNS):
            value = _cell(st, column, lang)
            fmt = state_fmt.get(st.validation, text) if column == "validation" else text
            if isinstance(value, int):
                ws.write_number(r, c, value, fmt)
            else:
                ws.write_string(r, c, str(value), fmt)
    widths = (9, 22, 24, 14, 18, 34, 34, 13, 8, 8, 14, 14)
    for c, w in enumerate(widths):
        ws.set_column(c, c, w)
    ws.freeze_panes(1, 2)
    ws.set_landscape()
    ws.set_paper(9)  # A4
    ws.fit_to_pages(1, 0)  # all columns on one page width
    ws.repeat_rows(0)
    ws.set_margins(left=0.4, right=0.4, top=0.5, bottom=0.5)
    ws.autofilter(0, 0, max(len(items), 1), len(COLUMNS) - 1)
    wb.close()
    atomic_write(path, buf.getvalue(), force)
    return path
