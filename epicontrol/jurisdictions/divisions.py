"""Loading the GB/T 2260 division tree (four levels) from the CSV fixtures.

The CSVs (copied from ../shared/data/divisions, NBS data as of 2022-10-31, WTFPL licence in
the same folder) use 2-digit province, 4-digit city, 6-digit county and 9-digit township codes.
We store provinces and cities in their 6-digit form (43 → 430000, 4301 → 430100) so that a
county's and an ID number's address codes compare directly.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction

from .choices import Kind, Level
from .models import Jurisdiction

MUNICIPALITIES = {"11", "12", "31", "50"}
AUTONOMOUS_REGIONS = {"15", "45", "54", "64", "65"}
SARS = {"81", "82"}


@dataclass(frozen=True)
class DivisionRow:
    code: str
    name: str
    level: str
    kind: str
    parent_code: str | None
    is_administrative: bool = True
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    replaced_by: str | None = None


def province_kind(code2: str) -> str:
    if code2 in MUNICIPALITIES:
        return Kind.MUNICIPALITY
    if code2 in AUTONOMOUS_REGIONS:
        return Kind.AUTONOMOUS_REGION
    if code2 in SARS:
        return Kind.SAR
    return Kind.PROVINCE


def city_kind(name: str) -> str:
    if name == "市辖区":
        return Kind.MUNICIPAL_DISTRICTS
    if name == "县" or "直辖县级" in name:
        return Kind.COUNTY_DIRECT
    if name.endswith("自治州"):
        return Kind.AUTONOMOUS_PREFECTURE
    if name.endswith(("地区", "盟")):
        return Kind.PREFECTURE
    return Kind.PREFECTURE_CITY


def county_kind(code6: str, name: str) -> tuple[str, bool]:
    """Kind of a county-level unit and whether it is administrative.

    NBS statistics-only functional zones (高新区, 管理区, 示范区 …) use county digits 7x and are
    not GB/T 2260 divisions (domain-rules §7.3): Hunan has 122 administrative units plus 12 zones.
    """
    if code6[4] == "7":
        return Kind.FUNCTIONAL_ZONE, False
    if name.endswith("自治县"):
        return Kind.AUTONOMOUS_COUNTY, True
    if name.endswith("旗"):
        return Kind.BANNER, True
    if name.endswith("林区"):
        return Kind.FORESTRY_DISTRICT, True
    if name.endswith("特区"):
        return Kind.SPECIAL_DISTRICT, True
    if name.endswith("区"):
        return Kind.DISTRICT, True
    if name.endswith("市"):
        return Kind.COUNTY_CITY, True
    return Kind.COUNTY, True


def township_kind(code9: str, name: str) -> str:
    if name.endswith(("街道", "街道办事处")):
        return Kind.STREET
    if name.endswith("镇"):
        return Kind.TOWN
    if name.endswith("乡"):
        return Kind.TOWNSHIP
    seq = int(code9[6:9])
    if seq < 100:
        return Kind.STREET
    if seq < 200:
        return Kind.TOWN
    if seq < 400:
        return Kind.TOWNSHIP
    return Kind.TOWNSHIP_OTHER


def _read(path: Path) -> Iterator[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        yield from csv.DictReader(fh)


def _date(raw: str) -> dt.date | None:
    return dt.date.fromisoformat(raw) if raw else None


def read_divisions(directory: Path | None = None) -> list[DivisionRow]:
    """All division rows, parents before children, including the historical (recoded) units."""
    directory = directory or Path(settings.DIVISIONS_DIR)
    rows: list[DivisionRow] = []
    for r in _read(directory / "provinces.csv"):
        rows.append(
            DivisionRow(
                r["code"] + "0000", r["name"], Level.PROVINCE, province_kind(r["code"]), None
            )
        )
    for r in _read(directory / "cities.csv"):
        rows.append(
            DivisionRow(
                r["code"] + "00",
                r["name"],
                Level.CITY,
                city_kind(r["name"]),
                r["provinceCode"] + "0000",
            )
        )
    for r in _read(directory / "areas.csv"):
        if r["code"] == r["cityCode"] + "00":
            # Cities without counties (东莞 441900, 中山 442000, 儋州 460400) repeat themselves as
            # their own county row; their townships hang directly under the city.
            continue
        kind, administrative = county_kind(r["code"], r["name"])
        rows.append(
            DivisionRow(
                r["code"], r["name"], Level.COUNTY, kind, r["cityCode"] + "00", administrative
            )
        )
    history = directory / "history.csv"
    if history.exists():
        for r in _read(history):
            rows.append(
                DivisionRow(
                    r["code"],
                    r["name"],
                    Level.COUNTY,
                    r["kind"],
                    r["parent_code"],
                    True,
                    _date(r["valid_from"]),
                    _date(r["valid_to"]),
                    r["replaced_by"] or None,
                )
            )
    for r in _read(directory / "streets.csv"):
        rows.append(
            DivisionRow(
                r["code"],
                r["name"],
                Level.TOWNSHIP,
                township_kind(r["code"], r["name"]),
                r["areaCode"],
            )
        )
    return rows


FIELDS = ("name", "level", "kind", "is_administrative", "valid_from", "valid_to", "path", "depth")


@transaction.atomic
def load_divisions(directory: Path | None = None) -> dict[str, int]:
    """Create or update every division from the fixtures. Idempotent: a second run changes nothing.

    Rows are written level by level with bulk inserts (parents first, so each child can take its
    parent's id); existing rows are updated only where a field differs. User-created communities
    and grids are never touched.
    """
    rows = read_divisions(directory)
    existing = {
        j.code: j
        for j in Jurisdiction.objects.filter(
            level__in=[Level.PROVINCE, Level.CITY, Level.COUNTY, Level.TOWNSHIP]
        )
    }
    created = updated = 0
    by_code: dict[str, Jurisdiction] = dict(existing)
    for level in (Level.PROVINCE, Level.CITY, Level.COUNTY, Level.TOWNSHIP):
        new: list[Jurisdiction] = []
        changed: list[Jurisdiction] = []
        for row in (r for r in rows if r.level == level):
            parent = by_code.get(row.parent_code) if row.parent_code else None
            if row.parent_code and parent is None:
                continue  # orphan in the source data; nothing to hang it on
            path = (parent.path if parent else "") + row.code + "/"
            values = {
                "name": row.name,
                "level": row.level,
                "kind": row.kind,
                "is_administrative": row.is_administrative,
                "valid_from": row.valid_from,
                "valid_to": row.valid_to,
                "path": path,
                "depth": path.count("/") - 1,
            }
            current = by_code.get(row.code)
            if current is None:
                obj = Jurisdiction(code=row.code, parent=parent, **values)
                new.append(obj)
                by_code[row.code] = obj
            else:
                dirty = [f for f in FIELDS if getattr(current, f) != values[f]]
                if current.parent_id != (parent.pk if parent else None):
                    current.parent = parent
                    dirty.append("parent")
                if dirty:
                    for f in FIELDS:
                        setattr(current, f, values[f])
                    changed.append(current)
        Jurisdiction.objects.bulk_create(new, batch_size=2000)
        if changed:
            Jurisdiction.objects.bulk_update(changed, [*FIELDS, "parent"], batch_size=2000)
        created += len(new)
        updated += len(changed)
        if new and new[0].pk is None:  # SQLite before RETURNING support: reload ids
            refreshed = Jurisdiction.objects.filter(code__in=[o.code for o in new])
            by_code.update({j.code: j for j in refreshed})
    # Link recoded units to their successors.
    replaced = 0
    for row in rows:
        if row.replaced_by:
            old, successor = by_code.get(row.code), by_code.get(row.replaced_by)
            if old is not None and successor is not None and old.replaced_by_id != successor.pk:
                Jurisdiction.objects.filter(pk=old.pk).update(replaced_by=successor)
                replaced += 1
    return {"created": created, "updated": updated, "replaced_links": replaced, "total": len(rows)}
