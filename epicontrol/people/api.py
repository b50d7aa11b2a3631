"""People registry API: ``GET/POST /api/v1/people``, ``GET/PATCH /api/v1/people/<id>``."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from epicontrol.core.errors import NotFound
from epicontrol.core.pagination import Page, paginate
from epicontrol.jurisdictions.models import Jurisdiction

from . import selectors, services
from .choices import IdType
from .models import Person

ROUTER_PREFIX = "/people"
router = Router(tags=["people"])


class ErrorOut(Schema):
    code: str
    message: str
    details: dict[str, object]


class PersonIn(Schema):
    name: str = Field(..., max_length=50)
    id_type: IdType = IdType.RESIDENT_ID
    id_number: str = Field(..., max_length=40)
    phone: str = Field("", max_length=30)
    jurisdiction: str = Field(..., max_length=20, description="Division code of the current address")
    household_address: str = Field("", max_length=300)
    current_address: str = Field("", max_length=300)
    occupation: str = Field("", max_length=100)
    work_unit: str = Field("", max_length=200)
    notes: str = Field("", max_length=2000)
    confirm_new: bool = Field(False, description="Create even if possible duplicates exist")


class PersonPatch(Schema):
    name: str | None = Field(None, max_length=50)
    id_type: IdType | None = None
    id_number: str | None = Field(None, max_length=40)
    phone: str | None = Field(None, max_length=30)
    jurisdiction: str | None = Field(None, max_length=20)
    household_address: str | None = Field(None, max_length=300)
    current_address: str | None = Field(None, max_length=300)
    occupation: str | None = Field(None, max_length=100)
    work_unit: str | None = Field(None, max_length=200)
    notes: str | None = Field(None, max_length=2000)


class PersonOut(Schema):
    id: int
    name: str
    id_type: str
    id_number: str = Field(..., description="Masked, e.g. 430***********1234")
    phone: str = Field(..., description="Masked, e.g. 138****5678")
    birth_date: dt.date | None
    sex: str
    jurisdiction: str
    jurisdiction_name: str
    household_address: str
    current_address: str
    occupation: str
    work_unit: str
    warnings: list[str]
    created_at: dt.datetime


class PersonFilter(Schema):
    q: str | None = Field(None, max_length=50, description="Name prefix")
    id_number: str | None = Field(None, max_length=40, description="Exact ID number")
    phone: str | None = Field(None, max_length=30, description="Exact phone")
    jurisdiction: str | None = Field(None, max_length=20)
    limit: int = Field(50, ge=1, le=200)
    offset: int = Field(0, ge=0)


def person_out(p: Person) -> PersonOut:
    return PersonOut(
        id=p.pk, name=p.name, id_type=p.id_type, id_number=p.id_number_masked, phone=p.phone_masked,
        birth_date=p.birth_date, sex=p.sex, jurisdiction=p.jurisdiction.code,
        jurisdiction_name=p.jurisdiction.name, household_address=p.household_address,
        current_address=p.current_address, occupation=p.occupation, work_unit=p.work_unit,
        warnings=list(p.id_warnings or []), created_at=p.created_at,
    )


def _jurisdiction(code: str) -> Jurisdiction:
    j = Jurisdiction.objects.filter(code=code).first()
    if j is None:
        raise NotFound("Unknown jurisdiction code.", code="person.invalid_jurisdiction", status=422,
                       field="jurisdiction")
    return j


@router.get("", response=Page[PersonOut])
def person_list(request: HttpRequest, filters: Query[PersonFilter]) -> dict[str, object]:
    qs = selectors.person_list(user=request.user, q=filters.q, id_number=filters.id_number,
                               phone=filters.phone, jurisdiction=filters.jurisdiction)
    return paginate(request, qs, limit=filters.limit, offset=filters.offset, serialize=person_out)


@router.post("", response={201: PersonOut, 403: ErrorOut, 409: ErrorOut, 422: ErrorOut})
def person_create(request: HttpRequest, payload: PersonIn) -> tuple[int, PersonOut]:
    """Register a person. Errors: ``person.invalid_id_number``, ``person.invalid_phone``,
    ``person.invalid_jurisdiction`` (422); ``person.jurisdiction_out_of_scope`` (403);
    ``person.duplicate``, ``person.possible_duplicates`` (409, send ``confirm_new`` to override)."""
    data = services.person_input(
        actor=request.user, name=payload.name, id_type=payload.id_type, id_number=payload.id_number,
        phone=payload.phone, jurisdiction=_jurisdiction(payload.jurisdiction),
        household_address=payload.household_address, current_address=payload.current_address,
        occupation=payload.occupation, work_unit=payload.work_unit, notes=payload.notes,
    )
    person = services.person_create(actor=request.user, data=data, allow_candidates=payload.confirm_new)
    return 201, person_out(person)


@router.get("/{person_id}", response={200: PersonOut, 404: ErrorOut})
def person_detail(request: HttpRequest, person_id: int) -> PersonOut:
    return person_out(selectors.person_get(user=request.user, pk=person_id))


@router.patch("/{person_id}", response={200: PersonOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut})
def person_patch(request: HttpRequest, person_id: int, payload: PersonPatch) -> PersonOut:
    person = selectors.person_get(user=request.user, pk=person_id)
    data = payload.dict(exclude_unset=True)
    jurisdiction = _jurisdiction(data.pop("jurisdiction")) if data.get("jurisdiction") else None
    data.pop("jurisdiction", None)
    person = services.person_update(
        actor=request.user, person=person, jurisdiction=jurisdiction,
        phone=data.pop("phone", None), id_type=data.pop("id_type", None),
        id_number=data.pop("id_number", None), **{k: v for k, v in data.items() if v is not None},
    )
    return person_out(person)
