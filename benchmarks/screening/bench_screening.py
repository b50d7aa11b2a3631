"""Benchmark of the screening ledgers at province scale (PostgreSQL).

    python benchmarks/screening/bench_screening.py       # 500,000 entries, 100,000-row import
    python benchmarks/screening/bench_screening.py --scale 20000 --import-rows 5000   # smoke run

Data (fixed seed, loaded with COPY): two communities of three grids under every current Hunan
township (about 11,000 grids), a grid worker for every other grid, 500,000 ledger entries of
about 455,000 persons (one in ten persons in two categories) registered from 2020-01-20 to
2020-03-31 with realistic statuses (observation, clearing after 14 days, transfers, moves), and
the daily reports of 2020-02-14 for 85 % of the grids. Persons' Fernet ciphertexts come from a
pool of 1,000 real tokens (no benchmarked query decrypts them); hashes and masks are real.

Measured, medians (and p95) of several runs against a floor measured in the same run:

(a) import of 100,000 ledger rows from an .xlsx file (and the same rows as .csv) through
    ``screening.ledger_import.ledger_import`` — read, validate, de-duplicate persons by
    document against the registry (10 % of the rows are registered persons), idempotency and
    open-entry checks, person and entry inserts, one audit entry per person and per entry —
    inside a transaction rolled back after each run; floor = ``COPY`` of the same rows in their
    stored form (the new persons and the entries) into empty scratch tables shaped like
    ``people_person`` and ``screening_ledgerentry`` (same columns and indexes).
(b) the province roll-up for a day (``screening.rollup.rollup``: figures per city, report
    completeness, new registrations by category) and the same for a county; floor = the same
    GROUP BY statements written by hand and sent raw through the cursor.
(c) the completeness view and the dashboard figures of the province, the ledger list page
    (first 50 rows and the capped count) for a province and a county officer, each against the
    raw SQL of the same statements.
(d) the export of the whole ledger as masked CSV (streamed) against ``COPY (SELECT …) TO
    STDOUT`` of the same columns.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import os
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
from benchmarks.database import setup_django  # noqa: E402
from benchmarks.measuring import PeakRss, fmt_s, p95, timed, versions  # noqa: E402

os.environ.setdefault("DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/bench_screening")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("LOG_LEVEL", "WARNING")

SEED = 20200214
DAY = dt.date(2020, 2, 14)  # the roll-up day
FIRST = dt.date(2020, 1, 20)
SPAN = 72  # registration days: 2020-01-20 … 2020-03-31
BIRTH0 = dt.date(1930, 1, 1)
DAYS = 32_000
IMPORT_BASE = 10_000_000  # person numbers of the import's new persons
COMMUNITIES, GRIDS = 2, 3
CATEGORY_WEIGHTS = {
    "wuhan_returnee": 30,
    "hubei_returnee": 15,
    "risk_area_returnee": 5,
    "floating_population": 20,
    "fever_patient": 10,
    "close_contact": 8,
    "secondary_contact": 3,
    "inbound_traveller": 3,
    "key_occupation": 6,
}
SOURCES = ["door_to_door", "station", "big_data", "self_report", "assistance_request"]
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
)
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂华玉萍红玲燕彬斌宇浩凯鹏辉建国志"
ORIGINS = ["湖北省武汉市", "湖北省孝感市", "湖北省黄冈市", "广东省深圳市", "浙江省温州市", ""]


# --- data --------------------------------------------------------------------------------


class Generator:
    """Deterministic persons and entries: number ``i`` is the same in every run."""

    def __init__(self, grids: list[tuple[int, str, str]], categories: dict[str, int]) -> None:
        from epicontrol.core.identity import id_check_char
        from epicontrol.core.masking import mask_id_number, mask_phone
        from epicontrol.core.pii import pii_encrypt
        from epicontrol.people.identity import document_hash, phone_hash

        self.grids = grids  # (id, code, path)
        self.check_char = id_check_char
        self.document_hash, self.phone_hash = document_hash, phone_hash
        self.mask_id, self.mask_phone = mask_id_number, mask_phone
        rng = random.Random(SEED)
        self.tokens = [pii_encrypt(f"pool-{i}") for i in range(1000)]
        self.codes = list(CATEGORY_WEIGHTS)
        self.category_ids = [categories[c] for c in self.codes]
        self.category_of = rng.choices(
            range(len(self.codes)), weights=list(CATEGORY_WEIGHTS.values()), k=100_003
        )
        self.place = [rng.randrange(len(grids)) for _ in range(100_043)]
        self.day = [rng.randrange(SPAN) for _ in range(100_057)]
        self.roll = [rng.random() for _ in range(100_069)]
        self.name = [
            rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN) for _ in range(9_973)
        ]

    def person(self, i: int) -> tuple[str, str, str, tuple[int, str, str]]:
        """(name, ID number, phone, grid) of person ``i``."""
        grid = self.grids[(i * 7 + self.place[i % 100_043]) % len(self.grids)]
        birth = BIRTH0 + dt.timedelta(days=(i * 7919) % DAYS)
        first17 = f"{grid[1][:6]}{birth:%Y%m%d}{i // DAYS:03d}"
        phone = f"1{3 + i % 7}{(i * 48271) % 1_000_000_000:09d}"
        return self.name[i % 9_973], first17 + self.check_char(first17), phone, grid

    def person_stored(self, i: int, attnames: list[str], now: dt.datetime) -> list[Any]:
        name, number, phone, grid = self.person(i)
        e164 = "+86" + phone
        values = {
            "id": i + 1,
            "created_at": now,
            "updated_at": now,
            "name": name,
            "id_type": "resident_id",
            "id_number_hash": self.document_hash("resident_id", number),
            "id_number_enc": self.tokens[i % 1000],
            "id_number_masked": self.mask_id(number),
            "id_warnings": "[]",
            "birth_date": BIRTH0 + dt.timedelta(days=(i * 7919) % DAYS),
            "sex": "male" if (i // DAYS) % 2 else "female",
            "phone_hash": self.phone_hash(e164),
            "phone_enc": self.tokens[(i + 500) % 1000],
            "phone_masked": self.mask_phone(e164),
            "household_address": "",
            "current_address": "",
            "jurisdiction_id": grid[0],
            "jurisdiction_path": grid[2],
            "occupation": "",
            "work_unit": "",
            "notes": "",
            "merged_into_id": None,
            "created_by_id": None,
        }
        return [values[a] for a in attnames]

    def entry(self, n: int, person: int, second: bool) -> dict[str, Any]:
        """Entry ``n`` of person ``person`` (their second category when ``second``)."""
        _name, _number, _phone, grid = self.person(person)
        c = (self.category_of[person % 100_003] + (1 if second else 0)) % len(self.codes)
        registered = FIRST + dt.timedelta(days=self.day[n % 100_057])
        roll = self.roll[n % 100_069]
        status, started, closed = "registered", None, None
        end = registered + dt.timedelta(days=14)
        if end <= dt.date(2020, 3, 31) and roll < 0.8:
            status, started, closed = "cleared", registered, end
        elif roll < 0.85:
            status, closed = "transferred", registered + dt.timedelta(days=2)
        elif roll < 0.9:
            status, closed = "moved_away", registered + dt.timedelta(days=3)
        elif roll < 0.97:
            status, started = "under_observation", registered
        return {
            "person_id": person + 1,
            "category_id": self.category_ids[c],
            "source": SOURCES[n % len(SOURCES)],
            "origin": ORIGINS[n % len(ORIGINS)],
            "arrival_date": registered - dt.timedelta(days=n % 3) if n % 6 else None,
            "grid_id": grid[0],
            "grid_path": grid[2],
            "status": status,
            "registered_on": registered,
            "observation_started_on": started,
            "closed_on": closed,
        }


def hunan_townships() -> list[Any]:
    from epicontrol.jurisdictions.models import Jurisdiction

    return list(
        Jurisdiction.objects.filter(level="township", code__startswith="43", valid_to__isnull=True)
        .exclude(name__startswith="bench")
        .order_by("code")
    )


def ensure_grids() -> list[tuple[int, str, str]]:
    """Communities and grids under every Hunan township (created once), and grid workers."""
    from django.db import transaction

    from epicontrol.accounts.models import Membership, User
    from epicontrol.jurisdictions.models import Jurisdiction

    if not Jurisdiction.objects.filter(level="grid", name__startswith="bench").exists():
        print("creating communities, grids and grid workers …", flush=True)
        with transaction.atomic():
            communities = []
            for t in hunan_townships():
                for c in range(1, COMMUNITIES + 1):
                    code = f"{t.code}{c:03d}"
                    communities.append(
                        Jurisdiction(
                            code=code, name=f"bench社区{c}", level="community", kind="community",
                            parent=t, path=f"{t.path}{code}/", depth=t.depth + 1,
                        )
                    )  # fmt: skip
            Jurisdiction.objects.bulk_create(communities, batch_size=5000)
            grids = []
            for com in communities:
                for g in range(1, GRIDS + 1):
                    code = f"{com.code}{g:03d}"
                    grids.append(
                        Jurisdiction(
                            code=code, name=f"bench网格{g}", level="grid", kind="grid",
                            parent=com, path=f"{com.path}{code}/", depth=com.depth + 1,
                        )
                    )  # fmt: skip
            Jurisdiction.objects.bulk_create(grids, batch_size=5000)
            users = [
                User(username=f"bench_gw_{g.code}", password="!", display_name=f"网格员{i}")
                for i, g in enumerate(grids)
                if i % 2 == 0
            ]
            User.objects.bulk_create(users, batch_size=5000)
            by_name = dict(
                User.objects.filter(username__startswith="bench_gw_").values_list("username", "pk")
            )
            Membership.objects.bulk_create(
                [
                    Membership(
                        user_id=by_name[f"bench_gw_{g.code}"], role="grid_worker", jurisdiction=g
                    )
                    for i, g in enumerate(grids)
                    if i % 2 == 0
                ],
                batch_size=5000,
            )
    return list(
        Jurisdiction.objects.filter(level="grid", name__startswith="bench")
        .order_by("code")
        .values_list("pk", "code", "path")
    )


def load_ledger(gen: Generator, scale: int) -> float:
    """Truncate and load ``scale`` entries, their persons and the day's reports with COPY."""
    from django.db import connection
    from django.utils import timezone

    from epicontrol.people.models import Person
    from epicontrol.screening.models import LedgerEntry

    started = time.perf_counter()
    persons = scale * 10 // 11  # one person in ten has a second entry
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE screening_ledgerentry, screening_dailyreport, people_person, core_auditentry "
            "RESTART IDENTITY CASCADE"
        )
        indexes = []
        for table in ("people_person", "screening_ledgerentry"):
            cursor.execute(
                "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s "
                "AND indexname NOT LIKE %s",
                [table, "%pkey"],
            )
            found = cursor.fetchall()
            for name, _ in found:
                cursor.execute("SELECT conname FROM pg_constraint WHERE conname = %s", [name])
                if cursor.fetchone():
                    cursor.execute(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"')
                else:
                    cursor.execute(f'DROP INDEX "{name}"')
            indexes.extend(found)
        cursor.execute("SET session_replication_role = replica")
        p_attnames = [f.attname for f in Person._meta.concrete_fields]
        p_columns = ", ".join(f.column for f in Person._meta.concrete_fields)
        with cursor.cursor.copy(f"COPY people_person ({p_columns}) FROM STDIN") as copy:
            for i in range(persons):
                copy.write_row(gen.person_stored(i, p_attnames, now))
        print(f"  loaded {persons:,} persons", flush=True)
        e_fields = list(LedgerEntry._meta.concrete_fields)
        e_columns = ", ".join(f.column for f in e_fields)
        with cursor.cursor.copy(f"COPY screening_ledgerentry ({e_columns}) FROM STDIN") as copy:
            for n in range(scale):
                person, second = (n, False) if n < persons else (n - persons, True)
                values = gen.entry(n, person, second)
                values |= {
                    "id": n + 1,
                    "created_at": now,
                    "updated_at": now,
                    "registered_at": now,
                    "registered_by_id": None,
                    "status_changed_at": now if values["closed_on"] else None,
                    "status_reason": "",
                    "notes": "",
                }
                copy.write_row([values[f.attname] for f in e_fields])
        print(f"  loaded {scale:,} entries", flush=True)
        rng = random.Random(SEED + 1)
        confirmed = dt.datetime.combine(DAY, dt.time(20, 0), tzinfo=dt.UTC)
        with cursor.cursor.copy(
            "COPY screening_dailyreport (created_at, updated_at, grid_id, grid_path, day, is_zero, "
            "new, registered_total, under_management, under_observation, cleared_today, "
            "cleared_total, transferred_today, moved_away_today, new_by_category, note, "
            "confirmed_at, version) FROM STDIN"
        ) as copy:
            for pk, _code, path in gen.grids:
                if rng.random() < 0.85:
                    new = rng.randrange(0, 3)
                    copy.write_row(
                        [
                            now,
                            now,
                            pk,
                            path,
                            DAY,
                            new == 0,
                            new,
                            40,
                            12,
                            3,
                            1,
                            20,
                            0,
                            0,
                            "{}",
                            "",
                            confirmed,
                            1,
                        ]
                    )
        for table in ("people_person", "screening_ledgerentry"):
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT max(id) FROM {table}))"
            )
        cursor.execute("SET session_replication_role = DEFAULT")
        cursor.execute("SET maintenance_work_mem = '512MB'")
        for _name, definition in indexes:
            cursor.execute(definition)  # the partial unique constraints are unique indexes
        cursor.execute("VACUUM ANALYZE people_person")
        cursor.execute("VACUUM ANALYZE screening_ledgerentry")
        cursor.execute("VACUUM ANALYZE screening_dailyreport")
        cursor.execute("VACUUM ANALYZE jurisdictions_jurisdiction")
    return time.perf_counter() - started


