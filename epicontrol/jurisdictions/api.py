"""``GET /api/v1/jurisdictions`` and ``GET /api/v1/jurisdictions/<code>``; units."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Query, Router, Schema

from epicontrol.core.pagination import Page, paginate

from . import selectors
from .choices import Level
from .models import Jurisdiction, Unit

jurisdiction_router = Router(tags=["jurisdictions"])
unit_router = Router(tags=["units"])
ROUTERS = [("/jurisdictions", jurisdiction_router), ("/units", unit_router)]


class JurisdictionOut(Schema):
    code: str
    name: str
    level: str
    kind: str
    is_administrative: bool
    parent: str | None
    path: str
    valid_from: str | None
    valid_to: str | None
    replaced_by: str | None


class JurisdictionFilter(Schema):
    parent: str | None = None
    level: Level | None = None
    q: str | None = None
    include_retired: bool = False
    limit: int = 50
    offset: int = 0


def jurisdiction_out(j: Jurisdiction) -> JurisdictionOut:
    parent_code = j.path.rstrip("/").rsplit("/", 2)[-2] if j.parent_id else None
    return JurisdictionOut(
        code=j.code,
        name=j.name,
        level=j.level,
        kind=j.kind,
        is_administrative=j.is_administrative,
        parent=parent_code,
        path=j.path,
        valid_from=j.valid_from.isoformat() if j.valid_from else None,
        valid_to=j.valid_to.isoformat() if j.valid_to else None,
        replaced_by=j.replaced_by.code if j.replaced_by_id and j.replaced_by else None,
    )


@jurisdiction_router.get("", response=Page[JurisdictionOut])
def jurisdiction_list(
    request: HttpRequest, filters: Query[JurisdictionFilter]
) -> dict[str, object]:
    qs = selectors.jurisdiction_list(
        user=request.user,
        parent=filters.parent,
        level=filters.level,
        q=filters.q,
        include_retired=filters.include_retired,
    ).select_related("replaced_by")
    return paginate(
        request, qs, limit=filters.limit, offset=filters.offset, serialize=jurisdiction_out
    )


@jurisdiction_router.get("/{code}", response=JurisdictionOut)
def jurisdiction_detail(request: HttpRequest, code: str) -> JurisdictionOut:
    """Errors: ``not_found`` (404) for unknown codes and for codes outside your area."""
    return jurisdiction_out(selectors.jurisdiction_get(user=request.user, code=code))


class UnitOut(Schema):
    id: int
    kind: str
    name: str
    jurisdiction: str
    address: str
    capacity: int | None


class UnitFilter(Schema):
    jurisdiction: str | None = None
    kind: str | None = None
    limit: int = 50
    offset: int = 0


def unit_out(u: Unit) -> UnitOut:
    return UnitOut(
        id=u.pk,
        kind=u.kind,
        name=u.name,
        jurisdiction=u.jurisdiction.code,
        address=u.address,
        capacity=u.capacity,
    )


@unit_router.get("", response=Page[UnitOut])
def unit_list(request: HttpRequest, filters: Query[UnitFilter]) -> dict[str, object]:
    j = (
        selectors.jurisdiction_get(user=request.user, code=filters.jurisdiction)
        if filters.jurisdiction
        else None
    )
    qs = selectors.unit_list(user=request.user, jurisdiction=j, kind=filters.kind)
    return paginate(request, qs, limit=filters.limit, offset=filters.offset, serialize=unit_out)


@unit_router.get("/{unit_id}", response=UnitOut)
def unit_detail(request: HttpRequest, unit_id: int) -> UnitOut:
    return unit_out(selectors.unit_get(user=request.user, pk=unit_id))
