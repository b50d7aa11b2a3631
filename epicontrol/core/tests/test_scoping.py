"""The scoping mechanism every app builds on: a sibling jurisdiction sees nothing.

``ScopedQuerySet.visible_to`` is exercised here on audit entries (their ``jurisdiction_path`` is
the owning area), so the rule is proved in core itself, not only through the apps that use it.
"""

from __future__ import annotations

from typing import Any

import pytest

from epicontrol.core.audit import audit_record
from epicontrol.core.models import AuditEntry, PolicyVersion
from epicontrol.core.scoping import NOTHING, ScopedQuerySet, scope_of

pytestmark = pytest.mark.django_db

LUSONG = "430000/430200/430203/"  # 芦淞区
HETANG = "430000/430200/430202/"  # 荷塘区, its sibling


class _AuditScoped(ScopedQuerySet[AuditEntry]):
    jurisdiction_path_lookup = "jurisdiction_path"


def _entries() -> _AuditScoped:
    return _AuditScoped(AuditEntry)


@pytest.fixture
def rows() -> dict[str, AuditEntry]:
    target = PolicyVersion.objects.get(domain="national", code="v2")
    made = {}
    for name, path in (
        ("county", LUSONG),
        ("township", LUSONG + "430203001/"),
        ("sibling", HETANG),
        ("other_city", "430000/430100/430102/"),
    ):
        entry = audit_record(actor=None, action=f"test.{name}", target=target)
        AuditEntry.objects.filter(pk=entry.pk).update(jurisdiction_path=path)
        made[name] = entry
    return made


def _actions(user: Any) -> set[str]:
    return set(
        _entries()
        .filter(action__startswith="test.")
        .visible_to(user)
        .values_list("action", flat=True)
    )


def test_a_sibling_county_sees_nothing_of_its_neighbour(
    rows: dict[str, AuditEntry], county_officer: Any, sibling_officer: Any
) -> None:
    assert _actions(county_officer) == {"test.county", "test.township"}
    assert _actions(sibling_officer) == {"test.sibling"}
    assert not _entries().filter(pk=rows["county"].pk).visible_to(sibling_officer).exists()
    assert _entries().filter(action__startswith="test.").visible_to(sibling_officer).count() == 1


def test_a_city_sees_its_counties_and_not_another_city(
    rows: dict[str, AuditEntry], city_officer: Any, other_city_officer: Any
) -> None:
    assert _actions(city_officer) == {"test.county", "test.township", "test.sibling"}
    assert _actions(other_city_officer) == {"test.other_city"}


def test_nobody_without_a_scope_sees_anything(rows: dict[str, AuditEntry]) -> None:
    from django.contrib.auth.models import AnonymousUser

    assert scope_of(AnonymousUser()) is NOTHING
    assert _actions(AnonymousUser()) == set()
    assert _actions(None) == set()
