"""Reads of the cases module. Lists and details start from ``visible_to(user)``.

The line-list figures for reports and risk levels (``line_list_daily``, ``county_case_stats``)
live in ``linelist.py`` and are re-exported here; they are unscoped by design (see there).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from epicontrol.core.errors import NotFound
from epicontrol.core.figures import Figure
from epicontrol.core.identity import normalise_id_number
from epicontrol.core.scoping import scope_of
from epicontrol.jurisdictions.models import Jurisdiction, Unit
from epicontrol.people.choices import IdType
from epicontrol.people.identity import document_hash
from epicontrol.people.models import Person

from .choices import ADMISSION_SET, CONFIRMED_SET, FACILITY_KINDS, SEVERE_SET, Status
from .linelist import (
    CountyCaseStats,
    county_case_stats,
    daily_figures,
    day_start,
    line_list_daily,
)
from .models import Case, CaseEvent, CaseQuerySet, Cluster

__all__ = [
    "CountyCaseStats",
    "FacilityRow",
    "case_get",
    "case_list",
    "cluster_list",
    "county_case_stats",
    "dashboard_figures",
    "facility_list",
    "line_list_daily",
    "person_for_case",
    "timeline",
]

# Named subsets of the list, each with the date field its date range applies to.
SETS: dict[str, tuple[Q, str]] = {
    "confirmed": (Q(confirmed_at__isnull=False), "confirmed_at"),
    "admitted": (
        Q(status=Status.OPEN, admitted_at__isnull=False, classification__in=list(ADMISSION_SET)),
        "admitted_at",
    ),
    "severe": (
        Q(
            status=Status.OPEN,
            severity__in=list(SEVERE_SET),
            classification__in=list(CONFIRMED_SET),
        ),
        "reported_at",
    ),
    "cured": (Q(status=Status.CURED_DISCHARGED), "discharged_at"),
    "dead": (Q(status=Status.DIED, classification__in=list(CONFIRMED_SET)), "died_at"),
}


def _subtree(code: str | None) -> str | None:
    if not code:
        return None
    return Jurisdiction.objects.filter(code=code).values_list("path", flat=True).first() or "-"


def case_list(
    *,
    user: Any,
    jurisdiction: str | None = None,
    classification: str | None = None,
    status: str | None = None,
    severity: str | None = None,
    facility: int | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    subset: str | None = None,
    q: str | None = None,
) -> CaseQuerySet:
    """Cases the user may see, newest report first, with person, jurisdiction and facility.

    ``jurisdiction`` (a code) keeps that subtree; ``subset`` is one of ``SETS`` (confirmed,
    admitted, severe, cured, dead: the cases behind the dashboard figures) and chooses the date
    field of the range (default: report time); ``q`` is a name prefix of the person. Unknown
    values match nothing rather than raising.
    """
    qs = Case.objects.visible_to(user).select_related("person", "jurisdiction", "facility")
    path = _subtree(jurisdiction)
    if path:
        qs = qs.filter(jurisdiction__path__startswith=path)
    if classification:
        qs = qs.filter(classification=classification)
    if status:
        qs = qs.filter(status=status)
    if severity:
        qs = qs.filter(severity=severity)
    if facility:
        qs = qs.filter(facility_id=facility)
    date_field = "reported_at"
    if subset:
        if subset not in SETS:
            return qs.none()
        condition, date_field = SETS[subset]
        qs = qs.filter(condition)
    if date_from:
        qs = qs.filter(**{f"{date_field}__gte": day_start(date_from)})
    if date_to:
        qs = qs.filter(**{f"{date_field}__lt": day_start(date_to + dt.timedelta(days=1))})
    if q:
        qs = qs.filter(person__name__startswith=q.strip())
    return qs.order_by("-reported_at", "-id")


def case_get(*, user: Any, pk: int) -> Case:
    """One visible case. Raises NotFound for unknown ids and cases outside the user's view."""
    case = (
        Case.objects.visible_to(user)
        .select_related("person", "jurisdiction", "facility", "cluster", "created_by")
        .filter(pk=pk)
        .first()
    )
    if case is None:
        raise NotFound()
    return case


