"""The district's OIT grid: organisations × items of the year, each cell present / missing /
invalid / dead / not this year, with counts per item and per organisation, and the items
most missing across the district (the report's chart and the district memo name them)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ita_xlsx.validators.oit import STATUSES, status_text

SHEET_NAME = {"th": "OIT", "en": "OIT"}
CHART_SHEET_NAME = {"th": "OIT กราฟ", "en": "OIT chart"}
MOST_MISSING = 10  # items in the chart and the memo's list at most
# Short cell labels for the grid (the full ones are in validators.oit.STATUS_TEXT).
GRID_TEXT = {"present": ("มี", "yes"), "missing": ("ไม่มี", "none"), "invalid": ("URL ผิด", "bad URL"),
             "dead": ("เปิดไม่ได้", "dead"), "old": ("ปีเก่า", "old")}
FILL = {"present": "#C6EFCE", "missing": "#D9D9D9", "invalid": "#FFC7CE", "dead": "#FFC7CE",
        "old": "#FFEB9C"}


@dataclass
class Grid:
    items: list[tuple[str, str]]  # (code, name) in the year's order
    rows: list[tuple[Any, dict[str, str]]]  # (entry, item code -> status), entries with data
    without: list[object] = field(default_factory=list)  # entries with no OIT sheet
    failing: dict[str, dict[str, int]] = field(default_factory=dict)  # item -> status -> n

    def count(self, code: str, status: str) -> int:
        return self.failing.get(code, {}).get(status, 0)

    def not_present(self, code: str) -> int:
        return sum(n for s, n in self.failing.get(code, {}).items() if s != "present")

    def most_missing(self, limit: int = MOST_MISSING) -> list[tuple[str, str, int]]:
        """(code, name, organisations without a working page) for the worst items, worst
        first; items every organisation has are left out."""
        ranked = sorted(((c, n, self.not_present(c)) for c, n in self.items),
                        key=lambda x: (-x[2], self.items.index((x[0], x[1]))))
        return [x for x in ranked if x[2] > 0][:limit]


def build(entries: list) -> Grid | None:
    """The grid of the entries that carry OIT results (``OrgEntry.oit``); None when none do."""
    with_data = [e for e in entries if getattr(e, "oit", None)]
    if not with_data:
        return None
    items: list[tuple[str, str]] = []
    for e in with_data:
        for it in e.oit:
            if (it["code"], it.get("name", "")) not in items and it["code"] not in {
                    c for c, _ in items}:
                items.append((it["code"], it.get("name", "")))
    items.sort(key=lambda x: int(x[0][1:]) if x[0][1:].isdigit() else 999)
    grid = Grid(items, [], [e for e in entries if not getattr(e, "oit", None)])
    for e in with_data:
        statuses = {it["code"]: it.get("status", "missing") for it in e.oit}
        grid.rows.append((e, statuses))
        for code, status in statuses.items():
            bucket = grid.failing.setdefault(code, {})
            bucket[status] = bucket.get(status, 0) + 1
    return grid


def read_back(report) -> list[dict]:
    """The grid's organisation rows of a consolidated report (``merge.ReportBook``), as
    {"org_code", "items": [{"code", "name", "status"}]}; [] when the report has none."""
    import json

    from ita_xlsx.thai import clean_text
    from ita_xlsx.validators.oit import STATUS_TEXT

    meta = report.meta
    if not meta.get("sheet:oit"):
        return []
    try:
        n = int(meta.get("rows:oit", "0"))
        names = json.loads(meta.get("names:oit", "{}"))
    except ValueError:
        return []
    keys = {text: key for table in (STATUS_TEXT, GRID_TEXT) for key, pair in table.items()
            for text in pair}
    out = []
    for row in report.table("oit")[:n]:
        code = clean_text(row.get("org_code"))
        if not code:
            continue
        out.append({"org_code": code, "items": [
            {"code": k, "name": names.get(k, ""), "status": keys.get(clean_text(v), "missing")}
            for k, v in row.items() if k[:1] == "O" and k[1:].isdigit()]})
    return out


def memo_sentence(grid: Grid | None, lang: str = "th", limit: int = 5) -> str:
    """One sentence for the district memo naming the items most missing ("" when none)."""
    if grid is None:
        return ""
    worst = grid.most_missing(limit)
    if not worst:
        return ("All organisations that sent the OIT sheet publish every item with a working page."
                if lang == "en" else
                "หน่วยงานที่ส่งแผ่นงานรายการ OIT เผยแพร่ครบทุกข้อและเปิดได้ทุกข้อ")
    n = len(grid.rows)
    if lang == "en":
        names = "; ".join(f"{c} {name} ({k} of {n})" for c, name, k in worst)
        return f"OIT items most often missing or failing across the district: {names}."
    names = " ".join(f"{c} {name} ({k} จาก {n} หน่วยงาน)" for c, name, k in worst)
    return f"ข้อ OIT ที่หน่วยงานในอำเภอยังขาดหรือเปิดไม่ได้มากที่สุด ได้แก่ {names}"


def write_sheet(writer, wb) -> None:
    """The grid sheet of the consolidated report (``report_writer.Writer``): one row per
    organisation, one column per item, counts and a colour scale, and a native stacked bar
    chart of the items most missing."""
    from ita_xlsx.make.print_layout import row_height, setup_page

    grid = build(writer.r.entries)
    if grid is None:
        return
    lang = writer.lang
    tr = writer.tr
    base = {"font_name": writer.t.font, "font_size": 12, "valign": "top", "border": 1}
    fmt = {s: wb.add_format({**base, "bg_color": FILL[s], "align": "center"}) for s in STATUSES}
    f_text = wb.add_format({**base})
    f_head = wb.add_format({**base, "bold": True, "bg_color": "#DDEBF7", "align": "center",
                            "text_wrap": True})
    f_int = wb.add_format({**base, "num_format": "0", "align": "center"})
    f_bold = wb.add_format({**base, "bold": True})
    name = SHEET_NAME.get(lang, "OIT")
    ws = wb.add_worksheet(name)
    codes = [c for c, _ in grid.items]
    first_item, n_items = 2, len(codes)
    c_present, c_failing = first_item + n_items, first_item + n_items + 1
    ws.set_column(0, 0, 10)
    ws.set_column(1, 1, 28)
    ws.set_column(first_item, first_item + n_items - 1, 9)
    ws.set_column(c_present, c_failing, 10)
    ws.set_default_row(row_height(12))
    setup_page(ws, [10.0, 28.0, *([9.0] * n_items), 10.0, 10.0], title_rows=(3, 3), repeat_columns=(0, 1),
               orientation="landscape",
               footer=f'&L&"{writer.t.font},Regular"&12' + tr(
                   "รายงานรวม ITA: รายการ OIT&C&12หน้า &P/&N", "ITA report: OIT items&C&12Page &P/&N"))
    ws.set_row(0, row_height(18))
    ws.write_string(0, 0, tr(f"การเผยแพร่ข้อมูล OIT รายหน่วยงาน ปีงบประมาณ {writer.r.fiscal_year or ''}",
                             f"OIT items by organisation, fiscal year {writer.r.fiscal_year or ''}"),
                    writer.f_title)
    legend = " · ".join(f"{GRID_TEXT[s][lang == 'en']} = {status_text(s, lang)}"
                        for s in STATUSES)
    ws.write_string(1, 0, tr(f"{len(grid.rows)} หน่วยงานที่ส่งแผ่นงาน OIT · ช่อง: {legend}",
                             f"{len(grid.rows)} organisations sent the OIT sheet · cells: {legend}"),
                    writer.f_text)
    head = 3
    ws.set_row(head, row_height(12, 2))
    heads = [tr("รหัส", "Code"), tr("หน่วยงาน", "Organisation"), *codes,
             tr("มีครบ (ข้อ)", "Present (items)"), tr("ขาด/ไม่ผ่าน (ข้อ)", "Failing (items)")]
    for c, h in enumerate(heads):
        ws.write_string(head, c, h, f_head)
    import json

    writer.meta += [("sheet:oit", name), ("rows:oit", str(len(grid.rows))),
                    ("names:oit", json.dumps(dict(grid.items), ensure_ascii=False)),
                    ("columns:oit", ",".join(["org_code", "org_name", *codes, "present",
                                              "failing"])),
                    ("first_row:oit", str(head + 2))]
    r = head
    for e, statuses in grid.rows:
        r += 1
        ws.write_string(r, 0, e.org_code, f_text)
        ws.write_string(r, 1, e.org_name or "", f_text)
        for i, code in enumerate(codes):
            s = statuses.get(code, "missing")
            ws.write_string(r, first_item + i, GRID_TEXT[s][lang == "en"], fmt[s])
        present = sum(1 for s in statuses.values() if s == "present")
        ws.write_number(r, c_present, present, f_int)
        ws.write_number(r, c_failing, len(statuses) - present, f_int)
    last_org = r
    if last_org > head:  # more failing items: redder; the count columns are colour-scaled
        ws.conditional_format(head + 1, c_failing, last_org, c_failing, {
            "type": "3_color_scale", "min_color": "#63BE7B", "mid_color": "#FFEB84",
            "max_color": "#F8696B"})
        ws.conditional_format(head + 1, c_present, last_org, c_present, {
            "type": "3_color_scale", "min_color": "#F8696B", "mid_color": "#FFEB84",
            "max_color": "#63BE7B"})
    # per item: organisations in each state
    r += 1
    count_rows = {}
    for s in ("missing", "invalid", "dead", "old"):
        r += 1
        count_rows[s] = r
        ws.write_string(r, 0, "", f_bold)
        ws.write_string(r, 1, tr(f"จำนวนหน่วยงาน: {status_text(s, 'th')}",
                                 f"Organisations: {status_text(s, 'en')}"), f_bold)
        for i, code in enumerate(codes):
            ws.write_number(r, first_item + i, grid.count(code, s), f_int)
    r += 1
    total_row = r
    ws.write_string(r, 1, tr("รวมที่ขาดหรือไม่ผ่าน", "Missing or failing, all"), f_bold)
    for i, code in enumerate(codes):
        ws.write_number(r, first_item + i, grid.not_present(code), f_int)
    ws.conditional_format(total_row, first_item, total_row, first_item + n_items - 1, {
        "type": "3_color_scale", "min_color": "#63BE7B", "mid_color": "#FFEB84",
        "max_color": "#F8696B"})
    ws.freeze_panes(head + 1, 2)
    _chart_sheet(writer, wb, grid, f_text, f_head, f_int)


def _chart_sheet(writer, wb, grid: Grid, f_text, f_head, f_int) -> None:
    """The items most missing: a small table and a native stacked bar chart drawn from it,
    on a page of their own (the grid itself is printed across pages)."""
    from ita_xlsx.make.print_layout import row_height, setup_page

    lang, tr = writer.lang, writer.tr
    worst = grid.most_missing()
    if not worst:
        return
    name = CHART_SHEET_NAME.get(lang, "OIT chart")
    ws = wb.add_worksheet(name)
    widths: list[float] = [8, 50, 10, 10, 10, 10]
    for c, w in enumerate(widths):
        ws.set_column(c, c, w)
    ws.set_default_row(row_height(12))
    setup_page(ws, widths, orientation="portrait",
               footer=f'&L&"{writer.t.font},Regular"&12' + tr(
                   "รายงานรวม ITA: รายการ OIT&C&12หน้า &P/&N", "ITA report: OIT items&C&12Page &P/&N"))
    ws.set_row(0, row_height(18))
    ws.write_string(0, 0, tr(f"ข้อ OIT ที่ขาดหรือไม่ผ่านมากที่สุด ({len(grid.rows)} หน่วยงาน)",
                             f"OIT items most missing or failing ({len(grid.rows)} organisations)"),
                    writer.f_title)
    r = 2
    table_head = r
    labels = [("missing", tr("ไม่มี URL", "no URL")), ("invalid", tr("URL ผิดรูปแบบ", "invalid")),
              ("dead", tr("เปิดไม่ได้", "dead")), ("old", tr("ไม่ใช่ปีนี้", "not this year"))]
    ws.write_string(r, 0, tr("ข้อ", "Item"), f_head)
    ws.write_string(r, 1, tr("รายการ", "Item name"), f_head)
    for j, (_s, label) in enumerate(labels):
        ws.write_string(r, 2 + j, label, f_head)
    for code, item_name, _n in worst:
        r += 1
        ws.write_string(r, 0, code, f_text)
        ws.write_string(r, 1, item_name, f_text)
        for j, (s, _label) in enumerate(labels):
            ws.write_number(r, 2 + j, grid.count(code, s), f_int)
    chart = wb.add_chart({"type": "bar", "subtype": "stacked"})
    colors = {"missing": "#A5A5A5", "invalid": "#C00000", "dead": "#ED7D31", "old": "#FFC000"}
    for j, (s, _label) in enumerate(labels):
        chart.add_series({
            "name": [name, table_head, 2 + j],
            "categories": [name, table_head + 1, 0, r, 0],
            "values": [name, table_head + 1, 2 + j, r, 2 + j],
            "fill": {"color": colors[s]},
        })
    font = {"name": writer.t.font, "size": 12}
    chart.set_title({"name": tr("ข้อ OIT ที่หน่วยงานขาดหรือไม่ผ่านมากที่สุด",
                                "OIT items most missing or failing"),
                     "name_font": {**font, "size": 14}})
    chart.set_y_axis({"reverse": True, "num_font": font, "interval_unit": 1})
    chart.set_x_axis({"num_font": font, "min": 0, "num_format": "0",
                      "major_unit": max(1, -(-len(grid.rows) // 10)),
                      "major_gridlines": {"visible": True}})
    chart.set_legend({"font": font, "position": "bottom"})
    chart.set_size({"width": 620, "height": max(320, 90 + 36 * len(worst))})
    ws.insert_chart(r + 2, 0, chart)
