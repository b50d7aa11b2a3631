"""Isolation sites: room capacity, the separation of the four categories when the policy in
force says so, and living needs of people in home isolation."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from epicontrol.core.errors import DomainError
from epicontrol.jurisdictions.models import Unit
from epicontrol.observation import services
from epicontrol.observation.models import RoomAssignment

pytestmark = pytest.mark.django_db

D = dt.date


@pytest.fixture
def county(division: Callable[[str], Any]) -> Any:
    return division("430203")


def _site(officer: Any, county: Any, name: str, category: str | None, beds: int = 2) -> Any:
    site = services.site_create(actor=officer, jurisdiction=county, name=name, category=category)
    room = services.room_create(actor=officer, site=site, number="101", beds=beds)
    return site, room


def test_a_full_room_is_refused(
    county_officer: Any, county: Any, person: Any, other_person: Any, start: Callable[..., Any]
) -> None:
    _, room = _site(county_officer, county, "一号点", "close_contact", beds=1)
    first = start(person, D(2020, 2, 1), actor=county_officer)
    second = start(other_person, D(2020, 2, 1), actor=county_officer)
    services.room_assign(actor=county_officer, observation=first, room=room)
    with pytest.raises(DomainError) as exc:
        services.room_assign(actor=county_officer, observation=second, room=room)
    assert exc.value.code == "isolation_site.room_full" and exc.value.status == 409
    # Releasing the first frees the bed.
    services.observation_close(actor=county_officer, observation=first, reason="误登记")
    assert services.room_assign(actor=county_officer, observation=second, room=room).room == room


def test_moving_rooms_ends_the_previous_assignment(
    county_officer: Any, county: Any, person: Any, start: Callable[..., Any]
) -> None:
    site, room = _site(county_officer, county, "一号点", None)
    other = services.room_create(actor=county_officer, site=site, number="102", beds=1)
    obs = start(person, D(2020, 2, 1), actor=county_officer)
    services.room_assign(actor=county_officer, observation=obs, room=room)
    services.room_assign(actor=county_officer, observation=obs, room=other)
    current = RoomAssignment.objects.get(observation=obs, ended_at__isnull=True)
    assert current.room == other
    assert RoomAssignment.objects.filter(observation=obs).count() == 2


def test_categories_are_kept_apart_when_the_policy_says_so(
    county_officer: Any,
    county: Any,
    person: Any,
    other_person: Any,
    start: Callable[..., Any],
    at: Callable[..., Any],
) -> None:
    _, suspected_room = _site(county_officer, county, "疑似病例隔离点", "suspected")
    at(2020, 2, 10, 9)  # local rule obs2020-02 (Wuhan order of 2020-02-02): separate sites
    assert services.separation_required(D(2020, 2, 10)) is True
    contact = start(person, D(2020, 2, 8), actor=county_officer)
    with pytest.raises(DomainError) as exc:
        services.room_assign(actor=county_officer, observation=contact, room=suspected_room)
    assert exc.value.code == "isolation_site.category_mismatch"
    assert exc.value.details["site_category"] == "suspected"
    # An undesignated site already holding a suspected case is refused too.
    _, mixed_room = _site(county_officer, county, "未指定隔离点", None)
    suspected = start(other_person, D(2020, 2, 9), category="suspected", actor=county_officer)
    services.room_assign(actor=county_officer, observation=suspected, room=mixed_room)
    with pytest.raises(DomainError) as exc:
        services.room_assign(actor=county_officer, observation=contact, room=mixed_room)
    assert exc.value.code == "isolation_site.category_mismatch"


def test_before_separation_was_required_a_site_may_mix(
    county_officer: Any, county: Any, person: Any, start: Callable[..., Any], at: Callable[..., Any]
) -> None:
    _, suspected_room = _site(county_officer, county, "疑似病例隔离点", "suspected")
    at(2020, 1, 26, 9)  # local rule obs2020: no separation yet
    assert services.separation_required(D(2020, 1, 26)) is False
    contact = start(person, D(2020, 1, 25), actor=county_officer)
    assignment = services.room_assign(
        actor=county_officer, observation=contact, room=suspected_room
    )
    assert assignment.room == suspected_room


def test_designation_must_match_the_occupants(
    county_officer: Any, county: Any, person: Any, start: Callable[..., Any]
) -> None:
    site, room = _site(county_officer, county, "二号点", None)
    contact = start(person, D(2020, 2, 1), actor=county_officer)
    services.room_assign(actor=county_officer, observation=contact, room=room)
    with pytest.raises(DomainError) as exc:
        services.site_designate(actor=county_officer, site=site, category="suspected")
    assert exc.value.code == "isolation_site.occupants_mismatch"
    designation = services.site_designate(actor=county_officer, site=site, category="close_contact")
    assert designation is not None and designation.category == "close_contact"
    assert services.site_designate(actor=county_officer, site=site, category=None) is None


def test_home_observation_is_not_placed_in_a_site(
    county_officer: Any, county: Any, person: Any, start: Callable[..., Any]
) -> None:
    _, room = _site(county_officer, county, "三号点", None)
    home = start(person, D(2020, 2, 1), category="returnee", actor=county_officer)
    with pytest.raises(DomainError) as exc:
        services.room_assign(actor=county_officer, observation=home, room=room)
    assert exc.value.code == "isolation_site.not_centralised"


def test_site_rules_and_roles(
    county_officer: Any, grid_worker: Any, county: Any, hospital: Any
) -> None:
    with pytest.raises(DomainError) as exc:
        services.site_create(actor=grid_worker, jurisdiction=county, name="x")
    assert exc.value.code == "observation.forbidden"
    with pytest.raises(DomainError) as exc:
        services.room_create(actor=county_officer, site=hospital, number="1", beds=1)
    assert exc.value.code == "isolation_site.not_a_site"
    site, _ = _site(county_officer, county, "四号点", None)
    for number, beds, code in (("", 1, "room.invalid_number"), ("9", 0, "room.invalid_beds")):
        with pytest.raises(DomainError) as exc:
            services.room_create(actor=county_officer, site=site, number=number, beds=beds)
        assert exc.value.code == code
    assert Unit.objects.get(pk=site.pk).kind == "isolation_site"


def test_living_needs_open_then_handled(
    grid_worker: Any, person: Any, start: Callable[..., Any]
) -> None:
    obs = start(person, D(2020, 2, 1), category="returnee")
    with pytest.raises(DomainError) as exc:
        services.need_create(actor=grid_worker, observation=obs, kind="food", detail=" ")
    assert exc.value.code == "living_need.detail_required"
    with pytest.raises(DomainError) as exc:
        services.need_create(actor=grid_worker, observation=obs, kind="car", detail="x")
    assert exc.value.code == "living_need.invalid_kind"
    need = services.need_create(
        actor=grid_worker, observation=obs, kind="medicine", detail="降压药"
    )
    assert need.status == "open" and need.requested_by == grid_worker
    need = services.need_handle(actor=grid_worker, need=need, note="已送达")
    assert need.status == "handled" and need.handled_by == grid_worker and need.handled_at
    with pytest.raises(DomainError) as exc:
        services.need_handle(actor=grid_worker, need=need)
    assert exc.value.code == "living_need.invalid_transition"
    services.observation_close(actor=grid_worker, observation=obs, reason="迁出")
    with pytest.raises(DomainError) as exc:
        services.need_create(actor=grid_worker, observation=obs, kind="food", detail="米")
    assert exc.value.code == "observation.not_active"
