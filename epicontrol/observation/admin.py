"""Read-mostly admin for support staff: writes go through the services (audited)."""

from __future__ import annotations

from django.contrib import admin

from epicontrol.core.admin_base import ReadOnlyAdmin

from .models import Alert, DailyCheck, LivingNeed, Observation, Room, RoomAssignment


@admin.register(Observation)
class ObservationAdmin(ReadOnlyAdmin):
    list_display = ("id", "category", "kind", "status", "anchor_date", "end_date", "policy_version")
    list_filter = ("status", "category", "kind")
    raw_id_fields = ("person", "jurisdiction", "responsible", "self_reporter", "ledger_entry")


@admin.register(DailyCheck)
class DailyCheckAdmin(ReadOnlyAdmin):
    list_display = ("observation", "day", "slot", "temperature_c", "source")
    raw_id_fields = ("observation",)


@admin.register(Alert)
class AlertAdmin(ReadOnlyAdmin):
    list_display = ("observation", "kind", "status", "day", "slot")
    list_filter = ("kind", "status")
    raw_id_fields = ("observation", "check_ref", "lab_test")


@admin.register(Room)
class RoomAdmin(ReadOnlyAdmin):
    list_display = ("site", "number", "beds", "is_active")


@admin.register(RoomAssignment)
class RoomAssignmentAdmin(ReadOnlyAdmin):
    list_display = ("room", "observation", "started_at", "ended_at")
    raw_id_fields = ("room", "observation")


@admin.register(LivingNeed)
class LivingNeedAdmin(ReadOnlyAdmin):
    list_display = ("observation", "kind", "status", "created_at", "handled_at")
    list_filter = ("status", "kind")
    raw_id_fields = ("observation",)
