"""Phones (issue 15, item 8): at 360 px the widest list pages keep the page body from
scrolling sideways (their tables scroll inside their own box), and the web form's title
wraps between words, never inside one. Screenshots in var/screenshots/phone-*.png."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from playwright.sync_api import Locator, Page, expect
from pytest_django.live_server_helper import LiveServer

from langso.accounts.models import User
from langso.accounts.roles import Role
from langso.accounts.tests.factories import make_role, make_user
from langso.places.testing import UnitTree
from langso.registry.testing import make_household
from langso.surveys.models import FormVersion
from langso.surveys.services.forms import shipped_forms_publish
from langso.surveys.services.teams import digital_team_create
from langso.surveys.testing import FormUsers, tree, users

from .conftest import sign_in

__all__ = ["tree", "users"]

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"
# Long unbroken values, as real rows have them: address codes, user names, streets.
LONG_STREET = "Đường Trần Hưng Đạo kéo dài qua khu tái định cư Đồng Gianh-Bắc-Nam"


@dataclass
class Commune:
    officer: User
    member: User
    version: FormVersion


@pytest.fixture
def commune(tree: UnitTree, users: FormUsers) -> Commune:
    """Commune A of `surveys.testing` with long rows: village heads, households, a team
    and the shipped survey."""
    commune, officer, member = tree.communes[0], users.officer_a, users.team_member_a
    for village in tree.villages_of(commune):
        head = make_user(username=f"nguyenthiphuongthao.truongthon.{village.code}")
        make_role(user=head, role=Role.VILLAGE_HEAD, unit=village, granted_by=officer)
        for n in range(3):
            make_household(
                village=village,
                address_code=f"3700101{village.code[-2:]}NHASO{n:04d}KHUDONGGIANH",
                head_name="Nguyễn Thị Phương Thảo Hoàng Lan",
                house_number=f"Số {n} ngõ 123/45",
                street=LONG_STREET,
                members=5,
                adults=3,
            )
    home = tree.villages_of(commune)[0]
    digital_team_create(actor=officer, village=home, name="Tổ thôn 1", members=[member])
    (version,) = shipped_forms_publish(actor=users.central_admin)
    return Commune(officer=officer, member=member, version=version)


_BODY_OVERFLOW = """() => {
  const root = document.documentElement;
  return Math.max(root.scrollWidth, document.body.scrollWidth) - root.clientWidth;
}"""


def _no_sideways_scroll(page: Page, name: str) -> None:
    overflow = page.evaluate(_BODY_OVERFLOW)
    page.screenshot(path=str(SCREENSHOTS / f"phone-{name}.png"), full_page=True)
    assert overflow <= 0, f"{name}: the page body is {overflow} px wider than the screen"


@pytest.mark.parametrize(
    ("name", "who", "url_name"),
    [
        ("households", "officer", "registry:household-list"),
        ("roles", "officer", "accounts:role-list"),
        ("submissions", "officer", "surveys:submission-list"),
        ("teams", "officer", "surveys:team-list"),
        ("worklist", "member", "surveys:worklist"),
        ("forms", "member", "surveys:form-list"),
    ],
)
def test_wide_lists_keep_the_page_from_scrolling_sideways(
    page: Page, live_server: LiveServer, commune: Commune, name: str, who: str, url_name: str
) -> None:
    """The page fits 360 px; a table wider than that scrolls inside its own box."""
    sign_in(page, live_server, getattr(commune, who))
    page.goto(live_server.url + reverse(url_name))
    expect(page.locator("main table").first).to_be_visible()
    _no_sideways_scroll(page, name)
    for table in page.locator("main table").all():
        fits = table.evaluate("t => t.getBoundingClientRect().right <= innerWidth + 0.5")
        assert fits, f"{name}: a table sticks out of the screen"


_WORDS_SPLIT = """(element) => {
  // Each word of the element's text on one line: a word broken in two has two boxes.
  const split = [];
  const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    for (const match of node.data.matchAll(/\\S+/g)) {
      const range = document.createRange();
      range.setStart(node, match.index);
      range.setEnd(node, match.index + match[0].length);
      const tops = new Set([...range.getClientRects()].map((r) => Math.round(r.top)));
      if (tops.size > 1) split.push(match[0]);
    }
  }
  return split;
}"""


_LINES = """(h) => Math.round(
  h.getBoundingClientRect().height / parseFloat(getComputedStyle(h).lineHeight))"""


def _words_split(title: Locator) -> list[str]:
    split: list[str] = title.evaluate(_WORDS_SPLIT)
    return split


def test_the_web_form_title_wraps_between_words(
    page: Page, live_server: LiveServer, commune: Commune
) -> None:
    """The page's heading and ODK Web Forms' own form title (which the library breaks
    anywhere) wrap over several lines at 360 px without cutting a word, and the page
    does not scroll sideways."""
    sign_in(page, live_server, commune.member)
    page.goto(live_server.url + reverse("surveys:web-form-fill", args=[commune.version.form.pk]))
    # On a phone ODK Web Forms shows its title in a bar of its own (".smaller-screens").
    form_title = page.locator("#web-form h1:visible")
    expect(form_title).to_be_visible(timeout=30_000)
    heading = page.locator("main > h1")
    for title in (heading, form_title):
        lines = title.evaluate(_LINES)
        assert lines >= 2, "the title is short enough for one line: nothing is tested"
        assert _words_split(title) == []
    _no_sideways_scroll(page, "web-form")


def test_a_lists_filters_fold_on_a_phone_and_its_words_stay_whole(
    page: Page, live_server: LiveServer, commune: Commune
) -> None:
    """On a phone the household list comes first: its filters fold under "Bộ lọc"
    (open again while a filter is in use). Codes in cells may break anywhere; names,
    column headers and buttons keep their words whole."""
    sign_in(page, live_server, commune.officer)
    url = live_server.url + reverse("registry:household-list")
    page.goto(url)
    filters = page.locator("details.list-filters")
    expect(filters).not_to_have_attribute("open", "")
    expect(filters.locator("summary")).to_have_attribute("aria-expanded", "false")
    expect(page.locator("main table")).to_be_in_viewport()
    for whole in ("main th", "main button:visible", "main td:nth-child(2)"):
        for element in page.locator(whole).all():
            assert _words_split(element) == [], whole
    filters.locator("summary").click()
    expect(filters.locator("select").first).to_be_visible()
    page.goto(url + "?status=active")
    expect(page.locator("details.list-filters")).to_have_attribute("open", "")
