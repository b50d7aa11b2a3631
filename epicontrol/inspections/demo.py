"""Demo: the province's 14 supervision groups in Hunan's 14 cities (document 000), February 2020.

Each group inspects a township (community checklist), a market and a sanitation team of its
city; 株洲's group, led by the ``supervisor`` persona, also runs a daily unannounced plan
(每天一督查) on 新华社区 and checks the persona units of 芦淞区. Findings are moved through
the workflow to various states, overdue ones are flagged and escalated as on 2020-02-29, and
one accountability decision is recorded. Idempotent: a second run changes nothing.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from epicontrol.accounts.models import User
from epicontrol.accounts.services import membership_add, user_create
from epicontrol.jurisdictions.models import Jurisdiction, Unit
from epicontrol.jurisdictions.services import unit_create

from .choices import FindingStatus, Recurrence, TaskStatus
from .models import ChecklistTemplate, Finding, InspectionTask, SupervisionGroup
from .scoring import Rule
from .services.accountability import accountability_create
from .services.findings import finding_transition, findings_flag_overdue
from .services.groups import group_create
from .services.plans import plan_create, tasks_make_for_day
from .services.records import ResultInput, record_submit
from .targets import Target

CITIES = [
    "430100", "430200", "430300", "430400", "430500", "430600", "430700",
    "430800", "430900", "431000", "431100", "431200", "431300", "433100",
]  # fmt: skip
NUMERALS = "一二三四五六七八九十"
MARKER = "省第一督导组"
SEED = 2020
LAST_DAY = dt.date(2020, 2, 29)


def _numeral(n: int) -> str:
    return NUMERALS[n - 1] if n <= 10 else f"十{NUMERALS[n - 11]}"


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    tz = timezone.get_current_timezone()
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=tz)


def _leader(n: int, context: dict[str, Any], admin: Any) -> Any:
    if CITIES[n - 1] == "430200":
        return context["users"]["supervisor"]  # document 000: the 株洲 group
    username = f"dudao{n:02d}"
    user = User.objects.filter(username=username).first() or user_create(
        actor=admin,
        username=username,
        password=None,
        display_name=f"省第{_numeral(n)}督导组组长",
    )
    membership_add(
        actor=admin,
        user=user,
        role="supervisor",
        jurisdiction=Jurisdiction.objects.get(code="430000"),
    )
    return user


def _unit(admin: Any, county: Jurisdiction, kind: str, name: str) -> Unit:
    return Unit.objects.filter(jurisdiction=county, kind=kind, name=name).first() or unit_create(
        actor=admin, jurisdiction=county, kind=kind, name=name
    )


def _results(template: ChecklistTemplate, rng: random.Random, *, bad: float) -> list[ResultInput]:
    """Mostly compliant sheets; ``bad`` is the chance that an item shows a problem."""
    out = []
    for item in template.items.all():
        rule = Rule.parse(item.rule)
        problem = rng.random() < (bad / 4 if item.veto else bad)
        on_spot = problem and rng.random() < 0.3
        note = "现场发现问题" if problem else ""
        if rule.kind == "pass_fail":
            out.append(
                ResultInput(
                    item_code=item.code,
                    outcome="fail" if problem else "pass",
                    note=note,
                    rectified_on_spot=on_spot,
                )
            )
        elif rule.kind == "scale":
            below = rule.fail_below if rule.fail_below is not None else rule.points
            value = max(Decimal(0), below - 1) if problem else rule.points
            out.append(
                ResultInput(item_code=item.code, value=value, note=note, rectified_on_spot=on_spot)
            )
        else:
            out.append(
                ResultInput(
                    item_code=item.code,
                    occurrences=rng.randint(1, 3) if problem else 0,
                    note=note,
                    rectified_on_spot=on_spot,
                )
            )
    return out


def _inspect(
    task: InspectionTask, actor: Any, rng: random.Random, *, bad: float, hour: int = 10
) -> Any:
    when = _at(task.scheduled_on, hour, rng.randint(0, 59))
    record, _ = record_submit(
        actor=actor,
        task=task,
        client_id=uuid.UUID(int=rng.getrandbits(128), version=4),
        results=_results(task.template, rng, bad=bad),
        inspected_at=when,
        persons_present="负责人、网格员",
        now=when,
    )
    return record


def _advance(finding: Finding, *, inspector: Any, responsible: Any, rng: random.Random) -> None:
    """Move a finding to a state drawn from a realistic mix."""
    roll = rng.random()
    if roll < 0.12:
        return  # still found (not yet handed over)
    day = finding.found_on
    finding_transition(
        actor=inspector,
        finding=finding,
        action="assign",
        requirements="立即整改，按期报送整改情况",
        now=_at(day, 18),
    )
    if roll < 0.22:
        return  # handed over, not started
    finding_transition(
        actor=responsible, finding=finding, action="start", now=_at(day + dt.timedelta(days=1), 9)
    )
    if roll < 0.32:
        return  # rectifying
    late = rng.random() < 0.15
    submit_day = finding.deadline + dt.timedelta(days=1 if late else 0)
    submit_day = min(submit_day, LAST_DAY)
    finding_transition(
        actor=responsible,
        finding=finding,
        action="submit",
        note="已按要求整改到位，附整改前后对比照片",
        now=_at(submit_day, 16),
    )
    if roll < 0.42:
        return  # submitted, awaiting the re-check
    if roll < 0.48:
        finding_transition(
            actor=inspector,
            finding=finding,
            action="reopen",
            note="回头看发现仍未完全整改",
            now=_at(min(submit_day + dt.timedelta(days=1), LAST_DAY), 10),
        )
        return
    finding_transition(
        actor=inspector,
        finding=finding,
        action="verify",
        note="回头看：已整改到位，予以销号",
        now=_at(min(submit_day + dt.timedelta(days=1), LAST_DAY), 11),
    )


@transaction.atomic
def seed(context: dict[str, Any]) -> str:
    if SupervisionGroup.objects.filter(name=MARKER, command_path="430000/").exists():
        return "already seeded"
    rng = random.Random(SEED)
    admin = User(username="demo-seed", is_superuser=True)
    users = context["users"]
    province = Jurisdiction.objects.get(code="430000")
    templates = {t.code: t for t in ChecklistTemplate.objects.current()}
    groups = []
    for n, code in enumerate(CITIES, start=1):
        city = Jurisdiction.objects.get(code=code)
        groups.append(
            group_create(
                actor=users["province"],
                name=f"省第{_numeral(n)}督导组",
                command_jurisdiction=province,
                leader=_leader(n, context, admin),
                targets=[city],
                starts_on=dt.date(2020, 2, 10),
                ends_on=dt.date(2020, 3, 15),
                notes="以“四不两直”方式深入厂区、社区督导检查疫情防控工作",
            )
        )
    records = []
    for n, group in enumerate(groups, start=1):
        city = group.targets.get()
        counties = list(
            Jurisdiction.objects.filter(parent=city, is_administrative=True)
            .current()
            .order_by("code")[:2]
        )
        township = (
            Jurisdiction.objects.filter(parent=counties[0]).current().order_by("code").first()
        )
        targets = [Target(jurisdiction=township)] if township else []
        for county in counties:
            targets.append(
                Target.of_unit(_unit(admin, county, "market", f"{county.name}中心农贸市场"))
            )
            targets.append(
                Target.of_unit(_unit(admin, county, "sanitation_team", f"{county.name}环卫保洁队"))
            )
        # Spread over the second half of February; two groups inspect on the 28th.
        day = LAST_DAY - dt.timedelta(days=1 + (n % 7) * 2)
        by_type: dict[str, list[Target]] = {}
        for t in targets:
            by_type.setdefault(t.target_type, []).append(t)
        for target_type, ts in by_type.items():
            plan = plan_create(
                actor=group.leader,
                group=group,
                template=templates[target_type],
                name=f"{city.name}{templates[target_type].name}暗访",
                targets=ts,
                recurrence=Recurrence.ONCE,
                starts_on=day,
                unannounced=True,
            )
            for i, task in enumerate(plan.tasks.order_by("pk")):
                records.append(
                    _inspect(task, group.leader, rng, bad=0.12 + 0.02 * (n % 5), hour=9 + i)
                )
    zhuzhou = groups[1]
    supervisor = users["supervisor"]
    lusong_units = [Target.of_unit(u) for u in context["units"].values()]
    for i, target in enumerate(lusong_units):
        plan = plan_create(
            actor=supervisor,
            group=zhuzhou,
            template=templates[target.target_type],
            name=f"{target.name}督导检查",
            targets=[target],
            recurrence=Recurrence.ONCE,
            starts_on=dt.date(2020, 2, 14) + dt.timedelta(days=i),
            unannounced=True,
        )
        records.append(_inspect(plan.tasks.get(), supervisor, rng, bad=0.15))
    daily = plan_create(
        actor=supervisor,
        group=zhuzhou,
        template=templates["community"],
        name="新华社区每天一督查",
        targets=[Target(jurisdiction=context["community"])],
        recurrence=Recurrence.DAILY,
        starts_on=dt.date(2020, 2, 24),
        ends_on=dt.date(2020, 3, 15),
        unannounced=True,
    )
    for offset in range(6):
        tasks_make_for_day(day=dt.date(2020, 2, 24) + dt.timedelta(days=offset))
    for task in daily.tasks.filter(scheduled_on__lt=LAST_DAY).order_by("scheduled_on"):
        records.append(_inspect(task, supervisor, rng, bad=0.1, hour=15))
    # Move the findings through the workflow; the persona officers act for their own areas.
    community_path = context["community"].path
    for finding in Finding.objects.filter(status=FindingStatus.FOUND).order_by("pk"):
        responsible = (
            users["community"]
            if finding.responsible_path.startswith(community_path)
            else users["lusong"]
            if finding.responsible_path.startswith("430000/430200/430203/")
            else admin
        )
        inspector = finding.record.task.group.leader
        _advance(finding, inspector=inspector, responsible=responsible, rng=rng)
    run = findings_flag_overdue(today=LAST_DAY, now=_at(LAST_DAY, 1))
    overdue = (
        Finding.objects.filter(is_overdue=True, responsible_path__startswith=community_path)
        .order_by("pk")
        .first()
        or Finding.objects.filter(is_overdue=True).order_by("pk").first()
    )
    if overdue is not None:
        city = Jurisdiction.objects.get(code=overdue.responsible_path.split("/")[1])
        in_community = overdue.responsible_unit_id is None
        accountability_create(
            actor=overdue.group.leader,
            finding=overdue,
            subject_kind="person",
            subject_name="张某",
            subject_position="社区党支部副书记"
            if in_community
            else f"{overdue.responsible_name}负责人",
            measure="admonition_talk",
            decided_by=f"{city.name}纪委监委",
            decided_on=dt.date(2020, 2, 28),
            notes="整改不力、逾期未完成整改",
        )
    planned = InspectionTask.objects.filter(status=TaskStatus.PLANNED).count()
    return (
        f"{len(groups)} groups, {len(records)} inspections, "
        f"{Finding.objects.count()} findings ({run.flagged} overdue), "
        f"{planned} planned task(s)"
    )
