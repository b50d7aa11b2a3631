"""Reads of the observation module, always starting from ``visible_to(user)``.

Rows outside the user's area raise NotFound (404): "not yours" and "does not exist" look the
same. Counts for dashboards are computed in SQL from the records (数出一门).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.db.models import (
    Case,
    CharField,
    Count,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import pgettext

from epicontrol.core.errors import NotFound
from epicontrol.core.figures import Figure
from epicontrol.core.scoping import path_condition, scope_of
from epicontrol.jurisdictions.choices import UnitKind
from epicontrol.jurisdictions.models import Jurisdiction, Unit

from .choices import TRANSFER_FACILITY_KINDS, AlertStatus, Kind, LabResult, Status
from .models import (
    Alert,
    DailyCheck,
    LabTest,
    LivingNeed,
    Observation,
    Room,
    RoomAssignment,
)
from .timers import local_midnight, slot_deadline

# Ids beyond a 64-bit integer cannot exist; refusing them early keeps the database from
# raising an overflow (a 500) on fuzzed input.
MAX_ID = 2**63 - 1


def _pk_ok(pk: int) -> bool:
    return 0 < pk <= MAX_ID


def _under(qs: QuerySet[Any], lookup: str, jurisdiction: str | None) -> QuerySet[Any]:
    """Narrow to a jurisdiction code (and below); an unknown code matches nothing."""
    if not jurisdiction:
        return qs
    path = Jurisdiction.objects.filter(code=jurisdiction).values_list("path", flat=True).first()
    return qs.filter(**{f"{lookup}__startswith": path}) if path else qs.none()


# --- observations ------------------------------------------------------------------------------


def observation_list(
    *,
    user: Any,
    status: str | None = None,
    kind: str | None = None,
    category: str | None = None,
    q: str | None = None,
    jurisdiction: str | None = None,
    ended_on: dt.date | None = None,
    cleared: bool | None = None,
    on: dt.date | None = None,
) -> QuerySet[Observation]:
    """Observations visible to the user, soonest end first.

    ``status`` one of Status or "all" (default: all); ``kind`` matches the phase on ``on``
    (default today) for active observations; ``q`` is a name prefix; ``ended_on`` and
    ``cleared`` select released ones (for the dashboard links).
    """
    qs = Observation.objects.visible_to(user).select_related("person", "jurisdiction")
    if status and status != "all":
        qs = qs.filter(status=status)
    if category:
        qs = qs.filter(category=category)
    if kind:
        qs = qs.annotate(kind_now=kind_on_expression(on or timezone.localdate())).filter(
            kind_now=kind
        )
    if q:
        qs = qs.filter(person__name__startswith=q.strip())
    if ended_on:
        qs = qs.filter(ended_on=ended_on)
    if cleared is not None:
        qs = qs.filter(cleared_after_incubation=cleared, status=Status.RELEASED)
    return _under(qs, "jurisdiction_path", jurisdiction).order_by("end_date", "id")


def observation_get(*, user: Any, pk: int) -> Observation:
    """Raises NotFound for unknown ids and for observations outside the user's area."""
    if not _pk_ok(pk):
        raise NotFound()
    obs = (
        Observation.objects.visible_to(user)
        .select_related(
            "person", "jurisdiction", "policy_version", "rule_version", "responsible", "ended_by"
        )
        .filter(pk=pk)
        .first()
    )
    if obs is None:
        raise NotFound()
    return obs


def kind_on_expression(day: dt.date) -> Case:
    """SQL for ``Observation.kind_on(day)``: the second phase's kind once it has begun."""
    return Case(
        When(
            Q(phase2_from__isnull=False, phase2_from__lte=day) & ~Q(second_phase_kind=""),
            then=F("second_phase_kind"),
        ),
        default=F("kind"),
        output_field=CharField(),
    )


def done_today_q(day: dt.date) -> Q:
    """All of ``day``'s checks are in (the progress columns kept by ``check_record``)."""
    return Q(checks_day=day, checks_done__gte=F("checks_per_day"))


