"""Daily figures computed from the ledger, and their roll-up up the jurisdiction tree.

Every figure is a condition on the entries' dates for a given day (see ``LedgerEntry``), so it
can be computed for any past day and a grid's confirmed report is a snapshot of the same
computation. The roll-up groups the entries of a jurisdiction's subtree by the child code found
in the grid's materialized path (``430000/430200/…``): one SQL ``GROUP BY`` per figure family,
the same on SQLite and PostgreSQL, so a parent's figure is by construction the sum of its
children's, down to the grids, and every level equals a direct count of the entries.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, F, Q, QuerySet, Sum, Value
from django.db.models.expressions import Combinable
from django.db.models.functions import StrIndex, Substr

from epicontrol.core.errors import NotFound
from epicontrol.jurisdictions.choices import Level
from epicontrol.jurisdictions.models import Jurisdiction

from .choices import EntryStatus
from .models import FIGURE_KEYS, DailyReport, LedgerEntry
from .permissions import covers_subtree


def figure_conditions(day: dt.date) -> dict[str, Q]:
    """The condition on an entry for each figure of ``day`` (end-of-day state)."""
    open_at_end = Q(closed_on__isnull=True) | Q(closed_on__gt=day)
    return {
        "new": Q(registered_on=day),
        "registered_total": Q(registered_on__lte=day),
        "under_management": Q(registered_on__lte=day) & open_at_end,
        "under_observation": Q(observation_started_on__lte=day) & open_at_end,
        "cleared_today": Q(status=EntryStatus.CLEARED, closed_on=day),
        "cleared_total": Q(status=EntryStatus.CLEARED, closed_on__lte=day),
        "transferred_today": Q(status=EntryStatus.TRANSFERRED, closed_on=day),
        "moved_away_today": Q(status=EntryStatus.MOVED_AWAY, closed_on=day),
    }


def _figure_aggregates(day: dt.date) -> dict[str, Count]:
    return {key: Count("pk", filter=cond) for key, cond in figure_conditions(day).items()}


def ledger_figures(entries: QuerySet[LedgerEntry], day: dt.date) -> dict[str, int]:
    """All figures of ``day`` over a queryset of entries, in one aggregate query."""
    row = entries.order_by().aggregate(**_figure_aggregates(day))
    return {key: int(row[key] or 0) for key in FIGURE_KEYS}


def new_by_category(entries: QuerySet[LedgerEntry], day: dt.date) -> dict[str, int]:
    """New registrations of ``day`` per category code (categories with none are left out)."""
    rows = (
        entries.filter(registered_on=day)
        .order_by()
        .values("category__code")
        .annotate(n=Count("pk"))
        .values_list("category__code", "n")
    )
    return {code: int(n) for code, n in rows}


def child_code(path_field: str, parent_path: str) -> Combinable:
    """SQL expression: the code of the child of ``parent_path`` on the way to ``path_field``.

    ``430000/430200/430203/`` under ``430000/`` → ``430200``. Substr + StrIndex compile to
    SUBSTR/INSTR on SQLite and SUBSTRING/STRPOS on PostgreSQL.
    """
    rest = Substr(F(path_field), len(parent_path) + 1)
    return Substr(rest, 1, StrIndex(rest, Value("/")) - 1)


@dataclass
class RollupRow:
    """The figures of one jurisdiction of a roll-up (the root or one child)."""

    code: str
    name: str
    level: str
    figures: dict[str, int] = field(default_factory=lambda: dict.fromkeys(FIGURE_KEYS, 0))
    reported_new: int = 0
    grids_total: int = 0
    grids_reported: int = 0
    zero_reports: int = 0
    is_leaf: bool = False

    @property
    def grids_missing(self) -> int:
        return max(0, self.grids_total - self.grids_reported)

    def add(self, other: RollupRow) -> None:
        for key in FIGURE_KEYS:
            self.figures[key] += other.figures[key]
        self.reported_new += other.reported_new
        self.grids_total += other.grids_total
        self.grids_reported += other.grids_reported
        self.zero_reports += other.zero_reports

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "name": self.name,
            "level": self.level,
            "figures": dict(self.figures),
            "reported_new": self.reported_new,
            "grids_total": self.grids_total,
            "grids_reported": self.grids_reported,
            "grids_missing": self.grids_missing,
            "zero_reports": self.zero_reports,
        }


@dataclass
class Rollup:
    """A jurisdiction's figures for a day, its children's, and new registrations by category."""

    jurisdiction: Jurisdiction
    day: dt.date
    total: RollupRow
    children: list[RollupRow]
    new_by_category: dict[str, int]
    report: DailyReport | None = None  # the grid's own report when the jurisdiction is a grid


def _grid_rollup(user: Any, grid: Jurisdiction, day: dt.date) -> Rollup:
    entries = LedgerEntry.objects.visible_to(user).filter(grid=grid)
    report = DailyReport.objects.visible_to(user).filter(grid=grid, day=day).first()
    row = RollupRow(
        code=grid.code,
        name=grid.name,
        level=grid.level,
        figures=ledger_figures(entries, day),
        grids_total=1,
        grids_reported=int(report is not None),
        zero_reports=int(bool(report and report.is_zero)),
        reported_new=report.new if report else 0,
        is_leaf=True,
    )
    return Rollup(grid, day, row, [], new_by_category(entries, day), report)


def rollup(*, user: Any, jurisdiction: Jurisdiction, day: dt.date) -> Rollup:
    """The roll-up of ``jurisdiction`` on ``day``: one row per child, and their sum.

    Three grouped queries (entries, reports, grids) plus one for new registrations by category,
    whatever the size of the subtree. Raises NotFound ("not_found") when the user's scope does
    not cover the jurisdiction.
    """
    if not covers_subtree(user, jurisdiction.path):
        raise NotFound()
    if jurisdiction.level == Level.GRID:
        return _grid_rollup(user, jurisdiction, day)
    path = jurisdiction.path
    entries = LedgerEntry.objects.visible_to(user).under(path)
    rows: dict[str, RollupRow] = {}

    def row(code: str) -> RollupRow:
        if code not in rows:
            rows[code] = RollupRow(code=code, name=code, level="")
        return rows[code]

    for child in (
        Jurisdiction.objects.filter(parent=jurisdiction).current().values("code", "name", "level")
    ):
        r = row(child["code"])
        r.name, r.level = child["name"], child["level"]
        r.is_leaf = child["level"] == Level.GRID

    ledger = (
        entries.order_by()
        .annotate(child=child_code("grid_path", path))
        .values("child")
        .annotate(**_figure_aggregates(day))
    )
    for item in ledger:
        row(item["child"]).figures = {key: int(item[key] or 0) for key in FIGURE_KEYS}

    reports = (
        DailyReport.objects.visible_to(user)
        .filter(grid_path__startswith=path, day=day)
        .order_by()
        .annotate(child=child_code("grid_path", path))
        .values("child")
        .annotate(n=Count("pk"), zero=Count("pk", filter=Q(is_zero=True)), new_sum=Sum("new"))
    )
    for item in reports:
        r = row(item["child"])
        r.grids_reported, r.zero_reports = int(item["n"]), int(item["zero"])
        r.reported_new = int(item["new_sum"] or 0)

    grids = (
        Jurisdiction.objects.filter(level=Level.GRID, path__startswith=path)
        .current()
        .order_by()
        .annotate(child=child_code("path", path))
        .values("child")
        .annotate(n=Count("pk"))
    )
    for item in grids:
        row(item["child"]).grids_total = int(item["n"])

    # Children that only appear through data (a retired unit's old entries) still count.
    unnamed = [c for c, r in rows.items() if not r.level]
    if unnamed:
        for j in Jurisdiction.objects.filter(code__in=unnamed).values("code", "name", "level"):
            rows[j["code"]].name, rows[j["code"]].level = j["name"], j["level"]
    children = [rows[c] for c in sorted(rows)]
    total = RollupRow(code=jurisdiction.code, name=jurisdiction.name, level=jurisdiction.level)
    for child_row in children:
        total.add(child_row)
    return Rollup(jurisdiction, day, total, children, new_by_category(entries, day))
