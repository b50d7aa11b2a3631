"""Daily aggregate reports (日报), the non-geographic units that file them, and import batches."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from epicontrol.core.models import TimeStampedModel
from epicontrol.core.scoping import ScopedQuerySet
from epicontrol.jurisdictions.models import Jurisdiction

from .choices import ReportSource
from .indicators import STORED_NAMES


class ReportingUnitQuerySet(ScopedQuerySet["ReportingUnit"]):
    jurisdiction_path_lookup = "parent__path"


class ReportingUnit(TimeStampedModel):
    """A reporting unit that is not a division, filing figures under a jurisdiction.

    Published series carry rows such as 境外输入 (imported cases, code 4300y0 under 湖南省),
    prison systems or "source not published", some without any code. They are kept as named
    units under their province (never dropped) and count as children of it in roll-up and
    reconciliation: the province's own figure includes them.
    """

    parent = models.ForeignKey(Jurisdiction, on_delete=models.PROTECT, related_name="+")
    code = models.CharField(max_length=20, blank=True)
    name = models.CharField(max_length=100)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ReportingUnitQuerySet.as_manager()

    class Meta:
        ordering = ["parent__code", "code", "name"]
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="reporting_unit_unique_name")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def jurisdiction(self) -> Jurisdiction:
        """Owned by (and scoped through) the jurisdiction it reports under."""
        return self.parent


class DailyReportImport(TimeStampedModel):
    """One import of a daily series file: who, which file, and what it changed."""

    jurisdiction = models.ForeignKey(
        Jurisdiction, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    file_name = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64)
    partial = models.BooleanField(default=False)
    rows = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    errors = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.created_at:%Y-%m-%d %H:%M})"


class DailyReportQuerySet(ScopedQuerySet["DailyReport"]):
    jurisdiction_path_lookup = "jurisdiction__path"


class DailyReport(TimeStampedModel):
    """The figures one reporting unit reports for one date.

    A division reports under its own jurisdiction (``unit`` empty); a non-geographic unit
    reports with ``unit`` set and ``jurisdiction`` = the unit's parent (so scoping by
    jurisdiction path covers both). Each indicator is a nullable count: None means "not
    reported", never zero. Cumulative figures are stored; new figures are derived on reading.
    """

    jurisdiction = models.ForeignKey(Jurisdiction, on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(
        ReportingUnit, null=True, blank=True, on_delete=models.PROTECT, related_name="reports"
    )
    date = models.DateField()
    source = models.CharField(max_length=16, choices=ReportSource.choices)
    # One nullable column per stored indicator (indicators.STORED); None = not reported.
    confirmed_cumulative = models.PositiveIntegerField(null=True, blank=True)
    suspected_current = models.PositiveIntegerField(null=True, blank=True)
    cured_cumulative = models.PositiveIntegerField(null=True, blank=True)
    dead_cumulative = models.PositiveIntegerField(null=True, blank=True)
    admitted_current = models.PositiveIntegerField(null=True, blank=True)
    severe_current = models.PositiveIntegerField(null=True, blank=True)
    asymptomatic_current = models.PositiveIntegerField(null=True, blank=True)
    observation_current = models.PositiveIntegerField(null=True, blank=True)
    screened_cumulative = models.PositiveIntegerField(null=True, blank=True)
    note = models.CharField(max_length=500, blank=True)
    batch = models.ForeignKey(
        DailyReportImport, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = DailyReportQuerySet.as_manager()

    class Meta:
        ordering = ["date", "jurisdiction__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["jurisdiction", "date"],
                condition=models.Q(unit__isnull=True),
                name="daily_report_one_per_division_day",
            ),
            models.UniqueConstraint(
                fields=["unit", "date"],
                condition=models.Q(unit__isnull=False),
                name="daily_report_one_per_unit_day",
            ),
        ]
        indexes = [models.Index(fields=["date", "jurisdiction"], name="daily_report_date_j")]

    def __str__(self) -> str:
        who = self.unit.name if self.unit_id and self.unit else self.jurisdiction.name
        return f"{who} {self.date:%Y-%m-%d}"

    def values(self) -> dict[str, int | None]:
        return {name: getattr(self, name) for name in STORED_NAMES}
