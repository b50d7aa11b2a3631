"""The suite's shared data survives a transactional test (which flushes every table).

pytest-django runs transactional tests after the others, so the test that checks the restore
is itself transactional and follows the one that flushes.
"""

from __future__ import annotations

import pytest

from epicontrol.core.models import PolicyVersion
from epicontrol.jurisdictions.models import Jurisdiction


@pytest.mark.django_db(transaction=True)
def test_a_transactional_test_sees_the_tree() -> None:
    assert Jurisdiction.objects.filter(code="430203").exists()


@pytest.mark.django_db(transaction=True)
def test_the_next_transactional_test_still_has_divisions_and_policies() -> None:
    assert Jurisdiction.objects.filter(level="province").count() == 31
    assert PolicyVersion.objects.filter(domain="national", code="v9").exists()
