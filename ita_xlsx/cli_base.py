"""What every command of the command line shares: the context (language, console), the one
place errors become Thai messages and exit codes, and the common options.

Command modules (``cli.py`` and the ones it registers) import from here; nothing here imports
a command, so there is no cycle.
"""

from __future__ import annotations

import functools
import os
import sys
import traceback

import click

from .files import OutputError, OutputExists
from .i18n import msg

LANGS = click.Choice(["th", "en"])


class Ctx:
    def __init__(self, lang: str, debug: bool):
        self.lang = lang
        self.debug = debug
        self._console = None

    @property
    def console(self):
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
    """No traceback reaches a user: known errors print their Thai message, others a summary."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        ctx: Ctx = click.get_current_context().find_object(Ctx)
        try:
            return fn(*args, **kwargs)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except UserError as exc:
            click.echo(exc.text(ctx.lang), err=True)
            if ctx.debug:
                traceback.print_exc()
            sys.exit(exc.exit_code)
        except OutputExists as exc:
            click.echo(msg("error.output_exists", ctx.lang, path=exc.path), err=True)
            sys.exit(1)
        except OutputError as exc:  # disk full, read-only, locked, name too long
            click.echo(exc.text(ctx.lang), err=True)
            sys.exit(1)
        except (KeyboardInterrupt, Cancelled) as exc:
            _say_cancelled()
            sys.exit(getattr(exc, "exit_code", 130))
        except Exception as exc:  # noqa: BLE001 - last line of defence for users
            if ctx.debug:
                traceback.print_exc()
            detail = f"{type(exc).__name__}: {exc}"[:300]
            click.echo(msg("error.unexpected", ctx.lang, detail=detail), err=True)
            sys.exit(1)

    return wrapper


class Cancelled(BaseException):
    """The run was stopped from outside (SIGTERM, a closed terminal); like Ctrl-C, not an
    error of the program. Exit code 128 + the signal's number, as shells report it."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.exit_code = 128 + signum


def _cancel(signum, _frame) -> None:
    raise Cancelled(signum)


def _say_cancelled() -> None:
    try:
        click.echo("ยกเลิก / cancelled", err=True)
    except (OSError, ValueError):  # the terminal is gone (SIGHUP)
        pass


def _stop_signals():
    """SIGTERM and SIGHUP end the run like Ctrl-C: workers stopped, temporary files removed
    (``finally`` blocks run), no traceback. Returns the previous handlers."""
    import signal

    previous = {}
    for name in ("SIGTERM", "SIGHUP"):
        signum = getattr(signal, name, None)
        if signum is not None:
            try:
                previous[signum] = signal.signal(signum, _cancel)
            except ValueError:  # not the main thread (an embedding program): leave them
                pass
    return previous


class UserError(Exception):
    """An error the user can fix; carries its Thai and English text."""

    def __init__(self, th: str, en: str, exit_code: int = 1):
        self.th, self.en, self.exit_code = th, en, exit_code
        super().__init__(en)

    @classmethod
    def of(cls, key: str, exit_code: int = 1, **kw) -> UserError:
        return cls(msg(key, "th", **kw), msg(key, "en", **kw), exit_code)

    def text(self, lang: str) -> str:
        return self.en if lang == "en" else self.th


class Group(click.Group):
    """click's group, with usage errors (a missing file argument, an unknown option) framed
    in Thai first, like every other message."""

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        import signal

        args = list(sys.argv[1:] if args is None else args)
        previous = _stop_signals()
        try:
            return super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except Cancelled as exc:
            _say_cancelled()
            sys.exit(exc.exit_code)
        except click.UsageError as exc:
            english = ("--lang" in args and "en" in args) or os.environ.get(
                "ITA_XLSX_LANG") == "en"
            command = exc.ctx.command_path if exc.ctx else "ita-xlsx"
            click.echo(f"Usage error: {exc.format_message()}\nSee: {command} --help" if english
                       else f"ใช้คำสั่งไม่ถูกต้อง: {exc.format_message()}\n"
                            f"ดูวิธีใช้: {command} --help", err=True)
            sys.exit(2)
        except click.Abort:
            _say_cancelled()
            sys.exit(130)
        finally:
            for signum, handler in previous.items():
                signal.signal(signum, handler)


# ---------------------------------------------------------------- shared option parsing


def _fiscal_year(value: str | int | None) -> int:
    from .thai import current_fiscal_year, normalize_year

    if value is None:
        return current_fiscal_year()
    try:
        year = normalize_year(value)
    except ValueError:
        raise UserError.of("error.year", 2, year=value) from None
    if not 2500 <= year <= 2700:
        raise UserError.of("error.year", 2, year=value)
    return year


def _template(path: str | None):
    from .template import TemplateError, load_template

    try:
        return load_template(path)
    except TemplateError as exc:
        raise UserError.of("error.template", 2, file=exc.path,
                           problems="; ".join(exc.problems)) from None


def _framework_error(exc) -> UserError:
    return UserError(exc.message, getattr(exc, "message_en", str(exc)), 2)


def _deadline(value: str | None) -> str:
    if not value:
        return ""
    from .thai import format_date, parse_date

    day = parse_date(value)
    if day is None:
        raise UserError.of("error.deadline", 2, value=value)
    return format_date(day)


def _set_lang(ctx: click.Context, _param, value: str | None) -> None:
    if value:
        ctx.find_object(Ctx).lang = value


# --lang also after the command name (ita-xlsx validate ... --lang en), as people type it.
lang_option = click.option("--lang", type=LANGS, default=None, expose_value=False,
                           callback=_set_lang, help="Language of messages: th or en.")

year_option = click.option(
    "--year", "year", default=None,  # text: Thai digits (๒๕๗๐) and a Thai error message
    help="Fiscal year, Buddhist Era (default: the current one, e.g. 2570).",
)
framework_option = click.option(
    "--framework", "framework", type=click.Path(exists=True, dir_okay=True), default=None,
    help="Your own framework data (a <year>.toml file or a folder of them) overriding the built-in.",
)
template_option = click.option(
    "--template", "template_path", type=click.Path(exists=True, dir_okay=False), default=None,
    help="A template file other than the built-in one.",
)


def _with_progress(ctx: Ctx, total: int, label: str, work):
    """Run ``work(step)`` with a progress bar on a terminal (a plain run otherwise)."""
    if total < 2 or not sys.stderr.isatty():
        return work(lambda n: None)
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
