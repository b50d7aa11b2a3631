"""Benchmark of the case line list at province scale: 50,000 cases over Hunan's counties, a year.

Generates the line list with a fixed seed (persons, cases and their events bulk-inserted, shaped
like the services write them: created → admit → confirm → severity changes → discharge or
death), then times the reads other modules and pages make: ``line_list_daily`` for the
province and a city over 365 days (reports, reconciliation), the one-day probe, the
``county_case_stats`` of the risk-level engine, the dashboard figures and the first page of the
case list. Each against a floor measured in the same run: the very SQL the platform sent
(captured, then re-run raw with a cursor), so the ratio is the cost of the platform's Python
around the database's work. Prints one table and writes the ``## cases`` section of
``benchmarks/RESULTS.md``.

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/bench_cases \
        .venv/bin/python benchmarks/cases/bench_cases.py [--cases 50000] [--runs 9]
"""

from __future__ import annotations

import argparse
import datetime as dt
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
DEFAULT_DB = "postgresql://postgres@127.0.0.1:5432/bench_cases"
SEED = 20200123
FIRST_DAY = dt.date(2020, 1, 21)
DAYS = 365


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


def median_ms(fn: Callable[[], Any], runs: int) -> float:
    fn()  # warm caches (plans, translations, content types)
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def peak_mib(fn: Callable[[], Any]) -> float:
    tracemalloc.start()
    fn()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 2**20


