"""Services: creation, one open case per person, audit, discharge rules, hand-over, revisits."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from epicontrol.cases import services
from epicontrol.cases.models import Case, CaseEvent
from epicontrol.core.errors import DomainError
from epicontrol.core.models import AuditEntry
from epicontrol.jurisdictions.models import Unit
from epicontrol.people.tests.factories import resident_id

from .factories import admin_actor, at, case, move, negatives, person


def test_create_records_event_audit_and_defaults(county_officer: Any, lusong: Any) -> None:
    p = person(lusong)
    c = services.case_create(
        actor=county_officer,
        person=p,
        classification="confirmed",
        severity="common",
        reported_at=at("2020-02-03", 10),
        onset_date=dt.date(2020, 1, 30),
        is_imported=True,
        import_origin="湖北省武汉市",
    )
    assert c.jurisdiction == lusong  # the person's county manages the case
    assert c.confirmed_at == at("2020-02-03", 10)
    assert c.policy_code == "v3"  # 防控方案第三版 in force on 2020-02-03
    ev = c.events.get()
    assert (ev.action, ev.from_status, ev.to_status, ev.to_classification, ev.to_severity) == (
        "created",
        "",
        "open",
        "confirmed",
        "common",
    )
    entry = AuditEntry.objects.get(action="cases.created", target_id=str(c.pk))
    assert entry.actor == county_officer
    assert entry.jurisdiction_path == lusong.path
    assert entry.changes["classification"] == "confirmed"
    assert "id_number" not in str(entry.changes)


def test_every_transition_is_audited_with_changes(
    county_officer: Any, lusong: Any, hospital: Any
) -> None:
    c = case(lusong, actor=county_officer, reported=at("2020-02-01"))
    move(c, "admit", at("2020-02-01", 12), actor=county_officer, facility=hospital)
    move(c, "confirm", at("2020-02-02"), actor=county_officer, severity="severe")
    move(c, "change_severity", at("2020-02-04"), actor=county_officer, severity="common")
    move(
        c,
        "discharge",
        at("2020-02-10"),
        actor=county_officer,
        negative_tests=negatives(at("2020-02-10")),
    )
    actions = list(
        AuditEntry.objects.filter(target_type="cases.case", target_id=str(c.pk))
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == [
        "cases.created",
        "cases.admit",
        "cases.confirm",
        "cases.change_severity",
        "cases.discharge",
    ]
    confirm = AuditEntry.objects.get(action="cases.confirm", target_id=str(c.pk))
    assert confirm.changes["classification"] == ["suspected", "confirmed"]
    assert confirm.changes["severity"] == ["", "severe"]
    assert all(
        e.actor == county_officer
        for e in AuditEntry.objects.filter(target_type="cases.case", target_id=str(c.pk))
    )
    assert list(c.events.values_list("action", flat=True)) == [
        "created",
        "admit",
        "confirm",
        "change_severity",
        "discharge",
    ]


def test_one_open_case_per_person(county_officer: Any, lusong: Any) -> None:
    p = person(lusong)
    first = case(lusong, person_obj=p, actor=county_officer)
    with pytest.raises(services.DuplicateOpenCase) as err:
        case(lusong, person_obj=p, actor=county_officer, reported=at("2020-02-02"))
    assert err.value.code == "case.duplicate_open"
    assert err.value.details["existing_id"] == first.pk
    # The database refuses it too, whatever the path.
    with pytest.raises(IntegrityError), transaction.atomic():
        Case.objects.create(
            person=p, jurisdiction=lusong, classification="suspected", reported_at=at("2020-02-02")
        )
    # Once the first case is closed, a new one may be reported.
    move(first, "exclude", at("2020-02-03"))
    again = case(lusong, person_obj=p, actor=county_officer, reported=at("2020-02-04"))
    assert again.pk != first.pk


def test_duplicate_hides_the_id_of_a_case_the_actor_cannot_see(
    sibling_officer: Any, county_officer: Any, lusong: Any, hetang: Any
) -> None:
    p = person(hetang)
    case(lusong, person_obj=p, jurisdiction=lusong)  # managed by 芦淞区, person lives in 荷塘区
    with pytest.raises(services.DuplicateOpenCase) as err:
        case(hetang, person_obj=p, actor=sibling_officer, reported=at("2020-02-02"))
    assert err.value.details["existing_id"] is None


def test_discharge_needs_the_policy_tests_and_sets_post_discharge_observation(
    lusong: Any, hospital: Any
) -> None:
    c = case(lusong, classification="confirmed", reported=at("2020-02-01"), facility=hospital)
    with pytest.raises(services.DischargeCriteriaUnmet) as err:
        move(c, "discharge", at("2020-02-10"), negative_tests=[at("2020-02-09")])
    assert err.value.code == "case.discharge_criteria_unmet" and err.value.details["required"] == 2
    with pytest.raises(services.DischargeCriteriaUnmet):  # less than 24 h apart
        move(
            c,
            "discharge",
            at("2020-02-10"),
            negative_tests=[at("2020-02-09", 8), at("2020-02-09", 20)],
        )
    with pytest.raises(services.InvalidTime):  # a test after the discharge
        move(c, "discharge", at("2020-02-10"), negative_tests=[at("2020-02-08"), at("2020-02-11")])
    c = move(c, "discharge", at("2020-02-10", 15), negative_tests=negatives(at("2020-02-10", 15)))
    assert c.status == "cured_discharged" and c.discharged_at == at("2020-02-10", 15)
    assert c.post_discharge_until == dt.date(2020, 2, 24)  # 14 days (2020 editions)
    assert c.post_discharge_kind == "isolation_observation"
    assert len(c.discharge_tests) == 2


def test_post_discharge_days_follow_the_policy_in_force(lusong: Any, hospital: Any) -> None:
    c = case(lusong, classification="confirmed", reported=at("2022-07-01"), facility=hospital)
    c = move(c, "discharge", at("2022-07-10"), negative_tests=negatives(at("2022-07-10")))
    assert c.post_discharge_until == dt.date(2022, 7, 17)  # 9th edition: 7 days
    assert c.post_discharge_kind == "home_health_monitoring"


def test_times_are_checked(lusong: Any) -> None:
    c = case(lusong, reported=at("2020-02-05"))
    with pytest.raises(services.InvalidTime) as err:
        move(c, "confirm", at("2020-02-04"))  # before the report
    assert err.value.code == "case.invalid_time" and err.value.status == 422
    with pytest.raises(services.InvalidTime):
        move(c, "confirm", timezone.now() + dt.timedelta(hours=1))
    with pytest.raises(services.InvalidTime):
        case(lusong, reported=timezone.now() + dt.timedelta(days=1))
    naive = dt.datetime(2020, 2, 6, 9, 0)  # a wall-clock time is local time
    assert move(c, "confirm", naive).confirmed_at == at("2020-02-06", 9)


def test_refusals_have_codes(
    supervisor: Any, county_officer: Any, lusong: Any, hospital: Any, division: Any
) -> None:
    p = person(lusong)
    with pytest.raises(services.CaseForbidden) as err:
        services.case_create(
            actor=supervisor, person=p, classification="suspected", reported_at=at("2020-02-01")
        )
    assert (err.value.code, err.value.status) == ("case.forbidden", 403)
    with pytest.raises(services.InvalidCaseField) as err2:
        services.case_create(
            actor=county_officer,
            person=p,
            classification="suspected",
            severity="severe",
            reported_at=at("2020-02-01"),
        )
    assert err2.value.code == "case.severity_not_applicable"
    with pytest.raises(services.InvalidCaseField) as err3:
        services.case_create(
            actor=county_officer, person=p, classification="excluded", reported_at=at("2020-02-01")
        )
    assert err3.value.field == "classification"
    with pytest.raises(DomainError) as err4:
        services.case_create(
            actor=county_officer,
            person=p,
            classification="suspected",
            jurisdiction=division("430202"),
            reported_at=at("2020-02-01"),
        )
    assert err4.value.code == "case.jurisdiction_out_of_scope"
    with pytest.raises(services.InvalidCaseField) as err5:
        services.case_create(
            actor=county_officer,
            person=p,
            classification="suspected",
            jurisdiction=division("430200"),
            reported_at=at("2020-02-01"),
        )
    assert err5.value.code == "case.invalid_jurisdiction"
    with pytest.raises(services.InvalidCaseField) as err6:
        services.case_create(
            actor=county_officer,
            person=p,
            classification="confirmed",
            is_imported=True,
            reported_at=at("2020-02-01"),
        )
    assert err6.value.code == "case.import_origin_required"
    enterprise = Unit.objects.create(kind="enterprise", name="某公司", jurisdiction=lusong)
    faraway = Unit.objects.create(
        kind="designated_hospital", name="武汉某医院", jurisdiction=division("420102")
    )
    for unit in (enterprise, faraway):
        with pytest.raises(services.InvalidFacility) as err7:
            services.case_create(
                actor=county_officer,
                person=p,
                classification="suspected",
                facility=unit,
                reported_at=at("2020-02-01"),
            )
        assert err7.value.code == "case.invalid_facility"
    assert not Case.objects.filter(person=p).exists()


def test_transfer_changes_facility_and_keeps_admission(
    lusong: Any, hospital: Any, second_hospital: Any
) -> None:
    c = case(lusong, classification="confirmed", reported=at("2020-02-01"), facility=hospital)
    with pytest.raises(services.InvalidFacility):
        move(c, "transfer", at("2020-02-02"), facility=hospital)
    c = move(c, "transfer", at("2020-02-02"), facility=second_hospital)
    assert c.facility == second_hospital and c.admitted_at == at("2020-02-01")


def test_case_admit_transfer_creates_an_admitted_suspected_case(
    grid_worker: Any, grid: Any, hospital: Any
) -> None:
    p = person(grid)
    c = services.case_admit_transfer(
        actor=grid_worker,
        person=p,
        facility=hospital,
        reported_at=at("2020-02-03", 8),
        note="体温38.2℃",
    )
    assert (c.classification, c.status, c.source) == ("suspected", "open", "observation_transfer")
    assert c.facility == hospital and c.admitted_at == at("2020-02-03", 8)
    assert c.jurisdiction == grid  # managed where the person lives
    assert list(c.events.values_list("action", flat=True)) == ["created", "admit"]
    # Handing over again returns the same open case.
    again = services.case_admit_transfer(
        actor=grid_worker, person=p, facility=hospital, reported_at=at("2020-02-03", 9)
    )
    assert again.pk == c.pk and again.events.count() == 2


def test_case_admit_transfer_admits_an_open_case_not_yet_admitted(
    county_officer: Any, lusong: Any, hospital: Any
) -> None:
    p = person(lusong)
    c = case(lusong, person_obj=p, classification="asymptomatic", reported=at("2020-02-01"))
    out = services.case_admit_transfer(
        actor=county_officer, person=p, facility=hospital, reported_at=at("2020-02-02")
    )
    assert out.pk == c.pk and out.is_admitted and out.classification == "asymptomatic"


def test_case_admit_transfer_needs_a_visible_person(
    sibling_officer: Any, lusong: Any, hospital: Any
) -> None:
    p = person(lusong)
    with pytest.raises(DomainError) as err:
        services.case_admit_transfer(
            actor=sibling_officer, person=p, facility=hospital, reported_at=at("2020-02-02")
        )
    assert err.value.code == "not_found"


def test_revisits_only_after_discharge(county_officer: Any, lusong: Any, hospital: Any) -> None:
    c = case(lusong, classification="confirmed", reported=at("2020-02-01"), facility=hospital)
    with pytest.raises(services.CaseInvalidTransition) as err:
        services.revisit_record(
            actor=county_officer, case=c, date=dt.date(2020, 2, 5), result="negative"
        )
    assert err.value.details["reason"] == "not_discharged"
    c = move(c, "discharge", at("2020-02-10"), negative_tests=negatives(at("2020-02-10")))
    with pytest.raises(services.InvalidCaseField):
        services.revisit_record(
            actor=county_officer, case=c, date=dt.date(2020, 2, 9), result="negative"
        )
    r = services.revisit_record(
        actor=county_officer, case=c, date=dt.date(2020, 2, 24), result="positive", note="复阳"
    )
    assert r.case == c and c.revisits.count() == 1
    c.refresh_from_db()
    assert c.status == "cured_discharged"  # a re-positive revisit does not reopen the case
    assert AuditEntry.objects.filter(action="cases.revisit", target_id=str(c.pk)).exists()
    assert c.events.filter(action="revisit").exists()


def test_cluster_link_is_audited(county_officer: Any, lusong: Any, division: Any) -> None:
    cl = services.cluster_create(
        actor=county_officer,
        jurisdiction=division("430203001"),
        name="建设街道某家庭",
        setting="family",
    )
    c = case(lusong, actor=county_officer)
    c = services.case_cluster_set(actor=county_officer, case=c, cluster=cl)
    assert c.cluster == cl
    assert AuditEntry.objects.filter(action="cases.cluster_set", target_id=str(c.pk)).exists()
    with pytest.raises(DomainError) as err:
        services.cluster_create(
            actor=county_officer, jurisdiction=division("430202"), name="x", setting="family"
        )
    assert err.value.code == "case.jurisdiction_out_of_scope"


def test_update_edits_details_and_keeps_state_times(county_officer: Any, lusong: Any) -> None:
    c = case(lusong, actor=county_officer, reported=at("2020-02-05"))
    c = services.case_update(
        actor=county_officer,
        case=c,
        onset_date=dt.date(2020, 2, 1),
        is_imported=True,
        import_origin="武汉",
    )
    assert c.onset_date == dt.date(2020, 2, 1) and c.import_origin == "武汉"
    # An edit today does not stop a back-dated state change after the report.
    move(c, "confirm", at("2020-02-06"))
    assert AuditEntry.objects.filter(action="cases.updated", target_id=str(c.pk)).exists()


def test_hospital_staff_register_a_patient_from_another_county(
    hospital_staff: Any, hospital: Any, division: Any
) -> None:
    p = services.case_person_register(
        actor=hospital_staff,
        name="外地病人",
        id_type="resident_id",
        id_number=resident_id("430102", dt.date(1990, 1, 1), 123),
        jurisdiction=division("430102"),
    )
    c = services.case_create(
        actor=hospital_staff,
        person=p,
        classification="suspected",
        reported_at=at("2020-02-01"),
        facility=hospital,
    )
    assert c.jurisdiction.code == "430102" and c.facility == hospital
    assert CaseEvent.objects.filter(case=c).count() == 2


def test_officer_registers_persons_of_own_area_only(county_officer: Any, division: Any) -> None:
    with pytest.raises(DomainError) as err:
        services.case_person_register(
            actor=county_officer,
            name="某人",
            id_type="resident_id",
            id_number=resident_id("430102", dt.date(1990, 1, 1), 124),
            jurisdiction=division("430102"),
        )
    assert err.value.code == "person.jurisdiction_out_of_scope"


def test_admin_actor_builds_cases_anywhere(division: Any) -> None:
    c = case(division("430102"), actor=admin_actor())
    assert c.jurisdiction.code == "430102"
