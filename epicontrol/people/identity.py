"""Turning raw document and phone input into what a Person stores (hash, ciphertext, mask)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from epicontrol.core.identity import InvalidIdNumber, normalise_id_number, normalise_mobile, parse_resident_id
from epicontrol.core.masking import mask_id_number, mask_phone
from epicontrol.core.pii import pii_encrypt, pii_hash
from epicontrol.jurisdictions.models import Jurisdiction

from .choices import IdType, Sex

_OTHER_DOC = re.compile(r"^[A-Z0-9]{5,20}$")


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
                Jurisdiction.objects.filter(level__in=["province", "city", "county"]).values_list("code", flat=True)
            )
        # An empty table (tests without divisions) cannot judge: accept.
        return not self._codes or code in self._codes


def document_hash(id_type: str, number: str) -> str:
    return pii_hash(f"{id_type}:{number}")


def phone_hash(phone_e164: str) -> str:
    return pii_hash(f"phone:{phone_e164}")


def parse_document(id_type: str, raw: str, *, address_codes: AddressCodes | None = None,
                   today: dt.date | None = None) -> Document:
    """Validate a document number of the given type.

    Raises InvalidIdNumber ("person.invalid_id_number") for a bad number and
    ("person.invalid_id_type") for an unknown type.
    """
    if id_type not in IdType.values:
        raise InvalidIdNumber("Unknown ID type.", code="person.invalid_id_type", field="id_type",
                              allowed=list(IdType.values))
    number = normalise_id_number(raw or "")
    if id_type == IdType.RESIDENT_ID:
        rid = parse_resident_id(number, today=today, address_code_known=address_codes or AddressCodes())
        return Document(id_type, rid.number, document_hash(id_type, rid.number), rid.birth_date, rid.sex,
                        rid.warnings)
    if not _OTHER_DOC.match(number):
        raise InvalidIdNumber("A document number has 5–20 letters or digits.", field="id_number",
                              reason="format")
    return Document(id_type, number, document_hash(id_type, number), None, Sex.UNKNOWN, ())


@dataclass(frozen=True)
class Phone:
    e164: str
    hash: str
    enc: str
    masked: str


def parse_phone(raw: str) -> Phone | None:
    """None for an empty phone; raises InvalidPhone ("person.invalid_phone")."""
    if not (raw or "").strip():
        return None
    e164 = normalise_mobile(raw)
    return Phone(e164, phone_hash(e164), pii_encrypt(e164), mask_phone(e164))


def encrypted_document(doc: Document) -> tuple[str, str]:
    return pii_encrypt(doc.number), mask_id_number(doc.number)
