"""Read-only admin for support staff: reports are filed and imported through the services."""

from __future__ import annotations

from django.contrib import admin

from epicontrol.core.admin_base import ReadOnlyAdmin

from .models import DailyReport, DailyReportImport, ReportingUnit


@admin.register(ReportingUnit)
class ReportingUnitAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "parent")
    search_fields = ("code", "name")


@admin.register(DailyReportImport)
class DailyReportImportAdmin(ReadOnlyAdmin):
    list_display = ("file_name", "jurisdiction", "rows", "created", "updated", "created_at")
    raw_id_fields = ("jurisdiction", "created_by")


@admin.register(DailyReport)
class DailyReportAdmin(ReadOnlyAdmin):
    list_display = ("jurisdiction", "unit", "date", "source", "confirmed_cumulative")
    list_filter = ("source",)
    date_hierarchy = "date"
    raw_id_fields = ("jurisdiction", "unit")
