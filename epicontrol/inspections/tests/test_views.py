from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from epicontrol.inspections.models import Finding, InspectionPlan, InspectionRecord, InspectionTask

from .factories import all_pass, fail, submit, template

pytestmark = pytest.mark.django_db


def client_for(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


def checklist_post(tpl: Any, client_id: str, **overrides: str) -> dict[str, str]:
    """A filled checklist form: all pass (full marks), with overrides by field name."""
    data: dict[str, str] = {"client_id": client_id, "persons_present": "社区书记"}
    for item in tpl.items.all():
        kind = item.rule["kind"]
        if kind == "pass_fail":
            data[f"r_{item.code}"] = "pass"
        elif kind == "scale":
            data[f"v_{item.code}"] = str(int(item.rule["points"]))
        else:
            data[f"o_{item.code}"] = "0"
    data.update(overrides)
    return data


def test_a_supervisor_fills_the_checklist_and_sees_the_score(supervisor: Any, task: Any) -> None:
    c = client_for(supervisor)
    page = c.get(reverse("inspections:inspect", args=[task.pk]))
    assert page.status_code == 200
    assert "client_id" in page.content.decode()
    cid = "0b0c2d1e-5a4f-4a39-9c53-7d1f4e8b9a10"
    buf = io.BytesIO()
    Image.new("RGB", (4, 4)).save(buf, format="JPEG")
    data = checklist_post(
        task.template, cid, **{"r_1.1": "fail", "n_1.1": "预案过期", "o_5.1": "2"}
    )
    data["p_5.1"] = SimpleUploadedFile("a.jpg", buf.getvalue(), content_type="image/jpeg")
    response = c.post(reverse("inspections:inspect", args=[task.pk]), data)
    record = InspectionRecord.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("inspections:record_detail", args=[record.pk])
    detail = c.get(response["Location"]).content.decode()
    assert "70 / 78" in detail and "89.74%" in detail
    assert record.photos.count() == 1
    # The same form sent again (a flaky network) is stored once and lands on the record.
    data["p_5.1"] = SimpleUploadedFile("a.jpg", buf.getvalue(), content_type="image/jpeg")
    again = c.post(reverse("inspections:inspect", args=[task.pk]), data)
    assert again["Location"] == reverse("inspections:record_detail", args=[record.pk])
    assert InspectionRecord.objects.count() == 1
    assert Finding.objects.count() == 2


def test_an_incomplete_checklist_is_shown_again_with_the_missing_items(
    supervisor: Any, task: Any
) -> None:
    data = checklist_post(task.template, "11111111-1111-4111-8111-111111111111")
    del data["r_1.1"]
    response = client_for(supervisor).post(reverse("inspections:inspect", args=[task.pk]), data)
    assert response.status_code == 422
    assert "1.1" in response.content.decode()
    assert InspectionRecord.objects.count() == 0


def test_unannounced_task_is_hidden_from_the_target_until_submitted(
    supervisor: Any,
    province_officer: Any,
    county_officer: Any,
    city_officer: Any,
    community_officer: Any,
    task: Any,
) -> None:
    detail = reverse("inspections:task_detail", args=[task.pk])
    listing = reverse("inspections:task_list")
    for insider in (supervisor, province_officer):
        c = client_for(insider)
        assert c.get(detail).status_code == 200
        assert task.target_name in c.get(listing).content.decode()
    for target_side in (county_officer, city_officer, community_officer):
        c = client_for(target_side)
        assert c.get(detail).status_code == 404
        body = c.get(listing).content.decode()
        assert task.target_name not in body
        home = c.get(reverse("inspections:home")).content.decode()
        assert reverse("inspections:inspect", args=[task.pk]) not in home
    submit(actor=supervisor, task=task)
    for target_side in (county_officer, community_officer):
        c = client_for(target_side)
        assert c.get(detail).status_code == 200
        assert task.target_name in c.get(listing).content.decode()


def test_sibling_county_sees_nothing_on_any_page(
    supervisor: Any, sibling_officer: Any, task: Any, group: Any
) -> None:
    record = submit(
        actor=supervisor, task=task, results=all_pass(task.template, **{"1.1": fail("1.1")})
    )
    finding = Finding.objects.get(record=record)
    c = client_for(sibling_officer)
    for name, args in (
        ("task_detail", [task.pk]),
        ("inspect", [task.pk]),
        ("record_detail", [record.pk]),
        ("record_correct", [record.pk]),
        ("finding_detail", [finding.pk]),
        ("finding_letter", [finding.pk]),
        ("finding_letter_pdf", [finding.pk]),
        ("group_detail", [group.pk]),
    ):
        assert c.get(reverse(f"inspections:{name}", args=args)).status_code == 404, name
    assert (
        c.post(reverse("inspections:finding_act", args=[finding.pk, "assign"])).status_code == 404
    )
    for name in (
        "task_list",
        "record_list",
        "finding_list",
        "group_list",
        "plan_list",
        "accountability_list",
    ):
        body = c.get(reverse(f"inspections:{name}")).content.decode()
        assert task.target_name not in body, name
        assert group.name not in body, name
    plan = InspectionPlan.objects.create(
        name="p",
        group=group,
        template=task.template,
        recurrence="once",
        starts_on=task.scheduled_on,
        command_path=group.command_path,
    )
    assert c.get(reverse("inspections:plan_detail", args=[plan.pk])).status_code == 404
    assert c.get(reverse("inspections:plan_create", args=[group.pk])).status_code == 404
    assert c.get(reverse("inspections:bulletin_pdf"), {"jurisdiction": "430203"}).status_code == 404
    bulletin = c.get(
        reverse("inspections:bulletin"),
        {"jurisdiction": "430202", "day": record.inspected_on.isoformat()},
    )
    assert bulletin.status_code == 200
    assert c.get(reverse("inspections:bulletin"), {"jurisdiction": "430203"}).status_code == 404
    assert c.get(reverse("inspections:scores"), {"jurisdiction": "430203"}).status_code == 404
    assert c.get(reverse("inspections:assessment"), {"jurisdiction": "430200"}).status_code == 404


def test_handover_rectification_and_closure_through_the_pages(
    supervisor: Any, community_officer: Any, task: Any
) -> None:
    record = submit(
        actor=supervisor, task=task, results=all_pass(task.template, **{"1.1": fail("1.1")})
    )
    f = Finding.objects.get(record=record)
    sup, com = client_for(supervisor), client_for(community_officer)
    act = lambda c, a, **d: c.post(reverse("inspections:finding_act", args=[f.pk, a]), d)  # noqa: E731
    deadline = (dt.date.today() + dt.timedelta(days=3)).isoformat()
    assert act(sup, "assign", deadline=deadline, requirements="立即整改").status_code == 302
    letter = sup.get(reverse("inspections:finding_letter", args=[f.pk])).content.decode()
    assert "立即整改" in letter and f.letter_number in letter
    assert "start" in com.get(reverse("inspections:finding_detail", args=[f.pk])).content.decode()
    act(com, "start")
    act(com, "submit", note="已整改")
    act(sup, "verify", note="回头看通过")
    f.refresh_from_db()
    assert f.status == "closed"
    # An illegal step from the page is refused with a message, not a 500.
    response = act(sup, "verify")
    assert response.status_code == 302
    f.refresh_from_db()
    assert f.status == "closed"


def test_plan_created_in_the_browser_is_unannounced_by_default(
    supervisor: Any, group: Any, community: Any
) -> None:
    c = client_for(supervisor)
    url = reverse("inspections:plan_create", args=[group.pk])
    assert community.name in c.get(url).content.decode()
    response = c.post(
        url,
        {
            "name": "暗访新华社区",
            "template": template("community").pk,
            "targets": [f"j:{community.code}"],
            "recurrence": "once",
            "starts_on": dt.date.today().isoformat(),
            "unannounced": "on",
        },
    )
    assert response.status_code == 302
    plan = InspectionPlan.objects.get()
    assert InspectionTask.objects.get(plan=plan).unannounced is True


def test_reports_render_for_the_province(province_officer: Any, supervisor: Any, task: Any) -> None:
    record = submit(
        actor=supervisor, task=task, results=all_pass(task.template, **{"1.1": fail("1.1")})
    )
    c = client_for(province_officer)
    day = record.inspected_on.isoformat()
    body = c.get(reverse("inspections:bulletin")).content.decode()  # defaults to the latest day
    assert day in body
    assert c.get(reverse("inspections:scores")).status_code == 200
    assert "株洲市" in c.get(reverse("inspections:assessment")).content.decode()
    pdf = c.get(reverse("inspections:bulletin_pdf"), {"day": day})
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")


def test_templates_pages(province_officer: Any, county_officer: Any) -> None:
    tpl = template("community")
    c = client_for(province_officer)
    assert tpl.name in c.get(reverse("inspections:template_list")).content.decode()
    assert (
        "一票否决" in c.get(reverse("inspections:template_detail", args=[tpl.pk])).content.decode()
    )
    assert c.get(reverse("inspections:template_revise", args=[tpl.pk])).status_code == 200
    assert client_for(county_officer).get(reverse("inspections:home")).status_code == 200
