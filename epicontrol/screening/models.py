"""Screening ledgers (网格排查台账): key-person categories, ledger entries, daily grid reports."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from epicontrol.core.models import TimeStampedModel
from epicontrol.core.scoping import ScopedQuerySet

from .choices import OPEN_STATUSES, EntryStatus, Source


class PersonCategory(TimeStampedModel):
    """A kind of key person a grid registers (武汉返乡人员, 密切接触者, 发热人员 …).

    The taxonomy is data, seeded from ``seed/categories.json`` by migration and editable in the
    admin. ``observation_rule`` names the rule of the national protocol (``core.policy``) that
    applies to the category, if any (``close_contact``, ``secondary_contact``,
    ``inbound_traveller``), so the observation module can find the duration without a table of
    its own.
    """

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=60)
    name_en = models.CharField(_("English name"), max_length=100, blank=True)
    description = models.TextField(_("description"), blank=True)
    observation_rule = models.CharField(_("observation rule"), max_length=40, blank=True)
    order = models.PositiveSmallIntegerField(default=100)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("key-person category")
        verbose_name_plural = _("key-person categories")

    def __str__(self) -> str:
        return self.name

    @property
    def label(self) -> str:
        """The name in the user's language (the English name when the UI is in English)."""
        if self.name_en and (get_language() or "").startswith("en"):
            return self.name_en
        return self.name


class CategoryGroup(TimeStampedModel):
    """A named grouping of categories used in local reporting ("四类人员", "三类人员").

    ``definition_confirmed`` is False for groupings whose official definition was not found
    (domain-rules §1.4: "三类人员"); ``note`` says so on every page that shows the group.
    """

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=60)
    description = models.TextField(_("description"), blank=True)
    note = models.TextField(_("note"), blank=True)
    source = models.TextField(_("source"), blank=True)
    definition_confirmed = models.BooleanField(_("definition confirmed"), default=True)
    categories = models.ManyToManyField(PersonCategory, related_name="groups", blank=True)
    order = models.PositiveSmallIntegerField(default=100)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("category group")
        verbose_name_plural = _("category groups")

    def __str__(self) -> str:
        return self.name


class LedgerEntryQuerySet(ScopedQuerySet["LedgerEntry"]):
    # The grid's path copied on the row: scoping, filters and roll-ups are prefix matches and
    # groupings on this table alone, without joining the jurisdiction tree.
    jurisdiction_path_lookup = "grid_path"

    def open(self) -> LedgerEntryQuerySet:
        return self.filter(status__in=OPEN_STATUSES)

    def under(self, path: str) -> LedgerEntryQuerySet:
        """Entries of the grids under a jurisdiction path (prefix match)."""
        return self.filter(grid_path__startswith=path)


