from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ReportSource(models.TextChoices):
    """Where a stored daily report's figures come from."""

    IMPORTED = "imported", pgettext_lazy("reports", "Imported")
    SUBMITTED = "submitted", _("Submitted")
    COMPUTED = "computed", _("Computed from the line list")


class FigureSource(models.TextChoices):
    """Where a figure shown for a jurisdiction and date comes from (see ``rollup``)."""

    IMPORTED = "imported", pgettext_lazy("reports", "Imported")
    SUBMITTED = "submitted", _("Submitted")
    COMPUTED = "computed", _("Computed from the line list")
    ROLLED_UP = "rolled_up", _("Sum of the reports below")
    NONE = "none", _("No data")


class DiscrepancyKind(models.TextChoices):
    """The kinds of difference reconciliation lists (数出一门)."""

    CHILDREN_SUM_DIFFERS = "children_sum_differs", _("Differs from the sum of its children")
    CHILD_MISSING = "child_missing", _("A child did not report")
    CUMULATIVE_DECREASED = "cumulative_decreased", _("Cumulative figure decreased")
    LINE_LIST_DIFFERS = "line_list_differs", _("Differs from the line list")
