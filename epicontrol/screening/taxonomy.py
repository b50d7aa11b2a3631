"""The seed of the key-person taxonomy (categories and named groupings).

The JSON file is the reviewed starting point; the admin may edit the rows afterwards, so the
loader only creates what is missing and never overwrites an edited row. The data migration and
tests that flush the database (browser tests) use the same loader.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

SEED_FILE = Path(__file__).resolve().parent / "seed" / "categories.json"


def load_seed(seed_file: Path = SEED_FILE) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(seed_file.read_text(encoding="utf-8"))
    return data


def seed_taxonomy(category_model: Any, group_model: Any, seed_file: Path = SEED_FILE) -> int:
    """Create missing categories and groups (models passed in, so migrations can use it).

    Returns the number of rows created. Idempotent.
    """
    data = load_seed(seed_file)
    created = 0
    by_code: dict[str, Any] = {}
    for row in data["categories"]:
        category, was_created = category_model.objects.get_or_create(
            code=row["code"],
            defaults={k: row.get(k, "") for k in ("name", "name_en", "description")}
            | {"observation_rule": row.get("observation_rule", ""), "order": row["order"]},
        )
        by_code[category.code] = category
        created += int(was_created)
    for row in data["groups"]:
        group, was_created = group_model.objects.get_or_create(
            code=row["code"],
            defaults={
                "name": row["name"],
                "description": row.get("description", ""),
                "note": row.get("note", ""),
                "source": row.get("source", ""),
                "definition_confirmed": bool(row.get("definition_confirmed", True)),
                "order": row["order"],
            },
        )
        if was_created:
            group.categories.set([by_code[c] for c in row["categories"] if c in by_code])
        created += int(was_created)
    return created


def seed_default_taxonomy() -> int:
    """Seed with the real models (tests that flushed the database, the demo)."""
    from .models import CategoryGroup, PersonCategory

    return seed_taxonomy(PersonCategory, CategoryGroup)
