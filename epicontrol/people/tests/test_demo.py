"""The demo seeder registers its residents once, with one merge candidate and one warning."""

from __future__ import annotations

from typing import Any

import pytest

from epicontrol.people import demo
from epicontrol.people.models import Person
from epicontrol.people.selectors import person_candidates

pytestmark = pytest.mark.django_db


def test_seed_is_idempotent(grid_worker: Any, grid: Any) -> None:
    context = {"users": {"grid": grid_worker}, "grid": grid}
    assert demo.seed(context).startswith(f"people: {len(demo.RESIDENTS)} persons")
    assert demo.seed(context).startswith("people: 0 persons")
    assert Person.objects.count() == len(demo.RESIDENTS)
    first = Person.objects.filter(name="郭春梅").order_by("pk").first()
    assert first is not None
    twins = person_candidates(
        user=grid_worker,
        name=first.name,
        phone_hash=first.phone_hash,
        birth_date=first.birth_date,
        exclude_pk=first.pk,
    )
    assert twins.count() == 1
    assert Person.objects.get(name="钱文博").id_warnings == ["person.id_address_code_unknown"]
