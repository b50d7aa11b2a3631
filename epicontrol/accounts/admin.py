from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from .models import ApiToken, Membership, User


class MembershipInline(admin.TabularInline):  # type: ignore[type-arg]
    model = Membership
    extra = 0
    raw_id_fields = ("jurisdiction", "unit")


@admin.register(User)
class EpicontrolUserAdmin(UserAdmin):  # type: ignore[type-arg]
    inlines = [MembershipInline]
    list_display = ("username", "display_name", "is_active", "locked_until", "last_login")
    fieldsets = (
        *UserAdmin.fieldsets,  # type: ignore[misc]
        ("epicontrol", {"fields": ("display_name", "failed_logins", "locked_until")}),
    )


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("user", "role", "jurisdiction", "unit", "is_active")
    list_filter = ("role", "is_active")
    raw_id_fields = ("user", "jurisdiction", "unit")
    search_fields = ("user__username", "jurisdiction__name", "jurisdiction__code")


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("prefix", "user", "created_at", "expires_at", "last_used_at", "revoked")
    readonly_fields = ("key_hash", "prefix")
