from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from epicontrol.core.models import AuditEntry
from epicontrol.inspections.choices import FindingStatus
from epicontrol.inspections.errors import (
    AccountabilityInvalid,
    FindingDenied,
    FindingTransitionError,
    InspectionDenied,
    InvalidInput,
)
from epicontrol.inspections.models import Finding
from epicontrol.inspections.services.accountability import accountability_create
from epicontrol.inspections.services.findings import (
    MOVES,
    allowed_actions,
    finding_transition,
    findings_flag_overdue,
)
from epicontrol.inspections.tasks import flag_overdue_findings

from .factories import all_pass, fail, submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def finding(supervisor: Any, task: Any) -> Finding:
    record = submit(
        actor=supervisor,
        task=task,
        results=all_pass(task.template, **{"1.1": fail("1.1", "预案过期")}),
    )
    return Finding.objects.get(record=record)


def move(actor: Any, f: Finding, action: str, **kw: Any) -> Finding:
    return finding_transition(actor=actor, finding=f, action=action, **kw)


def test_the_whole_workflow_is_legal_and_audited(
    supervisor: Any, community_officer: Any, finding: Finding
) -> None:
    assert finding.responsible_path.endswith(f"{finding.responsible_jurisdiction.code}/")
    assert allowed_actions(finding, supervisor) == ["assign"]
    assert allowed_actions(finding, community_officer) == []
    f = move(
        supervisor,
        finding,
        "assign",
        requirements="三日内更新预案",
        deadline=timezone.localdate() + dt.timedelta(days=5),
    )
    assert (f.status, f.assigned_by) == (FindingStatus.ASSIGNED, supervisor)
    f = move(community_officer, f, "start")
    assert f.status == FindingStatus.RECTIFYING
    f = move(community_officer, f, "submit", note="已更新应急预案并组织学习")
    assert (f.status, f.submitted_on) == (FindingStatus.SUBMITTED, timezone.localdate())
    f = move(supervisor, f, "reopen", note="未组织演练")
    assert (f.status, f.reopen_count) == (FindingStatus.REOPENED, 1)
    f = move(community_officer, f, "submit", note="已组织演练")
    f = move(supervisor, f, "verify", note="回头看：已整改到位")
    assert (f.status, f.closed_on) == (FindingStatus.CLOSED, timezone.localdate())
    actions = list(f.events.values_list("action", flat=True))
    assert actions == ["found", "assign", "start", "submit", "reopen", "submit", "verify"]
    audited = set(
        AuditEntry.objects.filter(
            target_id=str(f.pk), target_type="inspections.finding"
        ).values_list("action", flat=True)
    )
    assert {f"inspections.finding_{a}" for a in MOVES} <= audited


@pytest.mark.parametrize(
    ("status", "action"),
    [
        (FindingStatus.FOUND, "start"),
        (FindingStatus.FOUND, "verify"),
        (FindingStatus.ASSIGNED, "submit"),
        (FindingStatus.RECTIFYING, "verify"),
        (FindingStatus.CLOSED, "reopen"),
        (FindingStatus.CLOSED, "assign"),
        (FindingStatus.RECTIFIED_ON_SPOT, "assign"),
        (FindingStatus.WITHDRAWN, "assign"),
        (FindingStatus.SUBMITTED, "start"),
    ],
)
def test_illegal_moves_are_refused_with_a_code(
    supervisor: Any, finding: Finding, status: str, action: str
) -> None:
    Finding.objects.filter(pk=finding.pk).update(status=status)
    with pytest.raises(FindingTransitionError) as exc:
        move(supervisor, finding, action, note="x")
    assert (exc.value.code, exc.value.status) == ("finding.invalid_transition", 409)
    assert Finding.objects.get(pk=finding.pk).status == status


def test_each_side_does_only_its_own_steps(
    supervisor: Any, community_officer: Any, sibling_officer: Any, finding: Finding
) -> None:
    with pytest.raises(FindingDenied) as exc:
        move(community_officer, finding, "assign")
    assert (exc.value.code, exc.value.status) == ("finding.permission_denied", 403)
    move(supervisor, finding, "assign")
    with pytest.raises(FindingDenied):
        move(sibling_officer, finding, "start")
    with pytest.raises(FindingDenied):  # inspectors do not rectify their own findings
        move(supervisor, finding, "start")
    finding.refresh_from_db()
    assert allowed_actions(finding, supervisor) == []


def test_submit_needs_evidence_and_reopen_a_reason(
    supervisor: Any, community_officer: Any, finding: Finding
) -> None:
    move(supervisor, finding, "assign")
    move(community_officer, finding, "start")
    with pytest.raises(InvalidInput) as exc:
        move(community_officer, finding, "submit", note="  ")
    assert exc.value.code == "finding.note_required"
    move(community_officer, finding, "submit", note="done")
    with pytest.raises(InvalidInput):
        move(supervisor, finding, "reopen")


