"""Supervision API: ``/api/v1/inspections/...`` (groups, checklists, plans, tasks, records,
photos, accountability, scores, assessments, bulletin) and ``/api/v1/findings/...``.

Every read is scoped like the pages: an id outside the caller's view is 404 ``not_found``, and
an unannounced task stays invisible to its target until its record is submitted.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router, Status
from ninja.files import UploadedFile

from epicontrol.accounts.models import User
from epicontrol.core.errors import NotFound
from epicontrol.core.pagination import Page, paginate
from epicontrol.core.scoping import scope_of
from epicontrol.jurisdictions.models import Jurisdiction, Unit

from . import selectors
from .bulletins import bulletin as build_bulletin
from .errors import FindingDenied, InspectionDenied, InvalidInput
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
from .permissions import is_group_member, is_responsible_side
from .rankings import home_jurisdiction, month_bounds, monthly_assessment, score_summary
from .schemas import (
    AccountabilityIn,
    AccountabilityOut,
    AssessmentOut,
    AssessmentRowOut,
    BulletinOut,
    BulletinRowOut,
    CorrectionIn,
    ErrorOut,
    FigureOut,
    FindingFilter,
    FindingOut,
    GroupIn,
    GroupOut,
    ItemOut,
    PhotoOut,
    PlanIn,
    PlanOut,
    RecordFilter,
    RecordIn,
    RecordOut,
    ReportFilter,
    ResultIn,
    ResultOut,
    RowOut,
    ScoresOut,
    TargetIn,
    TaskFilter,
    TaskIn,
    TaskOut,
    TemplateDetailOut,
    TemplateOut,
    TransitionIn,
)
from .services.accountability import accountability_create
from .services.findings import allowed_actions, finding_transition
from .services.groups import group_create
from .services.photos import photo_store
from .services.plans import plan_create, task_create
from .services.records import ProblemInput, ResultInput, record_correct, record_submit
from .targets import Target

inspections = Router(tags=["inspections"])
findings = Router(tags=["findings"])
ROUTERS = [("/inspections", inspections), ("/findings", findings)]

E = {403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 413: ErrorOut, 415: ErrorOut, 422: ErrorOut}


# Helpers --------------------------------------------------------------------------------------


def _jurisdiction(code: str | None, *, field: str) -> Jurisdiction:
    j = Jurisdiction.objects.filter(code=code).first() if code else None
    if j is None:
        raise InvalidInput(
            _("Unknown division code."), code="inspection.unknown_jurisdiction", field=field
        )
    return j


def _unit(user: Any, pk: int | None, *, field: str) -> Unit | None:
    if pk is None:
        return None
    unit = Unit.objects.filter(pk=pk).select_related("jurisdiction").first()
    if unit is None:
        raise InvalidInput(_("Unknown unit."), code="inspection.unknown_unit", field=field)
    return unit


def _target(user: Any, raw: TargetIn) -> Target:
    if raw.unit is not None:
        unit = _unit(user, raw.unit, field="target.unit")
        assert unit is not None
        return Target.of_unit(unit)
    return Target(jurisdiction=_jurisdiction(raw.jurisdiction, field="target.jurisdiction"))


def _template(pk: int) -> ChecklistTemplate:
    template = ChecklistTemplate.objects.filter(pk=pk).first()
    if template is None:
        raise InvalidInput(
            _("Unknown checklist."), code="inspection.unknown_template", field="template"
        )
    return template


def _results(raw: list[ResultIn]) -> list[ResultInput]:
    return [
        ResultInput(
            item_code=r.item,
            outcome=r.outcome,
            value=r.value,
            occurrences=r.occurrences,
            note=r.note,
            rectified_on_spot=r.rectified_on_spot,
        )
        for r in raw
    ]


def _problems(user: Any, raw: list[Any]) -> list[ProblemInput]:
    return [
        ProblemInput(
            description=p.description,
            severity=p.severity,
            category=p.category,
            rectified_on_spot=p.rectified_on_spot,
            responsible_unit=_unit(user, p.responsible_unit, field="problems.responsible_unit"),
        )
        for p in raw
    ]


def _report_jurisdiction(user: Any, code: str | None) -> Jurisdiction:
    """The report's area: a code the caller's scope covers (else 404), or their own area."""
    if code:
        j = Jurisdiction.objects.filter(code=code).first()
        if j is None or not scope_of(user).covers_path(j.path):
            raise NotFound()
        return j
    home = home_jurisdiction(user)
    if home is None:
        raise NotFound()
    return home


# Serializers ----------------------------------------------------------------------------------


def group_out(g: SupervisionGroup) -> GroupOut:
    return GroupOut(
        id=g.pk,
        name=g.name,
        command=g.command_jurisdiction.code,
        command_name=g.command_jurisdiction.name,
        targets=[t.code for t in g.targets.all()],
        leader=g.leader.username,
        members=[m.username for m in g.members.all()],
        starts_on=g.starts_on,
        ends_on=g.ends_on,
    )


def template_out(t: ChecklistTemplate) -> TemplateOut:
    return TemplateOut(
        id=t.pk,
        code=t.code,
        version=t.version,
        target_type=t.target_type,
        name=t.name,
        base_score=t.base_score,
        pass_percent=t.pass_percent,
        is_current=t.is_current,
        supersedes=t.supersedes_id,
    )


def plan_out(p: InspectionPlan) -> PlanOut:
    return PlanOut(
        id=p.pk,
        name=p.name,
        group=p.group_id,
        template=p.template_id,
        recurrence=p.recurrence,
        starts_on=p.starts_on,
        ends_on=p.ends_on,
        unannounced=p.unannounced,
        targets=[t.target_key for t in p.targets.all()],
    )


def task_out(t: InspectionTask, record: int | None = None) -> TaskOut:
    return TaskOut(
        id=t.pk,
        plan=t.plan_id,
        group=t.group_id,
        template=t.template_id,
        target_type=t.target_type,
        target_jurisdiction=t.target_jurisdiction.code,
        target_unit=t.target_unit_id,
        target_name=t.target_name,
        scheduled_on=t.scheduled_on,
        unannounced=t.unannounced,
        status=t.status,
        record=record,
    )


def record_out(r: InspectionRecord, *, detail: bool = False, user: Any = None) -> RecordOut:
    out = RecordOut(
        id=r.pk,
        task=r.task_id,
        version=r.version,
        is_current=r.is_current,
        supersedes=r.supersedes_id,
        client_id=r.client_id,
        template=r.template_id,
        group=r.group_id,
        target_type=r.target_type,
        target_jurisdiction=r.target_jurisdiction.code,
        target_unit=r.target_unit_id,
        target_name=r.target_name,
        inspected_at=r.inspected_at,
        inspected_on=r.inspected_on,
        total_score=r.total_score,
        max_score=r.max_score,
        percent=r.percent,
        deductions=r.deductions,
        passed=r.passed,
        vetoed=r.vetoed,
        correction_reason=r.correction_reason,
    )
    if detail:
        out.findings = list(
            selectors.finding_list(user=user, record=r.pk).values_list("pk", flat=True)
        )
        out.results = [
            ResultOut(
                item=x.item.code,
                outcome=x.outcome,
                value=x.value,
                occurrences=x.occurrences,
                earned=x.earned,
                maximum=x.maximum,
                deduction=x.deduction,
                failed=x.failed,
                rectified_on_spot=x.rectified_on_spot,
                note=x.note,
            )
            for x in selectors.record_results(r)
        ]
    return out


def finding_out(f: Finding, user: Any) -> FindingOut:
    return FindingOut(
        id=f.pk,
        record=f.record_id,
        item_code=f.item_code,
        category=f.category,
        description=f.description,
        severity=f.severity,
        status=f.status,
        target_type=f.target_type,
        responsible_jurisdiction=f.responsible_jurisdiction.code,
        responsible_unit=f.responsible_unit_id,
        responsible_name=f.responsible_name,
        found_on=f.found_on,
        deadline=f.deadline,
        requirements=f.requirements,
        rectification_note=f.rectification_note,
        verification_note=f.verification_note,
        closed_on=f.closed_on,
        is_overdue=f.is_overdue,
        escalation_level=f.escalation_level,
        escalated_to=f.escalated_to.code if f.escalated_to_id and f.escalated_to else None,
        allowed_actions=allowed_actions(f, user),
    )


def photo_out(p: Photo) -> PhotoOut:
    return PhotoOut(
        id=p.pk,
        content_type=p.content_type,
        size=p.size,
        width=p.width,
        height=p.height,
        taken_at=p.taken_at,
        latitude=p.latitude,
        longitude=p.longitude,
        item_code=p.item_code,
        url=reverse("inspections:photo", args=[p.pk]),
    )


def accountability_out(a: Accountability) -> AccountabilityOut:
    return AccountabilityOut(
        id=a.pk,
        finding=a.finding_id,
        record=a.record_id,
        subject_kind=a.subject_kind,
        subject_name=a.subject_name,
        subject_position=a.subject_position,
        jurisdiction=a.jurisdiction.code,
        measure=a.measure,
        decided_by=a.decided_by,
        decided_on=a.decided_on,
    )


# Groups and checklists ------------------------------------------------------------------------


@inspections.get("/groups", response=Page[GroupOut])
def group_list(request: HttpRequest, limit: int = 50, offset: int = 0) -> dict[str, Any]:
    return paginate(
        request,
        selectors.group_list(user=request.user),
        limit=limit,
        offset=offset,
        serialize=group_out,
    )


@inspections.post("/groups", response={201: GroupOut, **E})
def group_create_api(request: HttpRequest, payload: GroupIn) -> Status[GroupOut]:
    """Dispatch a group. Errors: ``inspection.permission_denied`` (403),
    ``inspection.target_out_of_scope``, ``inspection.invalid`` (422)."""
    users = {
        u.username: u for u in User.objects.filter(username__in=[payload.leader, *payload.members])
    }
    if payload.leader not in users or set(payload.members) - set(users):
        raise InvalidInput(_("Unknown user."), code="inspection.unknown_user", field="members")
    targets = [_jurisdiction(c, field="targets") for c in payload.targets]
    group = group_create(
        actor=request.user,
        name=payload.name,
        command_jurisdiction=_jurisdiction(payload.command, field="command"),
        leader=users[payload.leader],
        members=[users[m] for m in payload.members],
        targets=targets,
        starts_on=payload.starts_on,
        ends_on=payload.ends_on,
        notes=payload.notes,
    )
    return Status(201, group_out(selectors.group_get(user=request.user, pk=group.pk)))


@inspections.get("/groups/{group_id}", response={200: GroupOut, 404: ErrorOut})
def group_detail(request: HttpRequest, group_id: int) -> GroupOut:
    return group_out(selectors.group_get(user=request.user, pk=group_id))


@inspections.get("/templates", response=Page[TemplateOut])
def template_list(
    request: HttpRequest,
    target_type: str | None = None,
    include_old: bool = False,
    limit: int = 50,
    offset: int = 0,
) -> dict[str, Any]:
    qs = selectors.template_list(
        user=request.user, target_type=target_type, include_old=include_old
    )
    return paginate(request, qs, limit=limit, offset=offset, serialize=template_out)


@inspections.get("/templates/{template_id}", response={200: TemplateDetailOut, 404: ErrorOut})
def template_detail(request: HttpRequest, template_id: int) -> TemplateDetailOut:
    t = selectors.template_get(user=request.user, pk=template_id)
    base = template_out(t).dict()
    return TemplateDetailOut(
        **base,
        source=t.source,
        items=[
            ItemOut(
                code=i.code,
                position=i.position,
                category=i.category,
                text=i.text,
                method=i.method,
                evidence_required=i.evidence_required,
                rule=i.rule,
                veto=i.veto,
                severity=i.severity,
            )
            for i in t.items.all()
        ],
    )


# Plans and tasks ------------------------------------------------------------------------------


@inspections.get("/plans", response=Page[PlanOut])
def plan_list(
    request: HttpRequest, group: int | None = None, limit: int = 50, offset: int = 0
) -> dict[str, Any]:
    qs = selectors.plan_list(user=request.user, group=group).prefetch_related("targets")
    return paginate(request, qs, limit=limit, offset=offset, serialize=plan_out)


@inspections.post("/plans", response={201: PlanOut, **E})
def plan_create_api(request: HttpRequest, payload: PlanIn) -> Status[PlanOut]:
    """Plan inspections (``once`` makes its tasks now; ``daily`` makes one task per target per
    day). Unannounced (四不两直) by default."""
    group = selectors.group_get(user=request.user, pk=payload.group)
    plan = plan_create(
        actor=request.user,
        group=group,
        template=_template(payload.template),
        name=payload.name,
        targets=[_target(request.user, t) for t in payload.targets],
        recurrence=payload.recurrence,
        starts_on=payload.starts_on,
        ends_on=payload.ends_on,
        unannounced=payload.unannounced,
        notes=payload.notes,
    )
    return Status(201, plan_out(selectors.plan_get(user=request.user, pk=plan.pk)))


@inspections.get("/plans/{plan_id}", response={200: PlanOut, 404: ErrorOut})
def plan_detail(request: HttpRequest, plan_id: int) -> PlanOut:
    return plan_out(selectors.plan_get(user=request.user, pk=plan_id))


@inspections.get("/tasks", response=Page[TaskOut])
def task_list(request: HttpRequest, filters: Query[TaskFilter]) -> dict[str, Any]:
    qs = selectors.task_list(
        user=request.user,
        day=filters.day,
        date_from=filters.date_from,
        date_to=filters.date_to,
        status=filters.status,
        jurisdiction=filters.jurisdiction,
        group=filters.group,
        target_type=filters.target_type,
    )
    return paginate(request, qs, limit=filters.limit, offset=filters.offset, serialize=task_out)


@inspections.post("/tasks", response={201: TaskOut, **E})
def task_create_api(request: HttpRequest, payload: TaskIn) -> Status[TaskOut]:
    group = selectors.group_get(user=request.user, pk=payload.group)
    task = task_create(
        actor=request.user,
        group=group,
        template=_template(payload.template),
        target=_target(request.user, payload.target),
        scheduled_on=payload.scheduled_on,
        unannounced=payload.unannounced,
        notes=payload.notes,
    )
    return Status(201, task_out(selectors.task_get(user=request.user, pk=task.pk)))


@inspections.get("/tasks/{task_id}", response={200: TaskOut, 404: ErrorOut})
def task_detail(request: HttpRequest, task_id: int) -> TaskOut:
    task = selectors.task_get(user=request.user, pk=task_id)
    record = task.records.filter(is_current=True).values_list("pk", flat=True).first()
    return task_out(task, record)


@inspections.post("/tasks/{task_id}/photos", response={201: PhotoOut, **E})
def task_photo(
    request: HttpRequest,
    task_id: int,
    file: File[UploadedFile],
    item_code: Form[str] = "",
    taken_at: Form[dt.datetime | None] = None,
    latitude: Form[Decimal | None] = None,
    longitude: Form[Decimal | None] = None,
) -> Status[PhotoOut]:
    """Upload photo evidence for a task before submitting its record (then list the photo in
    ``photo_ids``). Errors: ``photo.too_large`` (413), ``photo.invalid_type`` (415)."""
    task = selectors.task_get(user=request.user, pk=task_id)
    if not is_group_member(request.user, group_id=task.group_id):
        raise InspectionDenied()
    photo = photo_store(
        actor=request.user,
        upload=file,
        task=task,
        item_code=item_code,
        taken_at=taken_at,
        latitude=latitude,
        longitude=longitude,
    )
    return Status(201, photo_out(photo))


# Records --------------------------------------------------------------------------------------


@inspections.get("/records", response=Page[RecordOut])
def record_list(request: HttpRequest, filters: Query[RecordFilter]) -> dict[str, Any]:
    qs = selectors.record_list(
        user=request.user,
        jurisdiction=filters.jurisdiction,
        date_from=filters.date_from,
        date_to=filters.date_to,
        target_type=filters.target_type,
        group=filters.group,
        passed=filters.passed,
    )
    return paginate(request, qs, limit=filters.limit, offset=filters.offset, serialize=record_out)


@inspections.post("/records", response={200: RecordOut, 201: RecordOut, **E})
def record_submit_api(request: HttpRequest, payload: RecordIn) -> Status[RecordOut]:
    """Submit an on-site record. 201 when stored; 200 with the stored record when the same
    ``client_id`` was already submitted (a resend). Errors: ``record.incomplete``,
    ``record.invalid_item_result``, ``record.unknown_item`` (422), ``task.already_submitted``,
    ``record.client_id_conflict`` (409), ``inspection.permission_denied`` (403)."""
    task = selectors.task_get(user=request.user, pk=payload.task)
    record, created = record_submit(
        actor=request.user,
        task=task,
        client_id=payload.client_id,
        results=_results(payload.results),
        problems=_problems(request.user, payload.problems),
        inspected_at=payload.inspected_at,
        persons_present=payload.persons_present,
        notes=payload.notes,
        latitude=payload.latitude,
        longitude=payload.longitude,
        photo_ids=payload.photo_ids,
    )
    record = selectors.record_get(user=request.user, pk=record.pk)
    return Status(201 if created else 200, record_out(record, detail=True, user=request.user))


@inspections.get("/records/{record_id}", response={200: RecordOut, 404: ErrorOut})
def record_detail(request: HttpRequest, record_id: int) -> RecordOut:
    record = selectors.record_get(user=request.user, pk=record_id)
    return record_out(record, detail=True, user=request.user)


@inspections.post(
    "/records/{record_id}/corrections", response={200: RecordOut, 201: RecordOut, **E}
)
def record_correct_api(
    request: HttpRequest, record_id: int, payload: CorrectionIn
) -> Status[RecordOut]:
    """Correct a record: a new version (``record.not_current`` 409 on an old version)."""
    record = selectors.record_get(user=request.user, pk=record_id)
    new, created = record_correct(
        actor=request.user,
        record=record,
        client_id=payload.client_id,
        results=_results(payload.results),
        reason=payload.reason,
        problems=_problems(request.user, payload.problems),
    )
    new = selectors.record_get(user=request.user, pk=new.pk)
    return Status(201 if created else 200, record_out(new, detail=True, user=request.user))


# Accountability, scores, bulletin -------------------------------------------------------------


@inspections.get("/accountability", response=Page[AccountabilityOut])
def accountability_list(
    request: HttpRequest,
    jurisdiction: str | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    finding: int | None = None,
    record: int | None = None,
    limit: int = 50,
    offset: int = 0,
) -> dict[str, Any]:
    qs = selectors.accountability_list(
        user=request.user,
        jurisdiction=jurisdiction,
        date_from=date_from,
        date_to=date_to,
        finding=finding,
        record=record,
    )
    return paginate(request, qs, limit=limit, offset=offset, serialize=accountability_out)


@inspections.post("/accountability", response={201: AccountabilityOut, **E})
def accountability_create_api(
    request: HttpRequest, payload: AccountabilityIn
) -> Status[AccountabilityOut]:
    finding = (
        selectors.finding_get(user=request.user, pk=payload.finding) if payload.finding else None
    )
    record = selectors.record_get(user=request.user, pk=payload.record) if payload.record else None
    entry = accountability_create(
        actor=request.user,
        finding=finding,
        record=record,
        subject_kind=payload.subject_kind,
        subject_name=payload.subject_name,
        subject_position=payload.subject_position,
        subject_unit=_unit(request.user, payload.subject_unit, field="subject_unit"),
        measure=payload.measure,
        decided_by=payload.decided_by,
        decided_on=payload.decided_on,
        notes=payload.notes,
    )
    return Status(
        201, accountability_out(selectors.accountability_get(user=request.user, pk=entry.pk))
    )


def _period(filters: ReportFilter) -> tuple[dt.date, dt.date]:
    if filters.date_from and filters.date_to:
        return filters.date_from, filters.date_to
    return month_bounds(filters.date_from or filters.date_to or timezone.localdate())


def _rows(rows: list[Any]) -> list[RowOut]:
    return [RowOut(**r.__dict__) for r in rows]


@inspections.get("/scores", response={200: ScoresOut, 404: ErrorOut})
def scores(request: HttpRequest, filters: Query[ReportFilter]) -> ScoresOut:
    """Average score, distribution and ranking (competition ranking, 1-2-2-4) of the child
    areas for a period (default: the current month). Each figure has the URL of its records."""
    j = _report_jurisdiction(request.user, filters.jurisdiction)
    start, end = _period(filters)
    s = score_summary(
        user=request.user, jurisdiction=j, start=start, end=end, target_type=filters.target_type
    )
    return ScoresOut(
        jurisdiction=j.code,
        date_from=start,
        date_to=end,
        count=s.count,
        average=s.average,
        passed=s.passed,
        url=s.url,
        by_type=_rows(s.by_type),
        ranking=_rows(s.by_child),
        distribution=_rows(s.distribution),
    )


@inspections.get(
    "/assessments/monthly", response={200: AssessmentOut, 404: ErrorOut, 422: ErrorOut}
)
def assessment(
    request: HttpRequest,
    month: str,
    jurisdiction: str | None = None,
    target_type: str | None = None,
) -> AssessmentOut:
    """The month's assessment (``month=YYYY-MM``): base score minus the deductions."""
    try:
        first = dt.date.fromisoformat(f"{month}-01")
    except ValueError:
        raise InvalidInput(_("month is YYYY-MM."), field="month") from None
    j = _report_jurisdiction(request.user, jurisdiction)
    result = monthly_assessment(
        user=request.user, jurisdiction=j, month=first, target_type=target_type
    )
    return AssessmentOut(
        jurisdiction=j.code,
        month=month,
        base_score=result.base_score,
        rows=[AssessmentRowOut(**r.__dict__) for r in result.rows],
    )


