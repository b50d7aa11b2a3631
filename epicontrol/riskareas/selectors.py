"""Reads of the risk-level module, always limited to the counties the user may see.

A user sees the counties inside their own jurisdiction (a county officer their county, a city
officer the city's counties, the province all of them); a sibling county is absent from lists
and a 404 on detail. ``current_levels`` and ``dashboard_figures`` are the providers the
dashboard (``epicontrol.reports``) calls.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from epicontrol.core.errors import NotFound
from epicontrol.core.figures import Figure
from epicontrol.core.scoping import path_condition, scope_of
from epicontrol.jurisdictions.models import Jurisdiction, JurisdictionQuerySet

from .choices import SEVERITY, Band, OverrideStatus, RiskLevelCode, band_of
from .counties import counties_on, is_county
from .errors import NotACounty
from .models import (
    RiskAssessment,
    RiskLevel,
    RiskLevelChange,
    RiskOverride,
    RiskOverrideQuerySet,
)
from .permissions import can_decide, can_propose
from .policy import designating_scheme, load_schemes, scheme_get
from .timeline import designations_as_of


@dataclass(frozen=True)
class CountyLevel:
    """One county's level on a day, as lists, the API and the dashboard show it."""

    code: str
    name: str
    parent_code: str
    level: str | None  # None: not assessed
    band: str | None
    level_label: str
    scheme: str
    is_override: bool
    effective_from: dt.date | None
    computed_at: dt.datetime | None
    reasons: list[dict[str, Any]]
    url: str
    inherited_from: str | None = None


@dataclass(frozen=True)
class LevelCounts:
    """Counties per band: "2020-02-23: 0 high / 44 medium / 78 low of 122"."""

    high: int = 0
    medium: int = 0
    low: int = 0
    unassessed: int = 0

    @property
    def total(self) -> int:
        return self.high + self.medium + self.low + self.unassessed


@dataclass(frozen=True)
class RiskList:
    day: dt.date
    parent: Jurisdiction | None
    scheme: str | None
    items: list[CountyLevel]
    counts: LevelCounts
    by_level: dict[str, int] = field(default_factory=dict)


def level_label(level: str | None) -> str:
    return str(RiskLevelCode(level).label) if level else pgettext("risk level", "Not assessed")


def _parent_code(path: str) -> str:
    parts = [p for p in path.split("/") if p]
    return parts[-2] if len(parts) >= 2 else ""


def visible_counties(user: Any, day: dt.date, *, root: Jurisdiction | None) -> JurisdictionQuerySet:
    """Counties on ``day`` inside the user's own area (never the ancestors' siblings)."""
    scope = scope_of(user)
    qs = counties_on(day, root_path=root.path if root else None)
    if scope.everything:
        return qs
    return qs.filter(path_condition("path", scope.paths))


def resolve_parent(user: Any, parent_code: str | None) -> Jurisdiction | None:
    """The division a list is for: the given code if the user may see it, else their home.

    Raises NotFound for a code the user may not see (a sibling's) or that does not exist.
    """
    if parent_code:
        parent = Jurisdiction.objects.visible_to(user).filter(code=parent_code).first()
        if parent is None:
            raise NotFound()
        return parent
    scope = scope_of(user)
    if scope.everything or not scope.paths:
        return None
    home = scope.paths[0].rstrip("/").rsplit("/", 1)[-1]
    return Jurisdiction.objects.filter(code=home).first()


def _county_url(base: str, code: str) -> str:
    # The county page is "<code>/" under the list (urls.py); reverse() once, not per row.
    return f"{base}{code}/"


def _official_levels(counties: list[Jurisdiction], day: dt.date) -> list[CountyLevel]:
    current = designations_as_of([c.pk for c in counties], day)
    # The reasons shown are the day's own computation when the designation comes from it.
    wanted = {
        (c.pk, d.change.scheme)
        for c in counties
        if (d := current.get(c.pk)) is not None and not d.change.is_override
    }
    day_assessments = {
        (a.jurisdiction_id, a.scheme): a
        for a in RiskAssessment.objects.filter(
            day=day,
            jurisdiction_id__in=[pk for pk, _ in wanted],
            scheme__in={scheme for _, scheme in wanted},
        ).only("jurisdiction_id", "scheme", "level", "reasons", "updated_at")
    }
    base = reverse("riskareas:list")
    items = []
    for c in counties:
        found = current.get(c.pk)
        change = found.change if found is not None else None
        level = (change.to_level or None) if change is not None else None
        same_day = day_assessments.get((c.pk, change.scheme)) if change is not None else None
        if same_day is not None and same_day.level != level:
            same_day = None  # a level set before this day's computation: keep its own reasons
        items.append(
            CountyLevel(
                code=c.code,
                name=c.name,
                parent_code=_parent_code(c.path),
                level=level,
                band=band_of(level),
                level_label=level_label(level),
                scheme=change.scheme if change is not None else "",
                is_override=change is not None and change.is_override,
                effective_from=change.effective_from if change is not None else None,
                computed_at=(
                    same_day.updated_at
                    if same_day is not None
                    else (change.created_at if change is not None else None)
                ),
                reasons=list(
                    same_day.reasons
                    if same_day is not None
                    else (change.reasons if change is not None else [])
                ),
                url=_county_url(base, c.code),
                inherited_from=found.inherited_from if found is not None else None,
            )
        )
    return items


