"""Spark returns exactly DuckDB's rows (and the reference's) on the same data.

Marked ``spark``: they need pyspark and a Java runtime, and share one local[2] session.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from epitrace import (
    CompanionParams,
    ParquetPings,
    Store,
    UnsupportedInputError,
    Window,
    find_companions,
)
from epitrace.backends.base import Backend
from epitrace.generate import CityConfig, generate_city, pick_index_persons
from epitrace.reference import reference_companions

from .conftest import at, pings_table

pytestmark = pytest.mark.spark

CITY = CityConfig(persons=600, pings_per_day=24_000, days=2, seed=21)
WINDOW = Window(date(2021, 11, 1), date(2021, 11, 2))


def test_spark_matches_duckdb_on_a_city(spark_backend: Backend, tmp_path: Path) -> None:
    generate_city(CITY, tmp_path / "raw", threads=1)
    store = Store.create(tmp_path / "store")
    store.ingest(ParquetPings.open(tmp_path / "raw"), threads=1)
    index = pick_index_persons(CITY, 6)
    cases = [
        # a store queried at twice its slot length, with the cell-hours clause
        (store, CompanionParams(window=WINDOW, slot_minutes=20, min_cell_hours=6.0)),
        (ParquetPings.open(tmp_path / "raw"), CompanionParams(window=WINDOW, min_cell_hours=None)),
    ]
    for source, params in cases:
        duck = find_companions(source, index, params)
        spark = find_companions(source, index, params, backend=spark_backend)
        assert duck.table.num_rows > 0
        assert spark.table.equals(duck.table), params


def test_spark_matches_the_reference_at_the_edges(spark_backend: Backend) -> None:
    # Boundary slot, a one-microsecond miss, two cells in one slot, index persons meeting.
    pings = [
        (1, at("10:00"), 7),
        (1, at("10:10"), 7),
        (2, at("10:05"), 7),
        (2, at("10:10"), 7),
        (3, at("10:05"), 7),
        (3, at("10:09", second=59, micro=999_999), 7),
        (4, at("11:01"), 7),
        (4, at("11:02"), 8),
        (1, at("11:03"), 7),
        (1, at("11:04"), 8),
        (5, at("23:59", second=59), 9),
        (1, at("23:59", second=58), 9),
        (5, datetime(2021, 11, 2, 0, 0), 9),
        (1, datetime(2021, 11, 2, 0, 0, 1), 9),
    ]
    params = CompanionParams(
        window=Window(date(2021, 11, 1), date(2021, 11, 1)), min_cell_hours=None
    )
    expected = reference_companions(pings, [1, 2], params)
    assert len(expected) == 3  # (1, 2), (1, 4) over two cells in one slot, (2, 1)
    result = find_companions(pings_table(pings), [1, 2], params, backend=spark_backend)
    assert result.table.to_pylist() == expected


def test_spark_rejects_nanosecond_parquet(spark_backend: Backend, tmp_path: Path) -> None:
    table = pings_table([(1, at("10:00"), 7)])
    path = tmp_path / "ns.parquet"
    pq.write_table(table.set_column(1, "ts", table.column("ts").cast(pa.timestamp("ns"))), path)
    params = CompanionParams(window=Window(date(2021, 11, 1), date(2021, 11, 1)))
    with pytest.raises(UnsupportedInputError) as error:
        find_companions(str(path), [1], params, backend=spark_backend)
    assert error.value.code == "epitrace.unsupported_input.spark_nanos"
