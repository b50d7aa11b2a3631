from __future__ import annotations

import datetime as dt

import pytest

from epicontrol.core.identity import (
    InvalidIdNumber,
    InvalidPhone,
    id_check_char,
    normalise_mobile,
    parse_resident_id,
)

VALID = ["11010519491231002X", "440524188001010014", "34052419800101001X", "370101190102039973"]


@pytest.mark.parametrize("number", VALID)
def test_gb11643_vectors_are_valid(number: str) -> None:
    rid = parse_resident_id(number, today=dt.date(2020, 2, 1))
    assert rid.number == number
    assert rid.warnings == ()


def test_birth_date_and_sex_are_derived() -> None:
    rid = parse_resident_id("11010519491231002X", today=dt.date(2020, 2, 1))
    assert rid.birth_date == dt.date(1949, 12, 31)
    assert rid.sex == "female"  # sequence 002: even
    assert parse_resident_id("440524188001010014").sex == "male"  # 001: odd


def test_lowercase_x_and_spaces_are_normalised() -> None:
    assert parse_resident_id(" 11010519491231002x ").number == "11010519491231002X"


def test_check_char_matches_the_iso7064_table() -> None:
    assert id_check_char("11010519491231002") == "X"
    assert id_check_char("44052418800101001") == "4"


@pytest.mark.parametrize(
    ("number", "reason"),
    [
        ("11010519491231002", "format"),
        ("1101051949123100211", "format"),
        ("11010519491231002A", "format"),
        ("110105194912310021", "checksum"),
        ("99010519491231002X", "checksum"),
    ],
)
def test_malformed_numbers_are_refused_with_a_reason(number: str, reason: str) -> None:
    with pytest.raises(InvalidIdNumber) as exc:
        parse_resident_id(number)
    assert exc.value.code == "person.invalid_id_number"
    assert exc.value.details["reason"] == reason
    assert exc.value.field == "id_number"


def _with_check(first17: str) -> str:
    return first17 + id_check_char(first17)


def test_impossible_birth_date_is_refused() -> None:
    with pytest.raises(InvalidIdNumber) as exc:
        parse_resident_id(_with_check("43010220200231001"))  # 31 February
    assert exc.value.details["reason"] == "birth_date"


def test_future_birth_date_is_refused() -> None:
    number = _with_check("43010220300101001")
    with pytest.raises(InvalidIdNumber) as exc:
        parse_resident_id(number, today=dt.date(2026, 1, 1))
    assert exc.value.details["reason"] == "birth_date"


def test_unknown_province_prefix_is_refused() -> None:
    with pytest.raises(InvalidIdNumber) as exc:
        parse_resident_id(_with_check("99010219800101001"))
    assert exc.value.details["reason"] == "address_code"


def test_retired_or_unknown_address_code_is_a_warning_not_a_refusal() -> None:
    number = _with_check("43999919800101001")
    rid = parse_resident_id(number, address_code_known=lambda code: code != "439999")
    assert rid.warnings == ("person.id_address_code_unknown",)
    assert rid.address_code == "439999"


@pytest.mark.parametrize(
    "raw",
    [
        "13812345678",
        "+8613812345678",
        "8613812345678",
        "008613812345678",
        "138 1234 5678",
        "138-1234-5678",
    ],
)
def test_mobile_numbers_normalise_to_e164(raw: str) -> None:
    assert normalise_mobile(raw) == "+8613812345678"


@pytest.mark.parametrize(
    "raw", ["", "1381234567", "12812345678", "23812345678", "138123456789", "abc"]
)
def test_bad_mobile_numbers_are_refused(raw: str) -> None:
    with pytest.raises(InvalidPhone) as exc:
        normalise_mobile(raw)
    assert exc.value.code == "person.invalid_phone"
