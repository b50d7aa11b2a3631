"""Background entry points (django-tasks): primitives in, one service call, idempotent."""

from __future__ import annotations

from django_tasks import task

from .services.alerts import DEFAULT_SCAN_DAYS, scan_missed_checks


@task()
def scan_missed_checks_task(days: int = DEFAULT_SCAN_DAYS) -> int:
    """Raise missed-check alerts (run it hourly). Safe to run twice: returns alerts raised."""
    return scan_missed_checks(days=days)
