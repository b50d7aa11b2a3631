"""Benchmark of daily reports at province scale (PostgreSQL).

    python benchmarks/reports/bench_reports.py               # 140 counties × 365 days
    python benchmarks/reports/bench_reports.py --scale 0.1   # smoke run (14 counties × 37 days)

Data (fixed seed): every county-level division of Hunan (134, padded to 140 with synthetic
counties under 长沙市) reports cumulative confirmed / cured / dead and current suspected every day
of 2020 (a random walk; 0.5 % of county-days missing, 0.1 % with a cumulative figure that goes
down). The 14 cities and the province file their own totals from 1 July only, equal to the sum
of their children except on 2 % of days: the first half of the year must be rolled up from the
counties, the second half is reconciled against them. Loaded with bulk inserts.

Measured (medians and p95 of several runs), each against a floor in the same run:

(a) the command dashboard of the province (``GET /reports/430000/``: 60-day curve, four rates,
    the 14 cities, county risk levels and every module's figures, reconciliation of the day),
    through the Django test client with a logged-in provincial officer — once on a day the
    province reports itself, once on a day it must be rolled up from 140 counties; floor = the
    raw SQL that reads the same report rows (the province's series, the cities on the day, and
    for the roll-up day the counties' sums per day);
(b) roll-up and reconciliation of the province-year: ``selectors.series_with_children`` (the
    province and each city, every day of the year, new figures and rates included) plus
    ``reconciliation.reconcile`` of the province for the year;
    floor = raw SQL computing the same sums (per day, per city and day), the parent-versus-
    children differences, the decreases (LAG) and the missing children;
(c) the import of the real Hunan series (5,068 rows, ``daily_report_import``: parse, validate,
    resolve units, insert, audit) inside a rolled-back transaction; floor = ``COPY`` of the same
    rows into a scratch copy of the reports table.
"""

from __future__ import annotations

import argparse
import datetime as dt
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
from benchmarks import measuring  # noqa: E402
from benchmarks.database import setup_django  # noqa: E402
from benchmarks.measuring import fmt_s, p95, versions  # noqa: E402

os.environ.setdefault("DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/bench_reports")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("LOG_LEVEL", "WARNING")

SEED = 20200215
YEAR_START = dt.date(2020, 1, 1)
COUNTIES = 140
DAYS = 365
MISSING_RATE = 0.005
DECREASE_RATE = 0.001
DIFFER_RATE = 0.02
FIELDS = ("confirmed_cumulative", "suspected_current", "cured_cumulative", "dead_cumulative")


# --- data --------------------------------------------------------------------------------


def counties(n: int) -> list[Any]:
    """Hunan's county-level divisions, padded with synthetic ones under 长沙市 up to ``n``."""
    from epicontrol.jurisdictions.models import Jurisdiction

    found = list(
        Jurisdiction.objects.filter(path__startswith="430000/", depth=2)
        .current()
        .exclude(code__startswith="4301B")
        .order_by("code")
    )[:n]
    changsha = Jurisdiction.objects.get(code="430100")
    i = 0
    while len(found) < n:
        i += 1
        code = f"4301B{i}"
        j, _ = Jurisdiction.objects.get_or_create(
            code=code,
            defaults={
                "name": f"基准测试县{i}",
                "level": "county",
                "kind": "county",
                "parent": changsha,
                "path": f"{changsha.path}{code}/",
                "depth": 2,
            },
        )
        found.append(j)
    return found


