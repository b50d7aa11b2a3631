"""Pages of the screening module (phone-first for grid workers): parse → service → render."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
)
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET, require_http_methods

from epicontrol.core.errors import DomainError, NotFound
from epicontrol.core.identity import normalise_id_number, normalise_mobile
from epicontrol.core.models import AuditEntry
from epicontrol.jurisdictions.models import Jurisdiction
from epicontrol.people.errors import CandidatesFound
from epicontrol.people.identity import document_hash, phone_hash
from epicontrol.people.models import Person
from epicontrol.people.permissions import can_export_full
from epicontrol.people.selectors import person_candidates
from epicontrol.people.services import person_input

from . import selectors, services
from .choices import TRANSITIONS, EntryStatus
from .error_text import describe
from .forms import EntryFilterForm, ImportForm, RegisterForm, ReportForm, StatusForm
from .ledger_columns import COLUMNS, EXPORT_ONLY
from .ledger_export import export_response, template_file
from .ledger_import import ImportResult, ledger_import
from .models import FIGURE_KEYS, LedgerEntry
from .paging import CappedPaginator
from .permissions import can_submit_report, can_write_ledger, covers_subtree
from .rollup import ledger_figures, new_by_category, rollup

PAGE_SIZE = 50


def _date_param(request: HttpRequest, name: str = "date") -> dt.date:
    """A day from the query string; today when absent or malformed."""
    raw = request.GET.get(name, "")
    try:
        return dt.date.fromisoformat(raw) if raw else timezone.localdate()
    except ValueError:
        return timezone.localdate()


def _querystring(request: HttpRequest, drop: tuple[str, ...] = ("page",)) -> str:
    params = request.GET.copy()
    for key in drop:
        params.pop(key, None)
    encoded = params.urlencode()
    return f"{encoded}&" if encoded else ""


def _category_labels() -> dict[str, str]:
    return {c.code: c.label for c in selectors.category_list(active_only=False)}


# Ledger list and export ------------------------------------------------------------------------


@require_GET
@login_required
def entry_list(request: HttpRequest) -> HttpResponse:
    form = EntryFilterForm(request.GET or None)
    entries = selectors.entry_list(user=request.user, **form.filters())
    page = CappedPaginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    grids = selectors.grids_for_user(user=request.user, limit=1)
    context = {
        "form": form,
        "page": page,
        "querystring_base": _querystring(request),
        "export_query": _querystring(request, ("page", "format")),
        "can_write": bool(grids) and can_write_ledger(request.user, grids[0].path),
        "full_export": can_export_full(request.user),
    }
    template = "screening/entry_list.html"
    if getattr(request, "htmx", False):
        template += "#results"
    return render(request, template, context)


@require_GET
@login_required
def entry_export(request: HttpRequest) -> HttpResponseBase:
    """The filtered ledger as CSV (streamed) or XLSX (constant memory); masked unless allowed."""
    form = EntryFilterForm(request.GET or None)
    filters = form.filters()
    return export_response(
        user=request.user,
        entries=selectors.entry_list(user=request.user, **filters),
        fmt="xlsx" if request.GET.get("format") == "xlsx" else "csv",
        filters=filters,
        audit_target=selectors.home_jurisdiction(user=request.user),
    )


# Register a key person -------------------------------------------------------------------------


def _candidates(request: HttpRequest, form: RegisterForm, exc: CandidatesFound) -> list[Any]:
    ids = exc.details.get("candidates") or []
    people = (
        Person.objects.visible_to(request.user).filter(pk__in=ids).select_related("jurisdiction")
    )
    return [
        {"person": p, "entries": list(selectors.person_entries(user=request.user, person=p)[:5])}
        for p in people
    ]


@require_http_methods(["GET", "POST"])
@login_required
def register(request: HttpRequest) -> HttpResponse:
    grids = selectors.grids_for_user(user=request.user)
    writable = [g for g in grids if can_write_ledger(request.user, g.path)]
    if not writable:
        raise Http404
    form = RegisterForm(request.POST or None, grids=writable, initial=request.GET.dict())
    candidates: list[Any] = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        grid = data["grid"]
        category = selectors.category_list().get(code=data["category"])
        try:
            person = None
            if data.get("person_id"):
                person = Person.objects.visible_to(request.user).active().get(pk=data["person_id"])
            person_data = None
            if person is None:
                person_data = person_input(
                    actor=request.user,
                    name=data["name"],
                    id_type=data["id_type"],
                    id_number=data["id_number"],
                    phone=data["phone"],
                    jurisdiction=grid,
                    current_address=data["current_address"],
                )
            entry, created = services.entry_register_person(
                actor=request.user,
                data=person_data,
                person=person,
                category=category,
                grid=grid,
                source=data["source"],
                origin=data["origin"],
                arrival_date=data["arrival_date"],
                notes=data["notes"],
                allow_candidates=bool(data.get("confirm_new")),
            )
        except Person.DoesNotExist:
            form.add_error(None, _("The chosen person was not found."))
        except CandidatesFound as exc:
            candidates = _candidates(request, form, exc)
            form.add_error(None, describe(exc))
        except DomainError as exc:
            field = exc.details.get("field") or exc.field
            form.add_error(field if field in form.fields else None, describe(exc))
        else:
            if created:
                messages.success(request, _("Registered %(name)s.") % {"name": entry.person.name})
            else:
                messages.success(
                    request,
                    _("%(name)s was already in the registry; the existing record was used.")
                    % {"name": entry.person.name},
                )
            return redirect("screening:entry_detail", pk=entry.pk)
    context = {"form": form, "candidates": candidates, "single_grid": len(writable) == 1}
    return render(request, "screening/register.html", context)


@require_GET
@login_required
def register_check(request: HttpRequest) -> HttpResponse:
    """HTMX: while the form is filled in, say whether the person is already registered."""
    name = (request.GET.get("name") or "").strip()
    id_type = request.GET.get("id_type") or "resident_id"
    id_number = (request.GET.get("id_number") or "").strip()
    phone = (request.GET.get("phone") or "").strip()
    existing: Person | None = None
    visible = False
    candidates: list[Person] = []
    if id_number:
        doc_hash = document_hash(id_type, normalise_id_number(id_number))
        existing = Person.objects.active().filter(id_type=id_type, id_number_hash=doc_hash).first()
        if existing is not None:
            visible = Person.objects.visible_to(request.user).filter(pk=existing.pk).exists()
    if existing is None and name:
        try:
            p_hash = phone_hash(normalise_mobile(phone)) if phone else None
        except DomainError:
            p_hash = None
        candidates = list(
            person_candidates(user=request.user, name=name, phone_hash=p_hash, birth_date=None)[:5]
        )
    entries = (
        list(selectors.person_entries(user=request.user, person=existing)[:5])
        if existing is not None and visible
        else []
    )
    context = {
        "existing": existing,
        "visible": visible,
        "entries": entries,
        "candidates": candidates,
    }
    return render(request, "screening/register_check.html", context)


# Entry detail and status -----------------------------------------------------------------------


def _history(entry: LedgerEntry) -> list[dict[str, Any]]:
    """The entry's audit trail as readable lines (newest first)."""
    actions = {
        "screening.entry_registered": pgettext("entry status", "Registered"),
        "screening.entry_status_changed": _("Status changed"),
    }
    statuses = dict(EntryStatus.choices)
    lines = []
    for h in AuditEntry.objects.filter(
        target_type=LedgerEntry._meta.label_lower, target_id=str(entry.pk)
    ).select_related("actor")[:50]:
        text = str(actions.get(h.action, h.action))
        change = h.changes.get("status") if isinstance(h.changes, dict) else None
        if isinstance(change, list) and len(change) == 2:
            text += (
                f" · {statuses.get(change[0], change[0])} → {statuses.get(change[1], change[1])}"
            )
            if h.changes.get("reason"):
                text += f" · {h.changes['reason']}"
        lines.append({"at": h.created_at, "actor": h.actor, "text": text})
    return lines


