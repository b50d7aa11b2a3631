"""Writes for users, memberships, logins and API tokens."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any

from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from epicontrol.core.audit import audit_record
from epicontrol.jurisdictions.models import Jurisdiction, Unit

from .choices import UNIT_ROLES, Role
from .errors import (
    AccountLocked,
    AuthenticationFailed,
    InvalidMembership,
    InvalidRole,
    WeakPassword,
)
from .models import ApiToken, Membership, User


def _validate_password(password: str, user: User | None) -> None:
    try:
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        raise WeakPassword(" ".join(exc.messages), field="password") from None


@transaction.atomic
def user_create(
    *, actor: Any, username: str, password: str | None, display_name: str = "", email: str = ""
) -> User:
    """Create a login. Raises WeakPassword ("accounts.weak_password")."""
    user = User(username=username, display_name=display_name, email=email)
    if password:
        _validate_password(password, user)
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    audit_record(
        actor=actor, action="accounts.user_created", target=user, changes={"username": username}
    )
    return user


@transaction.atomic
def membership_add(
    *, actor: Any, user: User, role: str, jurisdiction: Jurisdiction, unit: Unit | None = None
) -> Membership:
    """Give ``user`` a role in a jurisdiction, or in a unit for unit roles. Idempotent.

    Raises InvalidRole ("accounts.invalid_role") and InvalidMembership
    ("accounts.invalid_membership": a unit role without a unit, or a unit outside the
    jurisdiction).
    """
    if role not in Role.values:
        raise InvalidRole(f"Unknown role {role!r}.", field="role", allowed=list(Role.values))
    if role in UNIT_ROLES and unit is None:
        raise InvalidMembership(f"The role {role} needs a unit.", field="unit")
    if unit is not None and not unit.jurisdiction.path.startswith(jurisdiction.path):
        raise InvalidMembership("The unit is not inside the jurisdiction.", field="unit")
    membership, created = Membership.objects.get_or_create(
        user=user, role=role, jurisdiction=jurisdiction, unit=unit
    )
    if not membership.is_active:
        membership.is_active = True
        membership.save(update_fields=["is_active", "updated_at"])
        created = True
    if created:
        audit_record(
            actor=actor,
            action="accounts.membership_added",
            target=membership,
            changes={
                "user": user.pk,
                "role": role,
                "jurisdiction": jurisdiction.code,
                "unit": unit.pk if unit else None,
            },
        )
    return membership


def login_check_lock(user: User, now: dt.datetime | None = None) -> None:
    """Raise AccountLocked ("auth.locked") while the lockout lasts."""
    now = now or timezone.now()
    if user.locked_until and user.locked_until > now:
        raise AccountLocked(locked_until=user.locked_until.isoformat())


def login_failed(user: User) -> None:
    """Count a failure; the Nth consecutive failure locks the account for the lockout period."""
    now = timezone.now()
    # Row lock so that parallel wrong guesses cannot each read the old count.
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        if locked.locked_until and locked.locked_until <= now:
            locked.failed_logins = 0
            locked.locked_until = None
        locked.failed_logins += 1
        changes: dict[str, Any] = {"failed_logins": locked.failed_logins}
        if locked.failed_logins >= settings.LOGIN_MAX_FAILURES:
            locked.locked_until = now + dt.timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)
            changes["locked_until"] = locked.locked_until
        locked.save(update_fields=["failed_logins", "locked_until"])
        audit_record(actor=None, action="accounts.login_failed", target=locked, changes=changes)
    user.failed_logins, user.locked_until = locked.failed_logins, locked.locked_until


def login_succeeded(user: User) -> None:
    if user.failed_logins or user.locked_until:
        User.objects.filter(pk=user.pk).update(failed_logins=0, locked_until=None)
        user.failed_logins, user.locked_until = 0, None


def authenticate_credentials(*, username: str, password: str) -> User:
    """Check a username and password with lockout; used by the API token endpoint.

    Raises AuthenticationFailed ("auth.invalid_credentials") or AccountLocked ("auth.locked").
    """
    user = User.objects.filter(username=username, is_active=True).first()
    if user is None:
        # Same work as a real check, so that timing does not reveal which usernames exist.
        User().set_password(password)
        raise AuthenticationFailed()
    login_check_lock(user)
    if not user.check_password(password):
        login_failed(user)
        if user.locked_until:
            raise AccountLocked(locked_until=user.locked_until.isoformat())
        raise AuthenticationFailed()
    login_succeeded(user)
    return user


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def api_token_issue(*, user: User) -> tuple[ApiToken, str]:
    """Issue a bearer token; returns the row and the token (shown once, stored as a hash)."""
    token = "ect_" + secrets.token_urlsafe(32)
    row = ApiToken.objects.create(
        user=user,
        key_hash=_hash_token(token),
        prefix=token[:8],
        expires_at=timezone.now() + dt.timedelta(days=settings.API_TOKEN_DAYS),
    )
    audit_record(
        actor=user, action="accounts.token_issued", target=row, changes={"prefix": row.prefix}
    )
    return row, token


def api_token_user(token: str) -> User | None:
    """The active user for a bearer token, or None when unknown, expired or revoked."""
    row = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=_hash_token(token), revoked=False, expires_at__gt=timezone.now())
        .first()
    )
    if row is None or not row.user.is_active:
        return None
    now = timezone.now()
    # Touch at most once a minute: a write per request would serialise API traffic on SQLite.
    if row.last_used_at is None or now - row.last_used_at > dt.timedelta(minutes=1):
        ApiToken.objects.filter(pk=row.pk).update(last_used_at=now)
    return row.user
