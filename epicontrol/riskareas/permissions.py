"""Who may compute levels, propose overrides and decide on them.

- Anyone whose scope covers a county sees its level (their jurisdiction and below).
- A command officer whose scope covers the county may propose an override.
- A command officer of a higher level — whose scope covers the county's parent (the city, or
  the province above it) — may approve, reject or lift it; never the proposer.
"""

from __future__ import annotations

from typing import Any

from epicontrol.accounts.choices import Role
from epicontrol.core.scoping import scope_of
from epicontrol.jurisdictions.models import Jurisdiction

from .counties import parent_path


def is_command_officer(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and bool(
        user.has_role(Role.COMMAND_OFFICER)
    )


def can_view(user: Any, county: Jurisdiction) -> bool:
    return scope_of(user).covers_path(county.path)


def can_propose(user: Any, county: Jurisdiction) -> bool:
    return is_command_officer(user) and can_view(user, county)


def can_decide(user: Any, county: Jurisdiction) -> bool:
    """Approve, reject or lift: a command officer above the county (its city or province)."""
    parent = parent_path(county.path)
    return is_command_officer(user) and bool(parent) and scope_of(user).covers_path(parent)


def can_compute(user: Any, root: Jurisdiction | None) -> bool:
    """The scheduled job (no user) computes everywhere; officers compute their own area."""
    if user is None:
        return True
    if root is None:
        return scope_of(user).everything
    return is_command_officer(user) and scope_of(user).covers_path(root.path)
