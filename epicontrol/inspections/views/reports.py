"""Scores and rankings, the monthly assessment, and the bulletin (督查专报)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from epicontrol.inspections.bulletins import bulletin as build_bulletin
from epicontrol.inspections.choices import TargetType
from epicontrol.inspections.forms import parse_day
from epicontrol.inspections.rankings import (
    latest_day,
    month_bounds,
    monthly_assessment,
    score_summary,
)
from epicontrol.inspections.selectors import record_list

from .common import report_jurisdiction
from .printing import pdf_response


def _month(raw: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(f"{raw}-01") if raw else None
    except ValueError:
        return None


def _latest_month(request: HttpRequest, code: str) -> dt.date:
    """The current month, or the latest month with an inspection the user may see."""
    today = timezone.localdate()
    latest = (
        record_list(user=request.user, jurisdiction=code, date_to=today)
        .order_by("-inspected_on")
        .values_list("inspected_on", flat=True)
        .first()
    )
    return (latest or today).replace(day=1)


@require_GET
@login_required
def scores(request: HttpRequest) -> HttpResponse:
    """Averages, distribution and the ranking of the child jurisdictions for a period."""
    j = report_jurisdiction(request)
    start = parse_day(request.GET.get("date_from"))
    end = parse_day(request.GET.get("date_to"))
    if start is None or end is None:
        start, end = month_bounds(_latest_month(request, j.code))
    target_type = request.GET.get("target_type") or None
    summary = score_summary(
        user=request.user, jurisdiction=j, start=start, end=end, target_type=target_type
    )
    top = max((r.count for r in summary.distribution), default=0) or 1
    return render(
        request,
        "inspections/scores.html",
        {
            "summary": summary,
            "j": j,
            "target_types": TargetType.choices,
            "bar_max": top,
            "breadcrumb": j.ancestors(),
        },
    )


@require_GET
@login_required
def assessment(request: HttpRequest) -> HttpResponse:
    """The monthly assessment: base score minus the month's deductions (document 001)."""
    j = report_jurisdiction(request)
    month = _month(request.GET.get("month")) or _latest_month(request, j.code)
    result = monthly_assessment(
        user=request.user,
        jurisdiction=j,
        month=month,
        target_type=request.GET.get("target_type") or None,
    )
    return render(
        request,
        "inspections/assessment.html",
        {"result": result, "j": j, "target_types": TargetType.choices, "breadcrumb": j.ancestors()},
    )


def _bulletin_period(request: HttpRequest, code: str) -> tuple[dt.date, dt.date, bool]:
    """``?day=``, or ``?date_from=&date_to=``, or ``?month=``; by default the latest day with an
    inspection (today when there is one). Returns (start, end, defaulted)."""
    g = request.GET
    day = parse_day(g.get("day"))
    if day:
        return day, day, False
    start, end = parse_day(g.get("date_from")), parse_day(g.get("date_to"))
    if start and end:
        return start, end, False
    month = _month(g.get("month"))
    if month:
        first, last = month_bounds(month)
        return first, last, False
    today = timezone.localdate()
    return today, today, True


def _bulletin(request: HttpRequest) -> dict[str, Any]:
    j = report_jurisdiction(request)
    start, end, defaulted = _bulletin_period(request, j.code)
    if defaulted:
        latest = latest_day(request.user, j, on_or_before=end)
        if latest is not None:
            start = end = latest
    return {
        "b": build_bulletin(user=request.user, jurisdiction=j, start=start, end=end),
        "j": j,
        "defaulted": defaulted,
        "breadcrumb": j.ancestors(),
    }


@require_GET
@login_required
def bulletin(request: HttpRequest) -> HttpResponse:
    return render(request, "inspections/bulletin.html", _bulletin(request))


@require_GET
@login_required
def bulletin_pdf(request: HttpRequest) -> HttpResponse:
    context = _bulletin(request)
    b = context["b"]
    return pdf_response(
        request,
        "inspections/bulletin_print.html",
        context,
        filename=f"bulletin-{b.jurisdiction.code}-{b.start}-{b.end}.pdf",
    )
