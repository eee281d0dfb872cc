"""Benchmark `merge` on the whole country: 8,000 returned workbooks (~25 measures and 25
results each, ~200,000 measure rows), beside the time python-calamine takes merely to read
the same files, measured in the same run. Prints files/s and peak memory.

Usage: python benchmarks/bench_merge.py [N] [--dir DIR]
Target (issue 4): under 60 s and under 2 GiB peak on 2 cores.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
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


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("n", nargs="?", type=int, default=8000)
    ap.add_argument("--dir", default=os.path.join(tempfile.gettempdir(), "ita-bench-merge"))
    args = ap.parse_args()
    t = time.perf_counter()
    files = make(Path(args.dir), args.n)
    print(f"returns ready: {len(files)} in {time.perf_counter() - t:.0f} s ({args.dir})")
    base = calamine_read(files)

    template = ita_xlsx.load_template()
    out = Path(tempfile.mkdtemp(prefix="ita-merge-out-")) / "country.xlsx"
    t = time.perf_counter()
    result = ita_xlsx.consolidate(files, template=template)
    t_read = time.perf_counter() - t
    ita_xlsx.write_consolidated(result, out, template=template)
    total = time.perf_counter() - t
    rows = sum(len(e.measures) for e in result.entries)
    parent = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"files: {len(files)}, organisations: {len(result.entries)}, measure rows: {rows}, "
          f"cores: {os.cpu_count()}")
    print(f"baseline  python-calamine read, 1 process : {base:6.1f} s "
          f"{len(files) / base:6.0f} files/s")
    print(f"merge: read + validate (all cores)         : {t_read:6.1f} s")
    print(f"merge: total incl. writing the report      : {total:6.1f} s "
          f"{len(files) / total:6.0f} files/s  ratio to baseline {total / base:.1f}x  "
          f"({out.stat().st_size / 1e6:.0f} MB)")
    print(f"peak memory: main process {parent:.0f} MiB, largest reader process {workers:.0f} MiB"
          f" (includes the benchmark's own file generation workers)")
    print(sys.version.split()[0])


if __name__ == "__main__":
    main()
