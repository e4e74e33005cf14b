"""The map page, and the GeoJSON and vector tiles it draws. Thin: parse, call one
selector, answer; the spec logic is in `registry.maps`, the scope in `selectors.maps`."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db.models import BooleanField
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from .. import maps
from ..maps import MapInputError, MapLayer
from ..selectors import maps as selectors

GEOJSON = "application/geo+json"
MVT = "application/vnd.mapbox-vector-tile"
# Registry tiles are private to the user's scope and change as officers edit; unit
# boundaries are public and change rarely.
_PRIVATE_MAX_AGE = 60
_PUBLIC_MAX_AGE = 3600
# Placeholders reversed into a row page's URL for the popups' links: the route's
# argument is tried as a code first, then as an id.
_CODE_PLACEHOLDER = "__code__"
_ID_PLACEHOLDER = 987654321


@login_required
@require_GET
def map_page(request: HttpRequest) -> HttpResponse:
    """The map: one layer per registry with toggles and filters, units as context,
    opening on the user's scope."""
    layers = list(maps.LAYERS.values())
    overlays = maps.map_overlays_for(request.user)
    config = {
        "bounds": selectors.map_start_bounds(user=request.user),
        "basemap": settings.MAP_BASEMAP_STYLE_URL,
        "tiles": _tile_template(),
        "geojson": reverse("registry:map-geojson"),
        "units": {
            "name": maps.UNITS.name,
            "title": str(maps.UNITS.title),
            "approxLayer": maps.APPROX_LAYER,
        },
        "layers": [_layer_config(layer) for layer in layers],
        "overlays": [_overlay_config(overlay) for overlay in overlays],
        "text": {
            "detail": _("Xem chi tiết"),
            # %s: how many rows a cluster holds.
            "cluster": _("%s bản ghi ở quanh đây — bấm để phóng to"),
        },
        "locale": _map_locale(),
    }
    return render(
        request,
        "registry/map.html",
        {
            "layers": layers,
            "overlays": [(overlay, overlay.legend_for(request.user)) for overlay in overlays],
            "config": config,
        },
    )


@require_http_methods(["GET", "HEAD", "OPTIONS"])
def map_geojson(request: HttpRequest) -> HttpResponseBase:
    """`?layer=…&bbox=minLon,minLat,maxLon,maxLat&<filters>`: the layer's features the
    caller may see, as GeoJSON, at most `maps.GEOJSON_ROW_CAP` of them."""
    if request.method == "OPTIONS":
        return _preflight(request)
    try:
        query = maps.layer_query_parse(request.GET.get("layer", ""), request.GET.dict())
        bbox = maps.bbox_parse(request.GET["bbox"]) if "bbox" in request.GET else None
    except MapInputError as exc:
        return _cors(request, _bad_request(exc, json_body=True))
    collection = selectors.map_features_for_user(user=request.user, query=query, bbox=bbox)
    body = json.dumps(collection, ensure_ascii=False, separators=(",", ":")).encode()
    return _cacheable(request, body, content_type=GEOJSON, public=query.layer is maps.UNITS)


@require_http_methods(["GET", "HEAD", "OPTIONS"])
def map_tile(request: HttpRequest, layer: str, z: str, x: str, y: str) -> HttpResponseBase:
    """One Mapbox Vector Tile of one layer, as the caller may see it."""
    if maps.layer_get(layer) is None:
        raise Http404
    if request.method == "OPTIONS":
        return _preflight(request)
    try:
        tile = maps.tile_parse(z, x, y)
        query = maps.layer_query_parse(layer, request.GET.dict())
    except MapInputError as exc:
        return _cors(request, _bad_request(exc, json_body=False))
    body = selectors.map_tile_for_user(user=request.user, query=query, tile=tile)
    return _cacheable(request, body, content_type=MVT, public=query.layer is maps.UNITS)


def _cacheable(
    request: HttpRequest, body: bytes, *, content_type: str, public: bool
) -> HttpResponseBase:
    """The answer with its validators: an ETag, so that an unchanged tile costs a 304."""
    etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    response: HttpResponseBase | None = get_conditional_response(request, etag=etag)
    if response is None:
        response = HttpResponse(body, content_type=content_type)
    response["ETag"] = etag
    if public:
        patch_cache_control(response, public=True, max_age=_PUBLIC_MAX_AGE)
    else:
        patch_cache_control(response, private=True, max_age=_PRIVATE_MAX_AGE)
    return _cors(request, response)


def _bad_request(exc: MapInputError, *, json_body: bool) -> HttpResponse:
    if json_body:
        return HttpResponse(
            json.dumps({"error": exc.message}, ensure_ascii=False),
            status=400,
            content_type="application/json",
        )
    return HttpResponse(exc.message, status=400, content_type="text/plain; charset=utf-8")


