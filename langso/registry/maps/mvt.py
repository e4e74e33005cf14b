"""The Mapbox Vector Tile encoders: PostGIS's (`ST_AsMVT` over SQL) and one in Python
for databases without it.

The Python encoder clips geometry with GEOS (Django's, the same library SpatiaLite
uses) and writes it with the protobuf schema that mapbox-vector-tile ships, following
the MVT 2.1 spec: commands MoveTo/LineTo/ClosePath with zigzag-encoded deltas, exterior
rings clockwise with y down. mapbox-vector-tile's own encoder is not used: it goes
through shapely, whose wheel bundles another GEOS that breaks once SpatiaLite's GEOS is
loaded in the process (polygons come out with a third dimension or raise).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import shapely
from django.contrib.gis.geos import GeometryCollection, GEOSGeometry, Polygon
from django.db import connections, transaction
from mapbox_vector_tile.Mapbox import vector_tile_pb2

from .tiles import BUFFER, EXTENT, Tile, tile_xy


def encode_in_sql(
    using: str,
    *,
    name: str,
    tile: Tile,
    columns: list[str],
    geometry: str,
    source: str,
    params: list[Any],
) -> bytes:
    """ST_AsMVTGeom/ST_AsMVT over the rows of `source` (SQL of ORM querysets, already
    scoped and filtered): the database clips, quantises and encodes, and only the tile's
    bytes come back. The "id" column becomes the feature id."""
    connection = connections[using]
    # Identifiers come from the layer definitions, quoted; every value is a parameter.
    wrapped = (
        f"SELECT ST_AsMVT(q, %s, {EXTENT}, 'geom', 'id') FROM ("  # noqa: S608
        f"SELECT {', '.join(columns)}, ST_AsMVTGeom(ST_Transform({geometry}, 3857), "
        f"ST_TileEnvelope(%s, %s, %s), {EXTENT}, {BUFFER}, true) AS geom "
        f"FROM {source}) AS q"
    )
    with transaction.atomic(using=using), connection.cursor() as cursor:
        # PostGIS declares its MVT functions costly, so the planner JIT-compiles these
        # queries: 100-300 ms of compiling for a few ms of work. Off for this one; and
        # for the same reason it started parallel workers for a province's few hundred
        # communes, 20 ms of start-up for 2 ms of scanning (`bench choropleth`).
        cursor.execute("SET LOCAL jit = off")
        cursor.execute("SET LOCAL max_parallel_workers_per_gather = 0")
        cursor.execute(wrapped, [name, tile.z, tile.x, tile.y, *params])
        row = cursor.fetchone()
    return bytes(row[0]) if row and row[0] is not None else b""


POINT = 1
POLYGON = 3
_MOVE_TO, _LINE_TO, _CLOSE_PATH = 1, 2, 7


@dataclass
class Feature:
    kind: int
    geometry: list[int]
    row: Mapping[str, Any]
    id: int | None


def _command(command: int, count: int) -> int:
    return (command & 0x7) | (count << 3)


def _zigzag(n: int) -> int:
    return (n << 1) ^ (n >> 63)


def point_commands(tile: Tile, lon: float, lat: float) -> list[int]:
    x, y = tile_xy(tile, lon, lat)
    return [_command(_MOVE_TO, 1), _zigzag(round(float(x))), _zigzag(round(float(y)))]


def _ring(tile: Tile, coordinates: Any, *, exterior: bool) -> list[tuple[int, int]]:
    """A ring in integer tile coordinates, without repeated or closing points, wound as
    MVT wants (exterior: positive surveyor's area with y down); empty if degenerate."""
    array = np.asarray(coordinates, dtype=float)
    xs, ys = tile_xy(tile, array[:, 0], array[:, 1])
    points: list[tuple[int, int]] = []
    for x, y in zip(
        np.rint(xs).astype(int).tolist(), np.rint(ys).astype(int).tolist(), strict=True
    ):
        if not points or points[-1] != (x, y):
            points.append((x, y))
    if len(points) > 1 and points[0] == points[-1]:
        points.pop()
    if len(points) < 3:
        return []
    area = sum(
        x0 * y1 - x1 * y0
        for (x0, y0), (x1, y1) in zip(points, points[1:] + points[:1], strict=True)
    )
    if area == 0:
        return []
    if (area > 0) != exterior:
        points.reverse()
    return points


def _polygons(geometry: GEOSGeometry) -> list[Polygon]:
    """The polygons of a Polygon, a MultiPolygon or a collection (what clipping yields)."""
    if isinstance(geometry, Polygon):
        return [geometry]
    if isinstance(geometry, GeometryCollection):
        return [polygon for part in geometry for polygon in _polygons(part)]
    return []


def _shapely_polygons(shape: Any) -> list[Any]:
    """`_polygons` of a shapely geometry."""
    if isinstance(shape, shapely.Polygon):
        return [shape]
    if isinstance(shape, shapely.MultiPolygon | shapely.GeometryCollection):
        return [polygon for part in shape.geoms for polygon in _shapely_polygons(part)]
    return []


def _polygon_rings(geometry: GEOSGeometry | Any) -> list[list[Any]]:
    """Each polygon's rings' coordinates, its exterior first. The approximate areas are
    shapely's (`approx`): their coordinates are read as arrays, where going through
    GEOS point by point cost a zoom-12 tile 10 ms (`bench choropleth`)."""
    if isinstance(geometry, shapely.Geometry):
        return [
            [shapely.get_coordinates(polygon.exterior)]
            + [shapely.get_coordinates(ring) for ring in polygon.interiors]
            for polygon in _shapely_polygons(geometry)
        ]
    return [
        [polygon[index].coords for index in range(len(polygon))] for polygon in _polygons(geometry)
    ]


def polygon_commands(tile: Tile, geometry: GEOSGeometry | Any) -> list[int]:
    """Every polygon of `geometry` (GEOS, or shapely), as one MVT polygon geometry."""
    commands: list[int] = []
    cursor = (0, 0)
    for exterior, *interiors in _polygon_rings(geometry):
        outer = _ring(tile, exterior, exterior=True)
        if not outer:
            continue
        rings = [outer] + [
            ring for coordinates in interiors if (ring := _ring(tile, coordinates, exterior=False))
        ]
        for ring in rings:
            x, y = ring[0]
            commands += [_command(_MOVE_TO, 1), _zigzag(x - cursor[0]), _zigzag(y - cursor[1])]
            cursor = (x, y)
            commands.append(_command(_LINE_TO, len(ring) - 1))
            for x, y in ring[1:]:
                commands += [_zigzag(x - cursor[0]), _zigzag(y - cursor[1])]
                cursor = (x, y)
            commands.append(_command(_CLOSE_PATH, 1))
    return commands


def encode(name: str, features: list[Feature]) -> bytes:
    """One MVT layer, as ST_AsMVT writes it: keys and values shared across features,
    null properties left out, nothing at all for an empty tile."""
    if not features:
        return b""
    tile = vector_tile_pb2.tile()
    layer = tile.layers.add()
    layer.version = 2
    layer.name = name
    layer.extent = EXTENT
    keys: dict[str, int] = {}
    values: dict[tuple[str, Any], int] = {}
    for feature in features:
        encoded = layer.features.add()
        if feature.id is not None:
            encoded.id = feature.id
        encoded.type = feature.kind
        encoded.geometry.extend(feature.geometry)
        for key, value in feature.row.items():
            if value is None:
                continue
            if key not in keys:
                keys[key] = len(layer.keys)
                layer.keys.append(key)
            typed = (type(value).__name__, value)
            if typed not in values:
                values[typed] = len(layer.values)
                _set_value(layer.values.add(), value)
            encoded.tags.extend((keys[key], values[typed]))
    encoded_tile: bytes = tile.SerializeToString()
    return encoded_tile


def _set_value(target: Any, value: Any) -> None:
    if isinstance(value, bool):
        target.bool_value = value
    elif isinstance(value, int):
        if value >= 0:
            target.uint_value = value
        else:
            target.sint_value = value
    elif isinstance(value, float):
        target.double_value = value
    else:
        target.string_value = str(value)
