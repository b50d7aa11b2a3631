"""Case classifications, severities, statuses and the facility kinds (PRODUCT §4.5)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Classification(models.TextChoices):
    """诊断分类 (domain-rules §2.1, §2.2). Excluding a suspected case sets both the
    classification and the status to ``excluded``."""

    SUSPECTED = "suspected", _("Suspected")
    CONFIRMED = "confirmed", _("Confirmed")
    ASYMPTOMATIC = "asymptomatic", _("Asymptomatic infection")
    CLINICALLY_DIAGNOSED = "clinically_diagnosed", _("Clinically diagnosed")
    EXCLUDED = "excluded", _("Excluded")


# Classifications counted in the confirmed figures. Hubei's 临床诊断病例 were counted as confirmed
# from 2020-02-12 (domain-rules §2.1).
CONFIRMED_SET = frozenset({Classification.CONFIRMED, Classification.CLINICALLY_DIAGNOSED})
# Classifications counted for admission (收治): confirmed and suspected (domain-rules §1.5).
ADMISSION_SET = frozenset(
    {Classification.CONFIRMED, Classification.CLINICALLY_DIAGNOSED, Classification.SUSPECTED}
)


class Severity(models.TextChoices):
    """临床分型 of a confirmed case."""

    MILD = "mild", _("Mild")
    COMMON = "common", _("Common")
    SEVERE = "severe", _("Severe")
    CRITICAL = "critical", _("Critical")


SEVERE_SET = frozenset({Severity.SEVERE, Severity.CRITICAL})


class Status(models.TextChoices):
    """``open`` until an outcome; the outcomes are final."""

    OPEN = "open", _("Open")
    CURED_DISCHARGED = "cured_discharged", _("Cured and discharged")
    RELEASED = "released", _("Released from isolation")
    DIED = "died", _("Died")
    EXCLUDED = "excluded", _("Excluded")


class Action(models.TextChoices):
    """What happened to a case; the actions of the state machine plus record keeping."""

    CREATED = "created", _("Case reported")
    ADMIT = "admit", _("Admit")
    TRANSFER = "transfer", _("Transfer")
    CONFIRM = "confirm", _("Confirm")
    CLINICALLY_DIAGNOSE = "clinically_diagnose", _("Clinically diagnose")
    CHANGE_SEVERITY = "change_severity", _("Change severity")
    DISCHARGE = "discharge", _("Discharge as cured")
    RELEASE = "release", _("Release from isolation")
    DIE = "die", _("Record death")
    EXCLUDE = "exclude", _("Exclude")
    REVISIT = "revisit", _("Revisit recorded")
    CLUSTER = "cluster", _("Cluster linked")
    EDIT = "edit", _("Details edited")


class Source(models.TextChoices):
    """How the case came to the platform."""

    REPORTED = "reported", _("Reported directly")
    FEVER_CLINIC = "fever_clinic", _("Fever clinic")
    OBSERVATION_TRANSFER = "observation_transfer", _("Transferred from medical observation")
    SCREENING = "screening", _("Screening")
    CONTACT_TRACING = "contact_tracing", _("Contact tracing")
    DEMO = "demo", _("Demo data")


class RevisitResult(models.TextChoices):
    NEGATIVE = "negative", _("Negative")
    POSITIVE = "positive", _("Positive (re-positive)")
    NOT_TESTED = "not_tested", _("Not tested")


class ClusterSetting(models.TextChoices):
    """The small settings of the cluster definition (domain-rules §2.5)."""

    FAMILY = "family", _("Family")
    OFFICE = "office", _("Office")
    SCHOOL_CLASS = "school_class", _("School class")
    WORKSHOP = "workshop", _("Workshop")
    COMMUNITY = "community", _("Residential community")
    VILLAGE = "village", _("Village")
    MEDICAL = "medical", _("Medical institution")
    OTHER = "other", _("Other")


# Units that treat or hold cases (jurisdictions.UnitKind values).
FACILITY_KINDS = ("designated_hospital", "fever_clinic", "hospital")
