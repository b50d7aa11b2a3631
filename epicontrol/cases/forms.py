"""HTML input of the cases pages: validation only; the services decide."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from epicontrol.jurisdictions.models import Unit
from epicontrol.people.choices import IdType

from .choices import Action, Classification, ClusterSetting, RevisitResult, Severity, Status
from .models import Cluster
from .services import INITIAL_CLASSIFICATIONS

LOCAL_INPUT = "%Y-%m-%dT%H:%M"


class LocalDateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format=LOCAL_INPUT)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def now_local() -> str:
    return timezone.localtime().strftime(LOCAL_INPUT)


class FacilityField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name}（{obj.jurisdiction.name}）"


class CaseFilterForm(forms.Form):
    """The filters of the case list (GET); invalid values are dropped, never a 500."""

    q = forms.CharField(label=_("Full name"), required=False, max_length=50)
    jurisdiction = forms.CharField(label=_("Jurisdiction code"), required=False, max_length=20)
    classification = forms.ChoiceField(
        label=_("Classification"),
        required=False,
        choices=[("", _("All")), *list(Classification.choices)],
    )
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All")), *list(Status.choices)]
    )
    severity = forms.ChoiceField(
        label=pgettext_lazy("case", "Severity"),
        required=False,
        choices=[("", _("All")), *list(Severity.choices)],
    )
    facility = forms.IntegerField(required=False, widget=forms.HiddenInput)
    set = forms.CharField(required=False, widget=forms.HiddenInput)
    date_from = forms.DateField(label=_("From"), required=False, widget=DateInput)
    date_to = forms.DateField(label=_("To"), required=False, widget=DateInput)

    def __init__(self, data: Any, *, facilities: QuerySet[Unit] | None = None) -> None:
        data = data.copy()
        # The dashboard links use the short names "from" and "to".
        for short, name in (("from", "date_from"), ("to", "date_to")):
            if data.get(short) and not data.get(name):
                data[name] = data[short]
        super().__init__(data)
        if facilities is not None:
            self.fields["facility"] = FacilityField(
                label=_("Facility"), queryset=facilities, required=False, empty_label=_("All")
            )

    def filters(self) -> dict[str, Any]:
        self.is_valid()
        data = {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}
        facility = data.get("facility")
        if isinstance(facility, Unit):
            data["facility"] = facility.pk
        if "set" in data:
            data["subset"] = data.pop("set")
        return data


class PersonSearchForm(forms.Form):
    q = forms.CharField(label=_("Full name"), required=False, max_length=50)
    id_number = forms.CharField(label=_("ID number"), required=False, max_length=40)
    phone = forms.CharField(label=_("Phone"), required=False, max_length=30)


class CaseCreateForm(forms.Form):
    """A new case: the person (chosen, found by document, or registered) and the report."""

    person = forms.IntegerField(required=False, widget=forms.HiddenInput)
    id_type = forms.ChoiceField(
        label=_("ID type"), choices=IdType.choices, initial=IdType.RESIDENT_ID, required=False
    )
    id_number = forms.CharField(label=_("ID number"), max_length=40, required=False)
    name = forms.CharField(label=_("Name (new person)"), max_length=50, required=False)
    phone = forms.CharField(label=_("Phone (new person)"), max_length=30, required=False)
    address_jurisdiction = forms.CharField(
        label=_("Address division code (new person)"),
        max_length=20,
        required=False,
        help_text=_("County, township, community or grid code of the current address."),
    )
    current_address = forms.CharField(
        label=_("Current address (new person)"), max_length=300, required=False
    )
    confirm_new = forms.BooleanField(
        label=_("Register as a new person even though similar persons exist"), required=False
    )
    classification = forms.ChoiceField(
        label=_("Classification"),
        choices=[(c.value, c.label) for c in INITIAL_CLASSIFICATIONS],
        initial=Classification.SUSPECTED,
    )
    severity = forms.ChoiceField(
        label=_("Severity (confirmed cases)"),
        choices=[("", "—"), *list(Severity.choices)],
        required=False,
    )
    onset_date = forms.DateField(label=_("Onset date"), required=False, widget=DateInput)
    reported_at = forms.DateTimeField(label=_("Report time"), widget=LocalDateTimeInput)
    is_imported = forms.BooleanField(label=_("Imported case"), required=False)
    import_origin = forms.CharField(label=_("Origin (imported)"), max_length=100, required=False)
    facility = FacilityField(
        label=_("Admit to facility"), queryset=Unit.objects.none(), required=False
    )
    jurisdiction = forms.CharField(
        label=_("Managing jurisdiction code"),
        max_length=20,
        required=False,
        help_text=_("Leave empty for the county of the person's address."),
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, facilities: QuerySet[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["facility"].queryset = facilities  # type: ignore[attr-defined]
        self.fields["reported_at"].initial = now_local()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("person") and not data.get("id_number"):
            self.add_error("id_number", _("Choose a person or enter an ID number."))
        return data


class TransitionForm(forms.Form):
    """The fields of one state-machine action; which ones depends on the action."""

    at = forms.DateTimeField(label=_("Time"), widget=LocalDateTimeInput)
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(
        self,
        *args: Any,
        action: str,
        facilities: QuerySet[Unit] | None = None,
        n_tests: int = 0,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.action = action
        self.fields["at"].initial = now_local()
        if action in (Action.ADMIT, Action.TRANSFER):
            self.fields["facility"] = FacilityField(
                label=_("Facility"),
                queryset=facilities if facilities is not None else Unit.objects.none(),
            )
        if action in (Action.CONFIRM, Action.CLINICALLY_DIAGNOSE, Action.CHANGE_SEVERITY):
            self.fields["severity"] = forms.ChoiceField(
                label=pgettext_lazy("case", "Severity"),
                choices=([] if action == Action.CHANGE_SEVERITY else [("", "—")])
                + list(Severity.choices),
                required=action == Action.CHANGE_SEVERITY,
            )
        if action in (Action.DISCHARGE, Action.RELEASE):
            for i in range(1, n_tests + 1):
                self.fields[f"test_{i}"] = forms.DateTimeField(
                    label=_("Negative test %(n)s, sampling time") % {"n": i},
                    widget=LocalDateTimeInput,
                    required=False,
                )

    def negative_tests(self) -> list[dt.datetime]:
        return [v for k, v in sorted(self.cleaned_data.items()) if k.startswith("test_") and v]


class RevisitForm(forms.Form):
    date = forms.DateField(label=_("Revisit date"), widget=DateInput)
    result = forms.ChoiceField(label=_("Revisit result"), choices=RevisitResult.choices)
    note = forms.CharField(label=_("Note"), required=False, max_length=500)


class ClusterForm(forms.Form):
    """Link a case to a cluster of its county, or open a new one."""

    cluster = forms.ModelChoiceField(
        label=_("Cluster"), queryset=Cluster.objects.none(), required=False, empty_label=_("None")
    )
    new_name = forms.CharField(label=_("Or a new cluster named"), max_length=200, required=False)
    setting = forms.ChoiceField(
        label=_("Setting"), choices=ClusterSetting.choices, initial=ClusterSetting.FAMILY
    )

    def __init__(self, *args: Any, clusters: QuerySet[Cluster], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["cluster"].queryset = clusters  # type: ignore[attr-defined]
