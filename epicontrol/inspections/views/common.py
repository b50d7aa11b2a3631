"""Helpers shared by the pages: a capped page of results, filters, 404 for out-of-scope ids."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any, TypeVar

from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _

from epicontrol.core.errors import NotFound
from epicontrol.core.pagination import capped_count
from epicontrol.core.scoping import scope_of
from epicontrol.inspections.rankings import home_jurisdiction
from epicontrol.jurisdictions.models import Jurisdiction

T = TypeVar("T")
PER_PAGE = 50


@dataclass
class CappedPage:
    """What ``_partials/pagination.html`` needs, without counting millions of rows."""

    items: list[Any]
    number: int
    has_next: bool
    count: int
    count_exact: bool

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_other_pages(self) -> bool:
        return self.has_next or self.has_previous

    def next_page_number(self) -> int:
        return self.number + 1

    def previous_page_number(self) -> int:
        return self.number - 1

    def __iter__(self) -> Any:
        return iter(self.items)


def capped_page(request: HttpRequest, qs: QuerySet[Any], per_page: int = PER_PAGE) -> CappedPage:
    try:
        number = max(1, int(request.GET.get("page") or 1))
    except ValueError:
        number = 1
    offset = (number - 1) * per_page
    rows = list(qs[offset : offset + per_page + 1])
    count, exact = capped_count(qs)
    return CappedPage(rows[:per_page], number, len(rows) > per_page, count, exact)


def querystring_base(request: HttpRequest) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    encoded = params.urlencode()
    return f"{encoded}&" if encoded else ""


def not_found_as_404(view: Callable[..., T]) -> Callable[..., T]:
    """Selectors raise NotFound for ids outside the scope; pages answer 404."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> T:
        try:
            return view(*args, **kwargs)
        except NotFound:
            raise Http404(_("Not found.")) from None

    return wrapper


def flag(raw: str | None) -> bool | None:
    if raw in ("1", "true", "yes"):
        return True
    if raw in ("0", "false", "no"):
        return False
    return None


def report_jurisdiction(request: HttpRequest) -> Jurisdiction:
    """The jurisdiction a report page is about: ``?jurisdiction=`` if the user's scope covers
    it, else the user's own area. Raises Http404 for a code outside the scope."""
    code = request.GET.get("jurisdiction")
    if code:
        j = Jurisdiction.objects.filter(code=code).first()
        if j is None or not scope_of(request.user).covers_path(j.path):
            raise Http404(_("Not found."))
        return j
    home = home_jurisdiction(request.user)
    if home is None:
        raise Http404(_("Not found."))
    return home


def list_template(request: HttpRequest, name: str) -> str:
    """The full page, or only its ``#results`` partial for an htmx request."""
    return f"{name}#results" if getattr(request, "htmx", False) else name
