"""Reads of the jurisdiction tree, always starting from what the user may see."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q

from epicontrol.core.errors import NotFound
from epicontrol.core.scoping import scope_of

from .models import Jurisdiction, JurisdictionQuerySet, Unit, UnitQuerySet


def jurisdiction_list(
    *,
    user: Any,
    parent: str | None = None,
    level: str | None = None,
    q: str | None = None,
    include_retired: bool = False,
) -> JurisdictionQuerySet:
    qs = Jurisdiction.objects.visible_to(user)
    if not include_retired:
        qs = qs.current()
    if parent:
        qs = qs.filter(parent__code=parent)
    if level:
        qs = qs.filter(level=level)
    if q:
        qs = qs.filter(Q(name__contains=q) | Q(code__startswith=q))
    return qs.order_by("code")


def jurisdiction_get(*, user: Any, code: str) -> Jurisdiction:
    """Raises NotFound ("not_found") for unknown codes and for codes outside the user's view."""
    j = (
        Jurisdiction.objects.visible_to(user)
        .filter(code=code)
        .select_related("parent", "replaced_by")
        .first()
    )
    if j is None:
        raise NotFound()
    return j


def can_see_subtree(user: Any, jurisdiction: Jurisdiction) -> bool:
    """True when the user's scope covers this jurisdiction (not merely its breadcrumb)."""
    return scope_of(user).covers_path(jurisdiction.path)


def jurisdiction_children(*, user: Any, jurisdiction: Jurisdiction) -> JurisdictionQuerySet:
    if not can_see_subtree(user, jurisdiction):
        # Above the user's own area only the chain down to it is shown, never siblings.
        return Jurisdiction.objects.visible_to(user).current().filter(parent=jurisdiction)
    return (
        Jurisdiction.objects.filter(parent=jurisdiction)
        .current()
        .annotate(n_children=Count("children"))
        .order_by("code")
    )


def home_jurisdictions(*, user: Any) -> list[Jurisdiction]:
    """The roots of the user's area (superusers: the provinces)."""
    scope = scope_of(user)
    if scope.everything:
        return list(Jurisdiction.objects.filter(level="province").order_by("code"))
    codes = [p.rstrip("/").rsplit("/", 1)[-1] for p in scope.paths + scope.unit_paths]
    return list(Jurisdiction.objects.filter(code__in=codes).order_by("path"))


def unit_list(
    *, user: Any, jurisdiction: Jurisdiction | None = None, kind: str | None = None
) -> UnitQuerySet:
    qs = Unit.objects.visible_to(user).select_related("jurisdiction")
    if jurisdiction is not None:
        qs = qs.filter(jurisdiction__path__startswith=jurisdiction.path)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("jurisdiction__path", "name")


def unit_get(*, user: Any, pk: int) -> Unit:
    unit = Unit.objects.visible_to(user).select_related("jurisdiction").filter(pk=pk).first()
    if unit is None:
        raise NotFound()
    return unit
