"""Vector tiles: `registry:map-tile` answers Mapbox Vector Tiles, scoped to the caller,
with grid clusters at low zoom, no personal data, CORS and cache headers, and a 400 for
a tile that does not exist."""

from __future__ import annotations

from typing import Any

import mapbox_vector_tile
import pytest
from django.contrib.gis.geos import Point
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pytest_django import DjangoAssertNumQueries, Settings

from langso.places.testing import make_unit_tree
from langso.registry import maps
from langso.registry.models import Household, HouseholdStatus
from langso.registry.testing import RegistryTree, RegistryUsers
from langso.registry.tests.maps_testing import (
    A1_POINT,
    HEAD_NAME,
    HEAD_PHONE,
    add_household,
    moved_away,
    place_rows,
    place_villages,
    saved,
)

pytestmark = pytest.mark.django_db

A1_TILE = maps.tile_at(*A1_POINT, 15)
# At zoom 10 one tile holds both communes; at zoom 12 one holds commune A only.
PROVINCE_TILE = maps.tile_at(*A1_POINT, 10)
COMMUNE_A_TILE = maps.tile_at(105.95, 20.25, 12)

# What each layer may show, pinned here rather than read from the layer definitions:
# codes, kinds, statuses and counts, never a person (Decree 13/2023). A property added to
# a layer (a head's name, a phone) fails the tests below until it is judged and added.
ALLOWED_PROPERTIES = {
    "households": {"code", "status", "adults", "smartphone", "epayment"},
    "cooperatives": {"code", "name", "status"},
    "products": {"code", "category", "ocop"},
    "vessels": {"code"},
    "farms": {"code", "farming_type", "area"},
    "tourism": {"code", "name", "kind"},
    "wifi": {"code", "working"},
    "cameras": {"code", "purpose", "working"},
}


def _url(layer: str, tile: maps.Tile, **filters: str) -> str:
    url = reverse("registry:map-tile", args=[layer, tile.z, tile.x, tile.y])
    if filters:
        url += "?" + "&".join(f"{key}={value}" for key, value in filters.items())
    return url


def _features(client: Client, url: str, layer: str) -> list[dict[str, Any]]:
    response = client.get(url)
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/vnd.mapbox-vector-tile"
    decoded = mapbox_vector_tile.decode(response.content)
    features: list[dict[str, Any]] = decoded.get(layer, {}).get("features", [])
    return features


def test_a_zoom_15_tile_holds_households_with_codes_and_no_personal_data(
    client: Client, tree: RegistryTree, users: RegistryUsers
) -> None:
    """Each household of the tile is one point whose feature id is the row's id, with
    its code, status and counts; never the head's name or phone."""
    rows = place_rows(a1=tree.a1, a2=tree.a2, b1=tree.b1)
    client.force_login(users.officer_a)
    features = _features(client, _url("households", A1_TILE), "households")
    expected = {h.pk: h.address_code for h in rows.households_a if h.village_id == tree.a1.pk}
    assert {f["id"]: f["properties"]["code"] for f in features} == expected
    for feature in features:
        assert feature["geometry"]["type"] == "Point"
        assert set(feature["properties"]) <= ALLOWED_PROPERTIES["households"]
        assert feature["properties"]["status"] == "active"
        assert feature["properties"]["smartphone"] == 3
    raw = client.get(_url("households", A1_TILE)).content
    assert HEAD_NAME.encode() not in raw
    assert HEAD_PHONE.encode() not in raw


def _rows_in(feature: dict[str, Any]) -> int:
    """How many rows a feature stands for: a cluster's `count`, or one row."""
    count: int = feature["properties"].get("count", 1)
    return count


