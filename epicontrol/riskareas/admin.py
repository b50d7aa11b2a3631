from __future__ import annotations

from django.contrib import admin

from .models import RiskAssessment, RiskComputation, RiskLevel, RiskLevelChange, RiskOverride


@admin.register(RiskLevel)
class RiskLevelAdmin(admin.ModelAdmin[RiskLevel]):
    list_display = ("jurisdiction", "level", "scheme", "is_override", "effective_from")
    list_filter = ("level", "is_override", "scheme")
    search_fields = ("jurisdiction__code", "jurisdiction__name")
    raw_id_fields = ("jurisdiction", "override")


@admin.register(RiskLevelChange)
class RiskLevelChangeAdmin(admin.ModelAdmin[RiskLevelChange]):
    list_display = ("jurisdiction", "effective_from", "from_level", "to_level", "source", "actor")
    list_filter = ("source", "to_level")
    search_fields = ("jurisdiction__code", "jurisdiction__name")
    raw_id_fields = ("jurisdiction", "assessment", "override", "actor")


@admin.register(RiskAssessment)
class RiskAssessmentAdmin(admin.ModelAdmin[RiskAssessment]):
    list_display = ("jurisdiction", "day", "scheme", "level")
    list_filter = ("scheme", "level")
    search_fields = ("jurisdiction__code", "jurisdiction__name")
    raw_id_fields = ("jurisdiction", "computation")


@admin.register(RiskOverride)
class RiskOverrideAdmin(admin.ModelAdmin[RiskOverride]):
    list_display = ("jurisdiction", "level", "status", "effective_from", "proposed_by")
    list_filter = ("status",)
    raw_id_fields = ("jurisdiction", "proposed_by", "decided_by", "lifted_by")


@admin.register(RiskComputation)
class RiskComputationAdmin(admin.ModelAdmin[RiskComputation]):
    list_display = ("day", "scheme", "jurisdiction", "counties", "changes", "created_at")
    raw_id_fields = ("jurisdiction", "actor")
