"""Lay a document template out with its values: text blocks filled from ``values``, tables
from the rows the caller prepared for each table kind."""

from __future__ import annotations

from dataclasses import dataclass, field

from ita_xlsx.documents.templates import DocTemplate, DocTemplateError
from ita_xlsx.documents.writer import ThaiDocument


class _Values(dict):
    """Values for str.format_map; a name no value is known for is a template error."""

    def __missing__(self, key: str):
        raise KeyError(key)


@dataclass
class Tables:
    """Rows per table kind: each row maps a column ``field`` to text (or a list of URLs);
    ``groups`` are heading rows (a tool's name) shown as one merged cell."""

    rows: dict[str, list[dict]] = field(default_factory=dict)
    groups: dict[str, list[tuple[int, str]]] = field(default_factory=dict)


def fill(text: str, values: dict, source: str) -> str:
    try:
        return text.format_map(_Values(values))
    except KeyError as exc:
        name = exc.args[0]
        raise DocTemplateError(source, [
            (f"ไม่รู้จักช่อง {{{name}}} ช่องที่ใช้ได้: {', '.join(sorted(values))}",
             f"unknown field {{{name}}}; known fields: {', '.join(sorted(values))}")]) from None
    except (ValueError, IndexError) as exc:
        raise DocTemplateError(source, [(f"ข้อความแม่แบบไม่ถูกต้อง: {exc}",
                                         f"bad template text: {exc}")]) from None


def compose(t: DocTemplate, values: dict, tables: Tables, arabic_digits: bool = False) -> bytes:
    doc = ThaiDocument(t.font, t.font_size, arabic_digits, landscape=t.landscape)

    def f(text: str) -> str:
        return fill(text, values, t.source)

    for b in t.blocks:
        kind = b["type"]
        if kind == "landscape":
            doc.landscape()
        elif kind == "title":
            doc.title([f(x) for x in b.get("lines", [])], b.get("font_size"))
        elif kind == "heading":
            doc.heading(f(b.get("text", "")))
        elif kind == "paragraph":
            text = f(b.get("text", ""))
            if not text.strip():  # a paragraph of a field the data leave empty
                continue
            doc.paragraph(text, indent=b.get("indent", True),
                          align=b.get("align", "justify"))
        elif kind == "closing":
            doc.closing([f(x) for x in b.get("lines", [])])
        elif kind == "signature":
            doc.signature([f(x) for x in b.get("lines", [])])
        elif kind == "memo_header":
            doc.memo_header(*(f(b.get(k, "")) for k in ("office", "reference", "date",
                                                        "subject", "addressee")))
        else:  # a table
            cols = b.get("columns", [])
            rows: list[list] = []
            groups: set[int] = set()
            group_at = dict(tables.groups.get(kind, []))
            for i, row in enumerate(tables.rows.get(kind, [])):
                if i in group_at:
                    groups.add(len(rows))
                    rows.append([group_at[i]] + [""] * (len(cols) - 1))
                rows.append([row.get(c["field"], "") for c in cols])
            doc.table(cols, rows, b.get("font_size"), groups)
    return doc.to_bytes()
