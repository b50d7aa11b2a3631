"""Refusals of the observation module, with stable codes (tests and clients rely on them).

Messages are shown to users: defaults are marked with ``gettext_noop`` and translated when the
error is raised (in the request's language).
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext, gettext_noop

from epicontrol.core.errors import DomainError, InvalidTransition, ValidationFailed


class Translated(DomainError):
    """A DomainError whose default message is translated at raise time."""

    def __init__(self, message: str | None = None, **kwargs: Any) -> None:
        super().__init__(message or gettext(self.default_message), **kwargs)


class _Transition(InvalidTransition):
    def __init__(self, *, current: str, target: str, message: str | None = None, **details: Any):
        text = message or gettext(
            "This change of status is not allowed (%(current)s → %(target)s)."
        )
        super().__init__(
            current=current, target=target, message=text % {"current": current, "target": target}
        )
        self.details.update(details)


class ObservationInvalidTransition(_Transition):
    code = "observation.invalid_transition"


class AlertInvalidTransition(_Transition):
    code = "alert.invalid_transition"


class NeedInvalidTransition(_Transition):
    code = "living_need.invalid_transition"


class NoRule(Translated):
    """The policy edition in force has no observation rule for this category (e.g. 乙类乙管)."""

    code = "observation.no_rule"
    status = 422
    default_message = gettext_noop("The policy in force has no observation rule for this category.")


class ObservationInvalid(Translated, ValidationFailed):
    """Bad input for an observation; ``code`` is set per case (``observation.<what>``)."""

    code = "observation.invalid"


class AlreadyActive(Translated):
    code = "observation.already_active"
    status = 409
    default_message = gettext_noop("This person is already under observation.")


class NotDue(Translated):
    code = "observation.not_due"
    status = 409
    default_message = gettext_noop("The observation period has not ended yet.")


class ReleaseBlocked(Translated):
    """Release refused by the release rule (a positive result, or missing planned tests)."""

    code = "observation.release_blocked"
    status = 409
    default_message = gettext_noop(
        "The release conditions are not met: a positive result, or planned tests without a "
        "negative result."
    )


class NotActive(Translated):
    code = "observation.not_active"
    status = 409
    default_message = gettext_noop("This observation has ended.")


class CheckInvalid(Translated, ValidationFailed):
    code = "check.invalid"


class CheckDuplicate(Translated):
    code = "check.duplicate"
    status = 409
    default_message = gettext_noop("This check has already been recorded.")


class LabTestInvalid(Translated, ValidationFailed):
    code = "lab_test.invalid"


class ReplanStale(Translated):
    code = "observation.replan_stale"
    status = 409
    default_message = gettext_noop("The observations changed since the preview; preview again.")


class SiteRefused(Translated):
    """An isolation-site refusal: ``isolation_site.room_full``, ``.category_mismatch`` …"""

    code = "isolation_site.refused"
    status = 409
    default_message = gettext_noop("This assignment is not allowed.")


class SiteInvalid(Translated, ValidationFailed):
    code = "isolation_site.invalid"


class NeedInvalid(Translated, ValidationFailed):
    code = "living_need.invalid"
