"""Ledger entries, person de-duplication, the entry state machine and daily reports."""

from __future__ import annotations

import datetime as dt

import pytest

from epicontrol.core.errors import DomainError
from epicontrol.core.models import AuditEntry
from epicontrol.people.errors import CandidatesFound
from epicontrol.people.models import Person
from epicontrol.screening import selectors, services
from epicontrol.screening.errors import EntryDuplicate, EntryInvalidTransition, ReportNotZero
from epicontrol.screening.models import CategoryGroup, DailyReport, LedgerEntry, PersonCategory

from .conftest import DAY

pytestmark = pytest.mark.django_db


def test_taxonomy_is_seeded_with_groupings():
    codes = set(PersonCategory.objects.values_list("code", flat=True))
    assert {
        "wuhan_returnee",
        "hubei_returnee",
        "risk_area_returnee",
        "floating_population",
        "fever_patient",
        "close_contact",
        "secondary_contact",
        "inbound_traveller",
        "key_occupation",
    } <= codes
    four = CategoryGroup.objects.get(code="four_categories")
    assert four.definition_confirmed
    assert set(four.categories.values_list("code", flat=True)) == {
        "confirmed_case",
        "suspected_case",
        "fever_unexcluded",
        "close_contact",
    }
    three = CategoryGroup.objects.get(code="three_categories")
    assert not three.definition_confirmed
    assert "未经证实" in three.note
    assert PersonCategory.objects.get(code="close_contact").observation_rule == "close_contact"


def test_grid_worker_registers_a_returnee(grid_worker, grid, person_data, cat):
    entry, created = services.entry_register_person(
        actor=grid_worker,
        data=person_data(grid=grid, actor=grid_worker),
        category=cat("wuhan_returnee"),
        grid=grid,
        source="door_to_door",
        origin="湖北省武汉市",
        arrival_date=dt.date(2020, 1, 22),
    )
    assert created
    assert entry.status == "registered"
    assert entry.registered_by == grid_worker
    assert entry.person.jurisdiction == grid
    assert AuditEntry.objects.filter(
        action="screening.entry_registered", target_id=str(entry.pk)
    ).exists()
    assert list(selectors.open_entries_for_person(entry.person)) == [entry]


def test_same_document_reuses_the_person_across_categories_and_grids(
    register, person_data, grid, grid2, sibling_grid
):
    data = person_data(grid=grid)
    first = register(grid, "wuhan_returnee", data=data)
    second = register(grid2, "fever_patient", data=data)
    third = register(sibling_grid, "close_contact", data=person_data(
        grid=sibling_grid, id_number=first.person.id_number, name="另一个名字"
    ))  # fmt: skip
    assert first.person_id == second.person_id == third.person_id
    assert Person.objects.filter(id_number_hash=data.document.hash).count() == 1
    assert set(selectors.open_entries_for_person(first.person)) == {first, second, third}


def test_one_open_entry_per_person_and_category(register, person_data, grid, grid2):
    data = person_data(grid=grid)
    first = register(grid, "wuhan_returnee", data=data)
    with pytest.raises(EntryDuplicate) as exc:
        register(grid2, "wuhan_returnee", data=data)
    assert exc.value.code == "ledger_entry.duplicate"
    assert exc.value.details["existing_id"] == first.pk
    # Once closed, the person may be registered again in the category.
    services.entry_status_set(
        actor=None, entry=first, status="moved_away", on=DAY, enforce_scope=False
    )
    again = register(grid2, "wuhan_returnee", data=data)
    assert again.pk != first.pk


def test_candidates_are_shown_before_a_new_person_is_created(
    grid_worker, grid, person_data, cat, register
):
    existing = register(grid, data=person_data(grid=grid, name="王五", phone="13900001111"))
    data = person_data(grid=grid, name="王五", phone="13900001111", actor=grid_worker)
    with pytest.raises(CandidatesFound) as exc:
        services.entry_register_person(
            actor=grid_worker,
            data=data,
            category=cat("fever_patient"),
            grid=grid,
            source="self_report",
        )
    assert exc.value.details["candidates"] == [existing.person_id]
    # The worker picks the candidate: the person is reused.
    entry, created = services.entry_register_person(
        actor=grid_worker,
        person=existing.person,
        category=cat("fever_patient"),
        grid=grid,
        source="self_report",
    )
    assert not created and entry.person_id == existing.person_id


