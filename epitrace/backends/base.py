"""The backend protocol: one hop of the co-location rule on some engine."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

import pyarrow as pa

from epitrace.params import CompanionParams
from epitrace.sources import PingSource


@runtime_checkable
class Backend(Protocol):
    """Runs one hop of the rule. DuckDB is the default; Spark is the optional cluster engine.

    Implementations must return exactly the same rows for the same inputs (the tests check it).
    """

    @property
    def name(self) -> str:
        """Short name used on the command line (``duckdb``, ``spark``)."""
        ...

    def pairs(self, source: PingSource, index_ids: pa.Array, params: CompanionParams) -> pa.Table:
        """Companion pairs of ``index_ids`` in ``source`` over ``params.window``.

        ``source`` is already schema-checked; ``index_ids`` are distinct int64 ids. Returns rows of
        ``PAIRS_SCHEMA`` (slot numbers, not timestamps) ordered by (index_person_id,
        companion_id). Raises ``UnsupportedInputError`` for a source this engine cannot read.
        """
        ...

    def close(self) -> None:
        """Release what the backend started (a local Spark session); idempotent."""
        ...
