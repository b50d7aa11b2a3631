"""No ID number or phone, in any form, reaches the logs (including the SQL log)."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from django.db import connection

from epicontrol.people.tests.helpers import streamed, upload, xlsx_bytes

pytestmark = pytest.mark.django_db

ID_NUMBER = "11010519491231002X"
PHONE = "13912345678"
IMPORTED_ID = "34052419800101001X"
IMPORTED_PHONE = "13700001111"


def forms_of(number: str, phone: str) -> set[str]:
    """Clear, normalised and raw forms a leak could take."""
    return {
        number,
        number.lower(),
        number[:17],
        phone,
        "+86" + phone,
        "86" + phone,
        f"{phone[:3]} {phone[3:7]} {phone[7:]}",
        f"+86 {phone[:3]} {phone[3:7]} {phone[7:]}",
    }


def test_person_flows_log_no_personal_numbers(
    client: Any, api_client_for: Any, county_officer: Any, caplog: Any, settings: Any
) -> None:
    settings.DEBUG = True
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="django.db.backends")
    queries_logged = connection.force_debug_cursor
    connection.force_debug_cursor = True  # the SQL log with its parameters, as under DEBUG
    try:
        api = api_client_for(county_officer)
        r = api.post(
            "/api/v1/people",
            {
                "name": "王五",
                "id_type": "resident_id",
                "id_number": ID_NUMBER.lower(),
                "phone": f"+86 {PHONE[:3]} {PHONE[3:7]} {PHONE[7:]}",
                "jurisdiction": "430203001",
            },
            content_type="application/json",
        )
        assert r.status_code == 201
        assert api.get("/api/v1/people", {"id_number": ID_NUMBER}).json()["count"] == 1
        assert api.get("/api/v1/people", {"phone": "86" + PHONE}).json()["count"] == 1
        bad = api.post(
            "/api/v1/people",
            {
                "name": "王五",
                "id_number": ID_NUMBER[:17] + "1",
                "phone": PHONE,
                "jurisdiction": "430203001",
            },
            content_type="application/json",
        )
        assert bad.status_code == 422
        client.force_login(county_officer)
        r = client.post(
            "/people/new/",
            {
                "name": "赵六",
                "id_type": "resident_id",
                "id_number": "440524188001010014",
                "phone": "13800002222",
                "jurisdiction": "430203001",
            },
        )
        assert r.status_code == 302
        assert client.post("/people/", {"id_number": ID_NUMBER}).context["page"].count == 1
        assert client.post("/people/", {"phone": PHONE}).context["page"].count == 1
        rows = [["钱七", "resident_id", IMPORTED_ID, IMPORTED_PHONE, "430203001"]]
        assert (
            api.post("/api/v1/people/import", {"file": upload(xlsx_bytes(rows))}).status_code == 200
        )
        assert (
            api.post("/api/v1/people/import", {"file": upload(xlsx_bytes(rows))}).json()[
                "unchanged"
            ]
            == 1
        )
        full = streamed(api.get("/api/v1/people/export", {"format": "csv", "full": "true"}))
        assert ID_NUMBER.encode() in full  # the export itself carries the numbers; the log must not
        streamed(client.get("/people/export/", {"format": "xlsx"}))
    finally:
        connection.force_debug_cursor = queries_logged
    sql = [r for r in caplog.records if r.name == "django.db.backends"]
    assert len(sql) > 20, "the SQL log was not captured"
    text = "\n".join(
        [r.getMessage() for r in caplog.records]
        + [repr(getattr(r, "params", "")) + repr(getattr(r, "sql", "")) for r in sql]
    )
    leaks = (
        forms_of(ID_NUMBER, PHONE)
        | forms_of(IMPORTED_ID, IMPORTED_PHONE)
        | forms_of("440524188001010014", "13800002222")
    )
    assert [leak for leak in leaks if leak in text] == []
