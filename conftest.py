"""Shared fixtures: the division tree (loaded once per test session) and the personas.

Personas (PRODUCT.md §2) are test fixtures, Alice/Bob style: each app proves with them that a
sibling jurisdiction sees nothing.

- ``province_officer``   command_officer of 湖南省 430000
- ``city_officer``       command_officer of 株洲市 430200
- ``county_officer``     command_officer of 株洲市 芦淞区 430203
- ``sibling_officer``    command_officer of 株洲市 荷塘区 430202 (sibling county, same city)
- ``other_city_officer`` command_officer of 长沙市 芙蓉区 430102 (a county in another city)
- ``supervisor``         supervisor of 湖南省 430000
- ``grid_worker``        grid_worker of a grid in a community of 贺家土街道 430203001
- ``cdc_investigator``   cdc_investigator of 430203
- ``hospital_staff``     hospital_staff of a designated hospital in 430203
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

PASSWORD = "Epi-control-2020!"


# Rows present after set-up other than the division tree: what the migrations seeded (policy
# versions, categories, checklist templates, content types ...), serialized once.
_SEED_SNAPSHOT: list[tuple[str, str]] = []


def _snapshot_seed_rows() -> list[tuple[str, str]]:
    from django.apps import apps
    from django.core import serializers

    snapshot = []
    for model in apps.get_models():
        if model._meta.label == "jurisdictions.Jurisdiction" or model._meta.proxy:
            continue
        if not model._meta.managed or not model._default_manager.exists():
            continue
        rows = model._default_manager.order_by("pk")
        snapshot.append((model._meta.label, serializers.serialize("json", rows)))
    return snapshot


def _restore_after_flush() -> None:
    """A transactional test (live server, browser) ends with a flush of every table; put the
    session's data back so the tests after it on this worker see the same database."""
    from django.contrib.contenttypes.models import ContentType
    from django.core import serializers
    from django.db import transaction

    from epicontrol.jurisdictions.divisions import load_divisions
    from epicontrol.jurisdictions.models import Jurisdiction

    if Jurisdiction.objects.filter(level="province").exists():
        return
    # The flush's post_migrate handler re-created content types and permissions with new ids;
    # put back the originals, which the cached ContentType ids and the seeds refer to.
    # One transaction: foreign keys are deferred to commit (SQLite and PostgreSQL alike), so
    # the order of the snapshot does not matter.
    with transaction.atomic():
        ContentType.objects.all().delete()
        for _label, data in _SEED_SNAPSHOT:
            for obj in serializers.deserialize("json", data):
                obj.save()
    ContentType.objects.clear_cache()
    load_divisions()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: Any, django_db_blocker: Any) -> None:
    """Load the real division tree once per test database (about 5 s)."""
    from epicontrol.jurisdictions.divisions import load_divisions

    with django_db_blocker.unblock():
        load_divisions()
        _SEED_SNAPSHOT[:] = _snapshot_seed_rows()


def _is_transactional(item: Any) -> bool:
    marker = item.get_closest_marker("django_db")
    if marker is not None and (
        marker.kwargs.get("transaction") or (marker.args and marker.args[0])
    ):
        return True
    return bool({"transactional_db", "live_server"} & set(getattr(item, "fixturenames", ())))


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item: Any, nextitem: Any) -> Any:
    yield
    # nextitem None: the session's fixtures (the test database itself) were just torn down.
    if _SEED_SNAPSHOT and nextitem is not None and _is_transactional(item):
        from pytest_django.plugin import blocking_manager_key

        with item.config.stash[blocking_manager_key].unblock():
            _restore_after_flush()


@pytest.fixture(autouse=True)
def _fast_passwords(settings: Any) -> None:
    # Password hashing dominates fixture time; the hasher itself is not under test here.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def division(db: Any) -> Callable[[str], Any]:
    from epicontrol.jurisdictions.models import Jurisdiction

    def get(code: str) -> Any:
        return Jurisdiction.objects.get(code=code)

    return get


