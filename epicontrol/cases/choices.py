"""Case classifications, severities, statuses and the facility kinds (PRODUCT §4.5).

Labels carry the translation context "case": short words (Open, Transfer …) mean other things
in other apps' catalogs, which take precedence by app order.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import pgettext_lazy


class Classification(models.TextChoices):
    """诊断分类 (domain-rules §2.1, §2.2). Excluding a suspected case sets both the
    classification and the status to ``excluded``."""

    SUSPECTED = "suspected", pgettext_lazy("case", "Suspected")
    CONFIRMED = "confirmed", pgettext_lazy("case", "Confirmed")
    ASYMPTOMATIC = "asymptomatic", pgettext_lazy("case", "Asymptomatic infection")
    CLINICALLY_DIAGNOSED = "clinically_diagnosed", pgettext_lazy("case", "Clinically diagnosed")
    EXCLUDED = "excluded", pgettext_lazy("case", "Excluded")


# Classifications counted in the confirmed figures. Hubei's 临床诊断病例 were counted as confirmed
# from 2020-02-12 (domain-rules §2.1).
CONFIRMED_SET = frozenset({Classification.CONFIRMED, Classification.CLINICALLY_DIAGNOSED})
# Classifications counted for admission (收治): confirmed and suspected (domain-rules §1.5).
ADMISSION_SET = frozenset(
    {Classification.CONFIRMED, Classification.CLINICALLY_DIAGNOSED, Classification.SUSPECTED}
)


class Severity(models.TextChoices):
    """临床分型 of a confirmed case."""

    MILD = "mild", pgettext_lazy("case", "Mild")
    COMMON = "common", pgettext_lazy("case", "Common")
    SEVERE = "severe", pgettext_lazy("case", "Severe")
    CRITICAL = "critical", pgettext_lazy("case", "Critical")


SEVERE_SET = frozenset({Severity.SEVERE, Severity.CRITICAL})


class Status(models.TextChoices):
    """``open`` until an outcome; the outcomes are final."""

    OPEN = "open", pgettext_lazy("case", "Open")
    CURED_DISCHARGED = "cured_discharged", pgettext_lazy("case", "Cured and discharged")
    RELEASED = "released", pgettext_lazy("case", "Released from isolation")
    DIED = "died", pgettext_lazy("case", "Died")
    EXCLUDED = "excluded", pgettext_lazy("case", "Excluded")


class Action(models.TextChoices):
    """What happened to a case; the actions of the state machine plus record keeping."""

    CREATED = "created", pgettext_lazy("case", "Case reported")
    ADMIT = "admit", pgettext_lazy("case", "Admit")
    TRANSFER = "transfer", pgettext_lazy("case", "Transfer")
    CONFIRM = "confirm", pgettext_lazy("case", "Confirm")
    CLINICALLY_DIAGNOSE = "clinically_diagnose", pgettext_lazy("case", "Clinically diagnose")
    CHANGE_SEVERITY = "change_severity", pgettext_lazy("case", "Change severity")
    DISCHARGE = "discharge", pgettext_lazy("case", "Discharge as cured")
    RELEASE = "release", pgettext_lazy("case", "Release from isolation")
    DIE = "die", pgettext_lazy("case", "Record death")
    EXCLUDE = "exclude", pgettext_lazy("case", "Exclude")
    REVISIT = "revisit", pgettext_lazy("case", "Revisit recorded")
    CLUSTER = "cluster", pgettext_lazy("case", "Cluster linked")
    EDIT = "edit", pgettext_lazy("case", "Details edited")


class Source(models.TextChoices):
    """How the case came to the platform."""

    REPORTED = "reported", pgettext_lazy("case", "Reported directly")
    FEVER_CLINIC = "fever_clinic", pgettext_lazy("case", "Fever clinic")
    OBSERVATION_TRANSFER = (
        "observation_transfer",
        pgettext_lazy("case", "Transferred from medical observation"),
    )
    SCREENING = "screening", pgettext_lazy("case", "Screening")
    CONTACT_TRACING = "contact_tracing", pgettext_lazy("case", "Contact tracing")
    DEMO = "demo", pgettext_lazy("case", "Demo data")


class RevisitResult(models.TextChoices):
    NEGATIVE = "negative", pgettext_lazy("case", "Negative")
    POSITIVE = "positive", pgettext_lazy("case", "Positive (re-positive)")
    NOT_TESTED = "not_tested", pgettext_lazy("case", "Not tested")


class ClusterSetting(models.TextChoices):
    """The small settings of the cluster definition (domain-rules §2.5)."""

    FAMILY = "family", pgettext_lazy("case", "Family")
    OFFICE = "office", pgettext_lazy("case", "Office")
    SCHOOL_CLASS = "school_class", pgettext_lazy("case", "School class")
    WORKSHOP = "workshop", pgettext_lazy("case", "Workshop")
    COMMUNITY = "community", pgettext_lazy("case", "Residential community")
    VILLAGE = "village", pgettext_lazy("case", "Village")
    MEDICAL = "medical", pgettext_lazy("case", "Medical institution")
    OTHER = "other", pgettext_lazy("case", "Other")


# Units that treat or hold cases (jurisdictions.UnitKind values).
FACILITY_KINDS = ("designated_hospital", "fever_clinic", "hospital")
