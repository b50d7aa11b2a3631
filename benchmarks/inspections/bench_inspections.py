"""Benchmark of supervision and inspection at province scale (PostgreSQL).

    python benchmarks/inspections/bench_inspections.py              # 20,000 inspections
    python benchmarks/inspections/bench_inspections.py --scale 0.05 # smoke run

Data (fixed seed): the province's 14 supervision groups inspect Hunan's townships with a
30-item checklist (20 pass/fail, 5 scale, 5 deduction items) on random days of February to
April 2020: 20,000 inspections × 30 item results (600,000 rows) and 60,000 findings in a
realistic mix of states (closed, rectified on the spot, submitted, rectifying, handed over,
found, reopened; open ones past their deadline flagged overdue and escalated), plus 300
accountability decisions. Loaded with COPY (the generator is not what is measured).

Measured (medians and p95 of several runs), each against a floor in the same run:

(a) the finding list page (filter + first page), ``GET /inspections/findings/`` through the
    Django test client as the provincial officer — unresolved findings of 株洲市, and overdue
    findings of the whole province; floor = the same data queries (page rows and capped
    count) replayed as raw SQL on a cursor;
(b) the province-month bulletin (督查专报, March 2020: ~6,700 inspections, ~20,000 findings),
    ``GET /inspections/bulletin/?month=2020-03`` and the ``bulletin()`` selector alone; floor =
    hand-written SQL computing the same figures (totals, per city, per severity, categories,
    overdue list, accountability);
(c) the province-month ranking (``GET /inspections/scores/``); floor = hand-written SQL of the
    same averages per city, per target type and per score band.
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
import uuid
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
from benchmarks.database import setup_django  # noqa: E402
from benchmarks.measuring import p95, timed  # noqa: E402

os.environ.setdefault("DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/bench_inspections")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("LOG_LEVEL", "WARNING")

SEED = 20200214
INSPECTIONS = 20_000
FINDINGS = 60_000
ITEMS = 30
ACCOUNTABILITY = 300
FIRST_DAY = dt.date(2020, 2, 1)
DAYS = 90
AS_OF = dt.date(2020, 5, 10)  # the day the overdue flags were computed
MONTH = (dt.date(2020, 3, 1), dt.date(2020, 3, 31))
STATUS_MIX = [
    ("closed", 45), ("rectified_on_spot", 20), ("submitted", 8), ("rectifying", 8),
    ("assigned", 7), ("found", 7), ("reopened", 5),
]  # fmt: skip
OPEN = {"found", "assigned", "rectifying", "reopened"}


# --- data --------------------------------------------------------------------------------


def copy_rows(model: Any, fields: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """COPY rows into a model's table (columns named by field names)."""
    from django.db import connection

    columns = ", ".join(f'"{model._meta.get_field(f).column}"' for f in fields)
    n = 0
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f'COPY "{model._meta.db_table}" ({columns}) FROM STDIN') as copy,
    ):
        for row in rows:
            copy.write_row(row)
            n += 1
    return n


def next_id(model: Any) -> int:
    from django.db.models import Max

    return (model.objects.aggregate(m=Max("id"))["m"] or 0) + 1


def bench_template() -> Any:
    """A 30-item community checklist: 20 pass/fail, 5 scale and 5 deduction items."""
    from epicontrol.inspections.models import ChecklistItem, ChecklistTemplate

    template = ChecklistTemplate.objects.filter(code="bench30").first()
    if template is not None:
        return template
    template = ChecklistTemplate.objects.create(
        code="bench30",
        version=1,
        target_type="community",
        name="基准测试检查表（30项）",
        pass_percent=80,
        is_current=True,
    )
    categories = [
        "应急值班值守",
        "重点人员排查",
        "网格化管理",
        "居家健康监测",
        "出入口管控",
        "公共区域消毒",
    ]
    items = []
    for i in range(ITEMS):
        if i < 20:
            rule: dict[str, Any] = {"kind": "pass_fail", "points": 4}
        elif i < 25:
            rule = {"kind": "scale", "points": 4, "fail_below": 3}
        else:
            rule = {"kind": "deduction", "per_occurrence": 2, "points": 4, "max_deduction": 4}
        items.append(
            ChecklistItem(
                template=template,
                position=i + 1,
                code=f"{i + 1}",
                category=categories[i % 6],
                text=f"检查项{i + 1}",
                method="site",
                rule=rule,
                veto=(i == 7),
                severity="high" if i == 7 else ("low" if i % 5 == 0 else "medium"),
            )
        )
    ChecklistItem.objects.bulk_create(items)
    return template


