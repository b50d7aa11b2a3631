from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
import time_machine

from epicontrol.inspections.bulletins import bulletin
from epicontrol.inspections.models import Finding, InspectionRecord
from epicontrol.inspections.rankings import competition_rank, monthly_assessment, score_summary
from epicontrol.inspections.services.accountability import accountability_create
from epicontrol.inspections.services.findings import finding_transition, findings_flag_overdue
from epicontrol.inspections.services.records import ProblemInput, ResultInput
from epicontrol.inspections.targets import Target
from epicontrol.jurisdictions.models import Unit

from .factories import all_pass, fail, make_group, make_task, submit, template

D = Decimal


def test_competition_ranking_shares_ranks_and_skips() -> None:
    ranks = competition_rank([("a", D(90)), ("b", D(80)), ("c", D(80)), ("d", D(70)), ("e", None)])
    assert ranks == {"a": 1, "b": 2, "c": 2, "d": 4, "e": None}
    assert competition_rank([("x", 5), ("y", 5)], descending=False) == {"x": 1, "y": 1}


def at(day: dt.date) -> Any:
    return time_machine.travel(dt.datetime.combine(day, dt.time(2, 0), tzinfo=dt.UTC), tick=False)


def sanitation(
    actor: Any, group: Any, code: str, name: str, day: dt.date, missing: tuple[int, int, int, int]
) -> InspectionRecord:
    """A 环卫 inspection with ``missing`` masks, gloves, suits and disinfectant."""
    from epicontrol.jurisdictions.models import Jurisdiction

    unit, _ = Unit.objects.get_or_create(
        kind="sanitation_team", name=name, jurisdiction=Jurisdiction.objects.get(code=code)
    )
    with at(day):
        task = make_task(
            actor=actor, group=group, target=Target.of_unit(unit), code="sanitation_team", day=day
        )
        results = all_pass(
            task.template,
            **{
                str(i + 1): ResultInput(item_code=str(i + 1), occurrences=n)
                for i, n in enumerate(missing)
            },
        )
        return submit(actor=actor, task=task, results=results)


@pytest.fixture
def zhuzhou_group(province_officer: Any, supervisor: Any) -> Any:
    return make_group(actor=province_officer, leader=supervisor, targets=("430200",))


@pytest.mark.django_db
def test_monthly_assessment_sums_deductions_and_ranks_with_ties(
    supervisor: Any, zhuzhou_group: Any, city_officer: Any, sibling_officer: Any, division: Any
) -> None:
    feb = dt.date(2020, 2, 1)
    # 荷塘区: 2 + 1 missing items on two days → −6; 芦淞区: 3 missing → −6; 天元区: none → 100.
    sanitation(
        supervisor, zhuzhou_group, "430202", "荷塘环卫一队", dt.date(2020, 2, 3), (1, 1, 0, 0)
    )
    sanitation(
        supervisor, zhuzhou_group, "430202", "荷塘环卫二队", dt.date(2020, 2, 20), (0, 0, 0, 1)
    )
    sanitation(
        supervisor, zhuzhou_group, "430203", "芦淞环卫队", dt.date(2020, 2, 10), (1, 0, 1, 1)
    )
    sanitation(
        supervisor, zhuzhou_group, "430211", "天元环卫队", dt.date(2020, 2, 11), (0, 0, 0, 0)
    )
    sanitation(supervisor, zhuzhou_group, "430211", "天元环卫队", dt.date(2020, 3, 2), (5, 5, 5, 5))
    result = monthly_assessment(user=city_officer, jurisdiction=division("430200"), month=feb)
    rows = {r.code: r for r in result.rows}
    assert result.base_score == 100
    assert (rows["430202"].deductions, rows["430202"].occurrences, rows["430202"].records) == (
        D(6),
        3,
        2,
    )
    assert (rows["430202"].score, rows["430203"].score, rows["430211"].score) == (
        D(94),
        D(94),
        D(100),
    )
    assert (rows["430211"].rank, rows["430202"].rank, rows["430203"].rank) == (1, 2, 2)
    assert rows["430281"].score is None and rows["430281"].rank is None  # no inspection
    assert "jurisdiction=430202" in rows["430202"].url and "with_deductions=1" in rows["430202"].url
    # A sibling county sees only its own figures; units directly under it form their own row.
    sib = monthly_assessment(user=sibling_officer, jurisdiction=division("430200"), month=feb)
    assert [(r.code, r.records) for r in sib.rows if r.records] == [("430202", 2)]
    county = monthly_assessment(user=sibling_officer, jurisdiction=division("430202"), month=feb)
    assert [(r.code, r.records, r.score) for r in county.rows if r.records] == [("", 2, D(94))]


