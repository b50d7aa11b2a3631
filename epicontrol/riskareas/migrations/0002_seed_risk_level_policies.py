from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from django.db import migrations

SEED = Path(__file__).resolve().parent.parent / "seed" / "risk_level_policies.json"


def seed(apps: Any, schema_editor: Any) -> None:
    PolicyVersion = apps.get_model("core", "PolicyVersion")  # noqa: N806
    for row in json.loads(SEED.read_text(encoding="utf-8"))["versions"]:
        PolicyVersion.objects.get_or_create(
            domain=row["domain"],
            code=row["code"],
            defaults={
                "name": row["name"],
                "effective_from": dt.date.fromisoformat(row["effective_from"]),
                "effective_to": (
                    dt.date.fromisoformat(row["effective_to"]) if row.get("effective_to") else None
                ),
                "source": row.get("source", ""),
                "params": row["params"],
            },
        )


class Migration(migrations.Migration):
    dependencies = [("riskareas", "0001_initial"), ("core", "0002_seed_policy_versions")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
