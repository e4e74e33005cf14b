"""Villages' approximate cells (`maps.approx_villages`): one per village with a centre
and no boundary, inside its commune's boundary or approximate cell, sharing it without
overlap and without the territory of villages that have their own boundary; computed
again after a change, not before."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pytest
import shapely
from django.contrib.gis.geos import Point
from pytest_django import DjangoAssertNumQueries

from langso.places.models import AdminUnit
from langso.registry.maps.approx import approx_commune_cell
from langso.registry.maps.approx_villages import approx_village_cell, communes_village_cells
from langso.registry.testing import A_BOUNDARY, RegistryTree
from langso.registry.tests.maps_testing import A1_BOUNDARY, VILLAGE_CENTRES, place_villages

pytestmark = pytest.mark.django_db


@pytest.fixture
def placed(tree: RegistryTree) -> RegistryTree:
    place_villages({"a1": tree.a1, "a2": tree.a2, "b1": tree.b1, "b2": tree.b2})
    return tree


def _cells(*communes: AdminUnit) -> dict[int, dict[int, Any]]:
    fresh = AdminUnit.objects.select_related("province").filter(pk__in=[c.pk for c in communes])
    return communes_village_cells(list(fresh))


def _shape(geometry: Any) -> Any:
    return shapely.from_wkb(bytes(geometry.wkb))


def _assert_tile(cells: Sequence[Any], area: Any) -> None:
    """The cells lie inside `area`, do not overlap, and together cover it."""
    for cell in cells:
        assert shapely.difference(cell, area).area < 1e-9
    union = shapely.union_all(list(cells))
    assert union.area == pytest.approx(sum(c.area for c in cells))
    assert union.area == pytest.approx(area.area, rel=1e-6)


def test_each_village_with_a_centre_gets_a_cell_inside_its_commune(placed: RegistryTree) -> None:
    """A's villages share A's imported square; B's share B's approximate cell. Each cell
    holds its own village's centre and not the other's."""
    cells = _cells(placed.a, placed.b)
    a_cells, b_cells = cells[placed.a.pk], cells[placed.b.pk]
    assert set(a_cells) == {placed.a1.pk, placed.a2.pk}
    assert set(b_cells) == {placed.b1.pk, placed.b2.pk}
    _assert_tile(list(a_cells.values()), _shape(A_BOUNDARY))
    b_area = approx_commune_cell(placed.b)
    assert b_area is not None
    _assert_tile(list(b_cells.values()), _shape(b_area))
    a1, a2 = VILLAGE_CENTRES["a1"], VILLAGE_CENTRES["a2"]
    assert shapely.contains_xy(a_cells[placed.a1.pk], *a1)
    assert not shapely.contains_xy(a_cells[placed.a1.pk], *a2)
    assert shapely.contains_xy(a_cells[placed.a2.pk], *a2)


def test_a_village_without_a_centre_gets_no_cell(tree: RegistryTree) -> None:
    """B2 has no centre: B1 alone takes B's whole cell."""
    place_villages({"b1": tree.b1})
    (only,) = _cells(tree.b)[tree.b.pk].items()
    assert only[0] == tree.b1.pk
    b_area = approx_commune_cell(tree.b)
    assert b_area is not None
    assert only[1].area == pytest.approx(_shape(b_area).area)
    assert approx_village_cell(AdminUnit.objects.get(pk=tree.b2.pk)) is None


def test_a_village_with_its_own_boundary_gets_none_and_keeps_its_territory(
    placed: RegistryTree,
) -> None:
    """A1's imported boundary is drawn as such: A1 has no cell, and A2's cell is the rest
    of the commune, without A1's square."""
    placed.a1.boundary = A1_BOUNDARY
    placed.a1.save(update_fields=["boundary", "updated_at"])
    a_cells = _cells(placed.a)[placed.a.pk]
    assert set(a_cells) == {placed.a2.pk}
    rest = shapely.difference(_shape(A_BOUNDARY), _shape(A1_BOUNDARY))
    assert a_cells[placed.a2.pk].area == pytest.approx(rest.area)
    assert shapely.intersection(a_cells[placed.a2.pk], _shape(A1_BOUNDARY)).area < 1e-12
    assert approx_village_cell(AdminUnit.objects.get(pk=placed.a1.pk)) is None


def test_a_commune_with_no_area_gives_its_villages_no_cells(tree: RegistryTree) -> None:
    """A commune with neither a boundary nor a centre has nothing to clip its villages'
    cells to: they stay points."""
    tree.b.centroid = None
    tree.b.save(update_fields=["centroid", "updated_at"])
    place_villages({"b1": tree.b1, "b2": tree.b2})
    assert _cells(tree.b) == {}


def test_cells_are_kept_until_a_village_or_the_commune_changes(
    placed: RegistryTree, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    """Asked again with nothing changed, the same cells come back for two small queries
    (the villages' and the province's fingerprints); a moved village, a new village or
    a moved commune centre computes them again."""
    first = _cells(placed.a, placed.b)
    communes = list(
        AdminUnit.objects.select_related("province").filter(pk__in=[placed.a.pk, placed.b.pk])
    )
    with django_assert_num_queries(2):
        again = communes_village_cells(communes)
    assert again[placed.a.pk] is first[placed.a.pk]
    assert again[placed.b.pk] is first[placed.b.pk]

    placed.a2.centroid = Point(105.91, 20.29, srid=4326)
    placed.a2.save(update_fields=["centroid", "updated_at"])
    moved = _cells(placed.a, placed.b)
    assert moved[placed.b.pk] is first[placed.b.pk]
    assert shapely.contains_xy(moved[placed.a.pk][placed.a2.pk], 105.91, 20.29)
    assert not shapely.contains_xy(first[placed.a.pk][placed.a2.pk], 105.91, 20.29)

    a3 = AdminUnit.objects.create(
        level="village",
        kind=placed.a1.kind,
        code=f"{placed.a.code}-X03",
        name="Thôn 3",
        parent=placed.a,
        province_id=placed.a.province_id,
        commune_id=placed.a.pk,
        valid_from=placed.a1.valid_from,
        centroid=Point(105.99, 20.29, srid=4326),
    )
    assert a3.pk in _cells(placed.a)[placed.a.pk]

    placed.b.centroid = Point(106.07, 20.25, srid=4326)
    placed.b.save(update_fields=["centroid", "updated_at"])
    b_cells = _cells(placed.b)[placed.b.pk]
    assert b_cells is not first[placed.b.pk]
    b_area = approx_commune_cell(AdminUnit.objects.select_related("province").get(pk=placed.b.pk))
    assert b_area is not None
    _assert_tile(list(b_cells.values()), _shape(b_area))
