"""The OIT sheet: each item of the year, the URLs where the organisation publishes it, and
what those pages show.

Without ``--check-links`` an item is *present* (well-formed URLs given), *missing* (no URL) or
*invalid* (a URL that is not usable; the finding gives the likely fix). With it, each page is
read up to a bounded size: *dead* (no answer, an HTTP error, a redirect loop, or a login or
error page served with 200) and *old* (the page shows neither the fiscal year nor the one
before, in Thai or Arabic digits). Every item keeps its status, its URLs and its findings, so
merge, the feedback copies, the reminders and the ITAS export all read the same results.
"""

from __future__ import annotations

import codecs
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from ita_xlsx.core.findings import Finding
from ita_xlsx.intake.read import Returned, Row
from ita_xlsx.spec.roles import Fields, Roles
from ita_xlsx.spec.template import Bound
from ita_xlsx.thai import clean_text, clean_url, is_valid_url
from ita_xlsx.thai.values import url_problem

SHEET = Roles.OIT  # the sheet's role
# Item statuses, worst last; the grid and the exports show them in this order.
STATUSES = ("present", "missing", "invalid", "dead", "old")
STATUS_TEXT = {
    "present": ("มี", "present"),
    "missing": ("ไม่มี URL", "missing"),
    "invalid": ("URL ผิดรูปแบบ", "invalid URL"),
    "dead": ("เปิดไม่ได้", "dead"),
    "old": ("ไม่ใช่ปีนี้", "not this year"),
}


def status_text(status: str, lang: str = "th") -> str:
    th, en = STATUS_TEXT.get(status, (status, status))
    return en if lang == "en" else th


@dataclass
class ItemResult:
    """One OIT item of one return."""

    code: str
    name: str
    row: int  # Excel row of the item in the file
    cell: str  # the URL cell, as laid out in the file
    typed: str = ""  # the URL cell as typed
    urls: list[str] = field(default_factory=list)  # well-formed URLs, as typed
    fixes: list[str] = field(default_factory=list)  # likely fixes of malformed ones
    note: str = ""
    status: str = "missing"
    detail: str = ""  # Thai: what failed (for the page and the reminder)
    detail_en: str = ""
    findings: list[Finding] = field(default_factory=list)
    where: dict = field(default_factory=dict)  # the location fields of the item's findings

    @property
    def failing(self) -> bool:
        return self.status != "present"

    @property
    def export_urls(self) -> list[str]:
        """The URLs to type into the NACC system: the well-formed ones, then likely fixes."""
        return self.urls + [f for f in self.fixes if f not in self.urls]


# ---------------------------------------------------------------- URLs as pasted

_BREAK = re.compile(r"[\r\n;,\t]+|\s+(?=(?:https?://|www\.))", re.IGNORECASE)
_SCHEME = re.compile(r"(?i)^(?:https?://|www\.)")


def split_item_urls(text: str) -> list[str]:
    """The URLs of one cell, as pasted: one per line, or run together. A line that does not
    start a new address continues the one before (a URL broken over two lines in a paste);
    the join keeps the break as a space so that the finding can show it and suggest the fix."""
    pieces = [p.strip() for p in _BREAK.split(text) if p and p.strip()]
    urls: list[str] = []
    for piece in pieces:
        if urls and not _SCHEME.match(piece):
            urls[-1] = f"{urls[-1]} {piece}"
        else:
            urls.append(piece)
    return urls


def _host(url: str) -> str:
    try:
        host = (urlsplit(url.strip()).hostname or "").lower().rstrip(".")
    except ValueError:
        return ""
    return host[4:] if host.startswith("www.") else host


def site_host(website: object) -> str:
    """The host of the organisation's website as typed on its organisation sheet."""
    text = clean_url(website) if website else ""
    if text and "://" not in text:
        text = "http://" + text
    return _host(text) if text and is_valid_url(text) else ""


def on_site(url: str, site: str, official: Iterable[str]) -> bool:
    host = _host(url)
    if not host:
        return False
    for allowed in (site, *official):
        allowed = allowed.lower().strip(".")
        if allowed and (host == allowed or host.endswith("." + allowed)):
            return True
    return False


# ---------------------------------------------------------------- checks without the network


def _detail(th: str, en: str) -> dict[str, str]:
    return {"th": th, "en": en}


