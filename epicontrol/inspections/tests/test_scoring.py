from __future__ import annotations

from decimal import Decimal

import pytest

from epicontrol.inspections.errors import InvalidItemResult, InvalidRule
from epicontrol.inspections.scoring import ItemInput, Rule, score_item, score_sheet

D = Decimal


def test_pass_fail_earns_points_only_on_pass() -> None:
    rule = Rule.parse({"kind": "pass_fail", "points": 10})
    ok = score_item(rule, ItemInput(outcome="pass"))
    bad = score_item(rule, ItemInput(outcome="fail"))
    assert (ok.earned, ok.maximum, ok.failed) == (D(10), D(10), False)
    assert (bad.earned, bad.maximum, bad.failed) == (D(0), D(10), True)


def test_pass_fail_needs_an_outcome() -> None:
    rule = Rule.parse({"kind": "pass_fail", "points": 10})
    with pytest.raises(InvalidItemResult) as exc:
        score_item(rule, ItemInput(), code="1.1")
    assert exc.value.code == "record.invalid_item_result"


def test_scale_gives_the_value_and_fails_below_the_threshold() -> None:
    rule = Rule.parse({"kind": "scale", "points": 5, "fail_below": 3})
    assert score_item(rule, ItemInput(value=D(4))).earned == D(4)
    assert score_item(rule, ItemInput(value=D(3))).failed is False
    assert score_item(rule, ItemInput(value=D("2.5"))).failed is True
    with pytest.raises(InvalidItemResult):
        score_item(rule, ItemInput(value=D(6)))
    with pytest.raises(InvalidItemResult):
        score_item(rule, ItemInput(value=None))


def test_deduction_is_two_points_per_missing_item_summed() -> None:
    """Document 001: 每缺一项扣2分 — mask, gloves, suit, disinfectant, each missing item −2."""
    rule = Rule.parse({"kind": "deduction", "per_occurrence": 2})
    items = [score_item(rule, ItemInput(occurrences=n)) for n in (3, 0, 1, 2)]  # 6 missing
    sheet = score_sheet(base_score=D(100), pass_percent=D(90), items=[(s, False) for s in items])
    assert sheet.deductions == D(12)
    assert sheet.total == D(88)
    assert sheet.maximum == D(100)
    assert sheet.passed is False
    assert [s.failed for s in items] == [True, False, True, True]


def test_deduction_within_an_item_budget_and_cap() -> None:
    rule = Rule.parse({"kind": "deduction", "per_occurrence": 2, "points": 8, "max_deduction": 6})
    s = score_item(rule, ItemInput(occurrences=5))
    assert (s.deduction, s.earned, s.maximum) == (D(6), D(2), D(8))


def test_veto_fails_the_sheet_whatever_the_points() -> None:
    veto_rule = Rule.parse({"kind": "pass_fail", "points": 1})
    big = Rule.parse({"kind": "pass_fail", "points": 99})
    sheet = score_sheet(
        base_score=D(0),
        pass_percent=D(80),
        items=[
            (score_item(big, ItemInput(outcome="pass")), False),
            (score_item(veto_rule, ItemInput(outcome="fail")), True),
        ],
    )
    assert sheet.percent == D(99)
    assert sheet.vetoed is True
    assert sheet.passed is False


def test_a_failed_item_that_is_not_a_veto_does_not_veto() -> None:
    rule = Rule.parse({"kind": "pass_fail", "points": 10})
    sheet = score_sheet(
        base_score=D(0),
        pass_percent=D(50),
        items=[
            (score_item(rule, ItemInput(outcome="fail")), False),
            (score_item(rule, ItemInput(outcome="pass")), False),
        ],
    )
    assert (sheet.vetoed, sheet.passed, sheet.percent) == (False, True, D(50))


def test_not_applicable_items_leave_the_maximum() -> None:
    rule = Rule.parse({"kind": "pass_fail", "points": 10})
    sheet = score_sheet(
        base_score=D(0),
        pass_percent=D(80),
        items=[
            (score_item(rule, ItemInput(outcome="na")), True),
            (score_item(rule, ItemInput(outcome="pass")), False),
        ],
    )
    assert (sheet.total, sheet.maximum, sheet.percent, sheet.vetoed) == (
        D(10),
        D(10),
        D(100),
        False,
    )


def test_total_never_goes_below_zero() -> None:
    rule = Rule.parse({"kind": "deduction", "per_occurrence": 2})
    sheet = score_sheet(
        base_score=D(10),
        pass_percent=D(0),
        items=[(score_item(rule, ItemInput(occurrences=50)), False)],
    )
    assert sheet.total == D(0)
    assert sheet.deductions == D(100)


@pytest.mark.parametrize(
    "raw",
    [
        {"kind": "nope"},
        {"kind": "scale", "points": 0},
        {"kind": "scale", "points": 5, "fail_below": 6},
        {"kind": "deduction", "per_occurrence": 0},
        {"kind": "pass_fail", "points": -1},
        {"kind": "pass_fail", "points": "x"},
        "not a dict",
    ],
)
def test_bad_rules_are_refused_with_a_code(raw: object) -> None:
    with pytest.raises(InvalidRule) as exc:
        Rule.parse(raw)  # type: ignore[arg-type]
    assert exc.value.code == "template.invalid_rule"
