"""The declarative workbook template: loading, linting and binding to a fiscal year.

A template file (``workbook_templates/<id>-<version>.toml``) declares the sheets, their
columns or form fields, labels, choices and rules. The renderer (``render.py``) draws the
workbook from it and the validators compile their checks from it, so nothing about a column
is written twice.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path

from ita_xlsx.core.errors import TemplateError, what_happened
from ita_xlsx.spec.catalogue import Catalogue, load_catalogue
from ita_xlsx.spec.framework import Framework, load_framework
from ita_xlsx.spec.roles import Cells, Fields, Roles

TEMPLATE_DIR = Path(__file__).parent.parent / "workbook_templates"
DEFAULT_TEMPLATE_ID = "ita-measures"
# Where a workbook keeps its identity: custom document properties with this prefix, and a
# very-hidden sheet of key/value rows (which survives LibreOffice and Google Sheets re-saves).
META_SHEET = "_ita_meta"
PROP_PREFIX = "ita_"

# XlsxWriter silently drops a data validation past these limits (returns -2 and warns).
MAX_TITLE = 32
MAX_MESSAGE = 255
MAX_INLINE_LIST = 255
MAX_SHEET_NAME = 31
_BAD_SHEET_CHARS = set("[]:*?/\\")
SEVERITIES = ("error", "warning", "info")
FIELD_TYPES = ("text", "id", "choice", "score", "timeframe", "url", "date", "year", "email")


@dataclass(frozen=True)
class Choice:
    value: str
    label: str
    label_en: str = ""
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class ChoiceList:
    key: str
    items: tuple[Choice, ...] = ()
    source: str | None = None  # "framework.tools", "framework.indicators", "org.units", ...
    strict: bool = True  # False: a suggestion list, other text is accepted


@dataclass(frozen=True)
class Condition:
    """When a conditionally required field is required (XLSForm's ``relevant``)."""

    column: str
    equals: str | None = None
    not_equals: str | None = None
    below: str | float | None = None  # a number, or "pass_mark" (from the framework)


@dataclass(frozen=True)
class Field:
    """A form field (``cell``) or a table column (``column``)."""

    key: str
    label: str
    label_en: str = ""
    type: str = "text"
    cell: str = ""
    column: str = ""
    required: bool = False
    required_when: Condition | None = None
    severity: str = "error"
    required_message: str = ""
    required_message_en: str = ""
    missing_code: str = ""  # the finding code when empty, if not "required-missing"
    choices: str | None = None
    hint_title: str = ""
    hint: str = ""
    identity: bool = False
    prefilled: bool = False
    sequence: str = ""
    unique: bool = False
    references: str = ""
    wrap: bool = False
    role: str = ""  # what the code knows this field as (see ROLES); then also its key
    file_key: str = ""  # the key in the template file, when a role renamed it

    @property
    def col_index(self) -> int:
        """0-based column index of a table column."""
        return column_index(self.column)

    def text(self, lang: str) -> str:
        return self.label_en if lang == "en" and self.label_en else self.label


@dataclass(frozen=True)
class Computed:
    key: str
    label: str
    label_en: str = ""
    per: str = ""
    role: str = ""
    file_key: str = ""


@dataclass(frozen=True)
class Sheet:
    key: str
    name: str
    kind: str  # "guide" | "form" | "table" | "catalogue" (a read-only list drawn from data)
    name_en: str = ""
    title: str = ""
    header_row: int = 0
    first_data_row: int = 0
    rows: int | str = 0
    validation_rows: int = 0
    fields: tuple[Field, ...] = ()
    computed: tuple[Computed, ...] = ()
    extra_fields: tuple[Field, ...] = ()
    lines: tuple[str, ...] = ()
    # per round: the lines that replace a "{round_instructions}" line of ``lines``
    round_lines: dict[str, tuple[str, ...]] = field(default_factory=dict)
    widths: dict[str, float] = field(default_factory=dict)
    label_column: str = "B"
    value_column: str = "C"
    role: str = ""
    file_key: str = ""
    # The template version that added the sheet: returns of older versions lack it and are
    # read without it (no sheet-missing finding).
    since: str = ""

    def field(self, key: str) -> Field:
        for f in self.fields:
            if f.key == key:
                return f
        raise KeyError(key)

    def text(self, lang: str) -> str:
        return self.name_en if lang == "en" and self.name_en else self.name


def version_before(version: str, since: str) -> bool:
    """Whether template ``version`` is older than ``since`` ("" counts as not older)."""
    if not version or not since:
        return False
    try:
        return _version_key(version) < _version_key(since)
    except TypeError:  # "2" against "3a": compare as text
        return version < since


@dataclass(frozen=True)
class Template:
    id: str
    version: str
    title: str
    title_en: str
    font: str
    font_size: int
    compatible_versions: tuple[str, ...]
    rounds: dict[str, dict[str, str]]
    units_default: tuple[str, ...]
    choices: dict[str, ChoiceList]
    sheets: tuple[Sheet, ...]
    source_file: str
    # Round rules: rule -> round key -> value (see ROUND_RULES).
    rules: dict[str, dict[str, str]] = field(default_factory=dict)
    # [oit] official_hosts: hosts besides the organisation's own site where an OIT item may
    # be published (a host and its subdomains), e.g. the e-GP procurement site.
    oit_official_hosts: tuple[str, ...] = ()

    def rule(self, name: str, round_key: str | None) -> str:
        """A round rule for ``round_key`` ("" when the round is unknown or has none)."""
        return self.rules.get(name, {}).get(str(round_key or ""), "")

    def sheet(self, key: str) -> Sheet:
        for s in self.sheets:
            if s.key == key:
                return s
        raise KeyError(key)

    def choice_key(self, sheet_role: str, field_role: str) -> str:
        """The choice list of a role's field, by role: a copy may name its lists as it likes
        ("" when the template has no such field or it offers no list)."""
        for s in self.sheets:
            if s.key == sheet_role:
                for f in (*s.fields, *s.extra_fields):
                    if f.key == field_role:
                        return f.choices or ""
        return ""

    @property
    def data_sheets(self) -> tuple[Sheet, ...]:
        return tuple(s for s in self.sheets if s.kind in ("form", "table"))

    def round_label(self, round_key: str, lang: str = "th") -> str:
        r = self.rounds[round_key]
        return r.get("label_en", r["label"]) if lang == "en" else r["label"]


# ---------------------------------------------------------------- A1 helpers


def column_index(letters: str) -> int:
    """'A' -> 0, 'AA' -> 26."""
    n = 0
    for ch in letters.upper():
        n = n * 26 + (ord(ch) - 64)
    return n - 1


def column_letter(index: int) -> str:
    """0 -> 'A'."""
    s = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        s = chr(65 + rem) + s
    return s


_CELL_RE = re.compile(r"^([A-Z]{1,3})([1-9][0-9]*)$")


def split_cell(cell: str) -> tuple[int, int]:
    """'C4' -> (row 4, column index 2): Excel row number, 0-based column."""
    m = _CELL_RE.match(cell)
    if not m:
        raise ValueError(f"not an A1 cell: {cell!r}")
    return int(m.group(2)), column_index(m.group(1))


# ---------------------------------------------------------------- loading


# ---------------------------------------------------------------- the contract with the code

# The sheets and fields the code relies on, by role. A template declares each with
# ``role = "..."`` on the sheet or field; the role is then the key the code uses, so a
# province's copy may name its keys as it likes. The linter refuses a template lacking one.
ROLES: dict[str, tuple[str, ...]] = {
    Roles.GUIDE: (),
    Roles.ORG: (Fields.ORG_CODE, Fields.ORG_NAME, Fields.ORG_TYPE, Fields.DISTRICT, Fields.PROVINCE,
                Fields.FISCAL_YEAR, Fields.ROUND, Fields.REPORT_DATE, Fields.EMAIL,
                Fields.CONTACT_NAME, Fields.CONTACT_POSITION, Fields.PHONE),
    Roles.ANALYSIS: (Fields.INDICATOR, Fields.TOOL, Fields.SCORE, Fields.ISSUE),
    Roles.MEASURES: (Fields.MEASURE_ID, Fields.TOOL, Fields.INDICATOR, Fields.OIT_ITEM,
                     Fields.OWNER, Fields.TIMEFRAME, Fields.MEASURE, Fields.METHOD,
                     Fields.FOLLOWUP),
    Roles.RESULTS: (Fields.MEASURE_ID, Fields.ROUND, Fields.STATUS, Fields.EVIDENCE_URL,
                    Fields.SUMMARY, Fields.OUTCOME, Fields.PROBLEMS),
}
# Roles that come as a group a template has whole or not at all: version 1 of the template
# had none of the fields the documents print (blank prints as a dotted line), version 2 has
# them all. A copy with some of them has renamed the others without their role.
ROLE_GROUPS: dict[str, tuple[tuple[str, ...], ...]] = {
    Roles.ORG: ((Fields.SIGNER_NAME, Fields.SIGNER_POSITION, Fields.EXECUTIVE_TITLE,
                 Fields.DOC_PREFIX, Fields.WEBSITE),),
}
# The computed cells the renderer writes formulas for, by sheet role.
COMPUTED_ROLES: dict[str, tuple[str, ...]] = {
    Roles.ANALYSIS: (Cells.TOOL_MEAN, Cells.TOTAL, Cells.LEVEL),
}
# Sheets a template may leave out (a copy made before the sheet existed); when it has one, it
# must keep these field roles.
OPTIONAL_ROLES: dict[str, tuple[str, ...]] = {
    Roles.CATALOGUE: (Fields.INDICATOR, Fields.MEASURE),
    Roles.OIT: (Fields.OIT_CODE, Fields.OIT_NAME, Fields.OIT_URLS, Fields.OIT_NOTE),
}
# What a catalogue sheet's column may show (its role, or its key): see Renderer._catalogue.
CATALOGUE_FIELDS = (Fields.INDICATOR, Fields.OIT_ITEM, Fields.MEASURE, Fields.UNIT, Fields.SOURCE)
# Field roles the code uses when present, a copy may leave out: without the website, the OIT
# URLs are not checked against the organisation's own site.
OPTIONAL_FIELD_ROLES: dict[str, tuple[str, ...]] = {Roles.ORG: (Fields.WEBSITE,)}
# Table sheets whose rows come from the framework data: rows value -> what fills them.
FIXED_ROWS = ("framework.indicators", "framework.oit_items")
# Rules that differ by round, as template data ([rules.<name>] round = value).
ROUND_RULES: dict[str, str] = {
    "result_missing": "severity of a measure without a result of the round: error, warning or ''",
    "next_round": "the round `new --from` prepares after this one",
}
ROUND_RULES_TH: dict[str, str] = {
    "result_missing": "ระดับของมาตรการที่ยังไม่มีผลของรอบ: error, warning หรือ ''",
    "next_round": "รอบที่ `new --from` เตรียมต่อจากรอบนี้",
}


def _apply_roles(data: dict) -> dict:
    """The template data with each sheet and field that declares a role keyed by it, and the
    references between them (``references``, ``required_when``) following."""
    data = {**data, "sheets": [dict(s) for s in data.get("sheets", [])]}
    sheet_key: dict[str, str] = {}
    field_key: dict[tuple[str, str], str] = {}
    for s in data["sheets"]:
        old = s.get("key", "")
        if s.get("role"):
            s["file_key"], s["key"] = old, s["role"]
        sheet_key[old] = s.get("key", "")
        for group in ("fields", "columns", "extra_fields", "computed"):
            if group in s:
                s[group] = [dict(f) for f in s[group]]
                for f in s[group]:
                    key = f.get("key", "")
                    if f.get("role"):
                        f["file_key"], f["key"] = key, f["role"]
                    field_key[(s["key"], key)] = f.get("key", "")
    for s in data["sheets"]:
        for group in ("fields", "columns", "extra_fields"):
            for f in s.get(group, []):
                cond = f.get("required_when")
                if isinstance(cond, dict) and "column" in cond:
                    f["required_when"] = {**cond, "column": field_key.get(
                        (s["key"], cond["column"]), cond["column"])}
                if f.get("references"):
                    ref_sheet, _, ref_col = f["references"].partition(".")
                    ref_sheet = sheet_key.get(ref_sheet, ref_sheet)
                    f["references"] = f"{ref_sheet}.{field_key.get((ref_sheet, ref_col), ref_col)}"
    return data


def _role_problems(t: Template) -> list[tuple[str, str]]:
    problems = []
    sheets = {s.role: s for s in t.sheets if s.role}
    for role, field_roles in ROLES.items():
        s = sheets.get(role)
        if s is None and role in OPTIONAL_ROLES:
            continue
        if s is None:
            problems.append((f"no sheet has role = {role!r} (the code relies on it)",
                             f"ไม่มีแผ่นงานที่ระบุ role = {role!r} (โปรแกรมต้องใช้)"))
            continue
        have = {f.role for f in (*s.fields, *s.extra_fields) if f.role}
        for fr in field_roles:
            if fr not in have:
                problems.append((f"sheet {s.name!r}: no column or field has role = {fr!r}",
                                 f"แผ่นงาน {s.name!r}: ไม่มีคอลัมน์หรือช่องที่ระบุ role = {fr!r}"))
        for group in ROLE_GROUPS.get(role, ()):
            if have & set(group):
                for fr in group:
                    if fr not in have:
                        problems.append((
                            f"sheet {s.name!r}: no column or field has role = {fr!r} "
                            f"(it has {', '.join(sorted(have & set(group)))})",
                            f"แผ่นงาน {s.name!r}: ไม่มีคอลัมน์หรือช่องที่ระบุ role = {fr!r} "
                            f"(มี {', '.join(sorted(have & set(group)))})"))
        computed = {c.role for c in s.computed if c.role}
        for cr in COMPUTED_ROLES.get(role, ()):
            if cr not in computed:
                problems.append((f"sheet {s.name!r}: no computed cell has role = {cr!r}",
                                 f"แผ่นงาน {s.name!r}: ไม่มีเซลล์คำนวณที่ระบุ role = {cr!r}"))
    for role, field_roles in OPTIONAL_ROLES.items():
        optional = sheets.get(role)
        if optional is None:
            continue
        have = {f.role for f in optional.fields if f.role}
        for fr in field_roles:
            if fr not in have:
                problems.append((f"sheet {optional.name!r}: no column has role = {fr!r}",
                                 f"แผ่นงาน {optional.name!r}: ไม่มีคอลัมน์ที่ระบุ role = {fr!r}"))
        if role == Roles.CATALOGUE:
            s = optional
            for f in s.fields:
                if f.key not in CATALOGUE_FIELDS:
                    problems.append((
                        f"sheet {s.name!r}: column {f.key!r} is not one of "
                        f"{', '.join(CATALOGUE_FIELDS)}",
                        f"แผ่นงาน {s.name!r}: คอลัมน์ {f.key!r} ต้องเป็นหนึ่งใน "
                        f"{', '.join(CATALOGUE_FIELDS)}"))
    for name in ROUND_RULES:
        rule = t.rules.get(name)
        if rule is None:
            problems.append((f"no [rules.{name}] table ({ROUND_RULES[name]})",
                             f"ไม่มีตาราง [rules.{name}] ({ROUND_RULES_TH[name]})"))
            continue
        for key in t.rounds:
            if key not in rule:
                problems.append((f"[rules.{name}] has no value for round {key!r}",
                                 f"[rules.{name}] ไม่มีค่าของรอบ {key!r}"))
    for key, value in t.rules.get("result_missing", {}).items():
        if value not in ("error", "warning", ""):
            problems.append((
                f"[rules.result_missing] {key!r}: {value!r} is not error, warning or ''",
                f"[rules.result_missing] {key!r}: {value!r} ต้องเป็น error, warning หรือ ''"))
    for key, value in t.rules.get("next_round", {}).items():
        if value not in t.rounds:
            problems.append((f"[rules.next_round] {key!r}: {value!r} is not a round",
                             f"[rules.next_round] {key!r}: {value!r} ไม่ใช่รอบที่มี"))
    return problems


def _field(d: dict) -> Field:
    d = dict(d)
    cond = d.pop("required_when", None)
    return Field(required_when=Condition(**cond) if cond else None, **d)


def _sheet(d: dict) -> Sheet:
    d = dict(d)
    fields = d.pop("fields", None) or d.pop("columns", None) or []
    return Sheet(
        fields=tuple(_field(f) for f in fields),
        computed=tuple(Computed(**c) for c in d.pop("computed", [])),
        extra_fields=tuple(_field(f) for f in d.pop("extra_fields", [])),
        lines=tuple(d.pop("lines", [])),
        round_lines={str(k): tuple(v) for k, v in d.pop("round_lines", {}).items()},
        widths=dict(d.pop("widths", {})),
        **d,
    )


def parse_template(data: dict, source_file: str = "<memory>") -> Template:
    """Build a Template from parsed TOML; raise TemplateError listing every problem."""
    try:
        data = _apply_roles(data)
        meta = data["template"]
        choices = {}
        for key, c in data.get("choices", {}).items():
            items = tuple(
                Choice(
                    value=str(i["value"]),
                    label=i["label"],
                    label_en=i.get("label_en", ""),
                    aliases=tuple(i.get("aliases", ())),
                )
                for i in c.get("items", [])
            )
            choices[key] = ChoiceList(key, items, c.get("source"), c.get("strict", True))
        template = Template(
            id=meta["id"],
            version=str(meta["version"]),
            title=meta["title"],
            title_en=meta.get("title_en", ""),
            font=meta.get("font", "TH Sarabun New"),
            font_size=int(meta.get("font_size", 16)),
            compatible_versions=tuple(str(v) for v in meta.get("compatible_versions", [])),
            rounds={str(k): v for k, v in data.get("rounds", {}).items()},
            units_default=tuple(data.get("units", {}).get("default", [])),
            choices=choices,
            sheets=tuple(_sheet(s) for s in data.get("sheets", [])),
            source_file=source_file,
            rules={str(name): {str(k): str(v) for k, v in rule.items()}
                   for name, rule in data.get("rules", {}).items()},
            oit_official_hosts=tuple(str(h).strip().lower() for h in
                                     data.get("oit", {}).get("official_hosts", [])),
        )
    except (KeyError, TypeError) as exc:
        raise TemplateError(source_file, [f"malformed template: {exc!r}"]) from exc
    problems = lint_problems(template)
    if problems:
        raise TemplateError(source_file, [en for en, _ in problems], [th for _, th in problems])
    return template


def available_templates() -> dict[tuple[str, str], Path]:
    """(id, version) -> file, for every template shipped."""
    found = {}
    for path in sorted(TEMPLATE_DIR.glob("*.toml")):
        with path.open("rb") as fh:
            meta = tomllib.load(fh).get("template", {})
        found[(meta.get("id", ""), str(meta.get("version", "")))] = path
    return found


def _version_key(v: str) -> tuple:
    return tuple(int(p) if p.isdigit() else p for p in re.split(r"[.\-]", v))


@cache
def load_template(path: str | None = None) -> Template:
    """Load a template file; by default the newest version of the standard template."""
    if path is None:
        versions = [
            (v, p) for (tid, v), p in available_templates().items() if tid == DEFAULT_TEMPLATE_ID
        ]
        path = str(max(versions, key=lambda vp: _version_key(vp[0]))[1])
    try:
        with open(path, "rb") as fh:
            data = tomllib.load(fh)
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        th, en = what_happened(exc)  # in words, never the exception's class name
        raise TemplateError(str(path), [f"not a readable TOML template ({en})"],
                            [f"ไม่ใช่ไฟล์แบบฟอร์ม TOML ที่อ่านได้ ({th})"]) from None
    return parse_template(data, str(path))


# ---------------------------------------------------------------- linting


def _len_problem(where: tuple[str, str], what: tuple[str, str], text: str, limit: int
                 ) -> tuple[str, str] | None:
    # Thai vowels and tone marks are separate code points and count, as they do in Excel.
    if len(text) > limit:
        return (f"{where[0]}: {what[0]} has {len(text)} characters, more than {limit} "
                f"({text[:20]}…)",
                f"{where[1]}: {what[1]} ยาว {len(text)} ตัวอักษร เกิน {limit} ({text[:20]}…)")
    return None


def lint_template(t: Template) -> list[str]:
    """Everything XlsxWriter would silently drop or the validators could not compile (English;
    :func:`lint_problems` gives each in Thai too)."""
    return [en for en, _ in lint_problems(t)]


def lint_problems(t: Template) -> list[tuple[str, str]]:
    """Each problem of a template as (English, Thai)."""
    problems: list[tuple[str, str]] = []

    def add(p: tuple[str, str] | None) -> None:
        if p:
            problems.append(p)

    seen_sheets: set[str] = set()
    seen_names: set[str] = set()
    for s in t.sheets:
        where = (f"sheet {s.key}", f"แผ่นงาน {s.key}")
        if s.key in seen_sheets:
            add((f"{where[0]}: duplicate sheet key", f"{where[1]}: คีย์แผ่นงานซ้ำ"))
        seen_sheets.add(s.key)
        if s.name in seen_names:
            add((f"{where[0]}: duplicate sheet name {s.name!r}",
                 f"{where[1]}: ชื่อแผ่นงาน {s.name!r} ซ้ำ"))
        seen_names.add(s.name)
        add(_len_problem(where, ("sheet name", "ชื่อแผ่นงาน"), s.name, MAX_SHEET_NAME))
        if _BAD_SHEET_CHARS & set(s.name):
            add((f"{where[0]}: sheet name has a character Excel forbids",
                 f"{where[1]}: ชื่อแผ่นงานมีอักขระที่ Excel ไม่ยอมรับ ( [ ] : * ? / \\ )"))
        if s.kind not in ("guide", "form", "table", "catalogue"):
            add((f"{where[0]}: unknown kind {s.kind!r}",
                 f"{where[1]}: ไม่รู้จักชนิด {s.kind!r} (ใช้ guide, form, table หรือ catalogue)"))
        if s.kind in ("table", "catalogue") and not (0 < s.header_row < s.first_data_row):
            add((f"{where[0]}: header_row must be above first_data_row",
                 f"{where[1]}: header_row ต้องอยู่เหนือ first_data_row"))
        keys: set[str] = set()
        places: set[str] = set()
        for f in (*s.fields, *s.extra_fields):
            fw = (f"{where[0]} field {f.key}", f"{where[1]} ช่อง {f.key}")
            if f.key in keys:
                add((f"{fw[0]}: duplicate key", f"{fw[1]}: คีย์ซ้ำ"))
            keys.add(f.key)
            if not re.fullmatch(r"[a-z_][a-z0-9_]*", f.file_key or f.key):  # as written
                add((f"{where[0]} field {f.file_key or f.key}: key must be lower-case letters, digits and _",
                     f"{where[1]} ช่อง {f.file_key or f.key}: คีย์ต้องเป็นอักษรอังกฤษตัวเล็ก ตัวเลข และ _"))
            if f.type not in FIELD_TYPES:
                add((f"{fw[0]}: unknown type {f.type!r}", f"{fw[1]}: ไม่รู้จักชนิดข้อมูล {f.type!r}"))
            if f.severity not in SEVERITIES:
                add((f"{fw[0]}: unknown severity {f.severity!r}",
                     f"{fw[1]}: ไม่รู้จักระดับ {f.severity!r} (ใช้ error หรือ warning)"))
            place = f.cell or f.column
            if f in s.fields:
                if s.kind == "form" and not _CELL_RE.match(f.cell):
                    add((f"{fw[0]}: a form field needs a cell like C4",
                         f"{fw[1]}: ช่องในแบบฟอร์มต้องระบุเซลล์ เช่น C4"))
                if s.kind == "table" and not re.fullmatch(r"[A-Z]{1,3}", f.column):
                    add((f"{fw[0]}: a table column needs a column letter",
                         f"{fw[1]}: คอลัมน์ของตารางต้องระบุตัวอักษรคอลัมน์ เช่น B"))
                if place in places:
                    add((f"{fw[0]}: {place} is used twice", f"{fw[1]}: {place} ถูกใช้สองครั้ง"))
                places.add(place)
            add(_len_problem(fw, ("hint_title", "hint_title"), f.hint_title or f.label,
                             MAX_TITLE))
            add(_len_problem(fw, ("hint", "hint"), f.hint, MAX_MESSAGE))
            add(_len_problem(fw, ("required_message", "required_message"), f.required_message,
                             MAX_MESSAGE))
            if (f.required or f.required_when) and not f.required_message and not f.prefilled:
                add((f"{fw[0]}: required but no required_message (Thai)",
                     f"{fw[1]}: เป็นช่องที่ต้องกรอกแต่ไม่มี required_message (ภาษาไทย)"))
            if f.choices and f.choices not in t.choices:
                add((f"{fw[0]}: unknown choice list {f.choices!r}",
                     f"{fw[1]}: ไม่มีรายการให้เลือกชื่อ {f.choices!r}"))
            if f.type == "choice" and not f.choices:
                add((f"{fw[0]}: type choice needs a choice list",
                     f"{fw[1]}: ชนิด choice ต้องระบุรายการให้เลือก (choices)"))
            if f.required_when and f.required_when.column not in {x.key for x in s.fields}:
                add((f"{fw[0]}: required_when names unknown column",
                     f"{fw[1]}: required_when อ้างถึงคอลัมน์ที่ไม่มี"))
            if f.references:
                ref_sheet, _, ref_col = f.references.partition(".")
                try:
                    t.sheet(ref_sheet).field(ref_col)
                except KeyError:
                    add((f"{fw[0]}: references unknown {f.references!r}",
                         f"{fw[1]}: อ้างถึง {f.references!r} ซึ่งไม่มี"))
    for c in t.choices.values():
        cw = (f"choice list {c.key}", f"รายการให้เลือก {c.key}")
        if c.items and c.source:
            add((f"{cw[0]}: give items or source, not both",
                 f"{cw[1]}: ระบุ items หรือ source อย่างใดอย่างหนึ่ง ไม่ใช่ทั้งสอง"))
        if not c.items and not c.source:
            add((f"{cw[0]}: no items", f"{cw[1]}: ไม่มีรายการ"))
        values = [i.value for i in c.items]
        if len(values) != len(set(values)):
            add((f"{cw[0]}: duplicate values", f"{cw[1]}: ค่าซ้ำ"))
        labels = [i.label for i in c.items]
        if len(labels) != len(set(labels)):
            add((f"{cw[0]}: duplicate labels", f"{cw[1]}: ข้อความซ้ำ"))
        # Lists are written to a hidden sheet, but keep them inline-safe as a second guard.
        inline = ",".join(i.label for i in c.items)
        add(_len_problem(cw, ("inline list", "รายการรวมกัน"), inline, MAX_INLINE_LIST))
    round_list = t.choices.get(t.choice_key(Roles.ORG, Fields.ROUND))  # None: no round role, said below
    for key in t.rounds:
        if round_list is not None and key not in {i.value for i in round_list.items}:
            add((f"round {key!r} is not in the round choice list",
                 f"รอบ {key!r} ไม่อยู่ในรายการให้เลือก round"))
    problems += _role_problems(t)
    return problems


# ---------------------------------------------------------------- binding


@dataclass(frozen=True)
class Bound:
    """A template bound to a fiscal year, its frameworks and an organisation's units.

    The workbook of fiscal year N analyses the ITA result of year N-1 (``analysis_fw``) and
    sets measures for the ITA of year N (``target_fw``, whose OIT items the measures cite).
    """

    template: Template
    fiscal_year: int
    round: str
    analysis_fw: Framework
    target_fw: Framework
    units: tuple[str, ...]
    catalogue: Catalogue | None = None  # suggested measures (spec/catalogue.py)

    def choice_items(self, key: str) -> tuple[Choice, ...]:
        c = self.template.choices[key]
        if c.source is None:
            return c.items
        if c.source == "framework.tools":
            return tuple(
                Choice(t.code, t.code, t.code, (t.name_th,)) for t in self.analysis_fw.tools
            )
        if c.source == "framework.indicators":
            return tuple(
                Choice(str(i.number), i.label, f"{i.number}. {i.name_en}", (i.name_th,))
                for i in self.analysis_fw.indicators
            )
        if c.source == "framework.oit_items":
            return tuple(Choice(o.code, o.label, o.label) for o in self.target_fw.oit_items)
        if c.source == "org.units":
            return tuple(Choice(u, u) for u in self.units)
        raise KeyError(c.source)

    @cached_property
    def choice_labels(self) -> dict[str, dict[str, str]]:
        """Choice list -> canonical value -> the label people see."""
        return {k: {c.value: c.label for c in self.choice_items(k)}
                for k in self.template.choices}

    def shown(self, sheet_key: str, values: dict) -> dict:
        """A row's values for each field of the sheet, strict choices shown as their labels."""
        out = {}
        for f in self.template.sheet(sheet_key).fields:
            v = values.get(f.key)
            if f.choices and self.template.choices[f.choices].strict and v is not None:
                v = self.choice_labels[f.choices].get(str(v), v)
            out[f.key] = v
        return out

    def table_rows(self, sheet: Sheet) -> int:
        """Number of pre-formatted rows of a table sheet."""
        if sheet.rows == "framework.indicators":
            return len(self.analysis_fw.indicators)
        if sheet.rows == "framework.oit_items":
            return len(self.target_fw.oit_items)
        if sheet.rows == "catalogue.measures":
            return len(self.suggestions())
        return int(sheet.rows)

    def suggestions(self, indicator: int | None = None) -> tuple:
        """The catalogue's suggestions for this year's indicators (one indicator's if given)."""
        if self.catalogue is None:
            return ()
        known = {i.number for i in self.analysis_fw.indicators}
        return tuple(s for s in self.catalogue.suggestions if s.indicator in known
                     and (indicator is None or s.indicator == indicator))

    def suggestion_item(self, suggestion) -> str:
        """The OIT item (label) of this year that a suggestion names, or ""."""
        for name in suggestion.oit_items:
            code = self.target_fw.oit_item_from_text(name)
            if code:
                return self.target_fw.oit_item(code).label
        return ""

    def summary_cells(self, sheet: Sheet) -> dict[str, str]:
        """Cells of the computed values and extra fields under a fixed table (analysis).

        Keys: ``tool_mean:IIT`` …, ``total``, ``level``, then each extra field's key.
        The label sits in the first column, the value in the score column.
        """
        if not (sheet.computed or sheet.extra_fields):
            return {}
        value_col = next((f.column for f in sheet.fields if f.type == "score"), "C")
        row = sheet.first_data_row + self.table_rows(sheet) + 1
        cells: dict[str, str] = {}
        for c in sheet.computed:
            if c.per == "tool":
                for tool in self.analysis_fw.tools:
                    cells[f"{c.key}:{tool.code}"] = f"{value_col}{row}"
                    row += 1
            else:
                cells[c.key] = f"{value_col}{row}"
                row += 1
        for f in sheet.extra_fields:
            cells[f.key] = f"{value_col}{row}"
            row += 1
        return cells


def bind(
    template: Template,
    fiscal_year: int,
    round_key: str = "plan",
    units: tuple[str, ...] | None = None,
    framework_override: str | None = None,
) -> Bound:
    return Bound(
        template=template,
        fiscal_year=fiscal_year,
        round=round_key,
        analysis_fw=load_framework(fiscal_year - 1, framework_override),
        target_fw=load_framework(fiscal_year, framework_override),
        units=tuple(units) if units else template.units_default,
        catalogue=load_catalogue(framework_override),
    )


def describe(bound: Bound) -> dict:
    """The template for machines (``ita-xlsx schema --json``): a stable JSON shape."""
    t = bound.template
    sheets = []
    for s in t.data_sheets:
        entry: dict = {"key": s.key, "name": s.name, "kind": s.kind}
        if s.kind == "table":
            entry["header_row"] = s.header_row
            entry["first_data_row"] = s.first_data_row
        else:
            entry["header_row"] = None
            entry["first_data_row"] = None
        cols = []
        for f in s.fields:
            col: dict = {"key": f.key, "label": f.label, "label_en": f.label_en, "type": f.type}
            if s.kind == "form":
                col["cell"] = f.cell
            else:
                col["column"] = f.column
            col["required"] = f.required
            if f.required_when:
                col["required_when"] = {
                    k: v for k, v in vars(f.required_when).items() if v is not None
                }
            col["severity"] = f.severity
            col["choices"] = [c.label for c in bound.choice_items(f.choices)] if f.choices else None
            cols.append(col)
        entry["columns"] = cols
        summary = bound.summary_cells(s)
        if summary:
            entry["cells"] = [{"key": k, "cell": v} for k, v in summary.items()]
        sheets.append(entry)
    return {
        "template": {"id": t.id, "version": t.version, "fiscal_year": bound.fiscal_year},
        "sheets": sheets,
    }
