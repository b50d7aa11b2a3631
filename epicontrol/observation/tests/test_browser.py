"""A grid worker, on a phone (390×844), records the morning and the evening check of a person
under observation."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.utils import timezone

from tests.browser.support import PASSWORD, PHONE, ZHUZHOU, chromium_page, ensure_divisions

DIVISIONS = (
    *ZHUZHOU,
    ("430203001901", "浏览器社区", "community", "community", "430203001"),
    ("430203001901001", "第一网格", "grid", "grid", "430203001901"),
)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_grid_worker_records_morning_and_evening_checks_on_a_phone(
    live_server: Any, settings: Any
) -> None:
    from epicontrol.accounts.models import Membership, User
    from epicontrol.core.policy import seed_policy_versions
    from epicontrol.observation.models import DailyCheck
    from epicontrol.observation.services import observation_start
    from epicontrol.observation.timers import LOCAL_DOMAIN
    from epicontrol.people.tests.factories import make_person

    settings.SESSION_COOKIE_AGE = 24 * 3600  # the clock jumps from morning to evening below
    seed_policy_versions()
    seed_policy_versions(Path(__file__).resolve().parents[1] / "seed" / "policy_versions.json")
    assert LOCAL_DOMAIN == "observation"
    places = ensure_divisions(DIVISIONS)
    grid = places["430203001901001"]
    worker = User.objects.create_user(username="grid_browser", password=PASSWORD)
    Membership.objects.create(user=worker, role="grid_worker", jurisdiction=grid)
    admin = User(username="setup", is_superuser=True)
    person = make_person(actor=admin, jurisdiction=grid, name="周八")
    morning = timezone.make_aware(dt.datetime(2020, 2, 3, 8, 5))
    with time_machine.travel(morning, tick=True) as clock:
        obs = observation_start(
            actor=worker, person=person, category="close_contact", anchor_date=dt.date(2020, 2, 1)
        )
        with chromium_page(viewport=PHONE, is_mobile=True, has_touch=True) as page:
            page.goto(f"{live_server.url}/accounts/login/")
            page.fill("input[name=username]", "grid_browser")
            page.fill("input[name=password]", PASSWORD)
            page.click("button[type=submit]")
            page.wait_for_load_state()

            # Today's list: the person, with two checks due, and a big button.
            page.goto(f"{live_server.url}/observation/")
            card = page.locator("#due-today li", has_text="周八")
            assert "待测 2 次" in card.inner_text()
            card.get_by_role("link", name="记录体温").click()
            page.wait_for_url(f"**/observation/{obs.pk}/check/")

            # Morning.
            page.fill("#s1_temperature_c", "36.5")
            page.get_by_role("button", name="保存上午监测").click()
            page.wait_for_load_state()
            assert "上午监测已记录" in page.locator(".messages").inner_text()
            assert page.locator("#slot-1 form").count() == 0

            # Evening of the same day: a fever with a cough.
            clock.move_to(timezone.make_aware(dt.datetime(2020, 2, 3, 19, 30)))
            page.reload()
            page.fill("#s2_temperature_c", "37.8")
            page.locator("#slot-2").get_by_label("咳嗽").check()
            page.get_by_role("button", name="保存晚上监测").click()
            page.wait_for_load_state()
            assert "已生成预警" in page.locator(".messages").inner_text()
            shots = os.environ.get("OBSERVATION_SCREENSHOTS")
            if shots:  # for a human look at the phone layout
                page.screenshot(path=f"{shots}/check-phone.png", full_page=True)

            page.goto(f"{live_server.url}/observation/")
            assert page.locator("#due-today li", has_text="周八").count() == 0
            page.goto(f"{live_server.url}/observation/?done=1")
            assert "已完成" in page.locator("#due-today li", has_text="周八").inner_text()
            page.goto(f"{live_server.url}/observation/alerts/")
            assert "发热" in page.locator("table").inner_text()
    checks = list(DailyCheck.objects.filter(observation=obs).order_by("slot"))
    assert [(c.slot, str(c.temperature_c), c.symptoms) for c in checks] == [
        (1, "36.5", []),
        (2, "37.8", ["cough"]),
    ]
    assert obs.alerts.filter(kind="fever").count() == 1
