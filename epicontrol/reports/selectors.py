"""Reads of daily reports, figures, series and rates, always within the user's area.

Figures of a jurisdiction are resolved by ``rollup`` (own report → sum below → line list);
rates by ``rates`` from the policy version in force on the date. A jurisdiction outside the
user's area (including one merely shown in their breadcrumb) is NotFound: "not yours" and
"does not exist" look the same.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Max, Q
from django.utils.translation import gettext as _

from epicontrol.core.errors import NotFound
from epicontrol.core.scoping import scope_of
from epicontrol.jurisdictions.models import Jurisdiction

from . import providers
from .choices import FigureSource
from .errors import InvalidRange
from .indicators import CUMULATIVE_NAMES, NEW_NAMES, POPULATION, STORED_NAMES, derive
from .models import DailyReport, DailyReportImport, DailyReportQuerySet, ReportingUnit
from .rates import RateBook, RateValue
from .rollup import Resolved, Rollup, Values, merge, report_rows, unit_key

MAX_RANGE_DAYS = 732  # two years per request keeps every read bounded
SUBTREE_DATES_IN_LIMIT = 100  # beyond this many scattered dates a range scan is cheaper


@dataclass(frozen=True)
class Node:
    """A place that has figures: a division, or a non-geographic reporting unit."""

    key: str
    code: str
    name: str
    level: str
    jurisdiction: Jurisdiction  # the division itself, or the unit's parent
    unit: ReportingUnit | None = None

    @property
    def population(self) -> int | None:
        return None if self.unit is not None else self.jurisdiction.population

    @property
    def is_unit(self) -> bool:
        return self.unit is not None


def division_node(j: Jurisdiction) -> Node:
    return Node(key=j.path, code=j.code, name=j.name, level=j.level, jurisdiction=j)


def unit_node(unit: ReportingUnit) -> Node:
    return Node(
        key=unit_key(unit.parent.path, unit.pk),
        code=unit.code or f"u{unit.pk}",
        name=unit.name,
        level="unit",
        jurisdiction=unit.parent,
        unit=unit,
    )


def node_get(*, user: Any, code: str) -> Node:
    """The division or reporting unit with this code, if the user covers it.

    A non-geographic unit is addressed by its code (``4300y0``) or, when it has none, by
    ``u<id>``. Raises NotFound ("not_found") otherwise.
    """
    scope = scope_of(user)
    j = Jurisdiction.objects.filter(code=code).first()
    if j is not None:
        if not scope.covers_path(j.path):
            raise NotFound()
        return division_node(j)
    units = ReportingUnit.objects.visible_to(user).select_related("parent")
    unit = units.filter(code=code).first() if code else None
    if unit is None and code.startswith("u") and code[1:].isdigit():
        unit = units.filter(pk=int(code[1:])).first()
    if unit is None:
        raise NotFound()
    return unit_node(unit)


def home_node(*, user: Any) -> Node | None:
    """The top of the user's area (the first, for users with several)."""
    scope = scope_of(user)
    if scope.everything:
        top = Jurisdiction.objects.filter(level="province").order_by("code").first()
    else:
        codes = [p.rstrip("/").rsplit("/", 1)[-1] for p in sorted(scope.paths, key=len)]
        top = Jurisdiction.objects.filter(code__in=codes).order_by("depth", "code").first()
    return division_node(top) if top is not None else None


def check_range(start: dt.date, end: dt.date) -> None:
    """Raises InvalidRange ("reconciliation.invalid_range") for reversed or too long ranges."""
    if end < start:
        raise InvalidRange(_("The end date is before the start date."), field="end")
    if (end - start).days > MAX_RANGE_DAYS:
        raise InvalidRange(
            _("The range is longer than %(days)s days.") % {"days": MAX_RANGE_DAYS},
            field="end",
            max_days=MAX_RANGE_DAYS,
        )


@dataclass(frozen=True)
class DayFigures:
    """Resolved figures of one node on one date, with new figures and the four rates."""

    day: dt.date
    values: Values  # stored indicators, confirmed_current, and one *_new per cumulative one
    source: str
    report_id: int | None
    rates: dict[str, RateValue] = field(default_factory=dict)
    line_list: Values | None = None  # the line list of the same subtree, where the platform has it

    @property
    def has_data(self) -> bool:
        return self.source != FigureSource.NONE

    @property
    def line_list_differs(self) -> list[str]:
        if self.line_list is None or self.source in (FigureSource.NONE, FigureSource.COMPUTED):
            return []
        return [
            n
            for n in STORED_NAMES
            if self.values.get(n) is not None
            and self.line_list.get(n) is not None
            and self.values[n] != self.line_list[n]
        ]


def _dates(start: dt.date, end: dt.date) -> list[dt.date]:
    return [start + dt.timedelta(days=i) for i in range((end - start).days + 1)]


