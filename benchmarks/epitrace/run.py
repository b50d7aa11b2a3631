"""Co-location tracing benchmark (epitrace): the engine against its floors, then the store.

    python benchmarks/epitrace/run.py                      # full scale (make bench BENCH=epitrace)
    python benchmarks/epitrace/run.py --scale=smoke        # a small run, about a minute
    python benchmarks/epitrace/run.py --parts=day,spark    # only some parts
    python benchmarks/epitrace/run.py --runs=5 --no-results
    python benchmarks/epitrace/run.py --prepare             # only generate data and the store

Parts:

* ``day``: one day of pings (full: 100 M pings, 1 M persons, 1,000 index persons, 10-minute
  slots, >= 2 shared slots; the cell-hours clause is off because no one can spend 30 hours in a
  cell within one day). The engine (``find_companions`` on the raw Parquet file, output written
  to Parquet) against the floor (a hand-written DuckDB query of the same rule over the same
  file, ``COPY``'d to Parquet) and the Parquet scan floor (DuckDB reading the three columns).
  Both run with the same DuckDB limits (2 threads, 1 GB), each in a fresh process, interleaved,
  ``--runs`` times; medians are reported and the two outputs are checked to be identical.
* ``spark``: the same day with the Spark backend on ``local[2]``, once, for the record.
* ``store``: ``--store-days`` days (full: 14) ingested into a ping store; the default rule
  (30-hour clause on) for growing index sets and windows, against the same query on the raw
  files without a store.

Data are generated once (seeded) under ``benchmarks/data/epitrace/<scale>/`` and reused. Each
measurement runs in a fresh process so that its peak RSS (``VmHWM``) is its own; for Spark
the JVM is included by sampling the process tree. Results go to the ``## epitrace`` section of
``benchmarks/RESULTS.md`` unless ``--no-results``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # run as a script by `make bench`
    sys.path.insert(0, str(ROOT))

import duckdb  # noqa: E402
import pyarrow as pa  # noqa: E402
import pyarrow.parquet as pq  # noqa: E402

from epitrace import CompanionParams, ParquetPings, Store, Window, find_companions  # noqa: E402
from epitrace.generate import (  # noqa: E402
    CityConfig,
    generate_city,
    pick_index_persons,
    write_index_csv,
)
from epitrace.metrics import measure  # noqa: E402

THREADS = 2
MEMORY_LIMIT = "1GB"
INGEST_MEMORY = "4GB"  # ingest is offline: it may use more memory than a query
SLOT_MINUTES = 10
MIN_SLOTS = 2
SEED = 7
START = date(2021, 11, 1)  # a Monday
DATA = ROOT / "benchmarks" / "data" / "epitrace"
SECTION = "## epitrace"


@dataclass(frozen=True)
class Scale:
    """Sizes of one benchmark scale."""

    name: str
    persons: int
    pings_per_day: int
    index: int
    store_days: int
    index_sizes: tuple[int, ...]
    windows: tuple[int, ...]
    runs: int


SCALES = {
    "smoke": Scale("smoke", 10_000, 1_000_000, 100, 3, (1, 10, 100), (1, 3), 3),
    "medium": Scale("medium", 100_000, 10_000_000, 1_000, 14, (10, 100, 1_000), (1, 7, 14), 3),
    "full": Scale("full", 1_000_000, 100_000_000, 1_000, 14, (10, 100, 1_000), (1, 7, 14), 5),
}

# The floor: the same rule written by hand as one DuckDB statement over the raw file. `occ` is
# NOT MATERIALIZED so that DuckDB scans the file twice (index rows, then the probe) instead of
# caching 100 M rows; the IN on cells lets the probe scan skip rows outside the index cells.
FLOOR_SQL = """
COPY (
  WITH occ AS NOT MATERIALIZED (
    SELECT person_id, cell_id, epoch_us(ts) // {slot_us} AS slot
    FROM read_parquet('{pings}')
    WHERE ts >= TIMESTAMP '{start}' AND ts < TIMESTAMP '{end}'
  ),
  idx_occ AS (
    SELECT DISTINCT person_id AS index_id, cell_id, slot FROM occ
    WHERE person_id IN (SELECT person_id FROM read_csv('{index}'))
  ),
  idx_cells AS (SELECT DISTINCT cell_id FROM idx_occ),
  hits AS (
    SELECT DISTINCT i.index_id, o.person_id AS companion_id, o.cell_id, o.slot
    FROM occ o JOIN idx_occ i ON o.cell_id = i.cell_id AND o.slot = i.slot
    WHERE o.person_id <> i.index_id AND o.cell_id IN (SELECT cell_id FROM idx_cells)
  )
  SELECT index_id AS index_person_id, companion_id, count(*) AS shared_slots,
         make_timestamp(min(slot) * {slot_us}) AS first_slot,
         make_timestamp(max(slot) * {slot_us}) AS last_slot,
         list(DISTINCT cell_id ORDER BY cell_id) AS cells
  FROM hits GROUP BY index_id, companion_id HAVING count(*) >= {min_slots}
  ORDER BY index_person_id, companion_id
) TO '{out}' (FORMAT parquet)
"""

SCAN_SQL = (
    "SELECT count(*), sum(person_id), sum(cell_id), sum(epoch_us(ts)) FROM read_parquet('{pings}')"
)


# ---------------------------------------------------------------------------------------------
# Workers: one measurement each, in a fresh process, printing one JSON line.


def _duckdb() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(config={"threads": THREADS, "memory_limit": MEMORY_LIMIT})
    con.execute("SET enable_progress_bar = false")
    return con


def worker(task: dict[str, Any]) -> dict[str, Any]:
    """Run one measured operation (see ``measure_in_process``)."""
    op = task["op"]
    rows = 0
    with measure(sample_children=op == "spark") as cost:
        if op == "scan":
            con = _duckdb()
            rows = con.sql(SCAN_SQL.format(pings=task["pings"])).fetchall()[0][0]
            con.close()
        elif op == "floor":
            con = _duckdb()
            con.execute(
                FLOOR_SQL.format(
                    pings=task["pings"],
                    index=task["index"],
                    out=task["out"],
                    start=f"{task['start']} 00:00:00",
                    end=f"{date.fromisoformat(task['end']) + timedelta(days=1)} 00:00:00",
                    slot_us=SLOT_MINUTES * 60_000_000,
                    min_slots=MIN_SLOTS,
                )
            )
            con.close()
            rows = pq.ParquetFile(task["out"]).metadata.num_rows
        elif op == "ingest":
            scratch = Path(task["store"])
            shutil.rmtree(scratch, ignore_errors=True)
            done = Store.create(scratch, slot_minutes=SLOT_MINUTES).ingest(
                ParquetPings.open(task["pings"]), threads=THREADS, memory_limit=INGEST_MEMORY
            )
            rows = done[0].occupancy_rows
            shutil.rmtree(scratch, ignore_errors=True)
        elif op in {"engine", "spark"}:
            from epitrace.backends import get_backend
            from epitrace.sources import read_index

            backend = get_backend(
                "spark" if op == "spark" else "duckdb",
                threads=THREADS,
                memory_limit=MEMORY_LIMIT,
            )
            params = CompanionParams(
                window=Window(date.fromisoformat(task["start"]), date.fromisoformat(task["end"])),
                slot_minutes=SLOT_MINUTES,
                min_slots=MIN_SLOTS,
                min_cell_hours=task["min_cell_hours"],
            )
            source = Store.open(task["store"]) if "store" in task else task["pings"]
            result = find_companions(source, read_index(task["index"]), params, backend=backend)
            pq.write_table(result.table, task["out"])
            backend.close()
            rows = result.table.num_rows
        else:
            raise ValueError(f"unknown op {op!r}")
    return {
        "seconds": cost.seconds,
        "peak_rss": cost.peak_rss_bytes,
        "peak_tree": cost.peak_tree_rss_bytes,
        "rows": rows,
    }


def _failure(exc: Exception) -> str:
    """The last line of a worker's error (e.g. DuckDB's out-of-memory message), shortened."""
    lines = [line for line in str(exc).splitlines() if "Error" in line]
    return (lines[-1] if lines else str(exc).splitlines()[0])[:160]


def measure_in_process(task: dict[str, Any]) -> dict[str, Any]:
    """Run ``task`` in a fresh Python process; return its JSON report."""
    done = subprocess.run(
        [sys.executable, __file__, f"--worker={json.dumps(task)}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"{task['op']} failed:\n{done.stderr[-4000:]}")
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


# ---------------------------------------------------------------------------------------------
# Data


def city(scale: Scale) -> CityConfig:
    return CityConfig(
        persons=scale.persons, pings_per_day=scale.pings_per_day, days=1, start=START, seed=SEED
    )


def ensure_days(scale: Scale, days: int) -> Path:
    """Raw pings for the first ``days`` days (generated once, day by day) and the index CSVs."""
    folder = DATA / scale.name / "raw"
    marker = DATA / scale.name / "city.json"
    config = city(scale)
    wanted = {"persons": config.persons, "pings_per_day": config.pings_per_day, "seed": SEED}
    if marker.exists() and json.loads(marker.read_text(encoding="utf-8")) != wanted:
        shutil.rmtree(DATA / scale.name)
    folder.mkdir(parents=True, exist_ok=True)
    marker.write_text(json.dumps(wanted), encoding="utf-8")
    for offset in range(days):
        day = START + timedelta(days=offset)
        if not (folder / f"day={day}" / "pings.parquet").exists():
            started = time.perf_counter()
            # A day's pings depend on the seed and the day only, so days can be made one by one.
            one = CityConfig(
                persons=config.persons, pings_per_day=config.pings_per_day, start=day, seed=SEED
            )
            generate_city(one, folder, threads=THREADS)
            print(f"  generated {day}: {time.perf_counter() - started:.1f} s", flush=True)
    for size in {scale.index, *scale.index_sizes}:
        path = index_csv(scale, size)
        if not path.exists():
            write_index_csv(pick_index_persons(config, size), path)
    return folder


def index_csv(scale: Scale, size: int) -> Path:
    return DATA / scale.name / f"index_{size}.csv"


def day_file(scale: Scale, offset: int = 0) -> Path:
    return DATA / scale.name / "raw" / f"day={START + timedelta(days=offset)}" / "pings.parquet"


def ensure_store(scale: Scale) -> tuple[Path, list[dict[str, Any]]]:
    """The ping store over ``store_days`` days; returns its path and per-day ingest reports."""
    raw = ensure_days(scale, scale.store_days)
    root = DATA / scale.name / "store"
    store = Store.create(root, slot_minutes=SLOT_MINUTES)
    reports = []
    held = set(store.days())
    for offset in range(scale.store_days):
        day = START + timedelta(days=offset)
        if day in held:
            continue
        with measure(sample_children=False) as cost:
            done = store.ingest(
                ParquetPings.open(raw / f"day={day}"),
                threads=THREADS,
                memory_limit=INGEST_MEMORY,
            )
        reports.append(
            {
                "day": str(day),
                "pings": done[0].pings,
                "occupancy_rows": done[0].occupancy_rows,
                "seconds": cost.seconds,
            }
        )
        print(f"  ingested {day}: {cost.seconds:.1f} s", flush=True)
    return root, reports


# ---------------------------------------------------------------------------------------------
# Parts


def _median(values: Sequence[float]) -> float:
    return statistics.median(values)


def _gib(n_bytes: float) -> str:
    return f"{n_bytes / 2**30:.2f}"


def _same_rows(engine_out: Path, floor_out: Path) -> bool:
    engine = pq.read_table(engine_out).drop_columns(["hop"])
    floor = pq.read_table(floor_out)
    floor = floor.cast(engine.schema)
    return bool(engine.equals(floor))


def part_day(scale: Scale, runs: int) -> dict[str, Any]:
    ensure_days(scale, 1)
    pings, index = day_file(scale), index_csv(scale, scale.index)
    out = DATA / scale.name / "out"
    out.mkdir(exist_ok=True)
    common = {"pings": str(pings), "index": str(index), "start": str(START), "end": str(START)}
    tasks = {
        "scan": {"op": "scan", "pings": str(pings)},
        "floor": {**common, "op": "floor", "out": str(out / "floor.parquet")},
        "engine": {
            **common,
            "op": "engine",
            "out": str(out / "engine.parquet"),
            "min_cell_hours": None,
        },
    }
    measure_in_process(tasks["scan"])  # warm the page cache once, unmeasured
    samples: dict[str, list[dict[str, Any]]] = {name: [] for name in tasks}
    for run in range(runs):
        # Alternate the order so that neither side always runs right after the other.
        order = ["scan", "floor", "engine"] if run % 2 == 0 else ["scan", "engine", "floor"]
        for name in order:
            samples[name].append(measure_in_process(tasks[name]))
        print(
            f"  run {run + 1}/{runs}: "
            + ", ".join(f"{n} {samples[n][-1]['seconds']:.2f} s" for n in tasks),
            flush=True,
        )
    result: dict[str, Any] = {"runs": runs, "load_after": os.getloadavg()}
    for name, values in samples.items():
        result[name] = {
            "median_s": _median([v["seconds"] for v in values]),
            "all_s": [round(v["seconds"], 2) for v in values],
            "peak_rss": max(v["peak_rss"] for v in values),
            "rows": values[-1]["rows"],
        }
    result["ratio"] = result["engine"]["median_s"] / result["floor"]["median_s"]
    result["identical"] = _same_rows(out / "engine.parquet", out / "floor.parquet")
    return result


def part_spark(scale: Scale) -> dict[str, Any]:
    ensure_days(scale, 1)
    out = DATA / scale.name / "out"
    out.mkdir(exist_ok=True)
    task = {
        "op": "spark",
        "pings": str(day_file(scale)),
        "index": str(index_csv(scale, scale.index)),
        "start": str(START),
        "end": str(START),
        "min_cell_hours": None,
        "out": str(out / "spark.parquet"),
    }
    report = measure_in_process(task)
    engine_out = out / "engine.parquet"
    if engine_out.exists():
        report["identical"] = bool(
            pq.read_table(engine_out).equals(pq.read_table(out / "spark.parquet"))
        )
    return report


def row_groups_read(store: Path, index: Path, first: date, end: date) -> tuple[int, int]:
    """(row groups of occupancy read, row groups of occupancy in the window) for one query.

    Reproduces the engine's registration and plan and reads DuckDB's profile: not timed.
    """
    from epitrace.backends.duckdb import DuckDBBackend, register_occupancy
    from epitrace.plan import DUCKDB, companion_pairs_sql
    from epitrace.sources import read_index

    params = CompanionParams(window=Window(first, end))
    source = Store.open(store).slice(params.window, SLOT_MINUTES)
    total = sum(pq.ParquetFile(f).metadata.num_row_groups for f in source.occupancy_files)
    backend = DuckDBBackend(threads=THREADS, memory_limit=MEMORY_LIMIT)
    with backend.connect() as con:
        con.register("idx_in", pa.table({"person_id": read_index(index)}))
        con.execute("CREATE TEMP VIEW idx AS SELECT person_id FROM idx_in")
        shape = register_occupancy(con, source, params)
        profile = con.sql("EXPLAIN ANALYZE " + companion_pairs_sql(params, shape, DUCKDB))
        text = profile.fetchall()[0][1]
    backend.close()
    scanned = [
        int(a) for a, b in re.findall(r"Row Groups Scanned: (\d+) / (\d+)", text) if int(b) == total
    ]
    return max(scanned, default=0), total


def part_store(scale: Scale, runs: int) -> dict[str, Any]:
    root, ingest = ensure_store(scale)
    raw = DATA / scale.name / "raw"
    out = DATA / scale.name / "out"
    out.mkdir(exist_ok=True)
    end_of = {w: START + timedelta(days=scale.store_days - 1) for w in scale.windows}
    rows: list[dict[str, Any]] = []
    for size in scale.index_sizes:
        for window in scale.windows:
            end = end_of[window]
            task = {
                "op": "engine",
                "store": str(root),
                "index": str(index_csv(scale, size)),
                "start": str(end - timedelta(days=window - 1)),
                "end": str(end),
                "min_cell_hours": 30.0,
                "out": str(out / "store.parquet"),
            }
            samples = [measure_in_process(task) for _ in range(runs)]
            read, total = row_groups_read(
                root, index_csv(scale, size), end - timedelta(days=window - 1), end
            )
            rows.append(
                {
                    "index": size,
                    "window": window,
                    "median_s": _median([s["seconds"] for s in samples]),
                    "peak_rss": max(s["peak_rss"] for s in samples),
                    "rows": samples[-1]["rows"],
                    "row_groups": [read, total],
                }
            )
            print(f"  store |I|={size} window={window} d: {rows[-1]['median_s']:.2f} s", flush=True)
    # The same queries without a store: raw files, which must be read whole for every window.
    raw_rows: list[dict[str, Any]] = []
    for size in (scale.index_sizes[0], scale.index_sizes[-1]):
        for window in (scale.windows[0], scale.windows[-1]):
            end = end_of[window]
            first = end - timedelta(days=window - 1)
            days = [raw / f"day={first + timedelta(days=k)}" for k in range(window)]
            task = {
                "op": "engine",
                "pings": [str(d) for d in days],
                "index": str(index_csv(scale, size)),
                "start": str(first),
                "end": str(end),
                "min_cell_hours": 30.0,
                "out": str(out / "raw.parquet"),
            }
            try:
                sample = measure_in_process(task)
            except RuntimeError as exc:  # e.g. out of memory: a finding, not a crash
                raw_rows.append({"index": size, "window": window, "error": _failure(exc)})
                print(f"  raw |I|={size} window={window} d: FAILED", flush=True)
                continue
            identical = None
            if window == scale.windows[-1]:
                store_task = {**task, "store": str(root), "out": str(out / "store_check.parquet")}
                del store_task["pings"]
                measure_in_process(store_task)
                identical = bool(
                    pq.read_table(out / "raw.parquet").equals(
                        pq.read_table(out / "store_check.parquet")
                    )
                )
            raw_rows.append(
                {
                    "index": size,
                    "window": window,
                    "seconds": sample["seconds"],
                    "peak_rss": sample["peak_rss"],
                    "rows": sample["rows"],
                    "identical": identical,
                }
            )
            print(f"  raw |I|={size} window={window} d: {sample['seconds']:.2f} s", flush=True)
    # Ingest of one day, measured like the queries (fresh process, into a scratch store).
    ingest_one = measure_in_process(
        {"op": "ingest", "pings": str(raw / f"day={START}"), "store": str(out / "scratch_store")}
    )
    store_bytes = sum(f.stat().st_size for f in root.rglob("*.parquet"))
    raw_bytes = sum(
        (raw / f"day={START + timedelta(days=k)}" / "pings.parquet").stat().st_size
        for k in range(scale.store_days)
    )
    return {
        "runs": runs,
        "ingest": ingest,
        "ingest_one": ingest_one,
        "store": rows,
        "raw": raw_rows,
        "store_gib": store_bytes / 2**30,
        "raw_gib": raw_bytes / 2**30,
    }


# ---------------------------------------------------------------------------------------------
# Report


def environment() -> dict[str, str]:
    cpu = "unknown"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    java = subprocess.run(["java", "-version"], capture_output=True, text=True, check=False)
    versions = {
        "python": platform.python_version(),
        "duckdb": duckdb.__version__,
        "pyarrow": pa.__version__,
        "java": (java.stderr.splitlines() or ["none"])[0],
    }
    try:
        import pyspark

        versions["pyspark"] = pyspark.__version__
    except ImportError:
        versions["pyspark"] = "not installed"
    return {
        "date": datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
        "machine": f"{os.cpu_count()} cores ({cpu}), {memory:.0f} GiB RAM, {platform.system()}",
        "versions": ", ".join(f"{k} {v}" for k, v in versions.items()),
    }


def render(scale: Scale, env: dict[str, str], results: dict[str, Any]) -> str:
    lines = [
        SECTION,
        "",
        f"Co-location tracing (时空伴随), `python benchmarks/epitrace/run.py --scale={scale.name}`."
        f" {env['date']}; {env['machine']}; {env['versions']}. DuckDB limited to {THREADS} "
        f"threads and {MEMORY_LIMIT} for engine and floors alike; each measurement in a fresh "
        "process (peak RSS = its `VmHWM`); the machine is shared, so times are noisy and the "
        "ratio, measured in the same run, is what counts.",
        "",
    ]
    day = results.get("day")
    if day:
        pings = scale.pings_per_day
        lines += [
            f"### One day: {pings:,} pings, {scale.persons:,} persons, {scale.index:,} index "
            f"persons, {SLOT_MINUTES}-minute slots, >= {MIN_SLOTS} shared slots (30-hour "
            "clause off: it cannot hold within one day)",
            "",
            f"Median of {day['runs']} interleaved runs, measured "
            f"{day.get('measured', env['date'])}.",
            "",
            "| Operation | Median time | All runs (s) | Peak RSS (GiB) | Rows | vs floor |",
            "|---|---|---|---|---|---|",
        ]
        names = {
            "engine": "epitrace engine (`find_companions` on the raw file -> Parquet)",
            "floor": "floor: hand-written DuckDB query of the same rule -> Parquet",
            "scan": "Parquet scan floor (DuckDB reads the 3 columns)",
        }
        for key in ("engine", "floor", "scan"):
            item = day[key]
            ratio = item["median_s"] / day["floor"]["median_s"]
            lines.append(
                f"| {names[key]} | {item['median_s']:.2f} s | "
                f"{', '.join(f'{x:.2f}' for x in item['all_s'])} | {_gib(item['peak_rss'])} | "
                f"{item['rows']:,} | {ratio:.2f}x |"
            )
        lines += [
            "",
            f"Ratio engine / floor: **{day['ratio']:.2f}** (target <= 1.10); engine peak RSS "
            f"**{_gib(day['engine']['peak_rss'])} GiB** (target <= 1). Engine and floor outputs "
            f"identical: {'yes' if day['identical'] else 'NO'}. Load average after the runs: "
            f"{', '.join(f'{x:.1f}' for x in day['load_after'])}.",
            "",
        ]
    spark = results.get("spark")
    if spark:
        same = spark.get("identical")
        lines += [
            f"Spark backend, `local[2]`, same day and index, once "
            f"({spark.get('measured', env['date'])}): {spark['seconds']:.1f} s, "
            f"{spark['rows']:,} rows"
            + ("" if same is None else f" ({'identical to' if same else 'DIFFERENT from'} DuckDB)")
            + f"; peak RSS of Python + JVM (sampled) {_gib(spark['peak_tree'])} GiB.",
            "",
        ]
    store = results.get("store")
    if store:
        ingest = store["ingest"]
        lines += [
            f"### {scale.store_days} days in a ping store: {scale.pings_per_day:,} pings a day, "
            f"default rule (30-hour clause on)",
            "",
            f"Store: {store['store_gib'] * 1024:,.0f} MiB on disk for "
            f"{store['raw_gib'] * 1024:,.0f} MiB of raw Parquet. Ingest of one day "
            f"({scale.pings_per_day:,} pings -> {store['ingest_one']['rows']:,} occupancy rows, "
            f"DuckDB {THREADS} threads, {INGEST_MEMORY}): {store['ingest_one']['seconds']:.1f} s, "
            f"peak RSS {_gib(store['ingest_one']['peak_rss'])} GiB (one run)."
            + (
                f" Days ingested during this run: {len(ingest)}, median "
                f"{_median([d['seconds'] for d in ingest]):.1f} s a day."
                if ingest
                else ""
            ),
            "",
            f"Query time on the store (median of {store['runs']}, measured "
            f"{store.get('measured', env['date'])}), by index persons and window:",
            "",
            "| Index persons | "
            + " | ".join(f"{w}-day window" for w in scale.windows)
            + " | Occupancy row groups read (longest window) | Peak RSS (GiB) | Rows |",
            "|---" * (len(scale.windows) + 4) + "|",
        ]
        for size in scale.index_sizes:
            cells = [r for r in store["store"] if r["index"] == size]
            read, total = cells[-1]["row_groups"]
            lines.append(
                f"| {size:,} | "
                + " | ".join(f"{r['median_s']:.2f} s" for r in cells)
                + f" | {read:,} / {total:,} ({read / max(total, 1):.0%}) | "
                + f"{_gib(max(r['peak_rss'] for r in cells))} | {cells[-1]['rows']:,} |"
            )
        lines += [
            "",
            "The same queries on the raw daily files, without a store (one run each):",
            "",
            "| Index persons | Window | Time | Peak RSS (GiB) | Rows | Same rows as the store |",
            "|---|---|---|---|---|---|",
        ]
        for r in store["raw"]:
            if "error" in r:
                lines.append(
                    f"| {r['index']:,} | {r['window']} day{'s' if r['window'] > 1 else ''} | "
                    f"failed: {r['error']} | | | |"
                )
                continue
            same = "" if r["identical"] is None else ("yes" if r["identical"] else "NO")
            lines.append(
                f"| {r['index']:,} | {r['window']} day{'s' if r['window'] > 1 else ''} | "
                f"{r['seconds']:.2f} s | "
                f"{_gib(r['peak_rss'])} | {r['rows']:,} | {same} |"
            )
        lines.append("")
        lines += _store_reading(scale, store)
    return "\n".join(lines).rstrip() + "\n"


def _store_reading(scale: Scale, store: dict[str, Any]) -> list[str]:
    """What the store tables show, in numbers taken from them."""
    longest, shortest = scale.windows[-1], scale.windows[0]
    small, large = scale.index_sizes[0], scale.index_sizes[-1]

    def cell(size: int, window: int) -> dict[str, Any] | None:
        return next(
            (r for r in store["store"] if r["index"] == size and r["window"] == window), None
        )

    def raw(size: int, window: int) -> dict[str, Any] | None:
        return next(
            (
                r
                for r in store["raw"]
                if r["index"] == size and r["window"] == window and "error" not in r
            ),
            None,
        )

    a, b = cell(small, longest), cell(large, longest)
    one = cell(small, shortest)
    if not (a and b and one):
        return []
    read_a, total = a["row_groups"]
    read_b, _ = b["row_groups"]
    text = (
        f"Reading: over the {longest}-day window, {large // small}x the index persons "
        f"({small:,} -> {large:,}) costs {b['median_s'] / a['median_s']:.1f}x the time "
        f"({a['median_s']:.2f} -> {b['median_s']:.2f} s) and reads {read_a / total:.0%} -> "
        f"{read_b / total:.0%} of the occupancy row groups: the cost follows the index persons "
        "and their output."
    )
    raw_a, raw_b = raw(small, longest), raw(large, longest)
    if raw_a and raw_b:
        text += (
            f" Without the store the same queries take {raw_a['seconds']:.1f} s and "
            f"{raw_b['seconds']:.1f} s, because each one reads all {longest} days whole."
        )
    text += (
        f" A query reads only the days of its window: {shortest} day on the "
        f"{scale.store_days}-day store takes {one['median_s']:.2f} s for {small:,} index "
        "persons, whatever else the store holds."
    )
    return [text, ""]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", choices=sorted(SCALES), default="full")
    parser.add_argument("--parts", default="day,spark,store", help="comma list: day,spark,store")
    parser.add_argument("--runs", type=int, help="runs per measurement (default: per scale)")
    parser.add_argument("--store-runs", type=int, help="runs per store query (default: --runs)")
    parser.add_argument("--no-results", action="store_true", help="do not touch RESULTS.md")
    parser.add_argument(
        "--prepare", action="store_true", help="only generate the data and build the store"
    )
    parser.add_argument(
        "--report", action="store_true", help="only rewrite the section from the saved results"
    )
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    from benchmarks.results_file import RESULTS, write_section

    if args.worker:
        print(json.dumps(worker(json.loads(args.worker))))
        return 0
    scale = SCALES[args.scale]
    runs = args.runs or scale.runs
    parts = [p.strip() for p in args.parts.split(",") if p.strip()]
    if args.prepare:
        ensure_days(scale, 1)
        if "store" in parts:
            ensure_store(scale)
        return 0
    saved = DATA / scale.name / "results.json"
    if args.report:
        if not saved.exists():
            parser.error(f"no saved results at {saved}: run the benchmark first")
        recorded = json.loads(saved.read_text(encoding="utf-8"))
        write_section(render(scale, recorded["env"], recorded["results"]))
        print(f"updated {RESULTS.relative_to(ROOT)} ({SECTION}) from {saved}")
        return 0
    env = environment()
    print(f"epitrace benchmark, scale {scale.name}: {asdict(scale)}", flush=True)
    # Each part is saved as soon as it is measured, so a failure later loses nothing, and a run
    # of some parts (--parts) is reported together with the latest run of the others.
    results: dict[str, Any] = (
        json.loads(saved.read_text(encoding="utf-8"))["results"] if saved.exists() else {}
    )
    parts_run = {
        "day": ("one day: scan floor, hand-written floor, engine", lambda: part_day(scale, runs)),
        "spark": ("one day on Spark local[2]", lambda: part_spark(scale)),
        "store": (
            f"{scale.store_days} days through the store",
            lambda: part_store(scale, args.store_runs or runs),
        ),
    }
    for name, (title, run) in parts_run.items():
        if name in parts:
            print(title, flush=True)
            results[name] = {**run(), "measured": environment()["date"]}
            saved.write_text(
                json.dumps({"env": env, "results": results}, indent=2, default=str),
                encoding="utf-8",
            )
    text = render(scale, env, results)
    print()
    print(text)
    if not args.no_results:
        write_section(text)
        print(f"updated {RESULTS.relative_to(ROOT)} ({SECTION})")
    failed = results.get("day") and not results["day"]["identical"]
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
