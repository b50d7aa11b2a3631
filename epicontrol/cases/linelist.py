"""Figures computed from the line list (个案), per county and local date.

Two families, each a handful of GROUP BY queries whatever the number of days:

- **new / cumulative** (confirmed, cured, dead) from the case columns ``confirmed_at``,
  ``discharged_at``, ``died_at``, grouped by county and local date; cumulative figures are
  running sums in Python, starting from everything before the range.
- **current** (suspected, confirmed, admitted, asymptomatic, severe) from ``CaseEvent``: each
  event stores the state before and after and, derived from them when written, the change it
  makes to each "current" figure (-1, 0, +1: out of or into the bucket). Summing the changes per
  (county, date) gives the figure at the end of any past day exactly, even for cases that
  changed severity several times.

County = the case's ``county_code`` (the county segment of its jurisdiction path, copied onto
the case and its events), so a case managed by a township counts in its county.

These functions are **unscoped**: they take a root path and return everything under it.
Callers (reports, riskareas) scope by choosing the root they may see. Scoped figures for one
user are in ``selectors.dashboard_figures``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import accumulate
from typing import Any

from django.db.models import Count, Max, Q, QuerySet, Sum
from django.db.models.functions import Substr, TruncDate
from django.utils import timezone

from epicontrol.jurisdictions.models import Jurisdiction

from .choices import ADMISSION_SET, CONFIRMED_SET, SEVERE_SET, Classification, Status
from .models import Case, CaseEvent

# "430000/430200/430203/": three 6-digit codes, each followed by "/".
COUNTY_PATH_LEN = 21
COUNTY_DEPTH = 2

FLOW_KEYS = (
    "confirmed_new",
    "confirmed_cumulative",
    "cured_new",
    "cured_cumulative",
    "dead_new",
    "dead_cumulative",
)
CURRENT_KEYS = (
    "suspected_current",
    "confirmed_current",
    "admitted_current",
    "asymptomatic_current",
    "severe_current",
)
KEYS = FLOW_KEYS + CURRENT_KEYS

Daily = dict[str, dict[dt.date, dict[str, int]]]


def county_code(path: str) -> str:
    """The county code of a path at county depth or below ("" above county)."""
    parts = [p for p in path.split("/") if p]
    return parts[COUNTY_DEPTH] if len(parts) > COUNTY_DEPTH else ""


def day_start(day: dt.date) -> dt.datetime:
    """Local midnight starting ``day`` (Asia/Shanghai), as an aware datetime."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


DELTA_FIELDS = ("d_suspected", "d_confirmed", "d_admitted", "d_asymptomatic", "d_severe")


def figure_deltas(
    before: tuple[str, str, str, bool], after: tuple[str, str, str, bool]
) -> dict[str, int]:
    """The change of each CURRENT_KEYS figure when a case moves from ``before`` to ``after``
    (each a (status, classification, severity, admitted) state), as CaseEvent.d_* values."""
    return {
        f: a - b for f, b, a in zip(DELTA_FIELDS, _bucket(*before), _bucket(*after), strict=True)
    }


def _bucket(status: str, classification: str, severity: str, admitted: bool) -> tuple[int, ...]:
    """Membership of one state in each CURRENT_KEYS figure (1 or 0)."""
    if status != Status.OPEN:
        return (0, 0, 0, 0, 0)
    return (
        int(classification == Classification.SUSPECTED),
        int(classification in CONFIRMED_SET),
        int(admitted and classification in ADMISSION_SET),
        int(classification == Classification.ASYMPTOMATIC),
        int(classification in CONFIRMED_SET and severity in SEVERE_SET),
    )


def _flow_counts(
    cases: QuerySet[Case],
    field: str,
    start_bound: dt.datetime,
    end_bound: dt.datetime,
    **filters: Any,
) -> Iterable[tuple[str, dt.date, int]]:
    """Counts of cases per (county, local date of ``field``) within the range."""
    return (
        cases.filter(**{f"{field}__gte": start_bound, f"{field}__lt": end_bound}, **filters)
        .annotate(day=TruncDate(field))
        .values("county_code", "day")
        .annotate(n=Count("id"))
        .values_list("county_code", "day", "n")
        .order_by()
    )


