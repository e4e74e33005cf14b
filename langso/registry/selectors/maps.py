"""Reads for the map. Registry layers are reached only through `within_scope`: a commune
officer's tiles and GeoJSON hold their commune's rows and nothing else, and an anonymous
caller's hold none. Units are public reference data and are not scoped."""

from __future__ import annotations

from typing import Any

from django.contrib.gis.db.models import Extent
from django.db.models import QuerySet

from langso.accounts.roles import Permission
from langso.accounts.selectors import is_nationwide, unit_scope_q
from langso.core.actors import Actor
from langso.places.models import AdminUnit

from .. import maps
from ..maps import BBox, LayerQuery, MapLayer, Tile, UnitLayer
from ..models import Household, HouseholdMapCell, Placed
from .scope import within_scope

# A scope that is one point (a village known only by its centroid) still opens on a
# readable area around it: about 2 km each way.
_MIN_SPAN_DEGREES = 0.02


def map_rows_for_user(*, user: Actor, layer: MapLayer) -> QuerySet[Placed]:
    """The layer's rows that `user` may see."""
    rows: QuerySet[Placed] = layer.model._default_manager.all()
    return within_scope(rows, user=user)


def map_units() -> QuerySet[AdminUnit]:
    """Units in force today, for context."""
    return AdminUnit.objects.current()


def map_tile_for_user(*, user: Actor, query: LayerQuery, tile: Tile) -> bytes:
    """One vector tile of one layer, as `user` may see it. One query."""
    if isinstance(query.layer, UnitLayer):
        return maps.unit_tile(map_units(), tile=tile)
    rows = map_rows_for_user(user=user, layer=query.layer)
    cells = None
    if query.layer.model is Household:
        cells = HouseholdMapCell.objects.filter(
            unit_scope_q(user=user, permission=Permission.VIEW_SCOPED)
        )
    return maps.registry_tile(rows, query=query, tile=tile, cells=cells)


def map_features_for_user(*, user: Actor, query: LayerQuery, bbox: BBox | None) -> dict[str, Any]:
    """One layer's features in `bbox` as GeoJSON, as `user` may see them. One query."""
    if isinstance(query.layer, UnitLayer):
        return maps.unit_feature_collection(map_units(), query=query, bbox=bbox)
    rows = map_rows_for_user(user=user, layer=query.layer)
    return maps.registry_feature_collection(rows, query=query, bbox=bbox)


def map_start_bounds(*, user: Actor) -> tuple[float, float, float, float]:
    """Where the map opens: the extent of the units in the user's scope (their commune,
    for a commune officer), boundaries and centroids alike; the whole country for a
    nationwide role or when the scope has no place on the map."""
    if is_nationwide(user=user, permission=Permission.VIEW_SCOPED):
        return maps.VIETNAM_BOUNDS
    extents = AdminUnit.objects.filter(
        unit_scope_q(user=user, permission=Permission.VIEW_SCOPED)
    ).aggregate(boundary=Extent("boundary"), centroid=Extent("centroid"))
    found = [extent for extent in extents.values() if extent is not None]
    if not found:
        return maps.VIETNAM_BOUNDS
    west = min(e[0] for e in found)
    south = min(e[1] for e in found)
    east = max(e[2] for e in found)
    north = max(e[3] for e in found)
    pad_x = max(0.0, _MIN_SPAN_DEGREES - (east - west)) / 2
    pad_y = max(0.0, _MIN_SPAN_DEGREES - (north - south)) / 2
    return (west - pad_x, south - pad_y, east + pad_x, north + pad_y)
