"""Template filters of the observation pages: labels for stored choice values."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import pgettext

from epicontrol.observation.choices import (
    AlertKind,
    Category,
    Kind,
    SiteCategory,
    Status,
    Symptom,
)

register = template.Library()


def _label(choices: Any, value: Any) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return str(value or "")


@register.filter
def kind_label(value: str) -> str:
    return _label(Kind, value)


@register.filter
def category_label(value: str) -> str:
    return _label(Category, value)


@register.filter
def site_category_label(value: str) -> str:
    return _label(SiteCategory, value)


@register.filter
def status_label(value: str) -> str:
    return _label(Status, value)


@register.filter
def alert_kind_label(value: str) -> str:
    return _label(AlertKind, value)


@register.filter
def symptoms_label(values: list[str]) -> str:
    return "、".join(_label(Symptom, v) for v in values or [])


@register.filter
def slot_label(slot: int, per_day: int = 2) -> str:
    if int(per_day) == 2:
        return (
            pgettext("observation", "Morning")
            if int(slot) == 1
            else pgettext("observation", "Evening")
        )
    return pgettext("observation", "Check %(n)s") % {"n": slot}


@register.filter
def days_list(values: Any) -> str:
    if values is None:
        return "—"
    return "、".join(str(v) for v in values) or "—"
