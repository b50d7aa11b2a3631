"""Merge (links move, duplicate retired, audited both sides) and the audited reveal."""

from __future__ import annotations

from typing import Any

import pytest
from django.apps import apps

from epicontrol.core.errors import NotFound, PermissionDenied
from epicontrol.core.models import AuditEntry
from epicontrol.people.errors import MergeRefused
from epicontrol.people.models import Person
from epicontrol.people.services import _person_links, person_merge, person_reveal, person_update
from epicontrol.people.tests.factories import make_person

pytestmark = pytest.mark.django_db


def test_links_cover_every_foreign_key_to_person(link_probe: Any) -> None:
    """Whatever modules exist now or later, every FK to Person (hidden ones too) is a link."""
    expected = {
        (model, f.name)
        for model in apps.get_models(include_auto_created=True)
        for f in model._meta.concrete_fields
        if f.is_relation and f.remote_field.model is Person and model is not Person
    }
    assert set(_person_links()) == expected
    assert (link_probe, "person") in expected
    assert all(model is not Person for model, _ in _person_links())  # merged_into is the trail


def test_merge_moves_links_and_retires_duplicate(
    link_probe: Any, county_officer: Any, jianshe: Any, person: Any
) -> None:
    duplicate = make_person(actor=county_officer, jurisdiction=jianshe, name="张三")
    moved = [link_probe.objects.create(person=duplicate, label=str(i)) for i in range(2)]
    kept = link_probe.objects.create(person=person, label="kept")
    person_merge(actor=county_officer, survivor=person, duplicate=duplicate)
    assert set(link_probe.objects.values_list("person_id", flat=True)) == {person.pk}
    duplicate.refresh_from_db()
    assert duplicate.merged_into_id == person.pk
    assert not Person.objects.active().filter(pk=duplicate.pk).exists()
    entry = AuditEntry.objects.get(action="people.merged", target_id=str(person.pk))
    assert entry.changes["duplicate"] == duplicate.pk
    assert sorted(entry.changes["moved"]["people.mergeprobe"]) == sorted(m.pk for m in moved)
    assert kept.pk not in entry.changes["moved"]["people.mergeprobe"]
    away = AuditEntry.objects.get(action="people.merged_away", target_id=str(duplicate.pk))
    assert away.changes["merged_into"] == person.pk
    # The retired record cannot be merged again nor edited.
    with pytest.raises(MergeRefused):
        person_merge(actor=county_officer, survivor=person, duplicate=duplicate)
    with pytest.raises(MergeRefused) as exc:
        person_update(actor=county_officer, person=duplicate, name="新名")
    assert exc.value.code == "person.merged"


def test_merge_refusals(
    county_officer: Any, sibling_officer: Any, person: Any, sibling_person: Any
) -> None:
    with pytest.raises(MergeRefused):
        person_merge(actor=county_officer, survivor=person, duplicate=person)
    with pytest.raises(NotFound):
        person_merge(actor=county_officer, survivor=person, duplicate=sibling_person)
    with pytest.raises(NotFound):
        person_merge(actor=sibling_officer, survivor=sibling_person, duplicate=person)
    assert Person.objects.active().count() == 2


def test_merge_api(
    api_client_for: Any, county_officer: Any, sibling_officer: Any, jianshe: Any, person: Any
) -> None:
    duplicate = make_person(actor=county_officer, jurisdiction=jianshe, name="张三")
    r = api_client_for(sibling_officer).post(
        f"/api/v1/people/{person.pk}/merge",
        {"duplicate": duplicate.pk},
        content_type="application/json",
    )
    assert r.status_code == 404
    client = api_client_for(county_officer)
    r = client.post(
        f"/api/v1/people/{person.pk}/merge",
        {"duplicate": duplicate.pk},
        content_type="application/json",
    )
    assert r.status_code == 200
    assert client.get(f"/api/v1/people/{duplicate.pk}").json()["merged_into"] == person.pk
    assert client.get("/api/v1/people").json()["count"] == 1
    r = client.post(
        f"/api/v1/people/{person.pk}/merge",
        {"duplicate": duplicate.pk},
        content_type="application/json",
    )
    assert r.status_code == 409 and r.json()["code"] == "person.merge_refused"


def test_reveal_is_audited_and_role_checked(
    county_officer: Any, supervisor: Any, sibling_officer: Any, cdc_investigator: Any, person: Any
) -> None:
    assert person_reveal(actor=county_officer, person=person, field="id_number") == person.id_number
    assert person_reveal(actor=cdc_investigator, person=person, field="phone") == person.phone
    entries = AuditEntry.objects.filter(action="people.revealed", target_id=str(person.pk))
    assert sorted(e.changes["field"] for e in entries) == ["id_number", "phone"]
    with pytest.raises(PermissionDenied) as exc:
        person_reveal(actor=supervisor, person=person)
    assert exc.value.code == "person.unmask_forbidden"
    with pytest.raises(NotFound):
        person_reveal(actor=sibling_officer, person=person)
    assert entries.count() == 2


def test_reveal_api(api_client_for: Any, county_officer: Any, supervisor: Any, person: Any) -> None:
    r = api_client_for(county_officer).post(
        f"/api/v1/people/{person.pk}/reveal", {"field": "phone"}, content_type="application/json"
    )
    assert r.status_code == 200 and r.json() == {"field": "phone", "value": person.phone}
    r = api_client_for(supervisor).post(
        f"/api/v1/people/{person.pk}/reveal", {"field": "phone"}, content_type="application/json"
    )
    assert r.status_code == 403 and r.json()["code"] == "person.unmask_forbidden"
