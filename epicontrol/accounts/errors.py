from __future__ import annotations

from epicontrol.core.errors import DomainError, ValidationFailed


class AuthenticationFailed(DomainError):
    code = "auth.invalid_credentials"
    status = 401
    default_message = "Wrong username or password."


class AccountLocked(DomainError):
    code = "auth.locked"
    status = 403
    default_message = "Too many failed attempts; the account is locked for a while."


class InvalidRole(ValidationFailed):
    code = "accounts.invalid_role"
    default_message = "Unknown role."


class InvalidMembership(ValidationFailed):
    code = "accounts.invalid_membership"
    default_message = "This membership is not valid."


class WeakPassword(ValidationFailed):
    code = "accounts.weak_password"
    default_message = "The password is too weak."
