"""HTML input of the risk-level pages (validation only; the services decide)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import pgettext_lazy

from .choices import Band, RiskLevelCode

LEVEL_FILTER_CHOICES = [
    ("", pgettext_lazy("risk level", "All levels")),
    *[(str(v), label) for v, label in Band.choices],
    *[(str(v), label) for v, label in RiskLevelCode.choices if v not in Band.values],
]


class ListFilterForm(forms.Form):
    parent = forms.CharField(
        label=pgettext_lazy("risk level", "Division code"), required=False, max_length=20
    )
    date = forms.DateField(
        label=pgettext_lazy("risk level", "Date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    level = forms.ChoiceField(
        label=pgettext_lazy("risk level", "Level"), required=False, choices=LEVEL_FILTER_CHOICES
    )
    scheme = forms.ChoiceField(label=pgettext_lazy("risk level", "Scheme"), required=False)

    def __init__(self, *args: Any, schemes: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["scheme"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", pgettext_lazy("risk level", "Official designation")), *schemes]


class ComputeForm(forms.Form):
    date = forms.DateField(
        label=pgettext_lazy("risk level", "Date"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    parent = forms.CharField(required=False, max_length=20, widget=forms.HiddenInput)


class ProposeForm(forms.Form):
    level = forms.ChoiceField(label=pgettext_lazy("risk level", "Proposed level"))
    requested_from = forms.DateField(
        label=pgettext_lazy("risk level", "Effective from"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    reason = forms.CharField(
        label=pgettext_lazy("risk level", "Reason"), max_length=2000, widget=forms.Textarea
    )

    def __init__(self, *args: Any, levels: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["level"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = levels


class DecisionForm(forms.Form):
    action = forms.ChoiceField(
        choices=[
            ("approve", "approve"),
            ("reject", "reject"),
            ("withdraw", "withdraw"),
            ("lift", "lift"),
        ],
        widget=forms.HiddenInput,
    )
    note = forms.CharField(
        label=pgettext_lazy("risk level", "Note"),
        required=False,
        max_length=2000,
        widget=forms.Textarea,
    )
