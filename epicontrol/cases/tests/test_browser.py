"""A hospital user, on a phone, takes a case from admission to discharge in the browser."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.support import PASSWORD, PHONE, chromium_page


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_hospital_user_moves_a_case_from_admission_to_discharge(live_server: Any) -> None:
    from playwright.sync_api import expect

    from epicontrol.accounts.models import Membership, User
    from epicontrol.cases.models import Case
    from epicontrol.core.models import AuditEntry
    from epicontrol.core.policy import seed_policy_versions
    from epicontrol.jurisdictions.models import Jurisdiction, Unit
    from epicontrol.people.tests.factories import resident_id

    from .factories import person

    seed_policy_versions()  # the 2020 discharge rule (two negative tests ≥ 24 h apart)
    lusong = Jurisdiction.objects.get(code="430203")
    hospital = Unit.objects.create(
        kind="designated_hospital", name="株洲市中心医院", jurisdiction=lusong, capacity=100
    )
    nurse = User.objects.create_user(username="nurse", password=PASSWORD, display_name="冯护士长")
    Membership.objects.create(user=nurse, role="hospital_staff", jurisdiction=lusong, unit=hospital)
    id_number = resident_id("430203", seq=321)
    patient = person(lusong, name="李四", id_number=id_number)

    with chromium_page(viewport=PHONE) as page:
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("#id_username", "nurse")
        page.fill("#id_password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_load_state()

        # Admission: report the patient as suspected, admitted to the nurse's hospital.
        page.goto(f"{live_server.url}/cases/new/")
        expect(page.locator("h1")).to_have_text("报告病例")
        expect(page.locator("#id_facility")).to_have_value(str(hospital.pk))
        page.fill("#id_id_number", id_number)
        page.select_option("#id_classification", "suspected")
        page.fill("#id_reported_at", "2020-02-01T09:00")
        page.click("#submit-case")
        page.wait_for_url("**/cases/*/")
        expect(page.locator("#case-status")).to_have_text("在管")
        expect(page.locator("#case-facility")).to_have_text("株洲市中心医院")

        def act(action: str, fields: dict[str, str], selects: dict[str, str] | None = None) -> None:
            page.click(f"a[data-action={action}]")
            page.wait_for_url(f"**/action/{action}/")
            for selector, value in fields.items():
                page.fill(selector, value)
            for selector, value in (selects or {}).items():
                page.select_option(selector, value)
            page.click("#submit-action")
            page.wait_for_url("**/cases/*/")

        act("confirm", {"#id_at": "2020-02-02T10:00"}, {"#id_severity": "common"})
        expect(page.locator("#case-classification")).to_have_text("确诊病例")
        act("change_severity", {"#id_at": "2020-02-04T10:00"}, {"#id_severity": "severe"})
        expect(page.locator("#case-severity")).to_have_text("重型")
        act("change_severity", {"#id_at": "2020-02-08T10:00"}, {"#id_severity": "common"})
        expect(page.locator("#case-severity")).to_have_text("普通型")

        # Discharge with one test too few hours apart: refused, the case stays open.
        page.click("a[data-action=discharge]")
        page.fill("#id_at", "2020-02-12T10:00")
        page.fill("#id_test_1", "2020-02-11T08:00")
        page.fill("#id_test_2", "2020-02-11T09:00")
        page.click("#submit-action")
        expect(page.locator(".errorlist")).to_contain_text("间隔不足")
        page.fill("#id_test_1", "2020-02-10T08:00")
        page.click("#submit-action")
        page.wait_for_url("**/cases/*/")
        expect(page.locator("#case-status")).to_have_text("治愈出院")
        expect(page.locator("body")).to_contain_text("2020-02-26")  # 14 days' observation
        timeline = page.locator("#timeline li")
        expect(timeline).to_have_count(6)

    case = Case.objects.get(person=patient)
    assert case.status == "cured_discharged" and case.facility == hospital
    assert list(case.events.values_list("action", flat=True)) == [
        "created",
        "admit",
        "confirm",
        "change_severity",
        "change_severity",
        "discharge",
    ]
    assert (
        AuditEntry.objects.filter(
            target_type="cases.case", target_id=str(case.pk), actor=nurse
        ).count()
        == 6
    )
