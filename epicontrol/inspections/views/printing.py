"""Printable documents as PDF (WeasyPrint). The print templates carry their own CSS and name
the Noto CJK fonts so that Chinese renders without fetching anything."""

from __future__ import annotations

import logging
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string


def pdf_response(
    request: HttpRequest, template: str, context: dict[str, Any], *, filename: str
) -> HttpResponse:
    from weasyprint import HTML  # imported here: loading Pango costs ~1 s at start-up

    # WeasyPrint and fontTools narrate every step at INFO; only their problems belong in logs.
    for name in ("weasyprint", "fontTools"):
        logging.getLogger(name).setLevel(logging.WARNING)

    html = render_to_string(template, context, request=request)
    pdf = HTML(string=html, base_url=str(request.build_absolute_uri("/"))).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response
