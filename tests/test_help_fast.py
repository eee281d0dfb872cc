"""``ita-xlsx --help`` without click (``ita_xlsx.cli.entry``): the stored texts are what click
renders, the real command prints exactly click's output and does not import click, and every
other request (a narrow terminal, other arguments, another encoding) still goes to click."""

from __future__ import annotations

import fnmatch
import os
import subprocess
import sys
import sysconfig
import tomllib
from pathlib import Path

import pytest

from ita_xlsx.cli import entry, help_text

ROOT = Path(__file__).resolve().parents[1]
REGENERATE = "python -m ita_xlsx.cli.help_text"
PROGS = {"-m": "python -m ita_xlsx", "script": "ita-xlsx"}

# How each way in is started: ``-m`` as `python -m ita_xlsx`; ``script`` as the console script
# pip writes (``sys.exit(main())``, program name from argv[0]). click's side calls
# cli.main the way each did before the entry existed.
ENTRY = {
    "-m": ["-m", "ita_xlsx"],
    "script": ["-c", "import sys; sys.argv[0] = 'ita-xlsx'; "
                     "from ita_xlsx.cli.entry import main; sys.exit(main())"],
}
CLICK = {
    "-m": ["-c", "from ita_xlsx.cli.main import main; main(prog_name='python -m ita_xlsx')"],
    "script": ["-c", "import sys; from ita_xlsx.cli.main import main; "
                     "sys.exit(main(prog_name='ita-xlsx'))"],
}


