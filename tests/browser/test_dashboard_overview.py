"""The province overview in a real browser, on a 360 px phone and on a desktop: every
chart is an SVG with its marks (bars, a line and the target's dashed rule), the tables
under them name the same communes as the bars, nothing scrolls sideways, and no
console error or Content-Security-Policy violation is heard (`browser_errors`).
Screenshots are left in var/screenshots/ for a person to look at."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from playwright.sync_api import Browser, Page, ViewportSize
from pytest_django.live_server_helper import LiveServer

from langso.dashboards.testing import OverviewWorld, overview
from langso.indicators.testing import definitions
from langso.registry.testing import tree, users

from .conftest import sign_in

__all__ = ["definitions", "overview", "tree", "users"]

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"
# Each chart's marks, by Vega's classes: bars are paths of a rect mark, the series a
# line's path and the target a rule.
MARKS = {
    "ranking-top": ".mark-rect path",
    "distribution": ".mark-rect path",
    "series": ".mark-line path",
}
_CHART = """(key) => {
  const chart = document.getElementById("chart-" + key);
  const svg = chart.querySelector("svg");
  const box = svg.getBoundingClientRect();
  const figure = chart.closest("figure");
  return {
    right: box.right, width: box.width,
    axisLabels: [...svg.querySelectorAll(".role-axis-label text")].map((t) => t.textContent),
    rules: svg.querySelectorAll(".mark-rule line").length,
    tableNames: [...figure.querySelectorAll("tbody th")].map((th) => th.textContent.trim()),
  };
}"""


def _check(page: Page, name: str, overview: OverviewWorld) -> None:
    page.wait_for_selector(".chart-canvas svg")
    width = page.evaluate("() => document.documentElement.clientWidth")
    assert page.evaluate("() => document.documentElement.scrollWidth") <= width
    for key, marks in MARKS.items():
        assert page.locator(f"#chart-{key} svg {marks}").count() > 0, key
        chart = page.evaluate(_CHART, key)
        # The SVG shrinks to its column: never past the screen's edge.
        assert chart["right"] <= width, (key, chart)
        if key == "ranking-top":
            # The bars are the communes the table lists, in the same order (the other
            # axis's labels are numbers).
            names = [n for n in chart["axisLabels"] if not re.fullmatch(r"[\d.,\s%]+", n)]
            assert names == chart["tableNames"] == [overview.tree.a.name, overview.tree.b.name]
        if key == "series":
            # The target's value, a dashed rule.
            assert chart["rules"] >= 1
    assert page.locator("table caption").count() == len(MARKS)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"dashboard_overview_{name}.png"), full_page=True)


@pytest.mark.parametrize(
    ("name", "viewport"),
    [("phone", {"width": 360, "height": 740}), ("desktop", {"width": 1280, "height": 900})],
)
def test_the_overview_draws_its_charts_with_their_tables(
    browser: Browser,
    live_server: LiveServer,
    overview: OverviewWorld,
    name: str,
    viewport: ViewportSize,
) -> None:
    context = browser.new_context(viewport=viewport, locale="vi-VN")
    page = context.new_page()
    sign_in(page, live_server, overview.users.province_officer)
    page.goto(live_server.url + "/")
    # From the home page, one click.
    page.get_by_role("link", name="Tổng quan chỉ tiêu và biểu đồ").click()
    page.wait_for_url(f"**{reverse('dashboards:overview')}?unit=*")
    _check(page, name, overview)
    context.close()
