"""Each organisation's documents from its checked return.

Plan round: the measures document (analysis of last year's ITA, the measures table, the
closing block) and the memo that presents it to the executive. 6- and 12-month rounds: the
report of results per measure and its memo. Every figure comes from the workbook as
``validate`` read it; a return with errors is refused unless the caller forces it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ita_xlsx.consolidation.merge import OrgEntry, entry_from_return
from ita_xlsx.core.files import OutputExists, atomic_write, safe_filename
from ita_xlsx.documents import templates as dt_templates
from ita_xlsx.documents.compose import Tables, compose
from ita_xlsx.documents.emblem import Emblem
from ita_xlsx.documents.writer import thai_list
from ita_xlsx.spec.roles import Fields, Roles
from ita_xlsx.spec.template import Bound, Template
from ita_xlsx.thai import format_date, is_valid_url, parse_date
from ita_xlsx.validators.engine import FileReport

# Fields of version 2 of the workbook template (optional; blank in version 1 returns).
OPTIONAL_FORM = {"signer_name": Fields.SIGNER_NAME, "signer_position": Fields.SIGNER_POSITION,  # placeholder: role
                 "executive_title": Fields.EXECUTIVE_TITLE, "doc_prefix": Fields.DOC_PREFIX, "website": Fields.WEBSITE}
DOCS_FOR_ROUND = {"plan": ("measures", "measures_memo", "publication_request"),
                  "6": ("results", "results_memo", "publication_request"),
                  "12": ("results", "results_memo", "publication_request")}
# The executive of each kind of local government, by the start of its name: เทศบาลตำบลห้วยวน ->
# นายกเทศมนตรีตำบลห้วยวน (the เรียน of the memos when the workbook does not say).
EXECUTIVE = (("เทศบาล", "นายกเทศมนตรี"), ("องค์การบริหารส่วน", "นายกองค์การบริหารส่วน"),
             ("อบต.", "นายก อบต."), ("อบจ.", "นายก อบจ."), ("เมืองพัทยา", "นายกเมืองพัทยา"),
             ("กรุงเทพมหานคร", "ผู้ว่าราชการกรุงเทพมหานคร"))
PERIOD = {"6": ("ตุลาคม {a} – มีนาคม {b}", "October {a} – March {b}"),
          "12": ("ตุลาคม {a} – กันยายน {b}", "October {a} – September {b}")}
MAX_REASONS = 8


@dataclass
class Refused:
    path: str
    org: str
    reasons_th: list[str]
    reasons_en: list[str]
    forcible: bool = False  # errors in the return: --force makes the documents anyway


@dataclass
class DocumentsResult:
    written: list[Path] = field(default_factory=list)
    refused: list[Refused] = field(default_factory=list)
    existing: list[Path] = field(default_factory=list)  # kept: already there, no --force
    pdf: list[Path] = field(default_factory=list)
    pdf_problem: tuple[str, str] | None = None  # (Thai, English) when PDFs could not be made
    emblem: str = ""  # the file the emblem came from; "" when the space was left blank


def round_label(bound: Bound, round_key: str) -> str:
    """"รอบ 6 เดือน" (the choice label, without the months in brackets)."""
    for c in bound.choice_items(bound.template.choice_key(Roles.ORG, Fields.ROUND)):
        if c.value == round_key:
            return c.label.split(" (")[0]
    return bound.template.round_label(round_key).split(" (")[0]


def _text(value: object) -> str:
    return "" if value is None else str(value).strip()


def _score(value: float | None) -> str:
    return "" if value is None else f"{value:.2f}"


def thai_long_date(day: dt.date) -> str:
    """"15 มกราคม พ.ศ. 2565", as official documents date themselves."""
    head, year = format_date(day).rsplit(" ", 1)
    return f"{head} พ.ศ. {year}"


def _date(value: object) -> str:
    day = value if isinstance(value, dt.date) else parse_date(value) if value else None
    return thai_long_date(day) if day else ""


def executive_title(org_name: str) -> str:
    """The executive's title from the organisation's name ("" when the kind is not known)."""
    name = org_name.strip()
    for start, title in EXECUTIVE:
        if name.startswith(start):
            return title + name[len(start):] if start not in ("เมืองพัทยา",
                                                              "กรุงเทพมหานคร") else title
    return ""


def count_phrase(counts: list[tuple[str, int]], unit: str) -> str:
    """"ดำเนินการแล้วเสร็จ 3 มาตรการ และอยู่ระหว่างดำเนินการ 2 มาตรการ": zero counts left out."""
    parts = [f"{label} {n} {unit}" for label, n in counts if n]
    if len(parts) > 1:
        return " ".join(parts[:-1]) + " และ" + parts[-1]
    return parts[0] if parts else ""


def org_values(rep: FileReport, e: OrgEntry, t_words: dict[str, str],
               known: dict[str, str] | None = None) -> dict[str, str]:
    """Everything a template's text may name, as text. ``known``: the optional fields as the
    organisation's other returns gave them, for those this return leaves blank."""
    b = rep.bound
    assert b is not None  # documents are made only for bound returns (make_documents)
    form = rep.returned.form
    fy = int(rep.fiscal_year or b.fiscal_year)
    missing = t_words.get("missing", "................................")
    fw = b.analysis_fw
    level = e.level or ""
    phrase_key = "level_pass" if fw.result_scheme == "pass" else "level_letter"
    weak = [i for i in fw.indicators if ((got := e.scores.get(i.number)) is not None
                                         and got < fw.pass_mark)]
    values = {
        "org_code": e.org_code, "org_name": e.org_name, "district": e.district or missing,
        "province": e.province or missing, "fiscal_year": str(fy),
        "analysis_year": str(fw.year), "round": rep.round or "",
        "round_label": round_label(b, rep.round or "plan"),
        "period": PERIOD.get(rep.round or "", ("", ""))[0].format(a=fy - 1, b=fy),
        "total": _score(e.total) or missing, "level": level or missing,
        "pass_mark": f"{fw.pass_mark:g}", "n_weak": str(len(weak)),
        "weak_list": thai_list([f"ตัวชี้วัดที่ {i.number} {i.name_th}" for i in weak]) or "-",
        "n_measures": str(len(e.measures)),
        "date": _date(form.get(Fields.REPORT_DATE)) or missing,
        "announced_on": _date(form.get(Fields.REPORT_DATE)) or missing,
        "office": e.org_name,
        "contact_name": _text(form.get(Fields.CONTACT_NAME)) or missing,
        "contact_position": _text(form.get(Fields.CONTACT_POSITION)) or missing,
        "phone": _text(form.get(Fields.PHONE)), "email": _text(form.get(Fields.EMAIL)),
    }
    known = known or {}
    for key, role in OPTIONAL_FORM.items():
        values[key] = _text(form.get(role)) or known.get(key) or missing
    if values["executive_title"] == missing:
        values["executive_title"] = executive_title(e.org_name) or missing
    unit = t_words.get("unit", "สำนักปลัด")
    phone = values["phone"]
    values.update({
        "missing": missing, "unit": unit,
        "office_line": f"{unit}{e.org_name}" + (f" โทร {phone}" if phone else ""),
        "executive_name": values["signer_name"], "clerk_name": missing,
        "clerk_position": f"ปลัด{e.org_name}",
    })
    # Plain words of the template (อนุมัติ / ไม่อนุมัติ…) may be named in its text too.
    values.update({k: v for k, v in t_words.items() if "{" not in v and k not in values})
    values["level_phrase"] = t_words.get(phrase_key, "{level}").format(level=level or missing)
    return values


