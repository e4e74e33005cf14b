"""Which home a user lands on, and where the navigation leads: each role's own unit,
the chooser's roles with their units' names, the choice kept, another's role refused,
and the maintainers' pages shown in the navigation only to those who maintain them."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from langso.accounts.roles import Role
from langso.accounts.tests.factories import make_role, make_user
from langso.core.actors import Actor
from langso.core.errors import NotFound
from langso.home.selectors import (
    COLLECTOR,
    COMMUNE,
    NATIONAL,
    PROVINCE,
    VIEWER,
    criteria_url,
    home_role_current,
    home_role_for_navigation,
    home_role_get,
    home_roles,
    navigation,
    unit_pages,
)
from langso.registry.testing import RegistryTree, RegistryUsers

pytestmark = pytest.mark.django_db


def _nav(user: Actor, chosen: int | None = None) -> dict[str, str]:
    return {item.key: item.url for item in navigation(user=user, chosen=chosen)}


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("central_admin", NATIONAL),
        ("province_officer", PROVINCE),
        ("officer_a", COMMUNE),
        ("village_head_a1", COLLECTOR),
        ("digital_team_a", COLLECTOR),
    ],
)
def test_a_user_with_one_role_lands_on_its_home(users: RegistryUsers, name: str, kind: str) -> None:
    """One role: its home, without a chooser."""
    user = users.of(name)
    role = home_role_current(user=user, chosen=None)
    assert role is not None
    assert role.kind == kind


def test_a_cooperative_manager_views_their_communes_pages(tree: RegistryTree) -> None:
    manager = make_user(username="quanly.htx")
    make_role(user=manager, role=Role.COOPERATIVE_MANAGER, unit=tree.a)
    role = home_role_current(user=manager, chosen=None)
    assert role is not None
    assert (role.kind, role.unit) == (VIEWER, tree.a)


def test_several_roles_wait_for_a_choice_then_keep_it(
    tree: RegistryTree, users: RegistryUsers
) -> None:
    """Two roles: no home until one is chosen; the chooser lists them widest first,
    each with its unit's Vietnamese name; the choice is kept; the navigation meanwhile
    leads to the widest role's unit."""
    user = users.officer_a
    in_b = make_role(user=user, role=Role.DIGITAL_TEAM_MEMBER, unit=tree.b)
    roles = home_roles(user=user)
    assert [(r.label, r.place) for r in roles] == [
        ("Cán bộ xã", tree.a.name),
        ("Thành viên tổ công nghệ số cộng đồng", tree.b.name),
    ]
    assert home_role_current(user=user, chosen=None) is None
    widest = home_role_for_navigation(user=user, chosen=None)
    assert widest is not None
    assert widest.unit == tree.a
    chosen = home_role_current(user=user, chosen=in_b.pk)
    assert chosen is not None
    assert (chosen.kind, chosen.unit) == (COLLECTOR, tree.b)
    assert _nav(user, chosen=in_b.pk)["indicators"] == reverse(
        "indicators:unit", args=[tree.b.code]
    )


def test_another_users_role_is_not_found(users: RegistryUsers) -> None:
    """A role id of someone else answers as if it did not exist, and a stale choice in
    the session is ignored."""
    others = home_roles(user=users.officer_b)
    with pytest.raises(NotFound):
        home_role_get(user=users.officer_a, assignment_id=others[0].key)
    current = home_role_current(user=users.officer_a, chosen=others[0].key)
    assert current is not None
    assert current.unit is not None
    assert current.unit.code != others[0].unit.code  # type: ignore[union-attr]  # B's role has a unit


def test_a_user_with_no_role_has_no_home(users: RegistryUsers) -> None:
    assert home_roles(user=users.nobody) == []
    assert home_role_current(user=users.nobody, chosen=None) is None
    assert list(_nav(users.nobody)) == ["home"]


def test_a_superuser_without_a_role_lands_on_the_national_home(db: None) -> None:
    root = make_user(username="root", is_superuser=True, is_staff=True)
    role = home_role_current(user=root, chosen=None)
    assert role is not None
    assert (role.kind, role.key, role.unit) == (NATIONAL, 0, None)
    assert home_role_get(user=root, assignment_id=0) == role


