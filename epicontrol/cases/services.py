"""Writes of the cases module: report, admit, classify, discharge … (PRODUCT §4.5).

Every service is atomic, locks the case row it changes, checks the state machine
(``machine.py``), writes a ``CaseEvent`` (before/after state, the timeline) and an audit entry.
Times passed in are effective times (when it happened); they may not lie in the future nor
before the case's previous event, so each case's history is ordered.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Sequence
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from epicontrol.accounts.choices import Role
from epicontrol.core.audit import audit_record
from epicontrol.core.errors import NotFound, PermissionDenied
from epicontrol.core.policy import PolicyNotFound, ProtocolParams, protocol_on
from epicontrol.core.scoping import scope_of
from epicontrol.jurisdictions.models import Jurisdiction, Unit
from epicontrol.people.identity import parse_document, parse_phone
from epicontrol.people.models import Person
from epicontrol.people.services import PersonInput, clean_name, person_create, person_input

from . import machine
from .choices import (
    CONFIRMED_SET,
    FACILITY_KINDS,
    Action,
    Classification,
    RevisitResult,
    Severity,
    Source,
    Status,
)
from .errors import (
    CaseForbidden,
    CaseInvalidTransition,
    DischargeCriteriaUnmet,
    DuplicateOpenCase,
    InvalidCaseField,
    InvalidFacility,
    InvalidTime,
)
from .linelist import county_code, figure_deltas
from .models import Case, CaseEvent, Cluster, Revisit

# Roles that record and change cases. Others (supervisors, grid workers …) read within scope.
WRITE_ROLES = (Role.COMMAND_OFFICER, Role.CDC_INVESTIGATOR, Role.HOSPITAL_STAFF)
INITIAL_CLASSIFICATIONS = (
    Classification.SUSPECTED,
    Classification.CONFIRMED,
    Classification.ASYMPTOMATIC,
    Classification.CLINICALLY_DIAGNOSED,
)
# Depth of a county in the division tree (province 0, city 1, county 2).
COUNTY_DEPTH = 2


# --- guards ---------------------------------------------------------------------------------


def can_write(actor: Any) -> bool:
    return bool(getattr(actor, "is_authenticated", False)) and actor.has_role(*WRITE_ROLES)


def _require_writer(actor: Any) -> None:
    if not can_write(actor):
        raise CaseForbidden()


def _aware(value: dt.datetime, field: str) -> dt.datetime:
    if timezone.is_naive(value):
        # A time without offset is a local (Asia/Shanghai) wall-clock time.
        return timezone.make_aware(value)
    return value


def _check_time(at: dt.datetime | None, *, after: dt.datetime | None, field: str) -> dt.datetime:
    """The effective time of a change: now by default; never future, never before ``after``."""
    now = timezone.now()
    if at is None:
        at = now
    at = _aware(at, field)
    if at > now:
        raise InvalidTime(_("The time lies in the future."), field=field)
    if after is not None and at < after:
        raise InvalidTime(
            _("The time is before the previous change of this case."),
            field=field,
            previous=after.isoformat(),
        )
    return at


# Events that change the state; record keeping (edit, revisit, cluster) does not order them.
STATE_ACTIONS = (Action.CREATED, *machine.RULES)


def _last_event_at(case: Case) -> dt.datetime | None:
    return CaseEvent.objects.filter(case=case, action__in=STATE_ACTIONS).aggregate(m=Max("at"))["m"]


def _policy(day: dt.date) -> ProtocolParams | None:
    try:
        return protocol_on(day)
    except PolicyNotFound:
        return None


def facility_allowed(*, actor: Any, facility: Unit, jurisdiction: Jurisdiction) -> bool:
    """A case may go to an active treatment unit of its own province or of the actor's scope.

    Cases are moved to the city's designated hospital (集中收治) and critical ones to provincial
    hospitals, so the facility is not limited to the case's county.
    """
    if facility.kind not in FACILITY_KINDS or not facility.is_active:
        return False
    scope = scope_of(actor)
    province = jurisdiction.path.split("/", 1)[0] + "/"
    return (
        facility.jurisdiction.path.startswith(province)
        or scope.covers_path(facility.jurisdiction.path)
        or facility.pk in scope.unit_ids
    )


def _check_facility(*, actor: Any, facility: Unit | None, jurisdiction: Jurisdiction) -> Unit:
    if facility is None or not facility_allowed(
        actor=actor, facility=facility, jurisdiction=jurisdiction
    ):
        raise InvalidFacility(field="facility")
    return facility


def _check_severity(severity: str | None, *, classification: str) -> str | None:
    if severity in (None, ""):
        return None
    if severity not in Severity.values:
        raise InvalidCaseField(
            pgettext("case", "Unknown severity."), field="severity", allowed=list(Severity.values)
        )
    if classification not in CONFIRMED_SET:
        raise InvalidCaseField(
            _("Only confirmed cases have a clinical severity."),
            code="case.severity_not_applicable",
            field="severity",
        )
    return severity


def _state(case: Case) -> dict[str, Any]:
    return {
        "status": case.status,
        "classification": case.classification,
        "severity": case.severity or "",
        "admitted": case.is_admitted,
        "facility_id": case.facility_id,
    }


def _event(
    *,
    case: Case,
    action: str,
    at: dt.datetime,
    actor: Any,
    before: dict[str, Any] | None,
    note: str = "",
    data: dict[str, Any] | None = None,
) -> CaseEvent:
    after = _state(case)
    before = before or {"status": "", "classification": "", "severity": "", "admitted": False}
    deltas = figure_deltas(
        (before["status"], before["classification"], before["severity"], before["admitted"]),
        (after["status"], after["classification"], after["severity"], after["admitted"]),
    )
    return CaseEvent.objects.create(
        **deltas,
        case=case,
        action=action,
        at=at,
        county_code=case.county_code,
        actor=actor if getattr(actor, "pk", None) else None,
        from_status=before["status"],
        to_status=after["status"],
        from_classification=before["classification"],
        to_classification=after["classification"],
        from_severity=before["severity"],
        to_severity=after["severity"],
        from_admitted=before["admitted"],
        to_admitted=after["admitted"],
        facility_id=case.facility_id,
        note=note,
        data=data or {},
    )


def _audit_changes(before: dict[str, Any], case: Case, **extra: Any) -> dict[str, Any]:
    after = _state(case)
    changes: dict[str, Any] = {k: [before[k], after[k]] for k in after if before[k] != after[k]}
    changes.update({k: v for k, v in extra.items() if v not in (None, "", [])})
    return changes


def _lock(case: Case) -> Case:
    return Case.objects.select_for_update().select_related("jurisdiction").get(pk=case.pk)


def _case_jurisdiction(
    *, actor: Any, person: Person, jurisdiction: Jurisdiction | None, facility: Unit | None
) -> Jurisdiction:
    """The managing jurisdiction: the given one, else the person's county (residence), else the
    facility's. Must be a county or below and, for officers, inside their area."""
    scope = scope_of(actor)
    if jurisdiction is None:
        jurisdiction = person.jurisdiction
        if jurisdiction.depth < COUNTY_DEPTH and facility is not None:
            jurisdiction = facility.jurisdiction
    if jurisdiction.depth < COUNTY_DEPTH:
        raise InvalidCaseField(
            _("A case is managed by a county or a unit below it."),
            code="case.invalid_jurisdiction",
            field="jurisdiction",
        )
    if scope.covers_path(jurisdiction.path):
        return jurisdiction
    # Unit roles (a hospital reporting a patient) file the case with the person's own area.
    if scope.unit_ids and jurisdiction.pk in (
        person.jurisdiction_id,
        getattr(facility, "jurisdiction_id", None),
    ):
        return jurisdiction
    raise PermissionDenied(
        _("The jurisdiction is outside your area."),
        code="case.jurisdiction_out_of_scope",
        field="jurisdiction",
    )


