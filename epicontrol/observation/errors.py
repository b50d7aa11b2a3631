"""Refusals of the observation module, with stable codes (tests and clients rely on them)."""

from __future__ import annotations

from epicontrol.core.errors import DomainError, InvalidTransition, ValidationFailed


class ObservationInvalidTransition(InvalidTransition):
    code = "observation.invalid_transition"


class AlertInvalidTransition(InvalidTransition):
    code = "alert.invalid_transition"


class NeedInvalidTransition(InvalidTransition):
    code = "living_need.invalid_transition"


class NoRule(DomainError):
    """The policy edition in force has no observation rule for this category (e.g. 乙类乙管)."""

    code = "observation.no_rule"
    status = 422
    default_message = "The policy in force has no observation rule for this category."


class ObservationInvalid(ValidationFailed):
    """Bad input for an observation; ``code`` is set per case (``observation.<what>``)."""

    code = "observation.invalid"


class AlreadyActive(DomainError):
    code = "observation.already_active"
    status = 409
    default_message = "This person is already under observation."


class NotDue(DomainError):
    code = "observation.not_due"
    status = 409
    default_message = "The observation period has not ended yet."


class ReleaseBlocked(DomainError):
    """Release refused by the release rule (a positive result, or missing planned tests)."""

    code = "observation.release_blocked"
    status = 409
    default_message = "The release conditions are not met."


class NotActive(DomainError):
    code = "observation.not_active"
    status = 409
    default_message = "This observation has ended."


class CheckInvalid(ValidationFailed):
    code = "check.invalid"


class CheckDuplicate(DomainError):
    code = "check.duplicate"
    status = 409
    default_message = "This check has already been recorded."


class LabTestInvalid(ValidationFailed):
    code = "lab_test.invalid"


class ReplanStale(DomainError):
    code = "observation.replan_stale"
    status = 409
    default_message = "The observations changed since the preview; preview again."


class SiteRefused(DomainError):
    """An isolation-site refusal: ``isolation_site.room_full``, ``.category_mismatch`` …"""

    code = "isolation_site.refused"
    status = 409
    default_message = "This assignment is not allowed."


class SiteInvalid(ValidationFailed):
    code = "isolation_site.invalid"


class NeedInvalid(ValidationFailed):
    code = "living_need.invalid"
