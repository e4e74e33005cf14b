"""The map reads registries only through the user's scope, in GeoJSON and in tiles."""

from __future__ import annotations

from typing import Any

import mapbox_vector_tile
import pytest
from django.contrib.auth.models import AnonymousUser

from langso.registry import maps
from langso.registry.models import Household
from langso.registry.selectors.maps import map_features_for_user, map_tile_for_user
from langso.registry.testing import RegistryTree, RegistryUsers
from langso.registry.tests.maps_testing import A1_POINT, place_rows

pytestmark = pytest.mark.django_db

# Zoom 15 draws households one by one; this tile holds commune A's village A1 rows.
A1_TILE = maps.tile_at(*A1_POINT, 15)


def _codes(collection: dict[str, Any]) -> set[str]:
    return {feature["properties"]["code"] for feature in collection["features"]}


def _household_codes(**where: Any) -> set[str]:
    return set(Household.objects.filter(**where).values_list("address_code", flat=True))


@pytest.mark.parametrize(
    ("user_name", "communes"),
    [
        ("central_admin", {"a", "b"}),
        ("province_officer", {"a", "b"}),
        ("officer_a", {"a"}),
        ("officer_b", {"b"}),
        ("digital_team_a", {"a"}),
        ("nobody", set()),
    ],
)
def test_geojson_holds_the_households_in_scope_only(
    tree: RegistryTree, users: RegistryUsers, user_name: str, communes: set[str]
) -> None:
    """Each role sees the households of its own subtree, and none from elsewhere."""
    place_rows(a1=tree.a1, a2=tree.a2, b1=tree.b1)
    query = maps.layer_query_parse("households", {})
    collection = map_features_for_user(user=users.of(user_name), query=query, bbox=None)
    expected: set[str] = set()
    for name in communes:
        expected |= _household_codes(commune=getattr(tree, name))
    assert _codes(collection) == expected


def test_a_village_head_sees_the_village_only(tree: RegistryTree, users: RegistryUsers) -> None:
    """The head of A1 sees A1's households, not A2's."""
    place_rows(a1=tree.a1, a2=tree.a2, b1=tree.b1)
    query = maps.layer_query_parse("households", {})
    collection = map_features_for_user(user=users.village_head_a1, query=query, bbox=None)
    assert _codes(collection) == _household_codes(village=tree.a1)


def test_an_anonymous_caller_sees_no_registry_row_but_the_units(tree: RegistryTree) -> None:
    """Without a role there is no scope: registry layers are empty; units are public."""
    place_rows(a1=tree.a1, a2=tree.a2, b1=tree.b1)
    anonymous = AnonymousUser()
    for name in maps.LAYERS:
        query = maps.layer_query_parse(name, {})
        assert map_features_for_user(user=anonymous, query=query, bbox=None)["features"] == []
        assert map_tile_for_user(user=anonymous, query=query, tile=A1_TILE) == b""
    units = map_features_for_user(
        user=anonymous, query=maps.layer_query_parse("units", {}), bbox=None
    )
    assert {f["properties"]["code"] for f in units["features"]} == {tree.a.code, tree.b.code}


@pytest.mark.parametrize("layer", sorted(maps.LAYERS))
def test_every_layer_is_scoped(tree: RegistryTree, users: RegistryUsers, layer: str) -> None:
    """For every registry, commune B's officer gets B's rows and none of A's."""
    rows = place_rows(a1=tree.a1, a2=tree.a2, b1=tree.b1)
    query = maps.layer_query_parse(layer, {})
    collection = map_features_for_user(user=users.officer_b, query=query, bbox=None)
    assert collection["features"]
    for feature in collection["features"]:
        lon, _lat = feature["geometry"]["coordinates"]
        assert lon > 106.0, feature
    assert len(rows.others_b) == len(maps.LAYERS) - 1


def test_tiles_are_scoped(tree: RegistryTree, users: RegistryUsers) -> None:
    """A tile over A1 is empty for commune B's officer and full for commune A's."""
    place_rows(a1=tree.a1, a2=tree.a2, b1=tree.b1)
    query = maps.layer_query_parse("households", {})
    assert map_tile_for_user(user=users.officer_b, query=query, tile=A1_TILE) == b""
    decoded = mapbox_vector_tile.decode(
        map_tile_for_user(user=users.officer_a, query=query, tile=A1_TILE)
    )
    codes = {f["properties"]["code"] for f in decoded["households"]["features"]}
    assert codes
    assert codes <= _household_codes(village=tree.a1)
