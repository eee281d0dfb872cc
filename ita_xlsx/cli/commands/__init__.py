"""Commands in modules of their own, each with a ``COMMANDS`` list of click commands.

A module here imports only click and ``cli_base`` at the top, so ``ita-xlsx --help`` stays fast;
the work it calls is imported inside each command.
"""

from __future__ import annotations

import importlib

import click

MODULES: tuple[str, ...] = (  # one line each: "mail", "docs", "serve", ...
    "mail",
    "docs",
    "serve",
    "itas",
)


def register(group: click.Group) -> None:
    for name in MODULES:
        module = importlib.import_module(f"{__name__}.{name}")
        for command in module.COMMANDS:
            group.add_command(command)
