"""Make N simulated returned workbooks (a tenth with the seeds' mistakes) for the benchmarks.

Usage: python benchmarks/make_returns.py OUT_DIR [N] [ROUND]
"""

from __future__ import annotations

import sys
import time
from datetime import datetime
from pathlib import Path

import ita_xlsx
from ita_xlsx import MISTAKES, Org


def make_returns(out: Path, n: int, round_key: str = "6", fy: int = 2570) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    bound = ita_xlsx.bind_template(fiscal_year=fy, round=round_key)
    paths = []
    for i in range(n):
        path = out / f"{1000000 + i}_return.xlsx"
        paths.append(path)
        if path.exists():
            continue
        blank = out / ".blank.xlsx"
        org = Org(code=str(1000000 + i), name=f"องค์การบริหารส่วนตำบลทดสอบ{i}", type="องค์การบริหารส่วนตำบล",
                  district="เมือง", province="พะเยา")
        blank.write_bytes(ita_xlsx.render_workbook(org, bound=bound,
                                                   generated_at=datetime(2026, 11, 1)))
        mistakes = MISTAKES if i % 10 == 0 else ()
        ita_xlsx.simulate_return(blank, path, seed=i, round=round_key, mistakes=mistakes,
                                 bound=bound)
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
