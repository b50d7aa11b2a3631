"""Demo data: medical observation in 芦淞区, late January – February 2020 (2020 editions).

Returnees from Wuhan in 14-day home observation, close contacts in a centralised isolation
site with rooms, two daily checks a day, one fever alert (then a transfer to the designated
hospital), one missed-check alert, releases after the 14-day incubation period, and living-needs
requests. Idempotent: persons and observations that exist are left as they are.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from epicontrol.accounts.models import User
from epicontrol.core.identity import id_check_char
from epicontrol.jurisdictions.choices import UnitKind
from epicontrol.jurisdictions.models import Jurisdiction, Unit
from epicontrol.people.choices import IdType
from epicontrol.people.identity import document_hash
from epicontrol.people.models import Person
from epicontrol.people.services import person_create, person_input

from . import services
from .models import Observation, Room

D = dt.date
SITE_NAME = "芦淞区集中医学观察点（建设宾馆）"

# (name, ID number, category, anchor, kind, story)
PEOPLE = [
    ("张伟", "430203199003150011", "returnee", D(2020, 1, 22), None, "released"),
    ("王芳", "430203198807220026", "returnee", D(2020, 1, 24), None, "released_need"),
    ("李娜", "430203199511030049", "close_contact", D(2020, 2, 1), None, "fever_transfer"),
    ("刘洋", "43020319790506003X", "close_contact", D(2020, 2, 3), None, "missed_released"),
    ("陈静", "430203200101010062", "returnee", D(2020, 2, 8), None, "active_need"),
    ("杨磊", "430203196812120050", "close_contact", D(2020, 2, 10), None, "active_room"),
]


def _id_number(raw: str) -> str:
    return raw[:17] + id_check_char(raw[:17])


def _person(admin: Any, grid: Jurisdiction, name: str, raw_id: str, n: int) -> Person:
    number = _id_number(raw_id)
    found = Person.objects.filter(
        id_number_hash=document_hash(IdType.RESIDENT_ID, number), merged_into__isnull=True
    ).first()
    if found is not None:
        return found
    data = person_input(
        actor=admin,
        name=name,
        id_type=IdType.RESIDENT_ID,
        id_number=number,
        phone=f"1397331{n:04d}",
        jurisdiction=grid,
        current_address=f"建设街道新华社区{n}栋",
    )
    return person_create(actor=admin, data=data, allow_candidates=True)


def _temperature(day: dt.date, slot: int, seed: int) -> Decimal:
    return Decimal("36.2") + Decimal((day.toordinal() * 7 + slot * 3 + seed) % 7) / 10


def _checks(
    actor: Any,
    obs: Observation,
    until: dt.date,
    *,
    skip: Collection[tuple[dt.date, int]] = (),
    fever: tuple[dt.date, int] | None = None,
    seed: int = 0,
) -> int:
    n = 0
    day = obs.start_date
    while day <= until:
        for slot in range(1, obs.checks_per_day + 1):
            if (day, slot) in skip:
                continue
            temperature = Decimal("37.8") if (day, slot) == fever else _temperature(day, slot, seed)
            services.check_record(
                actor=actor,
                observation=obs,
                slot=slot,
                temperature_c=temperature,
                symptoms=["cough"] if (day, slot) == fever else [],
                day=day,
            )
            n += 1
        day += dt.timedelta(days=1)
    return n


def _site(admin: Any, county: Jurisdiction) -> Unit:
    site = Unit.objects.filter(
        jurisdiction=county, kind=UnitKind.ISOLATION_SITE, name=SITE_NAME
    ).first()
    if site is None:
        site = services.site_create(
            actor=admin,
            jurisdiction=county,
            name=SITE_NAME,
            category="close_contact",
            address="芦淞区建设中路",
        )
    for number, beds in [*((f"10{i}", 1) for i in range(1, 9)), ("201", 2), ("202", 2)]:
        if not Room.objects.filter(site=site, number=number).exists():
            services.room_create(actor=admin, site=site, number=number, beds=beds)
    return site


@transaction.atomic
def seed(context: dict[str, Any]) -> str:
    grid: Jurisdiction = context["grid"]
    worker: User = context["users"]["grid"]
    hospital: Unit = context["units"]["designated_hospital"]
    admin = User(username="demo-seed", is_superuser=True)
    county = Jurisdiction.objects.get(code="430203")
    site = _site(admin, county)
    rooms = list(Room.objects.filter(site=site).order_by("number"))
    created = checks = 0
    for n, (name, raw_id, category, anchor, kind, story) in enumerate(PEOPLE, start=1):
        person = _person(admin, grid, name, raw_id, n)
        if Observation.objects.filter(person=person).exists():
            continue
        obs = services.observation_start(
            actor=worker,
            person=person,
            category=category,
            anchor_date=anchor,
            kind=kind,
            note="演示数据",
            registered_on=anchor + dt.timedelta(days=1),
        )
        created += 1
        if story == "released":
            checks += _checks(worker, obs, obs.end_date, seed=n)
            services.observation_release(actor=worker, observation=obs, on=obs.end_date)
        elif story == "released_need":
            need = services.need_create(
                actor=worker, observation=obs, kind="medicine", detail="降压药（硝苯地平）一盒"
            )
            services.need_handle(actor=worker, need=need, note="社区医生上门送药")
            checks += _checks(worker, obs, obs.end_date, seed=n)
            services.observation_release(actor=worker, observation=obs, on=obs.end_date)
        elif story == "fever_transfer":
            services.room_assign(actor=worker, observation=obs, room=rooms[0])
            fever_day = obs.date_of(5)
            checks += _checks(worker, obs, fever_day, fever=(fever_day, 2), seed=n)
            services.observation_transfer(
                actor=worker,
                observation=obs,
                facility=hospital,
                transferred_at=timezone.make_aware(dt.datetime.combine(fever_day, dt.time(21, 30))),
                note="晚间体温 37.8 °C，伴咳嗽，120 转运至定点医院",
            )
        elif story == "missed_released":
            services.room_assign(actor=worker, observation=obs, room=rooms[1])
            missed = (obs.date_of(6), 2)
            checks += _checks(worker, obs, obs.end_date, skip={missed}, seed=n)
            # The periodic scan, as it ran the morning after that evening's deadline.
            services.scan_missed_checks(
                now=timezone.make_aware(dt.datetime.combine(missed[0], dt.time(13)))
                + dt.timedelta(days=1),
                days=2,
            )
            services.observation_release(actor=worker, observation=obs, on=obs.end_date)
        elif story == "active_need":
            services.need_create(
                actor=worker, observation=obs, kind="food", detail="大米一袋、蔬菜若干"
            )
            checks += _checks(worker, obs, obs.date_of(6), seed=n)
        elif story == "active_room":
            services.room_assign(actor=worker, observation=obs, room=rooms[2])
            checks += _checks(worker, obs, obs.date_of(3), seed=n)
    return (
        f"{created} observations, {checks} daily checks, site {site.name} with {len(rooms)} rooms"
    )
