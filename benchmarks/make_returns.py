"""Make N simulated returned workbooks (a tenth with the seeds' mistakes) for the benchmarks.

Usage: python benchmarks/make_returns.py OUT_DIR [N] [ROUND]
"""

from __future__ import annotations

import sys
import time
from datetime import datetime
from pathlib import Path

from ita_xlsx.render import Org, RenderOptions, render_workbook
from ita_xlsx.simulate import MISTAKES, make_return
from ita_xlsx.template import bind, load_template


def make_returns(out: Path, n: int, round_key: str = "6", fy: int = 2570) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    bound = bind(load_template(), fy, round_key)
    opts = RenderOptions(fy, round=round_key, generated_at=datetime(2026, 11, 1))
    paths = []
    for i in range(n):
        path = out / f"{1000000 + i}_return.xlsx"
        paths.append(path)
        if path.exists():
            continue
        blank = out / ".blank.xlsx"
        org = Org(code=str(1000000 + i), name=f"องค์การบริหารส่วนตำบลทดสอบ{i}", type="องค์การบริหารส่วนตำบล",
                  district="เมือง", province="พะเยา")
        blank.write_bytes(render_workbook(bound, org, opts))
        mistakes = MISTAKES if i % 10 == 0 else ()
        make_return(blank, path, bound, i, round_key, mistakes)
        blank.unlink()
    return paths


def calamine_read(files: list[Path]) -> float:
    """The baseline of every benchmark: open each file and read every sheet to Python values
    with python-calamine, and nothing else. Returns seconds."""
    from python_calamine import CalamineWorkbook

    t = time.perf_counter()
    for f in files:
        wb = CalamineWorkbook.from_path(str(f))
        for name in wb.sheet_names:
            wb.get_sheet_by_name(name).to_python(skip_empty_area=False)
        wb.close()
    return time.perf_counter() - t


if __name__ == "__main__":
    target = Path(sys.argv[1])
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 1000
    rnd = sys.argv[3] if len(sys.argv) > 3 else "6"
    t = time.perf_counter()
    make_returns(target, count, rnd)
    print(f"made {count} returns in {target} in {time.perf_counter() - t:.1f} s")
