"""Read-only admin for support staff: masked identifiers only, never the clear or encrypted values.

Revealing an ID number is a service (``person_reveal``) that checks the role and audits it;
merges and edits go through the registry pages.
"""

from __future__ import annotations

from django.contrib import admin

from epicontrol.core.admin_base import ReadOnlyAdmin

from .models import Person


@admin.register(Person)
class PersonAdmin(ReadOnlyAdmin):
    list_display = ("id", "name", "id_number_masked", "phone_masked", "jurisdiction", "created_at")
    search_fields = ("name",)
    raw_id_fields = ("jurisdiction", "merged_into", "created_by")
    fields = (
        "name",
        "id_type",
        "id_number_masked",
        "id_warnings",
        "birth_date",
        "sex",
        "phone_masked",
        "jurisdiction",
        "occupation",
        "work_unit",
        "merged_into",
        "created_by",
        "created_at",
    )
