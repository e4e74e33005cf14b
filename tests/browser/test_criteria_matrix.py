"""The province's criteria matrix in a real browser: the province officer sees a row per
xã with coloured cells (the phường left out, and said so), then keeps only the communes
one criterion short. A screenshot is left in var/screenshots/criteria-matrix.png."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from playwright.sync_api import Browser, Page, expect
from pytest_django.live_server_helper import LiveServer

from langso.accounts.roles import Role
from langso.accounts.tests.factories import make_role, make_user
from langso.criteria.management.commands.load_demo_criteria import DEMO
from langso.criteria.services import criteria_catalogue_load
from langso.criteria.testing import criteria_assess_met
from langso.indicators.services.definitions import indicator_definitions_load
from langso.places.models import Kind
from langso.places.testing import make_commune, make_unit_tree
from langso.registry.services.households import household_create

from .conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOT = Path(settings.BASE_DIR) / "var" / "screenshots" / "criteria-matrix.png"
YEAR = 2026
GREEN = "rgb(223, 243, 228)"


@pytest.fixture
def wide_page(browser: Browser) -> Iterator[Page]:
    """A laptop-sized page, as a province officer reads a table of communes."""
    context = browser.new_context(viewport={"width": 1200, "height": 900}, locale="vi-VN")
    page = context.new_page()
    yield page
    context.close()


def test_the_officer_filters_the_communes_one_criterion_short(
    wide_page: Page, live_server: LiveServer
) -> None:
    tree = make_unit_tree(province_code="37", province_name="Tỉnh Ninh Bình", communes=3)
    indicator_definitions_load()
    criteria_catalogue_load()
    criteria_catalogue_load(path=DEMO, province=tree.province)
    make_commune(province=tree.province, code="37901", name="Phường Hoa Lư", kind=Kind.PHUONG)
    officer = make_user(username="canbo.tinh")
    make_role(user=officer, role=Role.PROVINCE_OFFICER, unit=tree.province)
    household_create(
        actor=officer,
        village=tree.villages_of(tree.communes[0])[0],
        values={"members": 3, "adults": 3, "adults_epayment": 2},
    )
    # Commune 1 meets 9 of the 10 national criteria, commune 2 all 10, commune 3 none.
    for commune, met in zip(tree.communes, (9, 10, 0), strict=True):
        criteria_assess_met(actor=officer, unit=commune, met=met, year=YEAR)
    sign_in(wide_page, live_server, officer)

    url = reverse("criteria:matrix", args=[tree.province.code])
    # By default the page shows the set that can be evaluated; the officer asks for the
    # national one, whose criteria are assessed by hand.
    wide_page.goto(f"{live_server.url}{url}?year={YEAR}")
    expect(wide_page.locator("#set")).to_have_value("xa_ntm_thong_minh")
    wide_page.get_by_role("link", name="Xem bộ đang có hiệu lực").click()
    expect(wide_page.locator("#set")).to_have_value("xa_ntm_2026_2030")
    expect(wide_page.get_by_role("heading", level=1)).to_contain_text("Tỉnh Ninh Bình")
    expect(wide_page.locator(".left-out")).to_have_text(
        "1 phường không thuộc diện xét nông thôn mới, không được tính."
    )
    rows = wide_page.locator("table.matrix tbody tr.commune")
    expect(rows).to_have_count(3)
    expect(wide_page.locator("table.matrix td.cell .st")).to_have_count(30)
    passed = wide_page.locator("table.matrix td.cell .st-pass").first
    expect(passed).to_have_css("background-color", GREEN)
    expect(wide_page.locator(".tiers")).to_contain_text("1/3")

    wide_page.get_by_role("link", name="Thiếu đúng 1 tiêu chí (1 xã)").click()
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(tree.communes[0].name)
    expect(rows.first.locator("td.missing")).to_have_text(
        "10. Tiếp cận pháp luật và an ninh, quốc phòng"
    )
    assert "filter=missing-one" in wide_page.url
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    wide_page.screenshot(path=str(SCREENSHOT), full_page=True)

    wide_page.get_by_role("link", name="Xem tất cả các xã").click()
    expect(rows).to_have_count(3)
    rows.first.get_by_role("link").click()
    expect(wide_page.get_by_role("heading", level=1)).to_contain_text(tree.communes[0].name)
    expect(wide_page.locator(".summary")).to_contain_text("9/10 tiêu chí")
