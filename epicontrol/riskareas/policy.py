"""Risk-level schemes: ``PolicyVersion`` rows of domain ``risk_level``, read as typed values.

Each version is one scheme (the 2020 national county rule, the Hunan "三级五类" variant …) with
its own effective date, the division codes it applies to, its parameters and its rule table
(``riskareas.rules``). Several schemes can be in force on the same day for the same county: all
of them are computed, and the one that *designates* the county (its official level) is the
applicable scheme with the latest effective date — the provincial variant from the day it took
effect, the national rule elsewhere.

The seed is ``seed/risk_level_policies.json`` (loaded by migration 0002 and by
``seed_risk_policies``, which only adds missing rows and never overwrites an edited one).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction

from epicontrol.core.models import PolicyVersion
from epicontrol.jurisdictions.models import Jurisdiction

from .choices import RiskLevelCode
from .errors import InvalidRiskPolicy, SchemeNotFound, SchemeNotInForce
from .rules import Rule, parse_rules

DOMAIN = "risk_level"
SEED_FILE = Path(__file__).resolve().parent / "seed" / "risk_level_policies.json"
REQUIRED_PARAMS = ("window_days", "cumulative_threshold", "levels", "rules")


@dataclass(frozen=True)
class RiskScheme:
    """The typed view of one risk-level policy version."""

    version_id: int
    code: str
    name: str
    effective_from: dt.date
    effective_to: dt.date | None
    unit: str
    applies_to: tuple[str, ...]  # division codes; empty = everywhere
    applies_to_paths: tuple[str, ...]
    levels: tuple[str, ...]
    rules: tuple[Rule, ...]
    params: Mapping[str, Any] = field(default_factory=dict)

    @property
    def window_days(self) -> int:
        return int(self.params["window_days"])

    def in_force_on(self, day: dt.date) -> bool:
        return self.effective_from <= day and (self.effective_to is None or day < self.effective_to)

    def applies_to_path(self, path: str) -> bool:
        return not self.applies_to_paths or any(path.startswith(p) for p in self.applies_to_paths)

    def params_on(self, day: dt.date) -> dict[str, Any]:
        """The parameters with the cluster threshold resolved for ``day``."""
        resolved = dict(self.params)
        if resolved.get("cluster_threshold") is None:
            resolved["cluster_threshold"] = national_cluster_threshold(day)
        return resolved


def national_cluster_threshold(day: dt.date) -> int:
    """Cases that make a cluster on ``day``: the latest national edition that defines one.

    domain-rules §2.5: ≥2 up to the 6th edition, ≥5 from the 7th. Editions that no longer define
    clusters (乙类乙管) leave the last definition in place. Raises InvalidRiskPolicy when no
    edition in force by then defines a threshold.
    """
    for params in (
        PolicyVersion.objects.filter(domain="national", effective_from__lte=day)
        .order_by("-effective_from")
        .values_list("params", flat=True)
    ):
        value = (params or {}).get("cluster_threshold")
        if value is not None:
            return int(value)
    raise InvalidRiskPolicy(
        "No national protocol edition defines a cluster threshold on this date.",
        date=day.isoformat(),
    )


def _scheme(version: PolicyVersion, paths: Mapping[str, str]) -> RiskScheme:
    p = version.params or {}
    missing = [k for k in REQUIRED_PARAMS if k not in p]
    if missing:
        raise InvalidRiskPolicy(
            f"Scheme {version.code} lacks parameters {missing}.", scheme=version.code
        )
    levels = tuple(str(x) for x in p["levels"])
    unknown = [x for x in levels if x not in RiskLevelCode.values]
    if unknown:
        raise InvalidRiskPolicy(f"Unknown levels {unknown}.", scheme=version.code)
    applies_to = tuple(str(c) for c in p.get("applies_to") or ())
    missing_codes = [c for c in applies_to if c not in paths]
    if missing_codes:
        raise InvalidRiskPolicy(
            f"Scheme {version.code} applies to unknown divisions {missing_codes}.",
            scheme=version.code,
        )
    params = {k: v for k, v in p.items() if k not in ("levels", "rules", "applies_to")}
    return RiskScheme(
        version_id=version.pk,
        code=version.code,
        name=version.name,
        effective_from=version.effective_from,
        effective_to=version.effective_to,
        unit=str(p.get("unit") or "county"),
        applies_to=applies_to,
        applies_to_paths=tuple(paths[c] for c in applies_to),
        levels=levels,
        rules=parse_rules(p["rules"], levels=levels, params=params),
        params=params,
    )


def load_schemes(versions: Iterable[PolicyVersion] | None = None) -> list[RiskScheme]:
    """Every risk-level scheme (or the given versions), oldest first. Two queries."""
    rows = list(
        versions
        if versions is not None
        else PolicyVersion.objects.filter(domain=DOMAIN).order_by("effective_from", "code")
    )
    codes = {str(c) for v in rows for c in (v.params or {}).get("applies_to") or ()}
    paths = dict(Jurisdiction.objects.filter(code__in=codes).values_list("code", "path"))
    return [_scheme(v, paths) for v in rows]


def validate_version(version: PolicyVersion) -> None:
    """Read ``version`` as a scheme (core's policy admin calls this before saving an edit).

    Raises InvalidRiskPolicy, or KeyError / ValueError / TypeError for values of a wrong type.
    """
    load_schemes([version])


def schemes_in_force(day: dt.date) -> list[RiskScheme]:
    return [s for s in load_schemes() if s.in_force_on(day)]


def scheme_get(code: str) -> RiskScheme:
    """Raises SchemeNotFound ("risk_level.unknown_scheme")."""
    version = PolicyVersion.objects.filter(domain=DOMAIN, code=code).first()
    if version is None:
        raise SchemeNotFound(scheme=code)
    return load_schemes([version])[0]


def scheme_in_force(code: str, day: dt.date) -> RiskScheme:
    """Raises SchemeNotFound and SchemeNotInForce ("risk_level.scheme_not_in_force")."""
    scheme = scheme_get(code)
    if not scheme.in_force_on(day):
        raise SchemeNotInForce(scheme=code, date=day.isoformat(), field="scheme")
    return scheme


def designating_scheme(schemes: Iterable[RiskScheme], path: str) -> RiskScheme | None:
    """The scheme that gives a county its official level: the applicable one effective last."""
    applicable = [s for s in schemes if s.applies_to_path(path)]
    if not applicable:
        return None
    return max(applicable, key=lambda s: (s.effective_from, s.code))


@transaction.atomic
def seed_risk_policies(seed_file: Path = SEED_FILE) -> int:
    """Create the seeded schemes that are missing; never overwrite an edited row. Idempotent."""
    data = json.loads(seed_file.read_text(encoding="utf-8"))
    created = 0
    for row in data["versions"]:
        _, was_created = PolicyVersion.objects.get_or_create(
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
