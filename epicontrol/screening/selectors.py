"""Reads of the screening module, always starting from what the user may see."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Exists, OuterRef, Prefetch, QuerySet
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from epicontrol.accounts.choices import Role
from epicontrol.accounts.models import Membership
from epicontrol.core.errors import NotFound
from epicontrol.core.figures import Figure
from epicontrol.core.scoping import scope_of
from epicontrol.jurisdictions.choices import Level
from epicontrol.jurisdictions.models import Jurisdiction
from epicontrol.people.models import Person

from .choices import OPEN_STATUSES
from .models import CategoryGroup, DailyReport, LedgerEntry, LedgerEntryQuerySet, PersonCategory
from .permissions import covers_subtree
from .rollup import ledger_figures

# Lists of grids (completeness) are capped: a province has tens of thousands of grids, and the
# page is for chasing the missing ones area by area.
COMPLETENESS_CAP = 500


def category_list(*, active_only: bool = True) -> QuerySet[PersonCategory]:
    """The taxonomy (not scoped: categories are reference data)."""
    qs = PersonCategory.objects.all()
    return qs.filter(is_active=True) if active_only else qs


def group_list() -> QuerySet[CategoryGroup]:
    return CategoryGroup.objects.prefetch_related(
        Prefetch("categories", queryset=PersonCategory.objects.order_by("order", "code"))
    )


def jurisdiction_in_scope(*, user: Any, code: str) -> Jurisdiction:
    """A jurisdiction whose subtree the user covers. Raises NotFound ("not_found")."""
    j = Jurisdiction.objects.filter(code=code).first()
    if j is None or not covers_subtree(user, j.path):
        raise NotFound()
    return j


def home_jurisdiction(*, user: Any) -> Jurisdiction | None:
    """The user's widest jurisdiction (the first of their scope), or None."""
    scope = scope_of(user)
    if scope.everything:
        return Jurisdiction.objects.filter(level=Level.PROVINCE).order_by("code").first()
    if not scope.paths:
        return None
    code = scope.paths[0].rstrip("/").rsplit("/", 1)[-1]
    return Jurisdiction.objects.filter(code=code).first()


def grids_for_user(*, user: Any, limit: int = 300) -> list[Jurisdiction]:
    """Grids a user may register in: their own grids first (grid worker), then others in scope."""
    own = list(
        Jurisdiction.objects.filter(
            level=Level.GRID,
            memberships__user=user,
            memberships__role=Role.GRID_WORKER,
            memberships__is_active=True,
        )
        .current()
        .order_by("path")
        .distinct()
    )
    others = (
        Jurisdiction.objects.visible_to(user)
        .filter(level=Level.GRID)
        .current()
        .exclude(pk__in=[g.pk for g in own])
        .select_related("parent")
        .order_by("path")[: max(0, limit - len(own))]
    )
    return own + list(others)


def entry_list(
    *,
    user: Any,
    category: str | None = None,
    group: str | None = None,
    grid: str | None = None,
    jurisdiction: str | None = None,
    status: str | None = None,
    open_only: bool = False,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    q: str | None = None,
    person_id: int | None = None,
) -> LedgerEntryQuerySet:
    """Ledger entries visible to the user, newest registration first.

    ``jurisdiction`` (any level) and ``grid`` are codes; a code outside the user's area simply
    matches nothing. ``date_from``/``date_to`` bound the registration day; ``q`` is a name
    prefix. ``group`` is a category grouping code (四类人员 …).
    """
    qs = LedgerEntry.objects.visible_to(user).select_related(
        "person", "category", "grid", "grid__parent", "registered_by"
    )
    if category:
        qs = qs.filter(category__code=category)
    if group:
        qs = qs.filter(category__groups__code=group)
    if grid:
        qs = qs.filter(grid__code=grid)
    if jurisdiction:
        path = Jurisdiction.objects.filter(code=jurisdiction).values_list("path", flat=True).first()
        qs = qs.under(path) if path else qs.none()
    if status:
        qs = qs.filter(status=status)
    if open_only:
        qs = qs.filter(status__in=OPEN_STATUSES)
    if date_from:
        qs = qs.filter(registered_on__gte=date_from)
    if date_to:
        qs = qs.filter(registered_on__lte=date_to)
    if q:
        qs = qs.filter(person__name__startswith=q.strip())
    if person_id:
        qs = qs.filter(person_id=person_id)
    return qs.order_by("-registered_on", "-id")


