"""Navigation entries contributed by apps, filtered by the user's roles.

Each app's AppConfig may define ``nav = [NavItem(...), ...]``; the base template shows the
entries the user's roles allow, ordered by ``order``. Adding a module never edits the base
template.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.apps import apps
from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise


@dataclass(frozen=True)
class NavItem:
    label: str | Promise  # a lazy translation string
    url_name: str
    roles: frozenset[str] = field(default_factory=frozenset)  # empty: every logged-in user
    order: int = 100


def nav_for(user: object) -> list[dict[str, str]]:
    if not getattr(user, "is_authenticated", False):
        return []
    items: list[NavItem] = []
    for config in apps.get_app_configs():
        items.extend(getattr(config, "nav", ()))
    out = []
    for item in sorted(items, key=lambda i: i.order):
        if item.roles and not user.has_role(*item.roles):  # type: ignore[attr-defined]
            continue
        try:
            out.append(
                {"label": str(item.label), "url": reverse(item.url_name), "name": item.url_name}
            )
        except NoReverseMatch:
            continue
    return out
