"""Read-only admin for support staff: plans, tasks, records and findings change through the
services (scoping, unannounced-inspection secrecy, state machine, audit)."""

from __future__ import annotations

from django.contrib import admin

from epicontrol.core.admin_base import ReadOnlyAdmin

from .models import (
    Accountability,
    ChecklistTemplate,
    Finding,
    InspectionPlan,
    InspectionRecord,
    InspectionTask,
    SupervisionGroup,
)


@admin.register(SupervisionGroup)
class SupervisionGroupAdmin(ReadOnlyAdmin):
    list_display = ("name", "command_jurisdiction", "leader", "starts_on", "ends_on")
    search_fields = ("name",)


@admin.register(ChecklistTemplate)
class ChecklistTemplateAdmin(ReadOnlyAdmin):
    list_display = ("code", "version", "name", "target_type", "is_current", "pass_percent")
    list_filter = ("target_type", "is_current")
    search_fields = ("code", "name")


@admin.register(InspectionPlan)
class InspectionPlanAdmin(ReadOnlyAdmin):
    list_display = ("name", "group", "template", "recurrence", "starts_on", "is_active")
    list_filter = ("is_active", "recurrence", "unannounced")


@admin.register(InspectionTask)
class InspectionTaskAdmin(ReadOnlyAdmin):
    list_display = ("id", "group", "target_type", "target_key", "scheduled_on", "unannounced")
    list_filter = ("target_type", "unannounced")
    raw_id_fields = ("plan", "group", "template", "target_jurisdiction", "target_unit")


@admin.register(InspectionRecord)
class InspectionRecordAdmin(ReadOnlyAdmin):
    list_display = ("id", "task", "version", "is_current", "target_type", "created_at")
    list_filter = ("is_current", "target_type")
    raw_id_fields = ("task", "supersedes", "template", "group", "target_jurisdiction")


@admin.register(Finding)
class FindingAdmin(ReadOnlyAdmin):
    list_display = ("id", "item_code", "severity", "status", "responsible_jurisdiction")
    list_filter = ("status", "severity", "target_type")
    search_fields = ("item_code", "description")
    raw_id_fields = ("record", "item", "group", "responsible_jurisdiction", "responsible_unit")


@admin.register(Accountability)
class AccountabilityAdmin(ReadOnlyAdmin):
    list_display = ("id", "subject_name", "subject_kind", "measure", "jurisdiction")
    raw_id_fields = ("finding", "record", "group", "jurisdiction")
