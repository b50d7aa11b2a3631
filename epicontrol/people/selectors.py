"""Reads of the people registry, always scoped to the user's area.

Exact searches by ID number or phone go through the keyed hash only: the clear value is hashed
in Python and never reaches a query parameter (nor, therefore, the SQL log).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import models
from django.db.models import Q, QuerySet

from epicontrol.core.errors import NotFound
from epicontrol.core.identity import InvalidPhone, normalise_id_number, normalise_mobile
from epicontrol.core.models import AuditEntry
from epicontrol.core.scoping import path_condition, scope_of
from epicontrol.jurisdictions.models import Jurisdiction

from .choices import IdType
from .identity import document_hash, phone_hash
from .models import Person, PersonQuerySet


def person_list(
    *,
    user: Any,
    q: str | None = None,
    id_number: str | None = None,
    phone: str | None = None,
    jurisdiction: str | None = None,
    id_type: str | None = None,
) -> PersonQuerySet:
    """Active persons visible to the user, newest first.

    ``q`` searches the name (prefix match, index-friendly); ``id_number`` and ``phone`` are exact
    matches through the keyed hash; ``jurisdiction`` (a code) narrows to that unit and below.
    A malformed phone or ID simply matches nothing.
    """
    qs = Person.objects.visible_to(user).active().select_related("jurisdiction")
    if jurisdiction:
        path = Jurisdiction.objects.filter(code=jurisdiction.strip()).values_list("path", flat=True)
        first = path.first()
        qs = qs.filter(jurisdiction_path__startswith=first) if first else qs.none()
    if q and q.strip():
        qs = qs.filter(name__startswith=q.strip())
    if id_number and id_number.strip():
        number = normalise_id_number(id_number)
        types = [id_type] if id_type in IdType.values else list(IdType.values)
        qs = qs.filter(id_number_hash__in=[document_hash(t, number) for t in types])
    if phone and phone.strip():
        try:
            qs = qs.filter(phone_hash=phone_hash(normalise_mobile(phone)))
        except InvalidPhone:
            qs = qs.none()
    return qs.order_by("-created_at", "-id")


def person_get(*, user: Any, pk: int) -> Person:
    """A person the user may see, merged ones included (their page says where they went).

    Raises NotFound for unknown ids and for persons outside the user's area.
    """
    person = (
        Person.objects.visible_to(user)
        .select_related("jurisdiction", "merged_into")
        .filter(pk=pk)
        .first()
    )
    if person is None:
        raise NotFound()
    return person


def person_candidates(
    *,
    user: Any,
    name: str,
    phone_hash: str | None,
    birth_date: dt.date | None,
    exclude_pk: int | None = None,
) -> PersonQuerySet:
    """Possible duplicates visible to the user: same name and (same phone or same birth date)."""
    condition = Q(pk__in=[])
    if phone_hash:
        condition |= Q(phone_hash=phone_hash)
    if birth_date:
        condition |= Q(birth_date=birth_date)
    qs = Person.objects.visible_to(user).active().filter(name=name).filter(condition)
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    return qs.select_related("jurisdiction").order_by("-created_at", "-id")


def person_links() -> list[tuple[type[models.Model], str]]:
    """Every (model, field name) that points at Person, found from the model registry.

    Merge moves all of them, including links of modules added later, with no list to maintain.
    Hidden relations count too (``related_name="+"``, and the through tables of many-to-many
    fields to Person). The merge trail itself (``merged_into``) is not a link.
    """
    links: list[tuple[type[models.Model], str]] = []
    for rel in Person._meta.get_fields(include_hidden=True):
        if not rel.auto_created or rel.concrete or rel.related_model is Person:
            continue  # forward fields, and merged_from (the merge trail)
        if rel.one_to_many or rel.one_to_one:
            model = rel.related_model
            assert isinstance(model, type) and issubclass(model, models.Model)
            links.append((model, rel.field.name))  # type: ignore[union-attr]
    return links


def person_link_counts(*, person: Person) -> list[tuple[str, str, int]]:
    """``(model label, verbose name plural, rows)`` for each kind of record linked to the person.

    One COUNT per linked model; only kinds with rows are returned.
    """
    out = []
    for model, field in person_links():
        n = model._default_manager.filter(**{field: person.pk}).count()
        if n:
            out.append((model._meta.label_lower, str(model._meta.verbose_name_plural), n))
    return out


def person_audit_trail(*, person: Person, limit: int = 100) -> QuerySet[AuditEntry]:
    """The audit entries of a person (the caller has already checked the person is visible)."""
    return (
        AuditEntry.objects.filter(target_type=Person._meta.label_lower, target_id=str(person.pk))
        .select_related("actor")
        .order_by("-created_at", "-id")[:limit]
    )


def jurisdiction_choices(*, user: Any, limit: int = 400) -> list[tuple[str, str]]:
    """``(code, name)`` of the units a user may register persons in, broadest first.

    A hint list for the forms (a datalist); any code in the user's area is accepted.
    """
    scope = scope_of(user)
    if scope.empty:
        return []
    qs = Jurisdiction.objects.current()
    if not scope.everything:
        qs = qs.filter(path_condition("path", scope.paths))
    return list(qs.order_by("depth", "path").values_list("code", "name")[:limit])


def persons_by_ids(*, user: Any, ids: list[int]) -> PersonQuerySet:
    """The visible persons among ``ids`` (candidate lists), newest first."""
    return (
        Person.objects.visible_to(user)
        .filter(pk__in=ids)
        .select_related("jurisdiction")
        .order_by("-created_at", "-id")
    )
