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

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.contrib.gis.db.models import GeometryField
from django.contrib.gis.db.models.functions import AsGeoJSON
from django.contrib.gis.geos import GeometryCollection, GEOSGeometry, Point, Polygon
from django.core.exceptions import EmptyResultSet
from django.db import connections, transaction
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
from django.db.models.functions import Cast, Coalesce, Cos, Floor, Ln, Radians, Tan
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from mapbox_vector_tile.Mapbox import vector_tile_pb2

from langso.core.db import capabilities
from langso.core.errors import DomainError
from langso.places.models import AdminUnit, Level

from .models import (
    AquacultureFarm,
    Broadband,
    Cooperative,
    FishingVessel,
    Household,
    HouseholdMapCell,
    HouseholdStatus,
    Placed,
    Product,
    PublicWifiPoint,
    SecurityCamera,
    TourismSite,
)
from .models.map_cells import CELL_LEVEL
from .specs import (
    CAMERA,
    COOPERATIVE,
    FARM,
    PRODUCT,
    TOURISM_SITE,
    VESSEL,
    WIFI_POINT,
    ListFilter,
)

# Tile geometry: MVT's usual extent, and the margin kept around a tile so that symbols
# on its edge are not cut (in tile units, as ST_AsMVTGeom's `buffer`).
EXTENT = 4096
BUFFER = 64
MAX_ZOOM = 22
CLUSTER_BITS = 4
CLUSTER_CELLS = 2**CLUSTER_BITS
# A point tile past this many rows is cut: a town block at zoom 15 holds a few thousand
# households, far below it; the cap only guards the server.
TILE_ROW_CAP = 20_000
# GeoJSON answers hold at most this many features; `truncated` says when more matched.
GEOJSON_ROW_CAP = 5_000
# Whole Vietnam, islands included: the map opens here when the user's scope has no place.
VIETNAM_BOUNDS = (102.14, 8.18, 109.47, 23.39)


class MapInputError(DomainError):
    """A bad layer, tile, bounding box or filter in a map request (HTTP 400)."""


# ---------------------------------------------------------------------------------------
# Layers


@dataclass(frozen=True)
class MapLayer:
    """A registry on the map. `properties` maps a property name to the model field it is
    read from; nothing else leaves the database."""

    name: str
    title: str | Promise
    model: type[Placed]
    properties: Mapping[str, str]
    # The registry list's own filters (`specs`), so that the list and the map agree.
    filters: tuple[ListFilter, ...] = ()
    cluster_below_zoom: int = 12
    color: str = "#555555"
    # The route (in the "registry" namespace) of a row's page, taking its code.
    detail_route: str = ""

    def filter_named(self, name: str) -> ListFilter | None:
        return next((f for f in self.filters if f.name == name), None)

    def property_labels(self) -> dict[str, str | Promise]:
        """Each property's label for popups: the verbose name of the field it is read from."""
        return {
            name: self.model._meta.get_field(source).verbose_name  # type: ignore[union-attr]  # properties name concrete fields, never relations
            for name, source in self.properties.items()
        }


class UnitLayer:
    """Administrative units as context: boundaries where loaded, centroids elsewhere. Units
    are public reference data, so this layer is not scoped."""

    name = "units"
    title = gettext_lazy("Đơn vị hành chính")


def _fewer_than_adults(field_name: str) -> Q:
    return Q(**{f"{field_name}__lt": F("adults")})


# A readiness gap: some adult still lacks what the programme counts. An unknown count is
# not a gap — it is shown as "not surveyed" instead.
HOUSEHOLD_GAPS: dict[str, tuple[str | Promise, Callable[[], Q]]] = {
    "smartphone": (
        gettext_lazy("Còn người chưa có điện thoại thông minh"),
        lambda: _fewer_than_adults("adults_smartphone"),
    ),
    "epayment": (
        gettext_lazy("Còn người chưa có tài khoản thanh toán điện tử"),
        lambda: _fewer_than_adults("adults_epayment"),
    ),
    "vneid": (
        gettext_lazy("Còn người chưa có VNeID mức 2"),
        lambda: _fewer_than_adults("adults_vneid"),
    ),
    "public_service": (
        gettext_lazy("Còn người chưa có tài khoản dịch vụ công"),
        lambda: _fewer_than_adults("adults_public_service"),
    ),
    "broadband": (
        gettext_lazy("Chưa có internet cố định"),
        lambda: Q(broadband=Broadband.NONE),
    ),
    "unknown": (
        gettext_lazy("Chưa khảo sát mức sẵn sàng"),
        lambda: Q(adults_smartphone__isnull=True),
    ),
}