def daily_figures(
    cases: QuerySet[Case],
    events: QuerySet[CaseEvent],
    *,
    start: dt.date,
    end: dt.date,
    counties: Iterable[str] = (),
) -> Daily:
    """The figures of ``KEYS`` for the given case and event querysets (already filtered and
    scoped by the caller), per county code and date from ``start`` to ``end`` inclusive.

    ``counties`` lists county codes that appear even without any case (all zeros).
    """
    if end < start:
        return {}
    end_bound = day_start(end + dt.timedelta(days=1))
    days = [start + dt.timedelta(days=i) for i in range((end - start).days + 1)]
    index = {d: i for i, d in enumerate(days)}
    n_days = len(days)
    # Per county: one column of day changes per figure, and the sum of changes before start.
    columns: dict[str, list[list[int]]] = {}
    baselines: dict[str, list[int]] = {}

    def slot(code: str) -> tuple[list[list[int]], list[int]]:
        if code not in columns:
            columns[code] = [[0] * n_days for _ in range(3 + len(CURRENT_KEYS))]
            baselines[code] = [0] * (3 + len(CURRENT_KEYS))
        return columns[code], baselines[code]

    # Everything before the range only matters as a total per county (where the range starts
    # from): counted without the per-row conversion to local dates, in one scan per table.
    start_bound = day_start(start)
    cured = Q(status=Status.CURED_DISCHARGED, discharged_at__lt=start_bound)
    dead = Q(status=Status.DIED, classification__in=list(CONFIRMED_SET), died_at__lt=start_bound)
    before = (
        cases.filter(Q(confirmed_at__lt=start_bound) | cured | dead)
        .values("county_code")
        .annotate(
            confirmed=Count("id", filter=Q(confirmed_at__lt=start_bound)),
            cured=Count("id", filter=cured),
            dead=Count("id", filter=dead),
        )
        .values_list("county_code", "confirmed", "cured", "dead")
        .order_by()
    )
    for county, *totals in before:
        base = slot(county)[1]
        for i, n in enumerate(totals):
            base[i] += n
    for i, field, extra in (
        (0, "confirmed_at", {}),
        (1, "discharged_at", {"status": Status.CURED_DISCHARGED}),
        (2, "died_at", {"status": Status.DIED, "classification__in": list(CONFIRMED_SET)}),
    ):
        for county, day, n in _flow_counts(cases, field, start_bound, end_bound, **extra):
            slot(county)[0][i][index[day]] += n

    changed = events.exclude(Q(**dict.fromkeys(DELTA_FIELDS, 0)))
    sums = [Sum(f) for f in DELTA_FIELDS]
    names = [f"{f}__sum" for f in DELTA_FIELDS]
    state_before = (
        changed.filter(at__lt=start_bound)
        .values("county_code")
        .annotate(*sums)
        .values_list("county_code", *names)
        .order_by()
    )
    for county, *changes in state_before:
        base = slot(county)[1]
        for k, change in enumerate(changes):
            base[3 + k] += change or 0
    in_range = (
        changed.filter(at__gte=start_bound, at__lt=end_bound)
        .annotate(day=TruncDate("at"))
        .values("county_code", "day")
        .annotate(*sums)
        .values_list("county_code", "day", *names)
        .order_by()
    )
    for county, day, *changes in in_range:
        cols = slot(county)[0]
        position = index[day]
        for k, change in enumerate(changes):
            cols[3 + k][position] += change or 0

    out: Daily = {}
    for code in sorted(set(counties) | set(columns)):
        if not code:
            continue
        if code not in columns:
            out[code] = {d: dict.fromkeys(KEYS, 0) for d in days}
            continue
        cols, base = columns[code], baselines[code]
        series_columns: list[list[int]] = []
        for k in range(3):  # new, then cumulative (running sum from the baseline)
            series_columns.append(cols[k])
            series_columns.append(list(accumulate(cols[k], initial=base[k]))[1:])
        for k in range(3, 3 + len(CURRENT_KEYS)):  # state at the end of each day
            series_columns.append(list(accumulate(cols[k], initial=base[k]))[1:])
        # A dict display with constant keys is built in one step (3–4× faster than dict(zip()));
        # at province scale this loop makes 122 counties × 365 days of them.
        out[code] = {
            d: {
                "confirmed_new": c_new,
                "confirmed_cumulative": c_cum,
                "cured_new": r_new,
                "cured_cumulative": r_cum,
                "dead_new": x_new,
                "dead_cumulative": x_cum,
                "suspected_current": s_cur,
                "confirmed_current": c_cur,
                "admitted_current": a_cur,
                "asymptomatic_current": y_cur,
                "severe_current": v_cur,
            }
            for (
                d,
                c_new,
                c_cum,
                r_new,
                r_cum,
                x_new,
                x_cum,
                s_cur,
                c_cur,
                a_cur,
                y_cur,
                v_cur,
            ) in zip(days, *series_columns, strict=True)
        }
    return out


