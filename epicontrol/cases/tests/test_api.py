"""API: list, detail, create, transition, revisits, facilities; scoping and error codes."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from epicontrol.cases.models import Case
from epicontrol.core.models import AuditEntry
from epicontrol.people.tests.factories import resident_id

from .factories import at, case, move, negatives, person


def post(client: Any, url: str, body: dict[str, Any]) -> Any:
    return client.post(url, data=json.dumps(body), content_type="application/json")


@pytest.fixture
def own(lusong: Any, hospital: Any) -> Any:
    return case(
        lusong,
        person_obj=person(lusong, name="接口甲"),
        facility=hospital,
        reported=at("2020-02-01"),
    )


@pytest.fixture
def sibling_case(hetang: Any) -> Any:
    return case(hetang, person_obj=person(hetang, name="接口乙"), reported=at("2020-02-01"))


def test_list_and_detail_are_scoped(
    api_client_for: Any, county_officer: Any, sibling_officer: Any, own: Any, sibling_case: Any
) -> None:
    mine = api_client_for(county_officer).get("/api/v1/cases").json()
    assert [i["id"] for i in mine["items"]] == [own.pk] and mine["count"] == 1
    item = mine["items"][0]
    assert item["person_id_number"].count("*") >= 8  # masked
    assert item["allowed_actions"] == ["transfer", "confirm", "clinically_diagnose", "exclude"]
    theirs = api_client_for(sibling_officer)
    listed = theirs.get("/api/v1/cases").json()
    assert [i["id"] for i in listed["items"]] == [sibling_case.pk] and listed["count"] == 1
    assert theirs.get("/api/v1/cases?jurisdiction=430203").json()["count"] == 0
    r = theirs.get(f"/api/v1/cases/{own.pk}")
    assert r.status_code == 404 and r.json()["code"] == "not_found"
    r = post(theirs, f"/api/v1/cases/{own.pk}/transition", {"action": "exclude"})
    assert r.status_code == 404
    r = post(
        theirs, f"/api/v1/cases/{own.pk}/revisits", {"date": "2020-02-20", "result": "negative"}
    )
    assert r.status_code == 404
    own.refresh_from_db()
    assert own.status == "open"


def test_hospital_staff_see_and_manage_their_facility(
    api_client_for: Any, hospital_staff: Any, own: Any, lusong: Any, sibling_case: Any
) -> None:
    not_admitted = case(lusong, person_obj=person(lusong, name="未收治"))
    client = api_client_for(hospital_staff)
    ids = [i["id"] for i in client.get("/api/v1/cases").json()["items"]]
    assert ids == [own.pk]
    assert client.get(f"/api/v1/cases/{not_admitted.pk}").status_code == 404
    assert client.get(f"/api/v1/cases/{sibling_case.pk}").status_code == 404
    r = post(
        client,
        f"/api/v1/cases/{own.pk}/transition",
        {"action": "confirm", "at": "2020-02-02T10:00:00+08:00", "severity": "severe"},
    )
    assert r.status_code == 200, r.json()
    body = r.json()
    assert body["classification"] == "confirmed" and body["severity"] == "severe"
    assert [e["action"] for e in body["events"]] == ["created", "admit", "confirm"]
    tests = [t.isoformat() for t in negatives(at("2020-02-12", 15))]
    r = post(
        client,
        f"/api/v1/cases/{own.pk}/transition",
        {"action": "discharge", "at": "2020-02-12T15:00:00+08:00", "negative_tests": tests},
    )
    assert r.status_code == 200, r.json()
    assert r.json()["status"] == "cured_discharged"
    assert r.json()["post_discharge_until"] == "2020-02-26"
    r = post(
        client, f"/api/v1/cases/{own.pk}/revisits", {"date": "2020-02-26", "result": "negative"}
    )
    assert r.status_code == 201 and r.json()["result"] == "negative"
    assert (
        AuditEntry.objects.filter(
            target_type="cases.case", target_id=str(own.pk), actor=hospital_staff
        ).count()
        == 3
    )


def test_transition_errors_have_codes(
    api_client_for: Any, county_officer: Any, own: Any, supervisor: Any
) -> None:
    client = api_client_for(county_officer)
    url = f"/api/v1/cases/{own.pk}/transition"
    r = post(client, url, {"action": "discharge", "at": "2020-02-03T10:00:00+08:00"})
    assert (r.status_code, r.json()["code"]) == (409, "case.invalid_transition")
    assert r.json()["details"]["reason"] == "classification"
    r = post(client, url, {"action": "fly"})
    assert (r.status_code, r.json()["code"]) == (422, "request.invalid")
    r = post(client, url, {"action": "confirm", "at": "2019-12-01T10:00:00+08:00"})
    assert (r.status_code, r.json()["code"]) == (422, "case.invalid_time")
    r = post(client, url, {"action": "transfer", "facility_id": 999999})
    assert (r.status_code, r.json()["code"]) == (422, "case.invalid_facility")
    r = post(api_client_for(supervisor), url, {"action": "exclude"})
    assert (r.status_code, r.json()["code"]) == (403, "case.forbidden")
    move(own, "confirm", at("2020-02-02"))
    r = post(
        client,
        url,
        {
            "action": "discharge",
            "at": "2020-02-05T10:00:00+08:00",
            "negative_tests": ["2020-02-04T10:00:00+08:00"],
        },
    )
    assert (r.status_code, r.json()["code"]) == (409, "case.discharge_criteria_unmet")


def test_create_by_person_id_by_document_and_new_person(
    api_client_for: Any, county_officer: Any, hospital_staff: Any, lusong: Any, hospital: Any
) -> None:
    p = person(lusong, name="创建甲")
    officer = api_client_for(county_officer)
    r = post(
        officer,
        "/api/v1/cases",
        {
            "person_id": p.pk,
            "classification": "confirmed",
            "severity": "common",
            "reported_at": "2020-02-03T09:00:00+08:00",
            "facility_id": hospital.pk,
            "is_imported": True,
            "import_origin": "湖北省武汉市",
        },
    )
    assert r.status_code == 201, r.json()
    body = r.json()
    assert body["jurisdiction"] == "430203" and body["facility_id"] == hospital.pk
    assert dt.datetime.fromisoformat(body["confirmed_at"]) == at("2020-02-03", 9)
    r = post(officer, "/api/v1/cases", {"person_id": p.pk, "classification": "suspected"})
    assert (r.status_code, r.json()["code"]) == (409, "case.duplicate_open")
    assert r.json()["details"]["existing_id"] == body["id"]

    staff = api_client_for(hospital_staff)
    # Hospital staff cannot browse person ids…
    r = post(staff, "/api/v1/cases", {"person_id": p.pk, "classification": "suspected"})
    assert r.status_code == 404
    # …but reach a registered person by the exact document, or register a new one.
    known = person(lusong, name="创建乙", id_number=resident_id("430203", seq=777))
    r = post(
        staff,
        "/api/v1/cases",
        {
            "id_number": resident_id("430203", seq=777),
            "classification": "suspected",
            "reported_at": "2020-02-03T09:00:00+08:00",
            "facility_id": hospital.pk,
        },
    )
    assert r.status_code == 201 and r.json()["person_id"] == known.pk
    new_id = resident_id("430102", seq=778)
    r = post(staff, "/api/v1/cases", {"id_number": new_id, "classification": "suspected"})
    assert (r.status_code, r.json()["code"]) == (404, "case.person_not_found")
    r = post(
        staff,
        "/api/v1/cases",
        {
            "id_number": new_id,
            "classification": "suspected",
            "facility_id": hospital.pk,
            "reported_at": "2020-02-03T09:00:00+08:00",
            "new_person": {"name": "外地患者", "jurisdiction": "430102"},
        },
    )
    assert r.status_code == 201, r.json()
    assert r.json()["jurisdiction"] == "430102"
    r = post(
        staff,
        "/api/v1/cases",
        {
            "id_number": "123",
            "classification": "suspected",
            "new_person": {"name": "某", "jurisdiction": "430102"},
        },
    )
    assert r.status_code == 422 and r.json()["code"].startswith("person.")


def test_create_refusals(
    api_client_for: Any, sibling_officer: Any, supervisor: Any, lusong: Any
) -> None:
    p = person(lusong)
    r = post(
        api_client_for(sibling_officer),
        "/api/v1/cases",
        {"person_id": p.pk, "classification": "suspected"},
    )
    assert r.status_code == 404 and not Case.objects.filter(person=p).exists()
    r = post(
        api_client_for(supervisor),
        "/api/v1/cases",
        {"person_id": p.pk, "classification": "suspected"},
    )
    assert (r.status_code, r.json()["code"]) == (403, "case.forbidden")
    r = post(api_client_for(sibling_officer), "/api/v1/cases", {"classification": "suspected"})
    assert (r.status_code, r.json()["code"]) == (422, "case.invalid_field")


def test_list_filters_and_sets(
    api_client_for: Any, county_officer: Any, lusong: Any, hospital: Any
) -> None:
    a = case(
        lusong,
        classification="confirmed",
        reported=at("2020-02-01"),
        facility=hospital,
        severity="critical",
    )
    b = case(lusong, classification="confirmed", reported=at("2020-02-03"))
    move(a, "die", at("2020-02-05"))
    client = api_client_for(county_officer)

    def ids(query: str) -> list[int]:
        return [i["id"] for i in client.get(f"/api/v1/cases?{query}").json()["items"]]

    assert ids("set=confirmed&from=2020-02-03&to=2020-02-03") == [b.pk]
    assert ids("set=dead&to=2020-02-05") == [a.pk]
    assert ids("set=dead&to=2020-02-04") == []
    assert ids("status=open") == [b.pk]
    assert ids("severity=critical") == [a.pk]
    assert ids("set=nonsense") == []
    r = client.get("/api/v1/cases?status=bogus")
    assert r.status_code == 422
    page = client.get("/api/v1/cases?limit=1").json()
    assert page["count"] == 2 and page["next"] is not None


def test_facilities_api(
    api_client_for: Any,
    county_officer: Any,
    sibling_officer: Any,
    hospital_staff: Any,
    lusong: Any,
    hospital: Any,
    second_hospital: Any,
) -> None:
    case(lusong, classification="confirmed", facility=hospital, reported=at("2020-02-01"))
    c = case(lusong, classification="confirmed", facility=hospital, reported=at("2020-02-01"))
    move(c, "discharge", at("2020-02-09"), negative_tests=negatives(at("2020-02-09")))
    items = api_client_for(county_officer).get("/api/v1/facilities").json()["items"]
    assert items == [
        {
            "id": hospital.pk,
            "name": "芦淞区定点医院",
            "kind": "designated_hospital",
            "jurisdiction": "430203",
            "jurisdiction_name": "芦淞区",
            "beds": 200,
            "occupied": 1,
            "free": 199,
        }
    ]
    theirs = api_client_for(sibling_officer).get("/api/v1/facilities").json()["items"]
    assert [i["id"] for i in theirs] == [second_hospital.pk] and theirs[0]["occupied"] == 0
    staff = api_client_for(hospital_staff).get("/api/v1/facilities").json()
    assert [i["id"] for i in staff["items"]] == [hospital.pk] and staff["count"] == 1
