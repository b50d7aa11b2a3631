from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from epicontrol.core.errors import DomainError
from epicontrol.core.models import AuditEntry
from epicontrol.reports.errors import ImportInvalid
from epicontrol.reports.models import DailyReport, DailyReportImport, ReportingUnit
from epicontrol.reports.services import daily_report_import

pytestmark = pytest.mark.django_db

from .conftest import HEADER  # noqa: E402

Build = Callable[..., bytes]


def _errors(actor: Any, content: bytes, name: str = "f.csv") -> list[dict[str, Any]]:
    with pytest.raises(ImportInvalid) as caught:
        daily_report_import(actor=actor, file_name=name, content=content)
    assert caught.value.code == "daily_report.import_invalid"
    assert caught.value.status == 422
    return caught.value.errors


def test_the_whole_hunan_file_imports_and_keeps_non_geographic_units(
    imported_hunan: Any,
) -> None:
    assert imported_hunan.created == 5068
    assert imported_hunan.errors == []
    assert DailyReport.objects.count() == 5068
    unit = ReportingUnit.objects.get()
    assert (unit.code, unit.name, unit.parent.code) == ("4300y0", "境外输入", "430000")
    assert DailyReport.objects.filter(unit=unit).count() == 260
    zhangjiajie = DailyReport.objects.get(jurisdiction__code="430800", date=dt.date(2020, 2, 15))
    assert (zhangjiajie.confirmed_cumulative, zhangjiajie.cured_cumulative) == (5, 4)
    assert zhangjiajie.source == "imported"
    province = DailyReport.objects.get(
        jurisdiction__code="430000", unit__isnull=True, date=dt.date(2020, 2, 15)
    )
    assert province.confirmed_cumulative == 1004
    # Audited: the import, each report created, and the unit created.
    batch = DailyReportImport.objects.get()
    assert (batch.created, batch.rows, batch.errors) == (5068, 5068, 0)
    assert AuditEntry.objects.filter(action="reports.daily_series.imported").count() == 1
    assert AuditEntry.objects.filter(action="reports.daily_report.imported").count() == 5068
    assert AuditEntry.objects.filter(action="reports.reporting_unit.created").count() == 1


def test_reimporting_the_same_file_changes_nothing(
    imported_hunan: Any, province_officer: Any, hunan_csv: bytes
) -> None:
    before = list(DailyReport.objects.order_by("pk").values_list("pk", "updated_at"))
    again = daily_report_import(actor=province_officer, file_name="hunan.csv", content=hunan_csv)
    assert (again.created, again.updated, again.unchanged, again.errors) == (0, 0, 5068, [])
    assert list(DailyReport.objects.order_by("pk").values_list("pk", "updated_at")) == before
    assert ReportingUnit.objects.count() == 1


def test_changed_figures_are_updated_and_audited(province_officer: Any, csv_file: Build) -> None:
    daily_report_import(
        actor=province_officer, file_name="a.csv",
        content=csv_file(("2020-02-15", "张家界市", "430800", 5, 0, 3, 0)),
    )  # fmt: skip
    result = daily_report_import(
        actor=province_officer, file_name="b.csv",
        content=csv_file(("2020-02-15", "张家界市", "430800", 5, 0, 4, 0)),
    )  # fmt: skip
    assert (result.created, result.updated, result.unchanged) == (0, 1, 0)
    assert DailyReport.objects.get().cured_cumulative == 4
    entry = AuditEntry.objects.get(action="reports.daily_report.updated")
    assert entry.changes["cured_cumulative"] == [3, 4]
    assert entry.jurisdiction_path == "430000/430800/"


@pytest.mark.parametrize(
    ("row", "column", "code"),
    [
        (("2020-02-31", "张家界市", "430800", 5, 0, 4, 0), "date", "import.invalid_date"),
        (("15/02/2020x", "张家界市", "430800", 5, 0, 4, 0), "date", "import.invalid_date"),
        (("2020-02-15", "张家界市", "430800", -1, 0, 4, 0), "confirmed", "import.negative"),
        (("2020-02-15", "张家界市", "430800", 5, 0, 4.5, 0), "cured", "import.not_integer"),
        (("2020-02-15", "张家界市", "430800", 5, "many", 4, 0), "suspected", "import.not_integer"),
        (("2020-02-15", "无名市", "439900", 5, 0, 4, 0), "cityCode", "import.unknown_unit"),
        (
            ("2020-02-15", "武汉市", "420100", 5, 0, 4, 0),
            "cityCode",
            "import.unit_outside_province",
        ),
        (("2020-02-15", "张家界市", "430800", "", "", "", ""), None, "import.empty_row"),
    ],
)
def test_row_errors_name_the_row_and_column(
    province_officer: Any, csv_file: Build, row: tuple[Any, ...], column: str | None, code: str
) -> None:
    good = ("2020-02-14", "张家界市", "430800", 5, 0, 3, 0)
    errors = _errors(province_officer, csv_file(good, row))
    assert errors == [{"row": 3, "column": column, "code": code, "message": errors[0]["message"]}]
    assert errors[0]["message"]
    # All-or-nothing: the good row was not written either.
    assert DailyReport.objects.count() == 0
    assert DailyReportImport.objects.count() == 0


def test_future_dates_are_refused(province_officer: Any, csv_file: Build) -> None:
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    errors = _errors(province_officer, csv_file((tomorrow, "张家界市", "430800", 1, 0, 0, 0)))
    assert [e["code"] for e in errors] == ["import.future_date"]


