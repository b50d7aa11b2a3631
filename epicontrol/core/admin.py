from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db import transaction
from django.http import HttpRequest

from .admin_base import ReadOnlyAdmin
from .audit import audit_record
from .models import AuditEntry, PolicyVersion
from .policy import PolicyInvalid, validate_policy_version


class PolicyVersionForm(forms.ModelForm):  # type: ignore[type-arg]
    """Refuses parameters that the app owning the domain could not read (``policy.invalid``)."""

    class Meta:
        model = PolicyVersion
        fields = ("domain", "code", "name", "effective_from", "effective_to", "source", "params")

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        if {"params", "domain", "effective_from"} <= cleaned.keys():
            candidate = PolicyVersion(
                domain=cleaned["domain"],
                code=cleaned.get("code") or "",
                name=cleaned.get("name") or "",
                effective_from=cleaned["effective_from"],
                effective_to=cleaned.get("effective_to"),
                params=cleaned["params"],
            )
            try:
                validate_policy_version(candidate)
            except PolicyInvalid as exc:
                self.add_error("params", f"{exc.code}: {exc.message}")
        return cleaned


@admin.register(PolicyVersion)
class PolicyVersionAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Policy rows are rules in force: edits are validated by their app and audited."""

    form = PolicyVersionForm
    list_display = ("domain", "code", "name", "effective_from", "effective_to")
    list_filter = ("domain",)
    search_fields = ("code", "name")

    def save_model(self, request: HttpRequest, obj: PolicyVersion, form: Any, change: bool) -> None:
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            audit_record(
                actor=request.user,
                action="policy.changed" if change else "policy.created",
                target=obj,
                changes={name: form.cleaned_data.get(name) for name in form.changed_data},
            )


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    """The audit trail is append-only: readable here, never editable."""

    list_display = ("created_at", "action", "actor", "target_type", "target_id", "target_repr")
    list_filter = ("action", "target_type")
    search_fields = ("action", "target_id", "actor__username")
    date_hierarchy = "created_at"
