"""``POST /api/v1/auth/token``: exchange a username and password for a bearer token."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema

from .services import api_token_issue, authenticate_credentials

ROUTER_PREFIX = "/auth"
router = Router(tags=["auth"])


class TokenIn(Schema):
    username: str
    password: str


class TokenOut(Schema):
    token: str
    expires_at: str


class ErrorOut(Schema):
    code: str
    message: str
    details: dict[str, object]


@router.post("/token", auth=None, response={200: TokenOut, 401: ErrorOut, 403: ErrorOut})
def token_create(request: HttpRequest, payload: TokenIn) -> TokenOut:
    """Issue a bearer token. Errors: ``auth.invalid_credentials`` (401), ``auth.locked`` (403)."""
    user = authenticate_credentials(username=payload.username, password=payload.password)
    row, token = api_token_issue(user=user)
    return TokenOut(token=token, expires_at=row.expires_at.isoformat())
