"""The risk-level engine: case statistics of one county + a scheme's rule table → level + reasons.

Pure functions, no database: the rule table is data from a ``PolicyVersion`` (see
``riskareas.policy``), parsed once into the frozen objects below and evaluated per county.

A rule table is an ordered list; the first rule whose condition holds gives the level::

    {"level": "high", "reason": "many_cases_and_cluster",
     "when": {"all": [{"fact": "cumulative_confirmed", "op": "gt", "param": "cumulative_threshold"},
                      {"fact": "has_cluster_in_window", "op": "eq", "value": true}]}}

A condition is ``true`` (always), ``{"all": [...]}``, ``{"any": [...]}`` or an atom comparing a
*fact* with a literal ``value`` or a scheme ``param`` (so a threshold lives in one place).

Facts (computed by ``facts_of`` from the county's statistics on the assessment day):

- ``cumulative_confirmed``: confirmed cases up to and including the day;
- ``new_confirmed_in_window``: confirmed cases in the window (as counted by the case records);
- ``has_cluster_in_window``: a cluster (聚集性疫情, threshold by protocol edition) in the window;
- ``days_since_last_confirmed``: whole days from the last confirmed case to the day (None when
  there is none);
- ``new_case_in_window``: a confirmed case in the last ``window_days`` days. Day D itself is day 1
  of the window: a last case on D − 13 is inside a 14-day window, one on D − 14 is not (14
  consecutive days without a new case: D − 13 … D). Computed from the last confirmed date when it
  is known, otherwise from ``new_confirmed_in_window``.
"""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from .errors import InvalidRiskPolicy

FactValue = int | bool | None


class CaseStats(Protocol):
    """What the engine needs to know about one county (the case module's ``CountyCaseStats``)."""

    @property
    def cumulative_confirmed(self) -> int: ...

    @property
    def new_confirmed_in_window(self) -> int: ...

    @property
    def has_cluster_in_window(self) -> bool: ...

    @property
    def last_confirmed_date(self) -> dt.date | None: ...


@dataclass(frozen=True)
class CountyCaseStats:
    """A county's case statistics on a day; all zero for a county without cases."""

    cumulative_confirmed: int = 0
    new_confirmed_in_window: int = 0
    has_cluster_in_window: bool = False
    last_confirmed_date: dt.date | None = None


NO_CASES = CountyCaseStats()

FACTS = (
    "cumulative_confirmed",
    "new_confirmed_in_window",
    "has_cluster_in_window",
    "days_since_last_confirmed",
    "new_case_in_window",
)

OPS: dict[str, Callable[[Any, Any], bool]] = {
    "eq": operator.eq,
    "ne": operator.ne,
    "gt": operator.gt,
    "gte": operator.ge,
    "lt": operator.lt,
    "lte": operator.le,
}


@dataclass(frozen=True)
class Atom:
    """``fact op threshold``, the threshold a literal or the value of a scheme parameter."""

    fact: str
    op: str
    value: FactValue = None
    param: str | None = None

    def threshold(self, params: Mapping[str, Any]) -> FactValue:
        return params[self.param] if self.param is not None else self.value

    def holds(self, facts: Mapping[str, FactValue], params: Mapping[str, Any]) -> bool:
        actual, threshold = facts[self.fact], self.threshold(params)
        if actual is None or threshold is None:
            # "Unknown" (no confirmed case yet) satisfies only an explicit comparison with null.
            if self.op == "eq":
                return actual is None and threshold is None
            if self.op == "ne":
                return (actual is None) != (threshold is None)
            return False
        return OPS[self.op](actual, threshold)


@dataclass(frozen=True)
class AllOf:
    parts: tuple[Condition, ...]


@dataclass(frozen=True)
class AnyOf:
    parts: tuple[Condition, ...]


@dataclass(frozen=True)
class Always:
    pass


Condition = Atom | AllOf | AnyOf | Always


@dataclass(frozen=True)
class Rule:
    level: str
    reason: str
    when: Condition


@dataclass(frozen=True)
class Evaluation:
    """The result for one county: the level, the rule that gave it, and why."""

    level: str
    rule: str
    reasons: tuple[dict[str, Any], ...]
    facts: Mapping[str, FactValue] = field(default_factory=dict)


