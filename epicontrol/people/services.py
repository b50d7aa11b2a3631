"""Writes of the people registry: create, update, merge, and the audited unmasked view.

Duplicate prevention is the same on every entry path (form, import, API, other modules): an
exact match on the identity document refuses with ``person.duplicate``; a candidate match on
name + phone or name + birth date refuses with ``person.possible_duplicates`` unless the caller
confirms (``allow_candidates=True``), after showing the candidates to the user.
Bulk imports live in ``people.imports`` and apply the same rules row by row.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext as _

from epicontrol.core.audit import audit_record, diff_fields
from epicontrol.core.errors import NotFound, PermissionDenied
from epicontrol.core.scoping import scope_of
from epicontrol.jurisdictions.models import Jurisdiction

from .errors import CandidatesFound, DuplicatePerson, InvalidPersonField, MergeRefused
from .identity import (
    AddressCodes,
    Document,
    Phone,
    encrypted_document,
    parse_document,
    parse_phone,
)
from .models import Person
from .permissions import can_unmask
from .selectors import person_candidates, person_links

EDITABLE = (
    "name",
    "household_address",
    "current_address",
    "occupation",
    "work_unit",
    "notes",
)
MAX_LENGTHS = {
    "household_address": 300,
    "current_address": 300,
    "occupation": 100,
    "work_unit": 200,
    "notes": 2000,
}


@dataclass(frozen=True)
class PersonInput:
    """Validated input for a new person (the parse step of every entry path)."""

    name: str
    document: Document
    phone: Phone | None
    jurisdiction: Jurisdiction
    household_address: str = ""
    current_address: str = ""
    occupation: str = ""
    work_unit: str = ""
    notes: str = ""


def clean_name(raw: str) -> str:
    """Collapse whitespace; raises InvalidPersonField ("person.name_required" / too long)."""
    name = " ".join((raw or "").split())
    if not name:
        raise InvalidPersonField(
            _("A name is required."), code="person.name_required", field="name"
        )
    if len(name) > 50:
        raise InvalidPersonField(_("The name is longer than 50 characters."), field="name")
    return name


def clean_text(field: str, raw: str | None) -> str:
    """Strip a free-text field; raises InvalidPersonField when it is too long."""
    value = (raw or "").strip()
    limit = MAX_LENGTHS.get(field)
    if limit is not None and len(value) > limit:
        raise InvalidPersonField(
            _("This field is longer than %(n)d characters.") % {"n": limit}, field=field
        )
    return value


def check_jurisdiction_in_scope(actor: Any, jurisdiction: Jurisdiction) -> None:
    """Raises PermissionDenied ("person.jurisdiction_out_of_scope") outside the actor's area."""
    if not scope_of(actor).covers_path(jurisdiction.path):
        raise PermissionDenied(
            _("The address jurisdiction is outside your area."),
            code="person.jurisdiction_out_of_scope",
            field="jurisdiction",
        )


def person_input(
    *,
    actor: Any,
    name: str,
    id_type: str,
    id_number: str,
    phone: str = "",
    jurisdiction: Jurisdiction,
    address_codes: AddressCodes | None = None,
    **extra: str,
) -> PersonInput:
    """Validate raw fields into a PersonInput.

    Raises InvalidPersonField, InvalidIdNumber, InvalidPhone, and PermissionDenied
    ("person.jurisdiction_out_of_scope") when the address jurisdiction is outside the actor's area.
    """
    check_jurisdiction_in_scope(actor, jurisdiction)
    return PersonInput(
        name=clean_name(name),
        document=parse_document(id_type, id_number, address_codes=address_codes),
        phone=parse_phone(phone),
        jurisdiction=jurisdiction,
        **{k: clean_text(k, v) for k, v in extra.items() if k in EDITABLE and k != "name"},
    )


def build_person(data: PersonInput, *, actor: Any) -> Person:
    """An unsaved Person from validated input."""
    enc, masked = encrypted_document(data.document)
    return Person(
        name=data.name,
        id_type=data.document.id_type,
        id_number_hash=data.document.hash,
        id_number_enc=enc,
        id_number_masked=masked,
        id_warnings=list(data.document.warnings),
        birth_date=data.document.birth_date,
        sex=data.document.sex,
        phone_hash=data.phone.hash if data.phone else "",
        phone_enc=data.phone.enc if data.phone else "",
        phone_masked=data.phone.masked if data.phone else "",
        jurisdiction=data.jurisdiction,
        household_address=data.household_address,
        current_address=data.current_address,
        occupation=data.occupation,
        work_unit=data.work_unit,
        notes=data.notes,
        created_by=actor if getattr(actor, "pk", None) else None,
    )


