"""Command line: ``python -m epitrace {ingest,companions,generate} ...``.

Each command parses its arguments, calls the library, and prints counts, wall time and peak
memory. Errors of epitrace (bad schema, bad parameters, missing store) print one line with their
code and exit with status 2; nothing else is caught.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path

import pyarrow.compute as pc
import pyarrow.parquet as pq

from epitrace.backends import BACKEND_NAMES, get_backend
from epitrace.engine import SecondHopPlan, find_companions
from epitrace.errors import EpitraceError
from epitrace.generate import CityConfig, generate_city, pick_index_persons, write_index_csv
from epitrace.metrics import gib, measure
from epitrace.params import DEFAULT_WINDOW_DAYS, CompanionParams, Window
from epitrace.sources import ParquetPings, read_index
from epitrace.store import DEFAULT_ROW_GROUP_ROWS, DayReport, Store


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from exc


def _hours(text: str) -> float | None:
    if text.lower() in {"off", "none", "no"}:
        return None
    try:
        return float(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"a number of hours or 'off', not {text!r}") from exc


def _engine_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--threads", type=int, help="DuckDB threads (default: all cores)")
    parser.add_argument("--memory-limit", help="DuckDB memory limit, e.g. 1GB (default: 80%% RAM)")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of all three commands."""
    parser = argparse.ArgumentParser(prog="python -m epitrace", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    ingest = commands.add_parser("ingest", help="write raw Parquet pings into a ping store")
    ingest.add_argument("--pings", required=True, help="Parquet file or directory of raw pings")
    ingest.add_argument("--store", required=True, help="store directory (created if absent)")
    ingest.add_argument("--slot-minutes", type=int, default=10, help="store slot length")
    ingest.add_argument("--row-group-rows", type=int, default=DEFAULT_ROW_GROUP_ROWS)
    ingest.add_argument("--day", type=_date, action="append", help="only this day (repeatable)")
    _engine_options(ingest)

    companions = commands.add_parser("companions", help="find time-space companions")
    source = companions.add_mutually_exclusive_group(required=True)
    source.add_argument("--store", help="ping store directory (see ingest)")
    source.add_argument("--pings", help="raw Parquet file or directory, for a one-off query")
    companions.add_argument("--index", required=True, help="CSV or Parquet with person_id")
    companions.add_argument("--end", required=True, type=_date, help="last day of the window")
    companions.add_argument(
        "--start", type=_date, help=f"first day (default: {DEFAULT_WINDOW_DAYS} days to --end)"
    )
    companions.add_argument("--slot-minutes", type=int, default=10)
    companions.add_argument("--min-slots", type=int, default=2)
    companions.add_argument(
        "--min-cell-hours", type=_hours, default=30.0, help="hours, or 'off' (default 30)"
    )
    companions.add_argument("--second-hop", action="store_true", help="also contacts of contacts")
    companions.add_argument(
        "--max-second-hop-rows",
        type=int,
        help="refuse the second hop if its estimated output exceeds this many rows",
    )
    companions.add_argument("--backend", choices=BACKEND_NAMES, default="duckdb")
    companions.add_argument("--spark-master", default="local[2]")
    companions.add_argument("--out", required=True, help="output Parquet file")
    _engine_options(companions)

    generate = commands.add_parser("generate", help="write a synthetic city's pings")
    generate.add_argument("--out", required=True, help="directory for day=YYYY-MM-DD/ files")
    generate.add_argument("--persons", type=int, default=1_000_000)
    generate.add_argument("--pings-per-day", type=int, default=100_000_000)
    generate.add_argument("--days", type=int, default=1)
    generate.add_argument("--start", type=_date, default=date(2021, 11, 1))
    generate.add_argument("--seed", type=int, default=1)
    generate.add_argument("--grid", type=int, default=0, help="cells a side (default: derived)")
    generate.add_argument("--index-persons", type=int, help="also pick this many index persons")
    generate.add_argument("--index-out", help="CSV for them (default: <out>/index_persons.csv)")
    generate.add_argument("--threads", type=int)
    return parser


def _print_cost(seconds: float, peak_rss: int, peak_tree: int | None = None) -> None:
    line = f"time {seconds:.2f} s, peak RSS {gib(peak_rss)}"
    if peak_tree is not None and peak_tree > peak_rss:
        line += f" (with child processes, sampled: {gib(peak_tree)})"
    print(line)


def _ingest(args: argparse.Namespace) -> None:
    with measure(sample_children=False) as cost:
        store = Store.create(
            args.store, slot_minutes=args.slot_minutes, row_group_rows=args.row_group_rows
        )
        pings = ParquetPings.open(args.pings)

        def report(day: DayReport) -> None:
            print(
                f"{day.day}: {day.pings:,} pings -> {day.occupancy_rows:,} occupancy rows, "
                f"{day.person_cells_rows:,} person-cell rows ({day.seconds:.1f} s)",
                flush=True,
            )

        days = store.ingest(
            pings,
            days=args.day,
            threads=args.threads,
            memory_limit=args.memory_limit,
            on_day=report,
        )
    print(f"ingested {len(days)} day(s), {sum(d.pings for d in days):,} pings into {args.store}")
    _print_cost(cost.seconds, cost.peak_rss_bytes)


def _companions(args: argparse.Namespace) -> None:
    window = (
        Window(args.start, args.end)
        if args.start
        else Window.lookback(args.end, DEFAULT_WINDOW_DAYS)
    )
    params = CompanionParams(
        window=window,
        slot_minutes=args.slot_minutes,
        min_slots=args.min_slots,
        min_cell_hours=args.min_cell_hours,
        second_hop=args.second_hop,
    )

    def announce(plan: SecondHopPlan) -> bool:
        print(
            f"second hop: {plan.sources:,} first-hop companions as sources, "
            f"estimated ~{plan.estimated_rows:,} rows",
            flush=True,
        )
        return args.max_second_hop_rows is None or plan.estimated_rows <= args.max_second_hop_rows

    spark = args.backend == "spark"
    with measure(sample_children=spark) as cost:
        if spark:
            backend = get_backend("spark", spark_master=args.spark_master)
        else:
            backend = get_backend("duckdb", threads=args.threads, memory_limit=args.memory_limit)
        try:
            index = read_index(args.index)
            pings = Store.open(args.store) if args.store else ParquetPings.open(args.pings)
            result = find_companions(pings, index, params, backend=backend, on_second_hop=announce)
        finally:
            backend.close()
        pq.write_table(result.table, args.out)
    table = result.table
    companions = len(pc.unique(table.column("companion_id"))) if table.num_rows else 0
    print(
        f"window {window.start}..{window.end} ({window.days} days), backend {result.backend}, "
        f"{result.index_persons:,} index persons"
    )
    if result.missing_days:
        print(f"days not in the store: {', '.join(d.isoformat() for d in result.missing_days)}")
    print(
        f"hop 1: {result.hop1_rows:,} pairs"
        + (f", hop 2: {result.hop2_rows:,} pairs" if params.second_hop else "")
        + f", {companions:,} distinct companions -> {args.out}"
    )
    _print_cost(cost.seconds, cost.peak_rss_bytes, cost.peak_tree_rss_bytes if spark else None)


def _generate(args: argparse.Namespace) -> None:
    config = CityConfig(
        persons=args.persons,
        pings_per_day=args.pings_per_day,
        days=args.days,
        start=args.start,
        seed=args.seed,
        grid=args.grid,
    )
    with measure(sample_children=False) as cost:
        files = generate_city(config, args.out, threads=args.threads)
        if args.index_persons:
            index_out = Path(args.index_out or Path(args.out) / "index_persons.csv")
            write_index_csv(pick_index_persons(config, args.index_persons), index_out)
            print(f"{args.index_persons:,} index persons -> {index_out}")
    total = config.persons * config.pings_per_person * config.days
    print(
        f"{total:,} pings ({config.persons:,} persons, {config.pings_per_person} pings each a day, "
        f"grid {config.grid}x{config.grid}, seed {config.seed}) in {len(files)} file(s) "
        f"under {args.out}"
    )
    _print_cost(cost.seconds, cost.peak_rss_bytes)


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; return the exit status."""
    args = build_parser().parse_args(argv)
    handlers = {"ingest": _ingest, "companions": _companions, "generate": _generate}
    try:
        handlers[args.command](args)
    except EpitraceError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0
