"""Tile maths: lon/lat boxes, the Web Mercator (XYZ) tiles and their boxes, tile
coordinates of a point, and the grid of cells the map's clusters are made of, in Python
and as ORM expressions alike."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.contrib.gis.geos import Polygon
from django.db.models import FloatField, Func, Value
from django.db.models.functions import Cos, Floor, Ln, Radians, Tan
from django.utils.translation import gettext as _

from langso.core.errors import DomainError

# Tile geometry: MVT's usual extent, and the margin kept around a tile so that symbols
# on its edge are not cut (in tile units, as ST_AsMVTGeom's `buffer`).
EXTENT = 4096
BUFFER = 64
MAX_ZOOM = 22
CLUSTER_BITS = 4
CLUSTER_CELLS = 2**CLUSTER_BITS
# Whole Vietnam, islands included: the map opens here when the user's scope has no place.
VIETNAM_BOUNDS = (102.14, 8.18, 109.47, 23.39)


class MapInputError(DomainError):
    """A bad layer, tile, bounding box or filter in a map request (HTTP 400)."""


@dataclass(frozen=True)
class BBox:
    """A lon/lat box (WGS 84)."""

    west: float
    south: float
    east: float
    north: float

    def polygon(self) -> Polygon:
        return Polygon.from_bbox((self.west, self.south, self.east, self.north))


def bbox_parse(value: str) -> BBox:
    """`minLon,minLat,maxLon,maxLat` in degrees, as OGC API Features writes it."""
    message = _(
        "Tham số bbox phải có dạng minLon,minLat,maxLon,maxLat: bốn số (độ), "
        "kinh độ từ -180 đến 180, vĩ độ từ -90 đến 90, min nhỏ hơn max."
    )
    parts = value.split(",")
    if len(parts) != 4:
        raise MapInputError(message)
    try:
        west, south, east, north = (float(part) for part in parts)
    except ValueError as exc:
        raise MapInputError(message) from exc
    if not (
        all(math.isfinite(v) for v in (west, south, east, north))
        and -180 <= west < east <= 180
        and -90 <= south < north <= 90
    ):
        raise MapInputError(message)
    return BBox(west, south, east, north)


def _latitude(y: float, n: int) -> float:
    return math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * y / n))))


@dataclass(frozen=True)
class Tile:
    """A tile of the Web Mercator (EPSG:3857) pyramid, y counted from the north (XYZ)."""

    z: int
    x: int
    y: int

    @property
    def bbox(self) -> BBox:
        n = 2**self.z
        return BBox(
            west=self.x / n * 360 - 180,
            south=_latitude(self.y + 1, n),
            east=(self.x + 1) / n * 360 - 180,
            north=_latitude(self.y, n),
        )

    def buffered_bbox(self) -> BBox:
        """The tile's box widened by BUFFER: rows just outside still draw their edge."""
        box = self.bbox
        dx = (box.east - box.west) * BUFFER / EXTENT
        dy = (box.north - box.south) * BUFFER / EXTENT
        return BBox(
            max(-180.0, box.west - dx),
            max(-90.0, box.south - dy),
            min(180.0, box.east + dx),
            min(90.0, box.north + dy),
        )


def tile_parse(z: str, x: str, y: str) -> Tile:
    """Zoom 0–MAX_ZOOM, and x, y inside that zoom's 2^z × 2^z grid."""
    message = _(
        "Ô bản đồ %(z)s/%(x)s/%(y)s không hợp lệ: z là số nguyên từ 0 đến %(max)s, "
        "x và y là số nguyên từ 0 đến 2^z − 1."
    ) % {"z": z[:10], "x": x[:10], "y": y[:10], "max": MAX_ZOOM}
    try:
        tile = Tile(int(z), int(x), int(y))
    except ValueError as exc:
        raise MapInputError(message) from exc
    if not (0 <= tile.z <= MAX_ZOOM and 0 <= tile.x < 2**tile.z and 0 <= tile.y < 2**tile.z):
        raise MapInputError(message)
    return tile


def tile_at(lon: float, lat: float, z: int) -> Tile:
    """The tile at zoom `z` that holds the point."""
    n = 2**z
    x = int((lon + 180) / 360 * n)
    y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
    return Tile(z, min(max(x, 0), n - 1), min(max(y, 0), n - 1))


def tile_xy(tile: Tile, lon: Any, lat: Any) -> tuple[Any, Any]:
    """Web Mercator tile coordinates (0–EXTENT, y down) of lon/lat, scalars or numpy
    arrays alike, as ST_AsMVTGeom computes them."""
    n = 2**tile.z
    lat = np.clip(lat, -85.0511287798, 85.0511287798)
    x = ((lon + 180) / 360 * n - tile.x) * EXTENT
    y = ((1 - np.arcsinh(np.tan(np.radians(lat))) / np.pi) / 2 * n - tile.y) * EXTENT
    return x, y


class PointX(Func):
    function = "ST_X"
    output_field = FloatField()


class PointY(Func):
    function = "ST_Y"
    output_field = FloatField()


def grid_cell(level: int) -> tuple[Floor, Floor]:
    """ORM expressions for the Web Mercator tile of zoom `level` that holds each row's
    location: x from the west, y from the north, as `tile_at` computes it in Python. The
    map's clusters are these cells, and so are the pre-counted `HouseholdMapCell`s."""
    n = 2**level
    lon, lat = PointX("location"), PointY("location")
    phi = Radians(lat)
    mercator = Ln(Tan(phi) + Value(1.0) / Cos(phi))
    x = Floor((lon + Value(180.0)) * Value(n / 360.0))
    y = Floor((Value(1.0) - mercator / Value(math.pi)) * Value(n / 2.0))
    return x, y
