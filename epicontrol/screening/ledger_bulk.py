"""Writing many ledger entries at once, with one audit entry each.

On PostgreSQL the entries and their audit rows go in with ``COPY`` (``core.bulk``), as
``people.bulk`` does for persons: Django's bulk INSERT and ``audit_bulk``
cost several times more for 100,000 rows. Elsewhere (SQLite) it is ``bulk_create`` and
``core.audit.audit_bulk``; both paths write the same audit rows field for field.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.utils import timezone

from epicontrol.core.audit import audit_bulk
from epicontrol.core.bulk import copy_with_audit
from epicontrol.jurisdictions.models import Jurisdiction

from .choices import EntryStatus
from .models import LedgerEntry, PersonCategory

ACTION = "screening.entry_registered"


@dataclass(frozen=True)
class NewEntry:
    """A validated entry to insert (the person exists, the duplicate checks are done)."""

    person_id: int
    category: PersonCategory
    grid: Jurisdiction
    source: str
    origin: str
    arrival_date: dt.date | None
    registered_on: dt.date
    notes: str


def _values(e: NewEntry, *, actor_id: int | None, now: dt.datetime) -> dict[str, Any]:
    return {
        "id": None,
        "created_at": now,
        "updated_at": now,
        "person_id": e.person_id,
        "category_id": e.category.pk,
        "source": e.source,
        "origin": e.origin,
        "arrival_date": e.arrival_date,
        "grid_id": e.grid.pk,
        "grid_path": e.grid.path,
        "status": EntryStatus.REGISTERED.value,
        "registered_on": e.registered_on,
        "registered_at": now,
        "registered_by_id": actor_id,
        "observation_started_on": None,
        "closed_on": None,
        "status_changed_at": None,
        "status_reason": "",
        "notes": e.notes,
    }


def entries_insert(*, actor: Any, entries: list[NewEntry], changes: dict[str, Any]) -> list[int]:
    """Insert the entries and one "screening.entry_registered" audit entry each; their ids.

    The caller validated the rows and holds the transaction; a unique violation (a concurrent
    registration of the same person and category) raises IntegrityError.
    """
    if not entries:
        return []
    actor_id = actor.pk if getattr(actor, "pk", None) else None
    now = timezone.now()
    if connection.vendor == "postgresql":
        return _copy(entries, actor_id=actor_id, now=now, changes=changes)
    attnames = [f.attname for f in LedgerEntry._meta.concrete_fields]
    grid_field = LedgerEntry._meta.get_field("grid")
    rows = []
    for e in entries:
        values = _values(e, actor_id=actor_id, now=now)
        entry = LedgerEntry(*[values[a] for a in attnames])
        grid_field.set_cached_value(entry, e.grid)  # audit_bulk reads the grid's path
        rows.append(entry)
    LedgerEntry.objects.bulk_create(rows, batch_size=2000)
    audit_bulk(actor=actor, action=ACTION, targets=rows, changes=changes)
    return [e.pk for e in rows]


def _copy(
    entries: list[NewEntry], *, actor_id: int | None, now: dt.datetime, changes: dict[str, Any]
) -> list[int]:
    payload = json.dumps(changes)
    target_type = LedgerEntry._meta.label_lower

    def audit_row(i: int, pk: int) -> list[Any]:
        # As audit_bulk writes it; "LedgerEntry #<pk>" is LedgerEntry.__str__.
        path = entries[i].grid.path
        return [actor_id, ACTION, target_type, str(pk), f"LedgerEntry #{pk}", path, payload, now]

    values = (_values(e, actor_id=actor_id, now=now) for e in entries)
    return copy_with_audit(LedgerEntry, len(entries), values, audit_row)