def test_grid_worker_cannot_register_in_another_grid(grid_worker, grid2, person_data, cat):
    with pytest.raises(DomainError) as exc:
        services.entry_register_person(
            actor=grid_worker,
            data=person_data(grid=grid2),
            category=cat("wuhan_returnee"),
            grid=grid2,
            source="door_to_door",
        )
    assert exc.value.code == "screening.forbidden"
    assert not LedgerEntry.objects.exists()


def test_supervisor_may_read_but_not_register(supervisor, grid, person_data, cat):
    with pytest.raises(DomainError) as exc:
        services.entry_register_person(
            actor=supervisor,
            data=person_data(grid=grid),
            category=cat("wuhan_returnee"),
            grid=grid,
            source="door_to_door",
        )
    assert exc.value.code == "screening.forbidden"


def test_entries_belong_to_grids(county_officer, township, person_data, cat):
    with pytest.raises(DomainError) as exc:
        services.entry_register_person(
            actor=county_officer,
            data=person_data(grid=township),
            category=cat("wuhan_returnee"),
            grid=township,
            source="door_to_door",
        )
    assert exc.value.code == "ledger_entry.invalid_grid"


def test_future_dates_are_refused(county_officer, grid, person_data, cat):
    with pytest.raises(DomainError) as exc:
        services.entry_register_person(
            actor=county_officer,
            data=person_data(grid=grid),
            category=cat("wuhan_returnee"),
            grid=grid,
            source="door_to_door",
            arrival_date=dt.date.today() + dt.timedelta(days=3),
        )
    assert exc.value.code == "ledger_entry.invalid_date"
    assert exc.value.details["field"] == "arrival_date"


@pytest.mark.parametrize(
    ("path", "allowed"),
    [
        (["under_observation", "cleared"], True),
        (["under_observation", "transferred"], True),
        (["moved_away"], True),
        (["cleared"], True),
        (["under_observation", "moved_away"], False),
        (["cleared", "registered"], False),
        (["cleared", "under_observation"], False),
        (["transferred", "cleared"], False),
        (["bogus"], False),
    ],
)
def test_entry_state_machine(county_officer, register, grid, path, allowed):
    entry = register(grid)
    day = DAY
    for i, status in enumerate(path):
        last = i == len(path) - 1
        if last and not allowed:
            with pytest.raises(EntryInvalidTransition) as exc:
                services.entry_status_set(actor=county_officer, entry=entry, status=status, on=day)
            assert exc.value.code == "ledger_entry.invalid_transition"
            assert exc.value.status == 409
        else:
            services.entry_status_set(actor=county_officer, entry=entry, status=status, on=day)
        day += dt.timedelta(days=7)
    entry.refresh_from_db()
    if allowed:
        assert entry.status == path[-1]


def test_status_change_records_the_days(county_officer, register, grid):
    entry = register(grid)
    services.entry_status_set(actor=county_officer, entry=entry, status="under_observation", on=DAY)
    services.entry_status_set(
        actor=county_officer, entry=entry, status="cleared", on=DAY + dt.timedelta(days=14),
        reason="超过14天潜伏期无症状",
    )  # fmt: skip
    entry.refresh_from_db()
    assert entry.observation_started_on == DAY
    assert entry.closed_on == DAY + dt.timedelta(days=14)
    assert entry.status_reason == "超过14天潜伏期无症状"
    assert list(selectors.open_entries_for_person(entry.person)) == []
    changes = AuditEntry.objects.filter(
        action="screening.entry_status_changed", target_id=str(entry.pk)
    ).values_list("changes", flat=True)
    assert [c["status"] for c in changes] == [
        ["under_observation", "cleared"],
        ["registered", "under_observation"],
    ]


def test_same_status_again_is_a_no_op(county_officer, register, grid):
    entry = register(grid)
    services.entry_status_set(actor=county_officer, entry=entry, status="under_observation")
    services.entry_status_set(actor=county_officer, entry=entry, status="under_observation")
    assert (
        AuditEntry.objects.filter(
            action="screening.entry_status_changed", target_id=str(entry.pk)
        ).count()
        == 1
    )


def test_status_day_before_registration_is_refused(county_officer, register, grid):
    entry = register(grid)
    with pytest.raises(DomainError) as exc:
        services.entry_status_set(
            actor=county_officer, entry=entry, status="cleared", on=DAY - dt.timedelta(days=1)
        )
    assert exc.value.code == "ledger_entry.invalid_date"


