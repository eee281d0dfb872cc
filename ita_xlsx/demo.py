"""`ita-xlsx demo`: the whole cycle on built-in sample data, for a first look."""

from __future__ import annotations

from collections.abc import Callable
from importlib import resources
from pathlib import Path

from .files import atomic_write
from .generate import generate
from .i18n import msg
from .orgs import read_org_list
from .render import RenderOptions
from .template import load_template
from .thai import current_fiscal_year

SAMPLE_ORGS = "orgs.csv"


def sample_orgs_bytes() -> bytes:
    return resources.files("ita_xlsx").joinpath("sample_data", SAMPLE_ORGS).read_bytes()


def run_demo(out: Path, force: bool, say: Callable[[str], None], lang: str = "th") -> dict:
    """Write the sample organisation list and its workbooks under ``out``; return the paths."""
    out.mkdir(parents=True, exist_ok=True)
    orgs_file = out / SAMPLE_ORGS
    atomic_write(orgs_file, sample_orgs_bytes(), force=True)
    template = load_template()
    type_labels = {
        s.lower().replace(" ", ""): item.label
        for item in template.choices["org_type"].items
        for s in (item.label, item.value, *item.aliases)
    }
    orgs, _ = read_org_list(orgs_file, type_labels)
    fy = current_fiscal_year()
    options = RenderOptions(fiscal_year=fy, round="plan", deadline="31 มกราคม " + str(fy),
                            contact="ท้องถิ่นอำเภอเชียงคำ โทร 0 5445 1234")
    say(msg("demo.step", lang, n=1, what=f"{orgs_file}"))
    result = generate(template, orgs, options, out / "workbooks", force=True)
    say(msg("demo.step", lang, n=2, what=msg("new.written", lang, n=len(result.written),
                                                out=out / "workbooks")))
    return {"orgs": orgs_file, "workbooks": out / "workbooks"}
