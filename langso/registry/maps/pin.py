"""A record's point as a small figure drawn on the server: the commune's outline (its
boundary, or its approximate cell), the village's inside it where the record has one
(likewise), the pin, a scale bar. The record pages show it as
inline SVG instead of loading MapLibre (1.2 MB) for one pin.

The projection is equirectangular around the figure's middle latitude (x = lon · cos φ₀,
y = lat), which at a commune's size (tens of kilometres) differs from Web Mercator by
well under a pixel. `PinFigure` carries the projection (`west`, `north`, pixels per
degree) so that the edit page's script turns a click back into latitude and longitude.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from django.contrib.gis.geos import GEOSGeometry, MultiPolygon, Polygon

WIDTH = 320
HEIGHT = 240
# Room kept around the outline and the pin, in pixels.
_PADDING = 14
# Around a pin with no outline: about 1 km each way.
_ALONE_SPAN_DEGREES = 0.01
_METRES_PER_DEGREE = 111_320.0


@dataclass(frozen=True)
class PinFigure:
    """What the template draws, in SVG units (0–WIDTH × 0–HEIGHT, y down)."""

    outline: str  # an SVG path, "" with none
    approximate: bool
    pin: tuple[float, float] | None
    scale_px: float
    scale_label: str
    # The projection, for the edit page's script: lon = west + x / px_per_lon,
    # lat = north − y / px_per_lat.
    west: float
    north: float
    px_per_lon: float
    px_per_lat: float
    # Where the map page opens for "see on the map": the pin, or the outline's middle.
    centre: tuple[float, float]
    zoom: int
    width: int = WIDTH
    height: int = HEIGHT
    # The village's outline inside the commune's, "" with none.
    village_outline: str = ""
    village_approximate: bool = False

    def project(self, lon: float, lat: float) -> tuple[float, float]:
        return ((lon - self.west) * self.px_per_lon, (self.north - lat) * self.px_per_lat)


def _polygons(geometry: GEOSGeometry) -> list[Polygon]:
    if isinstance(geometry, Polygon):
        return [geometry]
    if isinstance(geometry, MultiPolygon):
        return [part for part in geometry if isinstance(part, Polygon)]
    return []


def _nice_length(metres: float) -> float:
    """The largest 1, 2 or 5 × 10ⁿ metres not above `metres`."""
    power = 10.0 ** math.floor(math.log10(metres))
    return max(step * power for step in (1.0, 2.0, 5.0) if step * power <= metres)


def _scale_label(metres: float) -> str:
    if metres >= 1000:
        km = metres / 1000
        return f"{km:g} km"
    return f"{metres:g} m"


def pin_figure(
    *,
    point: tuple[float, float] | None,
    outline: GEOSGeometry | None,
    approximate: bool = False,
    village: GEOSGeometry | None = None,
    village_approximate: bool = False,
) -> PinFigure | None:
    """The figure of `point` (lon, lat) inside `outline` (a commune's polygon, lon/lat)
    and `village` (its village's), framed on the outline and the point together (on the
    village where the commune's outline is unknown); None with none of them."""
    if outline is not None and not _polygons(outline):
        outline = None
    if village is not None and not _polygons(village):
        village = None
    if outline is None and village is not None:
        outline, approximate, village = village, village_approximate, None
    if outline is None and point is None:
        return None
    if outline is not None:
        west, south, east, north = outline.extent
        if point is not None:
            west, east = min(west, point[0]), max(east, point[0])
            south, north = min(south, point[1]), max(north, point[1])
    else:
        assert point is not None  # noqa: S101  # one of the two, checked above
        half = _ALONE_SPAN_DEGREES
        west, east = point[0] - half, point[0] + half
        south, north = point[1] - half, point[1] + half
    shrink = math.cos(math.radians((south + north) / 2))
    span_x = max((east - west) * shrink, 1e-6)
    span_y = max(north - south, 1e-6)
    scale = min((WIDTH - 2 * _PADDING) / span_x, (HEIGHT - 2 * _PADDING) / span_y)
    px_per_lon, px_per_lat = scale * shrink, scale
    west_in, north_in = west, north
    # Centre the framed area in the figure.
    west -= (WIDTH / px_per_lon - (east - west)) / 2
    north += (HEIGHT / px_per_lat - (north - south)) / 2

    def xy(lon: float, lat: float) -> tuple[float, float]:
        return ((lon - west) * px_per_lon, (north - lat) * px_per_lat)

    def svg_path(shape: GEOSGeometry | None) -> str:
        if shape is None:
            return ""
        # A pixel's worth of detail is all the figure shows.
        simple = shape.simplify(1 / scale, preserve_topology=True)
        rings = [ring for polygon in _polygons(simple) for ring in polygon]
        return " ".join(
            "M" + " L".join("{:.1f} {:.1f}".format(*xy(lon, lat)) for lon, lat in ring[:-1]) + " Z"
            for ring in rings
        )

    path = svg_path(outline)
    metres_per_px = _METRES_PER_DEGREE / scale
    length = _nice_length(metres_per_px * WIDTH / 4)
    return PinFigure(
        outline=path,
        approximate=approximate and outline is not None,
        pin=xy(*point) if point is not None else None,
        scale_px=round(length / metres_per_px, 1),
        scale_label=_scale_label(length),
        west=west,
        north=north,
        px_per_lon=px_per_lon,
        px_per_lat=px_per_lat,
        centre=point if point is not None else ((west_in + east) / 2, (south + north_in) / 2),
        zoom=16 if point is not None else 12,
        village_outline=svg_path(village),
        village_approximate=village_approximate and village is not None,
    )
