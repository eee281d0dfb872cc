"""Export for the NACC's ITAS system: per organisation, each OIT item with its URLs, in the
order the system asks for them (the year's item order), as CSV and as a printable sheet.

Organisations type every item's URL into the NACC system by hand; this gives them (and the
district) the list to type from, with what still fails marked.
"""

from __future__ import annotations

from pathlib import Path

import xlsxwriter

from ita_xlsx.core.files import OutputExists, atomic_write, csv_bytes, safe_filename
from ita_xlsx.validators.engine import FileReport, Report
from ita_xlsx.validators.oit import status_text

HEAD_TH = ["ลำดับ", "ข้อ", "รายการ", "URL", "สถานะ", "หมายเหตุ"]
HEAD_EN = ["No.", "Item", "What must be published", "URL", "Status", "Note"]


def itas_rows(rep: FileReport, lang: str = "th") -> list[list[object]]:
    """One row per URL (an item with several URLs has several rows, an item without any has
    one with the URL blank), items in the year's order, numbered as the system lists them."""
    rows: list[list[object]] = []
    for n, it in enumerate(rep.oit, start=1):
        urls = it.export_urls or [""]
        for i, url in enumerate(urls):
            rows.append([n if i == 0 else "", it.code, it.name if i == 0 else "", url,
                         status_text(it.status, lang) if i == 0 else "",
                         (it.detail_en if lang == "en" else it.detail) if it.failing and i == 0
                         else ""])
    return rows


def _counting(report: Report) -> list[FileReport]:
    out = []
    for rep in report.files:
        if not rep.oit:
            continue
        if rep.decision is not None and not getattr(rep.decision, "counts", True):
            continue
        out.append(rep)
    return out


def itas_sheet(rep: FileReport, lang: str = "th") -> bytes:
    """A printable A4 sheet of the organisation's items and URLs."""
    import io

    from ita_xlsx.make.print_layout import row_height, setup_page, text_lines

    en = lang == "en"
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_formulas": False,
                                   "strings_to_urls": False, "strings_to_numbers": False})
    font = rep.bound.template.font if rep.bound else "TH Sarabun New"
    base = {"font_name": font, "font_size": 14, "valign": "top", "border": 1, "text_wrap": True}
    f_text = wb.add_format(base)
    f_head = wb.add_format({**base, "bold": True, "bg_color": "#DDEBF7", "align": "center"})
    f_fail = wb.add_format({**base, "bg_color": "#FFC7CE"})
    f_title = wb.add_format({"font_name": font, "font_size": 18, "bold": True})
    f_sub = wb.add_format({"font_name": font, "font_size": 14})
    ws = wb.add_worksheet("ITAS")
    widths: list[float] = [6, 6, 40, 48, 12, 24]
    for c, w in enumerate(widths):
        ws.set_column(c, c, w)
    setup_page(ws, widths, title_rows=(3, 3), orientation="landscape",
               footer=f'&L&"{font},Regular"&12' + ("ITAS export&C&12Page &P/&N" if en
                                                   else "รายการสำหรับระบบ ITAS&C&12หน้า &P/&N"))
    ret = rep.returned
    ws.write_string(0, 0, (f"OIT items for the ITAS system — {ret.org_name} ({ret.org_code})"
                           if en else
                           f"รายการ OIT สำหรับกรอกในระบบ ITAS — {ret.org_name} ({ret.org_code})"),
                    f_title)
    ws.set_row(0, row_height(18))
    ws.write_string(1, 0, (f"ITA {rep.fiscal_year or ''} · items in the order the system asks"
                           if en else
                           f"ITA {rep.fiscal_year or ''} · เรียงตามลำดับข้อในระบบ ITAS ของ ป.ป.ช."),
                    f_sub)
    for c, h in enumerate(HEAD_EN if en else HEAD_TH):
        ws.write_string(3, c, h, f_head)
    failing = {it.code for it in rep.oit if it.failing}
    for r, row in enumerate(itas_rows(rep, lang), start=4):
        fmt = f_fail if row[1] in failing else f_text
        lines = 1
        for c, v in enumerate(row):
            if isinstance(v, int):
                ws.write_number(r, c, v, fmt)
            else:
                ws.write_string(r, c, str(v), fmt)  # URLs as typed: text, never a formula
                lines = max(lines, text_lines(str(v), widths[c], 14))
        ws.set_row(r, row_height(14, lines))
    ws.freeze_panes(4, 0)
    wb.close()
    return buf.getvalue()


def write_itas(report: Report, out_dir: Path, *, force: bool = False,
               lang: str = "th") -> list[Path]:
    """``<code>_<name>_ITAS.csv`` and ``.xlsx`` per organisation that sent an OIT sheet.
    Existing files are refused (OutputExists) unless ``force``; each is written atomically."""
    written: list[Path] = []
    targets = []
    for rep in _counting(report):
        ret = rep.returned
        stem = safe_filename(f"{ret.org_code}_{ret.org_name}_ITAS", "ITAS")
        targets.append((rep, out_dir / f"{stem}.csv", out_dir / f"{stem}.xlsx"))
    if not force:  # say so before anything is written, not half way
        for _rep, csv_path, xlsx_path in targets:
            for p in (csv_path, xlsx_path):
                if p.exists():
                    raise OutputExists(p)
    for rep, csv_path, xlsx_path in targets:
        atomic_write(csv_path, csv_bytes(HEAD_EN if lang == "en" else HEAD_TH,
                                         itas_rows(rep, lang)), force=True)
        atomic_write(xlsx_path, itas_sheet(rep, lang), force=True)
        written += [csv_path, xlsx_path]
    return written
