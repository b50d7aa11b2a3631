"""Alerts: acknowledge and resolve them; the periodic missed-check scan that raises them."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Exists, ExpressionWrapper, F, FloatField, Max, OuterRef, Value
from django.utils import timezone

from epicontrol.core.audit import audit_bulk, audit_record
from epicontrol.observation.choices import AlertKind, AlertStatus, Status
from epicontrol.observation.errors import AlertInvalidTransition
from epicontrol.observation.models import Alert, DailyCheck, Observation
from epicontrol.observation.permissions import FIELD_ROLES, require_path, require_roles
from epicontrol.observation.timers import local_midnight

ALERT_TRANSITIONS: dict[str, dict[str, str]] = {
    "acknowledge": {AlertStatus.OPEN: AlertStatus.ACKNOWLEDGED},
    "resolve": {
        AlertStatus.OPEN: AlertStatus.RESOLVED,
        AlertStatus.ACKNOWLEDGED: AlertStatus.RESOLVED,
    },
}

# How many days back a scan looks by default. Missed-check deadlines fall at most a day plus
# the grace hours after the day's midnight, so an hourly scan needs two days; three tolerates
# a scanner that was down for a day. Catch-up runs pass a larger window.
DEFAULT_SCAN_DAYS = 3


@transaction.atomic
def alert_transition(*, actor: Any, alert: Alert, action: str, note: str = "") -> Alert:
    """Acknowledge (open → acknowledged) or resolve (open/acknowledged → resolved) an alert.

    Raises AlertInvalidTransition ("alert.invalid_transition"), PermissionDenied.
    """
    require_roles(actor, FIELD_ROLES)
    locked = (
        Alert.objects.select_for_update(of=("self",))
        .select_related("observation__jurisdiction")
        .get(pk=alert.pk)
    )
    require_path(actor, locked.observation.jurisdiction.path)
    target = ALERT_TRANSITIONS.get(action, {}).get(locked.status)
    if target is None:
        raise AlertInvalidTransition(current=locked.status, target=action)
    now = timezone.now()
    who = actor if getattr(actor, "pk", None) else None
    previous = locked.status
    if target == AlertStatus.ACKNOWLEDGED:
        locked.acknowledged_at, locked.acknowledged_by = now, who
    else:
        locked.resolved_at, locked.resolved_by = now, who
        locked.resolution_note = (note or "").strip()[:300]
    locked.status = target
    locked.save()
    audit_record(
        actor=actor,
        action=f"observation.alert_{target}",
        target=locked,
        changes={"status": [previous, target], "note": note},
    )
    return locked


def _candidates(day: dt.date, slot: int, hours_since_midnight: float) -> list[tuple[int, Any, str]]:
    """(observation id, responsible id, jurisdiction path) of active observations whose check
    ``slot`` of ``day`` is past its deadline and neither recorded nor already alerted.

    The deadline is evaluated per row from the plan stored on the observation:
    ``slot · 24 / checks_per_day + grace_hours ≤ hours since the day's midnight``.
    """
    deadline_hours = ExpressionWrapper(
        Value(float(slot) * 24.0) / F("checks_per_day") + F("grace_hours"),
        output_field=FloatField(),
    )
    checked = DailyCheck.objects.filter(observation=OuterRef("pk"), day=day, slot=slot)
    alerted = Alert.objects.filter(
        observation=OuterRef("pk"), kind=AlertKind.MISSED_CHECK, day=day, slot=slot
    )
    qs = (
        Observation.objects.filter(
            status=Status.ACTIVE,
            checks_from__lte=day,
            end_date__gte=day,
            checks_per_day__gte=slot,
        )
        .annotate(deadline_hours=deadline_hours)
        .filter(deadline_hours__lte=hours_since_midnight)
        .filter(~Exists(checked), ~Exists(alerted))
        .order_by()
        .values_list("pk", "responsible_id", "jurisdiction_path")
    )
    return list(qs)


def _raise_batch(day: dt.date, slot: int, rows: list[tuple[int, Any, str]]) -> int:
    alerts = [
        Alert(
            observation_id=pk,
            kind=AlertKind.MISSED_CHECK,
            day=day,
            slot=slot,
            assignee_id=responsible,
        )
        for pk, responsible, _path in rows
    ]
    with transaction.atomic():
        created = Alert.objects.bulk_create(alerts, batch_size=2000)
        # Give each alert its observation's path without a query per row (audit_bulk reads
        # target.jurisdiction.path).
        for alert, (_pk, _responsible, path) in zip(created, rows, strict=True):
            alert.jurisdiction_hint = SimpleNamespace(path=path)  # type: ignore[attr-defined]
        audit_bulk(
            actor=None,
            action="observation.alert_raised",
            targets=created,
            changes={"kind": AlertKind.MISSED_CHECK, "day": day, "slot": slot, "by": "scan"},
        )
    return len(created)


def scan_missed_checks(*, now: dt.datetime | None = None, days: int = DEFAULT_SCAN_DAYS) -> int:
    """Raise a missed-check alert for every due check slot with no check recorded. Idempotent.

    Looks at the last ``days`` days (today included). A slot is due on the days from
    ``checks_from`` to ``end_date`` of an active observation, and missed once its end plus the
    observation's grace hours has passed (``timers.slot_deadline``). Alerts are unique per
    (observation, day, slot): a second run, or two overlapping runs, add nothing. Returns the
    number of alerts raised.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    max_slots = Observation.objects.filter(status=Status.ACTIVE).aggregate(n=Max("checks_per_day"))[
        "n"
    ]
    if not max_slots:
        return 0
    raised = 0
    for back in range(max(days, 1) - 1, -1, -1):
        day = today - dt.timedelta(days=back)
        hours = (now - local_midnight(day)).total_seconds() / 3600
        for slot in range(1, max_slots + 1):
            rows = _candidates(day, slot, hours)
            if not rows:
                continue
            try:
                raised += _raise_batch(day, slot, rows)
            except IntegrityError:
                # A concurrent scan raised some of these first; recount what is still missing.
                raised += _raise_batch(day, slot, _candidates(day, slot, hours))
    return raised
