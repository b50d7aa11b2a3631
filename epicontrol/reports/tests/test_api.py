from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from epicontrol.core.models import AuditEntry
from epicontrol.reports.models import DailyReport
from epicontrol.reports.services import daily_report_import

pytestmark = pytest.mark.django_db

Build = Callable[..., bytes]
D1, D2 = dt.date(2020, 2, 14), dt.date(2020, 2, 15)


def _upload(client: Any, content: bytes, **data: Any) -> Any:
    upload = SimpleUploadedFile("series.csv", content, content_type="text/csv")
    return client.post("/api/v1/reports/daily/import", {"file": upload, **data})


@pytest.fixture
def zhuzhou(province_officer: Any, csv_file: Build) -> None:
    """株洲市 and 张家界市 on two days, and the province's own total."""
    daily_report_import(
        actor=province_officer,
        file_name="crafted.csv",
        content=csv_file(
            (D1, "", "", 80, 0, 20, 0),
            (D1, "株洲市", "430200", 75, 0, 18, 0),
            (D1, "张家界市", "430800", 5, 0, 2, 0),
            (D2, "", "", 84, 0, 25, 0),
            (D2, "株洲市", "430200", 78, 0, 21, 0),
            (D2, "张家界市", "430800", 5, 0, 4, 0),
        ),
    )


def test_import_through_the_api_and_again(
    api_client_for: Any, province_officer: Any, hunan_csv: bytes
) -> None:
    client = api_client_for(province_officer)
    first = _upload(client, hunan_csv)
    assert first.status_code == 200, first.content
    body = first.json()
    assert (body["created"], body["unchanged"], body["errors"]) == (5068, 0, [])
    # Reconciliation of the imported year lists the 19 dates of the province.
    body = client.get(
        "/api/v1/reports/reconciliation",
        {"jurisdiction": "430000", "start": "2020-01-01", "end": "2020-12-31",
         "kind": "children_sum_differs", "indicator": "confirmed_cumulative"},
    ).json()  # fmt: skip
    assert body["count"] == 19
    assert (body["items"][0]["date"], body["items"][-1]["date"]) == ("2020-02-07", "2020-04-01")
    again = _upload(client, hunan_csv).json()
    assert (again["created"], again["updated"], again["unchanged"], again["errors"]) == (
        0,
        0,
        5068,
        [],
    )


def test_import_errors_are_a_422_with_row_errors(
    api_client_for: Any, province_officer: Any, csv_file: Build
) -> None:
    response = _upload(
        api_client_for(province_officer),
        csv_file(
            (D2, "张家界市", "430800", 5, 0, 4, 0), ("2020-13-01", "株洲市", "430200", 1, 0, 0, 0)
        ),
    )
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "daily_report.import_invalid"
    assert (body["created"], body["unchanged"]) == (0, 0)
    assert body["errors"] == [
        {
            "row": 3,
            "column": "date",
            "code": "import.invalid_date",
            "message": body["errors"][0]["message"],
        }
    ]
    assert DailyReport.objects.count() == 0


def test_partial_import_through_the_api(
    api_client_for: Any, province_officer: Any, csv_file: Build
) -> None:
    response = _upload(
        api_client_for(province_officer),
        csv_file((D2, "张家界市", "430800", 5, 0, 4, 0), (D2, "株洲市", "430200", -1, 0, 0, 0)),
        partial="true",
    )
    assert response.status_code == 200
    assert response.json()["created"] == 1
    assert [e["code"] for e in response.json()["errors"]] == ["import.negative"]


def test_import_is_refused_to_roles_that_do_not_file(
    api_client_for: Any, supervisor: Any, csv_file: Build
) -> None:
    response = _upload(api_client_for(supervisor), csv_file((D2, "张家界市", "430800", 5, 0, 4, 0)))
    assert response.status_code == 403
    assert response.json()["code"] == "daily_report.forbidden"


def test_daily_figures_and_rates(api_client_for: Any, province_officer: Any, zhuzhou: None) -> None:
    response = api_client_for(province_officer).get(
        "/api/v1/reports/daily", {"jurisdiction": "430800", "date": "2020-02-15"}
    )
    assert response.status_code == 200
    body = response.json()
    assert body["confirmed_cumulative"] == 5
    assert body["cured_cumulative"] == 4
    assert body["cured_new"] == 2
    assert body["confirmed_new"] == 0
    assert body["source"] == "imported"
    assert body["rates"]["cure"]["value"] == 80.0
    assert (body["rates"]["cure"]["numerator"], body["rates"]["cure"]["denominator"]) == (4, 5)
    assert body["rates"]["cure"]["unit"] == "percent"
    assert "÷" in body["rates"]["cure"]["formula"]
    # No population and no admissions reported: no data, never 0.
    assert body["rates"]["infection"]["value"] is None
    assert body["rates"]["admission"]["value"] is None
    assert set(body["rates"]) == {"admission", "cure", "infection", "fatality"}
    # The other modules' figures of the same area and day, each with its records' URL.
    from django.apps import apps

    assert body["modules"] or not apps.is_installed("epicontrol.cases")
    for figure in body["modules"]:
        assert set(figure) == {"key", "label", "value", "url", "group"}


