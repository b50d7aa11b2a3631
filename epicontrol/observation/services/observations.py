"""Writes of the observation life cycle: start, release, extend, transfer, close; lab tests.

State machine (``observation.invalid_transition``, 409)::

    active ──release──▶ released      (on or after the end date, release rule met)
      │  ├──transfer──▶ transferred   (to a designated hospital; a Transfer row is kept)
      │  └──close─────▶ closed        (moved away / entered in error, with a reason)
      └──extend──▶ active             (a later end date, with a reason)

Day counting is that of ``timers`` (end = anchor + N days).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from epicontrol.accounts.models import Membership
from epicontrol.core.audit import audit_record
from epicontrol.core.errors import NotFound
from epicontrol.core.scoping import scope_of
from epicontrol.jurisdictions.models import Jurisdiction, Unit
from epicontrol.observation import integrations
from epicontrol.observation.choices import (
    TRANSFER_FACILITY_KINDS,
    AlertKind,
    LabResult,
    Status,
    Transition,
)
from epicontrol.observation.errors import (
    AlreadyActive,
    LabTestInvalid,
    NotDue,
    ObservationInvalid,
    ObservationInvalidTransition,
    ReleaseBlocked,
)
from epicontrol.observation.models import (
    Alert,
    Extension,
    LabTest,
    Observation,
    RoomAssignment,
    Transfer,
)
from epicontrol.observation.permissions import FIELD_ROLES, require_path, require_roles
from epicontrol.observation.timers import plan_for
from epicontrol.people.models import Person


def _lock(observation: Observation) -> Observation:
    return (
        Observation.objects.select_for_update(of=("self",))
        .select_related("jurisdiction", "ledger_entry", "person")
        .get(pk=observation.pk)
    )


def _require_active(observation: Observation, target: str) -> None:
    if observation.status != Status.ACTIVE:
        raise ObservationInvalidTransition(current=observation.status, target=target)


def _default_responsible(actor: Any, jurisdiction: Jurisdiction) -> Any:
    """The acting grid worker, else the grid worker of the observation's own grid, if any."""
    if getattr(actor, "pk", None) and not actor.is_superuser and actor.has_role("grid_worker"):
        return actor
    membership = (
        Membership.objects.filter(
            role="grid_worker", jurisdiction=jurisdiction, unit__isnull=True, is_active=True
        )
        .select_related("user")
        .order_by("id")
        .first()
    )
    return membership.user if membership else None


