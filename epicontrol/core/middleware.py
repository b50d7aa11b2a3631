"""Request middleware of the platform: the interface language, and refusals rendered as pages.

``ChineseFirstLocaleMiddleware``: the interface is Simplified Chinese unless the user chose
English with the language switch (the language cookie). The browser's Accept-Language is not
consulted: officials share command-centre terminals whose browsers may be set to English, and
the terms of the documents (密接, 台账, 督导) should read the same on every screen.

``DomainErrorMiddleware``: renders a ``DomainError`` that escapes a page view as an error page,
not a server-error trace.

Views catch the refusals they expect and re-render their forms; this is the net under them (a
policy row broken in the admin, a stale link to an object in another jurisdiction). The page
shows the message and the stable code with the error's own status; an HTMX request gets the
same content as a fragment, marked with ``X-Epicontrol-Error`` so that ``static/js/app.js`` swaps
it into the page (HTMX leaves 4xx responses unswapped by default). The API has its own handler
(``config.api``) returning ``{"code", "message", "details"}``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from .errors import DomainError

logger = logging.getLogger("epicontrol.errors")


class ChineseFirstLocaleMiddleware:
    """Activate the language of the cookie set by the switch, else ``LANGUAGE_CODE``."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


class DomainErrorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, DomainError) or request.path.startswith("/api/"):
            return None
        logger.warning("refused %s %s: %s", request.method, request.path, exception.code)
        context = {
            "error": exception,
            "message": _(exception.message),
            "fragment": bool(getattr(request, "htmx", False)),
        }
        html = render_to_string("core/error.html", context, request=request)
        response = HttpResponse(html, status=exception.status)
        response["X-Epicontrol-Error"] = exception.code
        return response
