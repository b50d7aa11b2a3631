from __future__ import annotations

from django.contrib import admin

from epicontrol.core.admin_base import ReadOnlyAdmin

from .models import CategoryGroup, DailyReport, LedgerEntry, PersonCategory


@admin.register(PersonCategory)
class PersonCategoryAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("name", "code", "observation_rule", "order", "is_active")
    list_editable = ("order", "is_active")
    search_fields = ("name", "code", "name_en")


@admin.register(CategoryGroup)
class CategoryGroupAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("name", "code", "definition_confirmed", "order")
    filter_horizontal = ("categories",)


@admin.register(LedgerEntry)
class LedgerEntryAdmin(ReadOnlyAdmin):
    """Read-only: entries change through the services (state machine, audit)."""

    list_display = ("pk", "category", "grid", "status", "registered_on")
    list_filter = ("status", "category", "source")
    raw_id_fields = ("person", "grid", "registered_by")


@admin.register(DailyReport)
class DailyReportAdmin(ReadOnlyAdmin):
    list_display = ("grid", "day", "is_zero", "new", "under_management", "version")
    list_filter = ("is_zero",)
    raw_id_fields = ("grid", "confirmed_by")
