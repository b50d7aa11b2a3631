from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from epicontrol.core.models import AuditEntry
from epicontrol.reports.models import DailyReport
from epicontrol.reports.services import daily_report_import, daily_report_submit

pytestmark = pytest.mark.django_db

Build = Callable[..., bytes]
D1, D2 = dt.date(2020, 2, 14), dt.date(2020, 2, 15)


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def crafted(province_officer: Any, csv_file: Build) -> None:
    daily_report_import(
        actor=province_officer,
        file_name="crafted.csv",
        content=csv_file(
            (D1, "", "", 80, 0, 20, 0),
            (D1, "株洲市", "430200", 75, 0, 18, 0),
            (D1, "张家界市", "430800", 5, 0, 2, 0),
            (D2, "", "", 84, 0, 25, 1),
            (D2, "株洲市", "430200", 78, 0, 21, 1),
            (D2, "张家界市", "430800", 5, 0, 4, 0),
            (D2, "境外输入", "4300y0", 0, 0, 0, 0),
        ),
    )


def test_dashboard_shows_the_day_the_curve_rates_and_children(
    province_officer: Any, crafted: None
) -> None:
    response = _client(province_officer).get("/reports/430000/", {"date": "2020-02-15"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-figure="confirmed_cumulative"' in html
    cards = response.context["cards"]
    confirmed = next(c for c in cards if c.name == "confirmed_cumulative")
    assert (confirmed.value, confirmed.new) == (84, 4)
    assert confirmed.url == "/reports/rows/?jurisdiction=430000&date=2020-02-15"
    curve = json.loads(
        html.split('id="curve-data" type="application/json">')[1].split("</script>")[0]
    )
    assert curve["dates"][-1] == "2020-02-15"
    new = next(s for s in curve["series"] if s["key"] == "confirmed_new")
    assert new["values"][-2:] == [80, 4]
    codes = [row["node"].code for row in response.context["children"]]
    assert "430800" in codes and "4300y0" in codes
    zhangjiajie = next(r for r in response.context["children"] if r["node"].code == "430800")
    assert zhangjiajie["cure"].value == 80.0
    assert 'data-rate="cure"' in html and "÷" in html
    assert "echarts.min.js" in html and "reports/dashboard.js" in html
    # The province's own 84 is not its cities' 83: the reconciliation card says so.
    assert response.context["discrepancy_count"] == 1


def test_dashboard_defaults_to_the_latest_date_with_data(
    province_officer: Any, crafted: None
) -> None:
    response = _client(province_officer).get("/reports/430000/")
    assert response.context["day"] == D2


def test_dashboard_home_goes_to_the_officers_own_area(county_officer: Any) -> None:
    response = _client(county_officer).get("/reports/")
    assert response.status_code == 302
    assert response["Location"] == "/reports/430203/"


def test_dashboard_shows_no_data_rather_than_zero(county_officer: Any) -> None:
    response = _client(county_officer).get("/reports/430203/", {"date": "2020-02-15"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "No data" in html or "无数据" in html
    assert response.context["today"].source == "none"


def test_printable_daily_report(province_officer: Any, crafted: None) -> None:
    response = _client(province_officer).get("/reports/430800/daily/", {"date": "2020-02-15"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "reports/reports.css" in html and 'id="daily-rates"' in html
    assert "80.00%" in html


def test_report_rows_behind_a_figure(province_officer: Any, crafted: None) -> None:
    response = _client(province_officer).get(
        "/reports/rows/", {"jurisdiction": "430000", "date": "2020-02-15"}
    )
    assert response.status_code == 200
    rows = list(response.context["page"])
    assert {(r.unit.code if r.unit else r.jurisdiction.code) for r in rows} == {
        "430000", "430200", "430800", "4300y0",
    }  # fmt: skip
    below = _client(province_officer).get(
        "/reports/rows/", {"jurisdiction": "430000", "date": "2020-02-15", "below": "1"}
    )
    assert len(list(below.context["page"])) == 3


def test_reconciliation_page_lists_the_differences(province_officer: Any, crafted: None) -> None:
    response = _client(province_officer).get(
        "/reports/430000/reconciliation/", {"start": "2020-02-01", "end": "2020-02-29"}
    )
    assert response.status_code == 200
    # Confirmed: 84 reported, 78 + 5 + 0 below. Deaths agree (1 = 1 + 0 + 0).
    assert response.context["count"] == 1
    (item,) = response.context["page"]
    assert (item.kind, item.indicator, item.own, item.children_sum) == (
        "children_sum_differs", "confirmed_cumulative", 84, 83,
    )  # fmt: skip
    htmx = _client(province_officer).get(
        "/reports/430000/reconciliation/",
        {"start": "2020-02-01", "end": "2020-02-29"},
        HTTP_HX_REQUEST="true",
    )
    assert "<h1>" not in htmx.content.decode()


def test_import_page(province_officer: Any, csv_file: Build) -> None:
    client = _client(province_officer)
    assert client.get("/reports/import/").status_code == 200
    upload = SimpleUploadedFile("x.csv", csv_file((D2, "张家界市", "430800", 5, 0, 4, 0)))
    response = client.post("/reports/import/", {"file": upload})
    assert response.status_code == 200
    assert response.context["result"]["created"] == 1
    bad = SimpleUploadedFile("y.csv", csv_file((D2, "张家界市", "430800", -5, 0, 4, 0)))
    response = client.post("/reports/import/", {"file": bad})
    assert [e["code"] for e in response.context["result"]["errors"]] == ["import.negative"]
    assert 'id="import-errors"' in response.content.decode()


def test_import_page_is_not_for_supervisors(supervisor: Any) -> None:
    assert _client(supervisor).get("/reports/import/").status_code == 404


def test_submit_page(county_officer: Any) -> None:
    client = _client(county_officer)
    assert client.get("/reports/430203/submit/").status_code == 200
    response = client.post(
        "/reports/430203/submit/",
        {"date": "2020-02-15", "confirmed_cumulative": "4", "cured_cumulative": "1"},
    )
    assert response.status_code == 302
    report = DailyReport.objects.get()
    assert (report.jurisdiction.code, report.confirmed_cumulative, report.dead_cumulative) == (
        "430203", 4, None,
    )  # fmt: skip
    negative = client.post(
        "/reports/430203/submit/", {"date": "2020-02-15", "confirmed_cumulative": "-1"}
    )
    assert negative.status_code == 200 and negative.context["form"].errors


def test_population_page(city_officer: Any, division: Any) -> None:
    client = _client(city_officer)
    page = client.get("/reports/430200/population/")
    assert page.status_code == 200
    assert [j.code for j in page.context["rows"]][:2] == ["430200", "430202"]
    response = client.post(
        "/reports/430200/population/", {"code": "430203", "population": "300000"}
    )
    assert response.status_code == 302
    assert division("430203").population == 300000
    assert AuditEntry.objects.filter(action="jurisdictions.population_set").count() == 1


def test_sibling_county_sees_no_dashboard_report_or_reconciliation(
    sibling_officer: Any, province_officer: Any, division: Any
) -> None:
    daily_report_submit(
        actor=province_officer, jurisdiction=division("430203"), day=D2,
        values={"confirmed_cumulative": 3},
    )  # fmt: skip
    client = _client(sibling_officer)
    for url in (
        "/reports/430203/",
        "/reports/430203/daily/",
        "/reports/430203/reconciliation/",
        "/reports/430203/submit/",
        "/reports/430203/population/",
        "/reports/430200/",
        "/reports/rows/?jurisdiction=430203",
    ):
        assert client.get(url).status_code == 404, url
    assert (
        client.post(
            "/reports/430203/population/", {"code": "430203", "population": "1"}
        ).status_code
        == 404
    )
    # The sibling's own rows do not include 芦淞区's report.
    own = client.get("/reports/rows/", {"jurisdiction": "430202"})
    assert list(own.context["page"]) == []
    assert division("430203").population is None


def test_pages_need_a_login() -> None:
    response = Client().get("/reports/430000/")
    assert response.status_code == 302 and "/login" in response["Location"]


def test_recent_imports_are_scoped(
    county_officer: Any, sibling_officer: Any, csv_file: Build
) -> None:
    daily_report_import(
        actor=county_officer,
        file_name="lusong.csv",
        content=csv_file((D2, "芦淞区", "430203", 3, 0, 1, 0)),
    )
    mine = _client(county_officer).get("/reports/import/")
    assert [b.file_name for b in mine.context["imports"]] == ["lusong.csv"]
    theirs = _client(sibling_officer).get("/reports/import/")
    assert list(theirs.context["imports"]) == []


def test_concurrent_submission_is_a_conflict(
    county_officer: Any, division: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from django.db import IntegrityError

    from epicontrol.core.errors import DomainError

    def collide(*args: Any, **kwargs: Any) -> Any:
        raise IntegrityError("duplicate key value violates unique constraint")

    monkeypatch.setattr(DailyReport.objects, "create", collide)
    with pytest.raises(DomainError) as caught:
        daily_report_submit(
            actor=county_officer, jurisdiction=division("430203"), day=D2,
            values={"confirmed_cumulative": 1},
        )  # fmt: skip
    assert (caught.value.code, caught.value.status) == ("daily_report.conflict", 409)


def test_a_failing_module_does_not_take_the_dashboard_down(
    province_officer: Any, crafted: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    from epicontrol.reports import providers

    real = providers._selector

    def broken(app: str, name: str) -> Any:
        if name != "dashboard_figures":
            return real(app, name)

        def boom(**kwargs: Any) -> Any:
            raise RuntimeError("module down")

        return boom

    monkeypatch.setattr(providers, "_selector", broken)
    response = _client(province_officer).get("/reports/430000/", {"date": "2020-02-15"})
    assert response.status_code == 200
    provided = response.context["provided"]
    assert provided and all(group.failed for group in provided)
    assert response.context["cards"][0].value == 84