@transaction.atomic
def observation_start(
    *,
    actor: Any,
    person: Person,
    category: str,
    anchor_date: dt.date | None,
    kind: str | None = None,
    jurisdiction: Jurisdiction | None = None,
    responsible: Any = None,
    self_reporter: Any = None,
    ledger_entry: Any = None,
    note: str = "",
    registered_on: dt.date | None = None,
) -> Observation:
    """Put a person under medical observation, with the plan of the edition in force on day 1.

    ``anchor_date`` is day 0 (last exposure, arrival or isolation day, per the rule's start; for
    a ledger entry with an arrival date it defaults to that). ``jurisdiction`` (default: the
    person's) owns the observation and decides who sees it; ``responsible`` (default: the actor
    when a grid worker) receives the alerts. A linked ledger entry moves to
    ``under_observation``. Daily checks are due from day 1, or from ``registered_on`` (default
    today) when the observation is registered later; back-entry of a paper ledger passes the day
    it was opened on paper.

    Raises PermissionDenied ("observation.forbidden", "observation.out_of_scope"), NotFound
    (person outside the actor's area), ObservationInvalid ("observation.anchor_in_future",
    "observation.invalid_category", "observation.invalid_kind",
    "observation.ledger_entry_mismatch", "observation.responsible_out_of_scope"), NoRule
    ("observation.no_rule", "observation.no_policy"), AlreadyActive
    ("observation.already_active").
    """
    require_roles(actor, FIELD_ROLES)
    if not Person.objects.visible_to(actor).filter(pk=person.pk).exists():
        raise NotFound()
    jurisdiction = jurisdiction or person.jurisdiction
    require_path(actor, jurisdiction.path)
    if ledger_entry is not None and ledger_entry.person_id != person.pk:
        raise ObservationInvalid(
            _("The ledger entry is of another person."),
            code="observation.ledger_entry_mismatch",
            field="ledger_entry",
        )
    if anchor_date is None and ledger_entry is not None:
        anchor_date = getattr(ledger_entry, "arrival_date", None)
    if anchor_date is None:
        raise ObservationInvalid(
            _("The last exposure or arrival date is required."),
            code="observation.anchor_required",
            field="anchor_date",
        )
    today = timezone.localdate()
    if anchor_date > today:
        raise ObservationInvalid(
            _("The last exposure or arrival date cannot be in the future."),
            code="observation.anchor_in_future",
            field="anchor_date",
        )
    plan = plan_for(category=category, anchor_date=anchor_date, kind=kind)
    if responsible is None:
        responsible = _default_responsible(actor, jurisdiction)
    if responsible is not None and not scope_of(responsible).covers_path(jurisdiction.path):
        raise ObservationInvalid(
            _("The responsible worker does not cover this jurisdiction."),
            code="observation.responsible_out_of_scope",
            field="responsible",
        )
    if Observation.objects.filter(person=person, status=Status.ACTIVE).exists():
        raise AlreadyActive(person=person.pk)
    try:
        with transaction.atomic():
            observation = Observation.objects.create(
                person=person,
                jurisdiction=jurisdiction,
                category=category,
                kind=plan.kind,
                responsible=responsible,
                self_reporter=self_reporter,
                ledger_entry=ledger_entry,
                anchor_basis=plan.anchor_basis,
                anchor_date=anchor_date,
                start_date=plan.start_date,
                end_date=plan.end_date,
                planned_end_date=plan.end_date,
                # Checks are due from day 1, or from the day it is registered if that is later:
                # nobody can be alerted for a morning before the observation existed.
                checks_from=max(plan.start_date, min(registered_on or today, today)),
                first_phase_days=plan.first_phase_days,
                second_phase_days=plan.second_phase_days,
                second_phase_kind=plan.second_phase_kind,
                phase2_from=plan.phase2_from,
                test_days=list(plan.test_days),
                fever_threshold_c=plan.fever_threshold_c,
                checks_per_day=plan.checks_per_day,
                grace_hours=plan.grace_hours,
                incubation_days=plan.incubation_days,
                policy_version=plan.policy_version,
                rule_version=plan.rule_version,
                plan=plan.snapshot(),
                note=note.strip(),
                created_by=actor if getattr(actor, "pk", None) else None,
            )
    except IntegrityError:
        # Two workers starting the same person at once: the partial unique index decides.
        raise AlreadyActive(person=person.pk) from None
    audit_record(
        actor=actor,
        action="observation.started",
        target=observation,
        changes={
            "person": person.pk,
            "category": category,
            "kind": plan.kind,
            "anchor_date": anchor_date,
            "end_date": plan.end_date,
            "test_days": list(plan.test_days),
            "policy": plan.policy_version.code,
            "rule": f"{plan.rule_version.domain}:{plan.rule_version.code}",
        },
    )
    integrations.ledger_status_set(
        actor=actor, observation=observation, status="under_observation", on=plan.start_date
    )
    return observation


def _end_room(observation: Observation, at: dt.datetime) -> None:
    RoomAssignment.objects.filter(observation=observation, ended_at__isnull=True).update(
        ended_at=at
    )


def _finish(observation: Observation, *, actor: Any, status: str, on: dt.date, note: str) -> None:
    now = timezone.now()
    observation.status = status
    observation.ended_on = on
    observation.ended_at = now
    observation.ended_by = actor if getattr(actor, "pk", None) else None
    observation.end_note = note
    _end_room(observation, now)


