from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from epicontrol.core.navigation import NavItem

_OFFICERS = frozenset({"command_officer", "supervisor", "cdc_investigator"})


class ScreeningConfig(AppConfig):
    """Grid screening ledgers (网格排查台账) and daily grid reports (PRODUCT §4.4)."""

    name = "epicontrol.screening"
    label = "screening"
    verbose_name = _("Grid screening")
    nav = [
        NavItem(
            _("Key persons"),
            "screening:entries",
            roles=frozenset({"grid_worker", *_OFFICERS}),
            order=30,
        ),
        NavItem(
            _("Daily grid report"),
            "screening:daily_report",
            roles=frozenset({"grid_worker", "command_officer"}),
            order=31,
        ),
        NavItem(_("Roll-up"), "screening:rollup", roles=_OFFICERS, order=32),
        NavItem(_("Not reported"), "screening:completeness", roles=_OFFICERS, order=33),
    ]
