"""The one list shape of the API: ``{"items": [...], "count": n, "next": url | null}``.

Counting millions of rows costs more than the page itself, so ``count`` is exact up to
``COUNT_CAP`` and reported as ``COUNT_CAP`` with ``count_exact: false`` beyond it (the UI shows
"10000+"); narrowing the filter gives the exact figure.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Schema

from .errors import ValidationFailed

T = TypeVar("T")

COUNT_CAP = 10_000
MAX_LIMIT = 200
# Deep offsets are refused rather than passed to the database (which overflows on huge
# integers); past this, narrow the filter instead.
MAX_OFFSET = 1_000_000


class InvalidPage(ValidationFailed):
    code = "pagination.invalid"
    default_message = "The page is out of range."


class Page(Schema, Generic[T]):
    items: list[T]
    count: int
    count_exact: bool = True
    next: str | None = None


def capped_count(qs: QuerySet[Any], cap: int = COUNT_CAP) -> tuple[int, bool]:
    """Exact count up to ``cap``; ``(cap, False)`` beyond it. One bounded query."""
    n = qs.order_by().values("pk")[: cap + 1].count()
    return (cap, False) if n > cap else (n, True)


def paginate(
    request: HttpRequest,
    qs: QuerySet[Any] | Sequence[Any],
    *,
    limit: int = 50,
    offset: int = 0,
    serialize: Callable[[Any], Any] | None = None,
) -> dict[str, Any]:
    if offset < 0 or offset > MAX_OFFSET:
        raise InvalidPage(field="offset", max_offset=MAX_OFFSET)
    if limit < 1:
        raise InvalidPage(field="limit")
    limit = min(limit, MAX_LIMIT)
    rows = list(qs[offset : offset + limit + 1])
    has_more = len(rows) > limit
    rows = rows[:limit]
    if isinstance(qs, QuerySet):
        count, exact = capped_count(qs)
        if not exact and offset + len(rows) > count:
            count = offset + len(rows)
    else:
        count, exact = len(qs), True
    next_url = None
    if has_more:
        params = request.GET.copy()
        params["offset"] = str(offset + limit)
        params["limit"] = str(limit)
        next_url = request.build_absolute_uri(f"{request.path}?{params.urlencode()}")
    items = [serialize(r) for r in rows] if serialize else rows
    return {"items": items, "count": count, "count_exact": exact, "next": next_url}
