"""A messy district round, as officers really receive it, next to the clean round it hides.

Used by ``ita-xlsx demo`` and by the integration test: the same content is written once as a
clean return per organisation (``clean/``) and once the way it arrives (``returned/``):

* 0 sends twice with the same report date; the older copy lands on disk last;
* 2 fills 1's workbook and types its own code and name (a borrowed workbook), dated later
  than 1's own return; 1 also has a plan-round file dated later still;
* 3 sends a ZIP made on Thai Windows (cp874 names) with Thai digits in the scores;
* 4 sends only a PDF scan;
* 5 merges the owner cells of three measures, formats a score as a percentage and links the
  evidence as "คลิกที่นี่";
* 6 forwards a saved e-mail (.eml) with the workbook attached to the forwarded message;
* 7 also sends last year's return, and writes result ids without leading zeros (M1);
* 8 sends nothing;
* the district's own feedback copies, check report and consolidated report (of the clean
  round) are saved inside the returns folder.

Every organisation whose own return is among the files must come out of ``merge`` with the
clean round's figures.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import random
import re
import zipfile
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path

from ita_xlsx.core.files import atomic_write
from ita_xlsx.core.records import Org
from ita_xlsx.make.generate import generate
from ita_xlsx.make.render import RenderOptions, render_workbook
from ita_xlsx.make.simulate import Filled, apply_mistakes, fill_workbook, sample_content
from ita_xlsx.spec.orgs import org_type_labels, read_org_list
from ita_xlsx.spec.roles import Fields, Roles
from ita_xlsx.spec.template import Template, bind, split_cell

XLSX_MIME = ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet")
PDF_BYTES = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages"
             b"/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")


# mistakes in the content itself (what validate explains), the same in the clean round
CONTENT_MISTAKES = {1: ("owner-missing", "timeframe-bad"), 6: ("url-space", "done-no-url"),
                    7: ("issue-missing", "timeframe-old-year")}


@dataclass
class MessyRound:
    folder: Path
    clean: Path  # each organisation's own return, clean
    returned: Path  # what the district received
    orgs_file: Path
    fiscal_year: int
    codes: list[str] = field(default_factory=list)
    own: list[str] = field(default_factory=list)  # codes whose own return is in returned/
    borrowed: tuple[str, str] = ("", "")  # (who filled it, whose workbook it is)
    pdf_only: str = ""
    silent: str = ""
    twice: tuple[str, str] = ("", "")  # (the file that counts, the older copy)
    extra: dict[str, str] = field(default_factory=dict)  # what else is where, for the demo


def set_saved_time(path: Path, when: dt.datetime) -> None:
    """Rewrite docProps/core.xml's "modified" as Excel would have on saving at ``when``."""
    data = path.read_bytes()
    out = io.BytesIO()
    stamp = when.strftime("%Y-%m-%dT%H:%M:%SZ")
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(
            out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            raw = src.read(info)
            if info.filename == "docProps/core.xml":
                raw = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)",
                             rb"\g<1>" + stamp.encode() + rb"\g<2>", raw)
            dst.writestr(info, raw)
    path.write_bytes(out.getvalue())


def zip_as_thai_windows(members: dict[str, bytes]) -> bytes:
    """A ZIP as Windows' "Send to > Compressed folder" makes it on a Thai system: names in
    cp874 without the UTF-8 flag (zipfile itself always writes UTF-8, so ASCII stand-ins of
    the same byte length are written and replaced; names are outside the CRC)."""
    stand_ins: dict[bytes, bytes] = {}
    for i, name in enumerate(members):
        raw = name.encode("cp874")
        stand_ins[(f"n{i}_" + "x" * len(raw))[: len(raw)].encode()] = raw
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for stand_in, name in zip(stand_ins, members, strict=True):
            zf.writestr(stand_in.decode(), members[name])
    data = buf.getvalue()
    for stand_in, raw in stand_ins.items():
        data = data.replace(stand_in, raw)
    return data


def forwarded_mail(book: bytes, filename: str, sender: str) -> bytes:
    """A saved e-mail forwarding an organisation's message with the workbook attached."""
    original = EmailMessage()
    original["From"] = sender
    original["To"] = "district@example.go.th"
    original["Subject"] = "ส่งแบบรายงานมาตรการ ITA"
    original.set_content("เรียน ท้องถิ่นอำเภอ\nส่งแบบรายงานตามไฟล์แนบ")
    original.add_attachment(book, *XLSX_MIME, filename=filename)
    fwd = EmailMessage()
    fwd["From"] = "clerk@example.go.th"
    fwd["To"] = "district@example.go.th"
    fwd["Subject"] = "Fwd: ส่งแบบรายงานมาตรการ ITA"
    fwd.set_content("ส่งต่อให้ตรวจ")
    fwd.add_attachment(original)
    return fwd.as_bytes()


