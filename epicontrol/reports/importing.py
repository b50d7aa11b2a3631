"""Reading and validating daily series files (CSV or Excel) in the Hunan series format.

Columns: ``date,country,countryCode,province,provinceCode,city,cityCode,confirmed,suspected,
cured,dead`` (country columns optional); a row with an empty ``city`` and ``cityCode`` is the
province's own figure. Further columns named after a stored indicator (``admitted_current``,
``observation_current`` …) are read too. This module only parses and checks each cell; which
reporting unit a row belongs to is decided by ``services.daily_report_import``.

Row numbers are the line numbers a user sees in the file: the header is row 1.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from .indicators import BY_NAME, STORED

REQUIRED_COLUMNS = ("date", "provinceCode", "city", "cityCode")
OPTIONAL_COLUMNS = ("country", "countryCode", "province")
# The Hunan format's value columns → stored indicators.
CSV_VALUE_COLUMNS: dict[str, str] = {i.csv_column: i.name for i in STORED if i.csv_column}
MAX_ROWS = 200_000
_SLASH_DATE = re.compile(r"^(\d{4})[/.](\d{1,2})[/.](\d{1,2})$")


@dataclass(frozen=True)
class RowError:
    row: int | None
    column: str | None
    code: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "code": self.code, "message": self.message}


@dataclass
class ParsedRow:
    row: int
    day: dt.date
    province_code: str
    province_name: str
    unit_code: str
    unit_name: str
    values: dict[str, int | None] = field(default_factory=dict)

    @property
    def is_province_total(self) -> bool:
        return not self.unit_code and not self.unit_name


@dataclass
class ParsedFile:
    rows: list[ParsedRow]
    errors: list[RowError]
    row_count: int
    value_columns: tuple[str, ...]  # the indicators this file carries


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _read_csv(content: bytes) -> Iterator[list[Any]]:
    # Excel on Chinese Windows saves CSV as GB18030; everything else as UTF-8 (maybe with BOM).
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = content.decode("gb18030")
    yield from csv.reader(io.StringIO(text))


def _read_excel(content: bytes) -> Iterator[list[Any]]:
    from python_calamine import CalamineWorkbook

    workbook = CalamineWorkbook.from_filelike(io.BytesIO(content))
    yield from workbook.get_sheet_by_index(0).to_python(skip_empty_area=False)


def read_table(file_name: str, content: bytes) -> Iterator[list[Any]]:
    """Rows of cells of the first sheet (Excel) or of the CSV. Raises ValueError if unreadable."""
    lower = file_name.lower()
    if lower.endswith((".xlsx", ".xls", ".xlsm", ".ods")) or content[:4] == b"PK\x03\x04":
        try:
            return iter(list(_read_excel(content)))
        except Exception as exc:
            raise ValueError(str(exc)) from exc
    try:
        return iter(list(_read_csv(content)))
    except (UnicodeDecodeError, csv.Error) as exc:
        raise ValueError(str(exc)) from exc


def _parse_date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = _cell_text(value)
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        pass
    match = _SLASH_DATE.match(text)
    if match:
        try:
            return dt.date(int(match[1]), int(match[2]), int(match[3]))
        except ValueError:
            return None
    return None


def _parse_count(value: Any) -> tuple[int | None, str | None]:
    """(count, error code); an empty cell is None (not reported)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, None
    if isinstance(value, bool):
        return None, "import.not_integer"
    if isinstance(value, int):
        number = value
    elif isinstance(value, float):
        if not value.is_integer():
            return None, "import.not_integer"
        number = int(value)
    else:
        text = str(value).strip().replace(",", "")
        if not re.fullmatch(r"[+-]?\d+", text):
            return None, "import.not_integer"
        number = int(text)
    if number < 0:
        return None, "import.negative"
    return number, None


def parse(file_name: str, content: bytes) -> ParsedFile:
    """Parse and check every cell. Never raises for bad data: problems become ``RowError``s."""
    try:
        table = read_table(file_name, content)
        header_cells = next(table, None)
    except ValueError:
        return ParsedFile(
            [], [_file_error("import.unreadable", _("The file cannot be read."))], 0, ()
        )
    if not header_cells or not any(_cell_text(c) for c in header_cells):
        return ParsedFile([], [_file_error("import.empty_file", _("The file is empty."))], 0, ())
    header = [_cell_text(c) for c in header_cells]
    index = {name: i for i, name in enumerate(header) if name}
    errors = [
        RowError(1, name, "import.missing_column", _("The column is missing."))
        for name in (*REQUIRED_COLUMNS, *CSV_VALUE_COLUMNS)
        if name not in index
    ]
    if errors:
        return ParsedFile([], errors, 0, ())
    value_columns = dict(CSV_VALUE_COLUMNS.items())
    value_columns.update({name: name for name in index if name in BY_NAME})
    rows, row_count = _parse_rows(table, index, value_columns, errors)
    return ParsedFile(rows, errors, row_count, tuple(value_columns.values()))


def _file_error(code: str, message: str) -> RowError:
    return RowError(None, None, code, message)


def _parse_rows(
    table: Iterable[list[Any]],
    index: dict[str, int],
    value_columns: dict[str, str],
    errors: list[RowError],
) -> tuple[list[ParsedRow], int]:
    today = timezone.localdate()
    rows: list[ParsedRow] = []
    row_count = 0

    def cell(cells: list[Any], name: str) -> Any:
        i = index.get(name)
        return cells[i] if i is not None and i < len(cells) else None

    for number, cells in enumerate(table, start=2):
        if not any(_cell_text(c) for c in cells):
            continue  # blank lines (and Excel's trailing empty rows) are not data
        row_count += 1
        if row_count > MAX_ROWS:
            errors.append(
                RowError(number, None, "import.too_many_rows", _("Too many rows in one file."))
            )
            break
        row_errors: list[RowError] = []
        day = _parse_date(cell(cells, "date"))
        if day is None:
            row_errors.append(
                RowError(number, "date", "import.invalid_date", _("Use a date like 2020-02-15."))
            )
        elif day > today:
            row_errors.append(
                RowError(number, "date", "import.future_date", _("The date is in the future."))
            )
        province_code = _cell_text(cell(cells, "provinceCode"))
        if not province_code:
            row_errors.append(
                RowError(number, "provinceCode", "import.required", _("This value is required."))
            )
        values: dict[str, int | None] = {}
        for column, indicator in value_columns.items():
            value, code = _parse_count(cell(cells, column))
            if code == "import.negative":
                row_errors.append(RowError(number, column, code, _("Counts cannot be negative.")))
            elif code is not None:
                row_errors.append(RowError(number, column, code, _("Use a whole number.")))
            values[indicator] = value
        if not row_errors and all(v is None for v in values.values()):
            row_errors.append(
                RowError(number, None, "import.empty_row", _("The row has no figures."))
            )
        if row_errors:
            errors.extend(row_errors)
            continue
        assert day is not None  # narrowed: a missing date is a row error above
        rows.append(
            ParsedRow(
                row=number,
                day=day,
                province_code=province_code,
                province_name=_cell_text(cell(cells, "province")),
                unit_code=_cell_text(cell(cells, "cityCode")),
                unit_name=_cell_text(cell(cells, "city")),
                values=values,
            )
        )
    return rows, row_count
