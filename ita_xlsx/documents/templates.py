"""Document templates: the wording, order and table columns of each kind of document.

One TOML file per kind in ``ita_xlsx/document_templates/``; a user's file with the same
``kind`` (``--doc-template``) replaces the built-in one, so a province can change the wording
without touching code.
"""

from __future__ import annotations

import string
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from ita_xlsx.core.errors import ItaError

KINDS = ("measures", "measures_memo", "results", "results_memo", "district_memo")
BLOCK_TYPES = {"landscape", "title", "heading", "paragraph", "scores_table", "measures_table",
               "results_table", "closing", "signature", "memo_header"}
TEXT_KEYS = ("text", "lines", "office", "reference", "date", "subject", "addressee")


class DocTemplateError(ItaError):
    """A document template that cannot be used; ``problems`` say where and why (Thai, English)."""

    def __init__(self, path: str, problems: list[tuple[str, str]]):
        self.path, self.problems = path, problems
        super().__init__(f"แบบเอกสารใช้ไม่ได้: {path}: " + "; ".join(th for th, _ in problems),
                         f"Unusable document template: {path}: "
                         + "; ".join(en for _, en in problems))


@dataclass
class DocTemplate:
    kind: str
    file_name: str
    words: dict[str, str]
    blocks: list[dict]
    source: str
    font: str = "TH Sarabun New"
    font_size: float = 16
    landscape: bool = False  # the whole document on A4 turned (wide tables)
    fields: set[str] = field(default_factory=set)  # every {name} the text uses


def _names(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def parse(data: dict, source: str, kind: str | None = None) -> DocTemplate:
    problems: list[tuple[str, str]] = []
    k = data.get("kind")
    if k not in KINDS:
        problems.append((f"kind ต้องเป็นหนึ่งใน {', '.join(KINDS)} (พบ {k!r})",
                         f"kind must be one of {', '.join(KINDS)} (found {k!r})"))
    elif kind and k != kind:
        problems.append((f"เป็นแบบเอกสาร {k} ไม่ใช่ {kind}", f"is a {k} template, not {kind}"))
    blocks = data.get("blocks")
    if not isinstance(blocks, list) or not blocks:
        problems.append(("ไม่มี [[blocks]]", "has no [[blocks]]"))
        blocks = []
    names: set[str] = set()
    for n, b in enumerate(blocks, start=1):
        t = b.get("type") if isinstance(b, dict) else None
        if t not in BLOCK_TYPES:
            problems.append((f"block ที่ {n}: type {t!r} ไม่รู้จัก",
                             f"block {n}: unknown type {t!r}"))
            continue
        for key in TEXT_KEYS:
            value = b.get(key)
            for text in (value if isinstance(value, list) else [value]):
                if isinstance(text, str):
                    try:
                        names |= _names(text)
                    except ValueError as exc:
                        problems.append((f"block ที่ {n}: วงเล็บปีกกาไม่ครบ ({exc})",
                                         f"block {n}: unbalanced braces ({exc})"))
        for col in b.get("columns", []):
            if not isinstance(col, dict) or "field" not in col or "label" not in col:
                problems.append((f"block ที่ {n}: คอลัมน์ต้องมี field และ label",
                                 f"block {n}: each column needs field and label"))
    words = {str(k2): str(v) for k2, v in data.get("words", {}).items()}
    for text in words.values():
        names |= _names(text)
    if problems:
        raise DocTemplateError(source, problems)
    assert k is not None  # a kind outside KINDS is a problem, raised just above
    return DocTemplate(k, str(data.get("file_name", k)), words, blocks, source,
                       str(data.get("font", "TH Sarabun New")), float(data.get("font_size", 16)),
                       bool(data.get("landscape", False)), names)


def load(kind: str, overrides: dict[str, Path] | None = None) -> DocTemplate:
    """The template of ``kind``: the user's (from ``overrides``) or the built-in one."""
    if overrides and kind in overrides:
        path = Path(overrides[kind])
        return parse(_read(path), str(path), kind)
    res = resources.files("ita_xlsx").joinpath("document_templates", f"{kind}.toml")
    return parse(tomllib.loads(res.read_text(encoding="utf-8")), f"{kind}.toml", kind)


def _read(path: Path) -> dict:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError) as exc:
        raise DocTemplateError(str(path), [(f"อ่านไฟล์ไม่ได้ ({exc})", f"cannot read ({exc})")]
                               ) from None
    except tomllib.TOMLDecodeError as exc:
        raise DocTemplateError(str(path), [(f"รูปแบบ TOML ไม่ถูกต้อง ({exc})",
                                            f"not valid TOML ({exc})")]) from None


def overrides_from(paths: list[str | Path]) -> dict[str, Path]:
    """``--doc-template`` files by the kind each declares."""
    out: dict[str, Path] = {}
    for p in paths:
        t = parse(_read(Path(p)), str(p))
        out[t.kind] = Path(p)
    return out