def _require_person(actor: Any, person: Person) -> None:
    """The actor must see the person; unit roles reach persons by their exact ID document
    (checked by the caller, see ``selectors.person_for_case``)."""
    if person.merged_into_id is not None:
        raise InvalidCaseField(_("This person record was merged."), field="person")
    if Person.objects.visible_to(actor).filter(pk=person.pk).exists():
        return
    if scope_of(actor).unit_ids:
        return
    raise NotFound(_("Person not found."), field="person")


# --- persons ------------------------------------------------------------------------------------


@transaction.atomic
def case_person_register(
    *,
    actor: Any,
    name: str,
    id_type: str,
    id_number: str,
    jurisdiction: Jurisdiction,
    phone: str = "",
    current_address: str = "",
    allow_candidates: bool = False,
) -> Person:
    """Register the person of a new case through the people services.

    Officers register persons of their own area (the rules of ``people.person_input``).
    Hospital staff have no area: they register the patient under the address division the
    patient declares, as the hospital's direct report does; duplicates are still refused by
    ``people.person_create``. Raises CaseForbidden, the people validation errors
    ("person.invalid_id_number", "person.invalid_phone", "person.duplicate",
    "person.possible_duplicates") and PermissionDenied ("person.jurisdiction_out_of_scope").
    """
    _require_writer(actor)
    scope = scope_of(actor)
    if scope.covers_path(jurisdiction.path) or not scope.unit_ids:
        data = person_input(
            actor=actor,
            name=name,
            id_type=id_type,
            id_number=id_number,
            phone=phone,
            jurisdiction=jurisdiction,
            current_address=current_address,
        )
    else:
        data = PersonInput(
            name=clean_name(name),
            document=parse_document(id_type, id_number),
            phone=parse_phone(phone),
            jurisdiction=jurisdiction,
            current_address=current_address.strip(),
        )
    return person_create(actor=actor, data=data, allow_candidates=allow_candidates)


