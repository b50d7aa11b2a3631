"""Backends that run the rule: DuckDB (default, one machine) and Spark (optional, a cluster)."""

from __future__ import annotations

from epitrace.backends.base import Backend
from epitrace.backends.duckdb import DuckDBBackend

BACKEND_NAMES = ("duckdb", "spark")


def get_backend(name: str, **options: object) -> Backend:
    """Build a backend by name. Spark is imported only when asked for."""
    if name == "duckdb":
        return DuckDBBackend(**options)  # type: ignore[arg-type]  # options come from the CLI
    if name == "spark":
        from epitrace.backends.spark import SparkBackend

        return SparkBackend(**options)  # type: ignore[arg-type]  # options come from the CLI
    raise ValueError(f"unknown backend {name!r}; choose one of {', '.join(BACKEND_NAMES)}")


__all__ = ["BACKEND_NAMES", "Backend", "DuckDBBackend", "get_backend"]
