"""Case records, their history, revisits, clusters (PRODUCT §4.5).

A case belongs to the jurisdiction that manages it (normally the county of the person's
residence, so a case treated in another county's hospital never disappears from its home
county, cf. SORMAS #2430) and, once admitted, to a facility: hospital staff see the cases of
their facility through ``unit_lookup``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from epicontrol.core.models import TimeStampedModel
from epicontrol.core.scoping import ScopedQuerySet

from .choices import (
    Action,
    Classification,
    ClusterSetting,
    RevisitResult,
    Severity,
    Source,
    Status,
)


class ClusterQuerySet(ScopedQuerySet["Cluster"]):
    pass


class Cluster(TimeStampedModel):
    """A small setting (family, office, class, workshop …) whose cases are linked.

    It is a 聚集性疫情 when at least ``cluster_threshold`` (policy) of its cases fall within the
    window (domain-rules §2.5); see ``selectors.county_case_stats``.
    """

    jurisdiction = models.ForeignKey(
        "jurisdictions.Jurisdiction", on_delete=models.PROTECT, related_name="case_clusters"
    )
    name = models.CharField(max_length=200)
    setting = models.CharField(
        max_length=24, choices=ClusterSetting.choices, default=ClusterSetting.FAMILY
    )
    notes = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ClusterQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.name


class CaseQuerySet(ScopedQuerySet["Case"]):
    # Hospital staff see the cases admitted to their facility, wherever the case is managed.
    unit_lookup = "facility_id"

    def open(self) -> CaseQuerySet:
        return self.filter(status=Status.OPEN)


class Case(TimeStampedModel):
    """One case (病例) of one person: classification, severity, admission, outcome.

    State changes go through ``services`` only (the state machine in ``machine.py``); each one
    writes a ``CaseEvent`` (the timeline and the source of the "current" figures of
    ``line_list_daily``) and an audit entry. Times are the effective times of the events
    (``reported_at``, ``confirmed_at`` …), not the time of data entry.

    ``confirmed_at`` is set when the case enters the confirmed count (confirmed, or clinically
    diagnosed); it is never cleared. A person has at most one open case (DB constraint).
    """

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="cases")
    jurisdiction = models.ForeignKey(
        "jurisdictions.Jurisdiction", on_delete=models.PROTECT, related_name="cases"
    )
    # The county of ``jurisdiction`` (third code of its path), copied at creation: the line-list
    # figures group by it without joining the tree (a case never changes jurisdiction).
    county_code = models.CharField(max_length=12, editable=False)
    classification = models.CharField(max_length=24, choices=Classification.choices)
    severity = models.CharField(max_length=12, choices=Severity.choices, null=True, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    onset_date = models.DateField(null=True, blank=True)
    reported_at = models.DateTimeField()
    confirmed_at = models.DateTimeField(null=True, blank=True)
    is_imported = models.BooleanField(default=False)
    import_origin = models.CharField(max_length=100, blank=True)
    facility = models.ForeignKey(
        "jurisdictions.Unit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
    )
    admitted_at = models.DateTimeField(null=True, blank=True)
    discharged_at = models.DateTimeField(null=True, blank=True)
    died_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    post_discharge_until = models.DateField(null=True, blank=True)
    post_discharge_kind = models.CharField(max_length=40, blank=True)
    discharge_tests = models.JSONField(default=list, blank=True)
    cluster = models.ForeignKey(
        Cluster, null=True, blank=True, on_delete=models.SET_NULL, related_name="cases"
    )
    source = models.CharField(max_length=24, choices=Source.choices, default=Source.REPORTED)
    policy_code = models.CharField(max_length=40, blank=True)
    notes = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = CaseQuerySet.as_manager()

    class Meta:
        ordering = ["-reported_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person"], condition=Q(status="open"), name="case_one_open_per_person"
            ),
            models.CheckConstraint(
                condition=~Q(status="cured_discharged") | Q(admitted_at__isnull=False),
                name="case_discharge_needs_admission",
            ),
        ]
        indexes = [
            models.Index(fields=["jurisdiction", "-reported_at"], name="case_jur_reported"),
            models.Index(fields=["facility", "status"], name="case_facility_status"),
            models.Index(fields=["confirmed_at"], name="case_confirmed_at"),
            models.Index(fields=["county_code", "confirmed_at"], name="case_county_confirmed"),
            models.Index(fields=["status", "classification"], name="case_status_cls"),
            models.Index(fields=["cluster", "confirmed_at"], name="case_cluster_confirmed"),
        ]

    def __str__(self) -> str:
        # Never the ID number: __str__ ends up in audit entries.
        return f"Case #{self.pk} ({self.classification}, {self.status})"

    @property
    def outcome(self) -> str | None:
        return None if self.status == Status.OPEN else self.status

    @property
    def is_open(self) -> bool:
        return self.status == Status.OPEN

    @property
    def is_admitted(self) -> bool:
        return self.facility_id is not None and self.admitted_at is not None


class CaseEvent(models.Model):
    """One change of a case, with the state before and after (the timeline).

    ``at`` is the effective time. The before/after columns let ``line_list_daily`` compute the
    "current" figures of any past day by summing the changes per day in SQL (a change out of a
    bucket is -1, into it +1), without replaying each case. Empty string = no value.
    """

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=24, choices=Action.choices)
    at = models.DateTimeField()
    county_code = models.CharField(max_length=12, editable=False)  # the case's, for grouping
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20, blank=True)
    from_classification = models.CharField(max_length=24, blank=True)
    to_classification = models.CharField(max_length=24, blank=True)
    from_severity = models.CharField(max_length=12, blank=True)
    to_severity = models.CharField(max_length=12, blank=True)
    from_admitted = models.BooleanField(default=False)
    to_admitted = models.BooleanField(default=False)
    facility = models.ForeignKey(
        "jurisdictions.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The change of each "current" figure this event makes (-1, 0, +1), derived from the
    # before/after columns when written (``linelist.figure_deltas``): the daily figures sum two
    # grouping keys instead of sorting on ten. The before/after columns stay the source: a new
    # definition of a figure is a data migration recomputing these from them.
    d_suspected = models.SmallIntegerField(default=0)
    d_confirmed = models.SmallIntegerField(default=0)
    d_admitted = models.SmallIntegerField(default=0)
    d_asymptomatic = models.SmallIntegerField(default=0)
    d_severe = models.SmallIntegerField(default=0)
    note = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [
            models.Index(fields=["case", "at"], name="caseevent_case_at"),
            models.Index(fields=["at"], name="caseevent_at"),
            models.Index(fields=["county_code", "at"], name="caseevent_county_at"),
        ]

    def __str__(self) -> str:
        return f"{self.action} case #{self.case_id} at {self.at:%Y-%m-%d %H:%M}"

    @property
    def jurisdiction(self) -> object:
        return self.case.jurisdiction

    @property
    def to_classification_label(self) -> str:
        value = self.to_classification
        return str(Classification(value).label) if value in Classification.values else value

    @property
    def to_severity_label(self) -> str:
        value = self.to_severity
        return str(Severity(value).label) if value in Severity.values else value


class Revisit(TimeStampedModel):
    """A follow-up visit after discharge or release (复诊复查), with its test result."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="revisits")
    date = models.DateField()
    result = models.CharField(max_length=16, choices=RevisitResult.choices)
    note = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["date", "id"]

    def __str__(self) -> str:
        return f"Revisit of case #{self.case_id} on {self.date}"

    @property
    def jurisdiction(self) -> object:
        return self.case.jurisdiction
