"""The people registry: one record per real person (PRODUCT §4.2)."""

from __future__ import annotations

from typing import Any

from django.db import models

from epicontrol.core.masking import mask_id_number, mask_phone
from epicontrol.core.models import TimeStampedModel
from epicontrol.core.pii import pii_decrypt
from epicontrol.core.scoping import ScopedQuerySet

from .choices import IdType, Sex

ACTIVE = models.Q(merged_into__isnull=True)


class JurisdictionPathField(models.CharField):  # type: ignore[type-arg]
    """A copy of ``jurisdiction.path`` filled in on every insert and save.

    ``pre_save`` runs for ``save()`` and ``bulk_create`` alike, so a person written by any
    module carries the path that scoping reads (a person without it would be invisible to
    everyone). ``QuerySet.update(jurisdiction=...)`` bypasses it: change the jurisdiction through
    ``people.services.person_update``.
    """

    def pre_save(self, model_instance: models.Model, add: bool) -> Any:
        person: Any = model_instance
        # The cached jurisdiction (assigned or select_related) costs nothing; a row with only
        # ``jurisdiction_id`` and no path yet pays one query rather than being invisible.
        jurisdiction: Any = person._meta.get_field("jurisdiction").get_cached_value(person, None)
        if jurisdiction is None and not person.jurisdiction_path and person.jurisdiction_id:
            jurisdiction = person.jurisdiction
        if jurisdiction is not None:
            person.jurisdiction_path = jurisdiction.path
        return person.jurisdiction_path


class PersonQuerySet(ScopedQuerySet["Person"]):
    # Scope on the person's own copy of the path: no join, and PostgreSQL estimates a prefix of
    # this column from its own statistics (through the join it guessed 32 rows for a province).
    jurisdiction_path_lookup = "jurisdiction_path"

    def active(self) -> PersonQuerySet:
        """Persons not merged into another record."""
        return self.filter(merged_into__isnull=True)


class Person(TimeStampedModel):
    """A real person, known by an identity document.

    ID number and phone are never stored in clear: ``*_hash`` is a keyed hash used for exact
    lookup and duplicate prevention, ``*_enc`` the ciphertext for the audited unmasked view, and
    ``*_masked`` what lists, exports and logs may show. ``jurisdiction`` is the division of the
    current address and decides who sees the person (through ``jurisdiction_path``, its copy).

    A merged duplicate keeps its row with ``merged_into`` set, so the merge can be traced and
    reversed from the audit trail; every selector shows active persons only.
    """

    # Every index costs the 100,000-row import; each one below serves a named query (Meta).
    created_at = models.DateTimeField(auto_now_add=True)
    name = models.CharField(max_length=50)
    id_type = models.CharField(max_length=24, choices=IdType.choices, default=IdType.RESIDENT_ID)
    id_number_hash = models.CharField(max_length=64)
    id_number_enc = models.TextField()
    id_number_masked = models.CharField(max_length=32)
    id_warnings = models.JSONField(default=list, blank=True)
    birth_date = models.DateField(null=True, blank=True)
    sex = models.CharField(max_length=8, choices=Sex.choices, default=Sex.UNKNOWN)
    phone_hash = models.CharField(max_length=64, blank=True)
    phone_enc = models.TextField(blank=True)
    phone_masked = models.CharField(max_length=20, blank=True)
    household_address = models.CharField(max_length=300, blank=True)
    current_address = models.CharField(max_length=300, blank=True)
    jurisdiction = models.ForeignKey(
        "jurisdictions.Jurisdiction",
        on_delete=models.PROTECT,
        related_name="people",
        db_index=False,
    )
    # ``jurisdiction.path``, so that scoping and the jurisdiction filter are a prefix match on
    # this table alone; kept equal to the jurisdiction by JurisdictionPathField.pre_save.
    jurisdiction_path = JurisdictionPathField(max_length=255, editable=False)
    occupation = models.CharField(max_length=100, blank=True)
    work_unit = models.CharField(max_length=200, blank=True)
    notes = models.TextField(blank=True)
    merged_into = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_from",
        db_index=False,
    )
    # Not indexed: users are deactivated, not deleted, so "persons created by" is never a hot path.
    created_by = models.ForeignKey(
        "accounts.User",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )

    objects = PersonQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            # Hash first: also serves "find by ID number" across document types (list search,
            # import de-duplication), which always filters active persons like this index.
            models.UniqueConstraint(
                fields=["id_number_hash", "id_type"],
                condition=ACTIVE,
                name="person_unique_document",
            )
        ]
        # Every list, search and duplicate check reads active persons only, so the indexes
        # are partial (WHERE merged_into IS NULL): smaller, and the condition costs no lookup.
        indexes = [
            # Newest first, with the scope and name columns in the index: the page's ids come
            # from an index-only scan that skips other areas' rows without touching the table.
            # (Trailing key columns rather than INCLUDE, which SQLite lacks and warns about.)
            models.Index(
                fields=["-created_at", "-id", "jurisdiction_path", "name"],
                name="person_created",
                condition=ACTIVE,
            ),
            # Scope (path prefix) with an optional name prefix checked inside the index, and
            # the sort columns: a county's count and its name search (2,700 王 of 41,000) are
            # index-only, page included.
            models.Index(
                fields=["jurisdiction_path", "name", "created_at", "id"],
                name="person_scope_name",
                opclasses=[
                    "varchar_pattern_ops",
                    "varchar_pattern_ops",
                    "timestamptz_ops",
                    "int8_ops",
                ],
                condition=ACTIVE,
            ),
            # Name prefix search (LIKE '张%' needs the pattern opclass on PostgreSQL unless the
            # collation is C), with the scope and sort columns so a province-wide name search
            # stays in the index, and the name + birth date candidate check.
            models.Index(
                fields=["name", "birth_date", "jurisdiction_path", "created_at", "id"],
                name="person_name_birth",
                opclasses=[
                    "varchar_pattern_ops",
                    "date_ops",
                    "varchar_pattern_ops",
                    "timestamptz_ops",
                    "int8_ops",
                ],
                condition=ACTIVE,
            ),
            # Exact phone search and the name + phone candidate check.
            models.Index(fields=["phone_hash"], name="person_phone", condition=ACTIVE),
            # Only merged rows: the merge trail (merged_from) without indexing 5 M NULLs.
            models.Index(
                fields=["merged_into"],
                name="person_merged_into",
                condition=models.Q(merged_into__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        # Never the ID number or phone: __str__ ends up in audit entries and logs.
        return f"{self.name} #{self.pk}"

    @property
    def id_number(self) -> str:
        """The clear ID number. Callers must go through ``people.services.person_reveal``."""
        return pii_decrypt(self.id_number_enc)

    @property
    def phone(self) -> str:
        return pii_decrypt(self.phone_enc) if self.phone_enc else ""

    @staticmethod
    def masked_id(number: str) -> str:
        return mask_id_number(number)

    @staticmethod
    def masked_phone(phone: str) -> str:
        return mask_phone(phone)
