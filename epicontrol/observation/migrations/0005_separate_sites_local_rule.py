"""``separate_site_categories`` becomes a rule of this app's ``observation`` policy domain.

Existing databases get the ``obs2020-02`` edition (the Wuhan order of 2020-02-02) and the flag on
the later local editions, as the seed file now has them; rows edited since are left alone.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.db import migrations

SEED = Path(__file__).resolve().parent.parent / "seed" / "policy_versions.json"


def forward(apps: Any, schema_editor: Any) -> None:
    from epicontrol.core.policy import seed_versions

    PolicyVersion = apps.get_model("core", "PolicyVersion")  # noqa: N806
    seed_versions(SEED, PolicyVersion)  # adds obs2020-02 where it is missing
    for row in json.loads(SEED.read_text(encoding="utf-8"))["versions"]:
        flag = row["params"].get("separate_site_categories")
        version = PolicyVersion.objects.get(domain=row["domain"], code=row["code"])
        if flag is not None and "separate_site_categories" not in (version.params or {}):
            version.params = {**(version.params or {}), "separate_site_categories": flag}
            version.save(update_fields=["params"])


class Migration(migrations.Migration):
    dependencies = [
        ("observation", "0004_scope_path_and_check_progress"),
        ("core", "0003_policy_seed_corrections"),
    ]
    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