def _cors(request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
    """`Access-Control-Allow-Origin` from MAP_TILE_CORS_ORIGINS: "*" for any site, or the
    caller's origin when it is listed (then the answer varies by Origin)."""
    allowed = settings.MAP_TILE_CORS_ORIGINS
    origin = request.headers.get("Origin", "")
    if "*" in allowed:
        response["Access-Control-Allow-Origin"] = "*"
    elif origin and origin in allowed:
        response["Access-Control-Allow-Origin"] = origin
        patch_vary_headers(response, ["Origin"])
    return response


def _preflight(request: HttpRequest) -> HttpResponseBase:
    response = HttpResponse(status=204)
    response["Access-Control-Allow-Methods"] = "GET, HEAD, OPTIONS"
    response["Access-Control-Allow-Headers"] = request.headers.get(
        "Access-Control-Request-Headers", "Accept, If-None-Match"
    )
    response["Access-Control-Max-Age"] = "86400"
    return _cors(request, response)


def _map_locale() -> dict[str, str]:
    """MapLibre's own words (its `locale` option), in the page's language."""
    return {
        "AttributionControl.MapFeedback": _("Góp ý về bản đồ"),
        "AttributionControl.ToggleAttribution": _("Hiện/ẩn nguồn bản đồ"),
        "CooperativeGesturesHandler.MacHelpText": _("Dùng ⌘ + cuộn chuột để phóng to bản đồ"),
        "CooperativeGesturesHandler.MobileHelpText": _("Dùng hai ngón tay để di chuyển bản đồ"),
        "CooperativeGesturesHandler.WindowsHelpText": _(
            "Dùng Ctrl + cuộn chuột để phóng to bản đồ"
        ),
        "FullscreenControl.Enter": _("Toàn màn hình"),
        "FullscreenControl.Exit": _("Thoát toàn màn hình"),
        "GeolocateControl.FindMyLocation": _("Tìm vị trí của tôi"),
        "GeolocateControl.LocationNotAvailable": _("Không xác định được vị trí"),
        "LogoControl.Title": _("Biểu trưng MapLibre"),
        "Map.Title": _("Bản đồ"),
        "NavigationControl.ResetBearing": _("Kéo để xoay bản đồ, bấm để quay về hướng bắc"),
        "NavigationControl.ZoomIn": _("Phóng to"),
        "NavigationControl.ZoomOut": _("Thu nhỏ"),
        "Popup.Close": _("Đóng"),
        "ScaleControl.Kilometers": "km",
        "ScaleControl.Meters": "m",
    }


def _tile_template() -> str:
    """`…/tiles/{layer}/{z}/{x}/{y}.pbf`, for MapLibre's tile sources."""
    url = reverse("registry:map-tile", args=["LAYER", "0", "1", "2"])
    return url.replace("LAYER/0/1/2.pbf", "{layer}/{z}/{x}/{y}.pbf")


def _detail_template(layer: MapLayer) -> str:
    """The row page's URL with `{code}` or `{id}` for the popup's link; empty while the
    registry has no such page. The page itself enforces the scope."""
    if not layer.detail_route:
        return ""
    name = f"registry:{layer.detail_route}"
    try:
        return reverse(name, args=[_CODE_PLACEHOLDER]).replace(_CODE_PLACEHOLDER, "{code}")
    except NoReverseMatch:
        pass
    try:
        return reverse(name, args=[_ID_PLACEHOLDER]).replace(str(_ID_PLACEHOLDER), "{id}")
    except NoReverseMatch:
        return ""


def _layer_config(layer: MapLayer) -> dict[str, Any]:
    return {
        "name": layer.name,
        "title": str(layer.title),
        "color": layer.color,
        "clusterBelowZoom": layer.cluster_below_zoom,
        "detail": _detail_template(layer),
        "properties": {name: str(label) for name, label in layer.property_labels().items()},
        # Labels for coded values (statuses, kinds), taken from the layer's filters, and
        # for yes/no properties (tiles carry them as 1/0).
        "values": {
            spec.name: {value: str(label) for value, label in spec.choices}
            for spec in layer.filters
            if spec.name in layer.properties
        }
        | {
            name: {"1": _("Có"), "0": _("Không")}
            for name, source in layer.properties.items()
            if isinstance(layer.model._meta.get_field(source), BooleanField)
        },
    }


def _overlay_config(overlay: maps.MapOverlay) -> dict[str, Any]:
    """What the page's script needs of an overlay: its endpoint, the colour of each
    state, and the popup's labels (see `maps.overlays`)."""
    return {
        "name": overlay.name,
        "title": str(overlay.title),
        "url": reverse(overlay.url_name),
        "heading": overlay.heading,
        "colors": {entry.value: entry.color for entry in overlay.legend},
        "properties": {name: str(label) for name, label in overlay.properties.items()},
    }
