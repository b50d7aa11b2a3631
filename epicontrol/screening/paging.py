"""A paginator whose count is capped, for lists that can hold hundreds of thousands of rows."""

from __future__ import annotations

from functools import cached_property

from django.core.paginator import Paginator
from django.db.models import QuerySet

from epicontrol.core.pagination import COUNT_CAP, capped_count


class CappedPaginator(Paginator):  # type: ignore[type-arg]
    """``count`` is exact up to ``COUNT_CAP`` (one bounded query) and ``COUNT_CAP`` beyond.

    ``count_exact`` tells the template to show "10000+".
    """

    count_exact = True

    @cached_property
    def count(self) -> int:
        if isinstance(self.object_list, QuerySet):
            n, exact = capped_count(self.object_list, COUNT_CAP)
            self.count_exact = exact
            return n
        return len(self.object_list)
