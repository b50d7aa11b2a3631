"""Streamed CSV/XLSX exports: masked by default, full for allowed roles (audited), scoped."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest

from epicontrol.core.models import AuditEntry
from epicontrol.people.imports import person_import
from epicontrol.people.spreadsheets import read_table
from epicontrol.people.tests.factories import make_person
from epicontrol.people.tests.helpers import read_xlsx, streamed

pytestmark = pytest.mark.django_db


@pytest.fixture
def registered(county_officer: Any, jianshe: Any) -> list[Any]:
    return [
        make_person(actor=county_officer, jurisdiction=jianshe, name=f"导出{i}") for i in range(3)
    ]


def rows_of(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def test_csv_export_is_streamed_and_masked(
    client: Any, county_officer: Any, registered: list[Any]
) -> None:
    client.force_login(county_officer)
    r = client.get("/people/export/", {"format": "csv", "q": "导出"})
    assert r.status_code == 200 and r["Content-Type"].startswith("text/csv")
    assert r["Cache-Control"] == "no-store"
    data = streamed(r)
    assert data.startswith("\ufeff".encode())
    rows = rows_of(data)
    assert rows[0][:3] == ["姓名 name", "证件类型 id_type", "证件号码 id_number"]
    assert sorted(row[0] for row in rows[1:]) == ["导出0", "导出1", "导出2"]
    for p in registered:
        assert p.id_number.encode() not in data and p.phone[3:].encode() not in data
        assert p.id_number_masked.encode() in data
    entry = AuditEntry.objects.get(action="people.exported")
    assert entry.changes == {"format": "csv", "full": False, "filters": {"q": "导出"}}
    assert entry.jurisdiction_path.startswith("430000/430200/430203/")


def test_full_export_for_allowed_roles_only(
    client: Any, county_officer: Any, supervisor: Any, registered: list[Any]
) -> None:
    client.force_login(supervisor)
    assert client.get("/people/export/", {"format": "csv", "full": "1"}).status_code == 403
    client.force_login(county_officer)
    data = streamed(client.get("/people/export/", {"format": "csv", "full": "1"}))
    for p in registered:
        assert p.id_number.encode() in data and p.phone[3:].encode() in data
    assert AuditEntry.objects.get(action="people.exported").changes["full"] is True


def test_full_export_reimports_unchanged(
    client: Any, county_officer: Any, registered: list[Any]
) -> None:
    client.force_login(county_officer)
    data = streamed(client.get("/people/export/", {"format": "csv", "full": "1"}))
    result = person_import(actor=county_officer, table=read_table(io.BytesIO(data)))
    assert (result.created, result.unchanged, result.errors) == (0, 3, [])


def test_xlsx_export(client: Any, county_officer: Any, registered: list[Any]) -> None:
    client.force_login(county_officer)
    r = client.get("/people/export/", {"format": "xlsx"})
    assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = read_xlsx(streamed(r))
    assert sheet[0][0] == "姓名 name" and len(sheet) == 4
    assert {row[2] for row in sheet[1:]} == {p.id_number_masked for p in registered}
    assert client.get("/people/export/", {"format": "pdf"}).status_code == 400


def test_export_api(
    api_client_for: Any, county_officer: Any, supervisor: Any, registered: list[Any]
) -> None:
    client = api_client_for(county_officer)
    r = client.get("/api/v1/people/export", {"format": "csv", "id_number": registered[0].id_number})
    rows = rows_of(streamed(r))
    assert [row[0] for row in rows[1:]] == [registered[0].name]
    entry = AuditEntry.objects.get(action="people.exported")
    assert entry.changes["filters"] == {"id_number": "***"}
    assert client.get("/api/v1/people/export", {"format": "doc"}).status_code == 422
    r = api_client_for(supervisor).get("/api/v1/people/export", {"full": "true"})
    assert r.status_code == 403 and r.json()["code"] == "export.forbidden"


def test_sibling_export_has_no_rows(
    client: Any,
    api_client_for: Any,
    sibling_officer: Any,
    registered: list[Any],
    sibling_person: Any,
) -> None:
    client.force_login(sibling_officer)
    rows = rows_of(
        streamed(client.get("/people/export/", {"format": "csv", "jurisdiction": "430203"}))
    )
    assert rows[1:] == []
    rows = rows_of(streamed(client.get("/people/export/", {"format": "csv", "full": "1"})))
    assert [row[0] for row in rows[1:]] == [sibling_person.name]
    rows = rows_of(streamed(api_client_for(sibling_officer).get("/api/v1/people/export")))
    assert [row[0] for row in rows[1:]] == [sibling_person.name]
    sheet = read_xlsx(streamed(client.get("/people/export/", {"format": "xlsx"})))
    assert [row[0] for row in sheet[1:]] == [sibling_person.name]