LAYERS: dict[str, MapLayer] = {
    layer.name: layer
    for layer in (
        MapLayer(
            name="households",
            title=gettext_lazy("Hộ gia đình"),
            model=Household,
            properties={
                "code": "address_code",
                "status": "status",
                "adults": "adults",
                "smartphone": "adults_smartphone",
                "epayment": "adults_epayment",
            },
            # The map's own: what pre-counted cells can answer (see `_cluster_cells`).
            filters=(
                ListFilter(
                    name="status",
                    label=gettext_lazy("Tình trạng"),
                    choices=tuple(HouseholdStatus.choices),
                    q=lambda value: Q(status=value),
                ),
                ListFilter(
                    name="gap",
                    label=gettext_lazy("Còn thiếu"),
                    choices=tuple((key, label) for key, (label, _q) in HOUSEHOLD_GAPS.items()),
                    q=lambda value: HOUSEHOLD_GAPS[value][1](),
                ),
            ),
            # Individual houses from zoom 15 (a tile ~1.2 km across); clusters below.
            cluster_below_zoom=15,
            color="#1f77b4",
            detail_route="household-detail",
        ),
        MapLayer(
            name="cooperatives",
            title=gettext_lazy("Hợp tác xã"),
            model=Cooperative,
            properties={"code": "code", "name": "name", "status": "status"},
            filters=COOPERATIVE.filters,
            color="#2ca02c",
            detail_route="cooperative-detail",
        ),
        MapLayer(
            name="products",
            title=gettext_lazy("Sản phẩm"),
            model=Product,
            properties={"code": "code", "category": "category", "ocop": "ocop_stars"},
            filters=PRODUCT.filters,
            color="#ff7f0e",
            detail_route="product-detail",
        ),
        MapLayer(
            name="vessels",
            title=gettext_lazy("Tàu cá"),
            model=FishingVessel,
            properties={"code": "registration_number"},
            filters=VESSEL.filters,
            color="#17becf",
            detail_route="vessel-detail",
        ),
        MapLayer(
            name="farms",
            title=gettext_lazy("Nuôi trồng thủy sản"),
            model=AquacultureFarm,
            properties={
                "code": "code",
                "farming_type": "farming_type",
                "area": "area_ha",
            },
            filters=FARM.filters,
            color="#9467bd",
            detail_route="farm-detail",
        ),
        MapLayer(
            name="tourism",
            title=gettext_lazy("Điểm du lịch"),
            model=TourismSite,
            properties={"code": "code", "name": "name", "kind": "kind"},
            filters=TOURISM_SITE.filters,
            color="#d62728",
            detail_route="tourism-site-detail",
        ),
        MapLayer(
            name="wifi",
            title=gettext_lazy("Wifi công cộng"),
            model=PublicWifiPoint,
            properties={"code": "code", "working": "is_working"},
            filters=WIFI_POINT.filters,
            color="#e377c2",
            detail_route="wifi-point-detail",
        ),
        MapLayer(
            name="cameras",
            title=gettext_lazy("Camera an ninh"),
            model=SecurityCamera,
            properties={"code": "code", "purpose": "purpose", "working": "is_working"},
            filters=CAMERA.filters,
            color="#8c564b",
            detail_route="camera-detail",
        ),
    )
}
UNITS = UnitLayer()


@dataclass(frozen=True)
class LayerQuery:
    """What a request asks of one layer: the layer and the rows its filters keep."""

    layer: MapLayer | UnitLayer
    filters: Q = field(default_factory=Q)
    # The filters' values by name, as asked: what pre-counted map cells can answer.
    choices: Mapping[str, str] = field(default_factory=dict)
    # For the units layer over GeoJSON: which level (tiles choose by zoom).
    unit_level: str = Level.COMMUNE


def layer_get(name: str) -> MapLayer | UnitLayer | None:
    if name == UNITS.name:
        return UNITS
    return LAYERS.get(name)


# Parameters every map request may carry besides a layer's filters.
_COMMON_PARAMETERS = frozenset({"layer", "bbox"})


