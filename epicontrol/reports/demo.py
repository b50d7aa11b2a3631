"""Demo data: the published Hunan daily series of 2020 and the cities' populations.

Idempotent: a file already imported (same SHA-256) is not imported again, and populations are
only written where they differ.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from .models import DailyReportImport
from .services import daily_report_import, population_load

HUNAN_SERIES = Path(__file__).resolve().parent / "data" / "covid2020_hunan_daily.csv"


def seed(context: dict[str, Any]) -> str:
    actor = context["users"]["province"]
    content = HUNAN_SERIES.read_bytes()
    digest = hashlib.sha256(content).hexdigest()
    if DailyReportImport.objects.filter(sha256=digest, errors=0).exists():
        imported = "Hunan series already imported"
    else:
        result = daily_report_import(actor=actor, file_name=HUNAN_SERIES.name, content=content)
        imported = (
            f"Hunan series: {result.created} reports created, {result.unchanged} unchanged, "
            f"{result.units_created} non-geographic unit(s)"
        )
    changed = population_load(actor=actor)
    return f"{imported}; populations set for {changed} division(s)"
