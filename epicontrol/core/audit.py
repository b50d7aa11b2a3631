"""The audit trail writer used by every write service."""

from __future__ import annotations

import datetime as dt
import decimal
import uuid
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import models

from .models import AuditEntry

# Field names whose values must never be copied into the audit trail in clear.
SENSITIVE_FIELDS = frozenset(
    {"id_number", "id_number_enc", "id_number_hash", "phone", "phone_enc", "phone_hash", "password"}
)


def _plain(value: Any) -> Any:
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_plain(v) for v in value]
    return value


def diff_fields(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, Any]:
    """The fields that differ, as ``{field: [old, new]}``, with sensitive values redacted."""
    changes: dict[str, Any] = {}
    for key in sorted(set(before) | set(after)):
        old, new = before.get(key), after.get(key)
        if old == new:
            continue
        if key in SENSITIVE_FIELDS:
            changes[key] = ["***", "***"]
        else:
            changes[key] = [_plain(old), _plain(new)]
    return changes


def snapshot(instance: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    return {f: getattr(instance, f) for f in fields}


def _jurisdiction_path(target: models.Model) -> str:
    jurisdiction = getattr(target, "jurisdiction", None)
    path = getattr(jurisdiction, "path", None)
    if isinstance(path, str):
        return path
    own = getattr(target, "path", None)
    return own if isinstance(own, str) else ""


def audit_record(
    *,
    actor: Any,
    action: str,
    target: models.Model,
    changes: Mapping[str, Any] | None = None,
) -> AuditEntry:
    """Write one audit entry. Call inside the service's transaction so both commit together."""
    actor_obj = actor if getattr(actor, "pk", None) is not None else None
    return AuditEntry.objects.create(
        actor=actor_obj,
        action=action,
        target_type=target._meta.label_lower,
        target_id=str(target.pk),
        target_repr=str(target)[:200],
        jurisdiction_path=_jurisdiction_path(target),
        changes=_plain(dict(changes or {})),
    )


def audit_bulk(
    *,
    actor: Any,
    action: str,
    targets: Iterable[models.Model],
    changes: Mapping[str, Any] | None = None,
) -> int:
    """Audit many rows at once (imports, bulk re-plans) with one INSERT per batch."""
    actor_obj = actor if getattr(actor, "pk", None) is not None else None
    payload = _plain(dict(changes or {}))
    entries = [
        AuditEntry(
            actor=actor_obj,
            action=action,
            target_type=t._meta.label_lower,
            target_id=str(t.pk),
            target_repr=str(t)[:200],
            jurisdiction_path=_jurisdiction_path(t),
            changes=payload,
        )
        for t in targets
    ]
    AuditEntry.objects.bulk_create(entries, batch_size=2000)
    return len(entries)