# --- measuring ---------------------------------------------------------------------------


def officers() -> dict[str, Any]:
    from epicontrol.accounts.models import Membership, User
    from epicontrol.jurisdictions.models import Jurisdiction

    users = {}
    for username, code in (("bench_province", "430000"), ("bench_county", "430203")):
        user, _ = User.objects.get_or_create(username=username, defaults={"password": "!"})
        Membership.objects.get_or_create(
            user=user, role="command_officer", jurisdiction=Jurisdiction.objects.get(code=code)
        )
        users[username] = user.pk
    return users


def fresh_user(pk: int) -> Any:
    """The user as a request loads it: scope and roles are computed inside the measurement."""
    from epicontrol.accounts.models import User

    return User.objects.get(pk=pk)


def raw(sql: str, params: Any) -> list[Any]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


# (b) roll-up -----------------------------------------------------------------------------

FLOOR_ENTRIES = """
SELECT left(e.grid_path, %(cut)s) AS child,
  count(*) FILTER (WHERE e.registered_on = %(d)s),
  count(*) FILTER (WHERE e.registered_on <= %(d)s),
  count(*) FILTER (WHERE e.registered_on <= %(d)s AND (e.closed_on IS NULL OR e.closed_on > %(d)s)),
  count(*) FILTER (WHERE e.observation_started_on <= %(d)s
    AND (e.closed_on IS NULL OR e.closed_on > %(d)s)),
  count(*) FILTER (WHERE e.status = 'cleared' AND e.closed_on = %(d)s),
  count(*) FILTER (WHERE e.status = 'cleared' AND e.closed_on <= %(d)s),
  count(*) FILTER (WHERE e.status = 'transferred' AND e.closed_on = %(d)s),
  count(*) FILTER (WHERE e.status = 'moved_away' AND e.closed_on = %(d)s)
FROM screening_ledgerentry e WHERE e.grid_path LIKE %(p)s AND e.registered_on <= %(d)s
GROUP BY 1
"""
FLOOR_REPORTS = """
SELECT left(r.grid_path, %(cut)s), count(*), count(*) FILTER (WHERE r.is_zero),
  sum(r.new)
FROM screening_dailyreport r WHERE r.grid_path LIKE %(p)s AND r.day = %(d)s GROUP BY 1
"""
FLOOR_GRIDS = """
SELECT left(path, %(cut)s), count(*) FROM jurisdictions_jurisdiction
WHERE level = 'grid' AND path LIKE %(p)s AND valid_to IS NULL GROUP BY 1
"""
DASHBOARD_FIGURES = """
SELECT count(*) FILTER (WHERE e.registered_on <= %(d)s),
  count(*) FILTER (WHERE e.registered_on = %(d)s),
  count(*) FILTER (WHERE e.registered_on <= %(d)s AND (e.closed_on IS NULL OR e.closed_on > %(d)s))
FROM screening_ledgerentry e WHERE e.grid_path LIKE %(p)s AND e.registered_on <= %(d)s
"""
GRID_COUNT = """SELECT count(*) FROM jurisdictions_jurisdiction
WHERE level = 'grid' AND path LIKE %(p)s AND valid_to IS NULL"""
WORKERS = """SELECT m.jurisdiction_id, u.username FROM accounts_membership m
JOIN accounts_user u ON u.id = m.user_id
WHERE m.jurisdiction_id = ANY(%s) AND m.role = 'grid_worker' AND m.is_active AND u.is_active"""
COMMUNITY_GRIDS = """SELECT parent_id, count(*) FROM jurisdictions_jurisdiction
WHERE parent_id = ANY(%s) AND level = 'grid' AND valid_to IS NULL GROUP BY 1"""
REPORT_COUNT = """SELECT count(*) FROM screening_dailyreport r
WHERE r.grid_path LIKE %(p)s AND r.day = %(d)s"""
FLOOR_CATEGORIES = """
SELECT c.code, count(*) FROM screening_ledgerentry e
JOIN screening_personcategory c ON c.id = e.category_id
WHERE e.grid_path LIKE %(p)s AND e.registered_on = %(d)s GROUP BY 1
"""


