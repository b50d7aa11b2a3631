"""Fixtures of the reports tests: the real Hunan series and small crafted series."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

DATA = Path(__file__).resolve().parent.parent / "data"
HEADER = (
    "date,country,countryCode,province,provinceCode,city,cityCode,confirmed,suspected,cured,dead"
)


@pytest.fixture(autouse=True)
def _rate_definitions(db: Any) -> None:
    # Transactional tests (the browser test) flush the tables the data migration seeded.
    from epicontrol.reports.rates import seed_rate_definitions

    seed_rate_definitions()


@pytest.fixture(scope="session")
def hunan_csv() -> bytes:
    return (DATA / "covid2020_hunan_daily.csv").read_bytes()


@pytest.fixture
def csv_file() -> Callable[..., bytes]:
    """Build a file in the Hunan format from short rows.

    Each row is ``(date, city, cityCode, confirmed, suspected, cured, dead)``; province 湖南省.
    """

    def build(*rows: tuple[Any, ...], header: str = HEADER) -> bytes:
        lines = [header]
        for row in rows:
            day, city, code, *values = row
            cells = [str(day), "中国", "CN", "湖南省", "430000", city, code, *map(str, values)]
            lines.append(",".join(cells))
        return ("\n".join(lines) + "\n").encode("utf-8")

    return build


@pytest.fixture
def imported_hunan(db: Any, province_officer: Any, hunan_csv: bytes) -> Any:
    """The whole Hunan file imported by the provincial officer (about a second)."""
    from epicontrol.reports.services import daily_report_import

    return daily_report_import(actor=province_officer, file_name="hunan.csv", content=hunan_csv)


@pytest.fixture
def populations(db: Any, province_officer: Any) -> int:
    from epicontrol.reports.services import population_load

    return population_load(actor=province_officer)
