"""The registry map in a real browser: MapLibre draws our vector tiles (WebGL through
SwiftShader, Chromium's software renderer), and `queryRenderedFeatures` finds features
of several layers. A screenshot is left in var/screenshots/map.png for a person to look
at."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.contrib.gis.geos import MultiPolygon, Point, Polygon
from django.urls import reverse
from playwright.sync_api import Browser, Page, expect
from pytest_django.live_server_helper import LiveServer

from langso.accounts.roles import Role
from langso.accounts.tests.factories import make_role, make_user
from langso.criteria.services import criteria_catalogue_load
from langso.criteria.testing import recognition_make as criteria_recognition_make
from langso.indicators.testing import definitions
from langso.places.models import AdminUnit
from langso.places.testing import make_unit_tree
from langso.registry.models import (
    AquacultureFarm,
    Cooperative,
    FishingVessel,
    Household,
    Product,
    PublicWifiPoint,
    SecurityCamera,
    TourismSite,
)
from langso.registry.services.map_cells import household_map_cells_rebuild

from .basemap_urls import STYLE_PATH
from .conftest import BrowserErrors, sign_in, wait_for_map

__all__ = ["definitions"]

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOT = Path(settings.BASE_DIR) / "var" / "screenshots" / "map.png"
# Commune A: the square 105.90–106.00 E × 20.20–20.30 N.
A_BOUNDARY = MultiPolygon(
    Polygon(((105.90, 20.20), (106.00, 20.20), (106.00, 20.30), (105.90, 20.30), (105.90, 20.20))),
    srid=4326,
)


@pytest.fixture
def desk_page(gl_browser: Browser) -> Iterator[Page]:
    """A desktop-sized page: officers keep registries at a desk."""
    context = gl_browser.new_context(viewport={"width": 1200, "height": 900}, locale="vi-VN")
    page = context.new_page()
    yield page
    context.close()


def _placed(unit: AdminUnit) -> dict[str, Any]:
    village = unit if unit.level == "village" else None
    return {"province_id": unit.province_id, "commune_id": unit.commune_id, "village": village}


def _commune_with_registries() -> AdminUnit:
    """Commune A with 40 households in two villages and one row of every other registry;
    commune B next door with a centroid only."""
    tree = make_unit_tree(province_code="37", province_name="Tỉnh Ninh Bình")
    commune_a, commune_b = tree.communes
    commune_a.boundary = A_BOUNDARY
    commune_a.centroid = Point(105.95, 20.25, srid=4326)
    commune_a.save(update_fields=["boundary", "centroid"])
    commune_b.centroid = Point(106.05, 20.25, srid=4326)
    commune_b.save(update_fields=["centroid"])
    a1, a2 = tree.villages_of(commune_a)
    households = [
        Household.objects.create(
            **_placed(village),
            address_code=f"{village.code}-{i:03d}",
            head_name="Chủ hộ thử",
            members=4,
            adults=3,
            adults_smartphone=2,
            location=Point(lon + (i % 5) * 0.002, lat + (i // 5) * 0.002, srid=4326),
        )
        for i in range(20)
        for village, lon, lat in ((a1, 105.92, 20.22), (a2, 105.96, 20.26))
    ]
    maker = households[0]

    def at(lon: float, lat: float) -> Point:
        return Point(lon, lat, srid=4326)

    cooperative = Cooperative.objects.create(
        **_placed(commune_a), code="HTX-001", name="HTX Nông nghiệp", location=at(105.95, 20.24)
    )
    Product.objects.create(
        **_placed(a1),
        code="SP-001",
        name="Mắm tôm",
        category="food",
        cooperative=cooperative,
        location=at(105.93, 20.28),
    )
    FishingVessel.objects.create(
        **_placed(a2), registration_number="NB-90001-TS", owner=maker, location=at(105.98, 20.21)
    )
    AquacultureFarm.objects.create(
        **_placed(a2), code="AO-001", area_ha=Decimal("2.5"), location=at(105.99, 20.23)
    )
    TourismSite.objects.create(
        **_placed(a1), code="DL-001", name="Homestay", kind="homestay", location=at(105.91, 20.29)
    )
    PublicWifiPoint.objects.create(
        **_placed(a1), code="WF-001", place="Nhà văn hóa", location=at(105.94, 20.25)
    )
    SecurityCamera.objects.create(
        **_placed(a2), code="CM-001", place="Ngã ba", location=at(105.97, 20.29)
    )
    # Households were written past the services: count their map cells as synth does.
    household_map_cells_rebuild()
    return commune_a


_RENDERED = """() => window.langsoMap.queryRenderedFeatures().map((f) => ({
  source: f.source, layer: f.layer.id, properties: f.properties,
}))"""


def test_the_map_draws_every_registry_and_the_units(
    desk_page: Page, live_server: LiveServer
) -> None:
    """Signed in as commune A's officer, the map opens on the commune and draws the
    households (as clusters at this zoom), the other registries, and the units."""
    commune = _commune_with_registries()
    officer = make_user(username="canbo.xa.a")
    make_role(user=officer, role=Role.COMMUNE_OFFICER, unit=commune)
    sign_in(desk_page, live_server, officer)
    desk_page.goto(live_server.url + reverse("registry:map"))
    wait_for_map(desk_page, "langsoMap", source="households")
    rendered: list[dict[str, Any]] = desk_page.evaluate(_RENDERED)

    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    desk_page.screenshot(path=str(SCREENSHOT))

    sources = {feature["source"] for feature in rendered}
    assert {"households", "units", "cooperatives", "tourism", "vessels"} <= sources, sources
    assert len(sources) >= 8, sources
    # Households come clustered below zoom 15, and the counts add up to the 40 drawn.
    clusters = [f for f in rendered if f["layer"] == "households-clusters"]
    assert clusters
    assert sum(f["properties"]["count"] for f in clusters) == 40
    zoom = desk_page.evaluate("() => window.langsoMap.getZoom()")
    assert 11 <= zoom < 15
    # Cluster counts are shown on the clusters: one marker per drawn cluster of more
    # than one row, with its count.
    counts = desk_page.locator(".map-count")
    expect(counts.first).to_be_visible()
    shown = sorted(int(text.replace(".", "")) for text in counts.all_inner_texts())
    drawn = sorted(
        f["properties"]["count"] for f in rendered if f["properties"].get("count", 0) > 1
    )
    assert shown == drawn
    assert sum(shown) > 1

    # A click on the cooperative opens its popup: code, and a link to its page.
    x, y = desk_page.evaluate(
        "() => { const p = window.langsoMap.project([105.95, 20.24]); return [p.x, p.y]; }"
    )
    box = desk_page.locator("#map").bounding_box()
    assert box is not None
    desk_page.mouse.click(box["x"] + x, box["y"] + y)
    popup = desk_page.locator(".maplibregl-popup")
    expect(popup).to_contain_text("HTX-001")
    expect(popup.get_by_role("link", name="Xem chi tiết")).to_have_attribute(
        "href", reverse("registry:cooperative-detail", args=["HTX-001"])
    )

    # Households switched off are no longer drawn; the other layers stay.
    desk_page.get_by_role("checkbox", name="Hộ gia đình").uncheck()
    wait_for_map(desk_page, "langsoMap", source="cooperatives")
    sources = {feature["source"] for feature in desk_page.evaluate(_RENDERED)}
    assert "households" not in sources
    assert "cooperatives" in sources


def test_boundaries_names_and_controls_without_a_basemap(
    desk_page: Page, live_server: LiveServer
) -> None:
    """With no basemap configured, the map opened where a record page's "Xem trên bản
    đồ" points draws commune A's imported boundary solid, commune B (a centroid only)
    as its approximate cell, dashed, A's villages (centres only) as their approximate
    cells inside A, dashed, and writes the names of both communes and of the villages as
    labels; MapLibre's buttons speak Vietnamese."""
    assert settings.MAP_BASEMAP_STYLE_URL == ""
    commune = _commune_with_registries()
    villages = list(AdminUnit.objects.filter(commune=commune, level="village").order_by("code"))
    for village, lon, lat in zip(
        villages,
        (105.945, 105.965),
        (20.22, 20.27),
        strict=True,
    ):
        village.centroid = Point(lon, lat, srid=4326)
        village.save(update_fields=["centroid"])
    officer = make_user(username="canbo.tinh")
    make_role(user=officer, role=Role.PROVINCE_OFFICER, unit=commune.province)
    sign_in(desk_page, live_server, officer)
    desk_page.goto(live_server.url + reverse("registry:map") + "?lon=105.995&lat=20.25&z=12")
    wait_for_map(desk_page, "langsoMap", source="households")
    assert desk_page.evaluate("() => window.langsoMap.getZoom()") == pytest.approx(12)
    rendered: list[dict[str, Any]] = desk_page.evaluate(_RENDERED)

    solid = {f["properties"]["code"] for f in rendered if f["layer"] == "units-line"}
    dashed = {f["properties"]["code"] for f in rendered if f["layer"] == "units-approx-line"}
    assert solid == {commune.code}
    # B's approximate cell, and the cells of A's two villages (centres only) inside A.
    assert dashed == {"37002", *(v.code for v in villages)}
    village_levels = {
        f["properties"]["level"]
        for f in rendered
        if f["layer"] == "units-approx-line" and f["properties"]["code"] != "37002"
    }
    assert village_levels == {"village"}
    legend = desk_page.locator('fieldset:has(input[data-layer="units"]) .map-legend')
    expect(legend).to_contain_text("Ranh giới gần đúng: vùng quanh trung tâm xã, thôn")

    labels = desk_page.locator(".map-label")
    for name in (commune.name, "Xã Ninh Bình 2", "Thôn 1 Ninh Bình 1", "Thôn 2 Ninh Bình 1"):
        expect(labels.filter(has_text=name)).to_have_count(1)
    # Labels read as text, not as buttons.
    assert desk_page.get_by_role("button", name=commune.name).count() == 0

    expect(desk_page.get_by_role("button", name="Phóng to")).to_be_visible()
    expect(desk_page.get_by_role("button", name="Thu nhỏ")).to_be_visible()
    expect(desk_page.get_by_role("button", name="Toàn màn hình")).to_be_visible()
    expect(desk_page.locator("#map-notice")).to_be_hidden()
    desk_page.screenshot(path=str(SCREENSHOT.with_name("map-units.png")))


