"""Which assignments each role sees, and that a refusal reveals nothing."""

from __future__ import annotations

import pytest

from langso.accounts.models import RoleAssignment
from langso.accounts.roles import Role
from langso.accounts.selectors import (
    role_assignment_get_for_user,
    role_assignments_visible_to,
)
from langso.core.errors import NotFound

from ..conftest import Holders, Units
from ..factories import make_role, make_user

COMMUNE_A = {"canbo.xa.a", "truongthon.a1", "tocongnghe.a", "htx.a", "lanhdao.xa.a"}
PROVINCE_37 = {"canbo.tinh", "thamdinh.tinh", "lanhdao.tinh"}


@pytest.fixture
def on_b_and_c(units: Units) -> tuple[RoleAssignment, RoleAssignment]:
    on_b = make_role(user=make_user(username="canbo.xa.b"), role=Role.COMMUNE_OFFICER, unit=units.b)
    on_c = make_role(user=make_user(username="canbo.xa.c"), role=Role.COMMUNE_OFFICER, unit=units.c)
    return on_b, on_c


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        (
            Role.CENTRAL_ADMIN,
            {"trunguong", *PROVINCE_37, *COMMUNE_A, "canbo.xa.b", "canbo.xa.c"},
        ),
        (Role.PROVINCE_OFFICER, {*PROVINCE_37, *COMMUNE_A, "canbo.xa.b"}),
        (Role.COMMUNE_OFFICER, COMMUNE_A),
        (Role.VILLAGE_HEAD, set()),
        (Role.DIGITAL_TEAM_MEMBER, set()),
        (Role.COOPERATIVE_MANAGER, set()),
        ("nobody", set()),
    ],
)
def test_visible_assignments_are_those_in_assign_scope(
    holders: Holders,
    on_b_and_c: tuple[RoleAssignment, RoleAssignment],
    role: str,
    expected: set[str],
) -> None:
    """A viewer sees the assignments on units where they may assign roles: a commune
    officer their commune's, a province officer their province's, a central admin all,
    including nationwide ones; roles without ASSIGN_ROLES see none."""
    seen = {a.user.username for a in role_assignments_visible_to(user=holders.of(role))}
    assert seen == expected


def test_out_of_scope_assignment_is_not_found_like_a_missing_one(
    holders: Holders, on_b_and_c: tuple[RoleAssignment, RoleAssignment]
) -> None:
    """For a commune officer, an assignment on another commune is NotFound with the very
    message of an id that does not exist."""
    on_b, _ = on_b_and_c
    officer = holders.commune_officer
    with pytest.raises(NotFound) as outside:
        role_assignment_get_for_user(user=officer, assignment_id=on_b.pk)
    with pytest.raises(NotFound) as missing:
        role_assignment_get_for_user(user=officer, assignment_id=999_999)
    assert outside.value.message == missing.value.message


def test_visible_assignment_is_found(holders: Holders, units: Units) -> None:
    """An assignment inside the scope is returned with its user and unit."""
    assignment = RoleAssignment.objects.get(user=holders.village_head)
    found = role_assignment_get_for_user(user=holders.commune_officer, assignment_id=assignment.pk)
    assert found == assignment
    assert found.unit == units.a1
