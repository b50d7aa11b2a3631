"""Living needs (生活需求) of people in home isolation: requests and their handling."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from epicontrol.core.audit import audit_record
from epicontrol.observation.choices import NeedKind, NeedStatus, Status
from epicontrol.observation.errors import NeedInvalid, NeedInvalidTransition, NotActive
from epicontrol.observation.models import LivingNeed, Observation
from epicontrol.observation.permissions import (
    FIELD_ROLES,
    is_self_reporter,
    require_path,
    require_roles,
)


@transaction.atomic
def need_create(*, actor: Any, observation: Observation, kind: str, detail: str) -> LivingNeed:
    """Record a request (food, medicine, other) of a person under observation.

    The person's own resident account may ask too. Raises NotActive ("observation.not_active"),
    NeedInvalid ("living_need.invalid_kind", "living_need.detail_required"), PermissionDenied.
    """
    # Read the row again: the caller's instance may predate a release or transfer.
    observation = (
        Observation.objects.select_for_update(of=("self",))
        .select_related("jurisdiction")
        .get(pk=observation.pk)
    )
    if not is_self_reporter(actor, observation):
        require_roles(actor, FIELD_ROLES)
        require_path(actor, observation.jurisdiction.path)
    if observation.status != Status.ACTIVE:
        raise NotActive(current=observation.status)
    if kind not in NeedKind.values:
        raise NeedInvalid(_("Unknown kind of need."), code="living_need.invalid_kind", field="kind")
    detail = (detail or "").strip()
    if not detail:
        raise NeedInvalid(
            _("Say what is needed."), code="living_need.detail_required", field="detail"
        )
    need = LivingNeed.objects.create(
        observation=observation,
        kind=kind,
        detail=detail[:300],
        requested_by=actor if getattr(actor, "pk", None) else None,
    )
    audit_record(
        actor=actor,
        action="observation.need_requested",
        target=need,
        changes={"kind": kind, "detail": need.detail},
    )
    return need


@transaction.atomic
def need_handle(*, actor: Any, need: LivingNeed, note: str = "") -> LivingNeed:
    """Mark a request handled (open → handled), recording who and when.

    Raises NeedInvalidTransition ("living_need.invalid_transition"), PermissionDenied.
    """
    require_roles(actor, FIELD_ROLES)
    locked = (
        LivingNeed.objects.select_for_update(of=("self",))
        .select_related("observation__jurisdiction")
        .get(pk=need.pk)
    )
    require_path(actor, locked.observation.jurisdiction.path)
    if locked.status != NeedStatus.OPEN:
        raise NeedInvalidTransition(current=locked.status, target=NeedStatus.HANDLED)
    locked.status = NeedStatus.HANDLED
    locked.handled_at = timezone.now()
    locked.handled_by = actor if getattr(actor, "pk", None) else None
    locked.handling_note = (note or "").strip()[:300]
    locked.save()
    audit_record(
        actor=actor,
        action="observation.need_handled",
        target=locked,
        changes={"status": [NeedStatus.OPEN, NeedStatus.HANDLED], "note": locked.handling_note},
    )
    return locked
