"""Benchmark of county risk levels at province scale: 122 Hunan counties × 365 days × 2 schemes.

Generates a year of synthetic case statistics with a fixed seed, computes every day through the
platform service (one ``RiskAssessment`` per county × day × scheme, history on change, audit),
then times the reads the pages, the API and the dashboard make, each against a floor measured in
the same run (raw SQL of the same rows, COPY of the same writes). Prints one table and writes
the ``## riskareas`` section of ``benchmarks/RESULTS.md``.

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/bench_riskareas \
        .venv/bin/python benchmarks/riskareas/bench_riskareas.py [--days 365] [--runs 15]
"""

from __future__ import annotations

import argparse
import bisect
import datetime as dt
import io
import json
import os
import platform
import random
import resource
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_DB = "postgresql://postgres@127.0.0.1:5432/bench_riskareas"
FIRST_DAY = dt.date(2020, 2, 17)
SEED = 20200217
PROVINCE = "430000"


def setup_django() -> None:
    os.environ.setdefault("DATABASE_URL", DEFAULT_DB)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(ROOT))
    from benchmarks.database import ensure_database

    ensure_database(os.environ["DATABASE_URL"])
    import django

    django.setup()


@dataclass(frozen=True)
class Stats:
    cumulative_confirmed: int
    new_confirmed_in_window: int
    has_cluster_in_window: bool
    last_confirmed_date: dt.date | None


class SyntheticEpidemic:
    """Per county, a sorted list of confirmed-case days and of cluster days (fixed seed).

    Most counties see a wave in February–March 2020 (as Hunan did), a few a later one.
    """

    def __init__(self, codes: list[str], days: int) -> None:
        rng = random.Random(SEED)
        self.cases: dict[str, list[int]] = {}
        self.clusters: dict[str, list[int]] = {}
        for code in codes:
            size = int(rng.paretovariate(1.2) * 4) if rng.random() < 0.8 else 0
            peak = rng.randint(0, 30)
            days_list = sorted(
                max(0, min(days - 1, int(rng.gauss(peak, 8)))) for _ in range(min(size, 400))
            )
            if rng.random() < 0.1:  # a later, smaller outbreak
                later = rng.randint(60, max(61, days - 1))
                days_list += sorted(
                    min(days - 1, later + int(rng.expovariate(0.3)))
                    for _ in range(rng.randint(2, 40))
                )
                days_list.sort()
            self.cases[code] = days_list
            self.clusters[code] = sorted(d for d in days_list if rng.random() < 0.05)

    def __call__(
        self,
        *,
        county_paths: list[str] | None,
        day: dt.date,
        window_days: int,
        cluster_threshold: int,
    ) -> dict[str, Stats]:
        index = (day - FIRST_DAY).days
        out = {}
        for code, days in self.cases.items():
            upto = bisect.bisect_right(days, index)
            if not upto:
                continue
            window = upto - bisect.bisect_left(days, index - window_days + 1)
            clusters = self.clusters[code]
            in_window = bisect.bisect_right(clusters, index) - bisect.bisect_left(
                clusters, index - window_days + 1
            )
            out[code] = Stats(
                cumulative_confirmed=upto,
                new_confirmed_in_window=window,
                has_cluster_in_window=in_window > 0,  # each cluster day is one cluster
                last_confirmed_date=FIRST_DAY + dt.timedelta(days=days[upto - 1]),
            )
        return out


def median_ms(fn: Callable[[], Any], runs: int) -> float:
    fn()  # warm caches (and the connection)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def peak_mib(fn: Callable[[], Any]) -> float:
    tracemalloc.start()
    fn()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 2**20


def reset() -> None:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(
            "TRUNCATE riskareas_risklevelchange, riskareas_risklevel, riskareas_riskoverride, "
            "riskareas_riskassessment, riskareas_riskcomputation CASCADE"
        )
        cur.execute("DELETE FROM core_auditentry WHERE action LIKE 'riskareas.%%'")


def officer() -> Any:
    from epicontrol.accounts.models import Membership, User
    from epicontrol.jurisdictions.models import Jurisdiction

    user, _ = User.objects.get_or_create(username="bench-province")
    Membership.objects.get_or_create(
        user=user,
        role="command_officer",
        jurisdiction=Jurisdiction.objects.get(code=PROVINCE),
        defaults={"is_active": True},
    )
    return User.objects.get(pk=user.pk)


