"""Masking of personal data for display: lists, exports, templates and the API."""

from __future__ import annotations


def mask_id_number(value: str | None) -> str:
    """``430102199001011234`` → ``430***********1234``: the region and the last four stay."""
    if not value:
        return ""
    if len(value) <= 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def mask_phone(value: str | None) -> str:
    """``+8613812345678`` or ``13812345678`` → ``138****5678``."""
    if not value:
        return ""
    digits = value[3:] if value.startswith("+86") else value
    if len(digits) < 7:
        return "*" * len(digits)
    return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]


def mask_name(value: str | None) -> str:
    """``张三丰`` → ``张**``; used where even names must not show (public bulletins)."""
    if not value:
        return ""
    return value[0] + "*" * (len(value) - 1)


def mask_address(value: str | None, keep: int = 6) -> str:
    if not value:
        return ""
    return value[:keep] + ("***" if len(value) > keep else "")
