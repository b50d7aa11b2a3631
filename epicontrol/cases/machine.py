"""The case state machine: which action is legal in which state (PRODUCT §4.5).

A state is (status, classification, admitted). Every action is legal only on an open case, in
the classifications listed, and (for some) only when the case is or is not admitted. The table
is the single source for the services, the forms (which buttons to show) and the tests.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from .choices import Action, Classification, Status
from .errors import CaseInvalidTransition

C = Classification


@dataclass(frozen=True)
class Rule:
    """Where an action may start, and what it moves the case to."""

    classifications: frozenset[str]
    admitted: bool | None = None  # None: either; True: must be admitted; False: must not be
    to_status: str = Status.OPEN
    to_classification: str | None = None  # None: unchanged


OPEN_CLASSES = frozenset({C.SUSPECTED, C.CONFIRMED, C.CLINICALLY_DIAGNOSED, C.ASYMPTOMATIC})
CONFIRMED_CLASSES = frozenset({C.CONFIRMED, C.CLINICALLY_DIAGNOSED})

RULES: dict[str, Rule] = {
    Action.ADMIT: Rule(OPEN_CLASSES, admitted=False),
    Action.TRANSFER: Rule(OPEN_CLASSES, admitted=True),
    # Suspected → confirmed (NAT positive); asymptomatic → confirmed (symptoms appear);
    # clinically diagnosed → confirmed (NAT positive later).
    Action.CONFIRM: Rule(
        frozenset({C.SUSPECTED, C.ASYMPTOMATIC, C.CLINICALLY_DIAGNOSED}),
        to_classification=C.CONFIRMED,
    ),
    Action.CLINICALLY_DIAGNOSE: Rule(
        frozenset({C.SUSPECTED}), to_classification=C.CLINICALLY_DIAGNOSED
    ),
    Action.CHANGE_SEVERITY: Rule(CONFIRMED_CLASSES),
    # Discharge requires admission (a case is discharged from a facility).
    Action.DISCHARGE: Rule(CONFIRMED_CLASSES, admitted=True, to_status=Status.CURED_DISCHARGED),
    Action.RELEASE: Rule(frozenset({C.ASYMPTOMATIC}), to_status=Status.RELEASED),
    Action.DIE: Rule(CONFIRMED_CLASSES, to_status=Status.DIED),
    Action.EXCLUDE: Rule(
        frozenset({C.SUSPECTED}), to_status=Status.EXCLUDED, to_classification=C.EXCLUDED
    ),
}

# Record keeping allowed after an outcome: revisits of discharged or released cases.
REVISIT_STATUSES = frozenset({Status.CURED_DISCHARGED, Status.RELEASED})

TRANSITION_ACTIONS = tuple(RULES)

REASON_MESSAGES = {
    "unknown_action": _("Unknown action."),
    "closed": _("The case is closed; its outcome is final."),
    "classification": _("This action is not possible for the case's classification."),
    "not_admitted": _("The case is not admitted to a facility."),
    "already_admitted": _("The case is already admitted; transfer it instead."),
    "unchanged": _("The severity is already this one."),
    "not_discharged": _("Revisits are recorded after discharge or release."),
}


def refusal(action: str, *, status: str, classification: str, admitted: bool) -> str | None:
    """Why ``action`` is illegal in this state (a reason code), or None when it is legal."""
    rule = RULES.get(action)
    if rule is None:
        return "unknown_action"
    if status != Status.OPEN:
        return "closed"
    if classification not in rule.classifications:
        return "classification"
    if rule.admitted is True and not admitted:
        return "not_admitted"
    if rule.admitted is False and admitted:
        return "already_admitted"
    return None


def check(action: str, *, status: str, classification: str, admitted: bool) -> Rule:
    """The rule of a legal action. Raises CaseInvalidTransition ("case.invalid_transition")."""
    reason = refusal(action, status=status, classification=classification, admitted=admitted)
    if reason is not None:
        current = f"{status}/{classification}" + ("/admitted" if admitted else "")
        raise CaseInvalidTransition(
            current=current,
            target=action,
            action=action,
            reason=reason,
            message=str(REASON_MESSAGES.get(reason, REASON_MESSAGES["classification"])),
        )
    return RULES[action]


def allowed_actions(*, status: str, classification: str, admitted: bool) -> list[str]:
    """The actions legal in this state, in table order (drives the buttons on the page)."""
    return [
        a
        for a in RULES
        if refusal(a, status=status, classification=classification, admitted=admitted) is None
    ]
