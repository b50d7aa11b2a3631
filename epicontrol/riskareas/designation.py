"""Keeping a county's designation in line with its computed level and its overrides (writes).

Used inside the services' transactions only. The designation on a day is the approved override
in effect on that day, else the level computed by the county's designating scheme. Where the
history says otherwise, one ``RiskLevelChange`` is appended; where it already agrees, nothing is
written (an unchanged computed level leaves no trace in the history).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from django.utils import timezone

from epicontrol.jurisdictions.models import Jurisdiction

from .choices import ChangeSource
from .models import RiskAssessment, RiskLevel, RiskLevelChange, RiskOverride
from .timeline import designations_as_of

ROW_FIELDS = (
    "level",
    "scheme",
    "is_override",
    "override_id",
    "effective_from",
    "computed_level",
    "computed_on",
)


def lock_designations(counties: Sequence[Jurisdiction]) -> dict[int, RiskLevel]:
    """The counties' ``RiskLevel`` rows, created if missing and locked in a fixed order.

    Computations and override decisions on the same county serialise on this row.
    """
    ids = [c.pk for c in counties]
    have = set(
        RiskLevel.objects.filter(jurisdiction_id__in=ids).values_list("jurisdiction_id", flat=True)
    )
    missing = [RiskLevel(jurisdiction=c) for c in counties if c.pk not in have]
    if missing:
        RiskLevel.objects.bulk_create(missing, ignore_conflicts=True, batch_size=1000)
    rows = (
        RiskLevel.objects.select_for_update()
        .filter(jurisdiction_id__in=ids)
        .order_by("jurisdiction_id")
    )
    return {r.jurisdiction_id: r for r in rows}


def _actor(actor: Any) -> Any:
    return actor if getattr(actor, "pk", None) is not None else None


def designate(
    *,
    counties: Sequence[Jurisdiction],
    day: dt.date,
    actor: Any,
    computed: Mapping[int, RiskAssessment],
    lift_reason: str = "",
) -> list[RiskLevelChange]:
    """Append the changes that make each county's designation on ``day`` what it should be.

    ``computed`` maps county id → the assessment of its designating scheme to use when no
    override is in effect (a county absent from it keeps its level unless an override ends).
    The caller holds the locks (``lock_designations``). Returns the new change rows.
    """
    ids = [c.pk for c in counties]
    overrides = {
        o.jurisdiction_id: o
        for o in RiskOverride.objects.active_on(day).filter(jurisdiction_id__in=ids)
    }
    current = designations_as_of(ids, day)
    changes: list[RiskLevelChange] = []
    for county in counties:
        found = current.get(county.pk)
        cur = found.change if found is not None else None
        cur_level = cur.to_level if cur is not None else ""
        override = overrides.get(county.pk)
        if override is not None:
            if cur is not None and cur.is_override and cur.override_id == override.pk:
                continue
            changes.append(
                RiskLevelChange(
                    jurisdiction=county,
                    from_level=cur_level,
                    to_level=override.level,
                    effective_from=day,
                    source=ChangeSource.OVERRIDE,
                    scheme=override.scheme,
                    override=override,
                    actor=_actor(actor) or override.decided_by,
                    reason=override.reason,
                    reasons=[{"rule": "override", "override": override.pk}],
                )
            )
            continue
        ended_override = cur is not None and cur.is_override
        assessment = computed.get(county.pk)
        if assessment is None:
            if not ended_override:
                continue
            # The override ended and no computed level is known: the county is undesignated.
            to_level, scheme, reasons = "", "", []
        else:
            if not ended_override and cur_level == assessment.level:
                continue
            to_level, scheme, reasons = assessment.level, assessment.scheme, assessment.reasons
        changes.append(
            RiskLevelChange(
                jurisdiction=county,
                from_level=cur_level,
                to_level=to_level,
                effective_from=day,
                source=ChangeSource.LIFTED if ended_override else ChangeSource.COMPUTED,
                scheme=scheme,
                assessment=assessment,
                actor=_actor(actor),
                reason=lift_reason if ended_override else "",
                reasons=reasons,
            )
        )
    RiskLevelChange.objects.bulk_create(changes, batch_size=1000)
    return changes


def sync_current(
    *,
    rows: Mapping[int, RiskLevel],
    counties: Sequence[Jurisdiction],
    computed: Mapping[int, RiskAssessment] | None = None,
) -> None:
    """Set each county's ``RiskLevel`` to its designation as of today (from the history).

    Rows are written with one UPDATE per distinct set of values (most counties share their
    level, start day and computation day), which is far cheaper than a per-row CASE update.
    """
    today = timezone.localdate()
    now = timezone.now()
    current = designations_as_of([c.pk for c in counties], today)
    groups: dict[tuple[object, ...], list[int]] = {}
    for county in counties:
        row = rows[county.pk]
        before = _state(row)
        found = current.get(county.pk)
        change = found.change if found is not None else None
        row.level = change.to_level if change is not None else ""
        row.scheme = change.scheme if change is not None else ""
        row.is_override = change is not None and change.is_override
        row.override_id = change.override_id if change is not None and change.is_override else None
        row.effective_from = change.effective_from if change is not None else None
        assessment = (computed or {}).get(county.pk)
        if assessment is not None and (
            row.computed_on is None or assessment.day >= row.computed_on
        ):
            row.computed_level, row.computed_on = assessment.level, assessment.day
        state = _state(row)
        if state != before:
            groups.setdefault(state, []).append(row.pk)
    for state, pks in groups.items():
        RiskLevel.objects.filter(pk__in=pks).update(
            **dict(zip(ROW_FIELDS, state, strict=True)), updated_at=now
        )


def _state(row: RiskLevel) -> tuple[object, ...]:
    return tuple(getattr(row, f) for f in ROW_FIELDS)
