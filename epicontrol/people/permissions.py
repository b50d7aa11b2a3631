from __future__ import annotations

from typing import Any

from epicontrol.accounts.choices import UNMASK_ROLES


def can_unmask(user: Any) -> bool:
    """Roles allowed to see full ID numbers and phones (each view is audited)."""
    return bool(getattr(user, "is_authenticated", False)) and user.has_role(*UNMASK_ROLES)


def can_export_full(user: Any) -> bool:
    """Exports carry masked values unless the role may unmask."""
    return can_unmask(user)