def generate(n_counties: int, n_days: int) -> tuple[list[Any], dict[str, int]]:
    """The reports (unsaved), deterministic for a given scale."""
    from epicontrol.jurisdictions.models import Jurisdiction
    from epicontrol.reports.models import DailyReport

    rnd = random.Random(SEED)
    leaves = counties(n_counties)
    days = [YEAR_START + dt.timedelta(days=i) for i in range(n_days)]
    parents_from = YEAR_START + dt.timedelta(days=n_days // 2)
    rows: list[Any] = []
    stats = {"missing": 0, "decreases": 0, "differs": 0}
    per_day: dict[tuple[int, dt.date], list[int]] = {}
    cities = {j.pk: j for j in Jurisdiction.objects.filter(path__startswith="430000/", depth=1)}
    province = Jurisdiction.objects.get(code="430000")
    for county in leaves:
        confirmed = cured = dead = 0
        for day in days:
            confirmed += rnd.choice((0, 0, 0, 0, 1, 1, 2, 3))
            cured = min(confirmed, cured + rnd.choice((0, 0, 1, 1, 2)))
            dead = min(confirmed - cured, dead + (1 if rnd.random() < 0.003 else 0))
            suspected = rnd.choice((0, 0, 1, 2))
            values = [confirmed, suspected, cured, dead]
            if rnd.random() < MISSING_RATE:
                stats["missing"] += 1
                continue
            if confirmed > 0 and rnd.random() < DECREASE_RATE:
                values[0] -= 1  # a typo of one day: the cumulative figure goes down
                stats["decreases"] += 1
            rows.append(
                DailyReport(
                    jurisdiction=county,
                    date=day,
                    source="imported",
                    **dict(zip(FIELDS, values, strict=True)),
                )
            )
            for key in (county.parent_id, province.pk):
                total = per_day.setdefault((key, day), [0, 0, 0, 0])
                for k in range(4):
                    total[k] += values[k]
    for (key, day), total in sorted(per_day.items(), key=lambda kv: (kv[0][0], kv[0][1])):
        if day < parents_from:
            continue
        values = list(total)
        if rnd.random() < DIFFER_RATE:
            values[0] += 1  # the parent's own figure disagrees with its children
            stats["differs"] += 1
        owner = cities.get(key) or province
        rows.append(
            DailyReport(
                jurisdiction=owner,
                date=day,
                source="imported",
                **dict(zip(FIELDS, values, strict=True)),
            )
        )
    return rows, stats


def load(n_counties: int, n_days: int) -> tuple[int, dict[str, int], float]:
    from django.db import connection

    from epicontrol.reports.models import DailyReport, DailyReportImport, ReportingUnit

    rows, stats = generate(n_counties, n_days)
    t = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE reports_dailyreport, reports_dailyreportimport CASCADE")
    ReportingUnit.objects.all().delete()
    DailyReportImport.objects.all().delete()
    DailyReport.objects.bulk_create(rows, batch_size=5000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE reports_dailyreport")
        cursor.execute("ANALYZE jurisdictions_jurisdiction")
    return len(rows), stats, time.perf_counter() - t


# --- measurement -------------------------------------------------------------------------


CPU: dict[int, list[float]] = {}  # CPU seconds of this process per run, by id(times list)


def timed(fn: Callable[[], Any], runs: int, warmup: int = 2) -> tuple[list[float], int]:
    """``measuring.timed``, keeping the CPU time of each call in ``CPU``."""
    cpu: list[float] = []
    times, peak = measuring.timed(fn, runs, warmup, cpu=cpu)
    CPU[id(times)] = cpu
    return times, peak


def sql(statement: str, params: list[Any]) -> list[Any]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.fetchall()


SUMS = ", ".join(f"SUM(r.{f})" for f in FIELDS)
SUMS_AS = ", ".join(f"SUM(r.{f}) AS {f}" for f in FIELDS)
COLUMNS = ", ".join(f"r.{f}" for f in FIELDS)


def dashboard_floor(day: dt.date, days: int, rolled: bool) -> None:
    start = day - dt.timedelta(days=days)
    # The province's own series over the window.
    sql(
        f"SELECT r.date, {COLUMNS} FROM reports_dailyreport r JOIN jurisdictions_jurisdiction j "
        "ON j.id = r.jurisdiction_id WHERE j.path = %s AND r.unit_id IS NULL "
        "AND r.date BETWEEN %s AND %s ORDER BY r.date",
        ["430000/", start, day],
    )
    # The cities on the day and the day before.
    sql(
        f"SELECT j.code, r.date, {COLUMNS} FROM reports_dailyreport r JOIN "
        "jurisdictions_jurisdiction j ON j.id = r.jurisdiction_id WHERE j.parent_id = "
        "(SELECT id FROM jurisdictions_jurisdiction WHERE code = '430000') "
        "AND r.date IN (%s, %s)",
        [day - dt.timedelta(days=1), day],
    )
    if rolled:
        # Where the province and cities do not report: the counties summed per day and city.
        sql(
            f"SELECT substr(j.path, 1, 14), r.date, {SUMS} FROM reports_dailyreport r JOIN "
            "jurisdictions_jurisdiction j ON j.id = r.jurisdiction_id WHERE j.path LIKE %s "
            "AND j.depth = 2 AND r.date BETWEEN %s AND %s GROUP BY 1, 2",
            ["430000/%", start, day],
        )


def rollup_reconcile_floor(start: dt.date, end: dt.date) -> int:
    params = ["430000/%", start, end]
    base = (
        "FROM reports_dailyreport r JOIN jurisdictions_jurisdiction j ON j.id = r.jurisdiction_id "
        "WHERE j.path LIKE %s AND r.date BETWEEN %s AND %s"
    )
    # Roll-up: province and city sums per day from the counties.
    sql(f"SELECT r.date, {SUMS} {base} AND j.depth = 2 GROUP BY r.date", params)
    sql(
        f"SELECT substr(j.path, 1, 14), r.date, {SUMS} {base} AND j.depth = 2 GROUP BY 1, 2", params
    )
    # Parents' own figures versus the sum of their children.
    differs = sql(
        f"WITH kids AS (SELECT j.parent_id AS parent, r.date, {SUMS_AS} {base} GROUP BY 1, 2) "
        "SELECT o.jurisdiction_id, o.date FROM reports_dailyreport o JOIN kids k "
        "ON k.parent = o.jurisdiction_id AND k.date = o.date WHERE o.unit_id IS NULL AND ("
        + " OR ".join(f"o.{f} IS DISTINCT FROM k.{f}" for f in FIELDS)
        + ")",
        params,
    )
    # Decreases of cumulative figures from one report to the next.
    decreases = sql(
        "SELECT * FROM (SELECT r.jurisdiction_id, r.date, r.confirmed_cumulative AS c, "
        "LAG(r.confirmed_cumulative) OVER (PARTITION BY r.jurisdiction_id ORDER BY r.date) AS p, "
        "r.cured_cumulative AS u, LAG(r.cured_cumulative) OVER (PARTITION BY r.jurisdiction_id "
        f"ORDER BY r.date) AS pu {base}) x WHERE c < p OR u < pu",
        params,
    )
    # Children that had reported before and did not report on a day their siblings did.
    missing = sql(
        "WITH rep AS (SELECT r.jurisdiction_id AS id, j.parent_id AS parent, r.date "
        f"{base}), first AS (SELECT id, parent, MIN(date) AS d0 FROM rep GROUP BY 1, 2), "
        "days AS (SELECT DISTINCT parent, date FROM rep) "
        "SELECT f.id, d.date FROM first f JOIN days d ON d.parent = f.parent AND d.date >= f.d0 "
        "LEFT JOIN rep x ON x.id = f.id AND x.date = d.date WHERE x.id IS NULL",
        params,
    )
    return len(differs) + len(decreases) + len(missing)


def bench_dashboard(user: Any, day: dt.date, runs: int, rolled: bool) -> dict[str, Any]:
    from django.test import Client

    client = Client()
    client.force_login(user)
    url = f"/reports/430000/?date={day.isoformat()}"

    def platform_op() -> None:
        response = client.get(url)
        assert response.status_code == 200, response.status_code

    platform_times, peak = timed(platform_op, runs)
    floor_times, _ = timed(lambda: dashboard_floor(day, 60, rolled), runs)
    return {"platform": platform_times, "floor": floor_times, "peak": peak}


def bench_rollup(user: Any, end: dt.date, runs: int) -> dict[str, Any]:
    from epicontrol.reports import reconciliation, selectors

    province = selectors.node_get(user=user, code="430000")
    counts: dict[str, int] = {}

    def platform_op() -> None:
        series = selectors.series_with_children(user=user, node=province, start=YEAR_START, end=end)
        items = reconciliation.reconcile(user=user, node=province, start=YEAR_START, end=end)
        counts["points"] = sum(len(points) for _node, points in series)
        counts["items"] = len(items)

    platform_times, peak = timed(platform_op, runs, warmup=1)
    floor_counts: list[int] = []
    floor_times, _ = timed(
        lambda: floor_counts.append(rollup_reconcile_floor(YEAR_START, end)), runs, 1
    )
    return {
        "platform": platform_times,
        "floor": floor_times,
        "peak": peak,
        "items": counts["items"],
        "floor_items": floor_counts[-1],
    }


def bench_import(user: Any, runs: int) -> dict[str, Any]:
    from django.db import connection, transaction

    from epicontrol.reports.importing import parse
    from epicontrol.reports.services import daily_report_import

    path = ROOT / "epicontrol" / "reports" / "data" / "covid2020_hunan_daily.csv"
    content = path.read_bytes()
    created: list[int] = []

    def platform_op() -> None:
        with transaction.atomic():
            result = daily_report_import(actor=user, file_name=path.name, content=content)
            created.append(result.created)
            transaction.set_rollback(True)

    platform_times, peak = timed(platform_op, runs, warmup=1)
    parsed = parse(path.name, content).rows
    codes = {r.unit_code or r.province_code for r in parsed} | {"430000"}
    ids = dict(
        sql("SELECT code, id FROM jurisdictions_jurisdiction WHERE code = ANY(%s)", [list(codes)])
    )
    now = dt.datetime.now(dt.UTC)
    # Rows of non-division units (境外输入) keep a unit id, as the platform stores them.
    stored = [
        (ids.get(r.unit_code or "430000", ids["430000"]),
         None if (r.unit_code or "430000") in ids else 1,
         r.day, "imported", "", now, now, *(r.values.get(f) for f in FIELDS))
        for r in parsed
    ]  # fmt: skip

    floor_times: list[float] = []
    for _ in range(runs):
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE IF EXISTS bench_scratch_report")
            cursor.execute(
                "CREATE TABLE bench_scratch_report (LIKE reports_dailyreport INCLUDING ALL)"
            )
            cols = (
                "jurisdiction_id, unit_id, date, source, note, created_at, updated_at, "
                + ", ".join(FIELDS)
            )
            t = time.perf_counter()
            with cursor.cursor.copy(f"COPY bench_scratch_report ({cols}) FROM STDIN") as copy:
                for row in stored:
                    copy.write_row(row)
            floor_times.append(time.perf_counter() - t)
            cursor.execute("DROP TABLE bench_scratch_report")
    return {"platform": platform_times, "floor": floor_times, "peak": peak, "rows": created[-1]}


# --- report ------------------------------------------------------------------------------


def row(name: str, result: dict[str, Any], scale: str) -> str:
    plat, floor = result["platform"], result["floor"]
    med_p, med_f = statistics.median(plat), statistics.median(floor)
    cpu = statistics.median(CPU.get(id(plat), [0.0]))
    return (
        f"| {name} | {fmt_s(med_p)} (p95 {fmt_s(p95(plat))}) | {fmt_s(cpu)} | {fmt_s(med_f)} | "
        f"{med_p / med_f:.1f}× | {result['peak'] / 2**20:.0f} MB | {scale} |"
    )


def write_results(lines: list[str]) -> None:
    from benchmarks.results_file import write_section

    write_section("## reports\n\n" + "\n".join(lines))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of 140 × 365")
    parser.add_argument("--runs", type=int, default=20, help="runs per dashboard measurement")
    parser.add_argument("--rollup-runs", type=int, default=5)
    parser.add_argument("--import-runs", type=int, default=5)
    parser.add_argument("--no-write", action="store_true", help="do not update RESULTS.md")
    args = parser.parse_args(argv)

    setup_django()
    from django.core.management import call_command

    from epicontrol.accounts.models import Membership, User
    from epicontrol.jurisdictions.models import Jurisdiction
    from epicontrol.reports.rates import seed_rate_definitions

    call_command("migrate", verbosity=0)
    if not Jurisdiction.objects.filter(code="430203").exists():
        call_command("load_divisions")
    seed_rate_definitions()
    n_counties = max(2, round(COUNTIES * args.scale))
    n_days = max(4, round(DAYS * args.scale))
    user, _ = User.objects.get_or_create(username="bench_reports_province")
    Membership.objects.get_or_create(
        user=user, role="command_officer", jurisdiction=Jurisdiction.objects.get(code="430000")
    )
    # The import first, into an empty table (the synthetic year would overlap its dates).
    load(0, 0)
    imported = bench_import(user, args.import_runs)
    n_rows, stats, load_seconds = load(n_counties, n_days)
    print(
        f"loaded {n_rows:,} reports ({n_counties} counties × {n_days} days) in {load_seconds:.1f} s"
    )
    end = YEAR_START + dt.timedelta(days=n_days - 1)
    first_half = YEAR_START + dt.timedelta(days=n_days // 2 - 1)
    scale = f"{n_counties} counties × {n_days} days ({n_rows:,} reports)"
    own = bench_dashboard(user, end, args.runs, rolled=False)
    rolled = bench_dashboard(user, first_half, args.runs, rolled=True)
    rollup = bench_rollup(user, end, args.rollup_runs)

    table = [
        "| Operation | Platform: median (p95) | Platform CPU (median) | Floor (same run) | Ratio "
        "| Peak RSS | Scale |",
        "|---|---|---|---|---|---|---|",
        row("Province dashboard, a day the province reports (60-day curve)", own, scale),
        row("Province dashboard, a day rolled up from the counties", rolled, scale),
        row(
            "Roll-up of the province-year (province + 14 city series) + reconciliation",
            rollup,
            scale,
        ),
        row(
            "Import of the Hunan series (validate, resolve, insert, audit)",
            imported,
            f"{imported['rows']:,} rows",
        ),
    ]
    load_avg = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    lines = [
        f"Run {dt.date.today().isoformat()} on {versions()}; load average at the end {load_avg}.",
        "",
        *table,
        "",
        f"- Data: {stats['missing']} missing county-days, {stats['decreases']} decreases, "
        f"{stats['differs']} parent-day totals that differ from their children; the platform's "
        f"reconciliation listed {rollup['items']:,} discrepancies, the SQL floor "
        f"{rollup['floor_items']:,} rows (the floor checks two cumulative figures and lists a "
        "missing child once per day; the platform checks every indicator).",
        "- Dashboard times are server time through the Django test client (middleware, session, "
        "template), including every installed module's `dashboard_figures` and the county risk "
        "levels on their (empty) tables at this run. Floors are the raw SQL reading the same "
        "report rows. Targets: dashboard p95 ≤ 300 ms; roll-up + reconciliation ≤ 2 s.",
        "- Import floor: `COPY` of the same 5,068 parsed rows into a scratch copy of the table "
        "(no validation, no unit resolution, no audit).",
        "- Platform CPU is the process time of the benchmark process for one run (Python work, "
        "not the database's); on the shared 2-core machine wall times include waiting for a "
        "core.",
    ]
    print("\n".join(lines))
    if not args.no_write:
        write_results(lines)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
