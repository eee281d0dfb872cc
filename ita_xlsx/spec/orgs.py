"""The organisation list (orgs.csv / .xlsx / .ods / .xls): one row per organisation.

A bad row (no code, a duplicate code) becomes a problem naming its row; every good row is
still used. CSV files saved by Thai Excel are often cp874 (TIS-620), so that is tried after
UTF-8.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path

from ita_xlsx.core.errors import OrgListError, what_happened
from ita_xlsx.core.records import Org
from ita_xlsx.spec.roles import Fields, Roles
from ita_xlsx.thai import clean_text
from ita_xlsx.thai.text import read_code

# Accepted headings (lower-cased, spaces removed) for each field.
ALIASES = {
    "code": ("code", "org_code", "รหัส", "รหัสหน่วยงาน", "รหัสอปท.", "รหัสอปท"),
    "name": ("name", "org_name", "ชื่อ", "ชื่อหน่วยงาน", "ชื่ออปท.", "หน่วยงาน"),
    "type": ("type", "org_type", "ประเภท", "ประเภทอปท."),
    "district": ("district", "อำเภอ"),
    "province": ("province", "จังหวัด"),
    "email": ("email", "e-mail", "อีเมล", "อีเมล์"),
    "units": ("units", "ส่วนราชการ", "หน่วยงานย่อย"),
}
_EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def is_valid_email(text: str) -> bool:
    return bool(_EMAIL_RE.match(text))


def split_emails(text: str) -> list[str]:
    """The addresses of an ``email`` cell: several may be separated by ``;`` or ``,``."""
    return [part.strip() for part in re.split(r"[;,\s]+", text or "") if part.strip()]


@dataclass(frozen=True)
class OrgProblem:
    """A row of the list that was not used (``severity`` error) or used with a doubt."""

    row: int
    code: str
    severity: str
    message: str
    message_en: str

    def text(self, lang: str) -> str:
        return self.message_en if lang == "en" else self.message


def _key(heading: object) -> str | None:
    h = re.sub(r"\s+", "", clean_text(heading)).lower()
    for key, names in ALIASES.items():
        if h in names:
            return key
    return None


def _rows_from_csv(path: Path) -> list[list[object]]:
    raw = path.read_bytes()
    for enc in ("utf-8-sig", "cp874"):
        try:
            text = raw.decode(enc)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise OrgListError(
            f"อ่านไฟล์ {path.name} ไม่ได้: ไม่ใช่ข้อความ UTF-8 หรือ TIS-620",
            f"Cannot read {path.name}: not UTF-8 or TIS-620 text",
        )
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    return [list[object](row) for row in csv.reader(io.StringIO(text), dialect)]


def _rows_from_workbook(path: Path) -> list[list[object]]:
    from python_calamine import CalamineWorkbook

    try:
        wb = CalamineWorkbook.from_path(str(path))
        return wb.get_sheet_by_index(0).to_python(skip_empty_area=False)
    except Exception as exc:  # calamine raises several types for broken files
        th, en = what_happened(exc)
        raise OrgListError(
            f"อ่านไฟล์ {path.name} ไม่ได้ ({th}) ตรวจว่าเป็นไฟล์ Excel ที่เปิดได้",
            f"Cannot read {path.name} ({en}); check it opens in Excel",
        ) from exc


def org_type_labels(template) -> dict[str, str]:
    """Every accepted spelling of an organisation type (lower-cased, no spaces) -> its label."""
    return {
        spelling.lower().replace(" ", ""): item.label
        for item in template.choices[template.choice_key(Roles.ORG, Fields.ORG_TYPE)].items
        for spelling in (item.label, item.value, *item.aliases)
    }


def read_org_list(path: str | Path, type_labels: dict[str, str] | None = None
                  ) -> tuple[list[Org], list[OrgProblem]]:
    """Read the list; return the usable organisations and the problems found.

    ``type_labels`` maps accepted type spellings (aliases, lower-cased) to the label the
    workbook shows, so "อบต." becomes "องค์การบริหารส่วนตำบล".
    """
    path = Path(path)
    if not path.is_file():
        raise OrgListError(f"ไม่พบไฟล์รายชื่อหน่วยงาน {path}", f"Organisation list not found: {path}")
    rows: list[list[object]]
    if path.suffix.lower() in (".csv", ".txt", ".tsv"):
        rows = _rows_from_csv(path)
    else:
        rows = _rows_from_workbook(path)
    header_at = next((i for i, r in enumerate(rows[:10]) if any(_key(c) for c in r)), None)
    if header_at is None:
        raise OrgListError(
            f"{path.name}: ไม่พบหัวคอลัมน์ ต้องมีอย่างน้อย code (รหัสหน่วยงาน) และ name (ชื่อหน่วยงาน)",
            f"{path.name}: no heading row; it needs at least code and name columns",
        )
    columns = {}
    for i, heading in enumerate(rows[header_at]):
        key = _key(heading)
        if key and key not in columns:
            columns[key] = i
    missing = [k for k in ("code", "name") if k not in columns]
    if missing:
        raise OrgListError(
            f"{path.name}: ไม่มีคอลัมน์ {', '.join(missing)} (ต้องมี code และ name)",
            f"{path.name}: missing column(s) {', '.join(missing)} (code and name are required)",
        )
    orgs: list[Org] = []
    problems: list[OrgProblem] = []
    seen: dict[str, int] = {}
    type_labels = type_labels or {}
    for offset, raw in enumerate(rows[header_at + 1:], start=header_at + 2):
        def get(key: str, raw=raw) -> str:
            i = columns.get(key)
            return clean_text(raw[i]) if i is not None and i < len(raw) else ""

        if not any(clean_text(c) for c in raw):
            continue  # blank line
        i = columns["code"]
        read = read_code(raw[i] if i < len(raw) else None)  # ๖๕๖๐๑๐๑, ６５６０１٠١ -> 6560101
        code = read.code
        name = get("name")

        def problem(sev: str, th: str, en: str, row=offset, code=code) -> None:
            problems.append(OrgProblem(row, code, sev, th, en))

        if not code:
            problem("error", f"แถว {offset}: ไม่มีรหัสหน่วยงาน (ข้ามแถวนี้)",
                    f"row {offset}: no organisation code (row skipped)")
            continue
        if read.shown:
            problem("error", f"แถว {offset}: รหัส {code} มีอักขระกลับทิศทางข้อความ บนจอแสดงเป็น "
                    f"{read.shown} (ข้ามแถวนี้)",
                    f"row {offset}: code {code} holds a right-to-left override and shows as "
                    f"{read.shown} (row skipped)")
            continue
        if not read.plain:
            problem("error", f"แถว {offset}: รหัส {code!r} ใช้ได้เฉพาะตัวอักษรอังกฤษ ตัวเลข . _ - (ข้ามแถวนี้)",
                    f"row {offset}: code {code!r} may hold only letters, digits, . _ - (row skipped)")
            continue
        folded = code.casefold()  # Windows file names ignore case
        if folded in seen:
            problem("error", f"แถว {offset}: รหัส {code} ซ้ำกับแถว {seen[folded]} (ข้ามแถวนี้)",
                    f"row {offset}: code {code} repeats row {seen[folded]} (row skipped)")
            continue
        if not name:
            problem("error", f"แถว {offset}: รหัส {code} ไม่มีชื่อหน่วยงาน (ข้ามแถวนี้)",
                    f"row {offset}: code {code} has no organisation name (row skipped)")
            continue
        seen[folded] = offset
        org_type = get("type")
        if org_type:
            label = type_labels.get(org_type.lower().replace(" ", ""))
            if label is None:
                problem("warning", f"แถว {offset}: ไม่รู้จักประเภท {org_type!r} (ใช้ตามที่เขียน)",
                        f"row {offset}: unknown type {org_type!r} (kept as written)")
            else:
                org_type = label
        email = "; ".join(split_emails(get("email")))
        if email and not all(is_valid_email(e) for e in split_emails(email)):
            problem("warning", f"แถว {offset}: อีเมล {email!r} ไม่ถูกต้อง (ไม่ได้ใส่ในแบบฟอร์ม)",
                    f"row {offset}: email {email!r} is not valid (left out)")
            email = ""
        units = tuple(u for u in (clean_text(x) for x in re.split(r"[;\n|]", get("units"))) if u)
        orgs.append(Org(code=code, name=name, type=org_type, district=get("district"),
                        province=get("province"), email=email, units=units))
    return orgs, problems
