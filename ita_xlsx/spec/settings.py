"""The round folder's settings file, ``ita-settings.toml``.

Sections: ``[round]`` (fiscal_year, round, deadline, contact), ``[district]`` (names for the
memo and the messages), ``[mail]`` (servers and the sender) and ``[message]`` (the editable
subject and body of each kind of message). Every key is optional. When the round folder has no
``[mail]`` section, the user's own settings file (``~/.config/ita-xlsx/ita-settings.toml``, or
``%APPDATA%\\ita-xlsx\\`` on Windows) is used for it, so the servers are set up once.

A password is never stored here: it comes from the environment variable named by
``password_env``, the OS keyring (when the ``keyring`` package is installed) or a prompt.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path

from ita_xlsx.core.errors import ItaError

SETTINGS_FILE = "ita-settings.toml"
DEFAULT_PASSWORD_ENV = "ITA_XLSX_MAIL_PASSWORD"
KEYRING_SERVICE = "ita-xlsx"

# Ready settings for common services; the officer adds user and sender_name.
# per_minute: Gmail allows bursts but flags accounts sending fast to many recipients;
# 20 a minute keeps a district's 100 messages to five minutes and under every provider's limit.
PRESETS: dict[str, dict[str, object]] = {
    "gmail": {"smtp_host": "smtp.gmail.com", "smtp_port": 465, "smtp_security": "ssl",
              "imap_host": "imap.gmail.com", "imap_port": 993, "imap_security": "ssl"},
    "mailgothai": {"smtp_host": "smtp.mail.go.th", "smtp_port": 465, "smtp_security": "ssl",
                   "imap_host": "imap.mail.go.th", "imap_port": 993, "imap_security": "ssl"},
    "outlook": {"smtp_host": "smtp.office365.com", "smtp_port": 587,
                "smtp_security": "starttls", "imap_host": "outlook.office365.com",
                "imap_port": 993, "imap_security": "ssl"},
}
SECURITY = ("ssl", "starttls", "none")


class SettingsError(ItaError):
    """The settings file cannot be used as written (exit 2); the text names file and key."""


@dataclass
class RoundSettings:
    fiscal_year: int | None = None
    round: str = ""
    deadline: str = ""
    contact: str = ""


@dataclass
class DistrictSettings:
    name: str = ""
    office: str = ""
    document_prefix: str = ""
    signer_name: str = ""
    signer_position: str = ""
    addressee: str = ""


@dataclass
class DocumentSettings:
    """``[documents]``: the office's emblem (ครุฑ) for the ประกาศ and the memos, as an image file
    or the office's own letterhead .docx holding it; paths relative to the settings file."""

    emblem: str = ""
    letterhead: str = ""

    def paths(self, base: Path) -> tuple[Path | None, Path | None]:
        def resolve(text: str) -> Path | None:
            if not text:
                return None
            p = Path(text).expanduser()
            return p if p.is_absolute() else base / p
        return resolve(self.emblem), resolve(self.letterhead)


@dataclass
class MailSettings:
    smtp_host: str = ""
    smtp_port: int = 0
    smtp_security: str = "ssl"
    imap_host: str = ""
    imap_port: int = 0
    imap_security: str = "ssl"
    user: str = ""
    sender_name: str = ""
    sender: str = ""  # the From address when it differs from the login name
    reply_to: str = ""
    password_env: str = DEFAULT_PASSWORD_ENV
    ca_file: str = ""  # a CA certificate to trust besides the system's (a private mail server)
    per_minute: float = 20.0  # 0 = no throttle
    timeout: float = 60.0

    @property
    def from_address(self) -> str:
        return self.sender or self.user

    @property
    def configured(self) -> bool:
        return bool(self.smtp_host and self.user)

    def port(self, which: str) -> int:
        given = self.smtp_port if which == "smtp" else self.imap_port
        if given:
            return int(given)
        security = self.smtp_security if which == "smtp" else self.imap_security
        if which == "smtp":
            return {"ssl": 465, "starttls": 587}.get(security, 25)
        return 993 if security == "ssl" else 143


@dataclass
class Settings:
    round: RoundSettings = field(default_factory=RoundSettings)
    district: DistrictSettings = field(default_factory=DistrictSettings)
    documents: DocumentSettings = field(default_factory=DocumentSettings)
    mail: MailSettings = field(default_factory=MailSettings)
    message: dict[str, str] = field(default_factory=dict)
    path: Path | None = None  # the file the round's settings came from


