"""The public entry point: ``find_companions`` runs one or two hops and returns a checked table."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TypeAlias

import pyarrow as pa
import pyarrow.compute as pc

from epitrace.backends.base import Backend
from epitrace.backends.duckdb import DuckDBBackend
from epitrace.errors import SecondHopRefusedError
from epitrace.params import CompanionParams
from epitrace.schemas import COMPANIONS_SCHEMA, PAIRS_SCHEMA
from epitrace.sources import ParquetPings, PingSource, StoreSlice, TablePings, index_ids_of
from epitrace.store import Store

PingsInput: TypeAlias = PingSource | Store | pa.Table | str | Path | Sequence[str | Path]
IndexInput: TypeAlias = pa.Table | pa.Array | pa.ChunkedArray | Iterable[int]


@dataclass(frozen=True, slots=True)
class SecondHopPlan:
    """What the second hop is about to do, announced before it runs.

    ``sources`` first-hop companions who are not index persons become the index of hop 2.
    ``estimated_rows`` extrapolates hop 1's mean companions per index person to them: an
    estimate of the pairs hop 2 will compute (before already-known persons are dropped), not a
    bound.
    """

    sources: int
    estimated_rows: int


@dataclass(frozen=True, slots=True)
class CompanionResult:
    """The answer (``COMPANIONS_SCHEMA`` rows) and what it took."""

    table: pa.Table
    index_persons: int
    hop1_rows: int
    hop2_rows: int
    second_hop: SecondHopPlan | None
    missing_days: tuple[date, ...]
    backend: str
    seconds: float


def resolve_pings(pings: PingsInput, params: CompanionParams) -> PingSource:
    """A table, a path (store directory, Parquet file or directory) or a store, as a source."""
    if isinstance(pings, TablePings | ParquetPings | StoreSlice):
        return pings
    if isinstance(pings, Store):
        return pings.slice(params.window, params.slot_minutes)
    if isinstance(pings, pa.Table):
        return TablePings.of(pings)
    if not isinstance(pings, str | Path):
        return ParquetPings.open(pings)  # several files or directories
    if Store.is_store(pings):
        return Store.open(pings).slice(params.window, params.slot_minutes)
    return ParquetPings.open(pings)


def _hop(backend: Backend, source: PingSource, ids: pa.Array, params: CompanionParams) -> pa.Table:
    if len(ids) == 0:
        return PAIRS_SCHEMA.empty_table()
    table = backend.pairs(source, ids, params)
    if table.schema != PAIRS_SCHEMA:  # a backend bug, not bad input: fail loudly
        raise TypeError(f"backend {backend.name} returned {table.schema}, expected {PAIRS_SCHEMA}")
    return table


def _finish(pairs: pa.Table, hop: int, slot_us: int) -> pa.Table:
    """Slot numbers to slot-start timestamps, add ``hop``, in ``COMPANIONS_SCHEMA`` order."""

    def start_of(column: str) -> pa.Array:
        micros = pc.multiply(pairs.column(column), pa.scalar(slot_us, pa.int64()))
        return micros.cast(pa.timestamp("us"))

    columns = {
        "index_person_id": pairs.column("index_person_id"),
        "companion_id": pairs.column("companion_id"),
        "hop": pa.repeat(pa.scalar(hop, pa.int8()), pairs.num_rows),
        "shared_slots": pairs.column("shared_slots"),
        "first_slot": start_of("first_slot"),
        "last_slot": start_of("last_slot"),
        "cells": pairs.column("cells"),
    }
    return pa.table(columns).cast(COMPANIONS_SCHEMA)


def find_companions(
    pings: PingsInput,
    index: IndexInput,
    params: CompanionParams,
    *,
    backend: Backend | None = None,
    on_second_hop: Callable[[SecondHopPlan], bool] | None = None,
) -> CompanionResult:
    """Time-space companions of ``index`` persons in ``pings`` under ``params``.

    ``pings``: a pings table, raw Parquet (file, directory, a list of them, ``ParquetPings``),
    a ping store (directory, ``Store`` or ``StoreSlice``). ``index``: a table with
    ``person_id``, an array or ints. Returns one row per (index person, companion) for hop 1
    (``hop = 1``), ordered by (index_person_id, companion_id).

    With ``params.second_hop``, the first-hop companions who are not index persons become the
    index of a second hop over the same window and rule; its rows (``hop = 2``) keep only
    companions who are neither index persons nor first-hop companions (each person is reported at
    the nearest hop). Before it runs, ``on_second_hop`` receives the ``SecondHopPlan``; returning
    False raises ``SecondHopRefusedError``.

    Raises ``SchemaError``, ``InputError``, ``StoreError``, ``UnsupportedInputError``.
    """
    if backend is None:
        default = DuckDBBackend()
        try:
            return find_companions(
                pings, index, params, backend=default, on_second_hop=on_second_hop
            )
        finally:
            default.close()
    started = time.perf_counter()
    ids = index_ids_of(index)
    source = resolve_pings(pings, params)
    hop1 = _hop(backend, source, ids, params)
    parts = [_finish(hop1, 1, params.slot_us)]
    plan: SecondHopPlan | None = None
    hop2_rows = 0
    if params.second_hop:
        companions = pc.unique(hop1.column("companion_id"))
        sources = pc.filter(companions, pc.invert(pc.is_in(companions, value_set=ids)))
        with_rows = len(pc.unique(hop1.column("index_person_id")))
        mean = hop1.num_rows / with_rows if with_rows else 0.0
        plan = SecondHopPlan(sources=len(sources), estimated_rows=round(mean * len(sources)))
        if on_second_hop is not None and not on_second_hop(plan):
            raise SecondHopRefusedError(
                f"second hop from {plan.sources} persons (~{plan.estimated_rows} rows) refused"
            )
        hop2 = _hop(backend, source, sources, params)
        known = pa.concat_arrays([ids, companions])
        hop2 = hop2.filter(pc.invert(pc.is_in(hop2.column("companion_id"), value_set=known)))
        hop2_rows = hop2.num_rows
        parts.append(_finish(hop2, 2, params.slot_us))
    table = pa.concat_tables(parts) if len(parts) > 1 else parts[0]
    missing = source.missing_days if isinstance(source, StoreSlice) else ()
    return CompanionResult(
        table=table,
        index_persons=len(ids),
        hop1_rows=hop1.num_rows,
        hop2_rows=hop2_rows,
        second_hop=plan,
        missing_days=missing,
        backend=backend.name,
        seconds=time.perf_counter() - started,
    )
