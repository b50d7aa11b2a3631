"""Property tests: the engine returns exactly the brute-force reference's rows on random data.

Data are kept tiny (a few persons, cells and days, thresholds of minutes rather than hours) so
that every clause, boundary and the second hop are actually exercised by small examples.
"""

from __future__ import annotations

import tempfile
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from epitrace import CompanionParams, DuckDBBackend, Window, find_companions
from epitrace.reference import Ping, reference_companions

from .conftest import make_source

BASE = datetime(2021, 11, 1)
DAYS = 2

pings_strategy = st.lists(
    st.tuples(
        st.integers(min_value=1, max_value=6),  # person
        # any minute of the period, with seconds so boundaries and duplicates both occur
        st.builds(
            lambda minute, second: BASE + timedelta(minutes=minute, seconds=second),
            st.integers(min_value=0, max_value=DAYS * 1440 - 1),
            st.sampled_from([0, 0, 30, 59]),
        ),
        st.integers(min_value=1, max_value=3),  # cell
    ),
    max_size=5,
)


@st.composite
def clustered_pings(draw: st.DrawFn) -> list[Ping]:
    """Gatherings of a few persons in one cell, plus scattered noise, so that people meet.

    Gatherings start on 5-minute marks and pings fall at offsets chosen to sit on and around
    slot boundaries (0, 1, 4, 5, 9, 10, 11 ... 60 minutes; some at :59 seconds).
    """
    pings: list[Ping] = []
    gatherings = st.tuples(
        st.integers(0, DAYS * 288 - 13).map(lambda k: k * 5),  # start minute
        st.integers(1, 3),  # cell
        st.sets(st.integers(1, 6), min_size=1, max_size=4),  # who
    )
    offsets = st.lists(
        st.sampled_from([0, 1, 4, 5, 9, 10, 11, 15, 20, 29, 30, 45, 59, 60]), min_size=1, max_size=4
    )
    for start, cell, people in draw(st.lists(gatherings, min_size=1, max_size=5)):
        for person in sorted(people):
            second = draw(st.sampled_from([0, 0, 59]))
            pings.extend(
                (person, BASE + timedelta(minutes=start + offset, seconds=second), cell)
                for offset in draw(offsets)
            )
    return pings + draw(pings_strategy)


@st.composite
def params_strategy(draw: st.DrawFn) -> CompanionParams:
    # Half the time the whole period, otherwise some of its days (window edges matter).
    first, last = 0, DAYS - 1
    if draw(st.booleans()):
        first = draw(st.integers(0, DAYS - 1))
        last = draw(st.integers(first, DAYS - 1))
    return CompanionParams(
        window=Window(
            date(2021, 11, 1) + timedelta(days=first), date(2021, 11, 1) + timedelta(days=last)
        ),
        slot_minutes=draw(st.sampled_from([1, 5, 10, 30, 60])),
        min_slots=draw(st.integers(1, 3)),
        min_cell_hours=draw(st.sampled_from([None, 0.0, 0.1, 0.25, 0.5, 1.0])),
        second_hop=draw(st.booleans()),
    )


def _engine(
    backend: DuckDBBackend,
    kind: str,
    pings: list[Ping],
    index: list[int],
    params: CompanionParams,
) -> list[Any]:
    with tempfile.TemporaryDirectory() as folder:
        source = make_source(kind, pings, Path(folder), params.slot_minutes)
        return find_companions(source, index, params, backend=backend).table.to_pylist()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    pings=clustered_pings(),
    index=st.lists(st.integers(1, 7), min_size=1, max_size=3),
    params=params_strategy(),
)
def test_table_source_matches_reference(
    duckdb_backend: DuckDBBackend, pings: list[Ping], index: list[int], params: CompanionParams
) -> None:
    expected = reference_companions(pings, index, params)
    assert _engine(duckdb_backend, "table", pings, index, params) == expected


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    pings=clustered_pings(),
    index=st.lists(st.integers(1, 7), min_size=1, max_size=3),
    params=params_strategy(),
    kind=st.sampled_from(["parquet", "store", "store-1min"]),
)
def test_file_sources_match_reference(
    duckdb_backend: DuckDBBackend,
    pings: list[Ping],
    index: list[int],
    params: CompanionParams,
    kind: str,
) -> None:
    expected = reference_companions(pings, index, params)
    assert _engine(duckdb_backend, kind, pings, index, params) == expected
