"""On a phone (390×844), a supervisor fills an unannounced community checklist, sees the score
computed while filling, submits it, and finds the same score on the stored record."""

from __future__ import annotations

import datetime as dt
import os
from typing import Any

import pytest
from django.utils import timezone

from tests.browser.support import PASSWORD, PHONE, ZHUZHOU, chromium_page, ensure_divisions

DIVISIONS = (*ZHUZHOU, ("430203001902", "督导社区", "community", "community", "430203001"))


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_supervisor_fills_a_checklist_on_a_phone_and_sees_the_score(live_server: Any) -> None:
    from epicontrol.accounts.models import Membership, User
    from epicontrol.core.models import PolicyVersion
    from epicontrol.inspections.models import (
        ChecklistItem,
        ChecklistTemplate,
        Finding,
        InspectionRecord,
    )
    from epicontrol.inspections.seeding import load_policies, load_templates
    from epicontrol.inspections.targets import Target

    from .factories import make_group, make_task

    load_policies(PolicyVersion)
    load_templates(ChecklistTemplate, ChecklistItem)
    places = ensure_divisions(DIVISIONS)
    supervisor = User.objects.create_user(username="sup_browser", password=PASSWORD)
    Membership.objects.create(user=supervisor, role="supervisor", jurisdiction=places["430000"])
    officer = User(username="setup", is_superuser=True)
    group = make_group(actor=officer, leader=supervisor)
    task = make_task(
        actor=supervisor, group=group, target=Target(jurisdiction=places["430203001902"])
    )
    # Read what the page needs before Playwright starts: inside its block the ORM would open a
    # second connection in Playwright's context that nothing closes.
    items = list(task.template.items.values_list("code", "rule"))
    with chromium_page(viewport=PHONE, is_mobile=True, has_touch=True) as page:
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("input[name=username]", "sup_browser")
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_load_state()

        # Today's work lists the task; the checklist opens one item per card.
        page.goto(f"{live_server.url}/inspections/")
        page.get_by_role("link", name="开始检查").click()
        page.wait_for_url(f"**/inspections/tasks/{task.pk}/inspect/")
        assert page.locator(".item-card").count() == 18
        client_id = page.locator("input[name=client_id]").input_value()
        assert len(client_id) == 36

        def tap(name: str, value: str) -> None:
            page.locator(f"label:has(input[name='{name}'][value='{value}'])").tap()

        for code, rule in items:
            if rule["kind"] == "pass_fail":
                tap(f"r_{code}", "fail" if code == "1.1" else "pass")
            elif rule["kind"] == "scale":
                tap(f"v_{code}", str(int(rule["points"])))
        card = page.locator(".item-card[data-code='5.1']")
        card.locator("button[data-step='1']").tap()
        card.locator("button[data-step='1']").tap()
        assert card.locator("[data-deduction]").inner_text() == "−4"
        # The score is computed while filling: 78 points in all, 1.1 (4) failed, 5.1 −4.
        assert page.locator("#score-total").inner_text() == "70"
        assert page.locator("#score-max").inner_text() == "78"
        assert page.locator("#score-percent").inner_text() == "89.74"
        assert page.locator("#score-result").inner_text() == "合格"
        assert page.locator("#score-progress").inner_text() == "18 / 18"
        # A veto item turns the result to fail whatever the points.
        tap("r_4.5", "fail")
        assert page.locator("#score-result").inner_text() == "不合格（一票否决）"
        tap("r_4.5", "pass")
        box = page.locator("label:has(input[name='r_1.2'][value='pass'])").bounding_box()
        assert box is not None and box["height"] >= 44  # a big tap target
        page.fill("textarea[name='n_1.1']", "应急预案未更新")
        page.get_by_role("button", name="提交检查记录").tap()
        page.wait_for_url("**/inspections/records/*/")
        assert page.locator("#record-score").inner_text() == "70 / 78"
        assert page.locator("#record-percent").inner_text() == "89.74%"
        shots = os.environ.get("INSPECTIONS_SCREENSHOTS")
        if shots:  # for a human look at the phone layout
            page.screenshot(path=f"{shots}/record-phone.png", full_page=True)
    record = InspectionRecord.objects.get()
    assert str(record.client_id) == client_id
    assert (record.total_score, record.passed, record.inspected_on) == (
        70,
        True,
        timezone.localdate(),
    )
    assert set(Finding.objects.values_list("item_code", flat=True)) == {"1.1", "5.1"}
    assert record.inspected_at <= timezone.now() + dt.timedelta(minutes=1)
