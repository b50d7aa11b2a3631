from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from . import selectors


@require_GET
@login_required
def person_list(request: HttpRequest) -> HttpResponse:
    qs = selectors.person_list(
        user=request.user, q=request.GET.get("q"), id_number=request.GET.get("id_number"),
        phone=request.GET.get("phone"), jurisdiction=request.GET.get("jurisdiction"),
    )
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    template = "people/person_list.html#results" if request.htmx else "people/person_list.html"  # type: ignore[attr-defined]
    return render(request, template, {"page": page})
