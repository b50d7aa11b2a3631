"""Writes of the risk-level module: the daily computation and the override workflow.

Every service is atomic and audited. The computation is idempotent: running it again for the
same day with the same case records changes nothing; with corrected records it updates the day's
assessments and appends a change only where the designation moves.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from epicontrol.core.audit import audit_bulk, audit_record
from epicontrol.core.errors import NotFound
from epicontrol.core.models import PolicyVersion
from epicontrol.jurisdictions.models import Jurisdiction

from .case_stats import StatsProvider, case_records_stats
from .choices import OVERRIDE_TRANSITIONS, OverrideStatus
from .counties import counties_on, is_county
from .designation import designate, lock_designations, sync_current
from .errors import (
    FutureDate,
    NotACounty,
    OverrideForbidden,
    OverrideInvalid,
    OverrideInvalidLevel,
    OverrideInvalidTransition,
    OverridePending,
    RiskLevelForbidden,
    SelfApproval,
)
from .models import RiskAssessment, RiskComputation, RiskLevelChange, RiskOverride
from .permissions import can_compute, can_decide, can_propose, can_view
from .policy import RiskScheme, designating_scheme, scheme_in_force, schemes_in_force
from .rules import NO_CASES, CaseStats, evaluate

ASSESSMENT_FIELDS = ["level", "inputs", "reasons", "policy_version", "computation", "updated_at"]


@dataclass(frozen=True)
class ComputeResult:
    """What one computation did."""

    day: dt.date
    schemes: list[str] = field(default_factory=list)
    counties: int = 0
    created: int = 0
    updated: int = 0
    changes: int = 0
    computation_id: int | None = None


def _root(actor: Any, root_code: str | None) -> Jurisdiction | None:
    if not root_code:
        return None
    # Ancestors are visible (breadcrumb) but not computable: they give 403, siblings 404.
    qs = Jurisdiction.objects.all() if actor is None else Jurisdiction.objects.visible_to(actor)
    root = qs.filter(code=root_code).first()
    if root is None:
        raise NotFound(field="root", code="risk_level.unknown_root")
    return root


def _inputs(
    stats: CaseStats, facts: Mapping[str, Any], params: Mapping[str, Any]
) -> dict[str, Any]:
    last = stats.last_confirmed_date
    return {
        "stats": {
            "cumulative_confirmed": int(stats.cumulative_confirmed),
            "new_confirmed_in_window": int(stats.new_confirmed_in_window),
            "has_cluster_in_window": bool(stats.has_cluster_in_window),
            "last_confirmed_date": last.isoformat() if last is not None else None,
        },
        "facts": dict(facts),
        "params": {k: v for k, v in params.items() if isinstance(v, int | float | str | None)},
    }


@transaction.atomic
def risk_levels_compute(
    *,
    actor: Any,
    day: dt.date,
    scheme_code: str | None = None,
    root_code: str | None = None,
    stats_provider: StatsProvider | None = None,
) -> ComputeResult:
    """Compute the risk level of every county on ``day`` by each scheme in force (or one).

    Stores one ``RiskAssessment`` per county × scheme (updated in place on re-computation) and
    moves each county's designation to the level of its designating scheme unless an approved
    override is in effect; a change of designation appends a ``RiskLevelChange``. ``actor`` None
    is the scheduled job. ``root_code`` limits the run to the counties under a division.

    Raises FutureDate ("risk_level.future_date"), SchemeNotFound ("risk_level.unknown_scheme"),
    SchemeNotInForce ("risk_level.scheme_not_in_force"), NotFound ("risk_level.unknown_root"),
    RiskLevelForbidden ("risk_level.forbidden"), InvalidRiskPolicy ("risk_level.invalid_policy").
    """
    if day > timezone.localdate():
        raise FutureDate(field="date", date=day.isoformat())
    root = _root(actor, root_code)
    if not can_compute(actor, root):
        raise RiskLevelForbidden()
    in_force = schemes_in_force(day)
    schemes = [scheme_in_force(scheme_code, day)] if scheme_code else in_force
    if not schemes:
        return ComputeResult(day=day)
    # Two runs of the same schemes (the task and an officer's button) would both insert the
    # day's assessments; locking the scheme rows makes the second wait and then update.
    list(
        PolicyVersion.objects.select_for_update()
        .filter(pk__in=[s.version_id for s in schemes])
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    counties = list(
        counties_on(day, root_path=root.path if root else None).only("id", "code", "name", "path")
    )
    computation = RiskComputation.objects.create(
        day=day,
        scheme=scheme_code or "",
        jurisdiction=root,
        actor=actor if getattr(actor, "pk", None) is not None else None,
        schemes=[s.code for s in schemes],
        counties=len(counties),
    )
    provider: StatsProvider = stats_provider or case_records_stats
    county_paths = [c.path for c in counties] if root is not None else None
    existing = {
        (a.jurisdiction_id, a.scheme): a
        for a in RiskAssessment.objects.filter(
            day=day, scheme__in=[s.code for s in schemes], jurisdiction__in=counties
        )
    }
    stats_by_params: dict[tuple[int, int], Mapping[str, CaseStats]] = {}
    now = timezone.now()
    new: list[RiskAssessment] = []
    changed: list[RiskAssessment] = []
    by_key: dict[tuple[int, str], RiskAssessment] = {}
    for scheme in schemes:
        params = scheme.params_on(day)
        key = (int(params["window_days"]), int(params["cluster_threshold"]))
        if key not in stats_by_params:
            stats_by_params[key] = provider(
                county_paths=county_paths, day=day, window_days=key[0], cluster_threshold=key[1]
            )
        stats = stats_by_params[key]
        for county in counties:
            if not scheme.applies_to_path(county.path):
                continue
            county_stats = stats.get(county.code, NO_CASES)
            result = evaluate(county_stats, day=day, rules=scheme.rules, params=params)
            inputs = _inputs(county_stats, result.facts, params)
            reasons = [dict(r) for r in result.reasons]
            row = existing.get((county.pk, scheme.code))
            if row is None:
                row = RiskAssessment(
                    jurisdiction=county,
                    day=day,
                    scheme=scheme.code,
                    policy_version_id=scheme.version_id,
                    level=result.level,
                    inputs=inputs,
                    reasons=reasons,
                    computation=computation,
                )
                new.append(row)
            elif (row.level, row.inputs, row.reasons, row.policy_version_id) != (
                result.level,
                inputs,
                reasons,
                scheme.version_id,
            ):
                row.level, row.inputs, row.reasons = result.level, inputs, reasons
                row.policy_version_id = scheme.version_id
                row.computation, row.updated_at = computation, now
                changed.append(row)
            by_key[(county.pk, scheme.code)] = row
    RiskAssessment.objects.bulk_create(new, batch_size=1000)
    RiskAssessment.objects.bulk_update(changed, ASSESSMENT_FIELDS, batch_size=1000)

    changes = _designate_computed(
        actor=actor, day=day, counties=counties, in_force=in_force, by_key=by_key
    )
    computation.assessments_created = len(new)
    computation.assessments_updated = len(changed)
    computation.changes = len(changes)
    computation.save(
        update_fields=["assessments_created", "assessments_updated", "changes", "updated_at"]
    )
    audit_record(
        actor=actor,
        action="riskareas.computed",
        target=computation,
        changes={
            "day": day,
            "schemes": computation.schemes,
            "root": root.code if root else None,
            "counties": len(counties),
            "created": len(new),
            "updated": len(changed),
            "changes": len(changes),
        },
    )
    audit_bulk(
        actor=actor,
        action="riskareas.level_changed",
        targets=changes,
        changes={"day": day, "computation": computation.pk},
    )
    return ComputeResult(
        day=day,
        schemes=list(computation.schemes),
        counties=len(counties),
        created=len(new),
        updated=len(changed),
        changes=len(changes),
        computation_id=computation.pk,
    )


def _designate_computed(
    *,
    actor: Any,
    day: dt.date,
    counties: list[Jurisdiction],
    in_force: list[RiskScheme],
    by_key: Mapping[tuple[int, str], RiskAssessment],
) -> list[RiskLevelChange]:
    """Move designations to the computed levels of the counties' designating schemes."""
    computed: dict[int, RiskAssessment] = {}
    for county in counties:
        scheme = designating_scheme(in_force, county.path)
        if scheme is not None and (county.pk, scheme.code) in by_key:
            computed[county.pk] = by_key[(county.pk, scheme.code)]
    targets = [c for c in counties if c.pk in computed]
    if not targets:
        return []
    rows = lock_designations(targets)
    changes = designate(counties=targets, day=day, actor=actor, computed=computed)
    sync_current(rows=rows, counties=targets, computed=computed)
    return changes


