"""Plans and tasks: one-off inspections and daily ones (每天一督查), made exactly once per day."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from epicontrol.core.audit import audit_bulk, audit_record
from epicontrol.inspections.choices import Recurrence, TaskStatus
from epicontrol.inspections.errors import InspectionDenied, InvalidInput, TargetOutOfScope
from epicontrol.inspections.models import (
    ChecklistTemplate,
    InspectionPlan,
    InspectionTask,
    PlanTarget,
    SupervisionGroup,
)
from epicontrol.inspections.permissions import is_inspecting_side
from epicontrol.inspections.targets import Target


def _check_target(group: SupervisionGroup, template: ChecklistTemplate, target: Target) -> None:
    target_paths = [t.path for t in group.targets.all()]
    if not any(target.path.startswith(p) for p in target_paths):
        raise TargetOutOfScope(field="targets", target=target.name)
    target.check_template(template)


def _require_inspecting(actor: Any, group: SupervisionGroup) -> None:
    if not is_inspecting_side(actor, group_id=group.pk, command_path=group.command_path):
        raise InspectionDenied()


def _new_task(
    *,
    actor: Any,
    group: SupervisionGroup,
    template: ChecklistTemplate,
    target: Target,
    day: dt.date,
    unannounced: bool,
    plan: InspectionPlan | None = None,
    notes: str = "",
) -> InspectionTask:
    return InspectionTask(
        plan=plan,
        group=group,
        template=template,
        target_jurisdiction=target.jurisdiction,
        target_unit=target.unit,
        target_key=target.key,
        target_type=target.target_type,
        target_path=target.path,
        command_path=group.command_path,
        scheduled_on=day,
        unannounced=unannounced,
        notes=notes,
        created_by=actor if getattr(actor, "pk", None) else None,
    )


@transaction.atomic
def task_create(
    *,
    actor: Any,
    group: SupervisionGroup,
    template: ChecklistTemplate,
    target: Target,
    scheduled_on: dt.date,
    unannounced: bool = True,
    notes: str = "",
) -> InspectionTask:
    """A one-off task outside any plan.

    Raises InspectionDenied, TargetOutOfScope, TemplateMismatch, InvalidInput (a checklist
    version that is no longer current).
    """
    _require_inspecting(actor, group)
    if not template.is_current:
        raise InvalidInput(_("Use the current version of the checklist."), field="template")
    _check_target(group, template, target)
    task = _new_task(
        actor=actor,
        group=group,
        template=template,
        target=target,
        day=scheduled_on,
        unannounced=unannounced,
        notes=notes,
    )
    task.save()
    audit_record(
        actor=actor,
        action="inspections.task_created",
        target=task,
        changes={"target": target.key, "day": scheduled_on, "unannounced": unannounced},
    )
    return task


@transaction.atomic
def plan_create(
    *,
    actor: Any,
    group: SupervisionGroup,
    template: ChecklistTemplate,
    name: str,
    targets: Sequence[Target],
    recurrence: str,
    starts_on: dt.date,
    ends_on: dt.date | None = None,
    unannounced: bool = True,
    notes: str = "",
) -> InspectionPlan:
    """Plan inspections of ``targets`` by ``group``. A one-off plan makes its tasks now (for
    ``starts_on``); a daily plan makes today's tasks if today is in its period, and
    ``tasks_make_for_day`` makes the following days'.

    Raises InspectionDenied, InvalidInput, TargetOutOfScope, TemplateMismatch.
    """
    _require_inspecting(actor, group)
    name = (name or "").strip()
    if not name:
        raise InvalidInput(pgettext("inspection", "A name is required."), field="name")
    if recurrence not in Recurrence.values:
        raise InvalidInput(_("Unknown recurrence."), field="recurrence")
    if not targets:
        raise InvalidInput(_("Choose at least one target."), field="targets")
    if ends_on is not None and ends_on < starts_on:
        raise InvalidInput(_("The end is before the start."), field="ends_on")
    if not template.is_current:
        raise InvalidInput(_("Use the current version of the checklist."), field="template")
    for target in targets:
        _check_target(group, template, target)
    plan = InspectionPlan.objects.create(
        name=name,
        group=group,
        template=template,
        recurrence=recurrence,
        starts_on=starts_on,
        ends_on=starts_on if recurrence == Recurrence.ONCE else ends_on,
        unannounced=unannounced,
        command_path=group.command_path,
        notes=notes,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    unique = {t.key: t for t in targets}
    PlanTarget.objects.bulk_create(
        [
            PlanTarget(plan=plan, jurisdiction=t.jurisdiction, unit=t.unit, target_key=key)
            for key, t in unique.items()
        ]
    )
    audit_record(
        actor=actor,
        action="inspections.plan_created",
        target=plan,
        changes={
            "name": name,
            "group": group.pk,
            "template": template.pk,
            "recurrence": recurrence,
            "starts_on": starts_on,
            "ends_on": ends_on,
            "unannounced": unannounced,
            "targets": sorted(unique),
        },
    )
    today = timezone.localdate()
    first_day = starts_on if recurrence == Recurrence.ONCE else today
    if plan.starts_on <= first_day and (plan.ends_on is None or first_day <= plan.ends_on):
        _make_plan_tasks(plan, first_day, actor=actor)
    return plan


def _current_template(template: ChecklistTemplate) -> ChecklistTemplate:
    """A daily plan follows its checklist's revisions: the current version of the same code."""
    if template.is_current:
        return template
    return ChecklistTemplate.objects.filter(code=template.code, is_current=True).first() or template