@require_http_methods(["GET", "POST"])
@login_required
def entry_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        entry = selectors.entry_get(user=request.user, pk=pk)
    except NotFound:
        raise Http404 from None
    can_write = can_write_ledger(request.user, entry.grid.path)
    targets = sorted(TRANSITIONS[entry.status])
    form = StatusForm(request.POST or None, targets=targets)
    if request.method == "POST":
        if not can_write:
            raise Http404
        if form.is_valid():
            try:
                services.entry_status_set(
                    actor=request.user,
                    entry=entry,
                    status=form.cleaned_data["status"],
                    reason=form.cleaned_data["reason"],
                    on=form.cleaned_data["on"],
                )
            except DomainError as exc:
                form.add_error(None, describe(exc))
            else:
                messages.success(request, _("Status changed."))
                return redirect("screening:entry_detail", pk=entry.pk)
    history = _history(entry)
    others = selectors.person_entries(user=request.user, person=entry.person).exclude(pk=entry.pk)
    context = {
        "entry": entry,
        "form": form,
        "can_change": can_write and bool(targets),
        "history": history,
        "others": others[:20],
    }
    return render(request, "screening/entry_detail.html", context)


# Import ------------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required
def import_ledger(request: HttpRequest) -> HttpResponse:
    grids = [
        g
        for g in selectors.grids_for_user(user=request.user)
        if can_write_ledger(request.user, g.path)
    ]
    if not grids:
        raise Http404
    form = ImportForm(request.POST or None, request.FILES or None, grids=grids)
    result: ImportResult | None = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = ledger_import(
                actor=request.user,
                name=upload.name,
                stream=upload,
                default_grid=form.cleaned_data["grid"],
                default_source=form.cleaned_data["source"],
                good_rows_only=form.cleaned_data["good_rows_only"],
            )
        except DomainError as exc:
            form.add_error("file", describe(exc))
        else:
            if result.applied:
                messages.success(
                    request,
                    _("Imported: %(created)s new entries, %(unchanged)s unchanged.")
                    % {"created": result.created, "unchanged": result.unchanged},
                )
    labels = {c.key: str(c.label) for c in COLUMNS + EXPORT_ONLY}
    context = {"form": form, "result": result, "labels": labels}
    return render(request, "screening/import.html", context)


