"""Overlays: apps above the registry add layers to the map by registering a declaration
(see `maps.overlays`); the map page offers each to the users it names, with its legend,
and the units' places are read for them as the units layer draws them."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.gis.geos import MultiPolygon, Point
from django.test import Client
from django.urls import reverse

from langso.core.actors import Actor
from langso.places.models import AdminUnit
from langso.registry import maps
from langso.registry.maps import BBox, LegendEntry, MapOverlay
from langso.registry.testing import RegistryTree, RegistryUsers
from langso.registry.tests.maps_testing import map_config

pytestmark = pytest.mark.django_db


def _commune_officers(user: Actor) -> bool:
    return bool(user.is_authenticated) and getattr(user, "username", "").startswith("canbo.xa")


def _only_a(user: Actor) -> bool:
    return getattr(user, "username", "") == "canbo.xa.a"


FAKE = MapOverlay(
    name="fake-overlay",
    title="Lớp thử",
    # Any GeoJSON route will do: the map page only reverses it for its script.
    url_name="registry:map-geojson",
    legend=(
        LegendEntry("good", "Trạng thái tốt", "#00aa00"),
        LegendEntry("secret", "Trạng thái riêng", "#aa0000", shown_to=_only_a),
    ),
    properties={"year": "Năm"},
    shown_to=_commune_officers,
)


@pytest.fixture
def fake_overlay() -> Iterator[MapOverlay]:
    maps.map_overlay_register(FAKE)
    yield FAKE
    maps.map_overlay_unregister(FAKE.name)


def test_registering_twice_is_a_no_op_and_a_name_is_taken_once(
    fake_overlay: MapOverlay,
) -> None:
    """The same declaration again changes nothing; another under its name, or under a
    registry layer's name, is refused."""
    maps.map_overlay_register(FAKE)
    assert list(maps.OVERLAYS).count(FAKE.name) == 1
    with pytest.raises(ValueError, match="fake-overlay"):
        maps.map_overlay_register(MapOverlay(name=FAKE.name, title="Khác", url_name="x", legend=()))
    for taken in ("households", "units", "approx"):
        with pytest.raises(ValueError, match=taken):
            maps.map_overlay_register(MapOverlay(name=taken, title="Khác", url_name="x", legend=()))


def test_the_overlays_offered_follow_their_rule(
    fake_overlay: MapOverlay, users: RegistryUsers
) -> None:
    assert FAKE in maps.map_overlays_for(users.officer_a)
    assert FAKE not in maps.map_overlays_for(users.province_officer)
    assert [e.value for e in FAKE.legend_for(users.officer_a)] == ["good", "secret"]
    assert [e.value for e in FAKE.legend_for(users.officer_b)] == ["good"]


def test_the_map_page_offers_the_overlay_with_its_legend(
    client: Client, fake_overlay: MapOverlay, users: RegistryUsers
) -> None:
    """A user the overlay names gets its toggle, its legend (the entries meant for them)
    and, for the script, its endpoint, colours and popup labels; another user none."""
    client.force_login(users.officer_b)
    response = client.get(reverse("registry:map"))
    html = response.content.decode()
    assert 'data-layer="fake-overlay"' in html
    assert "Trạng thái tốt" in html
    assert "Trạng thái riêng" not in html
    [found] = [o for o in map_config(response.content)["overlays"] if o["name"] == FAKE.name]
    assert found == {
        "name": "fake-overlay",
        "title": "Lớp thử",
        "url": reverse("registry:map-geojson"),
        "heading": "name",
        "colors": {"good": "#00aa00", "secret": "#aa0000"},
        "properties": {"year": "Năm"},
    }
    client.force_login(users.province_officer)
    response = client.get(reverse("registry:map"))
    assert 'data-layer="fake-overlay"' not in response.content.decode()
    assert FAKE.name not in [o["name"] for o in map_config(response.content)["overlays"]]


def _places(tree: RegistryTree, box: BBox | None) -> dict[int, dict[str, Any]]:
    units = AdminUnit.objects.filter(pk__in=[tree.a.pk, tree.b.pk, tree.a1.pk, tree.a2.pk])
    return maps.unit_places(units, bbox=box)


def test_unit_places_are_drawn_as_the_units_layer_draws_them(tree: RegistryTree) -> None:
    """A commune's boundary where loaded, else its approximate cell; a village's centre;
    nothing for a unit with no place or outside the box."""
    tree.a1.centroid = Point(105.92, 20.22, srid=4326)
    tree.a1.save(update_fields=["centroid"])
    places = _places(tree, None)
    assert set(places) == {tree.a.pk, tree.b.pk, tree.a1.pk}
    assert places[tree.a.pk]["type"] == "MultiPolygon"
    assert places[tree.a.pk]["coordinates"][0][0][0] == [105.9, 20.2]
    assert places[tree.b.pk]["type"] in {"Polygon", "MultiPolygon"}
    assert places[tree.a1.pk] == {"type": "Point", "coordinates": [105.92, 20.22]}
    assert set(_places(tree, BBox(106.04, 20.24, 106.06, 20.26))) == {tree.b.pk}


def test_unit_places_simplified_keep_every_unit_with_fewer_points(tree: RegistryTree) -> None:
    """With a tolerance, a detailed boundary comes back with fewer points (simplified
    in the query) and the approximate cell too; no unit is lost, a centre stays put."""
    circle = Point(105.95, 20.25, srid=4326).buffer(0.05, quadsegs=64)
    tree.a.boundary = MultiPolygon(circle, srid=4326)
    tree.a.save(update_fields=["boundary"])
    tree.a1.centroid = Point(105.92, 20.22, srid=4326)
    tree.a1.save(update_fields=["centroid"])
    units = AdminUnit.objects.filter(pk__in=[tree.a.pk, tree.b.pk, tree.a1.pk])
    full = maps.unit_places(units, bbox=None)
    simple = maps.unit_places(units, bbox=None, tolerance=0.002)
    assert set(simple) == set(full) == {tree.a.pk, tree.b.pk, tree.a1.pk}

    def points(geometry: dict[str, Any]) -> int:
        return len(str(geometry["coordinates"]).split("],"))

    assert points(simple[tree.a.pk]) < points(full[tree.a.pk]) / 4
    assert simple[tree.a.pk]["type"] in {"Polygon", "MultiPolygon"}
    assert points(simple[tree.b.pk]) <= points(full[tree.b.pk])
    assert simple[tree.a1.pk] == full[tree.a1.pk]
