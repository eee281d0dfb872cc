"""Benchmark `ita-xlsx new --orgs` for the whole country (~8,000 organisations), beside
XlsxWriter rendering each workbook in full (the naive way), measured in the same run.

Usage: python benchmarks/bench_new.py [N]
Target (issue 2): under 20 s for 8,000 on 2 cores.
"""

from __future__ import annotations

import csv
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import ita_xlsx
from ita_xlsx import Org


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 8000
    work = Path(tempfile.mkdtemp(prefix="ita-bench-new-"))
    try:
        orgs = work / "orgs.csv"
        with orgs.open("w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh)
            w.writerow(["code", "name", "type", "district", "province", "email"])
            for i in range(n):
                kind = ("อบต.", "เทศบาลตำบล", "เทศบาลเมือง")[i % 3]
                w.writerow([f"{1000000 + i}", f"{kind}ทดสอบที่ {i} & <พะเยา>", kind,
                            f"อำเภอ{i % 878}", f"จังหวัด{i % 76}", f"org{i}@example.go.th"])
        # Baseline: a full XlsxWriter rendering per organisation, timed on a sample.
        bound = ita_xlsx.bind_template(fiscal_year=2570, round="plan")
        sample = 200
        t = time.perf_counter()
        for i in range(sample):
            ita_xlsx.render_workbook(Org(code=str(i), name=f"หน่วยงาน {i}"), bound=bound)
        per = (time.perf_counter() - t) / sample
        t = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "ita_xlsx", "new", "--orgs", str(orgs),
                               "--out", str(work / "out"), "--year", "2570"],
                              capture_output=True, text=True)
        elapsed = time.perf_counter() - t
        files = list((work / "out").glob("*.xlsx"))
        size = sum(f.stat().st_size for f in files)
        print(f"organisations: {n}, workbooks written: {len(files)} ({size / 1e6:.0f} MB), "
              f"exit {done.returncode}")
        print(f"ita-xlsx new --orgs (render once per shape, stamp identity): {elapsed:6.2f} s  "
              f"{len(files) / elapsed:6.0f} workbooks/s")
        print(f"baseline: full XlsxWriter rendering {per * 1000:.1f} ms each -> "
              f"{per * n:6.2f} s for {n} (estimated from {sample})")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
