"""Approximate places of villages with no imported boundary: the Voronoi cells of a
commune's villages' centroids, computed by the same helper as communes' cells
(`synth.cells.commune_cells`), without the territory of the commune's villages that have
a boundary, and clipped to the commune's boundary, or to its approximate cell
(`approx`) where none is loaded. Drawn dashed and labelled approximate like communes'
cells; never written as a unit's `boundary`.

The synthetic generator draws no village cells (it scatters a village's households
around its centre, inside the commune's area), so these cells are the map's own.

A commune's cells are kept per process, keyed by the commune, its last change, the
version of its approximate cell and the latest change to its villages, so that a tile
or a record page asks one small aggregate query and computes the cells again only
after an import or an edit changed them.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence
from typing import Any

import shapely
from django.contrib.gis.geos import GEOSGeometry

from langso.places.models import AdminUnit, Level

from .approx import children_fingerprints, provinces_approx, to_geos
from .tiles import PointX, PointY

# Communes whose villages' cells a process keeps: a tile at zoom 12 shows a handful, a
# province ~100 (each entry is some 15 small polygons).
_CACHE_SIZE = 2_000

_CACHE: OrderedDict[int, tuple[tuple[Any, ...], dict[int, Any]]] = OrderedDict()


def village_cells_cache_clear() -> None:
    """Forget every commune's villages' cells (for benchmarks: a cold start)."""
    _CACHE.clear()


def communes_village_cells(communes: Sequence[AdminUnit]) -> dict[int, dict[int, Any]]:
    """The approximate cells (shapely, lon/lat) of each commune's current villages, by
    commune id and then village id: one per village with a centroid inside the
    commune's area and no boundary of its own. A commune with neither a boundary nor
    an approximate cell has none. `communes` carry their province (select_related).

    Queries: one for the villages' fingerprints, those of `provinces_approx` for the
    communes without a boundary, and one for the villages of every commune whose cells
    this process has not computed since they changed."""
    if not communes:
        return {}
    villages = children_fingerprints(parent="commune", parents=communes, level=Level.VILLAGE)
    unbounded = {c.province_id: c.province for c in communes if c.boundary is None}
    approximate = provinces_approx([p for p in unbounded.values() if p is not None])
    areas: dict[int, Any] = {}
    keys: dict[int, tuple[Any, ...]] = {}
    for commune in communes:
        if commune.boundary is not None:
            area, version = shapely.from_wkb(bytes(commune.boundary.wkb)), None
        else:
            found = approximate.get(commune.province_id or 0)
            area = None if found is None else found.communes.get(commune.pk)
            version = None if found is None else found.version
        if area is None or commune.pk not in villages:
            continue
        areas[commune.pk] = area
        keys[commune.pk] = (commune.updated_at, version, *villages[commune.pk])
    missing = [pk for pk, key in keys.items() if pk not in _CACHE or _CACHE[pk][0] != key]
    computed = _compute(areas, missing)
    found_cells: dict[int, dict[int, Any]] = {}
    for pk, key in keys.items():
        if pk in computed:
            _CACHE[pk] = (key, computed[pk])
        _CACHE.move_to_end(pk)
        found_cells[pk] = _CACHE[pk][1]
    while len(_CACHE) > _CACHE_SIZE:
        _CACHE.popitem(last=False)
    return found_cells


def _compute(areas: dict[int, Any], commune_ids: list[int]) -> dict[int, dict[int, Any]]:
    """The cells of the villages of `commune_ids`, in one query."""
    # Imported here: the synth package reaches back to `maps` (see `approx._cached`).
    from ..synth.cells import CommuneSite, commune_cells

    if not commune_ids:
        return {}
    by_commune: dict[int, list[tuple[int, str, str, float | None, float | None, Any]]] = {
        pk: [] for pk in commune_ids
    }
    # The centroids as two numbers each: parsed as geometries, and their coordinates
    # read through GEOS, they cost a third of a cold zoom-12 tile (`bench choropleth`).
    rows = (
        AdminUnit.objects.current()
        .filter(commune__in=commune_ids, level=Level.VILLAGE)
        .exclude(centroid__isnull=True, boundary__isnull=True)
        .order_by("code")
        .values_list("commune_id", "id", "code", "kind", "boundary")
        .annotate(lon=PointX("centroid"), lat=PointY("centroid"))
    )
    for commune_id, pk, code, kind, boundary, lon, lat in rows:
        by_commune[commune_id].append((pk, code, kind, lon, lat, boundary))
    computed: dict[int, dict[int, Any]] = {}
    for commune_id, found in by_commune.items():
        loaded = [shapely.from_wkb(bytes(b.wkb)) for *_v, b in found if b is not None]
        # Villages with their own boundary keep it: the others share what is left.
        free = shapely.difference(areas[commune_id], shapely.union_all(loaded))
        placed = [
            (pk, code, kind, lon, lat)
            for pk, code, kind, lon, lat, b in found
            if b is None and lon is not None and lat is not None
        ]
        # One test of every centre against the prepared area.
        shapely.prepare(free)
        inside = shapely.contains_xy(free, [p[3] for p in placed], [p[4] for p in placed])
        sites = {
            code: (pk, CommuneSite(code=code, kind=kind, lon=x, lat=y, area_km2=None))
            for (pk, code, kind, x, y), keep in zip(placed, inside, strict=True)
            if keep
        }
        cells = commune_cells([site for _pk, site in sites.values()], free)
        computed[commune_id] = {pk: cells[code] for code, (pk, _site) in sites.items()}
    return computed


def approx_village_cell(
    village: AdminUnit, *, commune: AdminUnit | None = None
) -> GEOSGeometry | None:
    """The village's approximate cell as a GEOS geometry, or None where it has its own
    boundary, no centroid, or its commune has no area to clip to. `commune` is the
    village's, where the caller holds it already."""
    commune = commune if commune is not None else village.commune
    if village.boundary is not None or village.centroid is None or commune is None:
        return None
    cell = communes_village_cells([commune]).get(commune.pk, {}).get(village.pk)
    return None if cell is None else to_geos(cell)
