"""The round at a glance, per organisation: sent, returned, its state, feedback, reminded.

The state, the files received and the file that counts are the round model's answer
(``ita_xlsx.rounds.open_round``: every file in the returns folder, however it got there, and
the replies without a workbook); what was sent, fed back and reminded is the mail ledger's.
The console table, the JSON/CSV, the .xlsx and the web view all show the same thing.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path

from ita_xlsx.core.records import Org
from ita_xlsx.core.vocabulary import ORG_STATES
from ita_xlsx.mail.ledger import LEDGER_FILE, Ledger
from ita_xlsx.rounds.model import LEGACY_STATUS, Round
from ita_xlsx.spec.orgs import split_emails

STATE_TH = {k: v[0] for k, v in ORG_STATES.items()}
STATE_EN = {k: v[1] for k, v in ORG_STATES.items()}
COLUMNS = ("code", "name", "emails", "sent_at", "send_error", "returned_files", "counting_file",
           "state", "errors", "warnings", "feedback_sent_at", "reminded_at")
HEADINGS_TH = ("รหัส", "หน่วยงาน", "อีเมล", "ส่งแบบฟอร์มเมื่อ", "ส่งไม่สำเร็จ", "ไฟล์ที่ได้รับ",
               "ไฟล์ที่ใช้", "สถานะ", "ข้อผิดพลาด", "ข้อสังเกต", "ส่งผลตรวจเมื่อ", "ติดตามเมื่อ")


@dataclass
class OrgStatus:
    code: str
    name: str
    emails: list[str] = field(default_factory=list)
    sent_at: str = ""
    send_error: str = ""
    returned_files: list[str] = field(default_factory=list)
    counting_file: str = ""
    state: str = "not_sent"  # the round model's state (rounds.OrgState value)
    why: str = ""  # why that state, in Thai (why_en in English)
    why_en: str = ""
    validation: str = "missing"  # the older words: valid | warnings | invalid | unreadable | missing
    errors: int = 0
    warnings: int = 0
    feedback_sent_at: str = ""
    reminded_at: str = ""
    replies: list[str] = field(default_factory=list)  # replies without a workbook (notes)

    def as_dict(self) -> dict:
        return asdict(self)


def statuses(orgs: list[Org], ledger: Ledger | None, rnd: Round | None = None
             ) -> list[OrgStatus]:
    table: dict[str, OrgStatus] = {}
    for org in orgs:
        table[org.code.casefold()] = OrgStatus(org.code, org.name, split_emails(org.email))

    def entry(code: str) -> OrgStatus:
        key = code.casefold()
        if key not in table:  # a return from an organisation not on the list
            table[key] = OrgStatus(code, "")
        return table[key]

    for o in rnd.orgs if rnd is not None else []:
        st = entry(o.code)
        st.name = st.name or o.name
        st.state, st.validation = o.state.value, LEGACY_STATUS[o.state.value]
        st.why, st.why_en = o.why_th, o.why_en
        st.returned_files = [f.key or f.name for f in o.files]
        st.counting_file = (o.counting.key or o.counting.name) if o.counting else ""
        st.errors, st.warnings = o.errors, o.warnings
        st.replies = [r.note_th for r in o.replies]
    if ledger is None:
        return list(table.values())
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
    return list(table.values())


def round_status(round_dir: str | Path, orgs: list[Org], rnd: Round | None = None
                 ) -> list[OrgStatus]:
    """One :class:`OrgStatus` per organisation in ``orgs``, plus any organisation the round
    found that is not listed. ``rnd``: the round already opened (else it is opened here)."""
    round_dir = Path(round_dir)
    if rnd is None:
        from ita_xlsx.rounds.model import open_round

        rnd = open_round(round_dir, orgs=list(orgs) if orgs else None)
    ledger_path = round_dir / LEDGER_FILE
    if not ledger_path.is_file():
        return statuses(list(orgs), None, rnd)
    with Ledger(ledger_path) as ledger:
        return statuses(list(orgs), ledger, rnd)


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
    if column == "state":
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
    fills = {"passed": "#C6EFCE", "passed_with_notes": "#FFEB9C", "needs_fixing": "#FFC7CE",
             "unusable": "#FFC7CE", "not_counted": "#FFC7CE", "sent": "#DDEBF7",
             "not_sent": "#EDEDED"}
    state_fmt = {k: wb.add_format({**font, "bg_color": v, "valign": "top"})
                 for k, v in fills.items()}
    heads = headings(lang)
    for c, h in enumerate(heads):
        ws.write_string(0, c, h, bold)
    for r, st in enumerate(items, start=1):
        for c, column in enumerate(COLUMNS):
            value = _cell(st, column, lang)
            fmt = state_fmt.get(st.state, text) if column == "state" else text
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
