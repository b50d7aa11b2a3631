"""Reads of the supervision module, always starting from ``Model.objects.visible_to(user)``.

Unknown or invisible ids raise NotFound ("not_found", 404): "not yours" and "does not exist" are
the same answer, which also keeps an unannounced task secret from its target.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, TypeVar
from urllib.parse import urlencode

from django.db.models import Avg, Count, F, Model, Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from epicontrol.core.errors import NotFound
from epicontrol.core.figures import Figure
from epicontrol.core.scoping import scope_of
from epicontrol.jurisdictions.models import Jurisdiction

from .choices import OPEN_STATUSES, UNRESOLVED_STATUSES, FindingStatus, TaskStatus
from .models import (
    Accountability,
    ChecklistTemplate,
    Finding,
    InspectionPlan,
    InspectionRecord,
    InspectionTask,
    Photo,
    SupervisionGroup,
)

M = TypeVar("M", bound=Model)


def _get(qs: QuerySet[M], pk: int) -> M:
    obj = qs.filter(pk=pk).first()
    if obj is None:
        raise NotFound()
    return obj


Area = str | Jurisdiction | None  # a division code, or the jurisdiction itself (saves a query)


def jurisdiction_path(code: Area) -> str | None:
    """The path of a division code; "" when the code is unknown (the filter then matches none)."""
    if isinstance(code, Jurisdiction):
        return code.path
    if not code:
        return None
    return Jurisdiction.objects.filter(code=code).values_list("path", flat=True).first() or ""


def _under(qs: QuerySet[M], field: str, code: Area, *, direct: bool = False) -> QuerySet[M]:
    """Rows under the jurisdiction ``code`` (or, with ``direct``, of that jurisdiction only)."""
    path = jurisdiction_path(code)
    if path is None:
        return qs
    if not path:
        return qs.none()
    return qs.filter(**{field: path}) if direct else qs.filter(**{f"{field}__startswith": path})


# Groups, templates, plans -------------------------------------------------------------------


def group_list(*, user: Any) -> QuerySet[SupervisionGroup]:
    return (
        SupervisionGroup.objects.visible_to(user)
        .select_related("command_jurisdiction", "leader")
        .prefetch_related("targets")
        .annotate(n_members=Count("members", distinct=True))
        .order_by("command_path", "name")
    )


def group_get(*, user: Any, pk: int) -> SupervisionGroup:
    return _get(
        SupervisionGroup.objects.visible_to(user)
        .select_related("command_jurisdiction", "leader")
        .prefetch_related("targets", "members"),
        pk,
    )


def template_list(
    *, user: Any, target_type: str | None = None, include_old: bool = False
) -> QuerySet[ChecklistTemplate]:
    """Checklists are shared by the whole platform; any signed-in user with a role reads them."""
    if scope_of(user).empty:
        return ChecklistTemplate.objects.none()
    qs = ChecklistTemplate.objects.all()
    if not include_old:
        qs = qs.current()
    if target_type:
        qs = qs.filter(target_type=target_type)
    return qs.annotate(n_items=Count("items")).order_by("target_type", "code", "-version")


def template_get(*, user: Any, pk: int) -> ChecklistTemplate:
    if scope_of(user).empty:
        raise NotFound()
    return _get(ChecklistTemplate.objects.prefetch_related("items"), pk)


def plan_list(*, user: Any, group: int | None = None) -> QuerySet[InspectionPlan]:
    qs = InspectionPlan.objects.visible_to(user).select_related("group", "template")
    if group:
        qs = qs.filter(group_id=group)
    return qs.annotate(n_targets=Count("targets")).order_by("-starts_on", "-id")


def plan_get(*, user: Any, pk: int) -> InspectionPlan:
    return _get(
        InspectionPlan.objects.visible_to(user)
        .select_related("group", "template")
        .prefetch_related("targets__jurisdiction", "targets__unit"),
        pk,
    )


# Tasks and records ---------------------------------------------------------------------------


def task_list(
    *,
    user: Any,
    day: dt.date | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    status: str | None = None,
    jurisdiction: Area = None,
    group: int | None = None,
    target_type: str | None = None,
) -> QuerySet[InspectionTask]:
    """Tasks the user may see (unannounced ones hidden from their target until submitted)."""
    qs: QuerySet[InspectionTask] = InspectionTask.objects.visible_to(user)
    if day:
        qs = qs.filter(scheduled_on=day)
    if date_from:
        qs = qs.filter(scheduled_on__gte=date_from)
    if date_to:
        qs = qs.filter(scheduled_on__lte=date_to)
    if status:
        qs = qs.filter(status=status)
    if group:
        qs = qs.filter(group_id=group)
    if target_type:
        qs = qs.filter(target_type=target_type)
    qs = _under(qs, "target_path", jurisdiction)
    return qs.select_related("group", "template", "target_jurisdiction", "target_unit").order_by(
        "-scheduled_on", "-id"
    )


def task_get(*, user: Any, pk: int) -> InspectionTask:
    return _get(
        InspectionTask.objects.visible_to(user).select_related(
            "group", "template", "target_jurisdiction", "target_unit", "plan"
        ),
        pk,
    )


def record_list(
    *,
    user: Any,
    jurisdiction: Area = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    target_type: str | None = None,
    group: int | None = None,
    passed: bool | None = None,
    percent_min: Decimal | None = None,
    percent_below: Decimal | None = None,
    with_deductions: bool = False,
    include_old_versions: bool = False,
    direct: bool = False,
) -> QuerySet[InspectionRecord]:
    """Current versions of the records the user may see (newest first), filtered."""
    qs: QuerySet[InspectionRecord] = InspectionRecord.objects.visible_to(user)
    if not include_old_versions:
        qs = qs.filter(is_current=True)
    if date_from:
        qs = qs.filter(inspected_on__gte=date_from)
    if date_to:
        qs = qs.filter(inspected_on__lte=date_to)
    if target_type:
        qs = qs.filter(target_type=target_type)
    if group:
        qs = qs.filter(group_id=group)
    if passed is not None:
        qs = qs.filter(passed=passed)
    if percent_min is not None:
        qs = qs.filter(percent__gte=percent_min)
    if percent_below is not None:
        qs = qs.filter(percent__lt=percent_below)
    if with_deductions:
        qs = qs.filter(deductions__gt=0)
    qs = _under(qs, "target_path", jurisdiction, direct=direct)
    return qs.select_related(
        "group", "template", "target_jurisdiction", "target_unit", "submitted_by"
    ).order_by("-inspected_at", "-id")


def record_get(*, user: Any, pk: int) -> InspectionRecord:
    return _get(
        InspectionRecord.objects.visible_to(user).select_related(
            "task",
            "group",
            "template",
            "target_jurisdiction",
            "target_unit",
            "submitted_by",
            "supersedes",
        ),
        pk,
    )


def record_versions(*, user: Any, record: InspectionRecord) -> QuerySet[InspectionRecord]:
    return (
        InspectionRecord.objects.visible_to(user)
        .filter(task_id=record.task_id)
        .select_related("submitted_by")
        .order_by("version")
    )


def record_results(record: InspectionRecord) -> QuerySet[Any]:
    return record.results.select_related("item").order_by("item__position", "item_id")


def record_photos(record: InspectionRecord) -> QuerySet[Photo]:
    """Item photos of every version of the record's task (a correction keeps the evidence)."""
    return Photo.objects.filter(task_id=record.task_id).order_by("uploaded_at", "id")


