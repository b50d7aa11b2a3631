"""Streaming exports of a filtered person list as CSV or XLSX.

Rows are read with a server-side cursor in chunks and written as they come, so memory stays
flat at any size. ID numbers and phones are the stored masks unless the caller may export
full data, in which case they are decrypted row by row (and the export is audited by the
caller through ``export_audit``).
"""

from __future__ import annotations

import csv
import datetime as dt
import tempfile
from collections.abc import Iterator
from typing import IO, Any

from django.db.models import QuerySet
from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from epicontrol.core.audit import audit_record
from epicontrol.core.pii import pii_decrypt
from epicontrol.core.scoping import scope_of
from epicontrol.jurisdictions.models import Jurisdiction

from .columns import EXPORT_COLUMNS, header
from .errors import ExportRefused
from .models import Person
from .permissions import can_export_full

FORMATS = ("csv", "xlsx")
XLSX_SHEET_ROWS = 1_000_000  # Excel holds 1,048,576 rows per sheet; roll over before that
_FIELDS = (
    "name",
    "id_type",
    "id_number_masked",
    "id_number_enc",
    "phone_masked",
    "phone_enc",
    "jurisdiction__code",
    "household_address",
    "current_address",
    "occupation",
    "work_unit",
    "notes",
    "jurisdiction__name",
    "birth_date",
    "sex",
    "id",
    "created_at",
)


def _local(value: dt.datetime) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")


def export_rows(qs: QuerySet[Person], *, full: bool) -> Iterator[list[str]]:
    """The header, then one list of cell texts per person, in EXPORT_COLUMNS order."""
    yield [header(c) for c in EXPORT_COLUMNS]
    values = qs.order_by("-created_at", "-id").values_list(*_FIELDS)
    for (
        name,
        id_type,
        id_masked,
        id_enc,
        phone_masked,
        phone_enc,
        code,
        household,
        current,
        occupation,
        work_unit,
        notes,
        jname,
        birth,
        sex,
        pk,
        created,
    ) in values.iterator(chunk_size=2000):
        if full:
            id_number = pii_decrypt(id_enc)
            phone = pii_decrypt(phone_enc) if phone_enc else ""
            phone = phone[3:] if phone.startswith("+86") else phone
        else:
            id_number, phone = id_masked, phone_masked
        yield [
            name,
            id_type,
            id_number,
            phone,
            code,
            household,
            current,
            occupation,
            work_unit,
            notes,
            jname,
            birth.isoformat() if birth else "",
            sex,
            str(pk),
            _local(created),
        ]


class _Echo:
    """A write-only file for csv.writer: returns the line instead of storing it."""

    def write(self, value: str) -> str:
        return value


def csv_stream(rows: Iterator[list[str]]) -> Iterator[bytes]:
    """UTF-8 with a BOM (Excel on Windows reads Chinese correctly), 500 rows per chunk."""
    writer = csv.writer(_Echo())
    yield "\ufeff".encode()
    buffer: list[str] = []
    for row in rows:
        buffer.append(writer.writerow(row))
        if len(buffer) >= 500:
            yield "".join(buffer).encode()
            buffer.clear()
    if buffer:
        yield "".join(buffer).encode()


def xlsx_file(rows: Iterator[list[str]]) -> IO[bytes]:
    """Write the workbook with xlsxwriter's constant-memory mode into an anonymous temp file.

    An xlsx is a zip whose directory comes last, so the file is complete before the first byte
    is sent; the temp file then streams from disk and disappears when closed.
    """
    import xlsxwriter

    output = tempfile.TemporaryFile()  # noqa: SIM115 - returned open; the response closes it
    workbook = xlsxwriter.Workbook(output, {"constant_memory": True, "strings_to_numbers": False})
    bold = workbook.add_format({"bold": True})
    header_row = next(rows)
    sheet = None
    row_index = 0
    sheet_count = 0
    for row in rows:
        if sheet is None or row_index > XLSX_SHEET_ROWS:
            sheet_count += 1
            sheet = workbook.add_worksheet(f"{_('People')} {sheet_count}")
            for col, column in enumerate(EXPORT_COLUMNS):
                sheet.set_column(col, col, column.width)
            sheet.write_row(0, 0, header_row, bold)
            row_index = 1
        for col, value in enumerate(row):
            sheet.write_string(row_index, col, value)
        row_index += 1
    if sheet is None:
        sheet = workbook.add_worksheet(f"{_('People')} 1")
        sheet.write_row(0, 0, header_row, bold)
    workbook.close()
    output.seek(0)
    return output


def export_check(*, actor: Any, full: bool) -> None:
    """Raises ExportRefused ("export.forbidden", 403) for a full export by a masked-only role."""
    if full and not can_export_full(actor):
        raise ExportRefused(_("Your role may not export full personal data."))


def export_audit(
    *, actor: Any, fmt: str, full: bool, filters: dict[str, str], jurisdiction: str | None
) -> None:
    """Audit an export (who, format, full or masked, filters with ID/phone redacted).

    The target is the filtered jurisdiction, else the broadest unit of the actor's area, so
    the entry shows in that area's trail.
    """
    safe = {k: ("***" if k in ("id_number", "phone") else v) for k, v in filters.items() if v}
    target: Any = None
    scope = scope_of(actor)
    if jurisdiction:
        target = Jurisdiction.objects.filter(code=jurisdiction).first()
        if target is not None and not scope.covers_path(target.path):
            target = None
    if target is None:
        paths = sorted(scope.paths, key=len)
        if paths:
            code = paths[0].rstrip("/").rsplit("/", 1)[-1]
            target = Jurisdiction.objects.filter(code=code).first()
    audit_record(
        actor=actor,
        action="people.exported",
        target=target if target is not None else actor,
        changes={"format": fmt, "full": full, "filters": safe},
    )


def export_filename(fmt: str) -> str:
    return f"people-{timezone.localtime():%Y%m%d-%H%M}.{fmt}"


def export_response(qs: QuerySet[Person], *, fmt: str, full: bool) -> StreamingHttpResponse:
    """The streamed download of ``qs`` in ``fmt`` ("csv" or "xlsx"); never cached."""
    rows = export_rows(qs, full=full)
    filename = export_filename(fmt)
    response: StreamingHttpResponse
    if fmt == "xlsx":
        response = FileResponse(
            xlsx_file(rows),
            as_attachment=True,
            filename=filename,
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        response = StreamingHttpResponse(csv_stream(rows), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response
