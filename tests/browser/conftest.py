"""Headless Chromium from Debian (/usr/bin/chromium), driven by Playwright; never a
downloaded browser."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Locator,
    Page,
    Playwright,
    Response,
    WebError,
    sync_playwright,
)
from pytest_django.live_server_helper import LiveServer

from langso.accounts.models import User

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
# The closed network refuses Chromium's background connections; keep them off.
FLAGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# WebGL for MapLibre: Chromium's software GL (SwiftShader) instead of a GPU.
GL_FLAGS = [flag for flag in FLAGS if flag != "--disable-gpu"] + [
    "--use-angle=swiftshader",
    "--enable-unsafe-swiftshader",
]


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    """One Playwright for the session: its sync API allows one at a time per thread."""
    # Playwright's sync API refuses to run inside a running event loop; Django's live
    # server runs in a thread, so this is only a guard for async-unsafe ORM calls.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as started:
        yield started


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
    yield chromium
    chromium.close()


@pytest.fixture(scope="session")
def gl_browser(playwright: Playwright) -> Iterator[Browser]:
    """Chromium with WebGL, for the maps."""
    chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=GL_FLAGS)
    yield chromium
    chromium.close()


@dataclass
class BrowserErrors:
    """What the pages of one test reported as errors: Content-Security-Policy violations
    apart (a test provokes one on purpose and empties the list), and every other console
    error or uncaught exception. Warnings, information and logs are not errors."""

    csp_violations: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    provoked: list[re.Pattern[str]] = field(default_factory=list)

    def provoke(self, pattern: str) -> None:
        """Errors matching `pattern` (a regular expression searched in "console: <url>:
        <text>") are what the test does on purpose: cutting the network makes Chromium
        report each failed request as an error. The test fails if none comes, so that
        the exception does not outlive its reason."""
        self.provoked.append(re.compile(pattern))

    def console(self, message: ConsoleMessage) -> None:
        if message.type != "error":
            return
        where = f"{message.location.get('url', '')}: {message.text}"
        if "Content Security Policy" in message.text:
            self.csp_violations.append(where)
        else:
            self.errors.append("console: " + where)

    def uncaught(self, error: WebError) -> None:
        self.errors.append(f"uncaught: {error.error}")

    def failures(self) -> list[str]:
        """Why the test fails: violations, errors not provoked, provoked ones not heard."""
        failures = [f"Content-Security-Policy violation: {text}" for text in self.csp_violations]
        failures += [
            error
            for error in self.errors
            if not any(pattern.search(error) for pattern in self.provoked)
        ]
        failures += [
            f"provoked, never heard: {pattern.pattern}"
            for pattern in self.provoked
            if not any(pattern.search(error) for error in self.errors)
        ]
        return failures


@pytest.fixture(autouse=True)
def browser_errors(monkeypatch: pytest.MonkeyPatch) -> Iterator[BrowserErrors]:
    """Every browser test fails on a console error, an uncaught exception or a
    Content-Security-Policy violation (Chromium reports each one as a console error) in
    any page of any context it opens."""
    heard = BrowserErrors()
    new_context = Browser.new_context

    def new_listening_context(browser: Browser, **options: Any) -> BrowserContext:
        context = new_context(browser, **options)
        context.on("console", heard.console)
        context.on("weberror", heard.uncaught)
        return context

    monkeypatch.setattr(Browser, "new_context", new_listening_context)
    yield heard
    if failures := heard.failures():
        pytest.fail("Errors in the browser:\n" + "\n".join(failures))


@pytest.fixture
def csp_violations(browser_errors: BrowserErrors) -> list[str]:
    """The Content-Security-Policy violations heard so far (see `browser_errors`)."""
    return browser_errors.csp_violations


def sign_in(page: Page, live_server: LiveServer, user: User) -> None:
    """Give the page the session cookie of `user`, signed in without the login form
    (which a test of its own covers)."""
    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A phone-sized page, as residents and team members see the site."""
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="vi-VN")
    page = context.new_page()
    yield page
    context.close()


def question(page: Page, label: str) -> Locator:
    """The ODK Web Forms question whose label holds `label`: its label, hint, control
    and validation message. (Web Forms labels an integer control's wrapper, not its
    input: find inputs inside the question.)"""
    return (
        page.locator(".question-container")
        .filter(has=page.locator(".control-text", has_text=label))
        .last
    )


def question_input(page: Page, label: str) -> Locator:
    """The text or number input of the ODK Web Forms question labelled `label`."""
    return question(page, label).locator("input").first


def submission_sent(response: Response) -> bool:
    """The OpenRosa server's answer to a page's submission (for `page.expect_response`)."""
    return response.request.method == "POST" and response.url.endswith(
        reverse("openrosa:submission")
    )


_MAP_LOADED = """([name, source]) => {
  const map = window[name];
  return map !== undefined && map.getSource(source) !== undefined && map.loaded();
}"""


def wait_for_map(page: Page, name: str, *, source: str) -> None:
    """Wait until the MapLibre map the page keeps in `window[name]` has `source` (ours are
    added once its style has loaded) and has loaded every tile in view."""
    page.wait_for_function(_MAP_LOADED, arg=[name, source], timeout=30_000)
