"""Browsing the administrative tree in a real browser, on a phone-sized screen."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from langso.places.testing import make_commune, make_province, make_unit_tree

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_search_without_diacritics_then_open_a_commune(page: Page, live_server: LiveServer) -> None:
    """Typing "dan phuong" lists Xã Đan Phượng as you type; its page shows its villages."""
    tree = make_unit_tree(province_code="01", province_name="Thành phố Hà Nội")
    make_commune(province=tree.province, code="09619", name="Xã Đan Phượng")

    page.goto(live_server.url + "/")
    expect(page.get_by_role("link", name="Thành phố Hà Nội")).to_be_visible()
    page.get_by_role("searchbox").fill("dan phuong")
    result = page.get_by_role("link", name="Xã Đan Phượng")
    expect(result).to_be_visible()
    assert "q=dan%20phuong" in page.url  # the search is in the address, so it can be shared
    result.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Xã Đan Phượng")
    expect(page.get_by_role("link", name="Thành phố Hà Nội")).to_be_visible()


def test_the_page_fits_a_phone_and_switches_to_english(page: Page, live_server: LiveServer) -> None:
    """No sideways scrolling at 360 px; the language switch turns labels into English."""
    make_province(code="37", name="Tỉnh Ninh Bình")
    page.goto(live_server.url + "/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Đơn vị hành chính")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    # On a phone the language switch is in the header's menu (issue 15).
    page.get_by_text("Menu", exact=True).click()
    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Administrative units")
    page.get_by_text("Menu", exact=True).click()
    page.get_by_role("button", name="Tiếng Việt").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Đơn vị hành chính")
