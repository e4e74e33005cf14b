"""Headless Chromium from Debian (/usr/bin/chromium), driven by Playwright; never a
downloaded browser."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Locator,
    Page,
    Playwright,
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


@pytest.fixture(autouse=True)
def csp_violations(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Every browser test fails on a Content-Security-Policy violation: Chromium reports
    each one as a console error, and every context a test opens listens for them. A test
    that provokes one on purpose empties the list."""
    seen: list[str] = []
    new_context = Browser.new_context

    def listen(message: ConsoleMessage) -> None:
        if message.type == "error" and "Content Security Policy" in message.text:
            seen.append(f"{message.location.get('url', '')}: {message.text}")

    def new_listening_context(browser: Browser, **options: Any) -> BrowserContext:
        context = new_context(browser, **options)
        context.on("console", listen)
        return context

    monkeypatch.setattr(Browser, "new_context", new_listening_context)
    yield seen
    if seen:
        pytest.fail("Content-Security-Policy violations:\n" + "\n".join(seen))


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
