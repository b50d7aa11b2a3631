"""Seed the key-person taxonomy (categories and groupings) from seed/categories.json."""

from __future__ import annotations

from typing import Any

from django.db import migrations

from epicontrol.screening.taxonomy import seed_taxonomy


def forwards(apps: Any, schema_editor: Any) -> None:
    seed_taxonomy(apps.get_model("screening", "PersonCategory"), apps.get_model("screening", "CategoryGroup"))


class Migration(migrations.Migration):
    dependencies = [("screening", "0001_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
