"""Typed domain errors with stable codes.

Every refusal the platform gives (a bad ID number, an illegal state change, a duplicate) is a
``DomainError`` subclass with a dotted ``code`` that clients and tests rely on. Views render the
message; the API returns ``{"code", "message", "details"}`` with ``status``.
"""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """A refusal with a stable code, a human message and structured details."""

    code: str = "error"
    status: int = 400
    default_message: str = "The request was refused."

    def __init__(
        self,
        message: str | None = None,
        *,
        code: str | None = None,
        status: int | None = None,
        field: str | None = None,
        **details: Any,
    ) -> None:
        self.message = message or self.default_message
        if code is not None:
            self.code = code
        if status is not None:
            self.status = status
        self.field = field
        self.details: dict[str, Any] = dict(details)
        if field is not None:
            self.details.setdefault("field", field)
        super().__init__(self.message)

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, "details": self.details}


class NotFound(DomainError):
    """The object does not exist, or the user may not see it (the two are indistinguishable)."""

    code = "not_found"
    status = 404
    default_message = "Not found."


class PermissionDenied(DomainError):
    code = "permission_denied"
    status = 403
    default_message = "You may not do this."


class InvalidTransition(DomainError):
    """A state machine refused a move; subclasses set ``code`` to "<entity>.invalid_transition"."""

    code = "invalid_transition"
    status = 409
    default_message = "This change of status is not allowed."

    def __init__(self, *, current: str, target: str, message: str | None = None, **details: Any):
        super().__init__(
            message or f"Cannot move from {current} to {target}.",
            current=current,
            target=target,
            **details,
        )


class ValidationFailed(DomainError):
    """Input that fails validation; ``field`` names the offending field."""

    code = "validation.invalid"
    status = 422
    default_message = "Invalid input."
