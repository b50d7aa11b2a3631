"""The provincial officer opens the dashboard and drills down to the records behind a figure."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tests.browser.support import PASSWORD, ZHUZHOU, chromium_page, ensure_divisions

DIVISIONS = (
    *ZHUZHOU[:3],
    ("430800", "张家界市", "city", "prefecture_city", "430000"),
)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_provincial_dashboard_drills_down_to_a_citys_report_rows(live_server: Any) -> None:
    from epicontrol.accounts.models import Membership, User
    from epicontrol.reports.rates import seed_rate_definitions
    from epicontrol.reports.services import daily_report_submit

    seed_rate_definitions()
    places = ensure_divisions(DIVISIONS)
    officer = User.objects.create_user(username="province_browser", password=PASSWORD)
    Membership.objects.create(user=officer, role="command_officer", jurisdiction=places["430000"])
    for day, province, zhuzhou, zhangjiajie in (
        (dt.date(2020, 2, 14), (80, 20), (75, 18), (5, 2)),
        (dt.date(2020, 2, 15), (84, 25), (78, 21), (5, 4)),
    ):
        for code, (confirmed, cured) in (
            ("430000", province), ("430200", zhuzhou), ("430800", zhangjiajie),
        ):  # fmt: skip
            daily_report_submit(
                actor=officer, jurisdiction=places[code], day=day,
                values={"confirmed_cumulative": confirmed, "cured_cumulative": cured,
                        "dead_cumulative": 0, "suspected_current": 0},
            )  # fmt: skip

    with chromium_page(viewport={"width": 1280, "height": 900}) as page:
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("input[name=username]", "province_browser")
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_load_state()

        # The menu leads to the dashboard; it opens on the latest date with data.
        page.goto(f"{live_server.url}/reports/")
        assert page.url.endswith("/reports/430000/")
        confirmed = page.locator('[data-figure="confirmed_cumulative"] .stat')
        assert confirmed.inner_text().strip() == "84"
        assert page.locator('#rates tr[data-rate="cure"] strong').inner_text() == "29.76%"
        # The curve is drawn by ECharts from the json_script data.
        page.wait_for_selector("#curve canvas")
        zhangjiajie_cure = page.locator('#children tr[data-code="430800"] td').nth(6)
        assert zhangjiajie_cure.inner_text().strip() == "80.00%"

        # Drill down: the city's name opens the city's dashboard for the same day …
        page.click('#children tr[data-code="430200"] td a')
        page.wait_for_url("**/reports/430200/?date=2020-02-15")
        assert "株洲市" in page.locator("h1").inner_text()
        assert page.locator('[data-figure="confirmed_cumulative"] .stat').inner_text() == "78"
        # … and its figure opens the report rows behind it.
        page.click('[data-figure="confirmed_cumulative"] .stat a')
        page.wait_for_url("**/reports/rows/?jurisdiction=430200&date=2020-02-15")
        row = page.locator('#report-rows tr[data-code="430200"]')
        assert row.count() == 1
        assert "78" in row.inner_text()
