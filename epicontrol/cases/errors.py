"""Refusals of the cases module, with stable codes.

Default messages are marked for translation and translated when raised, so pages and API show
them in the user's language; clients rely on ``code``, never on the message.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext, gettext_noop

from epicontrol.core.errors import DomainError, InvalidTransition, ValidationFailed


class CaseError(DomainError):
    def __init__(self, message: str | None = None, **kwargs: Any) -> None:
        super().__init__(message or gettext(self.default_message), **kwargs)


class CaseValidation(ValidationFailed):
    def __init__(self, message: str | None = None, **kwargs: Any) -> None:
        super().__init__(message or gettext(self.default_message), **kwargs)


class CaseInvalidTransition(InvalidTransition):
    """The state machine refuses the action in the case's current state (409)."""

    code = "case.invalid_transition"


class DuplicateOpenCase(CaseError):
    """The person already has an open case (one open case per person)."""

    code = "case.duplicate_open"
    status = 409
    default_message = gettext_noop("This person already has an open case.")


class InvalidCaseField(CaseValidation):
    """A field of a case action is missing or invalid (422); ``field`` names it."""

    code = "case.invalid_field"
    default_message = gettext_noop("Invalid input.")


class InvalidFacility(CaseValidation):
    """The facility is not an active treatment unit the case may be admitted to (422)."""

    code = "case.invalid_facility"
    default_message = gettext_noop(
        "Choose an active designated hospital, fever clinic or treatment unit."
    )


class InvalidTime(CaseValidation):
    """A time is in the future or before the case's previous event (422)."""

    code = "case.invalid_time"
    default_message = gettext_noop(
        "The time is in the future or before the previous change of this case."
    )


class DischargeCriteriaUnmet(CaseError):
    """Discharge/release without the negative tests the policy requires (409)."""

    code = "case.discharge_criteria_unmet"
    status = 409
    default_message = gettext_noop("The negative tests required for discharge are missing.")


class CaseForbidden(CaseError):
    """The user's role may not change cases (403)."""

    code = "case.forbidden"
    status = 403
    default_message = gettext_noop("Your role may not change case records.")
