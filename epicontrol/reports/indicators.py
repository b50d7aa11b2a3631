"""The indicators a daily report holds, in one place.

Stored indicators are model columns of ``DailyReport`` (cumulative or current counts). Derived
ones are computed when read: ``confirmed_current`` (现有确诊 = cumulative confirmed − cured −
dead) and one ``*_new`` per cumulative indicator (today's cumulative − the previous report's).
Rates (``rates.py``) name these indicators in their policy definitions.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Indicator:
    name: str
    label: str | Promise
    cumulative: bool  # cumulative figures never decrease and have a ``<base>_new`` counterpart
    csv_column: str | None = None  # the column of the Hunan series format, when it has one

    @property
    def new_name(self) -> str | None:
        if not self.cumulative:
            return None
        return self.name.removesuffix("_cumulative") + "_new"


STORED: tuple[Indicator, ...] = (
    Indicator("confirmed_cumulative", _("Confirmed (cumulative)"), True, "confirmed"),
    Indicator("suspected_current", _("Suspected (current)"), False, "suspected"),
    Indicator("cured_cumulative", _("Cured and discharged (cumulative)"), True, "cured"),
    Indicator("dead_cumulative", _("Deaths (cumulative)"), True, "dead"),
    Indicator("admitted_current", _("In hospital (current)"), False),
    Indicator("severe_current", _("Severe and critical (current)"), False),
    Indicator("asymptomatic_current", _("Asymptomatic under management (current)"), False),
    Indicator("observation_current", _("Under medical observation (current)"), False),
    Indicator("screened_cumulative", _("Key persons screened (cumulative)"), True),
)
STORED_NAMES: tuple[str, ...] = tuple(i.name for i in STORED)
CUMULATIVE_NAMES: tuple[str, ...] = tuple(i.name for i in STORED if i.cumulative)
BY_NAME: dict[str, Indicator] = {i.name: i for i in STORED}

# Derived figures, with labels (also used to show rate formulas).
CONFIRMED_CURRENT = "confirmed_current"
POPULATION = "population"
DERIVED_LABELS: dict[str, str | Promise] = {
    CONFIRMED_CURRENT: _("Confirmed under treatment (current)"),
    POPULATION: _("Resident population"),
    "confirmed_new": _("New confirmed"),
    "cured_new": _("New cured and discharged"),
    "dead_new": _("New deaths"),
    "screened_new": _("New key persons screened"),
}
NEW_NAMES: dict[str, str] = {i.name: i.new_name for i in STORED if i.new_name}


def label(name: str) -> str:
    """The translated label of a stored or derived indicator (the name itself if unknown)."""
    if name in BY_NAME:
        return str(BY_NAME[name].label)
    return str(DERIVED_LABELS.get(name, name))


def derive(values: Mapping[str, int | None]) -> dict[str, int | None]:
    """Stored values plus ``confirmed_current``; None when any input is missing (no data)."""
    out = dict(values)
    confirmed = values.get("confirmed_cumulative")
    cured = values.get("cured_cumulative")
    dead = values.get("dead_cumulative")
    out[CONFIRMED_CURRENT] = (
        confirmed - cured - dead
        if confirmed is not None and cured is not None and dead is not None
        else None
    )
    return out
