"""Copy the grid's path onto ledger entries and daily reports (scoping and roll-ups without a join)."""

from __future__ import annotations

from typing import Any

from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def fill_paths(apps: Any, schema_editor: Any) -> None:
    Jurisdiction = apps.get_model("jurisdictions", "Jurisdiction")
    for name in ("LedgerEntry", "DailyReport"):
        model = apps.get_model("screening", name)
        path = Jurisdiction.objects.filter(pk=OuterRef("grid_id")).values("path")[:1]
        model.objects.update(grid_path=Subquery(path))


class Migration(migrations.Migration):
    dependencies = [("screening", "0002_seed_categories")]

    operations = [
        migrations.AddField(
            model_name="ledgerentry",
            name="grid_path",
            field=models.CharField(default="", editable=False, max_length=255),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="dailyreport",
            name="grid_path",
            field=models.CharField(default="", editable=False, max_length=255),
            preserve_default=False,
        ),
        migrations.RunPython(fill_paths, migrations.RunPython.noop),
        migrations.RemoveIndex(model_name="ledgerentry", name="ledger_grid_status"),
        migrations.RemoveIndex(model_name="dailyreport", name="daily_report_day_grid"),
        migrations.AlterModelOptions(
            name="dailyreport",
            options={
                "ordering": ["-day", "grid_path"],
                "verbose_name": "daily grid report",
                "verbose_name_plural": "daily grid reports",
            },
        ),
        migrations.AddIndex(
            model_name="ledgerentry",
            index=models.Index(
                fields=["grid_path", "registered_on"],
                name="ledger_grid_path",
                opclasses=["varchar_pattern_ops", "date_ops"],
            ),
        ),
        migrations.AddIndex(
            model_name="dailyreport",
            index=models.Index(
                fields=["day", "grid_path"],
                name="daily_report_day_path",
                opclasses=["date_ops", "varchar_pattern_ops"],
            ),
        ),
    ]
