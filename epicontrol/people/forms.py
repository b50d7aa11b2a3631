"""HTML forms of the people registry: input shape only; the rules live in identity/services.

Every field is validated on its own so the page shows all problems at once, each next to its
field, with the same codes and messages as the API.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from epicontrol.core.errors import DomainError
from epicontrol.jurisdictions.models import Jurisdiction

from .choices import IdType
from .identity import AddressCodes, Document, parse_document, phone_key
from .imports import ImportMode
from .services import check_jurisdiction_in_scope, clean_name, clean_text


def _domain(exc: DomainError) -> forms.ValidationError:
    return forms.ValidationError(exc.message, code=exc.code)


class PersonForm(forms.Form):
    """Registration; ``confirm_new`` is set by the "create anyway" button after candidates."""

    name = forms.CharField(label=pgettext_lazy("person", "Name"), max_length=50)
    id_type = forms.ChoiceField(
        label=pgettext_lazy("person", "ID type"), choices=IdType.choices, initial=IdType.RESIDENT_ID
    )
    id_number = forms.CharField(label=pgettext_lazy("person", "ID number"), max_length=40)
    phone = forms.CharField(label=pgettext_lazy("person", "Phone"), max_length=30, required=False)
    jurisdiction = forms.CharField(
        label=pgettext_lazy("person", "Jurisdiction code"),
        max_length=20,
        help_text=_("Division code of the current address (county, township, community or grid)."),
        widget=forms.TextInput(attrs={"list": "jurisdiction-codes", "inputmode": "numeric"}),
    )
    household_address = forms.CharField(
        label=pgettext_lazy("person", "Household address"), max_length=300, required=False
    )
    current_address = forms.CharField(
        label=pgettext_lazy("person", "Current address"), max_length=300, required=False
    )
    occupation = forms.CharField(
        label=pgettext_lazy("person", "Occupation"), max_length=100, required=False
    )
    work_unit = forms.CharField(
        label=pgettext_lazy("person", "Work unit"), max_length=200, required=False
    )
    notes = forms.CharField(
        label=pgettext_lazy("person", "Notes"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    confirm_new = forms.BooleanField(required=False, widget=forms.HiddenInput)

    id_required = True

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.document: Document | None = None
        self.jurisdiction_obj: Jurisdiction | None = None

    def clean_name(self) -> str:
        try:
            return clean_name(self.cleaned_data.get("name", ""))
        except DomainError as exc:
            raise _domain(exc) from None

    def clean_phone(self) -> str:
        raw = self.cleaned_data.get("phone", "")
        try:
            phone_key(raw)
        except DomainError as exc:
            raise _domain(exc) from None
        return str(raw).strip()

    def clean_jurisdiction(self) -> str:
        code = str(self.cleaned_data.get("jurisdiction", "")).strip()
        j = Jurisdiction.objects.filter(code=code).first()
        if j is None:
            raise forms.ValidationError(
                _("Unknown jurisdiction code."), code="person.invalid_jurisdiction"
            )
        try:
            check_jurisdiction_in_scope(self.user, j)
        except DomainError as exc:
            raise _domain(exc) from None
        self.jurisdiction_obj = j
        return code

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for field in ("household_address", "current_address", "occupation", "work_unit", "notes"):
            if field in data:
                try:
                    data[field] = clean_text(field, data[field])
                except DomainError as exc:
                    self.add_error(field, _domain(exc))
        number = data.get("id_number", "")
        if number and "id_type" in data:
            try:
                self.document = parse_document(
                    data["id_type"], number, address_codes=AddressCodes()
                )
            except DomainError as exc:
                self.add_error("id_type" if exc.field == "id_type" else "id_number", _domain(exc))
        return data


class PersonEditForm(PersonForm):
    """Edit: ID number and phone are blank unless they change (the stored ones are masked)."""

    clear_phone = forms.BooleanField(label=_("Remove the phone number"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["id_number"].required = False
        self.fields["id_number"].help_text = _("Leave blank to keep the current number.")
        self.fields["phone"].help_text = _("Leave blank to keep the current number.")
        del self.fields["confirm_new"]


class MergeForm(forms.Form):
    duplicate = forms.IntegerField(label=_("Record number of the duplicate"), min_value=1)


class ImportForm(forms.Form):
    file = forms.FileField(label=_("File (.xlsx or .csv)"))
    mode = forms.ChoiceField(
        label=_("Mode"), choices=ImportMode.choices, initial=ImportMode.ALL_OR_NOTHING
    )
    allow_candidates = forms.BooleanField(
        label=_("Also create rows that resemble a registered person (listed as warnings)"),
        required=False,
    )


class LookupForm(forms.Form):
    """Exact search by ID number or phone; sent by POST so the number stays out of URLs/logs."""

    id_number = forms.CharField(
        label=pgettext_lazy("person", "ID number"), max_length=40, required=False
    )
    phone = forms.CharField(label=pgettext_lazy("person", "Phone"), max_length=30, required=False)
