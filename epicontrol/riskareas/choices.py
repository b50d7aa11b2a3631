"""Risk levels, designation sources and override states."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class RiskLevelCode(models.TextChoices):
    """Every level any county-level scheme may assign.

    The 2020 national rule uses low / medium / high; the Hunan "三级五类" variant splits medium
    into A, B and C (A the most severe). Which of them a scheme uses is data (its ``levels``).
    """

    LOW = "low", _("Low risk")
    MEDIUM_C = "medium_C", _("Medium risk, class C")
    MEDIUM = "medium", _("Medium risk")
    MEDIUM_B = "medium_B", _("Medium risk, class B")
    MEDIUM_A = "medium_A", _("Medium risk, class A")
    HIGH = "high", _("High risk")


class Band(models.TextChoices):
    """The three colours every level maps to (green / yellow / red) and the counts use."""

    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")


BAND_OF = {
    RiskLevelCode.LOW: Band.LOW,
    RiskLevelCode.MEDIUM_C: Band.MEDIUM,
    RiskLevelCode.MEDIUM: Band.MEDIUM,
    RiskLevelCode.MEDIUM_B: Band.MEDIUM,
    RiskLevelCode.MEDIUM_A: Band.MEDIUM,
    RiskLevelCode.HIGH: Band.HIGH,
}

# Severity for sorting (higher is more severe); the national "medium" sits with class B.
SEVERITY = {
    RiskLevelCode.LOW: 0,
    RiskLevelCode.MEDIUM_C: 1,
    RiskLevelCode.MEDIUM: 2,
    RiskLevelCode.MEDIUM_B: 2,
    RiskLevelCode.MEDIUM_A: 3,
    RiskLevelCode.HIGH: 4,
}


def band_of(level: str | None) -> str | None:
    """The colour band of a level code, None for "not assessed"."""
    if not level:
        return None
    return str(BAND_OF[RiskLevelCode(level)])


class ChangeSource(models.TextChoices):
    COMPUTED = "computed", _("Computed")
    OVERRIDE = "override", _("Override")
    LIFTED = "lifted", _("Override lifted")


class OverrideStatus(models.TextChoices):
    PROPOSED = "proposed", _("Awaiting approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    LIFTED = "lifted", _("Lifted")


# The override state machine: status → statuses it may move to.
OVERRIDE_TRANSITIONS: dict[str, frozenset[str]] = {
    OverrideStatus.PROPOSED: frozenset(
        {OverrideStatus.APPROVED, OverrideStatus.REJECTED, OverrideStatus.WITHDRAWN}
    ),
    OverrideStatus.APPROVED: frozenset({OverrideStatus.LIFTED}),
    OverrideStatus.REJECTED: frozenset(),
    OverrideStatus.WITHDRAWN: frozenset(),
    OverrideStatus.LIFTED: frozenset(),
}
