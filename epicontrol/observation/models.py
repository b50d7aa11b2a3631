"""Medical observation, its daily checks, tests and alerts; isolation-site rooms; living needs.

Day counting (domain-rules §3.3) is the same everywhere in this module: the *anchor* is day 0
(the last exposure, the arrival, or the isolation day, as the rule's ``start`` says); day 1 is the
first day after it; an N-day period ends at the end of day N, so ``end_date = anchor + N days``
(Hunan 2020: entry on 4-06 → ends on 4-20, "满14天").
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Self

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from epicontrol.core.models import TimeStampedModel
from epicontrol.core.scoping import ScopedQuerySet, scope_of

from .choices import (
    SITE_CATEGORY_OF,
    AlertKind,
    AlertStatus,
    AnchorBasis,
    Category,
    CheckSource,
    Kind,
    LabResult,
    NeedKind,
    NeedStatus,
    SiteCategory,
    Status,
)


def _resident_only(user: Any) -> bool:
    """A resident account sees only the observations it reports for (its scope is itself)."""
    if not getattr(user, "is_authenticated", False) or getattr(user, "is_superuser", False):
        return False
    has_role = getattr(user, "has_role", None)
    if not callable(has_role):
        return False
    return bool(has_role("resident")) and not has_role(
        "command_officer", "grid_worker", "cdc_investigator", "supervisor", "hospital_staff"
    )


class PathCopyField(models.CharField):  # type: ignore[type-arg]
    """A copy of ``jurisdiction.path`` filled in on every insert and save (also bulk_create).

    Scoping reads the observation's own column: no join, and PostgreSQL estimates a prefix from
    the column's statistics, so a grid worker's list and a province's both get a good plan.
    """

    def pre_save(self, model_instance: models.Model, add: bool) -> Any:
        row: Any = model_instance
        jurisdiction: Any = row._meta.get_field("jurisdiction").get_cached_value(row, None)
        if jurisdiction is None and not row.jurisdiction_path and row.jurisdiction_id:
            jurisdiction = row.jurisdiction
        if jurisdiction is not None:
            row.jurisdiction_path = jurisdiction.path
        return row.jurisdiction_path


class ObservationQuerySet(ScopedQuerySet["Observation"]):
    jurisdiction_path_lookup = "jurisdiction_path"

    def visible_to(self, user: Any) -> Self:
        if _resident_only(user):
            return self.filter(self_reporter=user)
        return super().visible_to(user)

    def active(self) -> Self:
        return self.filter(status=Status.ACTIVE)


class Observation(TimeStampedModel):
    """One period of medical observation (医学观察) of one person.

    The plan (dates, phases, test days, thresholds) is computed once, from the policy versions
    in force on day 1, and stored here with the versions it came from, so a later edition
    changes nothing until an officer re-plans open observations (``observation_replan_apply``).
    ``policy_version`` is the national edition (thresholds, incubation period);
    ``rule_version`` is the row the timer came from (the same edition, or this app's
    ``observation`` domain for local categories such as returnees).

    Phases: ``kind`` for the first ``first_phase_days`` days, then ``second_phase_kind`` from
    ``phase2_from`` for ``second_phase_days`` days (8th edition "14+7": 14 days centralised, then
    7 days home health monitoring).
    """

    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="observations"
    )
    jurisdiction = models.ForeignKey(
        "jurisdictions.Jurisdiction", on_delete=models.PROTECT, related_name="observations"
    )
    jurisdiction_path = PathCopyField(max_length=255, editable=False, default="")
    category = models.CharField(max_length=32, choices=Category.choices)
    kind = models.CharField(max_length=32, choices=Kind.choices)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.ACTIVE)
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="observations_responsible",
        help_text="The worker who does the daily checks and receives the alerts.",
    )
    self_reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="observations_self",
        help_text="A resident account allowed to enter its own daily checks.",
    )
    ledger_entry = models.ForeignKey(
        "screening.LedgerEntry",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="observations",
        help_text="The screening-ledger entry this observation follows up, if any.",
    )
    # The plan (see the module docstring for day counting).
    anchor_basis = models.CharField(max_length=16, choices=AnchorBasis.choices)
    anchor_date = models.DateField(help_text="Day 0: last exposure, arrival or isolation day.")
    start_date = models.DateField(help_text="Day 1 = anchor + 1 day.")
    end_date = models.DateField(help_text="Last day (after extensions) = anchor + N days.")
    planned_end_date = models.DateField(help_text="End date of the plan, before extensions.")
    checks_from = models.DateField(help_text="First day daily checks are due.")
    # Progress of the latest day with checks (kept by ``check_record``): "all of today's checks
    # are in" is then a column test, so today's due list needs no per-row count of checks.
    checks_day = models.DateField(null=True, blank=True)
    checks_done = models.PositiveSmallIntegerField(default=0)
    first_phase_days = models.PositiveSmallIntegerField()
    second_phase_days = models.PositiveSmallIntegerField(default=0)
    second_phase_kind = models.CharField(max_length=32, choices=Kind.choices, blank=True)
    phase2_from = models.DateField(null=True, blank=True)
    test_days = models.JSONField(default=list, help_text="Day numbers of planned tests.")
    fever_threshold_c = models.DecimalField(max_digits=4, decimal_places=1)
    checks_per_day = models.PositiveSmallIntegerField()
    grace_hours = models.PositiveSmallIntegerField()
    incubation_days = models.PositiveSmallIntegerField()
    policy_version = models.ForeignKey(
        "core.PolicyVersion", on_delete=models.PROTECT, related_name="observations"
    )
    rule_version = models.ForeignKey(
        "core.PolicyVersion", on_delete=models.PROTECT, related_name="observations_ruled"
    )
    plan = models.JSONField(default=dict, help_text="Snapshot of the rule the plan came from.")
    # The end.
    ended_on = models.DateField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    end_note = models.TextField(blank=True)
    cleared_after_incubation = models.BooleanField(
        default=False,
        help_text="Released without a positive result after at least the incubation period.",
    )
    note = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ObservationQuerySet.as_manager()

    class Meta:
        ordering = ["end_date", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(status="active"),
                name="observation_one_active_per_person",
            ),
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("anchor_date")), name="observation_end_after"
            ),
        ]
        indexes = [
            models.Index(fields=["status", "end_date", "id"], name="obs_status_end"),
            models.Index(
                fields=["jurisdiction_path", "status"],
                name="obs_scope",
                opclasses=["varchar_pattern_ops", "varchar_pattern_ops"],
            ),
            models.Index(fields=["ended_on", "status"], name="obs_ended"),
            models.Index(fields=["policy_version", "status"], name="obs_policy_status"),
        ]

    def __str__(self) -> str:
        # Codes, not translated labels: __str__ ends up in the audit trail.
        return f"Observation #{self.pk} ({self.category})"

    @property
    def total_days(self) -> int:
        return (self.end_date - self.anchor_date).days

    @property
    def site_category(self) -> str:
        return SITE_CATEGORY_OF.get(self.category, SiteCategory.OTHER)

    def day_number(self, day: dt.date) -> int:
        """Day 1 is the day after the anchor."""
        return (day - self.anchor_date).days

    @property
    def issuing_jurisdiction(self) -> Any:
        """Who signs the release notice: the community for an observation owned by a grid."""
        j = self.jurisdiction
        return j.parent if j.level == "grid" and j.parent_id else j

    @property
    def day_number_today(self) -> int:
        return self.day_number(timezone.localdate())

    def date_of(self, day_number: int) -> dt.date:
        return self.anchor_date + dt.timedelta(days=day_number)

    def kind_on(self, day: dt.date) -> str:
        """The kind of the phase that ``day`` falls in."""
        if self.phase2_from is not None and day >= self.phase2_from and self.second_phase_kind:
            return self.second_phase_kind
        return self.kind

    @property
    def test_dates(self) -> list[tuple[int, dt.date]]:
        return [(int(d), self.date_of(int(d))) for d in self.test_days]


class ChildQuerySet(ScopedQuerySet[Any]):
    """Rows owned by an observation: scoped through it (and its self-reporting resident)."""

    jurisdiction_path_lookup = "observation__jurisdiction_path"

    def visible_to(self, user: Any) -> Self:
        if _resident_only(user):
            return self.filter(observation__self_reporter=user)
        return super().visible_to(user)


class DailyCheck(TimeStampedModel):
    """One of the daily checks (temperature and symptoms) of an observation.

    ``slot`` numbers the checks of a day, 1 … ``checks_per_day`` (two a day: 1 = morning,
    2 = evening); slot *k* of *n* covers the local hours [(k-1)·24/n, k·24/n) and is missed when
    nothing is recorded by its end plus the policy's grace hours.
    """

    observation = models.ForeignKey(Observation, on_delete=models.CASCADE, related_name="checks")
    day = models.DateField()
    slot = models.PositiveSmallIntegerField()
    temperature_c = models.DecimalField(max_digits=4, decimal_places=1)
    symptoms = models.JSONField(default=list, blank=True)
    note = models.CharField(max_length=300, blank=True)
    source = models.CharField(
        max_length=16, choices=CheckSource.choices, default=CheckSource.GRID_WORKER
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ChildQuerySet.as_manager()

    class Meta:
        ordering = ["day", "slot"]
        constraints = [
            models.UniqueConstraint(
                fields=["observation", "day", "slot"], name="daily_check_unique_slot"
            )
        ]
        # The missed-check scan anti-joins one (day, slot) of all observations: without this
        # index PostgreSQL reads every check ever recorded to build that side of the join.
        indexes = [models.Index(fields=["day", "slot", "observation"], name="daily_check_day_slot")]

    def __str__(self) -> str:
        return f"check {self.day} #{self.slot} of observation {self.observation_id}"

    @property
    def jurisdiction(self) -> Any:
        return self.observation.jurisdiction


class LabTest(TimeStampedModel):
    """A nucleic-acid test of a person under observation: sample date, result, Ct value."""

    observation = models.ForeignKey(Observation, on_delete=models.CASCADE, related_name="tests")
    day_number = models.SmallIntegerField(help_text="Day of the period the sample was taken on.")
    sample_date = models.DateField()
    result = models.CharField(max_length=16, choices=LabResult.choices, default=LabResult.PENDING)
    ct_value = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    note = models.CharField(max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ChildQuerySet.as_manager()

    class Meta:
        ordering = ["sample_date", "id"]

    def __str__(self) -> str:
        return f"test {self.sample_date} of observation {self.observation_id}"

    @property
    def jurisdiction(self) -> Any:
        return self.observation.jurisdiction


class AlertQuerySet(ChildQuerySet):
    def open(self) -> Self:
        return self.exclude(status=AlertStatus.RESOLVED)


class Alert(TimeStampedModel):
    """A flag for the responsible worker: fever, symptoms, a missed check, a positive test.

    Missed-check alerts are unique per (observation, day, slot), which makes the periodic scan
    idempotent even when two scans overlap.
    """

    observation = models.ForeignKey(Observation, on_delete=models.CASCADE, related_name="alerts")
    kind = models.CharField(max_length=16, choices=AlertKind.choices)
    status = models.CharField(max_length=16, choices=AlertStatus.choices, default=AlertStatus.OPEN)
    day = models.DateField()
    slot = models.PositiveSmallIntegerField(null=True, blank=True)
    check_ref = models.ForeignKey(
        DailyCheck, null=True, blank=True, on_delete=models.SET_NULL, related_name="alerts"
    )
    lab_test = models.ForeignKey(
        LabTest, null=True, blank=True, on_delete=models.SET_NULL, related_name="alerts"
    )
    value = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolution_note = models.CharField(max_length=300, blank=True)

    objects = AlertQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["observation", "kind", "day", "slot"],
                condition=Q(kind="missed_check"),
                name="alert_missed_check_once",
            )
        ]
        indexes = [models.Index(fields=["status", "kind"], name="alert_status_kind")]

    def __str__(self) -> str:
        return f"{self.kind} alert {self.day} (observation {self.observation_id})"

    @property
    def jurisdiction(self) -> Any:
        # The scan hands over the path it already read (no observation object per alert).
        return getattr(self, "jurisdiction_hint", None) or self.observation.jurisdiction


class Extension(TimeStampedModel):
    """An extension of an observation: the new end date and why."""

    observation = models.ForeignKey(
        Observation, on_delete=models.CASCADE, related_name="extensions"
    )
    previous_end = models.DateField()
    new_end = models.DateField()
    reason = models.CharField(max_length=300)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ChildQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"extension {self.previous_end} → {self.new_end}"

    @property
    def jurisdiction(self) -> Any:
        return self.observation.jurisdiction


class Transfer(TimeStampedModel):
    """A transfer of a person under observation to a designated hospital.

    Always recorded here; ``case_id`` is the case the cases module opened for it, when that
    module is installed (kept as a plain id so this module does not depend on its tables).
    """

    observation = models.OneToOneField(
        Observation, on_delete=models.CASCADE, related_name="transfer"
    )
    facility = models.ForeignKey(
        "jurisdictions.Unit", on_delete=models.PROTECT, related_name="observation_transfers"
    )
    transferred_at = models.DateTimeField()
    note = models.CharField(max_length=300, blank=True)
    case_id = models.BigIntegerField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ChildQuerySet.as_manager()

    def __str__(self) -> str:
        return f"transfer of observation {self.observation_id}"

    @property
    def jurisdiction(self) -> Any:
        return self.observation.jurisdiction


class Replan(TimeStampedModel):
    """One applied bulk re-plan of open observations under a newer policy version."""

    target_version = models.ForeignKey(
        "core.PolicyVersion", on_delete=models.PROTECT, related_name="+"
    )
    as_of = models.DateField()
    jurisdiction = models.ForeignKey(
        "jurisdictions.Jurisdiction",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    category = models.CharField(max_length=32, blank=True)
    changed = models.PositiveIntegerField(default=0)
    skipped = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"re-plan to {self.target_version_id} on {self.as_of}"


class SiteQuerySet(ScopedQuerySet[Any]):
    jurisdiction_path_lookup = "site__jurisdiction__path"


class SiteDesignation(TimeStampedModel):
    """The category of persons a centralised isolation site (Unit of kind isolation_site) takes."""

    site = models.OneToOneField(
        "jurisdictions.Unit", on_delete=models.CASCADE, related_name="designation"
    )
    category = models.CharField(max_length=32, choices=SiteCategory.choices)

    objects = SiteQuerySet.as_manager()

    def __str__(self) -> str:
        return f"{self.site} · {self.category}"

    @property
    def jurisdiction(self) -> Any:
        return self.site.jurisdiction


class Room(TimeStampedModel):
    """A room of a centralised isolation site, with its number of beds."""

    site = models.ForeignKey("jurisdictions.Unit", on_delete=models.PROTECT, related_name="rooms")
    number = models.CharField(max_length=20)
    beds = models.PositiveSmallIntegerField(default=1)
    is_active = models.BooleanField(default=True)

    objects = SiteQuerySet.as_manager()

    class Meta:
        ordering = ["site", "number"]
        constraints = [
            models.UniqueConstraint(fields=["site", "number"], name="room_unique_number"),
            models.CheckConstraint(condition=Q(beds__gte=1), name="room_beds_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.site} {self.number}"

    @property
    def jurisdiction(self) -> Any:
        return self.site.jurisdiction


class RoomAssignmentQuerySet(ScopedQuerySet[Any]):
    """Visible to whoever sees the site, or the observation (a county places people elsewhere)."""

    def visible_to(self, user: Any) -> Self:
        scope = scope_of(user)
        if scope.everything:
            return self
        if scope.empty or _resident_only(user):
            return self.none()
        site_q = Q(pk__in=[])
        obs_q = Q(pk__in=[])
        for p in scope.paths:
            site_q |= Q(room__site__jurisdiction__path__startswith=p)
            obs_q |= Q(observation__jurisdiction_path__startswith=p)
        return self.filter(site_q | obs_q)

    def current(self) -> Self:
        return self.filter(ended_at__isnull=True)


class RoomAssignment(TimeStampedModel):
    """Who is in which room, from when to when (``ended_at`` is empty while they are there)."""

    room = models.ForeignKey(Room, on_delete=models.PROTECT, related_name="assignments")
    observation = models.ForeignKey(
        Observation, on_delete=models.CASCADE, related_name="assignments"
    )
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = RoomAssignmentQuerySet.as_manager()

    class Meta:
        ordering = ["room", "started_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["observation"],
                condition=Q(ended_at__isnull=True),
                name="room_assignment_one_current",
            )
        ]
        indexes = [models.Index(fields=["room", "ended_at"], name="room_assignment_room")]

    def __str__(self) -> str:
        return f"observation {self.observation_id} in room {self.room_id}"

    @property
    def jurisdiction(self) -> Any:
        return self.room.site.jurisdiction


class LivingNeed(TimeStampedModel):
    """A living-needs request of a person under observation (food, medicine …) and its handling."""

    observation = models.ForeignKey(
        Observation, on_delete=models.CASCADE, related_name="living_needs"
    )
    kind = models.CharField(max_length=16, choices=NeedKind.choices)
    detail = models.CharField(max_length=300)
    status = models.CharField(max_length=16, choices=NeedStatus.choices, default=NeedStatus.OPEN)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    handled_at = models.DateTimeField(null=True, blank=True)
    handling_note = models.CharField(max_length=300, blank=True)

    objects = ChildQuerySet.as_manager()

    class Meta:
        ordering = ["status", "-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.kind} need of observation {self.observation_id}"

    @property
    def jurisdiction(self) -> Any:
        return self.observation.jurisdiction