@inspections.get("/bulletin", response={200: BulletinOut, 404: ErrorOut})
def bulletin(
    request: HttpRequest,
    jurisdiction: str | None = None,
    day: dt.date | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> BulletinOut:
    """The bulletin (督查专报) of an area for a day (``day``) or a period."""
    j = _report_jurisdiction(request.user, jurisdiction)
    start = day or date_from or timezone.localdate()
    end = day or date_to or start
    b = build_bulletin(user=request.user, jurisdiction=j, start=start, end=end)
    return BulletinOut(
        jurisdiction=j.code,
        jurisdiction_name=j.name,
        date_from=start,
        date_to=end,
        generated_at=b.generated_at,
        figures={k: FigureOut(value=v.value, url=v.url) for k, v in b.figures.items()},
        by_area=[
            BulletinRowOut(
                **{k: v for k, v in r.__dict__.items() if k in BulletinRowOut.model_fields}
            )
            for r in b.by_child
        ],
        by_severity={key: n for key, _label, n, _url in b.by_severity},
        overdue=[f.pk for f in b.overdue],
        accountability=[a.pk for a in b.accountability],
    )


# Findings -------------------------------------------------------------------------------------


@findings.get("", response=Page[FindingOut])
def finding_list(request: HttpRequest, filters: Query[FindingFilter]) -> dict[str, Any]:
    qs = selectors.finding_list(
        user=request.user,
        status=filters.status,
        severity=filters.severity,
        jurisdiction=filters.jurisdiction,
        overdue=filters.overdue,
        escalated=filters.escalated,
        target_type=filters.target_type,
        record=filters.record,
        group=filters.group,
        found_from=filters.found_from,
        found_to=filters.found_to,
    ).select_related("escalated_to")
    return paginate(
        request,
        qs,
        limit=filters.limit,
        offset=filters.offset,
        serialize=lambda f: finding_out(f, request.user),
    )


@findings.get("/{finding_id}", response={200: FindingOut, 404: ErrorOut})
def finding_detail(request: HttpRequest, finding_id: int) -> FindingOut:
    return finding_out(selectors.finding_get(user=request.user, pk=finding_id), request.user)


@findings.post("/{finding_id}/transition", response={200: FindingOut, **E})
def finding_transition_api(
    request: HttpRequest, finding_id: int, payload: TransitionIn
) -> FindingOut:
    """One step: ``assign`` (交办), ``start``, ``submit`` (rectification, with a note or photos
    uploaded before), ``verify`` (回头看 → 销号), ``reopen``. An illegal step is 409
    ``finding.invalid_transition``; the wrong side is 403 ``finding.permission_denied``."""
    finding = selectors.finding_get(user=request.user, pk=finding_id)
    finding_transition(
        actor=request.user,
        finding=finding,
        action=payload.action,
        note=payload.note,
        deadline=payload.deadline,
        requirements=payload.requirements,
        responsible_unit=_unit(request.user, payload.responsible_unit, field="responsible_unit"),
        responsible_jurisdiction=(
            _jurisdiction(payload.responsible_jurisdiction, field="responsible_jurisdiction")
            if payload.responsible_jurisdiction
            else None
        ),
    )
    return finding_out(selectors.finding_get(user=request.user, pk=finding_id), request.user)


@findings.post("/{finding_id}/photos", response={201: PhotoOut, **E})
def finding_photo(
    request: HttpRequest,
    finding_id: int,
    file: File[UploadedFile],
    taken_at: Form[dt.datetime | None] = None,
    latitude: Form[Decimal | None] = None,
    longitude: Form[Decimal | None] = None,
) -> Status[PhotoOut]:
    """Rectification evidence, uploaded by the responsible side before ``submit``."""
    finding = selectors.finding_get(user=request.user, pk=finding_id)
    if not is_responsible_side(
        request.user, path=finding.responsible_path, unit_id=finding.responsible_unit_id
    ):
        raise FindingDenied()
    photo = photo_store(
        actor=request.user,
        upload=file,
        finding=finding,
        taken_at=taken_at,
        latitude=latitude,
        longitude=longitude,
    )
    return Status(201, photo_out(photo))
