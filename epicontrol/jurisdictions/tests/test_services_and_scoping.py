from __future__ import annotations

from typing import Any

import pytest

from epicontrol.core.errors import DomainError
from epicontrol.core.models import AuditEntry
from epicontrol.jurisdictions.models import Jurisdiction, Unit
from epicontrol.jurisdictions.services import subdivision_create, unit_create

pytestmark = pytest.mark.django_db


def test_community_and_grid_get_codes_and_paths(county_officer: Any, township: Any) -> None:
    community = subdivision_create(actor=county_officer, parent=township, name="新华社区")
    grid = subdivision_create(actor=county_officer, parent=community, name="第一网格")
    assert community.code == "430203001001"
    assert community.level == "community"
    assert grid.code == "430203001001001"
    assert grid.path == "430000/430200/430203/430203001/430203001001/430203001001001/"
    assert (
        AuditEntry.objects.filter(action="jurisdictions.created", actor=county_officer).count() == 2
    )


def test_second_community_takes_the_next_number(county_officer: Any, township: Any) -> None:
    subdivision_create(actor=county_officer, parent=township, name="甲社区")
    second = subdivision_create(actor=county_officer, parent=township, name="乙社区")
    assert second.code == "430203001002"


def test_community_only_under_a_township(county_officer: Any, division: Any) -> None:
    with pytest.raises(DomainError) as exc:
        subdivision_create(actor=county_officer, parent=division("430203"), name="x")
    assert exc.value.code == "jurisdiction.invalid_parent"


def test_sibling_cannot_create_in_another_county(sibling_officer: Any, township: Any) -> None:
    with pytest.raises(DomainError) as exc:
        subdivision_create(actor=sibling_officer, parent=township, name="越界社区")
    assert exc.value.code == "jurisdiction.out_of_scope"


def test_duplicate_name_under_the_same_parent_is_refused(
    county_officer: Any, township: Any
) -> None:
    subdivision_create(actor=county_officer, parent=township, name="新华社区")
    with pytest.raises(DomainError) as exc:
        subdivision_create(actor=county_officer, parent=township, name="新华社区")
    assert exc.value.code == "jurisdiction.duplicate_name"


def test_unit_create_and_scope(county_officer: Any, sibling_officer: Any, division: Any) -> None:
    unit = unit_create(
        actor=county_officer, jurisdiction=division("430203"), kind="market", name="芦淞市场"
    )
    assert Unit.objects.visible_to(county_officer).filter(pk=unit.pk).exists()
    assert not Unit.objects.visible_to(sibling_officer).filter(pk=unit.pk).exists()
    with pytest.raises(DomainError) as exc:
        unit_create(actor=sibling_officer, jurisdiction=division("430203"), kind="market", name="x")
    assert exc.value.code == "jurisdiction.out_of_scope"


def test_visible_jurisdictions_are_own_subtree_and_ancestors(county_officer: Any) -> None:
    visible = Jurisdiction.objects.visible_to(county_officer)
    assert visible.filter(code="430203001").exists()
    assert visible.filter(code="430200").exists()  # breadcrumb
    assert visible.filter(code="430000").exists()
    assert not visible.filter(code="430202").exists()  # sibling county
    assert not visible.filter(code="430202001").exists()
    assert not visible.filter(code="430100").exists()


def test_anonymous_sees_nothing() -> None:
    from django.contrib.auth.models import AnonymousUser

    assert not Jurisdiction.objects.visible_to(AnonymousUser()).exists()


def test_unit_role_sees_its_unit_only(hospital_staff: Any, hospital: Any, division: Any) -> None:
    other = Unit.objects.create(
        kind="fever_clinic", name="另一门诊", jurisdiction=division("430203")
    )
    visible = Unit.objects.visible_to(hospital_staff)
    assert list(visible) == [hospital]
    assert not visible.filter(pk=other.pk).exists()
