from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from epicontrol.core.navigation import NavItem


class PeopleConfig(AppConfig):
    name = "epicontrol.people"
    label = "people"
    verbose_name = "People registry"
    nav = [NavItem(_("People"), "people:list", order=20)]
