"""Fixtures and builders for the engine tests: tiny ping tables, every kind of source, Spark."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from epitrace import (
    CompanionParams,
    DuckDBBackend,
    ParquetPings,
    Store,
    TablePings,
    find_companions,
)
from epitrace.backends.base import Backend
from epitrace.engine import PingsInput
from epitrace.reference import Ping

# py4j logs "Closing down clientserver connection" from a destructor at interpreter exit, when
# pytest has already closed the captured stream: a "Logging error" traceback in every run.
logging.getLogger("py4j").setLevel(logging.WARNING)

DAY = date(2021, 11, 1)
SOURCE_KINDS = ("table", "parquet", "store", "store-1min")


def at(hhmm: str, day: date = DAY, second: int = 0, micro: int = 0) -> datetime:
    """A wall-clock time on ``day``: ``at("10:09", second=59)``."""
    hour, minute = (int(x) for x in hhmm.split(":"))
    return datetime(day.year, day.month, day.day, hour, minute, second, micro)


def pings_table(pings: Sequence[Ping]) -> pa.Table:
    """``(person_id, ts, cell_id)`` tuples as a ``PINGS_SCHEMA`` table."""
    return pa.table(
        {
            "person_id": pa.array([p[0] for p in pings], pa.int64()),
            "ts": pa.array([p[1] for p in pings], pa.timestamp("us")),
            "cell_id": pa.array([p[2] for p in pings], pa.int64()),
        }
    )


def make_source(kind: str, pings: Sequence[Ping], folder: Path, slot_minutes: int) -> PingsInput:
    """The same pings as an in-memory table, a raw Parquet file, or a store.

    ``store`` is built at the query slot length; ``store-1min`` at one minute, so a query at
    ``slot_minutes`` coarsens the store's slots.
    """
    table = pings_table(pings)
    if kind == "table":
        return table
    path = folder / "pings.parquet"
    pq.write_table(table, path)
    if kind == "parquet":
        return ParquetPings.open(path)
    store = Store.create(folder / "store", slot_minutes=slot_minutes if kind == "store" else 1)
    if table.num_rows:
        store.ingest(TablePings.of(table), threads=1)
    return store


RunCompanions = Callable[..., list[dict[str, Any]]]


@pytest.fixture(scope="session")
def duckdb_backend() -> Iterator[DuckDBBackend]:
    """One DuckDB backend (one in-memory database) for the session: calls take ~3x less time."""
    backend = DuckDBBackend(threads=2)
    yield backend
    backend.close()


@pytest.fixture(params=SOURCE_KINDS)
def run_companions(
    request: pytest.FixtureRequest, tmp_path: Path, duckdb_backend: DuckDBBackend
) -> RunCompanions:
    """Run the DuckDB engine on pings given as tuples, through each kind of source."""

    def run(
        pings: Sequence[Ping], index: Sequence[int], params: CompanionParams
    ) -> list[dict[str, Any]]:
        folder = tmp_path / f"run{len(list(tmp_path.iterdir()))}"
        folder.mkdir()
        source = make_source(request.param, pings, folder, params.slot_minutes)
        return find_companions(source, index, params, backend=duckdb_backend).table.to_pylist()

    return run


@pytest.fixture(autouse=True)
def _fast_passwords() -> None:
    """Shadow the repository's autouse fixture of this name, which needs pytest-django's
    ``settings``: engine tests never touch Django and must also run with ``-p no:django``."""


@pytest.fixture(scope="session")
def spark_session() -> Iterator[Any]:
    """One small local Spark for the whole test session (JVM start-up costs ~6 s)."""
    pytest.importorskip("pyspark")
    from pyspark.sql import SparkSession

    session = (
        SparkSession.builder.master("local[2]")
        .appName("epitrace-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.default.parallelism", "2")
        .config("spark.driver.memory", "1g")
        .config("spark.sql.session.timeZone", "UTC")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


@pytest.fixture
def spark_backend(spark_session: Any) -> Backend:
    """A Spark backend on the shared session."""
    from epitrace.backends.spark import SparkBackend

    return SparkBackend(spark_session)