def layer_query_parse(name: str, parameters: Mapping[str, str]) -> LayerQuery:
    """The layer `name` with the filters in `parameters`. An unknown layer, an unknown
    parameter or a value outside a filter's choices is refused, naming it."""
    layer = layer_get(name)
    if layer is None:
        raise MapInputError(
            _("Lớp bản đồ “%(name)s” không có. Các lớp: %(names)s.")
            % {"name": name[:50], "names": ", ".join([*LAYERS, UNITS.name])}
        )
    if isinstance(layer, UnitLayer):
        return LayerQuery(layer=layer, unit_level=_unit_level_parse(parameters))
    filters = Q()
    choices: dict[str, str] = {}
    for key, value in parameters.items():
        if key in _COMMON_PARAMETERS:
            continue
        spec = layer.filter_named(key)
        if spec is None:
            raise MapInputError(
                _("Lớp “%(layer)s” không có bộ lọc “%(name)s”.")
                % {"layer": layer.name, "name": key[:50]}
            )
        if value == "":
            continue
        if value not in {choice for choice, _label in spec.choices}:
            raise MapInputError(
                _("Bộ lọc “%(name)s” không nhận giá trị “%(value)s”; chọn một trong: %(choices)s.")
                % {
                    "name": key,
                    "value": value[:50],
                    "choices": ", ".join(choice for choice, _label in spec.choices),
                }
            )
        filters &= spec.q(value)
        choices[key] = value
    return LayerQuery(layer=layer, filters=filters, choices=choices)


def _unit_level_parse(parameters: Mapping[str, str]) -> str:
    for key in parameters:
        if key not in _COMMON_PARAMETERS | {"level"}:
            raise MapInputError(
                _("Lớp “%(layer)s” không có bộ lọc “%(name)s”.")
                % {"layer": UNITS.name, "name": key[:50]}
            )
    level = parameters.get("level") or Level.COMMUNE
    allowed = (Level.PROVINCE, Level.COMMUNE, Level.VILLAGE)
    if level not in allowed:
        raise MapInputError(
            _("Cấp “%(level)s” không hợp lệ; chọn một trong: %(choices)s.")
            % {"level": level[:50], "choices": ", ".join(allowed)}
        )
    return level


# ---------------------------------------------------------------------------------------
# Bounding boxes and tiles


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


# ---------------------------------------------------------------------------------------
# Reading rows


class PointX(Func):
    function = "ST_X"
    output_field = FloatField()


class PointY(Func):
    function = "ST_Y"
    output_field = FloatField()


def _property_columns(layer: MapLayer) -> tuple[list[str], dict[str, F | Cast]]:
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


def _in_box(rows: QuerySet[Any], box: BBox, *, small: bool = True) -> QuerySet[Any]:
    """Rows whose point lies in `box`, found through the spatial index: PostGIS reaches
    its GiST index through `&&`; SpatiaLite's R*Tree is a table that must be joined by
    hand (its bounds are float32, so the exact test follows on the few rows found).
    The null test is SpatiaLite's too: its MBR functions answer -1, which SQL takes
    for true, when the geometry is null. For a box that is not `small` (a province)
    SpatiaLite reads the table: a list of most of its ids would cost more."""
    exact = rows.filter(location__isnull=False, location__bboverlaps=box.polygon())
    table = rows.model._meta.db_table
    rtree = capabilities(rows.db).rtree_spatial_index
    if not (small and rtree and _rtree_enabled(rows.db, table)):
        return exact
    # Table name from the model; the bounds are parameters.
    index = f"idx_{table}_location"
    candidates = RawSQL(  # noqa: S611
        f"SELECT pkid FROM {index} "  # noqa: S608
        "WHERE xmin <= %s AND xmax >= %s AND ymin <= %s AND ymax >= %s",
        (box.east, box.west, box.north, box.south),
    )
    return exact.filter(pk__in=candidates)


# From this zoom a tile is a few communes at most: worth an index lookup on SpatiaLite.
_SMALL_TILE_ZOOM = 10
# (database name, table) → whether SpatiaLite maintains the table's R*Tree.
_RTREE_ENABLED: dict[tuple[str, str], bool] = {}


def _rtree_enabled(using: str, table: str) -> bool:
    """Whether SpatiaLite keeps the table's R*Tree up to date. A table that Django's
    SQLite migrations rebuilt (to add a foreign key, say) keeps its idx_ table but
    loses the triggers that fill it: an empty R*Tree would hide every row. Asked once
    per database and table in a process."""
    key = (str(connections[using].settings_dict["NAME"]), table)
    if key not in _RTREE_ENABLED:
        with connections[using].cursor() as cursor:
            cursor.execute(
                "SELECT spatial_index_enabled FROM geometry_columns "
                "WHERE f_table_name = %s AND f_geometry_column = 'location'",
                [table],
            )
            row = cursor.fetchone()
        _RTREE_ENABLED[key] = bool(row and row[0] == 1)
    return _RTREE_ENABLED[key]


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


