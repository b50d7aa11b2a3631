"""Centralised isolation sites (集中隔离点): designation, rooms, and who is in which room.

A site is a ``jurisdictions.Unit`` of kind ``isolation_site``. When the local observation policy
in force on the day of an assignment says ``separate_site_categories`` (the four categories of
domain-rules §1.3 in separate sites: a Wuhan order of February 2020, not a national edition, so
it lives in this app's ``observation`` policy domain), a person may only go to a site designated
for their category, or to an undesignated site whose current occupants are all of their category.
"""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from epicontrol.core.audit import audit_record
from epicontrol.core.policy import PolicyNotFound, version_in_force
from epicontrol.jurisdictions.choices import UnitKind
from epicontrol.jurisdictions.models import Jurisdiction, Unit
from epicontrol.jurisdictions.services import unit_create
from epicontrol.observation.choices import SITE_CATEGORY_OF, Kind, SiteCategory, Status
from epicontrol.observation.errors import ObservationInvalidTransition, SiteInvalid, SiteRefused
from epicontrol.observation.models import Observation, Room, RoomAssignment, SiteDesignation
from epicontrol.observation.permissions import FIELD_ROLES, SITE_ROLES, require_path, require_roles
from epicontrol.observation.timers import LOCAL_DOMAIN


def _require_site(site: Unit) -> None:
    if site.kind != UnitKind.ISOLATION_SITE:
        raise SiteInvalid(
            _("This unit is not a centralised isolation site."),
            code="isolation_site.not_a_site",
            field="site",
        )


@transaction.atomic
def site_create(
    *,
    actor: Any,
    jurisdiction: Jurisdiction,
    name: str,
    category: str | None = None,
    address: str = "",
) -> Unit:
    """Create an isolation site (a Unit of kind isolation_site), optionally designated.

    Raises PermissionDenied, the errors of ``jurisdictions.services.unit_create``, SiteInvalid
    ("isolation_site.invalid_category").
    """
    require_roles(actor, SITE_ROLES)
    site = unit_create(
        actor=actor,
        jurisdiction=jurisdiction,
        kind=UnitKind.ISOLATION_SITE,
        name=name,
        address=address,
    )
    if category:
        site_designate(actor=actor, site=site, category=category)
    return site


@transaction.atomic
def site_designate(*, actor: Any, site: Unit, category: str | None) -> SiteDesignation | None:
    """Designate a site for one category of persons (or clear it with ``None``).

    Raises SiteInvalid ("isolation_site.not_a_site", "isolation_site.invalid_category"),
    SiteRefused ("isolation_site.occupants_mismatch") when current occupants are of another
    category, PermissionDenied.
    """
    require_roles(actor, SITE_ROLES)
    _require_site(site)
    require_path(actor, site.jurisdiction.path)
    Unit.objects.select_for_update(of=("self",)).filter(pk=site.pk).first()
    current = SiteDesignation.objects.filter(site=site).first()
    if not category:
        if current is not None:
            current.delete()
            audit_record(
                actor=actor,
                action="observation.site_designation_cleared",
                target=site,
                changes={"category": [current.category, None]},
            )
        return None
    if category not in SiteCategory.values:
        raise SiteInvalid(
            _("Unknown category."), code="isolation_site.invalid_category", field="category"
        )
    occupant_categories = {
        SITE_CATEGORY_OF.get(c, SiteCategory.OTHER)
        for c in RoomAssignment.objects.filter(room__site=site, ended_at__isnull=True)
        .values_list("observation__category", flat=True)
        .distinct()
    }
    if occupant_categories - {category}:
        raise SiteRefused(
            _("People of another category are in this site."),
            code="isolation_site.occupants_mismatch",
            occupants=sorted(occupant_categories),
        )
    previous = current.category if current else None
    if current is None:
        current = SiteDesignation.objects.create(site=site, category=category)
    else:
        current.category = category
        current.save()
    audit_record(
        actor=actor,
        action="observation.site_designated",
        target=site,
        changes={"category": [previous, category]},
    )
    return current


@transaction.atomic
def room_create(*, actor: Any, site: Unit, number: str, beds: int) -> Room:
    """Add a room with ``beds`` beds to a site.

    Raises SiteInvalid ("isolation_site.not_a_site", "room.invalid_number", "room.invalid_beds"),
    SiteRefused ("room.duplicate"), PermissionDenied.
    """
    require_roles(actor, SITE_ROLES)
    _require_site(site)
    require_path(actor, site.jurisdiction.path)
    number = (number or "").strip()
    if not number or len(number) > 20:
        raise SiteInvalid(_("Enter a room number."), code="room.invalid_number", field="number")
    if not isinstance(beds, int) or not 1 <= beds <= 50:
        raise SiteInvalid(_("A room has 1 to 50 beds."), code="room.invalid_beds", field="beds")
    try:
        with transaction.atomic():
            room = Room.objects.create(site=site, number=number, beds=beds)
    except IntegrityError:
        raise SiteRefused(
            _("This room number exists already."), code="room.duplicate", field="number"
        ) from None
    audit_record(
        actor=actor,
        action="observation.room_created",
        target=room,
        changes={"number": number, "beds": beds},
    )
    return room


