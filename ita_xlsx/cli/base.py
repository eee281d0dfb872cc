"""What every command of the command line shares: the context (language, console), the one
place errors become Thai messages and exit codes, and the common options.

Command modules (``cli.py`` and the ones it registers) import from here; nothing here imports
a command, so there is no cycle. A command module's habits:

- ``@click.command(cls=Command, help="<Thai>", help_en="<English>")`` and
  ``@option("--x", th="<Thai help>", en="<English help>")``: help is Thai unless ``--lang en``;
- ``@lang_option``, ``@click.pass_obj`` and ``@friendly`` on every command;
- call the library API (``ita_xlsx.api``) and raise :class:`ItaError` (or ``UserError.of``
  with an ``i18n`` key) for what the user can fix: ``friendly`` prints it and exits with its
  code; nothing else reaches the user as a traceback.
"""

from __future__ import annotations

import functools
import os
import sys
import traceback
from typing import TYPE_CHECKING

import click

from ita_xlsx.core.errors import Cancelled, ItaError, what_happened
from ita_xlsx.core.messages import msg

if TYPE_CHECKING:
    from rich.console import Console

LANGS = click.Choice(["th", "en"])


class Ctx:
    def __init__(self, lang: str, debug: bool):
        self.lang = lang
        self.debug = debug
        self._console: Console | None = None

    @property
    def console(self) -> Console:
        if self._console is None:
            from rich.console import Console

            # Windows consoles: force UTF-8 so Thai text prints instead of failing.
            if hasattr(sys.stdout, "reconfigure"):
                try:
                    sys.stdout.reconfigure(encoding="utf-8", errors="replace")
                except (ValueError, OSError):
                    pass
            self._console = Console(highlight=False, soft_wrap=True)
        return self._console

    def say(self, text: str, style: str | None = None) -> None:
        self.console.print(text, style=style, markup=False)

    def err(self, text: str) -> None:
        click.echo(text, err=True)


def friendly(fn):
    """The one place an error becomes what the user reads: an :class:`ItaError` (template,
    framework, organisation list, input, output) prints its text in the user's language and
    ends with its exit code; anything else is summarised, never a traceback (``--debug``
    shows one)."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        found = click.get_current_context().find_object(Ctx)
        ctx = found if found is not None else Ctx(help_lang(), False)
        try:
            return fn(*args, **kwargs)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except ItaError as exc:
            click.echo(exc.text(ctx.lang), err=True)
            if ctx.debug:
                traceback.print_exc()
            sys.exit(exc.exit_code)
        except KeyboardInterrupt as exc:  # Ctrl-C, or Cancelled (SIGTERM, SIGHUP)
            _say_cancelled()
            sys.exit(getattr(exc, "exit_code", 130))
        except OSError as exc:  # a file or folder the system refused: say which and why
            if ctx.debug:
                traceback.print_exc()
            from ita_xlsx.core.files import os_error_cause

            th, en = os_error_cause(exc)
            where = exc.filename or ""
            if where:
                click.echo(f"Could not use {where}: {en}" if ctx.lang == "en"
                           else f"ใช้ไฟล์หรือโฟลเดอร์ {where} ไม่ได้: {th}", err=True)
            else:  # writers name their file (OutputFailed); this is the last resort
                click.echo(f"Could not read or write a file: {en}" if ctx.lang == "en"
                           else f"อ่านหรือเขียนไฟล์ไม่ได้: {th}", err=True)
            sys.exit(1)
        except Exception as exc:  # noqa: BLE001 - last line of defence for users
            if ctx.debug:
                traceback.print_exc()
            th, en = what_happened(exc)  # words, never the exception's class name
            click.echo(msg("error.unexpected", ctx.lang, detail=en if ctx.lang == "en" else th),
                       err=True)
            sys.exit(1)

    return wrapper


def _cancel(signum, _frame) -> None:
    from ita_xlsx.core.interrupts import stop

    stop(signum)  # Cancelled now, or once a reader process has finished starting


def _say_cancelled() -> None:
    try:
        click.echo("ยกเลิก / cancelled", err=True)
    except (OSError, ValueError):  # the terminal is gone (SIGHUP)
        pass


def _stop_signals():
    """SIGINT, SIGTERM and SIGHUP end the run: workers stopped, temporary files removed
    (``finally`` blocks run), no traceback, exit 128 + the signal. Returns the previous
    handlers."""
    import signal

    previous = {}
    for name in ("SIGINT", "SIGTERM", "SIGHUP"):
        signum = getattr(signal, name, None)
        if signum is not None:
            try:
                previous[signum] = signal.signal(signum, _cancel)
            except ValueError:  # not the main thread (an embedding program): leave them
                pass
    return previous


class UserError(ItaError):
    """An :class:`ItaError` raised by the command line itself; ``of`` takes a message key."""

    @classmethod
    def of(cls, key: str, exit_code: int = 1, **kw) -> UserError:
        return cls(msg(key, "th", **kw), msg(key, "en", **kw), exit_code)


# ---------------------------------------------------------------- language of help and usage

_HELP_LANG = ["th"]


def help_lang() -> str:
    """The language help and click's own messages are shown in for this run."""
    return _HELP_LANG[0]