def bench_rollup(user_pk: int, code: str, runs: int) -> dict[str, Any]:
    from epicontrol.jurisdictions.models import Jurisdiction
    from epicontrol.screening.rollup import rollup

    j = Jurisdiction.objects.get(code=code)
    results: list[Any] = []

    def platform_op() -> None:
        results.append(rollup(user=fresh_user(user_pk), jurisdiction=j, day=DAY))

    # Children's codes have one length (6 digits under a province, 9 under a county …).
    child = Jurisdiction.objects.filter(parent=j).values_list("code", flat=True).first() or ""
    params = {"cut": len(j.path) + len(child), "d": DAY, "p": j.path + "%"}

    def floor_op() -> None:
        for sql in (FLOOR_ENTRIES, FLOOR_REPORTS, FLOOR_GRIDS, FLOOR_CATEGORIES):
            raw(sql, params)

    platform_times, peak = timed(platform_op, runs, warmup=1)
    floor_times, _ = timed(floor_op, runs, warmup=1)
    # The floor's totals must agree with the platform's (both count the same entries).
    total = results[-1].total
    floor_new = sum(r[1] for r in raw(FLOOR_ENTRIES, params))
    assert floor_new == total.figures["new"], (floor_new, total.figures["new"])
    return {"platform": platform_times, "floor": floor_times, "peak": peak, "rollup": results[-1]}


