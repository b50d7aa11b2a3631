"""Shared base models: time stamps, the audit trail and versioned policy records."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import models


class TimeStampedModel(models.Model):
    """Abstract base: creation and last-update times, set by the database layer."""

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class AuditEntry(models.Model):
    """One audited write: who did what to which record, with the changed fields.

    Written by every write service through ``epicontrol.core.audit.audit_record``; never
    updated or deleted. ``jurisdiction_path`` lets an officer read the trail of their own area
    with the same prefix scoping as the records themselves.
    """

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=80, db_index=True)
    target_type = models.CharField(max_length=80)
    target_id = models.CharField(max_length=64)
    target_repr = models.CharField(max_length=200, blank=True)
    jurisdiction_path = models.CharField(max_length=255, blank=True, db_index=True)
    changes = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        indexes = [models.Index(fields=["target_type", "target_id"])]
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action} {self.target_type}#{self.target_id}"


class PolicyVersion(models.Model):
    """A versioned rule set (防控方案第N版 and later notices) with typed parameters.

    Durations, test days, look-back windows and thresholds are read from ``params`` through
    ``epicontrol.core.policy``; code never hard-codes them. ``domain`` separates rule families
    (``national`` protocol editions, ``hunan_risk`` local variants ...). The version in force on a
    date is the one with the latest ``effective_from`` not after that date.
    """

    domain = models.CharField(max_length=40, default="national")
    code = models.CharField(max_length=40)
    name = models.CharField(max_length=200)
    effective_from = models.DateField()
    effective_to = models.DateField(null=True, blank=True)
    source = models.TextField(blank=True)
    params = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["domain", "code"], name="policy_version_domain_code")
        ]
        ordering = ["domain", "effective_from"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    def param(self, key: str, default: Any = None) -> Any:
        return self.params.get(key, default)

    def in_force_on(self, day: dt.date) -> bool:
        return self.effective_from <= day and (self.effective_to is None or day < self.effective_to)
