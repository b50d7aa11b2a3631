"""Scores, rankings and the monthly assessment, aggregated in SQL over the visible records.

Every figure carries the URL of the records behind it (数出一门). Rankings are competition
rankings: equal values share a rank and the next rank skips (1, 2, 2, 4).
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, TypeVar
from urllib.parse import urlencode

from django.db.models import Avg, Count, Q, QuerySet, Sum
from django.db.models.functions import Substr
from django.urls import reverse
from django.utils.translation import gettext as _

from epicontrol.core.scoping import scope_of
from epicontrol.jurisdictions.models import Jurisdiction

from .choices import TargetType
from .models import InspectionRecord
from .policy import inspection_policy
from .selectors import record_list

K = TypeVar("K", bound=Hashable)
TWO = Decimal("0.01")


def competition_rank(
    values: Sequence[tuple[K, Decimal | float | None]], *, descending: bool = True
) -> dict[K, int | None]:
    """Rank keys by value: ties share a rank, the next rank skips; None is not ranked."""
    ranked = [(k, v) for k, v in values if v is not None]
    ranked.sort(key=lambda kv: kv[1], reverse=descending)
    out: dict[K, int | None] = {k: None for k, v in values if v is None}
    previous: Any = object()
    rank = 0
    for position, (key, value) in enumerate(ranked, start=1):
        if value != previous:
            rank = position
            previous = value
        out[key] = rank
    return out


def month_bounds(month: dt.date) -> tuple[dt.date, dt.date]:
    start = month.replace(day=1)
    return start, start.replace(day=calendar.monthrange(start.year, start.month)[1])


def home_jurisdiction(user: Any) -> Jurisdiction | None:
    """Where a user's reports start: their widest own area (a unit user's unit's area); a
    superuser starts at the province of the most recent record."""
    scope = scope_of(user)
    path = None
    if scope.everything:
        latest = (
            InspectionRecord.objects.order_by("-inspected_on")
            .values_list("target_path", flat=True)
            .first()
        )
        path = latest.split("/")[0] + "/" if latest else None
    elif scope.paths:
        path = min(scope.paths, key=len)
    elif scope.unit_paths:
        path = min(scope.unit_paths, key=len)
    return Jurisdiction.objects.filter(path=path).first() if path else None


def latest_day(user: Any, jurisdiction: Jurisdiction, *, on_or_before: dt.date) -> dt.date | None:
    """The latest day with an inspection the user may see (a bulletin defaults to it)."""
    return (
        record_list(user=user, jurisdiction=jurisdiction.code, date_to=on_or_before)
        .order_by("-inspected_on")
        .values_list("inspected_on", flat=True)
        .first()
    )


DIRECT = ""  # the child key of rows that belong to the jurisdiction itself (本级)


def child_key(jurisdiction: Jurisdiction, path_field: str) -> tuple[Any, dict[str, Jurisdiction]]:
    """An SQL expression giving the code of the child of ``jurisdiction`` that a row's path
    falls under ("" for rows of the jurisdiction itself), and the current children by code.
    Children of one parent share a code length (6 digits for cities and counties, 9 for
    townships, +3 for communities and grids)."""
    children = {j.code: j for j in Jurisdiction.objects.filter(parent=jurisdiction).current()}
    return child_expr(jurisdiction, children, path_field), children


def child_expr(
    jurisdiction: Jurisdiction, children: dict[str, Jurisdiction], path_field: str
) -> Any:
    """The child-code expression of ``child_key`` for another path field (children known)."""
    length = max((len(c) for c in children), default=20)
    return Substr(path_field, len(jurisdiction.path) + 1, length)


def direct_label(jurisdiction: Jurisdiction) -> str:
    return _("%(name)s (directly)") % {"name": jurisdiction.name}


def with_direct(
    jurisdiction: Jurisdiction, children: dict[str, Jurisdiction], found: Any
) -> list[tuple[str, str]]:
    """(key, label) of the rows to show: every child, plus 本级 when it has data."""
    rows = [(code, child.name) for code, child in children.items()]
    if DIRECT in found:
        rows.insert(0, (DIRECT, direct_label(jurisdiction)))
    return rows


def _url(name: str, **params: Any) -> str:
    query = urlencode({k: v for k, v in params.items() if v not in (None, "")})
    return f"{reverse(name)}?{query}"


@dataclass
class Row:
    key: str
    label: str
    count: int
    average: Decimal | None
    passed: int
    url: str
    rank: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class ScoreSummary:
    jurisdiction: Jurisdiction
    start: dt.date
    end: dt.date
    target_type: str | None
    count: int
    average: Decimal | None
    passed: int
    url: str
    by_type: list[Row]
    by_child: list[Row]
    distribution: list[Row]


def _avg(value: Any) -> Decimal | None:
    return None if value is None else Decimal(value).quantize(TWO)


def _records(
    user: Any, jurisdiction: Jurisdiction, start: dt.date, end: dt.date, target_type: str | None
) -> QuerySet[InspectionRecord]:
    return record_list(
        user=user,
        jurisdiction=jurisdiction.code,
        date_from=start,
        date_to=end,
        target_type=target_type,
    ).order_by()


def score_summary(
    *,
    user: Any,
    jurisdiction: Jurisdiction,
    start: dt.date,
    end: dt.date,
    target_type: str | None = None,
) -> ScoreSummary:
    """Average score (percent), count and passes: overall, by target type, by child
    jurisdiction (ranked) and by score band (bands from the policy)."""
    qs = _records(user, jurisdiction, start, end, target_type)
    common = {
        "date_from": start.isoformat(),
        "date_to": end.isoformat(),
        "target_type": target_type,
    }
    totals = qs.aggregate(n=Count("pk"), avg=Avg("percent"), ok=Count("pk", filter=Q(passed=True)))
    labels = dict(TargetType.choices)
    by_type = [
        Row(
            key=r["target_type"],
            label=str(labels.get(r["target_type"], r["target_type"])),
            count=r["n"],
            average=_avg(r["avg"]),
            passed=r["ok"],
            url=_url(
                "inspections:record_list",
                jurisdiction=jurisdiction.code,
                **(common | {"target_type": r["target_type"]}),
            ),
        )
        for r in qs.values("target_type")
        .annotate(n=Count("pk"), avg=Avg("percent"), ok=Count("pk", filter=Q(passed=True)))
        .order_by("target_type")
    ]
    expr, children = child_key(jurisdiction, "target_path")
    grouped = {
        r["child"]: r
        for r in qs.annotate(child=expr)
        .values("child")
        .annotate(n=Count("pk"), avg=Avg("percent"), ok=Count("pk", filter=Q(passed=True)))
    }
    by_child = [
        Row(
            key=code,
            label=label,
            count=grouped.get(code, {}).get("n", 0),
            average=_avg(grouped.get(code, {}).get("avg")),
            passed=grouped.get(code, {}).get("ok", 0),
            url=_url(
                "inspections:record_list",
                jurisdiction=code or jurisdiction.code,
                direct="" if code else "1",
                **common,
            ),
        )
        for code, label in with_direct(jurisdiction, children, grouped)
    ]
    ranks = competition_rank([(r.key, r.average) for r in by_child])
    for r in by_child:
        r.rank = ranks[r.key]
    by_child.sort(key=lambda r: (r.rank is None, r.rank or 0, r.key))
    bands = inspection_policy(end).score_bands
    edges = [None, *bands, None]
    conditions: dict[str, Any] = {}
    distribution = []
    for i in range(len(edges) - 1):
        low, high = edges[i], edges[i + 1]
        q = Q()
        if low is not None:
            q &= Q(percent__gte=low)
        if high is not None:
            q &= Q(percent__lt=high)
        key = f"b{i}"
        conditions[key] = Count("pk", filter=q) if q else Count("pk")
        label = f"<{high}" if low is None else (f"≥{low}" if high is None else f"{low}–{high}")
        distribution.append(
            Row(
                key=key,
                label=label,
                count=0,
                average=None,
                passed=0,
                url=_url(
                    "inspections:record_list",
                    jurisdiction=jurisdiction.code,
                    percent_min=low,
                    percent_below=high,
                    **common,
                ),
            )
        )
    band_counts = qs.aggregate(**conditions)
    for row in distribution:
        row.count = band_counts[row.key]
    return ScoreSummary(
        jurisdiction=jurisdiction,
        start=start,
        end=end,
        target_type=target_type,
        count=totals["n"],
        average=_avg(totals["avg"]),
        passed=totals["ok"],
        url=_url("inspections:record_list", jurisdiction=jurisdiction.code, **common),
        by_type=by_type,
        by_child=by_child,
        distribution=distribution,
    )


@dataclass
class AssessmentRow:
    code: str
    name: str
    records: int
    occurrences: int
    deductions: Decimal
    score: Decimal | None  # None: no inspection this month (never a fake full mark)
    rank: int | None
    url: str


@dataclass
class MonthlyAssessment:
    jurisdiction: Jurisdiction
    month: dt.date
    base_score: int
    target_type: str | None
    rows: list[AssessmentRow]


def monthly_assessment(
    *, user: Any, jurisdiction: Jurisdiction, month: dt.date, target_type: str | None = None
) -> MonthlyAssessment:
    """The month's assessment of each child jurisdiction: the base score (policy) minus the
    sum of all deductions of the month's inspections under it (document 001: 每缺一项扣2分,
    计入月度考核), ranked best first."""
    start, end = month_bounds(month)
    base = inspection_policy(end).assessment_base_score
    qs = _records(user, jurisdiction, start, end, target_type)
    expr, children = child_key(jurisdiction, "target_path")
    grouped = {
        r["child"]: r
        for r in qs.annotate(child=expr)
        .values("child")
        .annotate(
            n=Count("pk", distinct=True),
            ded=Sum("deductions"),
        )
    }
    occurrences = {
        r["child"]: r["occ"]
        for r in qs.filter(results__deduction__gt=0)
        .annotate(child=expr)
        .values("child")
        .annotate(occ=Sum("results__occurrences"))
    }
    rows = []
    for code, name in with_direct(jurisdiction, children, grouped):
        g = grouped.get(code)
        deductions = Decimal(g["ded"] or 0) if g else Decimal(0)
        rows.append(
            AssessmentRow(
                code=code,
                name=name,
                records=g["n"] if g else 0,
                occurrences=int(occurrences.get(code) or 0),
                deductions=deductions,
                score=(Decimal(base) - deductions) if g else None,
                rank=None,
                url=_url(
                    "inspections:record_list",
                    jurisdiction=code or jurisdiction.code,
                    direct="" if code else "1",
                    date_from=start.isoformat(),
                    date_to=end.isoformat(),
                    target_type=target_type,
                    with_deductions="1",
                ),
            )
        )
    ranks = competition_rank([(r.code, r.score) for r in rows])
    for r in rows:
        r.rank = ranks[r.code]
    rows.sort(key=lambda r: (r.rank is None, r.rank or 0, r.code))
    return MonthlyAssessment(
        jurisdiction=jurisdiction,
        month=start,
        base_score=base,
        target_type=target_type,
        rows=rows,
    )