def separation_required(day: Any) -> bool:
    """Whether the local observation policy in force on ``day`` keeps the four categories apart."""
    try:
        local = version_in_force(day, domain=LOCAL_DOMAIN)
    except PolicyNotFound:
        return False
    return bool((local.params or {}).get("separate_site_categories", False))


@transaction.atomic
def room_assign(*, actor: Any, observation: Observation, room: Room) -> RoomAssignment:
    """Place a person under centralised observation in a room (moving them if already placed).

    Raises ObservationInvalidTransition unless the observation is active; SiteRefused
    ("isolation_site.not_centralised" for home observation, "isolation_site.room_inactive",
    "isolation_site.room_full" when every bed is taken, "isolation_site.category_mismatch" when
    the policy in force separates categories and the site is for another one), PermissionDenied.
    """
    require_roles(actor, FIELD_ROLES)
    locked = (
        Observation.objects.select_for_update(of=("self",))
        .select_related("jurisdiction")
        .get(pk=observation.pk)
    )
    require_path(actor, locked.jurisdiction.path)
    if locked.status != Status.ACTIVE:
        raise ObservationInvalidTransition(current=locked.status, target="room_assign")
    today = timezone.localdate()
    if locked.kind_on(max(today, locked.start_date)) != Kind.CENTRALISED_ISOLATION:
        raise SiteRefused(
            _("Only people in centralised isolation are placed in a site."),
            code="isolation_site.not_centralised",
        )
    # The room row is the lock that serialises assignments to it (capacity check below).
    room = (
        Room.objects.select_for_update(of=("self",))
        .select_related("site__jurisdiction")
        .get(pk=room.pk)
    )
    if not room.is_active or not room.site.is_active:
        raise SiteRefused(_("This room is not in use."), code="isolation_site.room_inactive")
    current = RoomAssignment.objects.filter(observation=locked, ended_at__isnull=True).first()
    if current is not None and current.room_id == room.pk:
        return current
    occupied = RoomAssignment.objects.filter(room=room, ended_at__isnull=True).count()
    if occupied >= room.beds:
        raise SiteRefused(_("This room is full."), code="isolation_site.room_full", beds=room.beds)
    category = locked.site_category
    if separation_required(today):
        designation = SiteDesignation.objects.filter(site=room.site).first()
        if designation is not None and designation.category != category:
            raise SiteRefused(
                _(
                    "The policy in force keeps this category in separate sites; this site is for "
                    "another category."
                ),
                code="isolation_site.category_mismatch",
                site_category=designation.category,
                person_category=category,
            )
        if designation is None:
            others = {
                SITE_CATEGORY_OF.get(c, SiteCategory.OTHER)
                for c in RoomAssignment.objects.filter(
                    room__site=room.site, ended_at__isnull=True
                ).values_list("observation__category", flat=True)
            }
            if others - {category}:
                raise SiteRefused(
                    _(
                        "The policy in force keeps this category in separate sites; people of "
                        "another category are in this site."
                    ),
                    code="isolation_site.category_mismatch",
                    site_category=sorted(others),
                    person_category=category,
                )
    now = timezone.now()
    previous_room = None
    if current is not None:
        previous_room = current.room_id
        current.ended_at = now
        current.save()
    assignment = RoomAssignment.objects.create(
        room=room,
        observation=locked,
        started_at=now,
        assigned_by=actor if getattr(actor, "pk", None) else None,
    )
    audit_record(
        actor=actor,
        action="observation.room_assigned",
        target=assignment,
        changes={"room": [previous_room, room.pk], "site": room.site_id},
    )
    return assignment


@transaction.atomic
def room_vacate(*, actor: Any, observation: Observation) -> RoomAssignment | None:
    """End the current room assignment of an observation (e.g. moved to home monitoring)."""
    require_roles(actor, FIELD_ROLES)
    require_path(actor, observation.jurisdiction.path)
    current = (
        RoomAssignment.objects.select_for_update(of=("self",))
        .filter(observation=observation, ended_at__isnull=True)
        .first()
    )
    if current is None:
        return None
    current.ended_at = timezone.now()
    current.save()
    audit_record(
        actor=actor,
        action="observation.room_vacated",
        target=current,
        changes={"room": current.room_id},
    )
    return current