def parse_condition(raw: Any, *, params: Mapping[str, Any]) -> Condition:
    """Parse the JSON form of a condition.

    Raises InvalidRiskPolicy ("risk_level.invalid_policy").
    """
    if raw is True:
        return Always()
    if not isinstance(raw, dict):
        raise InvalidRiskPolicy(f"A condition must be true or an object, got {raw!r}.")
    if "all" in raw or "any" in raw:
        key = "all" if "all" in raw else "any"
        parts = raw[key]
        if not isinstance(parts, list) or not parts:
            raise InvalidRiskPolicy(f'"{key}" needs a non-empty list of conditions.')
        parsed = tuple(parse_condition(p, params=params) for p in parts)
        return AllOf(parsed) if key == "all" else AnyOf(parsed)
    fact, op = raw.get("fact"), raw.get("op")
    if fact not in FACTS:
        raise InvalidRiskPolicy(f"Unknown fact {fact!r}.", allowed=list(FACTS))
    if op not in OPS:
        raise InvalidRiskPolicy(f"Unknown operator {op!r}.", allowed=list(OPS))
    if "param" in raw:
        if raw["param"] not in params:
            raise InvalidRiskPolicy(f"The rule refers to a missing parameter {raw['param']!r}.")
        return Atom(fact=fact, op=op, param=str(raw["param"]))
    if "value" not in raw:
        raise InvalidRiskPolicy(f'The comparison of {fact} needs "value" or "param".')
    value = raw["value"]
    if value is not None and not isinstance(value, int | bool):
        raise InvalidRiskPolicy(f"A threshold must be a number, a boolean or null: {value!r}.")
    return Atom(fact=fact, op=op, value=value)


def parse_rules(
    raw: Sequence[Any], *, levels: Sequence[str], params: Mapping[str, Any]
) -> tuple[Rule, ...]:
    """Parse and check a rule table; every rule's level must be one of the scheme's ``levels``."""
    if not raw:
        raise InvalidRiskPolicy("A scheme needs at least one rule.")
    rules = []
    for item in raw:
        if not isinstance(item, dict) or item.get("level") not in levels:
            raise InvalidRiskPolicy(
                f"Each rule needs a level among {list(levels)}: {item!r}.", allowed=list(levels)
            )
        rules.append(
            Rule(
                level=str(item["level"]),
                reason=str(item.get("reason") or item["level"]),
                when=parse_condition(item.get("when", True), params=params),
            )
        )
    return tuple(rules)


def facts_of(stats: CaseStats, *, day: dt.date, window_days: int) -> dict[str, FactValue]:
    """The facts the rules compare, derived from the statistics on ``day``."""
    last = stats.last_confirmed_date
    days_since = (day - last).days if last is not None else None
    if days_since is not None:
        new_case_in_window = days_since < window_days
    else:
        new_case_in_window = stats.new_confirmed_in_window > 0
    return {
        "cumulative_confirmed": int(stats.cumulative_confirmed),
        "new_confirmed_in_window": int(stats.new_confirmed_in_window),
        "has_cluster_in_window": bool(stats.has_cluster_in_window),
        "days_since_last_confirmed": days_since,
        "new_case_in_window": new_case_in_window,
    }


def _why(
    condition: Condition, facts: Mapping[str, FactValue], params: Mapping[str, Any]
) -> list[dict[str, Any]] | None:
    """The atoms that make ``condition`` hold (None when it does not hold)."""
    if isinstance(condition, Always):
        return []
    if isinstance(condition, Atom):
        if not condition.holds(facts, params):
            return None
        return [
            {
                "fact": condition.fact,
                "op": condition.op,
                "threshold": condition.threshold(params),
                "actual": facts[condition.fact],
            }
        ]
    if isinstance(condition, AllOf):
        found: list[dict[str, Any]] = []
        for part in condition.parts:
            sub = _why(part, facts, params)
            if sub is None:
                return None
            found.extend(sub)
        return found
    any_found: list[dict[str, Any]] | None = None
    for part in condition.parts:
        sub = _why(part, facts, params)
        if sub is not None:
            any_found = (any_found or []) + sub
    return any_found


def evaluate(
    stats: CaseStats,
    *,
    day: dt.date,
    rules: Sequence[Rule],
    params: Mapping[str, Any],
) -> Evaluation:
    """The level of one county on ``day``: the first rule whose condition holds.

    ``params`` must hold ``window_days`` and every parameter the rules name. Raises
    InvalidRiskPolicy ("risk_level.invalid_policy") when no rule matches (a table without a
    catch-all rule for the inputs given).
    """
    facts = facts_of(stats, day=day, window_days=int(params["window_days"]))
    for rule in rules:
        why = _why(rule.when, facts, params)
        if why is not None:
            reasons = tuple({"rule": rule.reason, **atom} for atom in why) or (
                {"rule": rule.reason},
            )
            return Evaluation(level=rule.level, rule=rule.reason, reasons=reasons, facts=facts)
    raise InvalidRiskPolicy("No rule of the scheme matches these statistics.", facts=facts)