def _scheme_levels(counties: list[Jurisdiction], day: dt.date, scheme: str) -> list[CountyLevel]:
    assessments = {
        a.jurisdiction_id: a
        for a in RiskAssessment.objects.filter(day=day, scheme=scheme, jurisdiction__in=counties)
    }
    base = reverse("riskareas:list")
    items = []
    for c in counties:
        a = assessments.get(c.pk)
        level = a.level if a is not None else None
        items.append(
            CountyLevel(
                code=c.code,
                name=c.name,
                parent_code=_parent_code(c.path),
                level=level,
                band=band_of(level),
                level_label=level_label(level),
                scheme=scheme if a is not None else "",
                is_override=False,
                effective_from=day if a is not None else None,
                computed_at=a.updated_at if a is not None else None,
                reasons=list(a.reasons) if a is not None else [],
                url=_county_url(base, c.code),
            )
        )
    return items


def level_counts(items: list[CountyLevel]) -> LevelCounts:
    bands = [i.band for i in items]
    return LevelCounts(
        high=bands.count(Band.HIGH),
        medium=bands.count(Band.MEDIUM),
        low=bands.count(Band.LOW),
        unassessed=bands.count(None),
    )


def risk_level_list(
    *,
    user: Any,
    parent_code: str | None = None,
    day: dt.date | None = None,
    level: str | None = None,
    scheme: str | None = None,
) -> RiskList:
    """The counties under ``parent_code`` visible to the user, with their level on ``day``.

    Without ``scheme``: the official designation (override or computed, from the history).
    With ``scheme``: what that scheme computed on the day. ``level`` filters the items by band
    (low / medium / high) or exact level; the counts are always of all the counties listed.
    Raises NotFound for a parent outside the user's view and SchemeNotFound
    ("risk_level.unknown_scheme").
    """
    day = day or timezone.localdate()
    parent = resolve_parent(user, parent_code)
    if scheme:
        scheme_get(scheme)
    counties = list(visible_counties(user, day, root=parent).only("id", "code", "name", "path"))
    items = _scheme_levels(counties, day, scheme) if scheme else _official_levels(counties, day)
    counts = level_counts(items)
    by_level: dict[str, int] = {}
    for item in items:
        if item.level:
            by_level[item.level] = by_level.get(item.level, 0) + 1
    if level:
        items = [i for i in items if level in (i.band, i.level)]
    return RiskList(
        day=day, parent=parent, scheme=scheme, items=items, counts=counts, by_level=by_level
    )


def current_levels(*, user: Any, parent_code: str, day: dt.date) -> list[CountyLevel]:
    """Dashboard provider: every visible county under ``parent_code`` with its level on ``day``."""
    return risk_level_list(user=user, parent_code=parent_code, day=day).items


def dashboard_figures(*, user: Any, jurisdiction: Jurisdiction, day: dt.date) -> list[Figure]:
    """Counts of high / medium / low counties under ``jurisdiction`` on ``day`` (scoped).

    Values are None ("no data") when no county listed has ever been designated.
    """
    try:
        result = risk_level_list(user=user, parent_code=jurisdiction.code, day=day)
    except NotFound:
        return []
    counts = result.counts
    assessed = counts.total - counts.unassessed
    base = reverse("riskareas:list")
    query = f"?parent={jurisdiction.code}&date={day.isoformat()}"
    rows = [
        ("high", _("High-risk counties"), counts.high),
        ("medium", _("Medium-risk counties"), counts.medium),
        ("low", _("Low-risk counties"), counts.low),
    ]
    return [
        Figure(
            key=f"riskareas.{key}",
            label=label,
            value=value if assessed else None,
            url=f"{base}{query}&level={key}",
            group="riskareas",
        )
        for key, label, value in rows
    ]


