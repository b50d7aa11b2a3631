from __future__ import annotations

from django.contrib import admin

from .models import Jurisdiction, Unit


@admin.register(Jurisdiction)
class JurisdictionAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("code", "name", "level", "kind", "is_administrative", "valid_to")
    list_filter = ("level", "kind", "is_administrative")
    search_fields = ("code", "name")
    raw_id_fields = ("parent", "replaced_by", "created_by")
    readonly_fields = ("path", "depth")


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("name", "kind", "jurisdiction", "capacity", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("name",)
    raw_id_fields = ("jurisdiction", "created_by")
