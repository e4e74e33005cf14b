"""The quarterly report on a phone (360 px): from the province officer's home, "Báo cáo
quý" then "Tạo báo cáo quý" — two taps — queue the report; the page shows the job's
bar at its end and lists the report with its PDF and XLSX, without scrolling sideways.
A screenshot is left in var/screenshots/report-phone.png."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from langso.accounts.roles import Role
from langso.accounts.tests.factories import make_role_holder
from langso.criteria.services import criteria_catalogue_load
from langso.indicators.testing import definitions
from langso.places.testing import make_unit_tree
from langso.plans.services.plans import seed_plans_load

from .conftest import sign_in

__all__ = ["definitions"]

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"


def test_two_taps_from_the_home_make_the_report(
    page: Page, live_server: LiveServer, definitions: None
) -> None:
    tree = make_unit_tree(province_code="37", province_name="Tỉnh Ninh Bình")
    criteria_catalogue_load()
    seed_plans_load(province=tree.province)
    officer = make_role_holder(Role.PROVINCE_OFFICER, tree.province, "tinh.ninhbinh")
    sign_in(page, live_server, officer)
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Báo cáo quý").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Báo cáo quý")
    page.get_by_role("button", name="Tạo báo cáo quý").click()
    # The test settings run tasks at once: the job has ended when the page comes back.
    expect(page.locator("#job")).to_contain_text("Hoàn tất")
    expect(page.locator("#job progress")).to_have_attribute("value", "100")
    page.get_by_role("link", name="Tải lại danh sách báo cáo").click()
    rows = page.locator("table.reports tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first.get_by_role("link", name="PDF")).to_be_visible()
    expect(rows.first.get_by_role("link", name="XLSX")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "report-phone.png"), full_page=True)
