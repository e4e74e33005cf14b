"""Reading a layer's rows: their properties as the map names them, the rows in a box
through the spatial index, grid clusters (from the rows, or summed from the households'
pre-counted cells), and the units' places."""

from __future__ import annotations

from typing import Any

from django.contrib.gis.db.models import GeometryField
from django.db import connections
from django.db.models import (
    Avg,
    BooleanField,
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    FloatField,
    Func,
    IntegerField,
    Min,
    Q,
    QuerySet,
    Sum,
    Value,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast, Coalesce

from langso.core.db import capabilities
from langso.places.models import AdminUnit

from ..models.map_cells import CELL_LEVEL
from .layers import LayerQuery, MapLayer
from .tiles import CLUSTER_BITS, BBox, PointX, PointY, Tile, grid_cell


def property_columns(layer: MapLayer) -> tuple[list[str], dict[str, F | Cast]]:
    """`values()` arguments that name every property as the map names it. Decimals are
    read as floats (MVT and JSON have no decimal type), booleans as 0/1 (the values of
    the layer's filters, and what MIN() can pick from a cell of one row)."""
    plain: list[str] = []
    renamed: dict[str, F | Cast] = {}
    for name, source in layer.properties.items():
        model_field = layer.model._meta.get_field(source)
        if isinstance(model_field, DecimalField):
            renamed[name] = Cast(source, FloatField())
        elif isinstance(model_field, BooleanField):
            renamed[name] = Cast(source, IntegerField())
        elif source == name:
            plain.append(name)
        else:
            renamed[name] = F(source)
    return plain, renamed


def in_box(
    rows: QuerySet[Any], box: BBox, *, small: bool = True, column: str = "location"
) -> QuerySet[Any]:
    """Rows whose point (`column`) lies in `box`, found through the spatial index:
    PostGIS reaches its GiST index through `&&`; SpatiaLite's R*Tree is a table that
    must be joined by hand (its bounds are float32, so the exact test follows on the
    few rows found). The null test is SpatiaLite's too: its MBR functions answer -1,
    which SQL takes for true, when the geometry is null. For a box that is not `small`
    (a province) SpatiaLite reads the table: a list of most of its ids would cost more."""
    exact = rows.filter(**{f"{column}__isnull": False, f"{column}__bboverlaps": box.polygon()})
    candidates = _rtree_candidates(rows, column, box) if small else None
    return exact if candidates is None else exact.filter(pk__in=candidates)


def _rtree_candidates(rows: QuerySet[Any], column: str, box: BBox) -> RawSQL | None:
    """The ids of the rows whose `column`'s bounds overlap `box`, from SpatiaLite's
    R*Tree; None where there is none to read (PostGIS, or an R*Tree not kept up)."""
    table = rows.model._meta.db_table
    rtree = capabilities(rows.db).rtree_spatial_index
    if not (rtree and _rtree_enabled(rows.db, table, column)):
        return None
    # Table and column names from the model; the bounds are parameters.
    index = f"idx_{table}_{column}"
    return RawSQL(  # noqa: S611
        f"SELECT pkid FROM {index} "  # noqa: S608
        "WHERE xmin <= %s AND xmax >= %s AND ymin <= %s AND ymax >= %s",
        (box.east, box.west, box.north, box.south),
    )


# From this zoom a tile is a few communes at most: worth an index lookup on SpatiaLite.
_SMALL_TILE_ZOOM = 10
# (database name, table, column) → whether SpatiaLite maintains the column's R*Tree.
_RTREE_ENABLED: dict[tuple[str, str, str], bool] = {}


def _rtree_enabled(using: str, table: str, column: str) -> bool:
    """Whether SpatiaLite keeps the column's R*Tree up to date. A table that Django's
    SQLite migrations rebuilt (to add a foreign key, say) keeps its idx_ table but
    loses the triggers that fill it: an empty R*Tree would hide every row. Asked once
    per database, table and column in a process."""
    key = (str(connections[using].settings_dict["NAME"]), table, column)
    if key not in _RTREE_ENABLED:
        with connections[using].cursor() as cursor:
            cursor.execute(
                "SELECT spatial_index_enabled FROM geometry_columns "
                "WHERE f_table_name = %s AND f_geometry_column = %s",
                [table, column],
            )
            row = cursor.fetchone()
        _RTREE_ENABLED[key] = bool(row and row[0] == 1)
    return _RTREE_ENABLED[key]


def cluster_rows(rows: QuerySet[Any], tile: Tile) -> QuerySet[Any]:
    """One row per non-empty cell of the tile's CLUSTER_CELLS × CLUSTER_CELLS grid (the
    tiles of zoom z + CLUSTER_BITS): `count`, the mean `lon`, `lat`, and `first_id`,
    the row itself where the cell holds one. Grouped over the rows themselves: what
    `cluster_cells` answers from pre-counted cells where it can."""
    lon, lat = PointX("location"), PointY("location")
    cell_x, cell_y = grid_cell(tile.z + CLUSTER_BITS)
    clusters: QuerySet[Any] = (
        in_box(rows, tile.bbox, small=tile.z >= _SMALL_TILE_ZOOM)
        .annotate(cluster_x=cell_x, cluster_y=cell_y)
        .values("cluster_x", "cluster_y")
        .annotate(count=Count("pk"), lon=Avg(lon), lat=Avg(lat), first_id=Min("pk"))
        .order_by()
    )
    return clusters


# Filters that pre-counted cells can answer: each cell has one status, and counts each
# readiness gap apart.
_CELL_FILTERS = frozenset({"status", "gap"})


def cluster_cells(cells: QuerySet[Any], *, query: LayerQuery, tile: Tile) -> QuerySet[Any] | None:
    """`cluster_rows`'s clusters summed from pre-counted cells (`HouseholdMapCell`,
    already scoped), or None where the tile is finer than the cells or a filter is one
    they do not count.

    Unfiltered and by status the result is exact. Filtered on a gap, the count and the
    first row are exact, and the position is the mean of the households' cells' means,
    weighted by how many have the gap: off by at most a cell (about 600 m), which at
    zoom 12 and below is a few pixels."""
    level = tile.z + CLUSTER_BITS
    if level > CELL_LEVEL or not set(query.choices) <= _CELL_FILTERS:
        return None
    side = 2 ** (CELL_LEVEL - tile.z)  # cells across a tile
    per_cluster = 2 ** (CELL_LEVEL - level)  # cells across a cluster
    cells = cells.filter(
        cell_x__gte=tile.x * side,
        cell_x__lt=(tile.x + 1) * side,
        cell_y__gte=tile.y * side,
        cell_y__lt=(tile.y + 1) * side,
    )
    if status := query.choices.get("status"):
        cells = cells.filter(status=status)
    as_float = FloatField()
    if gap := query.choices.get("gap"):
        counted = f"gap_{gap}"
        cells = cells.filter(**{f"{counted}__gt": 0})
        share = ExpressionWrapper(F(counted) * 1.0 / F("households"), output_field=as_float)
        count = Sum(counted)
        lon = Sum(ExpressionWrapper(share * F("sum_lon"), output_field=as_float))
        lat = Sum(ExpressionWrapper(share * F("sum_lat"), output_field=as_float))
        first_id = Min(f"{counted}_first_id")
    else:
        count = Sum("households")
        lon, lat, first_id = Sum("sum_lon"), Sum("sum_lat"), Min("first_id")
    total = Cast(count, as_float)
    # Integer division on both databases: the cluster holding the cell.
    cluster_x: Any = F("cell_x") / Value(per_cluster) if per_cluster > 1 else F("cell_x")
    cluster_y: Any = F("cell_y") / Value(per_cluster) if per_cluster > 1 else F("cell_y")
    clusters: QuerySet[Any] = (
        cells.annotate(cluster_x=cluster_x, cluster_y=cluster_y)
        .values("cluster_x", "cluster_y")
        .annotate(count=count, lon=lon / total, lat=lat / total, first_id=first_id)
        .order_by()
    )
    return clusters


def unit_geometry() -> Coalesce:
    return Coalesce("boundary", "centroid", output_field=GeometryField(srid=4326))


def simplified_unit_geometry(tolerance: float) -> Coalesce:
    """`unit_geometry` with boundaries simplified to `tolerance` (degrees), keeping
    their topology: a polygon never collapses to nothing, so no unit drops out. Both
    PostGIS and SpatiaLite name the function so."""
    simplified = Func(
        "boundary",
        Value(tolerance),
        function="ST_SimplifyPreserveTopology",
        output_field=GeometryField(srid=4326),
    )
    return Coalesce(simplified, "centroid", output_field=GeometryField(srid=4326))


def units_placed_in(units: QuerySet[AdminUnit], box: BBox) -> QuerySet[AdminUnit]:
    """`units` with a place (their boundary, else their centroid) in `box`, found
    through the spatial indexes of both: on SpatiaLite, without them, every unit of the
    level is read and tested, 13 ms of a zoom-8 tile's (`bench choropleth`)."""
    found = units.filter(unit_has_place(box))
    centroids = _rtree_candidates(units, "centroid", box)
    boundaries = _rtree_candidates(units, "boundary", box)
    if centroids is None or boundaries is None:
        return found
    return found.filter(Q(pk__in=centroids) | Q(pk__in=boundaries))


def unit_has_place(box: BBox | None) -> Q:
    if box is None:
        return Q(boundary__isnull=False) | Q(centroid__isnull=False)
    polygon = box.polygon()
    # Null tests first: SpatiaLite's MBR functions take a null geometry for a match. A
    # unit with a boundary is found by it, the others by their centroid; a bounded
    # unit's centroid lies in its boundary's box, so the centroid's branch needs no
    # "no boundary" test — which PostgreSQL, without statistics of a boundary column
    # still all null, took for selective and searched for in the boundary's index,
    # 4 ms of a 5 ms tile query (`bench choropleth`).
    return Q(boundary__isnull=False, boundary__bboverlaps=polygon) | Q(
        centroid__isnull=False, centroid__bboverlaps=polygon
    )
