"""Risk levels of counties: daily assessments, the designation with its history, overrides."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from epicontrol.core.models import PolicyVersion, TimeStampedModel
from epicontrol.core.scoping import ScopedQuerySet

from .choices import ChangeSource, OverrideStatus, RiskLevelCode, band_of


class RiskComputation(TimeStampedModel):
    """One run of the daily computation (the job row the audit entry points at).

    ``jurisdiction`` is the root the run covered (null: every county); ``scheme`` is empty when
    every scheme in force was computed. The counts say what the run wrote.
    """

    day = models.DateField(db_index=True)
    scheme = models.CharField(max_length=40, blank=True)
    jurisdiction = models.ForeignKey(
        "jurisdictions.Jurisdiction",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    schemes = models.JSONField(default=list, blank=True)
    counties = models.PositiveIntegerField(default=0)
    assessments_created = models.PositiveIntegerField(default=0)
    assessments_updated = models.PositiveIntegerField(default=0)
    changes = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"risk levels {self.day} {self.scheme or 'all'}"


class RiskAssessmentQuerySet(ScopedQuerySet["RiskAssessment"]):
    pass


class RiskAssessment(TimeStampedModel):
    """The level one scheme computed for one county on one day, with its inputs and reasons.

    One row per (county, day, scheme); re-computation updates the row in place. ``inputs`` is the
    snapshot the level was computed from (case statistics, derived facts, parameters), so a past
    level can be explained after the case records change.
    """

    jurisdiction = models.ForeignKey(
        "jurisdictions.Jurisdiction", on_delete=models.PROTECT, related_name="risk_assessments"
    )
    day = models.DateField()
    scheme = models.CharField(max_length=40)
    policy_version = models.ForeignKey(PolicyVersion, on_delete=models.PROTECT, related_name="+")
    level = models.CharField(max_length=16, choices=RiskLevelCode.choices)
    inputs = models.JSONField(default=dict)
    reasons = models.JSONField(default=list)
    computation = models.ForeignKey(
        RiskComputation, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = RiskAssessmentQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["jurisdiction", "day", "scheme"], name="risk_assessment_unique_day"
            )
        ]
        indexes = [models.Index(fields=["scheme", "day"], name="risk_assessment_scheme_day")]
        ordering = ["-day", "scheme"]

    def __str__(self) -> str:
        return f"{self.jurisdiction_id} {self.day} {self.scheme}: {self.level}"

    @property
    def band(self) -> str | None:
        return band_of(self.level)


class RiskOverrideQuerySet(ScopedQuerySet["RiskOverride"]):
    def active_on(self, day: object) -> RiskOverrideQuerySet:
        """Approved overrides in effect on ``day`` (a lifted one is in effect until lifted_on)."""
        return self.filter(
            status__in=[OverrideStatus.APPROVED, OverrideStatus.LIFTED],
            effective_from__isnull=False,
            effective_from__lte=day,
        ).filter(Q(lifted_on__isnull=True) | Q(lifted_on__gt=day))


class RiskOverride(TimeStampedModel):
    """A manual designation of a county's level, proposed by an officer and approved above.

    ``proposed`` → ``approved`` | ``rejected`` | ``withdrawn``; ``approved`` → ``lifted``. An
    approved override takes effect on ``effective_from`` (never before the approval day) and
    stays until lifted; while it is in effect, the computed level is still recorded but does not
    change the designation. ``scheme`` is the scheme that designated the county when proposed;
    ``level`` is one of its levels.
    """

    jurisdiction = models.ForeignKey(
        "jurisdictions.Jurisdiction", on_delete=models.PROTECT, related_name="risk_overrides"
    )
    level = models.CharField(max_length=16, choices=RiskLevelCode.choices)
    scheme = models.CharField(max_length=40)
    requested_from = models.DateField(help_text="The first day the proposer asked for.")
    effective_from = models.DateField(null=True, blank=True)
    reason = models.TextField()
    status = models.CharField(
        max_length=16, choices=OverrideStatus.choices, default=OverrideStatus.PROPOSED
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    lifted_at = models.DateTimeField(null=True, blank=True)
    lifted_on = models.DateField(null=True, blank=True)
    lift_reason = models.TextField(blank=True)

    objects = RiskOverrideQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            # One proposal at a time per county, and one approved override in effect.
            models.UniqueConstraint(
                fields=["jurisdiction"],
                condition=Q(status="proposed"),
                name="risk_override_one_pending",
            ),
            models.UniqueConstraint(
                fields=["jurisdiction"],
                condition=Q(status="approved"),
                name="risk_override_one_approved",
            ),
        ]
        indexes = [models.Index(fields=["status", "-created_at"], name="risk_override_status")]

    def __str__(self) -> str:
        return f"override #{self.pk} {self.jurisdiction_id} → {self.level} ({self.status})"

    @property
    def band(self) -> str | None:
        return band_of(self.level)


class RiskLevelQuerySet(ScopedQuerySet["RiskLevel"]):
    def designated(self) -> RiskLevelQuerySet:
        return self.exclude(level="")


class RiskLevel(TimeStampedModel):
    """The current designation of one county (its latest change as of today).

    Kept by the services together with the change history; ``level`` is empty for a county
    whose row exists only to be locked before its first designation. ``computed_level`` is the
    latest level its designating scheme computed (shown beside an override).
    """

    jurisdiction = models.OneToOneField(
        "jurisdictions.Jurisdiction", on_delete=models.PROTECT, related_name="risk_level"
    )
    level = models.CharField(max_length=16, choices=RiskLevelCode.choices, blank=True)
    scheme = models.CharField(max_length=40, blank=True)
    is_override = models.BooleanField(default=False)
    override = models.ForeignKey(
        RiskOverride, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    effective_from = models.DateField(null=True, blank=True)
    computed_level = models.CharField(max_length=16, choices=RiskLevelCode.choices, blank=True)
    computed_on = models.DateField(null=True, blank=True)

    objects = RiskLevelQuerySet.as_manager()

    def __str__(self) -> str:
        return f"{self.jurisdiction_id}: {self.level or '-'}"

    @property
    def band(self) -> str | None:
        return band_of(self.level)


class RiskLevelChangeQuerySet(ScopedQuerySet["RiskLevelChange"]):
    pass


class RiskLevelChange(models.Model):
    """One step of a county's designation history: from → to, effective on a date, and why.

    Append-only. ``source`` says whether the computation, an approved override or the lifting of
    an override made the change; ``actor`` is who did it (null for the scheduled computation).
    The designation on a date is the latest change effective on or before it.
    """

    jurisdiction = models.ForeignKey(
        "jurisdictions.Jurisdiction", on_delete=models.PROTECT, related_name="risk_level_changes"
    )
    from_level = models.CharField(max_length=16, choices=RiskLevelCode.choices, blank=True)
    # Empty only when an override ends on a county that was never computed (undesignated).
    to_level = models.CharField(max_length=16, choices=RiskLevelCode.choices, blank=True)
    effective_from = models.DateField()
    source = models.CharField(max_length=16, choices=ChangeSource.choices)
    scheme = models.CharField(max_length=40, blank=True)
    assessment = models.ForeignKey(
        RiskAssessment, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    override = models.ForeignKey(
        RiskOverride, null=True, blank=True, on_delete=models.SET_NULL, related_name="changes"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.TextField(blank=True)
    reasons = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RiskLevelChangeQuerySet.as_manager()

    class Meta:
        ordering = ["-effective_from", "-id"]
        indexes = [
            models.Index(
                fields=["jurisdiction", "-effective_from", "-id"], name="risk_change_county_day"
            )
        ]

    def __str__(self) -> str:
        before, after = self.from_level or "-", self.to_level or "-"
        return f"{self.jurisdiction_id} {self.effective_from}: {before} → {after}"

    @property
    def is_override(self) -> bool:
        return self.source == ChangeSource.OVERRIDE

    @property
    def band(self) -> str | None:
        return band_of(self.to_level)
