"""Recognition dossiers on a phone (issue 16): each role of the procedure reaches the
dossier waiting for it from its home in one click — the step's action is on that page,
so the daily task is within two —, at 360 px, with no sideways scrolling of the page
body (the timeline, the who-must-act and the board's table). Demo users for these roles
come later; the test builds its own. Screenshots in var/screenshots/dossier-*.png."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from playwright.sync_api import Page
from pytest_django.live_server_helper import LiveServer

from langso.recognition.models import Step
from langso.recognition.tests.dossier_pages import make_dossier, make_snapshot, make_world

from .conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"
SIDEWAYS = "() => document.documentElement.scrollWidth <= document.documentElement.clientWidth"


def test_each_role_opens_its_dossier_from_home_on_a_phone(
    live_server: LiveServer, page: Page
) -> None:
    world = make_world()
    submission = make_dossier(world, unit=world.a, step=Step.SUBMISSION)
    make_snapshot(submission, taken_by=world.officer_a)
    appraisal = make_dossier(world, unit=world.b, step=Step.APPRAISAL, due_on=dt.date(2026, 2, 12))
    make_snapshot(appraisal, taken_by=world.officer_b)
    decision = make_dossier(world, unit=world.a, step=Step.DECISION, year=2027)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for name, user, dossier in (
        ("commune-leader", world.leader_a, submission),
        ("appraiser", world.appraiser, appraisal),
        ("province-leader", world.leader_province, decision),
    ):
        page.context.clear_cookies()
        sign_in(page, live_server, user)
        page.goto(live_server.url + reverse("home:home"))
        assert page.evaluate(SIDEWAYS), f"{name}: the home scrolls sideways"
        target = reverse("recognition:dossier", args=[dossier.pk])
        page.locator(f'main a[href="{target}"]').first.click()
        page.wait_for_url(live_server.url + target)
        assert page.locator("h1").inner_text() == dossier.unit.name + ", Tỉnh Ninh Bình"
        assert page.locator("#dossier-actions").count() == 1
        assert page.evaluate(SIDEWAYS), f"{name}: the dossier page scrolls sideways"
        page.screenshot(path=str(SCREENSHOTS / f"dossier-{name}.png"), full_page=True)
    page.goto(live_server.url + reverse("recognition:board"))
    assert page.evaluate(SIDEWAYS), "the board scrolls sideways"
    page.screenshot(path=str(SCREENSHOTS / "dossier-board.png"), full_page=True)