def _excel_habits(path: Path, bound, content: Filled) -> None:
    """Owner typed once into merged cells, a score formatted as a percentage, evidence as a
    "คลิกที่นี่" link — what a person does in Excel."""
    import openpyxl

    t = bound.template
    wb = openpyxl.load_workbook(path)
    m = t.sheet(Roles.MEASURES)
    ws = wb[m.name]
    col = m.field(Fields.OWNER).col_index + 1
    first = m.first_data_row
    for r in (first + 1, first + 2):
        ws.cell(r, col).value = None
    ws.merge_cells(start_row=first, start_column=col, end_row=first + 2, end_column=col)
    a = t.sheet(Roles.ANALYSIS)
    ws = wb[a.name]
    cell = ws.cell(a.first_data_row, a.field(Fields.SCORE).col_index + 1)
    cell.value = round(float(str(content.scores[0])) / 100, 6)
    cell.number_format = "0.00%"
    res = t.sheet(Roles.RESULTS)
    ws = wb[res.name]
    for n, r in enumerate(content.results):
        if r.get(Fields.EVIDENCE_URL):
            cell = ws.cell(res.first_data_row + n, res.field(Fields.EVIDENCE_URL).col_index + 1)
            cell.value = "คลิกที่นี่"
            cell.hyperlink = r[Fields.EVIDENCE_URL]
            break
    wb.save(path)


def _set_org_fields(path: Path, bound, values: dict[str, str]) -> None:
    """Type over the identity cells of the organisation sheet (a borrowed workbook)."""
    import openpyxl

    org = bound.template.sheet(Roles.ORG)
    wb = openpyxl.load_workbook(path)
    ws = wb[org.name]
    for key, value in values.items():
        row, col = split_cell(org.field(key).cell)
        ws.cell(row, col + 1).value = value
    wb.save(path)


