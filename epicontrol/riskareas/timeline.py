"""Reading a county's designation on a date from its change history (unscoped building block).

The designation on day D is the latest ``RiskLevelChange`` effective on or before D. A county
recoded without a history of its own (祁阳市 after 祁阳县) carries its predecessor's designation.
Callers scope the counties first; these helpers take county ids.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db.models import OuterRef, Subquery

from epicontrol.jurisdictions.models import Jurisdiction

from .models import RiskLevelChange


def _latest_change_ids(county_ids: Iterable[int], day: dt.date) -> dict[int, int]:
    latest = (
        RiskLevelChange.objects.filter(jurisdiction=OuterRef("pk"), effective_from__lte=day)
        .order_by("-effective_from", "-id")
        .values("id")[:1]
    )
    rows = (
        Jurisdiction.objects.filter(pk__in=list(county_ids))
        .annotate(change_id=Subquery(latest))
        .values_list("pk", "change_id")
    )
    return {pk: change_id for pk, change_id in rows if change_id is not None}


def designations_as_of(
    county_ids: Iterable[int], day: dt.date, *, inherit: bool = True
) -> dict[int, RiskLevelChange]:
    """County id → the change that gives its designation on ``day`` (absent: not designated).

    With ``inherit``, a county without a change of its own takes its predecessor's (the change
    row then belongs to the predecessor). Three to five queries whatever the number of counties.
    """
    ids = list(county_ids)
    by_county = _latest_change_ids(ids, day)
    missing = [pk for pk in ids if pk not in by_county]
    successor_of: dict[int, int] = {}
    if inherit and missing:
        successor_of = dict(
            Jurisdiction.objects.filter(replaced_by_id__in=missing).values_list(
                "pk", "replaced_by_id"
            )
        )
        for pred_id, change_id in _latest_change_ids(successor_of, day).items():
            by_county.setdefault(successor_of[pred_id], change_id)
    changes = RiskLevelChange.objects.select_related("jurisdiction").in_bulk(
        list(by_county.values())
    )
    return {pk: changes[cid] for pk, cid in by_county.items() if cid in changes}