def due_today(
    *, user: Any, day: dt.date | None = None, done: bool = False
) -> QuerySet[Observation]:
    """The grid worker's list for ``day`` (default today): active observations with checks due
    that day and not all recorded yet (``done=True``: those complete), soonest end first.

    Annotates ``checks_done_today`` and ``checks_missing``. "Complete" is a test on columns of
    the observation, so the first page comes from an ordered index scan that stops after 50
    rows even for a province, with no count of checks per row.
    """
    day = day or timezone.localdate()
    complete = done_today_q(day)
    qs = (
        Observation.objects.visible_to(user)
        .filter(status=Status.ACTIVE, checks_from__lte=day, end_date__gte=day)
        .filter(complete if done else ~complete)
        .select_related("person", "jurisdiction")
        .annotate(
            checks_done_today=Case(
                When(checks_day=day, then=F("checks_done")),
                default=Value(0),
                output_field=IntegerField(),
            ),
            checks_missing=F("checks_per_day") - F("checks_done_today"),
        )
    )
    return qs.order_by("end_date", "id")


def due_for_release(*, user: Any, day: dt.date | None = None) -> QuerySet[Observation]:
    """Active observations whose period has ended by ``day`` (release, extend or transfer)."""
    day = day or timezone.localdate()
    return (
        Observation.objects.visible_to(user)
        .filter(status=Status.ACTIVE, end_date__lte=day)
        .select_related("person", "jurisdiction")
        .order_by("end_date", "id")
    )


@dataclass
class PlanDay:
    """One day of an observation's plan, as the detail page shows it."""

    number: int
    date: dt.date
    kind: str
    is_test_day: bool
    checks: list[DailyCheck | None] = field(default_factory=list)
    tests: list[LabTest] = field(default_factory=list)
    is_today: bool = False
    is_future: bool = False
    overdue_slots: list[int] = field(default_factory=list)
    after_end: bool = False


