"""The pages: list (HTMX, filters, POST lookup), register with candidates, detail, edit, merge."""

from __future__ import annotations

from typing import Any

import pytest

from epicontrol.core.models import AuditEntry
from epicontrol.people.models import Person
from epicontrol.people.tests.factories import make_person, mobile, resident_id

pytestmark = pytest.mark.django_db


@pytest.fixture
def logged_in(client: Any, county_officer: Any) -> Any:
    client.force_login(county_officer)
    return client


def form_data(**fields: Any) -> dict[str, Any]:
    return {
        "name": "王五",
        "id_type": "resident_id",
        "id_number": "11010519491231002X",
        "phone": "13912345678",
        "jurisdiction": "430203001",
        **fields,
    }


def test_list_page(logged_in: Any, county_officer: Any, jianshe: Any) -> None:
    for name in ("张一", "张二", "李三"):
        make_person(actor=county_officer, jurisdiction=jianshe, name=name)
    r = logged_in.get("/people/")
    assert r.status_code == 200
    html = r.content.decode()
    assert "张一" in html and "430***********" in html and "139****" in html
    assert r.context["page"].count == 3
    r = logged_in.get("/people/", {"q": "张"}, HTTP_HX_REQUEST="true")
    assert "<html" not in r.content.decode() and 'id="results"' in r.content.decode()
    assert sorted(p.name for p in r.context["page"]) == ["张一", "张二"]
    assert [
        p.name for p in logged_in.get("/people/", {"jurisdiction": "430203"}).context["page"]
    ] == ["李三", "张二", "张一"]


def test_list_lookup_by_post(logged_in: Any, person: Any) -> None:
    r = logged_in.post("/people/", {"id_number": person.id_number.lower()})
    assert [p.pk for p in r.context["page"]] == [person.pk]
    r = logged_in.post("/people/", {"phone": "+86 " + person.phone[3:]}, HTTP_HX_REQUEST="true")
    assert [p.pk for p in r.context["page"]] == [person.pk]
    assert person.id_number not in r.content.decode()


def test_list_pagination(logged_in: Any, county_officer: Any, jianshe: Any) -> None:
    for i in range(51):
        make_person(
            actor=county_officer, jurisdiction=jianshe, name=f"人{i}", phone=mobile(2000 + i)
        )
    page = logged_in.get("/people/").context["page"]
    assert len(page) == 50 and page.has_next() and page.count == 51
    page2 = logged_in.get("/people/", {"page": 2}).context["page"]
    assert len(page2) == 1 and not page2.has_next()
    assert logged_in.get("/people/", {"page": "x"}).context["page"].number == 1


def test_register_form(logged_in: Any) -> None:
    assert logged_in.get("/people/new/").status_code == 200
    r = logged_in.post("/people/new/", form_data())
    person = Person.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/people/{person.pk}/"
    assert AuditEntry.objects.filter(action="people.created", target_id=str(person.pk)).exists()


def test_register_form_shows_every_error(logged_in: Any) -> None:
    r = logged_in.post(
        "/people/new/",
        form_data(name="", id_number="110105194912310021", phone="123", jurisdiction="430202"),
    )
    assert r.status_code == 200
    errors = r.context["form"].errors.as_data()
    assert {k: [e.code for e in v] for k, v in errors.items()} == {
        "name": ["required"],
        "id_number": ["person.invalid_id_number"],
        "phone": ["person.invalid_phone"],
        "jurisdiction": ["person.jurisdiction_out_of_scope"],
    }
    html = r.content.decode()
    assert html.count('class="errorlist') >= 4
    assert not Person.objects.exists()


def test_register_form_candidates_then_create_anyway(logged_in: Any, person: Any) -> None:
    data = form_data(name="张三", id_number=resident_id(seq=950), phone=person.phone)
    r = logged_in.post("/people/new/", data)
    assert r.status_code == 200
    assert [c.pk for c in r.context["candidates"]] == [person.pk]
    assert f"/people/{person.pk}/" in r.content.decode()
    assert Person.objects.count() == 1
    r = logged_in.post("/people/new/", {**data, "confirm_new": "on"})
    assert r.status_code == 302 and Person.objects.count() == 2


def test_register_form_exact_duplicate_links_existing(
    logged_in: Any, client: Any, sibling_officer: Any, person: Any
) -> None:
    r = logged_in.post("/people/new/", form_data(name="张三", id_number=person.id_number))
    assert r.context["form"].errors["id_number"]
    assert r.context["existing_id"] == person.pk
    assert f'href="/people/{person.pk}/"' in r.content.decode()
    client.force_login(sibling_officer)
    r = client.post(
        "/people/new/", form_data(name="张三", id_number=person.id_number, jurisdiction="430202")
    )
    assert r.context["form"].errors["id_number"] and r.context["existing_id"] is None
    assert f"/people/{person.pk}/" not in r.content.decode()


def test_detail_page(logged_in: Any, county_officer: Any, jianshe: Any) -> None:
    first17 = "43999919850601001"
    from epicontrol.core.identity import id_check_char

    person = make_person(
        actor=county_officer, jurisdiction=jianshe, id_number=first17 + id_check_char(first17)
    )
    r = logged_in.get(f"/people/{person.pk}/")
    html = r.content.decode()
    assert person.id_number_masked in html and person.id_number not in html
    assert person.phone[3:] not in html
    assert 'id="id-warning"' in html and r.context["warnings"]
    assert 'name="field" value="id_number"' in html  # the reveal button for this role
    assert [t["entry"].action for t in r.context["trail"]] == ["people.created"]


