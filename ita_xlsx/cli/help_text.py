"""The stored top-level help texts ``cli.entry`` prints without click, rendered by click.

After changing a command or a help string, regenerate them (tests/test_help_fast.py fails
until then)::

    python -m ita_xlsx.cli.help_text
"""

from __future__ import annotations

from click.testing import CliRunner

from ita_xlsx.cli.entry import LANGS, PROG, WIDTH, text_path
from ita_xlsx.cli.main import main as cli


def render(lang: str, prog: str = PROG) -> str:
    """What ``<prog> --help`` prints in ``lang`` on a terminal of 80 columns or more."""
    # terminal_width: the width click takes from such a terminal (CliRunner alone forces 80)
    result = CliRunner().invoke(cli, ["--lang", lang, "--help"], prog_name=prog,
                                terminal_width=WIDTH)
    if result.exit_code != 0:
        raise RuntimeError(f"--help exited {result.exit_code}: {result.output}")
    return result.stdout


def write() -> list[str]:
    """Write the stored texts; their paths."""
    paths = []
    for lang in LANGS:
        path = text_path(lang)
        with open(path, "w", encoding="utf-8", newline="\n") as file:
            file.write(render(lang))
        paths.append(path)
    return paths


if __name__ == "__main__":
    for written in write():
        print(written)
