"""The ping store: pings reduced to slot occupancy, one directory per day, laid out for lookups.

Layout (``store.json`` records the format version and the store slot length)::

    <store>/store.json
    <store>/day=2021-11-01/occupancy.parquet     cell_id, slot, person_id
    <store>/day=2021-11-01/person_cells.parquet  person_id, cell_id, slots
    <store>/day=2021-11-01/day.json              counts; written last, marks the day complete

``occupancy`` holds each distinct (cell, slot, person) of the day once, sorted by (cell_id, slot,
person_id) in row groups of ``row_group_rows`` rows, so each row group covers a narrow range of
cells and its Parquet min/max statistics let a query skip every row group that holds none of the
index persons' cells. ``person_cells`` (sorted by person) says in which cells each person was that
day and for how many slots: a query reads it first to learn the index persons' cells, and the
cell-hours clause sums its ``slots`` instead of re-reading occupancy. A query therefore reads the
days of its window only, and within them the cells its index persons touched: its cost follows
the index set and the output, not the number of days stored.

Slots are numbered from 1970-01-01 00:00 at the store's slot length; a store answers queries
whose slot length is a multiple of it. Ingest and query are separate steps; re-ingesting a day
replaces it (the new day is built aside and swapped in by renames).
"""

from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import duckdb
import pyarrow.parquet as pq

from epitrace.backends.duckdb import connection_config, open_connection
from epitrace.errors import InputError, SchemaError, StoreError
from epitrace.params import EPOCH, MICROS_PER_MINUTE, Window, check_slot_minutes
from epitrace.sources import ParquetPings, StoreSlice, TablePings

STORE_FORMAT = "epitrace-store"
STORE_VERSION = 1
STORE_FILE = "store.json"
OCCUPANCY_FILE = "occupancy.parquet"
PERSON_CELLS_FILE = "person_cells.parquet"
DAY_FILE = "day.json"
DEFAULT_ROW_GROUP_ROWS = 65_536


@dataclass(frozen=True, slots=True)
class DayReport:
    """What ingest wrote for one day."""

    day: date
    pings: int
    occupancy_rows: int
    person_cells_rows: int
    seconds: float


def _day_dir_name(day: date) -> str:
    return f"day={day.isoformat()}"


