"""HTML input of the screening pages (validation only; the services decide)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from epicontrol.jurisdictions.models import Jurisdiction
from epicontrol.people.choices import IdType

from .choices import EntryStatus, Source
from .models import CategoryGroup, PersonCategory


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


def _category_choices(blank: str | None) -> list[tuple[str, str]]:
    rows = [(c.code, c.label) for c in PersonCategory.objects.filter(is_active=True)]
    return [("", blank), *rows] if blank is not None else rows


class EntryFilterForm(forms.Form):
    """Filters of the ledger list, the export and the API (all optional)."""

    q = forms.CharField(label=pgettext_lazy("person", "Name"), required=False, max_length=50)
    category = forms.ChoiceField(label=pgettext_lazy("key person", "Category"), required=False)
    group = forms.ChoiceField(label=pgettext_lazy("key person", "Group"), required=False)
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All")), *EntryStatus.choices]
    )
    jurisdiction = forms.CharField(label=_("Area code"), required=False, max_length=20)
    grid = forms.CharField(label=_("Grid code"), required=False, max_length=20)
    date_from = forms.DateField(label=_("Registered from"), required=False, widget=DateInput())
    date_to = forms.DateField(label=_("Registered to"), required=False, widget=DateInput())
    open = forms.BooleanField(label=_("Under management only"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = _category_choices(str(_("All")))  # type: ignore[attr-defined]
        self.fields["group"].choices = [  # type: ignore[attr-defined]
            ("", _("All")),
            *((g.code, g.name) for g in CategoryGroup.objects.all()),
        ]

    def filters(self) -> dict[str, Any]:
        """The cleaned filters as keyword arguments of ``selectors.entry_list``."""
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        return {
            "q": data["q"] or None,
            "category": data["category"] or None,
            "group": data["group"] or None,
            "status": data["status"] or None,
            "jurisdiction": data["jurisdiction"] or None,
            "grid": data["grid"] or None,
            "date_from": data["date_from"],
            "date_to": data["date_to"],
            "open_only": bool(data["open"]),
        }


class GridChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        parent = obj.parent.name if obj.parent_id else ""
        return f"{parent} {obj.name}".strip()


class RegisterForm(forms.Form):
    """Register a key person: the short form a grid worker fills in on a phone."""

    name = forms.CharField(label=pgettext_lazy("person", "Name"), max_length=50)
    id_type = forms.ChoiceField(
        label=_("Document type"), choices=IdType.choices, initial=IdType.RESIDENT_ID
    )
    id_number = forms.CharField(label=_("Document number"), max_length=40)
    phone = forms.CharField(label=_("Mobile phone"), max_length=30, required=False)
    category = forms.ChoiceField(label=pgettext_lazy("key person", "Category"))
    source = forms.ChoiceField(
        label=pgettext_lazy("key person", "Source"),
        choices=Source.choices,
        initial=Source.DOOR_TO_DOOR,
    )
    origin = forms.CharField(label=_("Origin"), max_length=100, required=False)
    arrival_date = forms.DateField(label=_("Arrival date"), required=False, widget=DateInput())
    grid = GridChoiceField(label=_("Grid"), queryset=Jurisdiction.objects.none())
    current_address = forms.CharField(label=_("Current address"), max_length=300, required=False)
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    person_id = forms.IntegerField(required=False, widget=forms.HiddenInput())
    confirm_new = forms.BooleanField(required=False, widget=forms.HiddenInput())

    def __init__(self, *args: Any, grids: list[Jurisdiction], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = _category_choices(None)  # type: ignore[attr-defined]
        grid_field: GridChoiceField = self.fields["grid"]  # type: ignore[assignment]
        grid_field.queryset = Jurisdiction.objects.filter(pk__in=[g.pk for g in grids]).order_by(
            "path"
        )
        if grids and not self.is_bound:
            self.initial.setdefault("grid", grids[0].pk)
        self.fields["id_number"].widget.attrs.update({"autocomplete": "off", "inputmode": "text"})
        self.fields["phone"].widget.attrs.update({"inputmode": "tel", "autocomplete": "off"})

    def clean_arrival_date(self) -> Any:
        day = self.cleaned_data.get("arrival_date")
        if day and day > timezone.localdate():
            raise forms.ValidationError(_("The arrival date is in the future."))
        return day


class StatusForm(forms.Form):
    """Change an entry's status (the allowed targets are set by the view)."""

    status = forms.ChoiceField(label=_("New status"))
    on = forms.DateField(label=_("Effective on"), required=False, widget=DateInput())
    reason = forms.CharField(
        label=pgettext_lazy("status change", "Reason"), max_length=300, required=False
    )

    def __init__(self, *args: Any, targets: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        labels = dict(EntryStatus.choices)
        self.fields["status"].choices = [(t, labels[t]) for t in targets]  # type: ignore[attr-defined]


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Ledger file (.xlsx or .csv)"))
    grid = GridChoiceField(
        label=_("Grid for rows without a grid code"),
        queryset=Jurisdiction.objects.none(),
        required=False,
    )
    source = forms.ChoiceField(
        label=_("Source for rows without one"), choices=Source.choices, initial=Source.DOOR_TO_DOOR
    )
    good_rows_only = forms.BooleanField(
        label=_("Import the good rows even if some rows have errors"), required=False
    )

    def __init__(self, *args: Any, grids: list[Jurisdiction], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        grid_field: GridChoiceField = self.fields["grid"]  # type: ignore[assignment]
        grid_field.queryset = Jurisdiction.objects.filter(pk__in=[g.pk for g in grids]).order_by(
            "path"
        )
        if len(grids) == 1 and not self.is_bound:
            self.initial.setdefault("grid", grids[0].pk)


class ReportForm(forms.Form):
    """Which grid and day the daily report page shows."""

    grid = GridChoiceField(label=_("Grid"), queryset=Jurisdiction.objects.none())
    date = forms.DateField(
        label=pgettext_lazy("report day", "Day"), required=False, widget=DateInput()
    )

    def __init__(self, *args: Any, grids: list[Jurisdiction], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        grid_field: GridChoiceField = self.fields["grid"]  # type: ignore[assignment]
        grid_field.queryset = Jurisdiction.objects.filter(pk__in=[g.pk for g in grids]).order_by(
            "path"
        )
