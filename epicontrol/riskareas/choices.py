"""Risk levels, designation sources and override states."""

from __future__ import annotations

from django.db import models
from django.utils.translation import pgettext_lazy


class RiskLevelCode(models.TextChoices):
    """Every level any county-level scheme may assign.

    The 2020 national rule uses low / medium / high; the Hunan "三级五类" variant splits medium
    into A, B and C (A the most severe). Which of them a scheme uses is data (its ``levels``).
    """

    LOW = "low", pgettext_lazy("risk level", "Low risk")
    MEDIUM_C = "medium_C", pgettext_lazy("risk level", "Medium risk, class C")
    MEDIUM = "medium", pgettext_lazy("risk level", "Medium risk")
    MEDIUM_B = "medium_B", pgettext_lazy("risk level", "Medium risk, class B")
    MEDIUM_A = "medium_A", pgettext_lazy("risk level", "Medium risk, class A")
    HIGH = "high", pgettext_lazy("risk level", "High risk")


class Band(models.TextChoices):
    """The three colours every level maps to (green / yellow / red) and the counts use."""

    LOW = "low", pgettext_lazy("risk level", "Low")
    MEDIUM = "medium", pgettext_lazy("risk level", "Medium")
    HIGH = "high", pgettext_lazy("risk level", "High")


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
    COMPUTED = "computed", pgettext_lazy("risk level", "Computed")
    OVERRIDE = "override", pgettext_lazy("risk level", "Override")
    LIFTED = "lifted", pgettext_lazy("risk level", "Override lifted")


class OverrideStatus(models.TextChoices):
    PROPOSED = "proposed", pgettext_lazy("risk level", "Awaiting approval")
    APPROVED = "approved", pgettext_lazy("risk level", "Approved")
    REJECTED = "rejected", pgettext_lazy("risk level", "Rejected")
    WITHDRAWN = "withdrawn", pgettext_lazy("risk level", "Withdrawn")
    LIFTED = "lifted", pgettext_lazy("risk level", "Lifted")


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
