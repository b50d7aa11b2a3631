"""The REST API under /api/v1/: one NinjaAPI, auth, error shape, and every app's router.

Errors always have the shape ``{"code", "message", "details"}``: domain errors keep their own
code and status, request validation is 422 ``request.invalid`` with the failing fields, and
missing auth is 401 ``auth.required``.
"""

from __future__ import annotations

from importlib import import_module
from importlib.util import find_spec
from typing import Any

from django.apps import apps
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import HttpBearer, SessionAuth

from epicontrol.core.errors import DomainError


class BearerAuth(HttpBearer):
    openapi_scheme = "bearer"

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        from epicontrol.accounts.services import api_token_user

        user = api_token_user(token)
        if user is not None:
            request.user = user
        return user


api = NinjaAPI(
    title="epicontrol API",
    version="v1",
    description="联防联控 command and supervision platform. Authenticate with "
    "`POST /api/v1/auth/token` and send `Authorization: Bearer <token>`.",
    urls_namespace="api",
    auth=[BearerAuth(), SessionAuth()],
)


def _error(
    request: HttpRequest, status: int, code: str, message: str, details: Any = None
) -> HttpResponse:
    return api.create_response(
        request, {"code": code, "message": message, "details": details or {}}, status=status
    )


@api.exception_handler(DomainError)
def on_domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return _error(request, exc.status, exc.code, exc.message, exc.details)


@api.exception_handler(NinjaValidationError)
def on_validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    errors = [
        {
            "field": ".".join(
                str(p) for p in e.get("loc", ()) if p not in ("body", "payload", "query")
            ),
            "message": str(e.get("msg", "")),
            "type": str(e.get("type", "")),
        }
        for e in exc.errors
    ]
    return _error(request, 422, "request.invalid", "The request is not valid.", {"errors": errors})


@api.exception_handler(AuthenticationError)
def on_auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return _error(request, 401, "auth.required", "Authentication is required.")


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _error(request, 404, "not_found", "Not found.")


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return _error(request, exc.status_code, "request.error", str(exc))


# Every app with an ``api.py`` is mounted: ``ROUTERS = [(prefix, router), ...]`` when it serves
# several resources, else ``router`` under ``ROUTER_PREFIX`` (default: the app label).
for _config in apps.get_app_configs():
    if _config.name.startswith("epicontrol.") and find_spec(f"{_config.name}.api") is not None:
        _module = import_module(f"{_config.name}.api")
        for _prefix, _router in getattr(_module, "ROUTERS", ()):
            api.add_router(_prefix, _router)
        if getattr(_module, "router", None) is not None:
            api.add_router(getattr(_module, "ROUTER_PREFIX", f"/{_config.label}"), _module.router)
