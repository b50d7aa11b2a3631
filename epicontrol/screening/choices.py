"""Choices of the screening ledger: entry status and where a key person was found."""

from __future__ import annotations

from django.db import models
from django.utils.translation import pgettext_lazy


class EntryStatus(models.TextChoices):
    """Life of an entry: registered → under observation → cleared / transferred / moved away."""

    REGISTERED = "registered", pgettext_lazy("entry status", "Registered")
    UNDER_OBSERVATION = "under_observation", pgettext_lazy("entry status", "Under observation")
    CLEARED = "cleared", pgettext_lazy("entry status", "Cleared")
    TRANSFERRED = "transferred", pgettext_lazy("entry status", "Transferred")
    MOVED_AWAY = "moved_away", pgettext_lazy("entry status", "Moved away")


# An entry is "open" (under management) until it is cleared, transferred or moved away. Only
# one open entry may exist per person and category.
OPEN_STATUSES = (EntryStatus.REGISTERED, EntryStatus.UNDER_OBSERVATION)
CLOSED_STATUSES = (EntryStatus.CLEARED, EntryStatus.TRANSFERRED, EntryStatus.MOVED_AWAY)

# The state machine of ``services.entry_status_set``.
TRANSITIONS: dict[str, frozenset[str]] = {
    EntryStatus.REGISTERED: frozenset(
        {
            EntryStatus.UNDER_OBSERVATION,
            EntryStatus.CLEARED,
            EntryStatus.TRANSFERRED,
            EntryStatus.MOVED_AWAY,
        }
    ),
    EntryStatus.UNDER_OBSERVATION: frozenset({EntryStatus.CLEARED, EntryStatus.TRANSFERRED}),
    EntryStatus.CLEARED: frozenset(),
    EntryStatus.TRANSFERRED: frozenset(),
    EntryStatus.MOVED_AWAY: frozenset(),
}


class Source(models.TextChoices):
    """How the key person came to the grid's attention (domain-rules §6.2, §7.2)."""

    DOOR_TO_DOOR = "door_to_door", pgettext_lazy("key person source", "Door-to-door screening")
    STATION = "station", pgettext_lazy("key person source", "Station or checkpoint")
    BIG_DATA = "big_data", pgettext_lazy("key person source", "Big-data push")
    SELF_REPORT = "self_report", pgettext_lazy("key person source", "Self-report")
    ASSISTANCE_REQUEST = (
        "assistance_request",
        pgettext_lazy("key person source", "Assistance request"),
    )
