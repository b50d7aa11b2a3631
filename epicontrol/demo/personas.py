"""The demo logins: one per persona, in Hunan (PRODUCT.md §2)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction

from epicontrol.accounts.models import User
from epicontrol.accounts.services import membership_add
from epicontrol.jurisdictions.models import Jurisdiction, Unit
from epicontrol.jurisdictions.services import subdivision_create, unit_create

DEMO_PASSWORD = "Demo-2020-hunan"


@dataclass(frozen=True)
class Persona:
    username: str
    display_name: str
    role: str
    where: str  # jurisdiction code, or "unit:<kind>" for unit roles
    note: str


PERSONAS = [
    Persona(
        "province", "省指挥部 王主任", "command_officer", "430000", "湖南省 provincial command"
    ),
    Persona("changsha", "长沙市指挥部 李科长", "command_officer", "430100", "长沙市 city command"),
    Persona("zhuzhou", "株洲市指挥部 周科长", "command_officer", "430200", "株洲市 city command"),
    Persona(
        "lusong", "芦淞区指挥部 赵主任", "command_officer", "430203", "株洲市 芦淞区 county command"
    ),
    Persona(
        "jianshe",
        "建设街道防控办 钱主任",
        "command_officer",
        "430203002",
        "芦淞区 建设街道 township",
    ),
    Persona(
        "community", "新华社区 孙书记", "command_officer", "community", "a community of 建设街道"
    ),
    Persona("grid", "网格员 刘芳", "grid_worker", "grid", "a grid of that community"),
    Persona(
        "furong",
        "芙蓉区指挥部 陈主任",
        "command_officer",
        "430102",
        "长沙市 芙蓉区: a sibling county in another city",
    ),
    Persona(
        "supervisor", "省督导组 吴组长", "supervisor", "430000", "provincial supervision group"
    ),
    Persona("cdc", "芦淞区疾控 郑医生", "cdc_investigator", "430203", "county CDC investigator"),
    Persona(
        "hospital",
        "株洲市中心医院 冯护士长",
        "hospital_staff",
        "unit:designated_hospital",
        "designated hospital",
    ),
    Persona(
        "enterprise",
        "株洲服饰公司 何联络员",
        "enterprise_liaison",
        "unit:enterprise",
        "enterprise liaison",
    ),
    Persona(
        "checkpoint", "芦淞卡口 蒋队长", "checkpoint_operator", "unit:checkpoint", "road checkpoint"
    ),
]


@transaction.atomic
def seed_personas() -> dict[str, Any]:
    """Create the demo area (a community, a grid, three units) and one login per persona.

    Idempotent: existing rows are reused. Returns the places for the module seeders.
    """
    admin = User(username="demo-seed", is_superuser=True)
    township = Jurisdiction.objects.get(code="430203002")  # 建设街道
    community = Jurisdiction.objects.filter(
        parent=township, name="新华社区"
    ).first() or subdivision_create(actor=admin, parent=township, name="新华社区")
    grid = Jurisdiction.objects.filter(
        parent=community, name="第一网格"
    ).first() or subdivision_create(actor=admin, parent=community, name="第一网格")
    lusong = Jurisdiction.objects.get(code="430203")
    units = {}
    for kind, name in (
        ("designated_hospital", "株洲市中心医院"),
        ("enterprise", "株洲服饰有限公司"),
        ("checkpoint", "芦淞高速出口卡口"),
    ):
        units[kind] = Unit.objects.filter(
            jurisdiction=lusong, kind=kind, name=name
        ).first() or unit_create(actor=admin, jurisdiction=lusong, kind=kind, name=name)
    places = {"community": community, "grid": grid}
    users = {}
    for p in PERSONAS:
        user = User.objects.filter(username=p.username).first()
        if user is None:
            user = User.objects.create_user(
                username=p.username, password=DEMO_PASSWORD, display_name=p.display_name
            )
        unit = None
        if p.where.startswith("unit:"):
            unit = units[p.where.split(":", 1)[1]]
            jurisdiction = unit.jurisdiction
        elif p.where in places:
            jurisdiction = places[p.where]
        else:
            jurisdiction = Jurisdiction.objects.get(code=p.where)
        membership_add(actor=admin, user=user, role=p.role, jurisdiction=jurisdiction, unit=unit)
        users[p.username] = user
    if not User.objects.filter(username="admin").exists():
        User.objects.create_superuser(username="admin", password=DEMO_PASSWORD, email="")
    return {
        "users": users,
        "community": community,
        "grid": grid,
        "township": township,
        "units": units,
    }
