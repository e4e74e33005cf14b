"""Who holds a given role over a unit: the procedure's steps name a role, and only its
holders on the unit or an ancestor may act (and are told to)."""

from __future__ import annotations

import pytest

from langso.accounts.models import User
from langso.accounts.roles import Role
from langso.accounts.selectors import role_holders, user_holds_role

from ..conftest import Holders, Units


@pytest.mark.parametrize(
    ("holder", "role", "unit", "holds"),
    [
        ("commune_leader", Role.COMMUNE_LEADER, "a", True),
        ("commune_leader", Role.COMMUNE_LEADER, "a1", True),
        ("commune_leader", Role.COMMUNE_LEADER, "b", False),
        ("commune_leader", Role.COMMUNE_OFFICER, "a", False),
        ("province_appraiser", Role.PROVINCE_APPRAISER, "a", True),
        ("province_appraiser", Role.PROVINCE_APPRAISER, "c", False),
        ("province_leader", Role.PROVINCE_APPRAISER, "a", False),
        # Nationwide or higher roles never stand in for the role a step names.
        ("central_admin", Role.COMMUNE_LEADER, "a", False),
        ("province_officer", Role.COMMUNE_LEADER, "a", False),
        ("nobody", Role.COMMUNE_LEADER, "a", False),
    ],
)
def test_user_holds_exactly_the_role_on_a_unit_containing_the_unit(
    units: Units, holders: Holders, holder: str, role: str, unit: str, holds: bool
) -> None:
    assert user_holds_role(user=holders.of(holder), role=role, unit=getattr(units, unit)) is holds


def test_a_superuser_does_not_hold_a_procedure_role(units: Units, holders: Holders) -> None:
    User.objects.filter(pk=holders.nobody.pk).update(is_superuser=True)
    superuser = User.objects.get(pk=holders.nobody.pk)
    assert not user_holds_role(user=superuser, role=Role.PROVINCE_LEADER, unit=units.a)


def test_role_holders_are_the_active_holders_on_the_unit_or_above(
    units: Units, holders: Holders
) -> None:
    assert list(role_holders(role=Role.PROVINCE_APPRAISER, unit=units.a1)) == [
        holders.province_appraiser
    ]
    assert list(role_holders(role=Role.PROVINCE_APPRAISER, unit=units.c)) == []
    assert list(role_holders(role=Role.COMMUNE_LEADER, unit=units.b)) == []
    User.objects.filter(pk=holders.commune_leader.pk).update(is_active=False)
    assert list(role_holders(role=Role.COMMUNE_LEADER, unit=units.a)) == []