@pytest.mark.urls("tests.browser.basemap_urls")
def test_a_configured_basemap_is_drawn_under_our_layers(
    desk_page: Page, live_server: LiveServer, settings: Any
) -> None:
    """MAP_BASEMAP_STYLE_URL pointing at a style the live server serves: the map draws
    that style (its background, its land polygon, its attribution) and our units and
    registries on top of it."""
    settings.MAP_BASEMAP_STYLE_URL = live_server.url + STYLE_PATH
    commune = _commune_with_registries()
    officer = make_user(username="canbo.xa.a")
    make_role(user=officer, role=Role.COMMUNE_OFFICER, unit=commune)
    sign_in(desk_page, live_server, officer)
    desk_page.goto(live_server.url + reverse("registry:map"))
    wait_for_map(desk_page, "langsoMap", source="households")

    layer_ids: list[str] = desk_page.evaluate(
        "() => window.langsoMap.getStyle().layers.map((l) => l.id)"
    )
    assert layer_ids[:2] == ["nen-thu-nuoc", "nen-thu-dat"]
    assert layer_ids.index("units-line") > layer_ids.index("nen-thu-dat")
    sources = {feature["source"] for feature in desk_page.evaluate(_RENDERED)}
    assert {"nen-thu", "units", "households"} <= sources, sources
    expect(desk_page.locator(".maplibregl-ctrl-attrib")).to_contain_text("Nền thử của Làng Số")
    expect(desk_page.locator("#map-notice")).to_be_hidden()
    desk_page.screenshot(path=str(SCREENSHOT.with_name("map-basemap.png")))


