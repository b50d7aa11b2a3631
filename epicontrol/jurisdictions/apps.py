from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from epicontrol.core.navigation import NavItem


class JurisdictionsConfig(AppConfig):
    name = "epicontrol.jurisdictions"
    label = "jurisdictions"
    verbose_name = "Jurisdictions"
    nav = [NavItem(_("My area"), "jurisdictions:home", order=10)]
