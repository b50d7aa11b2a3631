"""On-site records: submit a filled checklist (idempotent on the client id), correct it as a new
version. The score is computed here from the checklist's rules; findings are created from the
failed items and the free-text problems."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from epicontrol.core.audit import audit_bulk, audit_record
from epicontrol.inspections.choices import FindingStatus, Severity, TaskStatus
from epicontrol.inspections.errors import (
    ClientIdConflict,
    IncompleteRecord,
    InspectionDenied,
    InvalidInput,
    RecordNotCurrent,
    TaskAlreadySubmitted,
    TaskCancelled,
)
from epicontrol.inspections.models import (
    ChecklistItem,
    ChecklistTemplate,
    Finding,
    FindingEvent,
    InspectionRecord,
    InspectionTask,
    ItemResult,
    Photo,
)
from epicontrol.inspections.permissions import is_group_member, is_inspecting_side
from epicontrol.inspections.policy import InspectionPolicy, inspection_policy
from epicontrol.inspections.scoring import (
    ItemInput,
    ItemScore,
    Rule,
    SheetScore,
    score_item,
    score_sheet,
)
from epicontrol.jurisdictions.models import Unit

from .photos import photo_store

# A device clock a little ahead of the server is tolerated; more is refused.
CLOCK_SKEW = dt.timedelta(minutes=10)


@dataclass(frozen=True)
class ResultInput:
    """One item as entered: ``outcome`` (pass/fail/na), ``value`` (scale) or ``occurrences``."""

    item_code: str
    outcome: str | None = None
    value: Decimal | None = None
    occurrences: int = 0
    note: str = ""
    rectified_on_spot: bool = False


@dataclass(frozen=True)
class ProblemInput:
    """A problem outside the checklist (free text)."""

    description: str
    severity: str = Severity.MEDIUM
    category: str = ""
    rectified_on_spot: bool = False
    responsible_unit: Unit | None = None


@dataclass(frozen=True)
class PhotoInput:
    upload: UploadedFile
    item_code: str = ""
    taken_at: dt.datetime | None = None
    latitude: Decimal | None = None
    longitude: Decimal | None = None


@dataclass(frozen=True)
class ScoredItem:
    item: ChecklistItem
    entry: ResultInput
    score: ItemScore


def score_results(
    template: ChecklistTemplate, results: Sequence[ResultInput]
) -> tuple[list[ScoredItem], SheetScore]:
    """Score a filled checklist with the template's rules (no writes).

    Raises IncompleteRecord ("record.incomplete", with the missing item codes), InvalidInput
    ("record.unknown_item") and InvalidItemResult ("record.invalid_item_result").
    """
    items = list(template.items.all())
    by_code = {r.item_code: r for r in results}
    unknown = sorted(set(by_code) - {i.code for i in items})
    if unknown:
        raise InvalidInput(_("Unknown checklist items."), code="record.unknown_item", items=unknown)
    missing = [i.code for i in items if i.code not in by_code]
    if missing:
        raise IncompleteRecord(items=missing)
    scored = []
    for item in items:
        entry = by_code[item.code]
        score = score_item(
            Rule.parse(item.rule),
            ItemInput(outcome=entry.outcome, value=entry.value, occurrences=entry.occurrences),
            code=item.code,
        )
        scored.append(ScoredItem(item=item, entry=entry, score=score))
    sheet = score_sheet(
        base_score=template.base_score,
        pass_percent=template.pass_percent,
        items=[(s.score, s.item.veto) for s in scored],
    )
    return scored, sheet


def _check_problems(problems: Sequence[ProblemInput]) -> None:
    for p in problems:
        if not p.description.strip():
            raise InvalidInput(_("Describe the problem."), field="problems")
        if p.severity not in Severity.values:
            raise InvalidInput(_("Unknown severity."), field="problems")


def _inspected_at(raw: dt.datetime | None) -> dt.datetime:
    now = timezone.now()
    if raw is None:
        return now
    if timezone.is_naive(raw):
        raw = timezone.make_aware(raw)
    if raw > now + CLOCK_SKEW:
        raise InvalidInput(
            _("The inspection time is in the future."),
            code="record.invalid_time",
            field="inspected_at",
        )
    return raw


def _new_finding(
    *,
    record: InspectionRecord,
    policy: InspectionPolicy,
    description: str,
    severity: str,
    on_spot: bool,
    item: ChecklistItem | None = None,
    category: str = "",
    unit: Unit | None = None,
) -> Finding:
    unit = unit or record.target_unit
    jurisdiction = unit.jurisdiction if unit is not None else record.target_jurisdiction
    return Finding(
        record=record,
        item=item,
        item_code=item.code if item else "",
        category=item.category if item else category,
        description=description,
        severity=severity,
        status=FindingStatus.RECTIFIED_ON_SPOT if on_spot else FindingStatus.FOUND,
        group_id=record.group_id,
        target_type=record.target_type,
        responsible_jurisdiction=jurisdiction,
        responsible_unit=unit,
        responsible_path=jurisdiction.path,
        command_path=record.command_path,
        found_on=record.inspected_on,
        deadline=policy.deadline_for(severity, record.inspected_on),
        closed_on=record.inspected_on if on_spot else None,
    )


def _create_findings(
    *,
    actor: Any,
    record: InspectionRecord,
    scored: Sequence[ScoredItem],
    problems: Sequence[ProblemInput],
    now: dt.datetime | None = None,
) -> list[Finding]:
    policy = inspection_policy(record.inspected_on)
    findings = [
        _new_finding(
            record=record,
            policy=policy,
            item=s.item,
            description=s.item.text
            + (f" — {s.entry.note.strip()}" if s.entry.note.strip() else ""),
            severity=Severity.HIGH if s.item.veto else s.item.severity,
            on_spot=s.entry.rectified_on_spot,
        )
        for s in scored
        if s.score.failed
    ]
    findings += [
        _new_finding(
            record=record,
            policy=policy,
            description=p.description.strip(),
            severity=p.severity,
            category=p.category.strip(),
            unit=p.responsible_unit,
            on_spot=p.rectified_on_spot,
        )
        for p in problems
    ]
    created = Finding.objects.bulk_create(findings)
    actor_obj = actor if getattr(actor, "pk", None) else None
    FindingEvent.objects.bulk_create(
        [
            FindingEvent(
                created_at=now or record.inspected_at,
                finding=f,
                action="rectified_on_spot"
                if f.status == FindingStatus.RECTIFIED_ON_SPOT
                else "found",
                to_status=f.status,
                actor=actor_obj,
                data={"record": record.pk, "deadline": f.deadline.isoformat()},
            )
            for f in created
        ]
    )
    audit_bulk(
        actor=actor,
        action="inspections.finding_created",
        targets=created,
        changes={"record": record.pk},
    )
    return created


def _write_record(
    *,
    actor: Any,
    task: InspectionTask,
    template: ChecklistTemplate,
    client_id: uuid.UUID,
    scored: Sequence[ScoredItem],
    sheet: SheetScore,
    inspected_at: dt.datetime,
    persons_present: str,
    notes: str,
    latitude: Decimal | None,
    longitude: Decimal | None,
    version: int = 1,
    supersedes: InspectionRecord | None = None,
    correction_reason: str = "",
) -> InspectionRecord:
    record = InspectionRecord(
        task=task,
        version=version,
        supersedes=supersedes,
        is_current=True,
        client_id=client_id,
        template=template,
        group_id=task.group_id,
        target_jurisdiction_id=task.target_jurisdiction_id,
        target_unit_id=task.target_unit_id,
        target_key=task.target_key,
        target_type=task.target_type,
        target_path=task.target_path,
        command_path=task.command_path,
        inspected_at=inspected_at,
        inspected_on=timezone.localdate(inspected_at),
        submitted_by=actor,
        persons_present=persons_present.strip(),
        latitude=latitude,
        longitude=longitude,
        notes=notes.strip(),
        total_score=sheet.total,
        max_score=sheet.maximum,
        percent=sheet.percent,
        deductions=sheet.deductions,
        passed=sheet.passed,
        vetoed=sheet.vetoed,
        correction_reason=correction_reason,
    )
    try:
        with transaction.atomic():
            record.save()
    except IntegrityError:
        # Another request stored the same client id between our check and this insert.
        raise ClientIdConflict(field="client_id") from None
    ItemResult.objects.bulk_create(
        [
            ItemResult(
                record=record,
                item=s.item,
                outcome=s.score.outcome,
                value=s.entry.value,
                occurrences=s.entry.occurrences,
                note=s.entry.note.strip(),
                earned=s.score.earned,
                maximum=s.score.maximum,
                deduction=s.score.deduction,
                failed=s.score.failed,
                rectified_on_spot=s.entry.rectified_on_spot and s.score.failed,
            )
            for s in scored
        ]
    )
    return record


def _attach_photos(
    *,
    actor: Any,
    task: InspectionTask,
    record: InspectionRecord,
    photos: Sequence[PhotoInput],
    photo_ids: Sequence[int],
) -> None:
    for p in photos:
        photo_store(
            actor=actor,
            upload=p.upload,
            task=task,
            record=record,
            item_code=p.item_code,
            taken_at=p.taken_at,
            latitude=p.latitude,
            longitude=p.longitude,
        )
    if photo_ids:
        # Photos uploaded beforehand through the API: only this task's, by this actor, unbound.
        bound = Photo.objects.filter(
            pk__in=photo_ids, task=task, record__isnull=True, uploaded_by=actor
        ).update(record=record)
        if bound != len(set(photo_ids)):
            raise InvalidInput(
                _("Unknown or already used photo ids."),
                code="record.invalid_photo",
                field="photo_ids",
            )


def _replay(client_id: uuid.UUID, task: InspectionTask) -> InspectionRecord | None:
    """The record already stored under this client id for this task (a resent submission)."""
    existing = InspectionRecord.objects.filter(client_id=client_id).first()
    if existing is None:
        return None
    if existing.task_id != task.pk:
        raise ClientIdConflict(field="client_id")
    return existing


@transaction.atomic
def record_submit(
    *,
    actor: Any,
    task: InspectionTask,
    client_id: uuid.UUID,
    results: Sequence[ResultInput],
    problems: Sequence[ProblemInput] = (),
    inspected_at: dt.datetime | None = None,
    persons_present: str = "",
    notes: str = "",
    latitude: Decimal | None = None,
    longitude: Decimal | None = None,
    photos: Sequence[PhotoInput] = (),
    photo_ids: Sequence[int] = (),
    now: dt.datetime | None = None,
) -> tuple[InspectionRecord, bool]:
    """Record an inspection on site. Returns ``(record, created)``; a resent submission with
    the same ``client_id`` returns the stored record with ``created=False`` and writes nothing.

    Raises InspectionDenied (only members of the task's group record), TaskCancelled
    ("task.cancelled"), TaskAlreadySubmitted ("task.already_submitted"), ClientIdConflict
    ("record.client_id_conflict"), IncompleteRecord ("record.incomplete"),
    InvalidItemResult, InvalidInput ("record.unknown_item", "record.invalid_time",
    "record.invalid_photo"), and the photo errors.
    """
    replay = _replay(client_id, task)
    if replay is not None:
        return replay, False
    locked = InspectionTask.objects.select_for_update().select_related("template").get(pk=task.pk)
    replay = _replay(client_id, locked)  # a twin request may have won the lock
    if replay is not None:
        return replay, False
    if not is_group_member(actor, group_id=locked.group_id):
        raise InspectionDenied()
    if locked.status == TaskStatus.CANCELLED:
        raise TaskCancelled()
    if locked.status == TaskStatus.SUBMITTED:
        raise TaskAlreadySubmitted()
    _check_problems(problems)
    scored, sheet = score_results(locked.template, results)
    when = _inspected_at(inspected_at)
    record = _write_record(
        actor=actor,
        task=locked,
        template=locked.template,
        client_id=client_id,
        scored=scored,
        sheet=sheet,
        inspected_at=when,
        persons_present=persons_present,
        notes=notes,
        latitude=latitude,
        longitude=longitude,
    )
    _attach_photos(actor=actor, task=locked, record=record, photos=photos, photo_ids=photo_ids)
    findings = _create_findings(
        actor=actor, record=record, scored=scored, problems=problems, now=now
    )
    locked.status = TaskStatus.SUBMITTED
    locked.submitted_at = now or timezone.now()
    locked.save(update_fields=["status", "submitted_at", "updated_at"])
    audit_record(
        actor=actor,
        action="inspections.record_submitted",
        target=record,
        changes={
            "task": locked.pk,
            "client_id": client_id,
            "total": sheet.total,
            "max": sheet.maximum,
            "percent": sheet.percent,
            "deductions": sheet.deductions,
            "passed": sheet.passed,
            "vetoed": sheet.vetoed,
            "findings": len(findings),
        },
    )
    return record, True


@transaction.atomic
def record_correct(
    *,
    actor: Any,
    record: InspectionRecord,
    client_id: uuid.UUID,
    results: Sequence[ResultInput],
    reason: str,
    problems: Sequence[ProblemInput] = (),
    persons_present: str | None = None,
    notes: str | None = None,
    photos: Sequence[PhotoInput] = (),
) -> tuple[InspectionRecord, bool]:
    """Correct a submitted record: a new version that becomes current; the old one is kept
    unchanged apart from losing ``is_current``. Items that fail only in the new version get
    findings; findings of items that no longer fail and were not yet handed over are withdrawn.
    Idempotent on ``client_id`` like ``record_submit``.

    Raises InspectionDenied, RecordNotCurrent ("record.not_current"), InvalidInput
    ("record.reason_required"), ClientIdConflict and the scoring errors.
    """
    replay = _replay(client_id, record.task)
    if replay is not None:
        return replay, False
    old = (
        InspectionRecord.objects.select_for_update()
        .select_related("task", "template")
        .get(pk=record.pk)
    )
    replay = _replay(client_id, old.task)
    if replay is not None:
        return replay, False
    if not is_inspecting_side(actor, group_id=old.group_id, command_path=old.command_path):
        raise InspectionDenied()
    if not old.is_current:
        raise RecordNotCurrent()
    if not reason.strip():
        raise InvalidInput(
            _("Say why the record is corrected."), code="record.reason_required", field="reason"
        )
    _check_problems(problems)
    scored, sheet = score_results(old.template, results)
    old.is_current = False
    old.save(update_fields=["is_current", "updated_at"])
    new = _write_record(
        actor=actor,
        task=old.task,
        template=old.template,
        client_id=client_id,
        scored=scored,
        sheet=sheet,
        inspected_at=old.inspected_at,
        persons_present=old.persons_present if persons_present is None else persons_present,
        notes=old.notes if notes is None else notes,
        latitude=old.latitude,
        longitude=old.longitude,
        version=old.version + 1,
        supersedes=old,
        correction_reason=reason.strip(),
    )
    _attach_photos(actor=actor, task=old.task, record=new, photos=photos, photo_ids=())
    failed_before = set(old.results.filter(failed=True).values_list("item__code", flat=True))
    failed_now = {s.item.code for s in scored if s.score.failed}
    created = _create_findings(
        actor=actor,
        record=new,
        scored=[s for s in scored if s.score.failed and s.item.code not in failed_before],
        problems=problems,
    )
    withdrawn = list(
        Finding.objects.select_for_update()
        .filter(
            record__task=old.task,
            status=FindingStatus.FOUND,
            item_code__in=failed_before - failed_now,
        )
        .exclude(item_code="")
    )
    for f in withdrawn:
        f.status = FindingStatus.WITHDRAWN
        f.save(update_fields=["status", "updated_at"])
        FindingEvent.objects.create(
            finding=f,
            action="withdrawn",
            from_status=FindingStatus.FOUND,
            to_status=FindingStatus.WITHDRAWN,
            actor=actor if getattr(actor, "pk", None) else None,
            note=reason.strip(),
            data={"record": new.pk},
        )
        audit_record(
            actor=actor,
            action="inspections.finding_withdrawn",
            target=f,
            changes={"status": [FindingStatus.FOUND, FindingStatus.WITHDRAWN], "record": new.pk},
        )
    audit_record(
        actor=actor,
        action="inspections.record_corrected",
        target=new,
        changes={
            "supersedes": old.pk,
            "version": new.version,
            "reason": reason.strip(),
            "total": [old.total_score, new.total_score],
            "passed": [old.passed, new.passed],
            "new_findings": len(created),
            "withdrawn_findings": [f.pk for f in withdrawn],
        },
    )
    return new, True