def _duplicate_error(actor: Any, existing: Person) -> DuplicatePerson:
    visible = Person.objects.visible_to(actor).filter(pk=existing.pk).exists()
    return DuplicatePerson(
        _("A person with this ID document is already registered."),
        field="id_number",
        existing_id=existing.pk if visible else None,
    )


@transaction.atomic
def person_create(*, actor: Any, data: PersonInput, allow_candidates: bool = False) -> Person:
    """Register a person.

    Raises DuplicatePerson ("person.duplicate", with ``existing_id`` when the actor may see it)
    and CandidatesFound ("person.possible_duplicates", with candidate ids) unless
    ``allow_candidates``.
    """
    existing = (
        Person.objects.active()
        .filter(id_number_hash=data.document.hash, id_type=data.document.id_type)
        .first()
    )
    if existing is not None:
        raise _duplicate_error(actor, existing)
    if not allow_candidates:
        candidates = list(
            person_candidates(
                user=actor,
                name=data.name,
                phone_hash=data.phone.hash if data.phone else None,
                birth_date=data.document.birth_date,
            ).values_list("pk", flat=True)[:20]
        )
        if candidates:
            raise CandidatesFound(
                _("Possible duplicates found; check them or confirm to create a new person."),
                candidates=candidates,
            )
    person = build_person(data, actor=actor)
    try:
        with transaction.atomic():
            person.save()
    except IntegrityError:
        # A concurrent registration of the same document won the race.
        raise DuplicatePerson(
            _("A person with this ID document is already registered."), field="id_number"
        ) from None
    audit_record(
        actor=actor,
        action="people.created",
        target=person,
        changes={
            "name": person.name,
            "jurisdiction": data.jurisdiction.code,
            "id_type": person.id_type,
            "id_warnings": person.id_warnings,
        },
    )
    return person


@transaction.atomic
def person_update(
    *,
    actor: Any,
    person: Person,
    jurisdiction: Jurisdiction | None = None,
    phone: str | None = None,
    id_type: str | None = None,
    id_number: str | None = None,
    **fields: str,
) -> Person:
    """Change a person's fields; the changed fields are audited (PII redacted).

    ``phone=""`` removes the phone; ``None`` leaves a field as it is. Raises the validation
    errors of ``person_input``, NotFound when the actor cannot see the person, MergeRefused
    ("person.merged", 409) for a merged record, and DuplicatePerson when the new document
    belongs to another person.
    """
    locked = (
        Person.objects.visible_to(actor)
        .select_for_update(of=("self",))
        .filter(pk=person.pk)
        .first()
    )
    if locked is None:
        raise NotFound()
    if locked.merged_into_id is not None:
        raise MergeRefused(
            _("This record was merged into another one and cannot be edited."), code="person.merged"
        )
    tracked = (*EDITABLE, "jurisdiction_id", "phone_hash", "id_number_hash", "id_type")
    before = {f: getattr(locked, f) for f in tracked}
    for key, value in fields.items():
        if key not in EDITABLE:
            raise InvalidPersonField(_("Unknown field %(key)s.") % {"key": key}, field=key)
        setattr(locked, key, clean_name(value) if key == "name" else clean_text(key, value))
    if jurisdiction is not None:
        check_jurisdiction_in_scope(actor, jurisdiction)
        locked.jurisdiction = jurisdiction
    if phone is not None:
        parsed = parse_phone(phone)
        locked.phone_hash = parsed.hash if parsed else ""
        locked.phone_enc = parsed.enc if parsed else ""
        locked.phone_masked = parsed.masked if parsed else ""
    if id_number is not None or id_type is not None:
        number = id_number if id_number is not None else locked.id_number
        doc = parse_document(id_type or locked.id_type, number)
        clash = (
            Person.objects.active()
            .filter(id_number_hash=doc.hash, id_type=doc.id_type)
            .exclude(pk=locked.pk)
            .first()
        )
        if clash is not None:
            raise _duplicate_error(actor, clash)
        locked.id_type, locked.id_number_hash = doc.id_type, doc.hash
        locked.id_number_enc, locked.id_number_masked = encrypted_document(doc)
        locked.birth_date, locked.sex, locked.id_warnings = (
            doc.birth_date,
            doc.sex,
            list(doc.warnings),
        )
    after = {f: getattr(locked, f) for f in before}
    changes = diff_fields(before, after)
    if changes:
        try:
            with transaction.atomic():
                locked.save()
        except IntegrityError:
            raise DuplicatePerson(
                _("A person with this ID document is already registered."), field="id_number"
            ) from None
        audit_record(actor=actor, action="people.updated", target=locked, changes=changes)
    return locked


