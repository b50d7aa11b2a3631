"""Benchmark of the people registry at province scale (PostgreSQL).

    python benchmarks/people/bench_people.py                 # 5,000,000 persons, 100,000-row import
    python benchmarks/people/bench_people.py --scale 50000 --import-rows 10000   # smoke run

Data: persons generated with a fixed seed, spread uniformly over Hunan's townships (the
division tree of the platform), with real GB 11643 ID numbers (unique by construction), real
keyed hashes and masks; the Fernet ciphertexts are drawn from a pool of 1,000 real tokens
(encrypting 10 M values would take ~3 minutes and no benchmarked query decrypts). Loaded with
COPY, indexes dropped during the load and rebuilt after.

Measured, medians and p95 of several runs against a floor measured in the same run:

(a) the list page as the platform runs it: the user and their scope, ``people.selectors
    .person_list`` and ``people.paging.CappedPage`` (first 50 rows with their jurisdiction,
    capped count), for a county and a province officer, with and without a name filter;
    floor = the same two SQL statements (page and capped count) sent raw through the cursor.
(b) the import of 100,000 new persons from an .xlsx file through ``read_table`` and
    ``people.imports.person_import`` (validation, within-file and registry de-duplication,
    candidate checks, encryption, insert, one audit entry per person), inside a transaction
    rolled back after each run; floor = ``COPY`` of the same rows (stored form) into an empty
    scratch table shaped like ``people_person`` (same columns and indexes), and, as a second
    reference, ``COPY`` of the same rows into ``people_person`` itself (rolled back), which pays
    for the inserts into indexes of 5 M rows as the import does.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
from benchmarks.database import setup_django  # noqa: E402
from benchmarks.measuring import PeakRss, fmt_s, p95, timed, versions  # noqa: E402

os.environ.setdefault("DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/bench_people")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("LOG_LEVEL", "WARNING")

SEED = 20200123
DAYS = 32_000  # birth dates 1930-01-01 + [0, 32000) days, i.e. up to 2017-08
BIRTH0 = dt.date(1930, 1, 1)
CREATED0 = dt.datetime(2020, 1, 20, tzinfo=dt.UTC)
CREATED_SPAN = 345 * 86400
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟"
    "谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN = (
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉萍红娥玲芬芳燕彬斌宇浩凯鹏辉建国建华志强志明"
    "海波海燕小红小明晓东晓燕俊杰文博子涵梓涵欣怡雨桐诗涵浩然宇轩一诺思远嘉怡佳怡晨曦天佑宏伟春梅冬梅秋菊"
)


# --- data --------------------------------------------------------------------------------


def surname_weights() -> list[float]:
    # Roughly Zipf: 王 7 %, 李 7 %, 张 6.7 % … down to ~0.2 % for the hundredth surname.
    return [7.0 / (1 + i) ** 0.85 for i in range(len(SURNAMES))]


def given_pool() -> list[str]:
    chars = list(GIVEN)
    pairs = [GIVEN[i : i + 2] for i in range(0, len(GIVEN) - 1, 2)]
    return chars + pairs


class Generator:
    """Deterministic persons: person ``i`` is the same in every run at every scale."""

    def __init__(self, townships: list[tuple[int, str, str, str, str]]) -> None:
        from epicontrol.core.identity import id_check_char
        from epicontrol.core.masking import mask_id_number, mask_phone
        from epicontrol.core.pii import pii_encrypt
        from epicontrol.people.identity import document_hash, phone_hash

        self.id_check_char = id_check_char

        self.townships = townships  # (id, code, county code, name, path)
        self.document_hash, self.phone_hash = document_hash, phone_hash
        self.mask_id, self.mask_phone = mask_id_number, mask_phone
        rng = random.Random(SEED)
        self.tokens = [pii_encrypt(f"pool-{i}") for i in range(1000)]
        self.surnames = rng.choices(SURNAMES, weights=surname_weights(), k=100_003)
        pool = given_pool()
        self.given = [rng.choice(pool) for _ in range(100_019)]
        self.place = [rng.randrange(len(townships)) for _ in range(100_043)]
        self.created = [rng.randrange(CREATED_SPAN) for _ in range(100_057)]

    def raw(self, i: int) -> tuple[str, str, str, tuple[int, str, str, str, str], dt.datetime]:
        """(name, ID number, phone, township, created_at) of person ``i``."""
        township = self.townships[(i * 7 + self.place[i % 100_043]) % len(self.townships)]
        day = (i * 7919) % DAYS  # (day, seq) = divmod-like pair, unique for i < 1000 * DAYS
        seq = i // DAYS
        birth = BIRTH0 + dt.timedelta(days=day)
        first17 = f"{township[2]}{birth:%Y%m%d}{seq:03d}"
        number = first17 + self.id_check_char(first17)
        phone = f"1{3 + i % 7}{(i * 48271) % 1_000_000_000:09d}"
        name = self.surnames[i % 100_003] + self.given[(i * 31) % 100_019]
        created = CREATED0 + dt.timedelta(seconds=self.created[i % 100_057] + i % 997)
        return name, number, phone, township, created

    def stored(self, i: int) -> list[Any]:
        """The row as ``people_person`` stores it, in COPY_COLUMNS order."""
        name, number, phone, township, created = self.raw(i)
        e164 = "+86" + phone
        birth = BIRTH0 + dt.timedelta(days=(i * 7919) % DAYS)
        return [
            created,
            created,
            name,
            "resident_id",
            self.document_hash("resident_id", number),
            self.tokens[i % 1000],
            self.mask_id(number),
            "[]",
            birth,
            "male" if (i // DAYS) % 2 else "female",
            self.phone_hash(e164),
            self.tokens[(i + 500) % 1000],
            self.mask_phone(e164),
            "",
            f"{township[3]}{i % 300 + 1}号",
            township[0],
            township[4],
            "",
            "",
            "",
            None,
            None,
        ]


COPY_COLUMNS = (
    "created_at",
    "updated_at",
    "name",
    "id_type",
    "id_number_hash",
    "id_number_enc",
    "id_number_masked",
    "id_warnings",
    "birth_date",
    "sex",
    "phone_hash",
    "phone_enc",
    "phone_masked",
    "household_address",
    "current_address",
    "jurisdiction_id",
    "jurisdiction_path",
    "occupation",
    "work_unit",
    "notes",
    "merged_into_id",
    "created_by_id",
)


def hunan_townships() -> list[tuple[int, str, str, str, str]]:
    from epicontrol.jurisdictions.models import Jurisdiction

    rows = Jurisdiction.objects.filter(
        level="township", code__startswith="43", valid_to__isnull=True
    )
    out = [(j.pk, j.code, j.path.split("/")[2], j.name, j.path) for j in rows.order_by("code")]
    if not out:
        raise SystemExit("no Hunan townships: load the divisions first")
    return out


def load_persons(gen: Generator, scale: int) -> float:
    """Truncate and load ``scale`` persons with COPY; returns the seconds it took."""
    from django.db import connection

    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE people_person RESTART IDENTITY CASCADE")
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'people_person' "
            "AND indexname <> 'people_person_pkey'"
        )
        indexes = cursor.fetchall()
        for name, _ in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
        cursor.execute("SET session_replication_role = replica")  # no FK triggers during the load
        columns = ", ".join(COPY_COLUMNS)
        chunk = 200_000
        for start in range(0, scale, chunk):
            with cursor.cursor.copy(f"COPY people_person ({columns}) FROM STDIN") as copy:
                for i in range(start, min(scale, start + chunk)):
                    copy.write_row(gen.stored(i))
            print(f"  loaded {min(scale, start + chunk):,} persons", flush=True)
        cursor.execute("SET session_replication_role = DEFAULT")
        cursor.execute("SET maintenance_work_mem = '1GB'")
        for name, definition in indexes:
            cursor.execute(definition)
            print(f"  index {name} rebuilt", flush=True)
        cursor.execute("VACUUM ANALYZE people_person")  # autovacuum's state in production
    return time.perf_counter() - started


# --- measuring ---------------------------------------------------------------------------


def interleaved(
    platform: Callable[[], Any], floor: Callable[[], Any], runs: int, warmup: int = 2
) -> tuple[list[float], list[float], int]:
    """Alternate the two so that neither profits from caches the other warmed."""
    for _ in range(warmup):
        platform()
        floor()
    platform_times, floor_times = [], []
    with PeakRss() as rss:
        for _ in range(runs):
            t = time.perf_counter()
            platform()
            platform_times.append(time.perf_counter() - t)
            t = time.perf_counter()
            floor()
            floor_times.append(time.perf_counter() - t)
    return platform_times, floor_times, rss.peak


def officers() -> dict[str, Any]:
    from epicontrol.accounts.models import Membership, User
    from epicontrol.jurisdictions.models import Jurisdiction

    out = {}
    for username, code in (("bench_county", "430203"), ("bench_province", "430000")):
        user, _ = User.objects.get_or_create(username=username)
        Membership.objects.get_or_create(
            user=user, role="command_officer", jurisdiction=Jurisdiction.objects.get(code=code)
        )
        out[username] = user.pk
    return out


def vacuum() -> None:
    """What autovacuum does in production (it is off on the shared benchmark server): clear the
    dead rows of earlier rolled-back runs and set the visibility map for index-only scans."""
    from django.db import connection

    with connection.cursor() as cursor:
        for table in ("people_person", "core_auditentry"):
            cursor.execute(f"VACUUM ANALYZE {table}")


def bench_list(user_pk: int, q: str | None, runs: int) -> dict[str, Any]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from epicontrol.accounts.models import User
    from epicontrol.core.pagination import COUNT_CAP
    from epicontrol.people.paging import CappedPage
    from epicontrol.people.selectors import person_list

    user = User.objects.get(pk=user_pk)

    def platform_op() -> tuple[list[int], int]:
        # Per request the auth middleware loads the user; the scope (memberships) is read again.
        user.__dict__.pop("_epicontrol_scope", None)
        user.__dict__.pop("_roles_cache", None)
        page = CappedPage(person_list(user=user, q=q), 1)
        return [p.pk for p in page.object_list], page.count

    # The floor replays the exact SQL the platform sends for the page and the count.
    with CaptureQueriesContext(connection) as captured:
        platform_op()
    statements = [q["sql"] for q in captured.captured_queries if "people_person" in q["sql"]]
    assert len(statements) == 2 and statements[0].startswith("SELECT COUNT(*)"), statements
    count_sql, page_sql = statements

    def floor_op() -> tuple[list[int], int]:
        with connection.cursor() as cursor:
            cursor.execute(count_sql)
            count = cursor.fetchone()[0]
            cursor.execute(page_sql)
            return [r[0] for r in cursor.fetchall()][:50], min(count, COUNT_CAP)

    assert platform_op() == floor_op(), "platform and floor disagree"
    platform_times, floor_times, peak = interleaved(platform_op, floor_op, runs)
    page = CappedPage(person_list(user=user, q=q), 1)
    return {
        "platform": platform_times,
        "floor": floor_times,
        "peak": peak,
        "rows": len(page.object_list),
        "count": f"{page.count:,}{'' if page.count_exact else '+'}",
    }


def import_file(gen: Generator, start: int, n: int) -> bytes:
    import xlsxwriter

    from epicontrol.people.columns import IMPORT_COLUMNS, header

    out = io.BytesIO()
    wb = xlsxwriter.Workbook(out, {"constant_memory": True, "in_memory": True})
    ws = wb.add_worksheet("people")
    ws.write_row(0, 0, [header(c) for c in IMPORT_COLUMNS[:6]])
    for r, i in enumerate(range(start, start + n), start=1):
        name, number, phone, township, _ = gen.raw(i)
        ws.write_row(
            r, 0, [name, "resident_id", number, phone, township[1], f"{township[3]}{i % 300 + 1}号"]
        )
    wb.close()
    return out.getvalue()


def import_phases(run: Callable[[], None]) -> dict[str, tuple[float, float]]:
    """(wall, CPU of this process) seconds of each step of one more import run."""
    import functools

    from epicontrol.people import bulk, imports

    phases: dict[str, tuple[float, float]] = {}
    patched: list[tuple[Any, str, Any]] = []

    def wrap(owner: Any, name: str, label: str) -> None:
        original = getattr(owner, name)

        @functools.wraps(original)
        def timed_step(*args: Any, **kwargs: Any) -> Any:
            wall, cpu = time.perf_counter(), time.process_time()
            try:
                return original(*args, **kwargs)
            finally:
                phases[label] = (time.perf_counter() - wall, time.process_time() - cpu)

        patched.append((owner, name, original))
        setattr(owner, name, timed_step)

    wrap(imports._Validator, "rows", "validate rows (parse ID/phone, hash)")
    wrap(imports, "_resolve_jurisdictions", "jurisdictions (1 query)")
    wrap(imports, "_split_existing", "registered documents (hash lookups)")
    wrap(imports, "_candidates", "candidates (name+phone, name+birth lookups)")
    wrap(bulk, "_copy", "encrypt + COPY persons + COPY audit entries")
    try:
        run()
    finally:
        for owner, name, original in patched:
            setattr(owner, name, original)
    return phases


def bench_import(gen: Generator, province_pk: int, start: int, n: int, runs: int) -> dict[str, Any]:
    from django.db import connection, transaction

    from epicontrol.accounts.models import User
    from epicontrol.people.imports import person_import
    from epicontrol.people.spreadsheets import read_table

    data = import_file(gen, start, n)
    actor = User.objects.get(pk=province_pk)
    results: list[Any] = []
    parse_times: list[float] = []

    def platform_op() -> None:
        with transaction.atomic():
            t = time.perf_counter()
            table = read_table(io.BytesIO(data))
            parse_times.append(time.perf_counter() - t)
            result = person_import(
                actor=actor, table=table, allow_candidates=True, source="bench.xlsx"
            )
            results.append(result)
            transaction.set_rollback(True)

    platform_times, peak = timed(platform_op, runs, warmup=0)
    last = results[-1]
    phases = import_phases(lambda: platform_op())
    assert last.committed and last.created == n, (last.created, last.errors[:3])

    stored = [gen.stored(i) for i in range(start, start + n)]
    columns = ", ".join(COPY_COLUMNS)

    def floor_op() -> None:
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE IF EXISTS bench_scratch_person")
            cursor.execute("CREATE TABLE bench_scratch_person (LIKE people_person INCLUDING ALL)")
            t = time.perf_counter()
            with cursor.cursor.copy(f"COPY bench_scratch_person ({columns}) FROM STDIN") as copy:
                for row in stored:
                    copy.write_row(row)
            floor_times.append(time.perf_counter() - t)
            cursor.execute("DROP TABLE bench_scratch_person")

    floor_times: list[float] = []
    for _ in range(runs):
        floor_op()

    def same_table_op() -> None:
        # The same rows into people_person itself: its 5 M-row indexes must take them too.
        with transaction.atomic(), connection.cursor() as cursor:
            t = time.perf_counter()
            with cursor.cursor.copy(f"COPY people_person ({columns}) FROM STDIN") as copy:
                for row in stored:
                    copy.write_row(row)
            same_table_times.append(time.perf_counter() - t)
            transaction.set_rollback(True)

    same_table_times: list[float] = []
    for _ in range(runs):
        same_table_op()
    return {
        "platform": platform_times,
        "floor": floor_times,
        "same_table": same_table_times,
        "phases": phases,
        "parse": parse_times,
        "peak": peak,
        "warnings": len(last.warnings),
        "bytes": len(data),
    }


# --- report ------------------------------------------------------------------------------


def write_results(lines: list[str]) -> None:
    from benchmarks.results_file import write_section

    write_section("## people\n\n" + "\n".join(lines))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=int, default=5_000_000, help="persons in the registry")
    parser.add_argument("--import-rows", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=15, help="runs per list measurement")
    parser.add_argument("--import-runs", type=int, default=3)
    parser.add_argument("--reload", action="store_true", help="reload even if the scale matches")
    parser.add_argument("--no-write", action="store_true", help="do not update RESULTS.md")
    parser.add_argument("--only", choices=("list", "import"), help="run one part only")
    args = parser.parse_args(argv)

    setup_django()
    from django.core.management import call_command
    from django.db import connection

    from epicontrol.jurisdictions.models import Jurisdiction

    call_command("migrate", verbosity=0)
    if not Jurisdiction.objects.filter(code="430203").exists():
        call_command("load_divisions")
    townships = hunan_townships()
    gen = Generator(townships)
    load_seconds = None
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM people_person")
        present = cursor.fetchone()[0]
    if present != args.scale or args.reload:
        print(
            f"loading {args.scale:,} persons over {len(townships):,} Hunan townships …", flush=True
        )
        load_seconds = load_persons(gen, args.scale)
    users = officers()
    vacuum()

    table: list[tuple[str, ...]] = []
    header = (
        "operation",
        "platform median",
        "platform p95",
        "floor median",
        "floor p95",
        "ratio (median)",
        "peak RSS",
        "scale",
    )
    cases = [
        ("county officer, no filter", "bench_county", None),
        ("county officer, name 王", "bench_county", "王"),
        ("county officer, name 张伟", "bench_county", "张伟"),
        ("province officer, no filter", "bench_province", None),
        ("province officer, name 王", "bench_province", "王"),
        ("province officer, name 张伟", "bench_province", "张伟"),
    ]
    for label, username, q in cases if args.only != "import" else []:
        r = bench_list(users[username], q, args.runs)
        pm, fm = statistics.median(r["platform"]), statistics.median(r["floor"])
        row = (
            f"list page: {label} (50 rows + capped count {r['count']})",
            fmt_s(pm),
            fmt_s(p95(r["platform"])),
            fmt_s(fm),
            fmt_s(p95(r["floor"])),
            f"{pm / fm:.2f}×",
            f"{r['peak'] / 2**20:.0f} MiB",
            f"{args.scale:,} persons",
        )
        table.append(row)
        print(" | ".join(row), flush=True)

    if args.only == "list":
        print("\n".join("| " + " | ".join(row) + " |" for row in table))
        return 0
    imp = bench_import(
        gen, users["bench_province"], args.scale + 1_000_000, args.import_rows, args.import_runs
    )
    pm, fm = statistics.median(imp["platform"]), statistics.median(imp["floor"])
    table.append(
        (
            f"import {args.import_rows:,} rows from .xlsx ({imp['bytes'] / 2**20:.1f} MiB; "
            f"parse {fmt_s(statistics.median(imp['parse']))}; "
            f"{imp['warnings']:,} candidate warnings) vs COPY into an empty scratch table",
            fmt_s(pm),
            fmt_s(max(imp["platform"])),
            fmt_s(fm),
            fmt_s(max(imp["floor"])),
            f"{pm / fm:.2f}×",
            f"{imp['peak'] / 2**20:.0f} MiB",
            f"{args.scale:,} persons",
        )
    )
    print(" | ".join(table[-1]), flush=True)
    sm = statistics.median(imp["same_table"])
    table.append(
        (
            f"import {args.import_rows:,} rows vs COPY of the same rows into `people_person`"
            f" itself ({args.scale:,} rows and their indexes; rolled back)",
            fmt_s(pm),
            fmt_s(max(imp["platform"])),
            fmt_s(sm),
            fmt_s(max(imp["same_table"])),
            f"{pm / sm:.2f}×",
            "",
            f"{args.scale:,} persons",
        )
    )
    print(" | ".join(table[-1]), flush=True)
    vacuum()

    lines = [
        f"Run {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC on {versions()}; "
        f"`python benchmarks/people/bench_people.py --scale {args.scale} --import-rows "
        f"{args.import_rows} --runs {args.runs}`; {args.runs} runs per list case (platform and"
        " floor alternating)"
        " after 2 warm-up runs, "
        f"{args.import_runs} import runs (p95 column = worst run for the import).",
        "",
        "| " + " | ".join(header) + " |",
        "|" + "---|" * len(header),
        *["| " + " | ".join(row) + " |" for row in table],
        "",
        "Targets: list page p95 ≤ 150 ms and ≤ 2× raw SQL; import ≤ 30 s and ≤ 10× COPY.",
        "",
        "- Platform list = scope query (memberships), `person_list` selector, `CappedPage`"
        " (the count capped at 10,000, then the 50 rows with `select_related('jurisdiction')`"
        " chosen in a sub-select). Floor = the same two SQL statements, as the platform sent"
        " them, through a raw cursor.",
        "- Import = `read_table` (calamine) + `person_import` (validate, de-duplicate within the"
        " file and against the registry, candidate checks, Fernet encryption of every created"
        " ID number and phone, COPY of the persons and of their audit entries), in a transaction"
        " rolled back after each"
        " run, `allow_candidates=True` so every row is created (candidates become warnings)."
        " Floor = COPY of the same rows (stored form) into an empty table `LIKE people_person"
        " INCLUDING ALL`.",
        "- `VACUUM ANALYZE` runs before the measurements (autovacuum is off on this shared"
        " server; the rolled-back import runs leave dead rows that the newest-first index scan"
        " would otherwise walk through).",
        "- Generated data: fixed seed, uniform over Hunan's townships, real ID numbers, hashes and"
        " masks; ciphertexts reused from a pool of 1,000 real Fernet tokens (no benchmarked query"
        " decrypts).",
    ]
    lines.append(
        "- Import steps (one more run; wall / CPU of the Python process): "
        + "; ".join(f"{k} {w:.1f} s / {c:.1f} s" for k, (w, c) in imp["phases"].items())
        + "."
    )
    if load_seconds is not None:
        lines.append(
            f"- Loading {args.scale:,} persons (COPY + index rebuild) took {load_seconds:.0f} s."
        )
    print("\n".join(lines))
    if not args.no_write:
        write_results(lines)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
