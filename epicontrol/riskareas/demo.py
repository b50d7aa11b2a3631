"""Demo: Hunan's county risk levels for the second half of February 2020, and one proposal.

Levels are computed from the demo line list of the cases module (株洲, 张家界) for every day
from the national rule's first day (2020-02-17) to 2020-02-29, by both schemes; counties without
cases are low. Then 芦淞区's command proposes to raise its level, awaiting 株洲市's approval.
Idempotent: the computation changes nothing on a second run, the proposal is made once.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from .models import RiskOverride
from .selectors import risk_level_list
from .services import risk_levels_compute, risk_override_propose

FIRST_DAY = dt.date(2020, 2, 17)
LAST_DAY = dt.date(2020, 2, 29)
PROVINCE = "430000"
PROPOSAL_COUNTY = "430203"


def seed(context: dict[str, Any]) -> str:
    users = context["users"]
    day = FIRST_DAY
    changes = 0
    while day <= LAST_DAY:
        changes += risk_levels_compute(actor=None, day=day, root_code=PROVINCE).changes
        day += dt.timedelta(days=1)
    proposal = RiskOverride.objects.filter(jurisdiction__code=PROPOSAL_COUNTY).first()
    if proposal is None:
        proposal = risk_override_propose(
            actor=users["lusong"],
            county_code=PROPOSAL_COUNTY,
            level="medium_A",
            reason="辖区企业复工返岗人员集中，外防输入压力大，建议上调为中风险A类，从严管控。",
            requested_from=timezone.localdate(),
        )
    counts = risk_level_list(user=users["province"], day=dt.date(2020, 2, 23)).counts
    return (
        f"risk levels {FIRST_DAY}…{LAST_DAY} for Hunan ({changes} changes this run); "
        f"2020-02-23: {counts.high} high / {counts.medium} medium / {counts.low} low of "
        f"{counts.total}; override #{proposal.pk} ({proposal.status}) for 芦淞区"
    )
