"""The home pages: `/` is a signed-in user's own work and the public unit list for
visitors; signing in lands on the home; each role's home links to its daily pages; the
chooser for several roles, the choice kept for the session and the navigation; another's
role is a 404; a user with no role is told so; a query budget that does not grow with
households, teams or submissions."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from langso.accounts.roles import Role
from langso.accounts.testing import client_for
from langso.accounts.tests.factories import PASSWORD, make_role, make_user
from langso.home.selectors import home_roles
from langso.registry.testing import RegistryTree, RegistryUsers, create_household
from langso.surveys.services.teams import digital_team_create

pytestmark = pytest.mark.django_db

HOME = reverse("home:home")


def _hrefs(html: str) -> set[str]:
    return {href.replace("&amp;", "&") for href in re.findall(r'href="([^"]+)"', html)}


def _nav(html: str) -> set[str]:
    """The links of the header's navigation."""
    found = re.search(r'<nav id="site-nav".*?</nav>', html, re.S)
    assert found, "no navigation"
    return _hrefs(found.group(0))


def test_visitors_get_the_public_unit_list_and_no_home(tree: RegistryTree) -> None:
    client = Client()
    front = client.get("/").content.decode()
    assert "<h1>Đơn vị hành chính</h1>" in front
    assert tree.province.name in front
    for url in (HOME, reverse("home:choose")):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))