def timeline(*, case: Case) -> QuerySet[CaseEvent]:
    """The history of a case (the caller got the case through ``case_get``)."""
    return case.events.select_related("actor", "facility").order_by("at", "id")


def person_for_case(
    *, user: Any, person_id: int | None = None, id_type: str = "", id_number: str = ""
) -> Person | None:
    """The person a new case is for: by id among the persons the user sees, or by the exact
    identity document. Unit roles (hospital staff admitting a patient) reach a person only by
    the exact document they hold in hand, never by browsing ids."""
    if person_id is not None:
        return Person.objects.visible_to(user).active().filter(pk=person_id).first()
    number = normalise_id_number(id_number or "")
    if not number:
        return None
    types = [id_type] if id_type else list(IdType.values)
    qs = Person.objects.active().filter(
        id_number_hash__in=[document_hash(t, number) for t in types]
    )
    if not scope_of(user).unit_ids:
        qs = qs.filter(pk__in=Person.objects.visible_to(user).values("pk"))
    return qs.select_related("jurisdiction").first()


def cluster_list(*, user: Any, jurisdiction: Jurisdiction | None = None) -> QuerySet[Cluster]:
    qs = Cluster.objects.visible_to(user).select_related("jurisdiction")
    if jurisdiction is not None:
        qs = qs.filter(jurisdiction__path__startswith=jurisdiction.path)
    return qs.annotate(n_cases=Count("cases")).order_by("-created_at", "-id")


# --- facilities --------------------------------------------------------------------------------


@dataclass(frozen=True)
class FacilityRow:
    """A treatment unit with its beds (``Unit.capacity``) and occupancy."""

    unit: Unit
    beds: int | None
    occupied: int

    @property
    def free(self) -> int | None:
        return None if self.beds is None else max(self.beds - self.occupied, 0)

    @property
    def occupancy_rate(self) -> float | None:
        return None if not self.beds else self.occupied / self.beds


def facility_queryset(*, user: Any, jurisdiction: str | None = None) -> QuerySet[Unit]:
    qs = Unit.objects.visible_to(user).filter(kind__in=FACILITY_KINDS, is_active=True)
    path = _subtree(jurisdiction)
    if path:
        qs = qs.filter(jurisdiction__path__startswith=path)
    return qs.select_related("jurisdiction").order_by("jurisdiction__path", "name")


