from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from .errors import AccountLocked


class LockoutAuthenticationForm(AuthenticationForm):
    """The login form; a locked account gets its own message instead of "wrong password"."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "locked": _("Too many failed attempts. The account is locked; try again later."),
    }

    def clean(self) -> dict[str, Any]:
        try:
            return super().clean()
        except AccountLocked:
            raise forms.ValidationError(self.error_messages["locked"], code="locked") from None