class FigureContext:
    """The roll-up of one node's subtree over a date window, loaded with a few queries."""

    def __init__(
        self, node: Node, start: dt.date, end: dt.date, *, subtree_dates: Iterable[dt.date] = ()
    ) -> None:
        self.node = node
        # One day earlier than asked, so the first day's new figures have a predecessor.
        self.fetch_start = start - dt.timedelta(days=1)
        self.start, self.end = start, end
        if node.unit is not None:
            own = _unit_rows(node, self.fetch_start, end)
        else:
            own = report_rows(root_path=node.key, start=self.fetch_start, end=end, only_root=True)
        own_days = set(own.get(node.key, {}))
        wanted = {d for d in _dates(self.fetch_start, end) if d not in own_days}
        wanted |= set(subtree_dates)
        below: dict[str, Any] = {}
        listed = providers.LineList()
        if node.unit is None:
            if wanted:
                below = report_rows(
                    root_path=node.key,
                    start=min(wanted),
                    end=max(wanted),
                    dates=wanted if len(wanted) <= SUBTREE_DATES_IN_LIMIT else None,
                )
            # Also when the node reports every day: its figures are shown beside the line list.
            listed = providers.line_list(
                root_path=node.key, start=min([self.fetch_start, *wanted]), end=max([end, *wanted])
            )
        self.rollup = Rollup(
            root_key=node.key,
            reports=merge(below, own),
            line_list=listed.counties,
            covers=listed.covers,
        )
        self._earlier: dict[str, bool] = {}
        self.rate_book = RateBook()

    def _has_earlier(self, key: str) -> bool:
        """Whether the node's subtree has any report before the window (then a first day
        without predecessor has unknown new figures instead of "all new")."""
        if key not in self._earlier:
            qs = DailyReport.objects.filter(date__lt=self.fetch_start)
            if "~" in key:
                qs = qs.filter(unit_id=int(key.rstrip("/").rsplit("~", 1)[1]))
            else:
                qs = qs.filter(jurisdiction__path__startswith=key)
            self._earlier[key] = qs.exists()
        return self._earlier[key]

    def figures(
        self,
        key: str,
        day: dt.date,
        *,
        population: int | None,
        with_line_list: bool = False,
        with_rates: bool = True,
    ) -> DayFigures:
        resolved = self.rollup.resolve(key, day)
        values: Values = derive(resolved.values)
        previous = self._previous(key, day)
        for name in CUMULATIVE_NAMES:
            values[NEW_NAMES[name]] = self._new(key, name, resolved.values.get(name), previous)
        rates: dict[str, RateValue] = {}
        if with_rates:
            rate_inputs = dict(values)
            rate_inputs[POPULATION] = population
            rates = self.rate_book.compute_all(day, rate_inputs)
        listed = self.rollup.line_list_total(key, day) if with_line_list else None
        return DayFigures(
            day=day,
            values=values,
            source=resolved.source,
            report_id=resolved.report_id,
            rates=rates,
            line_list=listed,
        )

    def _previous(self, key: str, day: dt.date) -> Values | None:
        d = day - dt.timedelta(days=1)
        while d >= self.fetch_start:
            found = self.rollup.resolve(key, d)
            if found.source != FigureSource.NONE:
                return found.values
            d -= dt.timedelta(days=1)
        return None

    def _new(self, key: str, name: str, today: int | None, previous: Values | None) -> int | None:
        if today is None:
            return None
        if previous is None:
            # The first figure ever reported is all new; after a gap we cannot tell.
            return None if self._has_earlier(key) else today
        before = previous.get(name)
        return None if before is None else today - before


def _unit_rows(node: Node, start: dt.date, end: dt.date) -> dict[str, Any]:
    assert node.unit is not None
    rows = DailyReport.objects.filter(unit=node.unit, date__gte=start, date__lte=end)
    return {
        node.key: {
            r.date: Resolved(r.values(), r.source, r.pk)
            for r in rows.only("id", "date", "source", *STORED_NAMES)
        }
    }


def figures_on(*, user: Any, node: Node, day: dt.date) -> DayFigures:
    """The figures, new figures and rates of a node (already checked with ``node_get``)."""
    context = FigureContext(node, day, day)
    return context.figures(node.key, day, population=node.population, with_line_list=True)


def series(
    *, user: Any, node: Node, start: dt.date, end: dt.date, with_rates: bool = False
) -> list[DayFigures]:
    """One ``DayFigures`` per date from ``start`` to ``end`` (the epidemic curve).

    Raises InvalidRange ("reconciliation.invalid_range").
    """
    check_range(start, end)
    context = FigureContext(node, start, end)
    return [
        context.figures(node.key, d, population=node.population, with_rates=with_rates)
        for d in _dates(start, end)
    ]


