"""Pages of the people registry: list, register, detail (with audited reveal), edit, merge,
import and export. Views parse input, call one selector or service and render; every refusal
is a DomainError shown next to its field."""

from __future__ import annotations

import io
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from epicontrol.core.errors import DomainError, NotFound

from . import exports, selectors, services, trail
from .columns import IMPORT_COLUMNS
from .errors import CandidatesFound, DuplicatePerson
from .forms import ImportForm, LookupForm, MergeForm, PersonEditForm, PersonForm
from .identity import warning_message
from .imports import RowIssue, person_import
from .models import Person
from .paging import CappedPage
from .permissions import can_export_full, can_unmask
from .services import EDITABLE
from .spreadsheets import read_table, write_template

ERRORS_SHOWN = 1000


def _person_or_404(request: HttpRequest, pk: int) -> Person:
    try:
        return selectors.person_get(user=request.user, pk=pk)
    except NotFound:
        raise Http404 from None


def _add_domain_error(form: Any, exc: DomainError) -> None:
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


@require_http_methods(["GET", "POST"])
@login_required
def person_list(request: HttpRequest) -> HttpResponse:
    """GET: name prefix and jurisdiction filters (shareable URL). POST: exact lookup by ID number
    or phone, so the number never appears in a URL, the browser history or an access log."""
    filters = {
        "q": request.GET.get("q", "").strip()[:50],
        "jurisdiction": request.GET.get("jurisdiction", "").strip()[:20],
    }
    lookup = LookupForm(request.POST if request.method == "POST" else None)
    id_number = phone = None
    if lookup.is_bound and lookup.is_valid():
        id_number = lookup.cleaned_data["id_number"] or None
        phone = lookup.cleaned_data["phone"] or None
    qs = selectors.person_list(user=request.user, id_number=id_number, phone=phone, **filters)
    page = CappedPage(qs, request.GET.get("page"))
    active = {k: v for k, v in filters.items() if v}
    context = {
        "page": page,
        "filters": filters,
        "lookup": lookup,
        "looked_up": bool(id_number or phone),
        "querystring_base": urlencode(active) + "&" if active else "",
        "export_query": urlencode(active),
        "can_export_full": can_export_full(request.user),
        "jurisdictions": selectors.jurisdiction_choices(user=request.user),
    }
    template = "people/person_list.html"
    if getattr(request, "htmx", False):
        template += "#results"
    return render(request, template, context)


@require_http_methods(["GET", "POST"])
@login_required
def person_create(request: HttpRequest) -> HttpResponse:
    """Register a person; candidates are shown before creating, exact duplicates refused."""
    form = PersonForm(request.POST if request.method == "POST" else None, user=request.user)
    candidates: list[Person] = []
    existing_id = None
    if form.is_bound and form.is_valid():
        d = form.cleaned_data
        try:
            assert form.jurisdiction_obj is not None
            data = services.person_input(
                actor=request.user,
                name=d["name"],
                id_type=d["id_type"],
                id_number=d["id_number"],
                phone=d["phone"],
                jurisdiction=form.jurisdiction_obj,
                **{f: d[f] for f in EDITABLE if f != "name"},
            )
            person = services.person_create(
                actor=request.user, data=data, allow_candidates=bool(d.get("confirm_new"))
            )
        except CandidatesFound as exc:
            candidates = list(
                selectors.persons_by_ids(user=request.user, ids=exc.details.get("candidates", []))
            )
        except DuplicatePerson as exc:
            existing_id = exc.details.get("existing_id")
            form.add_error("id_number", exc.message)
        except DomainError as exc:
            _add_domain_error(form, exc)
        else:
            messages.success(request, _("Registered %(name)s.") % {"name": person.name})
            for code in person.id_warnings:
                messages.warning(request, warning_message(code))
            return redirect("people:detail", pk=person.pk)
    context = {
        "form": form,
        "candidates": candidates,
        "existing_id": existing_id,
        "jurisdictions": selectors.jurisdiction_choices(user=request.user),
    }
    return render(request, "people/person_form.html", context)


@require_GET
@login_required
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = _person_or_404(request, pk)
    candidates = []
    if person.merged_into_id is None:
        candidates = list(
            selectors.person_candidates(
                user=request.user,
                name=person.name,
                phone_hash=person.phone_hash or None,
                birth_date=person.birth_date,
                exclude_pk=person.pk,
            )[:10]
        )
    context = {
        "person": person,
        "warnings": [warning_message(c) for c in person.id_warnings or []],
        "trail": [
            {"entry": e, "action": trail.action_label(e.action), "details": trail.describe(e)}
            for e in selectors.person_audit_trail(person=person)
        ],
        "links": selectors.person_link_counts(person=person),
        "candidates": candidates,
        "can_unmask": can_unmask(request.user),
    }
    return render(request, "people/person_detail.html", context)


@require_POST
@login_required
@never_cache
def person_reveal(request: HttpRequest, pk: int) -> HttpResponse:
    """The clear ID number or phone, for allowed roles; audited by the service."""
    person = _person_or_404(request, pk)
    field = request.POST.get("field", "")
    try:
        value = services.person_reveal(actor=request.user, person=person, field=field)
    except DomainError as exc:
        return render(request, "people/_revealed.html", {"error": exc.message}, status=exc.status)
    return render(request, "people/_revealed.html", {"value": value, "field": field})