FLOOR_LIST_SQL = """
SELECT DISTINCT ON (c.jurisdiction_id) j.code, j.name, c.to_level, c.scheme, c.source,
       c.effective_from, c.created_at, c.reasons
FROM riskareas_risklevelchange c
JOIN jurisdictions_jurisdiction j ON j.id = c.jurisdiction_id
WHERE c.jurisdiction_id = ANY(%s) AND c.effective_from <= %s
ORDER BY c.jurisdiction_id, c.effective_from DESC, c.id DESC
"""

FLOOR_COUNTIES_SQL = """
SELECT id FROM jurisdictions_jurisdiction
WHERE level = 'county' AND is_administrative AND path LIKE %s
  AND (valid_from IS NULL OR valid_from <= %s) AND (valid_to IS NULL OR valid_to > %s)
"""


def floor_list(day: dt.date) -> list[Any]:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(FLOOR_COUNTIES_SQL, ["430000/%", day, day])
        ids = [r[0] for r in cur.fetchall()]
        cur.execute(FLOOR_LIST_SQL, [ids, day])
        return cur.fetchall()


def floor_history(code: str) -> list[Any]:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(
            "SELECT c.* FROM riskareas_risklevelchange c JOIN jurisdictions_jurisdiction j "
            "ON j.id = c.jurisdiction_id WHERE j.code = %s "
            "ORDER BY c.effective_from DESC, c.id DESC",
            [code],
        )
        rows = cur.fetchall()
        cur.execute(
            "SELECT a.* FROM riskareas_riskassessment a JOIN jurisdictions_jurisdiction j "
            "ON j.id = a.jurisdiction_id WHERE j.code = %s ORDER BY a.day DESC LIMIT 60",
            [code],
        )
        return rows + cur.fetchall()


