"""A brute-force, pure-Python statement of the rule, used by the tests as the oracle.

It follows the definition word by word, with no joins, SQL or shortcuts, so that the engines can
be checked against something obviously right. It is quadratic: small inputs only.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime, timedelta
from fractions import Fraction
from typing import Any

from epitrace.params import CompanionParams

EPOCH_DT = datetime(1970, 1, 1)  # noqa: DTZ001 - pings are naive wall-clock times by contract
Ping = tuple[int, datetime, int]  # (person_id, ts, cell_id)


def _occupancy(pings: Iterable[Ping], params: CompanionParams) -> dict[int, set[tuple[int, int]]]:
    """person -> set of (cell, slot) with at least one ping inside the window."""
    start = datetime.combine(params.window.start, datetime.min.time())
    end = datetime.combine(params.window.end, datetime.min.time()) + timedelta(days=1)
    slot = timedelta(minutes=params.slot_minutes)
    occupancy: dict[int, set[tuple[int, int]]] = defaultdict(set)
    for person, ts, cell in pings:
        if start <= ts < end:
            occupancy[person].add((cell, (ts - EPOCH_DT) // slot))
    return occupancy


def _one_hop(
    occupancy: dict[int, set[tuple[int, int]]], index: Iterable[int], params: CompanionParams
) -> list[dict[str, Any]]:
    slot = timedelta(minutes=params.slot_minutes)
    limit = None if params.min_cell_hours is None else Fraction(str(params.min_cell_hours))

    def hours(person: int, cell: int) -> Fraction:
        slots = sum(1 for c, _ in occupancy.get(person, ()) if c == cell)
        return Fraction(slots * params.slot_minutes, 60)

    rows = []
    for i in sorted(set(index)):
        mine = occupancy.get(i, set())
        for other in sorted(occupancy):
            if other == i:
                continue  # never one's own companion
            shared = mine & occupancy[other]
            if limit is not None:
                shared = {
                    (cell, s)
                    for cell, s in shared
                    if hours(i, cell) > limit or hours(other, cell) > limit
                }
            if len(shared) < params.min_slots:
                continue
            slots = [s for _, s in shared]
            rows.append(
                {
                    "index_person_id": i,
                    "companion_id": other,
                    "shared_slots": len(shared),
                    "first_slot": EPOCH_DT + min(slots) * slot,
                    "last_slot": EPOCH_DT + max(slots) * slot,
                    "cells": sorted({cell for cell, _ in shared}),
                }
            )
    return rows


def reference_companions(
    pings: Iterable[Ping], index: Iterable[int], params: CompanionParams
) -> list[dict[str, Any]]:
    """Rows of ``COMPANIONS_SCHEMA`` (as dicts) in the engine's order: hop, index, companion."""
    index_set = set(index)
    occupancy = _occupancy(pings, params)
    hop1 = [{**row, "hop": 1} for row in _one_hop(occupancy, index_set, params)]
    if not params.second_hop:
        return hop1
    first = {row["companion_id"] for row in hop1}
    known = index_set | first
    hop2 = [
        {**row, "hop": 2}
        for row in _one_hop(occupancy, first - index_set, params)
        if row["companion_id"] not in known
    ]
    return hop1 + hop2
