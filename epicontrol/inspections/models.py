"""Supervision groups, checklist templates, plans and tasks, on-site records, findings and
accountability (督导检查, PRODUCT §4.3).

Scoping has two sides. The **inspecting side** (members of the supervision group, and officers
whose scope covers the dispatching jurisdiction) sees everything the group does. The
**inspected side** (officers of the target jurisdiction, users of the target unit) sees a task
only when it is announced or once its record is submitted (四不两直: 不发通知、不打招呼), and
sees the records and findings about them. Paths of both sides are copied onto each row
(``command_path``, ``target_path``, ``responsible_path``) so that ``visible_to`` is a few
indexable prefix matches, never a join.
"""

from __future__ import annotations

import functools
from typing import Any, Self

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from epicontrol.core.models import TimeStampedModel
from epicontrol.core.scoping import Scope, ScopedQuerySet, path_condition, scope_of

from .choices import (
    OPEN_STATUSES,
    CheckMethod,
    FindingStatus,
    Measure,
    Outcome,
    Recurrence,
    Severity,
    SubjectKind,
    TargetType,
    TaskStatus,
)


@functools.cache
def _finding_url_prefix() -> str:
    """``/inspections/findings/``: list rows build 50 links without 50 ``reverse`` calls."""
    return reverse("inspections:finding_detail", args=[0]).removesuffix("0/")


# Label lookups for list rows (Django's get_FOO_display rebuilds the flat choices per call).
SEVERITY_LABELS = dict(Severity.choices)
TARGET_TYPE_LABELS = dict(TargetType.choices)
FINDING_STATUS_LABELS = dict(FindingStatus.choices)


def member_group_ids(user: Any) -> tuple[int, ...]:
    """Ids of the supervision groups the user belongs to (cached on the user for the request)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return ()
    cached = getattr(user, "_inspection_group_ids", None)
    if isinstance(cached, tuple):
        return cached
    ids = tuple(
        SupervisionGroup.members.through.objects.filter(user_id=user.pk).values_list(
            "supervisiongroup_id", flat=True
        )
    )
    user._inspection_group_ids = ids
    return ids


def _side_condition(
    scope: Scope, group_ids: tuple[int, ...], *, own_path: str, unit_field: str | None
) -> tuple[Q, Q]:
    """(inspecting side, inspected side) conditions for a row with command/target paths."""
    inspecting = path_condition("command_path", scope.paths) | Q(group_id__in=group_ids)
    inspected = path_condition(own_path, scope.paths)
    if unit_field and scope.unit_ids:
        inspected |= Q(**{f"{unit_field}__in": scope.unit_ids})
    return inspecting, inspected


def _path_index(field: str, name: str) -> models.Index:
    # Prefix scans (LIKE 'a/b/%') on PostgreSQL need the pattern opclass.
    return models.Index(fields=[field], name=name, opclasses=["varchar_pattern_ops"])


class GroupQuerySet(ScopedQuerySet["SupervisionGroup"]):
    def visible_to(self, user: Any) -> Self:
        """The dispatching side, the members, and officers covering a target of the group."""
        scope = scope_of(user)
        if scope.everything:
            return self
        condition = path_condition("command_path", scope.paths) | Q(pk__in=member_group_ids(user))
        if scope.paths:
            targeted = SupervisionGroup.targets.through.objects.filter(
                path_condition("jurisdiction__path", scope.paths)
            ).values("supervisiongroup_id")
            condition |= Q(pk__in=targeted)
        return self.filter(condition)


class SupervisionGroup(TimeStampedModel):
    """A supervision group (督导组) dispatched by a command jurisdiction to target areas.

    E.g. the province's 14 groups to Hunan's 14 cities (document 000). The leader is a member.
    """

    name = models.CharField(max_length=100)
    command_jurisdiction = models.ForeignKey(
        "jurisdictions.Jurisdiction", on_delete=models.PROTECT, related_name="+"
    )
    command_path = models.CharField(max_length=255)
    targets = models.ManyToManyField("jurisdictions.Jurisdiction", related_name="+")
    leader = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="supervision_groups")
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)
    notes = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = GroupQuerySet.as_manager()

    class Meta:
        ordering = ["command_path", "name"]
        indexes = [_path_index("command_path", "insp_group_cmd_path")]

    def __str__(self) -> str:
        return self.name

    @property
    def jurisdiction(self) -> Any:
        return self.command_jurisdiction


class TemplateQuerySet(models.QuerySet["ChecklistTemplate"]):
    def current(self) -> Self:
        return self.filter(is_current=True)


class ChecklistTemplate(TimeStampedModel):
    """A versioned checklist for one target type. Score rules live on the items, as data.

    A version that a record has used is never changed: revising it creates version + 1 and
    makes that the current one (``services.templates.template_revise``).
    """

    code = models.CharField(max_length=40)
    version = models.PositiveIntegerField(default=1)
    target_type = models.CharField(max_length=32, choices=TargetType.choices, db_index=True)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    base_score = models.DecimalField(max_digits=8, decimal_places=2, default=0)
    pass_percent = models.DecimalField(max_digits=5, decimal_places=2, default=80)
    is_current = models.BooleanField(default=True)
    supersedes = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="superseded_by"
    )
    source = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = TemplateQuerySet.as_manager()

    class Meta:
        ordering = ["target_type", "code", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="insp_template_version"),
            models.UniqueConstraint(
                fields=["code"], condition=Q(is_current=True), name="insp_template_one_current"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"


class ChecklistItem(models.Model):
    """One line of a checklist: what to check, how, and how it scores (``rule``, see scoring)."""

    template = models.ForeignKey(ChecklistTemplate, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField(default=0)
    code = models.CharField(max_length=20)
    category = models.CharField(max_length=100)
    text = models.TextField()
    method = models.CharField(max_length=16, choices=CheckMethod.choices)
    evidence_required = models.BooleanField(default=False)
    rule = models.JSONField()
    veto = models.BooleanField(default=False, help_text="一票否决: a failure fails the sheet.")
    severity = models.CharField(max_length=8, choices=Severity.choices, default=Severity.MEDIUM)
    guidance = models.TextField(blank=True)

    class Meta:
        ordering = ["template", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["template", "code"], name="insp_item_code"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.text[:40]}"


class PlanQuerySet(ScopedQuerySet["InspectionPlan"]):
    def visible_to(self, user: Any) -> Self:
        """Plans are the inspecting side's business only (the target never sees them)."""
        scope = scope_of(user)
        if scope.everything:
            return self
        return self.filter(
            path_condition("command_path", scope.paths) | Q(group_id__in=member_group_ids(user))
        )


