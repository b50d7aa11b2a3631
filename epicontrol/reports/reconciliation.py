"""Reconciliation of daily reports (数出一门): every place where the figures disagree.

For a jurisdiction and a date range, over its whole subtree:

- ``children_sum_differs``: a parent's own reported figure differs from the sum of the figures
  its direct children reported that day (per indicator, over the children that reported it).
  Non-geographic units (境外输入 4300y0 …) are children of the jurisdiction they report
  under. This is the reading that reproduces the published Hunan series: the province's own
  confirmed count differs from the sum of its 14 cities and 境外输入 on exactly 19 dates
  (excluding 境外输入 it would differ on 270, every day after imported cases began).
- ``child_missing``: on a date when the parent or any sibling reported, a child that had
  reported before did not. A unit that has never reported is not missing: published series
  start a city at its first case.
- ``cumulative_decreased``: a cumulative figure is lower than in the unit's previous report.
- ``line_list_differs``: a reported figure differs from the line list of the same subtree
  (only where the platform holds a line list, i.e. where the cases app has records).

Reports only: what is compared is what each unit reported, never a rolled-up figure, so one
disagreement is listed once, where it arises.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import OuterRef, Subquery

from epicontrol.jurisdictions.models import Jurisdiction

from . import providers
from .choices import DiscrepancyKind
from .indicators import CUMULATIVE_NAMES, STORED_NAMES
from .models import DailyReport, ReportingUnit
from .rollup import Values, parent_key, unit_key
from .selectors import Node, check_range


@dataclass(frozen=True)
class Discrepancy:
    kind: str
    jurisdiction: str  # code of the unit where it arises (the parent, for the first two kinds)
    jurisdiction_name: str
    date: dt.date
    indicator: str | None
    own: int | None
    children_sum: int | None = None
    other: int | None = None  # what ``own`` is compared with: children sum, previous, line list
    difference: int | None = None
    child: str | None = None  # child_missing: the child that did not report
    child_name: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "jurisdiction": self.jurisdiction,
            "jurisdiction_name": self.jurisdiction_name,
            "date": self.date,
            "indicator": self.indicator,
            "kind": self.kind,
            "own": self.own,
            "children_sum": self.children_sum,
            "other": self.other,
            "difference": self.difference,
            "child": self.child,
            "child_name": self.child_name,
        }


@dataclass
class _Unit:
    code: str
    name: str
    rows: dict[dt.date, Values]
    jurisdiction_id: int
    unit_id: int | None
    first: dt.date | None = None  # a report on or before this date exists (child_missing)
    previous: tuple[dt.date, Values] | None = None  # last report before the range


def _subtree(node: Node) -> Any:
    if node.unit is not None:
        return DailyReport.objects.filter(unit=node.unit)
    return DailyReport.objects.filter(jurisdiction__path__startswith=node.key)


def _key(path: str, unit_id: int | None) -> str:
    return unit_key(path, unit_id) if unit_id is not None else path


def _load(node: Node, start: dt.date, end: dt.date) -> dict[str, _Unit]:
    """Every report of the subtree in the range, plus each unit's last report before it."""
    units: dict[str, _Unit] = {}
    fields = (
        "jurisdiction_id",
        "jurisdiction__path",
        "jurisdiction__code",
        "jurisdiction__name",
        "unit_id",
        "unit__code",
        "unit__name",
        "date",
        *STORED_NAMES,
    )
    in_range = _subtree(node).filter(date__gte=start, date__lte=end).order_by()
    for row in in_range.values_list(*fields):
        jid, path, jcode, jname, unit_id, ucode, uname, day = row[:8]
        key = _key(path, unit_id)
        unit = units.get(key)
        if unit is None:
            code = (ucode or f"u{unit_id}") if unit_id is not None else jcode
            unit = units[key] = _Unit(
                code=code, name=uname or jname, rows={}, jurisdiction_id=jid, unit_id=unit_id
            )
        unit.rows[day] = dict(zip(STORED_NAMES, row[8:], strict=True))
    _load_previous(units, start)
    for unit in units.values():
        if unit.first is None:
            unit.first = min(unit.rows)
    return units