def check_items(ret: Returned, bound: Bound, official_hosts: Iterable[str] = ()) -> list[ItemResult]:
    """Per item of the year: missing, malformed and off-site URLs. Empty for a return whose
    template version has no OIT sheet."""
    if SHEET not in ret.sheet_names:
        return []
    t = bound.template
    sheet = t.sheet(SHEET)
    url_field = sheet.field(Fields.OIT_URLS)
    sheet_name = ret.sheet_names.get(SHEET, sheet.name)
    rows: dict[str, Row] = {}
    for r in ret.tables.get(SHEET, []):
        code = bound.target_fw.oit_item_from_text(r.values.get(Fields.OIT_CODE))
        if code and code not in rows:
            rows[code] = r
    site = site_host(ret.form.get(Fields.WEBSITE))
    official = tuple(official_hosts)
    results = []
    for i, item in enumerate(bound.target_fw.oit_items):
        found = rows.get(item.code)
        row = found.row if found else sheet.first_data_row + i
        cell = ret.cell(SHEET, row, Fields.OIT_URLS) or f"{url_field.column}{row}"
        res = ItemResult(item.code, item.name_th, row, cell)
        results.append(res)
        res.where = {"sheet": SHEET, "sheet_name": sheet_name, "row": row,
                     "column": Fields.OIT_URLS, "cell": cell, "label": url_field.label,
                     "label_en": url_field.label_en}
        if found is not None:
            raw = found.raw.get(Fields.OIT_URLS)
            value = found.values.get(Fields.OIT_URLS)
            # A linked cell ("คลิกที่นี่") reads as its target; else the text as typed.
            typed = value if isinstance(value, str) and value != clean_text(raw) else raw
            res.typed = "" if typed is None else str(typed)
            res.note = str(found.values.get(Fields.OIT_NOTE) or "")
        common = res.where
        params = {"item": item.code, "name": item.name_th}
        candidates = split_item_urls(res.typed) if res.typed.strip() else []
        if not candidates:
            res.status = "missing"
            res.detail, res.detail_en = "ไม่มี URL", "no URL"
            res.findings.append(Finding("oit-url-missing", **common, params=params))
            continue
        for url in candidates:
            if is_valid_url(url):
                res.urls.append(url)
                continue
            th, en = url_problem(url) or ("รูปแบบ URL ไม่ถูกต้อง", "the URL is malformed")
            fixed = clean_url(url)
            if fixed != url and is_valid_url(fixed):
                res.fixes.append(fixed)
            res.findings.append(Finding("oit-url-invalid", **common, value=url,
                                        params={**params, "detail": _detail(th, en)}))
            if res.status != "invalid":
                res.status, res.detail, res.detail_en = "invalid", th, en
        if res.status != "invalid":
            res.status = "present"
        for url in res.urls:
            if site and not on_site(url, site, official):
                res.findings.append(Finding("oit-url-offsite", **common, value=url,
                                            params={**params, "site": site}))
    if results and not any(it.typed.strip() for it in results):
        # A sheet left wholly empty (the organisation has not started on its OIT items, or
        # keeps them elsewhere): no finding, so the return's status is what its other sheets
        # say; the items stay "missing" for the grid, the reminders and the export.
        for it in results:
            it.findings = []
    return results


# ---------------------------------------------------------------- what a page shows

_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_:.-]+)""", re.I)
_DROP = re.compile(r"(?is)<(script|style|noscript)\b.*?</\1\s*>|<!--.*?-->")
_TAG = re.compile(r"(?s)<[^>]*>")
_TITLE = re.compile(r"(?is)<title[^>]*>(.*?)</title>|<h1[^>]*>(.*?)</h1>")
_PASSWORD = re.compile(r"""(?i)<input[^>]+type\s*=\s*["']?password""")
_LOGIN_WORDS = re.compile(r"(?i)\b(log ?in|sign ?in)\b|เข้าสู่ระบบ|ลงชื่อเข้าใช้")
_ERROR_WORDS = re.compile(
    r"(?i)\b(404|403|500|not found|page not found|error|forbidden)\b|ไม่พบหน้า|ไม่พบข้อมูลที่ต้องการ"
    r"|เกิดข้อผิดพลาด|หน้านี้ไม่มีอยู่")
# A Buddhist-Era year 24xx/25xx in Arabic or Thai digits; only the matches are translated
# (str.translate over a whole megabyte page costs a third of a second).
_BE_YEAR = re.compile(r"(?<![0-9๐-๙])([2๒][45๔๕][0-9๐-๙]{2})(?![0-9๐-๙])")
_THAI_CHARSETS = {"tis-620": "cp874", "tis620": "cp874", "windows-874": "cp874",
                  "x-windows-874": "cp874", "iso-8859-11": "cp874"}


def decode_page(body: bytes, content_type: str = "") -> str:
    """Page text in its declared charset (HTTP header, then <meta>), else UTF-8, else cp874:
    many municipal sites still serve TIS-620 pages."""
    declared = ""
    m = re.search(r"charset\s*=\s*([A-Za-z0-9_:.-]+)", content_type or "", re.I)
    if m:
        declared = m.group(1)
    else:
        mm = _META_CHARSET.search(body[:4096])
        if mm:
            declared = mm.group(1).decode("ascii", "replace")
    name = _THAI_CHARSETS.get(declared.lower(), declared.lower())
    if name:
        try:
            codecs.lookup(name)
            return body.decode(name, errors="replace")
        except LookupError:
            pass
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start >= len(body) - 3:  # a multi-byte character cut at the size bound
            return body[:exc.start].decode("utf-8", errors="replace")
        return body.decode("cp874", errors="replace")


