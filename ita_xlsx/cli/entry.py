"""The ``ita-xlsx`` entry point: the top-level help without importing click.

``ita-xlsx --help`` is the first thing people type, and click with the command table costs
more than the interpreter's own start-up. That one request is answered from the text click
rendered for it (``help_th.txt``, ``help_en.txt`` beside this module, written by
``python -m ita_xlsx.cli.help_text``). Everything else, and every case where the text could
differ from click's (a narrow terminal, stdout not UTF-8, a usage line click would wrap, a
completion request, a missing file), goes to click as before.

Only ``os`` and ``sys`` are imported: both are loaded before any program runs.
"""

import os
import sys

PROG = "ita-xlsx"  # the program name the stored texts were rendered with
WIDTH = 78  # click's help width on a terminal of 80 columns or more
LANGS = ("th", "en")
HELP = ("--help", "-h")


def text_path(lang: str) -> str:
    """Where the stored help of ``lang`` lives (package data beside this module)."""
    return os.path.join(os.path.dirname(__file__), f"help_{lang}.txt")


def help_lang(args: list[str]) -> str | None:
    """The language of a bare top-level help request (``[--lang th|en] --help``), resolved
    as ``cli.base`` does (``--lang``, else ITA_XLSX_LANG, else Thai); None for any other
    arguments, or an ITA_XLSX_LANG that is neither th nor en."""
    if len(args) == 1:
        lang = os.environ.get("ITA_XLSX_LANG", "th")
    elif len(args) == 2 and args[0].startswith("--lang="):
        lang = args[0].partition("=")[2]
    elif len(args) == 3 and args[0] == "--lang":
        lang = args[1]
    else:
        return None
    return lang if args[-1] in HELP and lang in LANGS else None


def terminal_columns() -> int:
    """``shutil.get_terminal_size().columns``, which click's help width follows."""
    try:
        columns = int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        columns = 0
    if columns > 0:
        return columns
    stdout = sys.__stdout__
    if stdout is None:
        return 80
    try:
        return os.get_terminal_size(stdout.fileno()).columns or 80
    except (AttributeError, ValueError, OSError):  # closed, detached or not a terminal
        return 80


def prog_name() -> str:
    """The program name click puts in the usage line (``click.utils._detect_program_name``):
    the script's file name, or ``python -m <package>``."""
    path = sys.argv[0]
    package = getattr(sys.modules["__main__"], "__package__", None)
    if not package:
        return os.path.basename(path)
    name = os.path.splitext(os.path.basename(path))[0]
    if name != "__main__":
        package = f"{package}.{name}"
    return f"python -m {package.lstrip('.')}"


def render(lang: str, prog: str) -> str | None:
    """What click prints for ``<prog> --help`` in ``lang`` at full width, from the stored
    text; None when that cannot be sure (no file, or a name click would lay out otherwise)."""
    try:
        with open(text_path(lang), encoding="utf-8") as file:
            text = file.read()
    except (OSError, ValueError):  # missing, unreadable, not UTF-8
        return None
    if prog == PROG:
        return text
    usage, newline, rest = text.partition("\n")
    prefix, found, args = usage.partition(f" {PROG} ")
    head = f"{prefix} {prog} "
    # click keeps the arguments beside "Usage: <prog> " while that leaves 20 columns and
    # wraps them beyond the width: only a line click leaves whole is rebuilt here.
    if (not found or not prog or not prog.isprintable() or len(head) + 20 > WIDTH
            or len(head) + len(args) > WIDTH):
        return None
    return head + args + newline + rest


def _utf8(stream: object) -> bool:
    encoding = getattr(stream, "encoding", None)
    return isinstance(encoding, str) and encoding.lower().replace("_", "-") in ("utf-8", "utf8")


def fast_help() -> str | None:
    """The help to print without click for this run's arguments and terminal, if any."""
    lang = help_lang(sys.argv[1:])
    if lang is None or terminal_columns() < 80 or not _utf8(sys.stdout):
        return None
    prog = prog_name()
    # click answers a shell-completion request (_<PROG>_COMPLETE) before any help
    if os.environ.get(f"_{prog.replace('-', '_').replace('.', '_')}_COMPLETE".upper()):
        return None
    return render(lang, prog)


def main() -> object:
    """``ita-xlsx``: the stored top-level help when it is exactly what click would print,
    else the click command line (``ita_xlsx.cli.main``), whose result is returned."""
    text = fast_help()
    if text is not None:
        sys.stdout.write(text)
        sys.stdout.flush()
        return 0  # what click's main returns after --help
    for stream in (sys.stdout, sys.stderr):
        # a console or file in a legacy code page (cp874 on Thai Windows) holds Thai but not
        # every sign the messages use (an arrow): a "?" for those, never a crash
        if stream is not None and not _utf8(stream) and hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="replace")
    from ita_xlsx.cli.main import main as cli

    return cli()
