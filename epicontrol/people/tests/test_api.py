"""The API contract: create, read back masked, paginated lists, filters, patch, scoping."""

from __future__ import annotations

from typing import Any

import pytest

from epicontrol.core.models import AuditEntry
from epicontrol.people.models import Person
from epicontrol.people.tests.factories import make_person, mobile, resident_id

pytestmark = pytest.mark.django_db


def test_create_then_read_masked(api_client_for: Any, county_officer: Any) -> None:
    client = api_client_for(county_officer)
    payload = {
        "name": "李四",
        "id_type": "resident_id",
        "id_number": "11010519491231002X",
        "phone": "13912345678",
        "jurisdiction": "430203001",
        "current_address": "芦淞区某路1号",
    }
    r = client.post("/api/v1/people", payload, content_type="application/json")
    assert r.status_code == 201
    pk = r.json()["id"]
    body = client.get(f"/api/v1/people/{pk}").json()
    assert body["id_number"] == "110***********002X"
    assert body["phone"] == "139****5678"
    assert "11010519491231002X" not in str(body) and "13912345678" not in str(body)
    person = Person.objects.get(pk=pk)
    assert person.id_number == "11010519491231002X"  # encrypted at rest, decryptable
    assert "11010519491231002X" not in person.id_number_enc
    assert AuditEntry.objects.filter(action="people.created", target_id=str(pk)).count() == 1


def test_list_is_paginated_and_filtered(
    api_client_for: Any, county_officer: Any, jianshe: Any, lusong: Any
) -> None:
    people = [
        make_person(actor=county_officer, jurisdiction=jianshe, name=n)
        for n in ("张一", "张二", "李三")
    ]
    other = make_person(actor=county_officer, jurisdiction=lusong, name="王四")
    client = api_client_for(county_officer)
    page = client.get("/api/v1/people", {"limit": 2}).json()
    assert set(page) >= {"items", "count", "next"}
    assert page["count"] == 4 and len(page["items"]) == 2 and page["next"]
    page2 = client.get(page["next"]).json()
    assert len(page2["items"]) == 2 and page2["next"] is None
    names = lambda r: sorted(p["name"] for p in r.json()["items"])  # noqa: E731
    assert names(client.get("/api/v1/people", {"q": "张"})) == ["张一", "张二"]
    assert names(client.get("/api/v1/people", {"jurisdiction": "430203001"})) == [
        "张一",
        "张二",
        "李三",
    ]
    assert names(client.get("/api/v1/people", {"jurisdiction": "430202"})) == []
    number = people[2].id_number
    assert names(client.get("/api/v1/people", {"id_number": number.lower()})) == ["李三"]
    assert names(client.get("/api/v1/people", {"phone": other.phone})) == ["王四"]
    assert names(client.get("/api/v1/people", {"phone": "not a phone"})) == []


def test_patch(api_client_for: Any, county_officer: Any, person: Any) -> None:
    client = api_client_for(county_officer)
    r = client.patch(
        f"/api/v1/people/{person.pk}",
        {"phone": "+86 137 0000 1111", "occupation": "司机", "jurisdiction": "430203"},
        content_type="application/json",
    )
    assert r.status_code == 200, r.json()
    assert r.json()["phone"] == "137****1111" and r.json()["occupation"] == "司机"
    assert r.json()["jurisdiction"] == "430203"
    entry = AuditEntry.objects.get(action="people.updated", target_id=str(person.pk))
    assert entry.changes["phone_hash"] == ["***", "***"]
    bad = client.patch(
        f"/api/v1/people/{person.pk}", {"phone": "123"}, content_type="application/json"
    )
    assert bad.status_code == 422 and bad.json()["code"] == "person.invalid_phone"
    out = client.patch(
        f"/api/v1/people/{person.pk}", {"jurisdiction": "430202"}, content_type="application/json"
    )
    assert out.status_code == 403 and out.json()["code"] == "person.jurisdiction_out_of_scope"


