"""Resident ID numbers (GB 11643-1999) and mainland mobile numbers.

The validators return a result object instead of raising, because an ID can be valid with a
*warning*: an address code missing from today's division data may be a county retired after
the ID was issued (430124 宁乡县), which is still a valid ID (domain-rules §7.4).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from .errors import ValidationFailed

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"
# GB/T 2260 province codes (first two digits), incl. 71 Taiwan, 81 Hong Kong, 82 Macau.
PROVINCE_PREFIXES = frozenset(
    {
        "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36",
        "37", "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62",
        "63", "64", "65", "71", "81", "82",
    }
)  # fmt: skip
_ID_RE = re.compile(r"^\d{17}[\dX]$")
_MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")


class InvalidIdNumber(ValidationFailed):
    code = "person.invalid_id_number"
    default_message = "The ID number is not a valid resident ID number."


class InvalidPhone(ValidationFailed):
    code = "person.invalid_phone"
    default_message = "The phone number is not a valid mainland mobile number."


def id_check_char(first17: str) -> str:
    """The ISO 7064 MOD 11-2 check character for the first 17 digits."""
    return CHECK_CHARS[sum(int(c) * w for c, w in zip(first17, WEIGHTS, strict=True)) % 11]


@dataclass(frozen=True)
class ResidentId:
    """A validated resident ID number and what it says about its holder."""

    number: str
    birth_date: dt.date
    sex: str  # "male" | "female"
    address_code: str
    warnings: tuple[str, ...] = field(default=())


def normalise_id_number(raw: str) -> str:
    return raw.strip().replace(" ", "").upper()


def parse_resident_id(
    raw: str,
    *,
    today: dt.date | None = None,
    address_code_known: Callable[[str], bool] | None = None,
) -> ResidentId:
    """Validate an 18-character resident ID number.

    Checks the format, the check character, a real birth date not in the future and a real
    province prefix. When ``address_code_known`` is given and says the 6-digit address code is
    unknown, the ID is still accepted with the warning ``person.id_address_code_unknown``.

    Raises InvalidIdNumber ("person.invalid_id_number") with ``reason`` in the details.
    """
    number = normalise_id_number(raw)
    if not _ID_RE.match(number):
        raise InvalidIdNumber(
            "A resident ID number has 17 digits and a check character (digit or X).",
            field="id_number",
            reason="format",
        )
    if id_check_char(number[:17]) != number[17]:
        raise InvalidIdNumber(
            "The check character of the ID number is wrong.", field="id_number", reason="checksum"
        )
    try:
        birth = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise InvalidIdNumber(
            "The birth date in the ID number does not exist.",
            field="id_number",
            reason="birth_date",
        ) from None
    today = today or dt.date.today()  # noqa: DTZ011  (a date, compared with a date)
    if birth > today or birth.year < 1880:
        raise InvalidIdNumber(
            "The birth date in the ID number is not plausible.",
            field="id_number",
            reason="birth_date",
        )
    address = number[:6]
    if address[:2] not in PROVINCE_PREFIXES:
        raise InvalidIdNumber(
            "The ID number does not start with a province code.",
            field="id_number",
            reason="address_code",
        )
    warnings: tuple[str, ...] = ()
    if address_code_known is not None and not address_code_known(address):
        warnings = ("person.id_address_code_unknown",)
    sex = "male" if int(number[16]) % 2 == 1 else "female"
    return ResidentId(
        number=number, birth_date=birth, sex=sex, address_code=address, warnings=warnings
    )


def normalise_mobile(raw: str) -> str:
    """Normalise a mainland mobile number to E.164 (``+8613812345678``).

    Accepts spaces, dashes, and a ``+86``/``86``/``0086`` prefix. New prefixes are issued, so
    any ``1[3-9]`` number of 11 digits is accepted (domain-rules §7.5).

    Raises InvalidPhone ("person.invalid_phone").
    """
    digits = re.sub(r"[\s\-()]", "", raw or "")
    if digits.startswith("+86"):
        digits = digits[3:]
    elif digits.startswith("0086"):
        digits = digits[4:]
    elif digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    if not _MOBILE_RE.match(digits):
        raise InvalidPhone(
            "A mainland mobile number has 11 digits and starts with 13–19.", field="phone"
        )
    return "+86" + digits