def test_daily_defaults_to_the_latest_date_with_data(
    api_client_for: Any, province_officer: Any, zhuzhou: None
) -> None:
    body = (
        api_client_for(province_officer)
        .get("/api/v1/reports/daily", {"jurisdiction": "430000"})
        .json()
    )
    assert (body["date"], body["confirmed_cumulative"]) == ("2020-02-15", 84)


def test_a_level_without_its_own_report_rolls_up(
    api_client_for: Any, province_officer: Any, division: Any
) -> None:
    from epicontrol.reports.services import daily_report_submit

    for code, n in (("430202", 2), ("430203", 3)):
        daily_report_submit(
            actor=province_officer, jurisdiction=division(code), day=D2,
            values={"confirmed_cumulative": n},
        )  # fmt: skip
    body = (
        api_client_for(province_officer)
        .get("/api/v1/reports/daily", {"jurisdiction": "430000", "date": "2020-02-15"})
        .json()
    )
    assert (body["confirmed_cumulative"], body["source"]) == (5, "rolled_up")
    assert body["cured_cumulative"] is None


def test_series(api_client_for: Any, province_officer: Any, zhuzhou: None) -> None:
    response = api_client_for(province_officer).get(
        "/api/v1/reports/series",
        {"jurisdiction": "430200", "start": "2020-02-13", "end": "2020-02-15"},
    )
    assert response.status_code == 200
    items = response.json()["items"]
    assert [(i["date"], i["confirmed_cumulative"], i["confirmed_new"]) for i in items] == [
        ("2020-02-13", None, None),
        ("2020-02-14", 75, 75),
        ("2020-02-15", 78, 3),
    ]


def test_series_with_children(api_client_for: Any, province_officer: Any, zhuzhou: None) -> None:
    body = (
        api_client_for(province_officer)
        .get(
            "/api/v1/reports/series",
            {
                "jurisdiction": "430000",
                "start": "2020-02-14",
                "end": "2020-02-15",
                "children": "true",
            },
        )
        .json()
    )
    assert [i["confirmed_cumulative"] for i in body["items"]] == [80, 84]
    by_code = {c["jurisdiction"]: c["items"] for c in body["children"]}
    assert [i["confirmed_cumulative"] for i in by_code["430200"]] == [75, 78]
    assert [i["cured_new"] for i in by_code["430800"]] == [2, 2]
    assert [i["source"] for i in by_code["430100"]] == ["none", "none"]


def test_series_rejects_a_reversed_range(api_client_for: Any, province_officer: Any) -> None:
    response = api_client_for(province_officer).get(
        "/api/v1/reports/series",
        {"jurisdiction": "430200", "start": "2020-02-15", "end": "2020-02-01"},
    )
    assert response.status_code == 422
    assert response.json()["code"] == "reconciliation.invalid_range"


def test_reconciliation(api_client_for: Any, province_officer: Any, zhuzhou: None) -> None:
    response = api_client_for(province_officer).get(
        "/api/v1/reports/reconciliation",
        {"jurisdiction": "430000", "start": "2020-02-14", "end": "2020-02-15"},
    )
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    item = body["items"][0]
    assert set(item) >= {
        "jurisdiction",
        "date",
        "indicator",
        "kind",
        "own",
        "children_sum",
        "difference",
    }
    assert (item["jurisdiction"], item["date"], item["kind"], item["indicator"]) == (
        "430000", "2020-02-15", "children_sum_differs", "confirmed_cumulative",
    )  # fmt: skip
    assert (item["own"], item["children_sum"], item["difference"]) == (84, 83, 1)
    filtered = api_client_for(province_officer).get(
        "/api/v1/reports/reconciliation",
        {"jurisdiction": "430000", "start": "2020-02-14", "end": "2020-02-15",
         "kind": "children_sum_differs", "indicator": "cured_cumulative"},
    ).json()  # fmt: skip
    # The province's cured total (25) is the sum of its cities (21 + 4): nothing listed.
    assert filtered == {"items": [], "count": 0, "count_exact": True, "next": None}


