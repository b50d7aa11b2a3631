"""The engine at its boundaries: both seeded schemes, parsed from the seed file (no database)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from epicontrol.riskareas.errors import InvalidRiskPolicy
from epicontrol.riskareas.policy import SEED_FILE
from epicontrol.riskareas.rules import Rule, evaluate, facts_of, parse_rules

from .conftest import stats

DAY = dt.date(2020, 2, 23)


def _scheme(code: str) -> tuple[tuple[Rule, ...], dict[str, Any]]:
    data = json.loads(SEED_FILE.read_text(encoding="utf-8"))
    row = next(v for v in data["versions"] if v["code"] == code)
    params = {k: v for k, v in row["params"].items() if k not in ("levels", "rules", "applies_to")}
    params["cluster_threshold"] = 2
    return parse_rules(
        row["params"]["rules"], levels=row["params"]["levels"], params=params
    ), params


NATIONAL = _scheme("county-2020-02")
HUNAN = _scheme("hunan-3l5c-2020-02")


def national(s: Any) -> str:
    return evaluate(s, day=DAY, rules=NATIONAL[0], params=NATIONAL[1]).level


def hunan(s: Any) -> str:
    return evaluate(s, day=DAY, rules=HUNAN[0], params=HUNAN[1]).level


def ago(days: int) -> dt.date:
    return DAY - dt.timedelta(days=days)


def test_no_confirmed_case_is_low() -> None:
    assert national(stats(0)) == "low"
    assert hunan(stats(0)) == "low"


@pytest.mark.parametrize(
    ("days_since", "expected"),
    [(0, "medium"), (1, "medium"), (13, "medium"), (14, "low"), (15, "low")],
)
def test_fourteen_consecutive_days_without_a_new_case_make_a_county_low(
    days_since: int, expected: str
) -> None:
    # Day D is day 1 of the window: a last case on D-13 is inside, one on D-14 is not.
    assert national(stats(3, last=ago(days_since))) == expected


def test_window_edges_even_for_a_county_above_fifty_with_a_cluster() -> None:
    assert national(stats(80, cluster=True, last=ago(13))) == "high"
    assert national(stats(80, cluster=True, last=ago(14))) == "low"


@pytest.mark.parametrize(
    ("cumulative", "cluster", "expected"),
    [
        (50, True, "medium"),  # "不超过50例" = ≤ 50
        (51, True, "high"),  # "超过50例" = > 50, and a cluster
        (51, False, "medium"),  # > 50 but no cluster within 14 days
        (1, True, "medium"),
        (200, False, "medium"),
    ],
)
def test_cumulative_fifty_is_strict_and_high_needs_a_cluster(
    cumulative: int, cluster: bool, expected: str
) -> None:
    assert national(stats(cumulative, cluster=cluster, last=ago(2))) == expected


def test_without_a_last_date_the_window_count_decides() -> None:
    assert national(stats(10, new=0)) == "low"
    assert national(stats(10, new=2)) == "medium"
    assert national(stats(60, new=2, cluster=True)) == "high"


def test_facts_count_days_since_the_last_case() -> None:
    facts = facts_of(stats(3, last=ago(13)), day=DAY, window_days=14)
    assert facts["days_since_last_confirmed"] == 13
    assert facts["new_case_in_window"] is True
    facts = facts_of(stats(3, last=ago(14)), day=DAY, window_days=14)
    assert facts["new_case_in_window"] is False


@pytest.mark.parametrize(
    ("s", "expected"),
    [
        (stats(51, cluster=True, last=ago(3)), "high"),
        (stats(51, cluster=False, last=ago(10)), "medium_A"),  # one high criterion
        (stats(4, cluster=True, last=ago(10)), "medium_A"),  # the other one
        (stats(4, last=ago(0)), "medium_B"),
        (stats(4, last=ago(6)), "medium_B"),  # last case within the last 7 days
        (stats(4, last=ago(7)), "medium_C"),
        (stats(4, last=ago(13)), "medium_C"),
        (stats(4, last=ago(14)), "low"),
        (stats(50, cluster=False, last=ago(2)), "medium_B"),
        (stats(4, new=3), "medium_C"),  # no last date: not known to be recent
    ],
)
def test_hunan_three_levels_five_classes(s: Any, expected: str) -> None:
    assert hunan(s) == expected


def test_hunan_thresholds_are_parameters() -> None:
    rules, params = HUNAN
    s = stats(4, last=ago(8))
    assert evaluate(s, day=DAY, rules=rules, params=params).level == "medium_C"
    assert evaluate(s, day=DAY, rules=rules, params={**params, "recent_days": 10}).level == (
        "medium_B"
    )
    s = stats(30, cluster=True, last=ago(1))
    assert evaluate(s, day=DAY, rules=rules, params=params).level == "medium_A"
    lower = {**params, "cumulative_threshold": 20}
    assert evaluate(s, day=DAY, rules=rules, params=lower).level == "high"


def test_reasons_name_the_comparisons_that_decided() -> None:
    result = evaluate(
        stats(51, cluster=True, last=ago(2)), day=DAY, rules=NATIONAL[0], params=NATIONAL[1]
    )
    assert result.rule == "many_cases_and_cluster"
    assert {
        "rule": "many_cases_and_cluster",
        "fact": "cumulative_confirmed",
        "op": "gt",
        "threshold": 50,
        "actual": 51,
    } in result.reasons
    low = evaluate(stats(0), day=DAY, rules=NATIONAL[0], params=NATIONAL[1])
    assert [r["fact"] for r in low.reasons] == ["cumulative_confirmed", "new_case_in_window"]


@pytest.mark.parametrize(
    "bad",
    [
        [{"level": "low", "when": {"fact": "nonsense", "op": "eq", "value": 0}}],
        [{"level": "low", "when": {"fact": "cumulative_confirmed", "op": "~", "value": 0}}],
        [{"level": "low", "when": {"fact": "cumulative_confirmed", "op": "eq", "param": "x"}}],
        [{"level": "low", "when": {"fact": "cumulative_confirmed", "op": "eq"}}],
        [{"level": "purple", "when": True}],
        [{"level": "low", "when": {"all": []}}],
        [],
    ],
)
def test_bad_rule_tables_are_refused(bad: list[Any]) -> None:
    with pytest.raises(InvalidRiskPolicy) as exc:
        parse_rules(bad, levels=["low", "high"], params={"window_days": 14})
    assert exc.value.code == "risk_level.invalid_policy"


def test_a_table_without_a_catch_all_refuses_instead_of_guessing() -> None:
    rules = parse_rules(
        [{"level": "high", "when": {"fact": "has_cluster_in_window", "op": "eq", "value": True}}],
        levels=["high"],
        params={"window_days": 14},
    )
    with pytest.raises(InvalidRiskPolicy):
        evaluate(stats(1, last=ago(1)), day=DAY, rules=rules, params={"window_days": 14})


def test_medium_reasons_say_which_half_of_the_medium_criterion_holds() -> None:
    rules, params = NATIONAL
    small = evaluate(stats(12, last=ago(3)), day=DAY, rules=rules, params=params)
    assert small.level == "medium"
    assert ("cumulative_confirmed", "lte", 50, 12) in [
        (r["fact"], r["op"], r["threshold"], r["actual"]) for r in small.reasons
    ]
    big = evaluate(stats(51, last=ago(3)), day=DAY, rules=rules, params=params)
    assert ("has_cluster_in_window", False) in [(r["fact"], r["actual"]) for r in big.reasons]
    tail = evaluate(stats(4, last=ago(9)), day=DAY, rules=HUNAN[0], params=HUNAN[1])
    assert tail.level == "medium_C"
    assert ("days_since_last_confirmed", "gte", 7, 9) in [
        (r["fact"], r["op"], r["threshold"], r["actual"]) for r in tail.reasons
    ]
