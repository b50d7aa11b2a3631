"""Screening API under ``/api/v1/screening``: categories, ledger entries, import and export,
daily grid reports, roll-up and completeness. Every read is scoped to the caller's area."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import Field

from epicontrol.core.errors import NotFound
from epicontrol.core.pagination import Page, paginate
from epicontrol.jurisdictions.models import Jurisdiction
from epicontrol.people.choices import IdType
from epicontrol.people.models import Person
from epicontrol.people.services import person_input

from . import selectors, services
from .choices import EntryStatus, Source
from .errors import EntryInvalid
from .ledger_export import export_response
from .ledger_import import ledger_import
from .models import CategoryGroup, DailyReport, LedgerEntry, PersonCategory
from .permissions import covers_subtree
from .rollup import Rollup, RollupRow, rollup

ROUTER_PREFIX = "/screening"
router = Router(tags=["screening"])


class ErrorOut(Schema):
    code: str
    message: str
    details: dict[str, object]


# Categories ------------------------------------------------------------------------------------


class CategoryOut(Schema):
    code: str
    name: str
    name_en: str
    description: str
    observation_rule: str
    is_active: bool


class GroupOut(Schema):
    code: str
    name: str
    description: str
    note: str
    definition_confirmed: bool
    categories: list[str]


def category_out(c: PersonCategory) -> CategoryOut:
    return CategoryOut(
        code=c.code,
        name=c.name,
        name_en=c.name_en,
        description=c.description,
        observation_rule=c.observation_rule,
        is_active=c.is_active,
    )


@router.get("/categories", response=list[CategoryOut])
def category_list(request: HttpRequest) -> list[CategoryOut]:
    """The key-person taxonomy (reference data, the same for every area)."""
    return [category_out(c) for c in selectors.category_list(active_only=False)]


@router.get("/category-groups", response=list[GroupOut])
def group_list(request: HttpRequest) -> list[GroupOut]:
    """Named groupings (四类人员, 三类人员); ``definition_confirmed`` false means local usage."""
    out = []
    for g in selectors.group_list():
        group: CategoryGroup = g
        out.append(
            GroupOut(
                code=group.code,
                name=group.name,
                description=group.description,
                note=group.note,
                definition_confirmed=group.definition_confirmed,
                categories=[c.code for c in group.categories.all()],
            )
        )
    return out


# Entries ---------------------------------------------------------------------------------------


class EntryOut(Schema):
    id: int
    person_id: int
    name: str
    id_number: str = Field(..., description="Masked, e.g. 430***********1234")
    phone: str = Field(..., description="Masked, e.g. 139****5678")
    category: str
    category_name: str
    source: str
    origin: str
    arrival_date: dt.date | None
    grid: str
    grid_name: str
    status: str
    registered_on: dt.date
    registered_at: dt.datetime
    registered_by: str | None
    observation_started_on: dt.date | None
    closed_on: dt.date | None
    status_reason: str
    notes: str


class EntryCreatedOut(EntryOut):
    person_created: bool


def entry_out(e: LedgerEntry) -> EntryOut:
    return EntryOut(**_entry_fields(e))


def _entry_fields(e: LedgerEntry) -> dict[str, Any]:
    return {
        "id": e.pk,
        "person_id": e.person_id,
        "name": e.person.name,
        "id_number": e.person.id_number_masked,
        "phone": e.person.phone_masked,
        "category": e.category.code,
        "category_name": e.category.name,
        "source": e.source,
        "origin": e.origin,
        "arrival_date": e.arrival_date,
        "grid": e.grid.code,
        "grid_name": e.grid.name,
        "status": e.status,
        "registered_on": e.registered_on,
        "registered_at": e.registered_at,
        "registered_by": e.registered_by.username if e.registered_by else None,
        "observation_started_on": e.observation_started_on,
        "closed_on": e.closed_on,
        "status_reason": e.status_reason,
        "notes": e.notes,
    }


class EntryFilter(Schema):
    category: str | None = Field(None, max_length=40)
    group: str | None = Field(
        None, max_length=40, description="Grouping code, e.g. four_categories"
    )
    grid: str | None = Field(None, max_length=20, description="Grid code")
    jurisdiction: str | None = Field(None, max_length=20, description="Code of any level")
    status: EntryStatus | None = None
    open: bool = Field(False, description="Only entries under management")
    date_from: dt.date | None = Field(None, description="Registered on or after")
    date_to: dt.date | None = Field(None, description="Registered on or before")
    q: str | None = Field(None, max_length=50, description="Name prefix")
    limit: int = Field(50, ge=1, le=200)
    offset: int = Field(0, ge=0)


def _entries(request: HttpRequest, f: EntryFilter) -> Any:
    return selectors.entry_list(
        user=request.user,
        category=f.category,
        group=f.group,
        grid=f.grid,
        jurisdiction=f.jurisdiction,
        status=f.status,
        open_only=f.open,
        date_from=f.date_from,
        date_to=f.date_to,
        q=f.q,
    )


@router.get("/entries", response=Page[EntryOut])
def entry_list(request: HttpRequest, filters: Query[EntryFilter]) -> dict[str, object]:
    """Ledger entries of your area, newest registration first."""
    qs = _entries(request, filters)
    return paginate(request, qs, limit=filters.limit, offset=filters.offset, serialize=entry_out)


class PersonFields(Schema):
    name: str = Field(..., max_length=50)
    id_type: IdType = IdType.RESIDENT_ID
    id_number: str = Field(..., max_length=40)
    phone: str = Field("", max_length=30)
    current_address: str = Field("", max_length=300)


class EntryIn(Schema):
    person_id: int | None = Field(None, description="An existing person (instead of `person`)")
    person: PersonFields | None = None
    category: str = Field(..., max_length=40, description="Category code")
    grid: str = Field(..., max_length=20, description="Grid code")
    source: Source = Source.DOOR_TO_DOOR
    origin: str = Field("", max_length=100)
    arrival_date: dt.date | None = None
    registered_on: dt.date | None = Field(None, description="Default: today")
    notes: str = Field("", max_length=2000)
    confirm_new: bool = Field(False, description="Create the person even if candidates exist")


def _grid(request: HttpRequest, code: str) -> Jurisdiction:
    grid = Jurisdiction.objects.filter(code=code).first()
    if grid is None or not covers_subtree(request.user, grid.path):
        raise EntryInvalid(
            _("Unknown grid, or not in your area."), code="ledger_entry.invalid_grid", field="grid"
        )
    return grid


def _category(code: str) -> PersonCategory:
    category = PersonCategory.objects.filter(code=code).first()
    if category is None:
        raise EntryInvalid(
            _("Unknown key-person category."),
            code="ledger_entry.invalid_category",
            field="category",
        )
    return category


@router.post(
    "/entries",
    response={201: EntryCreatedOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
)
def entry_create(request: HttpRequest, payload: EntryIn) -> Status[EntryCreatedOut]:
    """Register a key person. The person is found by document and reused, or created.

    Errors: ``ledger_entry.duplicate`` (409, an open entry in the category exists),
    ``person.possible_duplicates`` (409, send ``confirm_new`` or ``person_id``),
    ``ledger_entry.invalid_grid`` / ``invalid_category`` / ``invalid_date``,
    ``person.invalid_id_number``, ``person.invalid_phone`` (422), ``screening.forbidden`` (403).
    """
    grid = _grid(request, payload.grid)
    category = _category(payload.category)
    person = None
    data = None
    if payload.person_id is not None:
        person = (
            Person.objects.visible_to(request.user).active().filter(pk=payload.person_id).first()
        )
        if person is None:
            raise NotFound(code="ledger_entry.person_not_found")
    elif payload.person is not None:
        data = person_input(
            actor=request.user,
            name=payload.person.name,
            id_type=payload.person.id_type,
            id_number=payload.person.id_number,
            phone=payload.person.phone,
            jurisdiction=grid,
            current_address=payload.person.current_address,
        )
    else:
        raise EntryInvalid(
            _("Give a person or a person id."), code="ledger_entry.person_required", field="person"
        )
    entry, created = services.entry_register_person(
        actor=request.user,
        data=data,
        person=person,
        category=category,
        grid=grid,
        source=payload.source,
        origin=payload.origin,
        arrival_date=payload.arrival_date,
        registered_on=payload.registered_on,
        notes=payload.notes,
        allow_candidates=payload.confirm_new,
    )
    entry = selectors.entry_get(user=request.user, pk=entry.pk)
    return Status(201, EntryCreatedOut(**_entry_fields(entry), person_created=created))


@router.get("/entries/{entry_id}", response={200: EntryOut, 404: ErrorOut})
def entry_detail(request: HttpRequest, entry_id: int) -> EntryOut:
    """Errors: ``not_found`` (404) for unknown entries and for entries outside your area."""
    return entry_out(selectors.entry_get(user=request.user, pk=entry_id))


class StatusIn(Schema):
    status: EntryStatus
    reason: str = Field("", max_length=300)
    on: dt.date | None = Field(None, description="Day the change took effect (default today)")


@router.post(
    "/entries/{entry_id}/status",
    response={200: EntryOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
)
def entry_status(request: HttpRequest, entry_id: int, payload: StatusIn) -> EntryOut:
    """Move an entry through its states. Errors: ``ledger_entry.invalid_transition`` (409),
    ``ledger_entry.invalid_date`` (422), ``screening.forbidden`` (403), ``not_found`` (404)."""
    entry = selectors.entry_get(user=request.user, pk=entry_id)
    services.entry_status_set(
        actor=request.user, entry=entry, status=payload.status, reason=payload.reason, on=payload.on
    )
    return entry_out(selectors.entry_get(user=request.user, pk=entry_id))


# Import and export -----------------------------------------------------------------------------


class RowErrorOut(Schema):
    row: int
    column: str
    code: str
    message: str


class ImportOut(Schema):
    created: int
    unchanged: int
    errors: list[RowErrorOut]
    applied: bool
    rows: int
    persons_created: int


class ImportRejectedOut(ImportOut):
    code: str
    message: str


@router.post("/import", response={200: ImportOut, 403: ErrorOut, 422: ImportRejectedOut | ErrorOut})
def import_file(
    request: HttpRequest,
    file: File[UploadedFile],
    grid: Form[str] = "",
    source: Form[Source] = Source.DOOR_TO_DOOR,
    good_rows_only: Form[bool] = False,
) -> Any:
    """Import a ledger (.xlsx or .csv, multipart field ``file``).

    All-or-nothing by default: when any row fails, nothing is written and the answer is 422
    ``import.rows_invalid`` with the row errors; with ``good_rows_only`` the good rows are
    imported (200). Re-importing the same file creates nothing (``unchanged``). ``grid`` is
    the grid code for rows without one. Errors of the whole file: ``import.invalid_file``,
    ``import.missing_columns``, ``import.empty``, ``import.too_many_rows`` (422).
    """
    default_grid = _grid(request, grid) if grid else None
    result = ledger_import(
        actor=request.user,
        name=file.name or "",
        stream=file,
        default_grid=default_grid,
        default_source=source,
        good_rows_only=good_rows_only,
    )
    body = {
        "created": result.created,
        "unchanged": result.unchanged,
        "errors": [e.as_dict() for e in result.errors],
        "applied": result.applied,
        "rows": result.rows,
        "persons_created": result.persons_created,
    }
    if not result.applied:
        return Status(
            422,
            {
                **body,
                "code": "import.rows_invalid",
                "message": _("Some rows have errors; nothing was imported."),
            },
        )
    return Status(200, body)


class ExportFilter(EntryFilter):
    format: str = Field("csv", pattern="^(csv|xlsx)$")


@router.get("/export")
def export(request: HttpRequest, filters: Query[ExportFilter]) -> HttpResponse:
    """The filtered ledger as CSV (streamed) or XLSX; ID numbers and phones masked unless the
    role may export full data. The columns are those of the import template."""
    return export_response(  # type: ignore[return-value]
        user=request.user,
        entries=_entries(request, filters),
        fmt=filters.format,
        filters=filters.dict(exclude={"limit", "offset", "format"}),
        audit_target=selectors.home_jurisdiction(user=request.user),
    )


# Daily reports ---------------------------------------------------------------------------------


class ReportOut(Schema):
    id: int
    grid: str
    grid_name: str
    date: dt.date
    is_zero: bool
    new: int
    registered_total: int
    under_management: int
    under_observation: int
    cleared_today: int
    cleared_total: int
    transferred_today: int
    moved_away_today: int
    new_by_category: dict[str, int]
    note: str
    confirmed_by: str | None
    confirmed_at: dt.datetime
    version: int


def report_out(r: DailyReport) -> ReportOut:
    return ReportOut(
        id=r.pk,
        grid=r.grid.code,
        grid_name=r.grid.name,
        date=r.day,
        is_zero=r.is_zero,
        new=r.new,
        registered_total=r.registered_total,
        under_management=r.under_management,
        under_observation=r.under_observation,
        cleared_today=r.cleared_today,
        cleared_total=r.cleared_total,
        transferred_today=r.transferred_today,
        moved_away_today=r.moved_away_today,
        new_by_category=r.new_by_category,
        note=r.note,
        confirmed_by=r.confirmed_by.username if r.confirmed_by else None,
        confirmed_at=r.confirmed_at,
        version=r.version,
    )


class ReportFilter(Schema):
    jurisdiction: str | None = Field(None, max_length=20)
    date: dt.date | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    limit: int = Field(50, ge=1, le=200)
    offset: int = Field(0, ge=0)


@router.get("/daily-reports", response=Page[ReportOut])
def report_list(request: HttpRequest, filters: Query[ReportFilter]) -> dict[str, object]:
    """Confirmed daily reports of your area's grids, latest day first."""
    qs = selectors.report_list(
        user=request.user,
        jurisdiction=filters.jurisdiction,
        day=filters.date,
        date_from=filters.date_from,
        date_to=filters.date_to,
    )
    return paginate(request, qs, limit=filters.limit, offset=filters.offset, serialize=report_out)


