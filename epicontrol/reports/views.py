"""Pages: command dashboard, printable daily report, report rows, reconciliation, import,
submission and populations. Thin: parse → selector/service → render."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from epicontrol.core.errors import DomainError, NotFound

from . import presentation, providers, reconciliation, selectors, services
from .choices import DiscrepancyKind
from .forms import DateForm, ImportForm, PopulationForm, ReconciliationForm, SubmitForm
from .indicators import STORED, label
from .selectors import Node

DEFAULT_CURVE_DAYS = 60
DEFAULT_RECONCILIATION_DAYS = 30
RISK_ORDER = {"high": 0, "medium": 1, "low": 2, "": 3}


def _node(request: HttpRequest, code: str) -> Node:
    try:
        return selectors.node_get(user=request.user, code=code)
    except NotFound:
        raise Http404 from None


def _day(request: HttpRequest, node: Node) -> dt.date:
    """The date asked for, else today if it has data, else the latest date with data."""
    form = DateForm(request.GET)
    if form.is_valid() and form.cleaned_data.get("date"):
        day: dt.date = form.cleaned_data["date"]
        return day
    today = timezone.localdate()
    latest = selectors.latest_day_with_data(user=request.user, node=node, on_or_before=today)
    return latest or today


def _htmx(request: HttpRequest) -> bool:
    return bool(getattr(request, "htmx", False))


def _breadcrumb(node: Node) -> list[Any]:
    return node.jurisdiction.ancestors()


@require_GET
@login_required
def dashboard_home(request: HttpRequest) -> HttpResponse:
    node = selectors.home_node(user=request.user)
    if node is None:
        raise Http404
    return redirect("reports:dashboard", code=node.code)


@require_GET
@login_required
def dashboard(request: HttpRequest, code: str) -> HttpResponse:
    node = _node(request, code)
    day = _day(request, node)
    form = DateForm(request.GET)
    days = DEFAULT_CURVE_DAYS
    if form.is_valid() and form.cleaned_data.get("days"):
        days = form.cleaned_data["days"]
    data = selectors.dashboard(user=request.user, node=node, day=day, days=days)
    today = data.today
    risk = (
        None
        if node.is_unit
        else providers.risk_levels(user=request.user, parent_code=node.code, day=day)
    )
    if risk:
        risk = sorted(risk, key=lambda r: (RISK_ORDER.get(r.level, 9), r.code))
    # The risk card already shows the counties' levels; the riskareas counts would repeat it.
    provided = (
        []
        if node.is_unit
        else providers.dashboard_figures(
            user=request.user,
            jurisdiction=node.jurisdiction,
            day=day,
            exclude=(providers.RISKAREAS_APP,) if risk is not None else (),
        )
    )
    discrepancies = reconciliation.reconcile(user=request.user, node=node, start=day, end=day)
    context = {
        "node": node,
        "day": day,
        "previous_day": day - dt.timedelta(days=1),
        "next_day": day + dt.timedelta(days=1),
        "days": days,
        "today": today,
        "cards": presentation.cards(node, today),
        "source_url": presentation.source_url(node, today),
        "rates": list(today.rates.values()),
        "children": [
            {
                "node": child,
                "figures": figures,
                "url": presentation.dashboard_url(child, day),
                "source_url": presentation.source_url(child, figures),
                "cure": figures.rates.get("cure"),
            }
            for child, figures in data.children
        ],
        "curve": presentation.curve_data(data.curve),
        "risk": risk,
        "risk_counts": sorted(
            Counter(r.level for r in risk or []).items(), key=lambda kv: RISK_ORDER.get(kv[0], 9)
        ),
        "risk_alert": [r for r in risk or [] if r.level in ("high", "medium")],
        "risk_labels": providers.RISK_LABELS,
        "provided": provided,
        "discrepancy_count": len(discrepancies),
        "discrepancy_kinds": sorted(Counter(d.kind for d in discrepancies).items()),
        "kind_labels": dict(DiscrepancyKind.choices),
        "can_file": services.can_file(request.user),
        "breadcrumb": _breadcrumb(node),
        "case_list_url": providers.case_list_url(node.code),
    }
    return render(request, "reports/dashboard.html", context)


@require_GET
@login_required
def daily_report(request: HttpRequest, code: str) -> HttpResponse:
    """The printable daily report of a jurisdiction for one date."""
    node = _node(request, code)
    day = _day(request, node)
    data = selectors.dashboard(user=request.user, node=node, day=day, days=1)
    discrepancies = reconciliation.reconcile(user=request.user, node=node, start=day, end=day)
    provided = (
        []
        if node.is_unit
        else providers.dashboard_figures(user=request.user, jurisdiction=node.jurisdiction, day=day)
    )
    context = {
        "node": node,
        "day": day,
        "provided": provided,
        "today": data.today,
        "cards": presentation.cards(node, data.today),
        "rates": list(data.today.rates.values()),
        "children": [
            {"node": c, "figures": f, "cure": f.rates.get("cure")} for c, f in data.children
        ],
        "discrepancies": discrepancies,
        "kind_labels": dict(DiscrepancyKind.choices),
        "indicator_labels": {i.name: i.label for i in STORED},
        "generated_at": timezone.localtime(),
        "breadcrumb": _breadcrumb(node),
    }
    return render(request, "reports/daily_report.html", context)


def _parse_date(value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


@require_GET
@login_required
def report_rows(request: HttpRequest) -> HttpResponse:
    """The stored reports behind a figure (own report and the reports of the units below)."""
    node = _node(request, request.GET["jurisdiction"]) if request.GET.get("jurisdiction") else None
    if node is None:
        home = selectors.home_node(user=request.user)
        if home is None:
            raise Http404
        node = home
    day = _parse_date(request.GET.get("date"))
    below = request.GET.get("below") == "1"
    if node.unit is not None:
        qs = selectors.report_list(user=request.user, day=day).filter(unit=node.unit)
    else:
        qs = selectors.report_list(
            user=request.user, jurisdiction=node.jurisdiction, day=day, children_only=below
        )
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    context = {
        "node": node,
        "day": day,
        "below": below,
        "page": page,
        "indicators": STORED,
        "querystring_base": params.urlencode() + "&" if params else "",
        "breadcrumb": _breadcrumb(node),
    }
    template = "reports/report_rows.html"
    return render(request, f"{template}#results" if _htmx(request) else template, context)


@require_GET
@login_required
def reconciliation_page(request: HttpRequest, code: str) -> HttpResponse:
    node = _node(request, code)
    form = ReconciliationForm(request.GET)
    form.is_valid()
    data = form.cleaned_data if form.is_bound else {}
    end = (
        data.get("end")
        or selectors.latest_day_with_data(
            user=request.user, node=node, on_or_before=timezone.localdate()
        )
        or timezone.localdate()
    )
    start = data.get("start") or end - dt.timedelta(days=DEFAULT_RECONCILIATION_DAYS - 1)
    kinds = {data["kind"]} if data.get("kind") else None
    error = None
    items: list[reconciliation.Discrepancy] = []
    try:
        items = reconciliation.reconcile(
            user=request.user, node=node, start=start, end=end, kinds=kinds
        )
    except DomainError as exc:
        error = exc.message
    if data.get("indicator"):
        items = [i for i in items if i.indicator == data["indicator"]]
    page = Paginator(items, 100).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    context = {
        "node": node,
        "form": form,
        "start": start,
        "end": end,
        "page": page,
        "count": len(items),
        "by_kind": sorted(Counter(i.kind for i in items).items()),
        "kind_labels": dict(DiscrepancyKind.choices),
        "indicator_labels": {i.name: i.label for i in STORED},
        "error": error,
        "querystring_base": params.urlencode() + "&" if params else "",
        "breadcrumb": _breadcrumb(node),
    }
    template = "reports/reconciliation.html"
    return render(request, f"{template}#results" if _htmx(request) else template, context)


@require_http_methods(["GET", "POST"])
@login_required
def import_page(request: HttpRequest) -> HttpResponse:
    if not services.can_file(request.user):
        raise Http404
    form = ImportForm(request.POST or None, request.FILES or None)
    result: dict[str, Any] | None = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            outcome = services.daily_report_import(
                actor=request.user,
                file_name=upload.name or "upload",
                content=upload.read(),
                partial=form.cleaned_data["partial"],
            )
            result = outcome.as_dict()
            messages.success(
                request,
                _("Imported: %(created)s new, %(updated)s updated, %(unchanged)s unchanged.")
                % result,
            )
        except DomainError as exc:
            result = {
                "created": 0,
                "updated": 0,
                "unchanged": 0,
                "errors": exc.details.get("errors", []),
                "failed": True,
            }
            messages.error(request, _("The file has errors; nothing was imported."))
    context = {
        "form": form,
        "result": result,
        "imports": selectors.import_list(user=request.user)[:20],
    }
    return render(request, "reports/import.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def submit_page(request: HttpRequest, code: str) -> HttpResponse:
    node = _node(request, code)
    if node.is_unit or not services.can_file(request.user):
        raise Http404
    units = list(selectors.child_nodes(node=node, day=timezone.localdate()))
    unit_choices = [(str(n.unit.pk), n.name) for n in units if n.unit is not None]
    initial = {"date": _parse_date(request.GET.get("date")) or timezone.localdate()}
    form = SubmitForm(request.POST or None, initial=initial, unit_choices=unit_choices)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        unit = next(
            (n.unit for n in units if n.unit is not None and str(n.unit.pk) == data["unit"]), None
        )
        try:
            report = services.daily_report_submit(
                actor=request.user,
                jurisdiction=node.jurisdiction,
                unit=unit,
                day=data["date"],
                values={i.name: data.get(i.name) for i in STORED},
                note=data.get("note") or "",
            )
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("The daily report was saved."))
            url = reverse("reports:dashboard", args=[node.code])
            return redirect(f"{url}?date={report.date.isoformat()}")
    context = {"node": node, "form": form, "breadcrumb": _breadcrumb(node)}
    return render(request, "reports/submit.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def population_page(request: HttpRequest, code: str) -> HttpResponse:
    node = _node(request, code)
    if node.is_unit:
        raise Http404
    can_edit = services.can_file(request.user)
    form = PopulationForm(request.POST or None)
    if request.method == "POST":
        if not can_edit:
            raise Http404
        if form.is_valid():
            try:
                target = selectors.node_get(user=request.user, code=form.cleaned_data["code"])
                services.population_set(
                    actor=request.user,
                    jurisdiction=target.jurisdiction,
                    population=form.cleaned_data["population"],
                )
            except DomainError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, _("The population was saved."))
                return redirect("reports:population", code=node.code)
        else:
            messages.error(request, _("The population must be a whole number greater than zero."))
    context = {
        "node": node,
        "rows": selectors.population_rows(user=request.user, node=node),
        "can_edit": can_edit,
        "breadcrumb": _breadcrumb(node),
        "population_label": label("population"),
    }
    return render(request, "reports/population.html", context)
