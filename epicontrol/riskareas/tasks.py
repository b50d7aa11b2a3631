"""Background entry point: the daily computation (django-tasks; the worker runs ``db_worker``)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django_tasks import task

from .services import risk_levels_compute


@task()
def compute_risk_levels_task(
    day: str | None = None, scheme_code: str | None = None, root_code: str | None = None
) -> dict[str, object]:
    """Compute the day's risk levels (default: today) as the scheduled job. Idempotent.

    Takes primitives (an ISO date and codes) so the task can be queued and retried safely.
    """
    on = dt.date.fromisoformat(day) if day else timezone.localdate()
    result = risk_levels_compute(actor=None, day=on, scheme_code=scheme_code, root_code=root_code)
    return {
        "day": result.day.isoformat(),
        "schemes": result.schemes,
        "counties": result.counties,
        "created": result.created,
        "updated": result.updated,
        "changes": result.changes,
    }
