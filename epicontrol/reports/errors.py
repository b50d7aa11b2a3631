"""Refusals of the reports app, each with a stable code and a translated message."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext, gettext_noop

from epicontrol.core.errors import DomainError, PermissionDenied, ValidationFailed


class _Translated(DomainError):
    """Translates ``default_message`` when raised (marked with gettext_noop below)."""

    def __init__(self, message: str | None = None, **kwargs: Any) -> None:
        super().__init__(message or gettext(self.default_message), **kwargs)


class ImportInvalid(_Translated, ValidationFailed):
    """A daily series file has row errors; nothing was written (all-or-nothing)."""

    code = "daily_report.import_invalid"
    default_message = gettext_noop("The file has errors; nothing was imported.")

    def __init__(self, *, errors: list[dict[str, Any]], rows: int, message: str | None = None):
        super().__init__(message, errors=errors, rows=rows)
        self.errors = errors
        self.rows = rows


class ReportOutOfScope(_Translated):
    code = "daily_report.out_of_scope"
    status = 403
    default_message = gettext_noop("This jurisdiction is outside your area.")


class ReportForbidden(_Translated, PermissionDenied):
    code = "daily_report.forbidden"
    default_message = gettext_noop("Your role may not file daily reports.")


class InvalidFigure(_Translated, ValidationFailed):
    code = "daily_report.invalid_value"
    default_message = gettext_noop("Figures must be whole numbers of zero or more.")


class InvalidDate(_Translated, ValidationFailed):
    code = "daily_report.invalid_date"
    default_message = gettext_noop("The date is in the future.")


class NoLineList(_Translated):
    code = "daily_report.no_line_list"
    status = 404
    default_message = gettext_noop("There is no line list for this area and date.")


class ConcurrentWrite(_Translated):
    code = "daily_report.conflict"
    status = 409
    default_message = gettext_noop(
        "Someone else saved a report for the same unit and date at the same time; try again."
    )


class InvalidRange(_Translated, ValidationFailed):
    code = "reconciliation.invalid_range"
    default_message = gettext_noop("The date range is not valid.")


class InvalidPopulation(_Translated, ValidationFailed):
    code = "population.invalid"
    default_message = gettext_noop("The population must be a whole number greater than zero.")


class RateDefinitionInvalid(_Translated):
    code = "rates.invalid_definition"
    status = 500
    default_message = gettext_noop("The rate definitions of this policy version are not valid.")
