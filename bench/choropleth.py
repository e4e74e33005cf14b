"""The dashboard's choropleth (issue 17): the values and classes of an indicator for
all 3,321 communes, read as a central administrator's request reads them (roles looked
up, the units of the country, one `indicators_values` read, the classes), goal p95
≤ 150 ms; and the units' boundary tiles the map draws them from, at the zooms the
dashboard opens a province (8) and a commune's villages (12), goal p95 ≤ 50 ms.

Households come from the synthetic generator (`langso.registry.synth`) over the whole
country, 300,000 unless BENCH_CHOROPLETH_HOUSEHOLDS says otherwise, and their
aggregates are rebuilt as synth leaves them; the communes have no imported boundary,
so tiles carry their approximate areas (the heavier case).
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator

from django.db import connection
from django.db.models import Value

from langso.accounts.models import RoleAssignment, User
from langso.accounts.roles import Role
from langso.accounts.selectors import role_cache_clear
from langso.core.serving import loaded_objects_freeze
from langso.dashboards.selectors.choropleth import (
    MAP_UNIT,
    MapRequest,
    MapUnit,
    choropleth_values,
)
from langso.indicators.models import HouseholdAggregate
from langso.indicators.selectors import UnitsUnder, indicators_values, period_current
from langso.indicators.services.aggregates import household_aggregates_rebuild
from langso.indicators.services.definitions import indicator_definitions_load
from langso.places.models import AdminUnit, Level
from langso.registry import maps
from langso.registry.selectors.maps import map_tile_for_user
from langso.registry.synth import synth_run

from .common import measure, real_units_load, report, stopwatch

HOUSEHOLDS = int(os.environ.get("BENCH_CHOROPLETH_HOUSEHOLDS", 300_000))
INDICATOR = "adults-epayment"
VALUES_GOAL = "p95 ≤ 150 ms"
TILE_GOAL = "p95 ≤ 50 ms"
TILES_PER_ZOOM = 40


def run() -> None:
    print(f"Choropleth on {connection.vendor} ({connection.settings_dict['ENGINE']})")
    real_units_load()
    indicator_definitions_load()
    with stopwatch() as setup:
        synth_run(province_codes=None, size=None, households=HOUSEHOLDS, replace=True)
        household_aggregates_rebuild()
    print(f"  (set-up: {HOUSEHOLDS:,} households over the country in {setup[0]:.1f} s)")
    if connection.vendor == "postgresql":
        # Vacuumed as autovacuum leaves the aggregates after a bulk rebuild (it may be
        # off on a bench server): a national read is an index-only scan only once the
        # table's pages are marked all-visible.
        with connection.cursor() as cursor:
            cursor.execute(f"VACUUM ANALYZE {HouseholdAggregate._meta.db_table}")
            cursor.execute("ANALYZE")
    # As a serving process does once it is loaded (config/wsgi.py).
    loaded_objects_freeze()
    admin = User.objects.create_user(username="bench.choropleth.tw")
    RoleAssignment.objects.create(user=admin, role=Role.CENTRAL_ADMIN, unit=None)
    request = MapRequest(period=period_current(), indicator=INDICATOR, level=Level.COMMUNE)

    def values() -> int:
        role_cache_clear(user=admin)
        return len(choropleth_values(user=admin, request=request).values)

    communes = values()
    report(f"values and classes, {communes:,} communes", measure(values, repeat=30), VALUES_GOAL)
    # For information, where the time goes: the indicators engine's one read of the
    # same units (every commune of the country), alone.
    units = [
        MapUnit._make(row)
        for row in AdminUnit.objects.current()
        .filter(level=Level.COMMUNE)
        .annotate(has_boundary=Value(False))
        .order_by("code")
        .values_list(*MAP_UNIT)
    ]
    report(
        "  of which indicators_values alone",
        measure(
            lambda: indicators_values(
                codes=[INDICATOR], units=units, period=request.period, under=UnitsUnder(None)
            )
        ),
    )

    layer = maps.layer_query_parse("units", {})
    centres = list(
        AdminUnit.objects.current()
        .filter(level=Level.COMMUNE, centroid__isnull=False)
        .order_by("code")
        .values_list("centroid", flat=True)[:: max(1, communes // TILES_PER_ZOOM)]
    )
    for zoom in (8, 12):
        tiles = list(dict.fromkeys(maps.tile_at(p.x, p.y, zoom) for p in centres if p))

        turns = itertools.cycle(tiles)

        def tile(turns: Iterator[maps.Tile] = turns) -> bytes:
            return map_tile_for_user(user=admin, query=layer, tile=next(turns))

        report(
            f"a boundary tile, zoom {zoom} ({len(tiles)} tiles)",
            measure(tile, repeat=max(60, 2 * len(tiles))),
            TILE_GOAL,
        )