def entry_get(*, user: Any, pk: int) -> LedgerEntry:
    """Raises NotFound ("not_found") for unknown ids and for entries outside the user's area."""
    entry = (
        LedgerEntry.objects.visible_to(user)
        .select_related("person", "category", "grid", "grid__parent", "registered_by")
        .filter(pk=pk)
        .first()
    )
    if entry is None:
        raise NotFound()
    return entry


def open_entries_for_person(person: Person) -> LedgerEntryQuerySet:
    """The person's open entries (registered or under observation), in every grid.

    Not scoped: the observation module calls it inside its own, already authorised, service
    (a person observed in another county's centralised site still has their grid's entry).
    """
    return (
        LedgerEntry.objects.filter(person=person, status__in=OPEN_STATUSES)
        .select_related("category", "grid")
        .order_by("registered_on", "id")
    )


def person_entries(*, user: Any, person: Person) -> LedgerEntryQuerySet:
    """All entries of a person that the user may see (duplicate candidates, person pages)."""
    return (
        LedgerEntry.objects.visible_to(user)
        .filter(person=person)
        .select_related("category", "grid")
        .order_by("-registered_on", "-id")
    )


def report_list(
    *,
    user: Any,
    jurisdiction: str | None = None,
    day: dt.date | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> QuerySet[DailyReport]:
    """Daily reports visible to the user, latest day first."""
    qs = DailyReport.objects.visible_to(user).select_related("grid", "grid__parent", "confirmed_by")
    if jurisdiction:
        path = Jurisdiction.objects.filter(code=jurisdiction).values_list("path", flat=True).first()
        qs = qs.filter(grid_path__startswith=path) if path else qs.none()
    if day:
        qs = qs.filter(day=day)
    if date_from:
        qs = qs.filter(day__gte=date_from)
    if date_to:
        qs = qs.filter(day__lte=date_to)
    return qs.order_by("-day", "grid_path")


def report_for(*, user: Any, grid: Jurisdiction, day: dt.date) -> DailyReport | None:
    return DailyReport.objects.visible_to(user).filter(grid=grid, day=day).first()


@dataclass
class MissingGrid:
    """A grid without a report for the day, and the grid workers responsible for it."""

    code: str
    name: str
    community_code: str
    community_name: str
    workers: list[str] = field(default_factory=list)


@dataclass
class Completeness:
    """Who has not reported on a day, under one jurisdiction."""

    jurisdiction: Jurisdiction
    day: dt.date
    grids_total: int
    grids_reported: int
    missing: list[MissingGrid]
    missing_count: int
    communities_missing: list[tuple[str, str, int, int]]  # code, name, missing, total
    capped: bool

    @property
    def grids_missing(self) -> int:
        return self.grids_total - self.grids_reported


def completeness(*, user: Any, jurisdiction: Jurisdiction, day: dt.date) -> Completeness:
    """The grids (and communities) under ``jurisdiction`` without a report on ``day``.

    Each missing grid lists its active grid workers (the responsible persons). The grid list is
    capped at ``COMPLETENESS_CAP`` rows; the counts are exact. Raises NotFound ("not_found")
    when the user's scope does not cover the jurisdiction.
    """
    if not covers_subtree(user, jurisdiction.path):
        raise NotFound()
    reported = DailyReport.objects.filter(grid=OuterRef("pk"), day=day)
    grids = (
        Jurisdiction.objects.visible_to(user)
        .filter(level=Level.GRID, path__startswith=jurisdiction.path)
        .current()
    )
    grids_total = grids.count()
    # An anti-join (NOT EXISTS), counted and listed; the total above carries no subquery.
    missing_qs = grids.filter(~Exists(reported))
    missing_count = missing_qs.count()
    # Plain values, not model instances: up to 500 grids with their communities and workers.
    missing_rows = list(
        missing_qs.order_by("path").values(
            "pk", "code", "name", "parent_id", "parent__code", "parent__name"
        )[:COMPLETENESS_CAP]
    )
    workers: dict[int, list[str]] = {}
    for grid_id, display_name, username in (
        Membership.objects.filter(
            jurisdiction_id__in=[g["pk"] for g in missing_rows],
            role=Role.GRID_WORKER,
            is_active=True,
            user__is_active=True,
        )
        .order_by("user__username")
        .values_list("jurisdiction_id", "user__display_name", "user__username")
    ):
        workers.setdefault(grid_id, []).append(display_name or username)  # as User.__str__
    missing = [
        MissingGrid(
            code=g["code"],
            name=g["name"],
            community_code=g["parent__code"] or "",
            community_name=g["parent__name"] or "",
            workers=workers.get(g["pk"], []),
        )
        for g in missing_rows
    ]
    by_community: dict[int, list[Any]] = {}
    for g in missing_rows:
        entry = by_community.setdefault(
            g["parent_id"], [g["parent__code"] or "", g["parent__name"] or "", 0]
        )
        entry[2] += 1
    community_totals = dict(
        Jurisdiction.objects.filter(parent_id__in=list(by_community), level=Level.GRID)
        .current()
        .order_by()
        .values("parent_id")
        .annotate(n=Count("pk"))
        .values_list("parent_id", "n")
    )
    communities = sorted(
        (code, name, n, int(community_totals.get(parent_id, 0)))
        for parent_id, (code, name, n) in by_community.items()
    )
    return Completeness(
        jurisdiction=jurisdiction,
        day=day,
        grids_total=grids_total,
        grids_reported=grids_total - missing_count,
        missing=missing,
        missing_count=missing_count,
        communities_missing=communities,
        capped=missing_count > len(missing_rows),
    )


def _url(name: str, **params: Any) -> str:
    query = urlencode({k: v for k, v in params.items() if v not in (None, "")})
    return f"{reverse(name)}?{query}" if query else reverse(name)


def dashboard_figures(*, user: Any, jurisdiction: Jurisdiction, day: dt.date) -> list[Figure]:
    """Screening figures for the command dashboard, scoped to ``user`` (数出一门).

    Key persons registered (total to ``day``), new on ``day``, under management, and grids
    reported / total / missing on ``day``; each links to the records behind it. A user whose
    scope does not cover ``jurisdiction`` gets figures over nothing (zeros), never another
    area's numbers.
    """
    entries = LedgerEntry.objects.visible_to(user).under(jurisdiction.path)
    figures = ledger_figures(entries, day, keys=("registered_total", "new", "under_management"))
    grids = (
        Jurisdiction.objects.visible_to(user)
        .filter(level=Level.GRID, path__startswith=jurisdiction.path)
        .current()
    )
    grids_total = grids.count()
    grids_reported = (
        DailyReport.objects.visible_to(user)
        .filter(grid_path__startswith=jurisdiction.path, day=day)
        .count()
    )
    code, iso = jurisdiction.code, day.isoformat()
    group = "screening"
    return [
        Figure(
            "screening.registered_total",
            _("Key persons registered"),
            figures["registered_total"],
            _url("screening:entries", jurisdiction=code, date_to=iso),
            group,
        ),
        Figure(
            "screening.new",
            _("Key persons registered today"),
            figures["new"],
            _url("screening:entries", jurisdiction=code, date_from=iso, date_to=iso),
            group,
        ),
        Figure(
            "screening.under_management",
            _("Key persons under management"),
            figures["under_management"],
            _url("screening:entries", jurisdiction=code, open="1"),
            group,
        ),
        Figure(
            "screening.grids_reported",
            _("Grids reported today"),
            grids_reported,
            _url("screening:rollup", jurisdiction=code, date=iso),
            group,
        ),
        Figure(
            "screening.grids_total",
            _("Grids"),
            grids_total,
            _url("screening:rollup", jurisdiction=code, date=iso),
            group,
        ),
        Figure(
            "screening.grids_missing",
            _("Grids not reported today"),
            max(0, grids_total - grids_reported),
            _url("screening:completeness", jurisdiction=code, date=iso),
            group,
        ),
    ]
