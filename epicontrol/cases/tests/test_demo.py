"""The demo line list adds up to the published Hunan series, day by day."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from epicontrol.cases import demo
from epicontrol.cases.models import Case
from epicontrol.cases.selectors import line_list_daily


@pytest.fixture
def seeded(db: Any) -> str:
    from epicontrol.demo.personas import seed_personas

    context = seed_personas()
    first = demo.seed(context)
    assert demo.seed(context).count(" 0") == len(demo.CITIES)  # idempotent
    return first


def test_demo_line_list_equals_the_csv_every_day(seeded: str) -> None:
    for code in demo.CITIES:
        series = demo.city_series(code)
        root = f"430000/{code}/"
        daily = line_list_daily(root_path=root, start=demo.START, end=demo.END)
        for day, (confirmed, cured, dead) in series.items():
            total = {
                k: sum(by_day[day][k] for by_day in daily.values())
                for k in (
                    "confirmed_cumulative",
                    "cured_cumulative",
                    "dead_cumulative",
                    "suspected_current",
                )
            }
            assert (
                total["confirmed_cumulative"],
                total["cured_cumulative"],
                total["dead_cumulative"],
            ) == (confirmed, cured, dead), (code, day)
            assert total["suspected_current"] == 0  # the series reports no suspected cases
    # 张家界市 on 2020-02-15 (seed 002: "5 confirmed, 4 discharged, cure rate 80%").
    daily = line_list_daily(
        root_path="430000/430800/", start=dt.date(2020, 2, 15), end=dt.date(2020, 2, 15)
    )
    confirmed = sum(d[dt.date(2020, 2, 15)]["confirmed_cumulative"] for d in daily.values())
    cured = sum(d[dt.date(2020, 2, 15)]["cured_cumulative"] for d in daily.values())
    assert (confirmed, cured) == (5, 4)  # cure rate 80%
    cases = Case.objects.filter(jurisdiction__path__startswith="430000/430800/")
    assert {c.facility.name for c in cases} == {"张家界市人民医院"}
    assert all(c.person.id_number.startswith(c.jurisdiction.code) for c in cases)
    assert len({c.jurisdiction_id for c in Case.objects.all()}) > 3  # spread over counties
