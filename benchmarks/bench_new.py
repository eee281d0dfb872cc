"""Benchmark `ita-xlsx new --orgs` for the whole country (~8,000 organisations) against its
floor, run alternately in the same run (issue 19): one Python process writing N copies of one
workbook atomically, as any safe writer must (write, fsync, rename).

The subject is the whole command (start-up, reading the list, rendering, stamping, writing),
its peak memory read from the child's rusage. Run at two sizes to show memory flat.

Usage: python benchmarks/bench_new.py [N ...] [--rounds R]
Goal: <= 2x the floor, with memory flat.
"""

from __future__ import annotations

import argparse
import csv
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def write_orgs(path: Path, n: int) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["code", "name", "type", "district", "province", "email"])
        for i in range(n):
            kind = ("อบต.", "เทศบาลตำบล", "เทศบาลเมือง")[i % 3]
            w.writerow([f"{1000000 + i}", f"{kind}ทดสอบที่ {i} & <พะเยา>", kind,
                        f"อำเภอ{i % 878}", f"จังหวัด{i % 76}", f"org{i}@example.go.th"])


def floor(sample: bytes, out: Path, n: int) -> float:
    """N atomic copies of one workbook: temporary file, fsync, rename."""
    out.mkdir()
    t = time.perf_counter()
    for i in range(n):
        final = out / f"{1000000 + i}_workbook.xlsx"
        tmp = final.with_suffix(".part")
        with open(tmp, "wb") as fh:
            fh.write(sample)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, final)
    return time.perf_counter() - t


def subject(orgs: Path, out: Path) -> tuple[float, int]:
    """Wall seconds of `ita-xlsx new --orgs`, and the files it wrote."""
    t = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "ita_xlsx", "new", "--orgs", str(orgs),
                           "--out", str(out), "--year", "2570"], capture_output=True, text=True)
    elapsed = time.perf_counter() - t
    if done.returncode != 0:
        sys.exit(f"new failed: {done.stderr[-2000:]}")
    return elapsed, len(list(out.glob("*.xlsx")))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("n", nargs="*", type=int, default=[8000])
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    env_note = "bytecode written" if not os.environ.get("PYTHONDONTWRITEBYTECODE") else "no bytecode"
    work = Path(tempfile.mkdtemp(prefix="ita-bench-new-"))
    try:
        print(f"cores: {os.cpu_count()}, rounds: {args.rounds}, {env_note}")
        for n in args.n:
            orgs = work / f"orgs{n}.csv"
            write_orgs(orgs, n)
            subject(orgs, work / "warm")  # bytecode, page cache
            sample = next((work / "warm").glob("*.xlsx")).read_bytes()
            shutil.rmtree(work / "warm")
            base, ours = [], []
            written = 0
            for r in range(args.rounds):
                base.append(floor(sample, work / f"floor{r}", n))
                shutil.rmtree(work / f"floor{r}")
                wall, written = subject(orgs, work / f"out{r}")
                ours.append(wall)
                shutil.rmtree(work / f"out{r}")
            peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
            b, o = statistics.median(base), statistics.median(ours)
            print(f"N={n}: ita-xlsx new --orgs {o:6.2f} s ({min(ours):.2f}-{max(ours):.2f}), "
                  f"{written} workbooks, peak {peak:.0f} MiB (largest child so far)")
            print(f"       floor: atomic copies of one {len(sample) // 1024} KiB workbook "
                  f"{b:6.2f} s ({min(base):.2f}-{max(base):.2f})   ratio {o / b:.2f}x "
                  f"(goal <= 2x)")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
