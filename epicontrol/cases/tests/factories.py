"""Builders for cases with back-dated effective times (through the services)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from epicontrol.people.tests.factories import make_person


def admin_actor() -> Any:
    """A superuser-like actor (not persisted) for building fixtures."""
    from epicontrol.accounts.models import User

    return User(username="cases-fixture", is_superuser=True)


def at(day: dt.date | str, hour: int = 9, minute: int = 0) -> dt.datetime:
    """An aware local (Asia/Shanghai) datetime."""
    if isinstance(day, str):
        day = dt.date.fromisoformat(day)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def person(jurisdiction: Any, name: str = "病例甲", **kwargs: Any) -> Any:
    return make_person(actor=admin_actor(), jurisdiction=jurisdiction, name=name, **kwargs)


def case(
    where: Any,
    *,
    classification: str = "suspected",
    reported: dt.datetime | None = None,
    actor: Any = None,
    person_obj: Any = None,
    **kwargs: Any,
) -> Any:
    from epicontrol.cases.services import case_create

    return case_create(
        actor=actor or admin_actor(),
        person=person_obj or person(where),
        classification=classification,
        reported_at=reported or at("2020-02-01"),
        **kwargs,
    )


def move(case_obj: Any, action: str, when: dt.datetime, actor: Any = None, **kwargs: Any) -> Any:
    from epicontrol.cases.services import case_transition

    return case_transition(
        actor=actor or admin_actor(), case=case_obj, action=action, at=when, **kwargs
    )


def negatives(before: dt.datetime) -> list[dt.datetime]:
    """Two negative tests 24 h apart, ending an hour before ``before``."""
    last = before - dt.timedelta(hours=1)
    return [last - dt.timedelta(hours=24), last]
