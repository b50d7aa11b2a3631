"""Score rules of checklist items, and the score of a whole sheet. Pure functions, no database.

A rule is data (``ChecklistItem.rule``, seeded from JSON), one of:

- ``{"kind": "pass_fail", "points": 10}``: pass earns the points, fail earns 0.
- ``{"kind": "scale", "points": 5, "fail_below": 3}``: the inspector gives 0…points; a value
  below ``fail_below`` (default: the full points) is a problem.
- ``{"kind": "deduction", "per_occurrence": 2, "points": 0, "max_deduction": null}``: each
  occurrence deducts ``per_occurrence`` (document 001: "每缺一项扣2分"); the item is worth
  ``points`` (0 for a pure deduction from the sheet's base score); ``max_deduction`` caps it.

Any item may be a veto item (一票否决): when it fails, the sheet fails whatever the points.
The sheet's total is ``base_score + Σ earned`` (never below 0), its maximum ``base_score + Σ
points`` of the applicable items, and it passes when it is not vetoed and the percentage reaches
the template's ``pass_percent``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from .choices import Outcome, RuleKind
from .errors import InvalidItemResult, InvalidRule

ZERO = Decimal(0)
HUNDRED = Decimal(100)


def _decimal(raw: Any, *, name: str) -> Decimal:
    try:
        value = Decimal(str(raw))
    except (InvalidOperation, ValueError):
        raise InvalidRule(_("%(name)s must be a number.") % {"name": name}, field=name) from None
    if not value.is_finite() or value < 0:
        raise InvalidRule(_("%(name)s must be a number ≥ 0.") % {"name": name}, field=name)
    return value


@dataclass(frozen=True)
class Rule:
    kind: str
    points: Decimal = ZERO
    per_occurrence: Decimal = ZERO
    fail_below: Decimal | None = None
    max_deduction: Decimal | None = None

    @classmethod
    def parse(cls, raw: Mapping[str, Any]) -> Rule:
        """Validate a rule dict. Raises InvalidRule ("template.invalid_rule")."""
        if not isinstance(raw, Mapping):
            raise InvalidRule(_("A score rule must be an object."))
        kind = raw.get("kind")
        if kind == RuleKind.PASS_FAIL:
            return cls(kind=kind, points=_decimal(raw.get("points", 0), name="points"))
        if kind == RuleKind.SCALE:
            points = _decimal(raw.get("points", 0), name="points")
            if points <= 0:
                raise InvalidRule(_("A scale needs points > 0."), field="points")
            fail_below = raw.get("fail_below")
            below = points if fail_below is None else _decimal(fail_below, name="fail_below")
            if below > points:
                raise InvalidRule(_("fail_below cannot exceed the points."), field="fail_below")
            return cls(kind=kind, points=points, fail_below=below)
        if kind == RuleKind.DEDUCTION:
            per = _decimal(raw.get("per_occurrence", 0), name="per_occurrence")
            if per <= 0:
                raise InvalidRule(_("per_occurrence must be > 0."), field="per_occurrence")
            cap = raw.get("max_deduction")
            return cls(
                kind=kind,
                points=_decimal(raw.get("points", 0), name="points"),
                per_occurrence=per,
                max_deduction=None if cap is None else _decimal(cap, name="max_deduction"),
            )
        raise InvalidRule(_("Unknown rule kind %(kind)r.") % {"kind": kind}, field="kind")

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"kind": self.kind, "points": float(self.points)}
        if self.kind == RuleKind.SCALE:
            out["fail_below"] = float(self.fail_below if self.fail_below is not None else 0)
        if self.kind == RuleKind.DEDUCTION:
            out["per_occurrence"] = float(self.per_occurrence)
            out["max_deduction"] = None if self.max_deduction is None else float(self.max_deduction)
        return out


@dataclass(frozen=True)
class ItemInput:
    """What the inspector entered for one item."""

    outcome: str | None = None  # pass / fail / na (pass_fail; "na" for any kind)
    value: Decimal | None = None  # scale
    occurrences: int = 0  # deduction


@dataclass(frozen=True)
class ItemScore:
    applicable: bool
    earned: Decimal
    maximum: Decimal
    deduction: Decimal
    failed: bool
    outcome: str


def score_item(rule: Rule, item: ItemInput, *, code: str = "") -> ItemScore:
    """Score one item. Raises InvalidItemResult ("record.invalid_item_result")."""
    if item.outcome == Outcome.NOT_APPLICABLE:
        return ItemScore(False, ZERO, ZERO, ZERO, False, Outcome.NOT_APPLICABLE)
    if rule.kind == RuleKind.PASS_FAIL:
        if item.outcome not in (Outcome.PASS, Outcome.FAIL):
            raise InvalidItemResult(_("Choose pass or fail."), field=code, item=code)
        passed = item.outcome == Outcome.PASS
        return ItemScore(
            True, rule.points if passed else ZERO, rule.points, ZERO, not passed, item.outcome
        )
    if rule.kind == RuleKind.SCALE:
        if item.value is None or item.value < 0 or item.value > rule.points:
            raise InvalidItemResult(
                _("Give a value between 0 and the item's points."), field=code, item=code
            )
        below = rule.fail_below if rule.fail_below is not None else rule.points
        failed = item.value < below
        return ItemScore(
            True,
            item.value,
            rule.points,
            ZERO,
            failed,
            Outcome.FAIL if failed else Outcome.PASS,
        )
    if item.occurrences < 0:
        raise InvalidItemResult(_("Occurrences cannot be negative."), field=code, item=code)
    deduction = rule.per_occurrence * item.occurrences
    if rule.max_deduction is not None:
        deduction = min(deduction, rule.max_deduction)
    failed = item.occurrences > 0
    return ItemScore(
        True,
        rule.points - deduction,
        rule.points,
        deduction,
        failed,
        Outcome.FAIL if failed else Outcome.PASS,
    )


@dataclass(frozen=True)
class SheetScore:
    total: Decimal
    maximum: Decimal
    percent: Decimal
    deductions: Decimal
    vetoed: bool
    passed: bool


def score_sheet(
    *,
    base_score: Decimal,
    pass_percent: Decimal,
    items: Iterable[tuple[ItemScore, bool]],
) -> SheetScore:
    """Combine item scores (each with its veto flag) into the sheet's score."""
    earned = ZERO
    maximum = base_score
    deductions = ZERO
    vetoed = False
    for score, veto in items:
        if not score.applicable:
            continue
        earned += score.earned
        maximum += score.maximum
        deductions += score.deduction
        vetoed = vetoed or (veto and score.failed)
    total = max(ZERO, base_score + earned)
    percent = (total * HUNDRED / maximum).quantize(Decimal("0.01")) if maximum > 0 else ZERO
    return SheetScore(
        total=total,
        maximum=maximum,
        percent=percent,
        deductions=deductions,
        vetoed=vetoed,
        passed=not vetoed and percent >= pass_percent,
    )
