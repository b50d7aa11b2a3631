"""The jurisdiction tree (GB/T 2260 divisions, communities, grids) and the units inside it."""

from __future__ import annotations

import datetime as dt
from typing import Any, Self

from django.db import models

from epicontrol.core.models import TimeStampedModel
from epicontrol.core.scoping import ScopedQuerySet, path_condition, scope_of

from .choices import Kind, Level, UnitKind


class JurisdictionQuerySet(ScopedQuerySet["Jurisdiction"]):
    jurisdiction_path_lookup = "path"

    def visible_to(self, user: Any) -> Self:
        """A user sees their own subtrees and the chain of ancestors above them (breadcrumb).

        Unit roles see the chain down to their unit's jurisdiction, not its siblings.
        """
        scope = scope_of(user)
        if scope.everything:
            return self
        if scope.empty:
            return self.none()
        ancestor_codes: set[str] = set()
        for p in scope.paths + scope.unit_paths:
            ancestor_codes.update(c for c in p.split("/") if c)
        condition = path_condition("path", scope.paths) | models.Q(code__in=ancestor_codes)
        return self.filter(condition)

    def current(self, on: dt.date | None = None) -> JurisdictionQuerySet:
        """Units valid today (or on ``on``): retired codes such as 431121 祁阳县 are excluded."""
        if on is None:
            return self.filter(valid_to__isnull=True)
        return self.filter(models.Q(valid_from__isnull=True) | models.Q(valid_from__lte=on)).filter(
            models.Q(valid_to__isnull=True) | models.Q(valid_to__gt=on)
        )

    def administrative(self) -> JurisdictionQuerySet:
        return self.filter(is_administrative=True)


class Jurisdiction(TimeStampedModel):
    """A node of the tree: province, city, county, township (GB/T 2260 data), community or grid.

    ``path`` is the chain of codes from the province, each followed by "/", e.g.
    ``430000/430200/430203/430203001/``. "This unit and everything below" is a prefix match on
    ``path`` (indexable, identical on SQLite and PostgreSQL). Codes are the division codes: 6
    digits to county level, 9 for townships (as in the source data), and generated codes for
    communities (township + 3 digits) and grids (community + 3 digits).

    Recoded units keep their history: the old row gets ``valid_to`` and ``replaced_by``
    (祁阳县 431121 → 祁阳市 431181).
    """

    code = models.CharField(max_length=20, unique=True)
    name = models.CharField(max_length=100)
    level = models.CharField(max_length=16, choices=Level.choices)
    kind = models.CharField(max_length=32, choices=Kind.choices)
    is_administrative = models.BooleanField(
        default=True, help_text="False for statistics-only functional zones (code digits 5–6 = 7x)."
    )
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    path = models.CharField(max_length=255, unique=True)
    depth = models.PositiveSmallIntegerField(default=0)
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)
    replaced_by = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="replaces"
    )
    population = models.PositiveBigIntegerField(
        null=True, blank=True, help_text="Resident population, for rates per 100,000."
    )
    created_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = JurisdictionQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        indexes = [
            models.Index(fields=["parent", "level"]),
            models.Index(fields=["level", "code"]),
            # Prefix scans (path LIKE '430000/430200/%') on PostgreSQL need the pattern opclass
            # unless the database collation is C; the unique index alone is not used for LIKE.
            models.Index(
                fields=["path"], name="jurisdiction_path_prefix", opclasses=["varchar_pattern_ops"]
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def jurisdiction(self) -> Jurisdiction:
        """A jurisdiction owns itself (lets audit and scoping treat it like any owned record)."""
        return self

    @property
    def is_current(self) -> bool:
        return self.valid_to is None

    def ancestor_codes(self) -> list[str]:
        return [c for c in self.path.split("/") if c]

    def ancestors(self) -> list[Jurisdiction]:
        """From the province down to this unit (inclusive), in one query."""
        codes = self.ancestor_codes()
        found = {j.code: j for j in Jurisdiction.objects.filter(code__in=codes)}
        return [found[c] for c in codes if c in found]

    def descendants(self) -> JurisdictionQuerySet:
        return Jurisdiction.objects.filter(path__startswith=self.path).exclude(pk=self.pk)


class UnitQuerySet(ScopedQuerySet["Unit"]):
    unit_lookup = "id"


class Unit(TimeStampedModel):
    """An organisation or place inside a jurisdiction: hospital, enterprise, market, checkpoint …

    Each is a possible inspection target and the scope of unit roles (hospital staff, enterprise
    liaison, checkpoint operator). Kind-specific figures (beds, rooms, staff) live in the apps of
    those modules, keyed to the unit.
    """

    kind = models.CharField(max_length=32, choices=UnitKind.choices, db_index=True)
    name = models.CharField(max_length=200)
    jurisdiction = models.ForeignKey(Jurisdiction, on_delete=models.PROTECT, related_name="units")
    address = models.CharField(max_length=300, blank=True)
    contact_name = models.CharField(max_length=50, blank=True)
    contact_phone = models.CharField(max_length=20, blank=True)
    capacity = models.PositiveIntegerField(
        null=True, blank=True, help_text="Beds, rooms or staff, depending on the kind."
    )
    is_active = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = UnitQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["jurisdiction", "kind", "name"], name="unit_unique_name"
            )
        ]

    def __str__(self) -> str:
        return self.name
