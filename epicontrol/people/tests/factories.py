"""Builders for persons with valid, unique resident ID numbers."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from epicontrol.core.identity import id_check_char

_seq = itertools.count(1)


def resident_id(
    address: str = "430203", birth: dt.date = dt.date(1985, 6, 1), seq: int | None = None
) -> str:
    """A valid 18-digit resident ID for the address code and birth date."""
    n = next(_seq) if seq is None else seq
    first17 = f"{address}{birth:%Y%m%d}{n % 1000:03d}"
    return first17 + id_check_char(first17)


def mobile(n: int | None = None) -> str:
    n = next(_seq) if n is None else n
    return f"139{n % 100_000_000:08d}"


def make_person(*, actor: Any, jurisdiction: Any, name: str = "张三", **kwargs: Any) -> Any:
    from epicontrol.people.services import person_create, person_input

    birth = kwargs.pop("birth", dt.date(1985, 6, 1))
    data = person_input(
        actor=actor,
        name=name,
        id_type=kwargs.pop("id_type", "resident_id"),
        id_number=kwargs.pop("id_number", None) or resident_id(birth=birth, seq=next(_seq)),
        phone=kwargs.pop("phone", None) or mobile(),
        jurisdiction=jurisdiction,
        **kwargs,
    )
    return person_create(actor=actor, data=data, allow_candidates=True)
