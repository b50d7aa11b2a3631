"""Choices of the observation module (values are the code names of PRODUCT §6)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from epicontrol.jurisdictions.choices import UnitKind


class Category(models.TextChoices):
    """Why a person is under observation.

    The first three have a rule in the national protocol editions (``core.policy``); the others
    take their timer from this app's ``observation`` policy domain (local practice, seeded from
    ``seed/policy_versions.json``).
    """

    CLOSE_CONTACT = "close_contact", _("Close contact")
    SECONDARY_CONTACT = "secondary_contact", _("Secondary close contact")
    INBOUND_TRAVELLER = "inbound_traveller", _("Inbound traveller")
    RETURNEE = "returnee", _("Returnee from an epidemic area")
    SUSPECTED = "suspected", _("Suspected case")
    FEVER_UNEXCLUDED = "fever_unexcluded", _("Fever patient, infection not excluded")


# Categories whose rule lives in the national protocol editions (``ProtocolParams`` attributes).
NATIONAL_CATEGORIES = frozenset(
    {Category.CLOSE_CONTACT, Category.SECONDARY_CONTACT, Category.INBOUND_TRAVELLER}
)


class Kind(models.TextChoices):
    HOME_ISOLATION = "home_isolation", _("Home isolation")
    CENTRALISED_ISOLATION = "centralised_isolation", _("Centralised isolation")
    HOME_HEALTH_MONITORING = "home_health_monitoring", _("Home health monitoring")


class AnchorBasis(models.TextChoices):
    """What day 0 of the period is (the rule's ``start``)."""

    LAST_EXPOSURE = "last_exposure", _("Last exposure")
    ARRIVAL = "arrival", _("Arrival")
    ISOLATION = "isolation", _("Isolation")


class Status(models.TextChoices):
    ACTIVE = "active", _("Under observation")
    RELEASED = "released", _("Released")
    TRANSFERRED = "transferred", _("Transferred to hospital")
    CLOSED = "closed", _("Closed (moved away or entered in error)")


class CheckSource(models.TextChoices):
    GRID_WORKER = "grid_worker", _("Grid worker")
    SELF = "self", _("Self-reported")


class Symptom(models.TextChoices):
    COUGH = "cough", _("Cough")
    SORE_THROAT = "sore_throat", _("Sore throat")
    FATIGUE = "fatigue", _("Fatigue")
    SHORT_BREATH = "short_breath", _("Shortness of breath")
    DIARRHOEA = "diarrhoea", _("Diarrhoea")
    TASTE_SMELL = "taste_smell", _("Loss of taste or smell")
    MUSCLE_PAIN = "muscle_pain", _("Muscle pain")
    OTHER = "other", _("Other")


class LabResult(models.TextChoices):
    PENDING = "pending", _("Pending")
    NEGATIVE = "negative", _("Negative")
    POSITIVE = "positive", _("Positive")


class AlertKind(models.TextChoices):
    FEVER = "fever", _("Fever")
    SYMPTOMS = "symptoms", _("Symptoms reported")
    MISSED_CHECK = "missed_check", _("Missed check")
    POSITIVE_TEST = "positive_test", _("Positive test")


class AlertStatus(models.TextChoices):
    OPEN = "open", _("Open")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    RESOLVED = "resolved", _("Resolved")


class SiteCategory(models.TextChoices):
    """The four categories of persons (四类人员, domain-rules §1.3), plus general observation.

    When the policy in force says ``separate_site_categories``, each category has its own sites.
    """

    CONFIRMED = "confirmed", _("Confirmed cases")
    SUSPECTED = "suspected", _("Suspected cases")
    FEVER_UNEXCLUDED = "fever_unexcluded", _("Fever patients, infection not excluded")
    CLOSE_CONTACT = "close_contact", _("Close contacts")
    OTHER = "other", _("Other persons under observation")


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
    FOOD = "food", _("Food")
    MEDICINE = "medicine", _("Medicine")
    OTHER = "other", _("Other")


class NeedStatus(models.TextChoices):
    OPEN = "open", _("Open")
    HANDLED = "handled", _("Handled")


class Transition(models.TextChoices):
    """Actions of ``POST /observations/<id>/transition``."""

    RELEASE = "release", _("Release")
    EXTEND = "extend", _("Extend")
    TRANSFER = "transfer", _("Transfer to hospital")
    CLOSE = "close", _("Close")


# Facilities a person under observation can be transferred to.
TRANSFER_FACILITY_KINDS = (UnitKind.DESIGNATED_HOSPITAL, UnitKind.FEVER_CLINIC, UnitKind.HOSPITAL)