def _labels(b: Bound, key: str) -> dict[str, str]:
    return b.choice_labels.get(key, {})


def scores_rows(b: Bound, e: OrgEntry, words: dict[str, str], values: dict) -> Tables:
    fw = b.analysis_fw
    rows: list[dict] = []
    groups: list[tuple[int, str]] = []
    for tool in fw.tools:
        groups.append((len(rows), words.get("tool_heading", "{tool_name} ({tool})").format(
            tool_name=tool.name_th, tool=tool.code)))
        for n in tool.indicators:
            ind = fw.indicator(n)
            rows.append({"indicator": ind.label, "score": _score(e.scores.get(n)),
                         "issue": e.issues.get(n, "") or words.get("no_issue", ""),
                         "tool": tool.code})
    total_label = words.get("total_row", "คะแนนรวม").format(**values)
    rows.append({"indicator": (total_label,), "score": (_score(e.total),),
                 "issue": (values["level_phrase"],), "tool": ""})
    return Tables({"scores_table": rows}, {"scores_table": groups})


def measure_rows(b: Bound, e: OrgEntry) -> list[dict]:
    ind = _labels(b, b.template.choice_key(Roles.MEASURES, Fields.INDICATOR))
    oit = _labels(b, b.template.choice_key(Roles.MEASURES, Fields.OIT_ITEM))
    rows = []
    for n, m in enumerate(e.measures, start=1):
        indicator = ind.get(_text(m.get(Fields.INDICATOR)), _text(m.get(Fields.INDICATOR)))
        item = oit.get(_text(m.get(Fields.OIT_ITEM)), _text(m.get(Fields.OIT_ITEM)))
        tool = _text(m.get(Fields.TOOL))
        rows.append({
            "no": str(n), "measure_id": _text(m.get(Fields.MEASURE_ID)), "tool": tool,
            "indicator": indicator, "oit_item": item,
            "tool_indicator": "\n".join(x for x in (tool, indicator, item) if x),
            "measure": _text(m.get(Fields.MEASURE)), "method": _text(m.get(Fields.METHOD)),
            "owner": _text(m.get(Fields.OWNER)), "timeframe": _text(m.get(Fields.TIMEFRAME)),
            "followup": _text(m.get(Fields.FOLLOWUP)),
        })
    return rows


