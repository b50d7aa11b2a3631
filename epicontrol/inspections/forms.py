"""HTML forms of the supervision pages (validation only; the services decide)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from epicontrol.accounts.models import User
from epicontrol.jurisdictions.models import Jurisdiction, Unit

from .choices import Measure, Recurrence, Severity, SubjectKind
from .models import ChecklistTemplate, SupervisionGroup

DATE = forms.DateInput(attrs={"type": "date"})


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultiplePhotoField(forms.FileField):
    """Several photos at once; each is validated by the photo service (type, size)."""

    widget = MultipleFileInput(attrs={"accept": "image/*", "capture": "environment"})

    def clean(self, data: Any, initial: Any = None) -> Any:
        if isinstance(data, list | tuple):
            return [super(MultiplePhotoField, self).clean(d, initial) for d in data if d]
        return [super().clean(data, initial)] if data else []


def _codes(raw: str) -> list[str]:
    return [c for c in raw.replace("，", ",").replace(" ", ",").split(",") if c]


class GroupForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    command = forms.ModelChoiceField(
        label=_("Dispatched by"), queryset=Jurisdiction.objects.none(), to_field_name="code"
    )
    target_codes = forms.CharField(
        label=_("Target areas (division codes, comma-separated)"),
        help_text=_("For example 430200 for 株洲市."),
    )
    leader = forms.ModelChoiceField(
        label=_("Leader"), queryset=User.objects.none(), to_field_name="username"
    )
    member_usernames = forms.CharField(
        label=_("Members (user names, comma-separated)"), required=False
    )
    starts_on = forms.DateField(label=_("From"), widget=DATE)
    ends_on = forms.DateField(label=_("To"), widget=DATE, required=False)
    notes = forms.CharField(
        label=_("Notes"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def __init__(self, *args: Any, commands: Any, users: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["command"].queryset = commands  # type: ignore[attr-defined]
        self.fields["leader"].queryset = users  # type: ignore[attr-defined]
        self._users = users

    def clean_target_codes(self) -> list[Jurisdiction]:
        codes = _codes(self.cleaned_data["target_codes"])
        found = list(Jurisdiction.objects.filter(code__in=codes))
        missing = sorted(set(codes) - {j.code for j in found})
        if missing or not found:
            raise forms.ValidationError(
                _("Unknown division codes: %(codes)s") % {"codes": ", ".join(missing) or "—"}
            )
        return found

    def clean_member_usernames(self) -> list[User]:
        names = _codes(self.cleaned_data.get("member_usernames") or "")
        found = list(self._users.filter(username__in=names))
        missing = sorted(set(names) - {u.username for u in found})
        if missing:
            raise forms.ValidationError(
                _("Unknown users: %(names)s") % {"names": ", ".join(missing)}
            )
        return found


class PlanForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    template = forms.ModelChoiceField(
        label=_("Checklist"), queryset=ChecklistTemplate.objects.none()
    )
    targets = forms.MultipleChoiceField(
        label=_("Targets"), required=False, widget=forms.SelectMultiple(attrs={"size": 10})
    )
    other_codes = forms.CharField(
        label=_("Other target areas (division codes)"),
        required=False,
        help_text=_("Townships or communities not in the list, comma-separated."),
    )
    recurrence = forms.ChoiceField(label=_("Recurrence"), choices=Recurrence.choices)
    starts_on = forms.DateField(label=_("From"), widget=DATE)
    ends_on = forms.DateField(label=_("To"), widget=DATE, required=False)
    unannounced = forms.BooleanField(
        label=_("Unannounced (四不两直): hidden from the target until the record is submitted"),
        required=False,
        initial=True,
    )
    notes = forms.CharField(
        label=_("Notes"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def __init__(
        self, *args: Any, group: SupervisionGroup, target_choices: list[Any], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["template"].queryset = ChecklistTemplate.objects.current()  # type: ignore[attr-defined]
        self.fields["targets"].choices = target_choices  # type: ignore[attr-defined]
        self.group = group

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("targets") and not data.get("other_codes"):
            raise forms.ValidationError(_("Choose at least one target."))
        return data


class FindingAssignForm(forms.Form):
    deadline = forms.DateField(label=_("Deadline"), widget=DATE, required=False)
    requirements = forms.CharField(
        label=_("Rectification requirements"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    responsible_unit = forms.ModelChoiceField(
        label=_("Hand over to another unit"), queryset=Unit.objects.none(), required=False
    )

    def __init__(self, *args: Any, units: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if units is not None:
            self.fields["responsible_unit"].queryset = units  # type: ignore[attr-defined]


class NoteForm(forms.Form):
    note = forms.CharField(
        label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    deadline = forms.DateField(label=_("New deadline"), widget=DATE, required=False)


class RectificationForm(forms.Form):
    note = forms.CharField(
        label=_("What was done"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    photos = MultiplePhotoField(label=_("Photos"), required=False)


class AccountabilityForm(forms.Form):
    subject_kind = forms.ChoiceField(label=_("Held accountable"), choices=SubjectKind.choices)
    subject_name = forms.CharField(label=_("Name of the person or unit"), max_length=100)
    subject_position = forms.CharField(label=_("Position"), max_length=100, required=False)
    measure = forms.ChoiceField(label=_("Measure"), choices=Measure.choices)
    decided_by = forms.CharField(
        label=pgettext_lazy("accountability", "Decided by"), max_length=100
    )
    decided_on = forms.DateField(
        label=_("Date of decision"), widget=DATE, initial=timezone.localdate
    )
    notes = forms.CharField(
        label=_("Notes"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class TemplateReviseForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    pass_percent = forms.DecimalField(label=_("Pass mark (%)"), min_value=0, max_value=100)
    base_score = forms.DecimalField(label=_("Base score"), min_value=0)
    items = forms.CharField(
        label=_("Items (JSON)"),
        widget=forms.Textarea(attrs={"rows": 20, "spellcheck": "false"}),
        help_text=_(
            "A list of items: code, category, text, method, evidence_required, rule, "
            "veto, severity."
        ),
    )

    def clean_items(self) -> list[dict[str, Any]]:
        try:
            items = json.loads(self.cleaned_data["items"])
        except ValueError as exc:
            raise forms.ValidationError(_("Not valid JSON: %(error)s") % {"error": exc}) from None
        if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
            raise forms.ValidationError(_("Give a list of items."))
        return items


class ProblemRow(forms.Form):
    description = forms.CharField(required=False, max_length=2000)
    severity = forms.ChoiceField(choices=Severity.choices, initial=Severity.MEDIUM)
    on_spot = forms.BooleanField(required=False)


def parse_day(raw: str | None, default: dt.date | None = None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(raw) if raw else default
    except ValueError:
        return default