class ReportIn(Schema):
    grid: str = Field(..., max_length=20)
    date: dt.date | None = Field(None, description="Default: today")
    zero: bool = Field(False, description="Zero report: refused when there is anything new")
    note: str = Field("", max_length=500)


@router.post(
    "/daily-reports", response={201: ReportOut, 403: ErrorOut, 409: ErrorOut, 422: ErrorOut}
)
def report_submit(request: HttpRequest, payload: ReportIn) -> Status[ReportOut]:
    """Confirm a grid's figures for a day; they are computed from the ledger, not sent.

    Errors: ``daily_report.not_zero`` (409), ``daily_report.invalid`` (422: a future day or not
    a grid), ``screening.forbidden`` (403). Re-submitting the same day raises ``version``.
    """
    grid = _grid(request, payload.grid)
    report = services.daily_report_submit(
        actor=request.user,
        grid=grid,
        day=payload.date or timezone.localdate(),
        zero=payload.zero,
        note=payload.note,
    )
    report = DailyReport.objects.select_related("grid", "confirmed_by").get(pk=report.pk)
    return Status(201, report_out(report))


# Roll-up and completeness ------------------------------------------------------------------------


class RollupRowOut(Schema):
    code: str
    name: str
    level: str
    figures: dict[str, int]
    reported_new: int
    grids_total: int
    grids_reported: int
    grids_missing: int
    zero_reports: int