def result_rows(b: Bound, e: OrgEntry, round_key: str, words: dict[str, str]
                ) -> tuple[list[dict], dict[str, int]]:
    """One row per measure with its result of this round; counts by status."""
    from ita_xlsx.thai.values import split_urls

    status_label = _labels(b, b.template.choice_key(Roles.RESULTS, Fields.STATUS))
    by_id: dict[str, dict] = {}
    r: dict | None  # a result here; below, a measure's result or None
    for r in e.results:
        if _text(r.get(Fields.ROUND)) in (round_key, ""):
            by_id[_text(r.get(Fields.MEASURE_ID)).casefold()] = r
    counts = {"done": 0, "in_progress": 0, "not_started": 0, "evidence": 0}
    rows = []
    seen = set()
    items = [(m, by_id.get(_text(m.get(Fields.MEASURE_ID)).casefold())) for m in e.measures]
    ids = {_text(m.get(Fields.MEASURE_ID)).casefold() for m in e.measures}
    items += [({Fields.MEASURE_ID: r.get(Fields.MEASURE_ID), Fields.MEASURE: _text(r.get(Fields.MEASURE_ID))}, r)
              for k, r in by_id.items() if k not in ids]
    for n, (m, r) in enumerate(items, start=1):
        seen.add(_text(m.get(Fields.MEASURE_ID)).casefold())
        status = _text(r.get(Fields.STATUS)) if r else ""
        status = status if status in ("done", "in_progress") else "not_started"
        counts[status] += 1
        urls = split_urls(r.get(Fields.EVIDENCE_URL)) if r else []
        good = [u for u in urls if is_valid_url(u)]
        counts["evidence"] += bool(good)
        rows.append({
            "no": str(n), "measure_id": _text(m.get(Fields.MEASURE_ID)),
            "measure": _text(m.get(Fields.MEASURE)),
            "owner": _text(m.get(Fields.OWNER)), "timeframe": _text(m.get(Fields.TIMEFRAME)),
            "status": status_label.get(status, status) if r else words.get("no_result", ""),
            "summary": _text(r.get(Fields.SUMMARY)) if r else "",
            "outcome": _text(r.get(Fields.OUTCOME)) if r else "",
            "evidence": good + [u for u in urls if u not in good],
            "problems": _text(r.get(Fields.PROBLEMS)) if r else "",
        })
    return rows, counts


def _refusal(rep: FileReport, lang: str) -> list[str]:
    """The errors that stop the documents (each message names its sheet and cell)."""
    errors = [f for f in rep.findings if f.severity == "error"]
    out = [f.message(lang) for f in errors[:MAX_REASONS]]
    if len(errors) > MAX_REASONS:
        out.append(f"... อีก {len(errors) - MAX_REASONS} รายการ" if lang == "th"
                   else f"... {len(errors) - MAX_REASONS} more")
    return out


def documents_for(rep: FileReport, template: Template, overrides: dict[str, Path] | None,
                  arabic_digits: bool = False, entry: OrgEntry | None = None,
                  emblem: Emblem | None = None, known: dict[str, str] | None = None
                  ) -> list[tuple[str, bytes]]:
    """(file name, .docx bytes) for each document of this return's round."""
    e = entry or entry_from_return(rep, template)
    b = rep.bound
    assert b is not None  # documents are made only for bound returns (make_documents)
    out = []
    round_key = rep.round or ""
    for kind in DOCS_FOR_ROUND.get(round_key, ()):
        t = dt_templates.load(kind, overrides)
        values = org_values(rep, e, t.words, known)
        tables = Tables()
        if kind == "measures":
            tables = scores_rows(b, e, t.words, values)
            tables.rows["measures_table"] = measure_rows(b, e)
        if round_key in ("6", "12"):
            rows, counts = result_rows(b, e, round_key, t.words)
            tables.rows["results_table"] = rows
            values.update({f"n_{k}": str(v) for k, v in counts.items()})
            values["status_counts"] = count_phrase(
                [(t.words.get("done", "ดำเนินการแล้วเสร็จ"), counts["done"]),
                 (t.words.get("in_progress", "อยู่ระหว่างดำเนินการ"), counts["in_progress"]),
                 (t.words.get("not_started", "ยังไม่ดำเนินการ"), counts["not_started"])],
                t.words.get("measure_unit", "มาตรการ"))
            values["evidence_sentence"] = (
                t.words.get("evidence_some", "").format(**values) if counts["evidence"]
                else t.words.get("evidence_none", "").format(**values))
        else:
            values.update(status_counts="", evidence_sentence="")
        values["publish_title"] = t.words.get(
            "plan_title" if round_key == "plan" else "results_title", "").format(**values)
        values["publish_summary"] = t.words.get(
            "plan_summary" if round_key == "plan" else "results_summary", "").format(**values)
        name = safe_filename(t.file_name.format_map(
            {**values, "org_name": e.org_name or e.org_code}), fallback=kind) + ".docx"
        out.append((name, compose(t, values, tables, arabic_digits, emblem)))
    return out


