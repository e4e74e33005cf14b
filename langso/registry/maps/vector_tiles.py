"""A layer's rows in a tile as a Mapbox Vector Tile: grid clusters below the layer's
cluster zoom, rows from it on. Tiles come from one SQL query per tile on PostGIS
(`ST_AsMVTGeom` + `ST_AsMVT`) and are encoded in Python elsewhere (SpatiaLite);
`core.db.capabilities()` says which (see `mvt`)."""

from __future__ import annotations

from typing import Any

import numpy as np
import shapely
from django.contrib.gis.geos import GEOSGeometry
from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import BooleanField, ExpressionWrapper, F, Q, QuerySet
from django.db.models.expressions import RawSQL

from langso.core.db import capabilities
from langso.places.models import AdminUnit, Level

from ..models import HouseholdMapCell
from . import mvt
from .approx import provinces_approx
from .approx_villages import communes_village_cells
from .layers import UNITS, LayerQuery, unit_levels_at
from .queries import (
    cluster_cells,
    cluster_rows,
    in_box,
    property_columns,
    unit_geometry,
    units_placed_in,
)
from .tiles import BBox, PointX, PointY, Tile

# A point tile past this many rows is cut: a town block at zoom 15 holds a few thousand
# households, far below it; the cap only guards the server.
TILE_ROW_CAP = 20_000


def registry_tile(
    rows: QuerySet[Any],
    *,
    query: LayerQuery,
    tile: Tile,
    cells: QuerySet[HouseholdMapCell] | None = None,
) -> bytes:
    """The registry layer's rows in `tile` as an MVT layer named after it, the row id as
    feature id: grid clusters with a `count` below the layer's cluster zoom (a cell of
    one row is that row), rows with their properties from it on. Clusters are summed
    from `cells` (the layer's pre-counted cells, as scoped as `rows`) where they can
    answer. Empty bytes for an empty tile. One query."""
    layer = query.registry_layer()
    rows = rows.filter(query.filters)
    connection = connections[rows.db]
    in_sql = capabilities(rows.db).vector_tiles_in_sql
    quote = connection.ops.quote_name
    plain, renamed = property_columns(layer)
    names = list(layer.properties)
    properties = [f"r.{quote(name)} AS {quote(name)}" for name in ["id", *names]]
    try:
        if tile.z < layer.cluster_below_zoom:
            counted = None if cells is None else cluster_cells(cells, query=query, tile=tile)
            clusters, cell_params = _compiled(
                cluster_rows(rows, tile) if counted is None else counted
            )
            # The properties of a cell's only row are read back by id, a lookup per
            # cell rather than a MIN() of every property over every row. PostgreSQL is
            # told so (LATERAL): it would otherwise hash the whole scope to join a few
            # hundred cells. SQLite looks rows up by id on its own.
            first_id = f"c.{quote('first_id')}"
            if in_sql:
                one = rows.filter(pk=RawSQL(first_id, ()))  # noqa: S611  # an alias
                # LIMIT 1 keeps the planner from flattening the lookup into a hash join.
                singles, single_params = _compiled(one.values("id", *plain, **renamed)[:1])
                join = f"LEFT JOIN LATERAL ({singles}) AS r ON c.{quote('count')} = 1"
            else:
                singles, single_params = _compiled(rows.values("id", *plain, **renamed))
                join = (
                    f"LEFT JOIN ({singles}) AS r "
                    f"ON c.{quote('count')} = 1 AND r.{quote('id')} = {first_id}"
                )
            source = f"({clusters}) AS c {join}"
            params = [*cell_params, *single_params]
            count = f"CASE WHEN c.{quote('count')} > 1 THEN c.{quote('count')} END"
            columns = [f"{count} AS {quote('count')}", *properties]
            keys = ["count", "id", *names]
            lon, lat = f"c.{quote('lon')}", f"c.{quote('lat')}"
            geometry = f"ST_SetSRID(ST_MakePoint({lon}, {lat}), 4326)"
        else:
            points = in_box(rows, tile.buffered_bbox())
            located = (
                {"point": F("location")}
                if in_sql
                else {"lon": PointX("location"), "lat": PointY("location")}
            )
            found, params = _compiled(
                points.values("id", *plain, **renamed, **located)[:TILE_ROW_CAP]
            )
            source = f"({found}) AS r"
            columns = properties
            keys = ["id", *names]
            lon, lat = f"r.{quote('lon')}", f"r.{quote('lat')}"
            geometry = f"r.{quote('point')}"
    except EmptyResultSet:
        # An empty scope (no role) matches nothing; Django knows it without asking.
        return b""
    if in_sql:
        return mvt.encode_in_sql(
            rows.db,
            name=layer.name,
            tile=tile,
            columns=columns,
            geometry=geometry,
            source=source,
            params=params,
        )
    with connection.cursor() as cursor:
        # Identifiers come from the layer definitions, quoted; values are parameters.
        cursor.execute(f"SELECT {', '.join(columns)}, {lon}, {lat} FROM {source}", params)  # noqa: S608
        found_rows = cursor.fetchall()
    features = []
    for *values, row_lon, row_lat in found_rows:
        row = dict(zip(keys, values, strict=True))
        feature_id = row.pop("id")
        if row.get("count") is not None:
            row = {"count": row["count"]}
        features.append(
            mvt.Feature(mvt.POINT, mvt.point_commands(tile, row_lon, row_lat), row, feature_id)
        )
    return mvt.encode(layer.name, features)


