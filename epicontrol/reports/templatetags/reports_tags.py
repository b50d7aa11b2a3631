"""Display of figures and rates: None is "no data" (无数据), never 0."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import gettext as _

from epicontrol.reports.choices import FigureSource
from epicontrol.reports.indicators import label

register = template.Library()


@register.filter
def figure(value: Any) -> str:
    """A count, or "No data" when it is None."""
    if value is None:
        return _("No data")
    return f"{value:,}" if isinstance(value, int) else str(value)


@register.filter
def signed(value: Any) -> str:
    """A day's change with its sign (+3, −2, 0), or "—" when unknown."""
    if value is None:
        return "—"
    if value > 0:
        return f"+{value:,}"
    if value < 0:
        return f"−{abs(value):,}"
    return "0"


@register.filter
def rate(value: Any) -> str:
    """A RateValue as text: 80.00%, 0.33 per 100,000, or "No data"."""
    if value is None or getattr(value, "value", None) is None:
        return _("No data")
    number = f"{value.value:,.2f}"
    return f"{number}%" if value.unit == "percent" else f"{number} {value.unit_label}"


@register.filter
def indicator_label(name: Any) -> str:
    return label(str(name)) if name else ""


@register.filter
def source_label(source: Any) -> str:
    return str(dict(FigureSource.choices).get(str(source), source))


@register.filter
def get(mapping: Any, key: Any) -> Any:
    try:
        return mapping.get(key)
    except AttributeError:
        return None


@register.filter
def get_value(obj: Any, name: Any) -> Any:
    """An attribute of a report by indicator name (``r|get_value:"confirmed_cumulative"``)."""
    return getattr(obj, str(name), None)