# Findings and accountability -----------------------------------------------------------------

STATUS_GROUPS: dict[str, frozenset[str]] = {
    "open": OPEN_STATUSES,
    "unresolved": UNRESOLVED_STATUSES,
    "resolved": frozenset({FindingStatus.CLOSED, FindingStatus.RECTIFIED_ON_SPOT}),
}


def finding_list(
    *,
    user: Any,
    status: str | None = None,
    severity: str | None = None,
    jurisdiction: Area = None,
    overdue: bool | None = None,
    escalated: bool | None = None,
    target_type: str | None = None,
    record: int | None = None,
    group: int | None = None,
    found_from: dt.date | None = None,
    found_to: dt.date | None = None,
    on_time: bool | None = None,
    direct: bool = False,
) -> QuerySet[Finding]:
    """Findings the user may see, newest first. ``status`` is a status or a group ("open",
    "unresolved", "resolved"); ``overdue`` means open and flagged overdue; ``on_time`` means
    rectification submitted by the deadline."""
    qs: QuerySet[Finding] = Finding.objects.visible_to(user)
    if status in STATUS_GROUPS:
        qs = qs.filter(status__in=STATUS_GROUPS[status])
    elif status:
        qs = qs.filter(status=status)
    if severity:
        qs = qs.filter(severity=severity)
    if overdue is True:
        qs = qs.filter(is_overdue=True, status__in=OPEN_STATUSES)
    elif overdue is False:
        qs = qs.exclude(is_overdue=True, status__in=OPEN_STATUSES)
    if escalated is not None:
        qs = qs.filter(escalation_level__gt=0) if escalated else qs.filter(escalation_level=0)
    if on_time is True:
        qs = qs.filter(
            status__in=(FindingStatus.SUBMITTED, FindingStatus.CLOSED),
            submitted_on__isnull=False,
            submitted_on__lte=F("deadline"),
        )
    if target_type:
        qs = qs.filter(target_type=target_type)
    if record:
        qs = qs.filter(record_id=record)
    if group:
        qs = qs.filter(group_id=group)
    if found_from:
        qs = qs.filter(found_on__gte=found_from)
    if found_to:
        qs = qs.filter(found_on__lte=found_to)
    qs = _under(qs, "responsible_path", jurisdiction, direct=direct)
    return qs.select_related("responsible_jurisdiction", "responsible_unit").order_by(
        "-found_on", "-id"
    )


def finding_get(*, user: Any, pk: int) -> Finding:
    return _get(
        Finding.objects.visible_to(user).select_related(
            "record__task",
            "record__target_jurisdiction",
            "record__target_unit",
            "group__leader",
            "responsible_jurisdiction",
            "responsible_unit",
            "escalated_to",
            "assigned_by",
            "verified_by",
            "item",
        ),
        pk,
    )


