"""Users, their memberships (user × jurisdiction or unit × role) and API tokens."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models

from epicontrol.core.models import TimeStampedModel
from epicontrol.core.scoping import Scope

from .choices import UNIT_ROLES, Role


class User(AbstractUser):
    """A person who logs in. What they see comes from their memberships, never from the user row.

    ``failed_logins`` and ``locked_until`` implement the lockout (5 failures → 15 minutes by
    default, settings ``LOGIN_MAX_FAILURES`` and ``LOGIN_LOCKOUT_MINUTES``).
    """

    display_name = models.CharField(max_length=50, blank=True)
    failed_logins = models.PositiveSmallIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.display_name or self.username

    def scope(self) -> Scope:
        """The jurisdictions and units this user may see (see ``core.scoping``)."""
        paths: list[str] = []
        unit_ids: list[int] = []
        unit_paths: list[str] = []
        for m in self.memberships.filter(is_active=True).select_related(
            "jurisdiction", "unit__jurisdiction"
        ):
            if m.unit is not None:
                unit_ids.append(m.unit.pk)
                unit_paths.append(m.unit.jurisdiction.path)
            elif m.jurisdiction_id is not None:
                paths.append(m.jurisdiction.path)
        # A path covered by a shorter one adds nothing; drop it so queries stay small.
        paths.sort(key=len)
        minimal: list[str] = []
        for p in paths:
            if not any(p.startswith(q) for q in minimal):
                minimal.append(p)
        return Scope(paths=tuple(minimal), unit_ids=tuple(unit_ids), unit_paths=tuple(unit_paths))

    def roles(self) -> set[str]:
        return set(self.memberships.filter(is_active=True).values_list("role", flat=True))

    def has_role(self, *roles: str) -> bool:
        if self.is_superuser:
            return True
        cached = getattr(self, "_roles_cache", None)
        if cached is None:
            cached = self.roles()
            self._roles_cache = cached
        return bool(cached.intersection(roles))


class Membership(TimeStampedModel):
    """A user holds a role in a jurisdiction (officers, supervisors, grid workers) or a unit."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=32, choices=Role.choices)
    jurisdiction = models.ForeignKey(
        "jurisdictions.Jurisdiction", on_delete=models.PROTECT, related_name="memberships"
    )
    unit = models.ForeignKey(
        "jurisdictions.Unit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="memberships",
    )
    is_active = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "jurisdiction"],
                condition=models.Q(unit__isnull=True),
                name="membership_unique_jurisdiction",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "unit"],
                condition=models.Q(unit__isnull=False),
                name="membership_unique_unit",
            ),
        ]

    def __str__(self) -> str:
        where = self.unit.name if self.unit_id and self.unit else self.jurisdiction.name
        return f"{self.user} · {self.get_role_display()} · {where}"

    @property
    def is_unit_role(self) -> bool:
        return self.role in UNIT_ROLES


class ApiToken(TimeStampedModel):
    """A bearer token for API clients. Only its SHA-256 is stored; the token is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=8)
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"
