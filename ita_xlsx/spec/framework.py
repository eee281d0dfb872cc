"""The ITA assessment framework as data keyed by assessment year, and the scoring function.

Every fact (tools, weights, indicators, level bands, pass labels, OIT items) lives in
``framework_data/<year>.toml``; this module only loads, checks and applies it, so a new year or
a corrected weight is a data change, never a code change. Users can override any year with a
TOML file of the same shape (see :func:`load_framework`).

Standard library only: this module is imported on the CLI start-up path.
"""

from __future__ import annotations

import math
import os
import re
import tomllib
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from functools import cached_property, lru_cache
from itertools import pairwise
from pathlib import Path
from typing import Any

from ita_xlsx.core.errors import FrameworkError

__all__ = [
    "AVAILABLE_YEARS",
    "ENV_FRAMEWORK_DIR",
    "Framework",
    "FrameworkError",
    "Indicator",
    "LevelBand",
    "OitContent",
    "OitGroup",
    "OitItem",
    "PassRule",
    "ScoreResult",
    "Tool",
    "available_years",
    "framework_for_fiscal_year",
    "load_framework",
    "round_half_up",
    "score",
]

DATA_DIR = Path(__file__).parent.parent / "framework_data"
ENV_FRAMEWORK_DIR = "ITA_XLSX_FRAMEWORK_DIR"
_WEIGHT_TOLERANCE = 1e-9
_YEAR_FILE = re.compile(r"^(\d{4})\.toml$")


# ---------------------------------------------------------------------------------------------
# Data classes
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Tool:
    code: str
    name_th: str
    name_en: str
    weight: float
    indicators: tuple[int, ...]
    unconfirmed: bool = False
    note: str = ""


@dataclass(frozen=True)
class Indicator:
    number: int
    name_th: str
    name_en: str
    tool: str
    unconfirmed: bool = False
    note: str = ""
    # Other spellings seen in real documents; used only for matching free text.
    aliases: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        """Dropdown text in workbooks, e.g. ``"9. การเปิดเผยข้อมูล"``."""
        return f"{self.number}. {self.name_th}"


@dataclass(frozen=True)
class LevelBand:
    label: str
    min_score: float


@dataclass(frozen=True)
class PassRule:
    label: str
    min_total: float
    min_each_tool: float | None = None
    unconfirmed: bool = False
    note: str = ""
    label_en: str = ""  # for English output; the Thai label is what the NACC publishes


@dataclass(frozen=True)
class OitItem:
    code: str
    name_th: str
    group: str = ""
    unconfirmed: bool = False
    note: str = ""

    @property
    def label(self) -> str:
        return f"{self.code} {self.name_th}"


@dataclass(frozen=True)
class OitContent:
    """What an OIT item's page must show, where a public source says so (``[oit_content]``)."""

    shows: str
    source: str = ""  # the address that says it
    year_rule: str = ""  # "current" | "previous" | "": which fiscal year the page is about


@dataclass(frozen=True)
class OitGroup:
    """A sub-indicator of the OIT ("9.3 การบริหารเงินงบประมาณ") and the indicator it is part of."""

    code: str
    name_th: str
    indicator: int
    name_en: str = ""
    unconfirmed: bool = False
    note: str = ""

    @property
    def label(self) -> str:
        return f"{self.code} {self.name_th}"


