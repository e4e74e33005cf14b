"""/api/v1/choropleth: values and classes in JSON, the same as CSV under the JSON's
keys, bad parameters refused with the reason, the caller's scope."""

from __future__ import annotations

import pytest
from django.test import Client

from langso.accounts.testing import client_for
from langso.core.testing import csv_table
from langso.registry.services.households import household_create
from langso.registry.testing import RegistryTree, RegistryUsers

pytestmark = pytest.mark.django_db
CHOROPLETH = "/api/v1/choropleth"


@pytest.fixture
def counted(tree: RegistryTree, users: RegistryUsers, definitions: None) -> None:
    household_create(
        actor=users.province_officer,
        village=tree.a1,
        values={"members": 4, "adults": 4, "adults_epayment": 3},
    )


def test_values_and_classes_as_json(
    tree: RegistryTree, users: RegistryUsers, counted: None
) -> None:
    response = client_for(users.province_officer).get(
        CHOROPLETH, {"indicator": "adults-epayment", "unit": tree.province.code, "period": "2026"}
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["subject"], body["indicator"], body["parent"], body["level"]) == (
        "indicator",
        "adults-epayment",
        tree.province.code,
        "commune",
    )
    assert body["method"] == "quantiles"
    assert "geometry" not in str(body)
    a, b = body["values"]
    assert (a["unit"], a["id"], a["value"], a["class"]) == (tree.a.code, tree.a.pk, 75.0, 0)
    assert a["color"] == body["classes"][0]["color"]
    # No data: null value and class, the legend's own colour.
    assert (b["value"], b["class"], b["color"]) == (None, None, body["no_data"]["color"])
    assert body["no_data"]["count"] == 1


def test_the_same_values_as_csv(tree: RegistryTree, users: RegistryUsers, counted: None) -> None:
    client = client_for(users.province_officer)
    params = {"indicator": "adults-epayment", "breaks": "50"}
    body = client.get(CHOROPLETH, params).json()
    response = client.get(CHOROPLETH, params | {"format": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    header, *lines = csv_table(response.content)
    flat = [key for key in body if key not in ("classes", "no_data", "values")]
    assert header == flat + list(body["values"][0])
    rows = [dict(zip(header, line, strict=True)) for line in lines]
    assert [row["unit"] for row in rows] == [value["unit"] for value in body["values"]]
    assert (rows[0]["value"], rows[0]["class"], rows[0]["approximate"]) == ("75.0", "1", "false")
    # No data is an empty cell, never 0.
    assert (rows[1]["value"], rows[1]["class"]) == ("", "")


@pytest.mark.parametrize(
    ("params", "status", "reason"),
    [
        ({"indicator": "nope"}, 404, "nope"),
        ({"indicator": "adults-epayment", "period": "2026-13"}, 404, "2026-13"),
        ({"indicator": "adults-epayment", "unit": "99999"}, 404, "Không"),
        ({"indicator": "adults-epayment", "level": "district"}, 400, "level"),
        ({"indicator": "adults-epayment", "breaks": "a,b"}, 400, "a,b"),
        ({}, 400, "Chọn một chỉ số"),
    ],
)
def test_bad_parameters_are_refused_with_the_reason(
    users: RegistryUsers, definitions: None, params: dict[str, str], status: int, reason: str
) -> None:
    response = client_for(users.province_officer).get(CHOROPLETH, params)
    assert response.status_code == status
    assert reason in response.json()["detail"]


def test_the_scope_bounds_the_units(
    tree: RegistryTree, users: RegistryUsers, counted: None
) -> None:
    client = client_for(users.officer_a)
    params = {"indicator": "adults-epayment"}
    own = client.get(CHOROPLETH, params).json()
    assert {v["unit"] for v in own["values"]} == {tree.a1.code, tree.a2.code}
    assert client.get(CHOROPLETH, params | {"unit": tree.b.code}).status_code == 404
    assert Client().get(CHOROPLETH, params).status_code == 401
