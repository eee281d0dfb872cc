"""Building the messages: Thai subject and body from an editable template, the subject tag that
lets replies be matched, and attachments whose Thai names every common mail program shows.

Attachment names are given twice, as mail programs do themselves: RFC 2231 (``filename*=``,
read by Thunderbird, Gmail, Apple Mail and current Outlook) and an RFC 2047 word in
``name=`` (what older Outlook versions read). Messages are built with the ``compat32`` email
classes because the newer policy refolds long Content-Type values into encoded words that
mail programs do not understand.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from email import encoders
from email.header import Header
from email.mime.base import MIMEBase
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import formataddr, formatdate, make_msgid

from ita_xlsx.core.errors import ItaError
from ita_xlsx.core.vocabulary import ROUNDS

ROUND_TAGS = {"plan": "แผน", "6": "รอบ6", "12": "รอบ12"}
ROUND_LABELS = {k: w.th for k, w in ROUNDS.items()}  # the vocabulary's words
TAG_RE = re.compile(r"\[ITA(\d{4})-([^\]\s-]+)-([A-Za-z0-9._-]+)\]")
PLACEHOLDER_SENDER = "ita-xlsx@example.invalid"

MIME_TYPES = {
    ".xlsx": ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ".xlsm": ("application", "vnd.ms-excel.sheet.macroEnabled.12"),
    ".xls": ("application", "vnd.ms-excel"),
    ".ods": ("application", "vnd.oasis.opendocument.spreadsheet"),
    ".zip": ("application", "zip"),
    ".pdf": ("application", "pdf"),
}

# The editable message texts: [message] in ita-settings.toml overrides any of these keys.
DEFAULT_TEXTS = {
    "subject": "{tag} ขอส่งแบบรายงานมาตรการส่งเสริมคุณธรรมและความโปร่งใส (ITA) "
               "ปี {fiscal_year} {round_label} — {org_name}",
    "body": (
        "เรียน {org_name}\n\n"
        "{office} ขอส่งแบบรายงานมาตรการส่งเสริมคุณธรรมและความโปร่งใส (ITA) "
        "ประจำปีงบประมาณ {fiscal_year} {round_label} ของหน่วยงานท่าน "
        "ตามไฟล์แนบ ({file_name})\n\n"
        "ขอความร่วมมือกรอกข้อมูลในไฟล์นี้ (ไม่ต้องเปลี่ยนชื่อแผ่นงานหรือคอลัมน์) "
        "แล้วตอบกลับอีเมลนี้พร้อมแนบไฟล์ ภายในวันที่ {deadline}\n"
        "กรุณาคงข้อความ {tag} ไว้ในหัวเรื่อง เพื่อให้ระบบรับไฟล์ได้ถูกหน่วยงาน\n\n"
        "สอบถามเพิ่มเติม: {contact}\n\n"
        "{sender_name}\n"
    ),
    "feedback_subject": "Re: {tag} ผลการตรวจแบบรายงาน ITA ปี {fiscal_year} — {org_name}",
    "feedback_body": (
        "เรียน {org_name}\n\n"
        "{office} ได้ตรวจแบบรายงานที่หน่วยงานท่านส่งมาแล้ว ผลการตรวจ: {result}\n\n"
        "{summary}\n\n"
        "ไฟล์แนบ ({file_name}) คือข้อมูลของท่านพร้อมหมายเหตุที่เซลล์ที่ต้องแก้ "
        "และแผ่นงาน \"ผลการตรวจ\" ที่รวมทุกรายการ กรุณาแก้ไขในไฟล์นี้แล้วตอบกลับอีเมลนี้"
        "พร้อมแนบไฟล์ ภายในวันที่ {deadline}\n\n"
        "สอบถามเพิ่มเติม: {contact}\n\n"
        "{sender_name}\n"
    ),
    "remind_subject": "{tag} ขอติดตามแบบรายงาน ITA ปี {fiscal_year} {round_label} "
                      "— {org_name}",
    "remind_body": (
        "เรียน {org_name}\n\n"
        "{office} ยังไม่ได้รับแบบรายงานมาตรการส่งเสริมคุณธรรมและความโปร่งใส (ITA) "
        "ประจำปีงบประมาณ {fiscal_year} {round_label} ของหน่วยงานท่าน{why}\n"
        "ขอความร่วมมือส่งภายในวันที่ {deadline} โดยตอบกลับอีเมลนี้พร้อมแนบไฟล์ "
        "และคงข้อความ {tag} ไว้ในหัวเรื่อง\n"
        "{oit_missing}\n"
        "สอบถามเพิ่มเติม: {contact}\n\n"
        "{sender_name}\n"
    ),
    # send --remind --oit: a return that is in, but whose OIT items are missing or failing
    "remind_oit_subject": "{tag} ขอติดตามรายการ OIT ปี {fiscal_year} — {org_name}",
    "remind_oit_body": (
        "เรียน {org_name}\n\n"
        "{office} ได้รับแบบรายงาน ITA ประจำปีงบประมาณ {fiscal_year} {round_label} "
        "ของหน่วยงานท่านแล้ว แต่รายการเผยแพร่ข้อมูลสาธารณะ (OIT) บางข้อยังไม่มี URL "
        "หรือ URL ไม่ถูกต้อง\n"
        "{oit_missing}\n"
        "ขอความร่วมมือเผยแพร่บนเว็บไซต์หน่วยงาน กรอก URL ในแผ่นงาน \"รายการ OIT\" "
        "แล้วตอบกลับอีเมลนี้พร้อมแนบไฟล์ ภายในวันที่ {deadline} "
        "และคงข้อความ {tag} ไว้ในหัวเรื่อง\n\n"
        "สอบถามเพิ่มเติม: {contact}\n\n"
        "{sender_name}\n"
    ),
}
PLACEHOLDERS = ("tag", "org_code", "org_name", "fiscal_year", "round_label", "deadline",
                "contact", "office", "sender_name", "file_name", "result", "summary", "why",
                "oit_missing")


class TemplateTextError(ItaError):
    """An edited message text names a placeholder that does not exist (exit 2)."""

    def __init__(self, key: str, placeholder: str):
        self.key, self.placeholder = key, placeholder
        known = " ".join(f"{{{p}}}" for p in PLACEHOLDERS)
        super().__init__(
            f"ita-settings.toml ส่วน [message] คีย์ {key}: ไม่รู้จักช่องแทนที่ {{{placeholder}}} "
            f"— ใช้ได้: {known}",
            f"ita-settings.toml [message] {key}: unknown placeholder {{{placeholder}}} "
            f"(known: {known})")


def subject_tag(fiscal_year: int, round_key: str, code: str) -> str:
    return f"[ITA{fiscal_year}-{ROUND_TAGS.get(round_key, round_key)}-{code}]"


def code_from_subject(subject: str) -> str:
    found = TAG_RE.search(subject or "")
    return found.group(3) if found else ""


class _Values(dict):
    def __init__(self, key: str, values: dict[str, object]):
        super().__init__(values)
        self.key = key

    def __missing__(self, name: str) -> str:
        raise TemplateTextError(self.key, name)


def fill(texts: dict[str, str], key: str, values: dict[str, object]) -> str:
    text = texts.get(key) or DEFAULT_TEXTS[key]
    return text.format_map(_Values(key, values))


def check_texts(texts: dict[str, str]) -> None:
    """Raise :class:`TemplateTextError` when an edited text names an unknown placeholder."""
    dummy: dict[str, object] = {p: "" for p in PLACEHOLDERS}
    for key in DEFAULT_TEXTS:
        fill(texts, key, dummy)


def message_id_for(kind: str, key: str, sender: str) -> str:
    """A Message-ID fixed by what is sent, so a resend after a crash carries the same one."""
    domain = sender.rpartition("@")[2] or "ita-xlsx.invalid"
    digest = hashlib.sha256(f"{kind}\0{key}\0{sender}".encode()).hexdigest()[:24]
    return f"<ita-{kind}-{digest}@{domain}>"


def new_message_id(sender: str) -> str:
    domain = sender.rpartition("@")[2] or "ita-xlsx.invalid"
    return make_msgid("ita", domain=domain)


def oit_block(items: list[str]) -> str:
    """The reminder's list of the organisation's missing OIT items ("" when none)."""
    if not items:
        return ""
    return "\nรายการ OIT ที่ยังขาด:\n" + "\n".join(f"- {i}" for i in items) + "\n"


@dataclass
class Attachment:
    name: str
    data: bytes


def attachment_part(att: Attachment) -> MIMEBase:
    suffix = "." + att.name.rpartition(".")[2].lower() if "." in att.name else ""
    maintype, subtype = MIME_TYPES.get(suffix, ("application", "octet-stream"))
    part = MIMEBase(maintype, subtype)
    part.set_payload(att.data)
    encoders.encode_base64(part)
    if att.name.isascii():
        part.set_param("name", att.name)
        part.add_header("Content-Disposition", "attachment", filename=att.name)
    else:
        part.set_param("name", Header(att.name, "utf-8").encode(maxlinelen=998))
        part.add_header("Content-Disposition", "attachment", filename=("utf-8", "", att.name))
    return part


class OneLine:
    """A header value written on its own line, never folded: compat32 folds a long
    Message-ID, In-Reply-To or References after the colon, and mail programs then read the
    value with a leading space (a reply that does not thread)."""

    def __init__(self, value: str):
        self.value = " ".join(value.split())

    def encode(self, linesep: str = "\n", maxlinelen: int | None = None, **_kw) -> str:
        return self.value

    def __str__(self) -> str:
        return self.value

    def __eq__(self, other: object) -> bool:
        return str(self) == str(other)

    def __hash__(self) -> int:
        return hash(self.value)


def build_message(*, sender: str, sender_name: str, to: list[str], subject: str, body: str,
                  attachments: list[Attachment], message_id: str, reply_to: str = "",
                  in_reply_to: str = "", references: str = "", date: str | None = None
                  ) -> MIMEMultipart:
    msg = MIMEMultipart()
    msg["From"] = formataddr((sender_name, sender), "utf-8") if sender_name else sender
    msg["To"] = ", ".join(to)
    msg["Subject"] = Header(subject, "utf-8")  # type: ignore[assignment]  # compat32 takes a Header
    msg["Date"] = date or formatdate(localtime=True)
    msg["Message-ID"] = OneLine(message_id)  # type: ignore[assignment]
    if reply_to:
        msg["Reply-To"] = reply_to
    if in_reply_to.strip():
        msg["In-Reply-To"] = OneLine(in_reply_to)  # type: ignore[assignment]
        msg["References"] = OneLine(f"{references} {in_reply_to}")  # type: ignore[assignment]
    msg["X-Mailer"] = "ita-xlsx"
    msg.attach(MIMEText(body, "plain", "utf-8"))
    for att in attachments:
        msg.attach(attachment_part(att))
    return msg


def as_bytes(msg: MIMEMultipart) -> bytes:
    from email import policy

    return msg.as_bytes(policy=policy.compat32.clone(linesep="\r\n"))
