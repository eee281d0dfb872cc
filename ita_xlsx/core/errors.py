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


__all__ = ["Cancelled", "FrameworkError", "InputError", "ItaError", "OrgListError", "OutputError", "OutputExists",
           "TemplateError"]
