"""The on-site checklist (phone-first, one item per card), records and their corrections."""

from __future__ import annotations

import json
import uuid
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from epicontrol.core.errors import DomainError
from epicontrol.inspections import selectors
from epicontrol.inspections.choices import Outcome, Severity, TargetType, TaskStatus
from epicontrol.inspections.forms import parse_day
from epicontrol.inspections.models import ChecklistTemplate
from epicontrol.inspections.permissions import is_group_member, is_inspecting_side
from epicontrol.inspections.scoring import Rule
from epicontrol.inspections.services.records import (
    PhotoInput,
    ProblemInput,
    ResultInput,
    record_correct,
    record_submit,
)

from .common import capped_page, flag, list_template, not_found_as_404, querystring_base

PROBLEM_ROWS = 3


def _decimal(raw: str | None) -> Decimal | None:
    if raw in (None, ""):
        return None
    try:
        value = Decimal(str(raw))
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def item_rows(template: ChecklistTemplate, values: dict[str, ResultInput]) -> list[dict[str, Any]]:
    """What the checklist page shows for each item, with the values entered so far."""
    rows = []
    for item in template.items.all():
        rule = Rule.parse(item.rule)
        entry = values.get(item.code)
        whole = rule.points == rule.points.to_integral_value() and rule.points <= 10
        rows.append(
            {
                "item": item,
                "kind": rule.kind,
                "points": rule.points,
                "fail_below": rule.fail_below,
                "per_occurrence": rule.per_occurrence,
                "scale_options": [str(i) for i in range(int(rule.points) + 1)] if whole else [],
                "rule_json": json.dumps(rule.as_dict() | {"veto": item.veto}),
                "outcome": entry.outcome if entry else None,
                "value": "" if not entry or entry.value is None else str(entry.value.normalize()),
                "occurrences": entry.occurrences if entry else 0,
                "note": entry.note if entry else "",
                "on_spot": entry.rectified_on_spot if entry else False,
            }
        )
    return rows


def parse_results(post: Any, template: ChecklistTemplate) -> list[ResultInput]:
    """Results from the checklist form. Unanswered items are left out (the service names
    them in ``record.incomplete``)."""
    results = []
    for item in template.items.all():
        code = item.code
        kind = Rule.parse(item.rule).kind
        outcome = post.get(f"r_{code}") or None
        common = {
            "note": post.get(f"n_{code}", ""),
            "rectified_on_spot": post.get(f"s_{code}") == "1",
        }
        if outcome == Outcome.NOT_APPLICABLE:
            results.append(ResultInput(item_code=code, outcome=outcome, **common))
        elif kind == "pass_fail":
            if outcome in (Outcome.PASS, Outcome.FAIL):
                results.append(ResultInput(item_code=code, outcome=outcome, **common))
        elif kind == "scale":
            value = _decimal(post.get(f"v_{code}"))
            if value is not None:
                results.append(ResultInput(item_code=code, value=value, **common))
        else:
            try:
                occurrences = max(0, int(post.get(f"o_{code}") or 0))
            except ValueError:
                occurrences = -1  # refused by the score rule with record.invalid_item_result
            results.append(ResultInput(item_code=code, occurrences=occurrences, **common))
    return results


def parse_problems(post: Any) -> list[ProblemInput]:
    problems = []
    for i in range(PROBLEM_ROWS):
        text = (post.get(f"problem_{i}") or "").strip()
        if text:
            severity = post.get(f"problem_severity_{i}") or Severity.MEDIUM
            problems.append(
                ProblemInput(
                    description=text,
                    severity=severity,
                    rectified_on_spot=post.get(f"problem_on_spot_{i}") == "1",
                )
            )
    return problems


def parse_photos(request: HttpRequest, template: ChecklistTemplate) -> list[PhotoInput]:
    lat, lng = _decimal(request.POST.get("latitude")), _decimal(request.POST.get("longitude"))
    if lat is None or lng is None or not (-90 <= lat <= 90 and -180 <= lng <= 180):
        lat = lng = None
    return [
        PhotoInput(upload=f, item_code=item.code, latitude=lat, longitude=lng)
        for item in template.items.all()
        for f in request.FILES.getlist(f"p_{item.code}")
    ]


def _client_id(raw: str | None) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(raw))
    except ValueError:
        return None


def _checklist_context(
    template: ChecklistTemplate,
    entries: list[ResultInput],
    post: Any,
    client_id: str,
    record: Any = None,
) -> dict[str, Any]:
    post = post or {}
    return {
        "rows": item_rows(template, {e.item_code: e for e in entries}),
        "template": template,
        "client_id": client_id,
        "problem_rows": range(PROBLEM_ROWS),
        "severities": Severity.choices,
        "record": record,
        "latitude": post.get("latitude", ""),
        "longitude": post.get("longitude", ""),
        "persons_present": post.get("persons_present", record.persons_present if record else ""),
        "notes": post.get("notes", record.notes if record else ""),
        "reason": post.get("reason", ""),
    }