@require_GET
@login_required
def import_template(request: HttpRequest) -> HttpResponse:
    grids = [
        g
        for g in selectors.grids_for_user(user=request.user)
        if can_write_ledger(request.user, g.path)
    ]
    content = template_file(grids=grids)
    response = HttpResponse(
        content,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="ledger-template.xlsx"'
    return response


# Daily grid report ---------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required
def daily_report(request: HttpRequest) -> HttpResponse:
    grids = [
        g
        for g in selectors.grids_for_user(user=request.user)
        if can_submit_report(request.user, g.path)
    ]
    if not grids:
        raise Http404
    source = request.POST if request.method == "POST" else request.GET
    by_pk = {str(g.pk): g for g in grids}
    if source.get("grid") and source["grid"] not in by_pk:
        raise Http404  # not a grid this user reports for: indistinguishable from none
    grid = by_pk.get(source.get("grid", ""), grids[0])
    try:
        day = dt.date.fromisoformat(source.get("date", "")) if source.get("date") else None
    except ValueError:
        day = None
    day = day or timezone.localdate()
    form = ReportForm(initial={"grid": grid.pk, "date": day}, grids=grids)
    if request.method == "POST":
        try:
            submitted = services.daily_report_submit(
                actor=request.user,
                grid=grid,
                day=day,
                zero=request.POST.get("action") == "zero",
                note=request.POST.get("note", ""),
            )
        except DomainError as exc:
            messages.error(request, describe(exc))
        else:
            if submitted.is_zero:
                text = _("Zero report submitted for %(day)s.")
            else:
                text = _("Figures of %(day)s confirmed.")
            messages.success(request, text % {"day": day.isoformat()})
        query = urlencode({"grid": str(grid.pk), "date": day.isoformat()})
        return redirect(f"{reverse('screening:daily_report')}?{query}")
    entries = LedgerEntry.objects.visible_to(request.user).filter(grid=grid)
    figures = ledger_figures(entries, day)
    report = selectors.report_for(user=request.user, grid=grid, day=day)
    stale = report is not None and any(getattr(report, k) != figures[k] for k in FIGURE_KEYS)
    labels = _category_labels()
    by_category = [(labels.get(c, c), n) for c, n in new_by_category(entries, day).items()]
    recent = selectors.report_list(user=request.user, jurisdiction=grid.code)[:14]
    context = {
        "form": form,
        "grid": grid,
        "day": day,
        "figures": figures,
        "by_category": by_category,
        "report": report,
        "stale": stale,
        "recent": recent,
        "future": day > timezone.localdate(),
    }
    return render(request, "screening/daily_report.html", context)


# Roll-up and completeness --------------------------------------------------------------------


def _area(request: HttpRequest) -> Jurisdiction:
    code = request.GET.get("jurisdiction")
    try:
        if code:
            return selectors.jurisdiction_in_scope(user=request.user, code=code)
    except NotFound:
        raise Http404 from None
    home = selectors.home_jurisdiction(user=request.user)
    if home is None:
        raise Http404
    return home


def _crumbs(request: HttpRequest, j: Jurisdiction) -> list[Jurisdiction]:
    return [a for a in j.ancestors() if covers_subtree(request.user, a.path)]


@require_GET
@login_required
def rollup_view(request: HttpRequest) -> HttpResponse:
    j = _area(request)
    day = _date_param(request)
    try:
        result = rollup(user=request.user, jurisdiction=j, day=day)
    except NotFound:
        raise Http404 from None
    labels = _category_labels()
    # Areas without grids or entries (most townships early on) would make a phone scroll
    # through rows of zeros; they are counted, not listed.
    shown = [
        c for c in result.children if c.grids_total or any(c.figures.values()) or c.grids_reported
    ]
    context = {
        "r": result,
        "children": shown,
        "hidden": len(result.children) - len(shown),
        "j": j,
        "day": day,
        "prev_day": day - dt.timedelta(days=1),
        "next_day": day + dt.timedelta(days=1),
        "crumbs": _crumbs(request, j),
        "by_category": [(labels.get(c, c), n) for c, n in result.new_by_category.items()],
    }
    return render(request, "screening/rollup.html", context)


@require_GET
@login_required
def completeness_view(request: HttpRequest) -> HttpResponse:
    j = _area(request)
    day = _date_param(request)
    try:
        result = selectors.completeness(user=request.user, jurisdiction=j, day=day)
    except NotFound:
        raise Http404 from None
    context = {
        "c": result,
        "j": j,
        "day": day,
        "prev_day": day - dt.timedelta(days=1),
        "next_day": day + dt.timedelta(days=1),
        "crumbs": _crumbs(request, j),
    }
    return render(request, "screening/completeness.html", context)


@require_GET
@login_required
def categories(request: HttpRequest) -> HttpResponse:
    context = {
        "categories": selectors.category_list(active_only=False),
        "groups": selectors.group_list(),
    }
    return render(request, "screening/categories.html", context)
