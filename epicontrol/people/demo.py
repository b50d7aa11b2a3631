"""Demo registry entries in the demo community: a few residents registered by the grid worker,
one pair of possible duplicates to merge (same name and phone, two documents), and one ID
number whose address code is in no division table (the warning on the person's page).

Idempotent: a document already registered is skipped.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from epicontrol.core.identity import id_check_char

from .errors import DuplicatePerson
from .services import person_create, person_input

# (name, address code, birth date, sequence, phone, occupation)
RESIDENTS = [
    ("刘建国", "430203", dt.date(1962, 3, 14), 11, "13907330011", "退休职工"),
    ("陈秀英", "430203", dt.date(1958, 11, 2), 22, "13907330022", "退休教师"),
    ("周晓东", "430203", dt.date(1988, 7, 19), 31, "13907330031", "服装店店主"),
    ("黄丽", "430202", dt.date(1993, 1, 30), 42, "13907330042", "护士"),
    ("吴志强", "430211", dt.date(1979, 5, 6), 51, "13907330051", "货车司机"),
    ("孙娜", "430102", dt.date(1996, 9, 12), 62, "13907330062", "大学生"),
    ("赵海燕", "420106", dt.date(1984, 2, 25), 72, "13907330072", "从武汉返乡"),
    ("马勇", "430203", dt.date(1970, 12, 8), 81, "13907330081", "个体户"),
    # The same person registered twice by two workers, with two documents: a merge candidate.
    ("郭春梅", "430203", dt.date(1975, 4, 3), 92, "13907330092", "超市收银员"),
    ("郭春梅", "430224", dt.date(1975, 4, 3), 94, "13907330092", ""),
    # Address code 439999 exists in no table: accepted, with a warning.
    ("钱文博", "439999", dt.date(2001, 6, 1), 13, "13907330013", "快递员"),
]


def resident_number(address: str, birth: dt.date, seq: int) -> str:
    first17 = f"{address}{birth:%Y%m%d}{seq:03d}"
    return first17 + id_check_char(first17)


def seed(context: dict[str, Any]) -> str:
    actor = context["users"]["grid"]
    where = context["grid"]
    created = 0
    for name, address, birth, seq, phone, occupation in RESIDENTS:
        data = person_input(
            actor=actor,
            name=name,
            id_type="resident_id",
            id_number=resident_number(address, birth, seq),
            phone=phone,
            jurisdiction=where,
            current_address=f"{where.name}{seq}号",
            occupation=occupation,
        )
        try:
            person_create(actor=actor, data=data, allow_candidates=True)
        except DuplicatePerson:
            continue
        created += 1
    return f"people: {created} persons registered ({len(RESIDENTS) - created} already there)"
