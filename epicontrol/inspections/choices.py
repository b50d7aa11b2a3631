"""Choices of the supervision module; values are used in code, the API and the seed data."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class TargetType(models.TextChoices):
    """What a checklist is for. A community target is a jurisdiction; the others are units."""

    COMMUNITY = "community", _("Community")
    ENTERPRISE = "enterprise", _("Enterprise")
    DESIGNATED_HOSPITAL = "designated_hospital", _("Designated hospital")
    FEVER_CLINIC = "fever_clinic", _("Fever clinic")
    MARKET = "market", _("Market")
    CHECKPOINT = "checkpoint", _("Checkpoint")
    ISOLATION_SITE = "isolation_site", _("Quarantine site")
    SCHOOL = "school", _("School")
    SERVICE_AREA = "service_area", _("Highway service area")
    SANITATION_TEAM = "sanitation_team", _("Sanitation team")


class CheckMethod(models.TextChoices):
    DOCUMENTS = "documents", _("Review documents")  # 查阅资料
    SITE = "site", _("On-site check")  # 实地查看
    INTERVIEW = "interview", _("Interview")  # 询问
    SAMPLE = "sample", _("Spot check")  # 抽查


class RuleKind(models.TextChoices):
    PASS_FAIL = "pass_fail", _("Pass / fail")
    SCALE = "scale", _("Points scale")
    DEDUCTION = "deduction", _("Deduction per occurrence")


class Outcome(models.TextChoices):
    PASS = "pass", pgettext_lazy("inspection", "Pass")
    FAIL = "fail", pgettext_lazy("inspection", "Fail")
    NOT_APPLICABLE = "na", pgettext_lazy("inspection", "Not applicable")


class Recurrence(models.TextChoices):
    ONCE = "once", pgettext_lazy("inspection", "Once")
    DAILY = "daily", pgettext_lazy("inspection", "Daily")  # 每天一督查


class TaskStatus(models.TextChoices):
    PLANNED = "planned", pgettext_lazy("inspection", "Planned")
    SUBMITTED = "submitted", pgettext_lazy("inspection", "Inspected")
    CANCELLED = "cancelled", pgettext_lazy("inspection", "Cancelled")


class Severity(models.TextChoices):
    LOW = "low", pgettext_lazy("inspection", "Minor")
    MEDIUM = "medium", pgettext_lazy("inspection", "Serious")
    HIGH = "high", pgettext_lazy("inspection", "Severe")


class FindingStatus(models.TextChoices):
    FOUND = "found", pgettext_lazy("finding", "Found")
    RECTIFIED_ON_SPOT = "rectified_on_spot", _("Rectified on the spot")  # 立行立改
    ASSIGNED = "assigned", _("Handed over")  # 交办
    RECTIFYING = "rectifying", pgettext_lazy("finding", "Rectifying")  # 整改中
    SUBMITTED = "submitted", _("Rectification submitted")
    REOPENED = "reopened", pgettext_lazy("finding", "Reopened")
    CLOSED = "closed", _("Verified and closed")  # 销号
    WITHDRAWN = "withdrawn", _("Withdrawn by correction")


# Statuses in which the responsible side still owes work; only these can become overdue.
OPEN_STATUSES = frozenset(
    {
        FindingStatus.FOUND,
        FindingStatus.ASSIGNED,
        FindingStatus.RECTIFYING,
        FindingStatus.REOPENED,
    }
)
# Every status that is not finished (open ones plus "submitted, awaiting the re-check").
UNRESOLVED_STATUSES = OPEN_STATUSES | {FindingStatus.SUBMITTED}
RESOLVED_STATUSES = frozenset({FindingStatus.CLOSED, FindingStatus.RECTIFIED_ON_SPOT})


class FindingAction(models.TextChoices):
    ASSIGN = "assign", _("Hand over")
    START = "start", _("Start rectification")
    SUBMIT = "submit", _("Submit rectification")
    VERIFY = "verify", _("Verify and close")
    REOPEN = "reopen", _("Reopen")


class SubjectKind(models.TextChoices):
    PERSON = "person", pgettext_lazy("inspection", "Person")
    UNIT = "unit", pgettext_lazy("inspection", "Unit")


class Measure(models.TextChoices):
    """Accountability measures (问责方式), mildest first."""

    REMINDER_TALK = "reminder_talk", _("Reminder talk")  # 提醒谈话
    ADMONITION_TALK = "admonition_talk", _("Admonition talk")  # 诫勉谈话
    WRITTEN_REVIEW = "written_review", _("Written self-criticism")  # 书面检查
    CRITICISM_NOTICE = "criticism_notice", _("Circulated criticism")  # 通报批评
    ORGANISATIONAL = "organisational", _("Organisational handling")  # 组织处理
    DISCIPLINARY = "disciplinary", _("Party or administrative sanction")  # 党纪政务处分
    OTHER = "other", pgettext_lazy("inspection", "Other")


# Labels of the steps in a finding's history (the workflow actions plus system events).
EVENT_LABELS = {
    "found": pgettext_lazy("finding", "Found"),
    "rectified_on_spot": _("Rectified on the spot"),
    "assign": _("Handed over"),
    "start": _("Start rectification"),
    "submit": _("Rectification submitted"),
    "verify": _("Verified and closed"),
    "reopen": pgettext_lazy("finding", "Reopened"),
    "overdue": pgettext_lazy("finding", "Overdue"),
    "escalated": _("Overdue and escalated (circulated)"),
    "withdrawn": _("Withdrawn by correction"),
}
