from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import pgettext_lazy

from epicontrol.core.navigation import NavItem


class RiskareasConfig(AppConfig):
    """Risk levels per county (分区分级, PRODUCT §4.7)."""

    name = "epicontrol.riskareas"
    label = "riskareas"
    verbose_name = pgettext_lazy("risk level", "Risk levels")
    policy_validators = {"risk_level": "epicontrol.riskareas.policy.validate_version"}
    nav = [
        NavItem(
            pgettext_lazy("risk level", "Risk levels"),
            "riskareas:list",
            roles=frozenset({"command_officer", "supervisor", "cdc_investigator"}),
            order=60,
        )
    ]
