"""Approximate places of units with no imported boundary: a commune's Voronoi cell
around the communes' centroids, the same cell the synthetic data is placed in
(`synth.cells.commune_cells`), and a province's buffered hull of its communes'
centroids (`synth.cells.clip_area`). Drawn dashed and labelled approximate; never
written as a unit's `boundary`, which holds only imported boundaries.

A province's cells cost one query and a Voronoi diagram (a few milliseconds for a
hundred communes); they are kept per process, keyed by the province and the latest
change to its communes, so that a tile or a record page asks one small aggregate query
and computes the cells again only after an import changed them.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

import shapely
from django.contrib.gis.geos import GEOSGeometry
from django.db.models import Count, Max

from langso.places.models import AdminUnit, Level

from ..synth.cells import clip_area
from ..synth.provinces import boundary_shape, commune_site, current_communes, province_cells

# Provinces whose cells a process keeps: all 34 fit, with their communes' polygons.
_CACHE_SIZE = 40
_CELLS: OrderedDict[tuple[int, Any, int], dict[int, Any]] = OrderedDict()


def _fingerprint(province: AdminUnit) -> tuple[int, Any, int]:
    changed = AdminUnit.objects.current().filter(province=province, level=Level.COMMUNE)
    found = changed.aggregate(latest=Max("updated_at"), count=Count("pk"))
    return (province.pk, found["latest"], found["count"])


def approx_commune_cells(province: AdminUnit) -> dict[int, Any]:
    """The approximate cell (shapely, lon/lat) of each current commune of the province
    that has a centroid and no boundary, by commune id."""
    key = _fingerprint(province)
    if key in _CELLS:
        _CELLS.move_to_end(key)
        return _CELLS[key]
    communes = current_communes(province)
    cells = province_cells(province)
    approximate = {c.pk: cells[c.pk] for c in communes if c.boundary is None}
    # A province's older entries (before the change) are dead weight.
    for stale in [k for k in _CELLS if k[0] == province.pk]:
        del _CELLS[stale]
    _CELLS[key] = approximate
    while len(_CELLS) > _CACHE_SIZE:
        _CELLS.popitem(last=False)
    return approximate


def approx_province_area(province: AdminUnit) -> Any:
    """The area the province's communes cover (shapely), where its own boundary is not
    loaded: the buffered hull of their centroids; None without a commune centroid."""
    if province.boundary is not None:
        return boundary_shape(province)
    communes = current_communes(province)
    if not communes:
        return None
    return clip_area([commune_site(c) for c in communes])


def approx_commune_cell(commune: AdminUnit) -> GEOSGeometry | None:
    """The commune's approximate cell as a GEOS geometry, or None where it has its own
    boundary or no centroid."""
    if commune.boundary is not None or commune.centroid is None or commune.province is None:
        return None
    cell = approx_commune_cells(commune.province).get(commune.pk)
    if cell is None:
        return None
    return GEOSGeometry(memoryview(shapely.to_wkb(cell)), srid=4326)
