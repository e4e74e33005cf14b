"""The dashboard's choropleth in a real browser: MapLibre draws the units' own vector
tiles filled by class (WebGL through SwiftShader), `queryRenderedFeatures` finds the
communes with the colours of their classes, and a click on a commune opens the map of
its villages. Screenshots are left in var/screenshots/ for a person to look at."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.contrib.gis.geos import MultiPolygon, Point, Polygon
from django.urls import reverse
from playwright.sync_api import Browser, Page
from pytest_django.live_server_helper import LiveServer

from langso.accounts.roles import Role
from langso.accounts.tests.factories import make_role, make_user
from langso.indicators.services.aggregates import household_aggregates_rebuild
from langso.indicators.testing import definitions
from langso.places.models import AdminUnit
from langso.places.testing import make_unit_tree
from langso.registry.models import Household

from .conftest import sign_in, wait_for_map

__all__ = ["definitions"]

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"
# Commune A: the square 105.90–106.00 E × 20.20–20.30 N; commune B: a centre only.
A_BOUNDARY = MultiPolygon(
    Polygon(((105.90, 20.20), (106.00, 20.20), (106.00, 20.30), (105.90, 20.30), (105.90, 20.20))),
    srid=4326,
)


@pytest.fixture
def desk_page(gl_browser: Browser) -> Iterator[Page]:
    context = gl_browser.new_context(viewport={"width": 1200, "height": 900}, locale="vi-VN")
    page = context.new_page()
    yield page
    context.close()


def _province() -> tuple[AdminUnit, AdminUnit]:
    """Commune A (boundary; villages A1 with 3 of 4 adults paying online, A2 with 1 of
    4, both known by their centres) and commune B (centre only, no household)."""
    tree = make_unit_tree(province_code="37", province_name="Tỉnh Ninh Bình")
    commune_a, commune_b = tree.communes
    commune_a.boundary = A_BOUNDARY
    commune_a.centroid = Point(105.95, 20.25, srid=4326)
    commune_a.save(update_fields=["boundary", "centroid"])
    commune_b.centroid = Point(106.05, 20.25, srid=4326)
    commune_b.save(update_fields=["centroid"])
    a1, a2 = tree.villages_of(commune_a)
    for village, lon, lat, paying in ((a1, 105.93, 20.23, 3), (a2, 105.97, 20.27, 1)):
        village.centroid = Point(lon, lat, srid=4326)
        village.save(update_fields=["centroid"])
        Household.objects.create(
            province=tree.province,
            commune=commune_a,
            village=village,
            address_code=f"{village.code}-001",
            head_name="Chủ hộ thử",
            members=4,
            adults=4,
            adults_epayment=paying,
            location=Point(lon, lat, srid=4326),
        )
    # Households were written past the services: the aggregates counted as synth does.
    household_aggregates_rebuild()
    return tree.province, commune_a


_RENDERED = """() => {
  const map = window.langsoChoropleth;
  const layers = ["choropleth-fill", "choropleth-approx-fill", "choropleth-point"];
  return map.queryRenderedFeatures({ layers }).map((f) => {
    const paint = f.layer.paint || {};
    const color = paint["fill-color"] || paint["circle-color"];
    return { id: f.id, layer: f.layer.id, level: f.properties.level,
      color: color && color.toString ? color.toString() : color };
  });
}"""
_CONFIG = "() => JSON.parse(document.getElementById('choropleth-config').textContent)"


def _rgba(hex_color: str) -> str:
    r, g, b = (int(hex_color[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},1)"


def _assert_classes(page: Page) -> list[dict[str, Any]]:
    """Every feature drawn is a mapped unit, coloured as its class."""
    config = page.evaluate(_CONFIG)
    rendered: list[dict[str, Any]] = page.evaluate(_RENDERED)
    assert rendered
    for feature in rendered:
        unit = config["units"][str(feature["id"])]
        assert feature["level"] == config["level"]
        assert feature["color"].replace(" ", "") == _rgba(unit["color"]), (feature, unit)
    return rendered


def test_the_map_colours_the_communes_and_drills_down_to_villages(
    desk_page: Page, live_server: LiveServer, definitions: None
) -> None:
    province, commune_a = _province()
    officer = make_user(username="canbo.tinh")
    make_role(user=officer, role=Role.PROVINCE_OFFICER, unit=province)
    sign_in(desk_page, live_server, officer)
    desk_page.goto(live_server.url + reverse("dashboards:map"))
    wait_for_map(desk_page, "langsoChoropleth", source="units")
    rendered = _assert_classes(desk_page)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    desk_page.screenshot(path=str(SCREENSHOTS / "dashboard_map.png"))
    layers = {f["layer"] for f in rendered}
    # A's imported boundary, and B drawn as its approximate area.
    assert {"choropleth-fill", "choropleth-approx-fill"} <= layers, layers
    assert commune_a.pk in {f["id"] for f in rendered}

    # A click inside commune A opens the map of its villages.
    x, y = desk_page.evaluate(
        "() => { const p = window.langsoChoropleth.project([105.95, 20.21]); return [p.x, p.y]; }"
    )
    box = desk_page.locator("#choropleth-map").bounding_box()
    assert box is not None
    with desk_page.expect_navigation():
        desk_page.mouse.click(box["x"] + x, box["y"] + y)
    wait_for_map(desk_page, "langsoChoropleth", source="units")
    assert desk_page.evaluate(_CONFIG)["level"] == "village"
    rendered = _assert_classes(desk_page)
    assert len({f["id"] for f in rendered}) == 2
    desk_page.screenshot(path=str(SCREENSHOTS / "dashboard_map_villages.png"))
    # The breadcrumb leads back up to the province.
    assert desk_page.get_by_role("link", name=province.name).is_visible()
