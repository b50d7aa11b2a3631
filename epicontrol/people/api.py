"""People registry API.

``GET/POST /api/v1/people``, ``GET/PATCH /api/v1/people/<id>``, ``POST /api/v1/people/import``
(multipart ``file``, ``mode=all_or_nothing|good_rows``), ``GET /api/v1/people/export``
(``format=csv|xlsx`` plus the list filters), ``POST /api/v1/people/<id>/reveal`` and
``POST /api/v1/people/<id>/merge``. ID numbers and phones are always masked in responses.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest, HttpResponseBase
from django.utils.translation import gettext as _
from ninja import File, Query, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import Field

from epicontrol.core.errors import NotFound
from epicontrol.core.pagination import Page
from epicontrol.jurisdictions.models import Jurisdiction

from . import exports, selectors, services
from .choices import IdType
from .errors import ImportRefused
from .imports import ImportMode, person_import
from .models import Person
from .paging import paginate_persons
from .spreadsheets import read_table

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
    jurisdiction: str = Field(
        ..., max_length=20, description="Division code of the current address"
    )
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
    phone: str | None = Field(None, max_length=30, description='"" removes the phone')
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
    merged_into: int | None = None
    created_at: dt.datetime


class PersonFilter(Schema):
    q: str | None = Field(None, max_length=50, description="Name prefix")
    id_number: str | None = Field(None, max_length=40, description="Exact ID number")
    phone: str | None = Field(None, max_length=30, description="Exact phone")
    jurisdiction: str | None = Field(None, max_length=20)
    limit: int = Field(50, ge=1, le=200)
    offset: int = Field(0, ge=0)


class ExportFilter(Schema):
    format: Literal["csv", "xlsx"] = "csv"
    full: bool = Field(False, description="Full ID numbers and phones (allowed roles; audited)")
    q: str | None = Field(None, max_length=50)
    id_number: str | None = Field(None, max_length=40)
    phone: str | None = Field(None, max_length=30)
    jurisdiction: str | None = Field(None, max_length=20)


class RowIssueOut(Schema):
    row: int
    column: str
    code: str
    message: str


class ImportOut(Schema):
    created: int
    unchanged: int
    errors: list[RowIssueOut]
    warnings: list[RowIssueOut]
    rows: int
    rejected_rows: int
    committed: bool
    mode: str
    code: str | None = None
    message: str | None = None


class RevealIn(Schema):
    field: Literal["id_number", "phone"] = "id_number"


class RevealOut(Schema):
    field: str
    value: str


class MergeIn(Schema):
    duplicate: int = Field(..., ge=1, description="Id of the record merged into this one")


def person_out(p: Person) -> PersonOut:
    return PersonOut(
        id=p.pk,
        name=p.name,
        id_type=p.id_type,
        id_number=p.id_number_masked,
        phone=p.phone_masked,
        birth_date=p.birth_date,
        sex=p.sex,
        jurisdiction=p.jurisdiction.code,
        jurisdiction_name=p.jurisdiction.name,
        household_address=p.household_address,
        current_address=p.current_address,
        occupation=p.occupation,
        work_unit=p.work_unit,
        warnings=list(p.id_warnings or []),
        merged_into=p.merged_into_id,
        created_at=p.created_at,
    )


def _jurisdiction(code: str) -> Jurisdiction:
    j = Jurisdiction.objects.filter(code=code.strip()).first()
    if j is None:
        raise NotFound(
            _("Unknown jurisdiction code."),
            code="person.invalid_jurisdiction",
            status=422,
            field="jurisdiction",
        )
    return j


def _flag(value: str | None) -> bool:
    return (value or "").strip().lower() in {"1", "true", "yes", "on"}


@router.get("", response=Page[PersonOut])
def person_list(request: HttpRequest, filters: Query[PersonFilter]) -> dict[str, object]:
    qs = selectors.person_list(
        user=request.user,
        q=filters.q,
        id_number=filters.id_number,
        phone=filters.phone,
        jurisdiction=filters.jurisdiction,
    )
    return paginate_persons(
        request, qs, limit=filters.limit, offset=filters.offset, serialize=person_out
    )


@router.post("", response={201: PersonOut, 403: ErrorOut, 409: ErrorOut, 422: ErrorOut})
def person_create(request: HttpRequest, payload: PersonIn) -> Status[PersonOut]:
    """Register a person. Errors: ``person.invalid_id_number``, ``person.invalid_phone``,
    ``person.invalid_jurisdiction``, ``person.name_required`` (422);
    ``person.jurisdiction_out_of_scope`` (403); ``person.duplicate`` (409, with ``existing_id``
    when visible), ``person.possible_duplicates`` (409, with ``candidates``; send
    ``confirm_new`` to create anyway)."""
    data = services.person_input(
        actor=request.user,
        name=payload.name,
        id_type=payload.id_type,
        id_number=payload.id_number,
        phone=payload.phone,
        jurisdiction=_jurisdiction(payload.jurisdiction),
        household_address=payload.household_address,
        current_address=payload.current_address,
        occupation=payload.occupation,
        work_unit=payload.work_unit,
        notes=payload.notes,
    )
    person = services.person_create(
        actor=request.user, data=data, allow_candidates=payload.confirm_new
    )
    return Status(201, person_out(person))


@router.post(
    "/import",
    response={200: ImportOut, 413: ErrorOut, 415: ErrorOut, 422: ImportOut | ErrorOut},
)
def person_import_api(request: HttpRequest, file: File[UploadedFile]) -> Status[dict[str, Any]]:
    """Import a .xlsx or .csv file of persons (columns as in the template).

    ``mode`` (form field or query): ``all_or_nothing`` (default: nothing is written when a row
    is bad; 422 ``import.rows_invalid`` with the row errors) or ``good_rows`` (the good rows are
    written, the others listed). ``allow_candidates=true`` creates rows resembling a registered
    person (then listed as warnings). File errors: ``import.unsupported_file`` (415),
    ``import.too_many_rows`` (413), ``import.empty``, ``import.missing_columns``,
    ``import.invalid_mode`` (422)."""
    mode = request.POST.get("mode") or request.GET.get("mode") or ImportMode.ALL_OR_NOTHING
    if mode not in ImportMode.values:
        raise ImportRefused(
            _("Unknown import mode; use all_or_nothing or good_rows."),
            code="import.invalid_mode",
            allowed=list(ImportMode.values),
        )
    allow = _flag(request.POST.get("allow_candidates") or request.GET.get("allow_candidates"))
    result = person_import(
        actor=request.user,
        table=read_table(file),
        mode=mode,
        allow_candidates=allow,
        source=file.name or "",
    )
    body = result.as_dict()
    if not result.committed:
        body["code"] = "import.rows_invalid"
        body["message"] = _("Nothing was imported: some rows are not valid.")
        return Status(422, body)
    return Status(200, body)


@router.get("/export")
def person_export_api(request: HttpRequest, filters: Query[ExportFilter]) -> HttpResponseBase:
    """Stream the filtered list as CSV or XLSX; masked unless ``full`` and the role may
    (``export.forbidden``, 403). Every export is audited."""
    exports.export_check(actor=request.user, full=filters.full)
    qs = selectors.person_list(
        user=request.user,
        q=filters.q,
        id_number=filters.id_number,
        phone=filters.phone,
        jurisdiction=filters.jurisdiction,
    )
    exports.export_audit(
        actor=request.user,
        fmt=filters.format,
        full=filters.full,
        filters={
            "q": filters.q or "",
            "jurisdiction": filters.jurisdiction or "",
            "id_number": filters.id_number or "",
            "phone": filters.phone or "",
        },
        jurisdiction=filters.jurisdiction,
    )
    return exports.export_response(qs, fmt=filters.format, full=filters.full)


@router.get("/{int:person_id}", response={200: PersonOut, 404: ErrorOut})
def person_detail(request: HttpRequest, person_id: int) -> PersonOut:
    return person_out(selectors.person_get(user=request.user, pk=person_id))


@router.patch(
    "/{int:person_id}",
    response={200: PersonOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
)
def person_patch(request: HttpRequest, person_id: int, payload: PersonPatch) -> PersonOut:
    """Change fields; ``null``/absent leaves a field as it is. Errors as for create, plus
    ``not_found`` (404) and ``person.merged`` (409)."""
    person = selectors.person_get(user=request.user, pk=person_id)
    data = payload.dict(exclude_unset=True)
    code = data.pop("jurisdiction", None)
    person = services.person_update(
        actor=request.user,
        person=person,
        jurisdiction=_jurisdiction(code) if code else None,
        phone=data.pop("phone", None),
        id_type=data.pop("id_type", None),
        id_number=data.pop("id_number", None),
        **{k: v for k, v in data.items() if v is not None},
    )
    return person_out(selectors.person_get(user=request.user, pk=person.pk))


@router.post("/{int:person_id}/reveal", response={200: RevealOut, 403: ErrorOut, 404: ErrorOut})
def person_reveal(request: HttpRequest, person_id: int, payload: RevealIn) -> RevealOut:
    """The full ID number or phone (roles of ``people.permissions.can_unmask``; audited).
    Errors: ``person.unmask_forbidden`` (403), ``not_found`` (404)."""
    person = selectors.person_get(user=request.user, pk=person_id)
    value = services.person_reveal(actor=request.user, person=person, field=payload.field)
    return RevealOut(field=payload.field, value=value)


@router.post("/{int:person_id}/merge", response={200: PersonOut, 404: ErrorOut, 409: ErrorOut})
def person_merge(request: HttpRequest, person_id: int, payload: MergeIn) -> PersonOut:
    """Merge ``duplicate`` into this person: linked records move, the duplicate is retired.
    Errors: ``not_found`` (404, either record outside your area), ``person.merge_refused``
    (409)."""
    survivor = selectors.person_get(user=request.user, pk=person_id)
    duplicate = selectors.person_get(user=request.user, pk=payload.duplicate)
    services.person_merge(actor=request.user, survivor=survivor, duplicate=duplicate)
    return person_out(selectors.person_get(user=request.user, pk=survivor.pk))
