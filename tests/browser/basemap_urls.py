"""The site's URLs plus a basemap style served by the live test server, for the map's
basemap test (`ROOT_URLCONF` is pointed here while it runs)."""

from __future__ import annotations

from pathlib import Path

from django.http import FileResponse, HttpRequest
from django.urls import path

from config.urls import urlpatterns as site_urlpatterns

STYLE = Path(__file__).parent / "fixtures" / "basemap-style.json"
STYLE_PATH = "/nen-thu/style.json"


def basemap_style(request: HttpRequest) -> FileResponse:
    return FileResponse(STYLE.open("rb"), content_type="application/json")


urlpatterns = [path(STYLE_PATH.lstrip("/"), basemap_style), *site_urlpatterns]
