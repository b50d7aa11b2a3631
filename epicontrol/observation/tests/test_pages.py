"""Observation pages: the grid worker's day, the check form, detail, notice, alerts, sites,
re-plan, living needs, and that a sibling county gets 404s and empty lists."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from epicontrol.observation import services
from epicontrol.observation.models import DailyCheck, Room

pytestmark = pytest.mark.django_db

D = dt.date


@pytest.fixture
def worker_client(client: Client, grid_worker: Any) -> Client:
    client.force_login(grid_worker)
    return client


def test_today_list_shows_due_checks_first_in_chinese(
    worker_client: Client,
    grid_worker: Any,
    person: Any,
    other_person: Any,
    start: Callable[..., Any],
    at: Callable[..., Any],
) -> None:
    at(2020, 2, 3, 9)
    done = start(person, D(2020, 2, 1))
    start(other_person, D(2020, 2, 1))
    for slot in (1, 2):
        services.check_record(actor=grid_worker, observation=done, slot=slot, temperature_c="36.5")
    html = worker_client.get("/observation/").content.decode()
    assert "今日" in html and "记录" in html
    assert "王五" in html and "李四" not in html  # checks still due first; done ones apart
    done = worker_client.get("/observation/?done=1").content.decode()
    assert "李四" in done and "王五" not in done


def test_grid_worker_records_morning_and_evening_checks(
    worker_client: Client,
    grid_worker: Any,
    person: Any,
    start: Callable[..., Any],
    at: Callable[..., Any],
) -> None:
    at(2020, 2, 3, 8)
    obs = start(person, D(2020, 2, 1))
    url = f"/observation/{obs.pk}/check/"
    page = worker_client.get(url).content.decode()
    assert "上午" in page and "晚上" in page
    response = worker_client.post(url, {"slot": 1, "temperature_c": "36.4", "note": ""})
    assert response.status_code == 302
    at(2020, 2, 3, 19)
    worker_client.force_login(grid_worker)  # the 30-minute idle session expired meanwhile
    response = worker_client.post(
        url, {"slot": 2, "temperature_c": "37.6", "symptoms": ["cough"]}, follow=True
    )
    assert "发热" in response.content.decode()
    assert list(DailyCheck.objects.filter(observation=obs).values_list("slot", flat=True)) == [1, 2]
    assert obs.alerts.filter(kind="fever").exists()
    bad = worker_client.post(url, {"slot": 1, "temperature_c": "36.4"}, follow=True)
    assert "已记录" in bad.content.decode()  # check.duplicate, shown in Chinese


def test_detail_release_and_printable_notice(
    worker_client: Client, person: Any, start: Callable[..., Any], at: Callable[..., Any]
) -> None:
    at(2020, 2, 14, 10)
    obs = start(person, D(2020, 1, 31))
    detail = worker_client.get(f"/observation/{obs.pk}/").content.decode()
    assert "防控方案第三版" in detail and "2020-02-14" in detail
    response = worker_client.post(f"/observation/{obs.pk}/release/", {"on": "2020-02-14"})
    assert response.status_code == 302 and response["Location"].endswith("/notice/")
    notice = worker_client.get(response["Location"]).content.decode()
    assert "解除医学观察告知书" in notice and "李四" in notice and "2020年2月14日" in notice
    assert "14" in notice and "潜伏期" in notice


def test_release_too_early_shows_the_reason(
    worker_client: Client, person: Any, start: Callable[..., Any], at: Callable[..., Any]
) -> None:
    at(2020, 2, 5, 10)
    obs = start(person, D(2020, 2, 1))
    response = worker_client.post(f"/observation/{obs.pk}/release/", {}, follow=True)
    assert "尚未结束" in response.content.decode()
    assert worker_client.get(f"/observation/{obs.pk}/notice/").status_code == 404


def test_start_page_creates_an_observation(
    worker_client: Client, person: Any, at: Callable[..., Any]
) -> None:
    at(2020, 2, 5, 10)
    from epicontrol.people.models import Person

    number = Person.objects.get(pk=person.pk).id_number
    response = worker_client.post(
        "/observation/new/",
        {"id_number": number, "category": "returnee", "anchor_date": "2020-02-01", "kind": ""},
    )
    assert response.status_code == 302
    page = worker_client.get(response["Location"]).content.decode()
    assert "居家隔离" in page
    missing = worker_client.post(
        "/observation/new/",
        {"id_number": "430203199001010000", "category": "returnee", "anchor_date": "2020-02-01"},
    )
    assert missing.status_code == 200 and "没有" in missing.content.decode()


def test_alerts_page_acknowledge_and_resolve(
    worker_client: Client,
    grid_worker: Any,
    person: Any,
    start: Callable[..., Any],
    at: Callable[..., Any],
) -> None:
    at(2020, 2, 3, 20)
    obs = start(person, D(2020, 2, 1))
    services.check_record(actor=grid_worker, observation=obs, slot=2, temperature_c="38.4")
    alert = obs.alerts.get()
    page = worker_client.get("/observation/alerts/").content.decode()
    assert "发热" in page and "李四" in page
    worker_client.post(f"/observation/alerts/{alert.pk}/acknowledge/")
    worker_client.post(f"/observation/alerts/{alert.pk}/resolve/", {"note": "已送发热门诊"})
    alert.refresh_from_db()
    assert alert.status == "resolved" and alert.resolution_note == "已送发热门诊"
    assert "李四" not in worker_client.get("/observation/alerts/").content.decode()


def test_sites_and_needs_pages(
    client: Client,
    county_officer: Any,
    person: Any,
    start: Callable[..., Any],
) -> None:
    client.force_login(county_officer)
    response = client.post(
        "/observation/sites/",
        {"name": "一号隔离点", "jurisdiction": "430203", "category": "close_contact"},
    )
    assert response.status_code == 302
    site_url = response["Location"]
    client.post(site_url, {"form": "room", "number": "301", "beds": "2"})
    obs = start(person, D(2020, 2, 1), actor=county_officer)
    services.room_assign(actor=county_officer, observation=obs, room=Room.objects.get())
    page = client.get(site_url).content.decode()
    assert "301" in page and "李四" in page and "1 / 2" in page
    services.need_create(actor=county_officer, observation=obs, kind="food", detail="蔬菜")
    needs = client.get("/observation/needs/").content.decode()
    assert "蔬菜" in needs
    need = obs.living_needs.get()
    client.post(f"/observation/needs/{need.pk}/handle/", {"note": "已送"})
    need.refresh_from_db()
    assert need.status == "handled" and need.handled_by == county_officer


def test_replan_page_previews_then_applies(
    client: Client, county_officer: Any, person: Any, start: Callable[..., Any]
) -> None:
    client.force_login(county_officer)
    obs = start(person, D(2021, 5, 5))
    preview = client.get("/observation/replan/", {"as_of": "2021-05-14"}).content.decode()
    assert "2021-05-19" in preview and "2021-05-26" in preview and "第八版" in preview
    token = services.replan_preview(actor=county_officer, as_of=D(2021, 5, 14)).token
    response = client.post("/observation/replan/", {"as_of": "2021-05-14", "token": token})
    assert response.status_code == 302
    obs.refresh_from_db()
    assert obs.policy_version.code == "v8" and obs.end_date == D(2021, 5, 26)


def test_sibling_county_gets_404_and_empty_pages(
    client: Client,
    sibling_officer: Any,
    county_officer: Any,
    person: Any,
    start: Callable[..., Any],
    at: Callable[..., Any],
) -> None:
    at(2020, 2, 3, 20)
    obs = start(person, D(2020, 2, 1))
    services.check_record(actor=county_officer, observation=obs, slot=2, temperature_c="38.0")
    need = services.need_create(actor=county_officer, observation=obs, kind="food", detail="米")
    site = services.site_create(
        actor=county_officer, jurisdiction=obs.jurisdiction.parent.parent.parent, name="甲隔离点"
    )
    client.force_login(sibling_officer)
    for url in (
        "/observation/",
        "/observation/?status=all",
        "/observation/alerts/?status=all",
        "/observation/needs/?status=all",
        "/observation/sites/",
    ):
        html = client.get(url).content.decode()
        assert "李四" not in html and "甲隔离点" not in html, url
    for url in (
        f"/observation/{obs.pk}/",
        f"/observation/{obs.pk}/check/",
        f"/observation/sites/{site.pk}/",
        f"/observation/{obs.pk}/notice/",
    ):
        assert client.get(url).status_code == 404, url
    alert = obs.alerts.get()
    for url in (
        f"/observation/{obs.pk}/close/",
        f"/observation/alerts/{alert.pk}/resolve/",
        f"/observation/needs/{need.pk}/handle/",
    ):
        assert client.post(url, {"reason": "x"}).status_code == 404, url
    obs.refresh_from_db()
    alert.refresh_from_db()
    assert obs.status == "active" and alert.status == "open"
