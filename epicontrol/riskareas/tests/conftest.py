"""Fixtures of the risk-level tests: seeded schemes, a stand-in case-statistics provider."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import pytest

from epicontrol.riskareas.rules import CaseStats, CountyCaseStats


@pytest.fixture(autouse=True)
def _risk_policies(db: Any) -> None:
    # A transactional test elsewhere may have flushed the migration-seeded rows.
    from epicontrol.core.policy import seed_policy_versions
    from epicontrol.riskareas.policy import seed_risk_policies

    seed_policy_versions()
    seed_risk_policies()


class FakeStats:
    """A provider returning fixed statistics per county code (and recording the calls)."""

    def __init__(self, data: Mapping[str, CaseStats] | None = None) -> None:
        self.data: dict[str, CaseStats] = dict(data or {})
        self.calls: list[dict[str, Any]] = []

    def __call__(
        self,
        *,
        county_paths: list[str] | None,
        day: dt.date,
        window_days: int,
        cluster_threshold: int,
    ) -> Mapping[str, CaseStats]:
        self.calls.append(
            {
                "county_paths": county_paths,
                "day": day,
                "window_days": window_days,
                "cluster_threshold": cluster_threshold,
            }
        )
        return self.data


def stats(
    cumulative: int = 0,
    *,
    new: int | None = None,
    cluster: bool = False,
    last: dt.date | None = None,
) -> CountyCaseStats:
    return CountyCaseStats(
        cumulative_confirmed=cumulative,
        new_confirmed_in_window=new if new is not None else (1 if last else 0),
        has_cluster_in_window=cluster,
        last_confirmed_date=last,
    )


@pytest.fixture
def fake_stats() -> FakeStats:
    return FakeStats()
