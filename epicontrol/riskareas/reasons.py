"""Human sentences for the structured reasons the engine stores (rendered at display time).

The engine keeps reasons as data — ``{"rule", "fact", "op", "threshold", "actual"}`` — so that
they can be shown in any language and re-read by the API; this module turns them into text.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

FACT_LABELS = {
    "cumulative_confirmed": gettext_lazy("Cumulative confirmed cases"),
    "new_confirmed_in_window": gettext_lazy("New confirmed cases in the window"),
    "has_cluster_in_window": gettext_lazy("Cluster within the window"),
    "days_since_last_confirmed": gettext_lazy("Days since the last confirmed case"),
    "new_case_in_window": gettext_lazy("New confirmed case within the window"),
}

RULE_LABELS = {
    "no_case_or_quiet_window": gettext_lazy(
        "No confirmed case, or no new confirmed case for the whole window"
    ),
    "many_cases_and_cluster": gettext_lazy(
        "Cumulative cases above the threshold and a cluster within the window"
    ),
    "many_cases_or_cluster": gettext_lazy(
        "New cases, and cumulative cases above the threshold or a cluster within the window"
    ),
    "recent_case": gettext_lazy("A confirmed case in the last days"),
    "no_recent_case": gettext_lazy(
        "New confirmed case(s) within the window, none in the last days"
    ),
    "new_cases_in_window": gettext_lazy("New confirmed case(s) within the window"),
    "override": gettext_lazy("Designated by an approved override"),
}

OP_SYMBOLS = {"eq": "=", "ne": "≠", "gt": ">", "gte": "≥", "lt": "<", "lte": "≤"}


def _value(value: Any) -> str:
    if value is True:
        return _("yes")
    if value is False:
        return _("no")
    if value is None:
        return _("none")
    return str(value)


def reason_text(reason: Mapping[str, Any]) -> str:
    """One line: "Cumulative confirmed cases 51 > 50"; the rule's label when no comparison."""
    fact = reason.get("fact")
    if not fact:
        rule = str(reason.get("rule", ""))
        return str(RULE_LABELS.get(rule, rule))
    label = str(FACT_LABELS.get(str(fact), str(fact)))
    op = str(reason.get("op", ""))
    if op == "eq":
        return f"{label}: {_value(reason.get('actual'))}"
    return (
        f"{label} {_value(reason.get('actual'))} {OP_SYMBOLS.get(op, op)} "
        f"{_value(reason.get('threshold'))}"
    )


def rule_text(reasons: Iterable[Mapping[str, Any]]) -> str:
    """The label of the rule that gave the level (from the first reason)."""
    for reason in reasons:
        rule = str(reason.get("rule", ""))
        return str(RULE_LABELS.get(rule, rule))
    return ""


def reason_lines(reasons: Iterable[Mapping[str, Any]]) -> list[str]:
    return [reason_text(r) for r in reasons]
