"""Background entry points (django-tasks). Each takes primitives, calls one service, and is
idempotent, so a scheduler may run it as often as it likes (daily is the intent)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django_tasks import task

from .services.findings import findings_flag_overdue
from .services.plans import tasks_make_for_day


def _day(day_iso: str | None) -> dt.date:
    return dt.date.fromisoformat(day_iso) if day_iso else timezone.localdate()


@task()
def make_inspection_tasks(day_iso: str | None = None) -> int:
    """每天一督查: make the day's tasks of the daily plans. Returns the number created."""
    return tasks_make_for_day(day=_day(day_iso))


@task()
def flag_overdue_findings(day_iso: str | None = None) -> dict[str, int]:
    """Flag overdue findings and escalate them (通报). Returns the counts."""
    run = findings_flag_overdue(today=_day(day_iso))
    return {"flagged": run.flagged, "escalated": run.escalated}