@dataclass(frozen=True)
class Framework:
    year: int
    result_scheme: str  # "letter" (results up to ITA 2565) or "pass" (ITA 2566 on)
    pass_mark: float
    tools: tuple[Tool, ...]
    indicators: tuple[Indicator, ...]
    levels: tuple[LevelBand, ...]
    pass_labels: tuple[PassRule, ...]
    oit_items: tuple[OitItem, ...]
    measures_items: tuple[str, ...]
    notes: str
    sources: tuple[str, ...]
    source_file: str
    measures_unconfirmed: bool = False
    measures_note: str = ""
    override_file: str = ""  # the user's file merged over source_file, if any
    oit_groups: tuple[OitGroup, ...] = ()
    # OIT checklist data (issue 20): item code -> what its page must show, and the source.
    oit_content: tuple[tuple[str, OitContent], ...] = ()

    def oit_shows(self, code: str) -> OitContent | None:
        """What item ``code``'s page must show, when a source says so."""
        return dict(self.oit_content).get(code)

    # -- lookups ------------------------------------------------------------------------------

    # Normalised names, computed once: validation matches thousands of cells per run.
    @cached_property
    def _indicator_keys(self) -> tuple[tuple[int, str], ...]:
        return tuple(
            (ind.number, key)
            for ind in self.indicators
            for name in (ind.name_th, ind.name_en, *ind.aliases)
            if (key := _compact(_normalise(name)))
        )

    @cached_property
    def _oit_keys(self) -> tuple[tuple[str, str], ...]:
        return tuple(
            (item.code, _compact(_normalise(item.name_th)))
            for item in self.oit_items
            if not _is_placeholder(item.name_th)
        )

    def tool(self, code: str) -> Tool:
        wanted = code.strip().upper()
        for tool in self.tools:
            if tool.code == wanted:
                return tool
        raise KeyError(f"no tool {code!r} in the ITA {self.year} framework")

    def indicator(self, number: int) -> Indicator:
        for ind in self.indicators:
            if ind.number == number:
                return ind
        raise KeyError(f"no indicator {number!r} in the ITA {self.year} framework")

    def oit_item(self, code: str) -> OitItem:
        found = self.oit_item_from_text(code)
        for item in self.oit_items:
            if item.code == found:
                return item
        raise KeyError(f"no OIT item {code!r} in the ITA {self.year} framework")

    def oit_group_of(self, code: str) -> OitGroup | None:
        """The group an OIT item is in, or None when the data do not say."""
        try:
            wanted = self.oit_item(code).group
        except KeyError:
            return None
        if not wanted:
            return None
        for group in self.oit_groups:
            if group.code == wanted:
                return group
        head = wanted.split(".")[0]  # a group not described: its indicator is the number before "."
        if head.isdigit():
            return OitGroup(wanted, wanted, int(head), unconfirmed=True)
        return None

    def oit_items_named_in(self, text: object) -> tuple[str, ...]:
        """Codes of the items whose full name appears in a free text (a measure's wording),
        longest name first: "เผยแพร่ข่าวประชาสัมพันธ์ภายใน 7 วัน" -> ("O7",) in the 2564 list."""
        if text is None or isinstance(text, bool):
            return ()
        compact = _compact(_normalise(str(text)))
        inside = sorted(((len(name), code) for code, name in self._oit_keys
                         if len(name) >= _MIN_NAMED_ITEM and name in compact), reverse=True)
        return tuple(code for _, code in inside)

    def indicator_from_text(self, text: object) -> int | None:
        """Indicator number from a cell: ``"9. การเปิดเผยข้อมูล"``, ``"9"``, ``"๙"``,
        ``"ตัวชี้วัดที่ ๙"``, ``"การเปิดเผย ข้อมูล"`` -> 9; ``None`` if not recognised.

        A name wins over a number: documents often renumber indicators inside each tool
        (seed 000 writes ``"๑.คุณภาพการดำเนินงาน"`` for indicator 6).
        """
        if isinstance(text, bool) or text is None:
            return None
        numbers = {ind.number for ind in self.indicators}
        if isinstance(text, int | float):
            return _integral(text, numbers)
        norm = _normalise(str(text))
        if not norm:
            return None
        by_name = _best_name_match(_compact(norm), self._indicator_keys)
        if by_name is not None:
            return by_name
        try:  # a bare number, "9" or "9.0" as spreadsheets store it
            return _integral(float(norm), numbers)
        except ValueError:
            pass
        m = _INDICATOR_NUMBER.match(norm)
        if m and int(m.group(1)) in numbers:
            return int(m.group(1))
        return None

    def oit_item_from_text(self, text: object) -> str | None:
        """OIT code from a cell: ``"O42 มาตรการ…"``, ``"o42"``, ``"O 42"`` -> ``"O42"``, or by
        the item's name. Codes not in this year's list give ``None`` (lists change by year)."""
        if text is None or isinstance(text, bool):
            return None
        norm = _normalise(str(text))
        codes = {item.code for item in self.oit_items}
        m = _OIT_CODE.match(norm)
        if m:
            code = f"O{int(m.group(1))}"
            return code if code in codes else None
        return self._oit_by_name(_compact(norm))

    def _oit_by_name(self, compact_text: str) -> str | None:
        if not compact_text:
            return None
        named = self._oit_keys
        for code, name in named:
            if name == compact_text:
                return code
        # Longest item name inside the text: "การดำเนินการตามมาตรการ…" must beat "มาตรการ…".
        inside = [(len(name), code) for code, name in named if name and name in compact_text]
        if inside:
            return max(inside)[1]
        # A shortened name ("มาตรการส่งเสริมคุณธรรม") counts only when it is unambiguous.
        if len(compact_text) >= _MIN_PARTIAL_NAME:
            holders = [code for code, name in named if compact_text in name]
            if len(holders) == 1:
                return holders[0]
        return None

    # -- results ------------------------------------------------------------------------------

    def level_for(self, total: float) -> str:
        """Letter band of a total. The total is first rounded to 2 decimals, as published, so
        a displayed 85.00 is never banded as B."""
        value = _checked_total(total)
        for band in self.levels:
            if value >= band.min_score:
                return band.label
        return self.levels[-1].label

    def pass_label_for(self, total: float, tool_scores: Mapping[str, float | None]) -> str | None:
        """Pass label (ITA 2566 on) from the total and each tool's mean score (0-100).

        Rules are tried in order; a rule that needs every tool above a mark is not met when a
        tool score is missing. ``None`` when the year has no pass labels."""
        if not self.pass_labels:
            return None
        value = _checked_total(total)
        tools = {str(k).strip().upper(): v for k, v in tool_scores.items()}
        for rule in self.pass_labels:
            if value < rule.min_total:
                continue
            if rule.min_each_tool is None or self._every_tool_reaches(tools, rule.min_each_tool):
                return rule.label
        return self.pass_labels[-1].label

    def _every_tool_reaches(self, tools: Mapping[str, float | None], mark: float) -> bool:
        for tool in self.tools:
            value = tools.get(tool.code)
            if value is None or _is_nan(value) or round_half_up(value, 2) < mark:
                return False
        return True

    def label_for(
        self, total: float, tool_scores: Mapping[str, float | None] | None = None
    ) -> str:
        """The result label the NACC published for this year: pass label or letter band."""
        if self.result_scheme == "pass":
            label = self.pass_label_for(total, tool_scores or {})
            if label is not None:
                return label
        return self.level_for(total)

    def result_text(self, label: str, lang: str = "th") -> str:
        """A result label (pass label or letter band) as shown in ``lang``: a pass label's
        English name for "en" (letters are the same in both), its Thai label otherwise."""
        key = self.result_key(label)
        rule = next((r for r in self.pass_labels if r.label == key), None)
        if rule is None:
            return label
        return (rule.label_en or rule.label) if lang == "en" else rule.label

    def result_key(self, text: str) -> str:
        """The Thai pass label for its Thai or English name (as read back from a report);
        anything else unchanged."""
        for rule in self.pass_labels:
            if text in (rule.label, rule.label_en) and text:
                return rule.label
        return text


