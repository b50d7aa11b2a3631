"""Writes of the observation module (keyword-only, ``actor``, atomic, audited).

Split by topic; everything is importable from ``epicontrol.observation.services``.
"""

from __future__ import annotations

from .alerts import alert_transition, scan_missed_checks
from .checks import check_record, parse_temperature
from .needs import need_create, need_handle
from .observations import (
    lab_test_record,
    observation_close,
    observation_extend,
    observation_release,
    observation_start,
    observation_transfer,
    observation_transition,
    release_blockers,
)
from .replan import ReplanPreview, replan_apply, replan_preview
from .sites import (
    room_assign,
    room_create,
    room_vacate,
    separation_required,
    site_create,
    site_designate,
)

__all__ = [
    "ReplanPreview",
    "alert_transition",
    "check_record",
    "lab_test_record",
    "need_create",
    "need_handle",
    "observation_close",
    "observation_extend",
    "observation_release",
    "observation_start",
    "observation_transfer",
    "observation_transition",
    "parse_temperature",
    "release_blockers",
    "replan_apply",
    "replan_preview",
    "room_assign",
    "room_create",
    "room_vacate",
    "scan_missed_checks",
    "separation_required",
    "site_create",
    "site_designate",
]