def generate(scale: float) -> dict[str, int]:
    """Generate and COPY the data set. Deterministic for a given scale."""
    from django.db import connection, transaction
    from django.utils import timezone

    from epicontrol.accounts.models import Membership, User
    from epicontrol.inspections.models import (
        Accountability,
        Finding,
        InspectionRecord,
        InspectionTask,
        ItemResult,
        SupervisionGroup,
    )
    from epicontrol.inspections.policy import inspection_policy
    from epicontrol.inspections.scoring import ItemInput, Rule, score_item, score_sheet
    from epicontrol.inspections.services.groups import group_create
    from epicontrol.jurisdictions.models import Jurisdiction

    rng = random.Random(SEED)
    n_records = max(1, int(INSPECTIONS * scale))
    n_findings = max(1, int(FINDINGS * scale))
    policy = inspection_policy(FIRST_DAY)
    admin = User(username="bench", is_superuser=True)
    province = Jurisdiction.objects.get(code="430000")
    template = bench_template()
    items = list(template.items.all())
    rules = [Rule.parse(i.rule) for i in items]
    groups: dict[str, Any] = {}
    leader, _ = User.objects.get_or_create(username="bench_leader")
    Membership.objects.get_or_create(user=leader, role="supervisor", jurisdiction=province)
    for i, city in enumerate(
        Jurisdiction.objects.filter(parent=province).current().order_by("code")
    ):
        groups[city.code] = SupervisionGroup.objects.filter(
            name=f"基准督导组{i + 1}"
        ).first() or group_create(
            actor=admin,
            name=f"基准督导组{i + 1}",
            command_jurisdiction=province,
            leader=leader,
            targets=[city],
            starts_on=FIRST_DAY,
        )
    townships = list(
        Jurisdiction.objects.filter(path__startswith="430000/", level="township")
        .current()
        .values_list("id", "path", "parent_id")
    )
    now = timezone.now()
    task_id, record_id, finding_id = (
        next_id(InspectionTask),
        next_id(InspectionRecord),
        next_id(Finding),
    )
    tasks, records, results, findings = [], [], [], []
    # Findings per inspection: failed items drawn so that the total is n_findings.
    per_record = [0] * n_records
    for _ in range(n_findings):
        per_record[rng.randrange(n_records)] += 1
    statuses = [s for s, w in STATUS_MIX for _ in range(w)]
    for r in range(n_records):
        t_id, rec_id = task_id + r, record_id + r
        jur_id, path, county_id = townships[rng.randrange(len(townships))]
        group = groups[path.split("/")[1]]
        day = FIRST_DAY + dt.timedelta(days=rng.randrange(int(DAYS)))
        at = dt.datetime(
            day.year,
            day.month,
            day.day,
            10,
            rng.randrange(60),
            tzinfo=timezone.get_current_timezone(),
        )
        failed = set(rng.sample(range(ITEMS), min(ITEMS, per_record[r])))
        scored = []
        for i, (item, rule) in enumerate(zip(items, rules, strict=True)):
            bad = i in failed
            if rule.kind == "pass_fail":
                inp = ItemInput(outcome="fail" if bad else "pass")
            elif rule.kind == "scale":
                inp = ItemInput(value=Decimal(2 if bad else 4))
            else:
                inp = ItemInput(occurrences=rng.randint(1, 3) if bad else 0)
            s = score_item(rule, inp)
            scored.append((item, inp, s))
            results.append(
                (
                    rec_id,
                    item.pk,
                    s.outcome,
                    inp.value,
                    inp.occurrences,
                    "",
                    s.earned,
                    s.maximum,
                    s.deduction,
                    s.failed,
                    False,
                )
            )
        sheet = score_sheet(
            base_score=template.base_score,
            pass_percent=template.pass_percent,
            items=[(s, it.veto) for it, _, s in scored],
        )
        tasks.append(
            (
                t_id,
                None,
                group.pk,
                template.pk,
                jur_id,
                None,
                f"j:{jur_id}",
                "community",
                path,
                "430000/",
                day,
                True,
                "submitted",
                at,
                "",
                None,
                now,
                now,
            )
        )
        records.append(
            (
                rec_id,
                t_id,
                1,
                None,
                True,
                uuid.UUID(int=rng.getrandbits(128), version=4),
                template.pk,
                group.pk,
                jur_id,
                None,
                f"j:{jur_id}",
                "community",
                path,
                "430000/",
                at,
                day,
                leader.pk,
                "",
                None,
                None,
                "",
                sheet.total,
                sheet.maximum,
                sheet.percent,
                sheet.deductions,
                sheet.passed,
                sheet.vetoed,
                "",
                now,
                now,
            )
        )
        for item, _inp, s in scored:
            if not s.failed:
                continue
            status = statuses[rng.randrange(len(statuses))]
            severity = item.severity
            deadline = day + dt.timedelta(days=policy.deadline_days[severity])
            submitted_on = (
                deadline + dt.timedelta(days=rng.randint(-2, 2))
                if status in ("submitted", "closed")
                else None
            )
            submitted_on = max(day, submitted_on) if submitted_on else None
            closed_on = (
                day
                if status == "rectified_on_spot"
                else submitted_on + dt.timedelta(days=1)
                if status == "closed"
                else None
            )
            overdue = status in OPEN and deadline < AS_OF
            findings.append(
                (
                    finding_id,
                    rec_id,
                    item.pk,
                    item.code,
                    item.category,
                    f"{item.text}：现场发现问题",
                    severity,
                    status,
                    group.pk,
                    "community",
                    jur_id,
                    None,
                    path,
                    "430000/",
                    day,
                    deadline,
                    "",
                    None,
                    None,
                    "",
                    None,
                    submitted_on,
                    "",
                    None,
                    closed_on,
                    1 if status == "reopened" else 0,
                    overdue,
                    deadline + dt.timedelta(days=1) if overdue else None,
                    1 if overdue else 0,
                    county_id if overdue else None,
                    now,
                    now,
                )
            )
            finding_id += 1
    overdue_rows = [f for f in findings if f[26]]
    accountability = []
    acc_id = next_id(Accountability)
    for k in range(min(int(ACCOUNTABILITY * scale) or 1, len(overdue_rows))):
        f = overdue_rows[rng.randrange(len(overdue_rows))]
        accountability.append(
            (
                acc_id + k,
                f[0],
                f[1],
                f[8],
                "person",
                f"责任人{k}",
                "社区主任",
                None,
                f[10],
                f[12],
                "430000/",
                "admonition_talk",
                "区纪委监委",
                f[15] + dt.timedelta(days=3),
                "",
                None,
                now,
                now,
            )
        )
    t = time.perf_counter()
    with transaction.atomic():
        copy_rows(
            InspectionTask,
            (
                "id",
                "plan",
                "group",
                "template",
                "target_jurisdiction",
                "target_unit",
                "target_key",
                "target_type",
                "target_path",
                "command_path",
                "scheduled_on",
                "unannounced",
                "status",
                "submitted_at",
                "notes",
                "created_by",
                "created_at",
                "updated_at",
            ),
            tasks,
        )
        copy_rows(
            InspectionRecord,
            (
                "id",
                "task",
                "version",
                "supersedes",
                "is_current",
                "client_id",
                "template",
                "group",
                "target_jurisdiction",
                "target_unit",
                "target_key",
                "target_type",
                "target_path",
                "command_path",
                "inspected_at",
                "inspected_on",
                "submitted_by",
                "persons_present",
                "latitude",
                "longitude",
                "notes",
                "total_score",
                "max_score",
                "percent",
                "deductions",
                "passed",
                "vetoed",
                "correction_reason",
                "created_at",
                "updated_at",
            ),
            records,
        )
        copy_rows(
            ItemResult,
            (
                "record",
                "item",
                "outcome",
                "value",
                "occurrences",
                "note",
                "earned",
                "maximum",
                "deduction",
                "failed",
                "rectified_on_spot",
            ),
            results,
        )
        copy_rows(
            Finding,
            (
                "id",
                "record",
                "item",
                "item_code",
                "category",
                "description",
                "severity",
                "status",
                "group",
                "target_type",
                "responsible_jurisdiction",
                "responsible_unit",
                "responsible_path",
                "command_path",
                "found_on",
                "deadline",
                "requirements",
                "assigned_at",
                "assigned_by",
                "rectification_note",
                "submitted_at",
                "submitted_on",
                "verification_note",
                "verified_by",
                "closed_on",
                "reopen_count",
                "is_overdue",
                "overdue_since",
                "escalation_level",
                "escalated_to",
                "created_at",
                "updated_at",
            ),
            findings,
        )
        copy_rows(
            Accountability,
            (
                "id",
                "finding",
                "record",
                "group",
                "subject_kind",
                "subject_name",
                "subject_position",
                "subject_unit",
                "jurisdiction",
                "jurisdiction_path",
                "command_path",
                "measure",
                "decided_by",
                "decided_on",
                "notes",
                "created_by",
                "created_at",
                "updated_at",
            ),
            accountability,
        )
        with connection.cursor() as cursor:
            for model in (InspectionTask, InspectionRecord, ItemResult, Finding, Accountability):
                table = model._meta.db_table
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT MAX(id) FROM {table}))"
                )
    with connection.cursor() as cursor:
        for model in (InspectionTask, InspectionRecord, ItemResult, Finding, Accountability):
            cursor.execute(f"ANALYZE {model._meta.db_table}")
    return {
        "inspections": len(records),
        "results": len(results),
        "findings": len(findings),
        "accountability": len(accountability),
        "copy_seconds": int(time.perf_counter() - t),
    }


