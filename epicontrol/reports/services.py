"""Writes of the reports app: import of daily series, submitted reports, populations.

Every write is atomic and audited. Only command officers (and superusers) file reports, and only
for jurisdictions inside their area.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from epicontrol.core.audit import audit_bulk, audit_record, diff_fields
from epicontrol.core.errors import NotFound
from epicontrol.core.scoping import scope_of
from epicontrol.jurisdictions.models import Jurisdiction

from . import providers
from .choices import ReportSource
from .errors import (
    ConcurrentWrite,
    ImportInvalid,
    InvalidDate,
    InvalidFigure,
    InvalidPopulation,
    NoLineList,
    ReportForbidden,
    ReportOutOfScope,
)
from .importing import ParsedRow, RowError, parse
from .indicators import STORED_NAMES
from .models import DailyReport, DailyReportImport, ReportingUnit

FILING_ROLES = ("command_officer",)
POPULATION_FILE = Path(__file__).resolve().parent / "data" / "hunan_population.csv"


def can_file(user: Any) -> bool:
    """Whether the user may import or submit daily reports and set populations."""
    if not getattr(user, "is_authenticated", False):
        return False
    return bool(getattr(user, "is_superuser", False) or user.has_role(*FILING_ROLES))


def _require_filer(actor: Any) -> None:
    if not can_file(actor):
        raise ReportForbidden()


def _require_scope(actor: Any, jurisdiction: Jurisdiction) -> None:
    if not scope_of(actor).covers_path(jurisdiction.path):
        raise ReportOutOfScope(jurisdiction=jurisdiction.code)


def _actor(actor: Any) -> Any:
    return actor if getattr(actor, "pk", None) is not None else None


# --- import -------------------------------------------------------------------------------


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    rows: int = 0
    units_created: int = 0
    batch_id: int | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "errors": [e.as_dict() for e in self.errors],
            "rows": self.rows,
            "units_created": self.units_created,
            "batch": self.batch_id,
        }


@dataclass
class _Target:
    """Where one parsed row goes: a division, an existing unit, or a unit to create."""

    jurisdiction: Jurisdiction
    unit: ReportingUnit | None = None
    new_unit: tuple[str, str] | None = None  # (code, name) of a unit created by this import

    @property
    def key(self) -> tuple[int, str]:
        if self.unit is not None:
            return (self.jurisdiction.pk, f"u{self.unit.pk}")
        if self.new_unit is not None:
            return (self.jurisdiction.pk, f"new:{self.new_unit[1]}")
        return (self.jurisdiction.pk, "")


class _Resolver:
    """Maps the province and unit codes of parsed rows to divisions and reporting units.

    Two queries for the whole file: the divisions named by code, and the existing units under
    the provinces.
    """

    def __init__(self, rows: list[ParsedRow]) -> None:
        codes = {self._province_code(r.province_code) for r in rows}
        codes |= {r.unit_code for r in rows if r.unit_code.isdigit()}
        self.divisions = {j.code: j for j in Jurisdiction.objects.filter(code__in=codes)}
        provinces = [j for j in self.divisions.values() if j.level == "province"]
        self.units_by_code: dict[tuple[int, str], ReportingUnit] = {}
        self.units_by_name: dict[tuple[int, str], ReportingUnit] = {}
        for unit in ReportingUnit.objects.filter(parent__in=provinces).select_related("parent"):
            if unit.code:
                self.units_by_code[(unit.parent_id, unit.code)] = unit
            self.units_by_name[(unit.parent_id, unit.name)] = unit

    @staticmethod
    def _province_code(code: str) -> str:
        # Some series write provinces with their 2-digit code (43) instead of 430000.
        return f"{code}0000" if len(code) == 2 and code.isdigit() else code

    def resolve(self, row: ParsedRow) -> _Target | RowError:
        province = self.divisions.get(self._province_code(row.province_code))
        if province is None or province.level != "province":
            return RowError(
                row.row, "provinceCode", "import.unknown_unit", _("Unknown province code.")
            )
        if row.is_province_total or row.unit_code == province.code:
            return _Target(jurisdiction=province)
        if row.unit_code.isdigit():
            # A division code must be a known division inside the province.
            division = self.divisions.get(row.unit_code)
            if division is None:
                return RowError(
                    row.row, "cityCode", "import.unknown_unit", _("Unknown division code.")
                )
            if not division.path.startswith(province.path):
                return RowError(
                    row.row,
                    "cityCode",
                    "import.unit_outside_province",
                    _("This division is not in the province of the row."),
                )
            return _Target(jurisdiction=division)
        # Not a division (境外输入 4300y0, prison systems, "source not published" …): a
        # named non-geographic unit under the province, never dropped.
        name = row.unit_name or row.unit_code
        unit = (
            self.units_by_code.get((province.pk, row.unit_code)) if row.unit_code else None
        ) or self.units_by_name.get((province.pk, name))
        if unit is not None:
            return _Target(jurisdiction=province, unit=unit)
        return _Target(jurisdiction=province, new_unit=(row.unit_code, name))


@transaction.atomic
def daily_report_import(
    *, actor: Any, file_name: str, content: bytes, partial: bool = False
) -> ImportResult:
    """Import a daily series file (CSV or Excel, Hunan series format).

    Every row is validated (date, non-negative whole numbers, known province and division
    codes, inside the actor's area, one row per unit and date). Rows for units that are not
    divisions become named ``ReportingUnit``s under their province. Existing reports with the
    same figures are left alone (a re-import changes nothing); different figures are updated
    and audited with the changed fields.

    All-or-nothing by default: any error raises ImportInvalid ("daily_report.import_invalid",
    422) with the row errors and writes nothing. With ``partial`` the valid rows are written
    and the errors returned. Raises ReportForbidden ("daily_report.forbidden") for roles that do
    not file reports and ConcurrentWrite ("daily_report.conflict", 409) when another write took
    the same unit and date meanwhile.
    """
    _require_filer(actor)
    parsed = parse(file_name, content)
    errors = list(parsed.errors)
    resolver = _Resolver(parsed.rows)
    scope = scope_of(actor)
    targets: list[tuple[ParsedRow, _Target]] = []
    seen: dict[tuple[tuple[int, str], dt.date], int] = {}
    for row in parsed.rows:
        target = resolver.resolve(row)
        if isinstance(target, RowError):
            errors.append(target)
            continue
        if not scope.covers_path(target.jurisdiction.path):
            errors.append(
                RowError(row.row, "cityCode", "import.out_of_scope", _("Outside your area."))
            )
            continue
        first = seen.setdefault((target.key, row.day), row.row)
        if first != row.row:
            errors.append(
                RowError(
                    row.row,
                    "date",
                    "import.duplicate_row",
                    _("Same unit and date as row %(row)s.") % {"row": first},
                )
            )
            continue
        targets.append((row, target))
    errors.sort(key=lambda e: (e.row or 0, e.column or ""))
    if errors and not partial:
        raise ImportInvalid(errors=[e.as_dict() for e in errors], rows=parsed.row_count)
    result = ImportResult(errors=errors, rows=parsed.row_count)
    province = next(
        (
            t.jurisdiction
            for _r, t in targets
            if t.unit is None and t.new_unit is None and t.jurisdiction.level == "province"
        ),
        None,
    )
    batch = DailyReportImport.objects.create(
        jurisdiction=province or (targets[0][1].jurisdiction if targets else None),
        file_name=file_name[:255],
        sha256=hashlib.sha256(content).hexdigest(),
        partial=partial,
        rows=parsed.row_count,
        created_by=_actor(actor),
    )
    result.batch_id = batch.pk
    _create_units(actor, targets, result)
    _write_reports(actor, targets, parsed.value_columns, batch, result)
    batch.created, batch.updated, batch.unchanged = result.created, result.updated, result.unchanged
    batch.errors = len(errors)
    batch.save(update_fields=["created", "updated", "unchanged", "errors", "updated_at"])
    audit_record(
        actor=actor,
        action="reports.daily_series.imported",
        target=batch,
        changes={
            "file": file_name,
            "rows": parsed.row_count,
            "created": result.created,
            "updated": result.updated,
            "unchanged": result.unchanged,
            "errors": len(errors),
            "units_created": result.units_created,
        },
    )
    return result


def _create_units(
    actor: Any, targets: list[tuple[ParsedRow, _Target]], result: ImportResult
) -> None:
    wanted: dict[tuple[int, str], tuple[Jurisdiction, str, str]] = {}
    for _row, target in targets:
        if target.new_unit is not None:
            code, name = target.new_unit
            wanted.setdefault((target.jurisdiction.pk, name), (target.jurisdiction, code, name))
    if not wanted:
        return
    created = ReportingUnit.objects.bulk_create(
        [
            ReportingUnit(parent=parent, code=code, name=name, created_by=_actor(actor))
            for parent, code, name in wanted.values()
        ]
    )
    if any(u.pk is None for u in created):  # backends that do not return ids on bulk insert
        created = list(
            ReportingUnit.objects.filter(
                parent_id__in={k[0] for k in wanted}, name__in={k[1] for k in wanted}
            ).select_related("parent")
        )
    by_key = {(u.parent_id, u.name): u for u in created}
    for _row, target in targets:
        if target.new_unit is not None:
            target.unit = by_key[(target.jurisdiction.pk, target.new_unit[1])]
            target.new_unit = None
    audit_bulk(actor=actor, action="reports.reporting_unit.created", targets=created)
    result.units_created = len(created)


def _write_reports(
    actor: Any,
    targets: list[tuple[ParsedRow, _Target]],
    columns: tuple[str, ...],
    batch: DailyReportImport,
    result: ImportResult,
) -> None:
    if not targets:
        return
    days = [row.day for row, _t in targets]
    jurisdiction_ids = {t.jurisdiction.pk for _r, t in targets}
    existing: dict[tuple[int, int | None, dt.date], DailyReport] = {
        (r.jurisdiction_id, r.unit_id, r.date): r
        for r in DailyReport.objects.select_for_update().filter(
            jurisdiction_id__in=jurisdiction_ids, date__gte=min(days), date__lte=max(days)
        )
    }
    actor_obj = _actor(actor)
    now = timezone.now()
    to_create: list[DailyReport] = []
    to_update: list[tuple[DailyReport, dict[str, Any]]] = []
    for row, target in targets:
        unit_id = target.unit.pk if target.unit is not None else None
        report = existing.get((target.jurisdiction.pk, unit_id, row.day))
        if report is None:
            to_create.append(
                DailyReport(
                    jurisdiction=target.jurisdiction,
                    unit=target.unit,
                    date=row.day,
                    source=ReportSource.IMPORTED,
                    batch=batch,
                    created_by=actor_obj,
                    updated_by=actor_obj,
                    **{name: row.values.get(name) for name in columns},
                )
            )
            continue
        before = {name: getattr(report, name) for name in columns}
        after = {name: row.values.get(name) for name in columns}
        changes = diff_fields(before, after)
        if not changes:
            result.unchanged += 1
            continue
        for name, value in after.items():
            setattr(report, name, value)
        report.source = ReportSource.IMPORTED
        report.batch = batch
        report.updated_by = actor_obj
        report.updated_at = now
        report.jurisdiction = target.jurisdiction  # cached for the audit entry's path
        to_update.append((report, changes))
    if to_create:
        try:
            with transaction.atomic():
                DailyReport.objects.bulk_create(to_create, batch_size=2000)
        except IntegrityError:  # a concurrent import or submission took a (unit, date) first
            raise ConcurrentWrite() from None
        audit_bulk(
            actor=actor,
            action="reports.daily_report.imported",
            targets=to_create,
            changes={"batch": batch.pk, "file": batch.file_name},
        )
        result.created = len(to_create)
    if to_update:
        DailyReport.objects.bulk_update(
            [r for r, _c in to_update],
            [*columns, "source", "batch", "updated_by", "updated_at"],
            batch_size=2000,
        )
        for report, changes in to_update:
            audit_record(
                actor=actor,
                action="reports.daily_report.updated",
                target=report,
                changes={**changes, "batch": batch.pk},
            )
        result.updated = len(to_update)


# --- submitted reports ------------------------------------------------------------------------


def _clean_values(values: Mapping[str, Any]) -> dict[str, int | None]:
    out: dict[str, int | None] = {}
    for name in STORED_NAMES:
        value = values.get(name)
        if value is None or value == "":
            out[name] = None
            continue
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise InvalidFigure(field=name)
        out[name] = value
    return out


@transaction.atomic
def daily_report_submit(
    *,
    actor: Any,
    jurisdiction: Jurisdiction,
    day: dt.date,
    values: Mapping[str, Any],
    unit: ReportingUnit | None = None,
    note: str = "",
    source: str = ReportSource.SUBMITTED,
) -> DailyReport:
    """File (or correct) the totals a level reports for one date; one report per unit and day.

    ``values`` maps stored indicator names to whole numbers ≥ 0, or None for "not reported".
    Raises ReportForbidden ("daily_report.forbidden"), ReportOutOfScope
    ("daily_report.out_of_scope"), InvalidFigure ("daily_report.invalid_value"), InvalidDate
    ("daily_report.invalid_date", for future dates), ConcurrentWrite ("daily_report.conflict")
    and NotFound for a unit that is not under the jurisdiction.
    """
    _require_filer(actor)
    _require_scope(actor, jurisdiction)
    if unit is not None and unit.parent_id != jurisdiction.pk:
        raise NotFound()
    if day > timezone.localdate():
        raise InvalidDate(field="date")
    clean = _clean_values(values)
    report = (
        DailyReport.objects.select_for_update()
        .filter(jurisdiction=jurisdiction, unit=unit, date=day)
        .first()
    )
    actor_obj = _actor(actor)
    if report is None:
        try:
            with transaction.atomic():
                report = DailyReport.objects.create(
                    jurisdiction=jurisdiction,
                    unit=unit,
                    date=day,
                    source=source,
                    note=note,
                    created_by=actor_obj,
                    updated_by=actor_obj,
                    **clean,
                )
        except IntegrityError:  # someone filed the same unit and date a moment ago
            raise ConcurrentWrite() from None
        audit_record(
            actor=actor,
            action=f"reports.daily_report.{source}",
            target=report,
            changes={"date": day, "source": source, **clean},
        )
        return report
    before = {**report.values(), "note": report.note, "source": report.source}
    for name, value in clean.items():
        setattr(report, name, value)
    report.note, report.source, report.updated_by = note, source, actor_obj
    changes = diff_fields(before, {**clean, "note": note, "source": source})
    if changes:
        report.save()
        audit_record(
            actor=actor, action="reports.daily_report.updated", target=report, changes=changes
        )
    return report


@transaction.atomic
def daily_report_compute(*, actor: Any, jurisdiction: Jurisdiction, day: dt.date) -> DailyReport:
    """Store the line list's figures of a jurisdiction as its report for the day (数出一门:
    the report is generated from the records, not typed again).

    Raises what ``daily_report_submit`` raises, and NoLineList ("daily_report.no_line_list")
    when the platform holds no line list for the area.
    """
    _require_filer(actor)
    _require_scope(actor, jurisdiction)
    listed = providers.line_list(root_path=jurisdiction.path, start=day, end=day)
    if not listed.covers(jurisdiction.path):
        raise NoLineList()
    rows = [by_day[day] for by_day in listed.counties.values() if day in by_day]
    if not rows:
        raise NoLineList()
    totals: dict[str, int | None] = {}
    for name in STORED_NAMES:
        parts = [r[name] for r in rows if r.get(name) is not None]
        totals[name] = sum(p for p in parts if p is not None) if parts else None
    return daily_report_submit(
        actor=actor,
        jurisdiction=jurisdiction,
        day=day,
        values=totals,
        note=_("Computed from the line list"),
        source=ReportSource.COMPUTED,
    )


# --- population ---------------------------------------------------------------------------------


@transaction.atomic
def population_set(*, actor: Any, jurisdiction: Jurisdiction, population: int) -> Jurisdiction:
    """Set a division's resident population (the denominator of the infection rate).

    Raises ReportForbidden, ReportOutOfScope and InvalidPopulation ("population.invalid").
    """
    _require_filer(actor)
    _require_scope(actor, jurisdiction)
    if isinstance(population, bool) or not isinstance(population, int) or population <= 0:
        raise InvalidPopulation(field="population")
    locked = Jurisdiction.objects.select_for_update().get(pk=jurisdiction.pk)
    if locked.population != population:
        old = locked.population
        # The jurisdictions app has no population service yet; this is the one writer of the
        # field, and it only ever touches this column.
        Jurisdiction.objects.filter(pk=locked.pk).update(population=population)
        locked.population = population
        audit_record(
            actor=actor,
            action="jurisdictions.population_set",
            target=locked,
            changes={"population": [old, population]},
        )
    return locked


def population_load(*, actor: Any, path: Path = POPULATION_FILE) -> int:
    """Load populations from a CSV (``code,name,population,…``; ``#`` lines are comments).

    Returns how many divisions changed; unknown codes are skipped. Idempotent.
    """
    lines = [ln for ln in path.read_text(encoding="utf-8").splitlines() if not ln.startswith("#")]
    changed = 0
    codes = {row["code"]: int(row["population"]) for row in csv.DictReader(lines)}
    for j in Jurisdiction.objects.filter(code__in=list(codes)):
        if j.population != codes[j.code]:
            population_set(actor=actor, jurisdiction=j, population=codes[j.code])
            changed += 1
    return changed
