"""The observation API: plan under the policy version, checks, transitions, sites, scoping."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from epicontrol.observation import services

pytestmark = pytest.mark.django_db

D = dt.date
API = "/api/v1/observations"


def test_start_and_read_the_plan(
    api_client_for: Callable[[Any], Any], grid_worker: Any, person: Any
) -> None:
    client = api_client_for(grid_worker)
    response = client.post(
        API,
        {"person_id": person.pk, "category": "close_contact", "anchor_date": "2021-06-01"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["policy"]["code"] == "v8"
    assert body["end_date"] == "2021-06-22" and body["start_date"] == "2021-06-02"
    assert body["test_days"] == [1, 4, 7, 14, 16, 21]
    assert body["test_dates"][0] == "2021-06-02" and body["test_dates"][-1] == "2021-06-22"
    assert [(p["kind"], p["days"]) for p in body["phases"]] == [
        ("centralised_isolation", 14),
        ("home_health_monitoring", 7),
    ]
    assert body["phases"][1]["start"] == "2021-06-16"
    detail = client.get(f"{API}/{body['id']}").json()
    assert detail["end_date"] == "2021-06-22" and detail["checks"] == []
    assert {b["reason"] for b in detail["release_blockers"]} == {"tests_missing"}
    listed = client.get(API).json()
    assert listed["count"] == 1 and listed["items"][0]["id"] == body["id"]


def test_start_errors_have_codes(
    api_client_for: Callable[[Any], Any], grid_worker: Any, person: Any, sibling_person: Any
) -> None:
    client = api_client_for(grid_worker)

    def post(**payload: Any) -> Any:
        body = {"person_id": person.pk, "category": "close_contact", "anchor_date": "2020-02-01"}
        return client.post(API, {**body, **payload}, content_type="application/json")

    assert post(person_id=sibling_person.pk).json()["code"] == "observation.invalid_person"
    assert post(anchor_date="2023-02-01").json()["code"] == "observation.no_rule"
    assert post(category="ghost").status_code == 422
    assert post(person_id=10**30).status_code == 422
    assert post(jurisdiction="999999").json()["code"] == "observation.invalid_jurisdiction"
    assert post().status_code == 201
    second = post()
    assert second.status_code == 409 and second.json()["code"] == "observation.already_active"


def test_checks_and_transitions_through_the_api(
    api_client_for: Callable[[Any], Any],
    grid_worker: Any,
    person: Any,
    start: Callable[..., Any],
    at: Callable[..., Any],
    hospital: Any,
) -> None:
    at(2020, 2, 3, 8)
    obs = start(person, D(2020, 2, 1))
    client = api_client_for(grid_worker)
    url = f"{API}/{obs.pk}"
    first = client.post(
        f"{url}/checks", {"slot": 1, "temperature_c": "36.5"}, content_type="application/json"
    )
    assert first.status_code == 201 and first.json()["alerts"] == []
    fever = client.post(
        f"{url}/checks",
        {"slot": 2, "temperature_c": "38.1", "symptoms": ["cough"]},
        content_type="application/json",
    )
    assert fever.status_code == 201
    assert {a["kind"] for a in fever.json()["alerts"]} == {"fever", "symptoms"}
    again = client.post(
        f"{url}/checks", {"slot": 2, "temperature_c": "36.5"}, content_type="application/json"
    )
    assert again.status_code == 409 and again.json()["code"] == "check.duplicate"
    bad = client.post(
        f"{url}/checks", {"slot": 2, "temperature_c": "33.0"}, content_type="application/json"
    )
    assert bad.status_code == 422
    assert len(client.get(f"{url}/checks").json()) == 2

    alerts = client.get(f"{API}/alerts").json()
    assert alerts["count"] == 2
    alert_id = next(a["id"] for a in alerts["items"] if a["kind"] == "fever")
    ack = client.post(
        f"{API}/alerts/{alert_id}/transition",
        {"action": "acknowledge"},
        content_type="application/json",
    )
    assert ack.status_code == 200 and ack.json()["status"] == "acknowledged"
    again = client.post(
        f"{API}/alerts/{alert_id}/transition",
        {"action": "acknowledge"},
        content_type="application/json",
    )
    assert again.status_code == 409 and again.json()["code"] == "alert.invalid_transition"

    early = client.post(f"{url}/transition", {"action": "release"}, content_type="application/json")
    assert early.status_code == 409 and early.json()["code"] == "observation.not_due"
    extended = client.post(
        f"{url}/transition",
        {"action": "extend", "new_end_date": "2020-02-20", "reason": "家属确诊"},
        content_type="application/json",
    )
    assert extended.status_code == 200 and extended.json()["end_date"] == "2020-02-20"
    moved = client.post(
        f"{url}/transition",
        {"action": "transfer", "facility_id": hospital.pk, "reason": "发热"},
        content_type="application/json",
    )
    assert moved.status_code == 200, moved.json()
    assert moved.json()["status"] == "transferred"
    assert moved.json()["transfer"]["facility_id"] == hospital.pk
    final = client.post(f"{url}/transition", {"action": "release"}, content_type="application/json")
    assert final.status_code == 409 and final.json()["code"] == "observation.invalid_transition"


def test_due_today_lists_missing_checks_first(
    api_client_for: Callable[[Any], Any],
    grid_worker: Any,
    person: Any,
    other_person: Any,
    start: Callable[..., Any],
    at: Callable[..., Any],
) -> None:
    at(2020, 2, 3, 8)
    done = start(person, D(2020, 2, 1))
    pending = start(other_person, D(2020, 2, 2))
    for slot in (1, 2):
        services.check_record(actor=grid_worker, observation=done, slot=slot, temperature_c="36.5")
    services.check_record(actor=grid_worker, observation=pending, slot=1, temperature_c="36.5")
    client = api_client_for(grid_worker)
    body = client.get(f"{API}/due-today").json()
    assert [(i["id"], i["checks_done"], i["checks_missing"]) for i in body["items"]] == [
        (pending.pk, 1, 1)
    ]
    complete = client.get(f"{API}/due-today", {"done": "true"}).json()
    assert [(i["id"], i["checks_missing"]) for i in complete["items"]] == [(done.pk, 0)]


def test_replan_preview_and_apply(
    api_client_for: Callable[[Any], Any],
    county_officer: Any,
    person: Any,
    start: Callable[..., Any],
    grid_worker: Any,
) -> None:
    obs = start(person, D(2021, 5, 5))  # v7: 14 days, ends 05-19
    client = api_client_for(county_officer)
    preview = client.get(f"{API}/replan/preview", {"as_of": "2021-05-14"}).json()
    assert preview["target_policy"] == "v8" and preview["changed"] == 1
    row = preview["rows"][0]
    assert (row["old_end"], row["new_end"]) == ("2021-05-19", "2021-05-26")
    assert row["new_test_days"] == [1, 4, 7, 14, 16, 21]
    stale = client.post(
        f"{API}/replan/apply",
        {"as_of": "2021-05-14", "token": "x" * 32},
        content_type="application/json",
    )
    assert stale.status_code == 409 and stale.json()["code"] == "observation.replan_stale"
    applied = client.post(
        f"{API}/replan/apply",
        {"as_of": "2021-05-14", "token": preview["token"]},
        content_type="application/json",
    )
    assert applied.status_code == 200 and applied.json()["changed"] == 1
    detail = client.get(f"{API}/{obs.pk}").json()
    assert detail["policy"]["code"] == "v8" and detail["end_date"] == "2021-05-26"
    # A grid worker may not re-plan.
    assert api_client_for(grid_worker).get(f"{API}/replan/preview").status_code == 403


def test_sites_rooms_and_assignment(
    api_client_for: Callable[[Any], Any],
    county_officer: Any,
    person: Any,
    other_person: Any,
    start: Callable[..., Any],
) -> None:
    client = api_client_for(county_officer)
    site = client.post(
        f"{API}/sites",
        {"jurisdiction": "430203", "name": "芦淞区第一隔离点", "category": "close_contact"},
        content_type="application/json",
    )
    assert site.status_code == 201, site.json()
    site_id = site.json()["id"]
    room = client.post(
        f"{API}/sites/{site_id}/rooms",
        {"number": "101", "beds": 1},
        content_type="application/json",
    )
    assert room.status_code == 201
    dup = client.post(
        f"{API}/sites/{site_id}/rooms",
        {"number": "101", "beds": 1},
        content_type="application/json",
    )
    assert dup.status_code == 409 and dup.json()["code"] == "room.duplicate"
    first = start(person, D(2020, 2, 1), actor=county_officer)
    second = start(other_person, D(2020, 2, 1), actor=county_officer)
    placed = client.put(
        f"{API}/{first.pk}/room", {"room_id": room.json()["id"]}, content_type="application/json"
    )
    assert placed.status_code == 200 and placed.json()["room"] == "101"
    full = client.put(
        f"{API}/{second.pk}/room", {"room_id": room.json()["id"]}, content_type="application/json"
    )
    assert full.status_code == 409 and full.json()["code"] == "isolation_site.room_full"
    detail = client.get(f"{API}/sites/{site_id}").json()
    assert (detail["beds"], detail["occupied"], detail["category"]) == (1, 1, "close_contact")
    roster = client.get(f"{API}/sites/{site_id}/roster").json()
    assert [r["observation_id"] for r in roster] == [first.pk]
    assert client.delete(f"{API}/{first.pk}/room").status_code == 204
    assert client.get(f"{API}/sites/{site_id}").json()["occupied"] == 0


def test_living_needs_through_the_api(
    api_client_for: Callable[[Any], Any], grid_worker: Any, person: Any, start: Callable[..., Any]
) -> None:
    obs = start(person, D(2020, 2, 1), category="returnee")
    client = api_client_for(grid_worker)
    need = client.post(
        f"{API}/{obs.pk}/needs",
        {"kind": "food", "detail": "大米 10 斤"},
        content_type="application/json",
    )
    assert need.status_code == 201 and need.json()["status"] == "open"
    assert client.get(f"{API}/needs").json()["count"] == 1
    handled = client.post(
        f"{API}/needs/{need.json()['id']}/handle",
        {"note": "社区送达"},
        content_type="application/json",
    )
    assert handled.status_code == 200 and handled.json()["handled_by"] == "grid_worker"
    again = client.post(
        f"{API}/needs/{need.json()['id']}/handle", {}, content_type="application/json"
    )
    assert again.status_code == 409 and again.json()["code"] == "living_need.invalid_transition"
    assert client.get(f"{API}/needs").json()["count"] == 0
    assert len(client.get(f"{API}/{obs.pk}/needs").json()) == 1


def test_a_sibling_county_sees_nothing_in_the_api(
    api_client_for: Callable[[Any], Any],
    sibling_officer: Any,
    county_officer: Any,
    person: Any,
    start: Callable[..., Any],
    at: Callable[..., Any],
) -> None:
    at(2020, 2, 3, 20)
    obs = start(person, D(2020, 2, 1))
    services.check_record(actor=county_officer, observation=obs, slot=2, temperature_c="38.0")
    need = services.need_create(actor=county_officer, observation=obs, kind="food", detail="米")
    site = services.site_create(
        actor=county_officer, jurisdiction=obs.jurisdiction.parent.parent.parent, name="隔离点"
    )
    client = api_client_for(sibling_officer)
    for url in (API, f"{API}/alerts", f"{API}/needs", f"{API}/sites", f"{API}/due-today"):
        body = client.get(url).json()
        assert body["count"] == 0 and body["items"] == [], url
    for url in (
        f"{API}/{obs.pk}",
        f"{API}/{obs.pk}/checks",
        f"{API}/{obs.pk}/needs",
        f"{API}/sites/{site.pk}",
        f"{API}/sites/{site.pk}/roster",
    ):
        assert client.get(url).status_code == 404, url
    alert = obs.alerts.first()
    posts = [
        (f"{API}/{obs.pk}/checks", {"slot": 1, "temperature_c": "36.5"}),
        (f"{API}/{obs.pk}/transition", {"action": "close", "reason": "x"}),
        (f"{API}/alerts/{alert.pk}/transition", {"action": "resolve"}),
        (f"{API}/needs/{need.pk}/handle", {}),
        (f"{API}/sites/{site.pk}/rooms", {"number": "1", "beds": 1}),
    ]
    for url, payload in posts:
        assert client.post(url, payload, content_type="application/json").status_code == 404, url
    preview = client.get(f"{API}/replan/preview", {"as_of": "2021-05-14"}).json()
    assert preview["changed"] == 0
    assert client.get(f"{API}/{10**30}").status_code == 404
