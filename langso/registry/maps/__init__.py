"""The map's data: one layer per registry plus the units, served as GeoJSON by bounding
box and as Mapbox Vector Tiles. Spec logic only — no HTTP, no access checks: callers
(`selectors.maps`) hand in querysets already reduced to the user's scope.

Tiles come from one SQL query per tile on PostGIS (`ST_AsMVTGeom` + `ST_AsMVT`) and are
encoded in Python elsewhere (SpatiaLite), with the MVT schema of the `mapbox-vector-tile`
package; `core.db.capabilities()` says which. Below a layer's `cluster_below_zoom` a
tile carries grid clusters instead of rows: the tile is cut into `CLUSTER_CELLS` ×
`CLUSTER_CELLS` cells (the Web Mercator tiles four zooms down) and each non-empty cell
becomes one point at the mean position of its rows, with a `count`. A cell holding one
row is that row. Households are clustered from pre-counted cells (`HouseholdMapCell`)
up to zoom 12, so that a tile over a million households sums thousands of rows rather
than grouping a million; other layers, and finer zooms, group their rows in SQL.

Properties never carry personal data (Decree 13/2023): no head of household's name or
phone, only codes, kinds, statuses and counts that popups and filters need.
"""

from .geojson import (
    GEOJSON_ROW_CAP,
    registry_feature_collection,
    unit_feature_collection,
    unit_places,
)
from .layers import (
    HOUSEHOLD_GAPS,
    LAYERS,
    UNITS,
    LayerQuery,
    MapLayer,
    UnitLayer,
    layer_get,
    layer_query_parse,
    unit_levels_at,
)
from .overlays import (
    OVERLAYS,
    LegendEntry,
    MapOverlay,
    map_overlay_register,
    map_overlay_unregister,
    map_overlays_for,
)
from .queries import unit_has_place
from .tiles import (
    CLUSTER_BITS,
    CLUSTER_CELLS,
    EXTENT,
    MAX_ZOOM,
    VIETNAM_BOUNDS,
    BBox,
    MapInputError,
    Tile,
    bbox_parse,
    tile_at,
    tile_parse,
    tile_xy,
)
from .vector_tiles import APPROX_LAYER, TILE_ROW_CAP, registry_tile, unit_tile

__all__ = [
    "APPROX_LAYER",
    "CLUSTER_BITS",
    "CLUSTER_CELLS",
    "EXTENT",
    "GEOJSON_ROW_CAP",
    "HOUSEHOLD_GAPS",
    "LAYERS",
    "MAX_ZOOM",
    "OVERLAYS",
    "TILE_ROW_CAP",
    "UNITS",
    "VIETNAM_BOUNDS",
    "BBox",
    "LayerQuery",
    "LegendEntry",
    "MapInputError",
    "MapLayer",
    "MapOverlay",
    "Tile",
    "UnitLayer",
    "bbox_parse",
    "layer_get",
    "layer_query_parse",
    "map_overlay_register",
    "map_overlay_unregister",
    "map_overlays_for",
    "registry_feature_collection",
    "registry_tile",
    "tile_at",
    "tile_parse",
    "tile_xy",
    "unit_feature_collection",
    "unit_has_place",
    "unit_levels_at",
    "unit_places",
    "unit_tile",
]