def _lang_of(args: list[str]) -> str:
    """--lang anywhere on the line (``--lang en`` or ``--lang=en``), else ITA_XLSX_LANG."""
    lang = os.environ.get("ITA_XLSX_LANG", "th")
    for i, a in enumerate(args):
        if a == "--":
            break
        if a == "--lang" and i + 1 < len(args):
            lang = args[i + 1]
        elif a.startswith("--lang="):
            lang = a.partition("=")[2]
    return "en" if lang == "en" else "th"


# click's own texts (usage errors, help headings) in Thai; keys are click's English msgids.
_CLICK_TH = {
    "Usage:": "วิธีใช้:",
    "Options": "ตัวเลือก",
    "Commands": "คำสั่ง",
    "Show this message and exit.": "แสดงวิธีใช้นี้แล้วจบ",
    "Show the version and exit.": "แสดงรุ่นของโปรแกรมแล้วจบ",
    "%(prog)s, version %(version)s": "%(prog)s รุ่น %(version)s",
    "default: {default}": "ค่าเริ่มต้น: {default}",
    "env var: {var}": "ตัวแปรสภาพแวดล้อม: {var}",
    "required": "จำเป็น",
    "Missing argument": "ยังไม่ได้ระบุ",
    "Missing option": "ยังไม่ได้ระบุตัวเลือก",
    "Missing parameter": "ยังไม่ได้ระบุ",
    "Missing {param_type}": "ยังไม่ได้ระบุ {param_type}",
    "Missing parameter: {param_name}": "ยังไม่ได้ระบุ {param_name}",
    "Missing command.": "ยังไม่ได้ระบุคำสั่ง",
    "No such command {name!r}.": "ไม่มีคำสั่ง {name!r}",
    "No such option {name!r}.": "ไม่มีตัวเลือก {name!r}",
    "No such option: {name}": "ไม่มีตัวเลือก {name}",
    "Option {name!r} does not take a value.": "ตัวเลือก {name!r} ไม่ต้องมีค่าตามหลัง",
    "Option {name!r} requires an argument.": "ตัวเลือก {name!r} ต้องมีค่าตามหลัง",
    "Option {name!r} requires {nargs} arguments.": "ตัวเลือก {name!r} ต้องมีค่าตามหลัง {nargs} ค่า",
    "Got unexpected extra argument ({args})": "มีค่าเกินมา ({args})",
    "Got unexpected extra arguments ({args})": "มีค่าเกินมา ({args})",
    "Did you mean {possibility}?": "หมายถึง {possibility} หรือไม่",
    "(Did you mean one of: {possibilities}?)": "(หมายถึงข้อใดข้อหนึ่งต่อไปนี้หรือไม่: {possibilities})",
    "Invalid value for {param_hint}: {message}": "ค่าของ {param_hint} ไม่ถูกต้อง: {message}",
    "Invalid value: {message}": "ค่าไม่ถูกต้อง: {message}",
    "{value!r} is not {choice}.": "{value!r} ไม่ใช่ {choice}",
    "{value!r} is not one of {choices}.": "{value!r} ไม่อยู่ในตัวเลือก {choices}",
    "{value!r} is not a valid {number_type}.": "{value!r} ไม่ใช่ตัวเลขที่ใช้ได้",
    "{value} is not in the range {range}.": "{value} อยู่นอกช่วง {range}",
    "{name} {filename!r} does not exist.": "ไม่พบ {filename!r} ตรวจชื่อไฟล์หรือโฟลเดอร์อีกครั้ง",
    "{name} {filename!r} is a file.": "{filename!r} เป็นไฟล์ ต้องระบุโฟลเดอร์",
    "{name} {filename!r} is a directory.": "{filename!r} เป็นโฟลเดอร์ ต้องระบุไฟล์",
    "{name} {filename!r} is not readable.": "อ่าน {filename!r} ไม่ได้ (ไม่มีสิทธิ์)",
    "{name} {filename!r} is not writable.": "เขียน {filename!r} ไม่ได้ (ไม่มีสิทธิ์)",
    "Could not open file {filename!r}: {message}": "เปิดไฟล์ {filename!r} ไม่ได้: {message}",
    "Argument {name!r} takes {nargs} values.": "{name!r} ต้องมี {nargs} ค่า",
    "Takes {nargs} values but 1 was given.": "ต้องมี {nargs} ค่า แต่ให้มา 1 ค่า",
    "Takes {nargs} values but {len} were given.": "ต้องมี {nargs} ค่า แต่ให้มา {len} ค่า",
    "Try '{command} {option}' for help.": "ดูวิธีใช้: {command} {option}",
    "Error: {message}": "ข้อผิดพลาด: {message}",
    "Aborted!": "ยกเลิก",
}