@dataclass(frozen=True)
class ScoreResult:
    # Unrounded, like the intermediates of the published totals; round only for display.
    tool_means: dict[str, float | None] = field(default_factory=dict)
    weighted: dict[str, float | None] = field(default_factory=dict)
    total: float | None = None  # rounded half-up to 2 decimals
    level: str | None = None
    pass_label: str | None = None
    label: str | None = None
    complete: bool = False
    missing: tuple[int, ...] = ()


# ---------------------------------------------------------------------------------------------
# Scoring
# ---------------------------------------------------------------------------------------------


def round_half_up(x: float, places: int = 2) -> float:
    """Round like Excel's ROUND (half away from zero), not like Python's banker's ``round``.

    The float goes through its 15-significant-digit text first, as Excel shows it, so that
    binary artefacts (2.675 is stored as 2.67499999…) do not flip the result.
    """
    if not math.isfinite(x) or abs(x) >= 1e15:
        return x  # no decimals left to round (and Decimal's 28 digits would overflow)
    quantum = Decimal(1).scaleb(-places)
    return float(Decimal(format(x, ".15g")).quantize(quantum, rounding=ROUND_HALF_UP))


def score(framework: Framework, scores: Mapping[int, float | None]) -> ScoreResult:
    """Total ITA score from indicator scores (0-100).

    total = sum(tool weight x mean of the tool's indicators), intermediates unrounded, final
    round half-up to 2 decimals (reproduces the published totals, e.g. seed 000 -> 59.16).
    Missing or empty indicators give ``total=None`` and ``complete=False``; range checks on
    the scores belong to the validators.
    """
    values = _indicator_values(framework, scores)
    missing = tuple(sorted(n for n, v in values.items() if v is None))
    tool_means: dict[str, float | None] = {}
    weighted: dict[str, float | None] = {}
    for tool in framework.tools:
        mean = _mean([values[n] for n in tool.indicators])
        tool_means[tool.code] = mean
        weighted[tool.code] = None if mean is None else tool.weight * mean
    if missing:
        return ScoreResult(tool_means, weighted, complete=False, missing=missing)
    total = round_half_up(math.fsum(w for w in weighted.values() if w is not None), 2)
    pass_label = framework.pass_label_for(total, tool_means)
    return ScoreResult(
        tool_means=tool_means,
        weighted=weighted,
        total=total,
        level=framework.level_for(total),
        pass_label=pass_label,
        label=framework.label_for(total, tool_means),
        complete=True,
        missing=(),
    )


