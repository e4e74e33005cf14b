"""Issue 18: a commune officer composes an announcement on a 360 px phone from the
home page, previews who gets it and at what SMS cost, and sends it. A screenshot of the
preview is left in var/screenshots/announcement-preview.png."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from langso.announcements.models import Announcement, AnnouncementStatus, Recipient
from langso.announcements.testing import household_reachable
from langso.messaging.models import Message
from langso.registry.testing import RegistryTree, RegistryUsers, tree, users

from .conftest import sign_in

__all__ = ["tree", "users"]

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOT = Path(settings.BASE_DIR) / "var" / "screenshots" / "announcement-preview.png"
NO_SIDEWAYS_SCROLL = (
    "() => document.documentElement.scrollWidth <= document.documentElement.clientWidth"
)


def test_compose_preview_and_send_from_the_officers_home_on_a_phone(
    page: Page, live_server: LiveServer, tree: RegistryTree, users: RegistryUsers
) -> None:
    for _ in range(3):
        household_reachable(village=tree.a1)
    household_reachable(village=tree.a1, consent=False)
    sign_in(page, live_server, users.officer_a)

    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Thông báo", exact=True).first.click()
    page.get_by_role("link", name="Soạn thông báo").click()
    page.get_by_label("Tiêu đề").fill("Tiêm phòng sởi")
    page.get_by_label("Nội dung").fill("Mời các gia đình đưa trẻ đến trạm y tế sáng thứ Bảy.")
    page.get_by_label("Loại thông báo").select_option(label="Tiêm chủng")
    page.get_by_label("Zalo").uncheck()
    page.get_by_label("Tin nhắn SMS").check()
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    page.get_by_role("button", name="Lưu nháp và xem trước").click()

    expect(page.locator("#preview-households")).to_have_text("4")
    expect(page.get_by_role("rowheader", name="Có dấu")).to_be_visible()
    expect(page.get_by_role("rowheader", name="Không dấu")).to_be_visible()
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOT), full_page=True)

    # Unconfirmed, the browser keeps the form (the box is required) and nothing goes.
    preview_url = page.url
    page.get_by_role("button", name="Gửi thông báo").click()
    assert page.url == preview_url
    assert not Recipient.objects.exists()
    page.get_by_label("Tôi đã xem số hộ nhận và chi phí").check()
    page.get_by_role("button", name="Gửi thông báo").click()

    expect(page.get_by_text("Đã gửi thông báo đến 4 hộ.")).to_be_visible()
    expect(page.locator("#status")).to_have_text("Đã gửi")
    announcement = Announcement.objects.get()
    assert announcement.status == AnnouncementStatus.SENT
    assert Recipient.objects.count() == 4
    assert Message.objects.count() == 3
