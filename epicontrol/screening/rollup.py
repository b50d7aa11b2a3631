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
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, F, Q, QuerySet, Sum, Value
from django.db.models.expressions import Combinable
from django.db.models.functions import Left, StrIndex, Substr

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


def _figure_aggregates(day: dt.date, keys: Sequence[str] = FIGURE_KEYS) -> dict[str, Count]:
    conditions = figure_conditions(day)
    return {key: Count("pk", filter=conditions[key]) for key in keys}


def _counted(entries: QuerySet[LedgerEntry], day: dt.date) -> QuerySet[LedgerEntry]:
    # Every figure concerns entries registered by the end of the day (observation and closing
    # days are never before the registration day: the services refuse them), so the others
    # are left out before the per-row conditions are evaluated.
    return entries.order_by().filter(registered_on__lte=day)


def ledger_figures(
    entries: QuerySet[LedgerEntry], day: dt.date, keys: Sequence[str] = FIGURE_KEYS
) -> dict[str, int]:
    """The figures of ``day`` (all, or ``keys``) over a queryset of entries, in one query."""
    row = _counted(entries, day).aggregate(**_figure_aggregates(day, keys))
    return {key: int(row[key] or 0) for key in keys}


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


def child_key(
    path_field: str, parent_path: str, code_lengths: set[int]
) -> tuple[Combinable, Callable[[str], str]]:
    """SQL grouping key for "the child of ``parent_path``", and how to read the code from it.

    The children of one parent have codes of one length (GB/T 2260 cities and counties 6
    digits, townships 9, communities and grids the parent's code + 3), so the key is the path
    prefix ``LEFT(path, len(parent) + len(code))``: the cheapest expression per row. Mixed
    lengths fall back to cutting at the next "/".
    """
    if len(code_lengths) == 1:
        cut = len(parent_path)
        return Left(F(path_field), cut + next(iter(code_lengths))), lambda key: key[cut:]
    return child_code(path_field, parent_path), lambda key: key


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

    lengths: set[int] = set()
    # All children, retired ones included: their old entries still roll up.
    for child in Jurisdiction.objects.filter(parent=jurisdiction).values(
        "code", "name", "level", "valid_to"
    ):
        lengths.add(len(child["code"]))
        if child["valid_to"] is not None:
            continue
        r = row(child["code"])
        r.name, r.level = child["name"], child["level"]
        r.is_leaf = child["level"] == Level.GRID
    key, code_of = child_key("grid_path", path, lengths)

    ledger = (
        _counted(entries, day)
        .annotate(child=key)
        .values("child")
        .annotate(**_figure_aggregates(day))
    )
    for item in ledger:
        row(code_of(item["child"])).figures = {k: int(item[k] or 0) for k in FIGURE_KEYS}

    reports = (
        DailyReport.objects.visible_to(user)
        .filter(grid_path__startswith=path, day=day)
        .order_by()
        .annotate(child=key)
        .values("child")
        .annotate(n=Count("pk"), zero=Count("pk", filter=Q(is_zero=True)), new_sum=Sum("new"))
    )
    for item in reports:
        r = row(code_of(item["child"]))
        r.grids_reported, r.zero_reports = int(item["n"]), int(item["zero"])
        r.reported_new = int(item["new_sum"] or 0)

    grid_key, grid_code_of = child_key("path", path, lengths)
    grids = (
        Jurisdiction.objects.filter(level=Level.GRID, path__startswith=path)
        .current()
        .order_by()
        .annotate(child=grid_key)
        .values("child")
        .annotate(n=Count("pk"))
    )
    for item in grids:
        row(grid_code_of(item["child"])).grids_total = int(item["n"])

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