# (c) completeness, dashboard, list page -------------------------------------------------


def bench_completeness(user_pk: int, code: str, runs: int) -> dict[str, Any]:
    from epicontrol.jurisdictions.models import Jurisdiction
    from epicontrol.screening.selectors import COMPLETENESS_CAP, completeness

    j = Jurisdiction.objects.get(code=code)
    out: list[Any] = []

    def platform_op() -> None:
        out.append(completeness(user=fresh_user(user_pk), jurisdiction=j, day=DAY))

    def floor_op() -> None:
        params = {"p": j.path + "%", "d": DAY, "cap": COMPLETENESS_CAP}
        missing = """FROM jurisdictions_jurisdiction g WHERE g.level = 'grid' AND g.path LIKE %(p)s
            AND g.valid_to IS NULL AND NOT EXISTS (SELECT 1 FROM screening_dailyreport r
            WHERE r.grid_id = g.id AND r.day = %(d)s)"""
        raw(
            GRID_COUNT,
            params,
        )
        raw(f"SELECT count(*) {missing}", params)
        rows = raw(
            f"SELECT g.id, g.code, g.name, g.parent_id {missing} ORDER BY g.path LIMIT %(cap)s",
            params,
        )
        ids = [r[0] for r in rows]
        parents = list({r[3] for r in rows})
        raw(
            WORKERS,
            [ids],
        )
        raw(
            COMMUNITY_GRIDS,
            [parents],
        )
        raw("SELECT id, code, name FROM jurisdictions_jurisdiction WHERE id = ANY(%s)", [parents])

    platform_times, peak = timed(platform_op, runs, warmup=1)
    floor_times, _ = timed(floor_op, runs, warmup=1)
    return {
        "platform": platform_times,
        "floor": floor_times,
        "peak": peak,
        "missing": out[-1].missing_count,
    }


