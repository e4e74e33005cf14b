"""Where a province's synthetic rows go: a polygon per commune, and which communes are
coastal.

Commune polygons are synthetic, except where a commune's real boundary is loaded:
Voronoi cells around the real commune centroids, without the loaded communes'
territory, clipped to the province's boundary where one is loaded, otherwise to the
convex hull of the centroids buffered by half a typical commune's width. They are never
written as a commune's `boundary` (that column holds only real, imported boundaries):
`provinces.province_cells` computes them again from the same units, to the same cells.

Coastal communes (fishing vessels, sea farms) are a heuristic, as no coastline is
loaded: a special zone (đặc khu, all islands), or, in one of the 21 coastal provinces,
a mainland commune whose cell touches the outer edge of the mainland's communes, on the
side where the sea lies (within 60° of a bearing of `SEA_BEARINGS`, seen from the
middle of the mainland).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import shapely

from langso.places.models import Kind

# Where the sea lies from the middle of each coastal province (degrees clockwise from
# north), after the 2025 merger: 21 of the 34 provinces have a coast.
SEA_BEARINGS: dict[str, tuple[float, ...]] = {
    "22": (135.0, 180.0),  # Quảng Ninh
    "31": (90.0, 135.0),  # Hải Phòng
    "33": (100.0,),  # Hưng Yên (with Thái Bình)
    "37": (135.0,),  # Ninh Bình (with Nam Định)
    "38": (100.0,),  # Thanh Hóa
    "40": (90.0,),  # Nghệ An
    "42": (60.0,),  # Hà Tĩnh
    "44": (60.0,),  # Quảng Trị (with Quảng Bình)
    "46": (45.0,),  # Huế
    "48": (70.0,),  # Đà Nẵng (with Quảng Nam)
    "51": (80.0,),  # Quảng Ngãi
    "52": (90.0,),  # Gia Lai (with Bình Định)
    "56": (100.0,),  # Khánh Hòa (with Ninh Thuận)
    "66": (90.0,),  # Đắk Lắk (with Phú Yên)
    "68": (150.0,),  # Lâm Đồng (with Bình Thuận)
    "79": (160.0,),  # Hồ Chí Minh (with Bà Rịa - Vũng Tàu)
    "82": (110.0,),  # Đồng Tháp (with Tiền Giang)
    "86": (120.0,),  # Vĩnh Long (with Bến Tre, Trà Vinh)
    "91": (250.0,),  # An Giang (with Kiên Giang)
    "92": (130.0,),  # Cần Thơ (with Sóc Trăng)
    "96": (110.0, 180.0, 250.0),  # Cà Mau (with Bạc Liêu): sea on three sides
}
_SEA_HALF_ANGLE = 60.0
_KIND_WEIGHT: dict[str, float] = {
    Kind.PHUONG: 3.0,
    Kind.THI_TRAN: 2.0,
    Kind.XA: 1.0,
    Kind.DAC_KHU: 0.3,
}
_KM_PER_DEGREE = 111.32


@dataclass(frozen=True)
class CommuneSite:
    """What the generator needs of a commune."""

    code: str
    kind: str
    lon: float
    lat: float
    area_km2: float | None


def commune_weight(site: CommuneSite, *, mean_area: float) -> float:
    """A plausible share of households: more in wards, more in larger communes but far
    less than in proportion (mountain communes are large and thinly settled)."""
    area = site.area_km2 if site.area_km2 and site.area_km2 > 0 else mean_area
    return math.sqrt(area) * _KIND_WEIGHT.get(site.kind, 1.0)


def typical_area(sites: Sequence[CommuneSite]) -> float:
    """The communes' mean area in km² (30 where none is known)."""
    areas = [s.area_km2 for s in sites if s.area_km2 and s.area_km2 > 0]
    return sum(areas) / len(areas) if areas else 30.0


def km_to_degrees(km: float) -> float:
    return km / _KM_PER_DEGREE


def clip_area(sites: Sequence[CommuneSite], boundary: Any = None) -> Any:
    """Where the cells end: the province's boundary, or the convex hull of the communes'
    centroids buffered by half a typical commune's width."""
    if boundary is not None and not boundary.is_empty:
        return boundary
    points = shapely.multipoints([(s.lon, s.lat) for s in sites])
    margin = km_to_degrees(max(1.0, 0.5 * math.sqrt(typical_area(sites))))
    return shapely.convex_hull(points).buffer(margin)