def line_list_daily(*, root_path: str, start: dt.date, end: dt.date) -> Daily:
    """Per county code under ``root_path`` and per local date in [start, end], the line-list
    figures: ``confirmed_new``, ``confirmed_cumulative``, ``cured_new``, ``cured_cumulative``,
    ``dead_new``, ``dead_cumulative`` (confirmed = confirmed + clinically diagnosed; cured =
    cured and discharged confirmed cases; dead = deaths of confirmed cases) and the state at the
    end of each day: ``suspected_current``, ``confirmed_current`` (open confirmed cases),
    ``admitted_current`` (open confirmed + suspected cases admitted to a facility),
    ``asymptomatic_current``, ``severe_current`` (open confirmed cases that are severe or
    critical).

    Every current county-level division under ``root_path`` is present (zeros when no case), so
    callers roll up by summing. When ``root_path`` lies below a county, the figures of that
    county are those of the subtree. UNSCOPED: the caller decides which root a user may see.
    About five queries whatever the range; cost grows with counties × days with activity.
    """
    if root_path.count("/") > COUNTY_DEPTH + 1:
        # Below a county: the subtree's cases (a join on the tree, small).
        counties = [county_code(root_path)]
        cases = Case.objects.filter(jurisdiction__path__startswith=root_path)
        events = CaseEvent.objects.filter(case__jurisdiction__path__startswith=root_path)
    else:
        # At or above a county: filter on the denormalised county codes, no join on the tree.
        # Retired counties keep their cases; only current ones are listed without cases.
        rows = Jurisdiction.objects.filter(path__startswith=root_path, depth=COUNTY_DEPTH)
        all_codes = list(rows.values_list("code", flat=True))
        counties = list(rows.current().values_list("code", flat=True))
        cases = Case.objects.filter(county_code__in=all_codes)
        events = CaseEvent.objects.filter(county_code__in=all_codes)
    return daily_figures(cases, events, start=start, end=end, counties=counties)


@dataclass(frozen=True)
class CountyCaseStats:
    """What the 2020 county risk rule needs (domain-rules §4.1), for one county on one day."""

    county_code: str
    county_path: str
    cumulative_confirmed: int
    new_confirmed_in_window: int
    has_cluster_in_window: bool
    last_confirmed_date: dt.date | None


def county_case_stats(
    *,
    county_paths: list[str] | None,
    day: dt.date,
    window_days: int,
    cluster_threshold: int | None,
) -> dict[str, CountyCaseStats]:
    """Per county code: cumulative confirmed up to the end of ``day``, new confirmed in the
    window of ``window_days`` local days ending with ``day`` (day − window_days + 1 … day), whether
    a cluster had at least ``cluster_threshold`` confirmed cases in that window, and the date of
    the last confirmed case up to ``day``.

    ``county_paths`` are path prefixes (a county's path, or a city's for all its counties);
    ``None`` means every county with a case. Every path given at county depth gets an entry
    (zeros when no case); other counties appear when they have cases. A cluster counts for the
    county of the cluster's own jurisdiction. ``cluster_threshold`` None (a policy without
    clusters) means never a cluster. Confirmed includes clinically diagnosed. Three queries.
    An empty string ``county_path`` means the county is no longer in the division tree.
    UNSCOPED, like ``line_list_daily``.
    """
    end_bound = day_start(day + dt.timedelta(days=1))
    window_start = day_start(day - dt.timedelta(days=max(window_days, 1) - 1))
    path_filter = Q()
    cluster_filter = Q()
    if county_paths is not None:
        path_filter = Q(pk__in=[])
        cluster_filter = Q(pk__in=[])
        for p in county_paths:
            path_filter |= Q(jurisdiction__path__startswith=p)
            cluster_filter |= Q(cluster__jurisdiction__path__startswith=p)
    rows = (
        Case.objects.filter(path_filter, confirmed_at__lt=end_bound, confirmed_at__isnull=False)
        .values("county_code")
        .annotate(
            cumulative=Count("id"),
            new=Count("id", filter=Q(confirmed_at__gte=window_start)),
            last=Max("confirmed_at"),
        )
        .order_by()
    )
    found: dict[str, dict[str, Any]] = {r["county_code"]: r for r in rows}
    clustered: set[str] = set()
    if cluster_threshold:
        cluster_rows = (
            Case.objects.filter(
                cluster_filter,
                cluster__isnull=False,
                confirmed_at__gte=window_start,
                confirmed_at__lt=end_bound,
            )
            .annotate(county=Substr("cluster__jurisdiction__path", 1, COUNTY_PATH_LEN))
            .values("county", "cluster_id")
            .annotate(n=Count("id"))
            .filter(n__gte=cluster_threshold)
            .order_by()
        )
        clustered = {county_code(r["county"]) for r in cluster_rows}
    codes = set(found) | clustered
    if county_paths is not None:
        codes |= {county_code(p) for p in county_paths if p.count("/") == COUNTY_DEPTH + 1}
    paths = dict(
        Jurisdiction.objects.filter(code__in=codes, depth=COUNTY_DEPTH).values_list("code", "path")
    )
    out: dict[str, CountyCaseStats] = {}
    for code in sorted(codes):
        r = found.get(code)
        out[code] = CountyCaseStats(
            county_code=code,
            county_path=paths.get(code, ""),
            cumulative_confirmed=r["cumulative"] if r else 0,
            new_confirmed_in_window=r["new"] if r else 0,
            has_cluster_in_window=code in clustered,
            last_confirmed_date=timezone.localdate(r["last"]) if r and r["last"] else None,
        )
    return out
