"""Page objects for the HTML lists with a capped count (no full COUNT(*) over millions of rows).

Django's Paginator counts every row to know the number of pages; at 5 M persons that count
costs more than the page. ``CappedPage`` fetches one row more than it shows (is there a next
page?) and counts at most ``COUNT_CAP`` rows, like the API's ``paginate``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db.models import QuerySet

from epicontrol.core.pagination import COUNT_CAP, capped_count


class CappedPage:
    """The subset of django.core.paginator.Page used by ``_partials/pagination.html``."""

    def __init__(self, qs: QuerySet[Any], number: Any, per_page: int = 50) -> None:
        try:
            self.number = max(1, int(number))
        except (TypeError, ValueError):
            self.number = 1
        offset = (self.number - 1) * per_page
        rows = list(qs[offset : offset + per_page + 1])
        self._has_next = len(rows) > per_page
        self.object_list = rows[:per_page]
        count, exact = capped_count(qs)
        if not exact:
            count = max(count, offset + len(self.object_list))
        self.count, self.count_exact = count, exact
        self.cap = COUNT_CAP

    def __iter__(self) -> Iterator[Any]:
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