def test_the_navigation_leads_to_each_roles_own_unit(
    tree: RegistryTree, users: RegistryUsers
) -> None:
    """ "Chỉ số" and "Tiêu chí NTM": a commune's indicators and scorecard, a province's
    indicators and matrix, a village's checklist, the country's definitions and
    catalogue for a central admin."""
    a, province, a1 = tree.a.code, tree.province.code, tree.a1.code
    expected = {
        "officer_a": (
            reverse("indicators:unit", args=[a]),
            reverse("criteria:scorecard", args=[a]),
        ),
        "digital_team_a": (
            reverse("indicators:unit", args=[a]),
            reverse("criteria:scorecard", args=[a]),
        ),
        "province_officer": (
            reverse("indicators:unit", args=[province]),
            reverse("criteria:matrix", args=[province]),
        ),
        "village_head_a1": (
            reverse("indicators:unit", args=[a1]),
            reverse("criteria:village", args=[a1]),
        ),
        "central_admin": (reverse("indicators:list"), reverse("criteria:list")),
    }
    for name, (indicators, criteria) in expected.items():
        nav = _nav(users.of(name))
        assert (nav["indicators"], nav["criteria"]) == (indicators, criteria), name
        assert nav["home"] == reverse("home:home")


def test_maintainers_pages_show_in_the_navigation_only_for_their_maintainers(
    users: RegistryUsers,
) -> None:
    """Definitions (DEFINE_INDICATORS, nationwide) and the catalogue (DEFINE_CRITERIA) get
    their own item only for those who maintain them; roles only for those who grant."""
    province = _nav(users.province_officer)
    assert province["catalogue"] == reverse("criteria:list")
    assert "definitions" not in province
    assert "roles" in province
    commune = _nav(users.officer_a)
    assert {"catalogue", "definitions"}.isdisjoint(commune)
    assert "roles" in commune
    assert province["training"] == commune["training"] == reverse("plans:training")
    team = _nav(users.digital_team_a)
    assert {"catalogue", "definitions", "roles", "training"}.isdisjoint(team)


def test_anonymous_visitors_get_the_public_unit_list(db: None) -> None:
    assert _nav(AnonymousUser()) == {"units": reverse("places:unit-list")}


@pytest.mark.parametrize(
    ("name", "keys"),
    [
        (
            "province_officer",
            [
                "indicators",
                "households",
                "map",
                "registries",
                "unit",
                "teams",
                "dead-letters",
                "announcements",
            ],
        ),
        (
            "officer_a",
            [
                "households",
                "announcements",
                "registries",
                "map",
                "indicators",
                "unit",
                "surveys",
                "dead-letters",
            ],
        ),
        ("digital_team_a", ["households", "map", "surveys", "criteria"]),
    ],
)
def test_a_homes_pages_are_the_units_own(users: RegistryUsers, name: str, keys: list[str]) -> None:
    """The "pages" section of each home lists the role's unit's own pages: the household
    list filtered to that unit, the unit's indicators and criteria page."""
    role = home_role_current(user=users.of(name), chosen=None)
    assert role is not None
    assert role.unit is not None
    pages = unit_pages(role)
    assert pages is not None
    urls = {link.key: link.url for link in pages.links}
    assert list(urls) == keys
    assert urls["households"].endswith(f"?unit={role.unit.code}")
    if "indicators" in urls:
        assert urls["indicators"] == reverse("indicators:unit", args=[role.unit.code])
    if "criteria" in urls:
        assert urls["criteria"] == criteria_url(role.unit)
    if "announcements" in urls:
        assert urls["announcements"] == f"{reverse('announcements:list')}?unit={role.unit.code}"


def test_the_national_home_has_no_unit_pages(users: RegistryUsers) -> None:
    role = home_role_current(user=users.central_admin, chosen=None)
    assert role is not None
    assert unit_pages(role) is None
