"""Fixtures of the people tests: places, a few registered persons, and a throwaway model that
links to Person (so merge is tested moving a link whatever other modules exist)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.apps import apps
from django.db import connection, models

from epicontrol.people.tests.factories import make_person


@pytest.fixture
def lusong(division: Callable[[str], Any]) -> Any:
    return division("430203")


@pytest.fixture
def hetang(division: Callable[[str], Any]) -> Any:
    return division("430202")


@pytest.fixture
def jianshe(division: Callable[[str], Any]) -> Any:
    return division("430203001")


@pytest.fixture
def person(county_officer: Any, jianshe: Any) -> Any:
    return make_person(actor=county_officer, jurisdiction=jianshe, name="张三")


@pytest.fixture
def sibling_person(sibling_officer: Any, hetang: Any) -> Any:
    return make_person(actor=sibling_officer, jurisdiction=hetang, name="荷塘人")


@pytest.fixture
def link_probe(db: Any) -> Iterator[type[models.Model]]:
    """A model with a foreign key to Person, registered and created for one test only.

    The table is created with plain DDL inside the test transaction (rolled back with it), and
    the model is unregistered afterwards, so no other test ever sees the extra relation.
    """

    class MergeProbe(models.Model):
        person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
        label = models.CharField(max_length=20)

        class Meta:
            app_label = "people"

        def __str__(self) -> str:
            return self.label

    editor = connection.SchemaEditorClass(connection, collect_sql=True)
    editor.deferred_sql = []
    editor.create_model(MergeProbe)
    with connection.cursor() as cursor:
        for sql in [*editor.collected_sql, *map(str, editor.deferred_sql)]:
            cursor.execute(sql.rstrip(";"))
    try:
        yield MergeProbe
    finally:
        del apps.all_models["people"]["mergeprobe"]
        apps.clear_cache()
