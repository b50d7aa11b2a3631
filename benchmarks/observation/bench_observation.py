"""Benchmark of medical observation at province scale: 200,000 observations × 14 daily checks.

Generates, with a fixed seed, observations over Hunan's counties (one township per county cut
into communities and grids), shaped as the services write them (plans of the 2020 editions,
two checks a day, a few missed slots), with the daily checks loaded by ``COPY``. Then times:

* the grid worker's "today's due checks" list (first page of 50 + its count, as the page's
  paginator asks), for a grid worker, a county officer and the provincial officer;
* the missed-check scan (``scan_missed_checks``: candidates, alerts and their audit entries)
  against a floor of one raw ``INSERT … SELECT … NOT EXISTS`` per (day, slot) — the same rule
  in plain SQL, without the audit trail;
* the same scan's reads alone (captured SQL re-run raw);
* the observation dashboard figures for the province.

Read floors are the very SQL the platform sent, captured and re-run raw with a cursor, so the
ratio is the platform's Python around the database. Prints one table and writes the
``## observation`` section of ``benchmarks/RESULTS.md``.

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/bench_observation \\
        .venv/bin/python benchmarks/observation/bench_observation.py [--scale 0.02] [--runs 7]
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import platform
import random
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_DB = "postgresql://postgres@127.0.0.1:5432/bench_observation"
SEED = 20200131
TODAY = dt.date(2020, 2, 15)
OBSERVATIONS = 200_000
COMMUNITIES_PER_COUNTY = 3
GRIDS_PER_COMMUNITY = 10
MISSED = 0.02  # share of check slots left empty


def setup_django() -> None:
    os.environ.setdefault("DATABASE_URL", DEFAULT_DB)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(ROOT))
    from benchmarks.database import ensure_database

    ensure_database(os.environ["DATABASE_URL"])
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def median_ms(fn: Callable[[], Any], runs: int, reset: Callable[[], Any] | None = None) -> float:
    fn()  # warm caches (plans, translations, content types)
    if reset:
        reset()
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
        if reset:
            reset()
    return statistics.median(times)


def peak_mib(fn: Callable[[], Any], reset: Callable[[], Any] | None = None) -> float:
    tracemalloc.start()
    fn()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    if reset:
        reset()
    return peak / 2**20


def aware(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    from django.utils import timezone

    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def _grids() -> list[Any]:
    """Communities and grids under the first township of every county (made once)."""
    from epicontrol.jurisdictions.models import Jurisdiction

    counties = list(
        Jurisdiction.objects.filter(path__startswith="430000/", depth=2, is_administrative=True)
        .current()
        .order_by("code")
    )
    new: list[Jurisdiction] = []
    for county in counties:
        township = (
            Jurisdiction.objects.filter(parent=county, level="township").order_by("code").first()
        )
        made = Jurisdiction.objects.filter(parent=township, code__endswith="901").exists()
        if township is None or made:
            continue
        for c in range(COMMUNITIES_PER_COUNTY):
            code = f"{township.code}{901 + c}"
            community = Jurisdiction(
                code=code, name=f"基准社区{c + 1}", level="community", kind="community",
                parent=township, path=f"{township.path}{code}/", depth=township.depth + 1,
            )  # fmt: skip
            community.save()
            for g in range(GRIDS_PER_COMMUNITY):
                gcode = f"{code}{g + 1:03d}"
                new.append(
                    Jurisdiction(
                        code=gcode, name=f"第{g + 1}网格", level="grid", kind="grid",
                        parent=community, path=f"{community.path}{gcode}/",
                        depth=community.depth + 1,
                    )
                )  # fmt: skip
    Jurisdiction.objects.bulk_create(new, batch_size=5000)
    return list(Jurisdiction.objects.filter(level="grid").order_by("code"))


def generate(n_obs: int, *, regenerate: bool = False) -> dict[str, Any]:
    """Persons, observations and daily checks; reused when the database already holds them."""
    from django.db import connection, transaction

    from epicontrol.core.models import PolicyVersion
    from epicontrol.jurisdictions.divisions import load_divisions
    from epicontrol.jurisdictions.models import Jurisdiction
    from epicontrol.observation.models import Observation
    from epicontrol.people.models import Person

    if not Jurisdiction.objects.filter(code="430000").exists():
        load_divisions()
    grids = _grids()
    if not regenerate and Observation.objects.count() == n_obs:
        return {"grids": len(grids), "reused": True}
    with connection.cursor() as cur:
        cur.execute(
            "TRUNCATE observation_alert, observation_dailycheck, observation_roomassignment, "
            "observation_livingneed, observation_labtest, observation_extension, "
            "observation_transfer, observation_observation, people_person "
            "RESTART IDENTITY CASCADE"
        )
        cur.execute("DELETE FROM core_auditentry WHERE action LIKE 'observation.%%'")
    rng = random.Random(SEED)
    versions = {v.code: v for v in PolicyVersion.objects.filter(domain="national")}
    # Some grids much busier than others, but no grid beyond ~6× the mean.
    weights = [min(rng.paretovariate(1.2), 6.0) for _ in grids]
    n_checks = 0
    with transaction.atomic():
        persons = [
            Person(
                name=f"观察{i}", id_number_hash=f"bench-obs-{i:08d}", id_number_enc="x",
                id_number_masked="430***********0000", jurisdiction=grid,
                jurisdiction_path=grid.path,
            )
            for i, grid in enumerate(rng.choices(grids, weights, k=n_obs))
        ]  # fmt: skip
        Person.objects.bulk_create(persons, batch_size=5000)
        observations = []
        created = aware(TODAY - dt.timedelta(days=30), 9)
        for p in persons:
            # Anchors over the 2 weeks before today: all under observation, 7.5 days checked
            # on average (about 14 checks each).
            anchor = TODAY - dt.timedelta(days=rng.randint(1, 14))
            start, end = anchor + dt.timedelta(days=1), anchor + dt.timedelta(days=14)
            version = versions["v3" if start < dt.date(2020, 2, 6) else "v4"]
            ended = end < TODAY
            observations.append(
                Observation(
                    person=p, jurisdiction=p.jurisdiction, jurisdiction_path=p.jurisdiction.path,
                    category="close_contact",
                    kind=rng.choice(["centralised_isolation", "home_isolation"]),
                    status="released" if ended else "active", anchor_basis="last_exposure",
                    anchor_date=anchor, start_date=start, end_date=end, planned_end_date=end,
                    checks_from=start, first_phase_days=14, test_days=[],
                    fever_threshold_c="37.3", checks_per_day=2, grace_hours=12,
                    incubation_days=14, policy_version=version, rule_version=version,
                    plan={"policy": version.code}, ended_on=end if ended else None,
                    ended_at=aware(end, 17) if ended else None,
                    cleared_after_incubation=ended, created_at=created, updated_at=created,
                )
            )  # fmt: skip
        Observation.objects.bulk_create(observations, batch_size=5000)
        raw = connection.connection
        with (
            raw.cursor() as cur,
            cur.copy(
                "COPY observation_dailycheck (created_at, updated_at, observation_id, day, slot, "
                "temperature_c, symptoms, note, source) FROM STDIN"
            ) as copy,
        ):
            buffer = io.StringIO()
            for o in observations:
                day = o.start_date
                last = min(o.end_date, TODAY)
                while day <= last:
                    for slot in (1, 2):
                        if day == TODAY and (slot == 2 or rng.random() < 0.4):
                            continue  # today: evening not yet, 40 % of mornings still due
                        if rng.random() < MISSED:
                            continue
                        if o.checks_day != day:  # the progress columns check_record keeps
                            o.checks_day, o.checks_done = day, 0
                        o.checks_done += 1
                        temp = 36.0 + rng.randint(0, 12) / 10 if rng.random() > 0.003 else 37.9
                        at = aware(day, 8 if slot == 1 else 19, rng.randint(0, 59)).isoformat()
                        buffer.write(
                            f"{at}\t{at}\t{o.pk}\t{day}\t{slot}\t{temp:.1f}\t[]\t\tgrid_worker\n"
                        )
                        n_checks += 1
                    day += dt.timedelta(days=1)
                if buffer.tell() > 1 << 20:
                    copy.write(buffer.getvalue())
                    buffer = io.StringIO()
            copy.write(buffer.getvalue())
        Observation.objects.bulk_update(
            observations, ["checks_day", "checks_done"], batch_size=5000
        )
    with connection.cursor() as cur:
        cur.execute("VACUUM ANALYZE")
    return {"grids": len(grids), "reused": False, "checks": n_checks}


def captured(fn: Callable[[], Any]) -> list[str]:
    """The SQL ``fn`` sends once warm (the user's scope and roles are cached by then)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    fn()
    with CaptureQueriesContext(connection) as ctx:
        fn()
    return [q["sql"] for q in ctx.captured_queries]


def raw_floor(statements: list[str]) -> Callable[[], Any]:
    from django.db import connection

    def run() -> None:
        with connection.cursor() as cur:
            for sql in statements:
                cur.execute(sql)
                if cur.description is not None:
                    cur.fetchall()

    return run


SCAN_FLOOR_SQL = """
INSERT INTO observation_alert (created_at, updated_at, observation_id, kind, status, day, slot,
                               assignee_id, resolution_note)
SELECT now(), now(), o.id, 'missed_check', 'open', %(day)s, %(slot)s, o.responsible_id, ''
FROM observation_observation o
WHERE o.status = 'active' AND o.checks_from <= %(day)s AND o.end_date >= %(day)s
  AND o.checks_per_day >= %(slot)s
  AND (%(slot)s * 24.0 / o.checks_per_day + o.grace_hours) <= %(hours)s
  AND NOT EXISTS (SELECT 1 FROM observation_dailycheck c
                  WHERE c.observation_id = o.id AND c.day = %(day)s AND c.slot = %(slot)s)
  AND NOT EXISTS (SELECT 1 FROM observation_alert a
                  WHERE a.observation_id = o.id AND a.kind = 'missed_check'
                    AND a.day = %(day)s AND a.slot = %(slot)s)
"""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--observations", type=int, default=OBSERVATIONS)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--scale", type=float, default=1.0, help="e.g. 0.02 for a smoke run")
    parser.add_argument("--no-write", action="store_true", help="do not update RESULTS.md")
    parser.add_argument("--regenerate", action="store_true", help="make the data again")
    args = parser.parse_args()
    n_obs = max(500, int(args.observations * args.scale))
    setup_django()

    from django.db import connection
    from django.db.models import Count
    from django.test.utils import CaptureQueriesContext

    from epicontrol.accounts.models import Membership, User
    from epicontrol.core.models import AuditEntry
    from epicontrol.core.pagination import capped_count
    from epicontrol.jurisdictions.models import Jurisdiction
    from epicontrol.observation import selectors
    from epicontrol.observation.models import Alert, DailyCheck, Observation
    from epicontrol.observation.services.alerts import scan_missed_checks

    t0 = time.perf_counter()
    info = generate(n_obs, regenerate=args.regenerate)
    gen_s = time.perf_counter() - t0
    n_checks = DailyCheck.objects.count()
    active = Observation.objects.filter(status="active").count()

    def user(name: str, role: str, jurisdiction: Any) -> Any:
        u, _ = User.objects.get_or_create(username=name)
        Membership.objects.get_or_create(user=u, role=role, jurisdiction=jurisdiction, unit=None)
        return User.objects.get(pk=u.pk)

    busiest = (
        Observation.objects.filter(status="active")
        .values("jurisdiction")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .first()
    )
    grid = Jurisdiction.objects.get(pk=busiest["jurisdiction"]) if busiest else None
    assert grid is not None
    county = Jurisdiction.objects.get(code=grid.ancestor_codes()[2])
    province = Jurisdiction.objects.get(code="430000")
    people = {
        "grid worker": user("bench-grid", "grid_worker", grid),
        "county officer": user("bench-county", "command_officer", county),
        "province officer": user("bench-province", "command_officer", province),
    }
    in_grid = Observation.objects.filter(status="active", jurisdiction=grid).count()
    in_county = Observation.objects.filter(
        status="active", jurisdiction__path__startswith=county.path
    ).count()

    def due_page(u: Any) -> Callable[[], Any]:
        def run() -> Any:
            qs = selectors.due_today(user=u, day=TODAY)
            return list(qs[:51]), capped_count(qs)

        return run

    now = aware(TODAY, 13)

    def reset_scan() -> None:
        Alert.objects.filter(kind="missed_check").delete()
        AuditEntry.objects.filter(action="observation.alert_raised").delete()

    def scan() -> int:
        return scan_missed_checks(now=now, days=3)

    def scan_floor() -> None:
        with connection.cursor() as cur:
            for back in (2, 1, 0):
                day = TODAY - dt.timedelta(days=back)
                hours = (now - aware(day, 0)).total_seconds() / 3600
                for slot in (1, 2):
                    cur.execute(SCAN_FLOOR_SQL, {"day": day, "slot": slot, "hours": hours})

    def scan_reads() -> Any:
        from epicontrol.observation.services import alerts as alerts_module

        out = []
        for back in (2, 1, 0):
            day = TODAY - dt.timedelta(days=back)
            hours = (now - aware(day, 0)).total_seconds() / 3600
            for slot in (1, 2):
                out.append(alerts_module._candidates(day, slot, hours))
        return out

    reset_scan()
    raised = scan()
    reset_scan()

    rows = []
    for label, u in people.items():
        fn = due_page(u)
        statements = captured(fn)
        p_ms = median_ms(fn, args.runs)
        f_ms = median_ms(raw_floor(statements), args.runs)
        rows.append((f"today's due checks, {label} (page + capped count)", p_ms, f_ms, peak_mib(fn),
                     len(statements)))  # fmt: skip
    p_ms = median_ms(scan, args.runs, reset=reset_scan)
    f_ms = median_ms(scan_floor, args.runs, reset=reset_scan)
    reset_scan()
    with CaptureQueriesContext(connection) as ctx:
        scan()
    statements = [q["sql"] for q in ctx.captured_queries]
    reset_scan()
    rows.append((f"missed-check scan, 3 days ({raised:,} alerts + audit)", p_ms, f_ms,
                 peak_mib(scan, reset=reset_scan), len(statements)))  # fmt: skip
    statements = captured(scan_reads)
    p_ms = median_ms(scan_reads, args.runs)
    f_ms = median_ms(raw_floor(statements), args.runs)
    rows.append(("missed-check scan, reads only", p_ms, f_ms, peak_mib(scan_reads),
                 len(statements)))  # fmt: skip

    def figures() -> Any:
        return selectors.dashboard_figures(
            user=people["province officer"], jurisdiction=province, day=TODAY
        )

    statements = captured(figures)
    p_ms = median_ms(figures, args.runs)
    f_ms = median_ms(raw_floor(statements), args.runs)
    rows.append(("dashboard figures, province", p_ms, f_ms, peak_mib(figures), len(statements)))

    scale = (
        f"{Observation.objects.count():,} observations ({active:,} active), "
        f"{n_checks:,} daily checks, {info['grids']:,} grids; busiest grid {in_grid} active, "
        f"its county {in_county:,}"
    )
    header = (
        f"Scale: {scale}; generation {gen_s:.0f} s"
        + (" (reused)" if info["reused"] else "")
        + f"; medians of {args.runs} runs"
    )
    lines = [
        "| operation | platform ms | floor ms | ratio | peak MiB | queries |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for name, p, f, mib, n in rows:
        lines.append(f"| {name} | {p:.1f} | {f:.1f} | {p / f if f else 0:.2f} | {mib:.1f} | {n} |")
    table = "\n".join(lines)
    print(header)
    print(table)
    if not args.no_write:
        write_results(header, table)
    connection.close()


NOTES = """Notes. Today's due list is two queries whatever the scope: the page from an ordered
index scan that stops after 51 rows (whether today's checks are all in is a column test, kept
by `check_record`) and a count capped at 10,000; the platform's extra over the floor is
building 50 observations with their person and grid. The scan's write ratio includes one audit
entry per alert, which the floor does not write; its reads (one anti-join per day and slot) run
at the floor. The province dashboard aggregates every observation in scope in one pass, so it
grows with the observations kept. On a machine shared with other work, absolute times vary
between runs (up to 2x at a load average of 6-11); ratios are measured within one run.
"""


def write_results(header: str, table: str) -> None:
    import django
    from django.db import connection

    from benchmarks.results_file import write_section

    with connection.cursor() as cur:
        cur.execute("SHOW server_version")
        version = cur.fetchone()
    section = (
        "## observation\n\n"
        f"Run {dt.date.today().isoformat()} on {platform.machine()} ({os.cpu_count()} cores), "
        f"Python {platform.python_version()}, Django {django.get_version()}, "
        f"PostgreSQL {version[0] if version else '?'}. "
        "`benchmarks/observation/bench_observation.py`; read floors are the same SQL the "
        "platform sent, re-run raw with a cursor; the scan's floor is one raw "
        "`INSERT … SELECT … NOT EXISTS` per (day, slot) without the audit trail.\n\n"
        f"{header}.\n\n{table}\n\n{NOTES}"
    )
    write_section(section)


if __name__ == "__main__":
    main()
