"""The map's pre-counted household cells stay equal to a recount from scratch through
every kind of household write, and tiles drawn from them match tiles grouped from the
households themselves."""

from __future__ import annotations

import random
from typing import Any

import pytest
from django.contrib.gis.geos import Point
from django.db import transaction

from langso.accounts.models import User
from langso.registry import maps
from langso.registry.maps.queries import cluster_cells, cluster_rows
from langso.registry.models import Household, HouseholdMapCell, HouseholdStatus
from langso.registry.models.map_cells import GAP_NAMES
from langso.registry.selectors.maps import map_rows_for_user
from langso.registry.services.households import (
    household_create,
    household_set_status,
    household_update,
)
from langso.registry.services.imports import household_import_rows
from langso.registry.services.map_cells import household_map_cells_rebuild
from langso.registry.testing import RegistryTree, RegistryUsers, household_leave, row

pytestmark = pytest.mark.django_db

# Commune A's boundary is 105.90–106.00 E × 20.20–20.30 N; commune B has none.
_A = ((105.905, 105.995), (20.205, 20.295))
_B = ((106.02, 106.08), (20.22, 20.28))


def _cells() -> list[tuple[Any, ...]]:
    fields = [f.attname for f in HouseholdMapCell._meta.concrete_fields if f.name != "id"]
    return sorted(
        (
            tuple(round(v, 9) if isinstance(v, float) else v for v in values)
            for values in HouseholdMapCell.objects.values_list(*fields)
        ),
        key=repr,
    )


def _recounted() -> list[tuple[Any, ...]]:
    """The cells a rebuild from scratch gives, read inside a rolled-back savepoint so
    that the maintained cells stay as they were."""
    with transaction.atomic():
        household_map_cells_rebuild()
        cells = _cells()
        transaction.set_rollback(True)
    return cells


def _point(rng: random.Random, box: tuple[tuple[float, float], tuple[float, float]]) -> Point:
    (west, east), (south, north) = box
    return Point(rng.uniform(west, east), rng.uniform(south, north), srid=4326)


def _counts(rng: random.Random) -> dict[str, Any]:
    members = rng.randint(1, 6)
    adults = rng.randint(1, members)
    return {
        "members": members,
        "adults": adults,
        "adults_smartphone": rng.choice([None, 0, rng.randint(0, adults)]),
        "adults_epayment": rng.randint(0, adults),
        "broadband": rng.choice(["fibre", "none", ""]),
    }


def test_cells_follow_every_write_exactly(tree: RegistryTree, users: RegistryUsers) -> None:
    """Random creates, edits of counts and places, moves between villages and communes,
    status changes, merges and imports: after each, the cells equal a recount."""
    rng = random.Random(13)
    actor: User = users.province_officer
    villages = [(tree.a1, _A), (tree.a2, _A), (tree.b1, _B)]
    households: list[Household] = []
    for _ in range(12):
        village, box = rng.choice(villages)
        values = _counts(rng) | {"location": _point(rng, box)}
        households.append(household_create(actor=actor, village=village, values=values))
    # One in commune B without a village, and one with no location at all.
    households.append(
        household_create(actor=actor, commune=tree.b, values={"location": _point(rng, _B)})
    )
    households.append(household_create(actor=actor, village=tree.a1, values={"adults": 2}))
    assert _cells() == _recounted()
    assert sum(c.households for c in HouseholdMapCell.objects.all()) == 13

    for step in range(30):
        household = Household.objects.get(pk=rng.choice(households).pk)
        if household.status != HouseholdStatus.ACTIVE:
            continue
        kind = step % 5
        if kind == 0:
            household_update(actor=actor, household=household, values=_counts(rng))
        elif kind == 1:
            village, box = rng.choice(villages)
            household_update(
                actor=actor,
                household=household,
                values={"village": village, "location": _point(rng, box)},
            )
        elif kind == 2:
            box = _A if household.commune_id == tree.a.pk else _B
            household_update(
                actor=actor, household=household, values={"location": _point(rng, box)}
            )
        else:
            household_leave(actor=actor, household=household, merged=kind == 4)
        assert _cells() == _recounted(), f"step {step}"

    household_import_rows(
        actor=actor,
        rows=[
            row(village=tree.a2.code, members="3", adults="2", lat="20.21", lon="105.91"),
            row(village=tree.b1.code, adults_smartphone="", lat="20.25", lon="106.05"),
            row(
                address_code=households[0].address_code,
                village=tree.b1.code,
                members="2",
                adults="2",
                lat="20.26",
                lon="106.06",
            ),
        ],
    )
    assert _cells() == _recounted()