@pytest.mark.urls("tests.browser.basemap_urls")
def test_a_basemap_that_fails_leaves_the_map_working_with_a_notice(
    desk_page: Page,
    live_server: LiveServer,
    settings: Any,
    browser_errors: BrowserErrors,
) -> None:
    """A style URL that answers 404: the notice says the basemap did not load, and the
    units and registries are drawn on the blank style all the same."""
    browser_errors.provoke(r"404")
    settings.MAP_BASEMAP_STYLE_URL = live_server.url + "/nen-thu/khong-co.json"
    commune = _commune_with_registries()
    officer = make_user(username="canbo.xa.a")
    make_role(user=officer, role=Role.COMMUNE_OFFICER, unit=commune)
    sign_in(desk_page, live_server, officer)
    desk_page.goto(live_server.url + reverse("registry:map"))
    expect(desk_page.locator("#map-notice")).to_be_visible()
    expect(desk_page.locator("#map-notice")).to_contain_text("Không tải được bản đồ nền")
    wait_for_map(desk_page, "langsoMap", source="households")
    sources = {feature["source"] for feature in desk_page.evaluate(_RENDERED)}
    assert {"units", "households"} <= sources, sources
    expect(desk_page.locator(".map-label").filter(has_text=commune.name)).to_be_visible()


