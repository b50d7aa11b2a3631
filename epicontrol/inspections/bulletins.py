"""The supervision bulletin (督查专报) of a jurisdiction for a day or a period, from the records.

Figures: places inspected, inspections, problems found, rectified on the spot (立行立改),
rectified by the deadline, closed (销号), pending, overdue, accountability; broken down by
child jurisdiction, severity and problem category, with the overdue list. Statuses are those at
generation time. Each figure links to the records or findings behind it. A province-month is a
handful of aggregate queries (target ≤ 1 s at 20,000 inspections / 60,000 findings).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.db.models import Avg, Count, F, Q
from django.urls import reverse
from django.utils import timezone

from epicontrol.jurisdictions.models import Jurisdiction

from .choices import OPEN_STATUSES, UNRESOLVED_STATUSES, FindingStatus, Severity
from .models import Accountability, Finding
from .rankings import child_expr, child_key, competition_rank, with_direct
from .selectors import accountability_list, finding_list, record_list

TWO = Decimal("0.01")


def _url(name: str, **params: Any) -> str:
    query = urlencode({k: v for k, v in params.items() if v not in (None, "")})
    return f"{reverse(name)}?{query}"


@dataclass
class Figure:
    key: str
    value: int | Decimal | None
    url: str


@dataclass
class ChildRow:
    code: str
    name: str
    inspections: int
    places: int
    average: Decimal | None
    rank: int | None
    problems: int
    on_spot: int
    closed: int
    unresolved: int
    overdue: int
    records_url: str
    findings_url: str


@dataclass
class Bulletin:
    jurisdiction: Jurisdiction
    start: dt.date
    end: dt.date
    generated_at: dt.datetime
    figures: dict[str, Figure]
    by_child: list[ChildRow]
    by_severity: list[tuple[str, str, int, str]]
    categories: list[tuple[str, int, str]]
    overdue: list[Finding]
    accountability: list[Accountability]

    @property
    def is_day(self) -> bool:
        return self.start == self.end


def bulletin(*, user: Any, jurisdiction: Jurisdiction, start: dt.date, end: dt.date) -> Bulletin:
    """Build the bulletin of ``jurisdiction`` for ``start``…``end`` (inclusive), scoped to
    ``user`` (a county officer's bulletin only counts what they may see)."""
    code = jurisdiction.code
    period = {"date_from": start.isoformat(), "date_to": end.isoformat()}
    found = {"found_from": start.isoformat(), "found_to": end.isoformat()}
    records = record_list(
        user=user, jurisdiction=jurisdiction, date_from=start, date_to=end
    ).order_by()
    rec = records.aggregate(
        n=Count("pk"),
        places=Count("target_key", distinct=True),
        avg=Avg("percent"),
        passed=Count("pk", filter=Q(passed=True)),
    )
    findings = (
        finding_list(user=user, jurisdiction=jurisdiction, found_from=start, found_to=end)
        .exclude(status=FindingStatus.WITHDRAWN)
        .order_by()
    )
    on_time = Q(
        status__in=(FindingStatus.SUBMITTED, FindingStatus.CLOSED),
        submitted_on__isnull=False,
        submitted_on__lte=F("deadline"),
    )
    conditions = {
        "n": Count("pk"),
        "on_spot": Count("pk", filter=Q(status=FindingStatus.RECTIFIED_ON_SPOT)),
        "on_time": Count("pk", filter=on_time),
        "closed": Count("pk", filter=Q(status=FindingStatus.CLOSED)),
        "unresolved": Count("pk", filter=Q(status__in=UNRESOLVED_STATUSES)),
        "overdue": Count("pk", filter=Q(status__in=OPEN_STATUSES, is_overdue=True)),
    } | {f"sev_{s}": Count("pk", filter=Q(severity=s)) for s in Severity.values}
    fin = findings.aggregate(**conditions)
    acc = accountability_list(user=user, jurisdiction=jurisdiction, date_from=start, date_to=end)
    acc_rows = list(acc[:50])
    acc_count = acc.order_by().count() if len(acc_rows) == 50 else len(acc_rows)
    fl = "inspections:finding_list"
    figures = {
        "places": Figure(
            "places", rec["places"], _url("inspections:record_list", jurisdiction=code, **period)
        ),
        "inspections": Figure(
            "inspections", rec["n"], _url("inspections:record_list", jurisdiction=code, **period)
        ),
        "average": Figure(
            "average",
            None if rec["avg"] is None else Decimal(rec["avg"]).quantize(TWO),
            _url("inspections:record_list", jurisdiction=code, **period),
        ),
        "passed": Figure(
            "passed",
            rec["passed"],
            _url("inspections:record_list", jurisdiction=code, passed="1", **period),
        ),
        "problems": Figure("problems", fin["n"], _url(fl, jurisdiction=code, **found)),
        "on_spot": Figure(
            "on_spot",
            fin["on_spot"],
            _url(fl, jurisdiction=code, status=FindingStatus.RECTIFIED_ON_SPOT, **found),
        ),
        "on_time": Figure(
            "on_time", fin["on_time"], _url(fl, jurisdiction=code, on_time="1", **found)
        ),
        "closed": Figure(
            "closed",
            fin["closed"],
            _url(fl, jurisdiction=code, status=FindingStatus.CLOSED, **found),
        ),
        "pending": Figure(
            "pending",
            fin["unresolved"] - fin["overdue"],
            _url(fl, jurisdiction=code, status="unresolved", overdue="0", **found),
        ),
        "overdue": Figure(
            "overdue", fin["overdue"], _url(fl, jurisdiction=code, overdue="1", **found)
        ),
        "accountability": Figure(
            "accountability",
            acc_count,
            _url("inspections:accountability_list", jurisdiction=code, **period),
        ),
    }
    severity_labels = dict(Severity.choices)
    by_severity = [
        (
            s,
            str(severity_labels[s]),
            fin[f"sev_{s}"],
            _url(fl, jurisdiction=code, severity=s, **found),
        )
        for s in Severity.values
    ]
    categories = [
        (r["category"] or "—", r["n"], _url(fl, jurisdiction=code, **found))
        for r in findings.values("category").annotate(n=Count("pk")).order_by("-n", "category")[:10]
    ]
    by_child = _by_child(
        records=records, findings=findings, jurisdiction=jurisdiction, period=period, found=found
    )
    overdue = list(
        finding_list(user=user, jurisdiction=code, found_from=start, found_to=end, overdue=True)
        .select_related("escalated_to")
        .order_by("deadline", "id")[:20]
    )
    return Bulletin(
        jurisdiction=jurisdiction,
        start=start,
        end=end,
        generated_at=timezone.now(),
        figures=figures,
        by_child=by_child,
        by_severity=by_severity,
        categories=categories,
        overdue=overdue,
        accountability=acc_rows,
    )


def _by_child(
    *,
    records: Any,
    findings: Any,
    jurisdiction: Jurisdiction,
    period: dict[str, str],
    found: dict[str, str],
) -> list[ChildRow]:
    rec_expr, children = child_key(jurisdiction, "target_path")
    rec = {
        r["child"]: r
        for r in records.annotate(child=rec_expr)
        .values("child")
        .annotate(n=Count("pk"), places=Count("target_key", distinct=True), avg=Avg("percent"))
    }
    fin_expr = child_expr(jurisdiction, children, "responsible_path")
    fin = {
        r["child"]: r
        for r in findings.annotate(child=fin_expr)
        .values("child")
        .annotate(
            n=Count("pk"),
            on_spot=Count("pk", filter=Q(status=FindingStatus.RECTIFIED_ON_SPOT)),
            closed=Count("pk", filter=Q(status=FindingStatus.CLOSED)),
            unresolved=Count("pk", filter=Q(status__in=UNRESOLVED_STATUSES)),
            overdue=Count("pk", filter=Q(status__in=OPEN_STATUSES, is_overdue=True)),
        )
    }
    rows = []
    for code, name in with_direct(jurisdiction, children, rec | fin):
        r, f = rec.get(code, {}), fin.get(code, {})
        avg = r.get("avg")
        where = code or jurisdiction.code
        direct = "" if code else "1"
        rows.append(
            ChildRow(
                code=code,
                name=name,
                inspections=r.get("n", 0),
                places=r.get("places", 0),
                average=None if avg is None else Decimal(avg).quantize(TWO),
                rank=None,
                problems=f.get("n", 0),
                on_spot=f.get("on_spot", 0),
                closed=f.get("closed", 0),
                unresolved=f.get("unresolved", 0),
                overdue=f.get("overdue", 0),
                records_url=_url(
                    "inspections:record_list", jurisdiction=where, direct=direct, **period
                ),
                findings_url=_url(
                    "inspections:finding_list", jurisdiction=where, direct=direct, **found
                ),
            )
        )
    ranks = competition_rank([(r.code, r.average) for r in rows])
    for row in rows:
        row.rank = ranks[row.code]
    return rows
