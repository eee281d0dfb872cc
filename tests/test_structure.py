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


# The stages, bottom to top: each folder imports only the folders before it (one line holds
# siblings, which do not import each other). ``api`` is the one way into the library for
# ``web``, ``cli`` and ``demo``.
LAYERS: list[set[str]] = [
    {"core"},
    {"thai"},
    {"spec"},
    {"make"},
    {"intake"},
    {"validators"},
    {"outputs"},
    {"consolidation"},
    {"rounds"},
    {"documents"},
    {"mail"},
    {"api", "", "__init__"},
    {"web"},
    {"demo"},
    {"cli"},
    {"__main__"},
]
RANK = {folder: i for i, layer in enumerate(LAYERS) for folder in layer}


def _folder(module: str) -> str:
    return module.split(".")[0]


def test_every_module_sits_in_a_known_folder():
    assert {_folder(m) for m in IMPORTS} <= set(RANK), {_folder(m) for m in IMPORTS} - set(RANK)


def test_each_folder_imports_only_the_folders_below_it():
    upward = []
    for name, deps in IMPORTS.items():
        for dep in deps:
            a, b = _folder(name), _folder(dep)
            if a != b and RANK[b] >= RANK[a] and not (a == "__init__" and b == "api"):
                upward.append(f"{name} -> {dep}")
    assert upward == []


def test_core_and_thai_are_the_bottom_and_standard_library_only():
    import sys

    for name in IMPORTS:
        if name.startswith("core"):
            assert {m for m in IMPORTS[name] if not m.startswith("core")} == set(), name
            assert _third_party(name) <= sys.stdlib_module_names, name
        if name.startswith("thai"):
            assert {m for m in IMPORTS[name] if not m.startswith(("thai", "core"))} == set(), name
            assert _third_party(name) <= sys.stdlib_module_names, name


def test_readers_import_neither_validators_nor_xlsxwriter():
    for name in IMPORTS:
        if name.startswith("intake") or name in ("spec.orgs", "spec.report_layout"):
            assert "xlsxwriter" not in _third_party(name), name
            assert "pandas" not in _third_party(name), name
    assert "consolidation.report_writer" not in IMPORTS["consolidation.merge"]
    assert "pandas" not in _third_party("validators.cross")  # value parsers left the schema


def test_the_page_and_the_command_line_reach_the_library_through_the_api():
    for name, deps in IMPORTS.items():
        if _folder(name) in ("cli", "web"):
            below = {_folder(d) for d in deps} - {"", "__init__", "api", "core", "thai", "cli",
                                                   "web", "demo"}
            assert not below, (name, below)
