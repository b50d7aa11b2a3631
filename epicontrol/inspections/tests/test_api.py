from __future__ import annotations

import io
import uuid
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from epicontrol.inspections.models import Finding, InspectionRecord
from epicontrol.inspections.scoring import Rule

from .factories import all_pass, fail, submit, template

pytestmark = pytest.mark.django_db
API = "/api/v1"


def results_payload(tpl: Any, **fails: str) -> list[dict[str, Any]]:
    out = []
    for item in tpl.items.all():
        rule = Rule.parse(item.rule)
        if item.code in fails:
            out.append({"item": item.code, "outcome": "fail", "note": fails[item.code]})
        elif rule.kind == "pass_fail":
            out.append({"item": item.code, "outcome": "pass"})
        elif rule.kind == "scale":
            out.append({"item": item.code, "value": str(rule.points)})
        else:
            out.append({"item": item.code, "occurrences": 0})
    return out


def jpeg() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (6, 6), "blue").save(buf, format="JPEG")
    return buf.getvalue()


def test_plan_inspect_hand_over_rectify_and_close_through_the_api(
    api_client_for: Any,
    supervisor: Any,
    group: Any,
    community: Any,
    community_officer: Any,
    county_officer: Any,
) -> None:
    sup, com, county = (api_client_for(u) for u in (supervisor, community_officer, county_officer))
    today = timezone.localdate().isoformat()
    plan = sup.post(
        f"{API}/inspections/plans",
        {
            "group": group.pk,
            "template": template("community").pk,
            "name": "暗访",
            "targets": [{"jurisdiction": community.code}],
            "recurrence": "once",
            "starts_on": today,
        },
        content_type="application/json",
    )
    assert plan.status_code == 201, plan.content
    tasks = sup.get(f"{API}/inspections/tasks", {"day": today}).json()
    assert tasks["count"] == 1
    task_id = tasks["items"][0]["id"]
    # 四不两直: the county and the community see no task, not even in counts, and get 404.
    for target_side in (county, com):
        assert target_side.get(f"{API}/inspections/tasks", {"day": today}).json()["count"] == 0
        detail = target_side.get(f"{API}/inspections/tasks/{task_id}")
        assert (detail.status_code, detail.json()["code"]) == (404, "not_found")
    photo = sup.post(
        f"{API}/inspections/tasks/{task_id}/photos",
        {
            "file": SimpleUploadedFile("a.jpg", jpeg(), content_type="image/jpeg"),
            "item_code": "1.1",
            "latitude": "27.83",
            "longitude": "113.13",
        },
    )
    assert photo.status_code == 201, photo.content
    assert county.get(photo.json()["url"]).status_code == 302  # pages need a session
    body = {
        "task": task_id,
        "client_id": str(uuid.uuid4()),
        "results": results_payload(template("community"), **{"1.1": "预案过期"}),
        "photo_ids": [photo.json()["id"]],
        "persons_present": "社区书记",
    }
    created = sup.post(f"{API}/inspections/records", body, content_type="application/json")
    assert created.status_code == 201, created.content
    record = created.json()
    assert (record["total_score"], record["max_score"], record["passed"]) == (
        "74.00",
        "78.00",
        True,
    )
    resent = sup.post(f"{API}/inspections/records", body, content_type="application/json")
    assert (resent.status_code, resent.json()["id"]) == (200, record["id"])
    assert InspectionRecord.objects.count() == 1
    # Submitted: now the target sees the task and the finding.
    assert county.get(f"{API}/inspections/tasks/{task_id}").status_code == 200
    finding_id = record["findings"][0]
    f = com.get(f"{API}/findings/{finding_id}").json()
    assert (f["status"], f["allowed_actions"]) == ("found", [])

    def step(client: Any, action: str, **extra: Any) -> Any:
        return client.post(
            f"{API}/findings/{finding_id}/transition",
            {"action": action, **extra},
            content_type="application/json",
        )

    wrong = step(com, "start")
    assert (wrong.status_code, wrong.json()["code"]) == (409, "finding.invalid_transition")
    denied = step(com, "assign")
    assert (denied.status_code, denied.json()["code"]) == (403, "finding.permission_denied")
    assert step(sup, "assign", requirements="三日内整改").json()["status"] == "assigned"
    assert step(com, "start").json()["status"] == "rectifying"
    evidence = com.post(
        f"{API}/findings/{finding_id}/photos",
        {"file": SimpleUploadedFile("b.jpg", jpeg(), content_type="image/jpeg")},
    )
    assert evidence.status_code == 201
    assert step(com, "submit").json()["status"] == "submitted"  # the photo is the evidence
    closed = step(sup, "verify", note="回头看：已整改")
    assert (closed.json()["status"], closed.json()["closed_on"]) == (
        "closed",
        str(timezone.localdate()),
    )
    bad = step(sup, "fly")
    assert (bad.status_code, bad.json()["code"]) == (422, "request.invalid")


