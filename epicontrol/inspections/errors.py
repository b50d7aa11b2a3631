"""Refusals of the supervision module, with stable codes (tests and clients rely on them)."""

from __future__ import annotations

from epicontrol.core.errors import (
    DomainError,
    InvalidTransition,
    NotFound,
    PermissionDenied,
    ValidationFailed,
)


class InspectionDenied(PermissionDenied):
    code = "inspection.permission_denied"
    default_message = "You may not do this for this inspection."


class InvalidInput(ValidationFailed):
    code = "inspection.invalid"


class TargetOutOfScope(ValidationFailed):
    code = "inspection.target_out_of_scope"
    default_message = "The target is outside the area of this supervision group."


class TemplateMismatch(ValidationFailed):
    code = "inspection.template_mismatch"
    default_message = "The checklist is not for this kind of target."


class InvalidRule(ValidationFailed):
    code = "template.invalid_rule"
    default_message = "The score rule is not valid."


class TemplateNotCurrent(DomainError):
    code = "template.not_current"
    status = 409
    default_message = "Only the current version of a checklist can be revised."


class TaskAlreadySubmitted(DomainError):
    code = "task.already_submitted"
    status = 409
    default_message = "This inspection has already been recorded; submit a correction instead."


class TaskCancelled(DomainError):
    code = "task.cancelled"
    status = 409
    default_message = "This inspection task was cancelled."


class IncompleteRecord(ValidationFailed):
    code = "record.incomplete"
    default_message = "Every checklist item needs a result."


class InvalidItemResult(ValidationFailed):
    code = "record.invalid_item_result"
    default_message = "An item result does not fit its score rule."


class ClientIdConflict(DomainError):
    code = "record.client_id_conflict"
    status = 409
    default_message = "This submission id was already used for another inspection."


class RecordNotCurrent(DomainError):
    code = "record.not_current"
    status = 409
    default_message = "Only the current version of a record can be corrected."


class PhotoTooLarge(DomainError):
    code = "photo.too_large"
    status = 413
    default_message = "The photo is too large."


class PhotoInvalidType(DomainError):
    code = "photo.invalid_type"
    status = 415
    default_message = "Only JPEG, PNG and WebP photos are accepted."


class FindingTransitionError(InvalidTransition):
    code = "finding.invalid_transition"


class FindingDenied(PermissionDenied):
    code = "finding.permission_denied"
    default_message = "You may not do this for this finding."


class AccountabilityInvalid(ValidationFailed):
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