class RollupOut(Schema):
    jurisdiction: str
    name: str
    level: str
    date: dt.date
    total: RollupRowOut
    children: list[RollupRowOut]
    new_by_category: dict[str, int]


class AreaQuery(Schema):
    jurisdiction: str | None = Field(None, max_length=20, description="Default: your area")
    date: dt.date | None = Field(None, description="Default: today")


def _area(request: HttpRequest, code: str | None) -> Jurisdiction:
    if code:
        return selectors.jurisdiction_in_scope(user=request.user, code=code)
    home = selectors.home_jurisdiction(user=request.user)
    if home is None:
        raise NotFound()
    return home


def _row(row: RollupRow) -> RollupRowOut:
    return RollupRowOut(**row.as_dict())


@router.get("/rollup", response={200: RollupOut, 404: ErrorOut})
def rollup_get(request: HttpRequest, query: Query[AreaQuery]) -> RollupOut:
    """Figures of a jurisdiction and of each child for a day, computed from the ledger
    (a parent always equals the sum of its children), with report completeness.
    Errors: ``not_found`` (404) outside your area."""
    j = _area(request, query.jurisdiction)
    result: Rollup = rollup(
        user=request.user, jurisdiction=j, day=query.date or timezone.localdate()
    )
    return RollupOut(
        jurisdiction=j.code,
        name=j.name,
        level=j.level,
        date=result.day,
        total=_row(result.total),
        children=[_row(c) for c in result.children],
        new_by_category=result.new_by_category,
    )


