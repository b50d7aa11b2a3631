from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from epicontrol.core.errors import DomainError
from epicontrol.jurisdictions.models import Jurisdiction
from epicontrol.reports import providers
from epicontrol.reports.demo import seed
from epicontrol.reports.models import DailyReport, DailyReportImport
from epicontrol.reports.services import daily_report_compute

pytestmark = pytest.mark.django_db

D2 = dt.date(2020, 2, 15)


def test_demo_seed_is_idempotent(province_officer: Any, hunan_csv: bytes) -> None:
    context = {"users": {"province": province_officer}}
    first = seed(context)
    loaded = DailyReport.objects.count()
    assert f"{loaded} reports created" in first
    assert DailyReport.objects.latest("date").date == dt.date(2020, 2, 29)
    assert Jurisdiction.objects.get(code="430800").population == 1517027
    second = seed(context)
    assert "already imported" in second and "for 0 division" in second
    assert DailyReport.objects.count() == loaded
    assert DailyReportImport.objects.count() == 1
    # The whole year on top: what the demo loaded comes back unchanged.
    from epicontrol.reports.services import daily_report_import

    year = daily_report_import(actor=province_officer, file_name="year.csv", content=hunan_csv)
    assert (year.unchanged, year.created, year.updated) == (loaded, 5068 - loaded, 0)


def test_compute_stores_the_line_list_as_the_days_report(
    county_officer: Any, division: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fake_line_list(*, root_path: str, start: dt.date, end: dt.date) -> Any:
        return providers.LineList(
            counties={root_path: {D2: {"confirmed_cumulative": 4, "cured_cumulative": 1}}},
            cities=frozenset({"430000/430200/"}),
        )

    monkeypatch.setattr(providers, "line_list", fake_line_list)
    report = daily_report_compute(actor=county_officer, jurisdiction=division("430203"), day=D2)
    assert (report.source, report.confirmed_cumulative, report.cured_cumulative) == (
        "computed", 4, 1,
    )  # fmt: skip
    assert report.dead_cumulative is None


def test_compute_without_a_line_list_is_refused(county_officer: Any, division: Any) -> None:
    with pytest.raises(DomainError) as caught:
        daily_report_compute(actor=county_officer, jurisdiction=division("430203"), day=D2)
    assert caught.value.code == "daily_report.no_line_list"
    with pytest.raises(DomainError) as outside:
        daily_report_compute(actor=county_officer, jurisdiction=division("430202"), day=D2)
    assert outside.value.code == "daily_report.out_of_scope"