def _make_plan_tasks(plan: InspectionPlan, day: dt.date, *, actor: Any) -> list[InspectionTask]:
    existing = set(
        InspectionTask.objects.filter(plan=plan, scheduled_on=day).values_list(
            "target_key", flat=True
        )
    )
    template = _current_template(plan.template)
    tasks = [
        _new_task(
            actor=actor,
            group=plan.group,
            template=template,
            target=Target(jurisdiction=pt.jurisdiction, unit=pt.unit),
            day=day,
            unannounced=plan.unannounced,
            plan=plan,
        )
        for pt in plan.targets.select_related("jurisdiction", "unit__jurisdiction")
        if pt.target_key not in existing
    ]
    created = InspectionTask.objects.bulk_create(tasks)
    audit_bulk(
        actor=actor,
        action="inspections.task_created",
        targets=created,
        changes={"plan": plan.pk, "day": day},
    )
    return created


@transaction.atomic
def tasks_make_for_day(*, day: dt.date, actor: Any = None) -> int:
    """Make the day's tasks of every active daily plan whose period covers ``day``.

    Idempotent: the plans are locked while their existing tasks of the day are read, and a
    unique constraint (plan, target, day) backs it up, so a second run creates nothing.
    Returns the number of tasks created.
    """
    plans = (
        InspectionPlan.objects.select_for_update(of=("self",))
        .filter(recurrence=Recurrence.DAILY, is_active=True, starts_on__lte=day)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=day))
        .filter(Q(group__ends_on__isnull=True) | Q(group__ends_on__gte=day))
        .select_related("group", "template")
        .order_by("pk")
    )
    return sum(len(_make_plan_tasks(plan, day, actor=actor)) for plan in plans)


@transaction.atomic
def task_cancel(*, actor: Any, task: InspectionTask, reason: str = "") -> InspectionTask:
    """Cancel a planned task. Raises InspectionDenied; InvalidInput unless it is planned."""
    locked = InspectionTask.objects.select_for_update().get(pk=task.pk)
    if not is_inspecting_side(actor, group_id=locked.group_id, command_path=locked.command_path):
        raise InspectionDenied()
    if locked.status != TaskStatus.PLANNED:
        raise InvalidInput(_("Only a planned task can be cancelled."), code="task.not_planned")
    locked.status = TaskStatus.CANCELLED
    locked.save(update_fields=["status", "updated_at"])
    audit_record(
        actor=actor, action="inspections.task_cancelled", target=locked, changes={"reason": reason}
    )
    return locked