# --- Overrides ---------------------------------------------------------------------------------


def _county(actor: Any, code: str) -> Jurisdiction:
    county = Jurisdiction.objects.filter(code=code).first()
    if county is None or not can_view(actor, county):
        raise NotFound()
    if not is_county(county):
        raise NotACounty()
    return county


def _designating_assessment(county: Jurisdiction, day: dt.date) -> RiskAssessment | None:
    """The latest level the county's designating scheme computed on or before ``day``."""
    scheme = designating_scheme(schemes_in_force(day), county.path)
    qs = RiskAssessment.objects.filter(jurisdiction=county, day__lte=day).order_by("-day", "-id")
    if scheme is not None:
        found = qs.filter(scheme=scheme.code).first()
        if found is not None:
            return found
    return qs.first()


def _redesignate(
    *, actor: Any, county: Jurisdiction, day: dt.date, lift_reason: str = ""
) -> list[RiskLevelChange]:
    rows = lock_designations([county])
    assessment = _designating_assessment(county, day)
    computed = {county.pk: assessment} if assessment is not None else {}
    changes = designate(
        counties=[county], day=day, actor=actor, computed=computed, lift_reason=lift_reason
    )
    sync_current(rows=rows, counties=[county], computed=computed)
    audit_bulk(actor=actor, action="riskareas.level_changed", targets=changes, changes={"day": day})
    return changes


