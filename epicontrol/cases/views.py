from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse


@login_required
def case_list(request: HttpRequest) -> HttpResponse:
    return HttpResponse("")


@login_required
def case_create(request: HttpRequest) -> HttpResponse:
    return HttpResponse("")


@login_required
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return HttpResponse("")


@login_required
def case_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    return HttpResponse("")


@login_required
def case_revisit(request: HttpRequest, pk: int) -> HttpResponse:
    return HttpResponse("")


@login_required
def facility_list(request: HttpRequest) -> HttpResponse:
    return HttpResponse("")
