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
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import shapely
from django.contrib.gis.geos import GEOSGeometry
from django.db.models import Count, Max

from langso.places.models import AdminUnit, Level

# Provinces whose cells a process keeps: all 34 fit, with their communes' polygons.
_CACHE_SIZE = 40


@dataclass(frozen=True)
class ProvinceApprox:
    """A province's approximate places (shapely, lon/lat): the cell of each commune with
    a centroid and no boundary, by commune id, and the province's own area where its
    boundary is not loaded (the buffered hull of its communes' centroids), else None."""

    communes: dict[int, Any]
    province: Any
    # What the places were computed from (province, latest change, communes): villages'
    # cells clipped to a commune's cell are keyed by it too.
    version: tuple[int, Any, int] = (0, None, 0)


_CACHE: OrderedDict[tuple[int, Any, int], ProvinceApprox] = OrderedDict()


def children_fingerprints(
    *, parent: str, parents: Sequence[AdminUnit], level: str
) -> dict[int, tuple[Any, int]]:
    """The latest change and the count of the current units of `level` under each of
    `parents` (through the field `parent`), by parent id, in one query: what a cache of
    cells computed from those units is keyed by."""
    changes = (
        AdminUnit.objects.current()
        .filter(**{f"{parent}__in": parents, "level": level})
        .values(f"{parent}_id")
        .annotate(latest=Max("updated_at"), count=Count("pk"))
        .order_by()
    )
    return {row[f"{parent}_id"]: (row["latest"], row["count"]) for row in changes}


def provinces_approx(provinces: Sequence[AdminUnit]) -> dict[int, ProvinceApprox]:
    """Each province's approximate places, by province id, computed once per change to
    its communes: one query for the provinces' fingerprints, and one per province whose
    places changed (or were never asked for in this process)."""
    by_province = children_fingerprints(parent="province", parents=provinces, level=Level.COMMUNE)
    found = {}
    for province in provinces:
        latest, count = by_province.get(province.pk, (None, 0))
        changed = max(filter(None, [latest, province.updated_at]))
        found[province.pk] = _cached((province.pk, changed, count), province)
    return found


def approx_cache_clear() -> None:
    """Forget every province's approximate places (for benchmarks: a cold start)."""
    _CACHE.clear()


def province_approx(province: AdminUnit) -> ProvinceApprox:
    return provinces_approx([province])[province.pk]


def _cached(key: tuple[int, Any, int], province: AdminUnit) -> ProvinceApprox:
    if key in _CACHE:
        _CACHE.move_to_end(key)
        return _CACHE[key]
    # Imported here: the synth package's own imports (its run module, the services)
    # reach back to `maps`, which imports this module.
    from ..synth.cells import clip_area
    from ..synth.provinces import commune_site, current_communes, province_cells

    communes = current_communes(province)
    cells = province_cells(province) if communes else {}
    found = ProvinceApprox(
        communes={c.pk: cells[c.pk] for c in communes if c.boundary is None},
        province=clip_area([commune_site(c) for c in communes])
        if communes and province.boundary is None
        else None,
        version=key,
    )
    # The province's older entries (before the change) are dead weight.
    for stale in [k for k in _CACHE if k[0] == province.pk]:
        del _CACHE[stale]
    _CACHE[key] = found
    while len(_CACHE) > _CACHE_SIZE:
        _CACHE.popitem(last=False)
    return found


def to_geos(shape: Any) -> GEOSGeometry:
    return GEOSGeometry(memoryview(shapely.to_wkb(shape)), srid=4326)


def approx_commune_cell(commune: AdminUnit) -> GEOSGeometry | None:
    """The commune's approximate cell as a GEOS geometry, or None where it has its own
    boundary or no centroid."""
    if commune.boundary is not None or commune.centroid is None or commune.province is None:
        return None
    cell = province_approx(commune.province).communes.get(commune.pk)
    return None if cell is None else to_geos(cell)
