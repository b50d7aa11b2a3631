from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from epicontrol.core.models import PolicyVersion
from epicontrol.reports import rates, selectors
from epicontrol.reports.services import daily_report_submit

pytestmark = pytest.mark.django_db

DAY = dt.date(2020, 2, 15)


def _rate(key: str, **inputs: int | None) -> rates.RateValue:
    return rates.compute_all(DAY, inputs)[key]


def test_the_four_rates_are_seeded_as_a_policy_version() -> None:
    version = PolicyVersion.objects.get(domain="rates", code="rates-2020")
    keys = [r["key"] for r in version.params["rates"]]
    assert keys == ["admission", "cure", "infection", "fatality"]


def test_cure_rate_is_cured_over_confirmed_in_percent() -> None:
    cure = _rate("cure", cured_cumulative=4, confirmed_cumulative=5)
    assert (cure.value, cure.numerator, cure.denominator, cure.unit) == (80.0, 4, 5, "percent")


def test_fatality_rate_matches_the_nhc_example() -> None:
    # NHC, 2020-02-03: 425 deaths of 20,438 confirmed = 2.08 %.
    fatality = _rate("fatality", dead_cumulative=425, confirmed_cumulative=20438)
    assert fatality.value == pytest.approx(2.0795, abs=1e-4)
    assert round(fatality.value, 2) == 2.08


def test_infection_rate_is_per_100000_residents() -> None:
    infection = _rate("infection", confirmed_cumulative=1004, population=66_444_864)
    assert infection.unit == "per_100k"
    assert infection.value == pytest.approx(1004 * 100_000 / 66_444_864)
    assert (infection.numerator, infection.denominator) == (1004, 66_444_864)


def test_admission_rate_uses_cases_under_treatment_and_suspected() -> None:
    admission = _rate(
        "admission",
        admitted_current=9,
        confirmed_current=8,
        suspected_current=2,
    )
    assert (admission.numerator, admission.denominator, admission.value) == (9, 10, 90.0)


@pytest.mark.parametrize(
    ("key", "inputs"),
    [
        ("cure", {"cured_cumulative": 0, "confirmed_cumulative": 0}),
        ("fatality", {"dead_cumulative": 0, "confirmed_cumulative": 0}),
        ("infection", {"confirmed_cumulative": 3, "population": None}),
        ("cure", {"cured_cumulative": None, "confirmed_cumulative": 5}),
        ("admission", {"admitted_current": None, "confirmed_current": 1, "suspected_current": 0}),
    ],
)
def test_zero_denominator_or_missing_input_is_no_data(key: str, inputs: dict[str, Any]) -> None:
    assert _rate(key, **inputs).value is None


def test_formula_is_built_from_the_definition() -> None:
    cure = _rate("cure", cured_cumulative=4, confirmed_cumulative=5)
    assert "÷" in cure.formula and "100%" in cure.formula
    admission = _rate("admission")
    assert "(" in admission.formula and "+" in admission.formula


def test_a_later_policy_version_changes_the_definition() -> None:
    # Rules are data: a version that counts asymptomatic cases into the infection rate.
    PolicyVersion.objects.create(
        domain="rates",
        code="rates-test",
        name="test",
        effective_from=dt.date(2020, 3, 1),
        params={
            "rates": [
                {
                    "key": "infection",
                    "numerator": {"confirmed_cumulative": 1, "asymptomatic_current": 1},
                    "denominator": {"population": 1},
                    "scale": 100000,
                    "unit": "per_100k",
                }
            ]
        },
    )
    inputs = {"confirmed_cumulative": 10, "asymptomatic_current": 10, "population": 100_000}
    assert rates.compute_all(dt.date(2020, 2, 29), inputs)["infection"].value == 10.0
    assert rates.compute_all(dt.date(2020, 3, 1), inputs)["infection"].value == 20.0
    book = rates.RateBook()
    assert book.compute_all(dt.date(2020, 3, 1), inputs)["infection"].value == 20.0
    assert [d.key for d in book.on(dt.date(2020, 2, 1))] == [
        "admission",
        "cure",
        "infection",
        "fatality",
    ]


def test_zhangjiajie_cure_rate_on_15_february_is_80_percent(
    imported_hunan: Any, province_officer: Any
) -> None:
    """Document 000: 张家界 had 5 confirmed, 4 discharged, "治愈率达到80%"."""
    node = selectors.node_get(user=province_officer, code="430800")
    figures = selectors.figures_on(user=province_officer, node=node, day=DAY)
    cure = figures.rates["cure"]
    assert (cure.value, cure.numerator, cure.denominator) == (80.0, 4, 5)
    assert figures.values["confirmed_cumulative"] == 5
    assert figures.values["confirmed_current"] == 1


def test_infection_rate_needs_a_population(
    province_officer: Any, populations: int, csv_file: Any
) -> None:
    from epicontrol.reports.services import daily_report_import

    daily_report_import(
        actor=province_officer,
        file_name="x.csv",
        content=csv_file((DAY, "", "", 1004, 0, 430, 3), (DAY, "境外输入", "4300y0", 1, 0, 0, 0)),
    )
    node = selectors.node_get(user=province_officer, code="430000")
    figures = selectors.figures_on(user=province_officer, node=node, day=DAY)
    infection = figures.rates["infection"]
    assert (infection.numerator, infection.denominator) == (1004, 66_444_864)
    assert infection.value == pytest.approx(1.511, abs=1e-3)
    # A non-geographic unit has no population: no data, not 0.
    unit = selectors.node_get(user=province_officer, code="4300y0")
    imported = selectors.figures_on(user=province_officer, node=unit, day=DAY)
    assert imported.rates["infection"].value is None
    assert imported.rates["infection"].numerator == 1


def test_no_cases_yet_gives_no_cure_rate(province_officer: Any, division: Any) -> None:
    daily_report_submit(
        actor=province_officer,
        jurisdiction=division("430800"),
        day=dt.date(2020, 1, 25),
        values={"confirmed_cumulative": 0, "cured_cumulative": 0, "dead_cumulative": 0},
    )
    node = selectors.node_get(user=province_officer, code="430800")
    figures = selectors.figures_on(user=province_officer, node=node, day=dt.date(2020, 1, 25))
    assert figures.rates["cure"].value is None
    assert figures.rates["cure"].denominator == 0
