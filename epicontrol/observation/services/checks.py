"""Daily checks (temperature and symptoms, morning and evening) and the alerts they raise."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from epicontrol.core.audit import audit_record
from epicontrol.observation.choices import AlertKind, AlertStatus, CheckSource, Status, Symptom
from epicontrol.observation.errors import CheckDuplicate, CheckInvalid, NotActive
from epicontrol.observation.models import Alert, DailyCheck, Observation
from epicontrol.observation.permissions import (
    FIELD_ROLES,
    is_self_reporter,
    require_path,
    require_roles,
)

# Plausible body temperatures for a thermometer reading; outside this is a typing error, not a
# fever (the fever threshold itself comes from the policy, stored on the observation).
MIN_TEMPERATURE = Decimal("34.0")
MAX_TEMPERATURE = Decimal("43.0")


def parse_temperature(raw: Any) -> Decimal:
    """A reading in °C with one decimal. Raises CheckInvalid ("check.invalid_temperature")."""
    try:
        value = Decimal(str(raw).strip().replace(",", ".")).quantize(Decimal("0.1"))
    except (InvalidOperation, ValueError):
        value = None
    if value is None or not MIN_TEMPERATURE <= value <= MAX_TEMPERATURE:
        raise CheckInvalid(
            _("Enter a temperature between 34.0 and 43.0 °C."),
            code="check.invalid_temperature",
            field="temperature_c",
        )
    return value


def _clean_symptoms(symptoms: Iterable[str]) -> list[str]:
    cleaned = []
    for s in symptoms or ():
        if s not in Symptom.values:
            raise CheckInvalid(
                _("Unknown symptom."), code="check.invalid_symptom", field="symptoms"
            )
        if s not in cleaned:
            cleaned.append(s)
    return cleaned


@transaction.atomic
def check_record(
    *,
    actor: Any,
    observation: Observation,
    slot: int,
    temperature_c: Any,
    symptoms: Iterable[str] = (),
    day: dt.date | None = None,
    note: str = "",
) -> DailyCheck:
    """Record one daily check (slot 1 = morning, 2 = evening when two checks a day).

    A temperature at or above the observation's fever threshold raises a ``fever`` alert,
    reported symptoms a ``symptoms`` alert, both to the responsible worker. A late check closes
    the open missed-check alert of its slot. The person's own resident account
    (``self_reporter``) may record too (source ``self``).

    Raises PermissionDenied ("observation.forbidden", "observation.out_of_scope"), NotActive
    ("observation.not_active"), CheckInvalid ("check.invalid_slot", "check.invalid_temperature",
    "check.invalid_symptom", "check.future", "check.out_of_period"), CheckDuplicate
    ("check.duplicate").
    """
    locked = (
        Observation.objects.select_for_update(of=("self",))
        .select_related("jurisdiction")
        .get(pk=observation.pk)
    )
    if is_self_reporter(actor, locked):
        source = CheckSource.SELF
    else:
        require_roles(actor, FIELD_ROLES)
        require_path(actor, locked.jurisdiction.path)
        source = CheckSource.GRID_WORKER
    if locked.status != Status.ACTIVE:
        raise NotActive(current=locked.status)
    today = timezone.localdate()
    day = day or today
    if day > today:
        raise CheckInvalid(
            _("A check cannot be recorded for a future day."), code="check.future", field="day"
        )
    if not locked.start_date <= day <= locked.end_date:
        raise CheckInvalid(
            _("This day is outside the observation period."),
            code="check.out_of_period",
            field="day",
        )
    if not 1 <= int(slot) <= locked.checks_per_day:
        raise CheckInvalid(
            _("Unknown check of the day."),
            code="check.invalid_slot",
            field="slot",
            checks_per_day=locked.checks_per_day,
        )
    temperature = parse_temperature(temperature_c)
    cleaned = _clean_symptoms(symptoms)
    try:
        with transaction.atomic():
            check = DailyCheck.objects.create(
                observation=locked,
                day=day,
                slot=int(slot),
                temperature_c=temperature,
                symptoms=cleaned,
                note=(note or "").strip()[:300],
                source=source,
                recorded_by=actor if getattr(actor, "pk", None) else None,
            )
    except IntegrityError:
        raise CheckDuplicate(day=day.isoformat(), slot=int(slot)) from None
    # Keep the latest day's progress on the observation (today's due list reads it); a late
    # check for an earlier day leaves it as it is.
    if locked.checks_day is None or day > locked.checks_day:
        locked.checks_day, locked.checks_done = day, 1
        locked.save(update_fields=["checks_day", "checks_done", "updated_at"])
    elif day == locked.checks_day:
        locked.checks_done += 1
        locked.save(update_fields=["checks_done", "updated_at"])
    audit_record(
        actor=actor,
        action="observation.check_recorded",
        target=check,
        changes={
            "day": day,
            "slot": int(slot),
            "temperature_c": temperature,
            "symptoms": cleaned,
            "source": source,
        },
    )
    raised: list[Alert] = []
    if temperature >= locked.fever_threshold_c:
        raised.append(Alert(kind=AlertKind.FEVER, value=temperature))
    if cleaned:
        raised.append(Alert(kind=AlertKind.SYMPTOMS))
    for alert in raised:
        alert.observation = locked
        alert.day = day
        alert.slot = int(slot)
        alert.check_ref = check
        alert.assignee = locked.responsible
        alert.save()
        audit_record(
            actor=actor,
            action="observation.alert_raised",
            target=alert,
            changes={"kind": alert.kind, "value": alert.value},
        )
    late = Alert.objects.filter(
        observation=locked, kind=AlertKind.MISSED_CHECK, day=day, slot=int(slot)
    ).exclude(status=AlertStatus.RESOLVED)
    for alert in late.select_for_update(of=("self",)):
        alert.status = AlertStatus.RESOLVED
        alert.resolved_at = timezone.now()
        alert.resolved_by = actor if getattr(actor, "pk", None) else None
        alert.resolution_note = "check recorded late"
        alert.save()
        audit_record(
            actor=actor,
            action="observation.alert_resolved",
            target=alert,
            changes={"status": [AlertStatus.OPEN, AlertStatus.RESOLVED], "by": "late_check"},
        )
    return check
