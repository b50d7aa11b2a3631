"""Translated messages for refusals raised by other modules (people, core identity).

Their messages are English defaults; pages and import reports show these instead, chosen by the
stable code (and ``reason`` where the code has several causes).
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from epicontrol.core.errors import DomainError


def describe(exc: DomainError) -> str:
    """The message to show a user for ``exc``, in the active language."""
    reason = exc.details.get("reason")
    if exc.code == "person.invalid_id_number":
        return {
            "checksum": _("The check character of the ID number is wrong."),
            "birth_date": _("The birth date in the ID number is not valid."),
            "address_code": _("The ID number does not start with a province code."),
        }.get(
            str(reason),
            _(
                "The document number has a wrong format (a resident ID number has 17 digits "
                "and a check character)."
            ),
        )
    messages = {
        "person.invalid_id_type": _("Unknown document type."),
        "person.invalid_phone": _("A mainland mobile number has 11 digits and starts with 13–19."),
        "person.name_required": pgettext("person", "A name is required."),
        "person.invalid_field": _("The name is too long."),
        "person.duplicate": _("A person with this document is already registered."),
        "person.possible_duplicates": _(
            "Possible duplicates found; pick one of them or confirm a new person."
        ),
        "person.jurisdiction_out_of_scope": _("The address is outside your area."),
        "not_found": _("Not found."),
        "permission_denied": _("You may not do this."),
    }
    return messages.get(exc.code, exc.message)
