"""Benchmark `validate --check-links` on a district's OIT items: 30 organisations x 26 items,
each organisation's website a local HTTP server on 127.0.0.1 (the mix of the tests: this
year's pages, 404s, redirect loops, login pages, last year's pages, TIS-620 pages; the 20 MB
page left out unless --big). Prints the time of validate with and without --check-links.

Usage: python benchmarks/bench_oit_links.py [N_ORGS] [--big]
All sites share 127.0.0.1, so the per-host limit (4 at once) bounds the whole run: this is
the worst case of a district whose organisations share one hosting provider.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parents[1] / "tests"))
import openpyxl  # noqa: E402
from oit_sites import FY, KINDS, OrgSite, framework_2571, serve, typed_cell  # noqa: E402

import ita_xlsx  # noqa: E402
from ita_xlsx import Org  # noqa: E402

CODES = [f"O{n}" for n in range(1, 27)]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("orgs", nargs="?", type=int, default=30)
    ap.add_argument("--big", action="store_true", help="include the 20 MB page")
    args = ap.parse_args()
    kinds = [k for k in KINDS if args.big or k != "big"]
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        fw = root / "fw"
        framework_2571(fw)
        sites = [OrgSite(f"65710{n:02d}", f"อบต.ทดสอบ{n}",
                         {c: kinds[(i + n) % len(kinds)] for i, c in enumerate(CODES)})
                 for n in range(1, args.orgs + 1)]
        orgs = [Org(code=s.code, name=s.name, district="เชียงคำ", province="พะเยา")
                for s in sites]
        with serve(sites):
            made = ita_xlsx.make_workbooks(root / "wb", orgs, fiscal_year=FY, framework=fw)
            for path, site in zip(sorted(made.written), sites, strict=True):
                wb = openpyxl.load_workbook(path)
                wb["ข้อมูลหน่วยงาน"]["C20"] = site.base + "/"
                ws = wb["รายการ OIT"]
                for i, c in enumerate(CODES):
                    ws.cell(5 + i, 3).value = typed_cell(site, c, site.plan[c], i)
                wb.save(path)
            ita_xlsx.validate(made.written, framework=fw)  # warm: worker start-up, caches
            t0 = time.perf_counter()
            ita_xlsx.validate(made.written, framework=fw)
            plain = time.perf_counter() - t0
            t0 = time.perf_counter()
            report = ita_xlsx.validate(made.written, framework=fw, check_links=True,
                                       link_timeout=10)
            linked = time.perf_counter() - t0
        items = sum(len(f.oit) for f in report.files)
        print(f"{args.orgs} organisations x 26 items = {items} items; "
              f"{report.oit_links.get('checked', 0)} distinct pages read")
        print(f"validate: {plain:.1f} s; validate --check-links: {linked:.1f} s "
              f"(pages: {linked - plain:.1f} s)")
        print("pages:", report.oit_links)


if __name__ == "__main__":
    main()
