"""The scope column follows the jurisdiction on every write path."""

from __future__ import annotations

from typing import Any

import pytest

from epicontrol.people.models import Person
from epicontrol.people.services import person_update

pytestmark = pytest.mark.django_db


def test_path_is_filled_by_save_and_bulk_create(jianshe: Any, lusong: Any) -> None:
    a = Person(name="甲", id_number_hash="h1", id_number_enc="x", jurisdiction=jianshe)
    a.save()
    b = Person(name="乙", id_number_hash="h2", id_number_enc="x", jurisdiction_id=lusong.pk)
    Person.objects.bulk_create([b])
    paths = dict(Person.objects.values_list("name", "jurisdiction_path"))
    assert paths == {"甲": jianshe.path, "乙": lusong.path}


def test_update_moves_the_person_between_areas(
    county_officer: Any, sibling_officer: Any, province_officer: Any, person: Any, hetang: Any
) -> None:
    assert Person.objects.visible_to(county_officer).filter(pk=person.pk).exists()
    person_update(actor=province_officer, person=person, jurisdiction=hetang)
    person.refresh_from_db()
    assert person.jurisdiction_path == hetang.path
    assert not Person.objects.visible_to(county_officer).filter(pk=person.pk).exists()
    assert Person.objects.visible_to(sibling_officer).filter(pk=person.pk).exists()