def test_sibling_officer_cannot_change_status_unless_scope_waived(sibling_officer, register, grid):
    entry = register(grid)
    with pytest.raises(DomainError) as exc:
        services.entry_status_set(actor=sibling_officer, entry=entry, status="cleared")
    assert exc.value.code == "screening.forbidden"
    # The observation module clears the grid's entry after its own, authorised, release.
    services.entry_status_set(
        actor=sibling_officer, entry=entry, status="cleared", enforce_scope=False
    )
    entry.refresh_from_db()
    assert entry.status == "cleared"


# Daily reports -------------------------------------------------------------------------------


def test_daily_report_stores_the_computed_figures(grid_worker, grid, register, county_officer):
    e1 = register(grid, "wuhan_returnee", on=DAY - dt.timedelta(days=3))
    register(grid, "wuhan_returnee", on=DAY)
    register(grid, "fever_patient", on=DAY)
    services.entry_status_set(
        actor=county_officer, entry=e1, status="under_observation", on=DAY - dt.timedelta(days=2)
    )
    e4 = register(grid, "close_contact", on=DAY - dt.timedelta(days=1))
    services.entry_status_set(actor=county_officer, entry=e4, status="cleared", on=DAY)
    report = services.daily_report_submit(actor=grid_worker, grid=grid, day=DAY)
    assert not report.is_zero
    assert report.new == 2
    assert report.registered_total == 4
    assert report.under_management == 3
    assert report.under_observation == 1
    assert report.cleared_today == 1
    assert report.cleared_total == 1
    assert report.new_by_category == {"wuhan_returnee": 1, "fever_patient": 1}
    assert report.confirmed_by == grid_worker
    assert report.version == 1
    # The day before: one new, none cleared yet.
    before = services.daily_report_submit(
        actor=grid_worker, grid=grid, day=DAY - dt.timedelta(days=1)
    )
    assert (before.new, before.registered_total, before.under_management) == (1, 2, 2)
    assert before.cleared_total == 0


def test_zero_report_when_nothing_is_new(grid_worker, grid, register):
    register(grid, on=DAY - dt.timedelta(days=5))
    report = services.daily_report_submit(actor=grid_worker, grid=grid, day=DAY, zero=True)
    assert report.is_zero
    assert report.new == 0
    assert report.under_management == 1


def test_zero_report_is_refused_when_there_are_new_entries(grid_worker, grid, register):
    register(grid, on=DAY)
    with pytest.raises(ReportNotZero) as exc:
        services.daily_report_submit(actor=grid_worker, grid=grid, day=DAY, zero=True)
    assert exc.value.code == "daily_report.not_zero"
    assert not DailyReport.objects.exists()


def test_resubmitting_updates_the_snapshot_and_is_audited(grid_worker, grid, register):
    first = services.daily_report_submit(actor=grid_worker, grid=grid, day=DAY, zero=True)
    register(grid, on=DAY)
    second = services.daily_report_submit(actor=grid_worker, grid=grid, day=DAY)
    assert second.pk == first.pk
    assert second.version == 2
    assert not second.is_zero and second.new == 1
    assert DailyReport.objects.count() == 1
    audit = AuditEntry.objects.get(action="screening.report_resubmitted")
    assert audit.changes["version"] == [1, 2]
    assert audit.changes["figures"]["new"] == [0, 1]
    assert audit.changes["previous"]["new"] == 0


def test_report_refusals(grid_worker, grid2, grid, supervisor, township):
    with pytest.raises(DomainError) as exc:
        services.daily_report_submit(actor=grid_worker, grid=grid2, day=DAY)
    assert exc.value.code == "screening.forbidden"
    with pytest.raises(DomainError) as exc:
        services.daily_report_submit(actor=supervisor, grid=grid, day=DAY)
    assert exc.value.code == "screening.forbidden"
    with pytest.raises(DomainError) as exc:
        services.daily_report_submit(
            actor=grid_worker, grid=grid, day=dt.date.today() + dt.timedelta(days=1)
        )
    assert exc.value.code == "daily_report.invalid"
    with pytest.raises(DomainError) as exc:
        services.daily_report_submit(actor=grid_worker, grid=township, day=DAY)
    assert exc.value.code == "daily_report.invalid"