def plan_days(observation: Observation, *, now: dt.datetime | None = None) -> list[PlanDay]:
    """Day 1 … day N of the observation with its checks per slot and its tests. Two queries."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    checks = {(c.day, c.slot): c for c in observation.checks.all()}
    tests: dict[dt.date, list[LabTest]] = {}
    for t in observation.tests.all():
        tests.setdefault(t.sample_date, []).append(t)
    test_days = {int(d) for d in observation.test_days}
    days = []
    for number in range(1, observation.total_days + 1):
        day = observation.date_of(number)
        row = PlanDay(
            number=number,
            date=day,
            kind=observation.kind_on(day),
            is_test_day=number in test_days,
            checks=[checks.get((day, s)) for s in range(1, observation.checks_per_day + 1)],
            tests=tests.get(day, []),
            is_today=day == today,
            is_future=day > today,
        )
        after_end = observation.ended_on is not None and day > observation.ended_on
        row.after_end = after_end
        if day >= observation.checks_from and not after_end:
            row.overdue_slots = [
                s
                for s in range(1, observation.checks_per_day + 1)
                if checks.get((day, s)) is None
                and slot_deadline(
                    day,
                    s,
                    checks_per_day=observation.checks_per_day,
                    grace_hours=observation.grace_hours,
                )
                <= now
            ]
        days.append(row)
    return days


def slots_of_day(observation: Observation, day: dt.date) -> list[dict[str, Any]]:
    """The check slots of ``day`` with their recorded check (or None), for the check form."""
    recorded = {c.slot: c for c in observation.checks.filter(day=day)}
    return [{"slot": s, "check": recorded.get(s)} for s in range(1, observation.checks_per_day + 1)]


def has_positive_test(observation: Observation) -> bool:
    return observation.tests.filter(result=LabResult.POSITIVE).exists()


# --- alerts --------------------------------------------------------------------------------------


def alert_list(
    *,
    user: Any,
    status: str | None = "open",
    kind: str | None = None,
    mine: bool = False,
    jurisdiction: str | None = None,
) -> QuerySet[Alert]:
    """Alerts visible to the user, newest first. ``status="open"`` = not resolved; "all"."""
    qs = Alert.objects.visible_to(user).select_related(
        "observation__person", "observation__jurisdiction", "assignee"
    )
    if status == "open":
        qs = qs.exclude(status=AlertStatus.RESOLVED)
    elif status and status != "all":
        qs = qs.filter(status=status)
    if kind:
        qs = qs.filter(kind=kind)
    if mine:
        qs = qs.filter(assignee=user)
    return _under(qs, "observation__jurisdiction_path", jurisdiction).order_by("-created_at", "-id")


def alert_get(*, user: Any, pk: int) -> Alert:
    if not _pk_ok(pk):
        raise NotFound()
    alert = (
        Alert.objects.visible_to(user)
        .select_related("observation__person", "observation__jurisdiction")
        .filter(pk=pk)
        .first()
    )
    if alert is None:
        raise NotFound()
    return alert


# --- living needs --------------------------------------------------------------------------------


def need_list(
    *, user: Any, status: str | None = "open", observation: int | None = None
) -> QuerySet[LivingNeed]:
    qs = LivingNeed.objects.visible_to(user).select_related(
        "observation__person", "observation__jurisdiction", "handled_by", "requested_by"
    )
    if status and status != "all":
        qs = qs.filter(status=status)
    if observation:
        qs = qs.filter(observation_id=observation)
    return qs.order_by("status", "-created_at", "-id")


def need_get(*, user: Any, pk: int) -> LivingNeed:
    if not _pk_ok(pk):
        raise NotFound()
    need = (
        LivingNeed.objects.visible_to(user)
        .select_related("observation__jurisdiction", "observation__person")
        .filter(pk=pk)
        .first()
    )
    if need is None:
        raise NotFound()
    return need


# --- isolation sites -----------------------------------------------------------------------------


def site_list(*, user: Any) -> QuerySet[Unit]:
    """Isolation sites visible to the user, with ``beds``, ``occupied`` and ``rooms_count``.

    Subqueries (not joins) so beds and occupants are not multiplied by each other.
    """
    beds = (
        Room.objects.filter(site=OuterRef("pk"), is_active=True)
        .order_by()
        .values("site")
        .annotate(n=Sum("beds"))
        .values("n")
    )
    rooms = (
        Room.objects.filter(site=OuterRef("pk"))
        .order_by()
        .values("site")
        .annotate(n=Count("pk"))
        .values("n")
    )
    occupied = (
        RoomAssignment.objects.filter(room__site=OuterRef("pk"), ended_at__isnull=True)
        .order_by()
        .values("room__site")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        Unit.objects.visible_to(user)
        .filter(kind=UnitKind.ISOLATION_SITE)
        .select_related("jurisdiction", "designation")
        .annotate(
            beds=Coalesce(Subquery(beds, output_field=IntegerField()), Value(0)),
            rooms_count=Coalesce(Subquery(rooms, output_field=IntegerField()), Value(0)),
            occupied=Coalesce(Subquery(occupied, output_field=IntegerField()), Value(0)),
        )
        .order_by("name", "id")
    )


def site_get(*, user: Any, pk: int) -> Unit:
    if not _pk_ok(pk):
        raise NotFound()
    site = site_list(user=user).filter(pk=pk).first()
    if site is None:
        raise NotFound()
    return site


def site_rooms(*, site: Unit) -> QuerySet[Room]:
    """Rooms of a site (already scoped by ``site_get``) with ``occupied`` per room."""
    return (
        Room.objects.filter(site=site)
        .annotate(occupied=Count("assignments", filter=Q(assignments__ended_at__isnull=True)))
        .order_by("number")
    )


def site_roster(*, site: Unit) -> QuerySet[RoomAssignment]:
    """Who is in the site now, by room."""
    return (
        RoomAssignment.objects.filter(room__site=site, ended_at__isnull=True)
        .select_related("room", "observation__person", "observation__jurisdiction")
        .order_by("room__number", "started_at")
    )


def free_rooms(*, user: Any, observation: Observation) -> list[Room]:
    """Rooms with a free bed in the sites the user sees, for the assignment form."""
    rooms = (
        Room.objects.filter(
            site__in=Unit.objects.visible_to(user).filter(
                kind=UnitKind.ISOLATION_SITE, is_active=True
            ),
            is_active=True,
        )
        .select_related("site")
        .annotate(occupied=Count("assignments", filter=Q(assignments__ended_at__isnull=True)))
        .filter(occupied__lt=F("beds"))
        .order_by("site__name", "number")
    )
    return list(rooms[:200])


def current_assignment(observation: Observation) -> RoomAssignment | None:
    return (
        RoomAssignment.objects.filter(observation=observation, ended_at__isnull=True)
        .select_related("room__site")
        .first()
    )


def transfer_facilities(*, user: Any) -> QuerySet[Unit]:
    """Hospitals and fever clinics for the transfer form: in the cities of the user's area
    (a county sends people to its city's designated hospital)."""
    scope = scope_of(user)
    qs = Unit.objects.filter(kind__in=TRANSFER_FACILITY_KINDS, is_active=True)
    if not scope.everything:
        cities = {"/".join(p.split("/")[:2]) + "/" for p in scope.paths + scope.unit_paths}
        qs = qs.filter(path_condition("jurisdiction__path", tuple(sorted(cities))))
    return qs.select_related("jurisdiction").order_by("name")


# --- dashboard ----------------------------------------------------------------------------------


def _url(name: str, **params: Any) -> str:
    query = urlencode({k: v for k, v in params.items() if v not in (None, "")})
    return f"{reverse(name)}?{query}" if query else reverse(name)


def dashboard_figures(*, user: Any, jurisdiction: Jurisdiction, day: dt.date) -> list[Figure]:
    """Observation figures of ``jurisdiction`` (and below) on ``day``, from the user's records.

    Under observation at the end of ``day`` (total and by the kind of the phase they are in),
    released that day, cleared after the incubation period (cumulative), alerts open at the
    end of that day, and isolation-site occupancy (occupied beds and beds). Each links to the
    records behind it.
    """
    path = jurisdiction.path
    code = jurisdiction.code
    end_of_day = local_midnight(day + dt.timedelta(days=1))
    observations = Observation.objects.visible_to(user).filter(jurisdiction_path__startswith=path)
    current = Q(start_date__lte=day) & (Q(ended_on__isnull=True) | Q(ended_on__gt=day))
    kind_now = kind_on_expression(day)
    counts = observations.annotate(kind_now=kind_now).aggregate(
        active=Count("pk", filter=current),
        home=Count("pk", filter=current & Q(kind_now=Kind.HOME_ISOLATION)),
        centralised=Count("pk", filter=current & Q(kind_now=Kind.CENTRALISED_ISOLATION)),
        monitoring=Count("pk", filter=current & Q(kind_now=Kind.HOME_HEALTH_MONITORING)),
        released=Count("pk", filter=Q(status=Status.RELEASED, ended_on=day)),
        cleared=Count(
            "pk",
            filter=Q(status=Status.RELEASED, cleared_after_incubation=True, ended_on__lte=day),
        ),
    )
    open_alerts = (
        Alert.objects.visible_to(user)
        .filter(observation__jurisdiction_path__startswith=path, created_at__lt=end_of_day)
        .filter(Q(resolved_at__isnull=True) | Q(resolved_at__gte=end_of_day))
        .count()
    )
    sites = Unit.objects.visible_to(user).filter(
        kind=UnitKind.ISOLATION_SITE, jurisdiction__path__startswith=path
    )
    beds = Room.objects.filter(site__in=sites, is_active=True).aggregate(n=Sum("beds"))["n"] or 0
    occupied = RoomAssignment.objects.filter(
        Q(ended_at__isnull=True) | Q(ended_at__gte=end_of_day),
        room__site__in=sites,
        started_at__lt=end_of_day,
    ).count()
    is_today = day == timezone.localdate()
    iso = day.isoformat()
    group = "observation"
    active_url = _url("observation:list", status="active", jurisdiction=code) if is_today else None

    def kind_url(kind: str) -> str | None:
        if not is_today:
            return None
        return _url("observation:list", status="active", kind=kind, jurisdiction=code)

    return [
        Figure(
            "observation.active",
            pgettext("observation", "Under medical observation"),
            counts["active"],
            active_url,
            group,
        ),
        Figure(
            "observation.active_home_isolation",
            pgettext("observation", "In home isolation"),
            counts["home"],
            kind_url(Kind.HOME_ISOLATION),
            group,
        ),
        Figure(
            "observation.active_centralised_isolation",
            pgettext("observation", "In centralised isolation"),
            counts["centralised"],
            kind_url(Kind.CENTRALISED_ISOLATION),
            group,
        ),
        Figure(
            "observation.active_home_health_monitoring",
            pgettext("observation", "In home health monitoring"),
            counts["monitoring"],
            kind_url(Kind.HOME_HEALTH_MONITORING),
            group,
        ),
        Figure(
            "observation.released_today",
            pgettext("observation", "Released from observation today"),
            counts["released"],
            _url("observation:list", status="released", ended_on=iso, jurisdiction=code),
            group,
        ),
        Figure(
            "observation.cleared_after_incubation",
            pgettext("observation", "Cleared after the incubation period, cumulative"),
            counts["cleared"],
            _url("observation:list", cleared="1", jurisdiction=code),
            group,
        ),
        Figure(
            "observation.open_alerts",
            pgettext("observation", "Open observation alerts"),
            open_alerts,
            _url("observation:alerts", jurisdiction=code) if is_today else None,
            group,
        ),
        Figure(
            "observation.site_occupied",
            pgettext("observation", "Isolation-site beds occupied"),
            occupied,
            reverse("observation:sites"),
            group,
        ),
        Figure(
            "observation.site_beds",
            pgettext("observation", "Isolation-site beds"),
            beds if sites.exists() else None,
            reverse("observation:sites"),
            group,
        ),
    ]