def release_blockers(observation: Observation, on: dt.date) -> list[dict[str, Any]]:
    """Why ``observation`` cannot be released on ``on`` (empty when it can).

    The release rule of the plan: the period is over (``on`` ≥ end date), no test was positive,
    and every planned test day up to the end has a negative result (8th/9th editions, 新十条
    "negative on day 5"; 2020 editions planned no tests).
    """
    blockers: list[dict[str, Any]] = []
    if on < observation.end_date:
        blockers.append({"reason": "not_due", "end_date": observation.end_date.isoformat()})
    results = list(observation.tests.values_list("day_number", "result"))
    if any(r == LabResult.POSITIVE for _, r in results):
        blockers.append({"reason": "positive_result"})
    negative_days = {d for d, r in results if r == LabResult.NEGATIVE}
    missing = [int(d) for d in observation.test_days if int(d) not in negative_days]
    if missing:
        blockers.append({"reason": "tests_missing", "days": missing})
    return blockers


@transaction.atomic
def observation_release(
    *, actor: Any, observation: Observation, on: dt.date | None = None, note: str = ""
) -> Observation:
    """Release (解除医学观察) on ``on`` (default today) under the plan's release rule.

    Sets ``cleared_after_incubation`` when the person was observed, without a positive result,
    for at least the edition's incubation period (days from the anchor to the release).
    Ends the room assignment; a linked ledger entry becomes ``cleared``.

    Raises ObservationInvalidTransition ("observation.invalid_transition") unless active;
    NotDue ("observation.not_due") before the end date; ReleaseBlocked
    ("observation.release_blocked") with ``details.blockers`` for a positive or missing test;
    ObservationInvalid ("observation.release_in_future").
    """
    require_roles(actor, FIELD_ROLES)
    locked = _lock(observation)
    require_path(actor, locked.jurisdiction.path)
    _require_active(locked, Status.RELEASED)
    on = on or timezone.localdate()
    if on > timezone.localdate():
        raise ObservationInvalid(
            _("The release date cannot be in the future."),
            code="observation.release_in_future",
            field="on",
        )
    blockers = release_blockers(locked, on)
    if any(b["reason"] == "not_due" for b in blockers):
        raise NotDue(end_date=locked.end_date.isoformat())
    if blockers:
        raise ReleaseBlocked(blockers=blockers)
    _finish(locked, actor=actor, status=Status.RELEASED, on=on, note=note.strip())
    locked.cleared_after_incubation = (on - locked.anchor_date).days >= locked.incubation_days
    locked.save()
    audit_record(
        actor=actor,
        action="observation.released",
        target=locked,
        changes={
            "status": [Status.ACTIVE, Status.RELEASED],
            "on": on,
            "cleared_after_incubation": locked.cleared_after_incubation,
        },
    )
    integrations.ledger_status_set(
        actor=actor, observation=locked, status="cleared", reason=note, on=on
    )
    return locked