def test_signing_in_lands_on_the_home_of_ones_unit(
    catalogue: None, tree: RegistryTree, users: RegistryUsers
) -> None:
    client = Client()
    response = client.post(
        reverse("accounts:login"), {"username": users.officer_a.username, "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == HOME
    page = client.get(HOME).content.decode()
    assert f"<h1>{tree.a.name}</h1>" in page


@pytest.mark.parametrize("path", ["/", HOME])
def test_a_commune_officers_home_links_to_the_communes_daily_pages(
    catalogue: None, tree: RegistryTree, users: RegistryUsers, path: str
) -> None:
    page = client_for(users.officer_a).get(path).content.decode()
    code = tree.a.code
    assert f"<h1>{tree.a.name}</h1>" in page
    assert "Cán bộ xã" in page
    assert {
        reverse("criteria:scorecard", args=[code]),
        f"{reverse('surveys:submission-list')}?unit={code}",
        reverse("surveys:team-list"),
        f"{reverse('registry:household-list')}?unit={code}",
        reverse("registry:index"),
        reverse("registry:map"),
        reverse("indicators:unit", args=[code]),
        reverse("places:unit-detail", args=[code]),
        reverse("messaging:dead-letters"),
    } <= _hrefs(page)
    assert "0/10" in page
    assert "Tiêu chí NTM" in page


def test_a_province_officers_home_summarises_the_matrix(
    catalogue: None, tree: RegistryTree, users: RegistryUsers
) -> None:
    page = client_for(users.province_officer).get("/").content.decode()
    code = tree.province.code
    assert "<strong>0/2</strong>" in page
    assert {
        reverse("criteria:matrix", args=[code]),
        reverse("indicators:unit", args=[code]),
        f"{reverse('registry:household-list')}?unit={code}",
        reverse("registry:map"),
        reverse("criteria:scorecard", args=[tree.a.code]),
        reverse("criteria:scorecard", args=[tree.b.code]),
    } <= _hrefs(page)


def test_a_team_members_home_is_their_worklist_with_the_survey(
    forms: None, tree: RegistryTree, users: RegistryUsers
) -> None:
    household = create_household(
        actor=users.officer_a, village=tree.a1, head_name="Lê Thị Hoa", members=2, adults=2
    )
    digital_team_create(
        actor=users.officer_a, village=tree.a1, name="Tổ thôn A1", members=[users.digital_team_a]
    )
    page = client_for(users.digital_team_a).get("/").content.decode()
    links = _hrefs(page)
    assert reverse("surveys:worklist") in links
    survey = [href for href in links if href.endswith("/dien/")]
    assert len(survey) == 1, links
    assert f"{survey[0]}?ho={household.address_code}" in links
    assert "Lê Thị Hoa" in page
    assert "Chưa khảo sát" in page


def test_a_central_admins_home_is_the_nations(tree: RegistryTree, users: RegistryUsers) -> None:
    page = client_for(users.central_admin).get("/").content.decode()
    assert {
        reverse("indicators:list"),
        reverse("criteria:list"),
        reverse("accounts:role-list"),
        reverse("places:unit-detail", args=[tree.province.code]),
        reverse("criteria:matrix", args=[tree.province.code]),
    } <= _hrefs(page)


def test_a_cooperative_manager_gets_their_communes_pages(
    tree: RegistryTree, users: RegistryUsers
) -> None:
    manager = make_user(username="quanly.htx")
    make_role(user=manager, role=Role.COOPERATIVE_MANAGER, unit=tree.a)
    page = client_for(manager).get("/").content.decode()
    assert {
        reverse("registry:index"),
        reverse("indicators:unit", args=[tree.a.code]),
        reverse("criteria:scorecard", args=[tree.a.code]),
    } <= _hrefs(page)


def test_several_roles_get_a_chooser_and_the_choice_leads_the_navigation(
    catalogue: None, tree: RegistryTree, users: RegistryUsers
) -> None:
    user = users.officer_a
    make_role(user=user, role=Role.DIGITAL_TEAM_MEMBER, unit=tree.b)
    in_a, in_b = home_roles(user=user)
    client = client_for(user)
    chooser = client.get("/").content.decode()
    assert "Chọn vai trò" in chooser
    assert f"Cán bộ xã · {tree.a.name}" in chooser
    assert f"Thành viên tổ công nghệ số cộng đồng · {tree.b.name}" in chooser
    assert {reverse("home:role", args=[r.key]) for r in (in_a, in_b)} <= _hrefs(chooser)
    chosen = client.get(reverse("home:role", args=[in_b.key])).content.decode()
    assert f"<h1>{tree.b.name}</h1>" in chosen
    assert reverse("home:choose") in _hrefs(chosen)
    again = client.get("/").content.decode()
    assert f"<h1>{tree.b.name}</h1>" in again
    assert reverse("indicators:unit", args=[tree.b.code]) in _nav(again)
    assert reverse("indicators:unit", args=[tree.a.code]) not in _nav(again)


def test_another_users_role_is_a_404(tree: RegistryTree, users: RegistryUsers) -> None:
    """A commune officer opening B's officer's role (a unit outside their scope) gets
    the 404 page, as for a role that does not exist."""
    (role_b,) = home_roles(user=users.officer_b)
    client = client_for(users.officer_a)
    assert client.get(reverse("home:role", args=[role_b.key])).status_code == 404
    assert client.get(reverse("home:role", args=[999_999])).status_code == 404
    anonymous = Client().get(reverse("home:role", args=[role_b.key]))
    assert anonymous.status_code == 302


def test_a_user_with_no_role_is_told_to_ask_for_one(users: RegistryUsers) -> None:
    page = client_for(users.nobody).get("/").content.decode()
    assert "chưa được phân quyền" in page
    assert _nav(page) >= {HOME}


def test_signed_in_users_still_reach_the_national_list_through_a_search(
    users: RegistryUsers, tree: RegistryTree
) -> None:
    page = client_for(users.officer_a).get("/?q=").content.decode()
    assert "<h1>Đơn vị hành chính</h1>" in page
    assert tree.province.name in page


def test_the_navigation_shows_only_what_the_user_can_open(
    catalogue: None, tree: RegistryTree, users: RegistryUsers
) -> None:
    team = _nav(client_for(users.digital_team_a).get(HOME).content.decode())
    assert reverse("accounts:role-list") not in team
    assert reverse("criteria:list") not in team
    assert reverse("criteria:scorecard", args=[tree.a.code]) in team
    province = _nav(client_for(users.province_officer).get(HOME).content.decode())
    assert {reverse("criteria:list"), reverse("accounts:role-list")} <= province
    assert reverse("criteria:matrix", args=[tree.province.code]) in province


def test_the_menu_is_a_button_that_works_without_javascript(users: RegistryUsers) -> None:
    page = client_for(users.officer_a).get(HOME).content.decode()
    menu = r'<details class="site-menu" data-fold-narrow>\s*<summary[^>]*aria-expanded="false"'
    assert re.search(menu, page)
    assert ">Menu</summary>" in page


def test_a_communes_home_costs_the_same_queries_with_more_rows(
    catalogue: None, tree: RegistryTree, users: RegistryUsers
) -> None:
    """One household, or many across villages with duplicates and teams: same count."""
    client = client_for(users.officer_a)
    create_household(actor=users.officer_a, village=tree.a1, head_name="Trần Văn Bình")
    digital_team_create(actor=users.officer_a, village=tree.a1, name="Tổ 1")
    with CaptureQueriesContext(connection) as one:
        assert client.get(HOME).status_code == 200
    for village in (tree.a1, tree.a2, tree.a2):
        create_household(actor=users.officer_a, village=village, head_name="Trần Văn Bình")
    digital_team_create(actor=users.officer_a, village=tree.a2, name="Tổ 2")
    with CaptureQueriesContext(connection) as many:
        assert client.get(HOME).status_code == 200
    assert len(many.captured_queries) == len(one.captured_queries), "\n".join(
        q["sql"] for q in many.captured_queries
    )


@pytest.fixture
def back_to_vietnamese() -> Iterator[None]:
    """The language a page activated stays active in the thread: later tests of the
    process must not run in English."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


def test_the_home_is_in_english_when_the_user_chooses_english(
    catalogue: None, users: RegistryUsers, back_to_vietnamese: None
) -> None:
    client = client_for(users.officer_a)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.get(HOME).content.decode()
    assert ">My page</a>" in page
    assert ">The commune's scorecard</a>" in page


def test_definitions_and_catalogue_are_one_level_below_the_units_pages(
    catalogue: None, tree: RegistryTree, users: RegistryUsers
) -> None:
    """Out of a commune officer's navigation, the definitions and the catalogue are
    linked from the unit's indicator page, scorecard and matrix."""
    client = client_for(users.province_officer)
    for url, deeper in [
        (reverse("indicators:unit", args=[tree.a.code]), reverse("indicators:list")),
        (reverse("criteria:scorecard", args=[tree.a.code]), reverse("criteria:list")),
        (reverse("criteria:matrix", args=[tree.province.code]), reverse("criteria:list")),
    ]:
        page = client.get(url).content.decode()
        main = page[page.index("<main") :]
        assert deeper in _hrefs(main), url


def _current(html: str) -> list[str]:
    """The links of the navigation marked as the current page."""
    found = re.search(r'<nav id="site-nav".*?</nav>', html, re.S)
    assert found, "no navigation"
    return re.findall(r'<a href="([^"]+)" aria-current="page">', found.group(0))


@pytest.mark.parametrize("path", ["/", HOME])
def test_my_page_is_the_current_item_wherever_the_home_is_shown(
    catalogue: None, users: RegistryUsers, path: str
) -> None:
    """`/` shows a signed-in user's home: "Trang của tôi" is marked current there as on
    its own address, and no other item is."""
    page = client_for(users.officer_a).get(path).content.decode()
    assert _current(page) == [HOME]


def test_my_page_is_current_on_a_roles_home_and_the_chooser(
    catalogue: None, tree: RegistryTree, users: RegistryUsers
) -> None:
    user = users.officer_a
    make_role(user=user, role=Role.DIGITAL_TEAM_MEMBER, unit=tree.b)
    client = client_for(user)
    assert _current(client.get("/").content.decode()) == [HOME]
    assert _current(client.get(reverse("home:choose")).content.decode()) == [HOME]
    role = home_roles(user=user)[1]
    assert _current(client.get(reverse("home:role", args=[role.key])).content.decode()) == [HOME]


def test_the_national_list_at_the_front_address_does_not_mark_my_page(
    users: RegistryUsers, tree: RegistryTree
) -> None:
    """`/?q=` lists the units, not the home: "Trang của tôi" is not current there."""
    page = client_for(users.officer_a).get("/?q=").content.decode()
    assert "<h1>Đơn vị hành chính</h1>" in page
    assert HOME not in _current(page)
    other = client_for(users.officer_a).get(reverse("registry:map")).content.decode()
    assert _current(other) == [reverse("registry:map")]