def _check_transition(override: RiskOverride, target: str) -> None:
    if target not in OVERRIDE_TRANSITIONS[override.status]:
        raise OverrideInvalidTransition(
            current=override.status,
            target=target,
            message=gettext_noop("This change of status of the override is not allowed."),
        )


def _locked(actor: Any, override: RiskOverride) -> RiskOverride:
    """The override row locked for update; NotFound when the actor may not see it."""
    locked = (
        RiskOverride.objects.select_for_update()
        .select_related("jurisdiction")
        .filter(pk=override.pk)
        .first()
    )
    if locked is None or not can_view(actor, locked.jurisdiction):
        raise NotFound()
    return locked


@transaction.atomic
def risk_override_propose(
    *,
    actor: Any,
    county_code: str,
    level: str,
    reason: str,
    requested_from: dt.date | None = None,
) -> RiskOverride:
    """Propose a manual level for a county, to be approved by a higher-level command officer.

    ``level`` must be a level of the scheme designating the county on ``requested_from``
    (default today; not in the past). Raises NotFound (county outside the actor's area),
    NotACounty ("risk_level.not_a_county"), OverrideForbidden ("risk_override.forbidden"),
    OverrideInvalid ("risk_override.invalid": empty reason, past date, no scheme in force),
    OverrideInvalidLevel ("risk_override.invalid_level"), OverridePending
    ("risk_override.pending_exists").
    """
    county = _county(actor, county_code)
    if not can_propose(actor, county):
        raise OverrideForbidden(
            gettext_noop("Only command officers of the area may propose an override.")
        )
    today = timezone.localdate()
    start = requested_from or today
    if start < today:
        raise OverrideInvalid(
            gettext_noop("An override cannot start in the past."), field="requested_from"
        )
    reason = (reason or "").strip()
    if not reason:
        raise OverrideInvalid(gettext_noop("Give the reason for the override."), field="reason")
    scheme = designating_scheme(schemes_in_force(start), county.path)
    if scheme is None:
        raise OverrideInvalid(
            gettext_noop("No risk-level scheme is in force for this county on that date."),
            field="requested_from",
        )
    if level not in scheme.levels:
        raise OverrideInvalidLevel(field="level", allowed=list(scheme.levels), scheme=scheme.code)
    if RiskOverride.objects.filter(jurisdiction=county, status=OverrideStatus.PROPOSED).exists():
        raise OverridePending()
    override = RiskOverride(
        jurisdiction=county,
        level=level,
        scheme=scheme.code,
        requested_from=start,
        reason=reason,
        proposed_by=actor,
    )
    try:
        with transaction.atomic():
            override.save()
    except IntegrityError:
        raise OverridePending() from None
    audit_record(
        actor=actor,
        action="riskareas.override_proposed",
        target=override,
        changes={"county": county.code, "level": level, "requested_from": start, "reason": reason},
    )
    return override


def _check_decider(actor: Any, override: RiskOverride) -> None:
    if not can_decide(actor, override.jurisdiction):
        raise OverrideForbidden(
            gettext_noop(
                "Only a command officer of the city or province above the county may decide."
            )
        )
    if getattr(actor, "pk", None) == override.proposed_by_id:
        raise SelfApproval()


