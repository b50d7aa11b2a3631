from __future__ import annotations

import datetime as dt
from io import StringIO
from typing import Any

import pytest
import time_machine
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.utils import timezone

from conftest import PASSWORD
from epicontrol.accounts.choices import Role
from epicontrol.accounts.models import Membership, User
from epicontrol.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def _login(client: Client, username: str, password: str) -> Any:
    return client.post("/accounts/login/", {"username": username, "password": password})


def test_login_and_logout(county_officer: Any) -> None:
    client = Client()
    response = _login(client, "county_officer", PASSWORD)
    assert response.status_code == 302
    assert client.get("/jurisdictions/430203/").status_code == 200
    client.post("/accounts/logout/")
    assert client.get("/jurisdictions/430203/").status_code == 302  # back to the login page


def test_login_page_is_in_chinese() -> None:
    html = Client().get("/accounts/login/").content.decode()
    assert "登录" in html


def test_five_failures_lock_the_account_for_fifteen_minutes(county_officer: Any) -> None:
    client = Client()
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        for _ in range(settings.LOGIN_MAX_FAILURES):
            assert _login(client, "county_officer", "wrong-password").status_code == 200
        page = _login(client, "county_officer", PASSWORD)
        assert page.status_code == 200  # refused although the password is right
        assert "锁定" in page.content.decode()
    county_officer.refresh_from_db()
    assert county_officer.locked_until == start + dt.timedelta(
        minutes=settings.LOGIN_LOCKOUT_MINUTES
    )
    assert (
        AuditEntry.objects.filter(
            action="accounts.login_failed", target_id=str(county_officer.pk)
        ).count()
        == 5
    )
    with time_machine.travel(start + dt.timedelta(minutes=14), tick=False):
        assert _login(Client(), "county_officer", PASSWORD).status_code == 200
    with time_machine.travel(start + dt.timedelta(minutes=16), tick=False):
        assert _login(Client(), "county_officer", PASSWORD).status_code == 302
    county_officer.refresh_from_db()
    assert county_officer.failed_logins == 0


def test_success_resets_the_failure_count(county_officer: Any) -> None:
    client = Client()
    for _ in range(settings.LOGIN_MAX_FAILURES - 1):
        _login(client, "county_officer", "wrong")
    assert _login(client, "county_officer", PASSWORD).status_code == 302
    county_officer.refresh_from_db()
    assert county_officer.failed_logins == 0


def test_session_expires_when_idle() -> None:
    assert settings.SESSION_SAVE_EVERY_REQUEST is True
    assert 0 < settings.SESSION_COOKIE_AGE <= 8 * 3600


def test_token_endpoint(county_officer: Any) -> None:
    client = Client()
    response = client.post(
        "/api/v1/auth/token",
        {"username": "county_officer", "password": PASSWORD},
        content_type="application/json",
    )
    assert response.status_code == 200
    token = response.json()["token"]
    api = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    assert api.get("/api/v1/jurisdictions/430203").status_code == 200


def test_token_endpoint_refuses_bad_credentials_with_codes(county_officer: Any) -> None:
    client = Client()
    bad = client.post(
        "/api/v1/auth/token",
        {"username": "county_officer", "password": "nope"},
        content_type="application/json",
    )
    assert bad.status_code == 401
    assert bad.json()["code"] == "auth.invalid_credentials"
    unknown = client.post(
        "/api/v1/auth/token",
        {"username": "ghost", "password": "nope"},
        content_type="application/json",
    )
    assert unknown.json()["code"] == "auth.invalid_credentials"
    for _ in range(settings.LOGIN_MAX_FAILURES):
        last = client.post(
            "/api/v1/auth/token",
            {"username": "county_officer", "password": "nope"},
            content_type="application/json",
        )
    assert last.status_code == 403
    assert last.json()["code"] == "auth.locked"


