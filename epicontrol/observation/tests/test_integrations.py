"""Hand-overs (screening ledger, cases), the resident's own checks, the scan command, audit."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from io import StringIO
from typing import Any

import pytest
from django.apps import apps
from django.core.management import call_command

from epicontrol.core.errors import DomainError
from epicontrol.core.models import AuditEntry
from epicontrol.observation import services
from epicontrol.observation.models import Alert, Observation, Transfer

pytestmark = pytest.mark.django_db

D = dt.date
SCREENING = apps.is_installed("epicontrol.screening")
CASES = apps.is_installed("epicontrol.cases")


@pytest.mark.skipif(not SCREENING, reason="the screening app is not installed")
def test_a_ledger_entry_follows_the_observation(
    grid_worker: Any, grid: Any, person: Any, start: Callable[..., Any], at: Callable[..., Any]
) -> None:
    from epicontrol.screening.models import PersonCategory
    from epicontrol.screening.services import entry_register

    at(2020, 1, 24, 10)
    entry = entry_register(
        actor=grid_worker,
        person=person,
        category=PersonCategory.objects.get(code="wuhan_returnee"),
        grid=grid,
        source="door_to_door",
        arrival_date=D(2020, 1, 23),
        registered_on=D(2020, 1, 24),
    )
    obs = services.observation_start(
        actor=grid_worker,
        person=person,
        category="returnee",
        anchor_date=None,
        ledger_entry=entry,
    )
    assert obs.anchor_date == D(2020, 1, 23)  # the ledger's arrival date
    entry.refresh_from_db()
    assert entry.status == "under_observation"
    at(2020, 2, 6, 10)
    services.observation_release(actor=grid_worker, observation=obs)
    entry.refresh_from_db()
    assert entry.status == "cleared" and entry.closed_on == D(2020, 2, 6)


def test_an_entry_of_another_person_is_refused(
    grid_worker: Any, grid: Any, person: Any, other_person: Any
) -> None:
    if not SCREENING:
        pytest.skip("the screening app is not installed")
    from epicontrol.screening.models import PersonCategory
    from epicontrol.screening.services import entry_register

    entry = entry_register(
        actor=grid_worker,
        person=other_person,
        category=PersonCategory.objects.get(code="wuhan_returnee"),
        grid=grid,
        source="door_to_door",
        arrival_date=D(2020, 1, 23),
    )
    with pytest.raises(DomainError) as exc:
        services.observation_start(
            actor=grid_worker,
            person=person,
            category="returnee",
            anchor_date=D(2020, 1, 23),
            ledger_entry=entry,
        )
    assert exc.value.code == "observation.ledger_entry_mismatch"


def test_transfer_opens_a_case_when_the_cases_module_is_installed(
    county_officer: Any,
    person: Any,
    hospital: Any,
    start: Callable[..., Any],
    at: Callable[..., Any],
) -> None:
    at(2020, 2, 5, 21)
    obs = start(person, D(2020, 2, 1))
    services.observation_transfer(actor=county_officer, observation=obs, facility=hospital)
    transfer = Transfer.objects.get(observation=obs)
    if CASES:
        assert transfer.case_id is not None
    else:
        assert transfer.case_id is None


def test_a_resident_records_their_own_checks_through_the_api(
    api_client_for: Callable[[Any], Any],
    make_user: Callable[..., Any],
    grid: Any,
    person: Any,
    other_person: Any,
    start: Callable[..., Any],
    at: Callable[..., Any],
) -> None:
    resident = make_user("resident_li", "resident", grid.code)
    at(2020, 2, 3, 8)
    own = start(person, D(2020, 2, 1), self_reporter=resident)
    other = start(other_person, D(2020, 2, 1))
    client = api_client_for(resident)
    listed = client.get("/api/v1/observations").json()
    assert [i["id"] for i in listed["items"]] == [own.pk]  # not the neighbour's
    response = client.post(
        f"/api/v1/observations/{own.pk}/checks",
        {"slot": 1, "temperature_c": "36.6"},
        content_type="application/json",
    )
    assert response.status_code == 201 and response.json()["source"] == "self"
    assert client.get(f"/api/v1/observations/{other.pk}").status_code == 404
    refused = client.post(
        f"/api/v1/observations/{own.pk}/transition",
        {"action": "close", "reason": "x"},
        content_type="application/json",
    )
    assert refused.status_code == 403 and refused.json()["code"] == "observation.forbidden"


def test_scan_command_is_idempotent(
    person: Any, start: Callable[..., Any], at: Callable[..., Any]
) -> None:
    at(2020, 2, 2, 8)
    start(person, D(2020, 2, 1))
    at(2020, 2, 4, 13)
    out = StringIO()
    call_command("scan_missed_checks", stdout=out)
    # 2-02 morning and evening, 2-03 morning and evening (2-04 morning not yet due).
    assert "4" in out.getvalue()
    assert Alert.objects.filter(kind="missed_check").count() == 4
    call_command("scan_missed_checks", stdout=StringIO())
    assert Alert.objects.filter(kind="missed_check").count() == 4


def test_every_write_is_audited(
    grid_worker: Any, person: Any, start: Callable[..., Any], at: Callable[..., Any]
) -> None:
    at(2020, 2, 3, 9)
    obs = start(person, D(2020, 2, 1))
    services.check_record(actor=grid_worker, observation=obs, slot=1, temperature_c="36.5")
    services.observation_extend(
        actor=grid_worker, observation=obs, new_end_date=D(2020, 2, 20), reason="复核"
    )
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"observation.started", "observation.check_recorded", "observation.extended"} <= actions
    assert Observation.objects.get(pk=obs.pk).end_date == D(2020, 2, 20)