def facility_rows(units: list[Unit]) -> list[FacilityRow]:
    """Occupancy = open cases admitted to each unit, counted whoever manages them (a bed is
    taken whichever county the patient belongs to). One query for all units."""
    counts = dict(
        Case.objects.filter(
            facility_id__in=[u.pk for u in units],
            status=Status.OPEN,
            admitted_at__isnull=False,
        )
        .values_list("facility_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    return [FacilityRow(unit=u, beds=u.capacity, occupied=counts.get(u.pk, 0)) for u in units]


def facility_list(*, user: Any, jurisdiction: str | None = None) -> list[FacilityRow]:
    """Designated hospitals, fever clinics and treatment units visible to the user (hospital
    staff: their own), with beds, occupied and free."""
    return facility_rows(list(facility_queryset(user=user, jurisdiction=jurisdiction)))


def facility_choices(*, user: Any, jurisdiction: Jurisdiction | None) -> QuerySet[Unit]:
    """Facilities a case of ``jurisdiction`` may be admitted to by ``user`` (same rule as
    ``services.facility_allowed``): active treatment units of the case's province or of the
    user's scope. Without a jurisdiction (a case not yet filed): the provinces of the user's
    area and the user's own units."""
    scope = scope_of(user)
    if jurisdiction is not None:
        provinces = {jurisdiction.path.split("/", 1)[0] + "/"}
    else:
        provinces = {p.split("/", 1)[0] + "/" for p in (*scope.paths, *scope.unit_paths)}
    condition = Q(pk__in=scope.unit_ids)
    for p in (*provinces, *scope.paths):
        condition |= Q(jurisdiction__path__startswith=p)
    return (
        Unit.objects.filter(condition, kind__in=FACILITY_KINDS, is_active=True)
        .select_related("jurisdiction")
        .order_by("jurisdiction__path", "name")
    )


# --- dashboard -----------------------------------------------------------------------------------


def _list_url(**params: Any) -> str:
    query = urlencode({k: v for k, v in params.items() if v not in (None, "")})
    return f"{reverse('cases:case_list')}?{query}"


def _scoped_totals(*, user: Any, jurisdiction: Jurisdiction, day: dt.date) -> dict[str, int]:
    """The line-list figures of ``day`` summed over what the user sees under ``jurisdiction``.

    The parts of the subtree the user's area covers go through the fast unscoped path
    (``line_list_daily`` per covered root); a unit role adds the cases of its facilities that
    lie outside those roots (counted once).
    """
    scope = scope_of(user)
    if scope.everything or scope.covers_path(jurisdiction.path):
        roots = [jurisdiction.path]
    else:
        roots = [p for p in scope.paths if p.startswith(jurisdiction.path)]
    totals: dict[str, int] = {}

    def add(per_county: dict[str, dict[dt.date, dict[str, int]]]) -> None:
        for series in per_county.values():
            for key, value in series[day].items():
                totals[key] = totals.get(key, 0) + value

    for root in roots:
        add(line_list_daily(root_path=root, start=day, end=day))
    if scope.unit_ids and not scope.everything:
        unit_cases = Case.objects.filter(
            facility_id__in=scope.unit_ids, jurisdiction__path__startswith=jurisdiction.path
        )
        for root in roots:
            unit_cases = unit_cases.exclude(jurisdiction__path__startswith=root)
        events = CaseEvent.objects.filter(case__in=unit_cases.values("pk"))
        add(daily_figures(unit_cases, events, start=day, end=day))
    return totals


def dashboard_figures(*, user: Any, jurisdiction: Jurisdiction, day: dt.date) -> list[Figure]:
    """The case figures of ``jurisdiction`` (and below) on ``day``, from the records the user
    may see: confirmed cumulative, new confirmed, in hospital, severe/critical, cured
    cumulative, dead cumulative, beds and occupied beds. Each links to its records."""
    totals = _scoped_totals(user=user, jurisdiction=jurisdiction, day=day)
    code = jurisdiction.code
    iso = day.isoformat()
    facilities = facility_rows(list(facility_queryset(user=user, jurisdiction=code)))
    beds = [f.beds for f in facilities if f.beds is not None]
    is_today = day == timezone.localdate()
    group = "cases"
    return [
        Figure(
            "cases.confirmed_cumulative",
            _("Confirmed, cumulative"),
            totals.get("confirmed_cumulative", 0),
            _list_url(jurisdiction=code, set="confirmed", to=iso),
            group,
        ),
        Figure(
            "cases.confirmed_new",
            _("New confirmed"),
            totals.get("confirmed_new", 0),
            _list_url(jurisdiction=code, set="confirmed", **{"from": iso, "to": iso}),
            group,
        ),
        Figure(
            "cases.admitted_current",
            _("In hospital"),
            totals.get("admitted_current", 0),
            _list_url(jurisdiction=code, set="admitted") if is_today else None,
            group,
        ),
        Figure(
            "cases.severe_current",
            _("Severe or critical"),
            totals.get("severe_current", 0),
            _list_url(jurisdiction=code, set="severe") if is_today else None,
            group,
        ),
        Figure(
            "cases.cured_cumulative",
            _("Cured and discharged, cumulative"),
            totals.get("cured_cumulative", 0),
            _list_url(jurisdiction=code, set="cured", to=iso),
            group,
        ),
        Figure(
            "cases.dead_cumulative",
            _("Deaths, cumulative"),
            totals.get("dead_cumulative", 0),
            _list_url(jurisdiction=code, set="dead", to=iso),
            group,
        ),
        Figure(
            "cases.beds",
            _("Beds in treatment facilities"),
            sum(beds) if beds else None,
            f"{reverse('cases:facility_list')}?jurisdiction={code}",
            group,
        ),
        Figure(
            "cases.beds_occupied",
            _("Beds occupied now"),
            sum(f.occupied for f in facilities) if facilities else None,
            f"{reverse('cases:facility_list')}?jurisdiction={code}",
            group,
        ),
    ]