def test_token_endpoint_rejects_malformed_payloads() -> None:
    client = Client()
    for body in ("{", "[]", '{"username": 1}'):
        response = client.post("/api/v1/auth/token", body, content_type="application/json")
        assert response.status_code in (400, 422)
        assert "code" in response.json()


def test_expired_token_is_refused(county_officer: Any) -> None:
    from epicontrol.accounts.services import api_token_issue

    _, token = api_token_issue(user=county_officer)
    api = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    with time_machine.travel(timezone.now() + dt.timedelta(days=settings.API_TOKEN_DAYS + 1)):
        assert api.get("/api/v1/jurisdictions/430203").status_code == 401


def test_add_member_creates_user_and_membership() -> None:
    out = StringIO()
    call_command(
        "add_member",
        "newofficer",
        "--role",
        "command_officer",
        "--jurisdiction",
        "430203",
        "--password",
        "A-long-passphrase-2020",
        stdout=out,
    )
    user = User.objects.get(username="newofficer")
    assert user.check_password("A-long-passphrase-2020")
    assert Membership.objects.filter(
        user=user, role="command_officer", jurisdiction__code="430203"
    ).exists()
    # Idempotent and additive: a second role for the same user.
    call_command(
        "add_member", "newofficer", "--role", "supervisor", "--jurisdiction", "430200", stdout=out
    )
    call_command(
        "add_member", "newofficer", "--role", "supervisor", "--jurisdiction", "430200", stdout=out
    )
    assert user.memberships.count() == 2


def test_add_member_validates_input(hospital: Any) -> None:
    with pytest.raises(CommandError, match="Unknown jurisdiction"):
        call_command("add_member", "x", "--role", "command_officer", "--jurisdiction", "999999")
    with pytest.raises(CommandError, match=r"accounts\.invalid_membership"):
        call_command("add_member", "x", "--role", "hospital_staff", "--jurisdiction", "430203")
    with pytest.raises(CommandError, match=r"accounts\.weak_password"):
        call_command(
            "add_member",
            "y",
            "--role",
            "command_officer",
            "--jurisdiction",
            "430203",
            "--password",
            "123",
        )
    assert not User.objects.filter(username="y").exists()
    call_command(
        "add_member",
        "nurse",
        "--role",
        "hospital_staff",
        "--jurisdiction",
        "430203",
        "--unit",
        str(hospital.pk),
        stdout=StringIO(),
    )
    assert User.objects.get(username="nurse").scope().unit_ids == (hospital.pk,)


def test_add_member_help_lists_every_role(capsys: Any) -> None:
    from epicontrol.accounts.management.commands.add_member import Command

    help_text = Command().help
    for role in Role.values:
        assert role in help_text


def test_scope_keeps_only_the_widest_paths(make_user: Any) -> None:
    user = make_user("multi", "command_officer", "430200")
    Membership.objects.create(
        user=user,
        role="supervisor",
        jurisdiction_id=user.memberships.get().jurisdiction.children.get(code="430203").pk,
    )
    assert user.scope().paths == ("430000/430200/",)


def test_a_sibling_county_officer_is_scoped_to_their_own_county(
    county_officer: Any, sibling_officer: Any, hospital_staff: Any, hospital: Any
) -> None:
    lusong = county_officer.memberships.get().jurisdiction.path
    hetang = sibling_officer.memberships.get().jurisdiction.path
    assert county_officer.scope().paths == (lusong,)
    assert sibling_officer.scope().paths == (hetang,)
    assert not sibling_officer.scope().covers_path(lusong)
    assert not sibling_officer.scope().covers_path(lusong + "430203001/")
    assert not county_officer.scope().covers_path(hetang)
    # A unit role sees its unit, not the county around it.
    staff = hospital_staff.scope()
    assert staff.unit_ids == (hospital.pk,) and staff.paths == ()
    assert not staff.covers_path(lusong)


def test_a_deactivated_membership_no_longer_scopes(sibling_officer: Any) -> None:
    sibling_officer.memberships.update(is_active=False)
    assert sibling_officer.scope().empty
