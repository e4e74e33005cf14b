"""The record's point figure (`maps.pin`): the projection frames the outline and the pin
and round-trips to lon/lat, the scale bar reads in round metres, and without a point or
an outline the figure says what it can."""

from __future__ import annotations

import math

import pytest
from django.contrib.gis.geos import MultiPolygon, Polygon

from langso.registry.maps.pin import HEIGHT, WIDTH, pin_figure

# 0.1° × 0.1° at 20.25° N: about 10.4 km wide and 11.1 km tall.
SQUARE = MultiPolygon(
    Polygon(((105.90, 20.20), (106.00, 20.20), (106.00, 20.30), (105.90, 20.30), (105.90, 20.20))),
    srid=4326,
)


def test_the_pin_sits_inside_the_outline_where_its_coordinates_say() -> None:
    """The point in the square's middle is drawn in the figure's middle, the outline's
    corners inside the figure, and the projection turns the pin back into its lon/lat."""
    figure = pin_figure(point=(105.95, 20.25), outline=SQUARE)
    assert figure is not None
    assert figure.pin == pytest.approx((WIDTH / 2, HEIGHT / 2), abs=0.5)
    west_north = figure.project(105.90, 20.30)
    east_south = figure.project(106.00, 20.20)
    assert 0 <= west_north[0] < east_south[0] <= WIDTH
    assert 0 <= west_north[1] < east_south[1] <= HEIGHT
    # East-west shrinks by cos(latitude): the square is narrower than tall on the figure.
    width = east_south[0] - west_north[0]
    height = east_south[1] - west_north[1]
    assert width / height == pytest.approx(math.cos(math.radians(20.25)), rel=1e-3)
    assert figure.pin is not None
    x, y = figure.pin
    assert figure.west + x / figure.px_per_lon == pytest.approx(105.95, abs=1e-9)
    assert figure.north - y / figure.px_per_lat == pytest.approx(20.25, abs=1e-9)
    assert figure.outline.startswith("M")
    assert figure.outline.endswith("Z")
    assert figure.centre == (105.95, 20.25)
    assert figure.zoom == 16


def test_a_point_outside_the_outline_widens_the_frame() -> None:
    """A pin east of its commune is still drawn inside the figure."""
    figure = pin_figure(point=(106.10, 20.25), outline=SQUARE)
    assert figure is not None
    assert figure.pin is not None
    assert 0 < figure.pin[0] < WIDTH
    assert figure.project(105.90, 20.25)[0] > 0


def test_the_scale_bar_is_a_round_length_drawn_to_scale() -> None:
    """The bar reads 1, 2 or 5 × 10ⁿ metres, and its length in pixels is that distance."""
    figure = pin_figure(point=(105.95, 20.25), outline=SQUARE)
    assert figure is not None
    # 10.4 km across the square: a quarter of the figure is about 2–3 km.
    assert figure.scale_label == "2 km"
    metres_per_px = 111_320 / figure.px_per_lat
    assert figure.scale_px * metres_per_px == pytest.approx(2000, rel=1e-3)


def test_a_lone_point_gets_about_a_kilometre_around_it() -> None:
    """With no outline the pin is in the middle of a frame about 2 km across."""
    figure = pin_figure(point=(105.95, 20.25), outline=None)
    assert figure is not None
    assert figure.outline == ""
    assert figure.pin == pytest.approx((WIDTH / 2, HEIGHT / 2), abs=0.5)
    assert figure.scale_label in {"200 m", "500 m"}


def test_an_outline_without_a_point_has_no_pin_and_opens_the_map_on_the_commune() -> None:
    figure = pin_figure(point=None, outline=SQUARE, approximate=True)
    assert figure is not None
    assert figure.pin is None
    assert figure.approximate
    assert figure.centre == pytest.approx((105.95, 20.25))
    assert figure.zoom == 12


def test_nothing_to_draw_is_no_figure() -> None:
    assert pin_figure(point=None, outline=None) is None


# The square's south-western quarter, as a village inside the commune.
QUARTER = Polygon(
    ((105.90, 20.20), (105.95, 20.20), (105.95, 20.25), (105.90, 20.25), (105.90, 20.20)),
    srid=4326,
)


def test_a_village_is_drawn_inside_the_communes_frame() -> None:
    """The village's outline uses the commune's projection: its corners land where the
    commune's frame puts them. With no commune outline, the figure frames the village."""
    figure = pin_figure(
        point=(105.92, 20.22), outline=SQUARE, village=QUARTER, village_approximate=True
    )
    assert figure is not None
    assert figure.village_approximate
    assert not figure.approximate
    west, south = figure.project(105.90, 20.20)
    east, north = figure.project(105.95, 20.25)
    corners = {"{:.1f} {:.1f}".format(*xy) for xy in [(west, south), (east, north)]}
    assert all(corner in figure.village_outline for corner in corners)
    alone = pin_figure(point=None, outline=None, village=QUARTER, village_approximate=True)
    assert alone is not None
    assert alone.outline
    assert alone.approximate
    assert alone.village_outline == ""