class MissingGridOut(Schema):
    code: str
    name: str
    community_code: str
    community_name: str
    workers: list[str]


class CommunityMissingOut(Schema):
    code: str
    name: str
    missing: int
    grids: int


class CompletenessOut(Schema):
    jurisdiction: str
    date: dt.date
    grids_total: int
    grids_reported: int
    grids_missing: int
    missing: list[MissingGridOut]
    missing_capped: bool
    communities: list[CommunityMissingOut]


@router.get("/completeness", response={200: CompletenessOut, 404: ErrorOut})
def completeness(request: HttpRequest, query: Query[AreaQuery]) -> CompletenessOut:
    """Grids (with their grid workers) and communities without a report on the day.
    Errors: ``not_found`` (404) outside your area."""
    j = _area(request, query.jurisdiction)
    c = selectors.completeness(
        user=request.user, jurisdiction=j, day=query.date or timezone.localdate()
    )
    return CompletenessOut(
        jurisdiction=j.code,
        date=c.day,
        grids_total=c.grids_total,
        grids_reported=c.grids_reported,
        grids_missing=c.grids_missing,
        missing=[MissingGridOut(**vars(m)) for m in c.missing],
        missing_capped=c.capped,
        communities=[
            CommunityMissingOut(code=code, name=name, missing=n, grids=total)
            for code, name, n, total in c.communities_missing
        ],
    )