def series_with_children(
    *, user: Any, node: Node, start: dt.date, end: dt.date, with_rates: bool = False
) -> list[tuple[Node, list[DayFigures]]]:
    """The series of a node and of every unit directly below it, from one read of the subtree
    (roll-up to every level for a whole range). Raises InvalidRange."""
    check_range(start, end)
    days = _dates(start, end)
    context = FigureContext(node, start, end, subtree_dates=days)
    out = []
    for n in [node, *child_nodes(node=node, day=end)]:
        points = [
            context.figures(n.key, d, population=n.population, with_rates=with_rates) for d in days
        ]
        out.append((n, points))
    return out


def child_nodes(*, node: Node, day: dt.date) -> list[Node]:
    """Divisions directly below a node (valid on ``day``) and the non-geographic units under it."""
    if node.unit is not None:
        return []
    divisions = [
        division_node(j)
        for j in Jurisdiction.objects.filter(parent=node.jurisdiction).current(day).order_by("code")
    ]
    units = [
        unit_node(u)
        for u in ReportingUnit.objects.filter(parent=node.jurisdiction)
        .select_related("parent")
        .order_by("code", "name")
    ]
    return divisions + units


@dataclass(frozen=True)
class Dashboard:
    node: Node
    day: dt.date
    today: DayFigures
    curve: list[DayFigures]
    children: list[tuple[Node, DayFigures]]


def dashboard(*, user: Any, node: Node, day: dt.date, days: int) -> Dashboard:
    """Everything the command dashboard shows from reports: the day, the curve, the children.

    A fixed handful of queries whatever the size of the area (the subtree is read once).
    """
    start = day - dt.timedelta(days=max(days, 1) - 1)
    context = FigureContext(node, start, day, subtree_dates={day, day - dt.timedelta(days=1)})
    curve = [
        context.figures(node.key, d, population=node.population, with_rates=False)
        for d in _dates(start, day)
    ]
    # The curve starts at the first case (an outbreak's first weeks, not empty ones).
    while len(curve) > 1 and not curve[0].values.get("confirmed_cumulative"):
        curve.pop(0)
    today = context.figures(node.key, day, population=node.population, with_line_list=True)
    children = [
        (child, context.figures(child.key, day, population=child.population))
        for child in child_nodes(node=node, day=day)
    ]
    return Dashboard(node=node, day=day, today=today, curve=curve, children=children)


def latest_day_with_data(*, user: Any, node: Node, on_or_before: dt.date) -> dt.date | None:
    """The latest date up to ``on_or_before`` on which the node's subtree has a report."""
    qs = DailyReport.objects.filter(date__lte=on_or_before)
    if node.unit is not None:
        qs = qs.filter(unit=node.unit)
    else:
        qs = qs.filter(jurisdiction__path__startswith=node.key)
    latest: dt.date | None = qs.aggregate(latest=Max("date"))["latest"]
    if latest is None and node.unit is None and providers.line_list_available():
        window = providers.line_list(
            root_path=node.key, start=on_or_before - dt.timedelta(days=60), end=on_or_before
        )
        days = [d for by_day in window.counties.values() for d in by_day]
        latest = max(days) if days else None
    return latest


def report_list(
    *,
    user: Any,
    jurisdiction: Jurisdiction | None = None,
    day: dt.date | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
    source: str | None = None,
    children_only: bool = False,
) -> DailyReportQuerySet:
    """Stored daily reports visible to the user (the rows behind a figure).

    With ``jurisdiction``: its own report and those of the units directly below it (or only the
    latter with ``children_only``); ``day`` or ``start``/``end`` filter dates.
    """
    qs = DailyReport.objects.visible_to(user).select_related("jurisdiction", "unit", "updated_by")
    if jurisdiction is not None:
        below = Q(jurisdiction__parent=jurisdiction, unit__isnull=True) | Q(
            jurisdiction=jurisdiction, unit__isnull=False
        )
        own = Q(jurisdiction=jurisdiction, unit__isnull=True)
        qs = qs.filter(below if children_only else below | own)
    if day is not None:
        qs = qs.filter(date=day)
    if start is not None:
        qs = qs.filter(date__gte=start)
    if end is not None:
        qs = qs.filter(date__lte=end)
    if source:
        qs = qs.filter(source=source)
    return qs.order_by("-date", "jurisdiction__path", "unit__code", "unit__name")


def report_get(*, user: Any, pk: int) -> DailyReport:
    """Raises NotFound for unknown reports and reports outside the user's area."""
    report = (
        DailyReport.objects.visible_to(user)
        .select_related("jurisdiction", "unit", "created_by", "updated_by", "batch")
        .filter(pk=pk)
        .first()
    )
    if report is None:
        raise NotFound()
    return report


def import_list(*, user: Any) -> Any:
    """Import batches of the user's area, newest first."""
    return DailyReportImport.objects.visible_to(user).select_related("jurisdiction", "created_by")


def population_rows(*, user: Any, node: Node) -> list[Jurisdiction]:
    """The node and the divisions directly below it, with their populations."""
    if node.unit is not None:
        return []
    below = list(Jurisdiction.objects.filter(parent=node.jurisdiction).current().order_by("code"))
    return [node.jurisdiction, *below]