def _gettext(message: str) -> str:
    return _CLICK_TH.get(message, message) if help_lang() == "th" else message


def _ngettext(singular: str, plural: str, n: int) -> str:
    return _gettext(singular if n == 1 else plural)


def _localise_click() -> None:
    """click looks its texts up through the module-level names ``_`` and ``ngettext`` it took
    from gettext; pointing them here shows them in the run's language. Only those names change,
    and a click without them is simply left in English."""
    import click.core
    import click.decorators
    import click.exceptions
    import click.formatting
    import click.parser
    import click.types

    for module in (click.core, click.decorators, click.exceptions, click.formatting,
                   click.parser, click.types):
        if hasattr(module, "_"):
            setattr(module, "_", _gettext)  # noqa: B010 - patching click's own modules
        if hasattr(module, "ngettext"):
            setattr(module, "ngettext", _ngettext)  # noqa: B010


_localise_click()


# Placeholders in usage lines and option lists, in Thai ("folder" where a folder is meant).
_METAVAR_TH = {
    "[OPTIONS]": "[ตัวเลือก]", "COMMAND": "คำสั่ง", "[ARGS]...": "[ค่า]...",
    "INPUTS...": "ไฟล์หรือโฟลเดอร์...", "FILE": "ไฟล์", "DIRECTORY": "โฟลเดอร์",
    "PATH": "ไฟล์หรือโฟลเดอร์", "TEXT": "ข้อความ", "INTEGER": "จำนวนเต็ม", "FLOAT": "ตัวเลข",
}


def _metavar(text: str) -> str:
    return _METAVAR_TH.get(text, text) if help_lang() == "th" else text


