"""四不两直: an unannounced task is invisible to its target (officers of the target's
jurisdictions and users of the target unit) until its record is submitted — on pages, in the
API (test_api) and in counts — while the group and the dispatching command always see it."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from epicontrol.inspections.models import InspectionTask, SupervisionGroup
from epicontrol.inspections.selectors import dashboard_figures
from epicontrol.inspections.services.photos import photo_store
from epicontrol.inspections.targets import Target

from .factories import make_task, submit

pytestmark = pytest.mark.django_db


def figures(user: Any, division: Any, code: str) -> dict[str, Any]:
    return {
        f.key: f.value
        for f in dashboard_figures(user=user, jurisdiction=division(code), day=timezone.localdate())
    }


def test_counts_hide_the_unannounced_task_until_submitted(
    supervisor: Any,
    province_officer: Any,
    county_officer: Any,
    sibling_officer: Any,
    task: Any,
    division: Any,
) -> None:
    assert figures(province_officer, division, "430000")["inspections.tasks_planned"] == 1
    assert figures(supervisor, division, "430203")["inspections.tasks_planned"] == 1
    assert figures(county_officer, division, "430203")["inspections.tasks_planned"] == 0
    assert InspectionTask.objects.visible_to(county_officer).count() == 0
    submit(actor=supervisor, task=task)
    after = figures(county_officer, division, "430203")
    assert (after["inspections.inspections_day"], after["inspections.inspections_month"]) == (1, 1)
    assert after["inspections.average_score"] == 100.0
    assert InspectionTask.objects.visible_to(county_officer).count() == 1
    sibling = figures(sibling_officer, division, "430202")
    assert sibling["inspections.inspections_day"] == 0
    assert sibling["inspections.average_score"] is None  # no data, not a fake zero
    assert InspectionTask.objects.visible_to(sibling_officer).count() == 0


def test_an_announced_task_is_visible_to_the_target_at_once(
    supervisor: Any, group: Any, township: Any, county_officer: Any, sibling_officer: Any
) -> None:
    make_task(
        actor=supervisor, group=group, target=Target(jurisdiction=township), unannounced=False
    )
    assert InspectionTask.objects.visible_to(county_officer).count() == 1
    assert InspectionTask.objects.visible_to(sibling_officer).count() == 0


def test_unit_users_see_their_unit_task_only_after_submission(
    supervisor: Any, group: Any, hospital: Any, hospital_staff: Any
) -> None:
    task = make_task(
        actor=supervisor, group=group, target=Target.of_unit(hospital), code="designated_hospital"
    )
    assert InspectionTask.objects.visible_to(hospital_staff).count() == 0
    submit(actor=supervisor, task=task)
    assert InspectionTask.objects.visible_to(hospital_staff).count() == 1


def test_a_city_officer_does_not_see_a_province_task_on_the_city(
    city_officer: Any, task: Any, group: Any
) -> None:
    assert InspectionTask.objects.visible_to(city_officer).count() == 0
    # The group itself (sent to the city, as in the news) is known to the city.
    assert SupervisionGroup.objects.visible_to(city_officer).filter(pk=group.pk).exists()


def test_a_county_dispatching_its_own_group_sees_its_tasks(
    county_officer: Any, make_user: Any, community: Any, division: Any
) -> None:
    from .factories import make_group

    inspector = make_user("county_inspector", "supervisor", "430203")
    group = make_group(
        actor=county_officer,
        leader=inspector,
        command="430203",
        targets=("430203",),
        name="芦淞区督查组",
    )
    make_task(actor=inspector, group=group, target=Target(jurisdiction=community))
    community_officer = make_user("c2", "command_officer", community.code)
    assert InspectionTask.objects.visible_to(county_officer).count() == 1
    assert InspectionTask.objects.visible_to(community_officer).count() == 0


def test_photos_follow_the_task(
    supervisor: Any, county_officer: Any, sibling_officer: Any, task: Any
) -> None:
    buf = io.BytesIO()
    Image.new("RGB", (4, 4)).save(buf, format="PNG")
    photo = photo_store(
        actor=supervisor,
        task=task,
        item_code="1.1",
        upload=SimpleUploadedFile("x.png", buf.getvalue()),
    )
    url = reverse("inspections:photo", args=[photo.pk])

    def status(user: Any) -> int:
        c = Client()
        c.force_login(user)
        return c.get(url).status_code

    assert (status(supervisor), status(county_officer), status(sibling_officer)) == (200, 404, 404)
    submit(actor=supervisor, task=task, photo_ids=[photo.pk])
    assert (status(county_officer), status(sibling_officer)) == (200, 404)