def test_low_zoom_tiles_carry_clusters_with_counts(
    client: Client, tree: RegistryTree, users: RegistryUsers
) -> None:
    """Below zoom 15 households come as grid clusters: a `count` and nothing else, and
    the counts add up to the households in the tile that the user may see."""
    place_rows(a1=tree.a1, a2=tree.a2, b1=tree.b1)
    client.force_login(users.province_officer)
    features = _features(client, _url("households", PROVINCE_TILE), "households")
    assert 1 < len(features) <= maps.CLUSTER_CELLS**2
    assert sum(_rows_in(f) for f in features) == Household.objects.count()
    clusters = [f for f in features if "count" in f["properties"]]
    assert clusters
    for feature in clusters:
        assert feature["properties"]["count"] > 1
        assert set(feature["properties"]) == {"count"}
        assert feature["geometry"]["type"] == "Point"

    client.force_login(users.officer_b)
    features = _features(client, _url("households", PROVINCE_TILE), "households")
    assert sum(_rows_in(f) for f in features) == Household.objects.filter(commune=tree.b).count()


def test_a_cell_of_one_row_is_that_row(
    client: Client, tree: RegistryTree, users: RegistryUsers
) -> None:
    """A household alone in its cell comes as itself, with its id and code, so that its
    popup can link to it; never with the head's name."""
    lone = add_household(tree.a1, 105.91, 20.21)
    client.force_login(users.officer_a)
    [feature] = _features(client, _url("households", maps.tile_at(105.91, 20.21, 10)), "households")
    assert feature["id"] == lone.pk
    assert feature["properties"] == {
        "code": lone.address_code,
        "status": "active",
        "adults": 3,
        "smartphone": 3,
        "epayment": 2,
    }


def test_a_cluster_sits_at_the_mean_position_of_its_rows(
    client: Client, tree: RegistryTree, users: RegistryUsers
) -> None:
    """Two households close together make one cluster between them, not at a cell corner."""
    add_household(tree.a1, 105.9400, 20.2500)
    add_household(tree.a1, 105.9402, 20.2502)
    client.force_login(users.officer_a)
    tile = maps.tile_at(105.94, 20.25, 10)
    [feature] = _features(client, _url("households", tile), "households")
    assert feature["properties"] == {"count": 2}
    # Decoded y counts upwards from the bottom of the tile (mapbox_vector_tile's default).
    x, y = feature["geometry"]["coordinates"]
    expected_x, expected_y = maps.tile_xy(tile, 105.9401, 20.2501)
    assert abs(x - expected_x) <= 1
    assert abs((maps.EXTENT - y) - expected_y) <= 1


def test_filters_narrow_tiles(client: Client, tree: RegistryTree, users: RegistryUsers) -> None:
    """`status` and `gap` keep only the matching households, in clusters too."""
    rows = place_rows(a1=tree.a1, a2=tree.a2, b1=tree.b1)
    moved_away(rows.households_a[0])
    short = rows.households_a[1]
    short.adults_smartphone = 1
    saved(short, "adults_smartphone")
    client.force_login(users.officer_a)

    def total(**filters: str) -> int:
        features = _features(client, _url("households", PROVINCE_TILE, **filters), "households")
        return sum(_rows_in(f) for f in features)

    assert total(status=HouseholdStatus.MOVED_AWAY) == 1
    assert total(gap="smartphone") == 1
    assert (
        total(status=HouseholdStatus.ACTIVE) == Household.objects.filter(commune=tree.a).count() - 1
    )


def test_rows_without_a_location_are_left_out(
    client: Client, tree: RegistryTree, users: RegistryUsers
) -> None:
    """A household not yet placed is in no tile, clustered or not."""
    add_household(tree.a1, *A1_POINT)
    add_household(tree.a1, 0, 0, location=None)
    client.force_login(users.officer_a)
    for tile in (A1_TILE, PROVINCE_TILE, maps.Tile(0, 0, 0)):
        features = _features(client, _url("households", tile), "households")
        assert sum(_rows_in(f) for f in features) == 1


@pytest.mark.parametrize("layer", sorted(set(maps.LAYERS) - {"households"}))
def test_every_registry_has_tiles_without_personal_data(
    client: Client, tree: RegistryTree, users: RegistryUsers, layer: str
) -> None:
    """At zoom 12 each registry's rows are points with the properties allowed for their
    layer only."""
    rows = place_rows(a1=tree.a1, a2=tree.a2, b1=tree.b1)
    client.force_login(users.officer_a)
    features = _features(client, _url(layer, COMMUNE_A_TILE), layer)
    model = maps.LAYERS[layer].model
    expected = [row.pk for row in rows.others_a if isinstance(row, model)]
    assert [f["id"] for f in features] == expected
    for feature in features:
        assert set(feature["properties"]) <= ALLOWED_PROPERTIES[layer]
        assert "Bí Mật" not in str(feature)


