"""Benchmark `validate` against its baselines, run alternately in the same run (issue 19).

- validate N returns (a tenth with errors): marginal wall time (N files minus 10 files, so
  the fixed start of the worker processes is left out) and CPU of every process, beside
  python-calamine merely reading every sheet of the same files in one process;
- `ita-xlsx validate one.xlsx` and `ita-xlsx --help`, beside `python -c pass`.

Medians and the spread (min-max) of the rounds are printed, then the ratios of the medians.
Bytecode is written and warmed first (``PYTHONDONTWRITEBYTECODE`` unset), as an installed
package has it.

Usage: python benchmarks/bench_validate.py [N] [--rounds R] [--dir DIR]
Goals: marginal wall <= 1.5x the read, CPU <= 4x; one file <= 0.5 s beyond python -c pass;
--help <= 1.5x python -c pass.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from make_returns import calamine_read, make_returns  # noqa: E402


def cpu() -> float:
    """CPU seconds of this process and of every child it has waited for."""
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(
        resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def timed(fn: Callable[[], object]) -> tuple[float, float]:
    """(wall, CPU of all processes) of one call."""
    w, c = time.perf_counter(), cpu()
    fn()
    return time.perf_counter() - w, cpu() - c


def spread(values: list[float], unit: str = "s", scale: float = 1.0) -> str:
    return (f"{statistics.median(values) * scale:7.3f} {unit} "
            f"({min(values) * scale:.3f}-{max(values) * scale:.3f})")


def run(cmd: list[str], env: dict) -> float:
    t = time.perf_counter()
    subprocess.run(cmd, capture_output=True, env=env, check=False)
    return time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("n", nargs="?", type=int, default=1000)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--dir", default=os.path.join(tempfile.gettempdir(), "ita-bench-returns"))
    args = ap.parse_args()
    files = make_returns(Path(args.dir), args.n)[: args.n]

    import ita_xlsx

    template = ita_xlsx.load_template()
    ita_xlsx.validate(files[:30], template=template)  # warm the page cache and the imports

    def validate(some):
        return lambda: ita_xlsx.validate(some, template=template)

    base_w, base_c, wall, work, small = [], [], [], [], []
    for _ in range(args.rounds):  # alternately, so the machine's mood touches both alike
        w, c = timed(lambda: calamine_read(files))
        base_w.append(w)
        base_c.append(c)
        w10, _ = timed(validate(files[:10]))
        w, c = timed(validate(files))
        small.append(w10)
        wall.append(w - w10)
        work.append(c)
    print(f"files: {len(files)}, cores: {os.cpu_count()}, rounds: {args.rounds}")
    print(f"baseline python-calamine read, 1 process : wall {spread(base_w)}  "
          f"CPU {spread(base_c)}")
    print(f"validate (library), marginal over 10     : wall {spread(wall)}  "
          f"CPU {spread(work)}   (10 files: {spread(small)})")
    print(f"ratio of medians: wall {statistics.median(wall) / statistics.median(base_w):.2f}x "
          f"(goal <= 1.5x), CPU {statistics.median(work) / statistics.median(base_c):.2f}x "
          f"(goal <= 4x)")

    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    exe = [sys.executable, "-m", "ita_xlsx"]
    one = [*exe, "validate", str(files[1])]
    for cmd in (one, [*exe, "--help"]):
        run(cmd, env)  # bytecode written
    bare, helps, ones = [], [], []
    for _ in range(max(7, args.rounds)):
        bare.append(run([sys.executable, "-c", "pass"], env))
        helps.append(run([*exe, "--help"], env))
        ones.append(run(one, env))
    b = statistics.median(bare)
    print(f"python -c pass                           : {spread(bare, 'ms', 1000)}")
    print(f"ita-xlsx --help                          : {spread(helps, 'ms', 1000)}   "
          f"{statistics.median(helps) / b:.2f}x (goal <= 1.5x)")
    print(f"ita-xlsx validate one.xlsx               : {spread(ones, 'ms', 1000)}   "
          f"{(statistics.median(ones) - b) * 1000:.0f} ms beyond (goal <= 500 ms)")


if __name__ == "__main__":
    main()
