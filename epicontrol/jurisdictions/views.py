from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from epicontrol.core.errors import DomainError, NotFound

from . import selectors, services
from .choices import Level
from .forms import SubdivisionForm, UnitForm


@require_GET
@login_required
def home(request: HttpRequest) -> HttpResponse:
    roots = selectors.home_jurisdictions(user=request.user)
    if len(roots) == 1:
        return redirect("jurisdictions:detail", code=roots[0].code)
    return render(request, "jurisdictions/home.html", {"roots": roots})


@require_http_methods(["GET", "POST"])
@login_required
def detail(request: HttpRequest, code: str) -> HttpResponse:
    try:
        j = selectors.jurisdiction_get(user=request.user, code=code)
    except NotFound:
        raise Http404 from None
    can_manage = selectors.can_see_subtree(request.user, j)
    if request.method == "POST" and not can_manage:
        # Above the user's own area (breadcrumb only): reading is allowed, changing is not.
        raise PermissionDenied
    sub_form = SubdivisionForm(request.POST if request.POST.get("form") == "sub" else None)
    unit_form = UnitForm(request.POST if request.POST.get("form") == "unit" else None)
    if request.method == "POST" and can_manage:
        try:
            if request.POST.get("form") == "sub" and sub_form.is_valid():
                child = services.subdivision_create(
                    actor=request.user,
                    parent=j,
                    name=sub_form.cleaned_data["name"],
                    kind=sub_form.cleaned_data.get("kind") or None,
                )
                messages.success(request, _("Created %(name)s.") % {"name": child.name})
                return redirect("jurisdictions:detail", code=j.code)
            if request.POST.get("form") == "unit" and unit_form.is_valid():
                unit = services.unit_create(
                    actor=request.user, jurisdiction=j, **unit_form.cleaned_data
                )
                messages.success(request, _("Created %(name)s.") % {"name": unit.name})
                return redirect("jurisdictions:detail", code=j.code)
        except DomainError as exc:
            target = sub_form if request.POST.get("form") == "sub" else unit_form
            target.add_error(exc.field if exc.field in target.fields else None, exc.message)
    children = selectors.jurisdiction_children(user=request.user, jurisdiction=j)
    units = selectors.unit_list(user=request.user, jurisdiction=j) if can_manage else None
    units_page = (
        Paginator(units, 50).get_page(request.GET.get("page")) if units is not None else None
    )
    context = {
        "j": j,
        "breadcrumb": j.ancestors(),
        "children": children,
        "units_page": units_page,
        "can_manage": can_manage,
        "can_add_sub": can_manage and j.level in (Level.TOWNSHIP, Level.COMMUNITY),
        "sub_form": sub_form,
        "unit_form": unit_form,
    }
    return render(request, "jurisdictions/detail.html", context)
