from __future__ import annotations

from typing import Any

import pytest

from epicontrol.core.audit import audit_bulk, audit_record, diff_fields
from epicontrol.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def test_diff_reports_changed_fields_only_and_redacts_pii() -> None:
    changes = diff_fields(
        {"name": "张三", "phone_hash": "a", "occupation": "x"},
        {"name": "张四", "phone_hash": "b", "occupation": "x"},
    )
    assert changes == {"name": ["张三", "张四"], "phone_hash": ["***", "***"]}


def test_audit_record_stores_actor_target_and_jurisdiction_path(
    county_officer: Any, division: Any
) -> None:
    j = division("430203")
    entry = audit_record(actor=county_officer, action="test.done", target=j, changes={"a": [1, 2]})
    entry.refresh_from_db()
    assert entry.actor == county_officer
    assert entry.target_type == "jurisdictions.jurisdiction"
    assert entry.target_id == str(j.pk)
    assert entry.jurisdiction_path == j.path
    assert entry.changes == {"a": [1, 2]}


def test_audit_bulk_writes_one_entry_per_target(division: Any) -> None:
    targets = [division("430202"), division("430203")]
    assert audit_bulk(actor=None, action="test.bulk", targets=targets) == 2
    assert AuditEntry.objects.filter(action="test.bulk").count() == 2
