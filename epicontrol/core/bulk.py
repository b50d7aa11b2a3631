"""Inserting many new rows with one audit entry each, with ``COPY`` on PostgreSQL.

Imports of 100,000 rows (persons, ledger entries) spend most of their time in Django's bulk
INSERT and ``audit_bulk``; ``COPY`` of the same rows and audit entries costs several times less.
The ids are taken from the table's sequence first, so the audit rows can name their targets.
Callers keep the portable path (``bulk_create`` + ``core.audit.audit_bulk``) for SQLite and write
the audit rows as ``audit_bulk`` would, field for field.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.db import connection, models

from .models import AuditEntry

# The AuditEntry fields a COPY writes, in the order of an ``audit_row``.
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


def copy_with_audit(
    model: type[models.Model],
    count: int,
    values: Iterable[dict[str, Any]],
    audit_row: Callable[[int, int], Sequence[Any]],
) -> list[int]:
    """COPY ``count`` new rows of ``model`` and one audit entry each; the new ids, in order.

    ``values`` yields each row's stored values by attname (``id`` is filled in here; JSON fields
    are serialized here); ``audit_row(i, pk)`` gives row ``i``'s audit entry in
    ``AUDIT_FIELDS`` order, with ``changes`` already JSON. PostgreSQL only; the caller holds
    the transaction.
    """
    quote = connection.ops.quote_name
    fields = list(model._meta.concrete_fields)
    attnames = [f.attname for f in fields]
    json_attnames = [f.attname for f in fields if isinstance(f, models.JSONField)]
    columns = ", ".join(quote(f.column) for f in fields)
    column_of = {f.name: f.column for f in AuditEntry._meta.concrete_fields}
    audit_columns = ", ".join(quote(column_of[f]) for f in AUDIT_FIELDS)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [model._meta.db_table, count],
        )
        ids = [pk for (pk,) in cursor.fetchall()]
        table = quote(model._meta.db_table)
        with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for row, pk in zip(values, ids, strict=True):
                row["id"] = pk
                for name in json_attnames:
                    row[name] = json.dumps(row[name])
                copy.write_row([row[a] for a in attnames])
        table = quote(AuditEntry._meta.db_table)
        with cursor.cursor.copy(f"COPY {table} ({audit_columns}) FROM STDIN") as copy:
            for i, pk in enumerate(ids):
                copy.write_row(audit_row(i, pk))
    return ids