class Store:
    """A directory of per-day occupancy files (see the module docstring for the layout)."""

    def __init__(self, root: Path, slot_minutes: int, row_group_rows: int) -> None:
        self.root = root
        self.slot_minutes = slot_minutes
        self.row_group_rows = row_group_rows

    @staticmethod
    def is_store(path: str | Path) -> bool:
        """Whether ``path`` is a store directory (holds ``store.json``)."""
        return (Path(path) / STORE_FILE).is_file()

    @classmethod
    def open(cls, path: str | Path) -> Store:
        """Open an existing store. Raises ``StoreError`` if it is missing or of another format."""
        root = Path(path)
        try:
            meta = json.loads((root / STORE_FILE).read_text(encoding="utf-8"))
        except FileNotFoundError as exc:
            raise StoreError(
                f"{root} is not a ping store (no {STORE_FILE}); build one with `epitrace ingest`",
                code="epitrace.store.missing",
            ) from exc
        except (OSError, json.JSONDecodeError) as exc:
            raise StoreError(
                f"cannot read {root / STORE_FILE}: {exc}", code="epitrace.store.bad"
            ) from exc
        if meta.get("format") != STORE_FORMAT or meta.get("version") != STORE_VERSION:
            raise StoreError(
                f"{root} holds format {meta.get('format')!r} version {meta.get('version')!r}, "
                f"expected {STORE_FORMAT!r} version {STORE_VERSION}",
                code="epitrace.store.version",
            )
        return cls(root, int(meta["slot_minutes"]), int(meta["row_group_rows"]))

    @classmethod
    def create(
        cls,
        path: str | Path,
        *,
        slot_minutes: int = 10,
        row_group_rows: int = DEFAULT_ROW_GROUP_ROWS,
    ) -> Store:
        """Open the store at ``path``, creating it if absent.

        Raises ``StoreError`` if it exists with another slot length (its slots could not be
        mixed) and ``ParamsError`` for a bad slot length.
        """
        check_slot_minutes(slot_minutes)
        root = Path(path)
        if cls.is_store(root):
            store = cls.open(root)
            if store.slot_minutes != slot_minutes:
                raise StoreError(
                    f"{root} was built with {store.slot_minutes}-minute slots, not {slot_minutes}",
                    code="epitrace.store.slot_mismatch",
                )
            return store
        if row_group_rows < 2048:
            raise StoreError("row_group_rows must be at least 2048", code="epitrace.store.bad")
        root.mkdir(parents=True, exist_ok=True)
        meta = {
            "format": STORE_FORMAT,
            "version": STORE_VERSION,
            "slot_minutes": slot_minutes,
            "row_group_rows": row_group_rows,
        }
        (root / STORE_FILE).write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
        return cls(root, slot_minutes, row_group_rows)

    def day_dir(self, day: date) -> Path:
        """Directory of one day (which may not exist)."""
        return self.root / _day_dir_name(day)

    def days(self) -> list[date]:
        """Complete days held by the store, in order."""
        found = []
        for child in self.root.glob("day=*"):
            if (child / DAY_FILE).is_file():
                found.append(date.fromisoformat(child.name.removeprefix("day=")))
        return sorted(found)

    def slice(self, window: Window, slot_minutes: int) -> StoreSlice:
        """The files covering ``window`` for a query at ``slot_minutes``.

        Raises ``StoreError`` if ``slot_minutes`` is not a multiple of the store's slot length.
        """
        if slot_minutes % self.slot_minutes != 0:
            raise StoreError(
                f"the store holds {self.slot_minutes}-minute slots; a query can use a multiple of "
                f"that, not {slot_minutes}",
                code="epitrace.store.slot_mismatch",
            )
        occupancy, person_cells, missing = [], [], []
        for day in window.dates():
            folder = self.day_dir(day)
            if (folder / DAY_FILE).is_file():
                occupancy.append(str(folder / OCCUPANCY_FILE))
                person_cells.append(str(folder / PERSON_CELLS_FILE))
            else:
                missing.append(day)
        return StoreSlice(
            occupancy_files=tuple(occupancy),
            person_cell_files=tuple(person_cells),
            store_slot_minutes=self.slot_minutes,
            missing_days=tuple(missing),
        )

    def ingest(
        self,
        pings: TablePings | ParquetPings,
        *,
        days: Iterable[date] | None = None,
        threads: int | None = None,
        memory_limit: str | None = None,
        on_day: Callable[[DayReport], None] | None = None,
    ) -> list[DayReport]:
        """Write (or replace) every day present in ``pings`` (or only ``days``).

        The pings are scanned once to count them per day and to prove there are no nulls (a null
        raises ``SchemaError`` naming the column), then each day is reduced to its distinct
        (cell, slot, person) rows. Raises ``InputError`` for pings before 1970.
        """
        spill = self.root / ".spill"
        config = connection_config(
            threads=threads, memory_limit=memory_limit, temp_directory=str(spill)
        )
        con = open_connection(config)
        try:
            if isinstance(pings, TablePings):
                con.register("pings_in", pings.table)
            else:
                con.read_parquet(list(pings.files)).create_view("pings_in")
            counts = self._count_days(con)
            wanted = set(days) if days is not None else None
            reports = []
            for day, n_pings in counts:
                if wanted is not None and day not in wanted:
                    continue
                report = self._ingest_day(con, day, n_pings)
                reports.append(report)
                if on_day is not None:
                    on_day(report)
            return reports
        finally:
            con.close()
            shutil.rmtree(spill, ignore_errors=True)

    @staticmethod
    def _count_days(con: duckdb.DuckDBPyConnection) -> list[tuple[date, int]]:
        rows = con.sql(
            "SELECT CAST(ts AS DATE) AS day, count(*) AS pings, "
            "count(*) FILTER (WHERE person_id IS NULL) AS null_person, "
            "count(*) FILTER (WHERE cell_id IS NULL) AS null_cell "
            "FROM pings_in GROUP BY ALL ORDER BY day NULLS FIRST"
        ).fetchall()
        out = []
        for day, n, null_person, null_cell in rows:
            if day is None:
                raise SchemaError(
                    f"column 'ts' has {n} null value(s)",
                    column="ts",
                    source="pings",
                    code="epitrace.schema.nulls",
                )
            for column, nulls in (("person_id", null_person), ("cell_id", null_cell)):
                if nulls:
                    raise SchemaError(
                        f"column {column!r} has {nulls} null value(s)",
                        column=column,
                        source="pings",
                        code="epitrace.schema.nulls",
                    )
            if day < EPOCH:
                raise InputError(
                    f"pings on {day} are before 1970-01-01, which the store cannot number",
                    code="epitrace.input.before_epoch",
                )
            out.append((day, int(n)))
        return out

    def _ingest_day(self, con: duckdb.DuckDBPyConnection, day: date, n_pings: int) -> DayReport:
        started = time.perf_counter()
        final = self.day_dir(day)
        work = self.root / f".ingest-{day.isoformat()}-{os.getpid()}"
        shutil.rmtree(work, ignore_errors=True)
        work.mkdir()
        slot_us = self.slot_minutes * MICROS_PER_MINUTE
        start = datetime.combine(day, datetime.min.time())
        end = start + timedelta(days=1)
        occupancy = work / OCCUPANCY_FILE
        # GROUP BY instead of DISTINCT: same rows, and DuckDB's hash aggregate spills to disk
        # under the memory limit. ORDER BY decides the row-group layout (see module docstring).
        con.sql(
            "SELECT CAST(cell_id AS BIGINT) AS cell_id, "
            f"epoch_us(ts) // {slot_us:d} AS slot, CAST(person_id AS BIGINT) AS person_id "
            f"FROM pings_in WHERE ts >= TIMESTAMP '{start.isoformat(' ')}' "
            f"AND ts < TIMESTAMP '{end.isoformat(' ')}' "
            "GROUP BY ALL ORDER BY cell_id, slot, person_id"
        ).write_parquet(str(occupancy), compression="zstd", row_group_size=self.row_group_rows)
        person_cells = work / PERSON_CELLS_FILE
        con.read_parquet(str(occupancy)).create_view("day_occupancy", replace=True)
        con.sql(
            "SELECT person_id, cell_id, count(*) AS slots FROM day_occupancy "
            "GROUP BY ALL ORDER BY person_id, cell_id"
        ).write_parquet(str(person_cells), compression="zstd", row_group_size=self.row_group_rows)
        report = DayReport(
            day=day,
            pings=n_pings,
            occupancy_rows=pq.ParquetFile(occupancy).metadata.num_rows,
            person_cells_rows=pq.ParquetFile(person_cells).metadata.num_rows,
            seconds=time.perf_counter() - started,
        )
        manifest = {**asdict(report), "day": day.isoformat(), "slot_minutes": self.slot_minutes}
        (work / DAY_FILE).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
        # Swap in by renames: readers see the old day or the new one, except for the instant
        # between the two renames, when the day is absent (reported as missing, never half).
        old = self.root / f".old-{day.isoformat()}-{os.getpid()}"
        if final.exists():
            final.rename(old)
        work.rename(final)
        shutil.rmtree(old, ignore_errors=True)
        return report
