"""The round at a glance, per organisation: sent, returned, its state, feedback, reminded.

The state, the files received and the file that counts are the round model's answer
(``ita_xlsx.rounds.open_round``: every file in the returns folder, however it got there, and
the replies without a workbook); what was sent, fed back and reminded is the mail ledger's.
The console table, the JSON/CSV, the .xlsx and the web view all show the same thing.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path

from ita_xlsx.core.records import Org
from ita_xlsx.core.vocabulary import FILE_STATES, HEADINGS, ORG_STATES, label
from ita_xlsx.mail.ledger import LEDGER_FILE, Ledger
from ita_xlsx.rounds.model import LEGACY_STATUS, Round
from ita_xlsx.spec.orgs import split_emails
from ita_xlsx.thai.dates import format_moment

STATE_TH = {k: v.th for k, v in ORG_STATES.items()}
STATE_EN = {k: v.en for k, v in ORG_STATES.items()}
COLUMNS = ("code", "name", "emails", "sent_at", "send_error", "returned_files", "counting_file",
           "state", "errors", "warnings", "feedback_sent_at", "reminded_at")
# the column headings are the vocabulary's (state: the organisation's, the "status" word)
_HEADING_KEYS = {"code": "org_code", "name": "org_name", "emails": "email", "state": "status"}


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
    """A ledger time as an officer reads it: 30/11/2569 14:05, Thai time, Buddhist Era."""
    return format_moment(iso, lang) if iso else ""


def _cell(st: OrgStatus, column: str, lang: str) -> object:
    value = getattr(st, column)
    if column in TIME_COLUMNS:
        return when(value, lang)
    if column == "state":
        return label(ORG_STATES, value, lang)
    if column == "validation":
        return label(FILE_STATES, value, lang)
    if isinstance(value, list):
        return "; ".join(value)
    return value


def rows(items: list[OrgStatus], lang: str = "th") -> list[list[object]]:
    return [[_cell(st, c, lang) for c in COLUMNS] for st in items]


def headings(lang: str = "th") -> list[str]:
    return [label(HEADINGS, _HEADING_KEYS.get(c, c), lang) for c in COLUMNS]


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


# ---------------------------------------------------------------- what changed since a moment


@dataclass
class Change:
    """One thing that happened in the round, from the ledger's timestamps."""

    at: str  # ISO 8601 with its offset
    code: str
    kind: str  # arrival | state | sent | send_failed | no_workbook
    th: str
    en: str

    def text(self, lang: str = "th") -> str:
        return self.en if lang == "en" else self.th

    def as_dict(self, lang: str = "th") -> dict:
        return {"at": self.at, "code": self.code, "kind": self.kind, "text": self.text(lang)}


def changes_since(round_dir: str | Path, since: datetime) -> list[Change]:
    """What happened since ``since`` (an aware datetime): returns that arrived, organisations
    whose result changed (from what their newest return before said), messages sent or that
    failed, and replies that carried no workbook; oldest first."""
    from ita_xlsx.core.vocabulary import FILE_STATES, MAIL_KINDS, ORG_STATES, word
    from ita_xlsx.thai.dates import iso_moment, thai_time

    ledger_path = Path(round_dir) / LEDGER_FILE
    if not ledger_path.is_file():
        return []
    since = thai_time(since) or since

    def after(at: str) -> bool:
        t = thai_time(at)
        return t is not None and t >= since

    out: list[Change] = []
    with Ledger(ledger_path) as ledger:
        before: dict[str, str] = {}
        for row in ledger.received_rows():  # oldest first
            if not row.saved:
                continue
            key, state = row.code.casefold(), row.status or "unreadable"
            if not after(row.received_at):
                if key:
                    before[key] = state
                continue
            shown = word(FILE_STATES, state, "th"), word(FILE_STATES, state, "en")
            out.append(Change(iso_moment(row.received_at), row.code, "arrival",
                              f"ได้รับไฟล์ {row.saved} ({shown[0]})",
                              f"received {row.saved} ({shown[1]})"))
            old = before.get(key, "missing") if key else ""
            if key and old != state:
                out.append(Change(
                    iso_moment(row.received_at), row.code, "state",
                    f"สถานะ: {word(FILE_STATES, old)} → {shown[0]}",
                    f"state: {word(FILE_STATES, old, 'en')} → {shown[1]}"))
                before[key] = state
        for s in ledger.sent_rows():
            if not after(s.at) or s.state == "sending" and not s.error:
                continue
            what = MAIL_KINDS.get(s.kind)
            th, en = (what.th, what.en) if what else (s.kind, s.kind)
            if s.state == "sent":
                out.append(Change(iso_moment(s.at), s.code, "sent", f"ส่ง{th}แล้ว ({s.recipients})",
                                  f"{en} sent ({s.recipients})"))
            else:
                out.append(Change(iso_moment(s.at), s.code, "send_failed",
                                  f"ส่ง{th}ไม่สำเร็จ: {s.error}", f"{en} not sent: {s.error}"))
        for sender, subject, date, note in ledger.messages_without_workbook():
            if after(date):
                out.append(Change(iso_moment(date), "", "no_workbook",
                                  f"{word(ORG_STATES, 'sent')}: ข้อความไม่มีแบบรายงานจาก {sender} "
                                  f"\"{subject}\" — {note}",
                                  f"message without a workbook from {sender} \"{subject}\""))
    return sorted(out, key=lambda c: (c.at, c.code, c.kind))
