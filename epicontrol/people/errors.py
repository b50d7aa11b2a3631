from __future__ import annotations

from epicontrol.core.errors import DomainError, ValidationFailed
from epicontrol.core.identity import InvalidIdNumber, InvalidPhone


class DuplicatePerson(DomainError):
    """An exact match on the identity document: the person is already registered."""

    code = "person.duplicate"
    status = 409
    default_message = "A person with this ID document is already registered."


class CandidatesFound(DomainError):
    """Possible duplicates (same name + phone or name + birth date); confirm to create anyway."""

    code = "person.possible_duplicates"
    status = 409
    default_message = "Possible duplicates found; check them or confirm to create a new person."


class InvalidPersonField(ValidationFailed):
    code = "person.invalid_field"


class MergeRefused(DomainError):
    code = "person.merge_refused"
    status = 409
    default_message = "These records cannot be merged."


__all__ = [
    "CandidatesFound",
    "DuplicatePerson",
    "InvalidIdNumber",
    "InvalidPersonField",
    "InvalidPhone",
    "MergeRefused",
]
