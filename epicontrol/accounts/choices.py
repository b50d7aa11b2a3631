from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """The personas of PRODUCT.md §2; the values are used in code, the API and ``add_member``."""

    COMMAND_OFFICER = "command_officer", _("Command officer")
    SUPERVISOR = "supervisor", _("Supervisor")
    GRID_WORKER = "grid_worker", _("Grid worker")
    CDC_INVESTIGATOR = "cdc_investigator", _("CDC investigator")
    HOSPITAL_STAFF = "hospital_staff", _("Hospital staff")
    ENTERPRISE_LIAISON = "enterprise_liaison", _("Enterprise liaison officer")
    CHECKPOINT_OPERATOR = "checkpoint_operator", _("Checkpoint operator")
    RESIDENT = "resident", _("Resident")


# Roles whose scope is one unit (a hospital, an enterprise, a checkpoint), not a jurisdiction.
UNIT_ROLES = frozenset({Role.HOSPITAL_STAFF, Role.ENTERPRISE_LIAISON, Role.CHECKPOINT_OPERATOR})
# Roles that may see full ID numbers and phones (each view audited).
UNMASK_ROLES = frozenset({Role.COMMAND_OFFICER, Role.CDC_INVESTIGATOR, Role.GRID_WORKER})