def test_reveal_page(logged_in: Any, client: Any, supervisor: Any, person: Any) -> None:
    r = logged_in.post(
        f"/people/{person.pk}/reveal/", {"field": "id_number"}, HTTP_HX_REQUEST="true"
    )
    assert r.status_code == 200 and person.id_number in r.content.decode()
    assert "no-cache" in r["Cache-Control"] or "no-store" in r["Cache-Control"]
    trail = logged_in.get(f"/people/{person.pk}/").context["trail"]
    assert trail[0]["entry"].action == "people.revealed"
    client.force_login(supervisor)
    assert 'name="field"' not in client.get(f"/people/{person.pk}/").content.decode()
    r = client.post(f"/people/{person.pk}/reveal/", {"field": "id_number"})
    assert r.status_code == 403 and person.id_number not in r.content.decode()
    assert logged_in.post(f"/people/{person.pk}/reveal/", {"field": "name"}).status_code == 422


def test_edit_page(logged_in: Any, person: Any) -> None:
    assert logged_in.get(f"/people/{person.pk}/edit/").status_code == 200
    data = form_data(
        name="张三丰", id_number="", phone="", jurisdiction="430203", occupation="医生"
    )
    r = logged_in.post(f"/people/{person.pk}/edit/", data)
    assert r.status_code == 302
    updated = Person.objects.get(pk=person.pk)
    assert (updated.name, updated.occupation, updated.jurisdiction.code) == (
        "张三丰",
        "医生",
        "430203",
    )
    assert updated.id_number == person.id_number and updated.phone == person.phone
    r = logged_in.post(f"/people/{person.pk}/edit/", {**data, "clear_phone": "on"})
    assert Person.objects.get(pk=person.pk).phone == ""
    r = logged_in.post(f"/people/{person.pk}/edit/", {**data, "id_number": "123"})
    assert r.status_code == 200 and r.context["form"].errors["id_number"]


def test_merge_page(
    logged_in: Any, link_probe: Any, county_officer: Any, jianshe: Any, person: Any
) -> None:
    duplicate = make_person(actor=county_officer, jurisdiction=jianshe, name="张三")
    link_probe.objects.create(person=duplicate, label="x")
    r = logged_in.get(f"/people/{person.pk}/merge/")
    assert [c.pk for c in r.context["candidates"]] == [duplicate.pk]
    r = logged_in.get(f"/people/{person.pk}/merge/", {"duplicate": duplicate.pk})
    assert r.context["duplicate"].pk == duplicate.pk
    assert r.context["links"] == [("people.mergeprobe", "merge probes", 1)]
    r = logged_in.post(f"/people/{person.pk}/merge/", {"duplicate": duplicate.pk, "confirm": "1"})
    assert r.status_code == 302
    assert link_probe.objects.get().person_id == person.pk
    assert Person.objects.get(pk=duplicate.pk).merged_into_id == person.pk
    html = logged_in.get(f"/people/{duplicate.pk}/").content.decode()
    assert f'href="/people/{person.pk}/"' in html
    r = logged_in.get(f"/people/{person.pk}/merge/", {"duplicate": person.pk})
    assert r.context["duplicate"] is None and r.context["form"].errors
    assert logged_in.get(f"/people/{person.pk}/merge/", {"duplicate": 999999}).status_code == 404


def test_sibling_pages(client: Any, sibling_officer: Any, person: Any, sibling_person: Any) -> None:
    client.force_login(sibling_officer)
    r = client.get("/people/")
    assert [p.pk for p in r.context["page"]] == [sibling_person.pk] and r.context["page"].count == 1
    assert client.get("/people/", {"jurisdiction": "430203"}).context["page"].count == 0
    assert client.post("/people/", {"id_number": person.id_number}).context["page"].count == 0
    for url in ("", "edit/", "merge/"):
        assert client.get(f"/people/{person.pk}/{url}").status_code == 404
    assert client.post(f"/people/{person.pk}/reveal/", {"field": "id_number"}).status_code == 404
    r = client.post(f"/people/{person.pk}/edit/", form_data(name="改", jurisdiction="430202"))
    assert r.status_code == 404
    r = client.get(f"/people/{sibling_person.pk}/merge/", {"duplicate": person.pk})
    assert r.status_code == 404
    r = client.post(f"/people/{sibling_person.pk}/merge/", {"duplicate": person.pk, "confirm": "1"})
    assert r.status_code == 404
    assert Person.objects.get(pk=person.pk).merged_into_id is None


def test_login_required(client: Any, person: Any) -> None:
    for url in (
        "/people/",
        "/people/new/",
        f"/people/{person.pk}/",
        "/people/import/",
        "/people/export/",
    ):
        assert client.get(url).status_code == 302


def test_both_page_strategies_agree(county_officer: Any, jianshe: Any) -> None:
    from epicontrol.people.paging import page_rows
    from epicontrol.people.selectors import person_list

    for i in range(7):
        make_person(actor=county_officer, jurisdiction=jianshe, name=f"页{i}")
    qs = person_list(user=county_officer, q="页")
    for offset in (0, 3, 6):
        dense, more = page_rows(qs, offset, 3, few=False)
        sparse, more_too = page_rows(qs, offset, 3, few=True)
        assert [p.pk for p in dense] == [p.pk for p in sparse] and more == more_too
    assert [p.name for p in page_rows(qs, 0, 10, few=True)[0]] == [
        f"页{i}" for i in range(6, -1, -1)
    ]