def _cluster_rows(rows: QuerySet[Any], tile: Tile) -> QuerySet[Any]:
    """One row per non-empty cell of the tile's CLUSTER_CELLS × CLUSTER_CELLS grid (the
    tiles of zoom z + CLUSTER_BITS): `count`, the mean `lon`, `lat`, and `first_id`,
    the row itself where the cell holds one. Grouped over the rows themselves: what
    `_cluster_cells` answers from pre-counted cells where it can."""
    lon, lat = PointX("location"), PointY("location")
    cell_x, cell_y = grid_cell(tile.z + CLUSTER_BITS)
    clusters: QuerySet[Any] = (
        _in_box(rows, tile.bbox, small=tile.z >= _SMALL_TILE_ZOOM)
        .annotate(cluster_x=cell_x, cluster_y=cell_y)
        .values("cluster_x", "cluster_y")
        .annotate(count=Count("pk"), lon=Avg(lon), lat=Avg(lat), first_id=Min("pk"))
        .order_by()
    )
    return clusters


# Filters that pre-counted cells can answer: each cell has one status, and counts each
# readiness gap apart.
_CELL_FILTERS = frozenset({"status", "gap"})


def _cluster_cells(cells: QuerySet[Any], *, query: LayerQuery, tile: Tile) -> QuerySet[Any] | None:
    """`_cluster_rows`'s clusters summed from pre-counted cells (`HouseholdMapCell`,
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


def registry_feature_collection(
    rows: QuerySet[Any], *, query: LayerQuery, bbox: BBox | None
) -> dict[str, Any]:
    """Rows of a registry layer inside `bbox` as a GeoJSON FeatureCollection, newest first,
    at most GEOJSON_ROW_CAP of them (`truncated` says whether more matched). One query."""
    layer = _registry_layer(query)
    limit = GEOJSON_ROW_CAP
    plain, renamed = _property_columns(layer)
    rows = rows.filter(query.filters).filter(location__isnull=False)
    if bbox is not None:
        rows = _in_box(rows, bbox)
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
    units = units.filter(level=query.unit_level).filter(_unit_has_place(bbox))
    found = list(
        units.order_by("code", "pk").values(
            "pk",
            "code",
            "name",
            "level",
            geojson=AsGeoJSON(_unit_geometry(), precision=6),
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


def _registry_layer(query: LayerQuery) -> MapLayer:
    if not isinstance(query.layer, MapLayer):
        raise TypeError(query.layer)
    return query.layer


def _collection(name: str, features: list[dict[str, Any]], *, truncated: bool) -> dict[str, Any]:
    # `name`, `truncated` are foreign members: GeoJSON readers (GDAL, QGIS) ignore them.
    return {
        "type": "FeatureCollection",
        "name": name,
        "truncated": truncated,
        "features": features,
    }


def _unit_geometry() -> Coalesce:
    return Coalesce("boundary", "centroid", output_field=GeometryField(srid=4326))


def _unit_has_place(box: BBox | None) -> Q:
    if box is None:
        return Q(boundary__isnull=False) | Q(centroid__isnull=False)
    polygon = box.polygon()
    # Null tests first: SpatiaLite's MBR functions take a null geometry for a match.
    return Q(boundary__isnull=False, boundary__bboverlaps=polygon) | Q(
        boundary__isnull=True, centroid__isnull=False, centroid__bboverlaps=polygon
    )


def unit_levels_at(zoom: int) -> tuple[str, ...]:
    """Which units give context at a zoom: provinces for the country, communes for a
    province, villages too once houses are drawn one by one."""
    if zoom < 7:
        return (Level.PROVINCE,)
    if zoom < 12:
        return (Level.COMMUNE,)
    return (Level.COMMUNE, Level.VILLAGE)


# ---------------------------------------------------------------------------------------
# Vector tiles


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
    layer = _registry_layer(query)
    rows = rows.filter(query.filters)
    connection = connections[rows.db]
    in_sql = capabilities(rows.db).vector_tiles_in_sql
    quote = connection.ops.quote_name
    plain, renamed = _property_columns(layer)
    names = list(layer.properties)
    properties = [f"r.{quote(name)} AS {quote(name)}" for name in ["id", *names]]
    try:
        if tile.z < layer.cluster_below_zoom:
            counted = None if cells is None else _cluster_cells(cells, query=query, tile=tile)
            clusters, cell_params = _compiled(
                _cluster_rows(rows, tile) if counted is None else counted
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
            points = _in_box(rows, tile.buffered_bbox())
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
        return _mvt_in_sql(
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
        features.append(_Feature(_POINT, _point_commands(tile, row_lon, row_lat), row, feature_id))
    return _mvt_in_python(layer.name, features)


def _compiled(queryset: QuerySet[Any]) -> tuple[str, list[Any]]:
    sql, params = queryset.query.sql_with_params()
    return sql, list(params)


def unit_tile(units: QuerySet[AdminUnit], *, tile: Tile) -> bytes:
    """Units giving context at the tile's zoom (see `unit_levels_at`): boundaries where
    loaded, centroids elsewhere, with code, name and level. One query."""
    found = units.filter(level__in=unit_levels_at(tile.z)).filter(
        _unit_has_place(tile.buffered_bbox())
    )
    fields = ["id", "code", "name", "level"]
    if capabilities(units.db).vector_tiles_in_sql:
        quote = connections[units.db].ops.quote_name
        try:
            sql, params = _compiled(found.values(*fields, place=_unit_geometry()))
        except EmptyResultSet:
            return b""
        return _mvt_in_sql(
            units.db,
            name=UNITS.name,
            tile=tile,
            columns=[f"r.{quote(name)} AS {quote(name)}" for name in fields],
            geometry=f"r.{quote('place')}",
            source=f"({sql}) AS r",
            params=params,
        )
    clip = tile.buffered_bbox().polygon()
    features = []
    for row in found.values(*fields, place=_unit_geometry()):
        place: GEOSGeometry = row.pop("place")
        if isinstance(place, Point):
            geometry = _point_commands(tile, place.x, place.y)
            kind = _POINT
        else:
            geometry = _polygon_commands(tile, place.intersection(clip))
            kind = _POLYGON
        if geometry:
            features.append(_Feature(kind, geometry, row, row.pop("id")))
    return _mvt_in_python(UNITS.name, features)


def _mvt_in_sql(
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
        # queries: 100-300 ms of compiling for a few ms of work. Off for this one.
        cursor.execute("SET LOCAL jit = off")
        cursor.execute(wrapped, [name, tile.z, tile.x, tile.y, *params])
        row = cursor.fetchone()
    return bytes(row[0]) if row and row[0] is not None else b""


# ---------------------------------------------------------------------------------------
# The Python encoder (databases without ST_AsMVT)
#
# Geometry is clipped by GEOS (Django's, the same library SpatiaLite uses) and written
# with the protobuf schema that mapbox-vector-tile ships, following the MVT 2.1 spec:
# commands MoveTo/LineTo/ClosePath with zigzag-encoded deltas, exterior rings clockwise
# with y down. mapbox-vector-tile's own encoder is not used: it goes through shapely,
# whose wheel bundles another GEOS that breaks once SpatiaLite's GEOS is loaded in the
# process (polygons come out with a third dimension or raise).

_POINT = 1
_POLYGON = 3
_MOVE_TO, _LINE_TO, _CLOSE_PATH = 1, 2, 7


@dataclass
class _Feature:
    kind: int
    geometry: list[int]
    row: Mapping[str, Any]
    id: int | None


def _command(command: int, count: int) -> int:
    return (command & 0x7) | (count << 3)


def _zigzag(n: int) -> int:
    return (n << 1) ^ (n >> 63)


def _point_commands(tile: Tile, lon: float, lat: float) -> list[int]:
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


def _polygon_commands(tile: Tile, geometry: GEOSGeometry) -> list[int]:
    """Every polygon of `geometry`, as one MVT polygon geometry."""
    commands: list[int] = []
    cursor = (0, 0)
    for polygon in _polygons(geometry):
        outer = _ring(tile, polygon.exterior_ring.coords, exterior=True)
        if not outer:
            continue
        rings = [outer] + [
            ring
            for index in range(1, len(polygon))
            if (ring := _ring(tile, polygon[index].coords, exterior=False))
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


def _mvt_in_python(name: str, features: list[_Feature]) -> bytes:
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
