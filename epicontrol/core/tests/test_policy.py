from __future__ import annotations

import datetime as dt
import importlib
import json

import pytest

from epicontrol.core.models import PolicyVersion
from epicontrol.core.policy import (
    SEED_FILE,
    PolicyNotFound,
    protocol,
    protocol_on,
    seed_policy_versions,
    version_in_force,
)

pytestmark = pytest.mark.django_db


def test_every_seeded_edition_is_in_the_database() -> None:
    codes = {row["code"] for row in json.loads(SEED_FILE.read_text(encoding="utf-8"))["versions"]}
    assert codes == set(
        PolicyVersion.objects.filter(domain="national").values_list("code", flat=True)
    )
    assert {"v2", "v5", "v7", "v8", "v9", "measures20", "new10", "v10"} <= codes


def test_seeding_again_creates_nothing() -> None:
    assert seed_policy_versions() == 0


@pytest.mark.parametrize(
    ("day", "code"),
    [
        (dt.date(2020, 1, 22), "v2"),
        (dt.date(2020, 2, 15), "v4"),
        (dt.date(2020, 2, 21), "v5"),
        (dt.date(2021, 5, 13), "v7"),
        (dt.date(2021, 5, 14), "v8"),
        (dt.date(2022, 7, 1), "v9"),
        (dt.date(2022, 11, 11), "measures20"),
        (dt.date(2022, 12, 7), "new10"),
        (dt.date(2023, 2, 1), "v10"),
    ],
)
def test_version_in_force_is_the_latest_effective_one(day: dt.date, code: str) -> None:
    assert version_in_force(day).code == code


def test_no_version_before_the_first_edition() -> None:
    with pytest.raises(PolicyNotFound) as exc:
        version_in_force(dt.date(2019, 12, 31))
    assert exc.value.code == "policy.not_found"


def test_typed_parameters_of_the_eighth_and_ninth_editions() -> None:
    v8 = protocol("v8")
    assert v8.close_contact is not None
    assert (v8.close_contact.centralised_days, v8.close_contact.home_days) == (14, 7)
    assert v8.close_contact.test_days == (1, 4, 7, 14, 16, 21)
    v9 = protocol_on(dt.date(2022, 7, 1))
    assert v9.close_contact is not None
    assert v9.close_contact.total_days == 10
    assert v9.close_contact.test_days == (1, 2, 3, 5, 7, 10)
    assert v9.secondary_contact is not None and v9.secondary_contact.home_days == 7
    assert v9.travel_history_days == 7
    assert protocol("measures20").secondary_contact is None


def test_edited_parameters_are_what_code_reads() -> None:
    v = PolicyVersion.objects.get(domain="national", code="v5")
    v.params = {**v.params, "fever_threshold_c": 37.5}
    v.save()
    assert protocol("v5").fever_threshold_c == 37.5


def test_seed_corrections_update_an_old_database_but_not_edited_rows() -> None:
    from django.apps import apps

    module = importlib.import_module("epicontrol.core.migrations.0003_policy_seed_corrections")
    v7 = PolicyVersion.objects.get(domain="national", code="v7")
    v3 = PolicyVersion.objects.get(domain="national", code="v3")
    v8 = PolicyVersion.objects.get(domain="national", code="v8")
    # As the first seed wrote them:
    v7.params = {
        **v7.params,
        "secondary_contact": module.OLD_V7_SECONDARY,
        "separate_site_categories": True,
    }
    v7.save()
    v3.params = {**v3.params, "inbound_traveller": module.OLD_INBOUND}
    v3.save()
    edited = {**module.OLD_V7_SECONDARY, "home_days": 7}  # a local edit after the seed
    v8.params = {**v8.params, "secondary_contact": edited, "separate_site_categories": True}
    v8.save()

    module.correct(apps, None)

    v7.refresh_from_db()
    v3.refresh_from_db()
    v8.refresh_from_db()
    assert v7.params["secondary_contact"] is None
    assert "separate_site_categories" not in v7.params
    assert v3.params["inbound_traveller"]["note"].startswith("[I]")
    assert v8.params["secondary_contact"] == edited  # edited values stay
    assert protocol("v7").secondary_contact is None
    module.correct(apps, None)  # idempotent
    v7.refresh_from_db()
    assert v7.params["secondary_contact"] is None


def test_no_national_edition_carries_the_local_separate_sites_rule() -> None:
    for version in PolicyVersion.objects.filter(domain="national"):
        assert "separate_site_categories" not in version.params, version.code
