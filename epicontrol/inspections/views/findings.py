"""Findings (交办 → 整改 → 回头看 → 销号), the 交办函, accountability, and photo evidence."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from epicontrol.core.errors import DomainError
from epicontrol.inspections import selectors
from epicontrol.inspections.choices import (
    FindingAction,
    FindingStatus,
    Measure,
    Severity,
    TargetType,
)
from epicontrol.inspections.forms import (
    AccountabilityForm,
    FindingAssignForm,
    NoteForm,
    RectificationForm,
    parse_day,
)
from epicontrol.inspections.models import Finding
from epicontrol.inspections.permissions import is_inspecting_side
from epicontrol.inspections.services.accountability import accountability_create
from epicontrol.inspections.services.findings import allowed_actions, finding_transition
from epicontrol.inspections.services.records import PhotoInput
from epicontrol.jurisdictions.models import Unit

from .common import capped_page, flag, list_template, not_found_as_404, querystring_base
from .printing import pdf_response


@require_GET
@login_required
def finding_list(request: HttpRequest) -> HttpResponse:
    g = request.GET
    qs = selectors.finding_list(
        user=request.user,
        status=g.get("status") or None,
        severity=g.get("severity") or None,
        jurisdiction=g.get("jurisdiction") or None,
        overdue=flag(g.get("overdue")),
        escalated=flag(g.get("escalated")),
        target_type=g.get("target_type") or None,
        record=int(g["record"]) if (g.get("record") or "").isdigit() else None,
        group=int(g["group"]) if (g.get("group") or "").isdigit() else None,
        found_from=parse_day(g.get("found_from")),
        found_to=parse_day(g.get("found_to")),
        on_time=flag(g.get("on_time")),
        direct=g.get("direct") == "1",
    )
    page = capped_page(request, qs)
    template = list_template(request, "inspections/finding_list.html")
    return render(
        request,
        template,
        {
            "page": page,
            "querystring_base": querystring_base(request),
            "filters": g,
            "statuses": FindingStatus.choices,
            "severities": Severity.choices,
            "target_types": TargetType.choices,
        },
    )


def _assign_units(finding: Finding) -> Any:
    return Unit.objects.filter(
        jurisdiction__path__startswith=finding.responsible_path, is_active=True
    ).order_by("name")[:200]


@require_http_methods(["GET", "POST"])
@login_required
@not_found_as_404
def finding_detail(request: HttpRequest, pk: int) -> HttpResponse:
    finding = selectors.finding_get(user=request.user, pk=pk)
    actions = allowed_actions(finding, request.user)
    assign_form = FindingAssignForm(
        initial={"deadline": finding.deadline}, units=_assign_units(finding)
    )
    return render(
        request,
        "inspections/finding_detail.html",
        {
            "finding": finding,
            "events": selectors.finding_events(finding),
            "photos": finding.photos.all(),
            "actions": actions,
            "assign_form": assign_form,
            "note_form": NoteForm(),
            "rectification_form": RectificationForm(),
            "accountability": selectors.accountability_list(user=request.user, finding=finding.pk),
            "accountability_form": AccountabilityForm(),
            "can_hold_accountable": is_inspecting_side(
                request.user, group_id=finding.group_id, command_path=finding.command_path
            ),
        },
    )


@require_POST
@login_required
@not_found_as_404
def finding_act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """One step of the workflow from the finding page; refusals come back as messages."""
    finding = selectors.finding_get(user=request.user, pk=pk)
    kwargs: dict[str, Any] = {}
    if action == FindingAction.ASSIGN:
        form: Any = FindingAssignForm(request.POST, units=_assign_units(finding))
    elif action == FindingAction.SUBMIT:
        form = RectificationForm(request.POST, request.FILES)
    else:
        form = NoteForm(request.POST)
    if not form.is_valid():
        messages.error(request, "; ".join(str(e) for errs in form.errors.values() for e in errs))
        return redirect("inspections:finding_detail", pk=finding.pk)
    d = form.cleaned_data
    if action == FindingAction.ASSIGN:
        kwargs = {
            "deadline": d.get("deadline"),
            "requirements": d.get("requirements") or "",
            "responsible_unit": d.get("responsible_unit"),
        }
    elif action == FindingAction.SUBMIT:
        kwargs = {
            "note": d.get("note") or "",
            "photos": [PhotoInput(upload=f) for f in d.get("photos") or []],
        }
    else:
        kwargs = {"note": d.get("note") or ""}
        if action == FindingAction.REOPEN and d.get("deadline"):
            kwargs["deadline"] = d["deadline"]
    try:
        finding_transition(actor=request.user, finding=finding, action=action, **kwargs)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("inspections:finding_detail", pk=finding.pk)
    messages.success(request, _("Saved."))
    return redirect("inspections:finding_detail", pk=finding.pk)


def _letter_context(request: HttpRequest, pk: int) -> dict[str, Any]:
    finding = selectors.finding_get(user=request.user, pk=pk)
    return {"finding": finding, "record": finding.record, "group": finding.group}


@require_GET
@login_required
@not_found_as_404
def finding_letter(request: HttpRequest, pk: int) -> HttpResponse:
    """The 交办函 (assignment letter) as a printable page."""
    return render(request, "inspections/letter.html", _letter_context(request, pk))


@require_GET
@login_required
@not_found_as_404
def finding_letter_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    context = _letter_context(request, pk)
    return pdf_response(
        request, "inspections/letter_print.html", context, filename=f"jiaobanhan-{pk}.pdf"
    )


@require_GET
@login_required
def accountability_list(request: HttpRequest) -> HttpResponse:
    g = request.GET
    qs = selectors.accountability_list(
        user=request.user,
        jurisdiction=g.get("jurisdiction") or None,
        date_from=parse_day(g.get("date_from")),
        date_to=parse_day(g.get("date_to")),
        measure=g.get("measure") or None,
    )
    page = capped_page(request, qs)
    return render(
        request,
        "inspections/accountability_list.html",
        {
            "page": page,
            "querystring_base": querystring_base(request),
            "filters": g,
            "measures": Measure.choices,
        },
    )


@require_POST
@login_required
@not_found_as_404
def accountability_create_view(request: HttpRequest, pk: int) -> HttpResponse:
    finding = selectors.finding_get(user=request.user, pk=pk)
    form = AccountabilityForm(request.POST)
    if not form.is_valid():
        messages.error(request, "; ".join(str(e) for errs in form.errors.values() for e in errs))
        return redirect("inspections:finding_detail", pk=finding.pk)
    try:
        accountability_create(actor=request.user, finding=finding, **form.cleaned_data)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Accountability recorded."))
    return redirect("inspections:finding_detail", pk=finding.pk)


@require_GET
@login_required
@not_found_as_404
def photo(request: HttpRequest, pk: int) -> FileResponse:
    """A photo, only when what it is evidence for is visible to the user."""
    p = selectors.photo_get(user=request.user, pk=pk)
    response = FileResponse(p.file.open("rb"), content_type=p.content_type)
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response
