"""What the pages show for figures: labelled cards, links to the records behind each number,
and the curve's data. Shared by the dashboard and the printable daily report."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.urls import reverse

from . import providers
from .choices import FigureSource
from .indicators import CONFIRMED_CURRENT, label
from .selectors import DayFigures, Node

# The cards of the dashboard, in order: (figure, its new counterpart or None).
CARDS: tuple[tuple[str, str | None], ...] = (
    ("confirmed_cumulative", "confirmed_new"),
    (CONFIRMED_CURRENT, None),
    ("suspected_current", None),
    ("cured_cumulative", "cured_new"),
    ("dead_cumulative", "dead_new"),
    ("admitted_current", None),
    ("severe_current", None),
    ("asymptomatic_current", None),
)
CURVE_FIGURES = (
    "confirmed_new",
    "confirmed_cumulative",
    CONFIRMED_CURRENT,
    "cured_cumulative",
    "dead_cumulative",
)


def rows_url(node: Node, day: dt.date, *, children_only: bool = False) -> str:
    params = {"jurisdiction": node.code, "date": day.isoformat()}
    if children_only:
        params["below"] = "1"
    return f"{reverse('reports:rows')}?{urlencode(params)}"


def dashboard_url(node: Node, day: dt.date) -> str:
    return f"{reverse('reports:dashboard', args=[node.code])}?date={day.isoformat()}"


def source_url(node: Node, figures: DayFigures) -> str | None:
    """The records behind a node's figures: its report rows, the reports below it, or the
    case list when they come from the line list."""
    if figures.report_id is not None:
        return rows_url(node, figures.day)
    if figures.source == FigureSource.ROLLED_UP:
        return rows_url(node, figures.day, children_only=True)
    if figures.source == FigureSource.COMPUTED:
        return providers.case_list_url(node.code) or dashboard_url(node, figures.day)
    return None


@dataclass(frozen=True)
class Card:
    name: str
    label: str
    value: int | None
    new: int | None
    has_new: bool
    url: str | None
    line_list: int | None
    differs: bool

    @property
    def show_line_list(self) -> bool:
        """The line list's figure is shown beside a reported one that differs or is missing."""
        return self.line_list is not None and (self.differs or self.value is None)


def cards(node: Node, figures: DayFigures) -> list[Card]:
    url = source_url(node, figures)
    differs = set(figures.line_list_differs)
    out = []
    for name, new_name in CARDS:
        out.append(
            Card(
                name=name,
                label=label(name),
                value=figures.values.get(name),
                new=figures.values.get(new_name) if new_name else None,
                has_new=new_name is not None,
                url=url,
                line_list=(figures.line_list or {}).get(name),
                differs=name in differs,
            )
        )
    return out


def curve_data(curve: list[DayFigures]) -> dict[str, Any]:
    """The epidemic curve for the page's ``json_script`` (dates and one list per figure)."""
    return {
        "dates": [f.day.isoformat() for f in curve],
        "series": [
            {
                "key": name,
                "label": label(name),
                "kind": "bar" if name.endswith("_new") else "line",
                "values": [f.values.get(name) if f.has_data else None for f in curve],
            }
            for name in CURVE_FIGURES
        ],
    }