def _indicator_values(
    framework: Framework, scores: Mapping[int, float | None]
) -> dict[int, float | None]:
    known = {ind.number for ind in framework.indicators}
    values: dict[int, float | None] = dict.fromkeys(sorted(known))
    for key, raw in scores.items():
        number = int(key)
        if number not in known:
            raise ValueError(f"indicator {key!r} is not in the ITA {framework.year} framework")
        if raw is None or isinstance(raw, bool):
            continue
        value = float(raw)
        values[number] = None if math.isnan(value) else value
    return values


def _mean(values: list[float | None]) -> float | None:
    if not values or any(v is None for v in values):
        return None
    return math.fsum(v for v in values if v is not None) / len(values)


def _checked_total(total: float) -> float:
    value = float(total)
    if math.isnan(value):
        raise ValueError("total score is NaN")
    return round_half_up(value, 2)


def _is_nan(value: object) -> bool:
    return isinstance(value, float) and math.isnan(value)


# ---------------------------------------------------------------------------------------------
# Text matching
# ---------------------------------------------------------------------------------------------

_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
# Copy-paste from Word/PDF leaves zero-width characters and odd spaces inside words.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
_INDICATOR_NUMBER = re.compile(
    r"^(?:ตัวชี้วัดที่|ตัวชี้วัด|ข้อที่|ข้อ|indicator|ind\.?|no\.?|#)?\s*(\d{1,2})(?!\d)(?![.,]\d)",
    re.IGNORECASE,
)
_OIT_CODE = re.compile(r"^[Oo]\s*[-.]?\s*(\d{1,3})(?!\d)(?![.,]\d)")
_MIN_PARTIAL_NAME = 8
# An item's name counts as named in a measure's wording from this length ("Q&A" is too short
# to mean the item; "ข่าวประชาสัมพันธ์" is not).
_MIN_NAMED_ITEM = 6


@lru_cache(maxsize=4096)  # measure wordings repeat across a round's returns
def _normalise(text: str) -> str:
    # NFKC folds full-width letters (Ｏ４２) and gives "ำ" and the "ํา" that PDFs produce one form.
    text = unicodedata.normalize("NFKC", text).translate(_INVISIBLE).translate(_THAI_DIGITS)
    return " ".join(text.split())


def _compact(text: str) -> str:
    return "".join(text.split()).casefold()


def _is_placeholder(name: str) -> bool:
    return not name.strip() or name.strip().startswith("(")


def _best_name_match(compact_text: str, candidates: tuple[tuple[int, str], ...]) -> int | None:
    """Earliest name found in the text; the longer one on a tie."""
    best: tuple[int, int, int] | None = None
    for number, key in candidates:
        pos = compact_text.find(key)
        if pos >= 0 and (best is None or (pos, -len(key)) < best[:2]):
            best = (pos, -len(key), number)
    return None if best is None else best[2]


def _integral(value: float, allowed: set[int]) -> int | None:
    if not math.isfinite(value) or value != int(value):
        return None
    return int(value) if int(value) in allowed else None


# ---------------------------------------------------------------------------------------------
# Loading
# ---------------------------------------------------------------------------------------------