def test_submit_a_daily_report(api_client_for: Any, county_officer: Any) -> None:
    response = api_client_for(county_officer).post(
        "/api/v1/reports/daily",
        {"jurisdiction": "430203", "date": "2020-02-15", "confirmed_cumulative": 4,
         "cured_cumulative": 1, "dead_cumulative": 0},
        content_type="application/json",
    )  # fmt: skip
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["jurisdiction"], body["source"], body["confirmed_cumulative"]) == (
        "430203", "submitted", 4,
    )  # fmt: skip
    assert AuditEntry.objects.filter(action="reports.daily_report.submitted").count() == 1


def test_submit_refusals(api_client_for: Any, county_officer: Any, supervisor: Any) -> None:
    client = api_client_for(county_officer)
    negative = client.post(
        "/api/v1/reports/daily",
        {"jurisdiction": "430203", "date": "2020-02-15", "confirmed_cumulative": -1},
        content_type="application/json",
    )
    assert (negative.status_code, negative.json()["code"]) == (422, "request.invalid")
    future = client.post(
        "/api/v1/reports/daily",
        {"jurisdiction": "430203", "date": (dt.date.today() + dt.timedelta(days=2)).isoformat()},
        content_type="application/json",
    )
    assert (future.status_code, future.json()["code"]) == (422, "daily_report.invalid_date")
    sibling = client.post(
        "/api/v1/reports/daily",
        {"jurisdiction": "430202", "date": "2020-02-15", "confirmed_cumulative": 1},
        content_type="application/json",
    )
    assert sibling.status_code == 404
    forbidden = api_client_for(supervisor).post(
        "/api/v1/reports/daily",
        {"jurisdiction": "430203", "date": "2020-02-15", "confirmed_cumulative": 1},
        content_type="application/json",
    )
    assert (forbidden.status_code, forbidden.json()["code"]) == (403, "daily_report.forbidden")
    assert DailyReport.objects.count() == 0


def test_population(api_client_for: Any, city_officer: Any, division: Any) -> None:
    client = api_client_for(city_officer)
    response = client.post(
        "/api/v1/reports/population", {"jurisdiction": "430200", "population": 3902738},
        content_type="application/json",
    )  # fmt: skip
    assert response.status_code == 200
    assert division("430200").population == 3902738
    entry = AuditEntry.objects.get(action="jurisdictions.population_set")
    assert entry.changes == {"population": [None, 3902738]}
    outside = client.post(
        "/api/v1/reports/population", {"jurisdiction": "430100", "population": 1},
        content_type="application/json",
    )  # fmt: skip
    assert outside.status_code == 404
    zero = client.post(
        "/api/v1/reports/population", {"jurisdiction": "430200", "population": 0},
        content_type="application/json",
    )  # fmt: skip
    assert zero.status_code == 422


def test_rows_behind_a_figure(api_client_for: Any, province_officer: Any, zhuzhou: None) -> None:
    body = (
        api_client_for(province_officer)
        .get("/api/v1/reports/daily/rows", {"jurisdiction": "430000", "date": "2020-02-15"})
        .json()
    )
    assert body["count"] == 3
    assert {i["jurisdiction"] for i in body["items"]} == {"430000", "430200", "430800"}


def test_sibling_county_sees_nothing_in_the_api(
    api_client_for: Any, province_officer: Any, sibling_officer: Any, division: Any
) -> None:
    from epicontrol.reports.services import daily_report_submit

    daily_report_submit(
        actor=province_officer, jurisdiction=division("430203"), day=D2,
        values={"confirmed_cumulative": 3},
    )  # fmt: skip
    client = api_client_for(sibling_officer)
    for url, params in (
        ("/api/v1/reports/daily", {"jurisdiction": "430203", "date": "2020-02-15"}),
        ("/api/v1/reports/daily/rows", {"jurisdiction": "430203"}),
        (
            "/api/v1/reports/series",
            {"jurisdiction": "430203", "start": "2020-02-01", "end": "2020-02-15"},
        ),
        (
            "/api/v1/reports/reconciliation",
            {"jurisdiction": "430203", "start": "2020-02-01", "end": "2020-02-15"},
        ),
        ("/api/v1/reports/daily", {"jurisdiction": "430200", "date": "2020-02-15"}),
    ):
        response = client.get(url, params)
        assert response.status_code == 404, url
        assert response.json()["code"] == "not_found"
    # Its own county has no report, and the rows of its own area do not include 芦淞区.
    own = client.get("/api/v1/reports/daily/rows", {"jurisdiction": "430202"}).json()
    assert own["count"] == 0
    daily = client.get("/api/v1/reports/daily", {"jurisdiction": "430202", "date": "2020-02-15"})
    assert daily.json()["source"] == "none"


def test_api_requires_authentication(client: Any) -> None:
    response = client.get("/api/v1/reports/daily", {"jurisdiction": "430000"})
    assert response.status_code == 401
