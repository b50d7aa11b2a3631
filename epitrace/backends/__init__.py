"""Backends that run the rule: DuckDB (default, one machine) and Spark (optional, a cluster)."""

from __future__ import annotations

from epitrace.backends.base import Backend
from epitrace.backends.duckdb import DuckDBBackend

BACKEND_NAMES = ("duckdb", "spark")


def get_backend(
    name: str,
    *,
    threads: int | None = None,
    memory_limit: str | None = None,
    spark_master: str = "local[2]",
) -> Backend:
    """Build a backend by name; DuckDB options apply to DuckDB, ``spark_master`` to Spark.

    Spark is imported only when asked for.
    """
    if name == "duckdb":
        return DuckDBBackend(threads=threads, memory_limit=memory_limit)
    if name == "spark":
        from epitrace.backends.spark import SparkBackend

        return SparkBackend(master=spark_master)
    raise ValueError(f"unknown backend {name!r}; choose one of {', '.join(BACKEND_NAMES)}")


__all__ = ["BACKEND_NAMES", "Backend", "DuckDBBackend", "get_backend"]
