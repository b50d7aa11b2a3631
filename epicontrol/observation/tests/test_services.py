"""The observation life cycle: start, daily checks, alerts, tests, release, extension, transfer."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from epicontrol.core.errors import DomainError
from epicontrol.core.models import AuditEntry, PolicyVersion
from epicontrol.jurisdictions.models import Unit
from epicontrol.observation import services
from epicontrol.observation.models import Alert, DailyCheck, Extension, Observation, Transfer

pytestmark = pytest.mark.django_db

D = dt.date


def code_of(exc: pytest.ExceptionInfo[DomainError]) -> str:
    return exc.value.code


# --- start -------------------------------------------------------------------------------


def test_start_stores_the_plan_of_the_edition_in_force(
    start: Callable[..., Any], person: Any, grid_worker: Any
) -> None:
    obs = start(person, D(2020, 1, 31))
    assert obs.policy_version.code == "v3"  # day 1 = 2020-02-01
    assert obs.rule_version == obs.policy_version
    assert (obs.start_date, obs.end_date) == (D(2020, 2, 1), D(2020, 2, 14))
    assert obs.planned_end_date == obs.end_date
    assert obs.kind == "centralised_isolation" and obs.test_days == []
    assert obs.fever_threshold_c == Decimal("37.3")
    assert obs.responsible == grid_worker  # the acting grid worker receives the alerts
    assert obs.plan["policy"] == "v3" and obs.plan["total_days"] == 14
    entry = AuditEntry.objects.get(action="observation.started", target_id=str(obs.pk))
    assert entry.changes["end_date"] == "2020-02-14"
    assert entry.jurisdiction_path == obs.jurisdiction.path


def test_a_later_edit_of_the_edition_does_not_change_a_started_plan(
    start: Callable[..., Any], person: Any
) -> None:
    obs = start(person, D(2021, 5, 1))
    v7 = PolicyVersion.objects.get(domain="national", code="v7")
    v7.params = {**v7.params, "close_contact": {**v7.params["close_contact"], "home_days": 7}}
    v7.save()
    obs.refresh_from_db()
    assert obs.end_date == D(2021, 5, 15) and obs.policy_version.code == "v7"


def test_one_active_observation_per_person(start: Callable[..., Any], person: Any) -> None:
    start(person, D(2020, 2, 1))
    with pytest.raises(DomainError) as exc:
        start(person, D(2020, 2, 3))
    assert code_of(exc) == "observation.already_active" and exc.value.status == 409


def test_start_refuses_a_future_anchor_and_missing_rules(
    start: Callable[..., Any], person: Any, at: Callable[..., Any]
) -> None:
    at(2020, 2, 1, 9)
    with pytest.raises(DomainError) as exc:
        start(person, D(2020, 2, 2))
    assert code_of(exc) == "observation.anchor_in_future"
    at(2023, 2, 1, 9)
    with pytest.raises(DomainError) as exc:
        start(person, D(2023, 1, 20))
    assert code_of(exc) == "observation.no_rule"
    with pytest.raises(DomainError) as exc:
        start(person, D(2020, 2, 1), category="secondary_contact")
    assert code_of(exc) == "observation.no_rule"


def test_a_sibling_county_cannot_start_an_observation_of_our_person(
    start: Callable[..., Any], person: Any, sibling_officer: Any
) -> None:
    with pytest.raises(DomainError) as exc:
        start(person, D(2020, 2, 1), actor=sibling_officer)
    assert code_of(exc) == "not_found"


def test_a_supervisor_may_not_start_an_observation(
    start: Callable[..., Any], person: Any, supervisor: Any
) -> None:
    with pytest.raises(DomainError) as exc:
        start(person, D(2020, 2, 1), actor=supervisor)
    assert code_of(exc) == "observation.forbidden"


def test_county_officer_start_assigns_the_grid_worker_of_the_grid(
    start: Callable[..., Any], person: Any, county_officer: Any, grid_worker: Any
) -> None:
    obs = start(person, D(2020, 2, 1), actor=county_officer)
    assert obs.responsible == grid_worker


# --- daily checks and alerts ---------------------------------------------------------------


def test_two_checks_a_day_and_a_fever_alert(
    start: Callable[..., Any], person: Any, grid_worker: Any, at: Callable[..., Any]
) -> None:
    at(2020, 2, 1, 8)
    obs = start(person, D(2020, 1, 31))
    assert obs.checks_from == D(2020, 2, 1)
    at(2020, 2, 1, 8, 30)
    morning = services.check_record(
        actor=grid_worker, observation=obs, slot=1, temperature_c="36.6"
    )
    assert morning.day == D(2020, 2, 1) and morning.source == "grid_worker"
    assert not Alert.objects.filter(observation=obs).exists()
    at(2020, 2, 1, 19)
    evening = services.check_record(
        actor=grid_worker, observation=obs, slot=2, temperature_c=37.3, symptoms=["cough"]
    )
    kinds = sorted(Alert.objects.filter(observation=obs).values_list("kind", flat=True))
    assert kinds == ["fever", "symptoms"]  # 37.3 is at the threshold: fever (≥ 37.3)
    fever = Alert.objects.get(observation=obs, kind="fever")
    assert fever.value == Decimal("37.3") and fever.assignee == grid_worker
    assert fever.check_ref == evening and fever.slot == 2
    assert DailyCheck.objects.filter(observation=obs).count() == 2
    obs.refresh_from_db()
    assert (obs.checks_day, obs.checks_done) == (D(2020, 2, 1), 2)  # today's progress


def test_a_late_check_for_an_earlier_day_keeps_todays_progress(
    start: Callable[..., Any], person: Any, grid_worker: Any, at: Callable[..., Any]
) -> None:
    at(2020, 2, 3, 9)
    obs = start(person, D(2020, 1, 31), registered_on=D(2020, 2, 1))
    services.check_record(actor=grid_worker, observation=obs, slot=1, temperature_c="36.5")
    services.check_record(
        actor=grid_worker, observation=obs, slot=2, temperature_c="36.5", day=D(2020, 2, 2)
    )
    obs.refresh_from_db()
    assert (obs.checks_day, obs.checks_done, obs.checks_from) == (D(2020, 2, 3), 1, D(2020, 2, 1))


def test_check_input_is_validated(
    start: Callable[..., Any], person: Any, grid_worker: Any, at: Callable[..., Any]
) -> None:
    at(2020, 2, 3, 9)
    obs = start(person, D(2020, 1, 31))

    def record(**kw: Any) -> str:
        args: dict[str, Any] = {"slot": 1, "temperature_c": "36.5", **kw}
        with pytest.raises(DomainError) as exc:
            services.check_record(actor=grid_worker, observation=obs, **args)
        return code_of(exc)

    services.check_record(actor=grid_worker, observation=obs, slot=1, temperature_c="36.5")
    assert record() == "check.duplicate"
    assert record(slot=3) == "check.invalid_slot"
    assert record(slot=2, temperature_c="50") == "check.invalid_temperature"
    assert record(slot=2, temperature_c="abc") == "check.invalid_temperature"
    assert record(slot=2, symptoms=["sneezing-loudly"]) == "check.invalid_symptom"
    assert record(day=D(2020, 2, 4)) == "check.future"
    assert record(day=D(2020, 1, 31)) == "check.out_of_period"  # day 0 is not observed


def test_missed_check_scan_raises_once_per_slot(
    start: Callable[..., Any], person: Any, grid_worker: Any, at: Callable[..., Any]
) -> None:
    at(2020, 2, 1, 8)
    obs = start(person, D(2020, 1, 31))
    at(2020, 2, 1, 23, 59)
    assert services.scan_missed_checks() == 0  # morning deadline = 12:00 + 12 h grace
    at(2020, 2, 2, 0, 30)
    assert services.scan_missed_checks() == 1
    assert services.scan_missed_checks() == 0  # idempotent
    alert = Alert.objects.get(observation=obs, kind="missed_check")
    assert (alert.day, alert.slot, alert.assignee) == (D(2020, 2, 1), 1, grid_worker)
    at(2020, 2, 2, 12, 1)
    assert services.scan_missed_checks() == 1  # the evening of 2-01
    # A late check closes the missed-check alert of its slot.
    services.check_record(
        actor=grid_worker, observation=obs, day=D(2020, 2, 1), slot=1, temperature_c="36.4"
    )
    alert.refresh_from_db()
    assert alert.status == "resolved" and alert.resolution_note
    assert AuditEntry.objects.filter(action="observation.alert_raised").count() == 2


def test_missed_check_scan_ignores_ended_and_not_yet_started_days(
    start: Callable[..., Any],
    person: Any,
    other_person: Any,
    grid_worker: Any,
    at: Callable[..., Any],
) -> None:
    at(2020, 2, 5, 8)
    obs = start(person, D(2020, 1, 25))  # registered late: checks due from 2-05 only
    assert obs.checks_from == D(2020, 2, 5)
    ended = start(other_person, D(2020, 1, 25))
    services.observation_close(actor=grid_worker, observation=ended, reason="entered in error")
    at(2020, 2, 6, 1)
    assert services.scan_missed_checks(days=10) == 1  # only 2-05 morning of the open one
    assert Alert.objects.get().observation == obs


def test_alerts_are_acknowledged_then_resolved(
    start: Callable[..., Any], person: Any, grid_worker: Any, at: Callable[..., Any]
) -> None:
    at(2020, 2, 1, 20)
    obs = start(person, D(2020, 1, 31))
    services.check_record(actor=grid_worker, observation=obs, slot=2, temperature_c="38.2")
    alert = Alert.objects.get(kind="fever")
    alert = services.alert_transition(actor=grid_worker, alert=alert, action="acknowledge")
    assert alert.status == "acknowledged" and alert.acknowledged_by == grid_worker
    alert = services.alert_transition(
        actor=grid_worker, alert=alert, action="resolve", note="sent to fever clinic"
    )
    assert alert.status == "resolved" and alert.resolved_at is not None
    with pytest.raises(DomainError) as exc:
        services.alert_transition(actor=grid_worker, alert=alert, action="acknowledge")
    assert code_of(exc) == "alert.invalid_transition" and exc.value.status == 409


# --- release, extension, transfer ------------------------------------------------------------


def test_release_only_from_the_end_date_and_counts_as_cleared(
    start: Callable[..., Any], person: Any, grid_worker: Any, at: Callable[..., Any]
) -> None:
    at(2020, 2, 13, 10)
    obs = start(person, D(2020, 1, 31))
    with pytest.raises(DomainError) as exc:
        services.observation_release(actor=grid_worker, observation=obs)
    assert code_of(exc) == "observation.not_due"
    at(2020, 2, 14, 10)
    obs = services.observation_release(actor=grid_worker, observation=obs)
    assert obs.status == "released" and obs.ended_on == D(2020, 2, 14)
    assert obs.cleared_after_incubation is True
    with pytest.raises(DomainError) as exc:
        services.observation_release(actor=grid_worker, observation=obs)
    assert code_of(exc) == "observation.invalid_transition" and exc.value.status == 409


def test_a_short_ninth_edition_period_is_not_cleared_after_the_incubation_period(
    start: Callable[..., Any], person: Any, grid_worker: Any, at: Callable[..., Any]
) -> None:
    at(2022, 7, 1, 10)
    obs = start(person, D(2022, 6, 30), category="secondary_contact")  # 9th: 7 days home
    assert obs.kind == "home_isolation" and obs.test_days == [1, 4, 7]
    at(2022, 7, 7, 10)
    with pytest.raises(DomainError) as exc:
        services.observation_release(actor=grid_worker, observation=obs)
    assert code_of(exc) == "observation.release_blocked"
    assert exc.value.details["blockers"] == [{"reason": "tests_missing", "days": [1, 4, 7]}]
    for day in (D(2022, 7, 1), D(2022, 7, 4), D(2022, 7, 7)):
        services.lab_test_record(
            actor=grid_worker, observation=obs, sample_date=day, result="negative"
        )
    obs = services.observation_release(actor=grid_worker, observation=obs)
    assert obs.status == "released" and obs.cleared_after_incubation is False  # 7 < 14


def test_a_positive_test_blocks_release_and_alerts(
    start: Callable[..., Any], person: Any, grid_worker: Any, at: Callable[..., Any]
) -> None:
    at(2020, 2, 20, 10)
    obs = start(person, D(2020, 2, 1))
    test = services.lab_test_record(
        actor=grid_worker,
        observation=obs,
        sample_date=D(2020, 2, 10),
        result="positive",
        ct_value="28.5",
    )
    assert test.day_number == 9 and test.ct_value == Decimal("28.50")
    assert Alert.objects.get(kind="positive_test").lab_test == test
    with pytest.raises(DomainError) as exc:
        services.observation_release(actor=grid_worker, observation=obs)
    assert code_of(exc) == "observation.release_blocked"
    with pytest.raises(DomainError) as exc:
        services.lab_test_record(
            actor=grid_worker, observation=obs, sample_date=D(2020, 2, 10), result="maybe"
        )
    assert code_of(exc) == "lab_test.invalid_result"
    with pytest.raises(DomainError) as exc:
        services.lab_test_record(
            actor=grid_worker, observation=obs, sample_date=D(2020, 3, 10), result="negative"
        )
    assert code_of(exc) == "lab_test.future"


def test_extension_needs_a_reason_and_a_later_date(
    start: Callable[..., Any], person: Any, grid_worker: Any, at: Callable[..., Any]
) -> None:
    at(2020, 2, 10, 10)
    obs = start(person, D(2020, 2, 1))
    extend = services.observation_extend
    with pytest.raises(DomainError) as exc:
        extend(actor=grid_worker, observation=obs, new_end_date=D(2020, 2, 20), reason=" ")
    assert code_of(exc) == "observation.reason_required"
    with pytest.raises(DomainError) as exc:
        extend(actor=grid_worker, observation=obs, new_end_date=D(2020, 2, 15), reason="x")
    assert code_of(exc) == "observation.extension_not_later"
    obs = extend(
        actor=grid_worker, observation=obs, new_end_date=D(2020, 2, 20), reason="同住人员确诊"
    )
    assert obs.end_date == D(2020, 2, 20) and obs.planned_end_date == D(2020, 2, 15)
    assert Extension.objects.get(observation=obs).previous_end == D(2020, 2, 15)
    at(2020, 2, 16, 10)
    with pytest.raises(DomainError) as exc:
        services.observation_release(actor=grid_worker, observation=obs)
    assert code_of(exc) == "observation.not_due"


def test_transfer_to_a_designated_hospital_is_recorded(
    start: Callable[..., Any],
    person: Any,
    county_officer: Any,
    hospital: Any,
    at: Callable[..., Any],
) -> None:
    at(2020, 2, 5, 10)
    obs = start(person, D(2020, 2, 1))
    enterprise = Unit.objects.create(
        kind="enterprise", name="某厂", jurisdiction=hospital.jurisdiction
    )
    with pytest.raises(DomainError) as exc:
        services.observation_transfer(actor=county_officer, observation=obs, facility=enterprise)
    assert code_of(exc) == "observation.invalid_facility"
    obs = services.observation_transfer(
        actor=county_officer, observation=obs, facility=hospital, note="发热 38.5"
    )
    assert obs.status == "transferred" and obs.ended_on == D(2020, 2, 5)
    transfer = Transfer.objects.get(observation=obs)
    assert transfer.facility == hospital
    with pytest.raises(DomainError) as exc:
        services.observation_extend(
            actor=county_officer, observation=obs, new_end_date=D(2020, 3, 1), reason="x"
        )
    assert code_of(exc) == "observation.invalid_transition"


def test_transition_dispatcher_checks_its_arguments(
    start: Callable[..., Any], person: Any, grid_worker: Any
) -> None:
    obs = start(person, D(2020, 2, 1))
    for kw, expected in (
        ({"action": "fly"}, "observation.invalid_action"),
        ({"action": "extend"}, "observation.new_end_required"),
        ({"action": "transfer"}, "observation.facility_required"),
        ({"action": "close"}, "observation.reason_required"),
    ):
        with pytest.raises(DomainError) as exc:
            services.observation_transition(actor=grid_worker, observation=obs, **kw)
        assert code_of(exc) == expected
    obs = services.observation_transition(
        actor=grid_worker, observation=obs, action="close", reason="迁出本市"
    )
    assert obs.status == "closed"
    assert Observation.objects.filter(status="active").count() == 0
