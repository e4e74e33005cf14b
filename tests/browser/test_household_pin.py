"""The household pin in a real browser: the edit page draws the commune outline and the
pin without any tile server; a click moves the pin and fills latitude and longitude, and
saving stores the new point. A screenshot is left in var/screenshots/household-pin.png."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.gis.geos import MultiPolygon, Point, Polygon
from django.urls import reverse
from playwright.sync_api import Browser, Page, expect
from pytest_django.live_server_helper import LiveServer

from langso.accounts.roles import Role
from langso.accounts.tests.factories import make_role, make_user
from langso.places.testing import make_unit_tree
from langso.registry.models import Household
from langso.registry.services.households import household_create

from .conftest import sign_in, wait_for_map

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOT = Path(settings.BASE_DIR) / "var" / "screenshots" / "household-pin.png"


@pytest.fixture
def gl_page(gl_browser: Browser) -> Iterator[Page]:
    context = gl_browser.new_context(viewport={"width": 1000, "height": 1400}, locale="vi-VN")
    page = context.new_page()
    yield page
    context.close()


def test_click_moves_the_pin_and_saving_stores_the_point(
    gl_page: Page, live_server: LiveServer
) -> None:
    tree = make_unit_tree(province_code="37", province_name="Tỉnh Ninh Bình")
    commune = tree.communes[0]
    commune.boundary = MultiPolygon(
        Polygon(
            ((105.90, 20.20), (106.00, 20.20), (106.00, 20.30), (105.90, 20.30), (105.90, 20.20))
        ),
        srid=4326,
    )
    commune.save(update_fields=["boundary"])
    officer = make_user(username="canbo.xa.a")
    make_role(user=officer, role=Role.COMMUNE_OFFICER, unit=commune)
    household = household_create(
        actor=officer,
        village=tree.villages_of(commune)[0],
        values={"members": 3, "location": Point(105.95, 20.25, srid=4326)},
    )
    sign_in(gl_page, live_server, officer)
    gl_page.goto(
        live_server.url + reverse("registry:household-edit", args=[household.address_code])
    )
    wait_for_map(gl_page, "langsoPinMap", source="commune")
    expect(gl_page.locator("#pin-map .maplibregl-marker")).to_have_count(1)
    rendered = gl_page.evaluate(
        "() => window.langsoPinMap.queryRenderedFeatures().map((f) => f.layer.id)"
    )
    assert "commune-line" in rendered

    box = gl_page.locator("#pin-map").bounding_box()
    assert box is not None
    x, y = box["width"] * 0.7, box["height"] * 0.3
    expected = gl_page.evaluate(
        f"() => {{ const p = window.langsoPinMap.unproject([{x}, {y}]); return [p.lng, p.lat]; }}"
    )
    gl_page.locator("#pin-map canvas").click(position={"x": x, "y": y})
    lat = float(gl_page.locator("#id_lat").input_value())
    lon = float(gl_page.locator("#id_lon").input_value())
    # Where the click landed, to a pixel or two (a few metres at this zoom).
    assert lon == pytest.approx(expected[0], abs=2e-4)
    assert lat == pytest.approx(expected[1], abs=2e-4)
    assert (lon, lat) != pytest.approx((105.95, 20.25), abs=2e-4)

    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    gl_page.screenshot(path=str(SCREENSHOT), full_page=True)

    gl_page.get_by_role("button", name="Lưu").click()
    expect(gl_page.get_by_role("heading", level=1)).to_contain_text(household.address_code)
    stored = Household.objects.get(pk=household.pk).location
    assert stored is not None
    assert (round(stored.x, 5), round(stored.y, 5)) == (round(lon, 5), round(lat, 5))
    wait_for_map(gl_page, "langsoPinMap", source="commune")
    gl_page.screenshot(path=str(SCREENSHOT.with_name("household-detail.png")), full_page=True)
