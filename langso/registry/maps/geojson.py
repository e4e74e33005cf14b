"""A layer's rows in a box as a GeoJSON FeatureCollection (RFC 7946), capped."""

from __future__ import annotations

import json
from typing import Any

import shapely
from django.contrib.gis.db.models.functions import AsGeoJSON
from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet

from langso.places.models import AdminUnit, Level

from .approx import provinces_approx
from .layers import UNITS, LayerQuery
from .queries import (
    in_box,
    property_columns,
    simplified_unit_geometry,
    unit_geometry,
    unit_has_place,
)
from .tiles import BBox, PointX, PointY

# GeoJSON answers hold at most this many features; `truncated` says when more matched.
GEOJSON_ROW_CAP = 5_000


def registry_feature_collection(
    rows: QuerySet[Any], *, query: LayerQuery, bbox: BBox | None
) -> dict[str, Any]:
    """Rows of a registry layer inside `bbox` as a GeoJSON FeatureCollection, newest first,
    at most GEOJSON_ROW_CAP of them (`truncated` says whether more matched). One query."""
    layer = query.registry_layer()
    limit = GEOJSON_ROW_CAP
    plain, renamed = property_columns(layer)
    rows = rows.filter(query.filters).filter(location__isnull=False)
    if bbox is not None:
        rows = in_box(rows, bbox)
    found = list(
        rows.order_by("-pk").values(
            "pk", *plain, **renamed, lon=PointX("location"), lat=PointY("location")
        )[: limit + 1]
    )
    features = [
        {
            "type": "Feature",
            "id": row["pk"],
            "geometry": {
                "type": "Point",
                "coordinates": [round(row["lon"], 7), round(row["lat"], 7)],
            },
            "properties": {"layer": layer.name} | {name: row[name] for name in layer.properties},
        }
        for row in found[:limit]
    ]
    return _collection(layer.name, features, truncated=len(found) > limit)


def unit_feature_collection(
    units: QuerySet[AdminUnit], *, query: LayerQuery, bbox: BBox | None
) -> dict[str, Any]:
    """Units of one level inside `bbox`: boundary where loaded, otherwise the centroid."""
    units = units.filter(level=query.unit_level).filter(unit_has_place(bbox))
    found = list(
        units.order_by("code", "pk").values(
            "pk",
            "code",
            "name",
            "level",
            geojson=AsGeoJSON(unit_geometry(), precision=6),
        )[: GEOJSON_ROW_CAP + 1]
    )
    features = [
        {
            "type": "Feature",
            "id": row["pk"],
            "geometry": json.loads(row["geojson"]),
            "properties": {
                "layer": UNITS.name,
                "code": row["code"],
                "name": row["name"],
                "level": row["level"],
            },
        }
        for row in found[:GEOJSON_ROW_CAP]
    ]
    return _collection(UNITS.name, features, truncated=len(found) > GEOJSON_ROW_CAP)


def unit_places(
    units: QuerySet[AdminUnit], *, bbox: BBox | None, tolerance: float = 0
) -> dict[int, dict[str, Any]]:
    """Where each of `units` that has a place in `bbox` is drawn, as a GeoJSON geometry by
    unit id: its boundary where loaded, else a commune's approximate cell (the dashed
    area of the units layer, see `approx`), else its centroid. For overlays, which draw
    units as the units layer does. One query, and the approximate cells' (one for the
    provinces, and `provinces_approx`'s). `tolerance` (degrees) simplifies the shapes,
    in the query for boundaries, for a drawing that needs no more detail than that."""
    geometry = unit_geometry() if not tolerance else simplified_unit_geometry(tolerance)
    found = list(
        units.filter(unit_has_place(bbox))
        .order_by()
        .values(
            "pk",
            "level",
            "province_id",
            bounded=ExpressionWrapper(Q(boundary__isnull=False), output_field=BooleanField()),
            geojson=AsGeoJSON(geometry, precision=6),
        )
    )
    places = {row["pk"]: json.loads(row["geojson"]) for row in found}
    approximate = [row for row in found if row["level"] == Level.COMMUNE and not row["bounded"]]
    if approximate:
        provinces = AdminUnit.objects.filter(pk__in={row["province_id"] for row in approximate})
        cells = provinces_approx(list(provinces))
        for row in approximate:
            province = cells.get(row["province_id"])
            cell = None if province is None else province.communes.get(row["pk"])
            if cell is not None:
                if tolerance:
                    cell = shapely.simplify(cell, tolerance, preserve_topology=True)
                places[row["pk"]] = json.loads(
                    shapely.to_geojson(shapely.set_precision(cell, 1e-6))
                )
    return places


def _collection(name: str, features: list[dict[str, Any]], *, truncated: bool) -> dict[str, Any]:
    # `name`, `truncated` are foreign members: GeoJSON readers (GDAL, QGIS) ignore them.
    return {
        "type": "FeatureCollection",
        "name": name,
        "truncated": truncated,
        "features": features,
    }