def test_the_recognitions_overlay_has_its_toggle_legend_and_popup(
    desk_page: Page, live_server: LiveServer, definitions: None
) -> None:
    """Commune A, recognised: the map offers the "Công nhận đạt chuẩn" overlay with its
    legend, loads its GeoJSON for the area in view (no console error), colours the
    commune recognised, and a click on it tells the set, the year and the decision;
    switched off, it is no longer drawn."""
    criteria_catalogue_load()
    commune = _commune_with_registries()
    criteria_recognition_make(unit=commune, year=2026, number="15/QĐ-UBND")
    officer = make_user(username="canbo.xa.a")
    make_role(user=officer, role=Role.COMMUNE_OFFICER, unit=commune)
    sign_in(desk_page, live_server, officer)
    with desk_page.expect_response(lambda r: reverse("recognition:map") in r.url) as answer:
        desk_page.goto(live_server.url + reverse("registry:map"))
    assert answer.value.status == 200
    toggle = desk_page.get_by_role("checkbox", name="Công nhận đạt chuẩn")
    expect(toggle).to_be_checked()
    legend = desk_page.locator(".map-overlay .map-legend")
    expect(legend).to_contain_text("Đã công nhận, còn hiệu lực")
    expect(legend).to_contain_text("Đã thu hồi")
    # A commune's officer is not shown the at-risk flag, nor its legend.
    expect(legend).not_to_contain_text("Có nguy cơ")
    wait_for_map(desk_page, "langsoMap", source="recognitions")
    desk_page.wait_for_function(
        "() => window.langsoMap.queryRenderedFeatures({layers: ['recognitions-fill']}).length > 0",
        timeout=30_000,
    )
    drawn = [f for f in desk_page.evaluate(_RENDERED) if f["source"] == "recognitions"]
    assert {f["properties"]["state"] for f in drawn} == {"recognised"}

    # A click inside the commune, away from the registries' points.
    x, y = desk_page.evaluate(
        "() => { const p = window.langsoMap.project([105.905, 20.205]); return [p.x, p.y]; }"
    )
    box = desk_page.locator("#map").bounding_box()
    assert box is not None
    desk_page.mouse.click(box["x"] + x, box["y"] + y)
    popup = desk_page.locator(".maplibregl-popup")
    expect(popup).to_contain_text(commune.name)
    expect(popup).to_contain_text("Bộ tiêu chí quốc gia")
    expect(popup).to_contain_text("15/QĐ-UBND, ngày 20/12/2026")
    desk_page.screenshot(path=str(SCREENSHOT.with_name("map-recognitions.png")))

    toggle.uncheck()
    wait_for_map(desk_page, "langsoMap", source="recognitions")
    sources = {feature["source"] for feature in desk_page.evaluate(_RENDERED)}
    assert "recognitions" not in sources
