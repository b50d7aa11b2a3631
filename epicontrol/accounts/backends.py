from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from .errors import AccountLocked
from .models import User
from .services import login_check_lock, login_failed, login_succeeded


class LockoutModelBackend(ModelBackend):
    """Username/password login that counts failures and refuses locked accounts."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        if username is None or password is None:
            return None
        user = User.objects.filter(username=username).first()
        if user is None:
            User().set_password(password)  # equal timing for unknown usernames
            return None
        login_check_lock(user)  # raises AccountLocked, which the login form turns into a message
        if user.check_password(password) and self.user_can_authenticate(user):
            login_succeeded(user)
            return user
        login_failed(user)
        if user.locked_until:
            raise AccountLocked(locked_until=user.locked_until.isoformat())
        return None


__all__ = ["AccountLocked", "LockoutModelBackend"]
