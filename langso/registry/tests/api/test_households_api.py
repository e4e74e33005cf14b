"""/api/v1/households: scoped JSON and GeoJSON, create and patch."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from pytest_django import DjangoAssertNumQueries

from langso.registry.models import Household
from langso.registry.testing import (
    SEES_A1_A2_B1,
    Points,
    RegistryTree,
    RegistryUsers,
    create_household,
)

pytestmark = pytest.mark.django_db

URL = "/api/v1/households"


@pytest.fixture
def households(tree: RegistryTree, users: RegistryUsers, points: Points) -> dict[str, Household]:
    """One household in A1, one in A2, one in B1."""
    return {
        "a1": create_household(
            actor=users.officer_a,
            village=tree.a1,
            head_name="Nguyễn Văn An",
            head_phone="0912345678",
            house_number="12",
            members=4,
            adults=3,
            adults_smartphone=1,
            broadband="fibre",
            location=points.inside_a,
        ),
        "a2": create_household(
            actor=users.officer_a, village=tree.a2, members=2, adults=2, adults_smartphone=2
        ),
        "b1": create_household(actor=users.officer_b, village=tree.b1, head_name="Lê Thị Bích"),
    }


def _get(client: Client, user: Any, path: str = URL, **params: Any) -> Any:
    client.force_login(user)
    return client.get(path, params)


def _codes(response: Any) -> set[str]:
    assert response.status_code == 200, response.content
    return {row["address_code"] for row in response.json()["results"]}


@pytest.mark.parametrize(("user", "visible"), SEES_A1_A2_B1)
def test_each_role_lists_its_subtree(
    client: Client,
    users: RegistryUsers,
    households: dict[str, Household],
    user: str,
    visible: set[str],
) -> None:
    assert _codes(_get(client, users.of(user))) == {households[k].address_code for k in visible}


def test_anonymous_callers_are_refused(client: Client, households: dict[str, Household]) -> None:
    assert client.get(URL).status_code == 401
    assert client.get(f"{URL}/{households['a1'].address_code}").status_code == 401


def test_json_carries_personal_data_within_scope(
    client: Client, users: RegistryUsers, households: dict[str, Household], tree: RegistryTree
) -> None:
    (row,) = _get(client, users.village_head_a1).json()["results"]
    assert row["head_name"] == "Nguyễn Văn An"
    assert row["head_phone"] == "0912345678"
    assert (row["province"], row["commune"], row["village"]) == ("37", tree.a.code, tree.a1.code)
    assert row["location"] == [105.95, 20.25]
    assert row["freshness"]["readiness"]["source"] == "officer"
    assert row["freshness"]["connectivity"]["updated_at"] is not None


def test_geojson_never_carries_the_head_name_or_phone(
    client: Client, users: RegistryUsers, households: dict[str, Household]
) -> None:
    """A FeatureCollection of points; households without a point have no geometry."""
    response = _get(client, users.officer_a, format="geojson")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/geo+json")
    body = json.loads(response.content)
    assert body["type"] == "FeatureCollection"
    features = {f["id"]: f for f in body["features"]}
    located = features[households["a1"].address_code]
    assert located["geometry"] == {"type": "Point", "coordinates": [105.95, 20.25]}
    assert features[households["a2"].address_code]["geometry"] is None
    for feature in body["features"]:
        assert "head_name" not in feature["properties"]
        assert "head_phone" not in feature["properties"]
    assert "Nguyễn" not in response.content.decode()
    assert "0912345678" not in response.content.decode()


def test_filters(
    client: Client, users: RegistryUsers, households: dict[str, Household], tree: RegistryTree
) -> None:
    """Unit of any level, readiness gap, broadband, unknown counts and search."""
    admin = users.central_admin
    code = {k: h.address_code for k, h in households.items()}
    assert _codes(_get(client, admin, unit=tree.a.code)) == {code["a1"], code["a2"]}
    assert _codes(_get(client, admin, unit=tree.b1.code)) == {code["b1"]}
    assert _codes(_get(client, admin, unit="37")) == set(code.values())
    assert _codes(_get(client, admin, gap="smartphone")) == {code["a1"]}
    assert _codes(_get(client, admin, broadband="fibre")) == {code["a1"]}
    assert _codes(_get(client, admin, unknown="true")) == set(code.values())
    assert _codes(_get(client, admin, status="moved_away")) == set()
    assert _codes(_get(client, admin, q="nguyễn văn")) == {code["a1"]}
    # Typed without diacritics, as on most phones' keyboards.
    assert _codes(_get(client, admin, q="NGUYEN VAN")) == {code["a1"]}
    assert _codes(_get(client, admin, q=code["a1"][:9].lower())) == {code["a1"], code["a2"]}
    assert _codes(_get(client, admin, q="12")) == {code["a1"]}


@pytest.mark.parametrize(
    ("param", "value"),
    [
        ("status", "gone"),
        ("broadband", "adsl"),
        ("gap", "television"),
        ("limit", "0"),
        ("limit", "501"),
        ("after", "x"),
        ("format", "kml"),
    ],
)
def test_bad_parameters_are_named(
    client: Client, users: RegistryUsers, param: str, value: str
) -> None:
    response = _get(client, users.officer_a, **{param: value})
    assert response.status_code == 400
    assert param in response.json()["detail"]


def test_a_unit_outside_scope_is_a_bad_parameter_like_a_missing_one(
    client: Client, users: RegistryUsers, tree: RegistryTree
) -> None:
    """Officer A asking for commune B gets the same answer as for a unit that does not
    exist."""
    outside = _get(client, users.officer_a, unit=tree.b.code)
    missing = _get(client, users.officer_a, unit="99999")
    assert outside.status_code == missing.status_code == 400
    assert "unit" in outside.json()["detail"]
    assert outside.json()["detail"].replace(tree.b.code, "?") == missing.json()["detail"].replace(
        "99999", "?"
    )


def test_keyset_pages(
    client: Client, users: RegistryUsers, households: dict[str, Household]
) -> None:
    """Newest first; `next` leads to the following page and is null on the last."""
    first = _get(client, users.central_admin, limit=2).json()
    second = _get(client, users.central_admin, limit=2, after=first["next"]).json()
    assert [r["address_code"] for r in first["results"] + second["results"]] == [
        households[k].address_code for k in ("b1", "a2", "a1")
    ]
    assert second["next"] is None


def test_detail_within_scope_only(
    client: Client, users: RegistryUsers, households: dict[str, Household]
) -> None:
    """Outside scope a household is 404, exactly as a code that does not exist."""
    code = households["b1"].address_code
    assert _get(client, users.officer_b, f"{URL}/{code.lower()}").json()["address_code"] == code
    outside = _get(client, users.officer_a, f"{URL}/{code}")
    missing = _get(client, users.officer_a, f"{URL}/KHONG-CO")
    assert outside.status_code == missing.status_code == 404
    assert outside.json() == missing.json()


def _post(client: Client, user: Any, body: dict[str, Any]) -> Any:
    client.force_login(user)
    return client.post(URL, body, content_type="application/json")


def test_create(client: Client, users: RegistryUsers, tree: RegistryTree) -> None:
    response = _post(
        client,
        users.officer_a,
        {"village": tree.a1.code, "members": 3, "adults": 2, "lat": 20.25, "lon": 105.95},
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["village"] == tree.a1.code
    assert body["location"] == [105.95, 20.25]
    assert body["address_code"].startswith(f"{tree.a.code}-")


def test_create_lists_every_bad_field(
    client: Client, users: RegistryUsers, tree: RegistryTree
) -> None:
    response = _post(
        client,
        users.officer_a,
        {"village": tree.a1.code, "members": 1, "adults": 2, "lat": 48.8, "lon": 2.3},
    )
    assert response.status_code == 400
    assert {e["param"] for e in response.json()["errors"]} == {"adults", "location"}
    assert not Household.objects.exists()
    only_lat = _post(client, users.officer_a, {"village": tree.a1.code, "lat": 20.2})
    assert {e["param"] for e in only_lat.json()["errors"]} == {"location"}
    unknown = _post(client, users.officer_a, {"village": "37001-99"})
    assert {e["param"] for e in unknown.json()["errors"]} == {"village"}


def test_create_outside_scope_is_forbidden(
    client: Client, users: RegistryUsers, tree: RegistryTree
) -> None:
    assert _post(client, users.officer_a, {"village": tree.b1.code}).status_code == 403
    assert _post(client, users.digital_team_a, {"village": tree.a1.code}).status_code == 403
    assert not Household.objects.exists()


def test_patch_changes_only_what_is_sent(
    client: Client, users: RegistryUsers, households: dict[str, Household]
) -> None:
    code = households["a1"].address_code
    client.force_login(users.officer_a)
    response = client.patch(
        f"{URL}/{code}", {"adults_smartphone": 3, "lat": None, "lon": None}, "application/json"
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["adults_smartphone"] == 3
    assert body["location"] is None
    assert body["head_name"] == "Nguyễn Văn An"
    bad = client.patch(f"{URL}/{code}", {"adults": 9}, "application/json")
    assert bad.status_code == 400
    assert [e["param"] for e in bad.json()["errors"]] == ["adults"]


def test_patch_outside_scope_is_not_found_and_viewers_are_forbidden(
    client: Client, users: RegistryUsers, households: dict[str, Household]
) -> None:
    client.force_login(users.officer_b)
    url = f"{URL}/{households['a1'].address_code}"
    assert client.patch(url, {"members": 9}, "application/json").status_code == 404
    client.force_login(users.digital_team_a)
    assert client.patch(url, {"members": 9}, "application/json").status_code == 403


@pytest.mark.parametrize("fmt", ["json", "geojson"])
def test_list_query_budget(
    client: Client,
    users: RegistryUsers,
    tree: RegistryTree,
    households: dict[str, Household],
    django_assert_num_queries: DjangoAssertNumQueries,
    fmt: str,
) -> None:
    """The number of queries does not grow with the rows."""
    client.force_login(users.province_officer)
    client.get(URL, {"format": fmt})  # the session and the roles, read once per request
    with CaptureQueriesContext(connection) as one:
        client.get(URL, {"format": fmt, "unit": tree.a.code})
    # Session, user, roles, the unit of the filter, the page.
    assert len(one.captured_queries) == 5
    for village in (tree.a1, tree.a2, tree.b1, tree.b2) * 3:
        create_household(actor=users.central_admin, village=village, members=1)
    with django_assert_num_queries(len(one.captured_queries)):
        response = client.get(URL, {"format": fmt, "unit": "37"})
    assert response.status_code == 200


def test_detail_query_budget(
    client: Client,
    users: RegistryUsers,
    households: dict[str, Household],
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    client.force_login(users.officer_a)
    with django_assert_num_queries(4):
        response = client.get(f"{URL}/{households['a1'].address_code}")
    assert response.status_code == 200