def test_record_errors_have_codes(api_client_for: Any, supervisor: Any, task: Any) -> None:
    sup = api_client_for(supervisor)
    payload = {
        "task": task.pk,
        "client_id": str(uuid.uuid4()),
        "results": results_payload(task.template)[1:],
    }
    r = sup.post(f"{API}/inspections/records", payload, content_type="application/json")
    assert (r.status_code, r.json()["code"], r.json()["details"]["items"]) == (
        422,
        "record.incomplete",
        ["1.1"],
    )
    payload["results"] = results_payload(task.template)
    assert (
        sup.post(f"{API}/inspections/records", payload, content_type="application/json").status_code
        == 201
    )
    payload["client_id"] = str(uuid.uuid4())
    again = sup.post(f"{API}/inspections/records", payload, content_type="application/json")
    assert (again.status_code, again.json()["code"]) == (409, "task.already_submitted")


def test_photo_errors_have_codes(api_client_for: Any, supervisor: Any, task: Any) -> None:
    sup = api_client_for(supervisor)
    url = f"{API}/inspections/tasks/{task.pk}/photos"
    r = sup.post(url, {"file": SimpleUploadedFile("x.jpg", b"not an image")})
    assert (r.status_code, r.json()["code"]) == (415, "photo.invalid_type")
    from epicontrol.core.models import PolicyVersion

    PolicyVersion.objects.filter(domain="inspections").update(
        params={**PolicyVersion.objects.get(domain="inspections").params, "photo_max_bytes": 10}
    )
    r = sup.post(url, {"file": SimpleUploadedFile("x.jpg", jpeg())})
    assert (r.status_code, r.json()["code"]) == (413, "photo.too_large")


def test_corrections_make_versions(api_client_for: Any, supervisor: Any, task: Any) -> None:
    record = submit(actor=supervisor, task=task)
    sup = api_client_for(supervisor)
    body = {
        "client_id": str(uuid.uuid4()),
        "reason": "漏记",
        "results": results_payload(task.template, **{"2.1": "漏排查"}),
    }
    r = sup.post(
        f"{API}/inspections/records/{record.pk}/corrections", body, content_type="application/json"
    )
    assert r.status_code == 201
    assert (r.json()["version"], r.json()["supersedes"]) == (2, record.pk)
    old = sup.post(
        f"{API}/inspections/records/{record.pk}/corrections",
        body | {"client_id": str(uuid.uuid4())},
        content_type="application/json",
    )
    assert (old.status_code, old.json()["code"]) == (409, "record.not_current")


