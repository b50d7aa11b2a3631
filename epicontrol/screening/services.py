"""Writes of the screening module: ledger entries, their status, and daily grid reports.

Persons always go through the people registry: an existing person (same identity document) is
reused, never registered twice, on every entry path (form, API, import, other modules).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from epicontrol.core.audit import audit_record
from epicontrol.core.errors import NotFound
from epicontrol.jurisdictions.choices import Level
from epicontrol.jurisdictions.models import Jurisdiction
from epicontrol.people.models import Person
from epicontrol.people.services import PersonInput, person_create

from .choices import CLOSED_STATUSES, OPEN_STATUSES, TRANSITIONS, EntryStatus, Source
from .errors import (
    EntryDuplicate,
    EntryInvalid,
    EntryInvalidTransition,
    ReportInvalid,
    ReportNotZero,
    ScreeningForbidden,
)
from .models import FIGURE_KEYS, DailyReport, LedgerEntry, PersonCategory
from .permissions import can_submit_report, can_write_ledger
from .rollup import ledger_figures, new_by_category


def person_find_by_document(data: PersonInput) -> Person | None:
    """The active person holding the same identity document, in any area, or None."""
    return (
        Person.objects.active()
        .select_related("jurisdiction")
        .filter(id_type=data.document.id_type, id_number_hash=data.document.hash)
        .first()
    )


def person_find_or_create(
    *, actor: Any, data: PersonInput, allow_candidates: bool = False
) -> tuple[Person, bool]:
    """The registered person with this document, or a new one; ``(person, created)``.

    An exact document match is reused whatever its area (one person, one record). Otherwise
    ``people.services.person_create`` applies the candidate check: raises CandidatesFound
    ("person.possible_duplicates") unless ``allow_candidates``, and the people module's
    validation errors.
    """
    existing = person_find_by_document(data)
    if existing is not None:
        return existing, False
    return person_create(actor=actor, data=data, allow_candidates=allow_candidates), True


def check_grid(grid: Jurisdiction) -> None:
    """Raises EntryInvalid ("ledger_entry.invalid_grid") unless ``grid`` is a current grid."""
    if grid.level != Level.GRID or not grid.is_current:
        raise EntryInvalid(
            _("Entries belong to a grid."), code="ledger_entry.invalid_grid", field="grid"
        )


def check_dates(
    *, registered_on: dt.date, arrival_date: dt.date | None, today: dt.date | None = None
) -> None:
    """Raises EntryInvalid ("ledger_entry.invalid_date") for days in the future."""
    today = today or timezone.localdate()
    if registered_on > today:
        raise EntryInvalid(
            _("The registration day is in the future."),
            code="ledger_entry.invalid_date",
            field="registered_on",
        )
    if arrival_date is not None and arrival_date > today:
        raise EntryInvalid(
            _("The arrival date is in the future."),
            code="ledger_entry.invalid_date",
            field="arrival_date",
        )


@transaction.atomic
def entry_register(
    *,
    actor: Any,
    person: Person,
    category: PersonCategory,
    grid: Jurisdiction,
    source: str,
    origin: str = "",
    arrival_date: dt.date | None = None,
    registered_on: dt.date | None = None,
    notes: str = "",
) -> LedgerEntry:
    """Put a person in a grid's ledger under one category.

    Raises ScreeningForbidden ("screening.forbidden": role or grid outside the actor's area),
    EntryInvalid ("ledger_entry.invalid_grid", "ledger_entry.invalid_category",
    "ledger_entry.invalid_source", "ledger_entry.invalid_date") and EntryDuplicate
    ("ledger_entry.duplicate", 409, with ``existing_id``) when the person already has an open
    entry in the category.
    """
    check_grid(grid)
    if not can_write_ledger(actor, grid.path):
        raise ScreeningForbidden(_("Your role or area does not allow this."))
    if not category.is_active:
        raise EntryInvalid(
            _("This category is not in use."),
            code="ledger_entry.invalid_category",
            field="category",
        )
    if source not in Source.values:
        raise EntryInvalid(
            _("Unknown source."), code="ledger_entry.invalid_source", field="source",
            allowed=list(Source.values),
        )  # fmt: skip
    registered_on = registered_on or timezone.localdate()
    check_dates(registered_on=registered_on, arrival_date=arrival_date)
    existing = (
        LedgerEntry.objects.filter(person=person, category=category, status__in=OPEN_STATUSES)
        .values_list("pk", flat=True)
        .first()
    )
    if existing is not None:
        raise EntryDuplicate(
            _("This person is already in the ledger in this category."),
            field="category",
            existing_id=existing,
        )
    entry = LedgerEntry(
        person=person,
        category=category,
        grid=grid,
        grid_path=grid.path,
        source=source,
        origin=origin.strip(),
        arrival_date=arrival_date,
        registered_on=registered_on,
        registered_by=actor if getattr(actor, "pk", None) else None,
        notes=notes.strip(),
    )
    try:
        with transaction.atomic():
            entry.save()
    except IntegrityError:
        # A concurrent registration of the same person and category won the race.
        raise EntryDuplicate(
            _("This person is already in the ledger in this category."), field="category"
        ) from None
    audit_record(
        actor=actor,
        action="screening.entry_registered",
        target=entry,
        changes={
            "person": person.pk,
            "category": category.code,
            "grid": grid.code,
            "source": source,
            "registered_on": registered_on,
        },
    )
    return entry


@transaction.atomic
def entry_register_person(
    *,
    actor: Any,
    data: PersonInput | None = None,
    person: Person | None = None,
    category: PersonCategory,
    grid: Jurisdiction,
    source: str,
    origin: str = "",
    arrival_date: dt.date | None = None,
    registered_on: dt.date | None = None,
    notes: str = "",
    allow_candidates: bool = False,
) -> tuple[LedgerEntry, bool]:
    """Register a key person from a form: reuse or create the person, then the entry.

    Pass ``person`` (a candidate the user picked) or ``data`` (new input). Returns
    ``(entry, person_created)``. Raises the errors of ``person_find_or_create`` (notably
    CandidatesFound, to show the candidates) and of ``entry_register``; NotFound when neither
    a person nor data is given.
    """
    if person is None:
        if data is None:
            raise NotFound(_("No person given."), code="ledger_entry.person_required")
        check_grid(grid)
        if not can_write_ledger(actor, grid.path):
            raise ScreeningForbidden(_("Your role or area does not allow this."))
        person, created = person_find_or_create(
            actor=actor, data=data, allow_candidates=allow_candidates
        )
    else:
        created = False
    entry = entry_register(
        actor=actor,
        person=person,
        category=category,
        grid=grid,
        source=source,
        origin=origin,
        arrival_date=arrival_date,
        registered_on=registered_on,
        notes=notes,
    )
    return entry, created


def _transition_refused(current: str, target: str) -> EntryInvalidTransition:
    labels = dict(EntryStatus.choices)
    return EntryInvalidTransition(
        current=current,
        target=target,
        message=_("An entry that is “%(current)s” cannot become “%(target)s”.")
        % {"current": labels.get(current, current), "target": labels.get(target, target)},
    )


@transaction.atomic
def entry_status_set(
    *,
    actor: Any,
    entry: LedgerEntry,
    status: str,
    reason: str = "",
    on: dt.date | None = None,
    enforce_scope: bool = True,
) -> LedgerEntry:
    """Move an entry along registered → under_observation → cleared / transferred / moved_away.

    ``on`` is the day the change took effect (default today); it fills
    ``observation_started_on`` or ``closed_on``, which the daily figures count. Setting the
    current status again is a no-op (the observation module may call twice). The observation
    module passes ``enforce_scope=False`` when the change follows its own authorised action
    (a person observed at a site in another county still clears their grid's entry).

    Raises EntryInvalidTransition ("ledger_entry.invalid_transition", 409), EntryInvalid
    ("ledger_entry.invalid_date") for a day before registration or in the future, and
    ScreeningForbidden ("screening.forbidden") when the actor may not write this grid's ledger.
    """
    locked = LedgerEntry.objects.select_for_update().select_related("grid").get(pk=entry.pk)
    if enforce_scope and not can_write_ledger(actor, locked.grid.path):
        raise ScreeningForbidden(_("Your role or area does not allow this."))
    if status not in EntryStatus.values:
        raise _transition_refused(locked.status, status)
    if status == locked.status:
        return locked
    if status not in TRANSITIONS[locked.status]:
        raise _transition_refused(locked.status, status)
    day = on or timezone.localdate()
    if day < locked.registered_on or day > timezone.localdate():
        raise EntryInvalid(
            _("The day of the change must fall between registration and today."),
            code="ledger_entry.invalid_date",
            field="on",
        )
    if (
        status in CLOSED_STATUSES
        and locked.observation_started_on
        and day < (locked.observation_started_on)
    ):
        raise EntryInvalid(
            _("An entry cannot close before its observation started."),
            code="ledger_entry.invalid_date",
            field="on",
        )
    previous = locked.status
    locked.status = status
    locked.status_changed_at = timezone.now()
    locked.status_reason = reason.strip()[:300]
    if status == EntryStatus.UNDER_OBSERVATION:
        locked.observation_started_on = day
    if status in CLOSED_STATUSES:
        locked.closed_on = day
    locked.save(
        update_fields=[
            "status",
            "status_changed_at",
            "status_reason",
            "observation_started_on",
            "closed_on",
            "updated_at",
        ]
    )
    audit_record(
        actor=actor,
        action="screening.entry_status_changed",
        target=locked,
        changes={"status": [previous, status], "on": day, "reason": locked.status_reason},
    )
    entry.status, entry.closed_on = locked.status, locked.closed_on
    entry.observation_started_on = locked.observation_started_on
    entry.status_changed_at, entry.status_reason = locked.status_changed_at, locked.status_reason
    return locked


@transaction.atomic
def daily_report_submit(
    *, actor: Any, grid: Jurisdiction, day: dt.date, zero: bool = False, note: str = ""
) -> DailyReport:
    """Confirm a grid's figures for ``day`` (computed from the ledger, never typed).

    ``zero=True`` is the zero report (零报告): refused with ReportNotZero
    ("daily_report.not_zero", 409) when the ledger has new registrations that day. Submitting
    the same grid and day again replaces the snapshot, raises ``version`` and audits the
    previous figures. Raises ReportInvalid ("daily_report.invalid") for a non-grid or a day in
    the future, and ScreeningForbidden ("screening.forbidden").
    """
    if grid.level != Level.GRID:
        raise ReportInvalid(_("Daily reports are made by grids."), field="grid")
    if day > timezone.localdate():
        raise ReportInvalid(_("The day is in the future."), field="day")
    if not can_submit_report(actor, grid.path):
        raise ScreeningForbidden(_("Your role or area does not allow this."))
    # Lock the grid row: two submissions of the same grid and day serialise here.
    Jurisdiction.objects.select_for_update().filter(pk=grid.pk).first()
    entries = LedgerEntry.objects.filter(grid=grid)
    figures = ledger_figures(entries, day)
    if zero and figures["new"] > 0:
        raise ReportNotZero(
            _("There are new registrations on this day; confirm the figures instead."),
            new=figures["new"],
        )
    by_category = new_by_category(entries, day)
    now = timezone.now()
    report = DailyReport.objects.select_for_update().filter(grid=grid, day=day).first()
    values: dict[str, Any] = {
        **figures,
        "is_zero": figures["new"] == 0,
        "new_by_category": by_category,
        "note": note.strip()[:500],
        "confirmed_by": actor if getattr(actor, "pk", None) else None,
        "confirmed_at": now,
    }
    if report is None:
        report = DailyReport.objects.create(grid=grid, grid_path=grid.path, day=day, **values)
        audit_record(
            actor=actor,
            action="screening.report_submitted",
            target=report,
            changes={"day": day, "zero": report.is_zero, **figures},
        )
        return report
    previous = {key: getattr(report, key) for key in FIGURE_KEYS}
    previous_version = report.version
    for key, value in values.items():
        setattr(report, key, value)
    report.version = previous_version + 1
    report.save()
    audit_record(
        actor=actor,
        action="screening.report_resubmitted",
        target=report,
        changes={
            "day": day,
            "version": [previous_version, report.version],
            "figures": {
                k: [previous[k], figures[k]] for k in FIGURE_KEYS if previous[k] != figures[k]
            },
            "previous": previous,
            "zero": report.is_zero,
        },
    )
    return report
