"""Refusals of the people registry, each with a stable code (see docs/glossary.md)."""

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


class ImportRefused(DomainError):
    """A file that cannot be imported at all (type, size, columns); row errors are data."""

    code = "import.invalid_file"
    status = 422
    default_message = "The file cannot be imported."


class ImportConflict(DomainError):
    """Another import or registration created the same document while this one ran."""

    code = "import.conflict"
    status = 409
    default_message = "Another registration of the same person happened meanwhile; try again."


class ExportRefused(DomainError):
    code = "export.forbidden"
    status = 403
    default_message = "Your role may not export full personal data."


__all__ = [
    "CandidatesFound",
    "DuplicatePerson",
    "ExportRefused",
    "ImportConflict",
    "ImportRefused",
    "InvalidIdNumber",
    "InvalidPersonField",
    "InvalidPhone",
    "MergeRefused",
]