def _compiled(queryset: QuerySet[Any]) -> tuple[str, list[Any]]:
    sql, params = queryset.query.sql_with_params()
    return sql, list(params)


# The units source's second layer: approximate places of units with no boundary.
APPROX_LAYER = "approx"
APPROX_COMMUNES_FROM_ZOOM = 9


def unit_tile(units: QuerySet[AdminUnit], *, tile: Tile) -> bytes:
    """Units giving context at the tile's zoom (see `unit_levels_at`): boundaries where
    loaded, centroids elsewhere, with code, name, level and the label's place (`lx`,
    `ly`: the centroid); then, as a second layer (`APPROX_LAYER`), the approximate
    places of the provinces, communes and (at village zooms) villages with no boundary
    (see `approx`, `approx_villages`), with their code and level. One query for the
    units, and a few for the approximate places."""
    return _unit_layer(units, tile=tile) + _approx_layer(units, tile=tile)


def _unit_layer(units: QuerySet[AdminUnit], *, tile: Tile) -> bytes:
    found = units_placed_in(units.filter(level__in=unit_levels_at(tile.z)), tile.buffered_bbox())
    fields = ["id", "code", "name", "level"]
    label = {"lx": PointX("centroid"), "ly": PointY("centroid")}
    if capabilities(units.db).vector_tiles_in_sql:
        quote = connections[units.db].ops.quote_name
        try:
            sql, params = _compiled(found.values(*fields, **label, place=unit_geometry()))
        except EmptyResultSet:
            return b""
        return mvt.encode_in_sql(
            units.db,
            name=UNITS.name,
            tile=tile,
            columns=[f"r.{quote(name)} AS {quote(name)}" for name in [*fields, *label]],
            geometry=f"r.{quote('place')}",
            source=f"({sql}) AS r",
            params=params,
        )
    clip = tile.buffered_bbox().polygon()
    features = []
    # A unit without a boundary is drawn at its centroid, which the label's place
    # already holds: read as two numbers, not as a geometry to parse (a zoom-8 tile
    # holds a hundred communes' centres).
    for row in found.values(*fields, **label, shape=F("boundary")):
        boundary: GEOSGeometry | None = row.pop("shape")
        if boundary is None:
            geometry = mvt.point_commands(tile, row["lx"], row["ly"])
            kind = mvt.POINT
        else:
            geometry = mvt.polygon_commands(tile, boundary.intersection(clip))
            kind = mvt.POLYGON
        if geometry:
            features.append(mvt.Feature(kind, geometry, row, row.pop("id")))
    return mvt.encode(UNITS.name, features)


def _approx_layer(units: QuerySet[AdminUnit], *, tile: Tile) -> bytes:
    """Approximate polygons of the provinces, communes and villages drawn at this zoom
    that have no boundary (a commune or a village with a centroid; a province with
    communes that have one), clipped to the tile. A cell reaches past its centroid:
    units are looked for by their centroids a tile's width around this one, and only
    the shapes that touch the tile are kept. Encoded here on every database (the shapes
    are computed in Python, see `approx` and `approx_villages`). Queries: three, two more
    for villages' cells at village zooms, and one per province or batch of communes
    whose shapes this process has not computed since they changed."""
    box = tile.bbox
    width, height = box.east - box.west, box.north - box.south
    around = BBox(
        max(-180.0, box.west - width),
        max(-90.0, box.south - height),
        min(180.0, box.east + width),
        min(90.0, box.north + height),
    )
    shapes = _province_commune_shapes(units, tile=tile, around=around)
    clip = tile.buffered_bbox()
    if Level.VILLAGE in unit_levels_at(tile.z):
        shapes |= _village_shapes(units, around=around, clip=clip, communes=shapes)
    if not shapes:
        return b""
    ids = np.array(list(shapes))
    every = np.array(list(shapes.values()), dtype=object)
    near_tile = shapely.intersects(every, shapely.box(clip.west, clip.south, clip.east, clip.north))
    if not near_tile.any():
        return b""
    # Clipped, and simplified to half a pixel of a 256-pixel tile: at zoom 8 a
    # province's cells in full would weigh ~100 KiB a tile (measured, `bench tiles`).
    clipped = shapely.simplify(
        shapely.clip_by_rect(every[near_tile], clip.west, clip.south, clip.east, clip.north),
        (box.east - box.west) / 512,
        preserve_topology=True,
    )
    touching = dict(zip(ids[near_tile].tolist(), clipped, strict=True))
    # Code and level only: the name and the label's place come once, with the unit's
    # centre in the units layer (same feature id); at zoom 8 they doubled the tile.
    features = []
    for unit_id, code, level in units.filter(pk__in=touching).values_list("id", "code", "level"):
        if geometry := mvt.polygon_commands(tile, touching[unit_id]):
            row = {"code": code, "level": level}
            features.append(mvt.Feature(mvt.POLYGON, geometry, row, unit_id))
    return mvt.encode(APPROX_LAYER, features)


