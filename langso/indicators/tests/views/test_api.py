"""/api/v1/indicators and /api/v1/indicator-values: every commune of a province in one
call, JSON and CSV alike; no data is null, never 0; the caller's scope bounds the units;
bad parameters are refused with the reason; the query count does not grow with units."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from langso.accounts.testing import client_for
from langso.core.testing import csv_table
from langso.indicators.testing import WORK_RECORDS, work_records_report
from langso.registry.services.households import household_create
from langso.registry.testing import RegistryTree, RegistryUsers

pytestmark = pytest.mark.django_db
VALUES = "/api/v1/indicator-values"


@pytest.fixture
def counted(tree: RegistryTree, users: RegistryUsers, definitions: None) -> None:
    actor = users.province_officer
    household_create(
        actor=actor, village=tree.a1, values={"members": 4, "adults": 4, "adults_epayment": 3}
    )
    household_create(
        actor=actor, village=tree.a2, values={"members": 2, "adults": 2, "adults_epayment": 2}
    )


def test_the_list_of_indicators_has_the_shipped_ones(
    users: RegistryUsers, definitions: None
) -> None:
    body = client_for(users.officer_a).get("/api/v1/indicators").json()
    codes = {row["code"]: row for row in body}
    assert codes["adults-epayment"]["numerator"] == "sum:adults_epayment"
    assert codes[WORK_RECORDS]["level"] == "commune"


def test_every_commune_of_a_province_in_one_call(
    tree: RegistryTree, users: RegistryUsers, counted: None
) -> None:
    response = client_for(users.province_officer).get(
        VALUES,
        {
            "indicator": "adults-epayment",
            "unit": tree.province.code,
            "level": "commune",
            "period": "2026",
        },
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["indicator"], body["version"], body["frozen"]) == ("adults-epayment", 1, False)
    by_unit = {row["unit"]: row for row in body["values"]}
    assert by_unit[tree.a.code]["value"] == pytest.approx(500 / 6)
    # Commune B has no household: no data, not 0%.
    assert by_unit[tree.b.code]["value"] is None
    assert by_unit[tree.b.code]["denominator"] == "0"


def test_the_same_values_as_csv(tree: RegistryTree, users: RegistryUsers, counted: None) -> None:
    """The CSV holds the JSON's values under the JSON's keys, in the JSON's order: the
    answer's flat fields (its period by code) and then each value's, one row a value."""
    client = client_for(users.province_officer)
    params = {"indicator": "adults-epayment", "unit": tree.province.code, "level": "commune"}
    body = client.get(VALUES, params).json()
    response = client.get(VALUES, params | {"format": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    header, *lines = csv_table(response.content)
    # The answer's `unit` and `level` give way to the value's; `evidence` is a list.
    answer = [key for key in body if key not in ("unit", "level", "values")]
    assert header == answer + [key for key in body["values"][0] if key != "evidence"]
    rows = {line[header.index("unit")]: dict(zip(header, line, strict=True)) for line in lines}
    assert list(rows) == [value["unit"] for value in body["values"]]
    a, b = rows[tree.a.code], rows[tree.b.code]
    assert (a["numerator"], a["denominator"], a["value"]) == ("5", "6", "83.3333")
    assert (a["indicator"], a["version"], a["period"]) == (
        "adults-epayment",
        "1",
        body["period"]["code"],
    )
    assert (a["frozen"], a["name"], a["level"]) == ("false", tree.a.name, "commune")
    assert a["records"] == body["values"][0]["records"]
    # No data is an empty cell, never 0.
    assert (b["value"], b["denominator"]) == ("", "0")


def test_a_commune_officer_reads_only_within_the_commune(
    tree: RegistryTree, users: RegistryUsers, counted: None
) -> None:
    client = client_for(users.officer_a)
    assert (
        client.get(VALUES, {"indicator": "adults-epayment", "unit": tree.b.code}).status_code == 404
    )
    own = client.get(VALUES, {"indicator": "adults-epayment", "level": "village"}).json()
    assert {row["unit"] for row in own["values"]} == {tree.a1.code, tree.a2.code}
    assert Client().get(VALUES, {"indicator": "adults-epayment"}).status_code == 401


@pytest.mark.parametrize(
    ("params", "reason"),
    [
        ({"indicator": "nope"}, "nope"),
        ({"indicator": "adults-epayment", "period": "2026-13"}, "2026-13"),
        ({"indicator": "adults-epayment", "level": "district"}, "level"),
    ],
)
def test_bad_parameters_are_refused_with_the_reason(
    tree: RegistryTree, users: RegistryUsers, definitions: None, params: dict[str, str], reason: str
) -> None:
    response = client_for(users.province_officer).get(VALUES, params)
    assert response.status_code in (400, 404)
    assert reason in response.json()["detail"]


def test_the_query_count_does_not_grow_with_the_units(
    tree: RegistryTree, users: RegistryUsers, counted: None
) -> None:
    client = client_for(users.province_officer)
    params = {"indicator": "adults-epayment", "unit": tree.province.code}
    with CaptureQueriesContext(connection) as one:
        client.get(VALUES, params | {"level": "commune"})
    budget = len(one.captured_queries)
    with CaptureQueriesContext(connection) as many:
        client.get(VALUES, params | {"level": "village"})
    assert len(many.captured_queries) <= budget, "\n".join(q["sql"] for q in many.captured_queries)


def test_each_value_says_where_it_comes_from(
    tree: RegistryTree, users: RegistryUsers, counted: None, settings: Any, tmp_path: Any
) -> None:
    """A registry value links to the households it counts; a reported one names who
    entered it and links its evidence files."""
    settings.MEDIA_ROOT = tmp_path
    client = client_for(users.officer_a)
    [registry] = client.get(VALUES, {"indicator": "adults-epayment", "unit": tree.a1.code}).json()[
        "values"
    ]
    assert registry["records"].endswith(f"/so-dang-ky/ho/?unit={tree.a1.code}&status=active")
    work_records_report(
        actor=users.officer_a,
        commune=tree.a,
        note="Theo báo cáo tháng",
        evidence=[SimpleUploadedFile("bao-cao.pdf", b"%PDF-1.4")],
    )
    params = {"indicator": WORK_RECORDS, "unit": tree.a.code, "period": "2026"}
    [reported] = client.get(VALUES, params).json()["values"]
    assert reported["value"] == 75
    assert reported["entered_by"] == users.officer_a.username
    assert reported["note"] == "Theo báo cáo tháng"
    # The CSV says the same, but for the links to the files.
    header, line = csv_table(client.get(VALUES, params | {"format": "csv"}).content)
    row = dict(zip(header, line, strict=True))
    assert (row["entered_by"], row["note"]) == (users.officer_a.username, "Theo báo cáo tháng")
    entered_at = dt.datetime.fromisoformat(reported["entered_at"]).replace(microsecond=0)
    assert dt.datetime.fromisoformat(row["entered_at"]) == entered_at
    [evidence] = reported["evidence"]
    assert evidence.startswith("http://testserver/chi-so/minh-chung/")
    assert client.get(evidence).getvalue() == b"%PDF-1.4"
