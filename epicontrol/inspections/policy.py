"""The typed view of the supervision rules (PolicyVersion domain ``inspections``).

Rectification deadlines per severity, the escalation interval for overdue findings, the base of
the monthly assessment and the photo limits are data, seeded from ``seed/policy.json`` by a
migration; code reads them here and never writes the numbers itself.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from epicontrol.core.models import PolicyVersion
from epicontrol.core.policy import version_in_force

DOMAIN = "inspections"


@dataclass(frozen=True)
class InspectionPolicy:
    code: str
    deadline_days: dict[str, int]
    escalation_interval_days: int
    assessment_base_score: int
    photo_max_bytes: int
    photo_formats: tuple[str, ...]
    score_bands: tuple[int, ...]

    def deadline_for(self, severity: str, found_on: dt.date) -> dt.date:
        return found_on + dt.timedelta(days=self.deadline_days[severity])


def inspection_policy(on: dt.date) -> InspectionPolicy:
    """The rules in force on ``on``. Raises PolicyNotFound ("policy.not_found")."""
    return policy_of(version_in_force(on, domain=DOMAIN))


def validate_version(version: PolicyVersion) -> None:
    """Read ``version`` (core's policy admin calls this before saving an edit).

    Raises KeyError, ValueError or TypeError for a missing or mistyped parameter.
    """
    policy = policy_of(version)
    if any(days < 0 for days in policy.deadline_days.values()):
        raise ValueError("deadline_days must not be negative")


def policy_of(version: PolicyVersion) -> InspectionPolicy:
    """The typed rules of one version."""
    p = version.params
    return InspectionPolicy(
        code=version.code,
        deadline_days={str(k): int(v) for k, v in p["deadline_days"].items()},
        escalation_interval_days=int(p["escalation_interval_days"]),
        assessment_base_score=int(p["assessment_base_score"]),
        photo_max_bytes=int(p["photo_max_bytes"]),
        photo_formats=tuple(str(f) for f in p["photo_formats"]),
        score_bands=tuple(int(b) for b in p["score_bands"]),
    )
