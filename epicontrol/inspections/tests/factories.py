"""Builders for inspection tests: groups, tasks, filled checklists, submitted records."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

from django.utils import timezone

from epicontrol.inspections.choices import Outcome
from epicontrol.inspections.models import ChecklistTemplate, InspectionRecord, InspectionTask
from epicontrol.inspections.scoring import Rule
from epicontrol.inspections.services.groups import group_create
from epicontrol.inspections.services.plans import task_create
from epicontrol.inspections.services.records import ResultInput, record_submit
from epicontrol.inspections.targets import Target
from epicontrol.jurisdictions.models import Jurisdiction


def template(code: str) -> ChecklistTemplate:
    return ChecklistTemplate.objects.get(code=code, is_current=True)


def make_group(
    *,
    actor: Any,
    leader: Any,
    command: str = "430000",
    targets: tuple[str, ...] = ("430200",),
    members: tuple[Any, ...] = (),
    name: str = "省第二督导组",
) -> Any:
    return group_create(
        actor=actor,
        name=name,
        command_jurisdiction=Jurisdiction.objects.get(code=command),
        leader=leader,
        members=members,
        targets=list(Jurisdiction.objects.filter(code__in=targets)),
        starts_on=dt.date(2020, 2, 1),
    )


def make_task(
    *,
    actor: Any,
    group: Any,
    target: Target,
    code: str = "community",
    day: dt.date | None = None,
    unannounced: bool = True,
) -> InspectionTask:
    return task_create(
        actor=actor,
        group=group,
        template=template(code),
        target=target,
        scheduled_on=day or timezone.localdate(),
        unannounced=unannounced,
    )


def all_pass(tpl: ChecklistTemplate, **overrides: ResultInput) -> list[ResultInput]:
    """Every item at full marks, except the overrides (by item code)."""
    out = []
    for item in tpl.items.all():
        if item.code in overrides:
            out.append(overrides[item.code])
            continue
        rule = Rule.parse(item.rule)
        if rule.kind == "pass_fail":
            out.append(ResultInput(item_code=item.code, outcome=Outcome.PASS))
        elif rule.kind == "scale":
            out.append(ResultInput(item_code=item.code, value=rule.points))
        else:
            out.append(ResultInput(item_code=item.code, occurrences=0))
    return out


def fail(code: str, note: str = "", on_spot: bool = False) -> ResultInput:
    return ResultInput(item_code=code, outcome=Outcome.FAIL, note=note, rectified_on_spot=on_spot)


def submit(
    *, actor: Any, task: InspectionTask, results: list[ResultInput] | None = None, **kw: Any
) -> InspectionRecord:
    record, _ = record_submit(
        actor=actor,
        task=task,
        client_id=kw.pop("client_id", uuid.uuid4()),
        results=results if results is not None else all_pass(task.template),
        **kw,
    )
    return record


def points(value: str | int) -> Decimal:
    return Decimal(str(value))
