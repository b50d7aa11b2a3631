"""Turning raw document and phone input into what a Person stores (hash, ciphertext, mask).

Validation messages are translated here (core's validators raise English text with a stable
``reason``), so forms, the API and import row errors all speak the user's language.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from epicontrol.core.identity import (
    InvalidIdNumber,
    InvalidPhone,
    normalise_id_number,
    normalise_mobile,
    parse_resident_id,
)
from epicontrol.core.masking import mask_id_number, mask_phone
from epicontrol.core.pii import pii_encrypt, pii_hash
from epicontrol.jurisdictions.models import Jurisdiction

from .choices import IdType, Sex

_OTHER_DOC = re.compile(r"^[A-Z0-9]{5,20}$")
ID_TYPES = frozenset(IdType.values)  # Enum.values builds a new list on every call

ADDRESS_CODE_UNKNOWN = "person.id_address_code_unknown"


def _id_reason_message(reason: str | None) -> str:
    messages = {
        "format": _("A resident ID number has 17 digits and a check character (digit or X)."),
        "checksum": _("The check character of the ID number is wrong."),
        "birth_date": _("The birth date in the ID number is not a real date or is in the future."),
        "address_code": _("The ID number does not start with a province code."),
    }
    return messages.get(reason or "", _("The ID number is not a valid resident ID number."))


def warning_message(code: str) -> str:
    """The text shown to the user for a warning code stored in ``Person.id_warnings``."""
    if code == ADDRESS_CODE_UNKNOWN:
        return _(
            "The address code (first six digits) of the ID number is not in the division table. "
            "It may belong to a county that was merged or renamed; please check the number."
        )
    return code


@dataclass(frozen=True)
class Document:
    id_type: str
    number: str
    hash: str
    birth_date: dt.date | None
    sex: str
    warnings: tuple[str, ...]


class AddressCodes:
    """Known county codes (current and retired), loaded once per import or request."""

    def __init__(self) -> None:
        self._codes: set[str] | None = None

    def __call__(self, code: str) -> bool:
        if self._codes is None:
            self._codes = set(
                Jurisdiction.objects.filter(level__in=["province", "city", "county"]).values_list(
                    "code", flat=True
                )
            )
        # An empty table (tests without divisions) cannot judge: accept.
        return not self._codes or code in self._codes


def document_hash(id_type: str, number: str) -> str:
    return pii_hash(f"{id_type}:{number}")


def phone_hash(phone_e164: str) -> str:
    return pii_hash(f"phone:{phone_e164}")


def parse_document(
    id_type: str,
    raw: str,
    *,
    address_codes: AddressCodes | None = None,
    today: dt.date | None = None,
) -> Document:
    """Validate a document number of the given type.

    Raises InvalidIdNumber ("person.invalid_id_number", ``reason`` in the details) for a bad
    number and ("person.invalid_id_type") for an unknown type.
    """
    if id_type not in ID_TYPES:
        raise InvalidIdNumber(
            _("Unknown ID type."),
            code="person.invalid_id_type",
            field="id_type",
            allowed=list(IdType.values),
        )
    number = normalise_id_number(raw or "")
    if not number:
        raise InvalidIdNumber(
            _("An ID number is required."),
            code="person.id_number_required",
            field="id_number",
            reason="required",
        )
    if id_type == IdType.RESIDENT_ID:
        try:
            rid = parse_resident_id(
                number, today=today, address_code_known=address_codes or AddressCodes()
            )
        except InvalidIdNumber as exc:
            reason = exc.details.get("reason")
            raise InvalidIdNumber(
                _id_reason_message(reason), field="id_number", reason=reason
            ) from None
        return Document(
            id_type,
            rid.number,
            document_hash(id_type, rid.number),
            rid.birth_date,
            rid.sex,
            rid.warnings,
        )
    if not _OTHER_DOC.match(number):
        raise InvalidIdNumber(
            _("A document number has 5–20 letters or digits."), field="id_number", reason="format"
        )
    return Document(id_type, number, document_hash(id_type, number), None, Sex.UNKNOWN, ())


@dataclass(frozen=True)
class PhoneKey:
    """A validated phone without its ciphertext: enough to compare and de-duplicate."""

    e164: str
    hash: str
    masked: str


@dataclass(frozen=True)
class Phone:
    e164: str
    hash: str
    enc: str
    masked: str


def phone_key(raw: str) -> PhoneKey | None:
    """None for an empty phone; raises InvalidPhone ("person.invalid_phone")."""
    if not (raw or "").strip():
        return None
    try:
        e164 = normalise_mobile(raw)
    except InvalidPhone:
        raise InvalidPhone(
            _("A mainland mobile number has 11 digits and starts with 13–19."), field="phone"
        ) from None
    return PhoneKey(e164, phone_hash(e164), mask_phone(e164))


def parse_phone(raw: str) -> Phone | None:
    """None for an empty phone; raises InvalidPhone ("person.invalid_phone")."""
    key = phone_key(raw)
    if key is None:
        return None
    return Phone(key.e164, key.hash, pii_encrypt(key.e164), key.masked)


def encrypted_document(doc: Document) -> tuple[str, str]:
    return pii_encrypt(doc.number), mask_id_number(doc.number)