def floor_compute_write(day_rows: list[tuple[Any, ...]]) -> None:
    """COPY the day's assessment rows into a temporary copy of the table (the write floor)."""
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cur:
        cur.execute(
            "CREATE TEMP TABLE IF NOT EXISTS bench_assess "
            "(LIKE riskareas_riskassessment INCLUDING ALL) ON COMMIT DELETE ROWS"
        )
        buf = io.StringIO()
        for row in day_rows:
            buf.write("\t".join(str(v) for v in row) + "\n")
        buf.seek(0)
        with cur.cursor.copy(
            "COPY bench_assess (jurisdiction_id, day, scheme, policy_version_id, level, inputs, "
            "reasons, created_at, updated_at) FROM STDIN"
        ) as copy:
            copy.write(buf.read())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--days", type=int, default=365, help="days of history (scale)")
    parser.add_argument("--runs", type=int, default=15, help="timed runs per read operation")
    parser.add_argument("--no-write", action="store_true", help="do not update RESULTS.md")
    args = parser.parse_args()
    setup_django()

    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from epicontrol.jurisdictions.divisions import load_divisions
    from epicontrol.jurisdictions.models import Jurisdiction
    from epicontrol.riskareas.counties import counties_on
    from epicontrol.riskareas.models import RiskAssessment, RiskLevelChange
    from epicontrol.riskareas.policy import seed_risk_policies
    from epicontrol.riskareas.selectors import county_history, dashboard_figures, risk_level_list
    from epicontrol.riskareas.services import risk_levels_compute

    call_command("migrate", verbosity=0)
    if not Jurisdiction.objects.filter(code="430203").exists():
        load_divisions()
    seed_risk_policies()
    reset()
    user = officer()
    counties = list(counties_on(FIRST_DAY, root_path="430000/").values_list("code", flat=True))
    epidemic = SyntheticEpidemic(counties, args.days)
    days = [FIRST_DAY + dt.timedelta(days=i) for i in range(args.days)]

    # Write: compute every day once (the platform), then the same day's rows by COPY (floor).
    compute_ms = []
    for day in days:
        start = time.perf_counter()
        risk_levels_compute(actor=None, day=day, root_code=PROVINCE, stats_provider=epidemic)
        compute_ms.append((time.perf_counter() - start) * 1000)
    mid = days[len(days) // 2]
    day_rows = [
        (
            a.jurisdiction_id,
            a.day,
            a.scheme,
            a.policy_version_id,
            a.level,
            json.dumps(a.inputs),
            json.dumps(a.reasons),
            a.created_at.isoformat(),
            a.updated_at.isoformat(),
        )
        for a in RiskAssessment.objects.filter(day=mid)
    ]
    assessments = RiskAssessment.objects.count()
    changes = RiskLevelChange.objects.count()

    sample_days = [days[int(i * (len(days) - 1) / 6)] for i in range(7)]
    rng = random.Random(SEED)
    pick = lambda: rng.choice(sample_days)  # noqa: E731 - a tiny closure reads best here
    client = Client()
    client.force_login(user)
    busiest = max(counties, key=lambda c: len(epidemic.cases[c]))
    rows: list[tuple[str, float, float, float]] = []

    def add(name: str, platform_fn: Callable[[], Any], floor_fn: Callable[[], Any]) -> None:
        p = median_ms(platform_fn, args.runs)
        f = median_ms(floor_fn, args.runs)
        rows.append((name, p, f, peak_mib(platform_fn)))

    add(
        "compute one province-day again (idempotent)",
        lambda: risk_levels_compute(
            actor=None, day=mid, root_code=PROVINCE, stats_provider=epidemic
        ),
        lambda: floor_compute_write(day_rows),
    )
    add(
        "list of a province on a date (selector)",
        lambda: risk_level_list(user=user, parent_code=PROVINCE, day=pick()),
        lambda: floor_list(pick()),
    )
    add(
        "list page /riskareas/ (server time)",
        lambda: client.get("/riskareas/", {"parent": PROVINCE, "date": pick().isoformat()}),
        lambda: floor_list(pick()),
    )
    add(
        "API GET /api/v1/risk-levels",
        lambda: client.get("/api/v1/risk-levels", {"parent": PROVINCE, "date": pick().isoformat()}),
        lambda: floor_list(pick()),
    )
    province = Jurisdiction.objects.get(code=PROVINCE)
    add(
        "dashboard_figures (province)",
        lambda: dashboard_figures(user=user, jurisdiction=province, day=pick()),
        lambda: floor_list(pick()),
    )
    add(
        "county history (selector)",
        lambda: county_history(user=user, code=busiest),
        lambda: floor_history(busiest),
    )
    add(
        "county page /riskareas/<code>/",
        lambda: client.get(f"/riskareas/{busiest}/"),
        lambda: floor_history(busiest),
    )
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    load = os.getloadavg()[1]
    scale = f"{len(counties)} counties × {args.days} days × 2 schemes"
    first_compute = statistics.median(compute_ms)
    header = (
        f"{len(counties)} counties, {args.days} days, {assessments:,} assessments, "
        f"{changes:,} designation changes; first computation of a province-day: median "
        f"{first_compute:.0f} ms (p95 {sorted(compute_ms)[int(len(compute_ms) * 0.95) - 1]:.0f} "
        f"ms); process peak RSS {rss:.0f} MiB; machine load average {load:.1f} during the run"
    )
    lines = [
        "| Operation | Platform (ms) | Floor (ms) | Ratio | Peak Python memory (MiB) | Scale |",
        "|---|---:|---:|---:|---:|---|",
    ]
    for name, p, f, mem in rows:
        lines.append(f"| {name} | {p:.1f} | {f:.1f} | {p / f:.1f}× | {mem:.1f} | {scale} |")
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
        with_db = f"PostgreSQL {cur.fetchone()[0]}"
    section = (
        "## riskareas\n\n"
        f"Run {dt.date.today().isoformat()} on {platform.machine()} ({os.cpu_count()} cores), "
        f"Python {platform.python_version()}, Django {django.get_version()}, {with_db}. "
        "`benchmarks/riskareas/bench_riskareas.py`; medians of repeated runs, the floor measured "
        "in the same run (floors: the same rows read with one raw SQL query — DISTINCT ON for the "
        "designations — or the day's assessment rows written with COPY).\n\n"
        f"{header}.\n\n{table}\n"
    )
    write_section(section)


if __name__ == "__main__":
    main()
