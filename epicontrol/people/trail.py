"""Human wording of a person's audit entries, for the detail page."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from epicontrol.core.models import AuditEntry

ACTIONS = {
    "people.created": gettext_lazy("Registered"),
    "people.updated": gettext_lazy("Changed"),
    "people.merged": gettext_lazy("Merged a duplicate into this record"),
    "people.merged_away": gettext_lazy("Merged into another record"),
    "people.revealed": gettext_lazy("Full number shown"),
}
FIELDS = {
    "name": pgettext_lazy("person", "Name"),
    "id_type": pgettext_lazy("person", "ID type"),
    "id_number_hash": pgettext_lazy("person", "ID number"),
    "phone_hash": pgettext_lazy("person", "Phone"),
    "jurisdiction_id": pgettext_lazy("person", "Jurisdiction"),
    "household_address": pgettext_lazy("person", "Household address"),
    "current_address": pgettext_lazy("person", "Current address"),
    "occupation": pgettext_lazy("person", "Occupation"),
    "work_unit": pgettext_lazy("person", "Work unit"),
    "notes": pgettext_lazy("person", "Notes"),
    "id_number": pgettext_lazy("person", "ID number"),
    "phone": pgettext_lazy("person", "Phone"),
}


def _moved(moved: Any) -> str:
    if not isinstance(moved, dict) or not moved:
        return _("no linked records")
    return ", ".join(f"{label}: {len(pks)}" for label, pks in moved.items())


def describe(entry: AuditEntry) -> str:
    """One line saying what changed, without personal data (the entry holds none)."""
    changes: dict[str, Any] = entry.changes if isinstance(entry.changes, dict) else {}
    if entry.action == "people.created":
        if changes.get("source") == "import":
            return _("imported from %(file)s") % {"file": changes.get("file") or "?"}
        return _("registered in the form or the API")
    if entry.action == "people.updated":
        return ", ".join(str(FIELDS.get(k, k)) for k in changes)
    if entry.action == "people.merged":
        return _("record #%(dup)s merged in; moved: %(moved)s") % {
            "dup": changes.get("duplicate"),
            "moved": _moved(changes.get("moved")),
        }
    if entry.action == "people.merged_away":
        return _("merged into record #%(id)s; moved: %(moved)s") % {
            "id": changes.get("merged_into"),
            "moved": _moved(changes.get("moved")),
        }
    if entry.action == "people.revealed":
        return str(FIELDS.get(str(changes.get("field")), changes.get("field")))
    return ""


def action_label(action: str) -> str:
    return str(ACTIONS.get(action, action))
