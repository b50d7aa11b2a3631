"""Writing many ledger entries at once, with one audit entry each.

On PostgreSQL the entries and their audit rows go in with ``COPY`` (ids taken from the
sequence first), as ``people.bulk`` does for persons: Django's bulk INSERT and ``audit_bulk``
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
from epicontrol.core.models import AuditEntry
from epicontrol.jurisdictions.models import Jurisdiction

from .choices import EntryStatus
from .models import LedgerEntry, PersonCategory

ACTION = "screening.entry_registered"
AUDIT_FIELDS = (
    "actor",
    "action",
    "target_type",
    "target_id",
    "target_repr",
    "jurisdiction_path",
    "changes",
    "created_at",
)


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
    quote = connection.ops.quote_name
    fields = list(LedgerEntry._meta.concrete_fields)
    attnames = [f.attname for f in fields]
    entry_columns = ", ".join(quote(f.column) for f in fields)
    column_of = {f.name: f.column for f in AuditEntry._meta.concrete_fields}
    audit_columns = ", ".join(quote(column_of[f]) for f in AUDIT_FIELDS)
    payload = json.dumps(changes)
    target_type = LedgerEntry._meta.label_lower
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [LedgerEntry._meta.db_table, len(entries)],
        )
        ids = [pk for (pk,) in cursor.fetchall()]
        table = quote(LedgerEntry._meta.db_table)
        with cursor.cursor.copy(f"COPY {table} ({entry_columns}) FROM STDIN") as copy:
            for e, pk in zip(entries, ids, strict=True):
                values = _values(e, actor_id=actor_id, now=now)
                values["id"] = pk
                copy.write_row([values[a] for a in attnames])
        table = quote(AuditEntry._meta.db_table)
        with cursor.cursor.copy(f"COPY {table} ({audit_columns}) FROM STDIN") as copy:
            for e, pk in zip(entries, ids, strict=True):
                copy.write_row(
                    [
                        actor_id,
                        ACTION,
                        target_type,
                        str(pk),
                        f"LedgerEntry #{pk}",  # LedgerEntry.__str__
                        e.grid.path,
                        payload,
                        now,
                    ]
                )
    return ids
