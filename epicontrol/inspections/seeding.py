"""Load the seeded checklists and rules (``seed/*.json``) into the database. Idempotent.

Used by the data migration (with historical models) and by ``seed_inspection_data``; a
checklist that already exists under its code is never overwritten (it may have been revised).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from epicontrol.core.policy import seed_versions

from .scoring import Rule

SEED_DIR = Path(__file__).resolve().parent / "seed"


def load_policies(policy_model: Any) -> int:
    return seed_versions(SEED_DIR / "policy.json", policy_model)


def load_templates(template_model: Any, item_model: Any) -> int:
    """Create the seeded checklists missing by code; validates every score rule first."""
    data = json.loads((SEED_DIR / "templates.json").read_text(encoding="utf-8"))
    created = 0
    for row in data["templates"]:
        if template_model.objects.filter(code=row["code"]).exists():
            continue
        for item in row["items"]:
            Rule.parse(item["rule"])  # a bad seed fails loudly, at migration time
        template = template_model.objects.create(
            code=row["code"],
            version=1,
            target_type=row["target_type"],
            name=row["name"],
            description=row.get("description", ""),
            base_score=row.get("base_score", 0),
            pass_percent=row["pass_percent"],
            is_current=True,
            source=row.get("source", ""),
        )
        item_model.objects.bulk_create(
            [
                item_model(
                    template=template,
                    position=item["position"],
                    code=item["code"],
                    category=item["category"],
                    text=item["text"],
                    method=item["method"],
                    evidence_required=item.get("evidence_required", False),
                    rule=item["rule"],
                    veto=item.get("veto", False),
                    severity=item.get("severity", "medium"),
                    guidance=item.get("guidance", ""),
                )
                for item in row["items"]
            ]
        )
        created += 1
    return created