def user_settings_path() -> Path:
    base = os.environ.get("APPDATA") if os.name == "nt" else None
    if base:
        return Path(base) / "ita-xlsx" / SETTINGS_FILE
    config = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(config) / "ita-xlsx" / SETTINGS_FILE


def _read(path: Path) -> dict:
    try:  # utf-8-sig: Notepad on Windows may save the file with a byte-order mark
        return tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise SettingsError(f"อ่านไฟล์ตั้งค่า {path} ไม่ได้: {exc} — แก้ไฟล์ให้ถูกรูปแบบ TOML",
                            f"Cannot read settings file {path}: {exc}") from None
    except OSError as exc:
        raise SettingsError(f"เปิดไฟล์ตั้งค่า {path} ไม่ได้ ({exc.strerror})",
                            f"Cannot open settings file {path} ({exc.strerror})") from None


def read_file(path: str | Path) -> dict:
    """The settings file as plain TOML data ({} when there is none); a file that cannot be
    read raises :class:`SettingsError`. For readers that take sections of their own."""
    path = Path(path)
    return _read(path) if path.is_file() else {}


def _fill(cls, data: object, path: Path, section: str):
    obj = cls()
    if not isinstance(data, dict):
        return obj
    known = {f.name: f for f in fields(cls)}
    for key, value in data.items():
        f = known.get(key)
        if f is None:
            raise SettingsError(
                f"ไฟล์ {path.name} ส่วน [{section}]: ไม่รู้จักคีย์ {key!r} "
                f"(ใช้ได้: {', '.join(known)})",
                f"{path.name} [{section}]: unknown key {key!r} (known: {', '.join(known)})")
        default = getattr(obj, key)
        try:
            if isinstance(default, bool):
                value = bool(value)
            elif isinstance(default, int) and not isinstance(default, bool):
                value = int(value)
            elif isinstance(default, float):
                value = float(value)
            elif key == "fiscal_year":
                value = int(value) if value not in (None, "") else None
            else:
                value = str(value)
        except (TypeError, ValueError):
            raise SettingsError(
                f"ไฟล์ {path.name} ส่วน [{section}]: ค่า {key} = {value!r} ไม่ใช่ตัวเลข",
                f"{path.name} [{section}]: {key} = {value!r} is not a number") from None
        setattr(obj, key, value)
    return obj


def _mail(data: dict, path: Path) -> MailSettings:
    data = dict(data)
    preset = str(data.pop("preset", "") or "").lower()
    if preset:
        if preset not in PRESETS:
            raise SettingsError(
                f"ไฟล์ {path.name}: ไม่รู้จัก preset {preset!r} (มี {', '.join(PRESETS)})",
                f"{path.name}: unknown preset {preset!r} (known: {', '.join(PRESETS)})")
        data = {**PRESETS[preset], **data}
    mail = _fill(MailSettings, data, path, "mail")
    for key in ("smtp_security", "imap_security"):
        value = getattr(mail, key).lower()
        if value not in SECURITY:
            raise SettingsError(
                f"ไฟล์ {path.name} ส่วน [mail]: {key} ต้องเป็น ssl, starttls หรือ none",
                f"{path.name} [mail]: {key} must be ssl, starttls or none")
        setattr(mail, key, value)
    return mail


def load_settings(round_dir: str | Path = ".", *, use_user_file: bool = True) -> Settings:
    """The settings of the round in ``round_dir`` (defaults where there is no file)."""
    round_dir = Path(round_dir)
    path = round_dir / SETTINGS_FILE if round_dir.is_dir() else round_dir
    data = _read(path) if path.is_file() else {}
    settings = Settings(path=path if path.is_file() else None)
    settings.round = _fill(RoundSettings, data.get("round"), path, "round")
    settings.district = _fill(DistrictSettings, data.get("district"), path, "district")
    settings.documents = _fill(DocumentSettings, data.get("documents"), path, "documents")
    mail_data = data.get("mail")
    if not mail_data and use_user_file:
        user_file = user_settings_path()
        if user_file.is_file():
            mail_data, path = _read(user_file).get("mail"), user_file
    settings.mail = _mail(mail_data or {}, path)
    message = data.get("message")
    if isinstance(message, dict):
        settings.message = {str(k): str(v) for k, v in message.items()}
    return settings


def load_district(path: Path) -> DistrictSettings:
    """Only the ``[district]`` section of a settings file (the district memo needs no more,
    and a mail section still being set up must not stop it)."""
    return _fill(DistrictSettings, _read(Path(path)).get("district"), Path(path), "district")


