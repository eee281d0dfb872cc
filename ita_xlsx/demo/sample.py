"""The demo's documents: Huay Wan's measures for FY 2565 (the figures of a real published
document: ITA 2564 total 59.16, level D), the 6-month results of the demo's returns that
passed, and the district's memo from the demo's consolidated report."""

from __future__ import annotations

import random
from pathlib import Path

from ita_xlsx.core.files import atomic_write
from ita_xlsx.spec.roles import Fields

SEED_YEAR = 2565  # the fiscal year of the published measures document the figures come from
SIGNER = {Fields.SIGNER_NAME: "นายสมหมาย ตัวอย่าง", Fields.SIGNER_POSITION: "นายกเทศมนตรีตำบลห้วยวน",
          Fields.EXECUTIVE_TITLE: "นายกเทศมนตรีตำบลห้วยวน", Fields.DOC_PREFIX: "พย 52301",
          Fields.WEBSITE: "https://www.huaywon.go.th"}
SETTINGS = """# Settings of this round folder (ita-xlsx). [district] heads the district's memo.
[district]
name = "อำเภอ{district}"
office = "ที่ทำการท้องถิ่นอำเภอ{district}"
document_prefix = "พย 0023.12"
signer_name = "นายตัวอย่าง ใจดี"
signer_position = "ท้องถิ่นอำเภอ{district}"
addressee = "ท้องถิ่นจังหวัด{province}"
"""


def plan_return(folder: Path, org) -> Path:
    """Huay Wan's plan-round return for FY 2565, filled with seed 000's scores and issues."""
    from ita_xlsx.make.render import RenderOptions, render_workbook
    from ita_xlsx.make.simulate import SEED_SCORES, fill_workbook, sample_content
    from ita_xlsx.spec.template import bind, load_template

    folder.mkdir(parents=True, exist_ok=True)
    b = bind(load_template(), SEED_YEAR, "plan")
    blank = folder / f".{org.code}-blank.xlsx"
    blank.write_bytes(render_workbook(b, org, RenderOptions(fiscal_year=SEED_YEAR,
                                                            round="plan")))
    content = sample_content(b, random.Random(0), "plan", scores=SEED_SCORES)
    content.org_fields.update(SIGNER)  # version 2 fields: the documents print them
    path = folder / f"{org.code}_มาตรการ-{SEED_YEAR}.xlsx"
    fill_workbook(blank, path, b, content)
    blank.unlink()
    return path


def sample_settings(out: Path, org) -> Path:
    """The round folder's ita-settings.toml with a [district] for the memo (kept if there)."""
    settings = out / "ita-settings.toml"
    if not settings.exists():
        atomic_write(settings, SETTINGS.format(district=org.district,
                                               province=org.province).encode("utf-8"))
    return settings