def messy_round(folder: Path, template: Template, fiscal_year: int, orgs_csv: bytes) -> MessyRound:
    """Write the clean and the messy round under ``folder`` (see the module doc)."""
    from ita_xlsx.consolidation.merge import bound_for, merge
    from ita_xlsx.consolidation.report_writer import write_report
    from ita_xlsx.outputs.check_report import write_report_xlsx
    from ita_xlsx.outputs.feedback import write_feedback
    from ita_xlsx.validators import validate_files

    fy = fiscal_year
    folder.mkdir(parents=True, exist_ok=True)
    orgs_file = folder / "orgs.csv"
    atomic_write(orgs_file, orgs_csv, force=True)
    orgs, _ = read_org_list(orgs_file, org_type_labels(template))
    codes = [o.code for o in orgs]
    options = RenderOptions(fiscal_year=fy, round="6", deadline=f"30 เมษายน {fy}",
                            contact="ท้องถิ่นอำเภอ")
    made = generate(template, orgs, options, folder / "1-workbooks", force=True)
    blank = {p.name.split("_")[0]: p for p in made.written}
    bound = bind(template, fy, "6")
    clean, returned = folder / "clean", folder / "2-returned"
    clean.mkdir(exist_ok=True)
    returned.mkdir(exist_ok=True)
    base = dt.datetime(fy - 543, 4, 16, 9, 0).timestamp()
    saved = dt.datetime(fy - 543, 4, 15, 10, 0)

    contents: dict[int, Filled] = {}
    for i in range(8):
        c = sample_content(bound, random.Random(i), "6", thai_digits=(i == 3))
        apply_mistakes(c, CONTENT_MISTAKES.get(i, ()))  # content mistakes: same in both rounds
        c.org_fields[Fields.REPORT_DATE] = f"15/04/{fy}"
        if i == 5:
            c.scores[0] = 92.11
            for m in c.measures[:3]:
                m[Fields.OWNER] = "สำนักปลัด"
        contents[i] = c
        fill_workbook(blank[codes[i]], clean / f"{codes[i]}.xlsx", bound, c)
    result = MessyRound(folder, clean, returned, orgs_file, fy, codes)

    def put(name: str, src: Path | None = None, data: bytes | None = None,
            when: float = base) -> Path:
        path = returned / name
        if src is not None:
            data = src.read_bytes()
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data or b"")
        os.utime(path, (when, when))
        return path

    # 0: twice, same report date; the older copy (saved a day earlier) lands on disk last
    newer = put(f"{codes[0]}_แบบรายงาน.xlsx", clean / f"{codes[0]}.xlsx")
    set_saved_time(newer, saved)
    os.utime(newer, (base, base))
    draft = apply_mistakes(sample_content(bound, random.Random(99), "6"), ("done-no-url",))
    draft.org_fields[Fields.REPORT_DATE] = f"15/04/{fy}"
    older = returned / f"{codes[0]}_แบบรายงาน (ฉบับแรก).xlsx"
    fill_workbook(blank[codes[0]], older, bound, draft)
    set_saved_time(older, saved - dt.timedelta(days=1))
    os.utime(older, (base + 3600, base + 3600))
    result.twice = (str(newer), str(older))

    # 1: its own return, and a plan-round file dated later
    put(f"{codes[1]}_แบบรายงาน.xlsx", clean / f"{codes[1]}.xlsx")
    plan_bound = bind(template, fy, "plan")
    plan_blank = folder / f".plan-{codes[1]}.xlsx"
    plan_blank.write_bytes(render_workbook(plan_bound, Org(code=orgs[1].code, name=orgs[1].name,
                                                           type=orgs[1].type),
                                           RenderOptions(fiscal_year=fy, round="plan")))
    plan = sample_content(plan_bound, random.Random(55), "plan")
    plan.org_fields[Fields.REPORT_DATE] = f"20/04/{fy}"
    fill_workbook(plan_blank, returned / f"{codes[1]}_แผน.xlsx", plan_bound, plan)
    plan_blank.unlink()
    os.utime(returned / f"{codes[1]}_แผน.xlsx", (base + 60, base + 60))

    # 2: fills 1's workbook, types its own code and name, dated later than 1's own return
    borrowed = returned / f"{codes[2]}_แบบรายงาน.xlsx"
    other = sample_content(bound, random.Random(22), "6")
    other.org_fields[Fields.REPORT_DATE] = f"20/04/{fy}"
    fill_workbook(blank[codes[1]], borrowed, bound, other)
    _set_org_fields(borrowed, bound, {Fields.ORG_CODE: orgs[2].code, Fields.ORG_NAME: orgs[2].name})
    os.utime(borrowed, (base + 120, base + 120))
    result.borrowed = (codes[2], codes[1])

    # 3: a ZIP made on Thai Windows
    book3 = (clean / f"{codes[3]}.xlsx").read_bytes()
    put(f"{codes[3]}_ส่งแบบรายงาน.zip",
        data=zip_as_thai_windows({f"แบบรายงาน ITA {orgs[3].name}.xlsx": book3}))

    # 4: only a PDF scan
    put(f"{codes[4]}_สแกนแบบรายงาน.pdf", data=PDF_BYTES)
    result.pdf_only = codes[4]

    # 5: Excel habits
    habits = put(f"{codes[5]}_แบบรายงาน.xlsx", clean / f"{codes[5]}.xlsx")
    _excel_habits(habits, bound, contents[5])
    os.utime(habits, (base, base))

    # 6: a forwarded saved e-mail
    put("ส่งต่อ แบบรายงาน.eml", data=forwarded_mail(
        (clean / f"{codes[6]}.xlsx").read_bytes(), f"แบบรายงาน {orgs[6].name}.xlsx",
        "saraban@example.go.th"))

    # 7: last year's return too (newest file time), result ids without leading zeros
    c7 = contents[7]
    short = Filled(c7.scores, c7.issues, c7.measures,
                   [{**r, Fields.MEASURE_ID: re.sub(r"M0(\d)", r"M\1", r[Fields.MEASURE_ID])}
                    for r in c7.results], c7.org_fields)
    fill_workbook(blank[codes[7]], returned / f"{codes[7]}.xlsx", bound, short)
    os.utime(returned / f"{codes[7]}.xlsx", (base, base))
    last_bound = bind(template, fy - 1, "6")
    last_blank = folder / f".last-{codes[7]}.xlsx"
    last_blank.write_bytes(render_workbook(last_bound, Org(code=orgs[7].code, name=orgs[7].name,
                                                           type=orgs[7].type),
                                           RenderOptions(fiscal_year=fy - 1, round="6")))
    last = sample_content(last_bound, random.Random(77), "6")
    last.org_fields[Fields.REPORT_DATE] = f"15/04/{fy - 1}"
    fill_workbook(last_blank, returned / f"{codes[7]}_ปีที่แล้ว.xlsx", last_bound, last)
    last_blank.unlink()
    os.utime(returned / f"{codes[7]}_ปีที่แล้ว.xlsx", (base + 7200, base + 7200))

    result.own = [codes[i] for i in (0, 1, 3, 5, 6, 7)]
    result.silent = codes[8]

    # the district's own outputs, saved among the returns (newest of all on disk)
    report = validate_files([older, *sorted(clean.glob("*.xlsx"))], template)
    feedback = write_feedback(report, returned / "ตรวจแล้ว", force=True)
    write_report_xlsx(report, returned / "ผลการตรวจ.xlsx", force=True)
    merged = merge([clean], template=template, orgs_path=orgs_file)
    write_report(merged, returned / "รายงานรวม อำเภอ.xlsx", template,
                 bound_for(template, merged.fiscal_year), force=True)
    late = base + 9000
    for p in [*feedback.written, returned / "ผลการตรวจ.xlsx", returned / "รายงานรวม อำเภอ.xlsx"]:
        os.utime(p, (late, late))
    result.extra = {"feedback": str(returned / "ตรวจแล้ว"),
                    "check": str(returned / "ผลการตรวจ.xlsx"),
                    "report": str(returned / "รายงานรวม อำเภอ.xlsx")}
    return result
