from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.core.management import call_command

from epicontrol.inspections.errors import InspectionDenied, TargetOutOfScope, TemplateMismatch
from epicontrol.inspections.models import InspectionTask
from epicontrol.inspections.services.plans import plan_create, tasks_make_for_day
from epicontrol.inspections.targets import Target
from epicontrol.inspections.tasks import make_inspection_tasks
from epicontrol.jurisdictions.models import Jurisdiction

from .factories import make_group, template

pytestmark = pytest.mark.django_db
DAY = dt.date(2020, 2, 14)


def daily_plan(actor: Any, group: Any, targets: list[Target], **kw: Any) -> Any:
    return plan_create(
        actor=actor,
        group=group,
        template=template("community"),
        name="每天一督查",
        targets=targets,
        recurrence="daily",
        starts_on=kw.pop("starts_on", DAY),
        **kw,
    )


def test_group_targets_must_lie_in_the_command_area(county_officer: Any, supervisor: Any) -> None:
    with pytest.raises(TargetOutOfScope):
        make_group(actor=county_officer, leader=supervisor, command="430203", targets=("430202",))


def test_only_a_command_role_over_the_area_dispatches_a_group(
    sibling_officer: Any, supervisor: Any
) -> None:
    with pytest.raises(InspectionDenied):
        make_group(actor=sibling_officer, leader=supervisor, command="430203", targets=("430203",))


def test_leader_is_a_member(group: Any, supervisor: Any) -> None:
    assert list(group.members.all()) == [supervisor]


def test_a_one_off_plan_makes_its_tasks(supervisor: Any, group: Any, community: Any) -> None:
    plan = plan_create(
        actor=supervisor,
        group=group,
        template=template("community"),
        name="暗访",
        targets=[Target(jurisdiction=community)],
        recurrence="once",
        starts_on=DAY,
    )
    task = InspectionTask.objects.get(plan=plan)
    assert (task.scheduled_on, task.unannounced, task.target_path) == (DAY, True, community.path)


def test_targets_outside_the_group_area_are_refused(
    supervisor: Any, group: Any, division: Any
) -> None:
    with pytest.raises(TargetOutOfScope):
        daily_plan(supervisor, group, [Target(jurisdiction=division("430102"))])


def test_the_checklist_must_fit_the_target(supervisor: Any, group: Any, hospital: Any) -> None:
    with pytest.raises(TemplateMismatch) as exc:
        daily_plan(supervisor, group, [Target.of_unit(hospital)])
    assert exc.value.code == "inspection.template_mismatch"


def test_a_member_of_another_group_cannot_plan_for_this_one(
    group: Any, county_officer: Any, community: Any
) -> None:
    with pytest.raises(InspectionDenied):
        daily_plan(county_officer, group, [Target(jurisdiction=community)])


def test_daily_tasks_are_made_exactly_once_per_day(
    supervisor: Any, group: Any, community: Any, township: Any
) -> None:
    plan = daily_plan(
        supervisor,
        group,
        [Target(jurisdiction=community), Target(jurisdiction=township)],
        ends_on=DAY + dt.timedelta(days=1),
    )
    assert tasks_make_for_day(day=DAY) == 2
    assert tasks_make_for_day(day=DAY) == 0
    call_command("make_inspection_tasks", "--date", DAY.isoformat())
    assert InspectionTask.objects.filter(plan=plan, scheduled_on=DAY).count() == 2
    call_command("make_inspection_tasks", "--date", (DAY + dt.timedelta(days=1)).isoformat())
    call_command("make_inspection_tasks", "--date", (DAY + dt.timedelta(days=2)).isoformat())
    assert InspectionTask.objects.filter(plan=plan).count() == 4  # the plan ended on day 2


def test_the_command_defaults_to_today_and_the_django_task_does_the_same(
    supervisor: Any, group: Any, community: Any
) -> None:
    daily_plan(supervisor, group, [Target(jurisdiction=community)])
    with time_machine.travel(dt.datetime(2020, 2, 20, 8, 0, tzinfo=dt.UTC), tick=False):
        call_command("make_inspection_tasks")
        result = make_inspection_tasks.enqueue()
    assert result.return_value == 0  # the command made the day's task already
    assert InspectionTask.objects.filter(scheduled_on=dt.date(2020, 2, 20)).count() == 1


def test_daily_tasks_follow_the_current_checklist_version(
    supervisor: Any, province_officer: Any, group: Any, community: Any
) -> None:
    from epicontrol.inspections.models import ChecklistTemplate

    daily_plan(supervisor, group, [Target(jurisdiction=community)])
    old = template("community")
    ChecklistTemplate.objects.filter(pk=old.pk).update(is_current=False)
    new = ChecklistTemplate.objects.create(
        code="community",
        version=2,
        target_type="community",
        name="v2",
        pass_percent=80,
        supersedes=old,
    )
    tasks_make_for_day(day=DAY)
    assert InspectionTask.objects.get(scheduled_on=DAY).template_id == new.pk
    assert Jurisdiction.objects.filter(code="430200").exists()


def test_a_planned_task_can_be_cancelled_by_the_inspecting_side(
    supervisor: Any, county_officer: Any, task: Any
) -> None:
    from epicontrol.inspections.errors import TaskCancelled
    from epicontrol.inspections.services.plans import task_cancel

    from .factories import submit

    with pytest.raises(InspectionDenied):
        task_cancel(actor=county_officer, task=task)
    assert task_cancel(actor=supervisor, task=task, reason="改期").status == "cancelled"
    with pytest.raises(TaskCancelled) as exc:
        submit(actor=supervisor, task=task)
    assert (exc.value.code, exc.value.status) == ("task.cancelled", 409)
