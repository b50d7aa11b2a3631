"""The interface is Chinese first: an English browser still gets Chinese until the user switches."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.test import Client

pytestmark = pytest.mark.django_db


def test_an_english_browser_gets_chinese(county_officer: Any) -> None:
    client = Client(headers={"accept-language": "en-US,en;q=0.9"})
    client.force_login(county_officer)
    response = client.get("/", follow=True)
    assert response["Content-Language"] == "zh-hans"
    page = response.content.decode()
    assert '<html lang="zh-hans">' in page and "退出" in page


def test_the_switch_chooses_english_and_back(county_officer: Any) -> None:
    client = Client()
    client.force_login(county_officer)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    page = client.get("/", follow=True)
    assert page["Content-Language"] == "en"
    assert "Log out" in page.content.decode()
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    assert "退出" in client.get("/", follow=True).content.decode()


def test_an_unknown_cookie_language_falls_back_to_chinese(county_officer: Any) -> None:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    client.force_login(county_officer)
    assert client.get("/", follow=True)["Content-Language"] == "zh-hans"
