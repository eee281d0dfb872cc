"""The demo's documents: Huay Wan's measures for FY 2565 (the figures of a real published
document: ITA 2564 total 59.16, level D), the 6-month results of the demo's returns that
passed, and the district's memo from the demo's consolidated report."""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path

from ..files import atomic_write

SEED_YEAR = 2565  # the fiscal year of the published measures document the figures come from
SETTINGS = """# Settings of this round folder (ita-xlsx). [district] heads the district's memo.
[district]
name = "อำเภอ{district}"
office = "ที่ทำการท้องถิ่นอำเภอ{district}"
document_prefix = "พย 0023.12"
signer_name = "นายตัวอย่าง ใจดี"
signer_position = "ท้องถิ่นอำเภอ{district}"
addressee = "ท้องถิ่นจังหวัด{province}"
"""


def demo_documents(out: Path, orgs, returned: Path, report: Path,
                   say: Callable[[str], None], lang: str = "th") -> dict:
    from .. import api
    from ..render import RenderOptions, render_workbook
    from ..simulate import SEED_SCORES, fill_workbook, sample_content
    from ..template import bind, load_template

    docs = out / "5-documents"
    plan = out / "5-plan-return"
    plan.mkdir(parents=True, exist_ok=True)
    org = orgs[0]
    b = bind(load_template(), SEED_YEAR, "plan")
    blank = plan / f".{org.code}-blank.xlsx"
    blank.write_bytes(render_workbook(b, org, RenderOptions(fiscal_year=SEED_YEAR,
                                                            round="plan")))
    content = sample_content(b, random.Random(0), "plan", scores=SEED_SCORES)
    fill_workbook(blank, plan / f"{org.code}_มาตรการ-{SEED_YEAR}.xlsx", b, content)
    blank.unlink()
    settings = out / "ita-settings.toml"
    if not settings.exists():
        atomic_write(settings, SETTINGS.format(district=org.district,
                                               province=org.province).encode("utf-8"))
    made = api.make_documents([plan, returned], docs)  # returns with errors: refused
    memo = api.make_district_memo(report, docs, settings=settings, force=True)
    say(("ขั้นที่ 5: เอกสาร Word {n} ไฟล์ (มาตรการและบันทึกข้อความของแต่ละหน่วยงานที่ผ่าน "
         "และบันทึกข้อความของอำเภอ) ใน {d}" if lang == "th" else
         "Step 5: {n} Word documents (each passing organisation's measures or results with "
         "its memo, and the district's memo) in {d}").format(n=len(made.written) + 1, d=docs))
    return {"documents": docs, "district_memo": memo.path}
