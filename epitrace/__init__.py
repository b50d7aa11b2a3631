"""epitrace: time-space companion (时空伴随) tracing over location pings.

The rule (domain rules §6.1, parameters in ``CompanionParams``):

* Pings are ``(person_id int64, ts timestamp, cell_id int64)``; a cell is a spatial grid cell
  (800 m x 800 m). ``ts`` is the naive wall-clock time of the jurisdiction.
* Time is cut into slots of ``slot_minutes`` (10) counted from 1970-01-01 00:00: slot ``k`` is
  ``[k * slot, (k + 1) * slot)``. A person *occupies* (cell, slot) when they have at least one
  ping in that cell during that slot. A ping at exactly 10:10:00 is in the 10:10 slot, not the
  10:00 one.
* The window is whole days ``[start 00:00, end + 1 day 00:00)``, 14 days by default; pings
  outside it are ignored, including for cell hours.
* Hours a person spent in a cell = (distinct slots they occupy in that cell in the window) x
  slot length. With ``min_cell_hours`` (30) on, a shared cell counts for a pair only if the index
  person *or* the companion spent *more than* that many hours in that very cell (the clause
  applies per shared cell); 30 hours at 10-minute slots means at least 181 slots.
* A person is a companion of an index person when they share at least ``min_slots`` (2)
  distinct (cell, slot) pairs in counted cells. Two slots means more than one slot together,
  i.e. more than 10 minutes; being together for one whole slot (10 minutes) is not enough. Two
  cells in the same slot (e.g. at a cell boundary) are two pairs.
* An index person is never their own companion; an index person can be the companion of
  another index person (both rows are reported).
* Output: one row per (index person, companion) with ``shared_slots``, the start of the first
  and last shared slot and the sorted distinct cells involved (``COMPANIONS_SCHEMA``).
* Second hop (option): the first-hop companions who are not index persons are traced with the
  same rule; rows with ``hop = 2`` name companions who are neither index persons nor first-hop
  companions. Its size is announced (``SecondHopPlan``) before it runs.

Engines: DuckDB (default) and Spark (optional ``spark`` extra, imported lazily) behind the
``Backend`` protocol, returning identical rows. Storage for scale: ``Store`` (see ``store.py``).
This package never imports Django or epicontrol.
"""

from __future__ import annotations

from epitrace.backends.base import Backend
from epitrace.backends.duckdb import DuckDBBackend
from epitrace.engine import CompanionResult, SecondHopPlan, find_companions
from epitrace.errors import (
    EpitraceError,
    InputError,
    ParamsError,
    SchemaError,
    SecondHopRefusedError,
    StoreError,
    UnsupportedInputError,
)
from epitrace.params import CompanionParams, Window
from epitrace.schemas import COMPANIONS_SCHEMA, INDEX_SCHEMA, PINGS_SCHEMA
from epitrace.sources import ParquetPings, StoreSlice, TablePings, read_index
from epitrace.store import Store

__all__ = [
    "COMPANIONS_SCHEMA",
    "INDEX_SCHEMA",
    "PINGS_SCHEMA",
    "Backend",
    "CompanionParams",
    "CompanionResult",
    "DuckDBBackend",
    "EpitraceError",
    "InputError",
    "ParamsError",
    "ParquetPings",
    "SchemaError",
    "SecondHopPlan",
    "SecondHopRefusedError",
    "Store",
    "StoreError",
    "StoreSlice",
    "TablePings",
    "UnsupportedInputError",
    "Window",
    "find_companions",
    "read_index",
]
