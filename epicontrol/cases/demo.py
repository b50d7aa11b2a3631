"""Demo line list: the cases of a few Hunan cities, January–February 2020, that add up exactly to
the published daily series (``covid2020_hunan_daily.csv``).

For each city and day, the new confirmed, cured and dead of the series become case records:
persons registered through the people services (valid resident IDs of their county), reported
as suspected and admitted to the city's designated hospital, confirmed the same day, discharged
(first confirmed, first discharged) on the day the cumulative cured count grows. Counties are
drawn with a fixed seed, so every run gives the same line list. ``line_list_daily`` for these
cities then equals the CSV on every day (e.g. 张家界市 on 2020-02-15: 5 confirmed, 4 discharged,
cure rate 80%).
"""

from __future__ import annotations

import csv
import datetime as dt
import random
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from epicontrol.accounts.models import User
from epicontrol.core.identity import id_check_char
from epicontrol.jurisdictions.models import Jurisdiction, Unit
from epicontrol.jurisdictions.services import unit_create, unit_update
from epicontrol.people.errors import DuplicatePerson
from epicontrol.people.services import person_create, person_input

from . import services
from .choices import Action, Source
from .models import Case

CSV_NAME = "covid2020_hunan_daily.csv"
START = dt.date(2020, 1, 1)
END = dt.date(2020, 2, 29)
SEED = 20200215
# city code → (designated hospital, county of the hospital, beds). 株洲 uses the demo hospital.
CITIES = {
    "430200": (None, "430203", 200),
    "430800": ("张家界市人民医院", "430802", 80),
}
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余"
    "杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙"
    "史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂英华建国红梅海燕玉兰志强春梅晓东"


def csv_path() -> Path:
    """The reports copy of the CSV when present, else the shared data folder."""
    own = Path(settings.BASE_DIR) / "epicontrol" / "reports" / "data" / CSV_NAME
    if own.exists():
        return own
    return Path(settings.BASE_DIR).parent / "shared" / "data" / CSV_NAME


def city_series(code: str, *, path: Path | None = None) -> dict[dt.date, tuple[int, int, int]]:
    """(confirmed, cured, dead) cumulative per day START…END for a city; days before its first
    row are zeros and a missing day repeats the previous one."""
    rows: dict[dt.date, tuple[int, int, int]] = {}
    with (path or csv_path()).open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if row["cityCode"] == code:
                day = dt.date.fromisoformat(row["date"])
                rows[day] = (int(row["confirmed"]), int(row["cured"]), int(row["dead"]))
    out: dict[dt.date, tuple[int, int, int]] = {}
    last = (0, 0, 0)
    day = START
    while day <= END:
        last = rows.get(day, last)
        out[day] = last
        day += dt.timedelta(days=1)
    return out


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


@dataclass
class _Plan:
    """One city's cases as (county, confirm day, outcome day) before they are written."""

    confirm_days: list[dt.date] = field(default_factory=list)
    outcomes: dict[int, tuple[str, dt.date]] = field(default_factory=dict)


def plan_city(series: dict[dt.date, tuple[int, int, int]]) -> _Plan:
    """Turn cumulative counts into cases: the n-th new confirmed case of the series is case n;
    cures take the earliest open cases, deaths too (first confirmed, first out).

    Raises ValueError when the series decreases or cures + deaths exceed the confirmed.
    """
    plan = _Plan()
    open_cases: deque[int] = deque()
    prev = (0, 0, 0)
    for day in sorted(series):
        confirmed, cured, dead = series[day]
        if confirmed < prev[0] or cured < prev[1] or dead < prev[2]:
            raise ValueError(f"The series decreases on {day}.")
        for _ in range(confirmed - prev[0]):
            open_cases.append(len(plan.confirm_days))
            plan.confirm_days.append(day)
        for kind, n in (("die", dead - prev[2]), ("discharge", cured - prev[1])):
            for _ in range(n):
                if not open_cases:
                    raise ValueError(f"More outcomes than open cases on {day}.")
                plan.outcomes[open_cases.popleft()] = (kind, day)
        prev = (confirmed, cured, dead)
    return plan


