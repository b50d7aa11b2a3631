"""Pages: ledger list, registration, entry detail, import, daily report, roll-up, completeness."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from epicontrol.people.models import Person
from epicontrol.screening.models import DailyReport, LedgerEntry

from .conftest import DAY
from .test_import_export import csv_file, ident, row

pytestmark = pytest.mark.django_db


@pytest.fixture
def login(client):
    def as_user(user):
        client.force_login(user)
        return client

    return as_user


def test_pages_render_in_chinese(login, county_officer, register, grid):
    register(grid)
    client = login(county_officer)
    for name in ("entries", "rollup", "completeness", "categories", "import", "register"):
        response = client.get(reverse(f"screening:{name}"))
        assert response.status_code == 200, name
        assert '<html lang="zh-hans">' in response.content.decode()
    text = client.get(reverse("screening:entries")).content.decode()
    assert "重点人员排查台账" in text and "武汉来（返）人员" in text
    assert "三类人员" in client.get(reverse("screening:categories")).content.decode()
    assert "定义未经证实" in client.get(reverse("screening:categories")).content.decode()


def test_grid_worker_registers_a_returnee_and_is_redirected(login, grid_worker, grid):
    client = login(grid_worker)
    form = client.get(reverse("screening:register")).content.decode()
    assert f'name="grid" value="{grid.pk}"' in form  # pre-filled from the membership
    response = client.post(
        reverse("screening:register"),
        {
            "name": "刘洋",
            "id_type": "resident_id",
            "id_number": ident(1),
            "phone": "13911112222",
            "category": "wuhan_returnee",
            "source": "door_to_door",
            "origin": "湖北省武汉市",
            "arrival_date": "2020-01-23",
            "grid": grid.pk,
        },
    )
    entry = LedgerEntry.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("screening:entry_detail", args=[entry.pk])
    assert entry.person.name == "刘洋" and entry.registered_by == grid_worker
    detail = client.get(response.url).content.decode()
    assert "刘洋" in detail and ident(1) not in detail and "已登记" in detail


def test_the_form_reuses_an_existing_document_and_shows_candidates(
    login, grid_worker, grid, register, person_data
):
    existing = register(grid, "fever_patient", data=person_data(grid=grid, name="王五"))
    client = login(grid_worker)
    base = {
        "id_type": "resident_id",
        "category": "wuhan_returnee",
        "source": "door_to_door",
        "grid": grid.pk,
    }
    # Same document: reused at once.
    response = client.post(
        reverse("screening:register"),
        base | {"name": "王五", "id_number": existing.person.id_number},
    )
    assert response.status_code == 302
    assert Person.objects.count() == 1
    # Same name and phone, another document: candidates are shown first.
    phone = existing.person.phone[3:]
    candidate_form = base | {"name": "王五", "id_number": ident(50), "phone": phone}
    response = client.post(
        reverse("screening:register"), candidate_form | {"category": "close_contact"}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "是否为以下人员之一" in page and f'value="{existing.person_id}"' in page
    chosen = client.post(
        reverse("screening:register"),
        candidate_form | {"category": "close_contact", "person_id": existing.person_id},
    )
    assert chosen.status_code == 302
    assert Person.objects.count() == 1
    assert LedgerEntry.objects.filter(person=existing.person).count() == 3


def test_register_check_says_the_document_is_known(login, grid_worker, grid, register, person_data):
    existing = register(grid, data=person_data(grid=grid))
    client = login(grid_worker)
    response = client.get(
        reverse("screening:register_check"),
        {"id_type": "resident_id", "id_number": existing.person.id_number},
    )
    assert "已登记" in response.content.decode()


def test_status_change_page(login, county_officer, register, grid):
    entry = register(grid)
    client = login(county_officer)
    response = client.post(
        reverse("screening:entry_detail", args=[entry.pk]),
        {"status": "cleared", "on": DAY.isoformat(), "reason": "超过14天潜伏期无症状"},
    )
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.status == "cleared"
    page = client.get(reverse("screening:entry_detail", args=[entry.pk])).content.decode()
    assert "已登记 → 已解除" in page


def test_import_page_shows_row_errors(login, grid_worker, grid):
    client = login(grid_worker)
    bad = csv_file([row(1, grid), row(2, grid, category="外星人")])
    response = client.post(
        reverse("screening:import"),
        {"file": SimpleUploadedFile("ledger.csv", bad), "source": "door_to_door"},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "import.unknown_category" in page and "未知的人员类别" in page
    assert not LedgerEntry.objects.exists()
    template = client.get(reverse("screening:template"))
    assert template.status_code == 200 and template.content[:2] == b"PK"


def test_daily_report_page_confirms_and_zero_reports(login, grid_worker, grid, register):
    today = timezone.localdate()
    client = login(grid_worker)
    page = client.get(reverse("screening:daily_report")).content.decode()
    assert "尚未报告" in page and "零报告" in page
    response = client.post(
        reverse("screening:daily_report"),
        {"grid": grid.pk, "date": today.isoformat(), "action": "zero"},
    )
    assert response.status_code == 302
    report = DailyReport.objects.get(grid=grid, day=today)
    assert report.is_zero and report.confirmed_by == grid_worker
    # A registration later that day makes the zero report stale; the worker confirms again.
    register(grid, on=today)
    page = client.get(response.url).content.decode()
    assert "请重新确认" in page
    assert "disabled" in page  # the zero report button is off: there is something new
    client.post(
        reverse("screening:daily_report"),
        {"grid": grid.pk, "date": today.isoformat(), "action": "confirm"},
    )
    report.refresh_from_db()
    assert (report.is_zero, report.new, report.version) == (False, 1, 2)


def test_rollup_and_completeness_pages(login, county_officer, grid_worker, register, grid, grid2):
    register(grid, on=DAY)
    client = login(grid_worker)
    client.post(
        reverse("screening:daily_report"),
        {"grid": grid.pk, "date": DAY.isoformat(), "action": "confirm"},
    )
    client = login(county_officer)
    page = client.get(reverse("screening:rollup"), {"jurisdiction": "430203", "date": DAY})
    text = page.content.decode()
    assert page.status_code == 200 and 'data-code="430203001"' in text
    drill = client.get(reverse("screening:rollup"), {"jurisdiction": grid.parent.code, "date": DAY})
    assert f'data-code="{grid.code}"' in drill.content.decode()
    missing = client.get(
        reverse("screening:completeness"), {"jurisdiction": "430203", "date": DAY}
    ).content.decode()
    assert f'data-code="{grid2.code}"' in missing and f'data-code="{grid.code}"' not in missing


def test_sibling_gets_404_and_empty_lists(login, sibling_officer, register, grid):
    entry = register(grid)
    client = login(sibling_officer)
    assert client.get(reverse("screening:entry_detail", args=[entry.pk])).status_code == 404
    assert (
        client.post(
            reverse("screening:entry_detail", args=[entry.pk]), {"status": "cleared"}
        ).status_code
        == 404
    )
    listing = client.get(reverse("screening:entries"), {"jurisdiction": "430203"})
    assert entry.person.name not in listing.content.decode()
    for name in ("rollup", "completeness"):
        response = client.get(reverse(f"screening:{name}"), {"jurisdiction": "430203"})
        assert response.status_code == 404
    export = client.get(reverse("screening:export"), {"format": "csv"})
    body = b"".join(export.streaming_content).decode("utf-8-sig")
    assert entry.person.name not in body
    # The sibling's own grids do not include 芦淞区's: registering there is impossible.
    assert client.get(reverse("screening:register")).status_code == 404


def test_supervisor_export_is_masked(login, supervisor, register, grid):
    entry = register(grid)
    client = login(supervisor)
    export = client.get(reverse("screening:export"), {"format": "csv", "jurisdiction": "430203"})
    body = b"".join(export.streaming_content).decode("utf-8-sig")
    assert entry.person.name in body and entry.person.id_number not in body
    assert entry.person.id_number_masked in body
    xlsx = client.get(reverse("screening:export"), {"format": "xlsx"})
    assert b"".join(xlsx.streaming_content)[:2] == b"PK"


def test_dates_in_the_query_string_are_forgiving(login, county_officer):
    client = login(county_officer)
    response = client.get(reverse("screening:rollup"), {"date": "not-a-date"})
    assert response.status_code == 200
    assert dt.date.today().isoformat() in response.content.decode()


def test_daily_report_page_refuses_a_grid_that_is_not_yours(login, grid_worker, grid2):
    client = login(grid_worker)
    assert client.get(reverse("screening:daily_report"), {"grid": grid2.pk}).status_code == 404
    response = client.post(reverse("screening:daily_report"), {"grid": grid2.pk, "action": "zero"})
    assert response.status_code == 404
    assert not DailyReport.objects.exists()
