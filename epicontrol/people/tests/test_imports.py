"""Excel/CSV import: validation with row/column/code, de-duplication, modes, idempotence."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.utils import translation

from epicontrol.core.identity import id_check_char
from epicontrol.core.models import AuditEntry
from epicontrol.people.columns import IMPORT_COLUMNS, header
from epicontrol.people.imports import person_import
from epicontrol.people.models import Person
from epicontrol.people.spreadsheets import read_table
from epicontrol.people.tests.factories import mobile, resident_id
from epicontrol.people.tests.helpers import csv_bytes, read_xlsx, upload, xlsx_bytes

pytestmark = pytest.mark.django_db

URL = "/api/v1/people/import"


def good_rows(n: int = 3, start: int = 100) -> list[list[Any]]:
    return [
        [f"导入{i}", "resident_id", resident_id(seq=start + i), mobile(start + i), "430203001"]
        for i in range(n)
    ]


def post(client: Any, data: bytes, name: str = "people.xlsx", **params: str) -> Any:
    return client.post(URL, {"file": upload(data, name), **params})


def test_all_or_nothing_commits_nothing_when_a_row_is_bad(
    api_client_for: Any, county_officer: Any
) -> None:
    rows = good_rows(3)
    rows.append(["坏行", "resident_id", "110105194912310021", "12345", "430203001"])
    rows.append(["", "resident_id", "123", "", "999999"])  # every problem of a row is listed
    r = post(api_client_for(county_officer), xlsx_bytes(rows))
    assert r.status_code == 422
    body = r.json()
    assert body["code"] == "import.rows_invalid" and body["committed"] is False
    assert body["created"] == 0
    assert {(e["row"], e["column"], e["code"]) for e in body["errors"]} == {
        (5, "id_number", "person.invalid_id_number"),
        (5, "phone", "person.invalid_phone"),
        (6, "id_number", "person.invalid_id_number"),
        (6, "jurisdiction", "person.invalid_jurisdiction"),
        (6, "name", "person.name_required"),
    }
    assert all(e["message"] for e in body["errors"])
    assert not Person.objects.exists()


def test_good_rows_mode_imports_the_rest(api_client_for: Any, county_officer: Any) -> None:
    rows = good_rows(3)
    rows.insert(1, ["", "resident_id", resident_id(seq=900), "", "430203001"])
    r = post(api_client_for(county_officer), xlsx_bytes(rows), mode="good_rows")
    assert r.status_code == 200
    body = r.json()
    assert (body["created"], body["unchanged"], body["rejected_rows"]) == (3, 0, 1)
    assert body["errors"] == [
        {
            "row": 3,
            "column": "name",
            "code": "person.name_required",
            "message": body["errors"][0]["message"],
        }
    ]
    assert Person.objects.count() == 3
    created = AuditEntry.objects.filter(action="people.created")
    assert created.count() == 3 and all(e.changes["source"] == "import" for e in created)
    assert {e.jurisdiction_path for e in created} == {Person.objects.first().jurisdiction.path}  # type: ignore[union-attr]


def test_reimport_creates_nothing(api_client_for: Any, county_officer: Any) -> None:
    client = api_client_for(county_officer)
    data = csv_bytes(good_rows(4))
    first = post(client, data, "people.csv").json()
    assert (first["created"], first["unchanged"]) == (4, 0)
    again = post(client, data, "people.csv").json()
    assert (again["created"], again["unchanged"], again["errors"]) == (0, 4, [])
    assert Person.objects.count() == 4


def test_registered_document_with_other_data_is_a_duplicate(
    api_client_for: Any, county_officer: Any, person: Any
) -> None:
    rows = [["别的名字", "resident_id", person.id_number, person.phone, "430203001"]]
    body = post(api_client_for(county_officer), xlsx_bytes(rows)).json()
    assert [(e["row"], e["code"]) for e in body["errors"]] == [(2, "person.duplicate")]
    assert f"#{person.pk}" in body["errors"][0]["message"]


def test_duplicates_within_the_file(api_client_for: Any, county_officer: Any) -> None:
    rows = good_rows(2)
    rows.append(["另一人", "resident_id", rows[0][2].lower(), "", "430203001"])
    body = post(api_client_for(county_officer), xlsx_bytes(rows), mode="good_rows").json()
    assert [(e["row"], e["column"], e["code"]) for e in body["errors"]] == [
        (4, "id_number", "person.duplicate_in_file")
    ]
    assert "2" in body["errors"][0]["message"]
    assert body["created"] == 2


def test_candidates_registry_and_file(
    api_client_for: Any, county_officer: Any, person: Any
) -> None:
    client = api_client_for(county_officer)
    rows = [
        ["张三", "resident_id", resident_id(seq=500), person.phone, "430203001"],  # same name+phone
        ["赵六", "resident_id", resident_id(seq=501), mobile(501), "430203001"],
        ["赵六", "resident_id", resident_id(seq=502), mobile(502), "430203001"],  # same name+birth
    ]
    body = post(client, xlsx_bytes(rows)).json()
    assert body["committed"] is False
    assert [(e["row"], e["code"]) for e in body["errors"]] == [
        (2, "person.possible_duplicates"),
        (4, "person.possible_duplicates"),
    ]
    assert f"#{person.pk}" in body["errors"][0]["message"]
    body = post(client, xlsx_bytes(rows), allow_candidates="true").json()
    assert body["created"] == 3 and body["errors"] == []
    assert [(w["row"], w["code"]) for w in body["warnings"]] == [
        (2, "person.possible_duplicates"),
        (4, "person.possible_duplicates"),
    ]


def test_jurisdiction_and_address_code_rows(api_client_for: Any, county_officer: Any) -> None:
    unknown_address = "43999919850601001"
    rows = [
        ["甲", "", unknown_address + id_check_char(unknown_address), "", "430203001"],
        ["乙", "resident_id", resident_id(seq=601), "", "430202"],  # sibling county
        ["丙", "resident_id", resident_id(seq=602), "", "999999"],
        ["丁", "resident_id", resident_id(seq=603), "", ""],
        ["戊", "driving_licence", "X1234567", "", "430203001"],
    ]
    body = post(api_client_for(county_officer), xlsx_bytes(rows), mode="good_rows").json()
    assert [(e["row"], e["column"], e["code"]) for e in body["errors"]] == [
        (3, "jurisdiction", "person.jurisdiction_out_of_scope"),
        (4, "jurisdiction", "person.invalid_jurisdiction"),
        (5, "jurisdiction", "person.jurisdiction_required"),
        (6, "id_type", "person.invalid_id_type"),
    ]
    assert [(w["row"], w["code"]) for w in body["warnings"]] == [
        (2, "person.id_address_code_unknown")
    ]
    assert Person.objects.get().id_warnings == ["person.id_address_code_unknown"]


def test_id_number_stored_as_excel_number(api_client_for: Any, county_officer: Any) -> None:
    rows = [["甲", "resident_id", 430203198506010012, 13912345678, 430203001]]
    body = post(api_client_for(county_officer), xlsx_bytes(rows)).json()
    assert [(e["row"], e["column"], e["code"]) for e in body["errors"]] == [
        (2, "id_number", "person.invalid_id_number")
    ]
    rows = [
        ["甲", "resident_id", resident_id(seq=700), 13912345678, 430203001],
        ["乙", "passport", 12345678, "", 430203001],  # a short number survives a number cell
    ]
    body = post(api_client_for(county_officer), xlsx_bytes(rows)).json()
    assert body["created"] == 2  # numeric phone and code cells are fine
    assert Person.objects.filter(id_type="passport", id_number_masked="123*5678").exists()


@pytest.mark.parametrize(
    ("data", "name", "status", "code"),
    [
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "photo.png", 415, "import.unsupported_file"),
        (b"%PDF-1.4\n\x00\x00binary", "people.pdf", 415, "import.unsupported_file"),
        (b"PK\x03\x04not really a zip", "people.xlsx", 415, "import.unsupported_file"),
        (b"", "empty.csv", 422, "import.empty"),
        ("姓名 name,备注 notes\n张三,x\n".encode(), "people.csv", 422, "import.missing_columns"),
    ],
)
def test_bad_files(
    api_client_for: Any, county_officer: Any, data: bytes, name: str, status: int, code: str
) -> None:
    r = post(api_client_for(county_officer), data, name)
    assert r.status_code == status
    assert r.json()["code"] == code


def test_bad_requests(api_client_for: Any, county_officer: Any) -> None:
    client = api_client_for(county_officer)
    r = post(client, csv_bytes(good_rows(1)), "people.csv", mode="some")
    assert r.status_code == 422 and r.json()["code"] == "import.invalid_mode"
    r = client.post(URL, {})
    assert r.status_code == 422 and r.json()["code"] == "request.invalid"
    assert not Person.objects.exists()


def test_csv_from_excel_on_windows(county_officer: Any) -> None:
    """GB18030 text, labels only (no codes), a semicolon-free comma file."""
    with translation.override("zh-hans"):
        labels = [str(c.label) for c in IMPORT_COLUMNS]
    rows = [["王五", "", resident_id(seq=800), "139 0000 0800", "430203001", "", "", "", "", ""]]
    table = read_table(io.BytesIO(csv_bytes(rows, header=labels, encoding="gb18030")))
    result = person_import(actor=county_officer, table=table)
    assert (result.created, result.errors) == (1, [])


def test_template_round_trip(client: Any, county_officer: Any) -> None:
    client.force_login(county_officer)
    r = client.get("/people/import/template.xlsx")
    assert r.status_code == 200
    data = r.content
    with translation.override("zh-hans"):
        expected = [header(c) for c in IMPORT_COLUMNS]
    assert read_xlsx(data, 0)[0] == expected
    dictionary = read_xlsx(data, 1)
    assert len(dictionary) == len(IMPORT_COLUMNS) + 1 and len(dictionary[0]) == 6
    assert dictionary[3][0] == expected[2] and dictionary[3][5] == "11010519491231002X"
    codes = [row[0] for row in read_xlsx(data, 2)[1:]]
    assert "430203" in codes and "430202" not in codes
    # A filled-in copy of the template imports.
    filled = [
        [f"模板{i}", "resident_id", resident_id(seq=850 + i), "", "430203001", "", "", "", "", ""]
        for i in range(2)
    ]
    result = person_import(
        actor=county_officer, table=read_table(io.BytesIO(xlsx_bytes(filled, header=expected)))
    )
    assert result.created == 2


def test_import_queries_do_not_grow_with_rows(
    county_officer: Any, django_assert_max_num_queries: Any
) -> None:
    rows = good_rows(300, start=1000)
    table = read_table(io.BytesIO(csv_bytes(rows)))
    with django_assert_max_num_queries(25):
        result = person_import(actor=county_officer, table=table)
    assert result.created == 300


def test_import_page(client: Any, county_officer: Any) -> None:
    client.force_login(county_officer)
    assert client.get("/people/import/").status_code == 200
    rows = good_rows(2)
    rows.append(["坏", "resident_id", "123", "", "430203001"])
    r = client.post("/people/import/", {"file": upload(xlsx_bytes(rows)), "mode": "all_or_nothing"})
    assert r.status_code == 200
    html = r.content.decode()
    assert 'id="import-errors"' in html and "person.invalid_id_number" in html
    assert r.context["result"].committed is False and not Person.objects.exists()
    r = client.post("/people/import/", {"file": upload(xlsx_bytes(rows)), "mode": "good_rows"})
    assert r.context["result"].created == 2
    r = client.post(
        "/people/import/", {"file": upload(b"\x00\x01binary", "x.bin"), "mode": "good_rows"}
    )
    assert r.status_code == 200 and r.context["form"].errors["file"]


def test_import_respects_scope(api_client_for: Any, sibling_officer: Any) -> None:
    body = post(api_client_for(sibling_officer), xlsx_bytes(good_rows(2))).json()
    assert body["committed"] is False
    assert {e["code"] for e in body["errors"]} == {"person.jurisdiction_out_of_scope"}


def test_bulk_rows_match_the_model_and_audit_bulk(county_officer: Any, person: Any) -> None:
    """The COPY path writes what bulk_create and audit_bulk would write, column for column."""
    import datetime as dt
    import json

    from django.utils import timezone

    from epicontrol.core.audit import audit_bulk
    from epicontrol.people.bulk import ACTION, NewPerson, audit_values, person_values
    from epicontrol.people.identity import AddressCodes, parse_document, phone_key

    new = NewPerson(
        name="甲",
        document=parse_document("resident_id", resident_id(seq=990), address_codes=AddressCodes()),
        phone=phone_key(mobile(990)),
        jurisdiction=person.jurisdiction,
        text={"notes": "x"},
    )
    values = person_values(new, actor_id=county_officer.pk, now=timezone.now())
    assert set(values) == {f.attname for f in Person._meta.concrete_fields}
    assert values["jurisdiction_path"] == person.jurisdiction.path and values["notes"] == "x"
    changes = {"source": "import", "file": "f.xlsx", "batch": "b"}
    audit_bulk(actor=county_officer, action=ACTION, targets=[person], changes=changes)
    entry = AuditEntry.objects.filter(action=ACTION, target_id=str(person.pk)).latest("id")
    row = audit_values(
        actor_id=county_officer.pk,
        pk=person.pk,
        name=person.name,
        path=person.jurisdiction.path,
        changes=json.dumps(changes),
        now=dt.datetime.now(dt.UTC),
    )
    assert row[:6] == [
        entry.actor_id,
        entry.action,
        entry.target_type,
        entry.target_id,
        entry.target_repr,
        entry.jurisdiction_path,
    ]
    assert json.loads(row[6]) == entry.changes


def test_bulk_register_returns_ids_in_the_callers_order(county_officer: Any, jianshe: Any) -> None:
    from epicontrol.people.bulk import NewPerson, bulk_register
    from epicontrol.people.identity import AddressCodes, parse_document

    codes = AddressCodes()
    rows = [
        NewPerson(
            name=f"序{i}",
            document=parse_document("resident_id", resident_id(seq=960 + i), address_codes=codes),
            phone=None,
            jurisdiction=jianshe,
        )
        for i in range(12)
    ]
    ids = bulk_register(actor=county_officer, rows=rows, changes={"source": "test"})
    names = dict(Person.objects.filter(pk__in=ids).values_list("pk", "name"))
    assert [names[pk] for pk in ids] == [f"序{i}" for i in range(12)]
    assert (
        AuditEntry.objects.filter(
            action="people.created", target_id__in=[str(i) for i in ids]
        ).count()
        == 12
    )
