"""Risk levels API under ``/api/v1/risk-levels``.

- ``GET  /risk-levels?parent=&date=&level=&scheme=``: the counties with their level on a date
  (official designation, or what one scheme computed), with the counts per band;
- ``GET  /risk-levels/<code>`` and ``/risk-levels/<code>/history``;
- ``GET/POST /risk-levels/overrides``, ``GET /risk-levels/overrides/<id>`` and
  ``POST /risk-levels/overrides/<id>/{approve,reject,withdraw,lift}``;
- ``POST /risk-levels/compute``.

Counties outside the caller's area are absent from lists and 404 on detail.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema, Status
from pydantic import Field

from epicontrol.core.pagination import Page, paginate

from . import selectors, services
from .choices import OverrideStatus, RiskLevelCode
from .models import RiskAssessment, RiskLevelChange, RiskOverride
from .reasons import reason_text
from .selectors import CountyLevel, level_label

ROUTER_PREFIX = "/risk-levels"
router = Router(tags=["risk levels"])

LEVEL_PATTERN = "^(low|medium|high|medium_A|medium_B|medium_C)$"


class ErrorOut(Schema):
    code: str
    message: str
    details: dict[str, object]


class ReasonOut(Schema):
    rule: str
    fact: str | None = None
    op: str | None = None
    threshold: int | bool | None = None
    actual: int | bool | None = None
    text: str


class CountyLevelOut(Schema):
    code: str
    name: str
    parent_code: str
    level: str | None = Field(..., description="None: not assessed")
    band: str | None = Field(..., description="low / medium / high (the colour)")
    level_label: str
    scheme: str
    is_override: bool
    effective_from: dt.date | None
    computed_at: dt.datetime | None
    reasons: list[ReasonOut]
    inherited_from: str | None = None


class CountsOut(Schema):
    high: int
    medium: int
    low: int
    unassessed: int
    total: int


class RiskLevelPage(Page[CountyLevelOut]):
    date: dt.date
    parent: str | None
    scheme: str | None
    counts: CountsOut
    by_level: dict[str, int]


class ListFilter(Schema):
    parent: str | None = Field(None, max_length=20, description="Division code (default: yours)")
    date: dt.date | None = Field(None, description="Default: today")
    level: str | None = Field(None, pattern=LEVEL_PATTERN, description="A band or a level")
    scheme: str | None = Field(None, max_length=40, description="Computed by this scheme")
    limit: int = Field(200, ge=1, le=200)
    offset: int = Field(0, ge=0)


class ChangeOut(Schema):
    effective_from: dt.date
    from_level: str | None
    to_level: str | None
    source: str
    scheme: str
    override_id: int | None
    actor: str | None
    reason: str
    reasons: list[ReasonOut]
    created_at: dt.datetime


class AssessmentOut(Schema):
    date: dt.date
    scheme: str
    level: str
    level_label: str
    inputs: dict[str, Any]
    reasons: list[ReasonOut]
    computed_at: dt.datetime


class HistoryFilter(Schema):
    date: dt.date | None = Field(None, description="Default: today")
    days: int = Field(30, ge=1, le=400)


class HistoryOut(Schema):
    county: CountyLevelOut
    changes: list[ChangeOut]
    assessments: list[AssessmentOut]


class OverrideOut(Schema):
    id: int
    county: str
    county_name: str
    level: str
    level_label: str
    scheme: str
    status: str
    requested_from: dt.date
    effective_from: dt.date | None
    reason: str
    proposed_by: str
    proposed_at: dt.datetime
    decided_by: str | None
    decided_at: dt.datetime | None
    decision_note: str
    lifted_on: dt.date | None
    lift_reason: str


class OverrideIn(Schema):
    county: str = Field(..., max_length=20)
    level: RiskLevelCode
    reason: str = Field(..., min_length=1, max_length=2000)
    requested_from: dt.date | None = None


class OverrideFilter(Schema):
    status: OverrideStatus | None = None
    limit: int = Field(50, ge=1, le=200)
    offset: int = Field(0, ge=0)


class NoteIn(Schema):
    note: str = Field("", max_length=2000)


class LiftIn(Schema):
    reason: str = Field(..., min_length=1, max_length=2000)


class ComputeIn(Schema):
    date: dt.date | None = None
    scheme: str | None = Field(None, max_length=40)
    root: str | None = Field(None, max_length=20, description="Default: your own division")


class ComputeOut(Schema):
    date: dt.date
    schemes: list[str]
    counties: int
    created: int
    updated: int
    changes: int


def _reason_dicts(raw: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {
            "rule": str(r.get("rule", "")),
            "fact": r.get("fact"),
            "op": r.get("op"),
            "threshold": r.get("threshold"),
            "actual": r.get("actual"),
            "text": reason_text(r),
        }
        for r in raw
    ]


def county_level_dict(item: CountyLevel) -> dict[str, Any]:
    """The list's items as plain dicts: the response schema validates them once (building
    ``CountyLevelOut`` objects first would validate every item twice)."""
    return {
        "code": item.code,
        "name": item.name,
        "parent_code": item.parent_code,
        "level": item.level,
        "band": item.band,
        "level_label": item.level_label,
        "scheme": item.scheme,
        "is_override": item.is_override,
        "effective_from": item.effective_from,
        "computed_at": item.computed_at,
        "reasons": _reason_dicts(item.reasons),
        "inherited_from": item.inherited_from,
    }


def _reasons(raw: list[dict[str, Any]]) -> list[ReasonOut]:
    return [
        ReasonOut(
            rule=str(r.get("rule", "")),
            fact=r.get("fact"),
            op=r.get("op"),
            threshold=r.get("threshold"),
            actual=r.get("actual"),
            text=reason_text(r),
        )
        for r in raw
    ]


def county_level_out(item: CountyLevel) -> CountyLevelOut:
    return CountyLevelOut(
        code=item.code,
        name=item.name,
        parent_code=item.parent_code,
        level=item.level,
        band=item.band,
        level_label=item.level_label,
        scheme=item.scheme,
        is_override=item.is_override,
        effective_from=item.effective_from,
        computed_at=item.computed_at,
        reasons=_reasons(item.reasons),
        inherited_from=item.inherited_from,
    )


def change_out(c: RiskLevelChange) -> ChangeOut:
    return ChangeOut(
        effective_from=c.effective_from,
        from_level=c.from_level or None,
        to_level=c.to_level or None,
        source=c.source,
        scheme=c.scheme,
        override_id=c.override_id,
        actor=c.actor.username if c.actor is not None else None,
        reason=c.reason,
        reasons=_reasons(c.reasons),
        created_at=c.created_at,
    )


def assessment_out(a: RiskAssessment) -> AssessmentOut:
    return AssessmentOut(
        date=a.day,
        scheme=a.scheme,
        level=a.level,
        level_label=level_label(a.level),
        inputs=a.inputs,
        reasons=_reasons(a.reasons),
        computed_at=a.updated_at,
    )


def override_out(o: RiskOverride) -> OverrideOut:
    return OverrideOut(
        id=o.pk,
        county=o.jurisdiction.code,
        county_name=o.jurisdiction.name,
        level=o.level,
        level_label=level_label(o.level),
        scheme=o.scheme,
        status=o.status,
        requested_from=o.requested_from,
        effective_from=o.effective_from,
        reason=o.reason,
        proposed_by=o.proposed_by.username,
        proposed_at=o.created_at,
        decided_by=o.decided_by.username if o.decided_by is not None else None,
        decided_at=o.decided_at,
        decision_note=o.decision_note,
        lifted_on=o.lifted_on,
        lift_reason=o.lift_reason,
    )


ERRORS = {403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


@router.get("", response={200: RiskLevelPage, 404: ErrorOut})
def risk_level_list(request: HttpRequest, filters: Query[ListFilter]) -> dict[str, Any]:
    """Counties under ``parent`` with their level on ``date``, and the counts per band."""
    result = selectors.risk_level_list(
        user=request.user,
        parent_code=filters.parent,
        day=filters.date,
        level=filters.level,
        scheme=filters.scheme,
    )
    page = paginate(
        request,
        result.items,
        limit=filters.limit,
        offset=filters.offset,
        serialize=county_level_dict,
    )
    counts = result.counts
    page.update(
        date=result.day,
        parent=result.parent.code if result.parent else None,
        scheme=result.scheme,
        counts={
            "high": counts.high,
            "medium": counts.medium,
            "low": counts.low,
            "unassessed": counts.unassessed,
            "total": counts.total,
        },
        by_level=result.by_level,
    )
    return page


@router.get("/overrides", response=Page[OverrideOut])
def override_list(request: HttpRequest, filters: Query[OverrideFilter]) -> dict[str, Any]:
    qs = selectors.override_list(user=request.user, status=filters.status)
    return paginate(request, qs, limit=filters.limit, offset=filters.offset, serialize=override_out)


@router.post("/overrides", response={201: OverrideOut, **ERRORS})
def override_propose(request: HttpRequest, payload: OverrideIn) -> Status[OverrideOut]:
    """Propose an override. Errors: ``risk_override.forbidden`` (403),
    ``risk_override.pending_exists`` (409), ``risk_override.invalid_level`` and
    ``risk_override.invalid`` (422); ``not_found`` for a county outside your area."""
    override = services.risk_override_propose(
        actor=request.user,
        county_code=payload.county,
        level=str(payload.level),
        reason=payload.reason,
        requested_from=payload.requested_from,
    )
    return Status(201, override_out(selectors.override_get(user=request.user, pk=override.pk)))


@router.get("/overrides/{pk}", response={200: OverrideOut, 404: ErrorOut})
def override_detail(request: HttpRequest, pk: int) -> OverrideOut:
    return override_out(selectors.override_get(user=request.user, pk=pk))


@router.post("/overrides/{pk}/approve", response={200: OverrideOut, **ERRORS})
def override_approve(request: HttpRequest, pk: int, payload: NoteIn) -> OverrideOut:
    """Errors: ``risk_override.self_approval``, ``risk_override.forbidden`` (403),
    ``risk_override.invalid_transition`` (409)."""
    override = selectors.override_get(user=request.user, pk=pk)
    services.risk_override_approve(actor=request.user, override=override, note=payload.note)
    return override_out(selectors.override_get(user=request.user, pk=pk))


@router.post("/overrides/{pk}/reject", response={200: OverrideOut, **ERRORS})
def override_reject(request: HttpRequest, pk: int, payload: NoteIn) -> OverrideOut:
    override = selectors.override_get(user=request.user, pk=pk)
    services.risk_override_reject(actor=request.user, override=override, note=payload.note)
    return override_out(selectors.override_get(user=request.user, pk=pk))


@router.post("/overrides/{pk}/withdraw", response={200: OverrideOut, **ERRORS})
def override_withdraw(request: HttpRequest, pk: int) -> OverrideOut:
    override = selectors.override_get(user=request.user, pk=pk)
    services.risk_override_withdraw(actor=request.user, override=override)
    return override_out(selectors.override_get(user=request.user, pk=pk))


@router.post("/overrides/{pk}/lift", response={200: OverrideOut, **ERRORS})
def override_lift(request: HttpRequest, pk: int, payload: LiftIn) -> OverrideOut:
    override = selectors.override_get(user=request.user, pk=pk)
    services.risk_override_lift(actor=request.user, override=override, reason=payload.reason)
    return override_out(selectors.override_get(user=request.user, pk=pk))


@router.post("/compute", response={200: ComputeOut, **ERRORS})
def compute(request: HttpRequest, payload: ComputeIn) -> ComputeOut:
    """Compute the levels of the counties under ``root`` (default: your division) for a day."""
    root = payload.root
    if root is None:
        parent = selectors.resolve_parent(request.user, None)
        root = parent.code if parent is not None else None
    result = services.risk_levels_compute(
        actor=request.user,
        day=payload.date or timezone.localdate(),
        scheme_code=payload.scheme,
        root_code=root,
    )
    return ComputeOut(
        date=result.day,
        schemes=result.schemes,
        counties=result.counties,
        created=result.created,
        updated=result.updated,
        changes=result.changes,
    )


@router.get("/{code}", response={200: CountyLevelOut, 404: ErrorOut})
def county_level(request: HttpRequest, code: str, date: dt.date | None = None) -> CountyLevelOut:
    history = selectors.county_history(user=request.user, code=code, day=date)
    return county_level_out(history.current)


@router.get("/{code}/history", response={200: HistoryOut, 404: ErrorOut})
def county_history(request: HttpRequest, code: str, filters: Query[HistoryFilter]) -> HistoryOut:
    """The county's designation changes (newest first) and the levels computed in the last
    ``days`` days (up to ``date``) by every scheme."""
    history = selectors.county_history(
        user=request.user, code=code, day=filters.date, days=filters.days
    )
    return HistoryOut(
        county=county_level_out(history.current),
        changes=[change_out(c) for c in history.changes],
        assessments=[assessment_out(a) for a in history.assessments],
    )
