"""Denormalise the county code onto cases and their events (grouping without joining the tree)."""

from __future__ import annotations

from typing import Any

from django.db import migrations, models


def fill_county_codes(apps: Any, schema_editor: Any) -> None:
    """One UPDATE per jurisdiction holding cases (a few thousand at most), not per case."""
    Case = apps.get_model("cases", "Case")
    CaseEvent = apps.get_model("cases", "CaseEvent")
    Jurisdiction = apps.get_model("jurisdictions", "Jurisdiction")
    ids = Case.objects.values_list("jurisdiction_id", flat=True).distinct()
    for pk, path in Jurisdiction.objects.filter(pk__in=list(ids)).values_list("pk", "path"):
        parts = [p for p in path.split("/") if p]
        code = parts[2] if len(parts) > 2 else ""
        Case.objects.filter(jurisdiction_id=pk).update(county_code=code)
        CaseEvent.objects.filter(case__jurisdiction_id=pk).update(county_code=code)


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial"), ("jurisdictions", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="case",
            name="county_code",
            field=models.CharField(default="", editable=False, max_length=12),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="caseevent",
            name="county_code",
            field=models.CharField(default="", editable=False, max_length=12),
            preserve_default=False,
        ),
        migrations.RunPython(fill_county_codes, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(fields=["county_code", "confirmed_at"], name="case_county_confirmed"),
        ),
        migrations.AddIndex(
            model_name="caseevent",
            index=models.Index(fields=["county_code", "at"], name="caseevent_county_at"),
        ),
    ]