@pytest.mark.django_db
def test_score_summary_by_type_child_and_band(
    supervisor: Any, zhuzhou_group: Any, city_officer: Any, sibling_officer: Any, division: Any
) -> None:
    day = dt.date(2020, 2, 10)
    sanitation(supervisor, zhuzhou_group, "430202", "荷塘环卫一队", day, (1, 1, 0, 0))  # 96
    sanitation(supervisor, zhuzhou_group, "430203", "芦淞环卫队", day, (0, 0, 0, 0))  # 100
    sanitation(supervisor, zhuzhou_group, "430211", "天元环卫队", day, (5, 5, 5, 5))  # 60
    summary = score_summary(user=city_officer, jurisdiction=division("430200"), start=day, end=day)
    assert (summary.count, summary.average, summary.passed) == (3, D("85.33"), 2)
    assert [(r.key, r.count) for r in summary.by_type] == [("sanitation_team", 3)]
    ranked = [(r.key, r.rank, r.average) for r in summary.by_child if r.count]
    assert ranked == [("430203", 1, D(100)), ("430202", 2, D(96)), ("430211", 3, D(60))]
    bands = {r.label: r.count for r in summary.distribution}
    assert bands == {"<60": 0, "60–70": 1, "70–80": 0, "80–90": 0, "≥90": 2}
    mine = score_summary(user=sibling_officer, jurisdiction=division("430200"), start=day, end=day)
    assert mine.count == 1


@pytest.mark.django_db
def test_bulletin_counts_crafted_data(
    supervisor: Any,
    province_officer: Any,
    county_officer: Any,
    sibling_officer: Any,
    group: Any,
    community: Any,
    township: Any,
    division: Any,
    make_user: Any,
) -> None:
    day = dt.date(2020, 2, 14)
    community_officer = make_user("c_off", "command_officer", community.code)
    with at(day):
        t1 = make_task(
            actor=supervisor, group=group, target=Target(jurisdiction=community), day=day
        )
        r1 = submit(
            actor=supervisor,
            task=t1,
            results=all_pass(
                t1.template,
                **{
                    "1.1": fail("1.1"),
                    "1.2": fail("1.2", on_spot=True),
                    "2.1": fail("2.1"),
                    "4.5": fail("4.5"),
                },
            ),
            problems=[ProblemInput(description="宣传栏未更新", severity="low")],
        )
        t2 = make_task(actor=supervisor, group=group, target=Target(jurisdiction=township), day=day)
        submit(actor=supervisor, task=t2)
        by_code = {f.item_code: f for f in Finding.objects.filter(record=r1)}
        f11, f21 = by_code["1.1"], by_code["2.1"]
        for f in (f11, f21):
            finding_transition(actor=supervisor, finding=f, action="assign")
            finding_transition(actor=community_officer, finding=f, action="start")
        finding_transition(actor=community_officer, finding=f11, action="submit", note="ok")
        finding_transition(actor=supervisor, finding=f11, action="verify")
        accountability_create(
            actor=supervisor,
            subject_kind="person",
            subject_name="李某",
            measure="reminder_talk",
            decided_by="区纪委",
            decided_on=day,
            finding=f21,
        )
    findings_flag_overdue(today=dt.date(2020, 2, 20))  # 2.1 (3 days), 4.5 (1 day) overdue
    b = bulletin(user=province_officer, jurisdiction=division("430000"), start=day, end=day)
    fig = {k: v.value for k, v in b.figures.items()}
    assert fig == {
        "places": 2,
        "inspections": 2,
        "average": fig["average"],
        "passed": 1,
        "problems": 5,
        "on_spot": 1,
        "on_time": 1,
        "closed": 1,
        "pending": 1,
        "overdue": 2,
        "accountability": 1,
    }
    # 1.1, 1.2, 2.1 are medium items, 4.5 a veto (high), the free-text problem is low.
    assert {s: n for s, _, n, _ in b.by_severity} == {"low": 1, "medium": 3, "high": 1}
    zz = next(r for r in b.by_child if r.code == "430200")
    assert (zz.inspections, zz.problems, zz.overdue, zz.on_spot) == (2, 5, 2, 1)
    assert [f.item_code for f in b.overdue] == ["4.5", "2.1"]
    assert "found_from=2020-02-14" in b.figures["problems"].url
    # Scoped: the county sees its own (the same here), the sibling county sees nothing.
    assert (
        bulletin(user=county_officer, jurisdiction=division("430203"), start=day, end=day)
        .figures["problems"]
        .value
        == 5
    )
    sib = bulletin(user=sibling_officer, jurisdiction=division("430202"), start=day, end=day)
    assert all(v.value in (0, None) for v in sib.figures.values())
    # The next day has nothing.
    nxt = day + dt.timedelta(days=1)
    assert (
        bulletin(user=province_officer, jurisdiction=division("430000"), start=nxt, end=nxt)
        .figures["inspections"]
        .value
        == 0
    )
    assert template("community").is_current