def aware(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    from django.utils import timezone

    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def generate(n_cases: int) -> dict[str, Any]:
    """Persons, cases and events with a fixed seed; reused when the database already holds them."""
    from django.db import connection, transaction

    from epicontrol.cases.linelist import figure_deltas
    from epicontrol.cases.models import Case, CaseEvent
    from epicontrol.jurisdictions.divisions import load_divisions
    from epicontrol.jurisdictions.models import Jurisdiction, Unit
    from epicontrol.people.models import Person

    if not Jurisdiction.objects.filter(code="430000").exists():
        load_divisions()
    counties = list(
        Jurisdiction.objects.filter(path__startswith="430000/", depth=2, is_administrative=True)
        .current()
        .order_by("code")
    )
    if Case.objects.count() == n_cases and not Case.objects.filter(county_code="").exists():
        return {"counties": len(counties), "reused": True}
    with connection.cursor() as cur:
        cur.execute(
            "TRUNCATE cases_caseevent, cases_revisit, cases_case, cases_cluster, people_person "
            "RESTART IDENTITY CASCADE"
        )
    rng = random.Random(SEED)
    hospitals = {}
    for city in Jurisdiction.objects.filter(path__startswith="430000/", depth=1):
        county = next((c for c in counties if c.path.startswith(city.path)), None)
        if county is None:
            continue
        hospitals[city.path], _ = Unit.objects.get_or_create(
            jurisdiction=county,
            kind="designated_hospital",
            name=f"{city.name}定点医院",
            defaults={"capacity": 2000},
        )
    weights = [rng.paretovariate(1.1) for _ in counties]
    with transaction.atomic():
        persons = [
            Person(
                name=f"测试{i}",
                id_number_hash=f"bench-{i:08d}",
                id_number_enc="x",
                id_number_masked="430***********0000",
                jurisdiction=rng.choices(counties, weights)[0],
            )
            for i in range(n_cases)
        ]
        Person.objects.bulk_create(persons, batch_size=5000)
        cases: list[Case] = []
        plans: list[list[tuple[str, dt.datetime, dict[str, Any]]]] = []
        for p in persons:
            county = p.jurisdiction
            # An epidemic curve: most cases in the first weeks, a tail over the year.
            day = FIRST_DAY + dt.timedelta(days=min(int(rng.expovariate(1 / 25)), DAYS - 20))
            reported = aware(day, 8, rng.randint(0, 59))
            city_path = county.path[:14]
            facility = hospitals.get(city_path)
            kind = rng.random()
            classification = "suspected" if kind < 0.8 else "asymptomatic"
            severity = rng.choices(["mild", "common", "severe", "critical"], [25, 60, 12, 3])[0]
            confirm_at = aware(day + dt.timedelta(days=rng.randint(0, 2)), 11)
            end_day = confirm_at.date() + dt.timedelta(days=rng.randint(7, 25))
            outcome = (
                "died" if severity == "critical" and rng.random() < 0.3 else "cured_discharged"
            )
            excluded = classification == "suspected" and rng.random() < 0.15
            c = Case(
                person=p,
                jurisdiction=county,
                county_code=county.code,
                classification=classification,
                status="open",
                reported_at=reported,
                facility=facility,
                admitted_at=reported,
                source="demo",
            )
            steps: list[tuple[str, dt.datetime, dict[str, Any]]] = [
                ("created", reported, {"status": "open", "cls": classification, "sev": ""}),
                ("admit", reported, {"adm": True}),
            ]
            if excluded:
                steps.append(("exclude", confirm_at, {"status": "excluded", "cls": "excluded"}))
                c.status, c.classification, c.closed_at = "excluded", "excluded", confirm_at
            else:
                steps.append(("confirm", confirm_at, {"cls": "confirmed", "sev": severity}))
                c.classification, c.severity, c.confirmed_at = "confirmed", severity, confirm_at
                if severity in ("severe", "critical") and outcome == "cured_discharged":
                    mid = aware(confirm_at.date() + dt.timedelta(days=3), 9)
                    steps.append(("change_severity", mid, {"sev": "common"}))
                    c.severity = "common"
                end_at = aware(end_day, 16)
                if end_day < FIRST_DAY + dt.timedelta(days=DAYS):
                    steps.append(
                        ("discharge" if outcome != "died" else "die", end_at, {"status": outcome})
                    )
                    c.status, c.closed_at = outcome, end_at
                    if outcome == "died":
                        c.died_at = end_at
                    else:
                        c.discharged_at = end_at
            cases.append(c)
            plans.append(steps)
        Case.objects.bulk_create(cases, batch_size=5000)
        events = []
        for c, steps in zip(cases, plans, strict=True):
            state = {"status": "", "cls": "", "sev": "", "adm": False}
            for action, at, change in steps:
                new = {**state, **change}
                deltas = figure_deltas(
                    (state["status"], state["cls"], state["sev"], state["adm"]),
                    (new["status"], new["cls"], new["sev"], new["adm"]),
                )
                events.append(
                    CaseEvent(
                        **deltas,
                        case=c, action=action, at=at, county_code=c.county_code,
                        from_status=state["status"], to_status=new["status"],
                        from_classification=state["cls"], to_classification=new["cls"],
                        from_severity=state["sev"], to_severity=new["sev"],
                        from_admitted=state["adm"], to_admitted=new["adm"],
                        facility=c.facility,
                    )
                )  # fmt: skip
                state = new
        CaseEvent.objects.bulk_create(events, batch_size=10000)
    with connection.cursor() as cur:
        cur.execute("ANALYZE")
    return {"counties": len(counties), "reused": False}


def captured(fn: Callable[[], Any]) -> list[str]:
    """The SQL statements ``fn`` sends (with parameters inlined by the driver)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--scale", type=float, default=1.0, help="e.g. 0.02 for a smoke run")
    parser.add_argument("--no-write", action="store_true", help="do not update RESULTS.md")
    args = parser.parse_args()
    n_cases = max(100, int(args.cases * args.scale))
    setup_django()

    from django.db import connection

    from epicontrol.accounts.models import Membership, User
    from epicontrol.cases import selectors
    from epicontrol.cases.models import Case, CaseEvent
    from epicontrol.jurisdictions.models import Jurisdiction

    t0 = time.perf_counter()
    info = generate(n_cases)
    gen_s = time.perf_counter() - t0
    n_events = CaseEvent.objects.count()
    officer, _ = User.objects.get_or_create(username="bench-province")
    province = Jurisdiction.objects.get(code="430000")
    Membership.objects.get_or_create(
        user=officer, role="command_officer", jurisdiction=province, unit=None
    )
    officer = User.objects.get(pk=officer.pk)
    peak_day = FIRST_DAY + dt.timedelta(days=30)
    end = FIRST_DAY + dt.timedelta(days=DAYS - 1)

    operations: list[tuple[str, Callable[[], Any]]] = [
        (
            "line_list_daily, province, 365 days",
            lambda: selectors.line_list_daily(root_path="430000/", start=FIRST_DAY, end=end),
        ),
        (
            "line_list_daily, 长沙市, 365 days",
            lambda: selectors.line_list_daily(root_path="430000/430100/", start=FIRST_DAY, end=end),
        ),
        (
            "line_list_daily, province, one day",
            lambda: selectors.line_list_daily(root_path="430000/", start=peak_day, end=peak_day),
        ),
        (
            "county_case_stats, all counties",
            lambda: selectors.county_case_stats(
                county_paths=None, day=peak_day, window_days=14, cluster_threshold=2
            ),
        ),
        (
            "dashboard_figures, province officer",
            lambda: selectors.dashboard_figures(user=officer, jurisdiction=province, day=peak_day),
        ),
        (
            "case list, first page (50 + capped count)",
            lambda: (
                list(selectors.case_list(user=officer)[:51]),
                selectors.case_list(user=officer).order_by().values("pk")[:10001].count(),
            ),
        ),
    ]
    rows = []
    for name, fn in operations:
        statements = captured(fn)
        platform_ms = median_ms(fn, args.runs)
        floor_ms = median_ms(raw_floor(statements), args.runs)
        rows.append(
            (name, platform_ms, floor_ms, platform_ms / floor_ms if floor_ms else 0.0,
             peak_mib(fn), len(statements))
        )  # fmt: skip
    scale = (
        f"{Case.objects.count():,} cases, {n_events:,} events, {info['counties']} counties, "
        f"{DAYS} days"
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
    for name, p_ms, f_ms, ratio, mib, n in rows:
        lines.append(f"| {name} | {p_ms:.1f} | {f_ms:.1f} | {ratio:.2f} | {mib:.1f} | {n} |")
    table = "\n".join(lines)
    print(header)
    print(table)
    if not args.no_write:
        write_results(header, table)
    connection.close()


def write_results(header: str, table: str) -> None:
    import django
    from django.db import connection

    from benchmarks.results_file import write_section

    with connection.cursor() as cur:
        cur.execute("SHOW server_version")
        version = cur.fetchone()
    section = (
        "## cases\n\n"
        f"Run {dt.date.today().isoformat()} on {platform.machine()} ({os.cpu_count()} cores), "
        f"Python {platform.python_version()}, Django {django.get_version()}, "
        f"PostgreSQL {version[0] if version else '?'}, load average {os.getloadavg()[0]:.1f} "
        "(on a loaded machine absolute times inflate; the ratios hold). "
        "`benchmarks/cases/bench_cases.py`; "
        "the floor is the same SQL the platform sent, captured and re-run raw with a cursor "
        "(fetching every row), so the ratio is the platform's Python around the database.\n\n"
        f"{header}.\n\n{table}\n\n"
        "Data: persons, cases and events bulk-inserted with a fixed seed in the shape the services "
        "write (reported → admitted → confirmed or excluded → severity changes → discharged or "
        "died), an epidemic curve peaking in the first weeks. The one-day line list and the "
        "dashboard are what the command dashboard asks on each view; the 365-day ones are the "
        "epidemic curve and reconciliation. Generation of the 50,000 cases took 167 s when not "
        "reused.\n"
    )
    write_section(section)


if __name__ == "__main__":
    main()