class Option(click.Option):
    """An option whose help is Thai, with ``help_en`` shown under ``--lang en``."""

    def make_metavar(self, *args, **kwargs) -> str:
        return _metavar(super().make_metavar(*args, **kwargs))

    def __init__(self, *args, help_en: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.help_en = help_en

    def get_help_record(self, ctx: click.Context):
        if help_lang() == "en" and self.help_en:
            thai, self.help = self.help, self.help_en
            try:
                return super().get_help_record(ctx)
            finally:
                self.help = thai
        return super().get_help_record(ctx)


def option(*decls, th: str, en: str, **kwargs):
    """``click.option`` with help in Thai (``th``) and English (``en``)."""
    return click.option(*decls, cls=Option, help=th, help_en=en, **kwargs)


class _Bilingual(click.Command):
    """Help text of a command in Thai, with ``help_en`` under ``--lang en``."""

    help_en: str | None = None

    def _english(self) -> str | None:
        return self.help_en if help_lang() == "en" and self.help_en else None

    def get_help_option(self, ctx):
        # click makes -h/--help once per command; its text follows this run's language.
        option = super().get_help_option(ctx)
        if option is not None:
            option.help = _gettext("Show this message and exit.")
        return option

    def collect_usage_pieces(self, ctx):
        return [" ".join(_metavar(w) for w in piece.split(" "))
                for piece in super().collect_usage_pieces(ctx)]

    def format_help_text(self, ctx, formatter):
        english = self._english()
        if english is None:
            return super().format_help_text(ctx, formatter)
        thai, self.help = self.help, english
        try:
            return super().format_help_text(ctx, formatter)
        finally:
            self.help = thai

    def get_short_help_str(self, limit: int = 45) -> str:
        english = self._english()
        if english is None:
            return super().get_short_help_str(limit)
        thai, short, self.help, self.short_help = self.help, self.short_help, english, None
        try:
            return super().get_short_help_str(limit)
        finally:
            self.help, self.short_help = thai, short


class Command(_Bilingual, click.Command):
    def __init__(self, *args, help_en: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.help_en = help_en


class Group(_Bilingual, click.Group):
    """click's group with help and usage errors in the user's language (Thai unless
    ``--lang en`` or ITA_XLSX_LANG=en), and ``--debug`` taken anywhere on the line."""

    command_class = Command

    def __init__(self, *args, help_en: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.help_en = help_en

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        args = list(sys.argv[1:] if args is None else args)
        _HELP_LANG[0] = lang = _lang_of(args)
        if "--debug" in args[1:]:  # a group option, accepted after the command name too
            end = args.index("--") if "--" in args else len(args)
            args = ["--debug", *(a for a in args[:end] if a != "--debug"), *args[end:]]
        previous = _stop_signals()
        try:
            return super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except Cancelled as exc:
            _say_cancelled()
            sys.exit(exc.exit_code)
        except click.UsageError as exc:
            command = exc.ctx.command_path if exc.ctx else "ita-xlsx"
            click.echo(f"Usage error: {exc.format_message()}\nSee: {command} --help"
                       if lang == "en" else f"ใช้คำสั่งไม่ถูกต้อง: {exc.format_message()}\n"
                       f"ดูวิธีใช้: {command} --help", err=True)
            sys.exit(2)
        except click.ClickException as exc:
            click.echo(exc.format_message(), err=True)
            sys.exit(exc.exit_code)
        except click.Abort:
            _say_cancelled()
            sys.exit(130)
        finally:
            import signal

            for signum, handler in previous.items():
                signal.signal(signum, handler)


# ---------------------------------------------------------------- shared option parsing


def _fiscal_year(value: str | int | None) -> int:
    from ita_xlsx.api import parse_year

    return parse_year(value)


def _template(path: str | None):
    from ita_xlsx.api import load_template

    return load_template(path)


def _deadline(value: str | None) -> str:
    from ita_xlsx.api import parse_deadline

    return parse_deadline(value)


def _set_lang(ctx: click.Context, _param, value: str | None) -> None:
    found = ctx.find_object(Ctx)
    if value and found is not None:
        found.lang = value


# --lang also after the command name (ita-xlsx validate ... --lang en), as people type it.
lang_option = option("--lang", type=LANGS, default=None, expose_value=False, callback=_set_lang,
                     th="ภาษาของข้อความ: th (ไทย) หรือ en (อังกฤษ)",
                     en="Language of messages: th (Thai) or en (English).")

year_option = option(
    "--year", "year", default=None,  # text: Thai digits (๒๕๗๐) and a Thai error message
    th="ปีงบประมาณ พ.ศ. (ค่าเริ่มต้น: ปีปัจจุบัน เช่น 2570)",
    en="Fiscal year, Buddhist Era (default: the current one, e.g. 2570).",
)
framework_option = option(
    "--framework", "framework", type=click.Path(exists=True, dir_okay=True), default=None,
    th="ข้อมูลกรอบการประเมินของท่านเอง (ไฟล์ <ปี>.toml หรือโฟลเดอร์ของไฟล์เหล่านี้) ใช้แทนที่มีมาให้",
    en="Your own framework data (a <year>.toml file or a folder of them) overriding the built-in.",
)
template_option = option(
    "--template", "template_path", type=click.Path(exists=True, dir_okay=False), default=None,
    th="ไฟล์แบบฟอร์ม (.toml) อื่นแทนแบบฟอร์มที่มีมาให้",
    en="A template file other than the built-in one.",
)


class ProgressLines:
    """Progress as plain lines on stderr when it is not a terminal (a log file, a pipe, a
    scheduled task), for long work only: nothing in the first ``after`` seconds
    (``ITA_XLSX_PROGRESS_AFTER``, default 2), then a few lines however long the work, never
    one per item. With a known ``total``, about every tenth of it; without, at 1, 2, 4, 8, ...
    items."""

    def __init__(self, label: str, total: int | None = None, lang: str = "th",
                 after: float | None = None):
        import time

        self.label, self.total, self.lang = label, total, lang
        if after is None:
            try:
                after = float(os.environ.get("ITA_XLSX_PROGRESS_AFTER", "2"))
            except ValueError:
                after = 2.0
        self.after, self.started, self.clock = after, time.monotonic(), time.monotonic
        self.done, self.shown = 0, False
        self.next = 1 if not total else max(1, -(-total // 10))

    def __call__(self, n: int = 1) -> None:
        self.done += n
        if self.done < self.next and self.done != self.total:
            return
        if self.clock() - self.started < self.after:
            return  # quick work says nothing until its summary
        if not self.shown:
            self.shown = True
            click.echo(f"{self.label}…", err=True)
        if self.total:
            step = max(1, -(-self.total // 10))
            self.next = (self.done // step + 1) * step
            click.echo(f"{self.label}: {min(self.done, self.total)}/{self.total}", err=True)
        else:
            while self.next <= self.done:
                self.next *= 2
            click.echo(f"{self.label}: {self.done}", err=True)


def _plain_progress() -> bool:
    """Whether stderr is a log file or a pipe: an OS stream that is not a terminal. (An
    in-memory stream, as a program embedding the command line captures it, gets none.)"""
    try:
        sys.stderr.fileno()
    except (AttributeError, OSError, ValueError):  # io.UnsupportedOperation is an OSError
        return False
    return not sys.stderr.isatty()


def progress_for(label: str, lang: str = "th"):
    """A step counter for work whose size is not known up front: plain lines when stderr is
    a log or a pipe; None otherwise (on a terminal a spinner shows instead)."""
    return ProgressLines(label, None, lang) if _plain_progress() else None


def _with_progress(ctx: Ctx, total: int, label: str, work):
    """Run ``work(step)`` with a progress bar on a terminal, plain progress lines otherwise."""
    if total < 2:
        return work(lambda n: None)
    if not sys.stderr.isatty():
        return work(ProgressLines(label, total, ctx.lang) if _plain_progress()
                    else (lambda n: None))
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    with Progress("{task.description}", BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=Console(stderr=True), transient=False) as bar:
        task = bar.add_task(label, total=total)
        return work(lambda n: bar.advance(task, n))


def _status(text: str):
    """A spinner on a terminal for work without steps to count; nothing otherwise."""
    import contextlib

    if not sys.stderr.isatty():
        return contextlib.nullcontext()
    from rich.console import Console

    return Console(stderr=True).status(text)