def test_unknown_province_code(province_officer: Any) -> None:
    content = (
        "date,province,provinceCode,city,cityCode,confirmed,suspected,cured,dead\n"
        "2020-02-15,火星省,990000,,,1,0,0,0\n"
    ).encode()
    errors = _errors(province_officer, content)
    assert [(e["row"], e["column"], e["code"]) for e in errors] == [
        (2, "provinceCode", "import.unknown_unit")
    ]


def test_missing_columns_are_listed(province_officer: Any) -> None:
    content = b"date,province,provinceCode,city,confirmed,cured\n2020-02-15,x,430000,,1,0\n"
    errors = _errors(province_officer, content)
    assert {(e["row"], e["column"], e["code"]) for e in errors} == {
        (1, "cityCode", "import.missing_column"),
        (1, "suspected", "import.missing_column"),
        (1, "dead", "import.missing_column"),
    }


def test_empty_and_unreadable_files(province_officer: Any) -> None:
    assert [e["code"] for e in _errors(province_officer, b"")] == ["import.empty_file"]
    assert [e["code"] for e in _errors(province_officer, b"PK\x03\x04garbage", "x.xlsx")] == [
        "import.unreadable"
    ]


def test_duplicate_unit_and_date_is_an_error(province_officer: Any, csv_file: Build) -> None:
    row = ("2020-02-15", "张家界市", "430800", 5, 0, 4, 0)
    errors = _errors(province_officer, csv_file(row, row))
    assert [(e["row"], e["code"]) for e in errors] == [(3, "import.duplicate_row")]


def test_partial_import_writes_the_valid_rows(province_officer: Any, csv_file: Build) -> None:
    result = daily_report_import(
        actor=province_officer,
        file_name="p.csv",
        content=csv_file(
            ("2020-02-15", "张家界市", "430800", 5, 0, 4, 0),
            ("2020-02-15", "株洲市", "430200", -3, 0, 4, 0),
        ),
        partial=True,
    )
    assert result.created == 1
    assert [(e.row, e.code) for e in result.errors] == [(3, "import.negative")]
    assert DailyReportImport.objects.get().errors == 1


def test_units_without_a_code_are_kept_by_name(province_officer: Any, csv_file: Build) -> None:
    result = daily_report_import(
        actor=province_officer,
        file_name="units.csv",
        content=csv_file(
            ("2020-02-15", "监狱系统", "", 3, 0, 0, 0),
            ("2020-02-15", "待明确地区", "", 1, 0, 0, 0),
            ("2020-02-15", "境外输入", "4300y0", 0, 0, 0, 0),
            ("2020-02-16", "监狱系统", "", 4, 0, 0, 0),
        ),
    )
    assert (result.created, result.units_created, result.errors) == (4, 3, [])
    names = set(ReportingUnit.objects.values_list("name", flat=True))
    assert names == {"监狱系统", "待明确地区", "境外输入"}
    prison = ReportingUnit.objects.get(name="监狱系统")
    assert prison.code == "" and prison.parent.code == "430000"
    assert DailyReport.objects.filter(unit=prison).count() == 2


def test_scope_each_row_must_be_inside_the_area(city_officer: Any, csv_file: Build) -> None:
    errors = _errors(
        city_officer,
        csv_file(
            ("2020-02-15", "株洲市", "430200", 78, 0, 20, 0),
            ("2020-02-15", "张家界市", "430800", 5, 0, 4, 0),
            ("2020-02-15", "", "", 1004, 0, 430, 3),
        ),
    )
    assert [(e["row"], e["code"]) for e in errors] == [
        (3, "import.out_of_scope"),
        (4, "import.out_of_scope"),
    ]


def test_only_command_officers_file_reports(supervisor: Any, csv_file: Build) -> None:
    with pytest.raises(DomainError) as caught:
        daily_report_import(
            actor=supervisor,
            file_name="x.csv",
            content=csv_file(("2020-02-15", "张家界市", "430800", 5, 0, 4, 0)),
        )
    assert (caught.value.code, caught.value.status) == ("daily_report.forbidden", 403)


def test_excel_files_import_like_csv(province_officer: Any) -> None:
    import xlsxwriter

    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = workbook.add_worksheet()
    sheet.write_row(0, 0, HEADER.split(","))
    date_format = workbook.add_format({"num_format": "yyyy-mm-dd"})
    sheet.write_datetime(1, 0, dt.datetime(2020, 2, 15), date_format)
    sheet.write_row(1, 1, ["中国", "CN", "湖南省", 430000, "张家界市", 430800, 5, 0, 4, 0])
    sheet.write_row(
        2, 0, ["2020-02-16", "中国", "CN", "湖南省", "430000", "张家界市", "430800", 5, 0, 4.5, 0]
    )
    workbook.close()
    errors = _errors(province_officer, buffer.getvalue(), "series.xlsx")
    assert [(e["row"], e["column"], e["code"]) for e in errors] == [
        (3, "cured", "import.not_integer")
    ]
    result = daily_report_import(
        actor=province_officer, file_name="series.xlsx", content=buffer.getvalue(), partial=True
    )
    assert result.created == 1
    report = DailyReport.objects.get()
    assert (report.date, report.confirmed_cumulative, report.cured_cumulative) == (
        dt.date(2020, 2, 15),
        5,
        4,
    )


def test_gb18030_csv_from_excel_on_windows(province_officer: Any) -> None:
    text = HEADER + "\n2020/2/15,中国,CN,湖南省,430000,张家界市,430800,5,0,4,0\n"
    result = daily_report_import(
        actor=province_officer, file_name="gbk.csv", content=text.encode("gb18030")
    )
    assert result.created == 1
    assert DailyReport.objects.get().date == dt.date(2020, 2, 15)
