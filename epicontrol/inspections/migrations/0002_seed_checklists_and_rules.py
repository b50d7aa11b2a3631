from __future__ import annotations

from typing import Any

from django.db import migrations


def seed(apps: Any, schema_editor: Any) -> None:
    from epicontrol.inspections.seeding import load_policies, load_templates

    load_policies(apps.get_model("core", "PolicyVersion"))
    load_templates(
        apps.get_model("inspections", "ChecklistTemplate"),
        apps.get_model("inspections", "ChecklistItem"),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("inspections", "0001_initial"),
        ("core", "0002_seed_policy_versions"),
    ]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
