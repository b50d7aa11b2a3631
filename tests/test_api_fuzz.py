"""Schemathesis over the whole OpenAPI document: no input may produce a 5xx.

Every operation of every app is generated from the schema (valid and invalid payloads,
boundary values, odd strings) and sent through the WSGI app with a county officer's token.
The only check is "not a server error": 4xx with a code is the expected answer to bad input.
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from config.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _keep_test_connection() -> Any:
    """Calling the WSGI app directly fires request_started/finished, whose handler closes the
    database connection and with it the test's transaction; Django's own test client
    disconnects that handler the same way."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def auth_headers(county_officer: Any) -> dict[str, str]:
    from epicontrol.accounts.services import api_token_issue

    _, token = api_token_issue(user=county_officer)
    return {"Authorization": f"Bearer {token}"}


@schema.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
    ],
)
def test_no_input_produces_a_server_error(case: Any, auth_headers: dict[str, str]) -> None:
    case.call_and_validate(headers=auth_headers, checks=[not_a_server_error])
