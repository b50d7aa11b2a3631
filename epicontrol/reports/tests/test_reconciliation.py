from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from epicontrol.core.errors import DomainError
from epicontrol.reports import reconciliation, selectors
from epicontrol.reports.services import daily_report_import, daily_report_submit

pytestmark = pytest.mark.django_db

Build = Callable[..., bytes]
D1, D2, D3 = dt.date(2020, 2, 14), dt.date(2020, 2, 15), dt.date(2020, 2, 16)

PROVINCE_DATES_CONFIRMED_DIFFERS = [
    "2020-02-07", "2020-02-08", "2020-02-09", "2020-02-10", "2020-02-11", "2020-02-12",
    "2020-02-13", "2020-02-14", "2020-02-15", "2020-02-16", "2020-02-17", "2020-02-18",
    "2020-02-19", "2020-02-20", "2020-02-21", "2020-02-22", "2020-02-26", "2020-02-28",
    "2020-04-01",
]  # fmt: skip


def _reconcile(user: Any, code: str, start: dt.date, end: dt.date, **kw: Any) -> list[Any]:
    node = selectors.node_get(user=user, code=code)
    return reconciliation.reconcile(user=user, node=node, start=start, end=end, **kw)


def test_hunan_province_differs_from_its_cities_on_19_dates(
    imported_hunan: Any, province_officer: Any
) -> None:
    items = _reconcile(province_officer, "430000", dt.date(2020, 1, 1), dt.date(2020, 12, 31))
    confirmed = [
        i for i in items
        if i.kind == "children_sum_differs" and i.indicator == "confirmed_cumulative"
    ]  # fmt: skip
    assert [i.date.isoformat() for i in confirmed] == PROVINCE_DATES_CONFIRMED_DIFFERS
    assert {i.jurisdiction for i in confirmed} == {"430000"}
    first = confirmed[0]
    assert (first.own, first.children_sum, first.difference) == (803, 772, 31)
    april = confirmed[-1]
    # 境外输入 counts as a child of the province: with it the sum is 1018, not 1018 − imported.
    assert (april.own, april.children_sum) == (1019, 1018)
    # The other discrepancies of the year.
    kinds = {(i.kind, i.indicator) for i in items}
    assert kinds == {
        ("children_sum_differs", "confirmed_cumulative"),
        ("children_sum_differs", "cured_cumulative"),
        ("children_sum_differs", "dead_cumulative"),
        ("cumulative_decreased", "cured_cumulative"),
    }
    assert (
        len(
            [
                i
                for i in items
                if i.indicator == "cured_cumulative" and i.kind == "children_sum_differs"
            ]
        )
        == 37
    )
    assert len([i for i in items if i.indicator == "dead_cumulative"]) == 3
    # 娄底市 reported 55 cured on 22 February and 54 on the 23rd.
    (decrease,) = [i for i in items if i.kind == "cumulative_decreased"]
    assert (decrease.jurisdiction, decrease.date, decrease.own, decrease.other) == (
        "431300", dt.date(2020, 2, 23), 54, 55,
    )  # fmt: skip
    assert decrease.difference == -1
    # Cities begin at their first case: no city is "missing" before it first reported.
    assert not [i for i in items if i.kind == "child_missing"]


def _file(actor: Any, content: bytes) -> None:
    daily_report_import(actor=actor, file_name="crafted.csv", content=content)


def test_children_sum_differs_on_crafted_data(province_officer: Any, csv_file: Build) -> None:
    _file(
        province_officer,
        csv_file(
            (D2, "", "", 10, 0, 2, 0),
            (D2, "长沙市", "430100", 6, 0, 1, 0),
            (D2, "株洲市", "430200", 3, 0, 1, 0),
        ),
    )
    items = _reconcile(province_officer, "430000", D2, D2)
    assert [(i.kind, i.indicator, i.own, i.children_sum, i.difference) for i in items] == [
        ("children_sum_differs", "confirmed_cumulative", 10, 9, 1)
    ]
    assert items[0].as_dict()["jurisdiction"] == "430000"


def test_child_missing_on_crafted_data(province_officer: Any, csv_file: Build) -> None:
    _file(
        province_officer,
        csv_file(
            (D1, "", "", 9, 0, 0, 0),
            (D1, "长沙市", "430100", 6, 0, 0, 0),
            (D1, "株洲市", "430200", 3, 0, 0, 0),
            (D2, "", "", 9, 0, 0, 0),
            (D2, "长沙市", "430100", 6, 0, 0, 0),
        ),
    )
    items = _reconcile(province_officer, "430000", D1, D2)
    missing = [i for i in items if i.kind == "child_missing"]
    assert [(i.jurisdiction, i.date, i.child, i.child_name) for i in missing] == [
        ("430000", D2, "430200", "株洲市")
    ]
    # The parent's own figure also differs from the one child that did report.
    assert [i.kind for i in items] == ["child_missing", "children_sum_differs"]


