"""Run the benchmarks: `make bench` (all) or `make bench BENCH=people` (one by name).

Each benchmark lives in `benchmarks/<name>/` with a `run.py` or `bench_*.py` exposing `main()`
(or runnable as a script), generates its own data with a fixed seed on PostgreSQL
(`DATABASE_URL`), measures the platform against a floor in the same run, prints one table and
updates its section of `benchmarks/RESULTS.md`.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def scripts(names: list[str]) -> list[Path]:
    found = []
    folders = [p for p in HERE.iterdir() if p.is_dir() and not p.name.startswith(("_", "."))]
    for folder in sorted(folders):
        if names and folder.name not in names:
            continue
        candidates = [folder / "run.py", *sorted(folder.glob("bench_*.py"))]
        found.extend(c for c in candidates if c.exists())
    return found


def main() -> int:
    names = [a for a in sys.argv[1:] if not a.startswith("-")]
    extra = [a for a in sys.argv[1:] if a.startswith("-")]
    failures = 0
    for script in scripts(names):
        print(f"== {script.relative_to(HERE.parent)}", flush=True)
        result = subprocess.run([sys.executable, str(script), *extra], cwd=HERE.parent, check=False)
        failures += result.returncode != 0
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
