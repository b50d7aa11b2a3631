"""Inputs are checked at the boundary: a wrong or missing column is a SchemaError naming it."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from epitrace import (
    COMPANIONS_SCHEMA,
    CompanionParams,
    InputError,
    ParquetPings,
    SchemaError,
    Window,
    find_companions,
    read_index,
)

PARAMS = CompanionParams(window=Window(date(2021, 11, 1), date(2021, 11, 1)), min_cell_hours=None)
TS = [datetime(2021, 11, 1, 10), datetime(2021, 11, 1, 10, 10)] * 2


def pings(**overrides: pa.Array) -> pa.Table:
    """Persons 1 and 2 together in cell 5 for two slots: one companion row."""
    columns = {
        "person_id": pa.array([1, 1, 2, 2], pa.int64()),
        "ts": pa.array(TS, pa.timestamp("us")),
        "cell_id": pa.array([5] * 4, pa.int64()),
    }
    columns.update(overrides)
    return pa.table(columns)


def _schema_error(table: pa.Table, tmp_path: Path, *, via_parquet: bool) -> SchemaError:
    source: object = table
    if via_parquet:
        path = tmp_path / "pings.parquet"
        pq.write_table(table, path)
        source = str(path)
    with pytest.raises(SchemaError) as error:
        find_companions(source, [1], PARAMS)  # type: ignore[arg-type]
    return error.value


@pytest.mark.parametrize("via_parquet", [False, True])
@pytest.mark.parametrize(
    ("table", "column", "code"),
    [
        (pings().drop_columns(["cell_id"]), "cell_id", "epitrace.schema.missing_column"),
        (pings().drop_columns(["person_id"]), "person_id", "epitrace.schema.missing_column"),
        (
            pings().rename_columns(["person_id", "time", "cell_id"]),
            "ts",
            "epitrace.schema.missing_column",
        ),
        (
            pings(person_id=pa.array(["1", "1", "2", "2"])),
            "person_id",
            "epitrace.schema.wrong_type",
        ),
        (pings(cell_id=pa.array([5.0] * 4)), "cell_id", "epitrace.schema.wrong_type"),
        (pings(cell_id=pa.array([5] * 4, pa.uint64())), "cell_id", "epitrace.schema.wrong_type"),
        (pings(ts=pa.array(["2021-11-01 10:00"] * 4)), "ts", "epitrace.schema.wrong_type"),
        (pings(ts=pa.array([date(2021, 11, 1)] * 4)), "ts", "epitrace.schema.wrong_type"),
        (
            pings(ts=pa.array(TS, pa.timestamp("us", tz="Asia/Shanghai"))),
            "ts",
            "epitrace.schema.wrong_type",
        ),
        (
            pings(person_id=pa.array([1, None, 2, 2], pa.int64())),
            "person_id",
            "epitrace.schema.nulls",
        ),
        (pings(ts=pa.array([*TS[:3], None], pa.timestamp("us"))), "ts", "epitrace.schema.nulls"),
        (pings(cell_id=pa.array([None, 5, 5, 5], pa.int64())), "cell_id", "epitrace.schema.nulls"),
    ],
)
def test_bad_pings_raise_schema_error_naming_the_column(
    table: pa.Table, column: str, code: str, via_parquet: bool, tmp_path: Path
) -> None:
    error = _schema_error(table, tmp_path, via_parquet=via_parquet)
    assert error.column == column
    assert error.code == code
    assert repr(column) in error.message


def test_narrow_integers_and_other_timestamp_units_are_accepted(tmp_path: Path) -> None:
    table = pings(
        person_id=pa.array([1, 1, 2, 2], pa.int32()),
        cell_id=pa.array([5] * 4, pa.uint16()),
        ts=pa.array(TS, pa.timestamp("ms")),
    ).append_column("extra", pa.array(["a", "b", "c", "d"]))
    expected = find_companions(pings(), [1], PARAMS).table
    assert find_companions(table, [1], PARAMS).table.equals(expected)
    path = tmp_path / "narrow.parquet"
    pq.write_table(table, path)
    assert find_companions(str(path), [1], PARAMS).table.equals(expected)
    nanos = tmp_path / "nanos.parquet"
    pq.write_table(pings(ts=pa.array(TS, pa.timestamp("ns"))), nanos)
    assert find_companions(str(nanos), [1], PARAMS).table.equals(expected)


def test_output_follows_the_declared_schema() -> None:
    result = find_companions(pings(), [1], PARAMS)
    assert result.table.schema == COMPANIONS_SCHEMA
    assert result.table.num_rows == 1
    assert find_companions(pings(), [], PARAMS).table.schema == COMPANIONS_SCHEMA


def test_files_that_disagree_on_the_timestamp_unit_are_rejected(tmp_path: Path) -> None:
    pq.write_table(pings(), tmp_path / "a.parquet")
    pq.write_table(pings(ts=pa.array(TS, pa.timestamp("ms"))), tmp_path / "b.parquet")
    with pytest.raises(SchemaError) as error:
        ParquetPings.open(tmp_path)
    assert error.value.column == "ts"


def test_missing_inputs_are_input_errors(tmp_path: Path) -> None:
    with pytest.raises(InputError) as error:
        ParquetPings.open(tmp_path / "nope.parquet")
    assert error.value.code == "epitrace.input.not_found"
    with pytest.raises(InputError) as error:
        ParquetPings.open(tmp_path)
    assert error.value.code == "epitrace.input.empty_dir"
    (tmp_path / "junk.parquet").write_text("not parquet", encoding="utf-8")
    with pytest.raises(InputError) as error:
        ParquetPings.open(tmp_path)
    assert error.value.code == "epitrace.input.unreadable"


@pytest.mark.parametrize(
    ("index", "code"),
    [
        (pa.table({"id": [1]}), "epitrace.schema.missing_column"),
        (pa.table({"person_id": ["a"]}), "epitrace.schema.wrong_type"),
        (pa.table({"person_id": pa.array([1, None], pa.int64())}), "epitrace.schema.nulls"),
        (["x"], "epitrace.schema.wrong_type"),
    ],
)
def test_bad_index_raises_schema_error(index: object, code: str) -> None:
    with pytest.raises(SchemaError) as error:
        find_companions(pings(), index, PARAMS)  # type: ignore[arg-type]
    assert error.value.column == "person_id"
    assert error.value.code == code


def test_index_files_csv_and_parquet(tmp_path: Path) -> None:
    csv = tmp_path / "index.csv"
    csv.write_text("name,person_id\na,3\nb,1\nc,3\n", encoding="utf-8")
    assert read_index(csv).to_pylist() == [3, 1]
    parquet = tmp_path / "index.parquet"
    pq.write_table(pa.table({"person_id": pa.array([7, 7, 2], pa.int32())}), parquet)
    assert read_index(parquet).to_pylist() == [7, 2]

    bad = tmp_path / "bad.csv"
    bad.write_text("person_id\n1\nzhang\n", encoding="utf-8")
    with pytest.raises(SchemaError) as error:
        read_index(bad)
    assert error.value.code == "epitrace.schema.wrong_type"
    other = tmp_path / "other.csv"
    other.write_text("id\n1\n", encoding="utf-8")
    with pytest.raises(SchemaError) as error:
        read_index(other)
    assert error.value.code == "epitrace.schema.missing_column"
    with pytest.raises(InputError):
        read_index(tmp_path / "absent.csv")
