"""Fixtures of the inspection tests: a provincial group led by the supervisor, sent to 株洲,
an unannounced task on a community of 芦淞区, and the community's own officer."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from epicontrol.inspections.targets import Target

from .factories import make_group, make_task


@pytest.fixture(autouse=True)
def _media_root(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture(autouse=True)
def _immediate_tasks(settings: Any) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def group(province_officer: Any, supervisor: Any) -> Any:
    return make_group(actor=province_officer, leader=supervisor)


@pytest.fixture
def community_officer(make_user: Callable[..., Any], community: Any) -> Any:
    return make_user("community_officer", "command_officer", community.code)


@pytest.fixture
def task(supervisor: Any, group: Any, community: Any) -> Any:
    """An unannounced (四不两直) inspection of the community, today."""
    return make_task(actor=supervisor, group=group, target=Target(jurisdiction=community))
