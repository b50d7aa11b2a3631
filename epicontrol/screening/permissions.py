"""Who may write the ledger and submit daily reports (reads are scoped by jurisdiction only)."""

from __future__ import annotations

from typing import Any

from epicontrol.accounts.choices import Role
from epicontrol.core.scoping import scope_of

# Roles that register key persons and change their status: grid workers do the door-to-door
# work; command officers and CDC investigators of the area correct and complete the ledger.
LEDGER_WRITERS = frozenset({Role.GRID_WORKER, Role.COMMAND_OFFICER, Role.CDC_INVESTIGATOR})
# Roles that confirm a grid's daily figures: its grid workers, or an officer of the area.
REPORT_SUBMITTERS = frozenset({Role.GRID_WORKER, Role.COMMAND_OFFICER})


def _has_role(user: Any, roles: frozenset[str]) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return bool(user.has_role(*roles))


def can_write_ledger(user: Any, path: str) -> bool:
    """A writer role and a scope that covers the grid's path."""
    return _has_role(user, LEDGER_WRITERS) and scope_of(user).covers_path(path)


def can_submit_report(user: Any, path: str) -> bool:
    return _has_role(user, REPORT_SUBMITTERS) and scope_of(user).covers_path(path)


def covers_subtree(user: Any, path: str) -> bool:
    """The user's scope covers the jurisdiction subtree at ``path`` (read access)."""
    return scope_of(user).covers_path(path)
