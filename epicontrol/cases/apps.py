from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from epicontrol.core.navigation import NavItem


class CasesConfig(AppConfig):
    name = "epicontrol.cases"
    label = "cases"
    verbose_name = _("Cases and designated hospitals")
    nav = [
        NavItem(_("Cases"), "cases:case_list", order=50),
        NavItem(_("Facilities"), "cases:facility_list", order=51),
    ]
