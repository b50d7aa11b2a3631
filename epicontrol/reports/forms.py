from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .choices import DiscrepancyKind
from .indicators import STORED


class DateForm(forms.Form):
    date = forms.DateField(
        label=_("Date"), required=False, widget=forms.DateInput({"type": "date"})
    )
    days = forms.IntegerField(
        label=_("Days on the curve"), required=False, min_value=7, max_value=366
    )


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("File (CSV or Excel)"),
        help_text=_(
            "Columns: date, province, provinceCode, city, cityCode, confirmed, suspected, "
            "cured, dead. A row with an empty city is the province's own figure."
        ),
    )
    partial = forms.BooleanField(
        label=_("Import the valid rows even if some rows have errors"), required=False
    )


class SubmitForm(forms.Form):
    """The totals a level reports for one date (one field per stored indicator)."""

    date = forms.DateField(label=_("Date"), widget=forms.DateInput({"type": "date"}))
    unit = forms.ChoiceField(label=_("Reporting unit"), required=False)
    note = forms.CharField(label=pgettext_lazy("reports", "Note"), required=False, max_length=500)

    def __init__(
        self, *args: Any, unit_choices: list[tuple[str, str]] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        unit_field = self.fields["unit"]
        assert isinstance(unit_field, forms.ChoiceField)
        unit_field.choices = [("", _("The jurisdiction itself")), *(unit_choices or [])]
        for indicator in STORED:
            self.fields[indicator.name] = forms.IntegerField(
                label=str(indicator.label), required=False, min_value=0
            )

    def clean_date(self) -> dt.date:
        day: dt.date = self.cleaned_data["date"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("The date is in the future."))
        return day


class ReconciliationForm(forms.Form):
    start = forms.DateField(
        label=pgettext_lazy("reports", "From"),
        required=False,
        widget=forms.DateInput({"type": "date"}),
    )
    end = forms.DateField(
        label=pgettext_lazy("reports", "To"),
        required=False,
        widget=forms.DateInput({"type": "date"}),
    )
    kind = forms.ChoiceField(
        label=pgettext_lazy("reports", "Kind"),
        required=False,
        choices=[("", _("All")), *DiscrepancyKind.choices],
    )
    indicator = forms.ChoiceField(
        label=_("Indicator"),
        required=False,
        choices=[("", _("All")), *((i.name, i.label) for i in STORED)],
    )


class PopulationForm(forms.Form):
    code = forms.CharField(widget=forms.HiddenInput, max_length=20)
    population = forms.IntegerField(label=_("Resident population"), min_value=1)
