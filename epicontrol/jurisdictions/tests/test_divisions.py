from __future__ import annotations

from typing import Any

import pytest

from epicontrol.jurisdictions.divisions import load_divisions
from epicontrol.jurisdictions.models import Jurisdiction

pytestmark = pytest.mark.django_db


def test_the_whole_tree_is_loaded() -> None:
    assert Jurisdiction.objects.filter(level="province").count() == 31
    assert Jurisdiction.objects.filter(level="township").count() > 38_000
    assert Jurisdiction.objects.get(code="430000").name == "湖南省"


def test_hunan_has_122_county_level_units_plus_12_functional_zones() -> None:
    hunan = Jurisdiction.objects.get(code="430000")
    counties = Jurisdiction.objects.filter(level="county", path__startswith=hunan.path).current()
    assert counties.administrative().count() == 122
    zones = counties.filter(is_administrative=False)
    assert zones.count() == 12
    assert set(zones.values_list("kind", flat=True)) == {"functional_zone"}
    assert {"430371", "430671"} <= set(zones.values_list("code", flat=True))


def test_kinds_are_derived_from_names_and_codes() -> None:
    kinds = dict(
        Jurisdiction.objects.filter(
            code__in=["430203", "430121", "430181", "431226", "433100", "110000"]
        ).values_list("code", "kind")
    )
    assert kinds == {
        "430203": "district",
        "430121": "county",
        "430181": "county_city",
        "431226": "autonomous_county",
        "433100": "autonomous_prefecture",
        "110000": "municipality",
    }


def test_recoded_unit_keeps_history() -> None:
    old = Jurisdiction.objects.get(code="431121")
    assert old.name == "祁阳县"
    assert old.valid_to is not None
    assert old.replaced_by is not None and old.replaced_by.code == "431181"
    assert not Jurisdiction.objects.current().filter(code="431121").exists()
    assert Jurisdiction.objects.current().filter(code="431181").exists()


def test_paths_are_materialized_from_the_province() -> None:
    township = Jurisdiction.objects.get(code="430203001")
    assert township.path == "430000/430200/430203/430203001/"
    assert [j.code for j in township.ancestors()] == ["430000", "430200", "430203", "430203001"]


def test_cities_without_counties_hold_their_townships() -> None:
    dongguan = Jurisdiction.objects.get(code="441900")
    assert dongguan.level == "city"
    assert Jurisdiction.objects.filter(parent=dongguan, level="township").exists()


def test_loading_again_changes_nothing() -> None:
    result = load_divisions()
    assert result["created"] == 0
    assert result["updated"] == 0


def test_user_created_communities_survive_a_reload(community: Any) -> None:
    load_divisions()
    assert Jurisdiction.objects.filter(pk=community.pk).exists()
