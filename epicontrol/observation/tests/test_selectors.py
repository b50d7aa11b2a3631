"""Dashboard figures and read selectors, including what a sibling county counts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from epicontrol.observation import selectors, services

pytestmark = pytest.mark.django_db

D = dt.date


def figures(user: Any, jurisdiction: Any, day: dt.date) -> dict[str, Any]:
    return {
        f.key: f for f in selectors.dashboard_figures(user=user, jurisdiction=jurisdiction, day=day)
    }


@pytest.fixture
def scenario(
    county_officer: Any,
    grid_worker: Any,
    person: Any,
    other_person: Any,
    grid: Any,
    division: Callable[[str], Any],
    start: Callable[..., Any],
    at: Callable[..., Any],
) -> dict[str, Any]:
    from epicontrol.people.tests.factories import make_person

    at(2020, 2, 14, 9)
    county = division("430203")
    site = services.site_create(actor=county_officer, jurisdiction=county, name="观察点")
    room = services.room_create(actor=county_officer, site=site, number="1", beds=2)
    released = start(person, D(2020, 1, 31))  # 14 days: ends today
    services.room_assign(actor=county_officer, observation=released, room=room)
    home = start(other_person, D(2020, 2, 5), category="returnee")
    third = make_person(actor=county_officer, jurisdiction=grid, name="孙七")
    placed = start(third, D(2020, 2, 10))
    services.room_assign(actor=county_officer, observation=placed, room=room)
    services.check_record(actor=grid_worker, observation=home, slot=1, temperature_c="37.9")
    services.observation_release(actor=grid_worker, observation=released)
    return {"county": county, "released": released, "home": home, "placed": placed}


def test_dashboard_figures_of_the_county_today(
    county_officer: Any, scenario: dict[str, Any]
) -> None:
    f = figures(county_officer, scenario["county"], D(2020, 2, 14))
    assert f["observation.active"].value == 2
    assert f["observation.active_home_isolation"].value == 1
    assert f["observation.active_centralised_isolation"].value == 1
    assert f["observation.active_home_health_monitoring"].value == 0
    assert f["observation.released_today"].value == 1
    assert f["observation.cleared_after_incubation"].value == 1
    assert f["observation.open_alerts"].value == 1
    assert f["observation.site_occupied"].value == 1
    assert f["observation.site_beds"].value == 2
    assert f["observation.active"].url == "/observation/?status=active&jurisdiction=430203"
    assert "ended_on=2020-02-14" in (f["observation.released_today"].url or "")
    assert all(fig.group == "observation" for fig in f.values())


def test_dashboard_figures_of_an_earlier_day(county_officer: Any, scenario: dict[str, Any]) -> None:
    f = figures(county_officer, scenario["county"], D(2020, 2, 8))
    assert f["observation.active"].value == 2  # the released one and the returnee
    assert f["observation.released_today"].value == 0
    assert f["observation.cleared_after_incubation"].value == 0
    assert f["observation.active"].url is None  # the list shows today, not 2-08


def test_a_sibling_county_counts_nothing(
    sibling_officer: Any,
    city_officer: Any,
    division: Callable[[str], Any],
    scenario: dict[str, Any],
) -> None:
    own = figures(sibling_officer, division("430202"), D(2020, 2, 14))
    assert own["observation.active"].value == 0 and own["observation.open_alerts"].value == 0
    assert own["observation.site_beds"].value is None  # no site: no data, not a fake zero
    # Asking about the neighbour's county still counts only what the sibling may see.
    other = figures(sibling_officer, scenario["county"], D(2020, 2, 14))
    assert {k: v.value for k, v in other.items() if v.value} == {}
    city = figures(city_officer, division("430200"), D(2020, 2, 14))
    assert city["observation.active"].value == 2


def test_lists_are_scoped(
    sibling_officer: Any, county_officer: Any, scenario: dict[str, Any]
) -> None:
    assert selectors.observation_list(user=sibling_officer).count() == 0
    assert selectors.alert_list(user=sibling_officer, status="all").count() == 0
    assert selectors.site_list(user=sibling_officer).count() == 0
    assert selectors.due_today(user=sibling_officer).count() == 0
    assert selectors.observation_list(user=county_officer).count() == 3
    kinds = selectors.observation_list(
        user=county_officer, status="active", kind="home_isolation", on=D(2020, 2, 14)
    )
    assert [o.pk for o in kinds] == [scenario["home"].pk]
    cleared = selectors.observation_list(user=county_officer, cleared=True)
    assert [o.pk for o in cleared] == [scenario["released"].pk]


def test_plan_days_mark_test_days_and_missed_slots(
    grid_worker: Any, person: Any, start: Callable[..., Any], at: Callable[..., Any]
) -> None:
    at(2021, 6, 3, 9)
    obs = start(person, D(2021, 6, 1))  # 8th edition, registered on day 2
    services.check_record(actor=grid_worker, observation=obs, slot=1, temperature_c="36.5")
    at(2021, 6, 4, 13)
    days = selectors.plan_days(obs)
    assert len(days) == 21 and days[0].date == D(2021, 6, 2)
    assert [d.number for d in days if d.is_test_day] == [1, 4, 7, 14, 16, 21]
    assert days[14].kind == "home_health_monitoring" and days[13].kind == "centralised_isolation"
    assert days[1].overdue_slots == [2]  # day 2 (6-03): evening missed (deadline 6-04 12:00)
    assert days[0].overdue_slots == []  # before registration: not due
    assert days[2].overdue_slots == [] and days[2].is_today  # day 3: still time
