"""Pages: the current list, a county's history, and the override propose / decide pages."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from epicontrol.core.errors import DomainError, NotFound
from epicontrol.core.models import PolicyVersion

from . import selectors, services
from .choices import SEVERITY, OverrideStatus, RiskLevelCode, band_of
from .forms import ComputeForm, DecisionForm, ListFilterForm, ProposeForm
from .permissions import can_compute
from .policy import DOMAIN
from .reasons import reason_lines, rule_text


def _scheme_choices() -> list[tuple[str, str]]:
    return list(
        PolicyVersion.objects.filter(domain=DOMAIN)
        .order_by("effective_from", "code")
        .values_list("code", "name")
    )


@require_GET
@login_required
def level_list(request: HttpRequest) -> HttpResponse:
    form = ListFilterForm(request.GET or None, schemes=_scheme_choices())
    data: dict[str, Any] = form.cleaned_data if form.is_valid() else {}
    day: dt.date = data.get("date") or timezone.localdate()
    try:
        result = selectors.risk_level_list(
            user=request.user,
            parent_code=data.get("parent") or None,
            day=day,
            level=data.get("level") or None,
            scheme=data.get("scheme") or None,
        )
    except NotFound:
        raise Http404 from None
    rows = [(item, reason_lines(item.reasons), rule_text(item.reasons)) for item in result.items]
    level_counts = [
        (lv, selectors.level_label(lv), band_of(lv), n)
        for lv, n in sorted(result.by_level.items(), key=lambda p: -SEVERITY[RiskLevelCode(p[0])])
    ]
    parent_code = result.parent.code if result.parent else ""
    context = {
        "form": form,
        "result": result,
        "rows": rows,
        "level_counts": level_counts,
        "parent_code": parent_code,
        "can_compute": can_compute(request.user, result.parent),
        "compute_form": ComputeForm(initial={"date": day, "parent": parent_code}),
        "latest_day": selectors.latest_computed_day(user=request.user),
        "breadcrumb": result.parent.ancestors() if result.parent else [],
    }
    template = "riskareas/list.html#results" if request.htmx else "riskareas/list.html"  # type: ignore[attr-defined]
    return render(request, template, context)


@require_POST
@login_required
def compute(request: HttpRequest) -> HttpResponse:
    form = ComputeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give a valid date."))
        return redirect("riskareas:list")
    day: dt.date = form.cleaned_data["date"]
    parent = form.cleaned_data.get("parent") or None
    try:
        result = services.risk_levels_compute(actor=request.user, day=day, root_code=parent)
    except DomainError as exc:
        messages.error(request, _(exc.message))
    else:
        messages.success(
            request,
            _("%(day)s: %(n)d counties computed, %(changes)d designation changes.")
            % {"day": day.isoformat(), "n": result.counties, "changes": result.changes},
        )
    query = urlencode({"parent": parent or "", "date": day.isoformat()})
    return redirect(f"{reverse('riskareas:list')}?{query}")


@require_GET
@login_required
def county_detail(request: HttpRequest, code: str) -> HttpResponse:
    try:
        history = selectors.county_history(user=request.user, code=code)
    except NotFound:
        raise Http404 from None
    context = {
        "h": history,
        "current_reasons": reason_lines(history.current.reasons),
        "current_rule": rule_text(history.current.reasons),
        "assessments": [(a, reason_lines(a.reasons)) for a in history.assessments],
        "breadcrumb": history.county.ancestors(),
    }
    return render(request, "riskareas/county.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def override_propose(request: HttpRequest, code: str) -> HttpResponse:
    try:
        history = selectors.county_history(user=request.user, code=code)
    except NotFound:
        raise Http404 from None
    form = ProposeForm(
        request.POST or None,
        levels=history.levels,
        initial={"requested_from": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        try:
            override = services.risk_override_propose(
                actor=request.user,
                county_code=code,
                level=form.cleaned_data["level"],
                reason=form.cleaned_data["reason"],
                requested_from=form.cleaned_data["requested_from"],
            )
        except DomainError as exc:
            field = exc.field if exc.field in form.fields else None
            form.add_error(field, _(exc.message))
        else:
            messages.success(request, _("Override proposed; it takes effect once approved."))
            return redirect("riskareas:override", pk=override.pk)
    context = {"h": history, "form": form, "breadcrumb": history.county.ancestors()}
    return render(request, "riskareas/propose.html", context)


@require_GET
@login_required
def override_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status") or None
    if status not in (None, *OverrideStatus.values):
        status = None
    qs = selectors.override_list(user=request.user, status=status)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "status": status or "",
        "statuses": OverrideStatus.choices,
        "querystring_base": urlencode({"status": status}) + "&" if status else "",
    }
    return render(request, "riskareas/override_list.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def override_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        override = selectors.override_get(user=request.user, pk=pk)
    except NotFound:
        raise Http404 from None
    form = DecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        action, note = form.cleaned_data["action"], form.cleaned_data["note"]
        try:
            if action == "approve":
                services.risk_override_approve(actor=request.user, override=override, note=note)
                messages.success(request, _("Override approved."))
            elif action == "reject":
                services.risk_override_reject(actor=request.user, override=override, note=note)
                messages.success(request, _("Override rejected."))
            elif action == "withdraw":
                services.risk_override_withdraw(actor=request.user, override=override)
                messages.success(request, _("Proposal withdrawn."))
            else:
                services.risk_override_lift(actor=request.user, override=override, reason=note)
                messages.success(request, _("Override lifted."))
        except DomainError as exc:
            messages.error(request, _(exc.message))
        return redirect("riskareas:override", pk=override.pk)
    context = {
        "o": override,
        "actions": selectors.override_actions(user=request.user, override=override),
        "breadcrumb": override.jurisdiction.ancestors(),
    }
    return render(request, "riskareas/override_detail.html", context)
