"""The library API: the README's Python examples run as written, the package exports what
api.py defines, every finding code renders in both languages, the README's finding table
matches the catalogue, and importing the package stays cheap."""

from __future__ import annotations

import contextlib
import io
import os
import re
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

import ita_xlsx
from ita_xlsx import api
from ita_xlsx.core.findings import CATALOGUE, LOCATION_PARAMS, Finding, FindingError

README = Path(__file__).resolve().parents[1] / "README.md"


def _section(title: str) -> str:
    text = README.read_text(encoding="utf-8")
    start = text.index(f"\n## {title}\n")
    end = text.find("\n## ", start + 1)
    return text[start:end]


def test_readme_python_examples_run(tmp_path, monkeypatch):
    blocks = re.findall(r"```python\n(.*?)```", _section("Python API"), re.S)
    assert len(blocks) == 4
    monkeypatch.chdir(tmp_path)
    scope: dict = {}
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        for block in blocks:
            exec(compile(block, "README.md", "exec"), scope)  # noqa: S102 - our own README
    printed = out.getvalue().splitlines()
    assert printed[0] == "2 workbooks in workbooks"
    assert printed[1:3] == ["6560101_เทศบาลตำบลห้วยวน_ITA2570_รอบ6.xlsx valid",
                            "6560102_เทศบาลตำบลเวียง_ITA2570_รอบ6.xlsx invalid"]
    assert printed[3] == ('   required-missing measures G5 Sheet "มาตรการ" cell G5 (Owner): The owner '
                          "is missing: name the unit (e.g. the chief administrator's office) "
                          "and/or the person.")
    assert "next round: 12 ['6560101', '6560102']" in printed
    assert ("2 ไม่พบ no-such-folder ตรวจชื่อไฟล์หรือโฟลเดอร์อีกครั้ง / no-such-folder does not "
            "exist; check the file or folder name") in printed
    assert printed[-1] == "Fiscal year 2580x is not valid; use a Buddhist-Era year such as 2570"
    for made in ("check.xlsx", "district-report.xlsx", "csv/findings.csv"):
        assert (tmp_path / made).is_file(), made
    assert [p.name[:7] for p in (tmp_path / "feedback").iterdir()] == ["6560102"]
    # lang="en" at the edge: the consolidated report's findings are English.
    wb = openpyxl.load_workbook(tmp_path / "district-report.xlsx", read_only=True)
    rows = list(wb["Findings"].iter_rows(min_row=4, values_only=True))
    col = next(i for i, h in enumerate(rows[0]) if h and "message" in str(h).lower())
    messages = [r[col] for r in rows[1:] if r[col]]
    assert messages and all(m.startswith(("Sheet ", "Indicator ", "Measure ")) for m in messages)


def test_package_exports_the_api():
    assert sorted(ita_xlsx._API) == sorted(api.__all__)
    for name in api.__all__:
        assert getattr(ita_xlsx, name) is getattr(api, name)
    with pytest.raises(AttributeError):
        ita_xlsx.no_such_name  # noqa: B018


def test_import_is_cheap():
    code = ("import sys, ita_xlsx; ita_xlsx.ItaError; "
            "print(sorted(m for m in ('pandas', 'pandera', 'xlsxwriter', 'openpyxl', "
            "'ita_xlsx.validators.engine') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env={**os.environ, "PYTHONPATH": str(README.parent)}, check=True)
    assert out.stdout.strip() == "[]"


def _example(code: str) -> Finding:
    entry = CATALOGUE[code]
    location = {"sheet": {"sheet": "measures", "sheet_name": "มาตรการ"}, "cell": {"cell": "G5"},
                "label": {"label": "ผู้รับผิดชอบ", "label_en": "Owner"},
                "value": {"value": "x"}}
    kw: dict = {}
    for name in entry.params:
        if name in LOCATION_PARAMS:
            kw.update(location[name])
    params = {n: {"th": f"<{n}-th>", "en": f"<{n}-en>"} for n in entry.params
              if n not in LOCATION_PARAMS}
    return Finding(code, params=params, **kw)


@pytest.mark.parametrize("code", sorted(CATALOGUE))
def test_every_code_renders_in_both_languages(code):
    f = _example(code)
    th, en = f.message("th"), f.message("en")
    for name in CATALOGUE[code].params:
        if name not in LOCATION_PARAMS:
            assert f"<{name}-th>" in th and f"<{name}-en>" in en
    assert not re.search("[\u0e00-\u0e7f]", en.replace("มาตรการ", "").replace("<", ""))
    assert re.search("[\u0e00-\u0e7f]", th)


@pytest.mark.parametrize("code", [c for c in sorted(CATALOGUE) if CATALOGUE[c].params])
def test_a_finding_without_its_parameters_is_refused(code):
    entry = CATALOGUE[code]
    with pytest.raises(FindingError) as err:
        Finding(code)
    assert str(err.value) == f"finding {code} built without {', '.join(entry.params)}"


def test_readme_finding_table_matches_the_catalogue():
    rows = re.findall(r"^\| `([a-z-]+)` \| ([a-z/]+)[¹²]* \| ([^|—]+?)(?: —|\s*\|)",
                      _section("Commands"), re.M)
    table = {code: (severity, title.strip()) for code, severity, title in rows}
    assert sorted(table) == sorted(CATALOGUE)
    for code, (severity, title) in table.items():
        entry = CATALOGUE[code]
        assert title.split(" (`")[0] == entry.title, code
        assert severity == entry.severity or code == "result-missing", code


def test_an_empty_folder_is_an_empty_round_not_an_error(tmp_path):
    (tmp_path / "returned").mkdir()
    report = ita_xlsx.validate([tmp_path / "returned"])
    assert report.files == [] and report.valid
    orgs = tmp_path / "orgs.csv"
    orgs.write_text("code,name\n6560101,เทศบาลตำบลห้วยวน\n", encoding="utf-8")
    result = ita_xlsx.consolidate([tmp_path / "returned"], orgs=orgs)
    assert [(e.org_code, e.status) for e in result.entries] == [("6560101", "missing")]
    with pytest.raises(ita_xlsx.InputError) as err:
        ita_xlsx.consolidate([tmp_path / "nowhere"])
    assert err.value.exit_code == 2
    assert err.value.text("en") == f"{tmp_path / 'nowhere'} does not exist; check the file or folder name"


def test_every_result_type_is_exported_and_a_dataclass():
    import dataclasses
    import enum

    from ita_xlsx import _TYPES

    for name in _TYPES:
        obj = getattr(ita_xlsx, name)
        assert isinstance(obj, type), name
        if name != "Cancelled" and not issubclass(obj, enum.Enum):  # OrgState: the states
            assert dataclasses.is_dataclass(obj), name
    assert (Path(ita_xlsx.__file__).parent / "py.typed").is_file()


def test_every_exception_the_library_defines_is_an_ita_error():
    """Public exception classes (not the ones private to a module's control flow)."""
    import importlib
    import pkgutil

    outside = []
    for info in pkgutil.walk_packages(ita_xlsx.__path__, "ita_xlsx."):
        if info.name.startswith(("ita_xlsx.cli.main", "ita_xlsx.web", "ita_xlsx.demo.cycle")):
            continue  # the command line and the page turn errors into messages themselves
        module = importlib.import_module(info.name)
        for name, obj in vars(module).items():
            if (isinstance(obj, type) and issubclass(obj, BaseException)
                    and obj.__module__ == info.name and not name.startswith("_")
                    and not issubclass(obj, (ita_xlsx.ItaError, KeyboardInterrupt))):
                outside.append(f"{info.name}.{name}")
    assert outside == []
