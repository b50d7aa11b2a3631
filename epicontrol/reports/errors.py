"""Refusals of the reports app, each with a stable code."""

from __future__ import annotations

from typing import Any

from epicontrol.core.errors import DomainError, PermissionDenied, ValidationFailed


class ImportInvalid(ValidationFailed):
    """A daily series file has row errors; nothing was written (all-or-nothing)."""

    code = "daily_report.import_invalid"
    default_message = "The file has errors; nothing was imported."

    def __init__(self, *, errors: list[dict[str, Any]], rows: int, message: str | None = None):
        super().__init__(message, errors=errors, rows=rows)
        self.errors = errors
        self.rows = rows


class ReportOutOfScope(DomainError):
    code = "daily_report.out_of_scope"
    status = 403
    default_message = "This jurisdiction is outside your area."


class ReportForbidden(PermissionDenied):
    code = "daily_report.forbidden"
    default_message = "Your role may not file daily reports."


class InvalidFigure(ValidationFailed):
    code = "daily_report.invalid_value"
    default_message = "Figures must be whole numbers of zero or more."


class InvalidDate(ValidationFailed):
    code = "daily_report.invalid_date"
    default_message = "The date is not valid."


class InvalidRange(ValidationFailed):
    code = "reconciliation.invalid_range"
    default_message = "The date range is not valid."


class InvalidPopulation(ValidationFailed):
    code = "population.invalid"
    default_message = "The population must be a whole number greater than zero."


class RateDefinitionInvalid(DomainError):
    code = "rates.invalid_definition"
    status = 500
    default_message = "The rate definitions of this policy version are not valid."
