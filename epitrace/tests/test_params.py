"""Parameters are validated on construction, with the offending field named."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest

from epitrace import CompanionParams, ParamsError, Window

WINDOW = Window(date(2021, 11, 1), date(2021, 11, 14))


def test_defaults_follow_domain_rule_6_1() -> None:
    params = CompanionParams(window=Window.lookback(date(2021, 11, 14)))
    assert params.window == WINDOW
    assert params.window.days == 14
    assert (params.slot_minutes, params.min_slots, params.min_cell_hours) == (10, 2, 30.0)
    assert params.min_cell_slots_exclusive == 180  # more than 180 ten-minute slots
    assert params.second_hop is False


def test_params_are_frozen() -> None:
    params = CompanionParams(window=WINDOW)
    with pytest.raises(AttributeError):
        params.min_slots = 3  # type: ignore[misc]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"slot_minutes": 0}, "slot_minutes"),
        ({"slot_minutes": -10}, "slot_minutes"),
        ({"slot_minutes": 7}, "slot_minutes"),  # does not divide a day
        ({"slot_minutes": 10.0}, "slot_minutes"),
        ({"slot_minutes": True}, "slot_minutes"),
        ({"min_slots": 0}, "min_slots"),
        ({"min_slots": "2"}, "min_slots"),
        ({"min_cell_hours": -1.0}, "min_cell_hours"),
        ({"min_cell_hours": float("nan")}, "min_cell_hours"),
        ({"min_cell_hours": float("inf")}, "min_cell_hours"),
        ({"min_cell_hours": "30"}, "min_cell_hours"),
        ({"second_hop": 1}, "second_hop"),
        ({"window": (date(2021, 11, 1), date(2021, 11, 2))}, "window"),
    ],
)
def test_bad_parameters_name_their_field(changes: dict[str, Any], field: str) -> None:
    arguments: dict[str, Any] = {"window": WINDOW, **changes}
    with pytest.raises(ParamsError) as error:
        CompanionParams(**arguments)
    assert error.value.field == field
    assert error.value.code == "epitrace.params"


@pytest.mark.parametrize(
    ("start", "end", "field"),
    [
        (date(2021, 11, 2), date(2021, 11, 1), "window.end"),
        (datetime(2021, 11, 1), date(2021, 11, 2), "window.start"),
        (date(1969, 12, 31), date(2021, 11, 2), "window.start"),
    ],
)
def test_bad_windows(start: date, end: date, field: str) -> None:
    with pytest.raises(ParamsError) as error:
        Window(start, end)
    assert error.value.field == field


def test_lookback_counts_whole_days_ending_on_end() -> None:
    assert Window.lookback(date(2021, 11, 14), 1) == Window(date(2021, 11, 14), date(2021, 11, 14))
    with pytest.raises(ParamsError):
        Window.lookback(date(2021, 11, 14), 0)


@pytest.mark.parametrize(
    ("hours", "slot_minutes", "threshold"),
    [
        (30.0, 10, 180),
        (30, 10, 180),
        (0.7, 6, 7),  # 42 minutes / 6 = exactly 7: needs more than 7 slots
        (0.7, 1, 42),
        (0.1, 1, 6),  # 6 minutes, read as the decimal 0.1, not 0.1000000000000000055
        (0.0, 10, 0),
        (30.05, 10, 180),  # 1803 minutes: 181 slots (1810 min) are needed
    ],
)
def test_cell_hours_threshold_in_slots(hours: float, slot_minutes: int, threshold: int) -> None:
    params = CompanionParams(window=WINDOW, slot_minutes=slot_minutes, min_cell_hours=hours)
    assert params.min_cell_slots_exclusive == threshold


def test_clause_off_has_no_threshold() -> None:
    assert CompanionParams(window=WINDOW, min_cell_hours=None).min_cell_slots_exclusive is None
