"""A record page's figure is drawn in its commune's own boundary where one is loaded,
in the commune's approximate cell (marked approximate) where not, and without a point
it has no pin; the row's village is drawn inside the commune (its boundary, or its
approximate cell); a create page draws the user's one commune (`pin_figure_for_new_row`)."""

from __future__ import annotations

import re

import pytest

from langso.registry.maps.approx import approx_commune_cell
from langso.registry.selectors.pins import pin_figure_for_new_row, pin_figure_for_row
from langso.registry.testing import Points, RegistryTree, RegistryUsers, make_household
from langso.registry.tests.maps_testing import A1_BOUNDARY, place_villages

pytestmark = pytest.mark.django_db


def test_a_row_in_a_commune_with_a_boundary_is_drawn_in_it(
    tree: RegistryTree, points: Points
) -> None:
    household = make_household(village=tree.a1, location=points.inside_a)
    figure = pin_figure_for_row(row=household)
    assert figure is not None
    assert not figure.approximate
    assert figure.outline
    assert figure.pin is not None


def test_a_commune_without_a_boundary_is_drawn_as_its_approximate_cell(
    tree: RegistryTree, points: Points
) -> None:
    """Commune B has only a centroid: its Voronoi cell against A's centroid, without A's
    territory, holds B's point and not A's, and is marked approximate."""
    household = make_household(village=tree.b1, location=points.in_b)
    figure = pin_figure_for_row(row=household)
    assert figure is not None
    assert figure.approximate
    assert figure.outline
    cell = approx_commune_cell(tree.b)
    assert cell is not None
    assert cell.contains(points.in_b)
    assert not cell.contains(points.inside_a)
    assert approx_commune_cell(tree.a) is None  # A has its own boundary


def test_a_row_without_a_point_is_drawn_without_a_pin(tree: RegistryTree) -> None:
    household = make_household(village=tree.a1, location=None)
    figure = pin_figure_for_row(row=household)
    assert figure is not None
    assert figure.pin is None
    assert figure.outline


def test_a_create_page_draws_the_users_one_commune_without_a_pin(
    tree: RegistryTree, users: RegistryUsers
) -> None:
    """Commune A's officer and A1's village head get A's outline with no pin; B's
    officer gets B's approximate cell; a province officer (many communes) and a user
    with no role get none, and type coordinates instead."""
    for user in (users.officer_a, users.village_head_a1):
        figure = pin_figure_for_new_row(user=user)
        assert figure is not None
        assert figure.pin is None
        assert not figure.approximate
        assert figure.centre == pytest.approx((105.95, 20.25))
    b = pin_figure_for_new_row(user=users.officer_b)
    assert b is not None
    assert b.approximate
    assert pin_figure_for_new_row(user=users.province_officer) is None
    assert pin_figure_for_new_row(user=users.nobody) is None


def test_a_row_in_a_village_draws_the_villages_cell_inside_the_commune(
    tree: RegistryTree, points: Points
) -> None:
    """A1 has a centre and no boundary: the figure draws A's outline and, inside it, A1's
    approximate cell, marked approximate; the commune's stays solid."""
    place_villages({"a1": tree.a1, "a2": tree.a2})
    household = make_household(village=tree.a1, location=points.inside_a)
    figure = pin_figure_for_row(row=household)
    assert figure is not None
    assert figure.outline
    assert not figure.approximate
    assert figure.village_outline
    assert figure.village_approximate
    assert figure.village_outline != figure.outline
    # Drawn inside the commune's square (half a pixel for rounding).
    village, commune = _bounds(figure.village_outline), _bounds(figure.outline)
    assert village[0] >= commune[0] - 0.5
    assert village[1] >= commune[1] - 0.5
    assert village[2] <= commune[2] + 0.5
    assert village[3] <= commune[3] + 0.5
    assert village != commune


def _bounds(path: str) -> tuple[float, float, float, float]:
    """The extent of an SVG path of M, L and Z commands: left, top, right, bottom."""
    numbers = [float(n) for n in re.findall(r"-?[0-9.]+", path)]
    xs, ys = numbers[0::2], numbers[1::2]
    return min(xs), min(ys), max(xs), max(ys)


def test_a_village_with_its_own_boundary_is_drawn_solid(tree: RegistryTree, points: Points) -> None:
    """A1's imported boundary is drawn as it is, not marked approximate; a village with
    neither a boundary nor a centre adds nothing to the commune's outline."""
    tree.a1.boundary = A1_BOUNDARY
    tree.a1.save(update_fields=["boundary", "updated_at"])
    household = make_household(village=tree.a1, location=points.inside_a)
    figure = pin_figure_for_row(row=household)
    assert figure is not None
    assert figure.village_outline
    assert not figure.village_approximate
    bare = pin_figure_for_row(row=make_household(village=tree.a2, location=points.inside_a))
    assert bare is not None
    assert bare.outline
    assert bare.village_outline == ""
