"""Refusals of the risk-level module, with stable codes.

Messages are English message ids (marked with ``gettext_noop``): the API returns them as they
are, pages translate them with ``gettext(exc.message)``.
"""

from __future__ import annotations

from django.utils.translation import gettext_noop

from epicontrol.core.errors import (
    DomainError,
    InvalidTransition,
    NotFound,
    PermissionDenied,
    ValidationFailed,
)


class InvalidRiskPolicy(DomainError):
    """A risk-level policy version whose parameters or rule table cannot be used."""

    code = "risk_level.invalid_policy"
    status = 500
    default_message = gettext_noop("The risk-level policy data is not valid.")


class SchemeNotFound(NotFound):
    code = "risk_level.unknown_scheme"
    default_message = gettext_noop("No such risk-level scheme.")


class SchemeNotInForce(ValidationFailed):
    code = "risk_level.scheme_not_in_force"
    default_message = gettext_noop("This risk-level scheme is not in force on that date.")


class FutureDate(ValidationFailed):
    code = "risk_level.future_date"
    default_message = gettext_noop("Risk levels cannot be computed for a future date.")


class RiskLevelForbidden(PermissionDenied):
    code = "risk_level.forbidden"
    default_message = gettext_noop("Only command officers of the area may compute risk levels.")


class OverrideForbidden(PermissionDenied):
    code = "risk_override.forbidden"
    default_message = gettext_noop("You may not do this with a risk-level override.")


class SelfApproval(PermissionDenied):
    code = "risk_override.self_approval"
    default_message = gettext_noop(
        "The proposer of an override cannot decide on it; withdraw it instead."
    )


class OverrideInvalidLevel(ValidationFailed):
    code = "risk_override.invalid_level"
    default_message = gettext_noop(
        "This level does not exist in the scheme that designates the county."
    )


class OverrideInvalid(ValidationFailed):
    code = "risk_override.invalid"
    default_message = gettext_noop("The override is not valid.")


class OverridePending(DomainError):
    code = "risk_override.pending_exists"
    status = 409
    default_message = gettext_noop("An override of this county is already awaiting approval.")


class OverrideInvalidTransition(InvalidTransition):
    code = "risk_override.invalid_transition"
    default_message = gettext_noop("This change of status of the override is not allowed.")


class NotACounty(NotFound):
    code = "risk_level.not_a_county"
    default_message = gettext_noop(
        "Risk levels are designated for county-level administrative divisions only."
    )
