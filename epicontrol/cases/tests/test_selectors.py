"""Scoped reads: dashboard figures, facility occupancy, person lookup for a new case."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.test import Client
from django.utils import timezone

from epicontrol.cases import selectors
from epicontrol.people.tests.factories import resident_id

from .factories import at, case, move, negatives, person

DAY = dt.date(2020, 2, 10)


def figures(user: Any, jurisdiction: Any, day: dt.date = DAY) -> dict[str, Any]:
    return {
        f.key: f for f in selectors.dashboard_figures(user=user, jurisdiction=jurisdiction, day=day)
    }


def test_dashboard_figures_count_the_records_and_link_to_them(
    county_officer: Any,
    sibling_officer: Any,
    city_officer: Any,
    lusong: Any,
    hetang: Any,
    hospital: Any,
    division: Any,
) -> None:
    a = case(
        lusong,
        classification="confirmed",
        severity="critical",
        facility=hospital,
        reported=at("2020-02-01"),
    )
    b = case(lusong, classification="confirmed", facility=hospital, reported=at("2020-02-10"))
    c = case(lusong, classification="confirmed", facility=hospital, reported=at("2020-02-02"))
    move(c, "discharge", at("2020-02-09"), negative_tests=negatives(at("2020-02-09")))
    d = case(lusong, classification="confirmed", reported=at("2020-02-03"))
    move(d, "die", at("2020-02-08"))
    case(hetang, classification="confirmed", reported=at("2020-02-10"))
    f = figures(county_officer, lusong)
    values = {k: v.value for k, v in f.items()}
    assert values == {
        "cases.confirmed_cumulative": 4,
        "cases.confirmed_new": 1,
        "cases.admitted_current": 2,  # a, b (c discharged, d never admitted)
        "cases.severe_current": 1,
        "cases.cured_cumulative": 1,
        "cases.dead_cumulative": 1,
        "cases.beds": 200,
        "cases.beds_occupied": 2,
    }
    # The figure's link lists exactly the records behind it.
    client = Client()
    client.force_login(county_officer)
    r = client.get(f["cases.confirmed_new"].url)
    assert r.status_code == 200, f["cases.confirmed_new"].url
    body = r.content.decode()
    assert f"/cases/{b.pk}/" in body and f"/cases/{a.pk}/" not in body
    # "Now" figures of a past day have no list (the list shows today's state)…
    assert f["cases.severe_current"].url is None
    # …today's do.
    today = figures(county_officer, lusong, timezone.localdate())
    assert today["cases.severe_current"].value == 1
    body = client.get(today["cases.severe_current"].url).content.decode()
    assert f"/cases/{a.pk}/" in body and f"/cases/{b.pk}/" not in body
    # A day earlier, b was not yet reported; c was discharged that afternoon.
    before = {
        k: v.value for k, v in figures(county_officer, lusong, DAY - dt.timedelta(days=1)).items()
    }
    assert before["cases.confirmed_cumulative"] == 3 and before["cases.admitted_current"] == 1
    assert before["cases.cured_cumulative"] == 1
    # The sibling county sees nothing of 芦淞区, even asking for it.
    theirs = {k: v.value for k, v in figures(sibling_officer, lusong).items()}
    assert theirs["cases.confirmed_cumulative"] == 0 and theirs["cases.beds"] is None
    assert figures(sibling_officer, hetang)["cases.confirmed_cumulative"].value == 1
    # The city sees both counties.
    city = figures(city_officer, division("430200"))
    assert city["cases.confirmed_cumulative"].value == 5
    assert city["cases.confirmed_new"].value == 2


def test_facility_rows_count_open_admitted_cases(
    county_officer: Any, lusong: Any, hospital: Any
) -> None:
    case(lusong, classification="confirmed", facility=hospital, reported=at("2020-02-01"))
    case(lusong, facility=hospital, reported=at("2020-02-01"))
    case(lusong, reported=at("2020-02-01"))
    excluded = case(lusong, facility=hospital, reported=at("2020-02-01"))
    move(excluded, "exclude", at("2020-02-02"))
    [row] = selectors.facility_list(user=county_officer)
    assert (row.beds, row.occupied, row.free, row.occupancy_rate) == (200, 2, 198, 0.01)


def test_person_for_case_by_document(
    hospital_staff: Any, county_officer: Any, sibling_officer: Any, lusong: Any
) -> None:
    number = resident_id("430203", seq=555)
    p = person(lusong, id_number=number)
    assert selectors.person_for_case(user=hospital_staff, id_number=number) == p
    assert selectors.person_for_case(user=hospital_staff, person_id=p.pk) is None
    assert selectors.person_for_case(user=county_officer, person_id=p.pk) == p
    assert selectors.person_for_case(user=sibling_officer, id_number=number) is None
    assert selectors.person_for_case(user=sibling_officer, person_id=p.pk) is None
    assert selectors.person_for_case(user=county_officer, id_number="") is None


def test_dashboard_figures_of_hospital_staff_count_their_facility_only(
    hospital_staff: Any,
    lusong: Any,
    hetang: Any,
    hospital: Any,
    second_hospital: Any,
    division: Any,
) -> None:
    case(lusong, classification="confirmed", facility=hospital, reported=at("2020-02-01"))
    case(hetang, classification="confirmed", facility=hospital, reported=at("2020-02-02"))
    case(lusong, classification="confirmed", reported=at("2020-02-03"))  # not in the hospital
    case(hetang, classification="confirmed", facility=second_hospital, reported=at("2020-02-03"))
    city = figures(hospital_staff, division("430200"))
    assert city["cases.confirmed_cumulative"].value == 2
    assert city["cases.admitted_current"].value == 2
    assert city["cases.beds"].value == 200 and city["cases.beds_occupied"].value == 2


def test_line_list_daily_counts_a_township_case_in_its_county(lusong: Any, division: Any) -> None:
    from epicontrol.cases.selectors import line_list_daily

    case(division("430203001"), classification="confirmed", reported=at("2020-02-01"))
    out = line_list_daily(root_path="430000/430200/", start=DAY, end=DAY)
    assert out["430203"][DAY]["confirmed_cumulative"] == 1
    below = line_list_daily(root_path="430000/430200/430203/430203001/", start=DAY, end=DAY)
    assert below["430203"][DAY]["confirmed_cumulative"] == 1
    other = line_list_daily(root_path="430000/430200/430203/430203002/", start=DAY, end=DAY)
    assert other["430203"][DAY]["confirmed_cumulative"] == 0
