"""One error model: every error a user can fix is an :class:`ItaError` carrying its Thai and
English text and the exit code the command line ends with.

The library raises these; the command line turns them into a message in one place
(``cli_base.friendly``). Library users catch ``ita_xlsx.ItaError`` (or a subclass).
"""

from __future__ import annotations

from pathlib import Path


class ItaError(Exception):
    """An error the user can fix. ``th``/``en`` say what is wrong and how to fix it."""

    exit_code = 2  # bad input (a year, a file, a template): like click's usage errors

    def __init__(self, th: str, en: str = "", exit_code: int | None = None):
        self.th = th
        self.en = en or th
        if exit_code is not None:
            self.exit_code = exit_code
        super().__init__(self.en)

    def text(self, lang: str = "th") -> str:
        return self.en if lang == "en" else self.th

    @property
    def message(self) -> str:  # the Thai text (older name)
        return self.th

    @property
    def message_en(self) -> str:
        return self.en


class TemplateError(ItaError):
    """A template file that cannot be used; ``problems`` lists every reason."""

    def __init__(self, path: str, problems: list[str], problems_th: list[str] | None = None):
        self.path = path
        self.problems = problems
        self.problems_th = problems_th or problems
        super().__init__(f"แบบฟอร์ม {path} ใช้ไม่ได้: " + "; ".join(self.problems_th),
                         f"Template {path} is not usable: " + "; ".join(problems))

    def __str__(self) -> str:
        return f"{self.path}: " + "; ".join(self.problems)


class FrameworkError(ItaError, ValueError):
    """Framework data (indicators, weights, levels of a year) missing or invalid."""

    def __init__(self, message: str, message_en: str = "") -> None:
        super().__init__(message, message_en)

    def __str__(self) -> str:
        return self.th


class InputError(ItaError):
    """An input that is not there or holds nothing to work on (no workbook in a folder)."""


class OrgListError(ItaError):
    """The organisation list as a whole is unusable (unreadable, no code or name column)."""


class OutputError(ItaError):
    """An output that cannot be written where asked."""

    exit_code = 1


class OutputExists(OutputError):
    """The output is already there and overwriting was not allowed (``--force``)."""

    def __init__(self, path: Path | str):
        self.path = Path(path)
        super().__init__(f"มีไฟล์ {path} อยู่แล้ว ไม่เขียนทับ (ใช้ --force หากต้องการเขียนทับ)",
                         f"{path} already exists; not overwritten (use --force to overwrite)")

    def __str__(self) -> str:
        return str(self.path)


class Cancelled(KeyboardInterrupt):
    """The run was stopped from outside (SIGTERM, a closed terminal): like Ctrl-C, so every guard
    that lets Ctrl-C through (the readers' panic guards among them) lets this through too, and
    never reports it as a damaged file. Exit code 128 + the signal's number, as shells report it."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.exit_code = 128 + signum


# What went wrong, in words, for exceptions that are no one's fault in the input: the class
# names they carry (SMTPServerDisconnected, BadZipFile) mean nothing to an officer. Matched by
# the names in the exception's MRO so that core imports none of the modules that raise them.
_HAPPENED: tuple[tuple[str, str, str], ...] = (
    ("SMTPServerDisconnected", "เซิร์ฟเวอร์อีเมลตัดการเชื่อมต่อ", "the mail server closed the connection"),
    ("SMTPAuthenticationError", "เข้าสู่ระบบอีเมลไม่ได้ (ชื่อผู้ใช้หรือรหัสผ่าน)",
     "the mail server refused the login (user name or password)"),
    ("SMTPRecipientsRefused", "เซิร์ฟเวอร์อีเมลไม่รับผู้รับ", "the mail server refused the recipients"),
    ("SSLCertVerificationError", "ใบรับรองความปลอดภัย (TLS) ของเซิร์ฟเวอร์ไม่น่าเชื่อถือ",
     "the server's TLS certificate is not trusted"),
    ("SSLError", "การเชื่อมต่อแบบเข้ารหัส (TLS) ไม่สำเร็จ", "the encrypted (TLS) connection failed"),
    ("TimeoutError", "อีกฝ่ายไม่ตอบภายในเวลาที่กำหนด", "no answer in time"),
    ("timeout", "อีกฝ่ายไม่ตอบภายในเวลาที่กำหนด", "no answer in time"),
    ("gaierror", "ไม่พบชื่อเครื่องเซิร์ฟเวอร์", "the server's name was not found"),
    ("ConnectionRefusedError", "ติดต่อเซิร์ฟเวอร์ไม่ได้ (ไม่มีบริการที่พอร์ตนี้)",
     "nothing answers on that port"),
    ("ConnectionResetError", "การเชื่อมต่อถูกตัดกลางทาง", "the connection was cut"),
    ("ConnectionAbortedError", "การเชื่อมต่อถูกตัดกลางทาง", "the connection was cut"),
    ("BrokenPipeError", "การเชื่อมต่อถูกตัดกลางทาง", "the connection was cut"),
    ("BadZipFile", "ไฟล์ ZIP เสียหรือไม่ครบ", "the ZIP file is damaged or incomplete"),
    ("PermissionError", "ไม่มีสิทธิ์เปิดหรือเขียนไฟล์ (ไฟล์อาจเปิดค้างอยู่ในโปรแกรมอื่น)",
     "no permission to open or write the file (it may be open in another program)"),
    ("FileNotFoundError", "ไม่พบไฟล์", "the file was not found"),
    ("IsADirectoryError", "เป็นโฟลเดอร์ ไม่ใช่ไฟล์", "it is a folder, not a file"),
    ("MemoryError", "หน่วยความจำไม่พอ", "not enough memory"),
    ("UnicodeError", "อ่านตัวอักษรไม่ได้ (รหัสตัวอักษรไม่ถูกต้อง)", "the text encoding is not valid"),
    ("RecursionError", "โครงสร้างซ้อนกันลึกเกินไป", "the structure is nested too deeply"),
)


def what_happened(exc: BaseException) -> tuple[str, str]:
    """(Thai, English) words for an exception, never its class name: a known kind in words, a
    server's reply as its code and text, else the exception's own text."""
    names = {c.__name__ for c in type(exc).__mro__}
    if isinstance(exc, ItaError):
        return exc.th, exc.en
    code = getattr(exc, "smtp_code", None)
    if isinstance(code, int) and "SMTPServerDisconnected" not in names:
        reply = getattr(exc, "smtp_error", b"")
        reply = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)
        reply = " ".join(reply.split())[:160]
        return (f"เซิร์ฟเวอร์อีเมลตอบรหัส {code}" + (f" ({reply})" if reply else ""),
                f"the mail server answered {code}" + (f" ({reply})" if reply else ""))
    for name, th, en in _HAPPENED:
        if name in names:
            why = getattr(exc, "strerror", None) or ""
            return (th + (f" ({why})" if why and why not in th else ""),
                    en + (f" ({why})" if why and why not in en else ""))
    text = " ".join(str(exc).split())[:200]  # the exception's own words, when it has some
    return (text, text) if text else ("ทำงานไม่สำเร็จ", "it failed")


__all__ = ["Cancelled", "FrameworkError", "InputError", "ItaError", "OrgListError", "OutputError",
           "OutputExists", "TemplateError", "what_happened"]
