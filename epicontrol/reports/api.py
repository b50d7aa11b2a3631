"""Daily reports API under ``/api/v1/reports``.

- ``POST /daily/import`` (multipart ``file``, CSV or Excel; ``partial``): ``{"created",
  "updated", "unchanged", "errors": [{"row", "column", "code", "message"}]}``; a file with errors
  is 422 ``daily_report.import_invalid`` with the same keys and nothing written.
- ``GET /daily?jurisdiction=&date=``: figures, new figures and the four rates.
- ``POST /daily``: file a jurisdiction's totals for a date.
- ``GET /daily/rows?jurisdiction=&date=``: the stored reports behind a figure.
- ``GET /series?jurisdiction=&start=&end=``: the epidemic curve.
- ``GET /reconciliation?jurisdiction=&start=&end=&kind=&indicator=``: every discrepancy.
- ``POST /population``: set a division's resident population.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import Field

from epicontrol.core.errors import NotFound
from epicontrol.core.pagination import Page, paginate

from . import providers, reconciliation, selectors, services
from .choices import DiscrepancyKind
from .errors import ImportInvalid
from .models import DailyReport
from .selectors import DayFigures, Node

ROUTER_PREFIX = "/reports"
router = Router(tags=["reports"])


class ErrorOut(Schema):
    code: str
    message: str
    details: dict[str, Any]


class RowErrorOut(Schema):
    row: int | None
    column: str | None
    code: str
    message: str


class ImportOut(Schema):
    created: int
    updated: int
    unchanged: int
    errors: list[RowErrorOut]
    rows: int
    units_created: int = 0
    batch: int | None = None


class RateOut(Schema):
    value: float | None = Field(
        ..., description="percent for percent rates (80.0 = 80 %), per 100,000 for infection"
    )
    numerator: int | None
    denominator: int | None
    unit: str
    scale: int
    formula: str


class FiguresOut(Schema):
    confirmed_cumulative: int | None = None
    confirmed_new: int | None = None
    confirmed_current: int | None = None
    suspected_current: int | None = None
    cured_cumulative: int | None = None
    cured_new: int | None = None
    dead_cumulative: int | None = None
    dead_new: int | None = None
    admitted_current: int | None = None
    severe_current: int | None = None
    asymptomatic_current: int | None = None
    observation_current: int | None = None
    screened_cumulative: int | None = None
    screened_new: int | None = None


class ModuleFigureOut(Schema):
    key: str
    label: str
    value: float | None = Field(..., description="None: no data")
    url: str | None
    group: str


class DailyOut(FiguresOut):
    jurisdiction: str
    jurisdiction_name: str
    level: str
    date: dt.date
    source: str = Field(..., description="imported | submitted | computed | rolled_up | none")
    report_id: int | None
    population: int | None
    rates: dict[str, RateOut]
    line_list: dict[str, int | None] | None = Field(
        None, description="The line list of the same area, where the platform holds one"
    )
    modules: list[ModuleFigureOut] = Field(
        default_factory=list,
        description="Figures of the other modules (observation, screening, inspections …) "
        "for the same area and date, each with the URL of its records",
    )


class SeriesPoint(FiguresOut):
    date: dt.date
    source: str


class ChildSeriesOut(Schema):
    jurisdiction: str
    jurisdiction_name: str
    items: list[SeriesPoint]


class SeriesOut(Schema):
    jurisdiction: str
    jurisdiction_name: str
    start: dt.date
    end: dt.date
    items: list[SeriesPoint]
    children: list[ChildSeriesOut] = Field(
        default_factory=list, description="With children=true: the series of each unit below"
    )


class DiscrepancyOut(Schema):
    jurisdiction: str
    jurisdiction_name: str
    date: dt.date
    indicator: str | None
    kind: str
    own: int | None
    children_sum: int | None
    other: int | None
    difference: int | None
    child: str | None
    child_name: str | None


class ReportOut(FiguresOut):
    id: int
    jurisdiction: str
    jurisdiction_name: str
    unit: str | None
    date: dt.date
    source: str
    note: str
    updated_at: dt.datetime


class DailyIn(Schema):
    jurisdiction: str = Field(..., max_length=20)
    unit: str | None = Field(None, max_length=20, description="A non-geographic unit's code")
    date: dt.date
    note: str = Field("", max_length=500)
    confirmed_cumulative: int | None = Field(None, ge=0)
    suspected_current: int | None = Field(None, ge=0)
    cured_cumulative: int | None = Field(None, ge=0)
    dead_cumulative: int | None = Field(None, ge=0)
    admitted_current: int | None = Field(None, ge=0)
    severe_current: int | None = Field(None, ge=0)
    asymptomatic_current: int | None = Field(None, ge=0)
    observation_current: int | None = Field(None, ge=0)
    screened_cumulative: int | None = Field(None, ge=0)


class PopulationIn(Schema):
    jurisdiction: str = Field(..., max_length=20)
    population: int = Field(..., gt=0)


class PopulationOut(Schema):
    jurisdiction: str
    population: int | None


class DailyQuery(Schema):
    jurisdiction: str = Field(..., max_length=20)
    date: dt.date | None = Field(None, description="Default: the latest date with data")


class RangeQuery(Schema):
    jurisdiction: str = Field(..., max_length=20)
    start: dt.date
    end: dt.date


class SeriesQuery(RangeQuery):
    children: bool = Field(False, description="Also the series of every unit directly below")


class ReconciliationQuery(RangeQuery):
    kind: DiscrepancyKind | None = None
    indicator: str | None = Field(None, max_length=40)
    limit: int = Field(200, ge=1, le=200)
    offset: int = Field(0, ge=0)


class RowsQuery(Schema):
    jurisdiction: str = Field(..., max_length=20)
    date: dt.date | None = None
    start: dt.date | None = None
    end: dt.date | None = None
    limit: int = Field(50, ge=1, le=200)
    offset: int = Field(0, ge=0)


def _figures(f: DayFigures) -> dict[str, int | None]:
    return {name: f.values.get(name) for name in FiguresOut.model_fields}


def _daily_out(node: Node, f: DayFigures, modules: list[ModuleFigureOut]) -> DailyOut:
    return DailyOut(
        modules=modules,
        jurisdiction=node.code,
        jurisdiction_name=node.name,
        level=node.level,
        date=f.day,
        source=f.source,
        report_id=f.report_id,
        population=node.population,
        rates={k: RateOut(**r.as_dict()) for k, r in f.rates.items()},
        line_list=f.line_list,
        **_figures(f),
    )


def _report_out(r: DailyReport) -> ReportOut:
    return ReportOut(
        id=r.pk,
        jurisdiction=r.jurisdiction.code,
        jurisdiction_name=r.unit.name if r.unit else r.jurisdiction.name,
        unit=(r.unit.code or f"u{r.unit.pk}") if r.unit else None,
        date=r.date,
        source=r.source,
        note=r.note,
        updated_at=r.updated_at,
        **r.values(),
    )


@router.post("/daily/import", response={200: ImportOut, 403: ErrorOut, 422: dict[str, Any]})
def daily_import(
    request: HttpRequest, file: File[UploadedFile], partial: Form[bool] = False
) -> Status[dict[str, Any]]:
    """Import a daily series (Hunan series format). All-or-nothing unless ``partial``."""
    try:
        result = services.daily_report_import(
            actor=request.user,
            file_name=file.name or "upload",
            content=file.read(),
            partial=partial,
        )
    except ImportInvalid as exc:
        body = {
            **exc.as_dict(),
            "created": 0,
            "updated": 0,
            "unchanged": 0,
            "errors": exc.errors,
            "rows": exc.rows,
        }
        return Status(422, body)
    return Status(200, result.as_dict())


@router.get("/daily", response={200: DailyOut, 404: ErrorOut})
def daily_get(request: HttpRequest, query: Query[DailyQuery]) -> DailyOut:
    """Figures of a jurisdiction on a date, new figures, and the four rates with formulas."""
    node = selectors.node_get(user=request.user, code=query.jurisdiction)
    day = (
        query.date
        or selectors.latest_day_with_data(
            user=request.user, node=node, on_or_before=timezone.localdate()
        )
        or timezone.localdate()
    )
    modules = [
        ModuleFigureOut(
            key=fig.key, label=str(fig.label), value=fig.value, url=fig.url, group=fig.group
        )
        for group in (
            []
            if node.unit is not None
            else providers.dashboard_figures(
                user=request.user, jurisdiction=node.jurisdiction, day=day
            )
        )
        for fig in group.figures
    ]
    return _daily_out(node, selectors.figures_on(user=request.user, node=node, day=day), modules)


@router.post("/daily", response={201: ReportOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut})
def daily_submit(request: HttpRequest, payload: DailyIn) -> Status[ReportOut]:
    """File a jurisdiction's (or one of its non-geographic units') totals for a date.
    Errors: ``daily_report.forbidden``, ``daily_report.out_of_scope`` (403),
    ``daily_report.invalid_date``, ``daily_report.invalid_value`` (422), ``not_found``."""
    node = selectors.node_get(user=request.user, code=payload.jurisdiction)
    unit = None
    if payload.unit:
        unit_node = selectors.node_get(user=request.user, code=payload.unit)
        unit = unit_node.unit
    data = payload.dict()
    report = services.daily_report_submit(
        actor=request.user,
        jurisdiction=node.jurisdiction,
        unit=unit,
        day=payload.date,
        values={name: data.get(name) for name in FiguresOut.model_fields if name in data},
        note=payload.note,
    )
    return Status(201, _report_out(report))


@router.get("/daily/rows", response={200: Page[ReportOut], 404: ErrorOut})
def daily_rows(request: HttpRequest, query: Query[RowsQuery]) -> dict[str, Any]:
    """The stored reports behind a figure: the jurisdiction's own and those directly below."""
    node = selectors.node_get(user=request.user, code=query.jurisdiction)
    if node.unit is not None:
        qs = selectors.report_list(user=request.user, day=query.date).filter(unit=node.unit)
    else:
        qs = selectors.report_list(
            user=request.user,
            jurisdiction=node.jurisdiction,
            day=query.date,
            start=query.start,
            end=query.end,
        )
    return paginate(request, qs, limit=query.limit, offset=query.offset, serialize=_report_out)


