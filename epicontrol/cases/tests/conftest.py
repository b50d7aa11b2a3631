from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture
def lusong(division: Any) -> Any:
    return division("430203")


@pytest.fixture
def hetang(division: Any) -> Any:
    return division("430202")


@pytest.fixture
def second_hospital(db: Any, division: Any) -> Any:
    from epicontrol.jurisdictions.models import Unit

    return Unit.objects.create(
        kind="designated_hospital",
        name="荷塘区定点医院",
        jurisdiction=division("430202"),
        capacity=50,
    )
