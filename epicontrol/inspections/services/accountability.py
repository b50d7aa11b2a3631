"""Accountability (问责) decisions linked to a finding or an inspection record."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from epicontrol.core.audit import audit_record
from epicontrol.inspections.choices import Measure, SubjectKind
from epicontrol.inspections.errors import AccountabilityInvalid, InspectionDenied
from epicontrol.inspections.models import Accountability, Finding, InspectionRecord
from epicontrol.inspections.permissions import is_inspecting_side
from epicontrol.jurisdictions.models import Unit


@transaction.atomic
def accountability_create(
    *,
    actor: Any,
    subject_kind: str,
    subject_name: str,
    measure: str,
    decided_by: str,
    decided_on: dt.date,
    finding: Finding | None = None,
    record: InspectionRecord | None = None,
    subject_position: str = "",
    subject_unit: Unit | None = None,
    notes: str = "",
) -> Accountability:
    """Record who was held accountable, how, by whom and when.

    Raises AccountabilityInvalid ("accountability.invalid": no link, unknown measure or kind,
    empty name or decider, a date in the future) and InspectionDenied (only the inspecting side
    of the finding or record).
    """
    if finding is None and record is None:
        raise AccountabilityInvalid(_("Link a finding or a record."), field="finding")
    if finding is not None and record is None:
        record = finding.record
    assert record is not None
    if finding is not None and finding.record_id != record.pk:
        raise AccountabilityInvalid(_("The finding is not from this record."), field="record")
    if not is_inspecting_side(actor, group_id=record.group_id, command_path=record.command_path):
        raise InspectionDenied()
    if measure not in Measure.values:
        raise AccountabilityInvalid(_("Unknown measure."), field="measure")
    if subject_kind not in SubjectKind.values:
        raise AccountabilityInvalid(_("Unknown subject kind."), field="subject_kind")
    if not subject_name.strip():
        raise AccountabilityInvalid(_("Name the person or unit."), field="subject_name")
    if not decided_by.strip():
        raise AccountabilityInvalid(_("Name who decided."), field="decided_by")
    if decided_on > timezone.localdate():
        raise AccountabilityInvalid(_("The decision date is in the future."), field="decided_on")
    if subject_unit is not None:
        jurisdiction = subject_unit.jurisdiction
    elif finding is not None:
        jurisdiction = finding.responsible_jurisdiction
    else:
        jurisdiction = record.target_jurisdiction
    entry = Accountability.objects.create(
        finding=finding,
        record=record,
        group_id=record.group_id,
        subject_kind=subject_kind,
        subject_name=subject_name.strip(),
        subject_position=subject_position.strip(),
        subject_unit=subject_unit,
        jurisdiction=jurisdiction,
        jurisdiction_path=jurisdiction.path,
        command_path=record.command_path,
        measure=measure,
        decided_by=decided_by.strip(),
        decided_on=decided_on,
        notes=notes.strip(),
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    audit_record(
        actor=actor,
        action="inspections.accountability_created",
        target=entry,
        changes={
            "finding": finding.pk if finding else None,
            "record": record.pk,
            "subject_kind": subject_kind,
            "measure": measure,
            "decided_by": decided_by.strip(),
            "decided_on": decided_on,
        },
    )
    return entry
