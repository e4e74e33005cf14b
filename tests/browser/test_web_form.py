"""Filling a form in a real browser with ODK Web Forms: a collector types the answers and
sends them, and the submission is stored; without a network the page keeps the
submission, says it waits, reopens from the service worker's cache, and sends what
waited once the network is back. A screenshot is left in var/screenshots/web-form.png."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from playwright.sync_api import Browser, BrowserContext, Page, expect
from pytest_django.live_server_helper import LiveServer

from langso.accounts.models import User
from langso.accounts.roles import Role
from langso.accounts.tests.factories import make_role, make_user
from langso.places.testing import make_unit_tree
from langso.surveys.models import FormVersion, Submission
from langso.surveys.services.forms import form_attachment_upload, form_publish
from langso.surveys.tests.forms_testing import markdown_form

from .conftest import BrowserErrors, question_input, sign_in, submission_sent

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOT = Path(settings.BASE_DIR) / "var" / "screenshots" / "web-form.png"
# The smallest PNG: one transparent pixel (the test form shows an image).
PIXEL = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c63000100000500010d0a2db40000000049454e44ae426082"
)


@dataclass
class Field:
    collector: User
    version: FormVersion


@pytest.fixture
def field() -> Field:
    tree = make_unit_tree(province_code="37", province_name="Tỉnh Ninh Bình")
    commune = tree.communes[0]
    officer = make_user(username="canbo.xa.a")
    make_role(user=officer, role=Role.COMMUNE_OFFICER, unit=commune)
    collector = make_user(username="tocongnghe.a")
    make_role(user=collector, role=Role.DIGITAL_TEAM_MEMBER, unit=commune)
    version = form_publish(actor=officer, name="f.md", data=markdown_form(), unit=commune)
    form_attachment_upload(
        actor=officer, attachment=version.attachments.get(), name="nha.png", data=PIXEL
    )
    return Field(collector=collector, version=version)


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    """A phone-sized browser that runs service workers."""
    context = browser.new_context(
        viewport={"width": 360, "height": 740}, locale="vi-VN", service_workers="allow"
    )
    yield context
    context.close()


@pytest.fixture
def context_without_workers(browser: Browser) -> Iterator[BrowserContext]:
    """A browser that runs no service worker: Playwright's routes do not see the requests
    of a page under one."""
    context = browser.new_context(locale="vi-VN", service_workers="block")
    yield context
    context.close()


def _open(context: BrowserContext, live_server: LiveServer, field: Field) -> tuple[Page, str]:
    """The fill page, signed in as the collector."""
    page = context.new_page()
    sign_in(page, live_server, field.collector)
    url = live_server.url + reverse("surveys:web-form-fill", args=[field.version.form_id])
    page.goto(url)
    return page, url


def _type_answers(page: Page, name: str, members: str) -> None:
    name_input = question_input(page, "Tên chủ hộ")
    name_input.fill(name)
    members_input = question_input(page, "Số nhân khẩu")
    # PrimeVue's number input takes keystrokes, and its value when it loses focus.
    members_input.click()
    members_input.press_sequentially(members)
    members_input.press("Tab")


def _answer(page: Page, name: str, members: str) -> None:
    """Type the answers and press Send, when no answer will come (the network is cut)."""
    _type_answers(page, name, members)
    page.get_by_role("button", name="Send").click()


def _answer_and_send(page: Page, name: str, members: str) -> None:
    """Type the answers and press Send; return once the server has stored them."""
    _type_answers(page, name, members)
    with page.expect_response(submission_sent) as sent:
        page.get_by_role("button", name="Send").click()
    assert sent.value.status == 201


def _settle(page: Page) -> None:
    """Let the page's requests end before the test's database is emptied under them:
    the form is drawn again, and its image (PIXEL, fetched from the server) has loaded."""
    expect(question_input(page, "Tên chủ hộ")).to_be_visible()
    expect(page.get_by_role("img", name="Tên chủ hộ")).to_have_js_property("naturalWidth", 1)


def test_a_collector_fills_the_form_and_sends_it(
    context: BrowserContext, live_server: LiveServer, field: Field
) -> None:
    page, _url = _open(context, live_server, field)
    expect(question_input(page, "Tên chủ hộ")).to_be_visible()
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOT), full_page=True)

    _answer_and_send(page, "Lò Văn Ánh", "3")

    expect(page.locator("#web-form-status")).to_contain_text("Đã gửi bài khảo sát.")
    submission = Submission.objects.get()
    assert submission.collector == field.collector
    assert "<ten>Lò Văn Ánh</ten>" in submission.xml
    assert "<so_nguoi>3</so_nguoi>" in submission.xml
    # The form starts afresh for the next household.
    expect(question_input(page, "Tên chủ hộ")).to_have_value("")
    expect(page.locator("#web-form-outbox")).to_be_hidden()
    # The page keeps itself for offline use in the background: let it finish.
    expect(page.locator("#web-form-offline-ready")).to_be_visible(timeout=20000)
    _settle(page)


def test_without_a_network_the_submission_waits_and_is_sent_later(
    context: BrowserContext, live_server: LiveServer, field: Field, browser_errors: BrowserErrors
) -> None:
    page, url = _open(context, live_server, field)
    # The page says when it has kept itself for offline use.
    expect(page.locator("#web-form-offline-ready")).to_be_visible(timeout=20000)

    context.set_offline(True)
    expect(page.locator("#web-form-connection")).to_be_visible()
    # Offline for the service worker too: what it did not keep does not load.
    form_list = reverse("surveys:form-list")
    browser_errors.provoke(f"{re.escape(form_list)}: Failed to load resource: net::ERR_FAILED")
    assert page.evaluate(f"fetch('{form_list}').then(() => 'loaded', () => 'failed')") == "failed"
    _answer(page, "Hà Thị Bình", "5")
    expect(page.locator("#web-form-status")).to_contain_text("sẽ tự gửi khi có mạng")
    expect(page.locator("#web-form-outbox")).to_have_text("Đang chờ gửi: 1 bài")
    assert not Submission.objects.exists()

    # The page reopens without a network, from the service worker's cache.
    reopened = page.reload()
    assert reopened is not None
    assert reopened.from_service_worker
    expect(question_input(page, "Tên chủ hộ")).to_be_visible()
    expect(page.locator("#web-form-outbox")).to_have_text("Đang chờ gửi: 1 bài")
    _answer(page, "Vi Văn Cường", "2")
    expect(page.locator("#web-form-outbox")).to_have_text("Đang chờ gửi: 2 bài")
    assert not Submission.objects.exists()

    context.set_offline(False)
    # Said once both were answered.
    expect(page.locator("#web-form-status")).to_contain_text(
        "Đã gửi 2 bài đang chờ.", timeout=20000
    )
    first, second = Submission.objects.order_by("pk")
    assert "<ten>Hà Thị Bình</ten>" in first.xml
    assert "<so_nguoi>5</so_nguoi>" in first.xml
    assert "<ten>Vi Văn Cường</ten>" in second.xml
    assert {first.collector, second.collector} == {field.collector}
    expect(page.locator("#web-form-outbox")).to_be_hidden()
    assert page.url == url
    _settle(page)


def test_a_send_that_fails_on_the_way_waits_for_the_next_page_load(
    context_without_workers: BrowserContext,
    live_server: LiveServer,
    field: Field,
    browser_errors: BrowserErrors,
) -> None:
    """Online, but the POST never arrives (a dropped connection): the submission waits,
    and the next time a fill page opens it is sent."""
    page, _url = _open(context_without_workers, live_server, field)
    expect(question_input(page, "Tên chủ hộ")).to_be_visible()
    page.route("**/openrosa/submission", lambda route: route.abort("connectionreset"))
    browser_errors.provoke(
        "/openrosa/submission: Failed to load resource: net::ERR_CONNECTION_RESET"
    )
    _answer(page, "Mùa A Dơ", "7")
    expect(page.locator("#web-form-outbox")).to_have_text("Đang chờ gửi: 1 bài")
    assert not Submission.objects.exists()

    page.unroute("**/openrosa/submission")
    with page.expect_response(submission_sent) as sent:
        page.reload()
    assert sent.value.status == 201
    submission = Submission.objects.get()
    assert "<ten>Mùa A Dơ</ten>" in submission.xml
    expect(page.locator("#web-form-outbox")).to_be_hidden()
    _settle(page)
