"""Resident ID (GB 11643), phone and field validation, through the services and the API."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from epicontrol.core.identity import InvalidIdNumber, InvalidPhone, id_check_char
from epicontrol.people.identity import ADDRESS_CODE_UNKNOWN, AddressCodes, parse_document, phone_key
from epicontrol.people.models import Person

pytestmark = pytest.mark.django_db

VALID = [
    ("11010519491231002X", dt.date(1949, 12, 31), "female"),
    ("440524188001010014", dt.date(1880, 1, 1), "male"),
    ("34052419800101001X", dt.date(1980, 1, 1), "male"),
    ("370101190102039973", dt.date(1901, 2, 3), "male"),
]


def with_check(first17: str) -> str:
    return first17 + id_check_char(first17)


FUTURE = with_check(f"430203{dt.date.today().year + 1}0101001")
INVALID = [
    ("110105194912310021", "checksum"),  # the right check character is X
    (with_check("43020319900231001"), "birth_date"),  # 31 February
    (FUTURE, "birth_date"),
    (with_check("99010519900101001"), "address_code"),  # no province 99
    ("1101051949123100", "format"),
    ("11010519491231002Y", "format"),
]


def create(client: Any, **fields: Any) -> Any:
    payload = {"name": "王五", "id_type": "resident_id", "jurisdiction": "430203001", **fields}
    return client.post("/api/v1/people", payload, content_type="application/json")


@pytest.mark.parametrize(("number", "birth", "sex"), VALID)
def test_valid_vectors_service(number: str, birth: dt.date, sex: str) -> None:
    doc = parse_document("resident_id", number, address_codes=AddressCodes())
    assert (doc.number, doc.birth_date, doc.sex) == (number, birth, sex)


@pytest.mark.parametrize(("number", "birth", "sex"), VALID)
def test_valid_vectors_api(
    api_client_for: Any, county_officer: Any, number: str, birth: dt.date, sex: str
) -> None:
    r = create(api_client_for(county_officer), id_number=number.lower(), phone="13912345678")
    assert r.status_code == 201, r.json()
    body = r.json()
    assert body["birth_date"] == birth.isoformat() and body["sex"] == sex
    assert body["id_number"] == number[:3] + "*" * 11 + number[-4:]


@pytest.mark.parametrize(("number", "reason"), INVALID)
def test_invalid_vectors_service(number: str, reason: str) -> None:
    with pytest.raises(InvalidIdNumber) as exc:
        parse_document("resident_id", number, address_codes=AddressCodes())
    assert exc.value.code == "person.invalid_id_number"
    assert exc.value.details["reason"] == reason


@pytest.mark.parametrize(("number", "reason"), INVALID)
def test_invalid_vectors_api(
    api_client_for: Any, county_officer: Any, number: str, reason: str
) -> None:
    r = create(api_client_for(county_officer), id_number=number)
    assert r.status_code == 422
    assert r.json()["code"] == "person.invalid_id_number"
    assert r.json()["details"] == {"field": "id_number", "reason": reason}
    assert not Person.objects.exists()


def test_unknown_address_code_is_a_warning(api_client_for: Any, county_officer: Any) -> None:
    number = with_check("43999919850601001")  # 439999 is in no division table
    r = create(api_client_for(county_officer), id_number=number)
    assert r.status_code == 201
    assert r.json()["warnings"] == [ADDRESS_CODE_UNKNOWN]


def test_retired_county_code_is_known(api_client_for: Any, county_officer: Any) -> None:
    number = with_check("43012419850601001")  # 430124 宁乡县, retired in 2017, kept as history
    r = create(api_client_for(county_officer), id_number=number)
    assert r.status_code == 201
    assert r.json()["warnings"] == []


@pytest.mark.parametrize(
    "raw",
    ["+86 139 1234 5678", "86 13912345678", "8613912345678", "139-1234-5678", "0086 139 1234 5678"],
)
def test_phone_normalisation(api_client_for: Any, county_officer: Any, raw: str) -> None:
    assert phone_key(raw).e164 == "+8613912345678"  # type: ignore[union-attr]
    client = api_client_for(county_officer)
    r = create(client, id_number="11010519491231002X", phone=raw)
    assert r.status_code == 201 and r.json()["phone"] == "139****5678"
    found = client.get("/api/v1/people", {"phone": "13912345678"}).json()
    assert [p["id"] for p in found["items"]] == [r.json()["id"]]


@pytest.mark.parametrize(
    "raw", ["12345678901", "1391234567", "139123456789", "abc", "+1 139 1234 5678"]
)
def test_bad_phones(api_client_for: Any, county_officer: Any, raw: str) -> None:
    with pytest.raises(InvalidPhone):
        phone_key(raw)
    r = create(api_client_for(county_officer), id_number="11010519491231002X", phone=raw)
    assert r.status_code == 422
    assert r.json()["code"] == "person.invalid_phone"


@pytest.mark.parametrize(
    ("fields", "status", "code"),
    [
        ({"name": "  ", "id_number": "11010519491231002X"}, 422, "person.name_required"),
        (
            {"jurisdiction": "999999", "id_number": "11010519491231002X"},
            422,
            "person.invalid_jurisdiction",
        ),
        (
            {"jurisdiction": "430202", "id_number": "11010519491231002X"},
            403,
            "person.jurisdiction_out_of_scope",
        ),
        ({"id_type": "driving_licence", "id_number": "11010519491231002X"}, 422, "request.invalid"),
        ({"id_type": "passport", "id_number": "bad!"}, 422, "person.invalid_id_number"),
        ({"id_number": ""}, 422, "person.id_number_required"),
        ({"id_number": "11010519491231002X", "notes": "x" * 2001}, 422, "request.invalid"),
    ],
)
def test_field_errors(
    api_client_for: Any, county_officer: Any, fields: dict[str, Any], status: int, code: str
) -> None:
    r = create(api_client_for(county_officer), **fields)
    assert r.status_code == status, r.json()
    assert r.json()["code"] == code


def test_other_documents(api_client_for: Any, county_officer: Any) -> None:
    r = create(api_client_for(county_officer), id_type="passport", id_number="e1234567 8")
    assert r.status_code == 201
    assert r.json()["id_number"] == "E12**5678"
    assert r.json()["birth_date"] is None and r.json()["sex"] == "unknown"