def bench_dashboard(user_pk: int, code: str, runs: int) -> dict[str, Any]:
    from epicontrol.jurisdictions.models import Jurisdiction
    from epicontrol.screening.selectors import dashboard_figures

    j = Jurisdiction.objects.get(code=code)

    def platform_op() -> None:
        dashboard_figures(user=fresh_user(user_pk), jurisdiction=j, day=DAY)

    params = {"d": DAY, "p": j.path + "%"}

    def floor_op() -> None:
        raw(DASHBOARD_FIGURES, params)
        raw(GRID_COUNT, params)
        raw(REPORT_COUNT, params)

    platform_times, peak = timed(platform_op, runs, warmup=1)
    floor_times, _ = timed(floor_op, runs, warmup=1)
    return {"platform": platform_times, "floor": floor_times, "peak": peak}


def bench_list(user_pk: int, runs: int) -> dict[str, Any]:
    from django.db import connection

    from epicontrol.screening.paging import CappedPaginator
    from epicontrol.screening.selectors import entry_list

    sqls: list[tuple[str, Any]] = []
    counts: list[int] = []

    def platform_op() -> None:
        qs = entry_list(user=fresh_user(user_pk))
        page = CappedPaginator(qs, 50).get_page(1)
        rows = list(page.object_list)
        counts.append(page.paginator.count)
        assert rows

    def capture() -> None:
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            platform_op()
        for q in ctx.captured_queries:
            if "screening_ledgerentry" in q["sql"]:
                sqls.append((q["sql"], None))

    capture()

    def floor_op() -> None:
        for sql, _ in sqls:
            raw(sql, None)

    platform_times, peak = timed(platform_op, runs, warmup=1)
    floor_times, _ = timed(floor_op, runs, warmup=1)
    return {"platform": platform_times, "floor": floor_times, "peak": peak, "count": counts[-1]}