def _load_previous(units: dict[str, _Unit], start: dt.date) -> None:
    """Each unit's last report before ``start``: one index probe per unit (the unique
    (unit, date) indexes), not an aggregate over the subtree's whole history."""
    divisions = {u.jurisdiction_id for u in units.values() if u.unit_id is None}
    others = {u.unit_id for u in units.values() if u.unit_id is not None}

    def latest(**match: Any) -> Subquery:
        found = DailyReport.objects.filter(date__lt=start, **match).order_by("-date")
        return Subquery(found.values("date")[:1])

    last: dict[tuple[int, int | None], dt.date] = {}
    if divisions:
        rows = (
            Jurisdiction.objects.filter(pk__in=divisions)
            .annotate(last=latest(jurisdiction=OuterRef("pk"), unit__isnull=True))
            .filter(last__isnull=False)
            .values_list("pk", "last")
        )
        last.update({(pk, None): day for pk, day in rows})
    if others:
        unit_rows = (
            ReportingUnit.objects.filter(pk__in=others)
            .annotate(last=latest(unit=OuterRef("pk")))
            .filter(last__isnull=False)
            .values_list("parent_id", "pk", "last")
        )
        last.update({(parent, pk): day for parent, pk, day in unit_rows})
    if not last:
        return
    previous: dict[tuple[int, int | None], Values] = {}
    candidates = DailyReport.objects.filter(
        jurisdiction_id__in={j for j, _u in last}, date__in=set(last.values())
    ).order_by()
    for row in candidates.values_list("jurisdiction_id", "unit_id", "date", *STORED_NAMES):
        if last.get((row[0], row[1])) == row[2]:
            previous[(row[0], row[1])] = dict(zip(STORED_NAMES, row[3:], strict=True))
    for unit in units.values():
        ident = (unit.jurisdiction_id, unit.unit_id)
        if ident in last:
            day = last[ident]
            unit.first = day  # reported before the range: expected on every day of it
            if ident in previous:
                unit.previous = (day, previous[ident])


def reconcile(
    *, user: Any, node: Node, start: dt.date, end: dt.date, kinds: set[str] | None = None
) -> list[Discrepancy]:
    """Every discrepancy in the node's subtree between ``start`` and ``end`` (inclusive).

    ``node`` comes from ``selectors.node_get`` (which checked the user covers it). Sorted by
    date, then jurisdiction, kind and indicator. Raises InvalidRange
    ("reconciliation.invalid_range").
    """
    check_range(start, end)
    wanted = set(kinds) if kinds else set(DiscrepancyKind.values)
    units = _load(node, start, end)
    items: list[Discrepancy] = []
    children: dict[str, list[str]] = defaultdict(list)
    for key in units:
        if key != node.key:
            children[parent_key(key)].append(key)
    names = _names_of_silent_parents([p for p in children if p not in units])
    for parent, kids in children.items():
        items.extend(_parent_checks(parent, sorted(kids), units, wanted, names))
    if DiscrepancyKind.CUMULATIVE_DECREASED in wanted:
        for unit in units.values():
            items.extend(_decreases(unit))
    if DiscrepancyKind.LINE_LIST_DIFFERS in wanted and node.unit is None:
        items.extend(_line_list_checks(node, start, end, units))
    items.sort(key=lambda i: (i.date, i.jurisdiction, i.kind, i.indicator or "", i.child or ""))
    return items


def _names_of_silent_parents(paths: list[str]) -> dict[str, tuple[str, str]]:
    """Code and name of parents that filed nothing themselves (their children may be missing)."""
    if not paths:
        return {}
    rows = Jurisdiction.objects.filter(path__in=paths).values_list("path", "code", "name")
    return {path: (code, name) for path, code, name in rows}


