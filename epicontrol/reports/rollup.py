"""Which figure a jurisdiction has on a date: its own report, the sum below it, or the line list.

The figure of a node (a division, or a non-geographic reporting unit) on a date is resolved as:

1. its **own report** (imported, submitted, or computed and stored), when it has one;
2. else the **sum of its children's resolved figures**, when any child has one (roll-up to every
   level; a non-geographic unit such as 境外输入 is a child of the jurisdiction it reports
   under);
3. else the **line list** (cases app), which is held per county.

So a province that reports its own total shows that total (as published), and reconciliation
lists where the sum of its cities or the line list disagrees; a level that reports nothing shows
what lies below it. Sums are per indicator over the children that have it; an indicator no
child has stays None (no data), never 0.

Tree keys are materialized paths: a division's key is its ``path`` (``430000/430200/``), a
non-geographic unit's key is ``<parent path>~<unit id>/``, so the parent of any key is the key
without its last segment.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import NamedTuple

from .choices import FigureSource
from .indicators import STORED_NAMES
from .models import DailyReport

Values = dict[str, int | None]


def unit_key(parent_path: str, unit_id: int) -> str:
    return f"{parent_path}~{unit_id}/"


def parent_key(key: str) -> str:
    trimmed = key[:-1]
    return trimmed.rsplit("/", 1)[0] + "/" if "/" in trimmed else ""


class Resolved(NamedTuple):
    """The figures of one node on one date and where they come from.

    A named tuple: a province-year resolves tens of thousands of these.
    """

    values: Values
    source: str
    report_id: int | None = None


NO_DATA = Resolved(values=dict.fromkeys(STORED_NAMES), source=FigureSource.NONE)


def _sum(values: Iterable[Values]) -> Values:
    rows = list(values)
    out: Values = {}
    for name in STORED_NAMES:
        present = [x for v in rows if (x := v.get(name)) is not None]
        out[name] = sum(present) if present else None
    return out


@dataclass
class Rollup:
    """Resolves figures of any node of one subtree from pre-loaded reports and line list.

    ``reports[key][date] = Resolved(values, source, report id)``; ``line_list[key][date] =
    values`` (at
    county keys). Resolution is memoised per (key, date); no queries are made here.
    """

    root_key: str
    reports: dict[str, dict[dt.date, Resolved]] = field(default_factory=dict)
    line_list: dict[str, dict[dt.date, Values]] = field(default_factory=dict)
    # Whether the platform holds the whole line list of an area (see providers.LineList).
    covers: Callable[[str], bool] | None = None
    _children: dict[str, set[str]] = field(default_factory=dict, init=False)
    _memo: dict[tuple[str, dt.date], Resolved] = field(default_factory=dict, init=False)

    def __post_init__(self) -> None:
        children: dict[str, set[str]] = defaultdict(set)
        for key in {*self.reports, *self.line_list}:
            # Link every key with data to the root through its ancestors, so a city that
            # reports nothing still rolls up the counties below it.
            while key != self.root_key and key.startswith(self.root_key):
                parent = parent_key(key)
                if key in children[parent]:
                    break
                children[parent].add(key)
                key = parent
        self._children = dict(children)

    def children(self, key: str) -> set[str]:
        return self._children.get(key, set())

    def own(self, key: str, day: dt.date) -> Resolved | None:
        by_day = self.reports.get(key)
        return by_day.get(day) if by_day is not None else None

    def resolve(self, key: str, day: dt.date) -> Resolved:
        memo_key = (key, day)
        if memo_key in self._memo:
            return self._memo[memo_key]
        result = self.own(key, day)
        if result is None:
            below = [self.resolve(c, day) for c in self.children(key)]
            below = [r for r in below if r.source != FigureSource.NONE]
            if below:
                # A sum made only of line-list figures is still "computed from the line list".
                source = (
                    FigureSource.COMPUTED
                    if all(r.source == FigureSource.COMPUTED for r in below)
                    else FigureSource.ROLLED_UP
                )
                result = Resolved(values=_sum(r.values for r in below), source=source)
        if result is None:
            listed = self.line_list.get(key, {}).get(day)
            if listed is not None:
                result = Resolved(values=dict(listed), source=FigureSource.COMPUTED)
        if result is None:
            result = NO_DATA
        self._memo[memo_key] = result
        return result

    def line_list_total(self, key: str, day: dt.date) -> Values | None:
        """The line list summed over the subtree of ``key`` on ``day``; None where the platform
        does not hold the area's whole line list."""
        if self.covers is not None and not self.covers(key):
            return None
        rows = [
            by_day[day]
            for k, by_day in self.line_list.items()
            if k.startswith(key) and day in by_day
        ]
        return _sum(rows) if rows else None


def report_rows(
    *,
    root_path: str,
    start: dt.date,
    end: dt.date,
    only_root: bool = False,
    dates: Iterable[dt.date] | None = None,
) -> dict[str, dict[dt.date, Resolved]]:
    """Reports of the subtree under ``root_path`` (or of the root alone) between two dates.

    One query. Callers must have checked that the user covers ``root_path``.
    """
    qs = DailyReport.objects.filter(date__gte=start, date__lte=end)
    if only_root:
        qs = qs.filter(jurisdiction__path=root_path, unit__isnull=True)
    else:
        qs = qs.filter(jurisdiction__path__startswith=root_path)
    if dates is not None:
        qs = qs.filter(date__in=list(dates))
    out: dict[str, dict[dt.date, Resolved]] = defaultdict(dict)
    for row in qs.order_by().values_list(
        "id", "jurisdiction__path", "unit_id", "date", "source", *STORED_NAMES
    ):
        report_id, path, unit_id, day, source = row[:5]
        key = unit_key(path, unit_id) if unit_id is not None else path
        out[key][day] = Resolved(dict(zip(STORED_NAMES, row[5:], strict=True)), source, report_id)
    return dict(out)


def merge(
    *parts: Mapping[str, dict[dt.date, Resolved]],
) -> dict[str, dict[dt.date, Resolved]]:
    out: dict[str, dict[dt.date, Resolved]] = defaultdict(dict)
    for part in parts:
        for key, by_day in part.items():
            out[key].update(by_day)
    return dict(out)
