"""Supervision groups (督导组): dispatch a group from a command jurisdiction to target areas."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from epicontrol.core.audit import audit_record
from epicontrol.inspections.errors import InspectionDenied, InvalidInput, TargetOutOfScope
from epicontrol.inspections.models import SupervisionGroup
from epicontrol.inspections.permissions import can_command
from epicontrol.jurisdictions.models import Jurisdiction


@transaction.atomic
def group_create(
    *,
    actor: Any,
    name: str,
    command_jurisdiction: Jurisdiction,
    leader: Any,
    members: Sequence[Any] = (),
    targets: Sequence[Jurisdiction],
    starts_on: dt.date,
    ends_on: dt.date | None = None,
    notes: str = "",
) -> SupervisionGroup:
    """Dispatch a group. The leader is always a member.

    Raises InspectionDenied ("inspection.permission_denied") unless the actor holds a command
    role over ``command_jurisdiction``; TargetOutOfScope ("inspection.target_out_of_scope")
    for a target outside it; InvalidInput ("inspection.invalid") for an empty name, no
    targets or an end before the start.
    """
    if not can_command(actor, path=command_jurisdiction.path):
        raise InspectionDenied()
    name = (name or "").strip()
    if not name:
        raise InvalidInput(pgettext("inspection", "A name is required."), field="name")
    if not targets:
        raise InvalidInput(_("Choose at least one target area."), field="targets")
    if ends_on is not None and ends_on < starts_on:
        raise InvalidInput(_("The end is before the start."), field="ends_on")
    for target in targets:
        if not target.path.startswith(command_jurisdiction.path):
            raise TargetOutOfScope(field="targets", target=target.code)
    group = SupervisionGroup.objects.create(
        name=name,
        command_jurisdiction=command_jurisdiction,
        command_path=command_jurisdiction.path,
        leader=leader,
        starts_on=starts_on,
        ends_on=ends_on,
        notes=notes,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    group.targets.set(targets)
    member_ids = {leader.pk, *(m.pk for m in members)}
    group.members.set(member_ids)
    audit_record(
        actor=actor,
        action="inspections.group_created",
        target=group,
        changes={
            "name": name,
            "command": command_jurisdiction.code,
            "targets": sorted(t.code for t in targets),
            "leader": leader.pk,
            "members": sorted(member_ids),
        },
    )
    return group
