"""Re-planning open observations when a new policy edition takes effect (one audited bulk action).

An observation keeps the plan of the edition it started under. When a new edition applies, an
officer previews which open observations would change (end date, test days, edition) and then
applies the re-plan to all of them in one transaction, with ``audit_bulk`` entries grouped by
the change. The anchor (day 0) never changes; extensions already granted are kept on top of the
new plan (new end = new planned end + the days added by extensions).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from epicontrol.core.audit import audit_bulk
from epicontrol.core.models import PolicyVersion
from epicontrol.core.policy import PolicyNotFound, version_in_force
from epicontrol.core.scoping import scope_of
from epicontrol.jurisdictions.models import Jurisdiction
from epicontrol.observation.choices import Category, Status
from epicontrol.observation.errors import NoRule, ReplanStale
from epicontrol.observation.models import Observation, Replan
from epicontrol.observation.permissions import COMMAND_ROLES, require_roles
from epicontrol.observation.timers import LOCAL_DOMAIN, Plan, plan_for

# The preview lists this many observations one by one; the groups above it cover them all.
PREVIEW_ROWS = 200


@dataclass(frozen=True)
class ReplanRow:
    """One observation's change: its current plan against the plan under the new edition."""

    observation_id: int
    person_name: str
    category: str
    old_end: dt.date
    new_end: dt.date | None
    old_test_days: tuple[int, ...]
    new_test_days: tuple[int, ...] | None
    old_policy: str
    new_policy: str | None
    skipped_reason: str = ""

    @property
    def changes_end(self) -> bool:
        return self.new_end is not None and self.new_end != self.old_end

    @property
    def changes_tests(self) -> bool:
        return self.new_test_days is not None and self.new_test_days != self.old_test_days


@dataclass
class ReplanGroup:
    """Observations that change the same way (same category, editions and day shifts)."""

    category: str
    old_policy: str
    new_policy: str | None
    old_days: int
    new_days: int | None
    old_test_days: tuple[int, ...]
    new_test_days: tuple[int, ...] | None
    skipped_reason: str
    count: int = 0

    @property
    def category_label(self) -> str:
        return str(Category(self.category).label)


@dataclass
class ReplanPreview:
    as_of: dt.date
    target: PolicyVersion
    target_local: PolicyVersion | None
    rows: list[ReplanRow] = field(default_factory=list)
    groups: list[ReplanGroup] = field(default_factory=list)
    changed: int = 0
    skipped: int = 0
    token: str = ""
    plans: dict[int, Plan] = field(default_factory=dict)

    @property
    def shown_rows(self) -> list[ReplanRow]:
        return self.rows[:PREVIEW_ROWS]


def _targets(as_of: dt.date) -> tuple[PolicyVersion, PolicyVersion | None]:
    try:
        national = version_in_force(as_of, domain="national")
    except PolicyNotFound:
        raise NoRule(
            _("No policy edition is in force on this date."),
            code="observation.no_policy",
            date=as_of.isoformat(),
        ) from None
    try:
        local: PolicyVersion | None = version_in_force(as_of, domain=LOCAL_DOMAIN)
    except PolicyNotFound:
        local = None
    return national, local


def _candidates(
    *,
    actor: Any,
    national: PolicyVersion,
    local: PolicyVersion | None,
    jurisdiction: Jurisdiction | None,
    category: str | None,
) -> Any:
    rule_ids = [national.pk] + ([local.pk] if local else [])
    qs = (
        Observation.objects.visible_to(actor)
        .filter(status=Status.ACTIVE)
        .filter(~Q(policy_version=national) | ~Q(rule_version__in=rule_ids))
    )
    if jurisdiction is not None:
        qs = qs.filter(jurisdiction_path__startswith=jurisdiction.path)
    if category:
        qs = qs.filter(category=category)
    return qs.select_related("policy_version", "person").order_by("end_date", "id")


def _build(
    observations: Any, *, as_of: dt.date, national: PolicyVersion, local: PolicyVersion | None
) -> ReplanPreview:
    preview = ReplanPreview(as_of=as_of, target=national, target_local=local)
    plan_cache: dict[tuple[str, dt.date, str], Plan | NoRule] = {}
    groups: dict[tuple[Any, ...], ReplanGroup] = {}
    digest = hashlib.sha256()
    for obs in observations:
        key = (obs.category, obs.anchor_date, obs.kind)
        if key not in plan_cache:
            try:
                plan_cache[key] = plan_for(
                    category=obs.category, anchor_date=obs.anchor_date, kind=obs.kind, on=as_of
                )
            except NoRule as exc:
                plan_cache[key] = exc
        plan = plan_cache[key]
        old_tests = tuple(int(d) for d in obs.test_days)
        if isinstance(plan, NoRule):
            row = ReplanRow(
                observation_id=obs.pk,
                person_name=obs.person.name,
                category=obs.category,
                old_end=obs.end_date,
                new_end=None,
                old_test_days=old_tests,
                new_test_days=None,
                old_policy=obs.policy_version.code,
                new_policy=None,
                skipped_reason=plan.code,
            )
            preview.skipped += 1
            new_days: int | None = None
        else:
            extension = (obs.end_date - obs.planned_end_date).days
            new_end = plan.end_date + dt.timedelta(days=extension)
            row = ReplanRow(
                observation_id=obs.pk,
                person_name=obs.person.name,
                category=obs.category,
                old_end=obs.end_date,
                new_end=new_end,
                old_test_days=old_tests,
                new_test_days=plan.test_days,
                old_policy=obs.policy_version.code,
                new_policy=f"{plan.policy_version.code}",
            )
            preview.plans[obs.pk] = plan
            preview.changed += 1
            new_days = plan.total_days
        preview.rows.append(row)
        digest.update(
            f"{row.observation_id}:{row.new_end}:{row.new_test_days}:{row.skipped_reason};".encode()
        )
        gkey = (
            row.category,
            row.old_policy,
            row.new_policy,
            obs.total_days,
            new_days,
            row.old_test_days,
            row.new_test_days,
            row.skipped_reason,
        )
        group = groups.get(gkey)
        if group is None:
            group = groups[gkey] = ReplanGroup(
                category=row.category,
                old_policy=row.old_policy,
                new_policy=row.new_policy,
                old_days=(obs.planned_end_date - obs.anchor_date).days,
                new_days=new_days,
                old_test_days=row.old_test_days,
                new_test_days=row.new_test_days,
                skipped_reason=row.skipped_reason,
            )
        group.count += 1
    preview.groups = sorted(groups.values(), key=lambda g: (-g.count, g.category))
    preview.token = digest.hexdigest()[:32]
    return preview


