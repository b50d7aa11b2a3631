from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from django.db import migrations

SEED = Path(__file__).resolve().parent.parent / "seed" / "policy_versions.json"


def seed(apps: Any, schema_editor: Any) -> None:
    """Add this app's ``observation`` policy rows; never overwrite an edited row."""
    PolicyVersion = apps.get_model("core", "PolicyVersion")  # noqa: N806
    for row in json.loads(SEED.read_text(encoding="utf-8"))["versions"]:
        PolicyVersion.objects.get_or_create(
            domain=row["domain"],
            code=row["code"],
            defaults={
                "name": row["name"],
                "effective_from": dt.date.fromisoformat(row["effective_from"]),
                "source": row.get("source", ""),
                "params": row["params"],
            },
        )


class Migration(migrations.Migration):
    dependencies = [("observation", "0001_initial"), ("core", "0002_seed_policy_versions")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
