"""Reads of the people registry, always scoped to the user's area."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q

from epicontrol.core.errors import NotFound
from epicontrol.core.identity import normalise_id_number, normalise_mobile
from epicontrol.jurisdictions.models import Jurisdiction

from .choices import IdType
from .identity import document_hash, phone_hash
from .models import Person, PersonQuerySet


def person_list(
    *, user: Any, q: str | None = None, id_number: str | None = None, phone: str | None = None,
    jurisdiction: str | None = None, id_type: str | None = None,
) -> PersonQuerySet:
    """Persons visible to the user, newest first.

    ``q`` searches the name (prefix match, index-friendly); ``id_number`` and ``phone`` are exact
    matches through the keyed hash. A malformed phone or ID simply matches nothing.
    """
    qs = Person.objects.visible_to(user).active().select_related("jurisdiction")
    if jurisdiction:
        path = Jurisdiction.objects.filter(code=jurisdiction).values_list("path", flat=True).first()
        qs = qs.filter(jurisdiction__path__startswith=path) if path else qs.none()
    if q:
        qs = qs.filter(name__startswith=q.strip())
    if id_number:
        number = normalise_id_number(id_number)
        types = [id_type] if id_type else list(IdType.values)
        qs = qs.filter(id_number_hash__in=[document_hash(t, number) for t in types])
    if phone:
        try:
            qs = qs.filter(phone_hash=phone_hash(normalise_mobile(phone)))
        except Exception:  # noqa: BLE001 - an unparsable phone matches nobody
            qs = qs.none()
    return qs.order_by("-created_at", "-id")


def person_get(*, user: Any, pk: int) -> Person:
    """Raises NotFound for unknown ids and for persons outside the user's area."""
    person = Person.objects.visible_to(user).select_related("jurisdiction", "merged_into").filter(pk=pk).first()
    if person is None:
        raise NotFound()
    return person


def person_candidates(
    *, user: Any, name: str, phone_hash: str | None, birth_date: dt.date | None,
    exclude_pk: int | None = None,
) -> PersonQuerySet:
    """Possible duplicates: same name and (same phone or same birth date)."""
    condition = Q(pk__in=[])
    if phone_hash:
        condition |= Q(phone_hash=phone_hash)
    if birth_date:
        condition |= Q(birth_date=birth_date)
    qs = Person.objects.visible_to(user).active().filter(name=name).filter(condition)
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    return qs.select_related("jurisdiction")
