"""The package's layers, checked on its source: no import cycle, and no module importing a
layer above it (imports inside functions count too)."""

from __future__ import annotations

import ast
from pathlib import Path

PKG = Path(__file__).resolve().parents[1] / "ita_xlsx"


def _imports() -> dict[str, set[str]]:
    """module -> package modules it imports (dotted, without the ``ita_xlsx.`` prefix)."""
    mods = {".".join(p.relative_to(PKG).with_suffix("").parts).removesuffix(".__init__"): p
            for p in PKG.rglob("*.py")}
    out: dict[str, set[str]] = {}
    for name, path in mods.items():
        base = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
        found: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            targets: list[str] = []
            if isinstance(node, ast.ImportFrom) and node.level:
                parts = base[: len(base) - node.level + 1]
                stem = ".".join(parts + ([node.module] if node.module else []))
                targets = [stem] + [f"{stem}.{a.name}".strip(".") for a in node.names]
            elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("ita_xlsx"):
                stem = node.module.removeprefix("ita_xlsx").strip(".")
                targets = [stem] + [f"{stem}.{a.name}".strip(".") for a in node.names]
            elif isinstance(node, ast.Import):
                targets = [a.name.removeprefix("ita_xlsx").strip(".") for a in node.names
                           if a.name.startswith("ita_xlsx")]
            for t in targets:
                while t and t not in mods:
                    t = t.rpartition(".")[0]
                if t and t != name and not name.startswith(t + "."):
                    found.add(t)
        out[name] = found
    return out


IMPORTS = _imports()


def _third_party(module: str) -> set[str]:
    path = PKG / (module.replace(".", "/") + ".py")
    if not path.exists():
        path = PKG / module.replace(".", "/") / "__init__.py"
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
            names.add(node.module.split(".")[0])
    return names - {"ita_xlsx", "__future__"}


def test_no_import_cycle():
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    cycles = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in IMPORTS[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                cycles.append(sorted(comp))

    for v in IMPORTS:
        if v not in index:
            visit(v)
    assert cycles == []


def test_core_is_the_bottom_and_standard_library_only():
    import sys

    for name in IMPORTS:
        if name.startswith("core"):
            assert {m for m in IMPORTS[name] if not m.startswith("core")} == set(), name
            assert _third_party(name) <= sys.stdlib_module_names, name
    for name in ("values", "thai", "thai.text", "thai.dates", "thai.urls", "thai.timeframes"):
        assert {m for m in IMPORTS[name] if not m.startswith("thai")} == set(), name
        assert _third_party(name) <= sys.stdlib_module_names, name


def test_readers_import_neither_validators_nor_xlsxwriter():
    for name in ("read", "safety", "orgs", "report_layout", "values"):
        assert not {m for m in IMPORTS[name]
                    if m.startswith(("validators", "render", "report_writer"))}, name
        assert "xlsxwriter" not in _third_party(name) and "pandas" not in _third_party(name)
    assert "report_writer" not in IMPORTS["merge"]  # the layout module sits between them
    assert "pandas" not in _third_party("validators.cross")  # value parsers left the schema


def test_nothing_below_the_command_line_imports_it_or_the_api():
    top = {"cli", "cli_base", "console", "commands", "__main__"}
    for name, deps in IMPORTS.items():
        if name in top or name.startswith("commands") or name in ("", "api", "demo"):
            continue
        assert not deps & (top | {"api"}), (name, deps & (top | {"api"}))
    # The command line reaches the library through the API (printing aside).
    assert IMPORTS["cli"] <= {"cli_base", "i18n", "api", "console", "demo", "commands", ""}
