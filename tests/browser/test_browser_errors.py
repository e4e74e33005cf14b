"""The browser tests hear what goes wrong in a page: a console error and an uncaught
exception reach the list that fails a test; a warning, information or a log does not."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page
from pytest_django.live_server_helper import LiveServer

from .conftest import BrowserErrors

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_errors_are_heard_and_other_messages_are_not(
    page: Page, live_server: LiveServer, browser_errors: BrowserErrors
) -> None:
    page.goto(live_server.url + "/")
    page.evaluate("console.warn('a warning'); console.info('information'); console.log('a log')")
    with page.expect_console_message(lambda message: message.type == "error"):
        page.evaluate("console.error('an error')")
    with page.expect_event("pageerror"):
        page.evaluate("setTimeout(() => { throw new Error('an uncaught exception'); })")

    assert browser_errors.failures() == [
        "console: : an error",
        "uncaught: an uncaught exception",
    ]
    browser_errors.errors.clear()  # provoked on purpose


def test_a_provoked_error_that_never_comes_is_a_failure(
    page: Page, live_server: LiveServer, browser_errors: BrowserErrors
) -> None:
    """A test names the errors it provokes; one that does not come fails the test, so an
    exception does not outlive its reason."""
    browser_errors.provoke("net::ERR_CONNECTION_RESET")
    page.goto(live_server.url + "/")

    assert browser_errors.failures() == ["provoked, never heard: net::ERR_CONNECTION_RESET"]
    browser_errors.provoked.clear()
