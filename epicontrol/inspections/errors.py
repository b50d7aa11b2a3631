"""Refusals of the supervision module, with stable codes (tests and clients rely on them)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext, gettext_noop

from epicontrol.core.errors import (
    DomainError,
    InvalidTransition,
    NotFound,
    PermissionDenied,
    ValidationFailed,
)


class _Translated:
    """Translates the default message when the error is raised (the UI ships in Chinese)."""

    default_message: str

    def __init__(self, message: str | None = None, **kwargs: Any) -> None:
        super().__init__(message or gettext(self.default_message), **kwargs)  # type: ignore[call-arg]


class InspectionDenied(_Translated, PermissionDenied):
    code = "inspection.permission_denied"
    default_message = gettext_noop("You may not do this for this inspection.")


class InvalidInput(_Translated, ValidationFailed):
    code = "inspection.invalid"


class TargetOutOfScope(_Translated, ValidationFailed):
    code = "inspection.target_out_of_scope"
    default_message = gettext_noop("The target is outside the area of this supervision group.")


class TemplateMismatch(_Translated, ValidationFailed):
    code = "inspection.template_mismatch"
    default_message = gettext_noop("The checklist is not for this kind of target.")


class InvalidRule(_Translated, ValidationFailed):
    code = "template.invalid_rule"
    default_message = gettext_noop("The score rule is not valid.")


class TemplateNotCurrent(_Translated, DomainError):
    code = "template.not_current"
    status = 409
    default_message = gettext_noop("Only the current version of a checklist can be revised.")


class TaskAlreadySubmitted(_Translated, DomainError):
    code = "task.already_submitted"
    status = 409
    default_message = gettext_noop(
        "This inspection has already been recorded; submit a correction instead."
    )


class TaskCancelled(_Translated, DomainError):
    code = "task.cancelled"
    status = 409
    default_message = gettext_noop("This inspection task was cancelled.")


class IncompleteRecord(_Translated, ValidationFailed):
    code = "record.incomplete"
    default_message = gettext_noop("Every checklist item needs a result.")


class InvalidItemResult(_Translated, ValidationFailed):
    code = "record.invalid_item_result"
    default_message = gettext_noop("An item result does not fit its score rule.")


class ClientIdConflict(_Translated, DomainError):
    code = "record.client_id_conflict"
    status = 409
    default_message = gettext_noop("This submission id was already used for another inspection.")


class RecordNotCurrent(_Translated, DomainError):
    code = "record.not_current"
    status = 409
    default_message = gettext_noop("Only the current version of a record can be corrected.")


class PhotoTooLarge(_Translated, DomainError):
    code = "photo.too_large"
    status = 413
    default_message = gettext_noop("The photo is too large.")


class PhotoInvalidType(_Translated, DomainError):
    code = "photo.invalid_type"
    status = 415
    default_message = gettext_noop("Only JPEG, PNG and WebP photos are accepted.")


class FindingTransitionError(InvalidTransition):
    code = "finding.invalid_transition"


class FindingDenied(_Translated, PermissionDenied):
    code = "finding.permission_denied"
    default_message = gettext_noop("You may not do this for this finding.")


class AccountabilityInvalid(_Translated, ValidationFailed):
    code = "accountability.invalid"


__all__ = [
    "AccountabilityInvalid",
    "ClientIdConflict",
    "FindingDenied",
    "FindingTransitionError",
    "IncompleteRecord",
    "InspectionDenied",
    "InvalidInput",
    "InvalidItemResult",
    "InvalidRule",
    "NotFound",
    "PhotoInvalidType",
    "PhotoTooLarge",
    "RecordNotCurrent",
    "TargetOutOfScope",
    "TaskAlreadySubmitted",
    "TaskCancelled",
    "TemplateMismatch",
    "TemplateNotCurrent",
]