def replan_preview(
    *,
    actor: Any,
    as_of: dt.date | None = None,
    jurisdiction: Jurisdiction | None = None,
    category: str | None = None,
) -> ReplanPreview:
    """What re-planning the actor's open observations under the edition in force on ``as_of``
    (default today) would change; nothing is written. ``token`` identifies this preview.

    Raises PermissionDenied ("observation.forbidden"), NoRule ("observation.no_policy").
    """
    require_roles(actor, COMMAND_ROLES)
    as_of = as_of or timezone.localdate()
    national, local = _targets(as_of)
    qs = _candidates(
        actor=actor, national=national, local=local, jurisdiction=jurisdiction, category=category
    )
    return _build(qs.iterator(chunk_size=2000), as_of=as_of, national=national, local=local)


@transaction.atomic
def replan_apply(
    *,
    actor: Any,
    as_of: dt.date | None = None,
    jurisdiction: Jurisdiction | None = None,
    category: str | None = None,
    token: str | None = None,
) -> tuple[Replan, ReplanPreview]:
    """Apply the re-plan of ``replan_preview`` in one transaction, audited in bulk.

    Observations whose category has no rule under the new edition are left as they are
    (counted as skipped; release or close them by hand). ``token`` (from the preview) makes the
    apply refuse when the set of changes differs from what was previewed.

    Raises PermissionDenied, NoRule ("observation.no_policy"), ReplanStale
    ("observation.replan_stale").
    """
    require_roles(actor, COMMAND_ROLES)
    as_of = as_of or timezone.localdate()
    national, local = _targets(as_of)
    qs = _candidates(
        actor=actor, national=national, local=local, jurisdiction=jurisdiction, category=category
    ).select_for_update(of=("self",))
    observations = list(qs)
    preview = _build(observations, as_of=as_of, national=national, local=local)
    if token and token != preview.token:
        raise ReplanStale(expected=token, found=preview.token)
    by_change: dict[tuple[Any, ...], list[Observation]] = defaultdict(list)
    to_update: list[Observation] = []
    now = timezone.now()
    for obs in observations:
        plan = preview.plans.get(obs.pk)
        if plan is None:
            continue
        extension = obs.end_date - obs.planned_end_date
        change = (
            obs.policy_version.code,
            plan.policy_version.code,
            obs.end_date,
            plan.end_date + extension,
            tuple(obs.test_days),
            plan.test_days,
            f"{obs.rule_version_id}",
            f"{plan.rule_version.domain}:{plan.rule_version.code}",
        )
        obs.first_phase_days = plan.first_phase_days
        obs.second_phase_days = plan.second_phase_days
        obs.second_phase_kind = plan.second_phase_kind
        obs.phase2_from = plan.phase2_from
        obs.test_days = list(plan.test_days)
        obs.planned_end_date = plan.end_date
        obs.end_date = plan.end_date + extension
        obs.fever_threshold_c = plan.fever_threshold_c
        obs.checks_per_day = plan.checks_per_day
        obs.grace_hours = plan.grace_hours
        obs.incubation_days = plan.incubation_days
        obs.policy_version = plan.policy_version
        obs.rule_version = plan.rule_version
        obs.updated_at = now
        obs.plan = {**plan.snapshot(), "replanned_from": change[0], "replanned_on": str(as_of)}
        to_update.append(obs)
        by_change[change].append(obs)
    Observation.objects.bulk_update(
        to_update,
        [
            "first_phase_days",
            "second_phase_days",
            "second_phase_kind",
            "phase2_from",
            "test_days",
            "planned_end_date",
            "end_date",
            "fever_threshold_c",
            "checks_per_day",
            "grace_hours",
            "incubation_days",
            "policy_version",
            "rule_version",
            "plan",
            "updated_at",
        ],
        batch_size=1000,
    )
    for change, targets in by_change.items():
        audit_bulk(
            actor=actor,
            action="observation.replanned",
            targets=targets,
            changes={
                "policy": [change[0], change[1]],
                "end_date": [change[2], change[3]],
                "test_days": [list(change[4]), list(change[5])],
                "as_of": as_of,
            },
        )
    record = Replan.objects.create(
        target_version=national,
        as_of=as_of,
        jurisdiction=jurisdiction or _actor_root(actor),
        category=category or "",
        changed=len(to_update),
        skipped=preview.skipped,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    return record, preview


def _actor_root(actor: Any) -> Jurisdiction | None:
    paths = scope_of(actor).paths
    if not paths:
        return None
    code = paths[0].rstrip("/").rsplit("/", 1)[-1]
    return Jurisdiction.objects.filter(code=code).first()
