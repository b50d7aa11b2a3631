"""Where the engine's inputs come from: the case line list of ``epicontrol.cases``.

The computation asks one provider for the statistics of many counties at once (one aggregate
query in the cases module, not one per county). Without the cases module installed, no county
has a case: every county is low, which is what the 2020 rule says for a county without a
confirmed case.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from importlib import import_module
from typing import Protocol

from django.apps import apps

from .rules import CaseStats


class StatsProvider(Protocol):
    """``county_case_stats`` of the cases module, or a stand-in (tests, benchmarks)."""

    def __call__(
        self,
        *,
        county_paths: list[str] | None,
        day: dt.date,
        window_days: int,
        cluster_threshold: int,
    ) -> Mapping[str, CaseStats]: ...


def case_records_stats(
    *,
    county_paths: list[str] | None,
    day: dt.date,
    window_days: int,
    cluster_threshold: int,
) -> Mapping[str, CaseStats]:
    """County code → statistics from the case records (empty without the cases module).

    ``county_paths`` None means every county. The cases module counts confirmed cases up to and
    including ``day``; the engine derives "no new case in N consecutive days" from
    ``last_confirmed_date`` itself (see ``riskareas.rules``).
    """
    if not apps.is_installed("epicontrol.cases"):
        return {}
    selectors = import_module("epicontrol.cases.selectors")
    result: Mapping[str, CaseStats] = selectors.county_case_stats(
        county_paths=county_paths,
        day=day,
        window_days=window_days,
        cluster_threshold=cluster_threshold,
    )
    return result
