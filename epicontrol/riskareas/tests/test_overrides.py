"""Manual overrides: propose, approve above, reject, withdraw, lift; refusals; audit."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.utils import timezone

from epicontrol.core.errors import NotFound
from epicontrol.core.models import AuditEntry
from epicontrol.riskareas.errors import (
    OverrideForbidden,
    OverrideInvalid,
    OverrideInvalidLevel,
    OverrideInvalidTransition,
    OverridePending,
    SelfApproval,
)
from epicontrol.riskareas.models import RiskLevel, RiskLevelChange, RiskOverride
from epicontrol.riskareas.services import (
    risk_levels_compute,
    risk_override_approve,
    risk_override_lift,
    risk_override_propose,
    risk_override_reject,
    risk_override_withdraw,
)

from .conftest import FakeStats, stats

pytestmark = pytest.mark.django_db

LUSONG = "430203"


def _compute(fake: FakeStats, day: dt.date | None = None) -> None:
    risk_levels_compute(
        actor=None, day=day or timezone.localdate(), root_code="430200", stats_provider=fake
    )


def _level(code: str = LUSONG) -> RiskLevel:
    return RiskLevel.objects.get(jurisdiction__code=code)


def _propose(actor: Any, level: str = "high", **kwargs: Any) -> RiskOverride:
    return risk_override_propose(
        actor=actor, county_code=LUSONG, level=level, reason="聚集性疫情扩散风险", **kwargs
    )


def test_county_proposes_city_approves_and_the_designation_changes(
    fake_stats: FakeStats, county_officer: Any, city_officer: Any
) -> None:
    today = timezone.localdate()
    fake_stats.data = {LUSONG: stats(3, last=today)}
    _compute(fake_stats)
    assert _level().level == "medium_B"
    override = _propose(county_officer)
    assert (override.status, override.scheme) == ("proposed", "hunan-3l5c-2020-02")
    assert _level().level == "medium_B"  # nothing changes before approval

    approved = risk_override_approve(actor=city_officer, override=override, note="同意")
    assert (approved.status, approved.effective_from, approved.decided_by) == (
        "approved",
        today,
        city_officer,
    )
    designation = _level()
    assert (designation.level, designation.is_override, designation.override_id) == (
        "high",
        True,
        override.pk,
    )
    change = RiskLevelChange.objects.filter(jurisdiction__code=LUSONG).order_by("-id").first()
    assert change is not None
    assert (change.from_level, change.to_level, change.source, change.actor) == (
        "medium_B",
        "high",
        "override",
        city_officer,
    )
    actions = list(
        AuditEntry.objects.filter(target_type="riskareas.riskoverride").values_list(
            "action", flat=True
        )
    )
    assert sorted(actions) == ["riskareas.override_approved", "riskareas.override_proposed"]
    assert AuditEntry.objects.filter(
        action="riskareas.level_changed", target_id=str(change.pk), actor=city_officer
    ).exists()


def test_while_an_override_holds_the_computation_records_but_does_not_designate(
    fake_stats: FakeStats, county_officer: Any, province_officer: Any
) -> None:
    today = timezone.localdate()
    fake_stats.data = {LUSONG: stats(3, last=today)}
    _compute(fake_stats)
    override = _propose(county_officer, level="low")
    risk_override_approve(actor=province_officer, override=override)
    changes = RiskLevelChange.objects.count()
    fake_stats.data = {LUSONG: stats(80, cluster=True, last=today)}
    _compute(fake_stats)  # computed level moves to high …
    designation = _level()
    assert (designation.level, designation.is_override, designation.computed_level) == (
        "low",
        True,
        "high",
    )
    assert RiskLevelChange.objects.count() == changes  # … but the designation does not

    lifted = risk_override_lift(actor=province_officer, override=override, reason="疫情形势变化")
    assert (lifted.status, lifted.lifted_on) == ("lifted", today)
    designation = _level()
    assert (designation.level, designation.is_override) == ("high", False)
    last = RiskLevelChange.objects.order_by("-id").first()
    assert last is not None
    assert (last.from_level, last.to_level, last.source, last.reason) == (
        "low",
        "high",
        "lifted",
        "疫情形势变化",
    )
    assert AuditEntry.objects.filter(action="riskareas.override_lifted").count() == 1


def test_the_proposer_cannot_approve_or_reject_their_own(
    fake_stats: FakeStats, city_officer: Any
) -> None:
    override = _propose(city_officer)
    with pytest.raises(SelfApproval) as exc:
        risk_override_approve(actor=city_officer, override=override)
    assert exc.value.code == "risk_override.self_approval"
    with pytest.raises(SelfApproval):
        risk_override_reject(actor=city_officer, override=override, note="x")
    override.refresh_from_db()
    assert override.status == "proposed"


def test_only_a_higher_level_may_decide(
    county_officer: Any, cdc_investigator: Any, supervisor: Any, make_user: Any
) -> None:
    override = _propose(county_officer)
    colleague = make_user("lusong_2", "command_officer", LUSONG)
    for actor in (colleague, cdc_investigator, supervisor):
        with pytest.raises(OverrideForbidden) as exc:
            risk_override_approve(actor=actor, override=override)
        assert exc.value.code == "risk_override.forbidden"
    with pytest.raises(OverrideForbidden):
        _propose(cdc_investigator, level="low")  # proposing is for command officers too


def test_siblings_and_other_cities_cannot_see_or_decide(
    county_officer: Any, sibling_officer: Any, other_city_officer: Any
) -> None:
    override = _propose(county_officer)
    for actor in (sibling_officer, other_city_officer):
        with pytest.raises(NotFound):
            risk_override_approve(actor=actor, override=override)
        with pytest.raises(NotFound):
            risk_override_propose(actor=actor, county_code=LUSONG, level="high", reason="x")


def test_reject_needs_a_note_and_ends_the_proposal(county_officer: Any, city_officer: Any) -> None:
    override = _propose(county_officer)
    with pytest.raises(OverrideInvalid) as exc:
        risk_override_reject(actor=city_officer, override=override, note="  ")
    assert exc.value.field == "note"
    rejected = risk_override_reject(actor=city_officer, override=override, note="依据不足")
    assert (rejected.status, rejected.decision_note) == ("rejected", "依据不足")
    with pytest.raises(OverrideInvalidTransition) as exc2:
        risk_override_approve(actor=city_officer, override=override)
    assert exc2.value.code == "risk_override.invalid_transition"
    assert exc2.value.status == 409
    assert exc2.value.details == {"current": "rejected", "target": "approved"}
    with pytest.raises(OverrideInvalidTransition):
        risk_override_lift(actor=city_officer, override=override, reason="x")
    assert not RiskLevelChange.objects.exists()
    assert AuditEntry.objects.filter(action="riskareas.override_rejected").count() == 1


def test_withdraw_by_the_proposer_only(
    county_officer: Any, city_officer: Any, make_user: Any
) -> None:
    override = _propose(county_officer)
    with pytest.raises(OverrideForbidden):
        risk_override_withdraw(actor=city_officer, override=override)
    risk_override_withdraw(actor=county_officer, override=override)
    override.refresh_from_db()
    assert override.status == "withdrawn"
    with pytest.raises(OverrideInvalidTransition):
        risk_override_withdraw(actor=county_officer, override=override)
    with pytest.raises(OverrideInvalidTransition):
        risk_override_approve(actor=city_officer, override=override)
    # A new proposal is possible once the old one is withdrawn.
    assert _propose(county_officer).status == "proposed"


def test_one_pending_proposal_per_county_and_levels_of_the_designating_scheme(
    county_officer: Any, city_officer: Any
) -> None:
    _propose(county_officer)
    with pytest.raises(OverridePending) as exc:
        _propose(city_officer, level="low")
    assert exc.value.status == 409
    RiskOverride.objects.update(status="withdrawn")
    with pytest.raises(OverrideInvalidLevel) as exc2:
        _propose(county_officer, level="medium")  # Hunan designates: medium_A/B/C, not medium
    assert exc2.value.code == "risk_override.invalid_level"
    assert _propose(county_officer, level="medium_A").level == "medium_A"


def test_proposal_needs_a_reason_and_no_past_start(county_officer: Any) -> None:
    with pytest.raises(OverrideInvalid) as exc:
        risk_override_propose(actor=county_officer, county_code=LUSONG, level="high", reason=" ")
    assert exc.value.field == "reason"
    with pytest.raises(OverrideInvalid) as exc2:
        _propose(county_officer, requested_from=timezone.localdate() - dt.timedelta(days=1))
    assert exc2.value.field == "requested_from"


def test_a_second_approved_override_supersedes_the_first(
    fake_stats: FakeStats, county_officer: Any, city_officer: Any
) -> None:
    _compute(fake_stats)
    first = _propose(county_officer, level="medium_A")
    risk_override_approve(actor=city_officer, override=first)
    second = _propose(county_officer, level="high")
    risk_override_approve(actor=city_officer, override=second)
    first.refresh_from_db()
    assert (first.status, first.lifted_on) == ("lifted", timezone.localdate())
    assert (_level().level, _level().override_id) == ("high", second.pk)


def test_an_override_for_a_later_day_takes_effect_with_that_day_s_computation(
    fake_stats: FakeStats, county_officer: Any, city_officer: Any
) -> None:
    today = timezone.localdate()
    _compute(fake_stats)
    override = _propose(county_officer, requested_from=today + dt.timedelta(days=2))
    risk_override_approve(actor=city_officer, override=override)
    override.refresh_from_db()
    assert override.effective_from == today + dt.timedelta(days=2)
    assert _level().level == "low"
    later = timezone.now() + dt.timedelta(days=2)
    with time_machine.travel(later, tick=False):
        _compute(fake_stats, day=timezone.localdate())
        assert (_level().level, _level().is_override) == ("high", True)
    change = RiskLevelChange.objects.order_by("-id").first()
    assert change is not None
    assert (change.effective_from, change.source) == (today + dt.timedelta(days=2), "override")


def test_approval_later_than_the_requested_day_starts_on_the_approval_day(
    fake_stats: FakeStats, county_officer: Any, city_officer: Any
) -> None:
    override = _propose(county_officer)
    later = timezone.now() + dt.timedelta(days=3)
    with time_machine.travel(later, tick=False):
        risk_override_approve(actor=city_officer, override=override)
        override.refresh_from_db()
        assert override.effective_from == timezone.localdate()
        assert override.effective_from > override.requested_from


def test_lifting_an_override_of_a_never_computed_county_leaves_it_undesignated(
    county_officer: Any, city_officer: Any
) -> None:
    override = _propose(county_officer)
    risk_override_approve(actor=city_officer, override=override)
    assert _level().level == "high"
    with pytest.raises(OverrideInvalid):
        risk_override_lift(actor=city_officer, override=override, reason="")
    risk_override_lift(actor=city_officer, override=override, reason="解除")
    assert _level().level == ""
