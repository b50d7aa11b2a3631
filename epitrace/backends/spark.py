"""Apache Spark backend (optional extra ``spark``): the same plan, for data beyond one machine.

``pyspark`` is imported when a ``SparkBackend`` is built, never at package import. Give it your
own ``SparkSession`` (a cluster) or let it start a local one (``local[2]`` by default, UI off,
bound to 127.0.0.1). Temporary views get a per-call prefix, so calls may share a session.

Timestamps: Spark reads Parquet timestamps without time zone as ``TIMESTAMP_NTZ`` (the backend
turns ``spark.sql.parquet.inferTimestampNTZ.enabled`` on for its session), and slots are computed
with ``timestampdiff`` on them, which involves no session time zone. Spark cannot read Parquet
``TIMESTAMP(NANOS)``; such raw files raise ``UnsupportedInputError`` (ingest them into a store,
which keeps slot numbers only, or write microseconds).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import TYPE_CHECKING

import pyarrow as pa
import pyarrow.compute as pc

from epitrace.errors import UnsupportedInputError
from epitrace.params import CompanionParams, Window
from epitrace.plan import SPARK, PlanShape, companion_pairs_sql, slot_of
from epitrace.schemas import PAIRS_SCHEMA
from epitrace.sources import ParquetPings, PingSource, StoreSlice, TablePings

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

LOCAL_DEFAULTS: dict[str, str] = {
    "spark.ui.enabled": "false",
    "spark.driver.host": "127.0.0.1",
    "spark.driver.bindAddress": "127.0.0.1",
    # 200 shuffle partitions (Spark's default) is pure overhead on a laptop-sized local master.
    "spark.sql.shuffle.partitions": "8",
    "spark.sql.session.timeZone": "UTC",
    "spark.ui.showConsoleProgress": "false",
}
_OCC_DDL = "person_id BIGINT, cell_id BIGINT, slot BIGINT"
_PERSON_CELLS_DDL = "person_id BIGINT, cell_id BIGINT, slots BIGINT"


def _ts_filter(window: Window) -> str:
    return (
        f"ts >= TIMESTAMP_NTZ'{window.start.isoformat()} 00:00:00' "
        f"AND ts < TIMESTAMP_NTZ'{window.end.isoformat()} 00:00:00' + INTERVAL 1 DAY"
    )


class SparkBackend:
    """Runs the rule with Spark SQL. ``close()`` stops the session only if this backend made it."""

    name = "spark"

    def __init__(
        self,
        session: SparkSession | None = None,
        *,
        master: str = "local[2]",
        config: Mapping[str, str] | None = None,
    ) -> None:
        if session is None:
            from pyspark.sql import SparkSession

            builder = SparkSession.builder.master(master).appName("epitrace")
            for key, value in {**LOCAL_DEFAULTS, **(config or {})}.items():
                builder = builder.config(key, value)
            session = builder.getOrCreate()
            session.sparkContext.setLogLevel("ERROR")
            self._owns_session = True
        else:
            self._owns_session = False
        session.conf.set("spark.sql.parquet.inferTimestampNTZ.enabled", "true")
        self.session = session

    def close(self) -> None:
        """Stop the session if this backend started it."""
        if self._owns_session:
            self.session.stop()

    def pairs(self, source: PingSource, index_ids: pa.Array, params: CompanionParams) -> pa.Table:
        """See ``Backend.pairs``."""
        prefix = f"et{uuid.uuid4().hex[:12]}_"
        with self._views(prefix) as views:
            idx = self.session.createDataFrame(pa.table({"person_id": index_ids}))
            views.append(f"{prefix}idx")
            idx.createOrReplaceTempView(f"{prefix}idx")
            shape = self._register_occupancy(source, params, prefix, views)
            sql = companion_pairs_sql(params, shape, SPARK, prefix)
            table = self.session.sql(sql).toArrow()
        return table.cast(PAIRS_SCHEMA)

    @contextmanager
    def _views(self, prefix: str) -> Iterator[list[str]]:
        views: list[str] = []
        try:
            yield views
        finally:
            for name in views:
                self.session.catalog.dropTempView(name)

    def _register_occupancy(
        self, source: PingSource, params: CompanionParams, prefix: str, views: list[str]
    ) -> PlanShape:
        spark = self.session

        def view(name: str, sql: str) -> None:
            views.append(f"{prefix}{name}")
            spark.sql(sql).createOrReplaceTempView(f"{prefix}{name}")

        if isinstance(source, StoreSlice):
            factor = params.slot_minutes // source.store_slot_minutes
            if source.occupancy_files:
                views.extend([f"{prefix}occupancy", f"{prefix}person_cells"])
                spark.read.parquet(*source.occupancy_files).createOrReplaceTempView(
                    f"{prefix}occupancy"
                )
                spark.read.parquet(*source.person_cell_files).createOrReplaceTempView(
                    f"{prefix}person_cells"
                )
                slot = "slot" if factor == 1 else f"slot DIV {factor:d}"
                view("occ", f"SELECT person_id, cell_id, {slot} AS slot FROM {prefix}occupancy")
            else:
                views.extend([f"{prefix}occ", f"{prefix}person_cells"])
                spark.createDataFrame([], _OCC_DDL).createOrReplaceTempView(f"{prefix}occ")
                spark.createDataFrame([], _PERSON_CELLS_DDL).createOrReplaceTempView(
                    f"{prefix}person_cells"
                )
            return PlanShape(occ_distinct=factor == 1, store=True)

        if isinstance(source, TablePings):
            # Hand Spark integers, not timestamps: Arrow -> Spark timestamp conversion goes
            # through the session time zone; epoch microseconds of the wall clock do not.
            table = source.table
            micros = pc.cast(table.column("ts"), pa.int64())
            frame = pa.table(
                {
                    "person_id": table.column("person_id"),
                    "ts_us": micros,
                    "cell_id": table.column("cell_id"),
                }
            )
            views.append(f"{prefix}pings_in")
            spark.createDataFrame(frame).createOrReplaceTempView(f"{prefix}pings_in")
            window = params.window
            slot = slot_of(SPARK, "ts_us", params.slot_us)
            view(
                "occ",
                f"SELECT person_id, cell_id, {slot} AS slot FROM {prefix}pings_in "
                f"WHERE ts_us >= {window.start_us:d} AND ts_us < {window.end_us:d}",
            )
        elif isinstance(source, ParquetPings):
            if source.layout.ts_unit == "ns":
                raise UnsupportedInputError(
                    "Spark cannot read Parquet TIMESTAMP(NANOS) in column 'ts'; ingest the pings "
                    "into a store (python -m epitrace ingest) or write microsecond timestamps",
                    code="epitrace.unsupported_input.spark_nanos",
                )
            views.append(f"{prefix}pings_in")
            spark.read.parquet(*source.files).createOrReplaceTempView(f"{prefix}pings_in")
            where = _ts_filter(params.window)
            if source.layout.may_have_nulls:
                where += " AND person_id IS NOT NULL AND cell_id IS NOT NULL"
            micros = (
                "timestampdiff(MICROSECOND, TIMESTAMP_NTZ'1970-01-01 00:00:00', "
                "CAST(ts AS TIMESTAMP_NTZ))"
            )
            view(
                "occ",
                "SELECT CAST(person_id AS BIGINT) AS person_id, "
                f"CAST(cell_id AS BIGINT) AS cell_id, {slot_of(SPARK, micros, params.slot_us)} "
                f"AS slot FROM {prefix}pings_in WHERE {where}",
            )
        else:  # pragma: no cover - exhaustive over PingSource
            raise TypeError(f"unsupported source {source!r}")
        return PlanShape(occ_distinct=False, store=False)