@transaction.atomic
def observation_extend(
    *, actor: Any, observation: Observation, new_end_date: dt.date, reason: str
) -> Observation:
    """Extend an active observation to a later end date, with a reason (kept as an Extension).

    Planned test days are unchanged. Raises ObservationInvalidTransition unless active;
    ObservationInvalid ("observation.reason_required", "observation.extension_not_later").
    """
    require_roles(actor, FIELD_ROLES)
    locked = _lock(observation)
    require_path(actor, locked.jurisdiction.path)
    _require_active(locked, Transition.EXTEND)
    reason = (reason or "").strip()
    if not reason:
        raise ObservationInvalid(
            _("A reason is required."), code="observation.reason_required", field="reason"
        )
    if new_end_date <= locked.end_date:
        raise ObservationInvalid(
            _("The new end date must be after the current one."),
            code="observation.extension_not_later",
            field="new_end_date",
            end_date=locked.end_date.isoformat(),
        )
    previous = locked.end_date
    locked.end_date = new_end_date
    locked.save()
    Extension.objects.create(
        observation=locked,
        previous_end=previous,
        new_end=new_end_date,
        reason=reason[:300],
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    audit_record(
        actor=actor,
        action="observation.extended",
        target=locked,
        changes={"end_date": [previous, new_end_date], "reason": reason},
    )
    return locked


@transaction.atomic
def observation_transfer(
    *,
    actor: Any,
    observation: Observation,
    facility: Unit,
    transferred_at: dt.datetime | None = None,
    note: str = "",
) -> Observation:
    """Transfer to a designated hospital (or fever clinic): ends the observation.

    A Transfer row is always kept; the cases module (when installed) opens the case through
    ``case_admit_transfer`` and its id is stored. A linked ledger entry becomes ``transferred``.

    Raises ObservationInvalidTransition unless active; ObservationInvalid
    ("observation.invalid_facility") for a unit that is not an active hospital or fever clinic,
    ("observation.transfer_in_future").
    """
    require_roles(actor, FIELD_ROLES)
    locked = _lock(observation)
    require_path(actor, locked.jurisdiction.path)
    _require_active(locked, Status.TRANSFERRED)
    if facility.kind not in TRANSFER_FACILITY_KINDS or not facility.is_active:
        raise ObservationInvalid(
            _("Choose an active designated hospital or fever clinic."),
            code="observation.invalid_facility",
            field="facility",
        )
    now = timezone.now()
    at = transferred_at or now
    if at > now:
        raise ObservationInvalid(
            _("The transfer time cannot be in the future."),
            code="observation.transfer_in_future",
            field="transferred_at",
        )
    day = timezone.localdate(at)
    _finish(locked, actor=actor, status=Status.TRANSFERRED, on=day, note=note.strip())
    locked.save()
    case_id = integrations.case_admit_transfer(
        actor=actor, person=locked.person, facility=facility, reported_at=at, note=note
    )
    transfer = Transfer.objects.create(
        observation=locked,
        facility=facility,
        transferred_at=at,
        note=note.strip()[:300],
        case_id=case_id,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    audit_record(
        actor=actor,
        action="observation.transferred",
        target=locked,
        changes={
            "status": [Status.ACTIVE, Status.TRANSFERRED],
            "facility": facility.pk,
            "transfer": transfer.pk,
            "case": case_id,
        },
    )
    integrations.ledger_status_set(
        actor=actor, observation=locked, status="transferred", reason=note, on=day
    )
    return locked


@transaction.atomic
def observation_close(
    *, actor: Any, observation: Observation, reason: str, on: dt.date | None = None
) -> Observation:
    """Close an observation that does not end by release or transfer (moved away, error).

    Raises ObservationInvalidTransition unless active; ObservationInvalid
    ("observation.reason_required").
    """
    require_roles(actor, FIELD_ROLES)
    locked = _lock(observation)
    require_path(actor, locked.jurisdiction.path)
    _require_active(locked, Status.CLOSED)
    reason = (reason or "").strip()
    if not reason:
        raise ObservationInvalid(
            _("A reason is required."), code="observation.reason_required", field="reason"
        )
    day = min(on or timezone.localdate(), timezone.localdate())
    _finish(locked, actor=actor, status=Status.CLOSED, on=day, note=reason)
    locked.save()
    audit_record(
        actor=actor,
        action="observation.closed",
        target=locked,
        changes={"status": [Status.ACTIVE, Status.CLOSED], "reason": reason},
    )
    integrations.ledger_status_set(
        actor=actor, observation=locked, status="moved_away", reason=reason, on=day
    )
    return locked


def observation_transition(
    *,
    actor: Any,
    observation: Observation,
    action: str,
    on: dt.date | None = None,
    new_end_date: dt.date | None = None,
    reason: str = "",
    facility: Unit | None = None,
    transferred_at: dt.datetime | None = None,
) -> Observation:
    """One entry point for the API's ``transition``: release, extend, transfer or close.

    Raises ObservationInvalid ("observation.invalid_action", "observation.new_end_required",
    "observation.facility_required") besides the errors of each action.
    """
    if action == Transition.RELEASE:
        return observation_release(actor=actor, observation=observation, on=on, note=reason)
    if action == Transition.EXTEND:
        if new_end_date is None:
            raise ObservationInvalid(
                _("The new end date is required."),
                code="observation.new_end_required",
                field="new_end_date",
            )
        return observation_extend(
            actor=actor, observation=observation, new_end_date=new_end_date, reason=reason
        )
    if action == Transition.TRANSFER:
        if facility is None:
            raise ObservationInvalid(
                _("Choose the hospital."), code="observation.facility_required", field="facility"
            )
        return observation_transfer(
            actor=actor,
            observation=observation,
            facility=facility,
            transferred_at=transferred_at,
            note=reason,
        )
    if action == Transition.CLOSE:
        return observation_close(actor=actor, observation=observation, reason=reason, on=on)
    raise ObservationInvalid(
        _("Unknown action."), code="observation.invalid_action", field="action"
    )


def _parse_ct(value: Any) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        ct = Decimal(str(value))
    except InvalidOperation:
        raise LabTestInvalid(
            _("The Ct value is not a number."), code="lab_test.invalid_ct", field="ct_value"
        ) from None
    if not Decimal(0) < ct <= Decimal(50):
        raise LabTestInvalid(
            _("The Ct value must be between 0 and 50."),
            code="lab_test.invalid_ct",
            field="ct_value",
        )
    return ct


@transaction.atomic
def lab_test_record(
    *,
    actor: Any,
    observation: Observation,
    sample_date: dt.date,
    result: str,
    ct_value: Any = None,
    note: str = "",
) -> LabTest:
    """Record a nucleic-acid test (sample date, result, Ct). A positive result raises an alert.

    Raises ObservationInvalidTransition unless active; LabTestInvalid
    ("lab_test.invalid_result", "lab_test.invalid_ct", "lab_test.out_of_period",
    "lab_test.future").
    """
    require_roles(actor, FIELD_ROLES)
    locked = _lock(observation)
    require_path(actor, locked.jurisdiction.path)
    _require_active(locked, "lab_test")
    if result not in LabResult.values:
        raise LabTestInvalid(_("Unknown result."), code="lab_test.invalid_result", field="result")
    if sample_date > timezone.localdate():
        raise LabTestInvalid(
            _("The sample date cannot be in the future."),
            code="lab_test.future",
            field="sample_date",
        )
    if not locked.anchor_date <= sample_date <= locked.end_date:
        raise LabTestInvalid(
            _("The sample date is outside the observation period."),
            code="lab_test.out_of_period",
            field="sample_date",
        )
    test = LabTest.objects.create(
        observation=locked,
        day_number=locked.day_number(sample_date),
        sample_date=sample_date,
        result=result,
        ct_value=_parse_ct(ct_value),
        note=note.strip()[:300],
        recorded_by=actor if getattr(actor, "pk", None) else None,
    )
    audit_record(
        actor=actor,
        action="observation.test_recorded",
        target=test,
        changes={"sample_date": sample_date, "result": result, "ct_value": test.ct_value},
    )
    if result == LabResult.POSITIVE:
        alert = Alert.objects.create(
            observation=locked,
            kind=AlertKind.POSITIVE_TEST,
            day=sample_date,
            lab_test=test,
            value=test.ct_value,
            assignee=locked.responsible,
        )
        audit_record(actor=actor, action="observation.alert_raised", target=alert)
    return test


__all__ = [
    "lab_test_record",
    "observation_close",
    "observation_extend",
    "observation_release",
    "observation_start",
    "observation_transfer",
    "observation_transition",
    "release_blockers",
]
