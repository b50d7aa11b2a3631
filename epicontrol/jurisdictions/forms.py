from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .choices import Kind, UnitKind


class SubdivisionForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[(Kind.COMMUNITY, Kind.COMMUNITY.label), (Kind.VILLAGE, Kind.VILLAGE.label)],
        required=False,
    )


class UnitForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=UnitKind.choices)
    name = forms.CharField(label=_("Name"), max_length=200)
    address = forms.CharField(label=_("Address"), max_length=300, required=False)
    capacity = forms.IntegerField(label=_("Capacity"), min_value=0, required=False)
    contact_name = forms.CharField(label=_("Contact"), max_length=50, required=False)