class LedgerEntry(TimeStampedModel):
    """One row of a grid's screening ledger: a person in one category.

    A person in several categories has one entry per category; among open entries (registered
    or under observation) the pair (person, category) is unique. The dates make every daily
    figure a function of the ledger for any day: ``registered_on`` (new that day),
    ``observation_started_on`` and ``closed_on`` (with the closing status) — so roll-ups can be
    recomputed for a past day and always reconcile with the entries.
    """

    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="ledger_entries"
    )
    category = models.ForeignKey(PersonCategory, on_delete=models.PROTECT, related_name="entries")
    source = models.CharField(max_length=24, choices=Source.choices)
    origin = models.CharField(max_length=100, blank=True)
    arrival_date = models.DateField(null=True, blank=True)
    grid = models.ForeignKey(
        "jurisdictions.Jurisdiction", on_delete=models.PROTECT, related_name="ledger_entries"
    )
    # ``grid.path``, written with the row by the services and the bulk insert (grids do not
    # move; a re-parenting would rewrite this column in the same migration).
    grid_path = models.CharField(max_length=255, editable=False)
    status = models.CharField(
        max_length=24, choices=EntryStatus.choices, default=EntryStatus.REGISTERED
    )
    registered_on = models.DateField()
    registered_at = models.DateTimeField(default=timezone.now)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    observation_started_on = models.DateField(null=True, blank=True)
    closed_on = models.DateField(null=True, blank=True)
    status_changed_at = models.DateTimeField(null=True, blank=True)
    status_reason = models.CharField(max_length=300, blank=True)
    notes = models.TextField(blank=True)

    objects = LedgerEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-registered_on", "-id"]
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "category"],
                condition=models.Q(status__in=["registered", "under_observation"]),
                name="ledger_entry_open_unique",
            ),
        ]
        indexes = [
            models.Index(fields=["grid", "registered_on"], name="ledger_grid_registered"),
            models.Index(fields=["registered_on", "id"], name="ledger_registered"),
            models.Index(fields=["person", "category"], name="ledger_person_category"),
            # Prefix scans of an area (a county's capped count, a roll-up below the province).
            models.Index(
                fields=["grid_path", "registered_on"],
                name="ledger_grid_path",
                opclasses=["varchar_pattern_ops", "date_ops"],
            ),
        ]

    def __str__(self) -> str:
        # No name or document here: __str__ ends up in the audit trail.
        return f"LedgerEntry #{self.pk}"

    @property
    def jurisdiction(self) -> models.Model:
        """The owning jurisdiction (the grid), for the audit trail's path."""
        return self.grid

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


# The figures of a daily report, in display order; each is a column of DailyReport and a key of
# ``rollup.ledger_figures``.
FIGURE_KEYS = (
    "new",
    "registered_total",
    "under_management",
    "under_observation",
    "cleared_today",
    "cleared_total",
    "transferred_today",
    "moved_away_today",
)


class DailyReportQuerySet(ScopedQuerySet["DailyReport"]):
    jurisdiction_path_lookup = "grid_path"


class DailyReport(TimeStampedModel):
    """A grid's confirmed figures for one day, or its zero report (零报告).

    The figures are a snapshot of what the ledger said when the grid worker confirmed (they
    are computed, never typed); re-submitting the same day replaces the snapshot, raises
    ``version`` and is audited with the previous figures. ``is_zero``: nothing new that day.
    """

    grid = models.ForeignKey(
        "jurisdictions.Jurisdiction", on_delete=models.PROTECT, related_name="daily_reports"
    )
    grid_path = models.CharField(max_length=255, editable=False)  # as on LedgerEntry
    day = models.DateField()
    is_zero = models.BooleanField(default=False)
    new = models.PositiveIntegerField(default=0)
    registered_total = models.PositiveIntegerField(default=0)
    under_management = models.PositiveIntegerField(default=0)
    under_observation = models.PositiveIntegerField(default=0)
    cleared_today = models.PositiveIntegerField(default=0)
    cleared_total = models.PositiveIntegerField(default=0)
    transferred_today = models.PositiveIntegerField(default=0)
    moved_away_today = models.PositiveIntegerField(default=0)
    new_by_category = models.JSONField(default=dict, blank=True)
    note = models.CharField(max_length=500, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    confirmed_at = models.DateTimeField()
    version = models.PositiveIntegerField(default=1)

    objects = DailyReportQuerySet.as_manager()

    class Meta:
        ordering = ["-day", "grid_path"]
        verbose_name = _("daily grid report")
        verbose_name_plural = _("daily grid reports")
        constraints = [
            models.UniqueConstraint(fields=["grid", "day"], name="daily_report_grid_day"),
        ]
        indexes = [
            models.Index(
                fields=["day", "grid_path"],
                name="daily_report_day_path",
                opclasses=["date_ops", "varchar_pattern_ops"],
            )
        ]

    def __str__(self) -> str:
        return f"DailyReport #{self.pk} {self.day}"

    @property
    def jurisdiction(self) -> models.Model:
        return self.grid

    @property
    def is_late(self) -> bool:
        return timezone.localtime(self.confirmed_at).date() > self.day
