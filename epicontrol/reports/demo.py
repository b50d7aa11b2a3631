"""Demo data: the published Hunan daily series of 2020 up to the demo's last day, and the cities'
populations.

The demo scenario of every module (cases, observation, screening, inspections, risk areas) is
January–February 2020 and ends on 2020-02-29, so the series is loaded up to that day: the command
dashboard then opens on 29 February (the latest date with data) with every module's figures of
the same day. The whole year is in ``data/covid2020_hunan_daily.csv``; importing it on the
import page adds March–December (the rows already loaded come back "unchanged"), including the
19th date on which the province's own count differs from its cities (2020-04-01).

Idempotent: a file already imported (same SHA-256) is not imported again, and populations are
only written where they differ.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path
from typing import Any

from .models import DailyReportImport
from .services import daily_report_import, population_load

HUNAN_SERIES = Path(__file__).resolve().parent / "data" / "covid2020_hunan_daily.csv"
LAST_DAY = dt.date(2020, 2, 29)


def demo_series(last_day: dt.date = LAST_DAY) -> bytes:
    """The Hunan series up to ``last_day`` (ISO dates sort as text)."""
    lines = HUNAN_SERIES.read_text(encoding="utf-8").splitlines()
    kept = [lines[0], *(ln for ln in lines[1:] if ln[:10] <= last_day.isoformat())]
    return ("\n".join(kept) + "\n").encode("utf-8")


def seed(context: dict[str, Any]) -> str:
    actor = context["users"]["province"]
    content = demo_series()
    digest = hashlib.sha256(content).hexdigest()
    if DailyReportImport.objects.filter(sha256=digest, errors=0).exists():
        imported = "Hunan series already imported"
    else:
        result = daily_report_import(
            actor=actor, file_name=f"covid2020_hunan_daily.csv (to {LAST_DAY})", content=content
        )
        imported = (
            f"Hunan series to {LAST_DAY}: {result.created} reports created, "
            f"{result.unchanged} unchanged, {result.units_created} non-geographic unit(s)"
        )
    changed = population_load(actor=actor)
    return f"{imported}; populations set for {changed} division(s)"