class InspectionPlan(TimeStampedModel):
    """A one-off or recurring (每天一督查) plan: a group checks these targets with a checklist.

    A daily plan makes one task per target per day between ``starts_on`` and ``ends_on``
    (``services.plans.tasks_make_for_day``, run daily, exactly once per day).
    """

    name = models.CharField(max_length=200)
    group = models.ForeignKey(SupervisionGroup, on_delete=models.PROTECT, related_name="plans")
    template = models.ForeignKey(ChecklistTemplate, on_delete=models.PROTECT, related_name="+")
    recurrence = models.CharField(max_length=8, choices=Recurrence.choices)
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)
    unannounced = models.BooleanField(default=True, help_text="四不两直")
    is_active = models.BooleanField(default=True)
    command_path = models.CharField(max_length=255)
    notes = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = PlanQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_on", "-id"]
        indexes = [models.Index(fields=["recurrence", "is_active", "starts_on"])]

    def __str__(self) -> str:
        return self.name

    @property
    def jurisdiction(self) -> Any:
        return self.group.command_jurisdiction


class PlanTarget(models.Model):
    """A target of a plan: a jurisdiction (community, township …) or a unit inside one."""

    plan = models.ForeignKey(InspectionPlan, on_delete=models.CASCADE, related_name="targets")
    jurisdiction = models.ForeignKey(
        "jurisdictions.Jurisdiction", on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey(
        "jurisdictions.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    target_key = models.CharField(max_length=30)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["plan", "target_key"], name="insp_plan_target"),
        ]

    def __str__(self) -> str:
        return str(self.unit or self.jurisdiction)


class TaskQuerySet(ScopedQuerySet["InspectionTask"]):
    def visible_to(self, user: Any) -> Self:
        """四不两直: the target's own officers and unit users see an unannounced task only once
        its record is submitted; the group's members and the dispatching command always do.
        Covering the target is never enough on its own."""
        scope = scope_of(user)
        if scope.everything:
            return self
        inspecting, inspected = _side_condition(
            scope, member_group_ids(user), own_path="target_path", unit_field="target_unit_id"
        )
        revealed = Q(unannounced=False) | Q(status=TaskStatus.SUBMITTED)
        return self.filter(inspecting | (inspected & revealed))


class InspectionTask(TimeStampedModel):
    """One inspection to perform: a target, a checklist version, a group and a date."""

    plan = models.ForeignKey(
        InspectionPlan, null=True, blank=True, on_delete=models.PROTECT, related_name="tasks"
    )
    group = models.ForeignKey(SupervisionGroup, on_delete=models.PROTECT, related_name="tasks")
    template = models.ForeignKey(ChecklistTemplate, on_delete=models.PROTECT, related_name="tasks")
    target_jurisdiction = models.ForeignKey(
        "jurisdictions.Jurisdiction", on_delete=models.PROTECT, related_name="+"
    )
    target_unit = models.ForeignKey(
        "jurisdictions.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    target_key = models.CharField(max_length=30)
    target_type = models.CharField(max_length=32, choices=TargetType.choices)
    target_path = models.CharField(max_length=255)
    command_path = models.CharField(max_length=255)
    scheduled_on = models.DateField()
    unannounced = models.BooleanField(default=True)
    status = models.CharField(max_length=12, choices=TaskStatus.choices, default=TaskStatus.PLANNED)
    submitted_at = models.DateTimeField(null=True, blank=True)
    notes = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = TaskQuerySet.as_manager()

    class Meta:
        ordering = ["-scheduled_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "target_key", "scheduled_on"],
                condition=Q(plan__isnull=False),
                name="insp_task_once_per_day",
            ),
        ]
        indexes = [
            models.Index(fields=["scheduled_on", "status"]),
            models.Index(fields=["group", "scheduled_on"]),
            _path_index("target_path", "insp_task_target_path"),
            _path_index("command_path", "insp_task_cmd_path"),
        ]

    def __str__(self) -> str:
        return f"{self.scheduled_on} {self.target_name}"

    @property
    def target_name(self) -> str:
        return str(self.target_unit or self.target_jurisdiction)

    @property
    def jurisdiction(self) -> Any:
        return self.target_jurisdiction


class RecordQuerySet(ScopedQuerySet["InspectionRecord"]):
    def visible_to(self, user: Any) -> Self:
        """A record exists only once submitted, so both sides see it."""
        scope = scope_of(user)
        if scope.everything:
            return self
        inspecting, inspected = _side_condition(
            scope, member_group_ids(user), own_path="target_path", unit_field="target_unit_id"
        )
        return self.filter(inspecting | inspected)

    def current(self) -> Self:
        return self.filter(is_current=True)


class InspectionRecord(TimeStampedModel):
    """The on-site record of a task: per-item results, the computed score, and the evidence.

    Immutable once submitted. A correction is a new version (``version`` + 1, ``supersedes``)
    and becomes the current one; only the ``is_current`` flag of the old version changes.
    ``client_id`` is generated in the page (or by the API client): a resent submission with
    the same id is stored once.
    """

    task = models.ForeignKey(InspectionTask, on_delete=models.PROTECT, related_name="records")
    version = models.PositiveSmallIntegerField(default=1)
    supersedes = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="superseded_by"
    )
    is_current = models.BooleanField(default=True)
    client_id = models.UUIDField(unique=True)
    template = models.ForeignKey(
        ChecklistTemplate, on_delete=models.PROTECT, related_name="records"
    )
    group = models.ForeignKey(SupervisionGroup, on_delete=models.PROTECT, related_name="records")
    target_jurisdiction = models.ForeignKey(
        "jurisdictions.Jurisdiction", on_delete=models.PROTECT, related_name="+"
    )
    target_unit = models.ForeignKey(
        "jurisdictions.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    target_key = models.CharField(max_length=30)
    target_type = models.CharField(max_length=32, choices=TargetType.choices)
    target_path = models.CharField(max_length=255)
    command_path = models.CharField(max_length=255)
    inspected_at = models.DateTimeField()
    inspected_on = models.DateField()
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    persons_present = models.TextField(blank=True)
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    notes = models.TextField(blank=True)
    total_score = models.DecimalField(max_digits=8, decimal_places=2)
    max_score = models.DecimalField(max_digits=8, decimal_places=2)
    percent = models.DecimalField(max_digits=5, decimal_places=2)
    deductions = models.DecimalField(max_digits=8, decimal_places=2, default=0)
    passed = models.BooleanField()
    vetoed = models.BooleanField(default=False)
    correction_reason = models.TextField(blank=True)

    objects = RecordQuerySet.as_manager()

    class Meta:
        ordering = ["-inspected_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["task", "version"], name="insp_record_version"),
            models.UniqueConstraint(
                fields=["task"], condition=Q(is_current=True), name="insp_record_one_current"
            ),
        ]
        indexes = [
            models.Index(fields=["is_current", "inspected_on"]),
            _path_index("target_path", "insp_record_target_path"),
            _path_index("command_path", "insp_record_cmd_path"),
        ]

    def __str__(self) -> str:
        return f"{self.inspected_on} {self.target_unit or self.target_jurisdiction} v{self.version}"

    @property
    def jurisdiction(self) -> Any:
        return self.target_jurisdiction

    @property
    def target_name(self) -> str:
        return str(self.target_unit or self.target_jurisdiction)

    @property
    def target_type_label(self) -> str:
        return str(TARGET_TYPE_LABELS.get(self.target_type, self.target_type))


class ItemResult(models.Model):
    """The result of one checklist item in one record, with the computed points."""

    record = models.ForeignKey(InspectionRecord, on_delete=models.CASCADE, related_name="results")
    item = models.ForeignKey(ChecklistItem, on_delete=models.PROTECT, related_name="+")
    outcome = models.CharField(max_length=4, choices=Outcome.choices)
    value = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)
    occurrences = models.PositiveIntegerField(default=0)
    note = models.TextField(blank=True)
    earned = models.DecimalField(max_digits=8, decimal_places=2)
    maximum = models.DecimalField(max_digits=8, decimal_places=2)
    deduction = models.DecimalField(max_digits=8, decimal_places=2, default=0)
    failed = models.BooleanField(default=False)
    rectified_on_spot = models.BooleanField(default=False)

    class Meta:
        ordering = ["item__position", "item_id"]
        constraints = [
            models.UniqueConstraint(fields=["record", "item"], name="insp_result_item"),
        ]

    def __str__(self) -> str:
        return f"{self.item_id}: {self.outcome}"


