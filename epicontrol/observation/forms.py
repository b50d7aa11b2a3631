"""HTML forms of the observation pages (validation of shape only; rules live in services)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import pgettext_lazy

from epicontrol.jurisdictions.models import Unit

from .choices import Category, Kind, LabResult, NeedKind, SiteCategory, Symptom


class DateInput(forms.DateInput):
    input_type = "date"


class StartForm(forms.Form):
    id_number = forms.CharField(
        label=pgettext_lazy("observation", "ID number of the person"),
        max_length=40,
        help_text=pgettext_lazy(
            "observation", "The person must be in the people registry of your area."
        ),
    )
    category = forms.ChoiceField(
        label=pgettext_lazy("observation", "Category"), choices=Category.choices
    )
    anchor_date = forms.DateField(
        label=pgettext_lazy("observation", "Last exposure or arrival date"),
        widget=DateInput,
        help_text=pgettext_lazy(
            "observation",
            "Day 0. Day 1 is the day after; the plan follows the edition in force then.",
        ),
    )
    kind = forms.ChoiceField(
        label=pgettext_lazy("observation", "Kind of observation"),
        choices=[("", pgettext_lazy("observation", "As the policy says")), *Kind.choices],
        required=False,
    )
    note = forms.CharField(
        label=pgettext_lazy("observation", "Note"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class CheckForm(forms.Form):
    slot = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=24)
    temperature_c = forms.DecimalField(
        label=pgettext_lazy("observation", "Temperature (°C)"),
        max_digits=4,
        decimal_places=1,
        widget=forms.NumberInput(
            attrs={"step": "0.1", "min": "34", "max": "43", "inputmode": "decimal"}
        ),
    )
    symptoms = forms.MultipleChoiceField(
        label=pgettext_lazy("observation", "Symptoms"),
        choices=Symptom.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    note = forms.CharField(
        label=pgettext_lazy("observation", "Note"), required=False, max_length=300
    )


class LabTestForm(forms.Form):
    sample_date = forms.DateField(
        label=pgettext_lazy("observation", "Sample date"), widget=DateInput
    )
    result = forms.ChoiceField(
        label=pgettext_lazy("observation", "Result"), choices=LabResult.choices
    )
    ct_value = forms.DecimalField(
        label=pgettext_lazy("observation", "Ct value"),
        required=False,
        max_digits=5,
        decimal_places=2,
        min_value=0,
        max_value=50,
    )


class ReleaseForm(forms.Form):
    on = forms.DateField(
        label=pgettext_lazy("observation", "Release date"), widget=DateInput, required=False
    )
    reason = forms.CharField(
        label=pgettext_lazy("observation", "Note"), required=False, max_length=300
    )


class ExtendForm(forms.Form):
    new_end_date = forms.DateField(
        label=pgettext_lazy("observation", "New end date"), widget=DateInput
    )
    reason = forms.CharField(label=pgettext_lazy("observation", "Reason"), max_length=300)


class TransferForm(forms.Form):
    facility = forms.ModelChoiceField(
        label=pgettext_lazy("observation", "Designated hospital"), queryset=Unit.objects.none()
    )
    reason = forms.CharField(
        label=pgettext_lazy("observation", "Note"), required=False, max_length=300
    )

    def __init__(self, *args: Any, facilities: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["facility"].queryset = facilities  # type: ignore[attr-defined]


class CloseForm(forms.Form):
    reason = forms.CharField(
        label=pgettext_lazy("observation", "Reason (moved away, entered in error …)"),
        max_length=300,
    )


class RoomAssignForm(forms.Form):
    room = forms.ChoiceField(label=pgettext_lazy("observation", "Room"))

    def __init__(self, *args: Any, rooms: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["room"].choices = [  # type: ignore[attr-defined]
            (r.pk, f"{r.site.name} · {r.number} ({r.occupied}/{r.beds})") for r in rooms
        ]


class NeedForm(forms.Form):
    kind = forms.ChoiceField(label=pgettext_lazy("observation", "Need"), choices=NeedKind.choices)
    detail = forms.CharField(label=pgettext_lazy("observation", "Details"), max_length=300)


class NeedHandleForm(forms.Form):
    note = forms.CharField(
        label=pgettext_lazy("observation", "How it was handled"), required=False, max_length=300
    )


class ReplanForm(forms.Form):
    as_of = forms.DateField(
        label=pgettext_lazy("observation", "New edition applies from"),
        widget=DateInput,
        required=False,
        help_text=pgettext_lazy("observation", "Default today."),
    )
    category = forms.ChoiceField(
        label=pgettext_lazy("observation", "Category"),
        choices=[("", pgettext_lazy("observation", "All")), *Category.choices],
        required=False,
    )


class SiteForm(forms.Form):
    name = forms.CharField(label=pgettext_lazy("observation", "Name"), max_length=200)
    jurisdiction = forms.ChoiceField(label=pgettext_lazy("observation", "Jurisdiction"))
    category = forms.ChoiceField(
        label=pgettext_lazy("observation", "Designated for"),
        choices=[("", pgettext_lazy("observation", "Not designated")), *SiteCategory.choices],
        required=False,
    )
    address = forms.CharField(
        label=pgettext_lazy("observation", "Address"), max_length=300, required=False
    )

    def __init__(self, *args: Any, jurisdictions: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["jurisdiction"].choices = [  # type: ignore[attr-defined]
            (j.code, j.name) for j in jurisdictions
        ]


class RoomForm(forms.Form):
    number = forms.CharField(label=pgettext_lazy("observation", "Room number"), max_length=20)
    beds = forms.IntegerField(
        label=pgettext_lazy("observation", "Beds"), min_value=1, max_value=50, initial=1
    )


class DesignationForm(forms.Form):
    category = forms.ChoiceField(
        label=pgettext_lazy("observation", "Designated for"),
        choices=[("", pgettext_lazy("observation", "Not designated")), *SiteCategory.choices],
        required=False,
    )
