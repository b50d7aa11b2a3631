"""Corrections to the national seed (core/seed/policy_versions.json) for existing databases.

* ``separate_site_categories`` leaves the national editions: keeping the four categories in
  separate sites was a Wuhan order (domain-rules §1.3), now a local rule of the observation app.
* 7th edition ``secondary_contact``: the edition defined 密接的密接 but set no national
  duration, so the rule is null (a local rule is needed), not a rule of 0 + 0 days.
* ``inbound_traveller`` of the 1st–6th editions: marked as inferred / sourced in a ``note``.

A row whose values were edited since the seed is left alone: only the seeded value is replaced.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.db import migrations

SEED = Path(__file__).resolve().parent.parent / "seed" / "policy_versions.json"

OLD_V7_SECONDARY = {
    "centralised_days": 0,
    "home_days": 0,
    "home_kind": None,
    "tests_centralised": [],
    "tests_home": [],
    "start": "last_exposure",
    "note": "defined; management set locally [P]",
}
OLD_INBOUND = {
    "centralised_days": 14,
    "home_days": 0,
    "tests_centralised": [],
    "tests_home": [],
    "start": "arrival",
}


def correct(apps: Any, schema_editor: Any) -> None:
    PolicyVersion = apps.get_model("core", "PolicyVersion")  # noqa: N806
    seeded = {
        row["code"]: row
        for row in json.loads(SEED.read_text(encoding="utf-8"))["versions"]
        if row["domain"] == "national"
    }
    for version in PolicyVersion.objects.filter(domain="national"):
        params = dict(version.params or {})
        changed = params.pop("separate_site_categories", None) is not None
        if version.code == "v7" and params.get("secondary_contact") == OLD_V7_SECONDARY:
            params["secondary_contact"] = None
            version.source = seeded["v7"]["source"]
            changed = True
        new_inbound = (seeded.get(version.code) or {}).get("params", {}).get("inbound_traveller")
        if params.get("inbound_traveller") == OLD_INBOUND and new_inbound and new_inbound.get("note"):
            params["inbound_traveller"] = new_inbound
            changed = True
        if changed:
            version.params = params
            version.save(update_fields=["params", "source"])


class Migration(migrations.Migration):
    dependencies = [("core", "0002_seed_policy_versions")]
    operations = [migrations.RunPython(correct, migrations.RunPython.noop)]