def test_unknown_action_and_past_deadline(supervisor: Any, finding: Finding) -> None:
    with pytest.raises(InvalidInput) as exc:
        move(supervisor, finding, "delete")
    assert exc.value.code == "finding.invalid_action"
    with pytest.raises(InvalidInput) as past:
        move(supervisor, finding, "assign", deadline=dt.date(2000, 1, 1))
    assert past.value.code == "finding.invalid_deadline"


def test_assign_can_hand_over_to_another_unit_inside_the_area(
    supervisor: Any, finding: Finding, hospital: Any, hospital_staff: Any, division: Any
) -> None:
    with pytest.raises(InvalidInput):
        move(supervisor, finding, "assign", responsible_jurisdiction=division("110101"))
    f = move(supervisor, finding, "assign", responsible_unit=hospital)
    assert (f.responsible_unit, f.responsible_path) == (hospital, hospital.jurisdiction.path)
    assert Finding.objects.visible_to(hospital_staff).filter(pk=f.pk).exists()
    move(hospital_staff, f, "start")


def test_overdue_findings_are_flagged_once_and_escalate_level_by_level(
    supervisor: Any, task: Any, community: Any, township: Any
) -> None:
    with time_machine.travel(dt.datetime(2020, 2, 10, 10, 0, tzinfo=dt.UTC), tick=False):
        record = submit(
            actor=supervisor, task=task, results=all_pass(task.template, **{"1.1": fail("1.1")})
        )
    f = Finding.objects.get(record=record)
    assert f.deadline == dt.date(2020, 2, 13)  # medium: 3 days (policy)
    on_deadline = findings_flag_overdue(today=dt.date(2020, 2, 13))
    assert (on_deadline.flagged, on_deadline.escalated) == (0, 0)
    day1 = findings_flag_overdue(today=dt.date(2020, 2, 14))
    again = findings_flag_overdue(today=dt.date(2020, 2, 14))
    assert (day1.flagged, day1.escalated, again.flagged, again.escalated) == (1, 1, 0, 0)
    f.refresh_from_db()
    assert (f.is_overdue, f.escalation_level, f.escalated_to) == (True, 1, township)
    assert f.overdue_since == dt.date(2020, 2, 14)
    # Seven days later (escalation_interval_days = 7) it goes one level further up: the county.
    call_command("flag_overdue_findings", "--date", "2020-02-21")
    f.refresh_from_db()
    assert (f.escalation_level, f.escalated_to.code) == (2, "430203")
    with time_machine.travel(dt.datetime(2020, 2, 21, 10, 0, tzinfo=dt.UTC), tick=False):
        assert flag_overdue_findings.enqueue().return_value == {"flagged": 0, "escalated": 0}
    assert list(f.events.values_list("action", flat=True)) == ["found", "escalated", "escalated"]
    assert AuditEntry.objects.filter(action="inspections.finding_escalated").count() == 2


def test_submitted_and_closed_findings_are_not_overdue(
    supervisor: Any, community_officer: Any, finding: Finding
) -> None:
    move(supervisor, finding, "assign")
    move(community_officer, finding, "start")
    move(community_officer, finding, "submit", note="ok")
    run = findings_flag_overdue(today=finding.deadline + dt.timedelta(days=30))
    assert run.flagged == 0


def test_accountability_is_linked_and_audited(
    supervisor: Any, county_officer: Any, finding: Finding
) -> None:
    with pytest.raises(AccountabilityInvalid):
        accountability_create(
            actor=supervisor,
            subject_kind="person",
            subject_name="张某",
            measure="nope",
            decided_by="区纪委",
            decided_on=dt.date(2020, 2, 20),
            finding=finding,
        )
    with pytest.raises(InspectionDenied):
        accountability_create(
            actor=county_officer,
            subject_kind="person",
            subject_name="张某",
            measure="admonition_talk",
            decided_by="区纪委",
            decided_on=dt.date(2020, 2, 20),
            finding=finding,
        )
    entry = accountability_create(
        actor=supervisor,
        subject_kind="person",
        subject_name="张某",
        subject_position="社区主任",
        measure="admonition_talk",
        decided_by="芦淞区纪委监委",
        decided_on=dt.date(2020, 2, 20),
        finding=finding,
    )
    assert (entry.record_id, entry.jurisdiction_path) == (
        finding.record_id,
        finding.responsible_path,
    )
    assert AuditEntry.objects.filter(action="inspections.accountability_created").count() == 1
    with pytest.raises(AccountabilityInvalid):
        accountability_create(
            actor=supervisor,
            subject_kind="person",
            subject_name="x",
            measure="reminder_talk",
            decided_by="y",
            decided_on=dt.date(2020, 2, 20),
        )
