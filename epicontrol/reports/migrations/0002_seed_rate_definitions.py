"""Seed the four-rate definitions (PolicyVersion domain "rates") from seed/rate_definitions.json."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from django.db import migrations

SEED = Path(__file__).resolve().parent.parent / "seed" / "rate_definitions.json"


def seed(apps: Any, schema_editor: Any) -> None:
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


def unseed(apps: Any, schema_editor: Any) -> None:
    PolicyVersion = apps.get_model("core", "PolicyVersion")  # noqa: N806
    codes = [r["code"] for r in json.loads(SEED.read_text(encoding="utf-8"))["versions"]]
    PolicyVersion.objects.filter(domain="rates", code__in=codes).delete()


class Migration(migrations.Migration):
    dependencies = [("reports", "0001_initial"), ("core", "0002_seed_policy_versions")]
    operations = [migrations.RunPython(seed, unseed)]
