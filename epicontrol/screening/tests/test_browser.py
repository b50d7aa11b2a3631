"""A grid worker registers a returnee on a phone and confirms the day's report (390×844)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.support import PASSWORD, PHONE, ZHUZHOU, chromium_page, ensure_divisions


def grid_worker_on_a_grid() -> tuple[Any, Any]:
    """The few rows the test needs (a transactional test may run on a flushed database)."""
    from epicontrol.accounts.models import Membership, User
    from epicontrol.screening.taxonomy import seed_default_taxonomy

    seed_default_taxonomy()
    made = ensure_divisions(
        (
            *ZHUZHOU,
            ("430203001001", "新华社区", "community", "community", "430203001"),
            ("430203001001001", "第一网格", "grid", "grid", "430203001001"),
        )
    )
    grid = made["430203001001001"]
    worker = User.objects.create_user(
        username="grid_browser", password=PASSWORD, display_name="网格员 刘芳"
    )
    Membership.objects.create(user=worker, role="grid_worker", jurisdiction=grid)
    return worker, grid


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_grid_worker_registers_a_returnee_on_a_phone(live_server: Any) -> None:
    from epicontrol.people.tests.factories import resident_id
    from epicontrol.screening.models import DailyReport, LedgerEntry

    worker, grid = grid_worker_on_a_grid()
    id_number = resident_id(seq=7)
    with chromium_page(viewport=PHONE, is_mobile=True) as page:
        page.goto(f"{live_server.url}/accounts/login/?next=/screening/register")
        page.fill("input[name=username]", "grid_browser")
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url("**/screening/register")
        assert page.locator("h1").inner_text() == "登记重点人员"
        # The grid comes from the worker's membership: no choice to make on a phone.
        assert page.locator("input[name=grid]").input_value() == str(grid.pk)
        page.fill("#id_name", "刘洋")
        page.fill("#id_id_number", id_number)
        page.fill("#id_phone", "139 1111 2222")
        page.select_option("#id_category", "wuhan_returnee")
        page.select_option("#id_source", "door_to_door")
        page.fill("#id_origin", "湖北省武汉市")
        page.fill("#id_arrival_date", "2020-01-22")
        page.click("#register-form button[type=submit]:has-text('登记')")
        page.wait_for_url("**/screening/entries/*")
        assert "刘洋" in page.locator("h1").inner_text()
        assert "已登记" in page.locator("h1").inner_text()
        body = page.locator("main").inner_text()
        assert "武汉来（返）人员" in body and id_number not in body
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"the page scrolls sideways on a phone ({width}px)"

        page.goto(f"{live_server.url}/screening/daily")
        assert page.locator("[data-figure=new]").inner_text() == "1"
        assert page.locator("button[value=zero]").is_disabled()
        page.click("button[value=confirm]")
        page.wait_for_selector("#report-status .badge.ok")
        assert "已确认上报" in page.locator("#report-status").inner_text()
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"the report page scrolls sideways ({width}px)"
    entry = LedgerEntry.objects.get()
    assert entry.registered_by == worker and entry.grid == grid
    assert entry.person.phone_masked == "139****2222"
    report = DailyReport.objects.get()
    assert report.new == 1 and report.confirmed_by == worker
