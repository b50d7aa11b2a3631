"""Reading uploaded person files (.xlsx/.xls/.ods via calamine, .csv) and writing the template.

The file type is decided from the content, not the name: a spreadsheet is a zip (xlsx, ods) or
an OLE file (xls); anything else must decode as text (UTF-8, or GB18030 as saved by Excel on
Chinese Windows) to be read as CSV. Everything else is refused with ``import.unsupported_file``.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from typing import IO, Any

from django.utils.translation import gettext as _

from .columns import IMPORT_COLUMNS, header
from .errors import ImportRefused

MAX_ROWS = 200_000
_ZIP = b"PK\x03\x04"
_OLE = b"\xd0\xcf\x11\xe0"


@dataclass
class Table:
    """The header cells and the data rows of the first sheet, with their sheet row numbers."""

    header: list[str]
    rows: list[tuple[int, list[Any]]] = field(default_factory=list)
    file_type: str = "csv"


def _unsupported() -> ImportRefused:
    return ImportRefused(
        _("Upload an Excel workbook (.xlsx) or a CSV file; this file is neither."),
        code="import.unsupported_file",
        status=415,
    )


def _blank(cells: list[Any]) -> bool:
    return all(c is None or (isinstance(c, str) and not c.strip()) for c in cells)


def _table(raw_rows: list[list[Any]], file_type: str) -> Table:
    header_at = next((i for i, r in enumerate(raw_rows) if not _blank(r)), None)
    if header_at is None:
        raise ImportRefused(_("The file is empty."), code="import.empty")
    table = Table(header=[str(c or "").strip() for c in raw_rows[header_at]], file_type=file_type)
    for i in range(header_at + 1, len(raw_rows)):
        cells = raw_rows[i]
        if not _blank(cells):
            table.rows.append((i + 1, cells))
    if not table.rows:
        raise ImportRefused(_("The file has a header but no data rows."), code="import.empty")
    if len(table.rows) > MAX_ROWS:
        raise ImportRefused(
            _("The file has %(n)d rows; at most %(max)d can be imported at once.")
            % {"n": len(table.rows), "max": MAX_ROWS},
            code="import.too_many_rows",
            status=413,
        )
    return table


def _read_workbook(stream: IO[bytes], file_type: str) -> Table:
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_filelike(stream)
        if not workbook.sheet_names:
            raise _unsupported()
        rows = workbook.get_sheet_by_index(0).to_python(skip_empty_area=False)
    except ImportRefused:
        raise
    except Exception:  # calamine raises several types for a file it cannot read
        raise _unsupported() from None
    return _table(rows, file_type)


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise _unsupported()


def _read_csv(data: bytes) -> Table:
    if b"\x00" in data[:4096]:
        raise _unsupported()
    text = _decode(data)
    first_line = text.split("\n", 1)[0]
    delimiter = max((",", "\t", ";"), key=first_line.count)
    rows = [list(r) for r in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]
    return _table(rows, "csv")


def read_table(stream: IO[bytes]) -> Table:
    """Read the first sheet of an uploaded file.

    Raises ImportRefused: "import.unsupported_file" (415), "import.empty" (422),
    "import.too_many_rows" (413).
    """
    head = stream.read(8)
    stream.seek(0)
    if head.startswith(_ZIP):
        return _read_workbook(stream, "xlsx")
    if head.startswith(_OLE):
        return _read_workbook(stream, "xls")
    return _read_csv(stream.read())


def write_template(output: IO[bytes], *, divisions: list[tuple[str, str]]) -> None:
    """The import template: a data sheet, a data dictionary and the user's division codes."""
    import xlsxwriter

    workbook = xlsxwriter.Workbook(output, {"in_memory": True})
    bold = workbook.add_format({"bold": True, "bg_color": "#EEF2F7", "border": 1})
    text = workbook.add_format({"num_format": "@"})
    wrap = workbook.add_format({"text_wrap": True, "valign": "top"})

    data = workbook.add_worksheet(_("People"))
    for col, column in enumerate(IMPORT_COLUMNS):
        data.set_column(col, col, column.width, text if column.text else None)
        data.write_string(0, col, header(column), bold)
        if column.code == "id_type":
            data.data_validation(
                1,
                col,
                MAX_ROWS,
                col,
                {
                    "validate": "list",
                    "source": str(column.allowed).split(", "),
                    "ignore_blank": True,
                },
            )
    data.freeze_panes(1, 0)

    dictionary = workbook.add_worksheet(_("Data dictionary"))
    titles = [
        _("Column"),
        _("Meaning"),
        _("Required"),
        _("Format"),
        _("Allowed values"),
        _("Example"),
    ]
    for col, (title, width) in enumerate(zip(titles, (22, 36, 8, 40, 40, 24), strict=True)):
        dictionary.set_column(col, col, width, wrap)
        dictionary.write_string(0, col, title, bold)
    for row, column in enumerate(IMPORT_COLUMNS, start=1):
        dictionary.write_row(
            row,
            0,
            [
                header(column),
                str(column.meaning),
                _("yes") if column.required else _("no"),
                str(column.format),
                str(column.allowed),
                column.example,
            ],
        )
    dictionary.freeze_panes(1, 0)

    codes = workbook.add_worksheet(_("Divisions"))
    codes.set_column(0, 0, 14, text)
    codes.set_column(1, 1, 30)
    codes.write_row(0, 0, [_("Jurisdiction code"), _("Name")], bold)
    for row, (code, name) in enumerate(divisions, start=1):
        codes.write_string(row, 0, code)
        codes.write_string(row, 1, name)
    workbook.close()