class FindingQuerySet(ScopedQuerySet["Finding"]):
    def visible_to(self, user: Any) -> Self:
        """The inspecting side, and the responsible side (its jurisdiction's officers or the
        responsible unit's users) — findings exist only once their record is submitted."""
        scope = scope_of(user)
        if scope.everything:
            return self
        inspecting, inspected = _side_condition(
            scope,
            member_group_ids(user),
            own_path="responsible_path",
            unit_field="responsible_unit_id",
        )
        return self.filter(inspecting | inspected)

    def unresolved(self) -> Self:
        from .choices import UNRESOLVED_STATUSES

        return self.filter(status__in=UNRESOLVED_STATUSES)


class Finding(TimeStampedModel):
    """A problem found by an inspection, followed until it is closed (销号).

    found → assigned (交办) → rectifying → submitted → closed, or reopened → submitted …;
    rectified_on_spot (立行立改) at finding time. Overdue open findings are flagged daily and
    escalate one level up (通报) per ``escalation_interval_days``.
    """

    record = models.ForeignKey(InspectionRecord, on_delete=models.PROTECT, related_name="findings")
    item = models.ForeignKey(
        ChecklistItem, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    item_code = models.CharField(max_length=20, blank=True)
    category = models.CharField(max_length=100, blank=True)
    description = models.TextField()
    severity = models.CharField(max_length=8, choices=Severity.choices)
    status = models.CharField(
        max_length=20, choices=FindingStatus.choices, default=FindingStatus.FOUND
    )
    group = models.ForeignKey(SupervisionGroup, on_delete=models.PROTECT, related_name="+")
    target_type = models.CharField(max_length=32, choices=TargetType.choices)
    responsible_jurisdiction = models.ForeignKey(
        "jurisdictions.Jurisdiction", on_delete=models.PROTECT, related_name="+"
    )
    responsible_unit = models.ForeignKey(
        "jurisdictions.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    responsible_path = models.CharField(max_length=255)
    command_path = models.CharField(max_length=255)
    found_on = models.DateField()
    deadline = models.DateField()
    requirements = models.TextField(blank=True, help_text="Rectification requirements (交办函).")
    assigned_at = models.DateTimeField(null=True, blank=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    rectification_note = models.TextField(blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_on = models.DateField(null=True, blank=True)
    verification_note = models.TextField(blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    closed_on = models.DateField(null=True, blank=True)
    reopen_count = models.PositiveSmallIntegerField(default=0)
    is_overdue = models.BooleanField(default=False)
    overdue_since = models.DateField(null=True, blank=True)
    escalation_level = models.PositiveSmallIntegerField(default=0)
    escalated_to = models.ForeignKey(
        "jurisdictions.Jurisdiction",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    objects = FindingQuerySet.as_manager()

    class Meta:
        ordering = ["-found_on", "-id"]
        indexes = [
            models.Index(fields=["status", "deadline"]),
            models.Index(fields=["found_on"]),
            models.Index(fields=["is_overdue", "status"]),
            _path_index("responsible_path", "insp_finding_resp_path"),
            _path_index("command_path", "insp_finding_cmd_path"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.description[:40]}"

    @property
    def jurisdiction(self) -> Any:
        return self.responsible_jurisdiction

    @property
    def responsible_name(self) -> str:
        return str(self.responsible_unit or self.responsible_jurisdiction)

    @property
    def detail_url(self) -> str:
        return f"{_finding_url_prefix()}{self.pk}/"

    @property
    def severity_label(self) -> str:
        return str(SEVERITY_LABELS.get(self.severity, self.severity))

    @property
    def status_label(self) -> str:
        return str(FINDING_STATUS_LABELS.get(self.status, self.status))

    @property
    def is_open_overdue(self) -> bool:
        """Overdue and still owed by the responsible side (what lists flag in red)."""
        return self.is_overdue and self.status in OPEN_STATUSES

    @property
    def badge(self) -> str:
        """The CSS badge class of the status."""
        if self.status in (FindingStatus.CLOSED, FindingStatus.RECTIFIED_ON_SPOT):
            return "ok"
        if self.status == FindingStatus.WITHDRAWN:
            return ""
        return "bad" if self.is_open_overdue else "warn"

    @property
    def letter_number(self) -> str:
        """The number of the 交办函 (assignment letter): year and finding id."""
        return f"督交〔{self.found_on:%Y}〕{self.pk}号"


class FindingEvent(models.Model):
    """One step of a finding's life (the timeline shown on its page; also audited)."""

    finding = models.ForeignKey(Finding, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=20)
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.finding_id} {self.action}"

    @property
    def label(self) -> str:
        from .choices import EVENT_LABELS

        return str(EVENT_LABELS.get(self.action, self.action))


class Photo(models.Model):
    """Photo evidence: of a checklist item (task/record) or of a rectification (finding).

    Stored through the default storage under MEDIA_ROOT; served only through a scoped view.
    """

    file = models.FileField(upload_to="inspections/photos/%Y/%m/")
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    taken_at = models.DateTimeField()
    uploaded_at = models.DateTimeField(auto_now_add=True)
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    task = models.ForeignKey(
        InspectionTask, null=True, blank=True, on_delete=models.PROTECT, related_name="photos"
    )
    record = models.ForeignKey(
        InspectionRecord, null=True, blank=True, on_delete=models.PROTECT, related_name="photos"
    )
    item_code = models.CharField(max_length=20, blank=True)
    finding = models.ForeignKey(
        Finding, null=True, blank=True, on_delete=models.PROTECT, related_name="photos"
    )

    class Meta:
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return f"photo {self.pk}"

    @property
    def jurisdiction(self) -> Any:
        """The jurisdiction of what the photo is evidence for (for the audit trail)."""
        owner = self.finding or self.record or self.task
        return getattr(owner, "jurisdiction", None)


class AccountabilityQuerySet(ScopedQuerySet["Accountability"]):
    def visible_to(self, user: Any) -> Self:
        scope = scope_of(user)
        if scope.everything:
            return self
        inspecting, inspected = _side_condition(
            scope,
            member_group_ids(user),
            own_path="jurisdiction_path",
            unit_field="subject_unit_id",
        )
        return self.filter(inspecting | inspected)


class Accountability(TimeStampedModel):
    """An accountability decision (问责) linked to a finding or a record."""

    finding = models.ForeignKey(
        Finding, null=True, blank=True, on_delete=models.PROTECT, related_name="accountability"
    )
    record = models.ForeignKey(
        InspectionRecord,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="accountability",
    )
    group = models.ForeignKey(SupervisionGroup, on_delete=models.PROTECT, related_name="+")
    subject_kind = models.CharField(max_length=8, choices=SubjectKind.choices)
    subject_name = models.CharField(max_length=100)
    subject_position = models.CharField(max_length=100, blank=True)
    subject_unit = models.ForeignKey(
        "jurisdictions.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    jurisdiction = models.ForeignKey(
        "jurisdictions.Jurisdiction", on_delete=models.PROTECT, related_name="+"
    )
    jurisdiction_path = models.CharField(max_length=255)
    command_path = models.CharField(max_length=255)
    measure = models.CharField(max_length=20, choices=Measure.choices)
    decided_by = models.CharField(max_length=100)
    decided_on = models.DateField()
    notes = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = AccountabilityQuerySet.as_manager()

    class Meta:
        ordering = ["-decided_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(finding__isnull=False) | Q(record__isnull=False),
                name="insp_accountability_linked",
            ),
        ]
        indexes = [
            models.Index(fields=["decided_on"]),
            _path_index("jurisdiction_path", "insp_acc_path"),
        ]

    def __str__(self) -> str:
        return f"{self.subject_name} · {self.get_measure_display()}"
