"""Benchmark `validate` on 1,000 typical returns (a tenth with errors), beside the time
python-calamine takes merely to read the same files, measured in the same run.

Usage: python benchmarks/bench_validate.py [N] [--dir DIR]
Targets (issue 3): >= 500 files/s on 2 cores, within 3x of the calamine read.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from make_returns import calamine_read, make_returns  # noqa: E402


def startup(cmd: list[str], runs: int = 7) -> float:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run(cmd, capture_output=True, check=True)
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("n", nargs="?", type=int, default=1000)
    ap.add_argument("--dir", default=os.path.join(tempfile.gettempdir(), "ita-bench-returns"))
    args = ap.parse_args()
    files = make_returns(Path(args.dir), args.n)[: args.n]

    import pandas  # noqa: F401 - imports are measured separately, below
    import pandera.pandas  # noqa: F401

    import ita_xlsx

    template = ita_xlsx.load_template()
    ita_xlsx.validate(files[:30], template=template)  # warm caches and the worker start-up
    base = min(calamine_read(files) for _ in range(3))
    runs = []
    for _ in range(3):
        t = time.perf_counter()
        report = ita_xlsx.validate(files, template=template)
        runs.append(time.perf_counter() - t)
    best = min(runs)
    stats = report.stats()
    from ita_xlsx import api

    whole = []
    for _ in range(3):  # + sorting what was sent (inbox) and choosing the file that counts
        t = time.perf_counter()
        api.validate(files, template=template)
        whole.append(time.perf_counter() - t)
    exe = [sys.executable, "-m", "ita_xlsx"]
    t = time.perf_counter()
    cli = subprocess.run([*exe, "validate", *map(str, files), "--format", "json"],
                         capture_output=True)
    cli_s = time.perf_counter() - t
    print(f"files: {len(files)} ({stats['invalid']} invalid, {stats['errors']} errors), "
          f"cores: {os.cpu_count()}")
    print(f"baseline  python-calamine read, 1 process : {base:6.3f} s  "
          f"{len(files) / base:7.0f} files/s")
    print(f"validate_files (library, all cores)       : {best:6.3f} s  "
          f"{len(files) / best:7.0f} files/s   ratio to baseline {best / base:.2f}x  "
          f"(runs: {', '.join(f'{r:.3f}' for r in runs)})")
    print(f"api.validate (+ inbox, file that counts)  : {min(whole):6.3f} s  "
          f"{len(files) / min(whole):7.0f} files/s   ratio to baseline {min(whole) / base:.2f}x")
    print(f"ita-xlsx validate DIR --format json (CLI)  : {cli_s:6.3f} s  "
          f"{len(files) / cli_s:7.0f} files/s (exit {cli.returncode}, incl. start-up and imports)")
    print(f"start-up: ita-xlsx --help {startup([*exe, '--help']) * 1000:.0f} ms, "
          f"bare python {startup([sys.executable, '-c', 'pass']) * 1000:.0f} ms")


if __name__ == "__main__":
    main()
