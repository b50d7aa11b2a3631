"""Fixtures of the screening tests: more grids around the persona grid, and a ledger builder."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable
from typing import Any

import pytest

from epicontrol.people.tests.factories import mobile, resident_id

DAY = dt.date(2020, 2, 10)
_seq = itertools.count(1)


def superuser() -> Any:
    from epicontrol.accounts.models import User

    return User(username="fixture-admin", is_superuser=True)


def _sub(parent: Any, name: str) -> Any:
    from epicontrol.jurisdictions.models import Jurisdiction
    from epicontrol.jurisdictions.services import subdivision_create

    existing = Jurisdiction.objects.filter(parent=parent, name=name).first()
    return existing or subdivision_create(actor=superuser(), parent=parent, name=name)


@pytest.fixture
def cat(db: Any) -> Callable[[str], Any]:
    from epicontrol.screening.models import PersonCategory

    def get(code: str) -> Any:
        return PersonCategory.objects.get(code=code)

    return get


@pytest.fixture
def grid2(community: Any) -> Any:
    """A second grid in the persona grid's community."""
    return _sub(community, "第二网格")


@pytest.fixture
def grid3(township: Any) -> Any:
    """A grid in another community of the same township."""
    return _sub(_sub(township, "向阳社区"), "第一网格")


@pytest.fixture
def grid4(division: Callable[[str], Any]) -> Any:
    """A grid in another township of the same county (430203)."""
    return _sub(_sub(division("430203002"), "长青社区"), "第一网格")


@pytest.fixture
def sibling_grid(division: Callable[[str], Any]) -> Any:
    """A grid in the sibling county 荷塘区 430202."""
    return _sub(_sub(division("430202001"), "月塘社区"), "第一网格")


@pytest.fixture
def other_city_grid(division: Callable[[str], Any]) -> Any:
    """A grid in 长沙市 芙蓉区 430102 (another city)."""
    township = division("430102").children.order_by("code").first()
    return _sub(_sub(township, "芙蓉社区"), "第一网格")


@pytest.fixture
def person_data(db: Any) -> Callable[..., Any]:
    """Validated input for a new person (unique document unless ``id_number`` is given)."""
    from epicontrol.people.services import person_input

    def make(*, grid: Any, name: str | None = None, **kwargs: Any) -> Any:
        n = next(_seq)
        return person_input(
            actor=kwargs.pop("actor", None) or superuser(),
            name=name or f"返乡{n}",
            id_type="resident_id",
            id_number=kwargs.pop("id_number", None)
            or resident_id(birth=dt.date(1970, 1, 1) + dt.timedelta(days=n), seq=n),
            phone=kwargs.pop("phone", None) or mobile(5000 + n),
            jurisdiction=grid,
            **kwargs,
        )

    return make


@pytest.fixture
def register(person_data: Callable[..., Any], cat: Callable[[str], Any]) -> Callable[..., Any]:
    """Register a new person in a grid's ledger (as a superuser unless ``actor`` is given)."""
    from epicontrol.screening.services import entry_register_person

    def make(
        grid: Any,
        category: str = "wuhan_returnee",
        *,
        on: dt.date = DAY,
        actor: Any = None,
        data: Any = None,
        person: Any = None,
        **kwargs: Any,
    ) -> Any:
        actor = actor or superuser()
        if person is None and data is None:
            data = person_data(grid=grid)
        entry, _ = entry_register_person(
            actor=actor,
            data=data,
            person=person,
            category=cat(category),
            grid=grid,
            source=kwargs.pop("source", "door_to_door"),
            origin=kwargs.pop("origin", "湖北武汉"),
            arrival_date=kwargs.pop("arrival_date", on - dt.timedelta(days=2)),
            notes=kwargs.pop("notes", ""),
            registered_on=on,
            allow_candidates=True,
        )
        return entry

    return make
