"""Which divisions get a risk level: county-level administrative divisions in existence on a day.

Functional zones (NBS statistics-only 高新区 / 管理区 / 示范区, county digits 7x, stored with
``is_administrative=False``) are not counties and get no level: the 2020 rule grades 县/市/区/旗,
and Hunan's lists name 122 county units without them (domain-rules §4.1, §7.3). Cases recorded
in a zone count for no county.

Recoded counties keep their history (祁阳县 431121 → 祁阳市 431181): on a day, the old code is
graded while it is valid, and the successor only once its predecessor has been retired, so a
day's list never holds both.
"""

from __future__ import annotations

import datetime as dt

from epicontrol.jurisdictions.choices import Level
from epicontrol.jurisdictions.models import Jurisdiction, JurisdictionQuerySet


def counties_on(day: dt.date, *, root_path: str | None = None) -> JurisdictionQuerySet:
    """County-level administrative divisions valid on ``day`` (under ``root_path`` if given)."""
    qs = (
        Jurisdiction.objects.filter(level=Level.COUNTY, is_administrative=True)
        .current(on=day)
        .exclude(replaces__valid_to__gt=day)
    )
    if root_path:
        qs = qs.filter(path__startswith=root_path)
    return qs.order_by("code")


def is_county(j: Jurisdiction) -> bool:
    return j.level == Level.COUNTY and j.is_administrative


def parent_path(path: str) -> str:
    """The path of the parent division: ``430000/430200/430203/`` → ``430000/430200/``."""
    parts = [p for p in path.split("/") if p]
    return "".join(f"{p}/" for p in parts[:-1])
