"""Declared frame schemas, in one place, and the boundary checks that enforce them.

Inputs are checked before any engine runs, so a wrong or missing column is a ``SchemaError``
naming it, never a crash deep inside DuckDB or Spark.

* Pings (``PINGS_SCHEMA``): ``person_id`` int64, ``ts`` timestamp without time zone (wall clock,
  any unit), ``cell_id`` int64; no nulls. Narrower integer types that fit int64 are accepted and
  widened; ``uint64``, floats, strings and time-zone-aware timestamps are rejected. Extra columns
  are ignored.
* Index persons (``INDEX_SCHEMA``): ``person_id`` int64, no nulls; duplicates are ignored.
* Output (``COMPANIONS_SCHEMA``): one row per (index person, companion, hop).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pyarrow as pa
import pyarrow.parquet as pq

from epitrace.errors import SchemaError

PINGS_SCHEMA = pa.schema(
    [
        pa.field("person_id", pa.int64(), nullable=False),
        pa.field("ts", pa.timestamp("us"), nullable=False),
        pa.field("cell_id", pa.int64(), nullable=False),
    ]
)

INDEX_SCHEMA = pa.schema([pa.field("person_id", pa.int64(), nullable=False)])

COMPANIONS_SCHEMA = pa.schema(
    [
        pa.field("index_person_id", pa.int64(), nullable=False),
        pa.field("companion_id", pa.int64(), nullable=False),
        # 1: companion of an index person; 2: companion of a hop-1 companion.
        pa.field("hop", pa.int8(), nullable=False),
        # distinct (cell, slot) pairs shared in qualifying cells
        pa.field("shared_slots", pa.int64(), nullable=False),
        # start of the first and of the last shared slot (wall clock)
        pa.field("first_slot", pa.timestamp("us"), nullable=False),
        pa.field("last_slot", pa.timestamp("us"), nullable=False),
        # qualifying cells of the shared slots, ascending, distinct
        pa.field("cells", pa.list_(pa.field("item", pa.int64(), nullable=False)), nullable=False),
    ]
)

# What a backend returns for one hop: slots as slot numbers; the engine converts and adds ``hop``.
PAIRS_SCHEMA = pa.schema(
    [
        pa.field("index_person_id", pa.int64(), nullable=False),
        pa.field("companion_id", pa.int64(), nullable=False),
        pa.field("shared_slots", pa.int64(), nullable=False),
        pa.field("first_slot", pa.int64(), nullable=False),
        pa.field("last_slot", pa.int64(), nullable=False),
        pa.field("cells", pa.list_(pa.field("item", pa.int64(), nullable=False)), nullable=False),
    ]
)

ID_COLUMNS = ("person_id", "cell_id")


@dataclass(frozen=True, slots=True)
class PingsLayout:
    """What the boundary check learned about a pings input."""

    ts_unit: str  # "s", "ms", "us" or "ns"
    # Parquet statistics did not prove the absence of nulls: the engine filters them instead.
    may_have_nulls: bool = False


def _is_id_type(dtype: pa.DataType) -> bool:
    # Every signed integer, and unsigned ones that fit in int64 without wrapping.
    return pa.types.is_signed_integer(dtype) or dtype in (pa.uint8(), pa.uint16(), pa.uint32())


def _field(schema: pa.Schema, name: str, source: str) -> pa.Field:
    index = schema.get_field_index(name)
    if index == -1:
        if schema.get_all_field_indices(name):
            raise SchemaError(
                f"column {name!r} appears more than once",
                column=name,
                source=source,
                code="epitrace.schema.duplicate_column",
            )
        raise SchemaError(
            f"missing column {name!r} (found: {', '.join(schema.names) or 'no columns'})",
            column=name,
            source=source,
            code="epitrace.schema.missing_column",
        )
    return schema.field(index)


def _check_id(schema: pa.Schema, name: str, source: str) -> None:
    field = _field(schema, name, source)
    if not _is_id_type(field.type):
        raise SchemaError(
            f"column {name!r} has type {field.type}, expected int64",
            column=name,
            source=source,
            code="epitrace.schema.wrong_type",
        )


def check_pings_schema(schema: pa.Schema, *, source: str = "pings") -> PingsLayout:
    """Check a pings schema; return the timestamp unit. Raises ``SchemaError``."""
    _check_id(schema, "person_id", source)
    ts = _field(schema, "ts", source)
    if not pa.types.is_timestamp(ts.type):
        raise SchemaError(
            f"column 'ts' has type {ts.type}, expected a timestamp without time zone",
            column="ts",
            source=source,
            code="epitrace.schema.wrong_type",
        )
    assert isinstance(ts.type, pa.TimestampType)
    if ts.type.tz is not None:
        raise SchemaError(
            f"column 'ts' has time zone {ts.type.tz!r}; epitrace expects naive wall-clock "
            "timestamps of the jurisdiction (convert to local time and drop the zone)",
            column="ts",
            source=source,
            code="epitrace.schema.wrong_type",
        )
    _check_id(schema, "cell_id", source)
    return PingsLayout(ts_unit=ts.type.unit)


def check_index_schema(schema: pa.Schema, *, source: str = "index") -> None:
    """Check an index-persons schema. Raises ``SchemaError``."""
    _check_id(schema, "person_id", source)


def _raise_nulls(column: str, count: int, source: str) -> None:
    raise SchemaError(
        f"column {column!r} has {count} null value(s); every ping needs person_id, ts and cell_id",
        column=column,
        source=source,
        code="epitrace.schema.nulls",
    )


def check_table_nulls(table: pa.Table, columns: Iterable[str], *, source: str) -> None:
    """Reject nulls in ``columns`` of an in-memory table (exact and cheap: Arrow keeps counts)."""
    for column in columns:
        nulls = table.column(column).null_count
        if nulls:
            _raise_nulls(column, nulls, source)


def parquet_may_have_nulls(
    metadata: pq.FileMetaData, columns: Iterable[str], *, source: str
) -> bool:
    """Use a Parquet footer's statistics to reject nulls without reading data.

    Returns True when some row group has no null-count statistic, so absence of nulls is
    unproven and the engine must filter nulls itself. Raises ``SchemaError`` on a proven null.
    """
    # Leaf column positions, looked up by path (top-level positions differ when a file has
    # nested columns before ours).
    paths = [metadata.schema.column(i).path for i in range(metadata.num_columns)]
    positions = {name: paths.index(name) for name in columns}
    unproven = False
    for rg in range(metadata.num_row_groups):
        group = metadata.row_group(rg)
        for name, position in positions.items():
            stats = group.column(position).statistics
            if stats is None or not stats.has_null_count:
                unproven = True
            elif stats.null_count:
                _raise_nulls(name, stats.null_count, source)
    return unproven


def conform_pings_table(table: pa.Table, *, source: str = "pings") -> pa.Table:
    """Check an in-memory pings table and return it as exactly ``PINGS_SCHEMA`` columns."""
    check_pings_schema(table.schema, source=source)
    check_table_nulls(table, PINGS_SCHEMA.names, source=source)
    columns = [
        # ids only ever widen (safe); nanosecond timestamps may lose sub-microsecond digits,
        # which no slot can see.
        table.column(name).cast(PINGS_SCHEMA.field(name).type, safe=name != "ts")
        for name in PINGS_SCHEMA.names
    ]
    return pa.Table.from_arrays(columns, schema=PINGS_SCHEMA)


def conform_index_ids(table: pa.Table, *, source: str = "index") -> pa.Array:
    """Check an index table and return its distinct person ids as an int64 array."""
    check_index_schema(table.schema, source=source)
    check_table_nulls(table, ["person_id"], source=source)
    return table.column("person_id").cast(pa.int64()).unique()