def _facility(admin: User, city: Jurisdiction, code: str, context: dict[str, Any]) -> Unit:
    name, county_code, beds = CITIES[code]
    if name is None:
        unit: Unit = context["units"]["designated_hospital"]
    else:
        county = Jurisdiction.objects.get(code=county_code)
        found = Unit.objects.filter(jurisdiction=county, kind="designated_hospital", name=name)
        unit = found.first() or unit_create(
            actor=admin, jurisdiction=county, kind="designated_hospital", name=name
        )
    if unit.capacity is None:
        unit = unit_update(actor=admin, unit=unit, capacity=beds)
    return unit


def _person(admin: User, county: Jurisdiction, rng: random.Random, seq: int) -> Any:
    name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.randint(1, 2)))
    birth = dt.date(1940, 1, 1) + dt.timedelta(days=rng.randint(0, 70 * 365))
    for attempt in range(20):
        first17 = f"{county.code}{birth:%Y%m%d}{(seq + attempt * 37) % 1000:03d}"
        number = first17 + id_check_char(first17)
        data = person_input(
            actor=admin,
            name=name,
            id_type="resident_id",
            id_number=number,
            phone=f"1{rng.choice('3578')}{rng.randint(0, 999_999_999):09d}",
            jurisdiction=county,
            current_address=f"{county.name}",
        )
        try:
            return person_create(actor=admin, data=data, allow_candidates=True)
        except DuplicatePerson:
            continue
    raise RuntimeError("No free resident ID for the demo person.")


def _seed_city(admin: User, code: str, context: dict[str, Any]) -> tuple[str, int]:
    # One generator per city: a city seeded alone gives the same cases as in a full run.
    rng = random.Random(f"{SEED}-{code}")
    city = Jurisdiction.objects.get(code=code)
    if Case.objects.filter(source=Source.DEMO, jurisdiction__path__startswith=city.path).exists():
        return city.name, 0
    facility = _facility(admin, city, code, context)
    counties = list(
        Jurisdiction.objects.filter(path__startswith=city.path, depth=2, is_administrative=True)
        .current()
        .order_by("code")
    )
    plan = plan_city(city_series(code))
    cases: list[Case] = []
    for n, confirm_day in enumerate(plan.confirm_days):
        county = rng.choice(counties)
        person = _person(admin, county, rng, seq=500 + n)
        reported = _at(confirm_day, 8, rng.randint(0, 59))
        imported = confirm_day < dt.date(2020, 1, 31) and rng.random() < 0.7
        case = services.case_create(
            actor=admin,
            person=person,
            classification="suspected",
            reported_at=reported,
            onset_date=confirm_day - dt.timedelta(days=rng.randint(1, 6)),
            is_imported=imported,
            import_origin="湖北省武汉市" if imported else "",
            facility=facility,
            source=Source.DEMO,
        )
        severity = rng.choices(["mild", "common", "severe", "critical"], [25, 60, 12, 3])[0]
        case = services.case_transition(
            actor=admin,
            case=case,
            action=Action.CONFIRM,
            at=_at(confirm_day, 11, rng.randint(0, 59)),
            severity=severity,
        )
        cases.append(case)
    for n, (kind, day) in sorted(plan.outcomes.items()):
        case = cases[n]
        end = _at(day, 16)
        if case.severity in ("severe", "critical") and kind == "discharge":
            # Severe cases improve before discharge: back to common half-way.
            middle = plan.confirm_days[n] + (day - plan.confirm_days[n]) / 2
            if middle > plan.confirm_days[n]:
                case = services.case_transition(
                    actor=admin,
                    case=case,
                    action=Action.CHANGE_SEVERITY,
                    at=_at(middle, 9),
                    severity="common",
                )
        tests = [end - dt.timedelta(hours=50), end - dt.timedelta(hours=2)]
        services.case_transition(
            actor=admin,
            case=case,
            action=Action.DISCHARGE if kind == "discharge" else Action.DIE,
            at=end,
            negative_tests=tests if kind == "discharge" else None,
        )
    return city.name, len(cases)


@transaction.atomic
def seed(context: dict[str, Any]) -> str:
    """Create the demo line list (idempotent: a city with demo cases is left as it is)."""
    admin = User(username="demo-seed", is_superuser=True)
    done = []
    for code in CITIES:
        name, n = _seed_city(admin, code, context)
        done.append(f"{name} {n}")
    return "cases created: " + ", ".join(done) + " (Jan–Feb 2020, equal to the Hunan daily CSV)"
