"""GeoJSON by bounding box: `registry:map-geojson` answers a FeatureCollection of one
layer, scoped to the caller, filtered by `bbox` and the layer's filters, capped."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pytest_django import DjangoAssertNumQueries, Settings

from langso.registry.maps import geojson
from langso.registry.models import Household, HouseholdStatus
from langso.registry.testing import RegistryTree, RegistryUsers
from langso.registry.tests.maps_testing import (
    HEAD_NAME,
    HEAD_PHONE,
    add_household,
    moved_away,
    place_rows,
)

pytestmark = pytest.mark.django_db

URL = "registry:map-geojson"
# Village A1's corner of commune A, and the whole of both communes.
A1_BOX = "105.90,20.20,105.94,20.24"
BOTH_BOX = "105.80,20.10,106.20,20.40"


def _get(client: Client, **params: str) -> Any:
    response = client.get(reverse(URL), params)
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/geo+json"
    return response.json()


def test_the_answer_is_a_geojson_feature_collection(
    client: Client, tree: RegistryTree, users: RegistryUsers
) -> None:
    """Points in lon/lat order, the row id as feature id, the layer's properties, and
    nothing of the head of household."""
    rows = place_rows(a1=tree.a1, a2=tree.a2, b1=tree.b1)
    client.force_login(users.officer_a)
    response = client.get(reverse(URL), {"layer": "households", "bbox": BOTH_BOX})
    assert HEAD_NAME not in response.content.decode()
    assert HEAD_PHONE not in response.content.decode()
    collection = response.json()
    assert collection["type"] == "FeatureCollection"
    assert collection["truncated"] is False
    household = rows.households_a[0]
    assert household.location is not None
    [feature] = [f for f in collection["features"] if f["id"] == household.pk]
    assert feature == {
        "type": "Feature",
        "id": household.pk,
        "geometry": {"type": "Point", "coordinates": [household.location.x, household.location.y]},
        "properties": {
            "layer": "households",
            "code": household.address_code,
            "status": "active",
            "adults": 3,
            "smartphone": 3,
            "epayment": 2,
        },
    }


def test_a_commune_officer_gets_the_commune_only(
    client: Client, tree: RegistryTree, users: RegistryUsers
) -> None:
    """Commune A's officer asking for a box over both communes gets A's rows only."""
    place_rows(a1=tree.a1, a2=tree.a2, b1=tree.b1)
    client.force_login(users.officer_a)
    codes = {
        f["properties"]["code"] for f in _get(client, layer="households", bbox=BOTH_BOX)["features"]
    }
    assert codes == set(
        Household.objects.filter(commune=tree.a).values_list("address_code", flat=True)
    )


def test_bbox_keeps_the_rows_inside(
    client: Client, tree: RegistryTree, users: RegistryUsers
) -> None:
    """Only the rows inside the box come back; without a box, every row in scope."""
    rows = place_rows(a1=tree.a1, a2=tree.a2, b1=tree.b1)
    client.force_login(users.province_officer)
    inside = {f["id"] for f in _get(client, layer="households", bbox=A1_BOX)["features"]}
    assert inside == {h.pk for h in rows.households_a if h.village_id == tree.a1.pk}
    everything = _get(client, layer="households")["features"]
    assert len(everything) == Household.objects.count()


def test_filters_apply(client: Client, tree: RegistryTree, users: RegistryUsers) -> None:
    """The layer's filters narrow the answer as they narrow tiles."""
    rows = place_rows(a1=tree.a1, a2=tree.a2, b1=tree.b1)
    gone = moved_away(rows.households_b[0])
    client.force_login(users.province_officer)
    moved = _get(client, layer="households", status=HouseholdStatus.MOVED_AWAY)["features"]
    assert [f["id"] for f in moved] == [gone.pk]
    vessels = _get(client, layer="vessels", licence="expired")["features"]
    assert len(vessels) == 2
    assert _get(client, layer="vessels", licence="valid")["features"] == []


def test_units_come_as_boundaries_or_centroids(client: Client, tree: RegistryTree) -> None:
    """Units need no sign-in; a boundary where one is loaded, the centroid elsewhere."""
    features = _get(client, layer="units", bbox=BOTH_BOX, level="commune")["features"]
    shapes = {f["properties"]["code"]: f["geometry"]["type"] for f in features}
    assert shapes == {tree.a.code: "MultiPolygon", tree.b.code: "Point"}


def test_the_answer_is_capped(
    client: Client, tree: RegistryTree, users: RegistryUsers, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past the cap the newest rows come back, and `truncated` says more matched."""
    for i in range(4):
        add_household(tree.a1, 105.93 + i * 1e-4, 20.23)
    monkeypatch.setattr(geojson, "GEOJSON_ROW_CAP", 3)
    client.force_login(users.officer_a)
    collection = _get(client, layer="households")
    assert collection["truncated"] is True
    newest = Household.objects.order_by("-pk").values_list("pk", flat=True)[:3]
    assert [f["id"] for f in collection["features"]] == list(newest)


@pytest.mark.parametrize(
    ("params", "named"),
    [
        ({"layer": "ghosts"}, "ghosts"),
        ({}, "households"),
        ({"layer": "households", "bbox": "1,2,3"}, "bbox"),
        ({"layer": "households", "bbox": "106,20,105,21"}, "bbox"),
        ({"layer": "households", "bbox": "a,b,c,d"}, "bbox"),
        ({"layer": "households", "bbox": "100,-91,101,20"}, "bbox"),
        ({"layer": "households", "status": "gone"}, "gone"),
        ({"layer": "households", "colour": "red"}, "colour"),
        ({"layer": "units", "level": "hamlet"}, "hamlet"),
    ],
)
def test_bad_input_is_a_400_that_names_it(
    client: Client, params: dict[str, str], named: str
) -> None:
    """An unknown layer, a malformed box or a bad filter is refused with a message
    that names what is wrong."""
    response = client.get(reverse(URL), params)
    assert response.status_code == 400
    assert named in response.json()["error"]


def test_cors_header(client: Client, tree: RegistryTree, settings: Settings) -> None:
    settings.MAP_TILE_CORS_ORIGINS = ["*"]
    response = client.get(reverse(URL), {"layer": "units"})
    assert response["Access-Control-Allow-Origin"] == "*"


def _count(client: Client, params: dict[str, str]) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse(URL), params).status_code == 200
    return len(captured)


def test_the_same_queries_for_few_or_many_rows(
    client: Client,
    tree: RegistryTree,
    users: RegistryUsers,
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    """One household or sixty across villages: the same queries."""
    add_household(tree.a1, 105.93, 20.23)
    client.force_login(users.province_officer)
    params = {"layer": "households", "bbox": BOTH_BOX}
    client.get(reverse(URL), params)  # once per process, SpatiaLite's R*Tree is checked
    one = _count(client, params)
    for i in range(20):
        for village, lon in ((tree.a1, 105.93), (tree.a2, 105.97), (tree.b1, 106.05)):
            add_household(village, lon + i * 1e-4, 20.25)
    with django_assert_num_queries(one):
        client.get(reverse(URL), params)
