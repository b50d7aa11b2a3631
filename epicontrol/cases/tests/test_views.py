"""Pages: list, detail, create, actions, facilities; scoping of every page."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from epicontrol.cases.models import Case
from epicontrol.people.tests.factories import resident_id

from .factories import at, case, move, negatives, person


def client_for(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


@pytest.fixture
def cases(lusong: Any, hetang: Any, hospital: Any, second_hospital: Any) -> dict[str, Any]:
    return {
        "own": case(
            lusong,
            person_obj=person(lusong, name="芦淞甲"),
            classification="confirmed",
            facility=hospital,
            severity="severe",
        ),
        "own_free": case(lusong, person_obj=person(lusong, name="芦淞乙")),
        "sibling": case(hetang, person_obj=person(hetang, name="荷塘丙"), facility=second_hospital),
    }


def test_list_shows_own_area_in_chinese(county_officer: Any, cases: Any) -> None:
    r = client_for(county_officer).get(reverse("cases:case_list"))
    body = r.content.decode()
    assert r.status_code == 200
    assert "芦淞甲" in body and "芦淞乙" in body and "荷塘丙" not in body
    assert "病例" in body and "确诊" in body  # shipped in Chinese


def test_sibling_sees_nothing_of_another_county(sibling_officer: Any, cases: Any) -> None:
    c = client_for(sibling_officer)
    body = c.get(reverse("cases:case_list")).content.decode()
    assert "芦淞甲" not in body and "荷塘丙" in body
    own = cases["own"]
    assert c.get(reverse("cases:case_detail", args=[own.pk])).status_code == 404
    assert c.get(reverse("cases:case_action", args=[own.pk, "discharge"])).status_code == 404
    r = c.post(reverse("cases:case_action", args=[own.pk, "die"]), {"at": "2020-02-05T10:00"})
    assert r.status_code == 404
    r = c.post(
        reverse("cases:case_revisit", args=[own.pk]), {"date": "2020-02-20", "result": "negative"}
    )
    assert r.status_code == 404
    own.refresh_from_db()
    assert own.status == "open"
    # Filtering by the other county's code finds nothing either.
    body = c.get(reverse("cases:case_list") + "?jurisdiction=430203").content.decode()
    assert "芦淞甲" not in body
    facilities = c.get(reverse("cases:facility_list")).content.decode()
    assert "芦淞区定点医院" not in facilities and "荷塘区定点医院" in facilities


def test_hospital_staff_see_their_facility_only(hospital_staff: Any, cases: Any) -> None:
    c = client_for(hospital_staff)
    body = c.get(reverse("cases:case_list")).content.decode()
    assert "芦淞甲" in body
    assert "芦淞乙" not in body  # same county, not in this hospital
    assert "荷塘丙" not in body
    assert c.get(reverse("cases:case_detail", args=[cases["own"].pk])).status_code == 200
    assert c.get(reverse("cases:case_detail", args=[cases["own_free"].pk])).status_code == 404
    assert c.get(reverse("cases:case_detail", args=[cases["sibling"].pk])).status_code == 404
    facilities = c.get(reverse("cases:facility_list")).content.decode()
    assert "芦淞区定点医院" in facilities and "荷塘区定点医院" not in facilities


def test_filters_and_htmx_partial(county_officer: Any, cases: Any, hospital: Any) -> None:
    c = client_for(county_officer)
    url = reverse("cases:case_list")
    body = c.get(url + "?classification=confirmed").content.decode()
    assert "芦淞甲" in body and "芦淞乙" not in body
    body = c.get(url + f"?facility={hospital.pk}&severity=severe").content.decode()
    assert "芦淞甲" in body and "芦淞乙" not in body
    body = c.get(url + "?set=severe").content.decode()
    assert "芦淞甲" in body and "芦淞乙" not in body
    body = c.get(url + "?from=2020-02-02&to=2020-02-03").content.decode()
    assert "芦淞甲" not in body  # reported 2020-02-01
    body = c.get(url + "?from=not-a-date&status=bogus&page=abc").content.decode()
    assert "芦淞甲" in body  # bad filters are ignored, never a 500
    partial = c.get(url + "?q=芦淞", HTTP_HX_REQUEST="true").content.decode()
    assert 'id="results"' in partial and "<html" not in partial


def test_pagination_links(county_officer: Any, lusong: Any) -> None:
    for i in range(52):
        case(lusong, person_obj=person(lusong, name=f"分页{i:02d}"))
    c = client_for(county_officer)
    first = c.get(reverse("cases:case_list")).content.decode()
    assert "page=2" in first
    second = c.get(reverse("cases:case_list") + "?page=2").content.decode()
    assert second.count('data-label="姓名"') == 2, second[-3000:]


def test_detail_shows_timeline_and_allowed_actions(county_officer: Any, cases: Any) -> None:
    own = cases["own"]
    body = (
        client_for(county_officer).get(reverse("cases:case_detail", args=[own.pk])).content.decode()
    )
    assert 'id="timeline"' in body
    assert "报告" in body  # the "created" event
    assert 'data-action="discharge"' in body and 'data-action="exclude"' not in body


def test_readers_see_no_action_buttons(supervisor: Any, cases: Any) -> None:
    c = client_for(supervisor)
    own = cases["own"]
    body = c.get(reverse("cases:case_detail", args=[own.pk])).content.decode()
    assert "data-action=" not in body
    r = c.post(reverse("cases:case_action", args=[own.pk, "die"]), {"at": "2020-02-05T10:00"})
    assert (r.status_code == 200 and "不得" in r.content.decode()) or "不能" in r.content.decode()
    own.refresh_from_db()
    assert own.status == "open"
    assert c.get(reverse("cases:case_create")).status_code == 404


def test_action_forms_move_the_case(hospital_staff: Any, lusong: Any, hospital: Any) -> None:
    k = case(lusong, facility=hospital, reported=at("2020-02-01"))
    c = client_for(hospital_staff)
    url = reverse("cases:case_action", args=[k.pk, "confirm"])
    assert c.get(url).status_code == 200
    r = c.post(url, {"at": "2020-02-02T10:00", "severity": "common"})
    assert r.status_code == 302
    k.refresh_from_db()
    assert k.classification == "confirmed" and k.severity == "common"
    # Discharge with one test: refused with the reason on the form, nothing changes.
    url = reverse("cases:case_action", args=[k.pk, "discharge"])
    r = c.post(
        url, {"at": "2020-02-10T10:00", "test_1": "2020-02-09T08:00", "test_2": "2020-02-09T09:00"}
    )
    assert r.status_code == 200
    assert "间隔" in r.content.decode() or "检测" in r.content.decode()
    k.refresh_from_db()
    assert k.status == "open"
    r = c.post(
        url, {"at": "2020-02-10T10:00", "test_1": "2020-02-08T08:00", "test_2": "2020-02-09T09:00"}
    )
    assert r.status_code == 302
    k.refresh_from_db()
    assert k.status == "cured_discharged"
    # Illegal now: the page says so.
    r = c.get(reverse("cases:case_action", args=[k.pk, "die"]))
    assert "当前状态" in r.content.decode()
    assert c.get(reverse("cases:case_action", args=[k.pk, "nonsense"])).status_code == 404
    # Revisit after discharge.
    r = c.post(
        reverse("cases:case_revisit", args=[k.pk]), {"date": "2020-02-20", "result": "negative"}
    )
    assert r.status_code == 302 and k.revisits.count() == 1


def test_create_for_a_chosen_person(county_officer: Any, lusong: Any, hospital: Any) -> None:
    p = person(lusong, name="选中者")
    c = client_for(county_officer)
    page = c.get(reverse("cases:case_create") + "?q=选中").content.decode()
    assert f"?person={p.pk}" in page
    r = c.post(
        reverse("cases:case_create") + f"?person={p.pk}",
        {
            "person": p.pk,
            "classification": "suspected",
            "reported_at": "2020-02-01T09:00",
            "facility": hospital.pk,
        },
    )
    assert r.status_code == 302
    k = Case.objects.get(person=p)
    assert k.is_admitted and k.created_by == county_officer


def test_sibling_cannot_choose_a_person_of_another_county(
    sibling_officer: Any, lusong: Any
) -> None:
    p = person(lusong)
    r = client_for(sibling_officer).post(
        reverse("cases:case_create") + f"?person={p.pk}",
        {
            "person": p.pk,
            "classification": "suspected",
            "reported_at": "2020-02-01T09:00",
        },
    )
    assert r.status_code == 200
    assert not Case.objects.filter(person=p).exists()


def test_hospital_staff_create_by_document_and_register_new(
    hospital_staff: Any, lusong: Any, hospital: Any
) -> None:
    known = person(lusong, name="已登记", id_number=resident_id("430203", seq=901))
    c = client_for(hospital_staff)
    r = c.post(
        reverse("cases:case_create"),
        {
            "id_type": "resident_id",
            "id_number": resident_id("430203", seq=901),
            "classification": "suspected",
            "reported_at": "2020-02-01T09:00",
            "facility": hospital.pk,
        },
    )
    assert r.status_code == 302
    assert Case.objects.get(person=known).facility == hospital
    # Unknown document without a name: asked for the new person's details.
    new_id = resident_id("430202", seq=902)
    r = c.post(
        reverse("cases:case_create"),
        {
            "id_type": "resident_id",
            "id_number": new_id,
            "classification": "suspected",
            "reported_at": "2020-02-01T09:00",
            "facility": hospital.pk,
        },
    )
    assert r.status_code == 200 and "姓名" in r.content.decode()
    r = c.post(
        reverse("cases:case_create"),
        {
            "id_type": "resident_id",
            "id_number": new_id,
            "name": "新病人",
            "address_jurisdiction": "430202",
            "classification": "suspected",
            "reported_at": "2020-02-01T09:00",
            "facility": hospital.pk,
        },
    )
    assert r.status_code == 302
    k = Case.objects.get(person__name="新病人")
    assert k.jurisdiction.code == "430202" and k.facility == hospital


def test_facility_occupancy(county_officer: Any, lusong: Any, hospital: Any) -> None:
    a = case(lusong, classification="confirmed", facility=hospital, reported=at("2020-02-01"))
    case(lusong, facility=hospital, reported=at("2020-02-01"))
    case(lusong, reported=at("2020-02-01"))  # not admitted
    move(a, "discharge", at("2020-02-10"), negative_tests=negatives(at("2020-02-10")))
    body = client_for(county_officer).get(reverse("cases:facility_list")).content.decode()
    assert "芦淞区定点医院" in body
    assert '<td data-label="已占用">1</td>' in body
    assert '<td data-label="空床">199</td>' in body


def test_cluster_form_links_and_opens_clusters(
    county_officer: Any, sibling_officer: Any, cases: Any
) -> None:
    own = cases["own"]
    url = reverse("cases:case_cluster", args=[own.pk])
    r = client_for(sibling_officer).post(url, {"new_name": "外区", "setting": "family"})
    assert r.status_code == 404
    c = client_for(county_officer)
    r = c.post(url, {"new_name": "某家庭聚集", "setting": "family"})
    assert r.status_code == 302
    own.refresh_from_db()
    assert own.cluster is not None and own.cluster.name == "某家庭聚集"
    other = cases["own_free"]
    r = c.post(
        reverse("cases:case_cluster", args=[other.pk]),
        {"cluster": own.cluster_id, "setting": "family"},
    )
    other.refresh_from_db()
    assert other.cluster_id == own.cluster_id
    body = c.get(reverse("cases:case_detail", args=[other.pk])).content.decode()
    assert "某家庭聚集" in body


def test_create_form_offers_facilities_of_own_province(
    county_officer: Any, hospital: Any, division: Any
) -> None:
    from epicontrol.jurisdictions.models import Unit

    Unit.objects.create(
        kind="designated_hospital", name="北京某医院", jurisdiction=division("110101")
    )
    Unit.objects.create(kind="enterprise", name="芦淞某企业", jurisdiction=division("430203"))
    body = client_for(county_officer).get(reverse("cases:case_create")).content.decode()
    assert "芦淞区定点医院" in body
    assert "北京某医院" not in body and "芦淞某企业" not in body
