"""Reading a county's designation on a date from its change history (unscoped building block).

The designation on day D is the latest ``RiskLevelChange`` effective on or before D. A county
recoded without a history of its own (祁阳市 after 祁阳县) carries its predecessor's designation.
Callers scope the counties first; these helpers take county ids.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connection
from django.db.models import OuterRef, Subquery

from epicontrol.jurisdictions.models import Jurisdiction

from .models import RiskLevelChange


@dataclass(frozen=True)
class Designation:
    """The change that gives a county its level on a day (a predecessor's when inherited)."""

    change: RiskLevelChange
    inherited_from: str | None = None


def _latest_changes(county_ids: list[int], day: dt.date) -> dict[int, RiskLevelChange]:
    if not county_ids:
        return {}
    base = RiskLevelChange.objects.filter(jurisdiction_id__in=county_ids, effective_from__lte=day)
    if connection.features.can_distinct_on_fields:
        # PostgreSQL: one index-ordered pass, the latest row per county (DISTINCT ON).
        rows = base.order_by("jurisdiction_id", "-effective_from", "-id").distinct(
            "jurisdiction_id"
        )
        return {c.jurisdiction_id: c for c in rows}
    latest = (
        RiskLevelChange.objects.filter(jurisdiction=OuterRef("pk"), effective_from__lte=day)
        .order_by("-effective_from", "-id")
        .values("id")[:1]
    )
    ids = [
        change_id
        for change_id in Jurisdiction.objects.filter(pk__in=county_ids)
        .annotate(change_id=Subquery(latest))
        .values_list("change_id", flat=True)
        if change_id is not None
    ]
    return {c.jurisdiction_id: c for c in RiskLevelChange.objects.filter(pk__in=ids)}


def designations_as_of(
    county_ids: Iterable[int], day: dt.date, *, inherit: bool = True
) -> dict[int, Designation]:
    """County id → its designation on ``day`` (absent: not designated).

    With ``inherit``, a county without a change of its own takes its predecessor's. Two to four
    queries whatever the number of counties.
    """
    ids = list(county_ids)
    found = {pk: Designation(change) for pk, change in _latest_changes(ids, day).items()}
    missing = [pk for pk in ids if pk not in found]
    if inherit and missing:
        predecessors = {
            pk: (successor, code)
            for pk, successor, code in Jurisdiction.objects.filter(
                replaced_by_id__in=missing
            ).values_list("pk", "replaced_by_id", "code")
        }
        for pred_id, change in _latest_changes(list(predecessors), day).items():
            successor, code = predecessors[pred_id]
            found.setdefault(successor, Designation(change, inherited_from=code))
    return found
