"""The recognitions' overlay on the registry's map: GeoJSON by bounding box, within the
caller's scope (see `selectors.map`, `map_overlay`)."""

from __future__ import annotations

import json

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_GET

from langso.registry.maps import MapInputError, bbox_parse

from ..selectors.map import recognition_map_features

# Recognitions change with a decision, rarely; the at-risk flag with the data, slowly.
_MAX_AGE = 60


@login_required
@require_GET
def map_geojson(request: HttpRequest) -> HttpResponse:
    """`?bbox=minLon,minLat,maxLon,maxLat`: the recognitions of the units in the caller's
    scope drawn in that box, as GeoJSON; a bad box answers 400 naming it."""
    try:
        bbox = bbox_parse(request.GET["bbox"]) if "bbox" in request.GET else None
    except MapInputError as exc:
        return HttpResponse(
            json.dumps({"error": exc.message}, ensure_ascii=False),
            status=400,
            content_type="application/json",
        )
    collection = recognition_map_features(user=request.user, bbox=bbox)
    response = HttpResponse(
        json.dumps(collection, ensure_ascii=False, separators=(",", ":")),
        content_type="application/geo+json",
    )
    patch_cache_control(response, private=True, max_age=_MAX_AGE)
    return response
