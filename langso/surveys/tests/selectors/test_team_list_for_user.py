"""Who sees which community digital team: every role, inside and outside its subtree.
Teams belong to a commune and are seen by whoever's scope holds that commune; a team
out of reach answers as one that does not exist."""

from __future__ import annotations

import pytest

from langso.accounts.models import User
from langso.accounts.roles import Role
from langso.accounts.tests.factories import make_role, make_user
from langso.places.models import AdminUnit
from langso.places.testing import UnitTree, make_unit_tree
from langso.surveys.models import DigitalTeam
from langso.surveys.selectors import team_get_for_user, team_list_for_user
from langso.surveys.services.teams import digital_team_create
from langso.surveys.testing import FormUsers

from ..reach_testing import assert_gets_only

pytestmark = pytest.mark.django_db

TEAMS = ("commune A", "commune B", "other province")
# A village head's scope is their village, which holds no commune: they see no team.
SEES: dict[str, set[str]] = {
    Role.CENTRAL_ADMIN: set(TEAMS),
    Role.PROVINCE_OFFICER: {"commune A", "commune B"},
    Role.COMMUNE_OFFICER: {"commune A"},
    Role.VILLAGE_HEAD: set(),
    Role.DIGITAL_TEAM_MEMBER: {"commune A"},
    Role.COOPERATIVE_MANAGER: {"commune A"},
    "nobody": set(),
}


@pytest.fixture
def teams(tree: UnitTree, users: FormUsers) -> dict[str, DigitalTeam]:
    other = make_unit_tree(province_code="38", province_name="Tỉnh Thanh Hoá", communes=1)
    villages = {
        "commune A": tree.villages_of(tree.communes[0])[0],
        "commune B": tree.villages_of(tree.communes[1])[0],
        "other province": other.villages_of(other.communes[0])[0],
    }
    return {
        name: digital_team_create(actor=users.central_admin, village=village, name=name)
        for name, village in villages.items()
    }


def _holder(role: str, tree: UnitTree) -> User:
    a = tree.communes[0]
    units: dict[str, AdminUnit | None] = {
        Role.CENTRAL_ADMIN: None,
        Role.PROVINCE_OFFICER: tree.province,
        Role.COMMUNE_OFFICER: a,
        Role.VILLAGE_HEAD: tree.villages_of(a)[0],
        Role.DIGITAL_TEAM_MEMBER: a,
        Role.COOPERATIVE_MANAGER: a,
    }
    user = make_user(username=f"xem.{role}")
    if role in units:
        make_role(user=user, role=role, unit=units[role])
    return user


@pytest.mark.parametrize("role", list(SEES))
def test_teams_seen_are_those_of_the_communes_in_scope(
    tree: UnitTree, teams: dict[str, DigitalTeam], role: str
) -> None:
    """The team list and each team's page hold the teams of the communes in the role's
    scope and no other; another team is NotFound with the message of a missing one."""
    user = _holder(role, tree)
    assert {t.name for t in team_list_for_user(user=user)} == SEES[role]
    assert_gets_only(lambda pk: team_get_for_user(user=user, pk=pk), teams, SEES[role])
