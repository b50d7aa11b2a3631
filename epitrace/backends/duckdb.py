"""DuckDB backend: the default engine for one machine.

Each call takes its own cursor on the backend's in-memory database (no views shared between calls
or threads), registers the source as views and runs the shared plan. Parquet is
scanned lazily: DuckDB pushes the window filter and the join keys of the index persons into the
scan, so row groups of a store that hold none of their cells are skipped.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TypeAlias

import duckdb
import pyarrow as pa

from epitrace.params import CompanionParams, Window
from epitrace.plan import DUCKDB, PlanShape, companion_pairs_sql, slot_of
from epitrace.schemas import PAIRS_SCHEMA
from epitrace.sources import ParquetPings, PingSource, StoreSlice, TablePings

_EMPTY_OCC = (
    "SELECT NULL::BIGINT AS person_id, NULL::BIGINT AS cell_id, NULL::BIGINT AS slot LIMIT 0"
)
_EMPTY_PERSON_CELLS = (
    "SELECT NULL::BIGINT AS person_id, NULL::BIGINT AS cell_id, NULL::BIGINT AS slots LIMIT 0"
)


def _ts_filter(window: Window) -> str:
    # Literals of validated dates; comparing the raw column keeps Parquet min/max pruning on ts.
    return (
        f"ts >= TIMESTAMP '{window.start.isoformat()} 00:00:00' "
        f"AND ts < TIMESTAMP '{window.end.isoformat()} 00:00:00' + INTERVAL 1 DAY"
    )


ConfigValue: TypeAlias = str | bool | int | float | list[str]


def connection_config(
    *,
    threads: int | None,
    memory_limit: str | None,
    temp_directory: str | None = None,
    preserve_insertion_order: bool = False,
) -> dict[str, ConfigValue]:
    """DuckDB settings shared by queries, ingest and the generator (None = DuckDB's default).

    Queries and ingest ORDER BY what they return, so by default scan order is not preserved,
    which lets DuckDB stream and spill more freely.
    """
    config: dict[str, ConfigValue] = {"preserve_insertion_order": preserve_insertion_order}
    if threads is not None:
        config["threads"] = threads
    if memory_limit is not None:
        config["memory_limit"] = memory_limit
    if temp_directory is not None:
        config["temp_directory"] = temp_directory
    return config


def open_connection(config: dict[str, ConfigValue]) -> duckdb.DuckDBPyConnection:
    """An in-memory connection with ``config`` (see ``connection_config``)."""
    con = duckdb.connect(":memory:", config=config)
    # Library code draws no progress bar on the caller's terminal (a per-connection setting).
    con.execute("SET enable_progress_bar = false")
    return con


class DuckDBBackend:
    """Runs the rule in DuckDB.

    ``threads`` and ``memory_limit`` (DuckDB syntax, e.g. ``"1GB"``) default to DuckDB's own
    defaults (all cores, 80 % of RAM); ``temp_directory`` is where DuckDB may spill. One
    in-memory database is opened on first use and shared by all calls (each call gets its own
    cursor, so calls from several threads do not share views); ``close()`` releases it.
    """

    name = "duckdb"

    def __init__(
        self,
        *,
        threads: int | None = None,
        memory_limit: str | None = None,
        temp_directory: str | None = None,
    ) -> None:
        self.config = connection_config(
            threads=threads, memory_limit=memory_limit, temp_directory=temp_directory
        )
        self._database: duckdb.DuckDBPyConnection | None = None
        self._lock = threading.Lock()

    def close(self) -> None:
        """Close the shared database; a later call opens a new one."""
        with self._lock:
            if self._database is not None:
                self._database.close()
                self._database = None

    @contextmanager
    def connect(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A cursor on the shared database (opened with this backend's limits), closed on exit."""
        with self._lock:
            # Opening a database costs tens of milliseconds; a cursor costs microseconds.
            if self._database is None:
                self._database = open_connection(self.config)
            con = self._database.cursor()
        con.execute("SET enable_progress_bar = false")
        try:
            yield con
        finally:
            con.close()

    def pairs(self, source: PingSource, index_ids: pa.Array, params: CompanionParams) -> pa.Table:
        """See ``Backend.pairs``."""
        with self.connect() as con:
            con.register("idx_in", pa.table({"person_id": index_ids}))
            con.execute("CREATE TEMP VIEW idx AS SELECT person_id FROM idx_in")
            shape = register_occupancy(con, source, params)
            sql = companion_pairs_sql(params, shape, DUCKDB)
            table = con.sql(sql).to_arrow_table()
        return table.cast(PAIRS_SCHEMA)


def register_occupancy(
    con: duckdb.DuckDBPyConnection, source: PingSource, params: CompanionParams
) -> PlanShape:
    """Create the ``occ`` (and, for a store, ``person_cells``) views the plan reads."""
    if isinstance(source, StoreSlice):
        factor = params.slot_minutes // source.store_slot_minutes
        if source.occupancy_files:
            con.read_parquet(list(source.occupancy_files)).create_view("occupancy")
            con.read_parquet(list(source.person_cell_files)).create_view("person_cells")
            slot = "slot" if factor == 1 else f"slot // {factor:d}"
            con.execute(
                f"CREATE TEMP VIEW occ AS SELECT person_id, cell_id, {slot} AS slot FROM occupancy"
            )
        else:
            con.execute(f"CREATE TEMP VIEW occ AS {_EMPTY_OCC}")
            con.execute(f"CREATE TEMP VIEW person_cells AS {_EMPTY_PERSON_CELLS}")
        return PlanShape(occ_distinct=factor == 1, store=True)

    where = _ts_filter(params.window)
    if isinstance(source, TablePings):
        con.register("pings_in", source.table)
    elif isinstance(source, ParquetPings):
        con.read_parquet(list(source.files)).create_view("pings_in")
        if source.layout.may_have_nulls:
            where += " AND person_id IS NOT NULL AND cell_id IS NOT NULL"
    else:  # pragma: no cover - exhaustive over PingSource
        raise TypeError(f"unsupported source {source!r}")
    slot = slot_of(DUCKDB, "epoch_us(ts)", params.slot_us)
    con.execute(
        "CREATE TEMP VIEW occ AS SELECT CAST(person_id AS BIGINT) AS person_id, "
        f"CAST(cell_id AS BIGINT) AS cell_id, {slot} AS slot FROM pings_in WHERE {where}"
    )
    return PlanShape(occ_distinct=False, store=False)
