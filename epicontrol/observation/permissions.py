"""Who may do what in the observation module (on top of jurisdiction scoping)."""

from __future__ import annotations

from typing import Any

from epicontrol.core.errors import PermissionDenied
from epicontrol.core.scoping import scope_of

# Field roles: they start observations, record checks and tests, release and transfer.
FIELD_ROLES = ("command_officer", "cdc_investigator", "grid_worker")
# Re-planning under a new edition and managing isolation sites are command decisions.
COMMAND_ROLES = ("command_officer", "cdc_investigator")
SITE_ROLES = ("command_officer",)


def has_any_role(user: Any, roles: tuple[str, ...]) -> bool:
    if not getattr(user, "is_authenticated", False) and not getattr(user, "is_superuser", False):
        return False
    if getattr(user, "is_superuser", False):
        return True
    has_role = getattr(user, "has_role", None)
    return bool(callable(has_role) and has_role(*roles))


def require_roles(user: Any, roles: tuple[str, ...]) -> None:
    """Raises PermissionDenied ("observation.forbidden") unless the user holds one of ``roles``."""
    if not has_any_role(user, roles):
        raise PermissionDenied(code="observation.forbidden", roles=list(roles))


def require_path(user: Any, path: str, *, code: str = "observation.out_of_scope") -> None:
    """Raises PermissionDenied (``code``) unless ``path`` lies in the user's area."""
    if not scope_of(user).covers_path(path):
        raise PermissionDenied("This is outside your area.", code=code)


def is_self_reporter(user: Any, observation: Any) -> bool:
    return bool(getattr(user, "pk", None) is not None and observation.self_reporter_id == user.pk)
