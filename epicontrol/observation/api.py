"""Observation API under ``/api/v1/observations``.

Observations (list, start, detail with the plan under its policy version, daily checks, tests,
transitions, room, living needs), today's due checks, the re-plan preview and apply, alerts,
living needs and isolation sites with rooms and roster. Errors carry stable codes (see
``errors.py`` and each service's docstring).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema
from ninja import Status as HttpStatus
from pydantic import Field

from epicontrol.accounts.models import User
from epicontrol.core.errors import NotFound
from epicontrol.core.pagination import Page, paginate
from epicontrol.jurisdictions.models import Jurisdiction, Unit
from epicontrol.people.selectors import person_get

from . import selectors, services
from .choices import (
    AlertKind,
    AlertStatus,
    Category,
    Kind,
    LabResult,
    NeedKind,
    NeedStatus,
    SiteCategory,
    Status,
    Symptom,
    Transition,
)
from .models import Alert, DailyCheck, LabTest, LivingNeed, Observation, Room, RoomAssignment
from .selectors import MAX_ID

ROUTER_PREFIX = "/observations"
router = Router(tags=["observation"])


class ErrorOut(Schema):
    code: str
    message: str
    details: dict[str, object]


ERRORS: dict[int, Any] = {403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


def _unprocessable(code: str, field: str, message: str) -> NotFound:
    return NotFound(message, code=code, status=422, field=field)


# --- schemas ----------------------------------------------------------------------------------


class PersonRef(Schema):
    id: int
    name: str


class Phase(Schema):
    kind: str
    start: dt.date
    end: dt.date
    days: int


class PolicyRef(Schema):
    domain: str
    code: str
    name: str


class ObservationOut(Schema):
    id: int
    person: PersonRef
    category: str
    kind: str = Field(..., description="Kind of the first phase")
    kind_today: str = Field(..., description="Kind of the phase today")
    status: str
    jurisdiction: str
    jurisdiction_name: str
    anchor_basis: str = Field(..., description="last_exposure, arrival or isolation: day 0")
    anchor_date: dt.date
    start_date: dt.date = Field(..., description="Day 1 = anchor + 1 day")
    end_date: dt.date = Field(..., description="Last day = anchor + N days (after extensions)")
    planned_end_date: dt.date
    total_days: int
    phases: list[Phase]
    test_days: list[int]
    test_dates: list[dt.date]
    policy: PolicyRef
    rule: PolicyRef
    fever_threshold_c: Decimal
    checks_per_day: int
    missed_check_grace_hours: int
    incubation_days: int
    responsible: str | None
    ended_on: dt.date | None
    cleared_after_incubation: bool
    created_at: dt.datetime


class CheckIn(Schema):
    slot: int = Field(..., ge=1, le=24, description="1 = morning, 2 = evening (two a day)")
    temperature_c: Decimal = Field(..., ge=30, le=45, max_digits=4, decimal_places=1)
    symptoms: list[Symptom] = Field(default_factory=list, max_length=len(Symptom.values))
    day: dt.date | None = Field(None, description="Default today")
    note: str = Field("", max_length=300)


class AlertRef(Schema):
    id: int
    kind: str
    status: str


class CheckOut(Schema):
    id: int
    day: dt.date
    slot: int
    temperature_c: Decimal
    symptoms: list[str]
    source: str
    note: str
    recorded_at: dt.datetime
    alerts: list[AlertRef]


class LabTestIn(Schema):
    sample_date: dt.date
    result: LabResult
    ct_value: Decimal | None = Field(None, gt=0, le=50, max_digits=5, decimal_places=2)
    note: str = Field("", max_length=300)


class LabTestOut(Schema):
    id: int
    day_number: int
    sample_date: dt.date
    result: str
    ct_value: Decimal | None


class ExtensionOut(Schema):
    previous_end: dt.date
    new_end: dt.date
    reason: str
    created_at: dt.datetime


class TransferOut(Schema):
    facility_id: int
    facility: str
    transferred_at: dt.datetime
    case_id: int | None
    note: str


class RoomRef(Schema):
    assignment_id: int
    room_id: int
    room: str
    site_id: int
    site: str
    started_at: dt.datetime


class ObservationDetailOut(ObservationOut):
    checks: list[CheckOut]
    tests: list[LabTestOut]
    alerts: list[AlertRef]
    extensions: list[ExtensionOut]
    transfer: TransferOut | None
    room: RoomRef | None
    release_blockers: list[dict[str, Any]]


class ObservationIn(Schema):
    person_id: int = Field(..., ge=1, le=MAX_ID)
    category: Category
    anchor_date: dt.date | None = Field(
        None, description="Day 0: last exposure (contacts) or arrival (travellers, returnees)"
    )
    kind: Kind | None = None
    jurisdiction: str | None = Field(None, max_length=20, description="Default: the person's")
    responsible_id: int | None = Field(None, ge=1, le=MAX_ID)
    self_reporter_id: int | None = Field(None, ge=1, le=MAX_ID)
    ledger_entry_id: int | None = Field(None, ge=1, le=MAX_ID)
    note: str = Field("", max_length=2000)


class ObservationFilter(Schema):
    status: Status | None = None
    kind: Kind | None = None
    category: Category | None = None
    q: str | None = Field(None, max_length=50, description="Name prefix")
    jurisdiction: str | None = Field(None, max_length=20)
    limit: int = Field(50, ge=1, le=200)
    offset: int = Field(0, ge=0, le=1_000_000)


class TransitionIn(Schema):
    action: Transition
    on: dt.date | None = Field(None, description="release / close: the day (default today)")
    new_end_date: dt.date | None = Field(None, description="extend: the new last day")
    reason: str = Field("", max_length=300, description="extend/close: required; others: note")
    facility_id: int | None = Field(None, ge=1, le=MAX_ID, description="transfer: the hospital")
    transferred_at: dt.datetime | None = None


class DueOut(ObservationOut):
    checks_done: int
    checks_missing: int


class PageFilter(Schema):
    limit: int = Field(50, ge=1, le=200)
    offset: int = Field(0, ge=0, le=1_000_000)


class DueFilter(PageFilter):
    done: bool = Field(False, description="List those whose checks of today are all in")


class ReplanFilter(Schema):
    as_of: dt.date | None = Field(None, description="The date the new edition applies from")
    jurisdiction: str | None = Field(None, max_length=20)
    category: Category | None = None


class ReplanApplyIn(ReplanFilter):
    token: str | None = Field(None, max_length=64, description="From the preview")


class ReplanRowOut(Schema):
    observation_id: int
    person: str
    category: str
    old_end: dt.date
    new_end: dt.date | None
    old_test_days: list[int]
    new_test_days: list[int] | None
    old_policy: str
    new_policy: str | None
    skipped_reason: str


class ReplanGroupOut(Schema):
    category: str
    old_policy: str
    new_policy: str | None
    old_days: int
    new_days: int | None
    old_test_days: list[int]
    new_test_days: list[int] | None
    skipped_reason: str
    count: int


class ReplanPreviewOut(Schema):
    as_of: dt.date
    target_policy: str
    target_local_policy: str | None
    changed: int
    skipped: int
    token: str
    groups: list[ReplanGroupOut]
    rows: list[ReplanRowOut]


class ReplanApplyOut(Schema):
    id: int
    target_policy: str
    as_of: dt.date
    changed: int
    skipped: int


class AlertOut(Schema):
    id: int
    kind: str
    status: str
    day: dt.date
    slot: int | None
    value: Decimal | None
    observation_id: int
    person: str
    assignee: str | None
    created_at: dt.datetime
    acknowledged_at: dt.datetime | None
    resolved_at: dt.datetime | None
    resolution_note: str


class AlertFilter(Schema):
    status: AlertStatus | None = None
    open: bool = Field(True, description="Only alerts not yet resolved (ignored with status)")
    kind: AlertKind | None = None
    mine: bool = False
    jurisdiction: str | None = Field(None, max_length=20)
    limit: int = Field(50, ge=1, le=200)
    offset: int = Field(0, ge=0, le=1_000_000)


class AlertTransitionIn(Schema):
    action: str = Field(..., pattern="^(acknowledge|resolve)$")
    note: str = Field("", max_length=300)


class NeedIn(Schema):
    kind: NeedKind
    detail: str = Field(..., min_length=1, max_length=300)


class NeedOut(Schema):
    id: int
    observation_id: int
    person: str
    kind: str
    detail: str
    status: str
    requested_at: dt.datetime
    handled_by: str | None
    handled_at: dt.datetime | None
    handling_note: str


class NeedFilter(Schema):
    status: NeedStatus | None = None
    all: bool = Field(False, description="Include handled requests")
    limit: int = Field(50, ge=1, le=200)
    offset: int = Field(0, ge=0, le=1_000_000)


class NeedHandleIn(Schema):
    note: str = Field("", max_length=300)


class SiteIn(Schema):
    jurisdiction: str = Field(..., max_length=20)
    name: str = Field(..., min_length=1, max_length=200)
    category: SiteCategory | None = None
    address: str = Field("", max_length=300)


class RoomOut(Schema):
    id: int
    number: str
    beds: int
    occupied: int
    is_active: bool


class SiteOut(Schema):
    id: int
    name: str
    jurisdiction: str
    jurisdiction_name: str
    category: str | None
    rooms: int
    beds: int
    occupied: int


class SiteDetailOut(SiteOut):
    room_list: list[RoomOut]


class RoomIn(Schema):
    number: str = Field(..., min_length=1, max_length=20)
    beds: int = Field(..., ge=1, le=50)


class DesignationIn(Schema):
    category: SiteCategory | None = None


class RosterOut(Schema):
    assignment_id: int
    room: str
    observation_id: int
    person: str
    category: str
    end_date: dt.date
    started_at: dt.datetime


class RoomAssignIn(Schema):
    room_id: int = Field(..., ge=1, le=MAX_ID)


# --- serializers ------------------------------------------------------------------------------


def _phases(o: Observation) -> list[Phase]:
    first_end = o.date_of(o.first_phase_days) if o.second_phase_days else o.end_date
    phases = [Phase(kind=o.kind, start=o.start_date, end=first_end, days=o.first_phase_days)]
    if o.second_phase_days and o.phase2_from is not None:
        phases.append(
            Phase(
                kind=o.second_phase_kind,
                start=o.phase2_from,
                end=o.end_date,
                days=(o.end_date - o.phase2_from).days + 1,
            )
        )
    return phases


def _base(o: Observation) -> dict[str, Any]:
    today = timezone.localdate()
    return {
        "id": o.pk,
        "person": PersonRef(id=o.person_id, name=o.person.name),
        "category": o.category,
        "kind": o.kind,
        "kind_today": o.kind_on(max(today, o.start_date)),
        "status": o.status,
        "jurisdiction": o.jurisdiction.code,
        "jurisdiction_name": o.jurisdiction.name,
        "anchor_basis": o.anchor_basis,
        "anchor_date": o.anchor_date,
        "start_date": o.start_date,
        "end_date": o.end_date,
        "planned_end_date": o.planned_end_date,
        "total_days": o.total_days,
        "phases": _phases(o),
        "test_days": [int(d) for d in o.test_days],
        "test_dates": [d for _, d in o.test_dates],
        "policy": PolicyRef(
            domain=o.policy_version.domain, code=o.policy_version.code, name=o.policy_version.name
        ),
        "rule": PolicyRef(
            domain=o.rule_version.domain, code=o.rule_version.code, name=o.rule_version.name
        ),
        "fever_threshold_c": o.fever_threshold_c,
        "checks_per_day": o.checks_per_day,
        "missed_check_grace_hours": o.grace_hours,
        "incubation_days": o.incubation_days,
        "responsible": o.responsible.username if o.responsible_id and o.responsible else None,
        "ended_on": o.ended_on,
        "cleared_after_incubation": o.cleared_after_incubation,
        "created_at": o.created_at,
    }


def observation_out(o: Observation) -> ObservationOut:
    return ObservationOut(**_base(o))


def due_out(o: Observation) -> DueOut:
    return DueOut(
        **_base(o),
        checks_done=getattr(o, "checks_done_today", 0),
        checks_missing=max(0, getattr(o, "checks_missing", 0)),
    )


def _alert_ref(a: Alert) -> AlertRef:
    return AlertRef(id=a.pk, kind=a.kind, status=a.status)


def check_out(c: DailyCheck) -> CheckOut:
    return CheckOut(
        id=c.pk,
        day=c.day,
        slot=c.slot,
        temperature_c=c.temperature_c,
        symptoms=list(c.symptoms or []),
        source=c.source,
        note=c.note,
        recorded_at=c.created_at,
        alerts=[_alert_ref(a) for a in c.alerts.all()],
    )


def lab_test_out(t: LabTest) -> LabTestOut:
    return LabTestOut(
        id=t.pk,
        day_number=t.day_number,
        sample_date=t.sample_date,
        result=t.result,
        ct_value=t.ct_value,
    )


def detail_out(o: Observation) -> ObservationDetailOut:
    transfer = getattr(o, "transfer", None) if hasattr(o, "transfer") else None
    room = selectors.current_assignment(o)
    return ObservationDetailOut(
        **_base(o),
        checks=[check_out(c) for c in o.checks.prefetch_related("alerts")],
        tests=[lab_test_out(t) for t in o.tests.all()],
        alerts=[_alert_ref(a) for a in o.alerts.all()],
        extensions=[
            ExtensionOut(
                previous_end=e.previous_end,
                new_end=e.new_end,
                reason=e.reason,
                created_at=e.created_at,
            )
            for e in o.extensions.all()
        ],
        transfer=(
            TransferOut(
                facility_id=transfer.facility_id,
                facility=transfer.facility.name,
                transferred_at=transfer.transferred_at,
                case_id=transfer.case_id,
                note=transfer.note,
            )
            if transfer
            else None
        ),
        room=_room_ref(room) if room else None,
        release_blockers=(
            services.release_blockers(o, timezone.localdate()) if o.status == Status.ACTIVE else []
        ),
    )


def _room_ref(a: RoomAssignment) -> RoomRef:
    return RoomRef(
        assignment_id=a.pk,
        room_id=a.room_id,
        room=a.room.number,
        site_id=a.room.site_id,
        site=a.room.site.name,
        started_at=a.started_at,
    )


def alert_out(a: Alert) -> AlertOut:
    return AlertOut(
        id=a.pk,
        kind=a.kind,
        status=a.status,
        day=a.day,
        slot=a.slot,
        value=a.value,
        observation_id=a.observation_id,
        person=a.observation.person.name,
        assignee=a.assignee.username if a.assignee_id and a.assignee else None,
        created_at=a.created_at,
        acknowledged_at=a.acknowledged_at,
        resolved_at=a.resolved_at,
        resolution_note=a.resolution_note,
    )


def need_out(n: LivingNeed) -> NeedOut:
    return NeedOut(
        id=n.pk,
        observation_id=n.observation_id,
        person=n.observation.person.name,
        kind=n.kind,
        detail=n.detail,
        status=n.status,
        requested_at=n.created_at,
        handled_by=str(n.handled_by) if n.handled_by_id and n.handled_by else None,
        handled_at=n.handled_at,
        handling_note=n.handling_note,
    )


def site_out(s: Unit) -> SiteOut:
    designation = getattr(s, "designation", None) if hasattr(s, "designation") else None
    return SiteOut(
        id=s.pk,
        name=s.name,
        jurisdiction=s.jurisdiction.code,
        jurisdiction_name=s.jurisdiction.name,
        category=designation.category if designation else None,
        rooms=getattr(s, "rooms_count", 0),
        beds=getattr(s, "beds", 0),
        occupied=getattr(s, "occupied", 0),
    )


def room_out(r: Room) -> RoomOut:
    return RoomOut(
        id=r.pk,
        number=r.number,
        beds=r.beds,
        occupied=getattr(r, "occupied", 0),
        is_active=r.is_active,
    )


def _jurisdiction(code: str, field: str = "jurisdiction") -> Jurisdiction:
    j = Jurisdiction.objects.filter(code=code).first()
    if j is None:
        raise _unprocessable("observation.invalid_jurisdiction", field, "Unknown jurisdiction.")
    return j


# --- observations ---------------------------------------------------------------------------


@router.get("", response=Page[ObservationOut])
def observation_list(request: HttpRequest, filters: Query[ObservationFilter]) -> dict[str, Any]:
    """Observations in your area, soonest end first."""
    qs = selectors.observation_list(
        user=request.user,
        status=filters.status,
        kind=filters.kind,
        category=filters.category,
        q=filters.q,
        jurisdiction=filters.jurisdiction,
    ).select_related("policy_version", "rule_version", "responsible")
    return paginate(
        request, qs, limit=filters.limit, offset=filters.offset, serialize=observation_out
    )


@router.post("", response={201: ObservationOut, **ERRORS})
def observation_create(request: HttpRequest, payload: ObservationIn) -> HttpStatus[Any]:
    """Start an observation: the plan comes from the edition in force on day 1.

    Errors: ``observation.invalid_person``, ``observation.no_rule``,
    ``observation.anchor_in_future``, ``observation.already_active`` …"""
    user = request.user
    try:
        person = person_get(user=user, pk=payload.person_id)
    except NotFound:
        raise _unprocessable("observation.invalid_person", "person_id", "Unknown person.") from None
    responsible = self_reporter = ledger_entry = None
    if payload.responsible_id:
        responsible = User.objects.filter(pk=payload.responsible_id, is_active=True).first()
        if responsible is None:
            raise _unprocessable(
                "observation.invalid_responsible", "responsible_id", "Unknown user."
            )
    if payload.self_reporter_id:
        self_reporter = User.objects.filter(
            pk=payload.self_reporter_id, is_active=True, memberships__role="resident"
        ).first()
        if self_reporter is None:
            raise _unprocessable(
                "observation.invalid_self_reporter", "self_reporter_id", "Not a resident account."
            )
    if payload.ledger_entry_id:
        model = apps.get_model("screening", "LedgerEntry")
        ledger_entry = model.objects.visible_to(user).filter(pk=payload.ledger_entry_id).first()
        if ledger_entry is None:
            raise _unprocessable(
                "observation.invalid_ledger_entry", "ledger_entry_id", "Unknown ledger entry."
            )
    obs = services.observation_start(
        actor=user,
        person=person,
        category=payload.category,
        anchor_date=payload.anchor_date,
        kind=payload.kind,
        jurisdiction=_jurisdiction(payload.jurisdiction) if payload.jurisdiction else None,
        responsible=responsible,
        self_reporter=self_reporter,
        ledger_entry=ledger_entry,
        note=payload.note,
    )
    return HttpStatus(201, observation_out(selectors.observation_get(user=user, pk=obs.pk)))


@router.get("/due-today", response=Page[DueOut])
def observation_due_today(request: HttpRequest, filters: Query[DueFilter]) -> dict[str, Any]:
    """Today's checks: observations with checks still missing today, soonest end first
    (``done=true``: those whose checks of today are all in)."""
    qs = selectors.due_today(user=request.user, done=filters.done).select_related(
        "policy_version", "rule_version", "responsible"
    )
    return paginate(request, qs, limit=filters.limit, offset=filters.offset, serialize=due_out)


@router.get("/replan/preview", response={200: ReplanPreviewOut, **ERRORS})
def replan_preview(request: HttpRequest, filters: Query[ReplanFilter]) -> ReplanPreviewOut:
    """What re-planning open observations under the edition in force on ``as_of`` changes."""
    preview = services.replan_preview(
        actor=request.user,
        as_of=filters.as_of,
        jurisdiction=_jurisdiction(filters.jurisdiction) if filters.jurisdiction else None,
        category=filters.category,
    )
    return _preview_out(preview)


def _preview_out(preview: services.ReplanPreview) -> ReplanPreviewOut:
    return ReplanPreviewOut(
        as_of=preview.as_of,
        target_policy=preview.target.code,
        target_local_policy=preview.target_local.code if preview.target_local else None,
        changed=preview.changed,
        skipped=preview.skipped,
        token=preview.token,
        groups=[
            ReplanGroupOut(
                category=g.category,
                old_policy=g.old_policy,
                new_policy=g.new_policy,
                old_days=g.old_days,
                new_days=g.new_days,
                old_test_days=list(g.old_test_days),
                new_test_days=list(g.new_test_days) if g.new_test_days is not None else None,
                skipped_reason=g.skipped_reason,
                count=g.count,
            )
            for g in preview.groups
        ],
        rows=[
            ReplanRowOut(
                observation_id=r.observation_id,
                person=r.person_name,
                category=r.category,
                old_end=r.old_end,
                new_end=r.new_end,
                old_test_days=list(r.old_test_days),
                new_test_days=list(r.new_test_days) if r.new_test_days is not None else None,
                old_policy=r.old_policy,
                new_policy=r.new_policy,
                skipped_reason=r.skipped_reason,
            )
            for r in preview.shown_rows
        ],
    )


@router.post("/replan/apply", response={200: ReplanApplyOut, **ERRORS})
def replan_apply(request: HttpRequest, payload: ReplanApplyIn) -> ReplanApplyOut:
    """Apply the re-plan in one transaction (send the preview's ``token`` to guard changes)."""
    record, _preview = services.replan_apply(
        actor=request.user,
        as_of=payload.as_of,
        jurisdiction=_jurisdiction(payload.jurisdiction) if payload.jurisdiction else None,
        category=payload.category,
        token=payload.token,
    )
    return ReplanApplyOut(
        id=record.pk,
        target_policy=record.target_version.code,
        as_of=record.as_of,
        changed=record.changed,
        skipped=record.skipped,
    )


# --- alerts ----------------------------------------------------------------------------------


@router.get("/alerts", response=Page[AlertOut])
def alert_list(request: HttpRequest, filters: Query[AlertFilter]) -> dict[str, Any]:
    """Alerts in your area (open ones by default), newest first."""
    status = filters.status or ("open" if filters.open else "all")
    qs = selectors.alert_list(
        user=request.user,
        status=status,
        kind=filters.kind,
        mine=filters.mine,
        jurisdiction=filters.jurisdiction,
    )
    return paginate(request, qs, limit=filters.limit, offset=filters.offset, serialize=alert_out)


@router.post("/alerts/{alert_id}/transition", response={200: AlertOut, **ERRORS})
def alert_transition(request: HttpRequest, alert_id: int, payload: AlertTransitionIn) -> AlertOut:
    """``acknowledge`` or ``resolve``; ``alert.invalid_transition`` (409) otherwise."""
    alert = selectors.alert_get(user=request.user, pk=alert_id)
    alert = services.alert_transition(
        actor=request.user, alert=alert, action=payload.action, note=payload.note
    )
    return alert_out(selectors.alert_get(user=request.user, pk=alert.pk))


# --- living needs ----------------------------------------------------------------------------


@router.get("/needs", response=Page[NeedOut])
def need_list(request: HttpRequest, filters: Query[NeedFilter]) -> dict[str, Any]:
    """Living-needs requests in your area (open ones unless ``all``)."""
    status = filters.status or ("all" if filters.all else NeedStatus.OPEN)
    qs = selectors.need_list(user=request.user, status=status)
    return paginate(request, qs, limit=filters.limit, offset=filters.offset, serialize=need_out)


@router.post("/needs/{need_id}/handle", response={200: NeedOut, **ERRORS})
def need_handle(request: HttpRequest, need_id: int, payload: NeedHandleIn) -> NeedOut:
    need = selectors.need_get(user=request.user, pk=need_id)
    need = services.need_handle(actor=request.user, need=need, note=payload.note)
    return need_out(selectors.need_get(user=request.user, pk=need.pk))


# --- isolation sites -------------------------------------------------------------------------


@router.get("/sites", response=Page[SiteOut])
def site_list(request: HttpRequest, filters: Query[PageFilter]) -> dict[str, Any]:
    """Centralised isolation sites in your area with beds and occupancy."""
    qs = selectors.site_list(user=request.user)
    return paginate(request, qs, limit=filters.limit, offset=filters.offset, serialize=site_out)


@router.post("/sites", response={201: SiteOut, **ERRORS})
def site_create(request: HttpRequest, payload: SiteIn) -> HttpStatus[SiteOut]:
    site = services.site_create(
        actor=request.user,
        jurisdiction=_jurisdiction(payload.jurisdiction),
        name=payload.name,
        category=payload.category,
        address=payload.address,
    )
    return HttpStatus(201, site_out(selectors.site_get(user=request.user, pk=site.pk)))


def _site_detail(user: Any, site_id: int) -> SiteDetailOut:
    site = selectors.site_get(user=user, pk=site_id)
    return SiteDetailOut(
        **site_out(site).dict(), room_list=[room_out(r) for r in selectors.site_rooms(site=site)]
    )


@router.get("/sites/{site_id}", response={200: SiteDetailOut, **ERRORS})
def site_detail(request: HttpRequest, site_id: int) -> SiteDetailOut:
    return _site_detail(request.user, site_id)


@router.post("/sites/{site_id}/rooms", response={201: RoomOut, **ERRORS})
def room_create(request: HttpRequest, site_id: int, payload: RoomIn) -> HttpStatus[RoomOut]:
    """Add a room; ``room.duplicate`` (409) for a number the site has already."""
    site = selectors.site_get(user=request.user, pk=site_id)
    room = services.room_create(
        actor=request.user, site=site, number=payload.number, beds=payload.beds
    )
    return HttpStatus(201, room_out(room))


@router.put("/sites/{site_id}/designation", response={200: SiteDetailOut, **ERRORS})
def site_designate(request: HttpRequest, site_id: int, payload: DesignationIn) -> SiteDetailOut:
    """Designate the site for one category of persons (``null`` clears it)."""
    site = selectors.site_get(user=request.user, pk=site_id)
    services.site_designate(actor=request.user, site=site, category=payload.category)
    return _site_detail(request.user, site_id)


@router.get("/sites/{site_id}/roster", response={200: list[RosterOut], **ERRORS})
def site_roster(request: HttpRequest, site_id: int) -> list[RosterOut]:
    """Who is in the site now, by room."""
    site = selectors.site_get(user=request.user, pk=site_id)
    return [
        RosterOut(
            assignment_id=a.pk,
            room=a.room.number,
            observation_id=a.observation_id,
            person=a.observation.person.name,
            category=a.observation.category,
            end_date=a.observation.end_date,
            started_at=a.started_at,
        )
        for a in selectors.site_roster(site=site)
    ]


# --- one observation -------------------------------------------------------------------------


def _observation(request: HttpRequest, observation_id: int) -> Observation:
    return selectors.observation_get(user=request.user, pk=observation_id)


@router.get("/{observation_id}", response={200: ObservationDetailOut, **ERRORS})
def observation_detail(request: HttpRequest, observation_id: int) -> ObservationDetailOut:
    """One observation with its plan (end date, phases, test days) under its policy version,
    its checks, tests, alerts, extensions, transfer and room."""
    return detail_out(_observation(request, observation_id))


@router.get("/{observation_id}/checks", response={200: list[CheckOut], **ERRORS})
def check_list(request: HttpRequest, observation_id: int) -> list[CheckOut]:
    obs = _observation(request, observation_id)
    return [check_out(c) for c in obs.checks.prefetch_related("alerts")]


@router.post("/{observation_id}/checks", response={201: CheckOut, **ERRORS})
def check_create(
    request: HttpRequest, observation_id: int, payload: CheckIn
) -> HttpStatus[CheckOut]:
    """Record a daily check. Fever (≥ the policy's threshold) or symptoms raise alerts.

    Errors: ``check.duplicate`` (409), ``check.invalid_slot``, ``check.invalid_temperature``,
    ``check.future``, ``check.out_of_period`` (422), ``observation.not_active`` (409)."""
    obs = _observation(request, observation_id)
    check = services.check_record(
        actor=request.user,
        observation=obs,
        slot=payload.slot,
        temperature_c=payload.temperature_c,
        symptoms=[str(s) for s in payload.symptoms],
        day=payload.day,
        note=payload.note,
    )
    return HttpStatus(201, check_out(check))


@router.post("/{observation_id}/tests", response={201: LabTestOut, **ERRORS})
def lab_test_create(
    request: HttpRequest, observation_id: int, payload: LabTestIn
) -> HttpStatus[LabTestOut]:
    """Record a nucleic-acid test (a positive result raises an alert)."""
    obs = _observation(request, observation_id)
    test = services.lab_test_record(
        actor=request.user,
        observation=obs,
        sample_date=payload.sample_date,
        result=payload.result,
        ct_value=payload.ct_value,
        note=payload.note,
    )
    return HttpStatus(201, lab_test_out(test))


@router.post("/{observation_id}/transition", response={200: ObservationDetailOut, **ERRORS})
def observation_transition(
    request: HttpRequest, observation_id: int, payload: TransitionIn
) -> ObservationDetailOut:
    """``release`` | ``extend`` | ``transfer`` | ``close``.

    Errors: ``observation.invalid_transition`` (409) from a final status, ``observation.not_due``
    and ``observation.release_blocked`` (409), ``observation.reason_required`` …"""
    obs = _observation(request, observation_id)
    facility = None
    if payload.facility_id:
        facility = (
            selectors.transfer_facilities(user=request.user).filter(pk=payload.facility_id).first()
        )
        if facility is None:
            raise _unprocessable("observation.invalid_facility", "facility_id", "Unknown hospital.")
    services.observation_transition(
        actor=request.user,
        observation=obs,
        action=payload.action,
        on=payload.on,
        new_end_date=payload.new_end_date,
        reason=payload.reason,
        facility=facility,
        transferred_at=payload.transferred_at,
    )
    return detail_out(_observation(request, observation_id))


@router.put("/{observation_id}/room", response={200: RoomRef, **ERRORS})
def room_assign(request: HttpRequest, observation_id: int, payload: RoomAssignIn) -> RoomRef:
    """Place the person in a room. ``isolation_site.room_full``,
    ``isolation_site.category_mismatch``, ``isolation_site.not_centralised`` (409)."""
    obs = _observation(request, observation_id)
    room = (
        Room.objects.visible_to(request.user)
        .select_related("site")
        .filter(pk=payload.room_id)
        .first()
    )
    if room is None:
        raise _unprocessable("isolation_site.invalid_room", "room_id", "Unknown room.")
    assignment = services.room_assign(actor=request.user, observation=obs, room=room)
    return _room_ref(assignment)


@router.delete("/{observation_id}/room", response={204: None, **ERRORS})
def room_vacate(request: HttpRequest, observation_id: int) -> HttpStatus[None]:
    obs = _observation(request, observation_id)
    services.room_vacate(actor=request.user, observation=obs)
    return HttpStatus(204, None)


@router.get("/{observation_id}/needs", response={200: list[NeedOut], **ERRORS})
def observation_needs(request: HttpRequest, observation_id: int) -> list[NeedOut]:
    obs = _observation(request, observation_id)
    return [
        need_out(n)
        for n in selectors.need_list(user=request.user, status="all", observation=obs.pk)
    ]


@router.post("/{observation_id}/needs", response={201: NeedOut, **ERRORS})
def need_create(request: HttpRequest, observation_id: int, payload: NeedIn) -> HttpStatus[NeedOut]:
    """A living-needs request (food, medicine, other) of the person."""
    obs = _observation(request, observation_id)
    need = services.need_create(
        actor=request.user, observation=obs, kind=payload.kind, detail=payload.detail
    )
    return HttpStatus(201, need_out(selectors.need_get(user=request.user, pk=need.pk)))
