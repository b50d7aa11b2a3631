from __future__ import annotations

from epicontrol.core.errors import DomainError, ValidationFailed


class InvalidParent(ValidationFailed):
    code = "jurisdiction.invalid_parent"
    default_message = "A community is created under a township, a grid under a community."


class OutOfScope(DomainError):
    code = "jurisdiction.out_of_scope"
    status = 403
    default_message = "This jurisdiction is outside your area."


class InvalidLevel(ValidationFailed):
    code = "jurisdiction.invalid_level"
    default_message = "Unknown level."


class DuplicateName(ValidationFailed):
    code = "jurisdiction.duplicate_name"
    default_message = "A unit with this name already exists here."