@pytest.fixture
def make_user(db: Any) -> Callable[..., Any]:
    from epicontrol.accounts.models import Membership, User
    from epicontrol.jurisdictions.models import Jurisdiction

    def make(
        username: str, role: str | None = None, code: str | None = None, unit: Any = None
    ) -> Any:
        user = User.objects.create_user(username=username, password=PASSWORD, display_name=username)
        if role:
            jurisdiction = (
                unit.jurisdiction if unit is not None else Jurisdiction.objects.get(code=code)
            )
            Membership.objects.create(user=user, role=role, jurisdiction=jurisdiction, unit=unit)
        return user

    return make


@pytest.fixture
def township(division: Callable[[str], Any]) -> Any:
    return division("430203001")


@pytest.fixture
def community(db: Any, township: Any) -> Any:
    from epicontrol.jurisdictions.services import subdivision_create

    return subdivision_create(actor=None_actor(), parent=township, name="测试社区")


@pytest.fixture
def grid(db: Any, community: Any) -> Any:
    from epicontrol.jurisdictions.services import subdivision_create

    return subdivision_create(actor=None_actor(), parent=community, name="第一网格")


def None_actor() -> Any:  # noqa: N802 - reads as a constant in fixtures
    """A superuser-like actor for fixture set-up (not persisted)."""
    from epicontrol.accounts.models import User

    return User(username="fixture", is_superuser=True)


@pytest.fixture
def province_officer(make_user: Callable[..., Any]) -> Any:
    return make_user("province_officer", "command_officer", "430000")


@pytest.fixture
def city_officer(make_user: Callable[..., Any]) -> Any:
    return make_user("city_officer", "command_officer", "430200")


@pytest.fixture
def county_officer(make_user: Callable[..., Any]) -> Any:
    return make_user("county_officer", "command_officer", "430203")


@pytest.fixture
def sibling_officer(make_user: Callable[..., Any]) -> Any:
    return make_user("sibling_officer", "command_officer", "430202")


@pytest.fixture
def other_city_officer(make_user: Callable[..., Any]) -> Any:
    return make_user("other_city_officer", "command_officer", "430102")


@pytest.fixture
def supervisor(make_user: Callable[..., Any]) -> Any:
    return make_user("supervisor", "supervisor", "430000")


@pytest.fixture
def cdc_investigator(make_user: Callable[..., Any]) -> Any:
    return make_user("cdc_investigator", "cdc_investigator", "430203")


@pytest.fixture
def grid_worker(make_user: Callable[..., Any], grid: Any) -> Any:
    return make_user("grid_worker", "grid_worker", grid.code)


@pytest.fixture
def hospital(db: Any, division: Callable[[str], Any]) -> Any:
    from epicontrol.jurisdictions.models import Unit

    return Unit.objects.create(
        kind="designated_hospital",
        name="芦淞区定点医院",
        jurisdiction=division("430203"),
        capacity=200,
    )


@pytest.fixture
def hospital_staff(make_user: Callable[..., Any], hospital: Any) -> Any:
    return make_user("hospital_staff", "hospital_staff", unit=hospital)


@pytest.fixture
def api_client_for() -> Callable[[Any], Any]:
    """A Django test client that authenticates API calls with a bearer token for ``user``."""
    from django.test import Client

    from epicontrol.accounts.services import api_token_issue

    def make(user: Any) -> Any:
        _, token = api_token_issue(user=user)
        return Client(HTTP_AUTHORIZATION=f"Bearer {token}")

    return make


def pytest_collection_modifyitems(config: Any, items: list[Any]) -> None:
    """Keep the heavy shared resources on one xdist worker each: one local Spark JVM and one
    Chromium at a time on a 2-core machine."""
    for item in items:
        if item.get_closest_marker("spark"):
            item.add_marker(pytest.mark.xdist_group("spark"))
        elif item.get_closest_marker("browser"):
            item.add_marker(pytest.mark.xdist_group("browser"))
