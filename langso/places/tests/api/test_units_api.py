"""/api/v1/units on the real national lists."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from langso.places.models import AdminUnit, Level
from langso.places.services.units import UnitLoadReport

pytestmark = pytest.mark.django_db


def _get(client: Client, path: str, **params: Any) -> Any:
    return client.get(f"/api/v1{path}", params)


def test_counts_by_level_and_day(client: Client, national_units: UnitLoadReport) -> None:
    """34 provinces and 3,321 communes on 2026-01-01; 63 provinces on 2025-01-01."""
    assert _get(client, "/units", level="province", valid_on="2026-01-01").json()["count"] == 34
    assert _get(client, "/units", level="commune", valid_on="2026-01-01").json()["count"] == 3321
    assert _get(client, "/units", level="province", valid_on="2025-01-01").json()["count"] == 63


def test_a_merged_commune_lists_its_predecessors(
    client: Client, national_units: UnitLoadReport
) -> None:
    """The detail of a commune formed by a merger names the old communes it came from,
    each with its own validity, and its province among the ancestors."""
    body = _get(client, "/units/00004").json()
    assert body["name"] == "Phường Ba Đình"
    assert body["valid_from"] == "2025-07-01"
    assert [a["code"] for a in body["ancestors"]] == ["01"]
    predecessors = body["predecessors"]
    assert len(predecessors) >= 2
    assert all(p["unit"]["valid_to"] == "2025-06-30" for p in predecessors)
    assert {p["kind"] for p in predecessors} <= {"whole", "part"}


def test_a_legacy_commune_lists_its_successors(
    client: Client, national_units: UnitLoadReport
) -> None:
    """Read one way and the other: an old commune names where it went."""
    body = _get(client, "/units/00001", valid_on="2025-01-01").json()
    assert body["name"] == "Phường Phúc Xá"
    assert body["valid_to"] == "2025-06-30"
    assert [s["unit"]["valid_to"] for s in body["successors"]] == [None]


def test_children_by_parent_code(client: Client, national_units: UnitLoadReport) -> None:
    """`parent` lists a unit's children; codes shared across generations follow valid_on."""
    now = _get(client, "/units", parent="01", valid_on="2026-01-01", limit=1000).json()
    before = _get(client, "/units", parent="01", valid_on="2025-01-01", limit=1000).json()
    assert now["count"] == AdminUnit.objects.current().filter(parent__code="01").count()
    assert {u["level"] for u in now["results"]} == {"commune"}
    assert {u["level"] for u in before["results"]} == {"district"}


def test_search_ignores_diacritics(client: Client, national_units: UnitLoadReport) -> None:
    """ "dan phuong" finds the old district of Đan Phượng and the new commune."""
    body = _get(client, "/units", q="dan phuong").json()
    names = {u["name"] for u in body["results"]}
    assert "Huyện Đan Phượng" in names
    assert "Xã Đan Phượng" in names


def test_keyset_pages_cover_every_unit_once(client: Client, national_units: UnitLoadReport) -> None:
    """Following `next` visits every province once, in code order."""
    seen: list[str] = []
    after = None
    while True:
        params = {"level": "province", "limit": 10} | ({"after": after} if after else {})
        body = _get(client, "/units", **params).json()
        seen += [u["code"] for u in body["results"]]
        after = body["next"]
        if not after:
            break
    assert len(seen) == AdminUnit.objects.filter(level=Level.PROVINCE).count() == 97
    assert seen == sorted(seen)


def test_unknown_code_is_404_json(client: Client, national_units: UnitLoadReport) -> None:
    """An unknown unit code answers 404 with a JSON body."""
    response = _get(client, "/units/99999")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert "99999" in response.json()["detail"]


@pytest.mark.parametrize(
    ("params", "bad"),
    [
        ({"level": "hamlet"}, "level"),
        ({"valid_on": "31/12/2025"}, "valid_on"),
        ({"limit": "0"}, "limit"),
        ({"limit": "abc"}, "limit"),
        ({"after": "nonsense"}, "after"),
        ({"parent": "77777"}, "parent"),
    ],
)
def test_bad_filters_are_400_naming_the_parameter(
    client: Client, national_units: UnitLoadReport, params: dict[str, str], bad: str
) -> None:
    """A bad filter value answers 400 and the message names the parameter."""
    response = _get(client, "/units", **params)
    assert response.status_code == 400
    assert bad in response.json()["detail"]


def test_list_query_count_does_not_grow_with_rows(
    client: Client, national_units: UnitLoadReport, django_assert_max_num_queries: Any
) -> None:
    """Listing 10 or 1,000 communes costs the same queries."""
    with django_assert_max_num_queries(2):
        _get(client, "/units", level="commune", limit=10)
    with django_assert_max_num_queries(2):
        _get(client, "/units", level="commune", limit=1000)


def _refs(node: Any) -> list[str]:
    if isinstance(node, dict):
        found = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
        return found + [r for value in node.values() for r in _refs(value)]
    if isinstance(node, list):
        return [r for value in node for r in _refs(value)]
    return []


def test_openapi_document_is_self_contained(client: Client) -> None:
    """The OpenAPI document describes /units and refers only to its own components."""
    doc = client.get("/api/v1/openapi.json").json()
    assert doc["openapi"].startswith("3.")
    assert "/api/v1/units" in doc["paths"]
    assert "/api/v1/units/{code}" in doc["paths"]
    refs = _refs(doc)
    assert refs
    for ref in refs:
        assert ref.startswith("#/components/"), ref
        name = ref.removeprefix("#/components/schemas/")
        assert name in doc["components"]["schemas"], ref
