"""Hand-built cases, one per clause of the rule, through every kind of source.

Each case states the expected rows literally and also checks the brute-force reference, so the
reference itself is pinned to the stated conventions.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import pytest

from epitrace import CompanionParams, Window
from epitrace.reference import Ping, reference_companions

from .conftest import DAY, RunCompanions, at

ONE_DAY = Window(DAY, DAY)
NO_CLAUSE = CompanionParams(window=ONE_DAY, min_cell_hours=None)


def row(
    index: int,
    companion: int,
    shared: int,
    first: datetime,
    last: datetime,
    cells: list[int],
    hop: int = 1,
) -> dict[str, Any]:
    return {
        "index_person_id": index,
        "companion_id": companion,
        "hop": hop,
        "shared_slots": shared,
        "first_slot": first,
        "last_slot": last,
        "cells": cells,
    }


def check(
    run: RunCompanions,
    pings: list[Ping],
    index: list[int],
    params: CompanionParams,
    expected: list[dict[str, Any]],
) -> None:
    assert reference_companions(pings, index, params) == expected
    assert run(pings, index, params) == expected


def test_exactly_ten_minutes_in_one_slot_is_not_enough(run_companions: RunCompanions) -> None:
    pings = [
        (1, at("10:00"), 7),
        (1, at("10:09", second=59), 7),
        (2, at("10:00"), 7),
        (2, at("10:09", second=59), 7),
    ]
    check(run_companions, pings, [1], NO_CLAUSE, [])


def test_a_ping_at_the_slot_boundary_opens_the_next_slot(run_companions: RunCompanions) -> None:
    pings = [
        (1, at("10:00"), 7),
        (1, at("10:10"), 7),
        (2, at("10:05"), 7),
        (2, at("10:10"), 7),
    ]
    check(run_companions, pings, [1], NO_CLAUSE, [row(1, 2, 2, at("10:00"), at("10:10"), [7])])


def test_one_microsecond_before_the_boundary_stays_in_the_slot(
    run_companions: RunCompanions,
) -> None:
    pings = [
        (1, at("10:00"), 7),
        (1, at("10:10"), 7),
        (2, at("10:05"), 7),
        (2, at("10:09", second=59, micro=999_999), 7),
    ]
    check(run_companions, pings, [1], NO_CLAUSE, [])


def test_same_slot_in_different_cells_is_not_shared(run_companions: RunCompanions) -> None:
    pings = [
        (1, at("10:00"), 7),
        (1, at("10:10"), 7),
        (2, at("10:00"), 8),
        (2, at("10:10"), 8),
    ]
    check(run_companions, pings, [1], NO_CLAUSE, [])


def test_two_cells_in_one_slot_are_two_pairs(run_companions: RunCompanions) -> None:
    # Both phones flip between two cells within the 10:00 slot (boundary drift).
    pings = [
        (1, at("10:01"), 7),
        (1, at("10:02"), 8),
        (2, at("10:03"), 7),
        (2, at("10:04"), 8),
    ]
    check(run_companions, pings, [1], NO_CLAUSE, [row(1, 2, 2, at("10:00"), at("10:00"), [7, 8])])


def test_repeated_pings_in_a_slot_count_once(run_companions: RunCompanions) -> None:
    pings = [(p, at("10:00", second=s), 7) for p in (1, 2) for s in range(5)]
    check(run_companions, pings, [1], NO_CLAUSE, [])


def test_min_slots_and_slot_length_are_parameters(run_companions: RunCompanions) -> None:
    pings = [
        (1, at("10:00"), 7),
        (1, at("10:06"), 7),
        (1, at("10:12"), 7),
        (2, at("10:01"), 7),
        (2, at("10:07"), 7),
        (2, at("10:13"), 7),
    ]
    five = CompanionParams(window=ONE_DAY, slot_minutes=5, min_slots=3, min_cell_hours=None)
    check(run_companions, pings, [1], five, [row(1, 2, 3, at("10:00"), at("10:10"), [7])])
    thirty = CompanionParams(window=ONE_DAY, slot_minutes=30, min_slots=1, min_cell_hours=None)
    check(run_companions, pings, [1], thirty, [row(1, 2, 1, at("10:00"), at("10:00"), [7])])


def test_index_person_is_never_their_own_companion(run_companions: RunCompanions) -> None:
    pings = [(1, at("10:00"), 7), (1, at("10:10"), 7), (1, at("10:20"), 7)]
    check(run_companions, pings, [1], NO_CLAUSE, [])


def test_index_persons_can_be_each_others_companions(run_companions: RunCompanions) -> None:
    pings = [
        (1, at("10:00"), 7),
        (1, at("10:10"), 7),
        (2, at("10:00"), 7),
        (2, at("10:10"), 7),
        (3, at("10:00"), 7),
        (3, at("10:10"), 7),
    ]
    expected = [
        row(1, 2, 2, at("10:00"), at("10:10"), [7]),
        row(1, 3, 2, at("10:00"), at("10:10"), [7]),
        row(2, 1, 2, at("10:00"), at("10:10"), [7]),
        row(2, 3, 2, at("10:00"), at("10:10"), [7]),
    ]
    check(run_companions, pings, [2, 1], NO_CLAUSE, expected)


def test_first_and_last_slot_span_days(run_companions: RunCompanions) -> None:
    day2 = DAY + timedelta(days=1)
    pings = [
        (1, at("23:55"), 7),
        (2, at("23:51"), 7),
        (1, at("08:00", day2), 9),
        (2, at("08:09", day2), 9),
        (1, at("18:30", day2), 7),
        (2, at("18:31", day2), 7),
    ]
    params = CompanionParams(window=Window(DAY, day2), min_cell_hours=None)
    expected = [row(1, 2, 3, at("23:50"), at("18:30", day2), [7, 9])]
    check(run_companions, pings, [1], params, expected)


def test_window_edges(run_companions: RunCompanions) -> None:
    start, end = date(2021, 11, 2), date(2021, 11, 3)
    after = end + timedelta(days=1)
    pings = [
        # person 2: first second of the window and last microsecond of it: both count
        (1, at("00:00", start), 7),
        (2, at("00:00", start), 7),
        (1, at("23:59", end, 59, 999_999), 7),
        (2, at("23:59", end, 59, 999_999), 7),
        # person 3: one shared slot inside, one just before start, one at end + 1 day 00:00
        (1, at("12:00", start), 8),
        (3, at("12:00", start), 8),
        (1, at("23:59", DAY, 59), 8),
        (3, at("23:59", DAY, 59), 8),
        (1, at("00:00", after), 8),
        (3, at("00:00", after), 8),
    ]
    params = CompanionParams(window=Window(start, end), min_cell_hours=None)
    expected = [row(1, 2, 2, at("00:00", start), at("23:50", end), [7])]
    check(run_companions, pings, [1], params, expected)


def _stay(person: int, cell: int, slots: int, first_day: date = DAY) -> list[Ping]:
    """One ping in each of ``slots`` consecutive 10-minute slots from 00:00 of ``first_day``."""
    start = datetime.combine(first_day, datetime.min.time())
    return [(person, start + timedelta(minutes=10 * k, seconds=30), cell) for k in range(slots)]


# 30 hours at 10-minute slots is 180 slots; "more than 30 hours" needs 181.
CLAUSE = CompanionParams(window=Window(DAY, date(2021, 11, 14)))


def _meeting(a: int, b: int, cell: int) -> list[Ping]:
    """a and b together for two slots on day 5 at 12:00."""
    day5 = date(2021, 11, 5)
    return [(p, at(t, day5), cell) for p in (a, b) for t in ("12:00", "12:10")]


@pytest.mark.parametrize(
    ("index_slots", "companion_slots", "flagged"),
    [
        # total slots each spends in cell 7 over the window, the two meeting slots included
        (180, 2, False),  # exactly 30 hours is not more than 30
        (181, 2, True),  # the index person's stay qualifies the cell
        (2, 181, True),  # so does the companion's
        (180, 180, False),  # the two persons' hours are not added up
    ],
)
def test_cell_hours_clause_on_either_side(
    run_companions: RunCompanions, index_slots: int, companion_slots: int, flagged: bool
) -> None:
    pings = _stay(1, 7, index_slots - 2) + _stay(2, 7, companion_slots - 2) + _meeting(1, 2, 7)
    day5 = date(2021, 11, 5)
    expected = [row(1, 2, 2, at("12:00", day5), at("12:10", day5), [7])] if flagged else []
    check(run_companions, pings, [1], CLAUSE, expected)


def test_cell_hours_clause_applies_per_shared_cell(run_companions: RunCompanions) -> None:
    # Index person lives in cell 7 (>30 h); the pair meets twice in cell 7 and twice in cell 8.
    day5, day6 = date(2021, 11, 5), date(2021, 11, 6)
    pings = (
        _stay(1, 7, 181, first_day=date(2021, 11, 8))
        + [(p, at(t, day5), 7) for p in (1, 2) for t in ("12:00", "12:10")]
        + [(p, at(t, day6), 8) for p in (1, 2) for t in ("12:00", "12:10")]
    )
    expected = [row(1, 2, 2, at("12:00", day5), at("12:10", day5), [7])]
    check(run_companions, pings, [1], CLAUSE, expected)
    # With min_slots = 3, the two slots in cell 8 do not help: no companion.
    three = CompanionParams(window=CLAUSE.window, min_slots=3)
    check(run_companions, pings, [1], three, [])


def test_cell_hours_ignore_pings_outside_the_window(run_companions: RunCompanions) -> None:
    # 181 slots in cell 7, but 10 of them on the day before the window starts.
    before = date(2021, 10, 31)
    pings = _stay(1, 7, 10, first_day=before)
    pings += _stay(1, 7, 169, first_day=date(2021, 11, 8)) + _meeting(1, 2, 7)
    check(run_companions, pings, [1], CLAUSE, [])
    longer = CompanionParams(window=Window(before, CLAUSE.window.end))
    day5 = date(2021, 11, 5)
    expected = [row(1, 2, 2, at("12:00", day5), at("12:10", day5), [7])]
    check(run_companions, pings, [1], longer, expected)


def test_cell_hours_threshold_is_a_parameter(run_companions: RunCompanions) -> None:
    pings = _stay(1, 7, 13) + _meeting(1, 2, 7)  # 13 slots = 2 h 10 min
    day5 = date(2021, 11, 5)
    # index person: 13 + 2 meeting slots = 15 slots = 2.5 h
    for hours, flagged in ((2.5, False), (2.4, True), (0.0, True)):
        params = CompanionParams(window=CLAUSE.window, min_cell_hours=hours)
        expected = [row(1, 2, 2, at("12:00", day5), at("12:10", day5), [7])] if flagged else []
        check(run_companions, pings, [1], params, expected)


def test_second_hop_reports_new_people_only(run_companions: RunCompanions) -> None:
    # 1 (index) meets 2 and 3; 2 meets 3 (already hop 1), 1 (index) and 4 (new); 4 meets 5.
    def meet(a: int, b: int, hhmm: tuple[str, str], cell: int) -> list[Ping]:
        return [(p, at(t), cell) for p in (a, b) for t in hhmm]

    pings = (
        meet(1, 2, ("08:00", "08:10"), 1)
        + meet(1, 3, ("09:00", "09:10"), 2)
        + meet(2, 3, ("10:00", "10:10"), 3)
        + meet(2, 4, ("11:00", "11:10"), 4)
        + meet(4, 5, ("12:00", "12:10"), 5)
    )
    params = CompanionParams(window=ONE_DAY, min_cell_hours=None, second_hop=True)
    expected = [
        row(1, 2, 2, at("08:00"), at("08:10"), [1]),
        row(1, 3, 2, at("09:00"), at("09:10"), [2]),
        row(2, 4, 2, at("11:00"), at("11:10"), [4], hop=2),
    ]
    check(run_companions, pings, [1], params, expected)


def test_empty_index_and_index_without_pings(run_companions: RunCompanions) -> None:
    pings = [(1, at("10:00"), 7), (2, at("10:00"), 7)]
    check(run_companions, pings, [], NO_CLAUSE, [])
    check(run_companions, pings, [99], NO_CLAUSE, [])
    check(run_companions, [], [1], NO_CLAUSE, [])