@require_http_methods(["GET", "POST"])
@login_required
def person_edit(request: HttpRequest, pk: int) -> HttpResponse:
    person = _person_or_404(request, pk)
    if person.merged_into_id is not None:
        messages.error(request, _("This record was merged into another one and cannot be edited."))
        return redirect("people:detail", pk=person.pk)
    initial = {f: getattr(person, f) for f in EDITABLE}
    initial.update(id_type=person.id_type, jurisdiction=person.jurisdiction.code)
    form = PersonEditForm(
        request.POST if request.method == "POST" else None, user=request.user, initial=initial
    )
    if form.is_bound and form.is_valid():
        d = form.cleaned_data
        number = d["id_number"] or None
        id_type = d["id_type"] if (number or d["id_type"] != person.id_type) else None
        phone = "" if d.get("clear_phone") else (d["phone"] or None)
        jurisdiction = (
            form.jurisdiction_obj if d["jurisdiction"] != person.jurisdiction.code else None
        )
        try:
            services.person_update(
                actor=request.user,
                person=person,
                jurisdiction=jurisdiction,
                phone=phone,
                id_type=id_type,
                id_number=number,
                **{f: d[f] for f in EDITABLE},
            )
        except DomainError as exc:
            _add_domain_error(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("people:detail", pk=person.pk)
    context = {
        "form": form,
        "person": person,
        "jurisdictions": selectors.jurisdiction_choices(user=request.user),
    }
    return render(request, "people/person_edit.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def person_merge(request: HttpRequest, pk: int) -> HttpResponse:
    """Pick the duplicate (candidates, a name search or its record number), preview, confirm."""
    survivor = _person_or_404(request, pk)
    if survivor.merged_into_id is not None:
        messages.error(request, _("This record has already been merged."))
        return redirect("people:detail", pk=survivor.pk)
    raw = request.POST.get("duplicate") or request.GET.get("duplicate")
    form = MergeForm({"duplicate": raw} if raw else None)
    duplicate = None
    if form.is_bound and form.is_valid():
        duplicate = _person_or_404(request, form.cleaned_data["duplicate"])
        if duplicate.pk == survivor.pk:
            form.add_error("duplicate", _("A person cannot be merged with itself."))
            duplicate = None
    if request.method == "POST" and duplicate is not None and request.POST.get("confirm"):
        try:
            services.person_merge(actor=request.user, survivor=survivor, duplicate=duplicate)
        except DomainError as exc:
            _add_domain_error(form, exc)
        else:
            messages.success(
                request,
                _("Record #%(dup)d was merged into this one.") % {"dup": duplicate.pk},
            )
            return redirect("people:detail", pk=survivor.pk)
    q = request.GET.get("q", "").strip()[:50]
    found = (
        list(selectors.person_list(user=request.user, q=q).exclude(pk=survivor.pk)[:20])
        if q
        else []
    )
    context = {
        "survivor": survivor,
        "duplicate": duplicate,
        "form": form,
        "q": q,
        "found": found,
        "candidates": list(
            selectors.person_candidates(
                user=request.user,
                name=survivor.name,
                phone_hash=survivor.phone_hash or None,
                birth_date=survivor.birth_date,
                exclude_pk=survivor.pk,
            )[:20]
        ),
        "links": selectors.person_link_counts(person=duplicate) if duplicate else [],
    }
    return render(request, "people/person_merge.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def person_import_page(request: HttpRequest) -> HttpResponse:
    """Upload a file; the result lists every rejected row (row, column, code, message)."""
    form = ImportForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
    )
    result = None
    if form.is_bound and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            table = read_table(upload)
            result = person_import(
                actor=request.user,
                table=table,
                mode=form.cleaned_data["mode"],
                allow_candidates=form.cleaned_data["allow_candidates"],
                source=upload.name or "",
            )
        except DomainError as exc:
            form.add_error("file", exc.message)
    labels = {c.code: str(c.label) for c in IMPORT_COLUMNS}

    def shown(issues: list[RowIssue]) -> list[dict[str, Any]]:
        return [{**i.as_dict(), "label": labels.get(i.column, "")} for i in issues[:ERRORS_SHOWN]]

    context = {
        "form": form,
        "result": result,
        "errors": shown(result.errors) if result else [],
        "warnings": shown(result.warnings) if result else [],
        "shown": ERRORS_SHOWN,
    }
    return render(request, "people/person_import.html", context)


@require_GET
@login_required
def import_template(request: HttpRequest) -> HttpResponse:
    """The .xlsx template with the data dictionary and the user's division codes."""
    output = io.BytesIO()
    write_template(output, divisions=selectors.jurisdiction_choices(user=request.user, limit=5000))
    response = HttpResponse(
        output.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="people-template.xlsx"'
    return response


@require_GET
@login_required
def person_export(request: HttpRequest) -> HttpResponseBase:
    """The filtered list as CSV or XLSX, masked unless ``full=1`` and the role allows it."""
    fmt = request.GET.get("format", "csv")
    if fmt not in exports.FORMATS:
        return HttpResponse(_("Unknown format."), status=400, content_type="text/plain")
    full = request.GET.get("full") == "1"
    filters = {
        "q": request.GET.get("q", "").strip()[:50],
        "jurisdiction": request.GET.get("jurisdiction", "").strip()[:20],
    }
    try:
        exports.export_check(actor=request.user, full=full)
    except DomainError as exc:
        return HttpResponse(exc.message, status=exc.status, content_type="text/plain")
    qs = selectors.person_list(user=request.user, **filters)
    exports.export_audit(
        actor=request.user,
        fmt=fmt,
        full=full,
        filters=filters,
        jurisdiction=filters["jurisdiction"] or None,
    )
    return exports.export_response(qs, fmt=fmt, full=full)
