"""Bulk import of a ledger file (.xlsx through python-calamine, or .csv).

The import validates every row first and reports each problem as (row, column, code,
message); by default nothing is written when any row fails (all-or-nothing), or only the good
rows with ``good_rows_only``. It is idempotent: a row whose person, category, grid and arrival
date are already in the ledger counts as unchanged, so importing the same file twice creates
nothing the second time.

Persons are de-duplicated by their identity document (keyed hash) across the whole registry,
with bulk lookups; new persons and entries are written with ``bulk_create`` and audited with
``audit_bulk``. No query is made per row.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from epicontrol.core.errors import DomainError
from epicontrol.jurisdictions.choices import Level
from epicontrol.jurisdictions.models import Jurisdiction
from epicontrol.people.bulk import NewPerson, bulk_register
from epicontrol.people.identity import AddressCodes, Document, PhoneKey, parse_document, phone_key
from epicontrol.people.models import Person
from epicontrol.people.services import clean_name

from .choices import Source
from .error_text import describe
from .errors import ImportRejected
from .ledger_bulk import NewEntry, entries_insert
from .ledger_columns import (
    REQUIRED_KEYS,
    cell_text,
    id_type_lookup,
    match_headers,
    normalise_header,
    parse_date,
    source_lookup,
)
from .models import LedgerEntry, PersonCategory
from .permissions import can_write_ledger

MAX_ROWS = 200_000
# Bound on the size of IN (...) lists: SQLite allows 32,766 variables per statement.
CHUNK = 5_000
BATCH = 2_000


@dataclass(frozen=True)
class RowError:
    """One problem in one cell (``column`` is the column key, "" for the whole row)."""

    row: int
    column: str
    code: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "code": self.code, "message": self.message}


@dataclass
class ImportResult:
    """What an import did (or, when ``applied`` is False, would have done)."""

    rows: int = 0
    created: int = 0
    unchanged: int = 0
    persons_created: int = 0
    persons_reused: int = 0
    errors: list[RowError] = field(default_factory=list)
    applied: bool = False

    @property
    def error_rows(self) -> int:
        return len({e.row for e in self.errors})


@dataclass
class _Row:
    number: int
    name: str
    document: Document
    phone: PhoneKey | None
    category: PersonCategory
    source: str
    origin: str
    arrival_date: dt.date | None
    grid: Jurisdiction
    registered_on: dt.date
    current_address: str
    notes: str

    @property
    def person_key(self) -> tuple[str, str]:
        return (self.document.id_type, self.document.hash)


# Reading ---------------------------------------------------------------------------------------


def read_table(name: str, stream: IO[bytes]) -> Iterator[Sequence[Any]]:
    """Rows of the first sheet of an .xlsx file, or of a .csv (UTF-8 or GB18030) file.

    Raises ImportRejected ("import.invalid_file") for other formats and unreadable files.
    """
    suffix = Path(name or "").suffix.lower()
    if suffix in (".xlsx", ".xlsm", ".xls", ".ods"):
        from python_calamine import CalamineError, CalamineWorkbook

        try:
            workbook = CalamineWorkbook.from_filelike(stream)
            sheet = workbook.get_sheet_by_index(0)
            return iter(sheet.iter_rows())
        except (CalamineError, ValueError, OSError) as exc:
            raise ImportRejected(
                _("The Excel file cannot be read."), code="import.invalid_file", reason=str(exc)
            ) from None
    if suffix in (".csv", ".txt"):
        raw = stream.read()
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            # Excel on Chinese Windows saves CSV in GBK; GB18030 is its superset.
            try:
                text = raw.decode("gb18030")
            except UnicodeDecodeError:
                raise ImportRejected(
                    _("The CSV file is neither UTF-8 nor GB18030 text."),
                    code="import.invalid_file",
                ) from None
        return iter(csv.reader(io.StringIO(text, newline="")))
    raise ImportRejected(
        _("Upload an Excel (.xlsx) or CSV file."), code="import.invalid_file", field="file"
    )


def _guarded(rows: Iterator[Sequence[Any]]) -> Iterator[Sequence[Any]]:
    """The rows, with a damaged file (a NUL byte, a broken sheet) refused as a whole."""
    from python_calamine import CalamineError

    try:
        yield from rows
    except (csv.Error, CalamineError, UnicodeDecodeError, ValueError) as exc:
        raise ImportRejected(
            _("The file cannot be read."), code="import.invalid_file", reason=str(exc)[:200]
        ) from None


# Validation ------------------------------------------------------------------------------------


class _Lookups:
    """Everything a row refers to, loaded once per import."""

    def __init__(self, actor: Any, grid_values: set[str]) -> None:
        self.categories: dict[str, PersonCategory] = {}
        for c in PersonCategory.objects.all():
            for key in (c.code, c.name, c.name_en):
                if key:
                    self.categories[normalise_header(key)] = c
        self.sources = source_lookup()
        self.id_types = id_type_lookup()
        self.address_codes = AddressCodes()
        # Cell texts repeat (a handful of categories, sources and dates in 100,000 rows): each
        # distinct text is normalised and looked up once.
        self._memo: dict[tuple[str, Any], Any] = {}
        self.grids: dict[str, Jurisdiction | None] = {}  # value → grid (None: ambiguous)
        if grid_values:
            # Grids by code, then by name among the grids the actor may write (names repeat:
            # every community has a "第一网格", so a name must be unique to be usable).
            fields = ("id", "code", "name", "path", "level", "valid_to")
            for g in Jurisdiction.objects.filter(
                code__in=grid_values, level=Level.GRID, valid_to__isnull=True
            ).only(*fields):
                if can_write_ledger(actor, g.path):
                    self.grids[g.code] = g
            names = grid_values - set(self.grids)
            if names:
                for g in (
                    Jurisdiction.objects.visible_to(actor)
                    .filter(name__in=names, level=Level.GRID, valid_to__isnull=True)
                    .only(*fields)
                ):
                    if not can_write_ledger(actor, g.path):
                        continue
                    self.grids[g.name] = None if g.name in self.grids else g

    def find(self, table: str, text: str) -> Any:
        """The value of ``text`` in the ``categories``/``sources``/``id_types`` table, or None."""
        key = (table, text)
        if key not in self._memo:
            self._memo[key] = getattr(self, table).get(normalise_header(text))
        return self._memo[key]

    def date(self, value: Any) -> dt.date | None:
        """``parse_date`` of a cell, memoised; raises ValueError as it does."""
        key = ("date", value)
        if key not in self._memo:
            try:
                self._memo[key] = parse_date(value)
            except ValueError as exc:
                self._memo[key] = exc
        found = self._memo[key]
        if isinstance(found, ValueError):
            raise ValueError(str(found))
        return found


def _validate(
    number: int,
    cells: dict[str, Any],
    lookups: _Lookups,
    default_grid: Jurisdiction | None,
    default_source: str,
    today: dt.date,
    errors: list[RowError],
) -> _Row | None:
    problems: list[RowError] = []

    def fail(column: str, code: str, message: str) -> None:
        problems.append(RowError(number, column, code, message))

    for key in REQUIRED_KEYS:
        if not cell_text(cells.get(key)):
            fail(key, "import.required", _("This column is required."))
    name = ""
    if cell_text(cells.get("name")):
        try:
            name = clean_name(cell_text(cells.get("name")))
        except DomainError as exc:
            fail("name", exc.code, describe(exc))
    id_type_text = cell_text(cells.get("id_type"))
    id_type = lookups.find("id_types", id_type_text) if id_type_text else "resident_id"
    if id_type is None:
        fail("id_type", "person.invalid_id_type", _("Unknown document type."))
    document = None
    raw_id = cells.get("id_number")
    if isinstance(raw_id, int | float) and not isinstance(raw_id, bool):
        # Excel keeps 15 significant digits: an 18-digit ID typed as a number is already lost.
        fail(
            "id_number",
            "import.id_number_as_number",
            _("The document number was stored as a number; format the column as text."),
        )
    elif cell_text(raw_id) and id_type is not None:
        try:
            document = parse_document(
                id_type, cell_text(raw_id), address_codes=lookups.address_codes, today=today
            )
        except DomainError as exc:
            fail("id_number", exc.code, describe(exc))
    phone = None
    try:
        phone = phone_key(cell_text(cells.get("phone")))
    except DomainError as exc:
        fail("phone", exc.code, describe(exc))
    category = None
    category_text = cell_text(cells.get("category"))
    if category_text:
        category = lookups.find("categories", category_text)
        if category is None:
            fail("category", "import.unknown_category", _("Unknown key-person category."))
        elif not category.is_active:
            fail("category", "ledger_entry.invalid_category", _("This category is not in use."))
    source_text = cell_text(cells.get("source"))
    source = lookups.find("sources", source_text) if source_text else default_source
    if source is None:
        fail("source", "import.unknown_source", _("Unknown source."))
    grid_text = cell_text(cells.get("grid"))
    grid = lookups.grids.get(grid_text) if grid_text else default_grid
    if grid is None:
        if grid_text and grid_text in lookups.grids:
            fail("grid", "import.ambiguous_grid", _("Several grids have this name; use the code."))
        elif grid_text:
            fail("grid", "import.unknown_grid", _("Unknown grid, or not in your area."))
        else:
            fail("grid", "import.required", _("This column is required."))
    dates: dict[str, dt.date | None] = {}
    for key in ("arrival_date", "registered_on"):
        try:
            day = lookups.date(cells.get(key))
        except ValueError:
            fail(key, "import.invalid_date", _("Not a date; write YYYY-MM-DD."))
            continue
        if day is not None and day > today:
            fail(key, "ledger_entry.invalid_date", _("The date is in the future."))
        dates[key] = day
    errors.extend(problems)
    if problems or document is None or category is None or grid is None or source is None:
        return None
    return _Row(
        number=number,
        name=name,
        document=document,
        phone=phone,
        category=category,
        source=source,
        origin=cell_text(cells.get("origin"))[:100],
        arrival_date=dates.get("arrival_date"),
        grid=grid,
        registered_on=dates.get("registered_on") or today,
        current_address=cell_text(cells.get("current_address"))[:300],
        notes=cell_text(cells.get("notes")),
    )


def _chunks(items: Sequence[Any], size: int = CHUNK) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


# The import ------------------------------------------------------------------------------------


def ledger_import(
    *,
    actor: Any,
    name: str,
    stream: IO[bytes],
    default_grid: Jurisdiction | None = None,
    default_source: str = Source.DOOR_TO_DOOR,
    good_rows_only: bool = False,
    today: dt.date | None = None,
) -> ImportResult:
    """Import a ledger file; see the module docstring for the rules.

    Row problems are returned in ``ImportResult.errors`` (codes: ``import.required``,
    ``import.unknown_category``, ``import.unknown_source``, ``import.unknown_grid``,
    ``import.ambiguous_grid``, ``import.invalid_date``, ``import.id_number_as_number``,
    ``import.duplicate_row``, ``ledger_entry.duplicate``, ``ledger_entry.invalid_date``,
    ``person.invalid_id_number``, ``person.invalid_phone`` …). Raises ImportRejected
    ("import.invalid_file", "import.missing_columns", "import.too_many_rows", "import.empty")
    when the file as a whole cannot be used, and DomainError ("import.conflict", 409) when a
    concurrent registration of the same person won the race (nothing is written; retry).
    """
    today = today or timezone.localdate()
    rows = _guarded(read_table(name, stream))
    header = next(rows, None)
    if header is None:
        raise ImportRejected(_("The file is empty."), code="import.empty")
    positions = match_headers(header)
    missing = [k for k in REQUIRED_KEYS if k not in positions]
    if default_grid is None and "grid" not in positions:
        missing.append("grid")
    if missing:
        raise ImportRejected(
            _("Columns are missing: %(columns)s.") % {"columns": ", ".join(missing)},
            code="import.missing_columns",
            columns=missing,
        )
    raw: list[tuple[int, dict[str, Any]]] = []
    for number, values in enumerate(rows, start=2):
        cells = {k: values[p] if p < len(values) else None for k, p in positions.items()}
        if not any(cell_text(v) for v in cells.values()):
            continue  # blank line
        raw.append((number, cells))
        if len(raw) > MAX_ROWS:
            raise ImportRejected(
                _("A file may hold at most %(n)s rows.") % {"n": MAX_ROWS},
                code="import.too_many_rows",
            )
    if not raw:
        raise ImportRejected(_("The file has no data rows."), code="import.empty")

    result = ImportResult(rows=len(raw))
    grid_values = {cell_text(c.get("grid")) for _n, c in raw} - {""}
    lookups = _Lookups(actor, grid_values)
    if default_grid is not None and not can_write_ledger(actor, default_grid.path):
        raise ImportRejected(
            _("You may not write this grid's ledger."), code="screening.forbidden", field="grid"
        )
    valid: list[_Row] = []
    for number, cells in raw:
        parsed = _validate(
            number, cells, lookups, default_grid, default_source, today, result.errors
        )
        if parsed is not None:
            valid.append(parsed)

    # Persons already registered, by document, in one query per chunk of documents.
    person_ids: dict[tuple[str, str], int] = {}
    hashes = sorted({r.document.hash for r in valid})
    for chunk in _chunks(hashes):
        for pk, id_type, doc_hash in (
            Person.objects.active()
            .filter(id_number_hash__in=chunk)
            .values_list("pk", "id_type", "id_number_hash")
        ):
            person_ids[(id_type, doc_hash)] = pk

    # Their entries: the idempotency key and the open (person, category) pairs.
    known: set[tuple[int, int, int, dt.date | None]] = set()
    open_pairs: set[tuple[int, int]] = set()
    for chunk in _chunks(sorted(set(person_ids.values()))):
        for person_id, category_id, grid_id, arrival, status in LedgerEntry.objects.filter(
            person_id__in=chunk
        ).values_list("person_id", "category_id", "grid_id", "arrival_date", "status"):
            known.add((person_id, category_id, grid_id, arrival))
            if status in ("registered", "under_observation"):
                open_pairs.add((person_id, category_id))

    to_create: list[_Row] = []
    seen: dict[tuple[tuple[str, str], int], tuple[int, dt.date | None]] = {}
    for row in valid:
        known_person = person_ids.get(row.person_key)
        pair_key = (row.person_key, row.category.pk)
        if known_person is not None and (
            (known_person, row.category.pk, row.grid.pk, row.arrival_date) in known
        ):
            result.unchanged += 1
            continue
        if pair_key in seen:
            if seen[pair_key] == (row.grid.pk, row.arrival_date):
                result.unchanged += 1  # the same row twice in the file
            else:
                result.errors.append(
                    RowError(
                        row.number,
                        "category",
                        "import.duplicate_row",
                        _("This person is already in this category in an earlier row."),
                    )
                )
            continue
        if known_person is not None and (known_person, row.category.pk) in open_pairs:
            result.errors.append(
                RowError(
                    row.number,
                    "category",
                    "ledger_entry.duplicate",
                    _("This person is already in the ledger in this category."),
                )
            )
            continue
        seen[pair_key] = (row.grid.pk, row.arrival_date)
        to_create.append(row)

    result.errors.sort(key=lambda e: (e.row, e.column))
    if result.errors and not good_rows_only:
        return result
    try:
        _write(actor=actor, name=name, rows=to_create, person_ids=person_ids, result=result)
    except IntegrityError:
        raise DomainError(
            _("Someone registered the same persons at the same time; import again."),
            code="import.conflict",
            status=409,
        ) from None
    result.applied = True
    return result


@transaction.atomic
def _write(
    *,
    actor: Any,
    name: str,
    rows: list[_Row],
    person_ids: dict[tuple[str, str], int],
    result: ImportResult,
) -> None:
    changes = {"source": "screening.import", "file": name[:100]}
    new_people: dict[tuple[str, str], NewPerson] = {}
    for row in rows:
        if row.person_key in person_ids or row.person_key in new_people:
            continue
        new_people[row.person_key] = NewPerson(
            name=row.name,
            document=row.document,
            phone=row.phone,
            jurisdiction=row.grid,  # where the person was found: their current address
            text={"current_address": row.current_address},
        )
    ids = bulk_register(actor=actor, rows=list(new_people.values()), changes=changes)
    person_ids.update(zip(new_people, ids, strict=True))
    entries_insert(
        actor=actor,
        entries=[
            NewEntry(
                person_id=person_ids[row.person_key],
                category=row.category,
                grid=row.grid,
                source=row.source,
                origin=row.origin,
                arrival_date=row.arrival_date,
                registered_on=row.registered_on,
                notes=row.notes,
            )
            for row in rows
        ],
        changes=changes,
    )
    result.created = len(rows)
    result.persons_created = len(new_people)
    result.persons_reused = len({r.person_key for r in rows} - set(new_people))
