"""Every action from every state: legal moves succeed, illegal ones raise the typed error."""

from __future__ import annotations

from typing import Any

import pytest

from epicontrol.cases.errors import CaseInvalidTransition
from epicontrol.cases.machine import allowed_actions

from .factories import at, case, move, negatives

ACTIONS = (
    "admit", "transfer", "confirm", "clinically_diagnose", "change_severity", "discharge",
    "release", "die", "exclude",
)  # fmt: skip

# Written by hand from PRODUCT §4.5 (not derived from machine.RULES, so the test can fail).
LEGAL = {
    "suspected": {"admit", "confirm", "clinically_diagnose", "exclude"},
    "suspected_admitted": {"transfer", "confirm", "clinically_diagnose", "exclude"},
    "asymptomatic": {"admit", "confirm", "release"},
    "confirmed": {"admit", "change_severity", "die"},
    "confirmed_admitted": {"transfer", "change_severity", "discharge", "die"},
    "clinical_admitted": {"transfer", "confirm", "change_severity", "discharge", "die"},
    "cured_discharged": set(),
    "died": set(),
    "excluded": set(),
    "released": set(),
}
REASON_CLOSED = {"cured_discharged", "died", "excluded", "released"}


def build(state: str, j: Any, hospital: Any) -> Any:
    t0 = at("2020-02-01", 9)
    if state == "suspected":
        return case(j, reported=t0)
    if state == "suspected_admitted":
        return case(j, reported=t0, facility=hospital)
    if state == "asymptomatic":
        return case(j, classification="asymptomatic", reported=t0)
    if state == "confirmed":
        return case(j, classification="confirmed", reported=t0)
    if state == "confirmed_admitted":
        return case(j, classification="confirmed", reported=t0, facility=hospital)
    if state == "clinical_admitted":
        return case(j, classification="clinically_diagnosed", reported=t0, facility=hospital)
    if state == "cured_discharged":
        c = case(j, classification="confirmed", reported=t0, facility=hospital)
        return move(c, "discharge", at("2020-02-05"), negative_tests=negatives(at("2020-02-05")))
    if state == "died":
        return move(case(j, classification="confirmed", reported=t0), "die", at("2020-02-05"))
    if state == "excluded":
        return move(case(j, reported=t0), "exclude", at("2020-02-05"))
    if state == "released":
        c = case(j, classification="asymptomatic", reported=t0)
        return move(c, "release", at("2020-02-05"), negative_tests=negatives(at("2020-02-05")))
    raise AssertionError(state)


def params(action: str, hospital: Any, other: Any, c: Any) -> dict[str, Any]:
    when = at("2020-02-10")
    if action == "admit":
        return {"facility": hospital}
    if action == "transfer":
        return {"facility": other if c.facility_id == hospital.pk else hospital}
    if action == "change_severity":
        return {"severity": "severe"}
    if action in ("discharge", "release"):
        return {"negative_tests": negatives(when)}
    return {}


@pytest.mark.parametrize("state", list(LEGAL))
@pytest.mark.parametrize("action", ACTIONS)
def test_every_action_from_every_state(
    state: str, action: str, lusong: Any, hospital: Any, second_hospital: Any
) -> None:
    c = build(state, lusong, hospital)
    assert (
        set(
            allowed_actions(
                status=c.status, classification=c.classification, admitted=c.is_admitted
            )
        )
        == LEGAL[state]
    )
    kwargs = params(action, hospital, second_hospital, c)
    before = c.events.count()
    if action in LEGAL[state]:
        moved = move(c, action, at("2020-02-10"), **kwargs)
        assert moved.events.count() == before + 1
        assert moved.events.order_by("-at", "-id").first().action == action
    else:
        with pytest.raises(CaseInvalidTransition) as err:
            move(c, action, at("2020-02-10"), **kwargs)
        assert err.value.code == "case.invalid_transition"
        assert err.value.status == 409
        reason = err.value.details["reason"]
        if state in REASON_CLOSED:
            assert reason == "closed"
        else:
            assert reason in {"classification", "not_admitted", "already_admitted"}
        assert c.events.count() == before


def test_discharge_without_admission_names_the_reason(lusong: Any) -> None:
    c = case(lusong, classification="confirmed", reported=at("2020-02-01"))
    with pytest.raises(CaseInvalidTransition) as err:
        move(c, "discharge", at("2020-02-05"), negative_tests=negatives(at("2020-02-05")))
    assert err.value.details["reason"] == "not_admitted"


def test_results_of_moves(lusong: Any, hospital: Any) -> None:
    c = case(lusong, reported=at("2020-02-01"))
    c = move(c, "confirm", at("2020-02-02"), severity="common")
    assert (c.classification, c.severity, c.confirmed_at) == (
        "confirmed",
        "common",
        at("2020-02-02"),
    )
    c = move(c, "admit", at("2020-02-02", 12), facility=hospital)
    assert c.admitted_at == at("2020-02-02", 12) and c.facility == hospital
    c = move(c, "die", at("2020-02-03"))
    assert (c.status, c.died_at, c.closed_at, c.outcome) == (
        "died",
        at("2020-02-03"),
        at("2020-02-03"),
        "died",
    )
    s = move(case(lusong, reported=at("2020-02-01")), "exclude", at("2020-02-02"))
    assert (s.status, s.classification, s.confirmed_at) == ("excluded", "excluded", None)
    k = move(case(lusong, reported=at("2020-02-01")), "clinically_diagnose", at("2020-02-02"))
    assert k.classification == "clinically_diagnosed" and k.confirmed_at == at("2020-02-02")
    k = move(k, "confirm", at("2020-02-03"))
    assert k.classification == "confirmed" and k.confirmed_at == at("2020-02-02")  # kept


def test_same_severity_is_refused(lusong: Any) -> None:
    c = case(lusong, classification="confirmed", severity="common", reported=at("2020-02-01"))
    with pytest.raises(CaseInvalidTransition) as err:
        move(c, "change_severity", at("2020-02-02"), severity="common")
    assert err.value.details["reason"] == "unchanged"
