"""line_list_daily and county_case_stats on crafted line lists (exact figures)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from epicontrol.cases.selectors import county_case_stats, line_list_daily
from epicontrol.cases.services import cluster_create

from .factories import admin_actor, at, case, move, negatives

D = dt.date.fromisoformat
ZHUZHOU = "430000/430200/"
LUSONG = "430000/430200/430203/"
HETANG = "430000/430200/430202/"


@pytest.fixture
def line_list(lusong: Any, hetang: Any, hospital: Any, second_hospital: Any) -> dict[str, Any]:
    # A: suspected, admitted, confirmed, severe, back to common, discharged.
    a = case(
        lusong, reported=at("2020-02-01", 9), facility=hospital, admitted_at=at("2020-02-01", 10)
    )
    move(a, "confirm", at("2020-02-02", 15), severity="common")
    move(a, "change_severity", at("2020-02-03", 8), severity="severe")
    move(a, "change_severity", at("2020-02-05", 8), severity="common")
    move(a, "discharge", at("2020-02-07", 16), negative_tests=negatives(at("2020-02-07", 16)))
    # B: confirmed critical on report, admitted, died.
    b = case(
        lusong,
        classification="confirmed",
        severity="critical",
        reported=at("2020-02-03", 11),
        facility=hospital,
    )
    move(b, "die", at("2020-02-06", 4))
    # C: asymptomatic, then confirmed (mild), never admitted.
    c = case(lusong, classification="asymptomatic", reported=at("2020-02-02", 12))
    move(c, "confirm", at("2020-02-04", 23, 30), severity="mild")
    # F, G: confirmed late on the last day / just after the range (local midnight boundary).
    case(lusong, classification="confirmed", reported=at("2020-02-07", 23, 59))
    case(lusong, classification="confirmed", reported=at("2020-02-08", 0, 1))
    # D: suspected in 荷塘区, excluded the next day.
    d = case(hetang, reported=at("2020-02-02", 9))
    move(d, "exclude", at("2020-02-03", 9))
    # E: before the range: suspected and admitted 01-30, confirmed 01-31.
    e = case(hetang, reported=at("2020-01-30", 9), facility=second_hospital)
    move(e, "confirm", at("2020-01-31", 9))
    return {"a": a, "b": b, "c": c, "d": d, "e": e}


def test_line_list_daily_new_cumulative_and_current_by_county_and_day(line_list: Any) -> None:
    out = line_list_daily(root_path=ZHUZHOU, start=D("2020-02-01"), end=D("2020-02-07"))
    lus = out["430203"]
    assert sorted(lus) == [D("2020-02-01") + dt.timedelta(days=i) for i in range(7)]
    rows = {d.day: f for d, f in lus.items()}
    # day: confirmed_new, confirmed_cum, cured_new, cured_cum, dead_new, dead_cum
    flows = {
        1: (0, 0, 0, 0, 0, 0),
        2: (1, 1, 0, 0, 0, 0),
        3: (1, 2, 0, 0, 0, 0),
        4: (1, 3, 0, 0, 0, 0),
        5: (0, 3, 0, 0, 0, 0),
        6: (0, 3, 0, 0, 1, 1),
        7: (1, 4, 1, 1, 0, 1),
    }
    for day, expected in flows.items():
        got = tuple(
            rows[day][k]
            for k in (
                "confirmed_new",
                "confirmed_cumulative",
                "cured_new",
                "cured_cumulative",
                "dead_new",
                "dead_cumulative",
            )
        )
        assert got == expected, day
    # day: suspected, confirmed, admitted, asymptomatic, severe (end of day)
    current = {
        1: (1, 0, 1, 0, 0),
        2: (0, 1, 1, 1, 0),
        3: (0, 2, 2, 1, 2),
        4: (0, 3, 2, 0, 2),
        5: (0, 3, 2, 0, 1),
        6: (0, 2, 1, 0, 0),
        7: (0, 2, 0, 0, 0),  # C and F open, A discharged
    }
    for day, expected in current.items():
        got = tuple(
            rows[day][k]
            for k in (
                "suspected_current",
                "confirmed_current",
                "admitted_current",
                "asymptomatic_current",
                "severe_current",
            )
        )
        assert got == expected, day

    het = {d.day: f for d, f in out["430202"].items()}
    # E was confirmed and admitted before the range: the baseline carries into day 1.
    assert het[1]["confirmed_cumulative"] == 1 and het[1]["confirmed_new"] == 0
    assert het[1]["admitted_current"] == 1 and het[1]["confirmed_current"] == 1
    assert het[2]["suspected_current"] == 1
    assert het[3]["suspected_current"] == 0
    assert het[7]["confirmed_cumulative"] == 1
    # Every county of the root is present, with zeros when it has no case.
    assert out["430211"][D("2020-02-07")]["confirmed_cumulative"] == 0
    assert "430102" not in out  # 长沙 is not under the root


def test_line_list_daily_the_day_after_counts_the_late_case(line_list: Any) -> None:
    out = line_list_daily(root_path=LUSONG, start=D("2020-02-08"), end=D("2020-02-08"))
    assert list(out) == ["430203"]
    assert out["430203"][D("2020-02-08")]["confirmed_new"] == 1
    assert out["430203"][D("2020-02-08")]["confirmed_cumulative"] == 5


def test_line_list_daily_empty_range_and_root_below_county(line_list: Any) -> None:
    assert line_list_daily(root_path=ZHUZHOU, start=D("2020-02-02"), end=D("2020-02-01")) == {}
    out = line_list_daily(
        root_path=LUSONG + "430203001/", start=D("2020-02-07"), end=D("2020-02-07")
    )
    assert out == {"430203": {D("2020-02-07"): out["430203"][D("2020-02-07")]}}
    assert out["430203"][D("2020-02-07")]["confirmed_cumulative"] == 0


def test_county_case_stats_window_edges_and_cluster(lusong: Any, hetang: Any) -> None:
    cluster = cluster_create(
        actor=admin_actor(), jurisdiction=lusong, name="某家庭", setting="family"
    )
    # Window of 14 days ending 02-20: 02-07 00:00 … 02-20 23:59 local.
    case(lusong, classification="confirmed", reported=at("2020-02-06", 23, 59), cluster=cluster)
    case(lusong, classification="confirmed", reported=at("2020-02-07", 0, 0), cluster=cluster)
    case(lusong, classification="confirmed", reported=at("2020-02-21", 0, 0), cluster=cluster)
    case(hetang, classification="suspected", reported=at("2020-02-10"))

    stats = county_case_stats(
        county_paths=[LUSONG, HETANG], day=D("2020-02-20"), window_days=14, cluster_threshold=2
    )
    lus, het = stats["430203"], stats["430202"]
    assert lus.county_path == LUSONG
    assert lus.cumulative_confirmed == 2
    assert lus.new_confirmed_in_window == 1
    assert lus.last_confirmed_date == D("2020-02-07")
    assert lus.has_cluster_in_window is False  # one cluster case in the window, threshold 2
    assert het.cumulative_confirmed == 0 and het.last_confirmed_date is None
    assert het.has_cluster_in_window is False

    # One day later the window is 02-08 … 02-21: the 02-07 case drops out, 02-21 comes in.
    later = county_case_stats(
        county_paths=[LUSONG], day=D("2020-02-21"), window_days=14, cluster_threshold=2
    )["430203"]
    assert later.cumulative_confirmed == 3
    assert later.new_confirmed_in_window == 1
    assert later.has_cluster_in_window is False
    # A wider window holds both recent cluster cases: a cluster.
    wide = county_case_stats(
        county_paths=[LUSONG], day=D("2020-02-21"), window_days=15, cluster_threshold=2
    )["430203"]
    assert wide.new_confirmed_in_window == 2 and wide.has_cluster_in_window is True
    # No cluster threshold in force (乙类乙管): never a cluster.
    none = county_case_stats(
        county_paths=[LUSONG], day=D("2020-02-21"), window_days=15, cluster_threshold=None
    )["430203"]
    assert none.has_cluster_in_window is False


def test_county_case_stats_all_counties_and_city_prefix(lusong: Any, hetang: Any) -> None:
    case(lusong, classification="confirmed", reported=at("2020-02-01"))
    case(hetang, classification="clinically_diagnosed", reported=at("2020-02-02"))
    everything = county_case_stats(
        county_paths=None, day=D("2020-02-05"), window_days=14, cluster_threshold=2
    )
    assert set(everything) == {"430203", "430202"}
    assert everything["430202"].cumulative_confirmed == 1  # clinically diagnosed counts
    city = county_case_stats(
        county_paths=[ZHUZHOU], day=D("2020-01-31"), window_days=14, cluster_threshold=2
    )
    assert city == {}  # nothing confirmed yet; a city prefix adds no empty entries