def _parent_checks(
    parent: str,
    kids: list[str],
    units: dict[str, _Unit],
    wanted: set[str],
    names: dict[str, tuple[str, str]],
) -> list[Discrepancy]:
    out: list[Discrepancy] = []
    own = units.get(parent)
    days: set[dt.date] = set(own.rows) if own else set()
    for k in kids:
        days.update(units[k].rows)
    # A city that files nothing still has children that can be missing.
    fallback = parent.rstrip("/").rsplit("/", 1)[-1]
    code, name = (own.code, own.name) if own else names.get(parent, (fallback, fallback))
    for day in sorted(days):
        reported = [units[k].rows[day] for k in kids if day in units[k].rows]
        if DiscrepancyKind.CHILD_MISSING in wanted:
            for k in kids:
                child = units[k]
                if day not in child.rows and child.first is not None and child.first <= day:
                    out.append(
                        Discrepancy(
                            kind=DiscrepancyKind.CHILD_MISSING,
                            jurisdiction=code,
                            jurisdiction_name=name,
                            date=day,
                            indicator=None,
                            own=None,
                            child=child.code,
                            child_name=child.name,
                        )
                    )
        if DiscrepancyKind.CHILDREN_SUM_DIFFERS not in wanted or own is None or not reported:
            continue
        mine = own.rows.get(day)
        if mine is None:
            continue
        for name_ in STORED_NAMES:
            value = mine[name_]
            parts = [r[name_] for r in reported if r[name_] is not None]
            if value is None or not parts:
                continue
            total = sum(parts)  # type: ignore[arg-type]  # None filtered out above
            if total != value:
                out.append(
                    Discrepancy(
                        kind=DiscrepancyKind.CHILDREN_SUM_DIFFERS,
                        jurisdiction=code,
                        jurisdiction_name=name,
                        date=day,
                        indicator=name_,
                        own=value,
                        children_sum=total,
                        other=total,
                        difference=value - total,
                    )
                )
    return out


def _decreases(unit: _Unit) -> list[Discrepancy]:
    out: list[Discrepancy] = []
    # The last value of each cumulative figure: a report that omits a figure is compared with
    # the last report that had it, not skipped over.
    last: dict[str, int] = {}
    if unit.previous is not None:
        last = {n: v for n in CUMULATIVE_NAMES if (v := unit.previous[1][n]) is not None}
    for day in sorted(unit.rows):
        values = unit.rows[day]
        for name in CUMULATIVE_NAMES:
            now = values[name]
            if now is None:
                continue
            before = last.get(name)
            if before is not None and now < before:
                out.append(
                    Discrepancy(
                        kind=DiscrepancyKind.CUMULATIVE_DECREASED,
                        jurisdiction=unit.code,
                        jurisdiction_name=unit.name,
                        date=day,
                        indicator=name,
                        own=now,
                        other=before,
                        difference=now - before,
                    )
                )
            last[name] = now
    return out


def _line_list_checks(
    node: Node, start: dt.date, end: dt.date, units: dict[str, _Unit]
) -> list[Discrepancy]:
    listed = providers.line_list(root_path=node.key, start=start, end=end)
    if not listed:
        return []
    out: list[Discrepancy] = []
    for key, unit in units.items():
        if "~" in key or not listed.covers(key):
            continue  # no line list of its own, or the platform holds only part of the area's
        counties = [by_day for path, by_day in listed.counties.items() if path.startswith(key)]
        if not counties:
            continue
        for day, values in unit.rows.items():
            present = [c[day] for c in counties if day in c]
            if not present:
                continue
            for name in STORED_NAMES:
                parts = [p[name] for p in present if p.get(name) is not None]
                value = values[name]
                if value is None or not parts:
                    continue
                total = sum(parts)  # type: ignore[arg-type]  # None filtered out above
                if total != value:
                    out.append(
                        Discrepancy(
                            kind=DiscrepancyKind.LINE_LIST_DIFFERS,
                            jurisdiction=unit.code,
                            jurisdiction_name=unit.name,
                            date=day,
                            indicator=name,
                            own=value,
                            other=total,
                            difference=value - total,
                        )
                    )
    return out
