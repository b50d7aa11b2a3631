"""Ledger files out: the import template (with its data dictionary) and streamed exports.

Exports carry the import columns first, so an export is a valid import file (re-importing a
full export changes nothing). ID numbers and phones are masked unless the role may export
full data (``people.permissions.can_export_full``); a full export is audited. CSV is streamed
row by row; XLSX is written by xlsxwriter in constant-memory mode to a temporary file, so
memory stays flat whatever the number of rows.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import tempfile
from collections.abc import Iterator, Sequence
from typing import IO, Any

from django.db import connection
from django.db.models import QuerySet
from django.http import FileResponse, HttpResponseBase, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from epicontrol.core.audit import audit_record
from epicontrol.core.pii import pii_decrypt
from epicontrol.jurisdictions.models import Jurisdiction
from epicontrol.people.choices import IdType
from epicontrol.people.permissions import can_export_full

from .choices import Source
from .ledger_columns import COLUMNS, EXPORT_ONLY, status_labels
from .models import LedgerEntry, PersonCategory

EXPORT_COLUMNS = COLUMNS + EXPORT_ONLY
ITER_CHUNK = 2_000


def _fields(full: bool) -> list[str]:
    person_doc = ["person__id_number_enc", "person__phone_enc"] if full else []
    return [
        "pk",
        "person__name",
        "person__id_type",
        "person__id_number_masked",
        "person__phone_masked",
        *person_doc,
        "category__name",
        "source",
        "origin",
        "arrival_date",
        "grid__code",
        "grid__name",
        "grid__parent__name",
        "registered_on",
        "status",
        "person__current_address",
        "notes",
        "registered_by__display_name",
        "registered_by__username",
    ]


def export_header() -> list[str]:
    return [str(c.label) for c in EXPORT_COLUMNS]


def export_rows(entries: QuerySet[LedgerEntry], *, full: bool) -> Iterator[list[Any]]:
    """One list per entry, in ``EXPORT_COLUMNS`` order (dates stay dates)."""
    id_types = {value: str(label) for value, label in IdType.choices}
    sources = {value: str(label) for value, label in Source.choices}
    statuses = status_labels()
    fields = _fields(full)
    for values in entries.values_list(*fields).iterator(chunk_size=ITER_CHUNK):
        row = dict(zip(fields, values, strict=True))
        if full:
            id_number = pii_decrypt(row["person__id_number_enc"])
            phone = pii_decrypt(row["person__phone_enc"]) if row["person__phone_enc"] else ""
            if phone.startswith("+86"):
                phone = phone[3:]
        else:
            id_number, phone = row["person__id_number_masked"], row["person__phone_masked"]
        yield [
            row["person__name"],
            id_types.get(row["person__id_type"], row["person__id_type"]),
            id_number,
            phone,
            row["category__name"],
            sources.get(row["source"], row["source"]),
            row["origin"],
            row["arrival_date"],
            row["grid__code"],
            row["registered_on"],
            row["person__current_address"],
            row["notes"],
            row["grid__name"],
            row["grid__parent__name"] or "",
            statuses.get(row["status"], row["status"]),
            row["registered_by__display_name"] or row["registered_by__username"] or "",
            row["pk"],
        ]


class _Echo:
    """A file-like object that hands back what csv.writer writes (for streaming)."""

    def write(self, value: str) -> str:
        return value


def csv_stream(entries: QuerySet[LedgerEntry], *, full: bool) -> Iterator[bytes]:
    """UTF-8 CSV with a BOM (so Excel opens it as UTF-8), streamed.

    A masked export on PostgreSQL is produced by the database itself (``COPY (SELECT …) TO
    STDOUT``, labels mapped in SQL): nothing is decrypted, so nothing needs Python per row.
    Full exports decrypt ID numbers and phones, row by row.
    """
    if not full and connection.vendor == "postgresql":
        return _copy_csv_stream(entries)
    return _python_csv_stream(entries, full=full)


# The masked export's columns, in EXPORT_COLUMNS order (the COPY path maps codes to labels).
_COPY_FIELDS = (
    "person__name",
    "person__id_type",
    "person__id_number_masked",
    "person__phone_masked",
    "category__name",
    "source",
    "origin",
    "arrival_date",
    "grid__code",
    "registered_on",
    "person__current_address",
    "notes",
    "grid__name",
    "grid__parent__name",
    "status",
    "registered_by__display_name",
    "registered_by__username",
    "pk",
)


def _label_case(column: str, labels: dict[str, str], params: list[Any]) -> str:
    if not labels:
        return column
    whens = []
    for value, label in labels.items():
        whens.append("WHEN %s THEN %s")
        params.extend([value, label])
    return f"CASE {column} {' '.join(whens)} ELSE {column} END"


def _copy_csv_stream(entries: QuerySet[LedgerEntry]) -> Iterator[bytes]:
    # Labels are resolved now, in the request's language, not when the response is iterated.
    header = csv.writer(_Echo()).writerow(export_header()).encode()
    inner, inner_params = entries.order_by().values_list(*_COPY_FIELDS).query.sql_with_params()
    names = [f"c{i}" for i in range(len(_COPY_FIELDS))]
    params: list[Any] = []
    id_types = _label_case("t.c1", {v: str(label) for v, label in IdType.choices}, params)
    sources = _label_case("t.c5", {v: str(label) for v, label in Source.choices}, params)
    statuses = _label_case("t.c14", status_labels(), params)
    columns = [
        "t.c0", id_types, "t.c2", "t.c3", "t.c4", sources, "t.c6", "t.c7", "t.c8", "t.c9",
        "t.c10", "t.c11", "t.c12", "COALESCE(t.c13, '')", statuses,
        "COALESCE(NULLIF(t.c15, ''), t.c16, '')", "t.c17",
    ]  # fmt: skip
    # The select is built from our own column list; values only ever travel as parameters.
    sql = (
        f"COPY (SELECT {', '.join(columns)} FROM ({inner}) AS t({', '.join(names)}) "  # noqa: S608
        "ORDER BY t.c9 DESC, t.c17 DESC) TO STDOUT WITH (FORMAT csv)"
    )
    all_params = [*params, *inner_params]

    def stream() -> Iterator[bytes]:
        yield "\ufeff".encode()
        yield header
        with connection.cursor() as cursor, cursor.cursor.copy(sql, all_params) as copy:
            for block in copy:
                yield bytes(block)

    return stream()


def _python_csv_stream(entries: QuerySet[LedgerEntry], *, full: bool) -> Iterator[bytes]:
    writer = csv.writer(_Echo())
    yield "\ufeff".encode()
    yield writer.writerow(export_header()).encode()
    buffer: list[str] = []
    for row in export_rows(entries, full=full):
        buffer.append(
            writer.writerow(
                [v.isoformat() if isinstance(v, dt.date) else ("" if v is None else v) for v in row]
            )
        )
        if len(buffer) >= 500:
            yield "".join(buffer).encode()
            buffer.clear()
    if buffer:
        yield "".join(buffer).encode()


def xlsx_file(entries: QuerySet[LedgerEntry], *, full: bool) -> IO[bytes]:
    """An .xlsx export in a temporary file (rewound), written in constant-memory mode."""
    import xlsxwriter

    handle = tempfile.TemporaryFile()  # noqa: SIM115 - handed to the response, which closes it
    workbook = xlsxwriter.Workbook(handle, {"constant_memory": True, "in_memory": False})
    sheet = workbook.add_worksheet(_("Ledger"))
    bold = workbook.add_format({"bold": True, "bg_color": "#EEF2F7"})
    date_format = workbook.add_format({"num_format": "yyyy-mm-dd"})
    for col, column in enumerate(EXPORT_COLUMNS):
        sheet.set_column(col, col, column.width)
    sheet.write_row(0, 0, export_header(), bold)
    for r, row in enumerate(export_rows(entries, full=full), start=1):
        for c, value in enumerate(row):
            if isinstance(value, dt.date):
                sheet.write_datetime(r, c, dt.datetime.combine(value, dt.time()), date_format)
            elif value is None or value == "":
                continue
            elif isinstance(value, int):
                sheet.write_number(r, c, value)
            else:
                sheet.write_string(r, c, str(value))
    workbook.close()
    handle.seek(0)
    return handle


def export_response(
    *,
    user: Any,
    entries: QuerySet[LedgerEntry],
    fmt: str,
    filters: dict[str, Any],
    audit_target: Jurisdiction | None,
) -> HttpResponseBase:
    """The export as a download (pages and API share it); the export itself is audited."""
    full = can_export_full(user)
    if audit_target is not None:
        audit_record(
            actor=user,
            action="screening.exported",
            target=audit_target,
            changes={"format": fmt, "full": full, "filters": filters},
        )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    if fmt == "xlsx":
        return FileResponse(
            xlsx_file(entries, full=full),
            as_attachment=True,
            filename=f"ledger-{stamp}.xlsx",
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response = StreamingHttpResponse(
        csv_stream(entries, full=full), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="ledger-{stamp}.csv"'
    return response


def template_file(*, grids: Sequence[Jurisdiction]) -> bytes:
    """The import template: a ledger sheet, the data dictionary, lists of values, an example."""
    import xlsxwriter

    output = io.BytesIO()
    workbook = xlsxwriter.Workbook(output, {"in_memory": True})
    bold = workbook.add_format({"bold": True, "bg_color": "#EEF2F7", "border": 1})
    required = workbook.add_format(
        {"bold": True, "bg_color": "#FEE2E2", "font_color": "#B91C1C", "border": 1}
    )
    text = workbook.add_format({"num_format": "@"})
    date_format = workbook.add_format({"num_format": "yyyy-mm-dd"})
    wrap = workbook.add_format({"text_wrap": True, "valign": "top"})

    ledger = workbook.add_worksheet(_("Ledger"))
    dictionary = workbook.add_worksheet(_("Data dictionary"))
    lists = workbook.add_worksheet(_("Allowed values"))
    example = workbook.add_worksheet(_("Example"))

    categories = list(PersonCategory.objects.filter(is_active=True).order_by("order", "code"))
    sources = [str(label) for _v, label in Source.choices]
    id_types = [str(label) for _v, label in IdType.choices]

    # Lists of allowed values, referenced by the ledger's drop-downs.
    lists.write_row(
        0,
        0,
        [
            pgettext("key person", "Category"),
            _("Code"),
            pgettext("key person", "Source"),
            _("Document type"),
            _("Grid code"),
            _("Grid"),
        ],
        bold,
    )
    for i, c in enumerate(categories, start=1):
        lists.write_string(i, 0, c.name)
        lists.write_string(i, 1, c.code)
    for i, s in enumerate(sources, start=1):
        lists.write_string(i, 2, s)
    for i, t in enumerate(id_types, start=1):
        lists.write_string(i, 3, t)
    for i, g in enumerate(grids, start=1):
        lists.write_string(i, 4, g.code)
        parent = g.parent.name if g.parent_id and g.parent else ""
        lists.write_string(i, 5, f"{parent} {g.name}".strip())
    lists.set_column(0, 0, 30)
    lists.set_column(1, 5, 18)

    positions = {c.key: i for i, c in enumerate(COLUMNS)}
    for col, column in enumerate(COLUMNS):
        label = str(column.label) + (" *" if column.required else "")
        ledger.write_string(0, col, label, required if column.required else bold)
        cell_format = None
        if column.key in ("id_number", "phone", "grid"):
            cell_format = text  # leading zeros and 18-digit IDs must stay text
        elif column.key in ("arrival_date", "registered_on"):
            cell_format = date_format
        ledger.set_column(col, col, column.width, cell_format)
        ledger.write_comment(0, col, str(column.help))
    ledger.freeze_panes(1, 0)
    last = 5000
    sheet_ref = _("Allowed values")

    def validate(key: str, col_letter: str, n: int) -> None:
        if n:
            ledger.data_validation(
                1,
                positions[key],
                last,
                positions[key],
                {
                    "validate": "list",
                    "source": f"='{sheet_ref}'!${col_letter}$2:${col_letter}${n + 1}",
                    "error_type": "warning",
                },
            )

    validate("category", "A", len(categories))
    validate("source", "C", len(sources))
    validate("id_type", "D", len(id_types))
    validate("grid", "E", len(grids))

    dictionary.write_row(
        0, 0, [_("Column"), _("Required"), _("Description"), _("Allowed values")], bold
    )
    allowed = {
        "category": "、".join(c.name for c in categories),
        "source": "、".join(sources),
        "id_type": "、".join(id_types),
        "grid": "、".join(g.code for g in grids[:20]),
    }
    for row, column in enumerate(COLUMNS, start=1):
        dictionary.write_string(row, 0, str(column.label))
        dictionary.write_string(row, 1, _("Yes") if column.required else _("No"))
        dictionary.write_string(row, 2, str(column.help), wrap)
        dictionary.write_string(row, 3, allowed.get(column.key, ""), wrap)
    dictionary.set_column(0, 1, 14)
    dictionary.set_column(2, 3, 60)

    sample = {
        "name": "张三",
        "id_type": str(IdType.RESIDENT_ID.label),
        "id_number": "430203198506010019",
        "phone": "13912345678",
        "category": categories[0].name if categories else "",
        "source": sources[0],
        "origin": "湖北省武汉市",
        "arrival_date": "2020-01-22",
        "grid": grids[0].code if grids else "",
        "registered_on": "2020-01-25",
        "current_address": "建设街道新华社区1栋2单元301",
        "notes": "",
    }
    for col, column in enumerate(COLUMNS):
        example.write_string(0, col, str(column.label), bold)
        example.write_string(1, col, sample.get(column.key, ""))
        example.set_column(col, col, column.width)
    workbook.close()
    return output.getvalue()