def _province_commune_shapes(
    units: QuerySet[AdminUnit], *, tile: Tile, around: BBox
) -> dict[int, Any]:
    """The approximate areas, by id, of the provinces with no boundary (below
    `APPROX_COMMUNES_FROM_ZOOM`: every one, the tile keeps those that touch it), or of
    the communes with no boundary whose centroids lie `around` the tile (from it)."""
    # Communes' cells from zoom 9, where a commune is some 20 pixels across; below, a
    # mesh of 10-pixel dashed cells says nothing and cost 100 ms and 60 KiB a tile at
    # zoom 8 (`bench tiles`): the provinces' areas instead.
    if tile.z < APPROX_COMMUNES_FROM_ZOOM:
        # The country's 34 provinces, their areas kept by the process: searching the
        # communes' centroids around the tile for their provinces cost 8 ms a zoom-8
        # tile on SpatiaLite (`bench choropleth`), more than testing every area.
        provinces = list(units.filter(level=Level.PROVINCE, boundary__isnull=True))
        approximate = provinces_approx(provinces)
        return {
            province.pk: area
            for province in provinces
            if (area := approximate[province.pk].province) is not None
        }
    province_ids = {
        province_id
        for province_id, unbounded in _unbounded_near(units, Level.COMMUNE, around, "province_id")
        if unbounded and province_id is not None
    }
    if not province_ids:
        return {}
    shapes: dict[int, Any] = {}
    provinces = list(units.filter(pk__in=province_ids, level=Level.PROVINCE))
    for found in provinces_approx(provinces).values():
        shapes |= found.communes
    return shapes


def _unbounded_near(
    units: QuerySet[AdminUnit], level: str, around: BBox, column: str
) -> set[tuple[int | None, bool]]:
    """(`column`, has no boundary) of the units of `level` whose centroids lie `around`.
    Whether a unit has a boundary is read, not searched for: PostGIS keeps no
    statistics of a geometry column that is all null (no boundary imported yet), and
    PostgreSQL, taking "no boundary" for rare, intersected the spatial search with a
    scan of every unit's boundary index, 4 ms a query (`bench choropleth`)."""
    unbounded = ExpressionWrapper(Q(boundary__isnull=True), output_field=BooleanField())
    return set(
        in_box(units.filter(level=level), around, column="centroid")
        .annotate(unbounded=unbounded)
        .values_list(column, "unbounded")
    )


def _village_shapes(
    units: QuerySet[AdminUnit], *, around: BBox, clip: BBox, communes: dict[int, Any]
) -> dict[int, Any]:
    """The approximate cells of the villages with no boundary whose communes have a
    village centroid `around` the tile and an area that reaches `clip` (a village's cell
    lies inside its commune's): their boundary, or their approximate cell among
    `communes`. By village id."""
    # Their ids first, then the communes: SQLite joined the communes to the villages'
    # R*Tree search as a subquery in 6 ms a tile, the two queries take a tenth of that.
    near = {
        commune_id
        for commune_id, unbounded in _unbounded_near(units, Level.VILLAGE, around, "commune_id")
        if unbounded and commune_id is not None
    }
    box, polygon = shapely.box(clip.west, clip.south, clip.east, clip.north), clip.polygon()
    # Only the communes whose area touches the tile (or whose area is not known here):
    # of the twenty or so around a zoom-12 tile, three or four; computing every one's
    # villages' cells cost two thirds of a first (cold) tile (`bench choropleth`).
    reaching = [
        commune
        for commune in units.filter(level=Level.COMMUNE, pk__in=near)
        .select_related("province")
        .order_by()
        if (
            commune.boundary.intersects(polygon)
            if commune.boundary is not None
            else commune.pk not in communes or shapely.intersects(communes[commune.pk], box)
        )
    ]
    shapes: dict[int, Any] = {}
    for cells in communes_village_cells(reaching).values():
        shapes |= cells
    return shapes