def _env(extra: dict[str, str]) -> dict[str, str]:
    """This environment without what changes the help (width, language, encoding,
    completion requests), then ``extra``."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("COLUMNS", "LINES", "ITA_XLSX_LANG", "PYTHONIOENCODING")
           and not (k.startswith("_") and k.endswith("_COMPLETE"))}
    return {**env, "PYTHONIOENCODING": "utf-8", **extra}


def _run(cmd: list[str], args: list[str], extra: dict[str, str]) -> tuple[int, bytes, bytes]:
    done = subprocess.run([sys.executable, *cmd, *args], capture_output=True, cwd=ROOT,
                          env=_env(extra), timeout=120, check=False)
    return done.returncode, done.stdout, done.stderr


# ------------------------------------------------------------------ (a) the stored texts


@pytest.mark.parametrize("lang", entry.LANGS)
def test_stored_text_is_what_click_renders(lang):
    with open(entry.text_path(lang), "rb") as file:
        stored = file.read()
    assert stored == help_text.render(lang).encode("utf-8"), (
        f"the stored {lang} help is not what click prints now: regenerate it with "
        f"`{REGENERATE}`")


@pytest.mark.parametrize("lang", entry.LANGS)
@pytest.mark.parametrize("prog", ["ita-xlsx", "python -m ita_xlsx", "ita", "x" * 30, "x" * 45, "x" * 60])
def test_other_program_names_are_laid_out_as_click_does_or_left_to_it(lang, prog):
    text = entry.render(lang, prog)
    if len(prog) < 40:  # a usage line click leaves whole (45: it wraps; 60: a line of its own)
        assert text == help_text.render(lang, prog)
    else:
        assert text is None


def test_the_command_and_the_wheel_use_the_entry():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert project["project"]["scripts"]["ita-xlsx"] == "ita_xlsx.cli.entry:main"
    shipped = project["tool"]["setuptools"]["package-data"]["ita_xlsx"]
    for lang in entry.LANGS:
        name = Path(entry.text_path(lang)).relative_to(ROOT / "ita_xlsx").as_posix()
        assert any(fnmatch.fnmatch(name, pattern) for pattern in shipped), name


# ------------------------------------------------------------------ (b) the fast path

FAST = [  # (arguments, environment, the language shown)
    (["--help"], {}, "th"),
    (["-h"], {}, "th"),
    (["--lang", "en", "--help"], {}, "en"),
    (["--lang=en", "-h"], {}, "en"),
    (["--lang", "th", "--help"], {"ITA_XLSX_LANG": "en"}, "th"),
    (["--help"], {"ITA_XLSX_LANG": "en"}, "en"),
    (["--help"], {"ITA_XLSX_LANG": "th"}, "th"),
    (["--help"], {"COLUMNS": "200"}, "th"),
    (["--help"], {"COLUMNS": "80"}, "th"),
]


@pytest.mark.parametrize("way", ENTRY)
@pytest.mark.parametrize(("args", "extra", "lang"), FAST)
def test_help_prints_exactly_what_click_prints(way, args, extra, lang):
    fast = _run(ENTRY[way], args, extra)
    assert fast == _run(CLICK[way], args, extra)
    assert fast[0] == 0 and fast[1].decode("utf-8") == help_text.render(lang, PROGS[way])


PROBE = ("import sys\n"
         "from ita_xlsx.cli import entry\n"
         "sys.argv = ['ita-xlsx', *sys.argv[1:]]\n"
         "try:\n"
         "    code = entry.main()\n"
         "except SystemExit as exc:\n"
         "    code = exc.code\n"
         "print('click' in sys.modules, code, file=sys.stderr)\n")


@pytest.mark.parametrize(("args", "extra", "lang"), FAST)
def test_help_does_not_import_click(args, extra, lang):
    code, out, err = _run(["-c", PROBE], args, extra)
    assert (code, err.decode()) == (0, "False 0\n")
    assert out.decode("utf-8") == help_text.render(lang)


def test_anything_else_imports_click():
    """The probe can see click: the answer above is not an accident of the probe."""
    code, out, err = _run(["-c", PROBE], ["--version"], {})
    assert (code, err.decode()) == (0, "True 0\n")
    assert out == "ita-xlsx รุ่น 0.1.0\n".encode()


def test_the_installed_script():
    """The console script pip wrote (not a pyenv shim) says what click says."""
    script = Path(sysconfig.get_path("scripts")) / "ita-xlsx"
    if not script.is_file() or "ita_xlsx.cli.entry" not in script.read_text(errors="replace"):
        pytest.skip(f"no console script for the entry at {script}")
    done = subprocess.run([str(script), "--help"], capture_output=True, env=_env({}),
                          timeout=120, check=False)
    assert (done.returncode, done.stdout, done.stderr) == _run(CLICK["script"], ["--help"], {})


# ------------------------------------------------------------------ (c) click as before

SLOW = [
    (["--help"], {"COLUMNS": "60"}),  # click wraps to 58 columns
    (["--help"], {"COLUMNS": "79"}),
    (["--help"], {"PYTHONIOENCODING": "cp874:replace"}),  # Thai Windows' code page
    (["--help"], {"ITA_XLSX_LANG": "fr"}),
    (["--help", "--lang", "en"], {}),
    (["new", "--help"], {}),
    (["--version"], {}),
    ([], {}),
    (["--bogus"], {}),
    (["--lang", "de", "--help"], {}),
    (["--help"], {"_ITA_XLSX_COMPLETE": "bash_source"}),  # click's shell completion
]


@pytest.mark.parametrize("way", ENTRY)
@pytest.mark.parametrize(("args", "extra"), SLOW)
def test_everything_else_is_clicks(way, args, extra):
    assert _run(ENTRY[way], args, extra) == _run(CLICK[way], args, extra)


@pytest.mark.parametrize("args", [["--help"], ["--lang", "en", "itas", "--help"],
                                  ["itas", "--help"]])
def test_a_legacy_code_page_gets_the_help_not_a_crash(args):
    """Thai Windows writes a redirected stdout in cp874, which holds Thai but not every sign
    the help uses (the arrow of `itas`): those become "?", the rest is printed."""
    run = subprocess.run([sys.executable, "-m", "ita_xlsx", *args], capture_output=True,
                         env=_env({"PYTHONIOENCODING": "cp874"}), timeout=120)
    assert run.returncode == 0, run.stderr.decode("cp874", "replace")
    assert b"Traceback" not in run.stderr
    assert "itas" in run.stdout.decode("cp874")