# Identity field per table array, used when an override entry leaves fields out.
_ENTRY_KEYS = {
    "tools": "code",
    "indicators": "number",
    "levels": "label",
    "pass_labels": "label",
    "oit_items": "code",
    "oit_groups": "code",
}
_cache: dict[tuple[Any, ...], Framework] = {}
_declared_years: dict[tuple[str, int | None], int | None] = {}


def _builtin_years() -> tuple[int, ...]:
    if not DATA_DIR.is_dir():
        return ()
    return tuple(sorted(int(m.group(1)) for p in DATA_DIR.iterdir()
                        if (m := _YEAR_FILE.match(p.name))))


AVAILABLE_YEARS: tuple[int, ...] = _builtin_years()


def available_years(override: str | os.PathLike[str] | None = None) -> tuple[int, ...]:
    """Built-in years plus those of an override folder (or ITA_XLSX_FRAMEWORK_DIR)."""
    years = set(_builtin_years())
    source = _override_source(override)
    if source is not None and source.is_dir():
        years.update(int(m.group(1)) for p in source.iterdir() if (m := _YEAR_FILE.match(p.name)))
    elif source is not None and (declared := _declared_year(source)) is not None:
        years.add(declared)
    return tuple(sorted(years))


def load_framework(year: int, override: str | os.PathLike[str] | None = None) -> Framework:
    """The framework of ITA assessment year ``year`` (Buddhist Era).

    ``override`` (or, when it is None, the folder in the ``ITA_XLSX_FRAMEWORK_DIR`` environment
    variable) is either a TOML file or a folder holding ``<year>.toml``. Its keys are merged over
    the built-in year: plain keys replace; each table array (``[[tools]]``, ``[[oit_items]]`` …)
    replaces the built-in one wholesale, but an entry naming an existing code / number / label
    inherits the fields it leaves out, so ``[[tools]] code = "IIT" weight = 0.25`` is enough.
    A file that declares its year (a ``year`` key or a ``<year>.toml`` name) applies to that year
    only, so one file can be passed for every year a command loads. A year not shipped can be
    supplied whole by the override. Results are cached per (year, override path, mtime).
    """
    year = int(year)
    source = _override_source(override)
    user_file = _override_file(source, year)
    builtin = DATA_DIR / f"{year}.toml"
    key = (year, str(user_file) if user_file else None, _mtime(user_file), _mtime(builtin))
    cached = _cache.get(key)
    if cached is None:
        cached = _load_uncached(year, builtin, user_file, source)
        _cache[key] = cached
    return cached


def framework_for_fiscal_year(
    fiscal_year: int, override: str | os.PathLike[str] | None = None
) -> Framework:
    """The framework a fiscal year's workbook analyses: the ITA result of the year before.

    The measures of fiscal year N answer the ITA N-1 result, e.g. the FY 2570 workbook
    (1 Oct 2569 - 30 Sep 2570) analyses ITA 2569, so this returns ``load_framework(N - 1)``.
    """
    return load_framework(int(fiscal_year) - 1, override)


def _override_source(override: str | os.PathLike[str] | None) -> Path | None:
    if override is not None:
        path = Path(override)
    else:
        env = os.environ.get(ENV_FRAMEWORK_DIR, "").strip()
        if not env:
            return None
        path = Path(env)
    if not path.exists():
        raise FrameworkError(
            f"ไม่พบไฟล์หรือโฟลเดอร์กรอบการประเมิน: {path}",
            f"Framework override not found: {path}",
        )
    return path.resolve()


def _override_file(source: Path | None, year: int) -> Path | None:
    if source is None:
        return None
    if source.is_dir():
        candidate = source / f"{year}.toml"
        return candidate if candidate.is_file() else None
    # One file may be passed for every year a command loads (a workbook needs two): it applies
    # only to the year it declares, by its `year` key or a <year>.toml name; else to any year.
    declared = _declared_year(source)
    return source if declared in (None, year) else None


def _declared_year(path: Path) -> int | None:
    key = (str(path), _mtime(path))
    if key not in _declared_years:
        declared = _read_toml(path).get("year")
        if declared is None and (m := _YEAR_FILE.match(path.name)):
            declared = int(m.group(1))
        _declared_years[key] = None if declared is None else int(declared)
    return _declared_years[key]


