"""Writes: communities and grids under townships, and units inside jurisdictions."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction

from epicontrol.core.audit import audit_record
from epicontrol.core.scoping import scope_of

from .choices import Kind, Level, UnitKind
from .errors import DuplicateName, InvalidParent, OutOfScope
from .models import Jurisdiction, Unit


def _require_scope(actor: Any, jurisdiction: Jurisdiction) -> None:
    if not scope_of(actor).covers_path(jurisdiction.path):
        raise OutOfScope(jurisdiction=jurisdiction.code)


def _next_child_code(parent: Jurisdiction) -> str:
    # Lock the parent so two users creating communities at once do not take the same number.
    Jurisdiction.objects.select_for_update().filter(pk=parent.pk).first()
    existing = Jurisdiction.objects.filter(parent=parent).values_list("code", flat=True)
    seqs = [int(c[len(parent.code) :]) for c in existing if c[len(parent.code) :].isdigit()]
    return f"{parent.code}{(max(seqs) + 1 if seqs else 1):03d}"


@transaction.atomic
def subdivision_create(
    *, actor: Any, parent: Jurisdiction, name: str, kind: str | None = None
) -> Jurisdiction:
    """Create a community/village under a township, or a grid under a community.

    Raises InvalidParent ("jurisdiction.invalid_parent"), OutOfScope
    ("jurisdiction.out_of_scope"), DuplicateName ("jurisdiction.duplicate_name").
    """
    name = (name or "").strip()
    if not name:
        raise DuplicateName("A name is required.", code="jurisdiction.name_required", field="name")
    if parent.level == Level.TOWNSHIP:
        level = Level.COMMUNITY
        kind = kind if kind in (Kind.COMMUNITY, Kind.VILLAGE) else Kind.COMMUNITY
    elif parent.level == Level.COMMUNITY:
        level, kind = Level.GRID, Kind.GRID
    else:
        raise InvalidParent(field="parent", parent_level=parent.level)
    _require_scope(actor, parent)
    if Jurisdiction.objects.filter(parent=parent, name=name).exists():
        raise DuplicateName(field="name")
    code = _next_child_code(parent)
    child = Jurisdiction.objects.create(
        code=code,
        name=name,
        level=level,
        kind=kind,
        parent=parent,
        path=f"{parent.path}{code}/",
        depth=parent.depth + 1,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    audit_record(
        actor=actor,
        action="jurisdictions.created",
        target=child,
        changes={"name": name, "level": level, "parent": parent.code},
    )
    return child


@transaction.atomic
def unit_create(
    *,
    actor: Any,
    jurisdiction: Jurisdiction,
    kind: str,
    name: str,
    address: str = "",
    capacity: int | None = None,
    contact_name: str = "",
    contact_phone: str = "",
) -> Unit:
    """Create a unit (hospital, enterprise, market …) in a jurisdiction the actor covers.

    Raises OutOfScope and DuplicateName.
    """
    if kind not in UnitKind.values:
        raise InvalidParent("Unknown unit kind.", code="unit.invalid_kind", field="kind")
    _require_scope(actor, jurisdiction)
    try:
        with transaction.atomic():
            unit = Unit.objects.create(
                jurisdiction=jurisdiction,
                kind=kind,
                name=name.strip(),
                address=address,
                capacity=capacity,
                contact_name=contact_name,
                contact_phone=contact_phone,
                created_by=actor if getattr(actor, "pk", None) else None,
            )
    except IntegrityError:
        raise DuplicateName(field="name") from None
    audit_record(
        actor=actor,
        action="units.created",
        target=unit,
        changes={"kind": kind, "name": name, "jurisdiction": jurisdiction.code},
    )
    return unit


@transaction.atomic
def unit_update(*, actor: Any, unit: Unit, **fields: Any) -> Unit:
    """Update a unit's editable fields; audited with the changed fields."""
    allowed = {"name", "address", "capacity", "contact_name", "contact_phone", "is_active"}
    locked = Unit.objects.select_for_update().get(pk=unit.pk)
    _require_scope(actor, locked.jurisdiction)
    changes = {}
    for key, value in fields.items():
        if key in allowed and getattr(locked, key) != value:
            changes[key] = [getattr(locked, key), value]
            setattr(locked, key, value)
    if changes:
        locked.save()
        audit_record(actor=actor, action="units.updated", target=locked, changes=changes)
    return locked
