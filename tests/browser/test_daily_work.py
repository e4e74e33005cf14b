"""Done when of issue 15: signed in through the login page as each demo role (those
`load_demo` creates: central admin, province officer, commune officer, digital team
member), the home page alone reaches every page of that role's daily work in at most two
real clicks on visible elements (opening the menu counts), on a desktop (1280×800) and on
a phone (360×740); on the phone neither the home nor any page reached scrolls sideways.

The daily work of each role is the table `DAILY_WORK`; the data is demo-like (a province
with two communes and villages, households, a digital team, the shipped indicators,
criteria sets and survey forms)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from django.urls import reverse
from playwright.sync_api import Browser, Locator, Page, expect
from pytest_django.live_server_helper import LiveServer

from langso.accounts.models import User
from langso.accounts.tests.factories import PASSWORD
from langso.criteria.services import criteria_catalogue_load
from langso.indicators.testing import definitions
from langso.registry.testing import (
    RegistryTree,
    RegistryUsers,
    create_household,
    tree,
    users,
)
from langso.surveys.models import SurveyForm
from langso.surveys.services.forms import shipped_forms_publish
from langso.surveys.services.teams import digital_team_create

__all__ = ["definitions", "tree", "users"]

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VIEWPORTS = {"desktop": (1280, 800), "phone": (360, 740)}
MAX_CLICKS = 2
NO_SIDEWAYS_SCROLL = (
    "() => document.documentElement.scrollWidth <= document.documentElement.clientWidth"
)


@dataclass(frozen=True)
class Daily:
    """A page of a role's daily work: what it is, and its URL name with arguments."""

    name: str
    url_name: str
    args: tuple[str, ...] = ()

    def path(self) -> str:
        return reverse(self.url_name, args=self.args)


def _daily_work(tree: RegistryTree) -> dict[str, list[Daily]]:
    """Role → its daily pages."""
    province, commune = tree.province.code, tree.a.code
    # The one form Làng Số ships: the household survey a team fills door to door.
    survey = str(SurveyForm.objects.get().pk)
    return {
        "central_admin": [
            Daily("Định nghĩa chỉ số", "indicators:list"),
            Daily("Danh mục bộ tiêu chí", "criteria:list"),
            Daily("Phân quyền", "accounts:role-list"),
            Daily("Trang của một tỉnh", "places:unit-detail", (province,)),
            Daily("Tiêu chí các xã của một tỉnh", "criteria:matrix", (province,)),
        ],
        "province_officer": [
            Daily("Tiêu chí các xã của tỉnh", "criteria:matrix", (province,)),
            Daily("Chỉ số của tỉnh", "indicators:unit", (province,)),
            Daily("Danh sách hộ", "registry:household-list"),
            Daily("Bản đồ", "registry:map"),
            Daily("Bảng tiêu chí của một xã cần quan tâm", "criteria:scorecard", (commune,)),
        ],
        "officer_a": [
            Daily("Bảng tiêu chí của xã", "criteria:scorecard", (commune,)),
            Daily("Bài khảo sát cần duyệt", "surveys:submission-list"),
            Daily("Tổ công nghệ số", "surveys:team-list"),
            Daily("Danh sách hộ", "registry:household-list"),
            Daily("Sổ đăng ký", "registry:index"),
            Daily("Bản đồ", "registry:map"),
            Daily("Chỉ số của xã", "indicators:unit", (commune,)),
            Daily("Các thôn của xã", "places:unit-detail", (commune,)),
        ],
        "digital_team_a": [
            Daily("Danh sách hộ cần đến", "surveys:worklist"),
            Daily("Khảo sát hộ", "surveys:web-form-fill", (survey,)),
            Daily("Danh sách hộ", "registry:household-list"),
        ],
    }


@pytest.fixture
def demo_like(definitions: None, tree: RegistryTree, users: RegistryUsers) -> RegistryTree:
    criteria_catalogue_load()
    shipped_forms_publish(actor=users.central_admin)
    for village, members in ((tree.a1, 3), (tree.a2, 4), (tree.b1, 2)):
        create_household(actor=users.province_officer, village=village, members=members, adults=2)
    digital_team_create(
        actor=users.officer_a,
        village=tree.a1,
        name="Tổ công nghệ số thôn 1",
        members=[users.digital_team_a],
    )
    return tree


@pytest.fixture(params=list(VIEWPORTS))
def viewport(request: pytest.FixtureRequest, browser: Browser) -> Iterator[tuple[str, Page]]:
    width, height = VIEWPORTS[request.param]
    context = browser.new_context(viewport={"width": width, "height": height}, locale="vi-VN")
    yield request.param, context.new_page()
    context.close()


def _sign_in(page: Page, live_server: LiveServer, user: User) -> None:
    """Through the login page, as a person signs in; it lands on the home."""
    page.context.clear_cookies()
    page.goto(live_server.url + reverse("accounts:login"))
    page.get_by_label("Tên đăng nhập").fill(user.username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page).to_have_url(live_server.url + reverse("home:home"))


def _link_to(page: Page, path: str) -> Locator | None:
    """The first visible link whose address is `path` (with any query)."""
    links = page.locator(f'a[href="{path}"], a[href^="{path}?"]')
    for index in range(links.count()):
        link = links.nth(index)
        if link.is_visible():
            return link
    return None


def _reach(page: Page, live_server: LiveServer, daily: Daily) -> int:
    """Click from the home to `daily`'s page: a visible link on the home, or in the
    menu once opened. Returns the clicks made; fails past MAX_CLICKS."""
    page.goto(live_server.url + reverse("home:home"))
    clicks = 0
    link = _link_to(page, daily.path())
    menu = page.get_by_text("Menu", exact=True)
    if link is None and menu.is_visible():
        menu.click()
        clicks += 1
        expect(menu).to_have_attribute("aria-expanded", "true")
        link = _link_to(page, daily.path())
    assert link is not None, f"{daily.name}: no visible link to {daily.path()} from the home"
    link.click()
    clicks += 1
    page.wait_for_url(lambda url: url.split("?")[0].endswith(daily.path()))
    assert clicks <= MAX_CLICKS
    return clicks


@pytest.mark.parametrize(
    "role", ["central_admin", "province_officer", "officer_a", "digital_team_a"]
)
def test_each_roles_daily_work_is_two_clicks_from_home(
    demo_like: RegistryTree,
    users: RegistryUsers,
    live_server: LiveServer,
    viewport: tuple[str, Page],
    role: str,
) -> None:
    size, page = viewport
    daily_work = _daily_work(demo_like)[role]
    _sign_in(page, live_server, users.of(role))
    if size == "phone":
        assert page.evaluate(NO_SIDEWAYS_SCROLL), "the home scrolls sideways"
    for daily in daily_work:
        _reach(page, live_server, daily)
        expect(page.locator("h1")).to_be_visible()
        if size == "phone":
            assert page.evaluate(NO_SIDEWAYS_SCROLL), f"{daily.name} scrolls sideways"
