"""Timers under every national edition of the seed, and the day-counting convention.

Convention (domain-rules §3.3): the anchor (last exposure / arrival) is day 0, day 1 is the day
after, and an N-day period ends on anchor + N days. Each edition is tested with the anchor on
its effective date, so day 1 falls inside it.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from epicontrol.core.models import PolicyVersion
from epicontrol.observation.errors import NoRule
from epicontrol.observation.timers import (
    current_slot,
    plan_for,
    rule_source,
    slot_deadline,
)

pytestmark = pytest.mark.django_db

D = dt.date
CC, SC, IT = "close_contact", "secondary_contact", "inbound_traveller"
CENT, HOME, HHM = "centralised_isolation", "home_isolation", "home_health_monitoring"

# (edition, category) → (total days, first phase (days, kind), second phase (days, kind) or None,
# test days); None = the edition has no rule for the category.
EXPECTED: dict[
    tuple[str, str], tuple[int, tuple[int, str], tuple[int, str] | None, list[int]] | None
] = {}
for code in ("v1", "v2", "v3", "v4", "v5", "v6"):
    EXPECTED[(code, CC)] = (14, (14, CENT), None, [])
    EXPECTED[(code, SC)] = None
    EXPECTED[(code, IT)] = (14, (14, CENT), None, [])
EXPECTED[("v7", CC)] = (14, (14, CENT), None, [])
EXPECTED[("v7", SC)] = None  # defined in the 7th edition, no national duration (null): set locally
EXPECTED[("v7", IT)] = (14, (14, CENT), None, [])
EXPECTED[("v8", CC)] = (21, (14, CENT), (7, HHM), [1, 4, 7, 14, 16, 21])
EXPECTED[("v8", SC)] = (7, (7, CENT), None, [1, 4, 7])
EXPECTED[("v8", IT)] = (21, (14, CENT), (7, HHM), [1, 4, 7, 14, 16, 21])
EXPECTED[("v9", CC)] = (10, (7, CENT), (3, HHM), [1, 2, 3, 5, 7, 10])
EXPECTED[("v9", SC)] = (7, (7, HOME), None, [1, 4, 7])
EXPECTED[("v9", IT)] = (10, (7, CENT), (3, HHM), [1, 2, 3, 5, 7, 10])
EXPECTED[("measures20", CC)] = (8, (5, CENT), (3, HOME), [1, 2, 3, 5, 6, 8])
EXPECTED[("measures20", SC)] = None  # 不再判定密接的密接
EXPECTED[("measures20", IT)] = (8, (5, CENT), (3, HOME), [1, 2, 3, 5, 6, 8])
EXPECTED[("new10", CC)] = (5, (5, HOME), None, [5])
EXPECTED[("new10", SC)] = None
EXPECTED[("new10", IT)] = (8, (5, CENT), (3, HOME), [1, 2, 3, 5, 6, 8])
for category in (CC, SC, IT):
    EXPECTED[("v10", category)] = None  # 乙类乙管: no quarantine


def test_every_seeded_edition_is_covered() -> None:
    seeded = set(PolicyVersion.objects.filter(domain="national").values_list("code", flat=True))
    assert seeded == {code for code, _ in EXPECTED}


@pytest.mark.parametrize(("code", "category"), sorted(EXPECTED))
def test_plan_under_each_edition(code: str, category: str) -> None:
    version = PolicyVersion.objects.get(domain="national", code=code)
    anchor = version.effective_from  # day 1 = the day after, inside the edition
    expected = EXPECTED[(code, category)]
    if expected is None:
        with pytest.raises(NoRule) as exc:
            plan_for(category=category, anchor_date=anchor)
        assert exc.value.code == "observation.no_rule"
        assert exc.value.status == 422
        assert exc.value.details["policy"] == code
        return
    total, first, second, tests = expected
    plan = plan_for(category=category, anchor_date=anchor)
    assert plan.policy_version.code == code
    assert plan.total_days == total
    assert plan.start_date == anchor + dt.timedelta(days=1)
    assert plan.end_date == anchor + dt.timedelta(days=total)
    assert (plan.first_phase_days, plan.kind) == first
    if second is None:
        assert plan.second_phase_days == 0 and plan.phase2_from is None
    else:
        assert (plan.second_phase_days, plan.second_phase_kind) == second
        assert plan.phase2_from == anchor + dt.timedelta(days=first[0] + 1)
    assert list(plan.test_days) == tests
    assert plan.test_dates == tuple(anchor + dt.timedelta(days=d) for d in tests)
    assert plan.fever_threshold_c == Decimal("37.3")
    assert (plan.checks_per_day, plan.grace_hours, plan.incubation_days) == (2, 12, 14)


def test_hunan_entry_example_ends_after_fourteen_full_days() -> None:
    # Hunan 2020: entry on 4-06 → observation ends on 4-20 ("满14天").
    plan = plan_for(category=IT, anchor_date=D(2020, 4, 6))
    assert plan.anchor_basis == "arrival"
    assert plan.start_date == D(2020, 4, 7)  # day 1
    assert plan.end_date == D(2020, 4, 20)  # day 14


def test_eighth_edition_dates_of_the_14_plus_7_plan() -> None:
    plan = plan_for(category=CC, anchor_date=D(2021, 6, 1))
    assert plan.end_date == D(2021, 6, 22)
    assert plan.phase2_from == D(2021, 6, 16)  # day 15: home health monitoring begins
    assert plan.test_dates == (
        D(2021, 6, 2),
        D(2021, 6, 5),
        D(2021, 6, 8),
        D(2021, 6, 15),
        D(2021, 6, 17),
        D(2021, 6, 22),
    )


def test_the_edition_in_force_on_day_one_decides() -> None:
    # 8th edition from 2021-05-14: exposure on 05-13 → day 1 on 05-14 → 8th edition.
    assert plan_for(category=CC, anchor_date=D(2021, 5, 13)).policy_version.code == "v8"
    assert plan_for(category=CC, anchor_date=D(2021, 5, 12)).policy_version.code == "v7"


def test_chosen_kind_applies_to_the_first_phase() -> None:
    plan = plan_for(category=CC, anchor_date=D(2020, 2, 1), kind=HOME)
    assert plan.kind == HOME and plan.total_days == 14


def test_unknown_kind_and_category_are_refused() -> None:
    with pytest.raises(Exception) as exc:
        plan_for(category=CC, anchor_date=D(2020, 2, 1), kind="hotel")
    assert getattr(exc.value, "code", "") == "observation.invalid_kind"
    with pytest.raises(Exception) as exc:
        plan_for(category="pet", anchor_date=D(2020, 2, 1))
    assert getattr(exc.value, "code", "") == "observation.invalid_category"


def test_before_the_first_edition_there_is_no_policy() -> None:
    with pytest.raises(NoRule) as exc:
        plan_for(category=CC, anchor_date=D(2019, 12, 1))
    assert exc.value.code == "observation.no_policy"


def test_local_rule_for_returnees_from_wuhan_2020() -> None:
    plan = plan_for(category="returnee", anchor_date=D(2020, 1, 23))
    assert plan.rule_version.domain == "observation" and plan.rule_version.code == "obs2020"
    assert plan.policy_version.code == "v2"  # thresholds still come from the national edition
    assert plan.kind == HOME and plan.anchor_basis == "arrival"
    assert plan.end_date == D(2020, 2, 6)
    assert plan.snapshot()["rule_code"] == "obs2020"


def test_local_rules_follow_their_own_editions() -> None:
    plan = plan_for(category="returnee", anchor_date=D(2022, 7, 1))
    assert plan.rule_version.code == "obs-v9" and plan.total_days == 7
    assert list(plan.test_days) == [1, 4, 7]
    with pytest.raises(NoRule):
        plan_for(category="returnee", anchor_date=D(2023, 2, 1))
    suspected = plan_for(category="suspected", anchor_date=D(2020, 2, 3))
    assert suspected.kind == CENT and suspected.anchor_basis == "isolation"


def test_rule_source_reads_the_local_domain_only_for_local_categories() -> None:
    assert rule_source(CC, D(2020, 2, 1)).rule_version.domain == "national"
    assert rule_source("fever_unexcluded", D(2020, 2, 1)).rule_version.domain == "observation"


def test_slot_deadlines_use_the_grace_hours_of_the_policy() -> None:
    day = D(2020, 2, 1)
    morning = slot_deadline(day, 1, checks_per_day=2, grace_hours=12)
    evening = slot_deadline(day, 2, checks_per_day=2, grace_hours=12)
    assert morning.isoformat() == "2020-02-02T00:00:00+08:00"
    assert evening.isoformat() == "2020-02-02T12:00:00+08:00"
    assert slot_deadline(day, 1, checks_per_day=2, grace_hours=2).hour == 14


def test_current_slot_splits_the_day_evenly() -> None:
    from django.utils import timezone

    def at(h: int) -> dt.datetime:
        return timezone.make_aware(dt.datetime(2020, 2, 1, h, 30))

    assert [current_slot(at(h), 2) for h in (0, 8, 11, 12, 20, 23)] == [1, 1, 1, 2, 2, 2]
    assert current_slot(at(9), 3) == 2
