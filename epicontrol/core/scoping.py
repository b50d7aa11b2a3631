"""Jurisdiction scoping: every query of an owned model starts from ``visible_to(user)``.

A user's scope is the set of division paths of their memberships (a member of 株洲市 sees
``430000/430200/`` and everything under it) plus, for unit roles (hospital staff, enterprise
liaison, checkpoint operator), the ids of their units. The tree is a materialized path, so
"this jurisdiction and below" is a prefix match that is indexable on SQLite and PostgreSQL.

core does not import accounts: the user object provides ``scope()`` (duck-typed) returning a
``Scope``; anonymous users see nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Self, TypeVar

from django.db import models
from django.db.models import Q

M = TypeVar("M", bound=models.Model)


@dataclass(frozen=True)
class Scope:
    """What one user may see: all (superuser), jurisdiction path prefixes and unit ids."""

    everything: bool = False
    paths: tuple[str, ...] = field(default=())
    unit_ids: tuple[int, ...] = field(default=())
    # Paths of the units' jurisdictions: unit roles see that chain (breadcrumb), not the subtree.
    unit_paths: tuple[str, ...] = field(default=())

    def covers_path(self, path: str) -> bool:
        return self.everything or any(path.startswith(p) for p in self.paths)

    @property
    def empty(self) -> bool:
        return not self.everything and not self.paths and not self.unit_ids


NOTHING = Scope()


def scope_of(user: Any) -> Scope:
    """The scope of a user; cached on the user object for the request."""
    if user is None or not getattr(user, "is_authenticated", False):
        return NOTHING
    cached = getattr(user, "_epicontrol_scope", None)
    if isinstance(cached, Scope):
        return cached
    if getattr(user, "is_superuser", False):
        scope = Scope(everything=True)
    else:
        scope_fn = getattr(user, "scope", None)
        scope = scope_fn() if callable(scope_fn) else NOTHING
    user._epicontrol_scope = scope
    return scope


def path_condition(lookup: str, paths: tuple[str, ...]) -> Q:
    """``Q(lookup__startswith=p1) | Q(lookup__startswith=p2) ...``; an empty Q never matches."""
    condition = Q(pk__in=[])
    for p in paths:
        condition |= Q(**{f"{lookup}__startswith": p})
    return condition


class ScopedQuerySet(models.QuerySet[M]):
    """Base queryset for every model that belongs to a jurisdiction (and possibly a unit).

    Subclasses set ``jurisdiction_path_lookup`` to the path of the owning division
    (default ``"jurisdiction__path"``) and ``unit_lookup`` to the owning unit's id lookup when
    unit-role users may see the rows of their own unit.
    """

    jurisdiction_path_lookup: str = "jurisdiction__path"
    unit_lookup: str | None = None

    def visible_to(self, user: Any) -> Self:
        scope = scope_of(user)
        if scope.everything:
            return self
        if scope.empty:
            return self.none()
        condition = path_condition(self.jurisdiction_path_lookup, scope.paths)
        if self.unit_lookup and scope.unit_ids:
            condition |= Q(**{f"{self.unit_lookup}__in": scope.unit_ids})
        return self.filter(condition)


class ScopedManager(models.Manager[M]):
    """Manager exposing ``visible_to`` directly on ``Model.objects``."""

    def visible_to(self, user: Any) -> models.QuerySet[M]:
        return self.get_queryset().visible_to(user)  # type: ignore[attr-defined]
