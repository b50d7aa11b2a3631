"""Where pings come from: an in-memory table, raw Parquet files, or a slice of a ping store.

Each source is checked against ``PINGS_SCHEMA`` when it is built (``TablePings.of``,
``ParquetPings.open``), so backends receive only valid inputs. Index persons are read here too.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TypeAlias

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from epitrace.errors import InputError, SchemaError
from epitrace.schemas import (
    PINGS_SCHEMA,
    PingsLayout,
    check_pings_schema,
    conform_index_ids,
    conform_pings_table,
    parquet_may_have_nulls,
)


@dataclass(frozen=True, slots=True)
class TablePings:
    """Pings held in memory, already conformed to ``PINGS_SCHEMA`` (build with ``of``)."""

    table: pa.Table

    @classmethod
    def of(cls, table: pa.Table, *, source: str = "pings") -> TablePings:
        """Check ``table`` and keep exactly the three ping columns. Raises ``SchemaError``."""
        return cls(conform_pings_table(table, source=source))


def parquet_files(path: str | Path) -> tuple[str, ...]:
    """A Parquet file, or every ``*.parquet`` under a directory (sorted, recursive)."""
    root = Path(path)
    if root.is_file():
        return (str(root),)
    if root.is_dir():
        files = sorted(str(p) for p in root.rglob("*.parquet") if p.is_file())
        if files:
            return tuple(files)
        raise InputError(f"no .parquet files under {root}", code="epitrace.input.empty_dir")
    raise InputError(f"no such file or directory: {root}", code="epitrace.input.not_found")


@dataclass(frozen=True, slots=True)
class ParquetPings:
    """Raw pings in one or more Parquet files (build with ``open``, which checks every footer)."""

    files: tuple[str, ...]
    layout: PingsLayout

    @classmethod
    def open(cls, path: str | Path | Iterable[str | Path]) -> ParquetPings:
        """Resolve ``path`` (file, directory or list of files) and check each file's schema.

        Only footers are read. Raises ``InputError`` or ``SchemaError``.
        """
        if isinstance(path, str | Path):
            files = parquet_files(path)
        else:
            files = tuple(f for p in path for f in parquet_files(p))
            if not files:
                raise InputError("no pings files given", code="epitrace.input.empty")
        units = set()
        may_have_nulls = False
        for file in files:
            where = f"pings ({file})"
            try:  # one footer read per file: schema and statistics
                metadata = pq.ParquetFile(file).metadata
            except (OSError, pa.ArrowInvalid) as exc:
                raise InputError(
                    f"cannot read Parquet file {file}: {exc}", code="epitrace.input.unreadable"
                ) from exc
            units.add(check_pings_schema(metadata.schema.to_arrow_schema(), source=where).ts_unit)
            may_have_nulls |= parquet_may_have_nulls(metadata, PINGS_SCHEMA.names, source=where)
        if len(units) > 1:
            raise SchemaError(
                f"files disagree on the unit of column 'ts' ({', '.join(sorted(units))})",
                column="ts",
                source="pings",
                code="epitrace.schema.wrong_type",
            )
        return cls(
            files=files, layout=PingsLayout(ts_unit=units.pop(), may_have_nulls=may_have_nulls)
        )


@dataclass(frozen=True, slots=True)
class StoreSlice:
    """The files of a ping store that cover one window (build with ``Store.slice``).

    ``occupancy_files`` hold distinct (cell_id, slot, person_id) rows at ``store_slot_minutes``;
    ``person_cell_files`` hold (person_id, cell_id, slots) per day. Days of the window that the
    store does not hold are listed in ``missing_days`` and contribute no pings.
    """

    occupancy_files: tuple[str, ...]
    person_cell_files: tuple[str, ...]
    store_slot_minutes: int
    missing_days: tuple[date, ...]


PingSource: TypeAlias = TablePings | ParquetPings | StoreSlice


def index_ids_of(index: pa.Table | pa.Array | pa.ChunkedArray | Iterable[int]) -> pa.Array:
    """Distinct index person ids as int64, from a table with ``person_id``, an array or ints."""
    if isinstance(index, pa.Table):
        return conform_index_ids(index)
    if isinstance(index, pa.Array | pa.ChunkedArray):
        return conform_index_ids(pa.table({"person_id": index}))
    try:
        array = pa.array(list(index), type=pa.int64())
    except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError) as exc:
        raise SchemaError(
            f"index person ids must be integers: {exc}",
            column="person_id",
            source="index",
            code="epitrace.schema.wrong_type",
        ) from exc
    return conform_index_ids(pa.table({"person_id": array}))


def _missing_person_id(names: list[str], source: str) -> SchemaError:
    return SchemaError(
        f"missing column 'person_id' (found: {', '.join(names) or 'no columns'})",
        column="person_id",
        source=source,
        code="epitrace.schema.missing_column",
    )


def read_index(path: str | Path) -> pa.Array:
    """Read index persons from a CSV (header row naming ``person_id``) or a Parquet file.

    Returns distinct ids as int64. Raises ``InputError`` (missing or unreadable file) or
    ``SchemaError`` (no ``person_id`` column, or values that are not integers).
    """
    file = Path(path)
    if not file.is_file():
        raise InputError(f"no such file: {file}", code="epitrace.input.not_found")
    source = f"index ({file})"
    if file.suffix.lower() == ".parquet":
        try:
            names = pq.read_schema(file).names
        except (OSError, pa.ArrowInvalid) as exc:
            raise InputError(
                f"cannot read {file}: {exc}", code="epitrace.input.unreadable"
            ) from exc
        if "person_id" not in names:
            raise _missing_person_id(names, source)
        return conform_index_ids(pq.read_table(file, columns=["person_id"]), source=source)
    with file.open(newline="", encoding="utf-8") as handle:
        header = next(csv.reader(handle), [])
    if "person_id" not in header:
        raise _missing_person_id(header, source)
    try:
        table = pacsv.read_csv(
            file,
            convert_options=pacsv.ConvertOptions(
                column_types={"person_id": pa.int64()}, include_columns=["person_id"]
            ),
        )
    except pa.ArrowInvalid as exc:
        raise SchemaError(
            f"column 'person_id' must hold integers: {exc}",
            column="person_id",
            source=source,
            code="epitrace.schema.wrong_type",
        ) from exc
    return conform_index_ids(table, source=source)