def page_text(html: str) -> str:
    return " ".join(_TAG.sub(" ", _DROP.sub(" ", html)).split())


def page_kind(html: str) -> tuple[str, str] | None:
    """(Thai, English) when the page is a login or an error page rather than content."""
    heads = " ".join(a or b for a, b in _TITLE.findall(html[:200_000]))
    heads = page_text(heads)
    if _PASSWORD.search(html) or (heads and _LOGIN_WORDS.search(heads)):
        return ("หน้าเข้าสู่ระบบ", "a login page")
    if heads and _ERROR_WORDS.search(heads):
        return (f"หน้าแจ้งข้อผิดพลาด ({heads[:60]})", f"an error page ({heads[:60]})")
    return None


def page_years(text: str, newest: int) -> list[int]:
    """Buddhist-Era years a page shows (Thai or Arabic digits), most frequent first."""
    counts: dict[int, int] = {}
    for spelled, n in Counter(_BE_YEAR.findall(text)).items():
        year = int(spelled.translate(_THAI_DIGITS))
        if 2500 <= year <= newest + 1:
            counts[year] = counts.get(year, 0) + n
    return sorted(counts, key=lambda y: (-counts[y], -y))


def _is_text(content_type: str, body: bytes) -> bool:
    kind = (content_type or "").split(";")[0].strip().lower()
    if kind:
        return kind.startswith("text/") or kind in ("application/xhtml+xml",)
    return body[:512].lstrip().lower().startswith((b"<!doctype html", b"<html"))


def check_pages(items_by_file: list[tuple[list[ItemResult], int | None]], *,
                timeout: float = 10.0, progress: Callable[[int], None] | None = None,
                max_bytes: int | None = None) -> dict:
    """Open every well-formed URL of every item once (bounded time, size and per-host load),
    then set each item's status and findings. Returns counts for the report."""
    from ita_xlsx.validators.links import PAGE_BYTES, describe, read_pages

    urls = [u for items, _ in items_by_file for it in items for u in it.urls]
    pages = read_pages(urls, timeout=timeout, progress=progress,
                       max_bytes=max_bytes or PAGE_BYTES)
    counts = {"checked": len(pages), "ok": 0, "dead": 0, "old": 0, "login": 0}
    judged: dict[tuple[str, int | None], tuple[str, str, str] | None] = {}
    for items, year in items_by_file:
        for it in items:
            for url in it.urls:
                key = (url, year)
                if key not in judged:
                    judged[key] = found = _judge(pages[url], year, describe)
                    counts[found[0] if found else "ok"] += 1
                verdict = judged[key]
                if verdict is None:
                    continue
                kind, th, en = verdict
                params: dict[str, object] = {"item": it.code, "name": it.name}
                where = {**it.where, "value": url}
                if kind == "old":
                    params |= {"detail": _detail(th, en), "expected": year,
                               "previous": (year or 1) - 1}
                    code, status = "oit-page-old", "old"
                elif kind == "login":
                    params |= {"detail": _detail(th, en)}
                    code, status = "oit-page-login", "dead"
                else:
                    params |= {"detail": _detail(th, en)}
                    code, status = "oit-url-dead", "dead"
                it.findings.append(Finding(code, **where, params=params))
                if STATUSES.index(status) > STATUSES.index(it.status):
                    it.status, it.detail, it.detail_en = status, th, en
    return counts


def _judge(page, year: int | None, describe) -> tuple[str, str, str] | None:
    """None when the page is fine; else (kind, Thai, English)."""
    link = page.link
    if not link.ok:
        return ("dead", describe(link, "th"), describe(link, "en"))
    if not _is_text(page.content_type, page.body):
        return None  # a PDF or a picture: it opens; what it shows is for a person to read
    html = decode_page(page.body, page.content_type)
    kind = page_kind(html)
    if kind:
        return ("login", *kind)
    if year is None:
        return None
    years = page_years(page_text(html), year)
    if year in years or year - 1 in years:
        return None
    cut = " (อ่าน 1 MB แรก)" if page.truncated else ""
    cut_en = " (first 1 MB read)" if page.truncated else ""
    if years:
        shown = ", ".join(str(y) for y in sorted(years[:3], reverse=True))
        return ("old", f"หน้าเว็บแสดง {shown}{cut}", f"the page shows {shown}{cut_en}")
    return ("old", f"หน้าเว็บไม่แสดงปี พ.ศ.{cut}", f"the page shows no Buddhist-Era year{cut_en}")


def findings_of(items: list[ItemResult]) -> list[Finding]:
    return [f for it in items for f in it.findings]