def test_groups_templates_and_reports(
    api_client_for: Any,
    province_officer: Any,
    supervisor: Any,
    task: Any,
    city_officer: Any,
) -> None:
    prov = api_client_for(province_officer)
    created = prov.post(
        f"{API}/inspections/groups",
        {
            "name": "省第三督导组",
            "command": "430000",
            "targets": ["430300"],
            "leader": supervisor.username,
            "starts_on": "2020-02-14",
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    assert created.json()["members"] == [supervisor.username]
    assert prov.get(f"{API}/inspections/groups").json()["count"] == 2
    templates = prov.get(f"{API}/inspections/templates").json()
    assert templates["count"] == 10
    detail = prov.get(f"{API}/inspections/templates/{template('sanitation_team').pk}").json()
    assert detail["base_score"] == "100.00" and detail["items"][0]["rule"]["per_occurrence"] == 2
    record = submit(
        actor=supervisor, task=task, results=all_pass(task.template, **{"1.1": fail("1.1")})
    )
    day = record.inspected_on.isoformat()
    b = prov.get(f"{API}/inspections/bulletin", {"jurisdiction": "430000", "day": day}).json()
    assert (b["figures"]["inspections"]["value"], b["figures"]["problems"]["value"]) == (1, 1)
    assert "found_from=" in b["figures"]["problems"]["url"]
    s = prov.get(f"{API}/inspections/scores", {"date_from": day, "date_to": day}).json()
    assert s["count"] == 1 and s["ranking"][0]["rank"] == 1
    assert s["ranking"][0]["key"] == "430200"
    a = (
        api_client_for(city_officer)
        .get(f"{API}/inspections/assessments/monthly", {"month": day[:7]})
        .json()
    )
    assert a["jurisdiction"] == "430200" and a["base_score"] == 100
    bad = prov.get(f"{API}/inspections/assessments/monthly", {"month": "2020-13"})
    assert bad.status_code == 422


def test_sibling_county_gets_404_and_empty_lists_everywhere(
    api_client_for: Any,
    supervisor: Any,
    sibling_officer: Any,
    task: Any,
    group: Any,
) -> None:
    record = submit(
        actor=supervisor, task=task, results=all_pass(task.template, **{"1.1": fail("1.1")})
    )
    finding = Finding.objects.get(record=record)
    from epicontrol.inspections.services.accountability import accountability_create

    acc = accountability_create(
        actor=supervisor,
        finding=finding,
        subject_kind="person",
        subject_name="王某",
        measure="reminder_talk",
        decided_by="区纪委",
        decided_on=record.inspected_on,
    )
    sib = api_client_for(sibling_officer)
    for url in (
        f"/inspections/tasks/{task.pk}",
        f"/inspections/records/{record.pk}",
        f"/findings/{finding.pk}",
        f"/inspections/groups/{group.pk}",
        "/inspections/bulletin?jurisdiction=430203",
        "/inspections/scores?jurisdiction=430200",
        "/inspections/assessments/monthly?month=2020-02&jurisdiction=430203",
    ):
        r = sib.get(API + url)
        assert (r.status_code, r.json()["code"]) == (404, "not_found"), url
    for url in (
        "/inspections/tasks",
        "/inspections/records",
        "/findings",
        "/inspections/groups",
        "/inspections/plans",
        "/inspections/accountability",
    ):
        assert sib.get(API + url).json()["count"] == 0, url
    r = sib.post(
        f"{API}/findings/{finding.pk}/transition",
        {"action": "assign"},
        content_type="application/json",
    )
    assert r.status_code == 404
    r = sib.post(
        f"{API}/inspections/accountability",
        {
            "finding": finding.pk,
            "subject_kind": "person",
            "subject_name": "x",
            "measure": "reminder_talk",
            "decided_by": "y",
            "decided_on": "2020-02-20",
        },
        content_type="application/json",
    )
    assert r.status_code == 404
    own = sib.get(f"{API}/inspections/bulletin", {"day": record.inspected_on.isoformat()}).json()
    assert own["jurisdiction"] == "430202" and own["figures"]["problems"]["value"] == 0
    assert acc.pk not in own["accountability"]