def test_every_layer_declares_only_allowed_properties() -> None:
    """Every layer is pinned above, and declares no property beyond its allow-list (a
    tile leaves out empty properties, so its features alone could hide one)."""
    assert set(maps.LAYERS) == set(ALLOWED_PROPERTIES)
    for name, layer in maps.LAYERS.items():
        assert set(layer.properties) <= ALLOWED_PROPERTIES[name], name


def test_unit_tiles_draw_boundaries_or_centroids(client: Client, tree: RegistryTree) -> None:
    """Commune A (boundary loaded) is a polygon, commune B (centroid only) a point; units
    are public, so no sign-in is needed and the tile may be cached publicly."""
    tile = maps.tile_at(106.0, 20.25, 11)
    response = client.get(_url("units", tile))
    assert "public" in response["Cache-Control"]
    decoded = mapbox_vector_tile.decode(response.content)
    shapes = {f["properties"]["code"]: f["geometry"]["type"] for f in decoded["units"]["features"]}
    assert shapes == {tree.a.code: "Polygon", tree.b.code: "Point"}


def test_unit_tiles_draw_approximate_cells_where_no_boundary_is_loaded(
    client: Client, tree: RegistryTree
) -> None:
    """Commune B, known by its centroid only, also comes as a polygon in the tile's
    `approx` layer: its cell around the centroids, without A's territory; A, with its
    own boundary, is not there. The units layer carries the label's place (the centre)
    and nothing beyond a unit's public code, name and level; the approx layer only the
    code and level."""
    tile = maps.tile_at(106.0, 20.25, 11)
    decoded = mapbox_vector_tile.decode(client.get(_url("units", tile)).content)
    (approx,) = decoded["approx"]["features"]
    assert approx["properties"] == {"code": tree.b.code, "level": "commune"}
    assert approx["geometry"]["type"] == "Polygon"
    for feature in decoded["units"]["features"]:
        assert set(feature["properties"]) == {"code", "name", "level", "lx", "ly"}
    # The name comes once, with the centre, under the same feature id.
    b = next(f for f in decoded["units"]["features"] if f["properties"]["code"] == tree.b.code)
    assert b["id"] == approx["id"] == tree.b.pk
    assert b["properties"]["name"] == tree.b.name
    centre = tree.b.centroid
    assert centre is not None
    assert (b["properties"]["lx"], b["properties"]["ly"]) == pytest.approx((centre.x, centre.y))


def test_a_province_without_a_boundary_is_drawn_as_its_communes_area(
    client: Client, tree: RegistryTree
) -> None:
    """At a country's zoom the province (no boundary loaded) comes as the area around
    its communes' centres, in the `approx` layer, labelled at its own centre."""
    decoded = mapbox_vector_tile.decode(
        client.get(_url("units", maps.tile_at(106.0, 20.25, 5))).content
    )
    (province,) = decoded["approx"]["features"]
    assert province["properties"]["code"] == tree.province.code
    assert province["properties"]["level"] == "province"
    assert province["geometry"]["type"] == "Polygon"


def test_at_a_province_zoom_a_tile_holds_the_province_areas_that_reach_it_only(
    client: Client, tree: RegistryTree
) -> None:
    """Below the communes' zooms every province without a boundary is a candidate; a
    tile keeps the areas that reach into it: province 37 around its communes in the
    north, province 96 around its own in the far south, each in its own tile only."""
    other = make_unit_tree(province_code="96", province_name="Tỉnh Cà Mau")
    for commune, lon in zip(other.communes, (105.10, 105.20), strict=True):
        commune.centroid = Point(lon, 9.10, srid=4326)
        commune.save(update_fields=["centroid"])

    def provinces(tile: maps.Tile) -> set[str]:
        return {
            f["properties"]["code"]
            for f in _approx_features(client, tile)
            if f["properties"]["level"] == "province"
        }

    assert provinces(maps.tile_at(106.0, 20.25, 8)) == {tree.province.code}
    assert provinces(maps.tile_at(105.15, 9.10, 8)) == {other.province.code}
    # Between them, far from either: no area.
    assert provinces(maps.tile_at(107.5, 14.0, 8)) == set()


