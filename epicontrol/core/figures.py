"""The figure shape that modules hand to dashboards and daily reports.

Each module that has numbers for the command dashboard exposes, in its ``selectors.py``,

    def dashboard_figures(*, user, jurisdiction, day) -> list[Figure]

computed from its records and scoped to ``user``; ``url`` links to the list of records behind
the number (数出一门: every figure traces to records). ``reports`` collects them from every
installed app without importing any app by name.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Figure:
    key: str  # stable id, e.g. "observation.active"
    label: str  # translated label
    value: int | float | None  # None = no data (shown as "无数据"), never a fake zero
    url: str | None = None  # the records behind the number
    group: str = ""  # section on the dashboard, e.g. "observation"
