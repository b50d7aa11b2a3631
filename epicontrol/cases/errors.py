"""Refusals of the cases module, with stable codes."""

from __future__ import annotations

from epicontrol.core.errors import DomainError, InvalidTransition, ValidationFailed


class CaseInvalidTransition(InvalidTransition):
    """The state machine refuses the action in the case's current state (409)."""

    code = "case.invalid_transition"


class DuplicateOpenCase(DomainError):
    """The person already has an open case (one open case per person)."""

    code = "case.duplicate_open"
    status = 409
    default_message = "This person already has an open case."


class InvalidCaseField(ValidationFailed):
    """A field of a case action is missing or invalid (422); ``field`` names it."""

    code = "case.invalid_field"


class InvalidFacility(ValidationFailed):
    """The facility is not an active treatment unit the case may be admitted to (422)."""

    code = "case.invalid_facility"
    default_message = "Choose an active designated hospital, fever clinic or treatment unit."


class InvalidTime(ValidationFailed):
    """A time is in the future or before the case's previous event (422)."""

    code = "case.invalid_time"
    default_message = "The time is in the future or before the previous change of this case."


class DischargeCriteriaUnmet(DomainError):
    """Discharge/release without the negative tests the policy requires (409)."""

    code = "case.discharge_criteria_unmet"
    status = 409
    default_message = "The negative tests required for discharge are missing."


class CaseForbidden(DomainError):
    """The user's role may not change cases (403)."""

    code = "case.forbidden"
    status = 403
    default_message = "Your role may not change case records."