def test_every_map_gap_is_counted_in_the_cells() -> None:
    """A gap the map offers but the cells do not count would fall back to grouping every
    row: the two lists are one."""
    assert set(GAP_NAMES) == set(maps.HOUSEHOLD_GAPS)
    fields = {f.name for f in HouseholdMapCell._meta.fields}
    for name in GAP_NAMES:
        assert {f"gap_{name}", f"gap_{name}_first_id"} <= fields


def _clusters(rows: Any) -> dict[tuple[int, int], tuple[int, float, float, int]]:
    return {
        (c["cluster_x"], c["cluster_y"]): (
            c["count"],
            round(c["lon"], 9),
            round(c["lat"], 9),
            c["first_id"],
        )
        for c in rows
    }


@pytest.mark.parametrize("zoom", [8, 10, 12])
@pytest.mark.parametrize(
    "parameters", [{}, {"status": "active"}, {"gap": "smartphone"}, {"gap": "unknown"}]
)
def test_clusters_from_cells_match_clusters_from_rows(
    tree: RegistryTree, users: RegistryUsers, zoom: int, parameters: dict[str, str]
) -> None:
    """Counts and first rows are the same either way; so are positions, except under a
    gap filter, where they may move by less than a cell."""
    rng = random.Random(zoom)
    actor = users.province_officer
    for _ in range(40):
        village, box = rng.choice([(tree.a1, _A), (tree.a2, _A), (tree.b1, _B)])
        values = _counts(rng) | {"location": _point(rng, box)}
        household = household_create(actor=actor, village=village, values=values)
        if rng.random() < 0.2:
            household_set_status(actor=actor, household=household, status="moved_away")
    query = maps.layer_query_parse("households", parameters)
    tile = maps.tile_at(105.95, 20.25, zoom)
    rows = map_rows_for_user(user=actor, layer=maps.LAYERS["households"]).filter(query.filters)
    cells = cluster_cells(HouseholdMapCell.objects.all(), query=query, tile=tile)
    assert cells is not None
    from_rows = _clusters(cluster_rows(rows, tile))
    from_cells = _clusters(cells)
    assert from_rows, "an empty tile compares nothing"
    assert {k: (v[0], v[3]) for k, v in from_cells.items()} == {
        k: (v[0], v[3]) for k, v in from_rows.items()
    }
    cell_degrees = 360 / 2**16
    for key, (_count, lon, lat, _first) in from_rows.items():
        tolerance = cell_degrees if "gap" in parameters else 1e-9
        assert abs(from_cells[key][1] - lon) <= tolerance
        assert abs(from_cells[key][2] - lat) <= tolerance


def test_finer_tiles_and_other_filters_are_grouped_from_rows() -> None:
    """Zoom 13 is finer than the cells; a filter they do not count is left to rows."""
    households = maps.layer_query_parse("households", {})
    assert (
        cluster_cells(HouseholdMapCell.objects.all(), query=households, tile=maps.Tile(13, 0, 0))
        is None
    )
    other = maps.LayerQuery(layer=maps.LAYERS["households"], choices={"broadband": "none"})
    assert (
        cluster_cells(HouseholdMapCell.objects.all(), query=other, tile=maps.Tile(8, 0, 0)) is None
    )
