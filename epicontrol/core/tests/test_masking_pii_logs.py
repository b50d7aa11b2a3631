from __future__ import annotations

import logging

import pytest

from epicontrol.core.logfilters import RedactPiiFilter, redact
from epicontrol.core.masking import mask_id_number, mask_name, mask_phone
from epicontrol.core.pii import pii_decrypt, pii_encrypt, pii_hash


def test_id_number_mask_keeps_region_and_last_four() -> None:
    assert mask_id_number("430102199001011234") == "430***********1234"
    assert mask_id_number("") == ""


def test_phone_mask_hides_the_middle() -> None:
    assert mask_phone("+8613812345678") == "138****5678"
    assert mask_phone("13812345678") == "138****5678"


def test_name_mask() -> None:
    assert mask_name("张三丰") == "张**"


def test_pii_hash_is_keyed_and_stable(settings: pytest.FixtureRequest) -> None:
    a = pii_hash("430102199001011234")
    assert a == pii_hash("430102199001011234")
    assert "430102199001011234" not in a
    settings.PII_KEY = "another-key-0123456789abcdef0123456789"  # type: ignore[attr-defined]
    assert pii_hash("430102199001011234") != a


def test_pii_encryption_round_trips_and_hides_the_value() -> None:
    token = pii_encrypt("+8613812345678")
    assert "13812345678" not in token
    assert pii_decrypt(token) == "+8613812345678"


def test_redaction_of_id_numbers_and_phones_in_text() -> None:
    text = "person 11010519491231002X phone +8613812345678 or 13812345678 id 42"
    out = redact(text)
    assert "11010519491231002X" not in out
    assert "13812345678" not in out
    assert "id 42" in out


def test_log_filter_redacts_formatted_arguments() -> None:
    record = logging.LogRecord(
        "x", logging.INFO, __file__, 1, "got %s", ("440524188001010014",), None
    )
    RedactPiiFilter().filter(record)
    assert "440524188001010014" not in record.getMessage()
