"""Observation timers: the plan of an observation, computed from the policy versions.

Day counting (domain-rules §3.3, stated once for the whole module):

* the **anchor** is day 0: the last exposure (contacts), the arrival (travellers, returnees) or
  the isolation day, as the rule's ``start`` says;
* **day 1** is the first day after the anchor; test days are day numbers of the whole period
  (home test days are offset by the centralised days, as ``ObservationRule.test_days`` does);
* an N-day period **ends at the end of day N**: ``end_date = anchor + N days``. Hunan 2020: entry
  on 2020-04-06 → observation ends on 2020-04-20 ("满14天").

The policy that decides the plan is the one in force on day 1 (``anchor + 1``): an observation
keeps the edition it started under; a later edition changes nothing until it is re-planned.
National categories (close contacts, secondary contacts, inbound travellers) read
``core.policy.ProtocolParams``; other categories (returnees, suspected cases, fever patients)
read this app's ``observation`` policy domain. Thresholds (fever, checks per day, grace hours,
incubation period) always come from the national edition.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from epicontrol.core.models import PolicyVersion
from epicontrol.core.policy import (
    ObservationRule,
    PolicyNotFound,
    ProtocolParams,
    version_in_force,
)

from .choices import NATIONAL_CATEGORIES, AnchorBasis, Category, Kind
from .errors import NoRule, ObservationInvalid

LOCAL_DOMAIN = "observation"
DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class RuleSource:
    """Where an observation rule comes from on a date."""

    national: PolicyVersion
    protocol: ProtocolParams
    rule_version: PolicyVersion
    rule: ObservationRule | None


def rule_source(category: str, on: dt.date) -> RuleSource:
    """The rule for ``category`` in force on ``on``.

    Raises ObservationInvalid ("observation.invalid_category") and NoRule
    ("observation.no_policy") when no national edition is in force on that date.
    """
    if category not in Category.values:
        raise ObservationInvalid(
            _("Unknown category."), code="observation.invalid_category", field="category"
        )
    try:
        national = version_in_force(on, domain="national")
    except PolicyNotFound:
        raise NoRule(
            _("No policy edition is in force on this date."),
            code="observation.no_policy",
            date=on.isoformat(),
        ) from None
    protocol = ProtocolParams.from_version(national)
    if category in NATIONAL_CATEGORIES:
        rule: ObservationRule | None = getattr(protocol, category)
        return RuleSource(national, protocol, national, rule)
    try:
        local = version_in_force(on, domain=LOCAL_DOMAIN)
    except PolicyNotFound:
        return RuleSource(national, protocol, national, None)
    raw: dict[str, Any] | None = (local.params or {}).get(category)
    return RuleSource(national, protocol, local, ObservationRule.from_params(raw))


def validate_local_version(version: PolicyVersion) -> None:
    """Read every rule of a local ``observation`` version (the policy admin calls this on save).

    Raises ValueError / TypeError for a rule that cannot be read or counts from an unknown start.
    """
    for key, raw in (version.params or {}).items():
        if key == "separate_site_categories":
            if not isinstance(raw, bool):
                raise ValueError("separate_site_categories must be true or false")
            continue
        if key not in Category.values:
            raise ValueError(f"unknown category {key!r}")
        if raw is not None and not isinstance(raw, dict):
            raise TypeError(f"the rule of {key} must be an object")
        rule = ObservationRule.from_params(raw)
        if rule is not None:
            AnchorBasis(rule.start)  # ValueError names the unknown start


@dataclass(frozen=True)
class Plan:
    """The computed plan of one observation (see the module docstring for day counting)."""

    category: str
    kind: str
    anchor_basis: str
    anchor_date: dt.date
    first_phase_days: int
    second_phase_days: int
    second_phase_kind: str
    test_days: tuple[int, ...]
    fever_threshold_c: Decimal
    checks_per_day: int
    grace_hours: int
    incubation_days: int
    policy_version: PolicyVersion
    rule_version: PolicyVersion
    rule_params: dict[str, Any]

    @property
    def total_days(self) -> int:
        return self.first_phase_days + self.second_phase_days

    @property
    def start_date(self) -> dt.date:
        """Day 1."""
        return self.anchor_date + DAY

    @property
    def end_date(self) -> dt.date:
        """Day N: ``anchor + N days``."""
        return self.anchor_date + dt.timedelta(days=self.total_days)

    @property
    def phase2_from(self) -> dt.date | None:
        if not self.second_phase_days:
            return None
        return self.anchor_date + dt.timedelta(days=self.first_phase_days + 1)

    @property
    def test_dates(self) -> tuple[dt.date, ...]:
        return tuple(self.anchor_date + dt.timedelta(days=d) for d in self.test_days)

    def snapshot(self) -> dict[str, Any]:
        """What is stored in ``Observation.plan``: the rule and the editions it came from."""
        return {
            "policy": self.policy_version.code,
            "policy_name": self.policy_version.name,
            "rule_domain": self.rule_version.domain,
            "rule_code": self.rule_version.code,
            "rule": self.rule_params,
            "total_days": self.total_days,
        }


def _kind_for(rule: ObservationRule, kind: str | None) -> tuple[int, str, int, str]:
    """(first days, first kind, second days, second kind) for a rule and a chosen kind.

    The rule's centralised part is the first phase (its kind may be chosen: in 2020 the 14 days
    could be spent at home or in a site); its home part follows with the rule's home kind. A rule
    without a centralised part has one phase of its home kind (or the chosen kind).
    """
    if kind is not None and kind not in Kind.values:
        raise ObservationInvalid(_("Unknown kind."), code="observation.invalid_kind", field="kind")
    home_kind = rule.home_kind if rule.home_kind in Kind.values else Kind.HOME_ISOLATION
    if rule.centralised_days > 0:
        second = (rule.home_days, str(home_kind)) if rule.home_days else (0, "")
        return (rule.centralised_days, kind or Kind.CENTRALISED_ISOLATION, *second)
    return (rule.home_days, kind or str(home_kind), 0, "")


def plan_for(
    *,
    category: str,
    anchor_date: dt.date,
    kind: str | None = None,
    on: dt.date | None = None,
) -> Plan:
    """Compute the plan of an observation anchored on ``anchor_date``.

    ``on`` picks the policy date (default: day 1 of the period; re-plans pass the date the new
    edition is applied from). Raises NoRule ("observation.no_rule") when the edition in force
    has no rule for the category, or a rule of zero days (7th edition secondary contacts:
    "management set locally"); "observation.no_policy" before the first edition;
    ObservationInvalid ("observation.invalid_kind", "observation.invalid_category").
    """
    source = rule_source(category, on or anchor_date + DAY)
    rule = source.rule
    if rule is None or rule.total_days <= 0:
        raise NoRule(
            category=category,
            policy=source.rule_version.code,
            policy_name=source.rule_version.name,
        )
    try:
        basis = AnchorBasis(rule.start)
    except ValueError:
        raise NoRule(
            _("The rule names an unknown start of counting."),
            code="observation.bad_rule",
            policy=source.rule_version.code,
        ) from None
    first_days, first_kind, second_days, second_kind = _kind_for(rule, kind)
    rule_params = (
        source.rule_version.params.get(category) if source.rule_version.params else None
    ) or {}
    protocol = source.protocol
    return Plan(
        category=category,
        kind=first_kind,
        anchor_basis=basis,
        anchor_date=anchor_date,
        first_phase_days=first_days,
        second_phase_days=second_days,
        second_phase_kind=second_kind,
        test_days=tuple(sorted(set(rule.test_days))),
        fever_threshold_c=Decimal(str(protocol.fever_threshold_c)),
        checks_per_day=protocol.checks_per_day,
        grace_hours=protocol.missed_check_grace_hours,
        incubation_days=protocol.incubation_days,
        policy_version=source.national,
        rule_version=source.rule_version,
        rule_params=dict(rule_params),
    )


def slot_end_offset(slot: int, checks_per_day: int) -> dt.timedelta:
    """Time from local midnight to the end of check slot ``slot`` (1-based) of ``checks_per_day``.

    The day is split evenly: two checks a day → morning slot until 12:00, evening until 24:00.
    """
    return dt.timedelta(hours=24 * slot / checks_per_day)


def local_midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def slot_deadline(day: dt.date, slot: int, *, checks_per_day: int, grace_hours: int) -> dt.datetime:
    """When check ``slot`` of ``day`` counts as missed: end of the slot + the grace hours."""
    return (
        local_midnight(day)
        + slot_end_offset(slot, checks_per_day)
        + dt.timedelta(hours=grace_hours)
    )


def current_slot(now: dt.datetime, checks_per_day: int) -> int:
    """The slot (1-based) that the local time ``now`` falls in."""
    local = timezone.localtime(now)
    seconds = local.hour * 3600 + local.minute * 60 + local.second
    return min(checks_per_day, int(seconds * checks_per_day // 86400) + 1)