@require_http_methods(["GET", "POST"])
@login_required
@not_found_as_404
def inspect(request: HttpRequest, pk: int) -> HttpResponse:
    """Fill the checklist of a task on site and submit it (idempotent on the page's client id)."""
    task = selectors.task_get(user=request.user, pk=pk)
    if task.status != TaskStatus.PLANNED or not is_group_member(
        request.user, group_id=task.group_id
    ):
        record = task.records.filter(is_current=True).first()
        if record is not None and request.method == "POST":
            # A resent form whose first copy got through: show what was stored.
            cid = _client_id(request.POST.get("client_id"))
            if cid is not None and record.client_id == cid:
                return redirect("inspections:record_detail", pk=record.pk)
        messages.error(request, _("This inspection cannot be recorded here."))
        return redirect("inspections:task_detail", pk=task.pk)
    entries: list[ResultInput] = []
    client_id = str(uuid.uuid4())
    status = 200
    if request.method == "POST":
        entries = parse_results(request.POST, task.template)
        cid = _client_id(request.POST.get("client_id"))
        client_id = str(cid or client_id)
        try:
            if cid is None:
                raise DomainError(_("The form lost its submission id; please submit again."))
            record, created = record_submit(
                actor=request.user,
                task=task,
                client_id=cid,
                results=entries,
                problems=parse_problems(request.POST),
                persons_present=request.POST.get("persons_present", ""),
                notes=request.POST.get("notes", ""),
                latitude=_decimal(request.POST.get("latitude")),
                longitude=_decimal(request.POST.get("longitude")),
                photos=parse_photos(request, task.template),
            )
        except DomainError as exc:
            missing = exc.details.get("items") if exc.code == "record.incomplete" else None
            messages.error(request, exc.message + (f" ({', '.join(missing)})" if missing else ""))
            status = exc.status if 400 <= exc.status < 500 else 400
        else:
            if created:
                messages.success(request, _("Inspection recorded."))
            return redirect("inspections:record_detail", pk=record.pk)
    context = _checklist_context(task.template, entries, request.POST, client_id)
    context |= {"task": task}
    return render(request, "inspections/inspect.html", context, status=status)


@require_GET
@login_required
def record_list(request: HttpRequest) -> HttpResponse:
    g = request.GET
    qs = selectors.record_list(
        user=request.user,
        jurisdiction=g.get("jurisdiction") or None,
        date_from=parse_day(g.get("date_from")),
        date_to=parse_day(g.get("date_to")),
        target_type=g.get("target_type") or None,
        group=int(g["group"]) if (g.get("group") or "").isdigit() else None,
        passed=flag(g.get("passed")),
        percent_min=_decimal(g.get("percent_min")),
        percent_below=_decimal(g.get("percent_below")),
        with_deductions=g.get("with_deductions") == "1",
        direct=g.get("direct") == "1",
    )
    page = capped_page(request, qs)
    template = list_template(request, "inspections/record_list.html")
    return render(
        request,
        template,
        {
            "page": page,
            "querystring_base": querystring_base(request),
            "filters": g,
            "target_types": TargetType.choices,
        },
    )


@require_GET
@login_required
@not_found_as_404
def record_detail(request: HttpRequest, pk: int) -> HttpResponse:
    record = selectors.record_get(user=request.user, pk=pk)
    findings = selectors.finding_list(user=request.user).filter(record__task_id=record.task_id)
    return render(
        request,
        "inspections/record_detail.html",
        {
            "record": record,
            "results": selectors.record_results(record),
            "photos": selectors.record_photos(record),
            "findings": findings,
            "versions": selectors.record_versions(user=request.user, record=record),
            "accountability": selectors.accountability_list(user=request.user, record=record.pk),
            "can_correct": record.is_current
            and is_inspecting_side(
                request.user, group_id=record.group_id, command_path=record.command_path
            ),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
@not_found_as_404
def record_correct_view(request: HttpRequest, pk: int) -> HttpResponse:
    """A correction is a new version of the record (the submitted one is never changed)."""
    record = selectors.record_get(user=request.user, pk=pk)
    if not record.is_current or not is_inspecting_side(
        request.user, group_id=record.group_id, command_path=record.command_path
    ):
        messages.error(request, _("This record cannot be corrected."))
        return redirect("inspections:record_detail", pk=record.pk)
    entries = [
        ResultInput(
            item_code=r.item.code,
            outcome=r.outcome
            if r.outcome == "na" or r.item.rule.get("kind") == "pass_fail"
            else None,
            value=r.value,
            occurrences=r.occurrences,
            note=r.note,
            rectified_on_spot=r.rectified_on_spot,
        )
        for r in selectors.record_results(record)
    ]
    client_id = str(uuid.uuid4())
    status = 200
    if request.method == "POST":
        entries = parse_results(request.POST, record.template)
        cid = _client_id(request.POST.get("client_id"))
        client_id = str(cid or client_id)
        try:
            if cid is None:
                raise DomainError(_("The form lost its submission id; please submit again."))
            new, _created = record_correct(
                actor=request.user,
                record=record,
                client_id=cid,
                results=entries,
                reason=request.POST.get("reason", ""),
                problems=parse_problems(request.POST),
                persons_present=request.POST.get("persons_present", record.persons_present),
                notes=request.POST.get("notes", record.notes),
                photos=parse_photos(request, record.template),
            )
        except DomainError as exc:
            messages.error(request, exc.message)
            status = exc.status if 400 <= exc.status < 500 else 400
        else:
            messages.success(request, _("Correction saved as version %(v)s.") % {"v": new.version})
            return redirect("inspections:record_detail", pk=new.pk)
    context = _checklist_context(
        record.template, entries, request.POST or None, client_id, record=record
    )
    context |= {"task": record.task, "correcting": True}
    return render(request, "inspections/inspect.html", context, status=status)