# (a) import ----------------------------------------------------------------------------------


def import_rows(gen: Generator, n: int, existing: int) -> list[list[Any]]:
    """Rows of the import file: 10 % registered persons in a new category, 90 % new persons."""
    from epicontrol.screening.models import PersonCategory

    names = dict(PersonCategory.objects.values_list("code", "name"))
    rows = []
    n_existing = n // 10
    for k in range(n):
        if k < n_existing:
            person = (k * 9973) % existing
            c = (gen.category_of[person % 100_003] + 2) % len(gen.codes)  # not one of theirs
        else:
            person = IMPORT_BASE + k
            c = gen.category_of[person % 100_003]
        name, number, phone, grid = gen.person(person)
        rows.append(
            [name, number, phone, names[gen.codes[c]], "上门排查", ORIGINS[k % 5],
             (DAY - dt.timedelta(days=k % 9)).isoformat(), grid[1], DAY.isoformat()]
        )  # fmt: skip
    return rows


HEADER = [
    "姓名",
    "证件号码",
    "手机号码",
    "人员类别",
    "来源",
    "来源地",
    "抵达日期",
    "网格编码",
    "登记日期",
]


def xlsx_bytes(rows: list[list[Any]]) -> bytes:
    import xlsxwriter

    out = io.BytesIO()
    wb = xlsxwriter.Workbook(out, {"constant_memory": True, "in_memory": True})
    ws = wb.add_worksheet("台账")
    ws.write_row(0, 0, HEADER)
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row):
            ws.write_string(r, c, value)
    wb.close()
    return out.getvalue()


