"""Fixtures of the observation tests: persons in the test grid and in the sibling county."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.utils import timezone

from epicontrol.people.tests.factories import make_person

SEED = Path(__file__).resolve().parents[1] / "seed" / "policy_versions.json"


@pytest.fixture(autouse=True)
def _reference_data(db: Any) -> None:
    """Policy editions and the division tree, put back if a transactional test of another module
    flushed the database earlier on this worker (cheap when they are there: two queries)."""
    from epicontrol.core.models import PolicyVersion
    from epicontrol.core.policy import seed_policy_versions
    from epicontrol.jurisdictions.models import Jurisdiction

    if not PolicyVersion.objects.filter(domain="observation").exists():
        seed_policy_versions()
        seed_policy_versions(SEED)
    if not Jurisdiction.objects.filter(code="430203001").exists():
        from epicontrol.jurisdictions.divisions import load_divisions

        load_divisions()


def local(*args: int) -> dt.datetime:
    """An aware Asia/Shanghai datetime."""
    return timezone.make_aware(dt.datetime(*args))  # type: ignore[arg-type]


@pytest.fixture
def at() -> Iterator[Callable[..., Any]]:
    """``at(2020, 2, 1, 9)`` freezes the clock at that local time (until the next call)."""
    travellers: list[Any] = []

    def travel(*args: int) -> Any:
        for t in travellers:
            t.stop()
        travellers.clear()
        traveller = time_machine.travel(local(*args), tick=False)
        traveller.start()
        travellers.append(traveller)
        return traveller

    yield travel
    for t in travellers:
        t.stop()


@pytest.fixture
def person(county_officer: Any, grid: Any) -> Any:
    return make_person(actor=county_officer, jurisdiction=grid, name="李四")


@pytest.fixture
def other_person(county_officer: Any, grid: Any) -> Any:
    return make_person(actor=county_officer, jurisdiction=grid, name="王五")


@pytest.fixture
def sibling_person(sibling_officer: Any, division: Callable[[str], Any]) -> Any:
    return make_person(actor=sibling_officer, jurisdiction=division("430202"), name="赵六")


@pytest.fixture
def start(grid_worker: Any) -> Callable[..., Any]:
    """``start(person, anchor=date, category=..., kind=..., actor=...)`` → Observation."""
    from epicontrol.observation.services import observation_start

    def make(person: Any, anchor: dt.date, category: str = "close_contact", **kw: Any) -> Any:
        actor = kw.pop("actor", grid_worker)
        return observation_start(
            actor=actor, person=person, category=category, anchor_date=anchor, **kw
        )

    return make