@router.get("/series", response={200: SeriesOut, 404: ErrorOut, 422: ErrorOut})
def series_get(request: HttpRequest, query: Query[SeriesQuery]) -> SeriesOut:
    """The epidemic curve: one point per date (and, with ``children``, the curve of every unit
    directly below, rolled up from one read). Errors: ``reconciliation.invalid_range``."""
    node = selectors.node_get(user=request.user, code=query.jurisdiction)
    children: list[ChildSeriesOut] = []
    if query.children:
        both = selectors.series_with_children(
            user=request.user, node=node, start=query.start, end=query.end
        )
        points = both[0][1]
        children = [
            ChildSeriesOut(jurisdiction=c.code, jurisdiction_name=c.name, items=_points(p))
            for c, p in both[1:]
        ]
    else:
        points = selectors.series(user=request.user, node=node, start=query.start, end=query.end)
    return SeriesOut(
        jurisdiction=node.code,
        jurisdiction_name=node.name,
        start=query.start,
        end=query.end,
        items=_points(points),
        children=children,
    )


def _points(points: list[DayFigures]) -> list[SeriesPoint]:
    return [SeriesPoint(date=p.day, source=p.source, **_figures(p)) for p in points]


@router.get("/reconciliation", response={200: Page[DiscrepancyOut], 404: ErrorOut, 422: ErrorOut})
def reconciliation_get(request: HttpRequest, query: Query[ReconciliationQuery]) -> dict[str, Any]:
    """Every discrepancy in the jurisdiction's area: ``children_sum_differs``,
    ``child_missing``, ``cumulative_decreased``, ``line_list_differs``."""
    node = selectors.node_get(user=request.user, code=query.jurisdiction)
    items = reconciliation.reconcile(
        user=request.user,
        node=node,
        start=query.start,
        end=query.end,
        kinds={query.kind.value} if query.kind else None,
    )
    if query.indicator:
        items = [i for i in items if i.indicator == query.indicator]
    return paginate(
        request, items, limit=query.limit, offset=query.offset, serialize=lambda d: d.as_dict()
    )


@router.post(
    "/population", response={200: PopulationOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}
)
def population_post(request: HttpRequest, payload: PopulationIn) -> PopulationOut:
    """Set a division's resident population (denominator of the infection rate)."""
    node = selectors.node_get(user=request.user, code=payload.jurisdiction)
    if node.unit is not None:
        raise NotFound()
    j = services.population_set(
        actor=request.user, jurisdiction=node.jurisdiction, population=payload.population
    )
    return PopulationOut(jurisdiction=j.code, population=j.population)
