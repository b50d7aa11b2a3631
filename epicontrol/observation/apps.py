from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import pgettext_lazy

from epicontrol.core.navigation import NavItem

_FIELD = frozenset({"grid_worker", "command_officer", "cdc_investigator"})


class ObservationConfig(AppConfig):
    """Medical observation (医学观察), isolation sites and living needs (PRODUCT §4.4)."""

    name = "epicontrol.observation"
    label = "observation"
    verbose_name = "Medical observation"
    policy_validators = {"observation": "epicontrol.observation.timers.validate_local_version"}
    nav = [
        NavItem(
            pgettext_lazy("observation", "Observation"), "observation:list", roles=_FIELD, order=40
        ),
        NavItem(
            pgettext_lazy("observation", "Observation alerts"),
            "observation:alerts",
            roles=_FIELD,
            order=41,
        ),
        NavItem(
            pgettext_lazy("observation", "Isolation sites"),
            "observation:sites",
            roles=_FIELD,
            order=42,
        ),
    ]
