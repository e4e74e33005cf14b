"""GDAL reads what the map serves: `ogrinfo` (Debian's gdal-bin) opens the GeoJSON
endpoint and a vector tile by URL from the live server, signed in through the session
cookie: QGIS and other GIS tools can use the endpoints as they are."""

from __future__ import annotations

import math
import re
import shutil
import subprocess

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from pytest_django.live_server_helper import LiveServer

from langso.accounts.models import User
from langso.registry import maps
from langso.registry.models import Household
from langso.registry.testing import RegistryTree, RegistryUsers
from langso.registry.tests.maps_testing import A1_POINT, place_rows

# gdal-bin is installed by scripts/install.sh; a missing ogrinfo fails, never skips.
OGRINFO = shutil.which("ogrinfo")
pytestmark = [
    pytest.mark.django_db(transaction=True),
]


def _session_cookie(user: User) -> str:
    client = Client()
    client.force_login(user)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def _ogrinfo(*arguments: str, cookie: str = "") -> str:
    assert OGRINFO is not None
    command = [OGRINFO, "-ro", "-al", "-so", *arguments]
    if cookie:
        command += ["--config", "GDAL_HTTP_COOKIE", cookie]
    result = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)  # noqa: S603  # fixed command, test-made arguments
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_ogrinfo_reads_the_geojson_endpoint(
    live_server: LiveServer, tree: RegistryTree, users: RegistryUsers
) -> None:
    """Commune A's officer's households, by URL: points in WGS 84 with their fields."""
    place_rows(a1=tree.a1, a2=tree.a2, b1=tree.b1)
    url = (
        live_server.url
        + reverse("registry:map-geojson")
        + "?layer=households&bbox=105.8,20.1,106.2,20.4"
    )
    out = _ogrinfo(url, cookie=_session_cookie(users.officer_a))
    expected = Household.objects.filter(commune=tree.a).count()
    assert f"Feature Count: {expected}" in out
    assert "Geometry: Point" in out
    assert "WGS 84" in out
    assert "code: String" in out
    assert "head" not in out


def test_ogrinfo_reads_a_vector_tile(
    live_server: LiveServer, tree: RegistryTree, users: RegistryUsers
) -> None:
    """A zoom-15 tile by URL: GDAL's MVT driver finds the households layer with its
    features and fields, placed where village A1 is (Web Mercator metres)."""
    rows = place_rows(a1=tree.a1, a2=tree.a2, b1=tree.b1)
    tile = maps.tile_at(*A1_POINT, 15)
    url = live_server.url + reverse(
        "registry:map-tile", args=["households", tile.z, tile.x, tile.y]
    )
    out = _ogrinfo(f"MVT:{url}", cookie=_session_cookie(users.officer_a))
    expected = sum(1 for h in rows.households_a if h.village_id == tree.a1.pk)
    assert "Layer name: households" in out
    assert f"Feature Count: {expected}" in out
    assert "code: String" in out
    extent = re.search(r"Extent: \(([-\d.]+), ([-\d.]+)\)", out)
    assert extent is not None, out
    west, south = float(extent[1]), float(extent[2])
    x, y = _web_mercator(*A1_POINT)
    # The first household sits on A1_POINT; a metre or two of tile rounding is allowed.
    assert abs(west - x) < 5
    assert abs(south - y) < 5


def _web_mercator(lon: float, lat: float) -> tuple[float, float]:
    radius = 6378137.0
    return (
        math.radians(lon) * radius,
        math.log(math.tan(math.pi / 4 + math.radians(lat) / 2)) * radius,
    )
