"""Admin building blocks shared by the apps.

Most module data changes only through services (state machines, scoping, audit), so support
staff get a read-only admin for it: ``ReadOnlyAdmin`` refuses add, change and delete. The admin
is not scoped by jurisdiction, so these pages open for superusers only: a staff account given
"view" permissions cannot read another county's people through it.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest


class ReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Lists and shows rows to superusers; every write goes through the app's services instead."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_active and request.user.is_superuser)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_active and request.user.is_superuser)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
