from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from epicontrol.core.navigation import NavItem


class ReportsConfig(AppConfig):
    name = "epicontrol.reports"
    label = "reports"
    verbose_name = _("Daily reports and command dashboard")
    # The dashboard is the landing page of command officers: first in the menu.
    policy_validators = {"rates": "epicontrol.reports.rates.validate_version"}
    nav = [
        NavItem(
            _("Command dashboard"),
            "reports:dashboard_home",
            roles=frozenset({"command_officer", "supervisor", "cdc_investigator"}),
            order=5,
        )
    ]
