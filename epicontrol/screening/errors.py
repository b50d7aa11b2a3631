"""Refusals of the screening module, each with a stable code (tests and clients rely on them)."""

from __future__ import annotations

from epicontrol.core.errors import (
    DomainError,
    InvalidTransition,
    PermissionDenied,
    ValidationFailed,
)


class EntryInvalidTransition(InvalidTransition):
    """The ledger entry's state machine refused the move (see ``choices.TRANSITIONS``)."""

    code = "ledger_entry.invalid_transition"


class EntryDuplicate(DomainError):
    """The person already has an open entry in this category."""

    code = "ledger_entry.duplicate"
    status = 409
    default_message = "This person is already in the ledger in this category."


class EntryInvalid(ValidationFailed):
    """A field of a ledger entry is not acceptable (unknown category, a grid that is no grid …)."""

    code = "ledger_entry.invalid"


class ScreeningForbidden(PermissionDenied):
    """The actor's role or area does not allow this write."""

    code = "screening.forbidden"
    default_message = "Your role or area does not allow this."


class ReportNotZero(DomainError):
    """A zero report was asked for a day on which the ledger has new registrations."""

    code = "daily_report.not_zero"
    status = 409
    default_message = "There are new registrations on this day; submit the figures instead."


class ReportInvalid(ValidationFailed):
    """A daily report for a day in the future, or for a jurisdiction that is not a grid."""

    code = "daily_report.invalid"


class ImportRejected(ValidationFailed):
    """The file cannot be read at all (wrong format, missing columns, too many rows)."""

    code = "import.invalid_file"
