from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_GET

from .navigation import nav_for


@require_GET
@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Land on the first page the user's navigation offers (the command dashboard for officers,
    today's checks for grid workers …); the navigation order is each app's ``nav``."""
    items = nav_for(request.user)
    return redirect(items[0]["url"] if items else "jurisdictions:home")


@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
