"""Lists, counts, pages and API, scoped: a sibling county sees nothing of another's."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from epicontrol.riskareas.models import RiskOverride
from epicontrol.riskareas.selectors import current_levels, dashboard_figures, risk_level_list
from epicontrol.riskareas.services import risk_levels_compute, risk_override_propose

from .conftest import FakeStats, stats

pytestmark = pytest.mark.django_db

D = dt.date(2020, 2, 23)
LUSONG, HETANG = "430203", "430202"
API = "/api/v1/risk-levels"


@pytest.fixture
def zhuzhou_levels(fake_stats: FakeStats) -> FakeStats:
    """株洲: 芦淞 medium_A (cluster), 荷塘 medium_B (recent case), 石峰 high, the rest low."""
    fake_stats.data = {
        LUSONG: stats(12, cluster=True, last=D - dt.timedelta(days=9)),
        HETANG: stats(5, last=D - dt.timedelta(days=1)),
        "430204": stats(60, cluster=True, last=D),
        "430211": stats(2, last=D - dt.timedelta(days=20)),
    }
    risk_levels_compute(actor=None, day=D, root_code="430200", stats_provider=fake_stats)
    return fake_stats


def _login(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_counts_per_level_for_a_city(zhuzhou_levels: FakeStats, city_officer: Any) -> None:
    result = risk_level_list(user=city_officer, parent_code="430200", day=D)
    c = result.counts
    assert (c.high, c.medium, c.low, c.unassessed, c.total) == (1, 2, 6, 0, 9)
    assert result.by_level == {"medium_A": 1, "medium_B": 1, "high": 1, "low": 6}
    only_medium = risk_level_list(user=city_officer, parent_code="430200", day=D, level="medium")
    assert [i.code for i in only_medium.items] == [HETANG, LUSONG]
    assert only_medium.counts.total == 9  # counts are of the whole list
    exact = risk_level_list(user=city_officer, parent_code="430200", day=D, level="medium_A")
    assert [i.code for i in exact.items] == [LUSONG]
    national = risk_level_list(
        user=city_officer, parent_code="430200", day=D, scheme="county-2020-02"
    )
    assert national.by_level == {"medium": 2, "high": 1, "low": 6}


def test_province_counts_all_122_counties(fake_stats: FakeStats, province_officer: Any) -> None:
    fake_stats.data = {LUSONG: stats(3, last=D)}
    risk_levels_compute(actor=None, day=D, root_code="430000", stats_provider=fake_stats)
    c = risk_level_list(user=province_officer, day=D).counts
    assert (c.high, c.medium, c.low, c.total) == (0, 1, 121, 122)


def test_a_past_date_shows_the_designation_of_that_day(
    zhuzhou_levels: FakeStats, city_officer: Any
) -> None:
    later = D + dt.timedelta(days=3)
    zhuzhou_levels.data = {}
    risk_levels_compute(actor=None, day=later, root_code="430200", stats_provider=zhuzhou_levels)
    assert risk_level_list(user=city_officer, day=later).counts.low == 9
    assert risk_level_list(user=city_officer, day=D).counts.high == 1
    before = risk_level_list(user=city_officer, day=D - dt.timedelta(days=1)).counts
    assert before.unassessed == 9


def test_scoping_of_lists(
    zhuzhou_levels: FakeStats,
    county_officer: Any,
    sibling_officer: Any,
    other_city_officer: Any,
    grid_worker: Any,
) -> None:
    own = risk_level_list(user=county_officer, parent_code="430200", day=D)
    assert [i.code for i in own.items] == [LUSONG]
    assert own.counts.total == 1
    sibling = risk_level_list(user=sibling_officer, parent_code="430200", day=D)
    assert [i.code for i in sibling.items] == [HETANG]
    from epicontrol.core.errors import NotFound

    with pytest.raises(NotFound):
        risk_level_list(user=sibling_officer, parent_code=LUSONG, day=D)
    with pytest.raises(NotFound):
        risk_level_list(user=other_city_officer, parent_code="430200", day=D)
    assert risk_level_list(user=grid_worker, day=D).items == []


def test_dashboard_providers(
    zhuzhou_levels: FakeStats, city_officer: Any, sibling_officer: Any, division: Any
) -> None:
    figures = {
        f.key: f
        for f in dashboard_figures(user=city_officer, jurisdiction=division("430200"), day=D)
    }
    assert {k: f.value for k, f in figures.items()} == {
        "riskareas.high": 1,
        "riskareas.medium": 2,
        "riskareas.low": 6,
    }
    assert figures["riskareas.high"].url == "/riskareas/?parent=430200&date=2020-02-23&level=high"
    sibling = {
        f.key: f.value
        for f in dashboard_figures(user=sibling_officer, jurisdiction=division("430200"), day=D)
    }
    assert sibling == {"riskareas.high": 0, "riskareas.medium": 1, "riskareas.low": 0}
    assert dashboard_figures(user=sibling_officer, jurisdiction=division(LUSONG), day=D) == []
    no_data = dashboard_figures(
        user=city_officer, jurisdiction=division("430200"), day=D - dt.timedelta(days=5)
    )
    assert [f.value for f in no_data] == [None, None, None]
    levels = current_levels(user=city_officer, parent_code="430200", day=D)
    lusong = next(i for i in levels if i.code == LUSONG)
    assert (lusong.level, lusong.band, lusong.is_override) == ("medium_A", "medium", False)
    assert lusong.effective_from == D
    assert lusong.url == reverse("riskareas:county", args=[LUSONG])
    assert [i.code for i in current_levels(user=sibling_officer, parent_code="430200", day=D)] == [
        HETANG
    ]


def test_list_page(zhuzhou_levels: FakeStats, city_officer: Any, sibling_officer: Any) -> None:
    page = _login(city_officer).get("/riskareas/", {"date": "2020-02-23"})
    assert page.status_code == 200
    body = page.content.decode()
    assert 'class="badge high"' in body and "芦淞区" in body and "荷塘区" in body
    assert "2020-02-23" in body
    filtered = _login(city_officer).get("/riskareas/", {"date": "2020-02-23", "level": "high"})
    assert "石峰区" in filtered.content.decode() and "芦淞区" not in filtered.content.decode()
    sibling = _login(sibling_officer).get("/riskareas/", {"date": "2020-02-23"})
    assert "荷塘区" in sibling.content.decode() and "芦淞区" not in sibling.content.decode()
    assert (
        _login(sibling_officer)
        .get("/riskareas/", {"date": "2020-02-23", "parent": LUSONG})
        .status_code
        == 404
    )
    partial = _login(city_officer).get(
        "/riskareas/", {"date": "2020-02-23"}, headers={"HX-Request": "true"}
    )
    assert partial.content.decode().lstrip().startswith('<div id="results">')


def test_list_page_is_in_chinese(zhuzhou_levels: FakeStats, city_officer: Any) -> None:
    body = _login(city_officer).get("/riskareas/", {"date": "2020-02-23"}).content.decode()
    assert "高风险" in body and "中风险" in body and "低风险" in body


def test_county_page_and_sibling_404(
    zhuzhou_levels: FakeStats, county_officer: Any, sibling_officer: Any
) -> None:
    page = _login(county_officer).get(f"/riskareas/{LUSONG}/")
    assert page.status_code == 200
    assert "芦淞区" in page.content.decode()
    assert _login(sibling_officer).get(f"/riskareas/{LUSONG}/").status_code == 404
    assert _login(county_officer).get("/riskareas/430203001/").status_code == 404  # not a county
    assert _login(sibling_officer).get(f"/riskareas/{LUSONG}/override/").status_code == 404


def test_propose_and_approve_through_the_pages(
    zhuzhou_levels: FakeStats, county_officer: Any, city_officer: Any
) -> None:
    client = _login(county_officer)
    form = client.get(f"/riskareas/{LUSONG}/override/")
    assert form.status_code == 200 and 'name="reason"' in form.content.decode()
    from django.utils import timezone

    response = client.post(
        f"/riskareas/{LUSONG}/override/",
        {"level": "high", "requested_from": timezone.localdate().isoformat(), "reason": "聚集"},
    )
    override = RiskOverride.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("riskareas:override", args=[override.pk])
    # The proposer sees no approve button; the city officer does.
    assert 'value="approve"' not in client.get(response["Location"]).content.decode()
    approver = _login(city_officer)
    assert 'value="approve"' in approver.get(response["Location"]).content.decode()
    approver.post(response["Location"], {"action": "approve", "note": ""})
    override.refresh_from_db()
    assert override.status == "approved"
    listing = approver.get("/riskareas/overrides/").content.decode()
    assert f"#{override.pk}" in listing


def test_propose_page_shows_service_errors(zhuzhou_levels: FakeStats, county_officer: Any) -> None:
    client = _login(county_officer)
    from django.utils import timezone

    past = (timezone.localdate() - dt.timedelta(days=1)).isoformat()
    response = client.post(
        f"/riskareas/{LUSONG}/override/",
        {"level": "high", "requested_from": past, "reason": "聚集"},
    )
    assert response.status_code == 200
    assert not RiskOverride.objects.exists()
    assert "errorlist" in response.content.decode()


def test_override_pages_are_scoped(
    zhuzhou_levels: FakeStats, county_officer: Any, sibling_officer: Any
) -> None:
    override = risk_override_propose(
        actor=county_officer, county_code=LUSONG, level="high", reason="x"
    )
    sibling = _login(sibling_officer)
    assert sibling.get(f"/riskareas/overrides/{override.pk}/").status_code == 404
    assert (
        sibling.post(f"/riskareas/overrides/{override.pk}/", {"action": "withdraw"}).status_code
        == 404
    )
    assert f"#{override.pk}" not in sibling.get("/riskareas/overrides/").content.decode()
    override.refresh_from_db()
    assert override.status == "proposed"


def test_compute_from_the_page(city_officer: Any, county_officer: Any) -> None:
    client = _login(city_officer)
    response = client.post("/riskareas/compute/", {"date": "2020-02-20", "parent": "430200"})
    assert response.status_code == 302
    assert risk_level_list(user=city_officer, day=dt.date(2020, 2, 20)).counts.low == 9
    _login(county_officer).post("/riskareas/compute/", {"date": "2020-02-21", "parent": "430200"})
    assert risk_level_list(user=city_officer, day=dt.date(2020, 2, 21)).counts.unassessed == 0


# --- API ---------------------------------------------------------------------------------------


def test_api_list(zhuzhou_levels: FakeStats, city_officer: Any, api_client_for: Any) -> None:
    client = api_client_for(city_officer)
    body = client.get(API, {"parent": "430200", "date": "2020-02-23"}).json()
    assert body["counts"] == {"high": 1, "medium": 2, "low": 6, "unassessed": 0, "total": 9}
    assert body["count"] == 9 and body["date"] == "2020-02-23" and body["parent"] == "430200"
    lusong = next(i for i in body["items"] if i["code"] == LUSONG)
    assert lusong["level"] == "medium_A"
    assert lusong["scheme"] == "hunan-3l5c-2020-02"
    assert lusong["is_override"] is False
    assert lusong["effective_from"] == "2020-02-23"
    assert any(r["fact"] == "has_cluster_in_window" for r in lusong["reasons"])
    assert all(r["text"] for r in lusong["reasons"])
    national = client.get(
        API, {"parent": "430200", "date": "2020-02-23", "scheme": "county-2020-02"}
    ).json()
    assert next(i for i in national["items"] if i["code"] == LUSONG)["level"] == "medium"
    high = client.get(API, {"parent": "430200", "date": "2020-02-23", "level": "high"}).json()
    assert [i["code"] for i in high["items"]] == ["430204"]
    bad = client.get(API, {"level": "purple"})
    assert bad.status_code == 422 and bad.json()["code"] == "request.invalid"
    unknown = client.get(API, {"scheme": "nope"})
    assert unknown.status_code == 404 and unknown.json()["code"] == "risk_level.unknown_scheme"


def test_api_scoping(
    zhuzhou_levels: FakeStats,
    county_officer: Any,
    sibling_officer: Any,
    api_client_for: Any,
) -> None:
    sibling = api_client_for(sibling_officer)
    body = sibling.get(API, {"parent": "430200", "date": "2020-02-23"}).json()
    assert [i["code"] for i in body["items"]] == [HETANG]
    assert body["counts"]["total"] == 1
    assert sibling.get(API, {"parent": LUSONG}).status_code == 404
    assert sibling.get(f"{API}/{LUSONG}").status_code == 404
    assert sibling.get(f"{API}/{LUSONG}/history").status_code == 404
    own = api_client_for(county_officer)
    assert own.get(f"{API}/{LUSONG}", {"date": "2020-02-23"}).json()["level"] == "medium_A"


def test_api_history(zhuzhou_levels: FakeStats, county_officer: Any, api_client_for: Any) -> None:
    zhuzhou_levels.data = {}
    risk_levels_compute(
        actor=None, day=D + dt.timedelta(days=1), root_code=LUSONG, stats_provider=zhuzhou_levels
    )
    body = api_client_for(county_officer).get(f"{API}/{LUSONG}/history").json()
    assert [(c["from_level"], c["to_level"], c["source"]) for c in body["changes"]] == [
        ("medium_A", "low", "computed"),
        (None, "medium_A", "computed"),
    ]
    assert {(a["date"], a["scheme"]) for a in body["assessments"]} == {
        ("2020-02-24", "county-2020-02"),
        ("2020-02-24", "hunan-3l5c-2020-02"),
        ("2020-02-23", "county-2020-02"),
        ("2020-02-23", "hunan-3l5c-2020-02"),
    }
    assert body["county"]["level"] == "low"


def test_api_override_workflow(
    zhuzhou_levels: FakeStats,
    county_officer: Any,
    city_officer: Any,
    sibling_officer: Any,
    api_client_for: Any,
) -> None:
    proposer = api_client_for(county_officer)
    created = proposer.post(
        f"{API}/overrides",
        {"county": LUSONG, "level": "high", "reason": "聚集性疫情"},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    oid = created.json()["id"]
    assert created.json()["status"] == "proposed"
    again = proposer.post(
        f"{API}/overrides",
        {"county": LUSONG, "level": "low", "reason": "x"},
        content_type="application/json",
    )
    assert again.status_code == 409 and again.json()["code"] == "risk_override.pending_exists"
    self_approve = proposer.post(
        f"{API}/overrides/{oid}/approve", {"note": ""}, content_type="application/json"
    )
    assert self_approve.status_code == 403
    assert self_approve.json()["code"] == "risk_override.forbidden"  # a county may not decide
    sibling = api_client_for(sibling_officer)
    assert sibling.get(f"{API}/overrides/{oid}").status_code == 404
    assert sibling.get(f"{API}/overrides").json()["items"] == []
    assert (
        sibling.post(
            f"{API}/overrides/{oid}/approve", {}, content_type="application/json"
        ).status_code
        == 404
    )
    approver = api_client_for(city_officer)
    assert [
        o["id"] for o in approver.get(f"{API}/overrides", {"status": "proposed"}).json()["items"]
    ] == [oid]
    approved = approver.post(
        f"{API}/overrides/{oid}/approve", {"note": "同意"}, content_type="application/json"
    )
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    again = approver.post(
        f"{API}/overrides/{oid}/reject", {"note": "x"}, content_type="application/json"
    )
    assert again.status_code == 409 and again.json()["code"] == "risk_override.invalid_transition"
    current = approver.get(f"{API}/{LUSONG}").json()
    assert (current["level"], current["is_override"]) == ("high", True)
    lifted = approver.post(
        f"{API}/overrides/{oid}/lift", {"reason": "解除"}, content_type="application/json"
    )
    assert lifted.status_code == 200 and lifted.json()["status"] == "lifted"
    bad = proposer.post(
        f"{API}/overrides",
        {"county": LUSONG, "level": "medium", "reason": "x"},
        content_type="application/json",
    )
    assert bad.status_code == 422 and bad.json()["code"] == "risk_override.invalid_level"


def test_api_self_approval_code(
    zhuzhou_levels: FakeStats, city_officer: Any, api_client_for: Any
) -> None:
    client = api_client_for(city_officer)
    oid = client.post(
        f"{API}/overrides",
        {"county": LUSONG, "level": "high", "reason": "x"},
        content_type="application/json",
    ).json()["id"]
    response = client.post(f"{API}/overrides/{oid}/approve", {}, content_type="application/json")
    assert response.status_code == 403
    assert response.json()["code"] == "risk_override.self_approval"


def test_api_compute(city_officer: Any, county_officer: Any, api_client_for: Any) -> None:
    done = api_client_for(city_officer).post(
        f"{API}/compute", {"date": "2020-02-20"}, content_type="application/json"
    )
    assert done.status_code == 200 and done.json()["counties"] == 9
    future = api_client_for(city_officer).post(
        f"{API}/compute", {"date": "2999-01-01"}, content_type="application/json"
    )
    assert future.status_code == 422 and future.json()["code"] == "risk_level.future_date"
    own = api_client_for(county_officer).post(
        f"{API}/compute", {"date": "2020-02-20"}, content_type="application/json"
    )
    assert own.json()["counties"] == 1


def test_siblings_can_neither_compute_nor_act_on_another_county(
    zhuzhou_levels: FakeStats,
    county_officer: Any,
    sibling_officer: Any,
    api_client_for: Any,
) -> None:
    from epicontrol.riskareas.models import RiskAssessment

    before = RiskAssessment.objects.count()
    page = _login(sibling_officer).post(
        "/riskareas/compute/", {"date": "2020-02-24", "parent": LUSONG}
    )
    assert page.status_code == 302
    api = api_client_for(sibling_officer)
    response = api.post(
        f"{API}/compute", {"date": "2020-02-24", "root": LUSONG}, content_type="application/json"
    )
    assert response.status_code == 404
    assert RiskAssessment.objects.count() == before
    override = risk_override_propose(
        actor=county_officer, county_code=LUSONG, level="high", reason="x"
    )
    for action, body in (("reject", {"note": "x"}), ("withdraw", {}), ("lift", {"reason": "x"})):
        answer = api.post(
            f"{API}/overrides/{override.pk}/{action}", body, content_type="application/json"
        )
        assert answer.status_code == 404, action
    override.refresh_from_db()
    assert override.status == "proposed"