def latest_computed_day(*, user: Any) -> dt.date | None:
    """The latest day computed for a county the user may see.

    Read from the one-row-per-county ``RiskLevel`` (its ``computed_on``), not from the
    assessments: a max over a province-year of assessments joined to the tree costs far more.
    """
    day: dt.date | None = RiskLevel.objects.visible_to(user).aggregate(latest=Max("computed_on"))[
        "latest"
    ]
    return day


@dataclass(frozen=True)
class CountyHistory:
    county: Jurisdiction
    current: CountyLevel
    computed_level: str | None
    changes: list[RiskLevelChange]
    assessments: list[RiskAssessment]
    overrides: list[RiskOverride]
    pending: RiskOverride | None
    can_propose: bool
    levels: list[tuple[str, str]]


def county_get(*, user: Any, code: str) -> Jurisdiction:
    """A county the user may see. Raises NotFound, NotACounty ("risk_level.not_a_county")."""
    county = Jurisdiction.objects.filter(code=code).first()
    if county is None or not scope_of(user).covers_path(county.path):
        raise NotFound()
    if not is_county(county):
        raise NotACounty()
    return county


def county_history(
    *, user: Any, code: str, day: dt.date | None = None, days: int = 30
) -> CountyHistory:
    """A county's designation, its change history, recent assessments and overrides.

    Raises NotFound for a county outside the user's area, NotACounty for other divisions.
    """
    county = county_get(user=user, code=code)
    day = day or timezone.localdate()
    current = _official_levels([county], day)[0]
    changes = list(
        RiskLevelChange.objects.filter(jurisdiction=county)
        .select_related("actor", "override")
        .order_by("-effective_from", "-id")[:500]
    )
    latest = (
        RiskAssessment.objects.filter(jurisdiction=county, day__lte=day)
        .order_by("-day")
        .values_list("day", flat=True)
        .first()
    )
    assessments = (
        list(
            RiskAssessment.objects.filter(
                jurisdiction=county, day__gt=latest - dt.timedelta(days=days), day__lte=latest
            ).order_by("-day", "scheme")
        )
        if latest
        else []
    )
    overrides = list(
        RiskOverride.objects.filter(jurisdiction=county)
        .select_related("proposed_by", "decided_by", "lifted_by")
        .order_by("-created_at", "-id")[:100]
    )
    pending = next((o for o in overrides if o.status == OverrideStatus.PROPOSED), None)
    computed = (county.risk_level.computed_level if hasattr(county, "risk_level") else "") or None
    designating = designating_scheme([s for s in load_schemes() if s.in_force_on(day)], county.path)
    levels = (
        sorted(
            ((lv, level_label(lv)) for lv in designating.levels),
            key=lambda p: -SEVERITY[RiskLevelCode(p[0])],
        )
        if designating
        else []
    )
    return CountyHistory(
        county=county,
        current=current,
        computed_level=computed,
        changes=changes,
        assessments=assessments,
        overrides=overrides,
        pending=pending,
        can_propose=can_propose(user, county) and pending is None and bool(levels),
        levels=levels,
    )


def override_list(*, user: Any, status: str | None = None) -> RiskOverrideQuerySet:
    """Overrides of counties in the user's area, pending first then newest."""
    qs = RiskOverride.objects.visible_to(user).select_related(
        "jurisdiction", "proposed_by", "decided_by"
    )
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-created_at", "-id")


def override_get(*, user: Any, pk: int) -> RiskOverride:
    """Raises NotFound for unknown ids and overrides of counties outside the user's area."""
    override = (
        RiskOverride.objects.visible_to(user)
        .select_related("jurisdiction", "proposed_by", "decided_by", "lifted_by")
        .filter(pk=pk)
        .first()
    )
    if override is None:
        raise NotFound()
    return override


def override_actions(*, user: Any, override: RiskOverride) -> dict[str, bool]:
    """What the user may do with an override now (the buttons shown)."""
    proposed = override.status == OverrideStatus.PROPOSED
    decider = can_decide(user, override.jurisdiction) and user.pk != override.proposed_by_id
    return {
        "approve": proposed and decider,
        "reject": proposed and decider,
        "withdraw": proposed and user.pk == override.proposed_by_id,
        "lift": override.status == OverrideStatus.APPROVED
        and can_decide(user, override.jurisdiction),
    }