def test_cumulative_decreased_on_crafted_data(province_officer: Any, csv_file: Build) -> None:
    _file(
        province_officer,
        csv_file((D1, "株洲市", "430200", 5, 0, 2, 1), (D3, "株洲市", "430200", 4, 0, 2, 1)),
    )
    items = _reconcile(province_officer, "430200", D1, D3)
    assert [(i.kind, i.jurisdiction, i.date, i.indicator, i.own, i.other) for i in items] == [
        ("cumulative_decreased", "430200", D3, "confirmed_cumulative", 4, 5)
    ]


def test_a_range_starting_after_the_decrease_still_compares_with_the_report_before(
    province_officer: Any, csv_file: Build
) -> None:
    _file(
        province_officer,
        csv_file((D1, "娄底市", "431300", 75, 0, 55, 0), (D3, "娄底市", "431300", 75, 0, 54, 0)),
    )
    items = _reconcile(province_officer, "431300", D3, D3)
    assert [(i.kind, i.own, i.other) for i in items] == [("cumulative_decreased", 54, 55)]


def test_kind_filter(province_officer: Any, csv_file: Build) -> None:
    _file(
        province_officer,
        csv_file((D1, "株洲市", "430200", 5, 0, 2, 1), (D3, "株洲市", "430200", 4, 0, 2, 1)),
    )
    assert _reconcile(province_officer, "430200", D1, D3, kinds={"child_missing"}) == []


def test_a_silent_city_still_has_missing_counties(province_officer: Any, division: Any) -> None:
    for code, day in (("430202", D1), ("430203", D1), ("430202", D2)):
        daily_report_submit(
            actor=province_officer, jurisdiction=division(code), day=day,
            values={"confirmed_cumulative": 1},
        )  # fmt: skip
    items = _reconcile(province_officer, "430000", D1, D2)
    assert [(i.kind, i.jurisdiction, i.jurisdiction_name, i.child) for i in items] == [
        ("child_missing", "430200", "株洲市", "430203")
    ]


def test_invalid_range_is_refused(province_officer: Any) -> None:
    with pytest.raises(DomainError) as caught:
        _reconcile(province_officer, "430000", D2, D1)
    assert (caught.value.code, caught.value.status) == ("reconciliation.invalid_range", 422)
    with pytest.raises(DomainError):
        _reconcile(province_officer, "430000", dt.date(2018, 1, 1), dt.date(2020, 12, 31))


def test_line_list_differs_when_the_line_list_disagrees(
    province_officer: Any, division: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from epicontrol.reports import providers

    daily_report_submit(
        actor=province_officer, jurisdiction=division("430200"), day=D2,
        values={"confirmed_cumulative": 7, "cured_cumulative": 2},
    )  # fmt: skip

    def fake_line_list(*, root_path: str, start: dt.date, end: dt.date) -> Any:
        return providers.LineList(
            counties={
                "430000/430200/430203/": {D2: {"confirmed_cumulative": 4, "cured_cumulative": 2}},
                "430000/430200/430202/": {D2: {"confirmed_cumulative": 2, "cured_cumulative": 0}},
            },
            cities=frozenset({"430000/430200/"}),
        )

    monkeypatch.setattr(providers, "line_list", fake_line_list)
    items = _reconcile(province_officer, "430200", D2, D2)
    assert [(i.kind, i.indicator, i.own, i.other, i.difference) for i in items] == [
        ("line_list_differs", "confirmed_cumulative", 7, 6, 1)
    ]
    # The province's own total is not compared: the platform holds 1 city's line list of 14.
    daily_report_submit(
        actor=province_officer, jurisdiction=division("430000"), day=D2,
        values={"confirmed_cumulative": 100},
    )  # fmt: skip
    province = _reconcile(province_officer, "430000", D2, D2, kinds={"line_list_differs"})
    assert [(i.jurisdiction, i.indicator) for i in province] == [("430200", "confirmed_cumulative")]


def test_sibling_county_cannot_reconcile_another_county(
    sibling_officer: Any, county_officer: Any, province_officer: Any, division: Any
) -> None:
    daily_report_submit(
        actor=province_officer, jurisdiction=division("430203"), day=D2,
        values={"confirmed_cumulative": 3},
    )  # fmt: skip
    with pytest.raises(DomainError) as caught:
        selectors.node_get(user=sibling_officer, code="430203")
    assert caught.value.status == 404
    # Nor the city above them both: 荷塘区's officer only sees 荷塘区.
    with pytest.raises(DomainError):
        selectors.node_get(user=sibling_officer, code="430200")
    assert _reconcile(county_officer, "430203", D1, D2) == []
