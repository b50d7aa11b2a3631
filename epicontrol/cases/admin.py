"""Read-only admin for support staff: cases move through their state machine in the services."""

from __future__ import annotations

from django.contrib import admin

from epicontrol.core.admin_base import ReadOnlyAdmin

from .models import Case, CaseEvent, Cluster, Revisit


@admin.register(Cluster)
class ClusterAdmin(ReadOnlyAdmin):
    list_display = ("name", "setting", "jurisdiction", "created_at")
    search_fields = ("name",)


@admin.register(Case)
class CaseAdmin(ReadOnlyAdmin):
    list_display = ("id", "classification", "severity", "status", "county_code", "reported_at")
    list_filter = ("classification", "status", "severity", "is_imported")
    raw_id_fields = ("person", "jurisdiction", "facility", "cluster", "created_by")


@admin.register(CaseEvent)
class CaseEventAdmin(ReadOnlyAdmin):
    list_display = ("case", "action", "at", "from_status", "to_status", "actor")
    list_filter = ("action",)
    raw_id_fields = ("case", "actor", "facility")


@admin.register(Revisit)
class RevisitAdmin(ReadOnlyAdmin):
    list_display = ("case", "date", "result")
    raw_id_fields = ("case", "recorded_by")
