"""The daily computation: which counties, both schemes, history only on change, idempotence."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.management import call_command

from epicontrol.core.models import AuditEntry
from epicontrol.riskareas.counties import counties_on
from epicontrol.riskareas.errors import FutureDate, SchemeNotFound, SchemeNotInForce
from epicontrol.riskareas.models import (
    RiskAssessment,
    RiskComputation,
    RiskLevel,
    RiskLevelChange,
)
from epicontrol.riskareas.policy import national_cluster_threshold
from epicontrol.riskareas.services import risk_levels_compute
from epicontrol.riskareas.tasks import compute_risk_levels_task

from .conftest import FakeStats, stats

pytestmark = pytest.mark.django_db

D20 = dt.date(2020, 2, 20)
LUSONG, HETANG = "430203", "430202"


def test_hunan_has_122_county_units_and_no_functional_zones() -> None:
    codes = set(
        counties_on(dt.date(2020, 2, 23), root_path="430000/").values_list("code", flat=True)
    )
    assert len(codes) == 122
    assert "431121" in codes  # 祁阳县, as the 2020 lists name it
    assert "431181" not in codes  # 祁阳市 only after the recoding
    assert "430371" not in codes  # 湘潭高新区: a functional zone, not a county
    later = set(
        counties_on(dt.date(2022, 12, 1), root_path="430000/").values_list("code", flat=True)
    )
    assert len(later) == 122
    assert "431181" in later and "431121" not in later


def test_cluster_threshold_follows_the_national_edition() -> None:
    assert national_cluster_threshold(dt.date(2020, 2, 20)) == 2
    assert national_cluster_threshold(dt.date(2020, 10, 1)) == 5
    assert national_cluster_threshold(dt.date(2024, 1, 1)) == 5  # last definition stays


def test_both_schemes_are_computed_for_hunan_and_hunan_designates(fake_stats: FakeStats) -> None:
    fake_stats.data = {LUSONG: stats(3, last=D20 - dt.timedelta(days=2))}
    result = risk_levels_compute(actor=None, day=D20, root_code="430200", stats_provider=fake_stats)
    assert result.schemes == ["county-2020-02", "hunan-3l5c-2020-02"]
    assert result.counties == 9
    assert RiskAssessment.objects.filter(day=D20).count() == 18
    national = RiskAssessment.objects.get(
        day=D20, scheme="county-2020-02", jurisdiction__code=LUSONG
    )
    local = RiskAssessment.objects.get(
        day=D20, scheme="hunan-3l5c-2020-02", jurisdiction__code=LUSONG
    )
    assert (national.level, local.level) == ("medium", "medium_B")
    assert local.inputs["stats"]["cumulative_confirmed"] == 3
    assert local.inputs["params"]["cluster_threshold"] == 2
    assert local.inputs["facts"]["days_since_last_confirmed"] == 2
    designation = RiskLevel.objects.get(jurisdiction__code=LUSONG)
    assert (designation.level, designation.scheme, designation.is_override) == (
        "medium_B",
        "hunan-3l5c-2020-02",
        False,
    )
    assert RiskLevel.objects.get(jurisdiction__code=HETANG).level == "low"
    assert fake_stats.calls[0]["window_days"] == 14
    assert fake_stats.calls[0]["cluster_threshold"] == 2
    assert len(fake_stats.calls) == 1  # same window and threshold: one query for both schemes


def test_before_the_hunan_variant_only_the_national_rule_applies(fake_stats: FakeStats) -> None:
    day = dt.date(2020, 2, 17)
    result = risk_levels_compute(actor=None, day=day, root_code="430200", stats_provider=fake_stats)
    assert result.schemes == ["county-2020-02"]
    assert RiskLevel.objects.get(jurisdiction__code=LUSONG).scheme == "county-2020-02"


def test_other_provinces_get_only_the_national_rule(fake_stats: FakeStats) -> None:
    fake_stats.data = {"420102": stats(900, cluster=True, last=D20)}
    risk_levels_compute(actor=None, day=D20, root_code="420100", stats_provider=fake_stats)
    assert set(RiskAssessment.objects.filter(day=D20).values_list("scheme", flat=True)) == {
        "county-2020-02"
    }
    assert RiskLevel.objects.get(jurisdiction__code="420102").level == "high"


def test_history_is_written_only_when_the_level_changes(fake_stats: FakeStats) -> None:
    last = dt.date(2020, 2, 19)
    fake_stats.data = {LUSONG: stats(3, last=last)}
    for offset in range(9):  # 02-19 … 02-27
        risk_levels_compute(
            actor=None,
            day=last + dt.timedelta(days=offset),
            root_code=LUSONG,
            stats_provider=fake_stats,
        )
    changes = list(
        RiskLevelChange.objects.filter(jurisdiction__code=LUSONG)
        .order_by("effective_from", "id")
        .values_list("effective_from", "from_level", "to_level", "source")
    )
    assert changes == [
        (dt.date(2020, 2, 19), "", "medium_B", "computed"),
        (dt.date(2020, 2, 26), "medium_B", "medium_C", "computed"),  # 7 days without a case
    ]
    assert RiskAssessment.objects.filter(jurisdiction__code=LUSONG).count() == 18


def test_recomputing_a_day_is_idempotent(fake_stats: FakeStats) -> None:
    fake_stats.data = {LUSONG: stats(60, cluster=True, last=D20)}
    first = risk_levels_compute(actor=None, day=D20, root_code="430200", stats_provider=fake_stats)
    assert (first.created, first.updated, first.changes) == (18, 0, 9)
    audits = AuditEntry.objects.count()
    again = risk_levels_compute(actor=None, day=D20, root_code="430200", stats_provider=fake_stats)
    assert (again.created, again.updated, again.changes) == (0, 0, 0)
    assert RiskAssessment.objects.count() == 18
    assert RiskLevelChange.objects.count() == 9
    # The second run is itself audited (one entry for the run, none for unchanged levels).
    assert AuditEntry.objects.count() == audits + 1
    assert AuditEntry.objects.filter(action="riskareas.computed").count() == 2


def test_corrected_case_records_update_the_day_and_append_a_change(fake_stats: FakeStats) -> None:
    fake_stats.data = {LUSONG: stats(60, cluster=True, last=D20)}
    risk_levels_compute(actor=None, day=D20, root_code=LUSONG, stats_provider=fake_stats)
    assert RiskLevel.objects.get(jurisdiction__code=LUSONG).level == "high"
    fake_stats.data = {LUSONG: stats(40, cluster=True, last=D20)}
    result = risk_levels_compute(actor=None, day=D20, root_code=LUSONG, stats_provider=fake_stats)
    assert (result.created, result.updated, result.changes) == (0, 2, 1)
    assert RiskLevel.objects.get(jurisdiction__code=LUSONG).level == "medium_A"
    steps = list(
        RiskLevelChange.objects.filter(jurisdiction__code=LUSONG)
        .order_by("id")
        .values_list("from_level", "to_level")
    )
    assert steps == [("", "high"), ("high", "medium_A")]
    assert AuditEntry.objects.filter(action="riskareas.level_changed").count() == 2


def test_refusals(
    fake_stats: FakeStats, county_officer: Any, city_officer: Any, sibling_officer: Any
) -> None:
    from django.utils import timezone

    from epicontrol.core.errors import NotFound
    from epicontrol.riskareas.errors import RiskLevelForbidden

    with pytest.raises(FutureDate) as exc:
        risk_levels_compute(
            actor=None, day=timezone.localdate() + dt.timedelta(days=1), stats_provider=fake_stats
        )
    assert exc.value.code == "risk_level.future_date"
    with pytest.raises(SchemeNotInForce):
        risk_levels_compute(
            actor=None,
            day=dt.date(2020, 2, 17),
            scheme_code="hunan-3l5c-2020-02",
            stats_provider=fake_stats,
        )
    with pytest.raises(SchemeNotFound):
        risk_levels_compute(actor=None, day=D20, scheme_code="nope", stats_provider=fake_stats)
    with pytest.raises(RiskLevelForbidden):
        risk_levels_compute(
            actor=county_officer, day=D20, root_code="430200", stats_provider=fake_stats
        )
    with pytest.raises(RiskLevelForbidden):
        risk_levels_compute(actor=city_officer, day=D20, stats_provider=fake_stats)
    with pytest.raises(NotFound):
        risk_levels_compute(
            actor=sibling_officer, day=D20, root_code=LUSONG, stats_provider=fake_stats
        )
    assert not RiskAssessment.objects.exists()
    result = risk_levels_compute(
        actor=city_officer, day=D20, root_code="430200", stats_provider=fake_stats
    )
    assert result.counties == 9
    assert RiskComputation.objects.get(pk=result.computation_id).actor == city_officer


def test_one_scheme_only_leaves_the_designation_to_the_designating_scheme(
    fake_stats: FakeStats,
) -> None:
    fake_stats.data = {LUSONG: stats(3, last=D20)}
    risk_levels_compute(
        actor=None,
        day=D20,
        scheme_code="county-2020-02",
        root_code="430200",
        stats_provider=fake_stats,
    )
    assert RiskAssessment.objects.filter(scheme="county-2020-02").count() == 9
    assert not RiskLevelChange.objects.exists()  # Hunan designates Hunan's counties
    risk_levels_compute(
        actor=None,
        day=D20,
        scheme_code="hunan-3l5c-2020-02",
        root_code="430200",
        stats_provider=fake_stats,
    )
    assert RiskLevel.objects.get(jurisdiction__code=LUSONG).level == "medium_B"


def test_command_and_task_compute_from_the_case_records() -> None:
    from io import StringIO

    out = StringIO()
    call_command("compute_risk_levels", "--date", "2020-02-20", "--root", "430200", stdout=out)
    assert "9 counties" in out.getvalue()
    call_command("compute_risk_levels", "--date", "2020-02-20", "--root", "430200", stdout=out)
    assert "0 new, 0 updated; 0 designation changes" in out.getvalue()
    result = compute_risk_levels_task.call(day="2020-02-21", root_code="430200")
    assert result["counties"] == 9
    assert RiskAssessment.objects.filter(day=dt.date(2020, 2, 21)).count() == 18