# --- create -----------------------------------------------------------------------------------


@transaction.atomic
def case_create(
    *,
    actor: Any,
    person: Person,
    classification: str,
    reported_at: dt.datetime | None = None,
    jurisdiction: Jurisdiction | None = None,
    onset_date: dt.date | None = None,
    severity: str | None = None,
    is_imported: bool = False,
    import_origin: str = "",
    facility: Unit | None = None,
    admitted_at: dt.datetime | None = None,
    cluster: Cluster | None = None,
    source: str = Source.REPORTED,
    notes: str = "",
    _skip_role_check: bool = False,
) -> Case:
    """Report a case of a person; admit it at once when ``facility`` is given.

    Raises CaseForbidden ("case.forbidden"), DuplicateOpenCase ("case.duplicate_open", with
    ``existing_id`` when visible), InvalidCaseField ("case.invalid_field",
    "case.invalid_jurisdiction", "case.severity_not_applicable"), InvalidFacility
    ("case.invalid_facility"), InvalidTime ("case.invalid_time"), PermissionDenied
    ("case.jurisdiction_out_of_scope") and NotFound for a person the actor cannot see.
    """
    if not _skip_role_check:
        _require_writer(actor)
    _require_person(actor, person)
    if classification not in INITIAL_CLASSIFICATIONS:
        raise InvalidCaseField(
            _("A case is reported as suspected, confirmed, asymptomatic or clinically diagnosed."),
            field="classification",
            allowed=list(INITIAL_CLASSIFICATIONS),
        )
    severity = _check_severity(severity, classification=classification)
    jurisdiction = _case_jurisdiction(
        actor=actor, person=person, jurisdiction=jurisdiction, facility=facility
    )
    if facility is not None:
        _check_facility(actor=actor, facility=facility, jurisdiction=jurisdiction)
    reported_at = _check_time(reported_at, after=None, field="reported_at")
    if onset_date is not None and onset_date > timezone.localdate(reported_at):
        raise InvalidCaseField(_("The onset date is after the report."), field="onset_date")
    if is_imported and not import_origin.strip():
        raise InvalidCaseField(
            _("An imported case needs its origin."),
            code="case.import_origin_required",
            field="import_origin",
        )
    if cluster is not None and not Cluster.objects.visible_to(actor).filter(pk=cluster.pk).exists():
        raise NotFound(_("Cluster not found."), field="cluster")
    # Lock the person so two reports of the same person serialise; the constraint backs it up.
    Person.objects.select_for_update().filter(pk=person.pk).first()
    existing = Case.objects.filter(person=person, status=Status.OPEN).first()
    if existing is not None:
        visible = Case.objects.visible_to(actor).filter(pk=existing.pk).exists()
        raise DuplicateOpenCase(existing_id=existing.pk if visible else None, field="person")
    policy = _policy(timezone.localdate(reported_at))
    case = Case(
        person=person,
        jurisdiction=jurisdiction,
        county_code=county_code(jurisdiction.path),
        classification=classification,
        severity=severity,
        onset_date=onset_date,
        reported_at=reported_at,
        confirmed_at=reported_at if classification in CONFIRMED_SET else None,
        is_imported=is_imported,
        import_origin=import_origin.strip() if is_imported else "",
        cluster=cluster,
        source=source,
        notes=notes,
        policy_code=policy.code if policy else "",
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    try:
        with transaction.atomic():
            case.save()
    except IntegrityError:
        raise DuplicateOpenCase(field="person") from None
    _event(case=case, action=Action.CREATED, at=reported_at, actor=actor, before=None, note=notes)
    audit_record(
        actor=actor,
        action="cases.created",
        target=case,
        changes={
            "person": person.pk,
            "jurisdiction": jurisdiction.code,
            "classification": classification,
            "severity": severity,
            "reported_at": reported_at,
            "source": source,
            "is_imported": is_imported,
        },
    )
    if facility is not None:
        case = _apply(
            actor=actor,
            case=case,
            action=Action.ADMIT,
            at=admitted_at or reported_at,
            facility=facility,
        )
    return case


# --- transitions ------------------------------------------------------------------------------


def _check_tests(
    tests: Sequence[dt.datetime] | None, *, at: dt.datetime, policy: ProtocolParams | None
) -> list[str]:
    """The negative tests a discharge or release relies on (domain-rules §3.2): at least
    ``negative_tests`` of them, consecutive ones at least ``min_hours_between_tests`` apart, none
    after the discharge. Raises DischargeCriteriaUnmet or InvalidTime."""
    rule = (policy.case_discharge if policy else None) or {}
    required = int(rule.get("negative_tests") or 0)
    min_hours = float(rule.get("min_hours_between_tests") or 0)
    times = sorted(_aware(t, "negative_tests") for t in (tests or ()))
    if any(t > at for t in times):
        raise InvalidTime(_("A test is after the discharge."), field="negative_tests")
    if len(times) < required:
        raise DischargeCriteriaUnmet(
            field="negative_tests",
            required=required,
            given=len(times),
            policy=policy and policy.code,
        )
    last = times[-required:] if required else []
    for a, b in itertools.pairwise(last):
        if (b - a) < dt.timedelta(hours=min_hours):
            raise DischargeCriteriaUnmet(
                _("Consecutive negative tests are too close together."),
                field="negative_tests",
                min_hours_between_tests=min_hours,
                policy=policy and policy.code,
            )
    return [t.isoformat() for t in times]


def _apply(
    *,
    actor: Any,
    case: Case,
    action: str,
    at: dt.datetime | None = None,
    facility: Unit | None = None,
    severity: str | None = None,
    negative_tests: Sequence[dt.datetime] | None = None,
    note: str = "",
) -> Case:
    """Lock, check, change, record. The common body of every transition."""
    case = _lock(case)
    before = _state(case)
    rule = machine.check(
        action,
        status=case.status,
        classification=case.classification,
        admitted=case.is_admitted,
    )
    at = _check_time(at, after=_last_event_at(case), field="at")
    extra: dict[str, Any] = {"at": at}
    if rule.to_classification is not None:
        case.classification = rule.to_classification
    if action in (Action.ADMIT, Action.TRANSFER):
        facility = _check_facility(actor=actor, facility=facility, jurisdiction=case.jurisdiction)
        if action == Action.TRANSFER and facility.pk == case.facility_id:
            raise InvalidFacility(_("The case is already in this facility."), field="facility")
        case.facility = facility
        if action == Action.ADMIT:
            case.admitted_at = at
        extra["facility"] = facility.pk
    if action in (Action.CONFIRM, Action.CLINICALLY_DIAGNOSE):
        if case.confirmed_at is None:
            case.confirmed_at = at
        if severity:
            case.severity = _check_severity(severity, classification=case.classification)
    if action == Action.CHANGE_SEVERITY:
        new = _check_severity(severity, classification=case.classification)
        if new is None:
            raise InvalidCaseField(_("Choose a severity."), field="severity")
        if new == case.severity:
            raise CaseInvalidTransition(
                current=case.severity or "",
                target=new,
                action=action,
                reason="unchanged",
                message=str(machine.REASON_MESSAGES["unchanged"]),
            )
        case.severity = new
    if action in (Action.DISCHARGE, Action.RELEASE):
        policy = _policy(timezone.localdate(at))
        case.discharge_tests = _check_tests(negative_tests, at=at, policy=policy)
        rule_params = (policy.case_discharge if policy else None) or {}
        days = int(rule_params.get("post_discharge_days") or 0)
        case.post_discharge_until = (
            timezone.localdate(at) + dt.timedelta(days=days) if days else None
        )
        case.post_discharge_kind = str(rule_params.get("post_discharge_kind") or "") if days else ""
        if action == Action.DISCHARGE:
            case.discharged_at = at
        extra["post_discharge_until"] = case.post_discharge_until
        extra["policy"] = policy.code if policy else None
    if action == Action.DIE:
        case.died_at = at
    case.status = rule.to_status
    if case.status != Status.OPEN:
        case.closed_at = at
    case.save()
    _event(case=case, action=action, at=at, actor=actor, before=before, note=note)
    audit_record(
        actor=actor,
        action=f"cases.{action}",
        target=case,
        changes=_audit_changes(before, case, note=note, **extra),
    )
    return case


@transaction.atomic
def case_transition(
    *,
    actor: Any,
    case: Case,
    action: str,
    at: dt.datetime | None = None,
    facility: Unit | None = None,
    severity: str | None = None,
    negative_tests: Sequence[dt.datetime] | None = None,
    note: str = "",
) -> Case:
    """Apply one state-machine action to a case (``machine.RULES``).

    ``admit``/``transfer`` need ``facility``; ``change_severity`` needs ``severity`` (``confirm``
    and ``clinically_diagnose`` accept it); ``discharge``/``release`` need the policy's negative
    tests in ``negative_tests``. Discharge and release set the post-discharge observation end
    from the policy in force (``case_discharge.post_discharge_days``).

    Raises CaseForbidden, CaseInvalidTransition ("case.invalid_transition", with ``reason``:
    closed, classification, not_admitted, already_admitted, unchanged, unknown_action),
    InvalidFacility, InvalidCaseField, InvalidTime, DischargeCriteriaUnmet.
    """
    _require_writer(actor)
    return _apply(
        actor=actor,
        case=case,
        action=action,
        at=at,
        facility=facility,
        severity=severity,
        negative_tests=negative_tests,
        note=note,
    )


@transaction.atomic
def case_admit_transfer(
    *,
    actor: Any,
    person: Person,
    facility: Unit,
    reported_at: dt.datetime,
    source: str = Source.OBSERVATION_TRANSFER,
    note: str = "",
) -> Case:
    """Hand a person over to a designated hospital (used by the observation module).

    Creates a suspected case admitted at ``facility`` at ``reported_at``; if the person already
    has an open case, returns it, admitting it at ``facility`` first when it is not admitted.
    The actor is whoever transfers (a grid worker or officer who sees the person); no case-write
    role is needed for this hand-over. Raises InvalidFacility, InvalidTime, NotFound (person not
    visible) and the errors of ``case_create``.
    """
    _require_person(actor, person)
    existing = Case.objects.filter(person=person, status=Status.OPEN).first()
    if existing is not None:
        if existing.is_admitted:
            return existing
        return _apply(
            actor=actor,
            case=existing,
            action=Action.ADMIT,
            at=reported_at,
            facility=facility,
            note=note,
        )
    return case_create(
        actor=actor,
        person=person,
        classification=Classification.SUSPECTED,
        reported_at=reported_at,
        facility=facility,
        source=source,
        notes=note,
        _skip_role_check=True,
    )


@transaction.atomic
def case_update(
    *,
    actor: Any,
    case: Case,
    onset_date: dt.date | None = None,
    is_imported: bool | None = None,
    import_origin: str | None = None,
    notes: str | None = None,
) -> Case:
    """Edit the descriptive fields (onset, imported, origin, notes); audited, on the timeline.

    Raises CaseForbidden and InvalidCaseField.
    """
    _require_writer(actor)
    case = _lock(case)
    fields = ("onset_date", "is_imported", "import_origin", "notes")
    before = {f: getattr(case, f) for f in fields}
    if onset_date is not None:
        if onset_date > timezone.localdate(case.reported_at):
            raise InvalidCaseField(_("The onset date is after the report."), field="onset_date")
        case.onset_date = onset_date
    if is_imported is not None:
        case.is_imported = is_imported
    if import_origin is not None:
        case.import_origin = import_origin.strip()
    if notes is not None:
        case.notes = notes
    if case.is_imported and not case.import_origin:
        raise InvalidCaseField(
            _("An imported case needs its origin."),
            code="case.import_origin_required",
            field="import_origin",
        )
    if not case.is_imported:
        case.import_origin = ""
    changes = {f: [before[f], getattr(case, f)] for f in fields if before[f] != getattr(case, f)}
    if not changes:
        return case
    case.save()
    state = _state(case)
    _event(
        case=case,
        action=Action.EDIT,
        at=timezone.now(),
        actor=actor,
        before=state,
        data={k: [str(v[0]), str(v[1])] for k, v in changes.items() if k != "notes"},
    )
    audit_record(actor=actor, action="cases.updated", target=case, changes=changes)
    return case


# --- revisits and clusters --------------------------------------------------------------------


@transaction.atomic
def revisit_record(
    *, actor: Any, case: Case, date: dt.date, result: str, note: str = ""
) -> Revisit:
    """Record a follow-up visit of a discharged or released case (复诊复查).

    A positive result (复阳) is recorded and shown; it does not reopen the case or count it
    again as confirmed (2020 practice). Raises CaseForbidden, CaseInvalidTransition (the case
    is not discharged/released), InvalidCaseField (unknown result, date before discharge or in
    the future).
    """
    _require_writer(actor)
    case = _lock(case)
    if case.status not in machine.REVISIT_STATUSES:
        raise CaseInvalidTransition(
            current=case.status,
            target="revisit",
            action="revisit",
            reason="not_discharged",
            message=str(machine.REASON_MESSAGES["not_discharged"]),
        )
    if result not in RevisitResult.values:
        raise InvalidCaseField(
            _("Unknown result."), field="result", allowed=list(RevisitResult.values)
        )
    closed_day = timezone.localdate(case.closed_at) if case.closed_at else None
    if date > timezone.localdate() or (closed_day is not None and date < closed_day):
        raise InvalidCaseField(
            _("The revisit date must be between the discharge and today."), field="date"
        )
    revisit = Revisit.objects.create(
        case=case,
        date=date,
        result=result,
        note=note,
        recorded_by=actor if getattr(actor, "pk", None) else None,
    )
    state = _state(case)
    _event(
        case=case,
        action=Action.REVISIT,
        at=timezone.now(),
        actor=actor,
        before=state,
        note=note,
        data={"date": date.isoformat(), "result": result},
    )
    audit_record(
        actor=actor,
        action="cases.revisit",
        target=case,
        changes={"revisit": revisit.pk, "date": date, "result": result},
    )
    return revisit


@transaction.atomic
def cluster_create(
    *, actor: Any, jurisdiction: Jurisdiction, name: str, setting: str, notes: str = ""
) -> Cluster:
    """Open a cluster (a small setting whose cases are linked). Raises CaseForbidden,
    InvalidCaseField and PermissionDenied ("case.jurisdiction_out_of_scope")."""
    _require_writer(actor)
    from .choices import ClusterSetting

    if not name.strip():
        raise InvalidCaseField(_("A cluster name is required."), field="name")
    if setting not in ClusterSetting.values:
        raise InvalidCaseField(_("Unknown setting."), field="setting")
    if jurisdiction.depth < COUNTY_DEPTH:
        raise InvalidCaseField(
            _("A cluster lies in a county or below."),
            code="case.invalid_jurisdiction",
            field="jurisdiction",
        )
    if not scope_of(actor).covers_path(jurisdiction.path):
        raise PermissionDenied(
            _("The jurisdiction is outside your area."),
            code="case.jurisdiction_out_of_scope",
            field="jurisdiction",
        )
    cluster = Cluster.objects.create(
        jurisdiction=jurisdiction,
        name=name.strip(),
        setting=setting,
        notes=notes,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    audit_record(
        actor=actor,
        action="cases.cluster_created",
        target=cluster,
        changes={"name": cluster.name, "setting": setting, "jurisdiction": jurisdiction.code},
    )
    return cluster


@transaction.atomic
def case_cluster_set(*, actor: Any, case: Case, cluster: Cluster | None) -> Case:
    """Link a case to a cluster (or unlink with None). Raises CaseForbidden and NotFound."""
    _require_writer(actor)
    case = _lock(case)
    if cluster is not None and not Cluster.objects.visible_to(actor).filter(pk=cluster.pk).exists():
        raise NotFound(_("Cluster not found."), field="cluster")
    old = case.cluster_id
    new = cluster.pk if cluster is not None else None
    if old == new:
        return case
    case.cluster = cluster
    case.save(update_fields=["cluster", "updated_at"])
    state = _state(case)
    _event(
        case=case,
        action=Action.CLUSTER,
        at=timezone.now(),
        actor=actor,
        before=state,
        data={"cluster": [old, new]},
    )
    audit_record(
        actor=actor, action="cases.cluster_set", target=case, changes={"cluster": [old, new]}
    )
    return case
