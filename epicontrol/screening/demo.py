"""Demo data: grid screening ledgers of the demo township, late January – February 2020.

Three communities with six grids, one grid worker per grid (except one grid, to show a
grid without a responsible worker), about 150 ledger entries — returnees from Wuhan and the
rest of Hubei who arrived around the Spring Festival, floating population, fever patients and
close contacts — imported per grid from a community ledger file, then moved along: under
observation, cleared once the incubation period of the protocol in force had passed, a few
transferred or moved away. Daily grid reports from 2020-02-01 to 2020-02-14, zero reports on
quiet days, and some grids missing on the last days. Idempotent.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
from typing import Any

from django.db import transaction

from epicontrol.accounts.models import User
from epicontrol.accounts.services import membership_add
from epicontrol.core.identity import id_check_char
from epicontrol.core.policy import protocol_on
from epicontrol.jurisdictions.models import Jurisdiction
from epicontrol.jurisdictions.services import subdivision_create

from . import services
from .ledger_import import ledger_import
from .models import DailyReport, LedgerEntry

D = dt.date
FIRST_REPORT_DAY = D(2020, 2, 1)
LAST_REPORT_DAY = D(2020, 2, 14)

# community, grid, grid worker username (None: no worker), display name, number of entries
GRIDS = [
    (None, None, "grid", None, 36),  # the persona grid (第一网格 of the persona community)
    (None, "第二网格", "grid_xh2", "网格员 陈静", 28),
    (None, "第三网格", "grid_xh3", "网格员 黄磊", 22),
    ("向阳社区", "第一网格", "grid_xy1", "网格员 周敏", 26),
    ("向阳社区", "第二网格", "grid_xy2", "网格员 吴刚", 20),
    ("长青社区", "第一网格", None, None, 18),
]
# Grids whose worker did not report on these days (the completeness page shows them).
MISSING: dict[tuple[str | None, str | None], set[dt.date]] = {
    ("向阳社区", "第二网格"): {D(2020, 2, 13), D(2020, 2, 14)},
    ("长青社区", "第一网格"): {D(2020, 2, 10), D(2020, 2, 12), D(2020, 2, 14)},
    (None, "第三网格"): {D(2020, 2, 14)},
}

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩邓冯曹彭曾肖田董袁潘蒋蔡余杜叶程"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍建国红梅志鹏飞辉婷雪琳斌浩宇晨欣怡"
ORIGINS_WUHAN = [
    "湖北省武汉市江岸区",
    "湖北省武汉市武昌区",
    "湖北省武汉市洪山区",
    "湖北省武汉市汉阳区",
]
ORIGINS_HUBEI = ["湖北省孝感市", "湖北省黄冈市", "湖北省荆州市", "湖北省襄阳市", "湖北省随州市"]
ORIGINS_OTHER = ["广东省东莞市", "浙江省温州市", "湖南省长沙市", "江西省萍乡市"]


def _sub(actor: Any, parent: Jurisdiction, name: str) -> Jurisdiction:
    existing = Jurisdiction.objects.filter(parent=parent, name=name).first()
    return existing or subdivision_create(actor=actor, parent=parent, name=name)


def _worker(actor: Any, username: str, display_name: str, grid: Jurisdiction) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        # A responsible person shown on the completeness page; the demo logs in as "grid".
        user = User(username=username, display_name=display_name)
        user.set_unusable_password()
        user.save()
    membership_add(actor=actor, user=user, role="grid_worker", jurisdiction=grid)
    return user


def _id_number(rng: random.Random, address: str, n: int) -> str:
    birth = D(1955, 1, 1) + dt.timedelta(days=rng.randrange(0, 365 * 45))
    first17 = f"{address}{birth:%Y%m%d}{n % 1000:03d}"
    return first17 + id_check_char(first17)


def _rows(rng: random.Random, grid: Jurisdiction, count: int, start: int) -> list[list[str]]:
    """One community ledger: (name, ID, phone, category, source, origin, arrival, registered)."""
    rows = []
    for i in range(count):
        n = start + i
        roll = rng.random()
        if roll < 0.45:
            category, origin = "wuhan_returnee", rng.choice(ORIGINS_WUHAN)
            arrival = D(2020, 1, 17) + dt.timedelta(days=rng.randrange(0, 10))
            registered = max(arrival, D(2020, 1, 24)) + dt.timedelta(days=rng.randrange(0, 4))
            source = rng.choice(["door_to_door", "door_to_door", "big_data", "station"])
        elif roll < 0.65:
            category, origin = "hubei_returnee", rng.choice(ORIGINS_HUBEI)
            arrival = D(2020, 1, 18) + dt.timedelta(days=rng.randrange(0, 12))
            registered = max(arrival, D(2020, 1, 25)) + dt.timedelta(days=rng.randrange(0, 5))
            source = rng.choice(["door_to_door", "big_data", "self_report"])
        elif roll < 0.82:
            category, origin = "floating_population", rng.choice(ORIGINS_OTHER)
            arrival = D(2020, 2, 1) + dt.timedelta(days=rng.randrange(0, 12))
            registered = arrival + dt.timedelta(days=rng.randrange(0, 2))
            source = rng.choice(["door_to_door", "station"])
        elif roll < 0.92:
            category, origin = "fever_patient", ""
            arrival = None
            registered = D(2020, 1, 28) + dt.timedelta(days=rng.randrange(0, 17))
            source = rng.choice(["self_report", "door_to_door"])
        else:
            category, origin = "close_contact", ""
            arrival = None
            registered = D(2020, 2, 2) + dt.timedelta(days=rng.randrange(0, 12))
            source = "assistance_request"
        address = rng.choice(["430203", "430203", "430202", "430211", "420102", "420111"])
        rows.append(
            [
                rng.choice(SURNAMES) + rng.choice(GIVEN) + (rng.choice(GIVEN) if n % 3 else ""),
                _id_number(rng, address, n),
                f"13{rng.randrange(5, 10)}{rng.randrange(0, 10**8):08d}",
                category,
                source,
                origin,
                arrival.isoformat() if arrival else "",
                grid.code,
                min(registered, LAST_REPORT_DAY).isoformat(),
            ]
        )
    return rows


def _csv(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
            "姓名",
            "证件号码",
            "手机号码",
            "人员类别",
            "来源",
            "来源地",
            "抵达日期",
            "网格编码",
            "登记日期",
        ]
    )
    writer.writerows(rows)
    return out.getvalue().encode()


def _move_along(rng: random.Random, actor: Any, entries: list[LedgerEntry]) -> int:
    """Observation, clearing after the incubation period of the protocol in force, exits."""
    moved = 0
    for entry in entries:
        if entry.status != "registered":
            continue
        anchor = entry.arrival_date or entry.registered_on
        incubation = protocol_on(anchor).incubation_days
        roll = rng.random()
        if entry.category.code in ("wuhan_returnee", "hubei_returnee", "close_contact"):
            services.entry_status_set(
                actor=actor, entry=entry, status="under_observation", on=entry.registered_on
            )
            end = anchor + dt.timedelta(days=incubation)
            if end <= LAST_REPORT_DAY and roll < 0.93:
                services.entry_status_set(
                    actor=actor,
                    entry=entry,
                    status="cleared",
                    on=max(end, entry.registered_on),
                    reason=f"超过{incubation}天潜伏期无症状",
                )
        elif entry.category.code == "fever_patient":
            if roll < 0.3:
                services.entry_status_set(
                    actor=actor,
                    entry=entry,
                    status="transferred",
                    on=entry.registered_on + dt.timedelta(days=1),
                    reason="转定点医院发热门诊",
                )
            elif roll < 0.8:
                services.entry_status_set(
                    actor=actor,
                    entry=entry,
                    status="cleared",
                    on=min(entry.registered_on + dt.timedelta(days=3), LAST_REPORT_DAY),
                    reason="体温恢复正常，排除",
                )
        elif roll < 0.15:
            services.entry_status_set(
                actor=actor,
                entry=entry,
                status="moved_away",
                on=min(entry.registered_on + dt.timedelta(days=5), LAST_REPORT_DAY),
                reason="已返回务工地",
            )
        moved += 1
    return moved


@transaction.atomic
def seed(context: dict[str, Any]) -> str:
    users = context["users"]
    township: Jurisdiction = context["township"]
    persona_community: Jurisdiction = context["community"]
    persona_grid: Jurisdiction = context["grid"]
    officer = users.get("jianshe") or User(username="demo-seed", is_superuser=True)
    admin = User(username="demo-seed", is_superuser=True)
    rng = random.Random(2020)

    grids: list[tuple[tuple[str | None, str | None], Jurisdiction, Any]] = []
    for community_name, grid_name, username, display_name, _count in GRIDS:
        community = _sub(admin, township, community_name) if community_name else persona_community
        grid = _sub(admin, community, grid_name) if grid_name else persona_grid
        worker = None
        if username == "grid":
            worker = users.get("grid")
        elif username and display_name:
            worker = _worker(admin, username, display_name, grid)
        grids.append(((community_name, grid_name), grid, worker))

    created = 0
    if not LedgerEntry.objects.filter(grid__in=[g for _k, g, _w in grids]).exists():
        start = 100
        for (_key, grid, worker), spec in zip(grids, GRIDS, strict=True):
            count = spec[4]
            rows = _rows(rng, grid, count, start)
            start += count
            result = ledger_import(
                actor=worker or officer,
                name=f"{grid.parent.name if grid.parent else ''}{grid.name}台账.csv",
                stream=io.BytesIO(_csv(rows)),
                good_rows_only=True,
                today=LAST_REPORT_DAY,
            )
            created += result.created
            entries = list(
                LedgerEntry.objects.filter(grid=grid).select_related("category").order_by("pk")
            )
            _move_along(rng, worker or officer, entries)

    reports = 0
    day = FIRST_REPORT_DAY
    while day <= LAST_REPORT_DAY:
        for key, grid, worker in grids:
            if day in MISSING.get(key, set()):
                continue
            if DailyReport.objects.filter(grid=grid, day=day).exists():
                continue
            new = LedgerEntry.objects.filter(grid=grid, registered_on=day).exists()
            services.daily_report_submit(actor=worker or officer, grid=grid, day=day, zero=not new)
            reports += 1
        day += dt.timedelta(days=1)
    return (
        f"{len(grids)} grids, {created} ledger entries, {reports} daily reports "
        f"({FIRST_REPORT_DAY:%m-%d} to {LAST_REPORT_DAY:%m-%d}; some grids missing)"
    )
