from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from epicontrol.core.navigation import NavItem


class InspectionsConfig(AppConfig):
    """Supervision and inspection (督导检查): groups, checklists, tasks, findings, bulletins."""

    name = "epicontrol.inspections"
    label = "inspections"
    verbose_name = _("Supervision and inspection")
    policy_validators = {"inspections": "epicontrol.inspections.policy.validate_version"}
    nav = [
        NavItem(_("Inspections"), "inspections:home", order=40),
        NavItem(_("Findings"), "inspections:finding_list", order=41),
    ]
