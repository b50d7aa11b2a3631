"""``separate_site_categories`` becomes a rule of this app's ``observation`` policy domain.

Existing databases get the ``obs2020-02`` edition (the Wuhan order of 2020-02-02) and the flag on
the later local editions, as the seed file now has them; rows edited since are left alone.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from django.db import migrations

SEED = Path(__file__).resolve().parent.parent / "seed" / "policy_versions.json"


def forward(apps: Any, schema_editor: Any) -> None:
    PolicyVersion = apps.get_model("core", "PolicyVersion")  # noqa: N806
    for row in json.loads(SEED.read_text(encoding="utf-8"))["versions"]:
        flag = row["params"].get("separate_site_categories")
        version, created = PolicyVersion.objects.get_or_create(
            domain=row["domain"],
            code=row["code"],
            defaults={
                "name": row["name"],
                "effective_from": dt.date.fromisoformat(row["effective_from"]),
                "source": row.get("source", ""),
                "params": row["params"],
            },
        )
        if not created and flag is not None:
            params = dict(version.params or {})
            if "separate_site_categories" not in params:
                params["separate_site_categories"] = flag
                version.params = params
                version.save(update_fields=["params"])


class Migration(migrations.Migration):
    dependencies = [
        ("observation", "0004_scope_path_and_check_progress"),
        ("core", "0003_policy_seed_corrections"),
    ]
    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
