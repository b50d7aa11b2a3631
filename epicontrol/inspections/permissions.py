"""Who may act on which side of an inspection.

The **inspecting side** of a group's work: its members, and command officers or supervisors
whose scope covers the dispatching jurisdiction. The **responsible side** of a finding: users
whose scope covers the responsible jurisdiction, and users of the responsible unit.
"""

from __future__ import annotations

from typing import Any

from epicontrol.accounts.choices import Role
from epicontrol.core.scoping import scope_of

from .models import member_group_ids

COMMAND_ROLES = (Role.COMMAND_OFFICER, Role.SUPERVISOR)


def is_inspecting_side(user: Any, *, group_id: int, command_path: str) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if getattr(user, "is_superuser", False) or group_id in member_group_ids(user):
        return True
    return scope_of(user).covers_path(command_path) and user.has_role(*COMMAND_ROLES)


def is_group_member(user: Any, *, group_id: int) -> bool:
    return bool(getattr(user, "is_superuser", False)) or group_id in member_group_ids(user)


def is_responsible_side(user: Any, *, path: str, unit_id: int | None) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    scope = scope_of(user)
    if scope.everything or scope.covers_path(path):
        return True
    return unit_id is not None and unit_id in scope.unit_ids


def can_command(user: Any, *, path: str) -> bool:
    """May dispatch groups, revise checklists and plan for ``path`` (a command role over it)."""
    if getattr(user, "is_superuser", False):
        return True
    return scope_of(user).covers_path(path) and user.has_role(*COMMAND_ROLES)


def can_revise_templates(user: Any) -> bool:
    """Checklists are province-wide: a command role held at province level (or a superuser)."""
    if getattr(user, "is_superuser", False):
        return True
    if not getattr(user, "is_authenticated", False) or not user.has_role(*COMMAND_ROLES):
        return False
    return any(p.count("/") == 1 for p in scope_of(user).paths)
