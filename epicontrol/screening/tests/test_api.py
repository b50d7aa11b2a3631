"""The screening API: entries, import, daily reports, roll-up, completeness, and scoping."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from epicontrol.people.models import Person
from epicontrol.screening.models import LedgerEntry

from .conftest import DAY
from .test_import_export import csv_file, ident, row

pytestmark = pytest.mark.django_db

BASE = "/api/v1/screening"


def new_person(n: int, name: str = "李四") -> dict:
    return {"name": name, "id_number": ident(n), "phone": f"138{n:08d}"}


def test_categories_and_groups(api_client_for, grid_worker):
    client = api_client_for(grid_worker)
    categories = client.get(f"{BASE}/categories").json()
    assert {"wuhan_returnee", "close_contact", "key_occupation"} <= {c["code"] for c in categories}
    groups = {g["code"]: g for g in client.get(f"{BASE}/category-groups").json()}
    assert groups["three_categories"]["definition_confirmed"] is False
    assert "close_contact" in groups["four_categories"]["categories"]


def test_register_then_reuse_the_person(api_client_for, grid_worker, grid):
    client = api_client_for(grid_worker)
    body = {
        "person": new_person(1),
        "category": "wuhan_returnee",
        "grid": grid.code,
        "origin": "湖北省武汉市",
        "arrival_date": "2020-01-22",
    }
    first = client.post(f"{BASE}/entries", body, content_type="application/json")
    assert first.status_code == 201, first.json()
    data = first.json()
    assert data["person_created"] is True
    assert data["id_number"] != ident(1) and "*" in data["id_number"]
    assert data["status"] == "registered" and data["registered_by"] == "grid_worker"
    again = client.post(
        f"{BASE}/entries",
        body | {"category": "fever_patient"},
        content_type="application/json",
    )
    assert again.status_code == 201
    assert again.json()["person_created"] is False
    assert again.json()["person_id"] == data["person_id"]
    duplicate = client.post(f"{BASE}/entries", body, content_type="application/json")
    assert duplicate.status_code == 409
    assert duplicate.json()["code"] == "ledger_entry.duplicate"
    assert Person.objects.count() == 1


def test_register_refusals(api_client_for, grid_worker, grid, grid2, supervisor):
    client = api_client_for(grid_worker)
    base = {"person": new_person(2), "category": "wuhan_returnee", "grid": grid.code}
    cases = [
        (base | {"grid": grid2.code}, 422, "ledger_entry.invalid_grid"),
        (base | {"grid": "999999999999999"}, 422, "ledger_entry.invalid_grid"),
        (base | {"category": "martians"}, 422, "ledger_entry.invalid_category"),
        (base | {"person": new_person(2) | {"id_number": "123"}}, 422, "person.invalid_id_number"),
        (base | {"person": new_person(2) | {"phone": "555"}}, 422, "person.invalid_phone"),
        (base | {"arrival_date": "2999-01-01"}, 422, "ledger_entry.invalid_date"),
        (base | {"source": "rumour"}, 422, "request.invalid"),
        ({"category": "wuhan_returnee", "grid": grid.code}, 422, "ledger_entry.person_required"),
    ]
    for body, status, code in cases:
        response = client.post(f"{BASE}/entries", body, content_type="application/json")
        assert (response.status_code, response.json()["code"]) == (status, code), body
    response = api_client_for(supervisor).post(
        f"{BASE}/entries", base, content_type="application/json"
    )
    assert (response.status_code, response.json()["code"]) == (403, "screening.forbidden")
    assert not LedgerEntry.objects.exists()


def test_candidates_need_confirmation(api_client_for, grid_worker, grid, register, person_data):
    register(grid, data=person_data(grid=grid, name="王五", phone="13900002222"))
    client = api_client_for(grid_worker)
    body = {
        "person": {"name": "王五", "id_number": ident(77), "phone": "13900002222"},
        "category": "fever_patient",
        "grid": grid.code,
    }
    response = client.post(f"{BASE}/entries", body, content_type="application/json")
    assert (response.status_code, response.json()["code"]) == (409, "person.possible_duplicates")
    confirmed = client.post(
        f"{BASE}/entries", body | {"confirm_new": True}, content_type="application/json"
    )
    assert confirmed.status_code == 201 and confirmed.json()["person_created"] is True


def test_entry_list_filters(api_client_for, county_officer, register, grid, grid2, grid3):
    register(grid, "wuhan_returnee", on=DAY)
    register(grid2, "fever_patient", on=DAY - dt.timedelta(days=5))
    closed = register(grid3, "close_contact", on=DAY)
    client = api_client_for(county_officer)
    client.post(
        f"{BASE}/entries/{closed.pk}/status",
        {"status": "cleared", "on": DAY.isoformat()},
        content_type="application/json",
    )

    def names(**params):
        response = client.get(f"{BASE}/entries", params)
        assert response.status_code == 200
        return response.json()["count"]

    assert names() == 3
    assert names(category="fever_patient") == 1
    assert names(group="four_categories") == 1
    assert names(grid=grid.code) == 1
    assert names(jurisdiction=grid.parent.code) == 2
    assert names(status="cleared") == 1
    assert names(open=True) == 2
    assert names(date_from=DAY.isoformat()) == 2
    assert names(date_to=(DAY - dt.timedelta(days=1)).isoformat()) == 1
    bad = client.get(f"{BASE}/entries", {"status": "bogus"})
    assert (bad.status_code, bad.json()["code"]) == (422, "request.invalid")


def test_status_changes_through_the_api(api_client_for, county_officer, register, grid):
    entry = register(grid)
    client = api_client_for(county_officer)
    url = f"{BASE}/entries/{entry.pk}/status"
    ok = client.post(url, {"status": "under_observation"}, content_type="application/json")
    assert ok.status_code == 200 and ok.json()["status"] == "under_observation"
    bad = client.post(url, {"status": "moved_away"}, content_type="application/json")
    assert (bad.status_code, bad.json()["code"]) == (409, "ledger_entry.invalid_transition")


def test_sibling_sees_nothing_through_the_api(
    api_client_for, sibling_officer, register, grid, grid_worker
):
    entry = register(grid)
    api_client_for(grid_worker).post(
        f"{BASE}/daily-reports",
        {"grid": grid.code, "date": DAY.isoformat()},
        content_type="application/json",
    )
    client = api_client_for(sibling_officer)
    assert client.get(f"{BASE}/entries").json()["count"] == 0
    assert client.get(f"{BASE}/entries", {"jurisdiction": "430203"}).json()["count"] == 0
    assert client.get(f"{BASE}/entries/{entry.pk}").status_code == 404
    response = client.post(
        f"{BASE}/entries/{entry.pk}/status", {"status": "cleared"}, content_type="application/json"
    )
    assert response.status_code == 404
    assert client.get(f"{BASE}/daily-reports").json()["count"] == 0
    for path in ("rollup", "completeness"):
        response = client.get(f"{BASE}/{path}", {"jurisdiction": "430203", "date": DAY})
        assert (response.status_code, response.json()["code"]) == (404, "not_found")
        response = client.get(f"{BASE}/{path}", {"jurisdiction": grid.code, "date": DAY})
        assert response.status_code == 404
    export = client.get(f"{BASE}/export")
    assert export.status_code == 200
    lines = b"".join(export.streaming_content).decode("utf-8-sig").strip().splitlines()
    assert len(lines) == 1  # the header only
    response = client.post(
        f"{BASE}/daily-reports", {"grid": grid.code}, content_type="application/json"
    )
    assert (response.status_code, response.json()["code"]) == (422, "ledger_entry.invalid_grid")


def test_import_endpoint(api_client_for, grid_worker, grid):
    client = api_client_for(grid_worker)
    good = csv_file([row(i, grid) for i in range(1, 6)])
    response = client.post(
        f"{BASE}/import", {"file": SimpleUploadedFile("ledger.csv", good, "text/csv")}
    )
    assert response.status_code == 200, response.json()
    assert response.json() | {"errors": []} == {
        "created": 5,
        "unchanged": 0,
        "errors": [],
        "applied": True,
        "rows": 5,
        "persons_created": 5,
    }
    again = client.post(
        f"{BASE}/import", {"file": SimpleUploadedFile("ledger.csv", good, "text/csv")}
    )
    assert (again.json()["created"], again.json()["unchanged"]) == (0, 5)
    bad = csv_file([row(10, grid), row(11, grid, category="外星人")])
    rejected = client.post(
        f"{BASE}/import", {"file": SimpleUploadedFile("bad.csv", bad, "text/csv")}
    )
    assert rejected.status_code == 422
    body = rejected.json()
    assert body["code"] == "import.rows_invalid" and body["created"] == 0
    assert body["errors"] == [
        {
            "row": 3,
            "column": "category",
            "code": "import.unknown_category",
            "message": body["errors"][0]["message"],
        }
    ]
    partial = client.post(
        f"{BASE}/import",
        {"file": SimpleUploadedFile("bad.csv", bad, "text/csv"), "good_rows_only": "true"},
    )
    assert partial.status_code == 200 and partial.json()["created"] == 1
    wrong = client.post(
        f"{BASE}/import", {"file": SimpleUploadedFile("x.pdf", b"%PDF", "application/pdf")}
    )
    assert (wrong.status_code, wrong.json()["code"]) == (422, "import.invalid_file")


def test_daily_reports_rollup_and_completeness(
    api_client_for, grid_worker, county_officer, register, grid, grid2
):
    register(grid, on=DAY)
    worker = api_client_for(grid_worker)
    zero = worker.post(
        f"{BASE}/daily-reports",
        {"grid": grid.code, "date": DAY.isoformat(), "zero": True},
        content_type="application/json",
    )
    assert (zero.status_code, zero.json()["code"]) == (409, "daily_report.not_zero")
    ok = worker.post(
        f"{BASE}/daily-reports",
        {"grid": grid.code, "date": DAY.isoformat()},
        content_type="application/json",
    )
    assert ok.status_code == 201
    assert ok.json()["new"] == 1 and ok.json()["version"] == 1
    assert ok.json()["new_by_category"] == {"wuhan_returnee": 1}
    future = worker.post(
        f"{BASE}/daily-reports",
        {"grid": grid.code, "date": "2999-01-01"},
        content_type="application/json",
    )
    assert (future.status_code, future.json()["code"]) == (422, "daily_report.invalid")

    officer = api_client_for(county_officer)
    listed = officer.get(f"{BASE}/daily-reports", {"date": DAY.isoformat()}).json()
    assert listed["count"] == 1 and listed["items"][0]["confirmed_by"] == "grid_worker"
    rollup = officer.get(f"{BASE}/rollup", {"jurisdiction": "430203", "date": DAY}).json()
    assert rollup["total"]["figures"]["new"] == 1
    assert rollup["total"]["grids_total"] == 2 and rollup["total"]["grids_reported"] == 1
    assert sum(c["figures"]["new"] for c in rollup["children"]) == 1
    default = officer.get(f"{BASE}/rollup", {"date": DAY}).json()
    assert default["jurisdiction"] == "430203"
    completeness = officer.get(
        f"{BASE}/completeness", {"jurisdiction": "430203", "date": DAY}
    ).json()
    assert completeness["grids_missing"] == 1
    assert [m["code"] for m in completeness["missing"]] == [grid2.code]


def test_export_endpoint_masks_for_roles_without_full_access(
    api_client_for, supervisor, grid_worker, register, grid
):
    entry = register(grid)
    clear = entry.person.id_number
    masked = api_client_for(supervisor).get(f"{BASE}/export", {"format": "csv"})
    text = b"".join(masked.streaming_content).decode("utf-8-sig")
    assert entry.person.name in text and clear not in text
    full = api_client_for(grid_worker).get(f"{BASE}/export", {"format": "csv"})
    assert clear in b"".join(full.streaming_content).decode("utf-8-sig")
    xlsx = api_client_for(supervisor).get(f"{BASE}/export", {"format": "xlsx"})
    assert xlsx.status_code == 200
    assert b"".join(xlsx.streaming_content)[:2] == b"PK"
