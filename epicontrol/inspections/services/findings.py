"""The finding workflow: 交办 → 整改 → 回头看 → 销号, and the daily overdue flag (通报).

Legal moves (anything else is ``finding.invalid_transition``, 409):

=========  =========================  ===========  ==================
action     from                       to           by
=========  =========================  ===========  ==================
assign     found                      assigned     inspecting side
start      assigned                   rectifying   responsible side
submit     rectifying, reopened       submitted    responsible side
verify     submitted                  closed       inspecting side
reopen     submitted                  reopened     inspecting side
=========  =========================  ===========  ==================

立行立改 (rectified_on_spot) is set when the record is submitted, never later.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from epicontrol.core.audit import audit_record
from epicontrol.inspections.choices import OPEN_STATUSES, FindingAction, FindingStatus
from epicontrol.inspections.errors import FindingDenied, FindingTransitionError, InvalidInput
from epicontrol.inspections.models import Finding, FindingEvent, member_group_ids
from epicontrol.inspections.permissions import is_inspecting_side, is_responsible_side
from epicontrol.inspections.policy import inspection_policy
from epicontrol.jurisdictions.models import Jurisdiction, Unit

from .photos import photo_store
from .records import PhotoInput

INSPECTING, RESPONSIBLE = "inspecting", "responsible"


@dataclass(frozen=True)
class Move:
    sources: frozenset[str]
    target: str
    side: str


MOVES: dict[str, Move] = {
    FindingAction.ASSIGN: Move(
        frozenset({FindingStatus.FOUND}), FindingStatus.ASSIGNED, INSPECTING
    ),
    FindingAction.START: Move(
        frozenset({FindingStatus.ASSIGNED}), FindingStatus.RECTIFYING, RESPONSIBLE
    ),
    FindingAction.SUBMIT: Move(
        frozenset({FindingStatus.RECTIFYING, FindingStatus.REOPENED}),
        FindingStatus.SUBMITTED,
        RESPONSIBLE,
    ),
    FindingAction.VERIFY: Move(
        frozenset({FindingStatus.SUBMITTED}), FindingStatus.CLOSED, INSPECTING
    ),
    FindingAction.REOPEN: Move(
        frozenset({FindingStatus.SUBMITTED}), FindingStatus.REOPENED, INSPECTING
    ),
}


def allowed_actions(finding: Finding, user: Any) -> list[str]:
    """The actions this user may take on this finding now (for buttons and the API)."""
    out = []
    for action, move in MOVES.items():
        if finding.status in move.sources and _on_side(user, finding, move.side):
            out.append(action)
    return out


def _on_side(user: Any, finding: Finding, side: str) -> bool:
    if side == INSPECTING:
        return is_inspecting_side(
            user, group_id=finding.group_id, command_path=finding.command_path
        )
    # The inspectors never rectify their own findings, even when their area covers the target.
    if finding.group_id in member_group_ids(user) and not getattr(user, "is_superuser", False):
        return False
    return is_responsible_side(
        user, path=finding.responsible_path, unit_id=finding.responsible_unit_id
    )


@transaction.atomic
def finding_transition(
    *,
    actor: Any,
    finding: Finding,
    action: str,
    note: str = "",
    deadline: dt.date | None = None,
    requirements: str = "",
    responsible_unit: Unit | None = None,
    responsible_jurisdiction: Jurisdiction | None = None,
    photos: Sequence[PhotoInput] = (),
    now: dt.datetime | None = None,
) -> Finding:
    """Move a finding one step. ``assign`` may set the deadline, the requirements of the 交办函
    and another responsible unit/jurisdiction (inside the dispatching area); ``submit`` needs a
    note or photos (the rectification evidence); ``reopen`` needs a note (why).

    Raises InvalidInput ("finding.invalid_action", "finding.note_required",
    "finding.invalid_deadline", "finding.invalid_responsible"), FindingTransitionError
    ("finding.invalid_transition", 409) and FindingDenied ("finding.permission_denied", 403).
    """
    move = MOVES.get(action)
    if move is None:
        raise InvalidInput(_("Unknown action."), code="finding.invalid_action", field="action")
    locked = Finding.objects.select_for_update().get(pk=finding.pk)
    if locked.status not in move.sources:
        raise FindingTransitionError(
            current=locked.status,
            target=move.target,
            action=action,
            message=_("This step is not allowed in the finding's current status."),
        )
    if not _on_side(actor, locked, move.side):
        raise FindingDenied(action=action)
    # ``now`` lets the demo replay February 2020; pages and the API never pass it.
    now = now or timezone.now()
    today = timezone.localdate(now)
    note = note.strip()
    before_status, before_deadline = locked.status, locked.deadline
    before_path = locked.responsible_path
    if action == FindingAction.ASSIGN:
        _assign(
            locked,
            actor=actor,
            deadline=deadline,
            requirements=requirements,
            unit=responsible_unit,
            jurisdiction=responsible_jurisdiction,
            today=today,
        )
        locked.assigned_at = now
        locked.assigned_by = actor
    elif action == FindingAction.SUBMIT:
        if not note and not photos and not locked.photos.exists():
            raise InvalidInput(
                _("Describe the rectification or add photos."),
                code="finding.note_required",
                field="note",
            )
        locked.rectification_note = note
        locked.submitted_at = now
        locked.submitted_on = today
        for p in photos:
            photo_store(
                actor=actor,
                upload=p.upload,
                finding=locked,
                taken_at=p.taken_at,
                latitude=p.latitude,
                longitude=p.longitude,
            )
    elif action == FindingAction.VERIFY:
        locked.verification_note = note
        locked.verified_by = actor
        locked.closed_on = today
    elif action == FindingAction.REOPEN:
        if not note:
            raise InvalidInput(
                _("Say what is still wrong."), code="finding.note_required", field="note"
            )
        locked.verification_note = note
        locked.reopen_count += 1
        if deadline is not None:
            _check_deadline(deadline, today)
            locked.deadline = deadline
    locked.status = move.target
    locked.save()
    FindingEvent.objects.create(
        created_at=now,
        finding=locked,
        action=action,
        from_status=before_status,
        to_status=move.target,
        actor=actor if getattr(actor, "pk", None) else None,
        note=note,
        data={"deadline": locked.deadline.isoformat(), "photos": len(photos)},
    )
    changes: dict[str, Any] = {"status": [before_status, move.target], "note": note}
    if locked.deadline != before_deadline:
        changes["deadline"] = [before_deadline, locked.deadline]
    if locked.responsible_path != before_path:
        changes["responsible_path"] = [before_path, locked.responsible_path]
    audit_record(
        actor=actor, action=f"inspections.finding_{action}", target=locked, changes=changes
    )
    return locked


def _check_deadline(deadline: dt.date, today: dt.date) -> None:
    if deadline < today:
        raise InvalidInput(
            _("The deadline is in the past."), code="finding.invalid_deadline", field="deadline"
        )


def _assign(
    finding: Finding,
    *,
    actor: Any,
    deadline: dt.date | None,
    requirements: str,
    unit: Unit | None,
    jurisdiction: Jurisdiction | None,
    today: dt.date,
) -> None:
    if deadline is not None:
        _check_deadline(deadline, today)
        finding.deadline = deadline
    finding.requirements = requirements.strip()
    if unit is not None or jurisdiction is not None:
        new_jurisdiction = unit.jurisdiction if unit is not None else jurisdiction
        assert new_jurisdiction is not None
        if not new_jurisdiction.path.startswith(finding.command_path):
            raise InvalidInput(
                _("The responsible side must be inside the dispatching area."),
                code="finding.invalid_responsible",
                field="responsible",
            )
        finding.responsible_unit = unit
        finding.responsible_jurisdiction = new_jurisdiction
        finding.responsible_path = new_jurisdiction.path


@dataclass(frozen=True)
class OverdueRun:
    flagged: int
    escalated: int


@transaction.atomic
def findings_flag_overdue(
    *, today: dt.date, actor: Any = None, now: dt.datetime | None = None
) -> OverdueRun:
    """Flag open findings past their deadline and escalate them (通报) one level up the tree,
    then one more level per ``escalation_interval_days`` still overdue, up to the top.

    Idempotent: the level is a function of the date, and a finding is written only when its
    computed level is above the stored one, so a second run on the same day changes nothing.
    """
    interval = inspection_policy(today).escalation_interval_days
    candidates = list(
        Finding.objects.select_for_update(of=("self",))
        .filter(status__in=OPEN_STATUSES, deadline__lt=today)
        .select_related("responsible_jurisdiction")
        .order_by("pk")
    )
    ancestors = _ancestor_map(candidates)
    flagged = escalated = 0
    for f in candidates:
        days_over = (today - f.deadline).days
        chain = [c for c in f.responsible_path.split("/") if c]
        # Level n means "escalated to the n-th ancestor"; the province is as high as it goes.
        level = min(1 + (days_over - 1) // interval, len(chain) - 1)
        newly_flagged = not f.is_overdue
        if not newly_flagged and level <= f.escalation_level:
            continue
        before = (f.is_overdue, f.escalation_level)
        f.is_overdue = True
        f.overdue_since = f.overdue_since or f.deadline + dt.timedelta(days=1)
        if level > f.escalation_level:
            f.escalation_level = level
            f.escalated_to = ancestors.get(chain[len(chain) - 1 - level]) if level else None
            escalated += 1
        flagged += int(newly_flagged)
        f.save(
            update_fields=[
                "is_overdue",
                "overdue_since",
                "escalation_level",
                "escalated_to",
                "updated_at",
            ]
        )
        FindingEvent.objects.create(
            created_at=now or timezone.now(),
            finding=f,
            action="escalated" if level else "overdue",
            from_status=f.status,
            to_status=f.status,
            actor=actor if getattr(actor, "pk", None) else None,
            data={
                "level": level,
                "escalated_to": f.escalated_to.code if f.escalated_to else None,
                "days_overdue": days_over,
            },
        )
        audit_record(
            actor=actor,
            action="inspections.finding_escalated",
            target=f,
            changes={
                "overdue": [before[0], True],
                "escalation_level": [before[1], level],
                "escalated_to": f.escalated_to.code if f.escalated_to else None,
            },
        )
    return OverdueRun(flagged=flagged, escalated=escalated)


def _ancestor_map(findings: Sequence[Finding]) -> dict[str, Jurisdiction]:
    codes = {c for f in findings for c in f.responsible_path.split("/") if c}
    return {j.code: j for j in Jurisdiction.objects.filter(code__in=codes)}
