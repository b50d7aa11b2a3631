"""Policy rows edited in the admin are read by their app first, refused when unreadable, audited.

A page that meets a refusal it did not catch renders it (message, code, the error's own status)
instead of Django's server-error page.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from epicontrol.core.models import AuditEntry, PolicyVersion
from epicontrol.core.policy import PolicyInvalid, validate_policy_version

pytestmark = pytest.mark.django_db


def _post(client: Client, version: PolicyVersion, params: Any) -> Any:
    return client.post(
        f"/admin/core/policyversion/{version.pk}/change/",
        {
            "domain": version.domain,
            "code": version.code,
            "name": version.name,
            "effective_from": version.effective_from.isoformat(),
            "effective_to": "",
            "source": version.source,
            "params": json.dumps(params, ensure_ascii=False),
        },
    )


def test_a_national_edition_missing_a_parameter_is_refused(admin_client: Client) -> None:
    v8 = PolicyVersion.objects.get(domain="national", code="v8")
    before = dict(v8.params)
    broken = {k: v for k, v in before.items() if k != "incubation_days"}
    response = _post(admin_client, v8, broken)
    assert response.status_code == 200  # the form again, with the error
    assert "policy.invalid" in response.content.decode()
    v8.refresh_from_db()
    assert v8.params == before
    assert not AuditEntry.objects.filter(action="policy.changed").exists()


def test_a_rule_with_non_numeric_test_days_is_refused(admin_client: Client) -> None:
    v9 = PolicyVersion.objects.get(domain="national", code="v9")
    broken = {**v9.params, "close_contact": {**v9.params["close_contact"], "tests_home": ["x"]}}
    response = _post(admin_client, v9, broken)
    page = response.content.decode()
    assert "policy.invalid" in page and "tests_home must be a list of day numbers" in page
    v9.refresh_from_db()
    assert v9.params["close_contact"]["tests_home"] == [3]


def test_a_valid_edit_is_saved_and_audited(admin_client: Client) -> None:
    v9 = PolicyVersion.objects.get(domain="national", code="v9")
    edited = {**v9.params, "fever_threshold_c": 37.5}
    response = _post(admin_client, v9, edited)
    assert response.status_code == 302
    v9.refresh_from_db()
    assert v9.params["fever_threshold_c"] == 37.5
    entry = AuditEntry.objects.get(action="policy.changed", target_id=str(v9.pk))
    assert "params" in entry.changes


def test_each_app_checks_its_own_domain() -> None:
    risk = PolicyVersion.objects.filter(domain="risk_level").first()
    assert risk is not None
    validate_policy_version(risk)  # the seeded scheme is readable
    risk.params = {**risk.params, "rules": [{"level": "nonsense"}]}
    with pytest.raises(PolicyInvalid) as exc:
        validate_policy_version(risk)
    assert exc.value.code == "policy.invalid" and exc.value.details["domain"] == "risk_level"

    local = PolicyVersion.objects.get(domain="observation", code="obs2020-02")
    validate_policy_version(local)
    local.params = {**local.params, "separate_site_categories": "yes"}
    with pytest.raises(PolicyInvalid):
        validate_policy_version(local)
    local.params = {"returnee": {"home_days": 14, "start": "whenever"}}
    with pytest.raises(PolicyInvalid):
        validate_policy_version(local)

    rules = PolicyVersion.objects.filter(domain="inspections").first()
    assert rules is not None
    validate_policy_version(rules)
    rules.params = {k: v for k, v in rules.params.items() if k != "escalation_interval_days"}
    with pytest.raises(PolicyInvalid, match="escalation_interval_days"):
        validate_policy_version(rules)

    rates = PolicyVersion.objects.filter(domain="rates").first()
    assert rates is not None
    validate_policy_version(rates)
    rates.params = {"rates": [{"key": "cure_rate", "numerator": {"cured": "many"}}]}
    with pytest.raises(PolicyInvalid) as exc:
        validate_policy_version(rates)
    assert exc.value.details["cause"] == "rates.invalid_definition"

    national = PolicyVersion.objects.get(domain="national", code="v2")
    national.params = ["not", "an", "object"]
    with pytest.raises(PolicyInvalid):
        validate_policy_version(national)


def test_an_uncaught_refusal_in_a_page_is_rendered_with_its_code(
    county_officer: Any, client: Client
) -> None:
    # A risk scheme broken directly in the database (not through the admin, which refuses it).
    scheme = PolicyVersion.objects.filter(domain="risk_level").order_by("code").first()
    assert scheme is not None
    PolicyVersion.objects.filter(pk=scheme.pk).update(params={"window_days": 14})
    client.force_login(county_officer)
    url = f"/riskareas/?scheme={scheme.code}"
    response = client.get(url)
    body = response.content.decode()
    assert "risk_level.invalid_policy" in body and "<html" in body
    # A scheme broken in the database is the server's fault, and says so: 500, with the code.
    assert response.status_code == 500
    assert response["X-Epicontrol-Error"] == "risk_level.invalid_policy"
    htmx = client.get(url, headers={"HX-Request": "true"})
    assert "risk_level.invalid_policy" in htmx.content.decode()
    assert "<html" not in htmx.content.decode()