def finding_events(finding: Finding) -> QuerySet[Any]:
    return finding.events.select_related("actor").order_by("created_at", "id")


def accountability_list(
    *,
    user: Any,
    jurisdiction: Area = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    finding: int | None = None,
    record: int | None = None,
    measure: str | None = None,
) -> QuerySet[Accountability]:
    qs: QuerySet[Accountability] = Accountability.objects.visible_to(user)
    if date_from:
        qs = qs.filter(decided_on__gte=date_from)
    if date_to:
        qs = qs.filter(decided_on__lte=date_to)
    if finding:
        qs = qs.filter(finding_id=finding)
    if record:
        qs = qs.filter(record_id=record)
    if measure:
        qs = qs.filter(measure=measure)
    qs = _under(qs, "jurisdiction_path", jurisdiction)
    return qs.select_related("jurisdiction", "finding", "record", "subject_unit").order_by(
        "-decided_on", "-id"
    )


def accountability_get(*, user: Any, pk: int) -> Accountability:
    return _get(
        Accountability.objects.visible_to(user).select_related(
            "jurisdiction", "finding", "record", "subject_unit"
        ),
        pk,
    )


def photo_get(*, user: Any, pk: int) -> Photo:
    """A photo is visible when what it is evidence for is visible (an unannounced task's photos
    stay hidden from the target until the record is submitted)."""
    photo = Photo.objects.filter(pk=pk).first()
    if photo is None:
        raise NotFound()
    if photo.finding_id is not None:
        visible = Finding.objects.visible_to(user).filter(pk=photo.finding_id).exists()
    elif photo.record_id is not None:
        visible = InspectionRecord.objects.visible_to(user).filter(pk=photo.record_id).exists()
    elif photo.task_id is not None:
        visible = InspectionTask.objects.visible_to(user).filter(pk=photo.task_id).exists()
    else:
        visible = False
    if not visible:
        raise NotFound()
    return photo


# Dashboard ------------------------------------------------------------------------------------


def _url(name: str, **params: Any) -> str:
    query = urlencode({k: v for k, v in params.items() if v not in (None, "")})
    return f"{reverse(name)}?{query}" if query else reverse(name)


def dashboard_figures(
    *, user: Any, jurisdiction: Jurisdiction | None, day: dt.date
) -> list[Figure]:
    """Open and overdue findings, planned tasks and inspections of the day and month, and the
    month's average score, for ``jurisdiction`` (or all the user sees), scoped to ``user``."""
    code = jurisdiction.code if jurisdiction is not None else None
    month_start = day.replace(day=1)
    findings = finding_list(user=user, jurisdiction=jurisdiction).order_by()
    counts = findings.aggregate(
        open=Count("pk", filter=Q(status__in=UNRESOLVED_STATUSES)),
        overdue=Count("pk", filter=Q(status__in=OPEN_STATUSES, is_overdue=True)),
    )
    records = record_list(
        user=user, jurisdiction=jurisdiction, date_from=month_start, date_to=day
    ).order_by()
    month = records.aggregate(
        n=Count("pk"), n_day=Count("pk", filter=Q(inspected_on=day)), avg=Avg("percent")
    )
    planned = (
        task_list(user=user, jurisdiction=jurisdiction, day=day, status=TaskStatus.PLANNED)
        .order_by()
        .count()
    )
    group = "inspections"
    return [
        Figure(
            "inspections.tasks_planned",
            _("Inspections planned today"),
            planned,
            _url(
                "inspections:task_list",
                jurisdiction=code,
                day=day.isoformat(),
                status=TaskStatus.PLANNED,
            ),
            group,
        ),
        Figure(
            "inspections.inspections_day",
            _("Inspections this day"),
            month["n_day"],
            _url(
                "inspections:record_list",
                jurisdiction=code,
                date_from=day.isoformat(),
                date_to=day.isoformat(),
            ),
            group,
        ),
        Figure(
            "inspections.inspections_month",
            _("Inspections this month"),
            month["n"],
            _url(
                "inspections:record_list",
                jurisdiction=code,
                date_from=month_start.isoformat(),
                date_to=day.isoformat(),
            ),
            group,
        ),
        Figure(
            "inspections.average_score",
            _("Average score this month (%)"),
            round(float(month["avg"]), 1) if month["avg"] is not None else None,
            _url(
                "inspections:record_list",
                jurisdiction=code,
                date_from=month_start.isoformat(),
                date_to=day.isoformat(),
            ),
            group,
        ),
        Figure(
            "inspections.findings_open",
            _("Unresolved findings"),
            counts["open"],
            _url("inspections:finding_list", jurisdiction=code, status="unresolved"),
            group,
        ),
        Figure(
            "inspections.findings_overdue",
            _("Overdue findings"),
            counts["overdue"],
            _url("inspections:finding_list", jurisdiction=code, overdue="1"),
            group,
        ),
    ]