def test_a_unit_tile_costs_the_same_queries_for_one_province_or_several(
    client: Client, tree: RegistryTree, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    """Once a province's approximate areas are computed, a tile asks a fixed number of
    queries however many provinces and communes without boundary it shows."""
    tile = maps.tile_at(106.0, 20.25, 9)
    client.get(_url("units", tile))  # computes province 37's areas
    one = _count(client, _url("units", tile))
    other = make_unit_tree(province_code="38", province_name="Tỉnh Thanh Hóa")
    for commune, lon in zip(other.communes, (105.93, 106.03), strict=True):
        commune.centroid = Point(lon, 20.12, srid=4326)
        commune.save(update_fields=["centroid"])
    client.get(_url("units", tile))  # computes province 38's
    with django_assert_num_queries(one):
        body = client.get(_url("units", tile)).content
    codes = {f["properties"]["code"] for f in mapbox_vector_tile.decode(body)["approx"]["features"]}
    assert {tree.b.code, *(c.code for c in other.communes)} <= codes


def test_tiles_carry_cache_validators(
    client: Client, tree: RegistryTree, users: RegistryUsers
) -> None:
    """Registry tiles are private to the user and short-lived; an unchanged tile asked
    again with its ETag costs a 304."""
    place_rows(a1=tree.a1, a2=tree.a2, b1=tree.b1)
    client.force_login(users.officer_a)
    url = _url("households", A1_TILE)
    response = client.get(url)
    assert "private" in response["Cache-Control"]
    assert "max-age=" in response["Cache-Control"]
    again = client.get(url, headers={"If-None-Match": response["ETag"]})
    assert again.status_code == 304


def test_cors_headers_follow_the_setting(
    client: Client, tree: RegistryTree, settings: Settings
) -> None:
    """ "*" lets any site read tiles; a list lets the listed origins only; a preflight
    (OPTIONS) is answered with the methods allowed."""
    url = _url("units", maps.tile_at(106.0, 20.25, 11))
    settings.MAP_TILE_CORS_ORIGINS = ["*"]
    assert client.get(url)["Access-Control-Allow-Origin"] == "*"

    settings.MAP_TILE_CORS_ORIGINS = ["https://ban-do.example.vn"]
    allowed = client.get(url, headers={"Origin": "https://ban-do.example.vn"})
    assert allowed["Access-Control-Allow-Origin"] == "https://ban-do.example.vn"
    assert "Origin" in allowed["Vary"]
    other = client.get(url, headers={"Origin": "https://khac.example"})
    assert "Access-Control-Allow-Origin" not in other

    preflight = client.options(
        url,
        headers={
            "Origin": "https://ban-do.example.vn",
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "if-none-match",
        },
    )
    assert preflight.status_code == 204
    assert preflight["Access-Control-Allow-Origin"] == "https://ban-do.example.vn"
    assert "GET" in preflight["Access-Control-Allow-Methods"]
    assert preflight["Access-Control-Allow-Headers"] == "if-none-match"


@pytest.mark.parametrize(
    ("z", "x", "y"),
    [("23", "0", "0"), ("2", "4", "0"), ("2", "0", "4"), ("a", "0", "0"), ("1", "-1", "0")],
)
def test_a_tile_outside_the_pyramid_is_a_400(
    client: Client, settings: Settings, z: str, x: str, y: str
) -> None:
    """z from 0 to 22, x and y inside 2^z: anything else is refused, naming the tile."""
    settings.MAP_TILE_CORS_ORIGINS = ["*"]
    response = client.get(f"/so-dang-ky/ban-do/tiles/households/{z}/{x}/{y}.pbf")
    assert response.status_code == 400
    assert f"{z}/{x}/{y}" in response.content.decode()
    assert response["Access-Control-Allow-Origin"] == "*"


def test_bad_filters_are_a_400_and_unknown_layers_a_404(client: Client) -> None:
    """A filter the layer lacks or a value outside its choices is named in a 400."""
    tile = maps.Tile(10, 813, 453)
    unknown = client.get(_url("households", tile, colour="red"))
    assert unknown.status_code == 400
    assert "colour" in unknown.content.decode()
    bad_value = client.get(_url("households", tile, status="gone"))
    assert bad_value.status_code == 400
    assert "gone" in bad_value.content.decode()
    assert client.get("/so-dang-ky/ban-do/tiles/ghosts/1/0/0.pbf").status_code == 404


def _count(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize("tile", [A1_TILE, PROVINCE_TILE], ids=["rows", "clusters"])
def test_a_tile_costs_the_same_queries_for_few_or_many_rows(
    client: Client,
    tree: RegistryTree,
    users: RegistryUsers,
    django_assert_num_queries: DjangoAssertNumQueries,
    tile: maps.Tile,
) -> None:
    """One household or sixty across villages: the same queries (one for the tile)."""
    add_household(tree.a1, *A1_POINT)
    client.force_login(users.province_officer)
    url = _url("households", tile)
    client.get(url)  # once per process, SpatiaLite's R*Tree is checked for upkeep
    one = _count(client, url)
    for i in range(20):
        add_household(tree.a1, A1_POINT[0] + i * 1e-5, A1_POINT[1])
        add_household(tree.a2, 105.97 + i * 1e-4, 20.27)
        add_household(tree.b1, 106.05 + i * 1e-4, 20.25)
    with django_assert_num_queries(one):
        client.get(url)


def _approx_features(client: Client, tile: maps.Tile) -> list[dict[str, Any]]:
    decoded = mapbox_vector_tile.decode(client.get(_url("units", tile)).content)
    features: list[dict[str, Any]] = decoded.get("approx", {}).get("features", [])
    return features


def test_villages_cells_come_in_the_approx_layer_at_village_zooms_only(
    client: Client, tree: RegistryTree
) -> None:
    """From zoom 12, where villages are drawn, the approx layer carries a polygon for each
    village with a centre and no boundary whose cell touches the tile (A's in A's tile,
    B's in B's), under the village's id, with its code and level; at zoom 11 none."""
    place_villages({"a1": tree.a1, "a2": tree.a2, "b1": tree.b1, "b2": tree.b2})
    at_12 = _approx_features(client, COMMUNE_A_TILE)
    villages = {f["id"]: f["properties"] for f in at_12 if f["properties"]["level"] == "village"}
    assert villages == {v.pk: {"code": v.code, "level": "village"} for v in (tree.a1, tree.a2)}
    at_b = _approx_features(client, maps.tile_at(106.05, 20.25, 12))
    # B's tile reaches A's eastern edge, so A2's cell may come too.
    assert {tree.b1.pk, tree.b2.pk} <= {
        f["id"] for f in at_b if f["properties"]["level"] == "village"
    }
    assert {f["geometry"]["type"] for f in at_12} == {"Polygon"}
    at_11 = _approx_features(client, maps.tile_at(106.0, 20.25, 11))
    assert {f["properties"]["level"] for f in at_11} == {"commune"}


def test_a_village_tile_costs_the_same_queries_for_few_or_many_villages(
    client: Client, tree: RegistryTree, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    """Once the villages' cells are computed, a zoom-12 tile asks a fixed number of
    queries however many villages it shows, in communes with a boundary (A) or an
    approximate cell (B)."""
    b_tile = maps.tile_at(106.0, 20.25, 12)
    place_villages({"a1": tree.a1, "b1": tree.b1})
    client.get(_url("units", b_tile))  # computes A's and B's villages' cells
    one = _count(client, _url("units", b_tile))
    place_villages({"a2": tree.a2, "b2": tree.b2})
    client.get(_url("units", b_tile))  # computes them again
    with django_assert_num_queries(one):
        features = _approx_features(client, b_tile)
    codes = {f["properties"]["code"] for f in features if f["properties"]["level"] == "village"}
    # A1's cell, A's south-western part, lies west of this tile.
    assert codes == {v.code for v in (tree.a2, tree.b1, tree.b2)}