def known_fields(readable: list[tuple[FileReport, OrgEntry]]) -> dict[str, dict[str, str]]:
    """Per organisation (code, case-folded): each optional field (ที่, เรียน, the website…) as
    its newest return that gives it typed it, so a 6-month memo is headed as the plan's was."""
    out: dict[str, dict[str, str]] = {}
    for rep, e in sorted(readable, key=lambda g: g[1].newest_key, reverse=True):
        mine = out.setdefault(e.org_code.casefold(), {})
        for key, role in OPTIONAL_FORM.items():
            value = _text(rep.returned.form.get(role))
            if value and key not in mine:
                mine[key] = value
    return out


def make_documents(reports: Sequence[FileReport], template: Template, out: Path, *,
                   force: bool = False, arabic_digits: bool = False,
                   overrides: dict[str, Path] | None = None, emblem: Emblem | None = None
                   ) -> DocumentsResult:
    result = DocumentsResult(emblem=emblem.source if emblem else "")
    readable: list[tuple[FileReport, OrgEntry]] = []
    others: list[tuple[FileReport, OrgEntry]] = []  # not counted, yet typed by the organisation
    for rep in reports:
        decision = getattr(rep, "decision", None)  # validate's choice of the file that counts
        if decision is not None and not decision.counts:
            org = rep.returned.org_name or rep.returned.org_code or Path(rep.path).name
            result.refused.append(Refused(rep.path, org, [decision.text("th")],
                                          [decision.text("en")]))
            if rep.bound is not None and rep.status != "unreadable":
                others.append((rep, entry_from_return(rep, template)))
        elif rep.status == "unreadable" or rep.bound is None:
            org = rep.returned.org_name or rep.returned.org_code or Path(rep.path).name
            result.refused.append(Refused(rep.path, org,
                                          [f.message("th") for f in rep.findings][:MAX_REASONS],
                                          [f.message("en") for f in rep.findings][:MAX_REASONS]))
        else:
            readable.append((rep, entry_from_return(rep, template)))
    # validate has already chosen the file that counts per organisation; where it did not
    # (several rounds asked for), the newest of one organisation and round, as merge does.
    known = known_fields(readable + others)
    by_key: dict[tuple[str, str], list[tuple[FileReport, OrgEntry]]] = {}
    for rep, e in readable:
        by_key.setdefault((e.org_code.casefold(), rep.round or ""), []).append((rep, e))
    for group in by_key.values():
        rep, e = max(group, key=lambda g: g[1].newest_key)
        for _older_rep, older in (g for g in group if g[1] is not e):
            result.refused.append(Refused(
                older.source_file, older.org_name,
                [f"มีไฟล์ที่ใหม่กว่าของหน่วยงานเดียวกัน: {e.source_file}"],
                [f"a newer return of the same organisation: {e.source_file}"]))
        if rep.status == "invalid" and not force:
            result.refused.append(Refused(rep.path, e.org_name or e.org_code,
                                          _refusal(rep, "th"), _refusal(rep, "en"),
                                          forcible=True))
            continue
        if rep.round not in DOCS_FOR_ROUND:
            result.refused.append(Refused(rep.path, e.org_name, ["ไม่ทราบรอบการรายงาน"],
                                          ["the reporting round is not known"]))
            continue
        for name, data in documents_for(rep, template, overrides, arabic_digits, e, emblem,
                                        known.get(e.org_code.casefold())):
            path = out / name
            try:
                atomic_write(path, data, force)
            except OutputExists:
                result.existing.append(path)
                continue
            result.written.append(path)
    return result