def _mtime(path: Path | None) -> int | None:
    try:
        return path.stat().st_mtime_ns if path else None
    except OSError:
        return None


def _load_uncached(
    year: int, builtin: Path, user_file: Path | None, source: Path | None
) -> Framework:
    if not builtin.is_file() and user_file is None:
        years = ", ".join(str(y) for y in available_years(source)) or "-"
        raise FrameworkError(
            f"ไม่มีกรอบการประเมิน ITA ปี {year} ในระบบ (ปีที่มี: {years}) "
            f"เพิ่มไฟล์ {year}.toml ในโฟลเดอร์ที่กำหนดด้วย {ENV_FRAMEWORK_DIR} ได้",
            f"No ITA framework for {year} (available: {years}); "
            f"add {year}.toml to a folder named in {ENV_FRAMEWORK_DIR}.",
        )
    data: dict[str, Any] = _read_toml(builtin) if builtin.is_file() else {}
    if user_file is not None:
        data = _merge(data, _read_toml(user_file))
    data.setdefault("year", year)
    origin = str(builtin) if builtin.is_file() else str(user_file)
    framework = _build(data, origin, str(user_file) if user_file else "")
    _validate(framework, year)
    return framework


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise FrameworkError(
            f"อ่านไฟล์กรอบการประเมิน {path.name} ไม่ได้: {exc}",
            f"Cannot parse framework file {path}: {exc}",
        ) from exc
    except OSError as exc:
        raise FrameworkError(
            f"เปิดไฟล์กรอบการประเมิน {path.name} ไม่ได้: {exc}",
            f"Cannot open framework file {path}: {exc}",
        ) from exc


