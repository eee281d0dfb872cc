"""The catalogue of suggested measures: what organisations typically write for each indicator
(and OIT item), with where each suggestion comes from (issue 21).

Data, not code: ``framework_data/measures_catalogue.toml`` by default. A province replaces it
with its own file of the same shape, either as ``measures_catalogue.toml`` in the folder given
to ``--framework`` (or ``ITA_XLSX_FRAMEWORK_DIR``), or named in ``ITA_XLSX_CATALOGUE``.

Standard library only.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ita_xlsx.core.errors import FrameworkError

BUILTIN = Path(__file__).resolve().parent.parent / "framework_data" / "measures_catalogue.toml"
FILE_NAME = "measures_catalogue.toml"
ENV_CATALOGUE = "ITA_XLSX_CATALOGUE"
ENV_FRAMEWORK_DIR = "ITA_XLSX_FRAMEWORK_DIR"  # the same folder the framework override uses


@dataclass(frozen=True)
class Source:
    key: str
    name: str
    url: str = ""
    note: str = ""

    @property
    def label(self) -> str:
        return f"{self.name} {self.url}".strip()


@dataclass(frozen=True)
class Suggestion:
    indicator: int
    measure: str
    unit: str
    source: Source
    oit_items: tuple[str, ...] = ()  # item names, matched against the year's list


@dataclass(frozen=True)
class Catalogue:
    title: str
    title_en: str
    suggestions: tuple[Suggestion, ...]
    source_file: str

    def for_indicator(self, number: int) -> tuple[Suggestion, ...]:
        return tuple(s for s in self.suggestions if s.indicator == number)


def catalogue_path(framework_override: str | os.PathLike[str] | None = None) -> Path:
    """Which catalogue file applies: ITA_XLSX_CATALOGUE, else one in the framework override
    folder, else the built-in one."""
    env = os.environ.get(ENV_CATALOGUE, "").strip()
    if env:
        return Path(env)
    folder = framework_override or os.environ.get(ENV_FRAMEWORK_DIR, "").strip()
    if folder and Path(folder).is_dir() and (Path(folder) / FILE_NAME).is_file():
        return Path(folder) / FILE_NAME
    return BUILTIN


_cache: dict[tuple[str, int], Catalogue] = {}


def load_catalogue(framework_override: str | os.PathLike[str] | None = None) -> Catalogue:
    path = catalogue_path(framework_override)
    try:
        key = (str(path.resolve()), path.stat().st_mtime_ns)
    except OSError:
        raise _error(path, "ไม่พบไฟล์", "file not found") from None
    if key not in _cache:
        _cache[key] = _read(path)
    return _cache[key]


def _error(path: Path, th: str, en: str) -> FrameworkError:
    return FrameworkError(
        f"ใช้ไฟล์ตัวอย่างมาตรการ {path} ไม่ได้: {th} (แก้ไฟล์ หรือยกเลิก {ENV_CATALOGUE})",
        f"Cannot use the measures catalogue {path}: {en} (fix the file, or unset "
        f"{ENV_CATALOGUE})")


def _read(path: Path) -> Catalogue:
    try:
        with path.open("rb") as fh:
            data: dict[str, Any] = tomllib.load(fh)
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        detail = str(exc)[:200]
        raise _error(path, f"อ่านไม่ได้ ({detail})", f"it cannot be read ({detail})") from None
    try:
        sources = {str(s["key"]): Source(str(s["key"]), str(s["name"]), str(s.get("url", "")),
                                         str(s.get("note", "")))
                   for s in data.get("sources", [])}
        suggestions = []
        for i, e in enumerate(data.get("measures", []), start=1):
            source = sources.get(str(e["source"]))
            if source is None:
                raise _error(path, f"มาตรการข้อ {i} อ้างที่มา {e['source']!r} ซึ่งไม่มีใน [[sources]]",
                             f"measure {i} names source {e['source']!r}, not in [[sources]]")
            measure = str(e["measure"]).strip()
            if not measure or int(e["indicator"]) < 1:
                raise _error(path, f"มาตรการข้อ {i} ไม่มีข้อความหรือตัวชี้วัด",
                             f"measure {i} has no text or indicator")
            suggestions.append(Suggestion(int(e["indicator"]), measure, str(e.get("unit", "")),
                                          source, tuple(str(n) for n in e.get("oit_items", []))))
    except (KeyError, TypeError, ValueError) as exc:
        if isinstance(exc, FrameworkError):
            raise
        raise _error(path, f"ข้อมูลไม่ครบหรือไม่ถูกต้อง ({exc!r})",
                     f"missing or invalid data ({exc!r})") from None
    return Catalogue(str(data.get("title", "ตัวอย่างมาตรการ")), str(data.get("title_en", "")),
                     tuple(suggestions), str(path))


__all__ = ["Catalogue", "Source", "Suggestion", "ENV_CATALOGUE", "catalogue_path", "load_catalogue"]