def csv_bytes(rows: list[list[Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    writer.writerows(rows)
    return out.getvalue().encode()


def bench_import(
    gen: Generator, province_pk: int, n: int, existing: int, runs: int
) -> dict[str, Any]:
    from django.db import connection, transaction
    from django.utils import timezone

    from epicontrol.accounts.models import User
    from epicontrol.people.models import Person
    from epicontrol.screening.ledger_import import ledger_import
    from epicontrol.screening.models import LedgerEntry, PersonCategory

    rows = import_rows(gen, n, existing)
    files = {"xlsx": xlsx_bytes(rows), "csv": csv_bytes(rows)}
    results: dict[str, Any] = {}

    def platform_op(kind: str, data: bytes) -> float:
        actor = User.objects.get(pk=province_pk)
        t = time.perf_counter()
        with transaction.atomic():
            results[kind] = ledger_import(
                actor=actor, name=f"bench.{kind}", stream=io.BytesIO(data), today=DAY
            )
            transaction.set_rollback(True)
        return time.perf_counter() - t

    # The floor: the same rows in their stored form, COPY'd into empty tables of the same shape.
    now = timezone.now()
    p_attnames = [f.attname for f in Person._meta.concrete_fields]
    p_columns = ", ".join(f.column for f in Person._meta.concrete_fields)
    n_existing = n // 10
    new_persons = [
        gen.person_stored(IMPORT_BASE + k, p_attnames, now) for k in range(n_existing, n)
    ]
    for row in new_persons:
        row[p_attnames.index("id")] += 50_000_000  # ids of their own
    categories = dict(PersonCategory.objects.values_list("name", "pk"))
    e_fields = list(LedgerEntry._meta.concrete_fields)
    grid_ids = {code: (pk, path) for pk, code, path in gen.grids}
    entries = []
    for k, r in enumerate(rows):
        person = (k * 9973) % existing + 1 if k < n_existing else IMPORT_BASE + k + 1 + 50_000_000
        values = {
            "id": 60_000_000 + k, "created_at": now, "updated_at": now, "person_id": person,
            "category_id": categories[r[3]], "source": "door_to_door", "origin": r[5],
            "arrival_date": dt.date.fromisoformat(r[6]), "grid_id": grid_ids[r[7]][0],
            "grid_path": grid_ids[r[7]][1],
            "status": "registered", "registered_on": DAY, "registered_at": now,
            "registered_by_id": province_pk, "observation_started_on": None, "closed_on": None,
            "status_changed_at": None, "status_reason": "", "notes": "",
        }  # fmt: skip
        entries.append([values[f.attname] for f in e_fields])
    e_columns = ", ".join(f.column for f in e_fields)
    floor_times: list[float] = []

    def floor_op() -> None:
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE IF EXISTS bench_scratch_person, bench_scratch_entry")
            cursor.execute("CREATE TABLE bench_scratch_person (LIKE people_person INCLUDING ALL)")
            cursor.execute(
                "CREATE TABLE bench_scratch_entry (LIKE screening_ledgerentry INCLUDING ALL)"
            )
            t = time.perf_counter()
            with cursor.cursor.copy(f"COPY bench_scratch_person ({p_columns}) FROM STDIN") as copy:
                for row in new_persons:
                    copy.write_row(row)
            with cursor.cursor.copy(f"COPY bench_scratch_entry ({e_columns}) FROM STDIN") as copy:
                for row in entries:
                    copy.write_row(row)
            floor_times.append(time.perf_counter() - t)
            cursor.execute("DROP TABLE bench_scratch_person, bench_scratch_entry")

    # Platform and floor runs alternate, so that both see the same load on a shared machine.
    times: dict[str, list[float]] = {kind: [] for kind in files}
    with PeakRss() as rss:
        for _ in range(runs):
            for kind, data in files.items():
                times[kind].append(platform_op(kind, data))
                last = results[kind]
                assert last.applied and last.created == n, (last.created, last.errors[:3])
            floor_op()
    out: dict[str, Any] = {
        kind: {
            "platform": times[kind],
            "peak": rss.peak,
            "bytes": len(data),
            "result": results[kind],
        }
        for kind, data in files.items()
    }
    out["floor"] = floor_times
    return out


# (d) export ------------------------------------------------------------------------------


def bench_export(user_pk: int, runs: int) -> dict[str, Any]:
    from django.db import connection

    from epicontrol.screening.ledger_export import csv_stream
    from epicontrol.screening.selectors import entry_list

    sizes: list[int] = []

    def platform_op() -> None:
        size = 0
        for chunk in csv_stream(entry_list(user=fresh_user(user_pk)), full=False):
            size += len(chunk)
        sizes.append(size)

    def floor_op() -> None:
        sql = """COPY (SELECT p.name, p.id_type, p.id_number_masked, p.phone_masked, c.name,
            e.source, e.origin, e.arrival_date, g.code, e.registered_on, p.current_address,
            e.notes, g.name, m.name, e.status, u.display_name, e.id
            FROM screening_ledgerentry e JOIN people_person p ON p.id = e.person_id
            JOIN screening_personcategory c ON c.id = e.category_id
            JOIN jurisdictions_jurisdiction g ON g.id = e.grid_id
            LEFT JOIN jurisdictions_jurisdiction m ON m.id = g.parent_id
            LEFT JOIN accounts_user u ON u.id = e.registered_by_id
            WHERE e.grid_path LIKE '430000/%%' ORDER BY e.registered_on DESC, e.id DESC)
            TO STDOUT WITH (FORMAT csv)"""
        size = 0
        with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
            for block in copy:
                size += len(block)

    platform_times, peak = timed(platform_op, runs, warmup=0)
    floor_times, _ = timed(floor_op, runs, warmup=0)
    return {"platform": platform_times, "floor": floor_times, "peak": peak, "bytes": sizes[-1]}


# --- report ------------------------------------------------------------------------------


def write_results(lines: list[str]) -> None:
    from benchmarks.results_file import write_section

    write_section("## screening\n\n" + "\n".join(lines))


def row(label: str, r: dict[str, Any], scale: str, floor_key: str = "floor") -> tuple[str, ...]:
    pm, fm = statistics.median(r["platform"]), statistics.median(r[floor_key])
    return (
        label,
        fmt_s(pm),
        fmt_s(p95(r["platform"])),
        fmt_s(fm),
        f"{pm / fm:.2f}×",
        f"{r['peak'] / 2**20:.0f} MiB",
        scale,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--scale", type=int, default=500_000, help="ledger entries")
    parser.add_argument("--import-rows", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=15, help="runs per query measurement")
    parser.add_argument("--import-runs", type=int, default=3)
    parser.add_argument("--export-runs", type=int, default=3)
    parser.add_argument("--reload", action="store_true", help="reload even if the scale matches")
    parser.add_argument("--no-write", action="store_true", help="do not update RESULTS.md")
    parser.add_argument("--only", choices=("queries", "import", "export"), help="one part only")
    args = parser.parse_args(argv)

    setup_django()
    load_before = os.getloadavg()
    from django.core.management import call_command

    from epicontrol.jurisdictions.models import Jurisdiction
    from epicontrol.screening.models import LedgerEntry, PersonCategory

    call_command("migrate", verbosity=0)
    if not Jurisdiction.objects.filter(code="430203").exists():
        call_command("load_divisions")
    grids = ensure_grids()
    gen = Generator(grids, dict(PersonCategory.objects.values_list("code", "pk")))
    load_seconds = None
    if LedgerEntry.objects.count() != args.scale or args.reload:
        print(f"loading {args.scale:,} entries over {len(grids):,} grids …", flush=True)
        load_seconds = load_ledger(gen, args.scale)
    users = officers()
    scale = f"{args.scale:,} entries, {len(grids):,} grids"
    table: list[tuple[str, ...]] = []

    def add(r: tuple[str, ...]) -> None:
        table.append(r)
        print(" | ".join(r), flush=True)

    if args.only in (None, "queries"):
        r = bench_rollup(users["bench_province"], "430000", args.runs)
        add(
            row(f"roll-up: province 湖南省 on {DAY} ({len(r['rollup'].children)} cities)", r, scale)
        )
        r = bench_rollup(users["bench_county"], "430203", args.runs)
        add(row("roll-up: county 芦淞区 (its townships)", r, scale))
        r = bench_completeness(users["bench_province"], "430000", args.runs)
        add(
            row(
                f"completeness: province ({r['missing']:,} grids missing, first 500 listed)",
                r,
                scale,
            )
        )
        r = bench_completeness(users["bench_county"], "430203", args.runs)
        add(row(f"completeness: county ({r['missing']:,} grids missing)", r, scale))
        r = bench_dashboard(users["bench_province"], "430000", args.runs)
        add(row("dashboard figures: province", r, scale))
        for label, key in (("province", "bench_province"), ("county", "bench_county")):
            r = bench_list(users[key], args.runs)
            add(
                row(
                    f"ledger list page: {label} officer (50 rows + capped count {r['count']:,})",
                    r,
                    scale,
                )
            )
    if args.only in (None, "import"):
        existing = args.scale * 10 // 11
        imp = bench_import(
            gen, users["bench_province"], args.import_rows, existing, args.import_runs
        )
        for kind in ("xlsx", "csv"):
            r = imp[kind] | {"floor": imp["floor"]}
            res = r["result"]
            add(
                row(
                    f"import {args.import_rows:,} rows from .{kind} ({r['bytes'] / 2**20:.1f} MiB; "
                    f"{res.persons_created:,} new persons, {res.persons_reused:,} reused; "
                    f"entries, persons and audit rows)",
                    r,
                    scale,
                )
            )
    if args.only in (None, "export"):
        r = bench_export(users["bench_province"], args.export_runs)
        add(row(f"export: whole ledger as masked CSV ({r['bytes'] / 2**20:.0f} MiB)", r, scale))

    header = (
        "operation",
        "platform median",
        "platform p95",
        "floor median",
        "ratio",
        "peak RSS",
        "scale",
    )
    load_after = os.getloadavg()
    lines = [
        f"Run {dt.datetime.now():%Y-%m-%d %H:%M} on {versions()}; load average "
        f"{load_before[0]:.1f} at the start and {load_after[0]:.1f} at the end (the machine is "
        "shared: absolute times are inflated accordingly, the ratios are measured in the same "
        "run).",
        "Command: `python benchmarks/screening/bench_screening.py` "
        f"(--scale {args.scale} --import-rows {args.import_rows} --runs {args.runs}).",
        "Floors: the same GROUP BY / SELECT statements sent raw through the cursor; for the "
        "import, COPY of the same rows in stored form into empty tables of the same shape; for "
        "the export, COPY (SELECT …) TO STDOUT of the same columns.",
        "",
        "| " + " | ".join(header) + " |",
        "|" + "---|" * len(header),
        *("| " + " | ".join(r) + " |" for r in table),
    ]
    if load_seconds is not None:
        lines.append("")
        lines.append(f"Data load (COPY, index rebuild, VACUUM ANALYZE): {load_seconds:.0f} s.")
    print("\n".join(lines))
    if not args.no_write and args.only is None:
        write_results(lines)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