def test_patch_document_clash(
    api_client_for: Any, county_officer: Any, jianshe: Any, person: Any
) -> None:
    other = make_person(actor=county_officer, jurisdiction=jianshe, name="别人")
    r = api_client_for(county_officer).patch(
        f"/api/v1/people/{other.pk}",
        {"id_number": person.id_number},
        content_type="application/json",
    )
    assert r.status_code == 409
    assert r.json()["code"] == "person.duplicate"
    assert r.json()["details"]["existing_id"] == person.pk


def test_sibling_api(api_client_for: Any, sibling_officer: Any, person: Any) -> None:
    client = api_client_for(sibling_officer)
    page = client.get("/api/v1/people").json()
    assert page["count"] == 0 and page["items"] == []
    assert client.get("/api/v1/people", {"id_number": person.id_number}).json()["count"] == 0
    assert client.get("/api/v1/people", {"jurisdiction": "430203"}).json()["count"] == 0
    assert client.get(f"/api/v1/people/{person.pk}").status_code == 404
    r = client.patch(
        f"/api/v1/people/{person.pk}", {"name": "改名"}, content_type="application/json"
    )
    assert r.status_code == 404
    r = client.post(
        f"/api/v1/people/{person.pk}/reveal",
        {"field": "id_number"},
        content_type="application/json",
    )
    assert r.status_code == 404
    person.refresh_from_db()
    assert person.name == "张三"
    assert not AuditEntry.objects.filter(action="people.revealed").exists()


def test_wider_and_unit_scopes(
    api_client_for: Any,
    province_officer: Any,
    city_officer: Any,
    other_city_officer: Any,
    hospital_staff: Any,
    person: Any,
) -> None:
    assert api_client_for(province_officer).get("/api/v1/people").json()["count"] == 1
    assert api_client_for(city_officer).get("/api/v1/people").json()["count"] == 1
    assert api_client_for(other_city_officer).get("/api/v1/people").json()["count"] == 0
    assert api_client_for(hospital_staff).get("/api/v1/people").json()["count"] == 0


def test_unauthenticated(client: Any, person: Any) -> None:
    r = client.get("/api/v1/people")
    assert r.status_code == 401 and r.json()["code"] == "auth.required"


def test_duplicate_prevention_api(
    api_client_for: Any, county_officer: Any, sibling_officer: Any, jianshe: Any, person: Any
) -> None:
    client = api_client_for(county_officer)
    base = {"id_type": "resident_id", "jurisdiction": "430203001"}
    r = client.post(
        "/api/v1/people",
        {**base, "name": "另一个名字", "id_number": person.id_number},
        content_type="application/json",
    )
    assert r.status_code == 409
    assert (
        r.json()["code"] == "person.duplicate" and r.json()["details"]["existing_id"] == person.pk
    )
    # The sibling county learns the person exists, not where.
    r = api_client_for(sibling_officer).post(
        "/api/v1/people",
        {**base, "jurisdiction": "430202", "name": "张三", "id_number": person.id_number},
        content_type="application/json",
    )
    assert r.status_code == 409
    assert r.json()["code"] == "person.duplicate" and r.json()["details"]["existing_id"] is None
    # Same name + phone, other document: a candidate, created only when confirmed.
    same_phone = {**base, "name": "张三", "id_number": resident_id(seq=901), "phone": person.phone}
    r = client.post("/api/v1/people", same_phone, content_type="application/json")
    assert r.status_code == 409 and r.json()["code"] == "person.possible_duplicates"
    assert r.json()["details"]["candidates"] == [person.pk]
    r = client.post(
        "/api/v1/people", {**same_phone, "confirm_new": True}, content_type="application/json"
    )
    assert r.status_code == 201
    # Same name + birth date (from the ID number), other phone: also a candidate.
    same_birth = {**base, "name": "张三", "id_number": resident_id(seq=902), "phone": mobile(902)}
    r = client.post("/api/v1/people", same_birth, content_type="application/json")
    assert r.status_code == 409 and r.json()["code"] == "person.possible_duplicates"
    assert Person.objects.filter(name="张三").count() == 2
