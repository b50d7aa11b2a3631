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

from django.db.models import QuerySet, Subquery
from django.http import HttpRequest

from epicontrol.core.pagination import COUNT_CAP, MAX_LIMIT, capped_count

from .models import Person


def page_rows(qs: QuerySet[Person], offset: int, limit: int) -> tuple[list[Person], bool]:
    """The rows ``[offset, offset + limit)`` of ``qs`` in its order, and whether more follow.

    One query: the page's ids in a sub-select (index-only on PostgreSQL), the rows around it.
    """
    order = [str(o) for o in (qs.query.order_by or Person._meta.ordering or ())]
    ids = qs.values("pk")[offset : offset + limit + 1]
    rows = list(
        Person.objects.select_related("jurisdiction").filter(pk__in=Subquery(ids)).order_by(*order)
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
        self.object_list, self._has_next = page_rows(qs, offset, per_page)
        count, exact = capped_count(qs)
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
    rows, has_more = page_rows(qs, offset, limit)
    count, exact = capped_count(qs)
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
