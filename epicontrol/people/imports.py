"""Bulk import of persons from a spreadsheet: validate every row, de-duplicate, insert, audit.

The same rules as a single registration, applied to a whole file with a constant number of
queries per thousand rows (no per-row query):

1. parse and validate every row in Python (name, document, phone, free text), collecting every
   error with its row number, column and code;
2. resolve the jurisdiction codes in one query and check they are in the actor's area;
3. de-duplicate inside the file (same document twice) and against the registry (keyed hashes
   looked up in chunks): a document already registered with the same data is "unchanged" (so
   re-importing a file creates nothing), with other data it is a ``person.duplicate`` error;
4. look for candidate duplicates (name + phone, name + birth date) in the registry and inside
   the file: errors, or warnings when the user chose to create them anyway;
5. all-or-nothing by default (nothing is written when any row is bad); ``good_rows`` writes the
   good rows and lists the rest;
6. encrypt only the rows to create and insert them with their audit entries (``people.bulk``:
   ``COPY`` on PostgreSQL, bulk INSERT and ``audit_bulk`` elsewhere), one entry per person.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from epicontrol.core.errors import DomainError
from epicontrol.core.identity import InvalidIdNumber
from epicontrol.core.scoping import scope_of
from epicontrol.jurisdictions.models import Jurisdiction

from .bulk import NewPerson, bulk_register
from .choices import IdType
from .columns import REQUIRED_CODES, id_type_aliases, match_header
from .errors import ImportConflict, ImportRefused
from .identity import (
    AddressCodes,
    Document,
    PhoneKey,
    parse_document,
    phone_key,
    warning_message,
)
from .models import Person
from .services import EDITABLE, clean_name, clean_text
from .spreadsheets import Table

CHUNK = 1000  # hashes per IN (...) lookup
PAIR_CHUNK = 1000  # (name, birth date) pairs per VALUES lookup
TEXT_FIELDS = tuple(f for f in EDITABLE if f != "name")


class ImportMode(models.TextChoices):
    ALL_OR_NOTHING = "all_or_nothing", gettext_lazy("All or nothing")
    GOOD_ROWS = "good_rows", gettext_lazy("Import the good rows, list the others")


@dataclass(frozen=True)
class RowIssue:
    """One problem of one row: the sheet row number, the column code, a stable code, a message."""

    row: int
    column: str
    code: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "code": self.code, "message": self.message}


@dataclass
class ImportResult:
    mode: str
    rows: int = 0
    created: int = 0
    unchanged: int = 0
    committed: bool = False
    errors: list[RowIssue] = field(default_factory=list)
    warnings: list[RowIssue] = field(default_factory=list)

    @property
    def rejected_rows(self) -> int:
        return len({e.row for e in self.errors})

    def as_dict(self) -> dict[str, Any]:
        return {
            "created": self.created,
            "unchanged": self.unchanged,
            "errors": [e.as_dict() for e in self.errors],
            "warnings": [w.as_dict() for w in self.warnings],
            "rows": self.rows,
            "rejected_rows": self.rejected_rows,
            "committed": self.committed,
            "mode": self.mode,
        }


@dataclass
class _Row:
    number: int
    name: str
    doc: Document
    phone: PhoneKey | None
    code: str
    text: dict[str, str]
    jurisdiction: Jurisdiction | None = None


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _chunks(items: list[Any], size: int) -> Iterable[list[Any]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


class _Validator:
    """Row-level validation; collects issues instead of raising."""

    def __init__(self, table: Table, columns: dict[str, int]) -> None:
        self.table = table
        self.columns = columns
        self.address_codes = AddressCodes()
        self.id_types = id_type_aliases()
        self.today = timezone.localdate()
        self.errors: list[RowIssue] = []
        self.warnings: list[RowIssue] = []
        self.rejected_codes: list[tuple[int, str]] = []  # (row, code) of rows with other errors

    def issue(self, row: int, column: str, exc: DomainError) -> None:
        self.errors.append(RowIssue(row, column, exc.code, exc.message))

    def rows(self) -> list[_Row]:
        out: list[_Row] = []
        col = self.columns
        text_columns = [(f, col[f]) for f in TEXT_FIELDS if f in col]
        for number, cells in self.table.rows:
            width = len(cells)

            def cell(code: str, cells: list[Any] = cells, width: int = width) -> Any:
                i = col.get(code)
                return cells[i] if i is not None and i < width else None

            ok = True
            try:
                name = clean_name(_cell_text(cell("name")))
            except DomainError as exc:
                self.issue(number, "name", exc)
                ok = False
            doc = self._document(number, cell("id_type"), cell("id_number"))
            ok = ok and doc is not None
            try:
                phone = phone_key(_cell_text(cell("phone")))
            except DomainError as exc:
                self.issue(number, "phone", exc)
                ok = False
            code = _cell_text(cell("jurisdiction"))
            if not code:
                self.errors.append(
                    RowIssue(
                        number,
                        "jurisdiction",
                        "person.jurisdiction_required",
                        _("A jurisdiction code is required."),
                    )
                )
                ok = False
            text: dict[str, str] = {}
            for fname, index in text_columns:
                try:
                    text[fname] = clean_text(
                        fname, _cell_text(cells[index] if index < width else None)
                    )
                except DomainError as exc:
                    self.issue(number, fname, exc)
                    ok = False
            if ok:
                assert doc is not None
                out.append(_Row(number, name, doc, phone, code, text))
            elif code:
                self.rejected_codes.append((number, code))
        return out

    def _document(self, number: int, raw_type: Any, raw_number: Any) -> Document | None:
        id_type = self.id_types.get("".join(_cell_text(raw_type).split()).lower(), None)
        if id_type is None:
            if _cell_text(raw_type):
                self.errors.append(
                    RowIssue(
                        number,
                        "id_type",
                        "person.invalid_id_type",
                        _("Unknown ID type; use one of: %(codes)s.")
                        % {"codes": ", ".join(IdType.values)},
                    )
                )
                return None
            id_type = IdType.RESIDENT_ID
        numeric = isinstance(raw_number, int | float) and not isinstance(raw_number, bool)
        if numeric and (id_type == IdType.RESIDENT_ID or abs(raw_number) >= 1e15):
            # Excel keeps 15 significant digits: an 18-digit number typed into a number cell
            # has already lost its last digits, so no check can make it right again.
            self.errors.append(
                RowIssue(
                    number,
                    "id_number",
                    InvalidIdNumber.code,
                    _(
                        "The ID number was stored as a number in Excel and lost its last "
                        "digits; format the column as text and type it again."
                    ),
                )
            )
            return None
        try:
            doc = parse_document(
                id_type, _cell_text(raw_number), address_codes=self.address_codes, today=self.today
            )
        except DomainError as exc:
            self.issue(number, exc.field if exc.field == "id_type" else "id_number", exc)
            return None
        for warning in doc.warnings:
            self.warnings.append(RowIssue(number, "id_number", warning, warning_message(warning)))
        return doc


def _resolve_jurisdictions(
    actor: Any, rows: list[_Row], others: list[tuple[int, str]], errors: list[RowIssue]
) -> list[_Row]:
    """Attach the jurisdiction of every good row; report unknown and out-of-area codes.

    ``others`` are the (row, code) of rows already rejected for another column: their code is
    checked too, so the user sees every problem of a row at once.
    """
    codes = {r.code for r in rows} | {code for _n, code in others}
    found: dict[str, Jurisdiction] = {}
    for chunk in _chunks(sorted(codes), CHUNK):
        found.update((j.code, j) for j in Jurisdiction.objects.filter(code__in=chunk))
    scope = scope_of(actor)

    def check(number: int, code: str) -> Jurisdiction | None:
        j = found.get(code)
        if j is None:
            message = _("Unknown jurisdiction code %(code)s.") % {"code": code}
            errors.append(RowIssue(number, "jurisdiction", "person.invalid_jurisdiction", message))
            return None
        if not scope.covers_path(j.path):
            message = _("The jurisdiction %(code)s is outside your area.") % {"code": code}
            errors.append(
                RowIssue(number, "jurisdiction", "person.jurisdiction_out_of_scope", message)
            )
            return None
        return j

    for number, code in others:
        check(number, code)
    good = []
    for r in rows:
        r.jurisdiction = check(r.number, r.code)
        if r.jurisdiction is not None:
            good.append(r)
    return good


def _same_data(r: _Row, existing: dict[str, Any]) -> bool:
    assert r.jurisdiction is not None
    if existing["name"] != r.name or existing["jurisdiction_id"] != r.jurisdiction.pk:
        return False
    if existing["phone_hash"] != (r.phone.hash if r.phone else ""):
        return False
    return all(existing[f] == v for f, v in r.text.items())


def _split_existing(actor: Any, rows: list[_Row], errors: list[RowIssue]) -> tuple[list[_Row], int]:
    """Rows whose document is not registered yet, and the count of unchanged ones."""
    by_key: dict[tuple[str, str], dict[str, Any]] = {}
    hashes = sorted({r.doc.hash for r in rows})
    fields = (
        "id",
        "id_type",
        "id_number_hash",
        "name",
        "phone_hash",
        "jurisdiction_id",
        *TEXT_FIELDS,
    )
    for chunk in _chunks(hashes, CHUNK):
        for values in Person.objects.active().filter(id_number_hash__in=chunk).values(*fields):
            by_key[(values["id_type"], values["id_number_hash"])] = values
    new, unchanged, clashes = [], 0, []
    for r in rows:
        existing = by_key.get((r.doc.id_type, r.doc.hash))
        if existing is None:
            new.append(r)
        elif _same_data(r, existing):
            unchanged += 1
        else:
            clashes.append((r, existing["id"]))
    visible: set[int] = set()
    for chunk in _chunks(sorted({pk for _r, pk in clashes}), CHUNK):
        visible.update(
            Person.objects.visible_to(actor).filter(pk__in=chunk).values_list("pk", flat=True)
        )
    for r, pk in clashes:
        message = _("This document is already registered with other data")
        if pk in visible:
            message += _(" (record #%(id)d); edit that record instead.") % {"id": pk}
        else:
            message += _(" in another area.")
        errors.append(RowIssue(r.number, "id_number", "person.duplicate", message))
    return new, unchanged


def _within_file(rows: list[_Row], errors: list[RowIssue]) -> list[_Row]:
    first: dict[tuple[str, str], int] = {}
    out = []
    for r in rows:
        key = (r.doc.id_type, r.doc.hash)
        if key in first:
            errors.append(
                RowIssue(
                    r.number,
                    "id_number",
                    "person.duplicate_in_file",
                    _("The same document is on row %(row)d.") % {"row": first[key]},
                )
            )
        else:
            first[key] = r.number
            out.append(r)
    return out


def _name_birth_matches(
    pairs: list[tuple[str, dt.date]],
) -> Iterator[tuple[str, dt.date, int, str]]:
    """Active persons whose (name, birth date) is one of ``pairs``: ``(name, birth, id, path)``.

    A row-value IN over a VALUES list: one index probe of ``person_name_birth`` per pair, where
    OR-ed Q objects cost ~0.5 ms each to build and ``name IN .. AND birth_date IN ..`` makes
    the index walk the cross product of both lists. Parameters only; the SQL text is fixed.
    """
    quote = connection.ops.quote_name
    limit = connection.features.max_query_params
    size = PAIR_CHUNK if limit is None else min(PAIR_CHUNK, limit // 2 - 1)
    adapt = connection.ops.adapt_datefield_value
    for chunk in _chunks(pairs, size):
        values = ", ".join(["(%s, %s)"] * len(chunk))
        sql = (  # identifiers are quoted model names; every value is a parameter
            f"SELECT {quote('name')}, {quote('birth_date')}, {quote('id')}, "  # noqa: S608
            f"{quote('jurisdiction_path')} FROM {quote(Person._meta.db_table)} "
            f"WHERE {quote('merged_into_id')} IS NULL "
            f"AND ({quote('name')}, {quote('birth_date')}) IN (VALUES {values})"
        )
        params: list[Any] = []
        for name, birth in chunk:
            params += [name, adapt(birth)]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            for name, birth, pk, path in cursor.fetchall():
                if isinstance(birth, str):  # SQLite returns the ISO text
                    birth = dt.date.fromisoformat(birth)
                yield name, birth, pk, path


def _candidates(actor: Any, rows: list[_Row]) -> dict[int, str]:
    """Row number → message, for rows resembling a visible registered person or another row."""
    found: dict[int, str] = {}
    visible = Person.objects.visible_to(actor).active()
    by_phone: dict[tuple[str, str], int] = {}
    phones = sorted({r.phone.hash for r in rows if r.phone})
    for chunk in _chunks(phones, CHUNK):
        for name, phash, pk in visible.filter(phone_hash__in=chunk).values_list(
            "name", "phone_hash", "id"
        ):
            by_phone.setdefault((name, phash), pk)
    scope = scope_of(actor)
    by_birth: dict[tuple[str, dt.date], int] = {}
    pairs = sorted({(r.name, r.doc.birth_date) for r in rows if r.doc.birth_date is not None})
    for name, birth, pk, path in _name_birth_matches(pairs):
        if scope.covers_path(path):  # the rule of visible_to, applied to the few matches
            by_birth.setdefault((name, birth), pk)
    seen_phone: dict[tuple[str, str], int] = {}
    seen_birth: dict[tuple[str, dt.date], int] = {}
    for r in rows:
        messages = []
        if r.phone:
            key = (r.name, r.phone.hash)
            if key in by_phone:
                messages.append(_("same name and phone as record #%(id)d") % {"id": by_phone[key]})
            elif key in seen_phone:
                messages.append(_("same name and phone as row %(row)d") % {"row": seen_phone[key]})
            seen_phone.setdefault(key, r.number)
        if r.doc.birth_date:
            bkey = (r.name, r.doc.birth_date)
            if bkey in by_birth:
                messages.append(
                    _("same name and birth date as record #%(id)d") % {"id": by_birth[bkey]}
                )
            elif bkey in seen_birth:
                messages.append(
                    _("same name and birth date as row %(row)d") % {"row": seen_birth[bkey]}
                )
            seen_birth.setdefault(bkey, r.number)
        if messages:
            found[r.number] = _("Possible duplicate: %(why)s.") % {"why": "; ".join(messages)}
    return found


def person_import(
    *,
    actor: Any,
    table: Table,
    mode: str = ImportMode.ALL_OR_NOTHING,
    allow_candidates: bool = False,
    source: str = "",
) -> ImportResult:
    """Import the rows of a table of persons.

    Returns an ImportResult (``created``, ``unchanged``, ``errors`` and ``warnings`` as
    ``{row, column, code, message}``, ``committed``). Row codes: the validation codes of a single
    registration plus ``person.duplicate`` (registered with other data),
    ``person.duplicate_in_file``, ``person.possible_duplicates`` (a warning instead of an error
    with ``allow_candidates``), ``person.invalid_jurisdiction``,
    ``person.jurisdiction_out_of_scope``. Raises ImportRefused ("import.missing_columns",
    "import.invalid_mode") for a file that cannot be read as persons and ImportConflict
    ("import.conflict") when a concurrent registration of the same document wins.
    """
    if mode not in ImportMode.values:
        raise ImportRefused(
            _("Unknown import mode; use all_or_nothing or good_rows."),
            code="import.invalid_mode",
            allowed=list(ImportMode.values),
        )
    columns = match_header(table.header)
    missing = sorted(REQUIRED_CODES - columns.keys())
    if missing:
        raise ImportRefused(
            _("Required columns are missing: %(columns)s.") % {"columns": ", ".join(missing)},
            code="import.missing_columns",
            missing=missing,
        )
    result = ImportResult(mode=mode, rows=len(table.rows))
    validator = _Validator(table, columns)
    rows = validator.rows()
    errors, result.warnings = validator.errors, validator.warnings
    rows = _resolve_jurisdictions(actor, rows, validator.rejected_codes, errors)
    rows = _within_file(rows, errors)
    rows, result.unchanged = _split_existing(actor, rows, errors)
    candidates = _candidates(actor, rows) if rows else {}
    if candidates:
        issues = [
            RowIssue(n, "name", "person.possible_duplicates", m) for n, m in candidates.items()
        ]
        if allow_candidates:
            result.warnings.extend(issues)
        else:
            errors.extend(issues)
            rows = [r for r in rows if r.number not in candidates]
    result.errors = sorted(errors, key=lambda e: (e.row, e.column))
    result.warnings.sort(key=lambda w: (w.row, w.column))
    if result.errors and mode == ImportMode.ALL_OR_NOTHING:
        return result
    if rows:
        _write(actor, rows, source)
    result.created = len(rows)
    result.committed = True
    return result


@transaction.atomic
def _write(actor: Any, rows: list[_Row], source: str) -> None:
    changes = {"source": "import", "file": source[:200], "batch": uuid.uuid4().hex}
    try:
        with transaction.atomic():
            bulk_register(actor=actor, rows=[_new_person(r) for r in rows], changes=changes)
    except IntegrityError:
        raise ImportConflict(
            _("Another registration of the same person happened meanwhile; import the file again.")
        ) from None


def _new_person(r: _Row) -> NewPerson:
    assert r.jurisdiction is not None
    return NewPerson(
        name=r.name,
        document=r.doc,
        phone=r.phone,
        jurisdiction=r.jurisdiction,
        text={f: r.text.get(f, "") for f in TEXT_FIELDS},
    )
