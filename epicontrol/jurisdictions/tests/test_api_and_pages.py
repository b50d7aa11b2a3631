from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_list_children_of_a_city(api_client_for: Any, city_officer: Any) -> None:
    response = api_client_for(city_officer).get(
        "/api/v1/jurisdictions", {"parent": "430200", "level": "county"}
    )
    assert response.status_code == 200
    body = response.json()
    assert set(body) >= {"items", "count", "next"}
    codes = {i["code"] for i in body["items"]}
    assert {"430202", "430203", "430281"} <= codes
    assert body["count"] == len(codes)


def test_pagination_links_the_next_page(api_client_for: Any, province_officer: Any) -> None:
    client = api_client_for(province_officer)
    first = client.get("/api/v1/jurisdictions", {"parent": "430000", "limit": 5}).json()
    assert len(first["items"]) == 5 and first["count"] == 14
    assert first["next"] is not None
    second = client.get(first["next"]).json()
    assert {i["code"] for i in second["items"]}.isdisjoint({i["code"] for i in first["items"]})


def test_detail_and_retired_codes(api_client_for: Any, province_officer: Any) -> None:
    client = api_client_for(province_officer)
    body = client.get("/api/v1/jurisdictions/431121").json()
    assert body["replaced_by"] == "431181" and body["valid_to"]
    zone = client.get("/api/v1/jurisdictions/430371").json()
    assert zone["is_administrative"] is False


def test_sibling_county_is_invisible_in_the_api(api_client_for: Any, county_officer: Any) -> None:
    client = api_client_for(county_officer)
    assert client.get("/api/v1/jurisdictions/430202").status_code == 404
    assert client.get("/api/v1/jurisdictions/430202001").status_code == 404
    listed = client.get("/api/v1/jurisdictions", {"parent": "430200"}).json()
    assert [i["code"] for i in listed["items"]] == ["430203"]
    townships = client.get("/api/v1/jurisdictions", {"parent": "430202"}).json()
    assert townships == {"items": [], "count": 0, "count_exact": True, "next": None}


def test_invalid_level_is_a_422_with_a_code(api_client_for: Any, county_officer: Any) -> None:
    response = api_client_for(county_officer).get("/api/v1/jurisdictions", {"level": "planet"})
    assert response.status_code == 422
    assert response.json()["code"] == "request.invalid"


def test_api_requires_authentication() -> None:
    response = Client().get("/api/v1/jurisdictions")
    assert response.status_code == 401
    assert response.json()["code"] == "auth.required"


def test_bad_token_is_refused() -> None:
    response = Client(HTTP_AUTHORIZATION="Bearer nope").get("/api/v1/jurisdictions")
    assert response.status_code == 401


def test_drill_down_page_shows_children_and_breadcrumb(client: Client, county_officer: Any) -> None:
    client.force_login(county_officer)
    page = client.get("/jurisdictions/430203/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "建设街道" in html and "株洲市" in html and "湖南省" in html


def test_sibling_page_is_404(client: Client, county_officer: Any) -> None:
    client.force_login(county_officer)
    assert client.get("/jurisdictions/430202/").status_code == 404
    assert client.get("/jurisdictions/430202001/").status_code == 404


def test_city_page_above_the_county_shows_only_its_chain(
    client: Client, county_officer: Any
) -> None:
    client.force_login(county_officer)
    html = client.get("/jurisdictions/430200/").content.decode()
    assert "芦淞区" in html
    assert "荷塘区" not in html


def test_grid_worker_creates_nothing_outside_their_grid(
    client: Client, grid_worker: Any, township: Any
) -> None:
    client.force_login(grid_worker)
    response = client.post(f"/jurisdictions/{township.code}/", {"form": "sub", "name": "越权社区"})
    assert response.status_code == 403
    assert not township.children.filter(name="越权社区").exists()


def test_officer_adds_a_community_through_the_page(
    client: Client, county_officer: Any, township: Any
) -> None:
    client.force_login(county_officer)
    response = client.post(
        f"/jurisdictions/{township.code}/", {"form": "sub", "name": "页面社区", "kind": "community"}
    )
    assert response.status_code == 302
    assert township.children.filter(name="页面社区").exists()
