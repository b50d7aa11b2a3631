"""Cases API: ``GET/POST /api/v1/cases``, ``GET /api/v1/cases/<id>``,
``POST /api/v1/cases/<id>/transition``, ``POST /api/v1/cases/<id>/revisits`` and
``GET /api/v1/facilities``. Scoped like the pages: outside the user's view is 404."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from ninja import Status as HttpStatus
from pydantic import Field

from epicontrol.core.errors import NotFound
from epicontrol.core.pagination import Page, paginate
from epicontrol.jurisdictions.models import Jurisdiction, Unit
from epicontrol.people.choices import IdType

from . import machine, selectors, services
from .choices import Classification, RevisitResult, Severity, Status
from .errors import CaseForbidden, InvalidCaseField
from .models import Case, CaseEvent, Cluster, Revisit

# Not named ``router``: config/api.py would mount a module-level ``router`` a second time.
case_router = Router(tags=["cases"])
facility_router = Router(tags=["facilities"])
ROUTERS = [("/cases", case_router), ("/facilities", facility_router)]


class ErrorOut(Schema):
    code: str
    message: str
    details: dict[str, object]


class CaseOut(Schema):
    id: int
    person_id: int
    person_name: str
    person_id_number: str = Field(..., description="Masked")
    jurisdiction: str
    jurisdiction_name: str
    classification: Classification
    severity: Severity | None
    status: Status
    onset_date: dt.date | None
    reported_at: dt.datetime
    confirmed_at: dt.datetime | None
    is_imported: bool
    import_origin: str
    facility_id: int | None
    facility_name: str | None
    admitted_at: dt.datetime | None
    discharged_at: dt.datetime | None
    died_at: dt.datetime | None
    closed_at: dt.datetime | None
    post_discharge_until: dt.date | None
    cluster_id: int | None
    source: str
    policy_code: str
    allowed_actions: list[str]


class EventOut(Schema):
    action: str
    at: dt.datetime
    actor: str | None
    from_status: str
    to_status: str
    from_classification: str
    to_classification: str
    from_severity: str
    to_severity: str
    facility_id: int | None
    note: str


class RevisitOut(Schema):
    id: int
    date: dt.date
    result: str
    note: str


class CaseDetailOut(CaseOut):
    events: list[EventOut]
    revisits: list[RevisitOut]
    discharge_tests: list[str]
    notes: str


class NewPersonIn(Schema):
    name: str = Field(..., max_length=50)
    phone: str = Field("", max_length=30)
    jurisdiction: str = Field(..., max_length=20, description="Division code of the address")
    current_address: str = Field("", max_length=300)
    confirm_new: bool = False


class CaseIn(Schema):
    person_id: int | None = Field(None, description="A person of the registry you can see")
    id_type: IdType = IdType.RESIDENT_ID
    id_number: str | None = Field(
        None, max_length=40, description="Or the exact identity document (hospital staff)"
    )
    new_person: NewPersonIn | None = Field(
        None, description="Registers the person when the document is not yet registered"
    )
    classification: Classification
    severity: Severity | None = None
    onset_date: dt.date | None = None
    reported_at: dt.datetime | None = None
    jurisdiction: str | None = Field(None, max_length=20, description="Managing division code")
    is_imported: bool = False
    import_origin: str = Field("", max_length=100)
    facility_id: int | None = None
    admitted_at: dt.datetime | None = None
    cluster_id: int | None = None
    notes: str = Field("", max_length=2000)


TransitionAction = Literal[
    "admit", "transfer", "confirm", "clinically_diagnose", "change_severity", "discharge",
    "release", "die", "exclude",
]  # fmt: skip


class TransitionIn(Schema):
    action: TransitionAction
    at: dt.datetime | None = Field(None, description="Effective time; default now")
    facility_id: int | None = None
    severity: Severity | None = None
    negative_tests: list[dt.datetime] = Field(
        default_factory=list, description="Sampling times of negative tests (discharge, release)"
    )
    note: str = Field("", max_length=2000)


class RevisitIn(Schema):
    date: dt.date
    result: RevisitResult
    note: str = Field("", max_length=500)


class CaseFilter(Schema):
    jurisdiction: str | None = Field(None, max_length=20)
    classification: Classification | None = None
    status: Status | None = None
    severity: Severity | None = None
    facility: int | None = None
    set: str | None = Field(None, description="confirmed, admitted, severe, cured, dead")
    date_from: dt.date | None = Field(None, alias="from")
    date_to: dt.date | None = Field(None, alias="to")
    q: str | None = Field(None, max_length=50, description="Name prefix")
    limit: int = Field(50, ge=1, le=200)
    offset: int = Field(0, ge=0)


class FacilityOut(Schema):
    id: int
    name: str
    kind: str
    jurisdiction: str
    jurisdiction_name: str
    beds: int | None
    occupied: int
    free: int | None


class FacilityFilter(Schema):
    jurisdiction: str | None = Field(None, max_length=20)
    limit: int = Field(50, ge=1, le=200)
    offset: int = Field(0, ge=0)


def case_out(c: Case) -> dict[str, Any]:
    return {
        "id": c.pk,
        "person_id": c.person_id,
        "person_name": c.person.name,
        "person_id_number": c.person.id_number_masked,
        "jurisdiction": c.jurisdiction.code,
        "jurisdiction_name": c.jurisdiction.name,
        "classification": c.classification,
        "severity": c.severity,
        "status": c.status,
        "onset_date": c.onset_date,
        "reported_at": c.reported_at,
        "confirmed_at": c.confirmed_at,
        "is_imported": c.is_imported,
        "import_origin": c.import_origin,
        "facility_id": c.facility_id,
        "facility_name": c.facility.name if c.facility else None,
        "admitted_at": c.admitted_at,
        "discharged_at": c.discharged_at,
        "died_at": c.died_at,
        "closed_at": c.closed_at,
        "post_discharge_until": c.post_discharge_until,
        "cluster_id": c.cluster_id,
        "source": c.source,
        "policy_code": c.policy_code,
        "allowed_actions": machine.allowed_actions(
            status=c.status, classification=c.classification, admitted=c.is_admitted
        ),
    }


def _event_out(e: CaseEvent) -> dict[str, Any]:
    return {
        "action": e.action,
        "at": e.at,
        "actor": str(e.actor) if e.actor else None,
        "from_status": e.from_status,
        "to_status": e.to_status,
        "from_classification": e.from_classification,
        "to_classification": e.to_classification,
        "from_severity": e.from_severity,
        "to_severity": e.to_severity,
        "facility_id": e.facility_id,
        "note": e.note,
    }


def _revisit_out(r: Revisit) -> dict[str, Any]:
    return {"id": r.pk, "date": r.date, "result": r.result, "note": r.note}


def case_detail_out(c: Case) -> dict[str, Any]:
    out = case_out(c)
    out["events"] = [_event_out(e) for e in selectors.timeline(case=c)]
    out["revisits"] = [_revisit_out(r) for r in c.revisits.all()]
    out["discharge_tests"] = list(c.discharge_tests or [])
    out["notes"] = c.notes
    return out


def _jurisdiction(code: str, field: str) -> Jurisdiction:
    j = Jurisdiction.objects.filter(code=code).first()
    if j is None:
        raise InvalidCaseField(
            _("Unknown division code."), code="case.invalid_jurisdiction", field=field
        )
    return j


def _facility(pk: int | None) -> Unit | None:
    if pk is None:
        return None
    unit = Unit.objects.filter(pk=pk).select_related("jurisdiction").first()
    if unit is None:
        raise InvalidCaseField(
            _("Unknown facility."), code="case.invalid_facility", field="facility_id"
        )
    return unit


@case_router.get("", response=Page[CaseOut])
def case_list(request: HttpRequest, filters: Query[CaseFilter]) -> dict[str, Any]:
    """Cases you can see, newest report first. ``set`` selects the cases behind a dashboard
    figure and the date field of ``from``/``to`` (default: report time)."""
    qs = selectors.case_list(
        user=request.user,
        jurisdiction=filters.jurisdiction,
        classification=filters.classification,
        status=filters.status,
        severity=filters.severity,
        facility=filters.facility,
        date_from=filters.date_from,
        date_to=filters.date_to,
        subset=filters.set,
        q=filters.q,
    )
    return paginate(request, qs, limit=filters.limit, offset=filters.offset, serialize=case_out)


@case_router.post(
    "", response={201: CaseDetailOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}
)
def case_create(request: HttpRequest, payload: CaseIn) -> HttpStatus[dict[str, Any]]:
    """Report a case. The person is ``person_id`` (a person you can see) or the exact
    document ``id_type`` + ``id_number``; with ``new_person`` an unregistered document is
    registered first. Errors: ``case.duplicate_open``, ``person.duplicate``,
    ``person.possible_duplicates`` (409); ``case.forbidden``, ``case.jurisdiction_out_of_scope``
    (403); ``case.invalid_field``, ``case.invalid_facility``, ``case.invalid_time``,
    ``case.invalid_jurisdiction``, ``person.invalid_id_number`` (422); ``not_found`` (404)."""
    if not services.can_write(request.user):
        raise CaseForbidden()
    person = None
    if payload.person_id is not None:
        person = selectors.person_for_case(user=request.user, person_id=payload.person_id)
        if person is None:
            raise NotFound(_("Person not found."), field="person_id")
    elif payload.id_number:
        person = selectors.person_for_case(
            user=request.user, id_type=payload.id_type, id_number=payload.id_number
        )
        if person is None and payload.new_person is not None:
            person = services.case_person_register(
                actor=request.user,
                name=payload.new_person.name,
                id_type=payload.id_type,
                id_number=payload.id_number,
                phone=payload.new_person.phone,
                jurisdiction=_jurisdiction(
                    payload.new_person.jurisdiction, "new_person.jurisdiction"
                ),
                current_address=payload.new_person.current_address,
                allow_candidates=payload.new_person.confirm_new,
            )
        if person is None:
            raise NotFound(
                _("No registered person with this document; send new_person to register one."),
                code="case.person_not_found",
                field="id_number",
            )
    else:
        raise InvalidCaseField(_("Give person_id or id_number."), field="person_id")
    cluster = None
    if payload.cluster_id is not None:
        cluster = Cluster.objects.visible_to(request.user).filter(pk=payload.cluster_id).first()
        if cluster is None:
            raise NotFound(_("Cluster not found."), field="cluster_id")
    case = services.case_create(
        actor=request.user,
        person=person,
        classification=payload.classification,
        reported_at=payload.reported_at,
        jurisdiction=_jurisdiction(payload.jurisdiction, "jurisdiction")
        if payload.jurisdiction
        else None,
        onset_date=payload.onset_date,
        severity=payload.severity,
        is_imported=payload.is_imported,
        import_origin=payload.import_origin,
        facility=_facility(payload.facility_id),
        admitted_at=payload.admitted_at,
        cluster=cluster,
        notes=payload.notes,
    )
    return HttpStatus(201, case_detail_out(selectors.case_get(user=request.user, pk=case.pk)))


@case_router.get("/{case_id}", response={200: CaseDetailOut, 404: ErrorOut})
def case_detail(request: HttpRequest, case_id: int) -> dict[str, Any]:
    return case_detail_out(selectors.case_get(user=request.user, pk=case_id))


@case_router.post(
    "/{case_id}/transition",
    response={200: CaseDetailOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
)
def case_transition(request: HttpRequest, case_id: int, payload: TransitionIn) -> dict[str, Any]:
    """Apply an action of the state machine: ``admit``/``transfer`` (``facility_id``),
    ``confirm``/``clinically_diagnose`` (optional ``severity``), ``change_severity``
    (``severity``), ``discharge``/``release`` (``negative_tests``), ``die``, ``exclude``.
    Errors: ``case.invalid_transition``, ``case.discharge_criteria_unmet`` (409);
    ``case.forbidden`` (403); ``case.invalid_facility``, ``case.invalid_time``,
    ``case.invalid_field`` (422); ``not_found`` (404)."""
    case = selectors.case_get(user=request.user, pk=case_id)
    services.case_transition(
        actor=request.user,
        case=case,
        action=payload.action,
        at=payload.at,
        facility=_facility(payload.facility_id),
        severity=payload.severity,
        negative_tests=payload.negative_tests,
        note=payload.note,
    )
    return case_detail_out(selectors.case_get(user=request.user, pk=case_id))


@case_router.post(
    "/{case_id}/revisits",
    response={201: RevisitOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
)
def case_revisit(
    request: HttpRequest, case_id: int, payload: RevisitIn
) -> HttpStatus[dict[str, Any]]:
    """Record a revisit of a discharged or released case (``case.invalid_transition`` otherwise)."""
    case = selectors.case_get(user=request.user, pk=case_id)
    revisit = services.revisit_record(
        actor=request.user, case=case, date=payload.date, result=payload.result, note=payload.note
    )
    return HttpStatus(201, _revisit_out(revisit))


def facility_out(row: selectors.FacilityRow) -> dict[str, Any]:
    return {
        "id": row.unit.pk,
        "name": row.unit.name,
        "kind": row.unit.kind,
        "jurisdiction": row.unit.jurisdiction.code,
        "jurisdiction_name": row.unit.jurisdiction.name,
        "beds": row.beds,
        "occupied": row.occupied,
        "free": row.free,
    }


@facility_router.get("", response=Page[FacilityOut])
def facility_list(request: HttpRequest, filters: Query[FacilityFilter]) -> dict[str, Any]:
    """Treatment facilities you can see with beds (unit capacity), occupied and free."""
    qs = selectors.facility_queryset(user=request.user, jurisdiction=filters.jurisdiction)
    page = paginate(request, qs, limit=filters.limit, offset=filters.offset)
    page["items"] = [facility_out(r) for r in selectors.facility_rows(page["items"])]
    return page