# --- measurement -------------------------------------------------------------------------


def data_queries(fn: Callable[[], Any], tables: Sequence[str]) -> list[str]:
    """The SQL (with parameters bound) that ``fn`` sends touching ``tables``."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        fn()
    return [q["sql"] for q in ctx.captured_queries if any(t in q["sql"] for t in tables)]


def replay(statements: Sequence[str]) -> Callable[[], None]:
    from django.db import connection

    def run() -> None:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)
                cursor.fetchall()

    return run


def bulletin_floor_sql(start: dt.date, end: dt.date) -> list[str]:
    """The province-month bulletin computed by hand: what a DBA would write."""
    s, e = start.isoformat(), end.isoformat()
    city = "split_part(target_path, '/', 2)"
    rcity = "split_part(responsible_path, '/', 2)"
    open_ = "('found','assigned','rectifying','reopened')"
    return [
        f"""SELECT {city}, count(*), count(DISTINCT target_key), avg(percent),
                   count(*) FILTER (WHERE passed)
            FROM inspections_inspectionrecord
            WHERE is_current AND inspected_on BETWEEN '{s}' AND '{e}'
              AND target_path LIKE '430000/%'
            GROUP BY GROUPING SETS (({city}), ())""",
        f"""SELECT {rcity}, severity, count(*),
                   count(*) FILTER (WHERE status = 'rectified_on_spot'),
                   count(*) FILTER (WHERE status IN ('submitted','closed')
                                    AND submitted_on <= deadline),
                   count(*) FILTER (WHERE status = 'closed'),
                   count(*) FILTER (WHERE status IN {open_[:-1]},'submitted')),
                   count(*) FILTER (WHERE status IN {open_} AND is_overdue)
            FROM inspections_finding
            WHERE found_on BETWEEN '{s}' AND '{e}' AND status <> 'withdrawn'
              AND responsible_path LIKE '430000/%'
            GROUP BY GROUPING SETS (({rcity}), (severity), ())""",
        f"""SELECT category, count(*) FROM inspections_finding
            WHERE found_on BETWEEN '{s}' AND '{e}' AND status <> 'withdrawn'
              AND responsible_path LIKE '430000/%'
            GROUP BY category ORDER BY count(*) DESC, category LIMIT 10""",
        f"""SELECT f.id, f.description, f.deadline, j.name, e.name
            FROM inspections_finding f
            JOIN jurisdictions_jurisdiction j ON j.id = f.responsible_jurisdiction_id
            LEFT JOIN jurisdictions_jurisdiction e ON e.id = f.escalated_to_id
            WHERE f.found_on BETWEEN '{s}' AND '{e}' AND f.is_overdue
              AND f.status IN {open_} AND f.responsible_path LIKE '430000/%'
            ORDER BY f.deadline, f.id LIMIT 20""",
        f"""SELECT a.*, j.name FROM inspections_accountability a
            JOIN jurisdictions_jurisdiction j ON j.id = a.jurisdiction_id
            WHERE a.decided_on BETWEEN '{s}' AND '{e}' AND a.jurisdiction_path LIKE '430000/%'
            ORDER BY a.decided_on DESC, a.id DESC LIMIT 50""",
        f"""SELECT count(*) FROM inspections_accountability
            WHERE decided_on BETWEEN '{s}' AND '{e}' AND jurisdiction_path LIKE '430000/%'""",
    ]


def scores_floor_sql(start: dt.date, end: dt.date) -> list[str]:
    s, e = start.isoformat(), end.isoformat()
    city = "split_part(target_path, '/', 2)"
    return [
        f"""SELECT {city}, target_type, count(*), avg(percent), count(*) FILTER (WHERE passed),
                   count(*) FILTER (WHERE percent < 60),
                   count(*) FILTER (WHERE percent >= 60 AND percent < 70),
                   count(*) FILTER (WHERE percent >= 70 AND percent < 80),
                   count(*) FILTER (WHERE percent >= 80 AND percent < 90),
                   count(*) FILTER (WHERE percent >= 90)
            FROM inspections_inspectionrecord
            WHERE is_current AND inspected_on BETWEEN '{s}' AND '{e}'
              AND target_path LIKE '430000/%'
            GROUP BY GROUPING SETS (({city}), (target_type), ())""",
    ]


def fmt_ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def write_results(lines: list[str]) -> None:
    from benchmarks.results_file import write_section

    write_section("## inspections\n\n" + "\n".join(lines))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of 20,000 / 60,000")
    parser.add_argument("--runs", type=int, default=15, help="runs per measurement")
    parser.add_argument("--no-write", action="store_true", help="do not update RESULTS.md")
    args = parser.parse_args(argv)

    setup_django()
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import setup_test_environment

    from epicontrol.accounts.models import Membership, User
    from epicontrol.inspections.bulletins import bulletin
    from epicontrol.inspections.models import Finding, InspectionRecord
    from epicontrol.jurisdictions.models import Jurisdiction

    call_command("migrate", verbosity=0)
    if not Jurisdiction.objects.filter(code="430203").exists():
        call_command("load_divisions")
    expected = max(1, int(INSPECTIONS * args.scale))
    have = InspectionRecord.objects.filter(template__code="bench30").count()
    if have != expected:
        if have:
            print(
                f"the database holds {have} inspections, not {expected}: recreate it "
                f"(dropdb {settings.DATABASES['default']['NAME']}) or use another DATABASE_URL"
            )
            return 2
        print(f"generating {expected} inspections …", flush=True)
        print(generate(args.scale), flush=True)
    n_findings = Finding.objects.count()
    setup_test_environment()  # the test client's template rendering hooks
    settings.ALLOWED_HOSTS = ["testserver"]
    officer, _ = User.objects.get_or_create(username="bench_province")
    Membership.objects.get_or_create(
        user=officer, role="command_officer", jurisdiction=Jurisdiction.objects.get(code="430000")
    )
    client = Client()
    client.force_login(officer)

    def page(url: str, params: dict[str, str]) -> Callable[[], None]:
        def run() -> None:
            response = client.get(url, params)
            assert response.status_code == 200, response.status_code

        return run

    from epicontrol.core.pagination import capped_count
    from epicontrol.inspections.selectors import finding_list

    rows: list[tuple[str, list[float], int, list[float]]] = []
    finding_tables = ("inspections_finding",)
    for label, params, kwargs in (
        (
            "unresolved in 株洲市",
            {"status": "unresolved", "jurisdiction": "430200"},
            {"status": "unresolved", "jurisdiction": "430200"},
        ),
        ("overdue in the province", {"overdue": "1"}, {"overdue": True}),
    ):
        fn = page("/inspections/findings/", params)
        floor = replay(data_queries(fn, finding_tables))
        floor_times, _ = timed(floor, args.runs)
        platform_times, peak = timed(fn, args.runs)
        rows.append((f"finding list page: {label}, first page", platform_times, peak, floor_times))

        def orm(kw: dict[str, Any] = kwargs) -> None:
            qs = finding_list(user=officer, **kw)
            list(qs[:51])
            capped_count(qs)

        platform_times, peak = timed(orm, args.runs)
        rows.append(
            (
                f"finding list data (selector + capped count): {label}",
                platform_times,
                peak,
                floor_times,
            )
        )
    month = {"jurisdiction": "430000", "month": "2020-03"}
    province = Jurisdiction.objects.get(code="430000")
    bulletin_floor = replay(bulletin_floor_sql(*MONTH))
    for label, fn in (
        ("bulletin page, province-month", page("/inspections/bulletin/", month)),
        (
            "bulletin selector, province-month",
            lambda: bulletin(user=officer, jurisdiction=province, start=MONTH[0], end=MONTH[1]),
        ),
    ):
        platform_times, peak = timed(fn, args.runs)
        floor_times, _ = timed(bulletin_floor, args.runs)
        rows.append((label, platform_times, peak, floor_times))
    scores = page(
        "/inspections/scores/",
        {
            "jurisdiction": "430000",
            "date_from": MONTH[0].isoformat(),
            "date_to": MONTH[1].isoformat(),
        },
    )
    platform_times, peak = timed(scores, args.runs)
    floor_times, _ = timed(replay(scores_floor_sql(*MONTH)), args.runs)
    rows.append(("ranking page, province-month", platform_times, peak, floor_times))

    month_records = InspectionRecord.objects.filter(
        inspected_on__range=MONTH, is_current=True
    ).count()
    month_findings = Finding.objects.filter(found_on__range=MONTH).count()
    scale = (
        f"{InspectionRecord.objects.count():,} inspections × {ITEMS} items, "
        f"{n_findings:,} findings (March: {month_records:,} / {month_findings:,})"
    )
    header = "| operation | platform median (p95) | floor median | ratio | peak RSS | scale |"
    lines = [header, "|---|---|---|---|---|---|"]
    for label, platform_times, peak, floor_times in rows:
        med, floor_med = statistics.median(platform_times), statistics.median(floor_times)
        lines.append(
            f"| {label} | {fmt_ms(med)} ({fmt_ms(p95(platform_times))}) | {fmt_ms(floor_med)} "
            f"| {med / floor_med:.1f}× | {peak / 2**20:.0f} MiB | {scale} |"
        )
    import django

    meta = (
        f"\n{dt.date.today().isoformat()} · {platform.node()} · {os.cpu_count()} cores · "
        f"Python {platform.python_version()} · Django {django.get_version()} · PostgreSQL "
        f"{_pg_version()} · load average {os.getloadavg()[0]:.1f} (shared machine) · "
        f"{args.runs} runs each after 2 warm-ups · floor = the same data "
        "queries as raw SQL (lists) or hand-written SQL of the same figures (bulletin, "
        "ranking); the platform times include the test client, middleware, scoping, "
        "queries and template rendering."
    )
    print("\n".join(lines) + "\n" + meta)
    if not args.no_write and args.scale == 1.0:
        write_results([*lines, meta])
    return 0


def _pg_version() -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        return str(cursor.fetchone()[0]).split()[0]


if __name__ == "__main__":
    raise SystemExit(main())