def commune_cells(
    sites: Sequence[CommuneSite], boundary: Any = None, own: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """The polygon of each commune, by code: its own boundary where one is loaded
    (`own`), otherwise its Voronoi cell around the centroids, clipped (see `clip_area`)
    and without the loaded communes' territory. Never empty: a cell that lies wholly
    outside a loaded boundary falls back to the buffered hull."""
    if not sites:
        return {}
    loaded = {code: p for code, g in (own or {}).items() if (p := _largest_part(g)) is not None}
    taken = shapely.union_all(list(loaded.values())) if loaded else None
    clip = clip_area(sites, boundary)
    hull = clip_area(sites)
    if len(sites) == 1:
        return {sites[0].code: loaded.get(sites[0].code, clip)}
    # Communes at the very same point would share one cell: nudge repeats by ~10 m.
    seen: dict[tuple[float, float], int] = {}
    coords = []
    for site in sites:
        key = (site.lon, site.lat)
        repeat = seen.get(key, 0)
        seen[key] = repeat + 1
        coords.append((site.lon + repeat * 1e-4, site.lat))
    extent = shapely.union(clip, hull).envelope.buffer(1.0)
    diagram = shapely.voronoi_polygons(shapely.multipoints(coords), extend_to=extent, ordered=True)
    cells: dict[str, Any] = {}
    for site, cell in zip(sites, shapely.get_parts(diagram), strict=True):
        if site.code in loaded:
            cells[site.code] = loaded[site.code]
            continue
        if taken is not None:
            cell = shapely.difference(cell, taken)
        clipped = _largest_part(shapely.intersection(cell, clip))
        if clipped is None:
            clipped = _largest_part(shapely.intersection(cell, hull))
        cells[site.code] = clipped if clipped is not None else cell
    return cells


def _largest_part(geometry: Any) -> Any:
    """The largest polygon of a clipped cell (a boundary with islands can leave several),
    or None if nothing of area is left."""
    parts = [p for p in shapely.get_parts(geometry) if p.geom_type == "Polygon" and p.area > 0]
    return max(parts, key=lambda p: p.area) if parts else None


def _bearing(origin: tuple[float, float], target: tuple[float, float]) -> float:
    dx = (target[0] - origin[0]) * math.cos(math.radians(origin[1]))
    dy = target[1] - origin[1]
    return math.degrees(math.atan2(dx, dy)) % 360.0


def coastal_codes(
    province_code: str, sites: Sequence[CommuneSite], boundary: Any = None
) -> set[str]:
    """Codes of the communes taken as coastal (see this module's docstring). The edge is
    the mainland's: far islands (Côn Đảo, Phú Quốc, Hoàng Sa) would otherwise stretch
    the hull and hide the real coast inside it."""
    coastal = {s.code for s in sites if s.kind == Kind.DAC_KHU}
    bearings = SEA_BEARINGS.get(province_code)
    mainland = [s for s in sites if s.kind != Kind.DAC_KHU]
    if not bearings or len(mainland) < 2:
        return coastal
    cells = commune_cells(mainland, boundary)
    edge = shapely.boundary(clip_area(mainland, boundary))
    middle = shapely.convex_hull(shapely.multipoints([(s.lon, s.lat) for s in mainland])).centroid
    for site in mainland:
        if not shapely.dwithin(shapely.boundary(cells[site.code]), edge, 1e-7):
            continue
        toward = _bearing((middle.x, middle.y), (site.lon, site.lat))
        if any(abs((toward - b + 180.0) % 360.0 - 180.0) <= _SEA_HALF_ANGLE for b in bearings):
            coastal.add(site.code)
    return coastal


def placement_area(site: CommuneSite, cell: Any, *, mean_area: float) -> Any:
    """Where the commune's villages and households go: its cell, near its centroid (a
    disc of the commune's real area, so that a huge cell over the sea stays empty)."""
    area = site.area_km2 if site.area_km2 and site.area_km2 > 0 else mean_area
    radius_lat = km_to_degrees(math.sqrt(area / math.pi))
    radius_lon = radius_lat / max(0.2, math.cos(math.radians(site.lat)))
    turn = np.linspace(0.0, 2 * math.pi, 64, endpoint=False)
    disc = shapely.Polygon(
        np.column_stack(
            [site.lon + radius_lon * np.cos(turn), site.lat + radius_lat * np.sin(turn)]
        )
    )
    near = _largest_part(shapely.intersection(cell, disc))
    area_polygon = near if near is not None else cell
    shapely.prepare(area_polygon)
    return area_polygon


def sample_points(rng: np.random.Generator, polygon: Any, n: int) -> np.ndarray:
    """`n` points uniformly inside `polygon`, as an (n, 2) array of lon, lat."""
    out = np.empty((0, 2))
    minx, miny, maxx, maxy = polygon.bounds
    for _attempt in range(100):
        if len(out) >= n:
            break
        want = max(16, 2 * (n - len(out)))
        xs = rng.uniform(minx, maxx, want)
        ys = rng.uniform(miny, maxy, want)
        inside = shapely.contains_xy(polygon, xs, ys)
        out = np.vstack([out, np.column_stack([xs[inside], ys[inside]])])
    if len(out) < n:
        point = polygon.representative_point()
        out = np.vstack([out, np.tile([point.x, point.y], (n - len(out), 1))])
    return out[:n]
