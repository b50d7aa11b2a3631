"""Hand-overs to the screening ledger and the cases module, when those apps are installed.

Both are optional neighbours: their modules are loaded by name only when
``apps.is_installed`` says so, so this app works (and its tests pass) without them.
"""

from __future__ import annotations

import datetime as dt
from importlib import import_module
from typing import Any

from django.apps import apps
from django.utils import timezone

from epicontrol.core.errors import DomainError

SCREENING = "epicontrol.screening"
CASES = "epicontrol.cases"


def _service(app: str, name: str) -> Any:
    if not apps.is_installed(app):
        return None
    try:
        module = import_module(f"{app}.services")
    except ImportError:
        return None
    return getattr(module, name, None)


def ledger_status_set(
    *, actor: Any, observation: Any, status: str, reason: str = "", on: dt.date | None = None
) -> bool:
    """Move the linked ledger entry (if any) to ``status``; True when the ledger was told.

    ``on`` is clamped into the window the ledger accepts (registration day … today). A ledger
    that refuses a closing move it does not model (``moved_away`` after ``under_observation``)
    leaves the entry as it is: the observation's own record is what counts here.
    """
    entry = observation.ledger_entry if observation.ledger_entry_id else None
    set_status = _service(SCREENING, "entry_status_set")
    if entry is None or set_status is None:
        return False
    today = timezone.localdate()
    day = min(on or today, today)
    registered_on = getattr(entry, "registered_on", None)
    if registered_on is not None:
        day = max(day, registered_on)
    started = getattr(entry, "observation_started_on", None)
    if started is not None:
        day = max(day, started)
    try:
        set_status(
            actor=actor, entry=entry, status=status, reason=reason, on=day, enforce_scope=False
        )
    except DomainError as exc:
        if status == "moved_away" and exc.code.endswith("invalid_transition"):
            return False
        raise
    return True


def case_admit_transfer(
    *, actor: Any, person: Any, facility: Any, reported_at: dt.datetime, note: str = ""
) -> int | None:
    """Open the case for a transfer in the cases module; its id, or None when not installed."""
    admit = _service(CASES, "case_admit_transfer")
    if admit is None:
        return None
    case = admit(
        actor=actor,
        person=person,
        facility=facility,
        reported_at=reported_at,
        source="observation_transfer",
        note=note,
    )
    pk = getattr(case, "pk", None)
    return int(pk) if pk is not None else None