def _person_links() -> list[tuple[type[models.Model], str]]:
    """Every (model, field) pointing at Person; see ``selectors.person_links``."""
    return person_links()


@transaction.atomic
def person_merge(*, actor: Any, survivor: Person, duplicate: Person) -> Person:
    """Merge ``duplicate`` into ``survivor``: every link moves, the duplicate is retired.

    The survivor's audit entry lists the moved rows per model and the duplicate gets an entry
    pointing at the survivor, so the merge can be reversed by hand from the trail. Raises
    NotFound when the actor cannot see both, and MergeRefused ("person.merge_refused") for a
    self-merge, an already merged record, or a link that can exist only once per person.
    """
    if survivor.pk == duplicate.pk:
        raise MergeRefused(_("A person cannot be merged with itself."))
    ids = sorted([survivor.pk, duplicate.pk])
    # Lock both rows, in id order so two opposite merges cannot deadlock.
    locked = {
        p.pk: p
        for p in Person.objects.visible_to(actor)
        .select_for_update(of=("self",))
        .filter(pk__in=ids)
        .order_by("pk")
    }
    if len(locked) != 2:
        raise NotFound()
    if any(p.merged_into_id is not None for p in locked.values()):
        raise MergeRefused(_("One of the records has already been merged."))
    survivor, duplicate = locked[survivor.pk], locked[duplicate.pk]
    moved: dict[str, list[Any]] = {}
    for model, field in person_links():
        qs = model._default_manager.filter(**{field: duplicate.pk})
        pks = list(qs.values_list("pk", flat=True))
        if pks:
            try:
                with transaction.atomic():
                    qs.update(**{field: survivor.pk})
            except IntegrityError:
                raise MergeRefused(
                    _("Both persons have a %(kind)s that can exist only once.")
                    % {"kind": model._meta.verbose_name},
                    model=model._meta.label_lower,
                ) from None
            moved[model._meta.label_lower] = pks
    Person.objects.filter(pk=duplicate.pk).update(merged_into=survivor)
    duplicate.merged_into = survivor
    audit_record(
        actor=actor,
        action="people.merged",
        target=survivor,
        changes={"duplicate": duplicate.pk, "moved": moved},
    )
    audit_record(
        actor=actor,
        action="people.merged_away",
        target=duplicate,
        changes={"merged_into": survivor.pk, "moved": moved},
    )
    return survivor


def person_reveal(*, actor: Any, person: Person, field: str = "id_number") -> str:
    """The clear ID number or phone for an allowed role; every reveal is audited.

    Raises InvalidPersonField for another field, NotFound when the actor cannot see the person,
    PermissionDenied ("person.unmask_forbidden") for roles that may not unmask.
    """
    if field not in ("id_number", "phone"):
        raise InvalidPersonField(field="field")
    if not Person.objects.visible_to(actor).filter(pk=person.pk).exists():
        raise NotFound()
    if not can_unmask(actor):
        raise PermissionDenied(
            _("Your role may not see full personal data."), code="person.unmask_forbidden"
        )
    value = person.id_number if field == "id_number" else person.phone
    audit_record(actor=actor, action="people.revealed", target=person, changes={"field": field})
    return value


def age_on(person: Person, day: dt.date) -> int | None:
    if person.birth_date is None:
        return None
    b = person.birth_date
    return day.year - b.year - ((day.month, day.day) < (b.month, b.day))
