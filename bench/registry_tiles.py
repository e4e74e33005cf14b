"""Vector tiles over a province of 1 M households, at zooms 8, 12 and 15.

Households come from the synthetic-province generator (`langso.registry.synth`, bulk
COPY on PostgreSQL): 1 M in Ninh Bình, spread over its communes' synthetic cells. Tiles
are sampled where people live — the tiles holding randomly drawn households — and read
as a request reads them: the province officer's roles looked up, then one tile through
`map_tile_for_user` (scope, filters, clustering, encoding). Zooms below 15 carry grid
clusters, summed from the pre-counted map cells up to zoom 12 and grouped from the rows
at 13–14; zoom 15 carries the households themselves. BENCH_TILE_HOUSEHOLDS lowers the
size for a quick run.
"""

from __future__ import annotations

import os
import random
import time
from collections.abc import Callable

from django.db import connection

from langso.accounts.models import RoleAssignment, User
from langso.accounts.roles import Role
from langso.accounts.selectors import role_cache_clear
from langso.places.models import AdminUnit, Level
from langso.registry import maps
from langso.registry.maps.approx import approx_cache_clear, province_approx
from langso.registry.maps.approx_villages import communes_village_cells, village_cells_cache_clear
from langso.registry.models import Household, HouseholdMapCell
from langso.registry.selectors.maps import map_tile_for_user
from langso.registry.services.map_cells import household_map_cells_rebuild

from .common import percentiles, province_with_households, report, stopwatch

PROVINCE = "37"
HOUSEHOLDS = int(os.environ.get("BENCH_TILE_HOUSEHOLDS", 1_000_000))
ZOOMS = (8, 12, 15)
# Distinct tiles per zoom at most, and how many times the whole sample is read.
TILES_PER_ZOOM = 40
ROUNDS = 3
MIN_SAMPLES = 40
SAMPLE_POINTS = 400
GOAL = "p95 ≤ 100 ms"


def _sample_points(province: AdminUnit) -> list[tuple[float, float]]:
    """Households drawn at random (reproducibly) by id: where people live."""
    ids = Household.objects.filter(province=province).values_list("id", flat=True)
    low, high = ids.order_by("id").first(), ids.order_by("-id").first()
    assert low is not None
    assert high is not None
    draw = random.Random(8).sample(range(low, high + 1), k=min(SAMPLE_POINTS, high - low + 1))
    found = Household.objects.filter(id__in=draw, location__isnull=False)
    return [(p.x, p.y) for p in found.values_list("location", flat=True) if p is not None]


def _tiles(points: list[tuple[float, float]], zoom: int) -> list[maps.Tile]:
    tiles = list(dict.fromkeys(maps.tile_at(lon, lat, zoom) for lon, lat in points))
    return tiles[:TILES_PER_ZOOM]


def _reader(user: User, query: maps.LayerQuery) -> Callable[[maps.Tile], bytes]:
    def read(tile: maps.Tile) -> bytes:
        role_cache_clear(user=user)
        return map_tile_for_user(user=user, query=query, tile=tile)

    return read


def _time_zoom(label: str, read: Callable[[maps.Tile], bytes], tiles: list[maps.Tile]) -> None:
    read(tiles[0])  # warm-up: connection, plan cache
    samples: list[float] = []
    sizes: list[int] = []
    # At low zooms a province is a tile or two: read them more often for a p95.
    rounds = max(ROUNDS, -(-MIN_SAMPLES // len(tiles)))
    for _round in range(rounds):
        for tile in tiles:
            started = time.perf_counter()
            body = read(tile)
            samples.append((time.perf_counter() - started) * 1000)
            sizes.append(len(body))
    figures = percentiles(samples)
    report(f"{label} ({len(tiles)} tiles × {rounds})", figures, GOAL)
    ordered = sorted(sizes)
    print(
        f"      tile size: median {ordered[len(ordered) // 2] / 1024:.1f} KiB, "
        f"largest {ordered[-1] / 1024:.1f} KiB"
    )


def run() -> None:
    print(f"Vector tiles on {connection.vendor} ({connection.settings_dict['ENGINE']})")
    province = province_with_households(PROVINCE, HOUSEHOLDS)
    with stopwatch() as recount:
        household_map_cells_rebuild(province_ids=[province.pk])
    cells = HouseholdMapCell.objects.filter(province=province).count()
    print(
        f"  (the province's map cells recounted from scratch in {recount[0]:.1f} s: "
        f"{cells:,} cells; synth does this after writing)"
    )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"VACUUM ANALYZE {HouseholdMapCell._meta.db_table}")

    officer = User.objects.create_user(username="bench.tiles.tinh")
    RoleAssignment.objects.create(user=officer, role=Role.PROVINCE_OFFICER, unit=province)
    points = _sample_points(province)
    households = maps.layer_query_parse("households", {})
    gap = maps.layer_query_parse("households", {"gap": "smartphone"})
    units = maps.layer_query_parse("units", {})
    print(f"  Household tiles, province officer ({HOUSEHOLDS:,} households in the province):")
    for zoom in ZOOMS:
        kind = "clusters" if zoom < maps.LAYERS["households"].cluster_below_zoom else "rows"
        tiles = _tiles(points, zoom)
        _time_zoom(f"zoom {zoom:>2}, {kind}", _reader(officer, households), tiles)
    print("  For information:")
    _time_zoom("zoom 8, clusters, filter gap=smartphone", _reader(officer, gap), _tiles(points, 8))
    _time_zoom(
        "zoom 12, clusters, filter gap=smartphone", _reader(officer, gap), _tiles(points, 12)
    )
    _time_zoom(
        "zoom 14, clusters grouped from rows", _reader(officer, households), _tiles(points, 14)
    )
    _time_zoom("zoom 12, unit boundaries", _reader(officer, units), _tiles(points, 12))
    # Issue 15: communes without a boundary come with their approximate areas, computed
    # once per province and process; the tiles above read them from memory.
    for zoom in (6, 8, 10):
        _time_zoom(
            f"zoom {zoom}, unit boundaries and approximate areas",
            _reader(officer, units),
            _tiles(points, zoom),
        )
    approx_cache_clear()
    with stopwatch() as cold:
        province_approx(province)
    print(f"  (the province's approximate areas computed cold in {cold[0] * 1000:.0f} ms)")
    # Issue 15 (villages): from zoom 12 the villages' approximate cells come too (in the
    # zoom-12 figure above), computed once per commune and process.
    _time_zoom(
        "zoom 14, unit boundaries and villages' cells", _reader(officer, units), _tiles(points, 14)
    )
    communes = list(
        AdminUnit.objects.current()
        .filter(province=province, level=Level.COMMUNE)
        .select_related("province")
    )
    village_cells_cache_clear()
    with stopwatch() as cold_villages:
        village_cells = communes_village_cells(communes)
    print(
        f"  (the villages' cells of its {len(communes)} communes, "
        f"{sum(len(c) for c in village_cells.values()):,} cells, computed cold in "
        f"{cold_villages[0] * 1000:.0f} ms)"
    )
