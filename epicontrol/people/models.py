"""The people registry: one record per real person (PRODUCT §4.2)."""

from __future__ import annotations

from django.db import models

from epicontrol.core.masking import mask_id_number, mask_phone
from epicontrol.core.models import TimeStampedModel
from epicontrol.core.pii import pii_decrypt
from epicontrol.core.scoping import ScopedQuerySet

from .choices import IdType, Sex


class PersonQuerySet(ScopedQuerySet["Person"]):
    def active(self) -> PersonQuerySet:
        """Persons not merged into another record."""
        return self.filter(merged_into__isnull=True)


class Person(TimeStampedModel):
    """A real person, known by an identity document.

    ID number and phone are never stored in clear: ``*_hash`` is a keyed hash used for exact
    lookup and duplicate prevention, ``*_enc`` the ciphertext for the audited unmasked view, and
    ``*_masked`` what lists, exports and logs may show. ``jurisdiction`` is the division of the
    current address and decides who sees the person.

    A merged duplicate keeps its row with ``merged_into`` set, so the merge can be traced and
    reversed from the audit trail; every selector shows active persons only.
    """

    name = models.CharField(max_length=50, db_index=True)
    id_type = models.CharField(max_length=24, choices=IdType.choices, default=IdType.RESIDENT_ID)
    id_number_hash = models.CharField(max_length=64, db_index=True)
    id_number_enc = models.TextField()
    id_number_masked = models.CharField(max_length=32)
    id_warnings = models.JSONField(default=list, blank=True)
    birth_date = models.DateField(null=True, blank=True)
    sex = models.CharField(max_length=8, choices=Sex.choices, default=Sex.UNKNOWN)
    phone_hash = models.CharField(max_length=64, blank=True, db_index=True)
    phone_enc = models.TextField(blank=True)
    phone_masked = models.CharField(max_length=20, blank=True)
    household_address = models.CharField(max_length=300, blank=True)
    current_address = models.CharField(max_length=300, blank=True)
    jurisdiction = models.ForeignKey(
        "jurisdictions.Jurisdiction", on_delete=models.PROTECT, related_name="people"
    )
    occupation = models.CharField(max_length=100, blank=True)
    work_unit = models.CharField(max_length=200, blank=True)
    notes = models.TextField(blank=True)
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="merged_from"
    )
    created_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = PersonQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["id_type", "id_number_hash"],
                condition=models.Q(merged_into__isnull=True),
                name="person_unique_document",
            )
        ]
        indexes = [
            models.Index(fields=["jurisdiction", "-created_at"], name="person_jur_created"),
            models.Index(fields=["name", "birth_date"], name="person_name_birth"),
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