def _merge(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in extra.items():
        id_key = _ENTRY_KEYS.get(key)
        if id_key and isinstance(value, list):
            known = {e.get(id_key): e for e in base.get(key, []) if isinstance(e, dict)}
            merged[key] = [
                {**known.get(entry.get(id_key), {}), **entry} if isinstance(entry, dict) else entry
                for entry in value
            ]
        else:
            merged[key] = value
    return merged


def _build(data: dict[str, Any], source_file: str, override_file: str) -> Framework:
    where = override_file or source_file
    try:
        return Framework(
            year=int(data["year"]),
            result_scheme=str(data["result_scheme"]),
            pass_mark=float(data["pass_mark"]),
            tools=tuple(_tool(e) for e in data["tools"]),
            indicators=tuple(_indicator(e) for e in data["indicators"]),
            levels=tuple(LevelBand(str(e["label"]), float(e["min_score"])) for e in data["levels"]),
            pass_labels=tuple(_pass_rule(e) for e in data.get("pass_labels", [])),
            oit_items=tuple(_oit_item(e) for e in data.get("oit_items", [])),
            oit_groups=tuple(_oit_group(e) for e in data.get("oit_groups", [])),
            measures_items=tuple(str(c) for c in data.get("measures_items", [])),
            notes=str(data.get("notes", "")),
            sources=tuple(str(s) for s in data.get("sources", [])),
            source_file=source_file,
            measures_unconfirmed=bool(data.get("measures_unconfirmed", False)),
            measures_note=str(data.get("measures_note", "")),
            override_file=override_file,
            oit_content=_oit_content(data.get("oit_content", {})),
        )
    except KeyError as exc:
        raise FrameworkError(
            f"ไฟล์กรอบการประเมินขาดข้อมูล {exc.args[0]!r} ({where})",
            f"Framework data is missing {exc.args[0]!r} ({where})",
        ) from exc
    except (TypeError, ValueError, AttributeError) as exc:
        raise FrameworkError(
            f"ข้อมูลในไฟล์กรอบการประเมินไม่ถูกต้อง ({where}): {exc}",
            f"Invalid framework data ({where}): {exc}",
        ) from exc


def _tool(e: dict[str, Any]) -> Tool:
    return Tool(
        code=str(e["code"]).strip().upper(),
        name_th=str(e["name_th"]),
        name_en=str(e.get("name_en", "")),
        weight=float(e["weight"]),
        indicators=tuple(int(n) for n in e["indicators"]),
        unconfirmed=bool(e.get("unconfirmed", False)),
        note=str(e.get("note", "")),
    )


def _indicator(e: dict[str, Any]) -> Indicator:
    return Indicator(
        number=int(e["number"]),
        name_th=str(e["name_th"]),
        name_en=str(e.get("name_en", "")),
        tool=str(e["tool"]).strip().upper(),
        unconfirmed=bool(e.get("unconfirmed", False)),
        note=str(e.get("note", "")),
        aliases=tuple(str(a) for a in e.get("aliases", [])),
    )


def _pass_rule(e: dict[str, Any]) -> PassRule:
    each = e.get("min_each_tool")
    return PassRule(
        label=str(e["label"]),
        min_total=float(e["min_total"]),
        min_each_tool=None if each is None else float(each),
        unconfirmed=bool(e.get("unconfirmed", False)),
        note=str(e.get("note", "")),
        label_en=str(e.get("label_en", "")),
    )


def _oit_content(table: dict[str, Any]) -> tuple[tuple[str, OitContent], ...]:
    return tuple(
        (str(code).strip().upper(), OitContent(shows=str(e.get("shows", "")),
                                               source=str(e.get("source", "")),
                                               year_rule=str(e.get("year_rule", ""))))
        for code, e in table.items())


def _oit_item(e: dict[str, Any]) -> OitItem:
    return OitItem(
        code=str(e["code"]).strip().upper(),
        name_th=str(e["name_th"]),
        group=str(e.get("group", "")),
        unconfirmed=bool(e.get("unconfirmed", False)),
        note=str(e.get("note", "")),
    )


def _oit_group(e: dict[str, Any]) -> OitGroup:
    return OitGroup(
        code=str(e["code"]).strip(),
        name_th=str(e["name_th"]),
        indicator=int(e["indicator"]),
        name_en=str(e.get("name_en", "")),
        unconfirmed=bool(e.get("unconfirmed", False)),
        note=str(e.get("note", "")),
    )


# ---------------------------------------------------------------------------------------------
# Validation: bad data must fail at load time, not as a wrong total in 600 workbooks.
# ---------------------------------------------------------------------------------------------


def _fail(where: str, th: str, en: str) -> FrameworkError:
    return FrameworkError(f"กรอบการประเมินไม่ถูกต้อง ({where}): {th}", f"Invalid framework ({where}): {en}")


def _validate(fw: Framework, year: int) -> None:
    where = fw.override_file or fw.source_file
    if fw.year != year:
        raise _fail(where, f"ระบุปี {fw.year} แต่ต้องเป็น {year}", f"year is {fw.year}, expected {year}")
    if fw.result_scheme not in ("letter", "pass"):
        raise _fail(where, f"result_scheme ต้องเป็น letter หรือ pass (พบ {fw.result_scheme!r})",
                    f"result_scheme must be 'letter' or 'pass', got {fw.result_scheme!r}")
    _validate_tools(fw, where)
    _validate_indicators(fw, where)
    _validate_levels(fw, where)
    _validate_pass_labels(fw, where)
    _validate_oit(fw, where)


def _validate_tools(fw: Framework, where: str) -> None:
    codes = [t.code for t in fw.tools]
    if not codes or len(set(codes)) != len(codes):
        raise _fail(where, "ต้องมีเครื่องมือและรหัสต้องไม่ซ้ำ", "tools missing or duplicated")
    if any(not math.isfinite(t.weight) or t.weight < 0 for t in fw.tools):
        raise _fail(where, "น้ำหนักต้องเป็นจำนวนไม่ติดลบ", "weights must be non-negative numbers")
    total = math.fsum(t.weight for t in fw.tools)
    if abs(total - 1.0) > _WEIGHT_TOLERANCE:
        raise _fail(where, f"น้ำหนักรวมต้องเท่ากับ 1 (ได้ {total:g})",
                    f"tool weights must sum to 1 (got {total:g})")


def _validate_indicators(fw: Framework, where: str) -> None:
    numbers = [i.number for i in fw.indicators]
    if sorted(numbers) != list(range(1, len(numbers) + 1)):
        raise _fail(where, "ตัวชี้วัดต้องเรียงเลข 1 ถึง N ไม่ซ้ำ",
                    f"indicators must be numbered 1..N without gaps or repeats (got {numbers})")
    owner: dict[int, str] = {}
    for tool in fw.tools:
        for n in tool.indicators:
            if n in owner:
                raise _fail(where, f"ตัวชี้วัด {n} อยู่ในเครื่องมือมากกว่าหนึ่ง",
                            f"indicator {n} is in both {owner[n]} and {tool.code}")
            owner[n] = tool.code
    if set(owner) != set(numbers):
        raise _fail(where, "ตัวชี้วัดทุกตัวต้องอยู่ในเครื่องมือเดียว",
                    f"each indicator must be in exactly one tool (tools list {sorted(owner)})")
    for ind in fw.indicators:
        if ind.tool != owner[ind.number]:
            raise _fail(where, f"ตัวชี้วัด {ind.number} ระบุเครื่องมือไม่ตรงกัน",
                        f"indicator {ind.number} says tool {ind.tool}, "
                        f"but {owner[ind.number]} lists it")


def _validate_levels(fw: Framework, where: str) -> None:
    mins = [b.min_score for b in fw.levels]
    if not mins or any(a <= b for a, b in pairwise(mins)) or mins[-1] != 0:
        raise _fail(where, "ช่วงระดับต้องเรียงจากมากไปน้อยและช่วงสุดท้ายเริ่มที่ 0",
                    f"level bands must be strictly descending and end at 0 (got {mins})")


def _validate_pass_labels(fw: Framework, where: str) -> None:
    rules = fw.pass_labels
    if not rules:
        if fw.result_scheme == "pass":
            raise _fail(where, "ปีที่ใช้ผลแบบผ่าน/ไม่ผ่านต้องมี pass_labels",
                        "result_scheme 'pass' needs [[pass_labels]]")
        return
    mins = [r.min_total for r in rules]
    if any(a < b for a, b in pairwise(mins)):
        raise _fail(where, "pass_labels ต้องเรียง min_total จากมากไปน้อย",
                    f"pass_labels must be ordered by descending min_total (got {mins})")
    if rules[-1].min_total != 0 or rules[-1].min_each_tool is not None:
        raise _fail(where, "pass_labels ข้อสุดท้ายต้องครอบคลุมทุกคะแนน (min_total = 0)",
                    "the last pass label must catch every total (min_total = 0, no min_each_tool)")


def _validate_oit(fw: Framework, where: str) -> None:
    codes = [item.code for item in fw.oit_items]
    bad = [c for c in codes if not re.fullmatch(r"O\d+", c)]
    if bad or len(set(codes)) != len(codes):
        raise _fail(where, "รหัสรายการ OIT ต้องเป็นรูปแบบ O<เลข> และไม่ซ้ำ",
                    f"OIT codes must look like O<number> and be unique (bad: {bad})")
    stray = [c for c, _ in fw.oit_content if c not in set(codes)]
    if stray:
        raise _fail(where, f"oit_content อ้างรายการที่ไม่มี: {', '.join(stray)}",
                    f"oit_content names unknown OIT items: {', '.join(stray)}")
    rules = [c for c, v in fw.oit_content if v.year_rule not in ("", "current", "previous")]
    if rules:
        raise _fail(where, f"year_rule ต้องเป็น current, previous หรือว่าง ({', '.join(rules)})",
                    f"year_rule must be current, previous or empty ({', '.join(rules)})")
    numbers = {i.number for i in fw.indicators}
    groups = {g.code for g in fw.oit_groups}
    bad_groups = [g.code for g in fw.oit_groups if g.indicator not in numbers]
    if bad_groups or len(groups) != len(fw.oit_groups):
        raise _fail(where, f"oit_groups อ้างตัวชี้วัดที่ไม่มี หรือรหัสซ้ำ: {', '.join(bad_groups)}",
                    f"oit_groups name unknown indicators or repeat a code: {', '.join(bad_groups)}")
    if groups:
        lost = sorted({i.group for i in fw.oit_items if i.group and i.group not in groups})
        if lost:
            raise _fail(where, f"รายการ OIT อ้างกลุ่มที่ไม่มีใน oit_groups: {', '.join(lost)}",
                        f"OIT items name groups missing from oit_groups: {', '.join(lost)}")
    unknown = [c for c in fw.measures_items if c not in set(codes)]
    if unknown:
        raise _fail(where, f"measures_items อ้างรายการที่ไม่มี: {', '.join(unknown)}",
                    f"measures_items name unknown OIT items: {', '.join(unknown)}")
