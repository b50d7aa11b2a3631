"""End to end with the case module's line list: confirmed cases and a cluster → levels."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.apps import apps

from epicontrol.riskareas.models import RiskAssessment, RiskLevel
from epicontrol.riskareas.services import risk_levels_compute

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        not apps.is_installed("epicontrol.cases"), reason="the cases module is not installed"
    ),
]

LUSONG = "430203"


def test_levels_follow_the_case_records(division: Any) -> None:
    from epicontrol.cases.services import case_cluster_set, cluster_create
    from epicontrol.cases.tests.factories import admin_actor, at, case

    lusong = division(LUSONG)
    family = cluster_create(
        actor=admin_actor(), jurisdiction=lusong, name="某家庭", setting="family"
    )
    for i, day in enumerate(["2020-02-08", "2020-02-09", "2020-02-15"]):
        c = case(lusong, classification="confirmed", reported=at(day), person_obj=None)
        if i < 2:
            case_cluster_set(actor=admin_actor(), case=c, cluster=family)

    def level(day: str, scheme: str = "hunan-3l5c-2020-02") -> str:
        return RiskAssessment.objects.get(
            jurisdiction=lusong, day=dt.date.fromisoformat(day), scheme=scheme
        ).level

    for day in ("2020-02-20", "2020-02-22", "2020-02-28", "2020-02-29"):
        risk_levels_compute(actor=None, day=dt.date.fromisoformat(day), root_code=LUSONG)
    # 02-20: a cluster (2 cases ≥ 2) within 14 days → medium A; nationally medium.
    assert level("2020-02-20") == "medium_A"
    assert level("2020-02-20", "county-2020-02") == "medium"
    assert RiskAssessment.objects.get(
        jurisdiction=lusong, day=dt.date(2020, 2, 20), scheme="county-2020-02"
    ).inputs["stats"] == {
        "cumulative_confirmed": 3,
        "new_confirmed_in_window": 3,
        "has_cluster_in_window": True,
        "last_confirmed_date": "2020-02-15",
    }
    # 02-22: the cluster's cases are 14 days old, the last case 7 days old → medium C.
    assert level("2020-02-22") == "medium_C"
    # 02-28: 13 days since the last case → still medium; 02-29: 14 days → low.
    assert level("2020-02-28") == "medium_C"
    assert level("2020-02-29") == "low"
    assert RiskLevel.objects.get(jurisdiction=lusong).level == "low"
