"""The browser tests hear a Content-Security-Policy violation: an inline script put in a
page of ours is refused, and the refusal reaches the list that fails a test."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page
from pytest_django.live_server_helper import LiveServer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_inline_script_is_refused_and_the_violation_heard(
    page: Page, live_server: LiveServer, csp_violations: list[str]
) -> None:
    page.goto(live_server.url + "/")
    # Chromium reports the refusal on the console, as the listener of every test hears it.
    with page.expect_console_message(lambda message: "Content Security Policy" in message.text):
        page.evaluate(
            """() => {
                const script = document.createElement("script");
                script.textContent = "window.ranInline = true";
                document.head.append(script);
            }"""
        )

    assert page.evaluate("window.ranInline") is None
    assert any("script-src" in violation for violation in csp_violations), csp_violations
    csp_violations.clear()  # provoked on purpose
