"""Benchmark `merge` on the whole country against the bare read of the same files, run
alternately in the same run (issue 19): returned workbooks of ~25 measures and 25 results each
(~200,000 measure rows for 8,000), at several sizes to show the scaling.

Each merge (read, check, select, and write the report) runs in a fresh child process, so its
peak memory is its own (the child's largest resident set, and the largest reader's); the
baseline is python-calamine reading every sheet of the same files in one process. Medians and
the spread (min-max) of the rounds, then the ratio of the medians.

Usage: python benchmarks/bench_merge.py [N ...] [--rounds R] [--dir DIR]
Goal: <= 2x the bare read at 8,000, peak <= 1 GiB; time linear and memory flat in N.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from make_returns import calamine_read  # noqa: E402

import ita_xlsx
from ita_xlsx import MISTAKES, Org, Prefill
from ita_xlsx.make.simulate import apply_mistakes, sample_content  # large returns, made to measure

FY = 2570
MEASURES_PER_FILE = 25


def _one(args: tuple[str, int]) -> None:
    out, i = args
    path = Path(out) / f"{1000000 + i}.xlsx"
    if path.exists():
        return
    bound = ita_xlsx.bind_template(fiscal_year=FY, round="6")
    rng = random.Random(i)
    c = sample_content(bound, rng, "6")
    base = list(c.measures)
    while len(c.measures) < MEASURES_PER_FILE:  # more measures, as a large return has
        m = dict(base[len(c.measures) % len(base)])
        m["measure_id"] = f"M{len(c.measures) + 1:02d}"
        c.measures.append(m)
    c.results = [{"measure_id": m["measure_id"], "round": "รอบ 6 เดือน",
                  "status": "ดำเนินการแล้วเสร็จ", "summary": "ดำเนินการแล้ว",
                  "evidence_url": f"https://www.example{i}.go.th/ita/{m['measure_id']}"}
                 for m in c.measures]
    if i % 10 == 0:
        apply_mistakes(c, MISTAKES)
    org = Org(code=str(1000000 + i), name=f"องค์การบริหารส่วนตำบลทดสอบ{i}", type="องค์การบริหารส่วนตำบล",
              district=f"อำเภอ{i % 40}", province="พะเยา")
    prefill = Prefill(org_fields=c.org_fields,
                      analysis={n + 1: {"score": s, "issue": c.issues.get(n + 1)}
                                for n, s in enumerate(c.scores)},
                      measures=c.measures, results=c.results)
    tmp = path.with_suffix(".part")
    tmp.write_bytes(ita_xlsx.render_workbook(org, bound=bound, prefill=prefill))
    tmp.replace(path)


def make(out: Path, n: int) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    with ProcessPoolExecutor() as pool:
        list(pool.map(_one, [(str(out), i) for i in range(n)], chunksize=50))
    return sorted(out.glob("*.xlsx"))[:n]


CHILD = """
import json, resource, sys, tempfile, time
from pathlib import Path
import ita_xlsx
files = [Path(p) for p in json.loads(sys.stdin.read())]
template = ita_xlsx.load_template()
out = Path(tempfile.mkdtemp(prefix="ita-merge-out-")) / "country.xlsx"
t = time.perf_counter()
result = ita_xlsx.consolidate(files, template=template)
read = time.perf_counter() - t
ita_xlsx.write_consolidated(result, out, template=template)
total = time.perf_counter() - t
print(json.dumps({"read": read, "total": total, "mb": out.stat().st_size / 1e6,
                  "orgs": len(result.entries),
                  "rows": sum(len(e.measures) for e in result.entries),
                  "main": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "reader": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}))
out.unlink()
"""


def merge_child(files: list[Path]) -> dict:
    """One merge in a fresh process: its timings, report size and peak memory (MiB)."""
    done = subprocess.run([sys.executable, "-c", CHILD], input=json.dumps([str(f) for f in files]),
                          capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"merge failed: {done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def spread(values: list[float], unit: str = "s") -> str:
    return f"{statistics.median(values):7.2f} {unit} ({min(values):.2f}-{max(values):.2f})"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("sizes", nargs="*", type=int, default=[1000, 8000, 16000])
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--dir", default=os.path.join(tempfile.gettempdir(), "ita-bench-merge"))
    args = ap.parse_args()
    t = time.perf_counter()
    every = make(Path(args.dir), max(args.sizes))
    print(f"returns ready: {len(every)} in {time.perf_counter() - t:.0f} s ({args.dir}); "
          f"cores: {os.cpu_count()}, rounds: {args.rounds}")
    calamine_read(every[:50])  # warm the imports
    for n in args.sizes:
        files = every[:n]
        base, total, read, main_mib, reader_mib = [], [], [], [], []
        facts: dict = {}
        for _ in range(args.rounds):  # alternately, so the machine's mood touches both alike
            base.append(calamine_read(files))
            facts = merge_child(files)
            total.append(facts["total"])
            read.append(facts["read"])
            main_mib.append(facts["main"])
            reader_mib.append(facts["reader"])
        ratio = statistics.median(total) / statistics.median(base)
        print(f"\n{n} files: {facts['orgs']} organisations, {facts['rows']} measure rows, "
              f"report {facts['mb']:.0f} MB")
        print(f"  baseline python-calamine read, 1 process : {spread(base)}")
        print(f"  merge, read + check + select (all cores)  : {spread(read)}")
        print(f"  merge, total incl. writing the report     : {spread(total)}   "
              f"{ratio:.2f}x (goal <= 2x)  {n / statistics.median(total):.0f} files/s")
        print(f"  peak memory: main process {max(main_mib):.0f} MiB, largest reader "
              f"{max(reader_mib):.0f} MiB (goal <= 1 GiB)")
    print(sys.version.split()[0])


if __name__ == "__main__":
    main()