def _toml_string(value: str) -> str:
    out = value.replace("\\", "\\\\").replace('"', '\\"')
    for ch, esc in (("\n", "\\n"), ("\r", "\\r"), ("\t", "\\t")):
        out = out.replace(ch, esc)
    return f'"{out}"'


def save_district(path: str | Path, values: dict[str, str]) -> DistrictSettings:
    """Write the ``[district]`` section of the settings file (made when missing); every other
    section, and its comments, stay as they are. Empty values are left out. The file is
    read back through the same reader before it replaces the old one."""
    _save_section(Path(path), "district", [f.name for f in fields(DistrictSettings)], values)
    return load_district(Path(path))


def save_documents(path: str | Path, values: dict[str, str]) -> DocumentSettings:
    """Write the ``[documents]`` section (the emblem) as :func:`save_district` does."""
    _save_section(Path(path), "documents", [f.name for f in fields(DocumentSettings)], values)
    return load_documents(Path(path))


def _save_section(path: Path, section: str, known: list[str], values: dict[str, str]) -> None:
    import re

    from ita_xlsx.core.files import atomic_write

    unknown = [k for k in values if k not in known]
    if unknown:
        raise SettingsError(f"ส่วน [{section}] ไม่มีคีย์ {', '.join(unknown)}",
                            f"[{section}] has no key {', '.join(unknown)}")
    old = path.read_text(encoding="utf-8-sig") if path.is_file() else ""
    block = f"[{section}]\n" + "".join(f"{k} = {_toml_string(str(values[k]))}\n"
                                       for k in known if str(values.get(k) or "").strip())
    lines = old.splitlines(keepends=True)
    head = re.compile(rf"\s*\[{section}\]\s*(#.*)?$")
    start = next((i for i, line in enumerate(lines) if head.match(line)), None)
    if start is None:
        text = old + ("\n" if old and not old.endswith("\n") else "") + (
            "\n" if old.strip() else "") + block
    else:
        end = next((i for i in range(start + 1, len(lines))
                    if re.match(r"\s*\[[^\]]+\]", lines[i])), len(lines))
        tail = "".join(lines[end:])
        text = "".join(lines[:start]) + block + ("\n" + tail if tail else "")
    try:
        tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:  # the rest of the file was broken already
        raise SettingsError(f"ไฟล์ตั้งค่า {path.name} มีรูปแบบไม่ถูกต้องอยู่แล้ว ({exc}) "
                            "ให้แก้ไฟล์ก่อน", f"{path.name} is not valid TOML ({exc}); fix "
                            "it first") from None
    atomic_write(path, text.encode("utf-8"), force=True)


def load_documents(path: Path) -> DocumentSettings:
    """Only the ``[documents]`` section (the emblem), like :func:`load_district`."""
    return _fill(DocumentSettings, _read(Path(path)).get("documents"), Path(path), "documents")


def password_for(mail: MailSettings) -> str | None:
    """The password from the environment, then the OS keyring; None when neither has it."""
    value = os.environ.get(mail.password_env or DEFAULT_PASSWORD_ENV)
    if value:
        return value
    try:
        import keyring  # optional: the Windows Credential Manager / macOS Keychain
    except ImportError:
        return None
    try:
        return keyring.get_password(KEYRING_SERVICE, mail.user) or None
    except Exception:  # noqa: BLE001 - no keyring backend on this machine
        return None


SAMPLE = """\
# ita-xlsx: settings of this round (UTF-8). Lines starting with # are comments.
[round]
fiscal_year = 2570
round = "6"                      # "plan", "6" or "12"
deadline = "31/03/2570"
contact = "ท้องถิ่นอำเภอ... โทร ..."

[district]
name = "อำเภอ..."
office = "ที่ทำการท้องถิ่นอำเภอ..."

[documents]
# emblem = "ครุฑ.png"            # the office's emblem image for the ประกาศ and the memos
# letterhead = "แบบบันทึกข้อความ.docx"  # or the office's letterhead .docx holding it

[mail]
preset = "gmail"                 # or "mailgothai", "outlook"; or set the hosts below
# smtp_host = "smtp.gmail.com"
# smtp_port = 465
# smtp_security = "ssl"          # ssl | starttls | none
# imap_host = "imap.gmail.com"
# imap_port = 993
# imap_security = "ssl"
user = "saraban.amphoe@gmail.com"
sender_name = "ท้องถิ่นอำเภอ..."
# reply_to = ""
# password_env = "ITA_XLSX_MAIL_PASSWORD"   # the password is never written in this file
# ca_file = ""                   # a CA certificate to trust (a private mail server)
per_minute = 20                  # messages a minute; 0 = no limit
"""