@transaction.atomic
def risk_override_approve(*, actor: Any, override: RiskOverride, note: str = "") -> RiskOverride:
    """Approve a proposed override; it takes effect on max(requested day, today).

    An approved override already in effect for the county is lifted on that day (superseded).
    When the override is in effect today the designation changes now; a later start is applied
    by the daily computation of that day. Raises NotFound, OverrideForbidden
    ("risk_override.forbidden"), SelfApproval ("risk_override.self_approval"),
    OverrideInvalidTransition ("risk_override.invalid_transition").
    """
    override = _locked(actor, override)
    _check_decider(actor, override)
    _check_transition(override, OverrideStatus.APPROVED)
    today = timezone.localdate()
    effective = max(override.requested_from, today)
    lock_designations([override.jurisdiction])
    previous = (
        RiskOverride.objects.select_for_update()
        .filter(jurisdiction=override.jurisdiction, status=OverrideStatus.APPROVED)
        .first()
    )
    if previous is not None:
        previous.status = OverrideStatus.LIFTED
        previous.lifted_by, previous.lifted_at, previous.lifted_on = (
            actor,
            timezone.now(),
            effective,
        )
        previous.lift_reason = f"superseded by override #{override.pk}"
        previous.save()
        audit_record(
            actor=actor,
            action="riskareas.override_lifted",
            target=previous,
            changes={"status": ["approved", "lifted"], "lifted_on": effective, "by": override.pk},
        )
    override.status = OverrideStatus.APPROVED
    override.decided_by, override.decided_at = actor, timezone.now()
    override.decision_note = (note or "").strip()
    override.effective_from = effective
    override.save()
    audit_record(
        actor=actor,
        action="riskareas.override_approved",
        target=override,
        changes={
            "status": ["proposed", "approved"],
            "effective_from": effective,
            "level": override.level,
            "note": override.decision_note,
        },
    )
    if effective <= today:
        _redesignate(actor=actor, county=override.jurisdiction, day=effective)
    return override


@transaction.atomic
def risk_override_reject(*, actor: Any, override: RiskOverride, note: str) -> RiskOverride:
    """Reject a proposed override, with the reason. Raises as ``risk_override_approve`` and
    OverrideInvalid ("risk_override.invalid") without a note."""
    override = _locked(actor, override)
    _check_decider(actor, override)
    _check_transition(override, OverrideStatus.REJECTED)
    note = (note or "").strip()
    if not note:
        raise OverrideInvalid(gettext_noop("Give the reason for the rejection."), field="note")
    override.status = OverrideStatus.REJECTED
    override.decided_by, override.decided_at, override.decision_note = actor, timezone.now(), note
    override.save()
    audit_record(
        actor=actor,
        action="riskareas.override_rejected",
        target=override,
        changes={"status": ["proposed", "rejected"], "note": note},
    )
    return override


@transaction.atomic
def risk_override_withdraw(*, actor: Any, override: RiskOverride) -> RiskOverride:
    """The proposer takes back a proposal. Raises NotFound, OverrideForbidden
    ("risk_override.forbidden") for anyone else, OverrideInvalidTransition."""
    override = _locked(actor, override)
    if getattr(actor, "pk", None) != override.proposed_by_id and not getattr(
        actor, "is_superuser", False
    ):
        raise OverrideForbidden(gettext_noop("Only the proposer may withdraw a proposal."))
    _check_transition(override, OverrideStatus.WITHDRAWN)
    override.status = OverrideStatus.WITHDRAWN
    override.save()
    audit_record(
        actor=actor,
        action="riskareas.override_withdrawn",
        target=override,
        changes={"status": ["proposed", "withdrawn"]},
    )
    return override


@transaction.atomic
def risk_override_lift(*, actor: Any, override: RiskOverride, reason: str) -> RiskOverride:
    """End an approved override today; the county returns to its computed level.

    Raises NotFound, OverrideForbidden ("risk_override.forbidden"), OverrideInvalid
    ("risk_override.invalid") without a reason, OverrideInvalidTransition.
    """
    override = _locked(actor, override)
    if not can_decide(actor, override.jurisdiction):
        raise OverrideForbidden(
            gettext_noop(
                "Only a command officer of the city or province above the county may lift it."
            )
        )
    _check_transition(override, OverrideStatus.LIFTED)
    reason = (reason or "").strip()
    if not reason:
        raise OverrideInvalid(
            gettext_noop("Give the reason for lifting the override."), field="reason"
        )
    today = timezone.localdate()
    override.status = OverrideStatus.LIFTED
    override.lifted_by, override.lifted_at, override.lifted_on = actor, timezone.now(), today
    override.lift_reason = reason
    override.save()
    audit_record(
        actor=actor,
        action="riskareas.override_lifted",
        target=override,
        changes={"status": ["approved", "lifted"], "lifted_on": today, "reason": reason},
    )
    _redesignate(actor=actor, county=override.jurisdiction, day=today, lift_reason=reason)
    return override
