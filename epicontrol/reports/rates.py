"""The four rates (四率) as data: typed definitions read from ``PolicyVersion(domain="rates")``.

Each rate is ``numerator ÷ denominator × scale``; numerator and denominator are sums of
indicators with integer coefficients. The definitions are seeded from ``seed/rate_definitions.json``
by migration ``0002`` and can be replaced by a later version with a new ``effective_from``.

Units: a ``percent`` rate's value is in percent (治愈率 4 ÷ 5 → ``80.0``, meaning 80 %); a
``per_100k`` rate's value is per 100,000 residents. A missing input or a zero denominator gives
``value=None`` ("no data", shown as 无数据), never 0 and never an error.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from epicontrol.core.models import PolicyVersion
from epicontrol.core.policy import seed_versions, version_in_force

from .errors import RateDefinitionInvalid
from .indicators import label

DOMAIN = "rates"
SEED_FILE = Path(__file__).resolve().parent / "seed" / "rate_definitions.json"

RATE_LABELS: dict[str, str | Promise] = {
    "admission": _("Admission rate"),
    "cure": _("Cure rate"),
    "infection": _("Infection rate"),
    "fatality": _("Case fatality rate"),
}
UNIT_LABELS: dict[str, str | Promise] = {"percent": "%", "per_100k": _("per 100,000")}


@dataclass(frozen=True)
class RateDefinition:
    key: str
    numerator: tuple[tuple[str, int], ...]
    denominator: tuple[tuple[str, int], ...]
    scale: int
    unit: str

    @property
    def label(self) -> str:
        return str(RATE_LABELS.get(self.key, self.key))

    @property
    def unit_label(self) -> str:
        return str(UNIT_LABELS.get(self.unit, self.unit))

    @property
    def inputs(self) -> tuple[str, ...]:
        return tuple(name for name, _c in self.numerator + self.denominator)

    def formula(self) -> str:
        """The formula as shown on the page, built from the same definition that computes it."""
        return _formula(self, translation.get_language() or "")

    @classmethod
    def from_params(cls, raw: Mapping[str, Any]) -> RateDefinition:
        try:
            return cls(
                key=str(raw["key"]),
                numerator=tuple((str(k), int(v)) for k, v in dict(raw["numerator"]).items()),
                denominator=tuple((str(k), int(v)) for k, v in dict(raw["denominator"]).items()),
                scale=int(raw["scale"]),
                unit=str(raw["unit"]),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise RateDefinitionInvalid(detail=str(exc)) from exc


@functools.lru_cache(maxsize=256)
def _formula(definition: RateDefinition, language: str) -> str:
    # Cached per language: labels are translated, definitions are immutable.
    num, den = _terms_text(definition.numerator), _terms_text(definition.denominator)
    scale = "× 100%" if definition.unit == "percent" else f"× {definition.scale:,}"
    return f"{definition.label} = {num} ÷ {den} {scale}"


def _terms_text(terms: tuple[tuple[str, int], ...]) -> str:
    parts: list[str] = []
    for i, (name, coefficient) in enumerate(terms):
        sign = "−" if coefficient < 0 else "+"
        factor = f"{abs(coefficient)} × " if abs(coefficient) != 1 else ""
        text = f"{factor}{label(name)}"
        parts.append(text if i == 0 and sign == "+" else f"{sign} {text}")
    joined = " ".join(parts)
    return f"({joined})" if len(terms) > 1 else joined


@dataclass(frozen=True)
class RateValue:
    """One computed rate: ``value`` is None when there is no data.

    Labels and the formula are read from the definition when shown (translated then), so
    computing a year of rates does not translate anything.
    """

    definition: RateDefinition
    value: float | None
    numerator: int | None
    denominator: int | None

    @property
    def key(self) -> str:
        return self.definition.key

    @property
    def label(self) -> str:
        return self.definition.label

    @property
    def unit(self) -> str:
        return self.definition.unit

    @property
    def unit_label(self) -> str:
        return self.definition.unit_label

    @property
    def scale(self) -> int:
        return self.definition.scale

    @property
    def formula(self) -> str:
        return self.definition.formula()

    def as_dict(self) -> dict[str, Any]:
        return {
            "value": self.value,
            "numerator": self.numerator,
            "denominator": self.denominator,
            "unit": self.unit,
            "scale": self.scale,
            "formula": self.formula,
        }


def _sum_terms(terms: tuple[tuple[str, int], ...], inputs: Mapping[str, int | None]) -> int | None:
    total = 0
    for name, coefficient in terms:
        value = inputs.get(name)
        if value is None:
            return None
        total += coefficient * value
    return total


def compute(definition: RateDefinition, inputs: Mapping[str, int | None]) -> RateValue:
    """Apply one definition to a set of figures; None value when an input is missing or the
    denominator is zero or negative."""
    numerator = _sum_terms(definition.numerator, inputs)
    denominator = _sum_terms(definition.denominator, inputs)
    value: float | None = None
    if numerator is not None and denominator is not None and denominator > 0:
        # numerator × scale first: 4 × 100 / 5 is exactly 80.0 (0.8 × 100 is not).
        value = round(numerator * definition.scale / denominator, 6)
    return RateValue(
        definition=definition, value=value, numerator=numerator, denominator=denominator
    )


def definitions_on(day: dt.date) -> tuple[RateDefinition, ...]:
    """The rate definitions in force on ``day``.

    Raises PolicyNotFound ("policy.not_found") when no version covers the date and
    RateDefinitionInvalid ("rates.invalid_definition") when a stored version is malformed.
    """
    version = version_in_force(day, domain=DOMAIN)
    return tuple(RateDefinition.from_params(r) for r in version.params.get("rates", ()))


def validate_version(version: PolicyVersion) -> None:
    """Read every definition of ``version`` (core's policy admin calls this before saving).

    Raises RateDefinitionInvalid ("rates.invalid_definition") or TypeError.
    """
    rates = version.params.get("rates")
    if not isinstance(rates, list):
        raise TypeError("rates must be a list of rate definitions")
    for raw in rates:
        RateDefinition.from_params(raw)


def compute_all(day: dt.date, inputs: Mapping[str, int | None]) -> dict[str, RateValue]:
    """All four rates for one set of figures, keyed by rate key (admission, cure, …)."""
    return {d.key: compute(d, inputs) for d in definitions_on(day)}


class RateBook:
    """Every version of the rate definitions, read once, for computing many dates (a curve,
    a dashboard) without one query per date. Same rule as ``version_in_force``."""

    def __init__(self) -> None:
        self._versions = list(
            PolicyVersion.objects.filter(domain=DOMAIN).order_by("-effective_from")
        )
        self._parsed: dict[int, tuple[RateDefinition, ...]] = {}

    def on(self, day: dt.date) -> tuple[RateDefinition, ...]:
        """The definitions in force on ``day``; empty when no version covers it."""
        for version in self._versions:
            if version.effective_from <= day:
                if version.effective_to is not None and day >= version.effective_to:
                    return ()
                if version.pk not in self._parsed:
                    self._parsed[version.pk] = tuple(
                        RateDefinition.from_params(r) for r in version.params.get("rates", ())
                    )
                return self._parsed[version.pk]
        return ()

    def compute_all(self, day: dt.date, inputs: Mapping[str, int | None]) -> dict[str, RateValue]:
        return {d.key: compute(d, inputs) for d in self.on(day)}


@transaction.atomic
def seed_rate_definitions(seed_file: Path = SEED_FILE) -> int:
    """Create the seeded rate versions that are missing; never overwrite an edited one."""
    return seed_versions(seed_file)
