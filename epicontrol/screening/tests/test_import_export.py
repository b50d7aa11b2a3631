"""Excel/CSV intake: template, import with row errors, idempotency, de-duplication, export."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
import xlsxwriter
from django.db import connection
from django.test.utils import CaptureQueriesContext
from python_calamine import CalamineWorkbook

from epicontrol.core.errors import DomainError
from epicontrol.core.models import AuditEntry
from epicontrol.people.models import Person
from epicontrol.people.tests.factories import resident_id
from epicontrol.screening.ledger_export import csv_stream, template_file
from epicontrol.screening.ledger_import import ledger_import
from epicontrol.screening.models import LedgerEntry

from .conftest import DAY

pytestmark = pytest.mark.django_db

HEADER = ["姓名", "证件号码", "手机号码", "人员类别", "来源", "来源地", "抵达日期", "网格编码"]


def ident(n: int) -> str:
    return resident_id(birth=dt.date(1960, 1, 1) + dt.timedelta(days=n), seq=n)


def row(n: int, grid, category: str = "武汉来（返）人员", **over) -> list[str]:
    values = {
        "name": f"返乡{n}",
        "id": ident(n),
        "phone": f"139{n:08d}",
        "category": category,
        "source": "上门排查",
        "origin": "湖北省武汉市",
        "arrival": "2020-01-22",
        "grid": grid.code,
    } | {("grid" if k == "grid_code" else k): v for k, v in over.items()}
    return [
        values["name"],
        values["id"],
        values["phone"],
        values["category"],
        values["source"],
        values["origin"],
        values["arrival"],
        values["grid"],
    ]


def csv_file(rows: list[list[str]], header: list[str] = HEADER, encoding: str = "utf-8") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


def run(actor, content: bytes, name: str = "ledger.csv", **kwargs):
    return ledger_import(actor=actor, name=name, stream=io.BytesIO(content), today=DAY, **kwargs)


def test_template_has_a_data_dictionary_and_text_columns(grid):
    content = template_file(grids=[grid])
    book = CalamineWorkbook.from_filelike(io.BytesIO(content))
    assert len(book.sheet_names) == 4
    ledger = book.get_sheet_by_index(0).to_python()
    header = ledger[0]
    assert header[0].startswith("姓名") and header[0].endswith("*")
    dictionary = book.get_sheet_by_index(1).to_python()
    assert len(dictionary) == 1 + 12  # one line per column
    values = book.get_sheet_by_index(2).to_python()
    assert any(grid.code in r for r in values)
    # The filled example imports as is (its headers are those of the template).
    example = book.get_sheet_by_index(3).to_python()
    assert example[1][0] == "张三"


def test_import_creates_persons_and_entries_and_reimport_changes_nothing(grid_worker, grid):
    content = csv_file([row(i, grid) for i in range(1, 31)])
    first = run(grid_worker, content)
    assert (first.created, first.unchanged, first.errors, first.applied) == (30, 0, [], True)
    assert first.persons_created == 30
    assert LedgerEntry.objects.filter(grid=grid, registered_by=grid_worker).count() == 30
    entry = LedgerEntry.objects.select_related("person").first()
    assert entry.origin == "湖北省武汉市" and entry.arrival_date == dt.date(2020, 1, 22)
    assert entry.person.phone_masked.startswith("139") and "*" in entry.person.phone_masked
    audit = AuditEntry.objects.filter(action="screening.entry_registered")
    assert audit.count() == 30
    assert {a.jurisdiction_path for a in audit} == {grid.path}
    assert audit.get(target_id=str(entry.pk)).target_repr == str(entry)
    assert audit.filter(actor=grid_worker).count() == 30
    assert AuditEntry.objects.filter(action="people.created").count() == 30
    # Imported persons are in the registry like any other: visible in the worker's area.
    assert Person.objects.visible_to(grid_worker).count() == 30
    second = run(grid_worker, content)
    assert (second.created, second.unchanged, second.errors) == (0, 30, [])
    assert LedgerEntry.objects.count() == 30 and Person.objects.count() == 30


def test_import_reuses_registered_persons(grid_worker, grid, register, person_data, sibling_grid):
    # Registered earlier by the sibling county, in another category.
    existing = register(sibling_grid, "fever_patient", data=person_data(
        grid=sibling_grid, id_number=ident(1)
    ))  # fmt: skip
    content = csv_file(
        [
            row(1, grid),
            row(2, grid),
            row(2, grid, category="发热人员"),  # same person, second category
        ]
    )
    result = run(grid_worker, content)
    assert (result.created, result.persons_created) == (3, 1)
    assert Person.objects.filter(id_number_hash=existing.person.id_number_hash).count() == 1
    assert LedgerEntry.objects.filter(person=existing.person).count() == 2
    assert LedgerEntry.objects.filter(person__name="返乡2").count() == 2


def test_row_errors_name_the_row_column_and_code(grid_worker, grid, sibling_grid, register):
    open_entry = register(grid, "wuhan_returnee")
    bad_checksum = ident(3)[:-1] + ("0" if ident(3)[-1] != "0" else "1")
    content = csv_file(
        [
            row(1, grid),  # row 2: good
            row(2, grid, id=bad_checksum),  # row 3
            row(3, grid, category="外星人"),  # row 4
            row(4, grid, grid_code=sibling_grid.code),  # row 5: not the worker's grid
            row(5, grid, arrival="明天"),  # row 6
            row(6, grid, phone="12345"),  # row 7
            row(7, grid, name=""),  # row 8
            row(8, grid, id=open_entry.person.id_number),  # row 9: already open in category
            row(9, grid),  # row 10
            row(9, grid, arrival="2020-01-23"),  # row 11: same person+category, other arrival
            row(10, grid, arrival="2099-01-01"),  # row 12
        ]
    )
    result = run(grid_worker, content)
    found = {(e.row, e.column, e.code) for e in result.errors}
    assert found == {
        (3, "id_number", "person.invalid_id_number"),
        (4, "category", "import.unknown_category"),
        (5, "grid", "import.unknown_grid"),
        (6, "arrival_date", "import.invalid_date"),
        (7, "phone", "person.invalid_phone"),
        (8, "name", "import.required"),
        (9, "category", "ledger_entry.duplicate"),
        (11, "category", "import.duplicate_row"),
        (12, "arrival_date", "ledger_entry.invalid_date"),
    }
    assert all(e.message for e in result.errors)
    # All or nothing: no row was written.
    assert not result.applied and result.created == 0
    assert LedgerEntry.objects.count() == 1


def test_good_rows_only_imports_the_rest(grid_worker, grid):
    content = csv_file([row(1, grid), row(2, grid, category="外星人"), row(3, grid)])
    result = run(grid_worker, content, good_rows_only=True)
    assert result.applied and result.created == 2
    assert [(e.row, e.code) for e in result.errors] == [(3, "import.unknown_category")]
    # Fix the row and import the whole file again: only the fixed row is new.
    fixed = csv_file([row(1, grid), row(2, grid), row(3, grid)])
    again = run(grid_worker, fixed)
    assert (again.created, again.unchanged, again.errors) == (1, 2, [])


def test_xlsx_import_and_numeric_id_numbers(grid_worker, grid):
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet("台账")
    sheet.write_row(0, 0, HEADER)
    sheet.write_row(1, 0, row(1, grid))
    values = row(2, grid)
    sheet.write_row(2, 0, values)
    sheet.write_number(2, 1, float(values[1][:15]))  # Excel turned the ID into a number
    sheet.write_datetime(
        1, 6, dt.datetime(2020, 1, 21), book.add_format({"num_format": "yyyy-mm-dd"})
    )
    book.close()
    result = run(grid_worker, buffer.getvalue(), name="ledger.xlsx")
    assert [(e.row, e.column, e.code) for e in result.errors] == [
        (3, "id_number", "import.id_number_as_number")
    ]
    good = run(grid_worker, buffer.getvalue(), name="ledger.xlsx", good_rows_only=True)
    assert good.created == 1
    assert LedgerEntry.objects.get().arrival_date == dt.date(2020, 1, 21)


def test_gb18030_csv_and_default_grid(grid_worker, grid):
    header = [h for h in HEADER if h != "网格编码"]
    content = csv_file([row(1, grid)[:-1]], header=header, encoding="gb18030")
    result = run(grid_worker, content, default_grid=grid)
    assert result.created == 1
    assert LedgerEntry.objects.get().grid == grid


def test_file_level_refusals(grid_worker, grid):
    with pytest.raises(DomainError) as exc:
        run(grid_worker, csv_file([row(1, grid)], header=["姓名", "网格编码"]))
    assert exc.value.code == "import.missing_columns"
    assert set(exc.value.details["columns"]) == {"id_number", "category"}
    with pytest.raises(DomainError) as exc:
        run(grid_worker, b"whatever", name="ledger.pdf")
    assert exc.value.code == "import.invalid_file"
    with pytest.raises(DomainError) as exc:
        run(grid_worker, csv_file([]))
    assert exc.value.code == "import.empty"


def test_sibling_cannot_import_into_another_county(sibling_officer, grid):
    result = run(sibling_officer, csv_file([row(1, grid)]))
    assert [(e.row, e.code) for e in result.errors] == [(2, "import.unknown_grid")]
    assert not LedgerEntry.objects.exists()
    with pytest.raises(DomainError) as exc:
        run(sibling_officer, csv_file([row(1, grid)]), default_grid=grid)
    assert exc.value.code == "screening.forbidden"


def test_bulk_import_makes_no_query_per_row(county_officer, grid, grid2):
    def queries(n: int, offset: int) -> int:
        rows = [row(offset + i, grid if i % 2 else grid2) for i in range(n)]
        with CaptureQueriesContext(connection) as ctx:
            result = run(county_officer, csv_file(rows))
        assert result.created == n
        return len(ctx.captured_queries)

    queries(2, 500)  # warm the per-user caches (scope, roles)
    small = queries(10, 1000)
    large = queries(40, 2000)
    assert large == small


def test_export_masks_unless_the_role_may_see_full_data(grid_worker, supervisor, grid):
    run(grid_worker, csv_file([row(i, grid) for i in range(1, 4)]))
    entries = LedgerEntry.objects.all()
    masked = b"".join(csv_stream(entries, full=False)).decode("utf-8-sig")
    full = b"".join(csv_stream(entries, full=True)).decode("utf-8-sig")
    assert ident(1) not in masked and ident(1)[:3] + "*" in masked
    assert ident(1) in full


def test_a_full_export_reimports_unchanged(grid_worker, grid):
    run(grid_worker, csv_file([row(i, grid) for i in range(1, 6)]))
    exported = b"".join(csv_stream(LedgerEntry.objects.all(), full=True))
    result = run(grid_worker, exported)
    assert (result.created, result.unchanged, result.errors) == (0, 5, [])


def test_both_masked_csv_paths_write_the_same_rows(grid_worker, grid, grid2, register):
    """PostgreSQL streams the masked export from COPY; it must equal the row-by-row writer."""
    from django.db import connection

    from epicontrol.screening.ledger_export import _copy_csv_stream, _python_csv_stream

    if connection.vendor != "postgresql":
        pytest.skip("COPY … TO STDOUT is PostgreSQL's")
    run(grid_worker, csv_file([row(i, grid) for i in range(1, 6)] + [row(9, grid, origin="")]))
    register(grid2, "fever_patient", notes='发热, 37.8℃ "复诊"')
    entries = LedgerEntry.objects.order_by("-registered_on", "-id")

    def rows(stream) -> list[list[str]]:
        text = b"".join(stream).decode("utf-8-sig")
        return list(csv.reader(io.StringIO(text)))

    copied, written = rows(_copy_csv_stream(entries)), rows(_python_csv_stream(entries, full=False))
    assert len(copied) == 1 + 7
    assert copied == written


def test_a_damaged_file_is_refused_not_crashed(grid_worker, grid):
    with pytest.raises(DomainError) as exc:
        run(grid_worker, csv_file([row(1, grid)]) + b'"' + b"x" * 200_000 + b'"\n')
    assert exc.value.code == "import.invalid_file"
    with pytest.raises(DomainError) as exc:
        run(grid_worker, b"PK\x03\x04 not really a workbook", name="ledger.xlsx")
    assert exc.value.code == "import.invalid_file"
