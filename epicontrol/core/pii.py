"""Storage of ID numbers and phones: keyed hash for exact lookup, encryption at rest.

The hash (HMAC-SHA256 with ``settings.PII_KEY``) lets "find by ID number" be an indexed equality
match without the number being readable in the database; the Fernet ciphertext lets an allowed
role see the full value (an audited view). Lists use the precomputed masked form and never decrypt.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from functools import lru_cache

from cryptography.fernet import Fernet
from django.conf import settings


@lru_cache(maxsize=4)
def _keys(secret: str) -> tuple[bytes, Fernet]:
    mac_key = hashlib.sha256(b"epicontrol-pii-mac:" + secret.encode()).digest()
    enc_key = base64.urlsafe_b64encode(
        hashlib.sha256(b"epicontrol-pii-enc:" + secret.encode()).digest()
    )
    return mac_key, Fernet(enc_key)


def pii_hash(value: str) -> str:
    """Keyed hash of a normalised value, hex; equal inputs give equal hashes."""
    mac_key, _ = _keys(settings.PII_KEY)
    return hmac.new(mac_key, value.encode(), hashlib.sha256).hexdigest()


def pii_encrypt(value: str) -> str:
    _, fernet = _keys(settings.PII_KEY)
    return fernet.encrypt(value.encode()).decode()


def pii_decrypt(token: str) -> str:
    _, fernet = _keys(settings.PII_KEY)
    return fernet.decrypt(token.encode()).decode()
