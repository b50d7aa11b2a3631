"""Pages of persons with a capped count and an index-only choice of the page's rows.

Django's Paginator counts every row to know the number of pages; at 5 M persons that count
costs more than the page. Here the count stops at ``COUNT_CAP`` (as in the API's shape), and
the page's ids are chosen in a sub-select that PostgreSQL answers with an index-only scan of
``person_created`` (it holds the scope and name columns, so rows of other areas are skipped
inside the index), and only those rows are read with their jurisdiction.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import QuerySet, Subquery
from django.db.models.expressions import RawSQL
from django.http import HttpRequest

from epicontrol.core.pagination import COUNT_CAP, MAX_LIMIT, capped_count

from .models import Person

NEWEST_FIRST = ["-created_at", "-id"]


def page_rows(
    qs: QuerySet[Person], offset: int, limit: int, *, few: bool = False
) -> tuple[list[Person], bool]:
    """The rows ``[offset, offset + limit)`` of ``qs`` in its order, and whether more follow.

    One query: the page's ids in a sub-select, the rows around it. ``few`` says the filter
    matches few rows (the capped count was exact): PostgreSQL is then made to collect all the
    matches through the best index for the filter and sort them, instead of walking the
    newest-first index until 51 match, which it estimates too cheaply for a name within a
    county (a 100,000-entry walk for 2,700 王 among 41,000 persons).
    """
    order = [str(o) for o in (qs.query.order_by or Person._meta.ordering or ())]
    ids: Any = qs.values("pk")[offset : offset + limit + 1]
    if few and connection.vendor == "postgresql" and order == NEWEST_FIRST:
        try:
            inner, params = qs.order_by().values_list("id", "created_at").query.sql_with_params()
        except EmptyResultSet:  # a filter that can match nothing (pk__in=[], .none())
            return [], False
        # OFFSET 0 keeps the planner from folding the sub-select into the LIMIT.
        ids = RawSQL(  # noqa: S611 - the SQL is the ORM's own, every value a parameter
            f"SELECT s.id FROM ({inner} OFFSET 0) s "  # noqa: S608 - ORM-built SQL, params kept
            "ORDER BY s.created_at DESC, s.id DESC LIMIT %s OFFSET %s",
            (*params, limit + 1, offset),
        )
    rows = list(
        Person.objects.select_related("jurisdiction")
        .filter(pk__in=ids if isinstance(ids, RawSQL) else Subquery(ids))
        .order_by(*order)
    )
    return rows[:limit], len(rows) > limit


class CappedPage:
    """The subset of django.core.paginator.Page used by ``_partials/pagination.html``."""

    def __init__(self, qs: QuerySet[Person], number: Any, per_page: int = 50) -> None:
        try:
            self.number = max(1, int(number))
        except (TypeError, ValueError):
            self.number = 1
        offset = (self.number - 1) * per_page
        count, exact = capped_count(qs)
        self.object_list, self._has_next = page_rows(qs, offset, per_page, few=exact)
        if not exact:
            count = max(count, offset + len(self.object_list))
        self.count, self.count_exact = count, exact
        self.cap = COUNT_CAP

    def __iter__(self) -> Iterator[Person]:
        return iter(self.object_list)

    def __len__(self) -> int:
        return len(self.object_list)

    def has_next(self) -> bool:
        return self._has_next

    def has_previous(self) -> bool:
        return self.number > 1

    def has_other_pages(self) -> bool:
        return self.has_next() or self.has_previous()

    def next_page_number(self) -> int:
        return self.number + 1

    def previous_page_number(self) -> int:
        return self.number - 1


def paginate_persons(
    request: HttpRequest,
    qs: QuerySet[Person],
    *,
    limit: int,
    offset: int,
    serialize: Callable[[Person], Any],
) -> dict[str, Any]:
    """``core.pagination.paginate``'s shape (items, count, count_exact, next)."""
    limit = max(1, min(limit, MAX_LIMIT))
    offset = max(0, offset)
    count, exact = capped_count(qs)
    rows, has_more = page_rows(qs, offset, limit, few=exact)
    if not exact and offset + len(rows) > count:
        count = offset + len(rows)
    next_url = None
    if has_more:
        params = request.GET.copy()
        params["offset"] = str(offset + limit)
        params["limit"] = str(limit)
        next_url = request.build_absolute_uri(f"{request.path}?{params.urlencode()}")
    return {
        "items": [serialize(r) for r in rows],
        "count": count,
        "count_exact": exact,
        "next": next_url,
    }
