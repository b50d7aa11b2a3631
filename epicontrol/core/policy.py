"""Versioned policy parameters, read as typed values.

Every duration, test day and threshold is data in a ``PolicyVersion`` row (seeded from
domain-rules §9 by the ``seed_policies`` command and migration). Code asks for the version in
force on a date and reads typed parameters from it; it never writes "14" itself.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import transaction

from .errors import DomainError
from .models import PolicyVersion

SEED_FILE = Path(__file__).resolve().parent / "seed" / "policy_versions.json"


class PolicyInvalid(DomainError):
    """A policy version whose parameters cannot be read (a missing key, a wrong type)."""

    code = "policy.invalid"
    status = 400
    default_message = "The policy parameters are not valid."


class PolicyNotFound(DomainError):
    code = "policy.not_found"
    status = 404
    default_message = "No policy version is in force on this date."


@dataclass(frozen=True)
class ObservationRule:
    """How one category of person is observed under one policy version.

    Day numbering: day 1 is the first day of observation, i.e. the day after the last exposure
    (or after arrival); the period ends at the end of day ``centralised_days + home_days``
    (domain-rules §3.3: "end = last exposure + N days").
    """

    centralised_days: int
    home_days: int
    home_kind: str | None
    tests_centralised: tuple[int, ...]
    tests_home: tuple[int, ...]
    start: str

    @property
    def total_days(self) -> int:
        return self.centralised_days + self.home_days

    @property
    def test_days(self) -> tuple[int, ...]:
        """All test days as day numbers of the whole period.

        Home test days are counted from the start of the home part, so they are offset by the
        centralised days (8th edition: centralised 1, 4, 7, 14 and home 2, 7 → 16, 21).
        """
        return tuple(self.tests_centralised) + tuple(
            self.centralised_days + d for d in self.tests_home
        )

    @classmethod
    def from_params(cls, raw: dict[str, Any] | None) -> ObservationRule | None:
        """Read a rule; ValueError names the key whose value is not a whole number (list)."""
        if not raw:
            return None

        def days(key: str) -> int:
            try:
                return int(raw.get(key) or 0)
            except (TypeError, ValueError):
                raise ValueError(f"{key} must be a whole number of days") from None

        def day_list(key: str) -> tuple[int, ...]:
            try:
                return tuple(int(d) for d in raw.get(key) or ())
            except (TypeError, ValueError):
                raise ValueError(f"{key} must be a list of day numbers") from None

        return cls(
            centralised_days=days("centralised_days"),
            home_days=days("home_days"),
            home_kind=raw.get("home_kind"),
            tests_centralised=day_list("tests_centralised"),
            tests_home=day_list("tests_home"),
            start=str(raw.get("start") or "last_exposure"),
        )


@dataclass(frozen=True)
class ProtocolParams:
    """The typed view of a national protocol edition (domain-rules §9)."""

    code: str
    name: str
    effective_from: dt.date
    incubation_days: int
    lookback_symptomatic_days: int | None
    lookback_asymptomatic_days: int | None
    close_contact: ObservationRule | None
    secondary_contact: ObservationRule | None
    inbound_traveller: ObservationRule | None
    cluster_threshold: int | None
    travel_history_days: int | None
    case_discharge: dict[str, Any] | None
    fever_threshold_c: float
    checks_per_day: int
    missed_check_grace_hours: int

    @classmethod
    def from_version(cls, version: PolicyVersion) -> ProtocolParams:
        p = version.params
        return cls(
            code=version.code,
            name=version.name,
            effective_from=version.effective_from,
            incubation_days=int(p["incubation_days"]),
            lookback_symptomatic_days=p.get("lookback_symptomatic_days"),
            lookback_asymptomatic_days=p.get("lookback_asymptomatic_days"),
            close_contact=ObservationRule.from_params(p.get("close_contact")),
            secondary_contact=ObservationRule.from_params(p.get("secondary_contact")),
            inbound_traveller=ObservationRule.from_params(p.get("inbound_traveller")),
            cluster_threshold=p.get("cluster_threshold"),
            travel_history_days=p.get("travel_history_days"),
            case_discharge=p.get("case_discharge"),
            fever_threshold_c=float(p.get("fever_threshold_c", 37.3)),
            checks_per_day=int(p.get("checks_per_day", 2)),
            missed_check_grace_hours=int(p.get("missed_check_grace_hours", 12)),
        )


def _check_national(version: PolicyVersion) -> None:
    ProtocolParams.from_version(version)


def validate_policy_version(version: PolicyVersion) -> None:
    """Check that ``version`` (saved or not) can be read by the app that owns its domain.

    Each app declares its readers in its AppConfig as ``policy_validators = {domain: "dotted
    path"}``; ``national`` is checked here. A validator raises any exception for unreadable
    parameters; it comes back as PolicyInvalid ("policy.invalid", field "params") naming the
    domain and the problem, so the admin refuses the edit instead of a page failing later.
    Domains nobody declares are accepted as they are.
    """
    from django.apps import apps
    from django.utils.module_loading import import_string

    checks: dict[str, Any] = {"national": _check_national}
    for config in apps.get_app_configs():
        for domain, path in getattr(config, "policy_validators", {}).items():
            checks[domain] = path
    check = checks.get(version.domain)
    if check is None:
        return
    if isinstance(check, str):
        check = import_string(check)
    if not isinstance(version.params, dict):
        raise PolicyInvalid(
            "The parameters must be a JSON object.", field="params", domain=version.domain
        )
    try:
        check(version)
    except DomainError as exc:
        raise PolicyInvalid(
            f"{version.domain}: {exc.message}",
            field="params",
            domain=version.domain,
            cause=exc.code,
        ) from exc
    except (KeyError, ValueError, TypeError, AttributeError) as exc:
        problem = f"missing parameter {exc}" if isinstance(exc, KeyError) else str(exc)
        raise PolicyInvalid(
            f"{version.domain}: {problem}", field="params", domain=version.domain
        ) from exc


def version_in_force(on: dt.date, *, domain: str = "national") -> PolicyVersion:
    """The version of ``domain`` in force on ``on`` (latest effective_from ≤ on).

    Raises PolicyNotFound ("policy.not_found").
    """
    version = (
        PolicyVersion.objects.filter(domain=domain, effective_from__lte=on)
        .order_by("-effective_from")
        .first()
    )
    if version is None or (version.effective_to is not None and on >= version.effective_to):
        raise PolicyNotFound(domain=domain, date=on.isoformat())
    return version


def protocol_on(on: dt.date) -> ProtocolParams:
    """The national protocol parameters in force on a date."""
    return ProtocolParams.from_version(version_in_force(on, domain="national"))


def protocol(code: str) -> ProtocolParams:
    return ProtocolParams.from_version(PolicyVersion.objects.get(domain="national", code=code))


def seed_versions(seed_file: Path, model: Any = None) -> int:
    """Create the versions of ``seed_file`` that are missing; never overwrite an edited row.

    One loader for every app's seed file (``{"versions": [{domain, code, name, effective_from,
    effective_to?, source?, params}]}``). Data migrations pass their historical ``model``.
    Returns how many rows were created. Idempotent.
    """
    model = model if model is not None else PolicyVersion
    data = json.loads(seed_file.read_text(encoding="utf-8"))
    created = 0
    for row in data["versions"]:
        _, was_created = model.objects.get_or_create(
            domain=row["domain"],
            code=row["code"],
            defaults={
                "name": row["name"],
                "effective_from": dt.date.fromisoformat(row["effective_from"]),
                "effective_to": (
                    dt.date.fromisoformat(row["effective_to"]) if row.get("effective_to") else None
                ),
                "source": row.get("source", ""),
                "params": row["params"],
            },
        )
        created += int(was_created)
    return created


@transaction.atomic
def seed_policy_versions(seed_file: Path = SEED_FILE) -> int:
    """Create the seeded national editions that are missing (see ``seed_versions``)."""
    return seed_versions(seed_file)
