"""Issue 3's browser test: log in, register a person, find them in the list, see them masked.

Drives Debian's Chromium through Playwright against the live server.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.browser.support import PASSWORD, PHONE, chromium_page

ID_NUMBER = "11010519491231002X"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_officer_registers_finds_and_sees_a_masked_person(live_server: Any) -> None:
    from playwright.sync_api import expect

    from epicontrol.accounts.models import Membership, User
    from epicontrol.jurisdictions.models import Jurisdiction

    officer = User.objects.create_user(username="lusong_officer", password=PASSWORD)
    Membership.objects.create(
        user=officer, role="command_officer", jurisdiction=Jurisdiction.objects.get(code="430203")
    )

    with chromium_page(viewport=PHONE) as page:
        page.goto(f"{live_server.url}/accounts/login/")
        expect(page.locator("h1")).to_have_text("登录")
        page.fill("#id_username", "lusong_officer")
        page.fill("#id_password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(lambda url: "/accounts/login/" not in url)  # the user's landing page

        page.goto(f"{live_server.url}/people/new/")
        page.fill("#id_name", "张三")
        page.fill("#id_id_number", ID_NUMBER)
        page.fill("#id_phone", "138 1234 5678")
        page.fill("#id_jurisdiction", "430203001")
        page.click("form.card button[type=submit]")
        page.wait_for_url("**/people/*/")
        detail = page.content()
        assert "110***********002X" in detail
        assert ID_NUMBER not in detail and "13812345678" not in detail

        page.goto(f"{live_server.url}/people/?q=张")
        row = page.locator("#results tbody tr", has_text="张三")
        expect(row).to_have_count(1)
        expect(row).to_contain_text("110***********002X")
        expect(row).to_contain_text("138****5678")
        assert ID_NUMBER not in page.content()
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "people_list_phone.png"), full_page=True)
