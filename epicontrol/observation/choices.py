"""Choices of the observation module (values are the code names of PRODUCT §6)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import pgettext_lazy

from epicontrol.jurisdictions.choices import UnitKind


class Category(models.TextChoices):
    """Why a person is under observation.

    The first three have a rule in the national protocol editions (``core.policy``); the others
    take their timer from this app's ``observation`` policy domain (local practice, seeded from
    ``seed/policy_versions.json``).
    """

    CLOSE_CONTACT = "close_contact", pgettext_lazy("observation", "Close contact")
    SECONDARY_CONTACT = "secondary_contact", pgettext_lazy("observation", "Secondary close contact")
    INBOUND_TRAVELLER = "inbound_traveller", pgettext_lazy("observation", "Inbound traveller")
    RETURNEE = "returnee", pgettext_lazy("observation", "Returnee from an epidemic area")
    SUSPECTED = "suspected", pgettext_lazy("observation", "Suspected case")
    FEVER_UNEXCLUDED = (
        "fever_unexcluded",
        pgettext_lazy("observation", "Fever patient, infection not excluded"),
    )


# Categories whose rule lives in the national protocol editions (``ProtocolParams`` attributes).
NATIONAL_CATEGORIES = frozenset(
    {Category.CLOSE_CONTACT, Category.SECONDARY_CONTACT, Category.INBOUND_TRAVELLER}
)


class Kind(models.TextChoices):
    HOME_ISOLATION = "home_isolation", pgettext_lazy("observation", "Home isolation")
    CENTRALISED_ISOLATION = (
        "centralised_isolation",
        pgettext_lazy("observation", "Centralised isolation"),
    )
    HOME_HEALTH_MONITORING = (
        "home_health_monitoring",
        pgettext_lazy("observation", "Home health monitoring"),
    )


class AnchorBasis(models.TextChoices):
    """What day 0 of the period is (the rule's ``start``)."""

    LAST_EXPOSURE = "last_exposure", pgettext_lazy("observation", "Last exposure")
    ARRIVAL = "arrival", pgettext_lazy("observation", "Arrival")
    ISOLATION = "isolation", pgettext_lazy("observation", "Isolation")


class Status(models.TextChoices):
    ACTIVE = "active", pgettext_lazy("observation", "Under observation")
    RELEASED = "released", pgettext_lazy("observation", "Released")
    TRANSFERRED = "transferred", pgettext_lazy("observation", "Transferred to hospital")
    CLOSED = "closed", pgettext_lazy("observation", "Closed (moved away or entered in error)")


class CheckSource(models.TextChoices):
    GRID_WORKER = "grid_worker", pgettext_lazy("observation", "Grid worker")
    SELF = "self", pgettext_lazy("observation", "Self-reported")


class Symptom(models.TextChoices):
    COUGH = "cough", pgettext_lazy("observation", "Cough")
    SORE_THROAT = "sore_throat", pgettext_lazy("observation", "Sore throat")
    FATIGUE = "fatigue", pgettext_lazy("observation", "Fatigue")
    SHORT_BREATH = "short_breath", pgettext_lazy("observation", "Shortness of breath")
    DIARRHOEA = "diarrhoea", pgettext_lazy("observation", "Diarrhoea")
    TASTE_SMELL = "taste_smell", pgettext_lazy("observation", "Loss of taste or smell")
    MUSCLE_PAIN = "muscle_pain", pgettext_lazy("observation", "Muscle pain")
    OTHER = "other", pgettext_lazy("observation", "Other")


class LabResult(models.TextChoices):
    PENDING = "pending", pgettext_lazy("observation", "Pending")
    NEGATIVE = "negative", pgettext_lazy("observation", "Negative")
    POSITIVE = "positive", pgettext_lazy("observation", "Positive")


class AlertKind(models.TextChoices):
    FEVER = "fever", pgettext_lazy("observation", "Fever")
    SYMPTOMS = "symptoms", pgettext_lazy("observation", "Symptoms reported")
    MISSED_CHECK = "missed_check", pgettext_lazy("observation", "Missed check")
    POSITIVE_TEST = "positive_test", pgettext_lazy("observation", "Positive test")


class AlertStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("observation", "Open")
    ACKNOWLEDGED = "acknowledged", pgettext_lazy("observation", "Acknowledged")
    RESOLVED = "resolved", pgettext_lazy("observation", "Resolved")


class SiteCategory(models.TextChoices):
    """The four categories of persons (四类人员, domain-rules §1.3), plus general observation.

    When the policy in force says ``separate_site_categories``, each category has its own sites.
    """

    CONFIRMED = "confirmed", pgettext_lazy("observation", "Confirmed cases")
    SUSPECTED = "suspected", pgettext_lazy("observation", "Suspected cases")
    FEVER_UNEXCLUDED = (
        "fever_unexcluded",
        pgettext_lazy("observation", "Fever patients, infection not excluded"),
    )
    CLOSE_CONTACT = "close_contact", pgettext_lazy("observation", "Close contacts")
    OTHER = "other", pgettext_lazy("observation", "Other persons under observation")


# Which site category an observation category belongs to (a taxonomy, not a rule).
SITE_CATEGORY_OF: dict[str, str] = {
    Category.CLOSE_CONTACT: SiteCategory.CLOSE_CONTACT,
    Category.SUSPECTED: SiteCategory.SUSPECTED,
    Category.FEVER_UNEXCLUDED: SiteCategory.FEVER_UNEXCLUDED,
    Category.SECONDARY_CONTACT: SiteCategory.OTHER,
    Category.INBOUND_TRAVELLER: SiteCategory.OTHER,
    Category.RETURNEE: SiteCategory.OTHER,
}


class NeedKind(models.TextChoices):
    FOOD = "food", pgettext_lazy("observation", "Food")
    MEDICINE = "medicine", pgettext_lazy("observation", "Medicine")
    OTHER = "other", pgettext_lazy("observation", "Other")


class NeedStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("observation", "Open")
    HANDLED = "handled", pgettext_lazy("observation", "Handled")


class Transition(models.TextChoices):
    """Actions of ``POST /observations/<id>/transition``."""

    RELEASE = "release", pgettext_lazy("observation", "Release")
    EXTEND = "extend", pgettext_lazy("observation", "Extend")
    TRANSFER = "transfer", pgettext_lazy("observation", "Transfer to hospital")
    CLOSE = "close", pgettext_lazy("observation", "Close")


# Facilities a person under observation can be transferred to.
TRANSFER_FACILITY_KINDS = (UnitKind.DESIGNATED_HOSPITAL, UnitKind.FEVER_CLINIC, UnitKind.HOSPITAL)
