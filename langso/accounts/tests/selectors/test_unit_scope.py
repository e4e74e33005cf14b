"""Every role, inside and outside its subtree, for each permission."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from pytest_django import DjangoAssertNumQueries

from langso.accounts.models import RoleAssignment
from langso.accounts.roles import Permission, Role
from langso.accounts.selectors import (
    scope_unit,
    scoped_units,
    unit_scope_q,
    user_has_unit_permission,
)
from langso.places.models import AdminUnit

from ..conftest import Holders, Units
from ..factories import make_role, make_user


def expected_codes(units: Units, role: str, permission: str) -> set[str]:
    nation = {u.code for u in units.all()}
    ninh_binh = {u.code for u in AdminUnit.objects.filter(province=units.province)}
    commune_a = {units.a.code, units.a1.code, units.a2.code}
    view: dict[str, set[str]] = {
        Role.CENTRAL_ADMIN: nation,
        Role.PROVINCE_OFFICER: ninh_binh,
        Role.COMMUNE_OFFICER: commune_a,
        Role.VILLAGE_HEAD: {units.a1.code},
        Role.DIGITAL_TEAM_MEMBER: commune_a,
        Role.COOPERATIVE_MANAGER: commune_a,
        Role.COMMUNE_LEADER: commune_a,
        Role.PROVINCE_APPRAISER: ninh_binh,
        Role.PROVINCE_LEADER: ninh_binh,
        "nobody": set(),
    }
    manage: dict[str, set[str]] = {
        Role.CENTRAL_ADMIN: nation,
        Role.PROVINCE_OFFICER: ninh_binh,
        Role.COMMUNE_OFFICER: commune_a,
    }
    province_wide: dict[str, set[str]] = {
        Role.CENTRAL_ADMIN: nation,
        Role.PROVINCE_OFFICER: ninh_binh,
    }
    by_permission: dict[str, dict[str, set[str]]] = {
        Permission.VIEW_SCOPED: view,
        Permission.MANAGE_VILLAGES: manage,
        Permission.ASSIGN_ROLES: manage,
        Permission.SET_COMMUNE_GROUP: province_wide,
        Permission.IMPORT_BOUNDARIES: province_wide,
        # Officers keep their registries; a village head keeps the village's own.
        Permission.MANAGE_REGISTRIES: manage | {Role.VILLAGE_HEAD: {units.a1.code}},
        # Officers publish survey forms for their units.
        Permission.MANAGE_FORMS: manage,
        # Teams, village heads and officers fill survey forms.
        Permission.COLLECT_SURVEYS: manage
        | {Role.VILLAGE_HEAD: {units.a1.code}, Role.DIGITAL_TEAM_MEMBER: commune_a},
        # Officers enter the reported figures of their units.
        Permission.REPORT_INDICATORS: manage,
        # Definitions and periods are the country's.
        Permission.DEFINE_INDICATORS: {Role.CENTRAL_ADMIN: nation},
        # National criteria sets are the centre's; a province writes its own.
        Permission.DEFINE_CRITERIA: province_wide,
        # Officers assess the criteria of their units.
        Permission.ASSESS_CRITERIA: manage,
    }
    return by_permission[permission].get(role, set())


ROLES = [*Role.values, "nobody"]


@pytest.mark.parametrize("permission", Permission.values)
@pytest.mark.parametrize("role", ROLES)
def test_scoped_units_are_the_role_subtree(
    units: Units, holders: Holders, role: str, permission: str
) -> None:
    """A role reaches its unit and everything under it, and nothing else: a central admin
    everywhere, a province officer the province, a commune officer the commune and its
    villages, a village head one village; without the permission, nothing."""
    user = holders.of(role)
    found = set(scoped_units(user=user, permission=permission).values_list("code", flat=True))
    assert found == expected_codes(units, role, permission)


@pytest.mark.parametrize("permission", Permission.values)
@pytest.mark.parametrize("role", ROLES)
def test_unit_permission_agrees_with_scope(
    units: Units, holders: Holders, role: str, permission: str
) -> None:
    """The check on one unit says yes exactly for the units the scope filter returns."""
    user = holders.of(role)
    expected = expected_codes(units, role, permission)
    for unit in units.all():
        allowed = user_has_unit_permission(user=user, permission=permission, unit=unit)
        assert allowed == (unit.code in expected), (role, permission, unit.code)


def test_anonymous_user_reaches_nothing(units: Units) -> None:
    """An anonymous visitor has no scope and no permission anywhere."""
    anonymous = AnonymousUser()
    assert not scoped_units(user=anonymous, permission=Permission.VIEW_SCOPED).exists()
    assert not user_has_unit_permission(
        user=anonymous, permission=Permission.VIEW_SCOPED, unit=units.a
    )


def test_inactive_user_reaches_nothing(units: Units, holders: Holders) -> None:
    """A deactivated account keeps its assignments on record but reaches nothing."""
    admin = holders.central_admin
    admin.is_active = False
    admin.save()
    assert not scoped_units(user=admin, permission=Permission.VIEW_SCOPED).exists()
    assert not user_has_unit_permission(user=admin, permission=Permission.VIEW_SCOPED, unit=units.a)


def test_superuser_is_nationwide(units: Units) -> None:
    """A Django superuser counts as a central admin, as `user.has_perm` already does."""
    root = make_user(is_superuser=True)
    assert unit_scope_q(user=root, permission=Permission.ASSIGN_ROLES) == unit_scope_q(
        user=root, permission=Permission.VIEW_SCOPED
    )
    assert scoped_units(user=root, permission=Permission.MANAGE_VILLAGES).count() == len(
        units.all()
    )


def test_roles_on_two_units_add_up(units: Units) -> None:
    """An officer of two communes reaches both subtrees and nothing between them."""
    user = make_user()
    make_role(user=user, role=Role.COMMUNE_OFFICER, unit=units.a)
    make_role(user=user, role=Role.COMMUNE_OFFICER, unit=units.c)
    found = set(
        scoped_units(user=user, permission=Permission.MANAGE_VILLAGES).values_list(
            "code", flat=True
        )
    )
    assert found == {units.a.code, units.a1.code, units.a2.code, units.c.code} | {
        v.code for v in units.ha_noi.villages_of(units.c)
    }


def test_scope_filter_follows_a_prefix(units: Units, holders: Holders) -> None:
    """With a prefix the filter applies through a foreign key: here, assignments by unit."""
    q = unit_scope_q(
        user=holders.commune_officer, permission=Permission.VIEW_SCOPED, prefix="unit__"
    )
    usernames = set(RoleAssignment.objects.filter(q).values_list("user__username", flat=True))
    assert usernames == {"canbo.xa.a", "truongthon.a1", "tocongnghe.a", "htx.a", "lanhdao.xa.a"}


def test_roles_are_read_once_per_user_object(
    units: Units, holders: Holders, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    """Checking many units costs one query for the roles, then none."""
    user = holders.province_officer
    all_units = units.all()
    with django_assert_num_queries(1):
        for unit in all_units:
            user_has_unit_permission(user=user, permission=Permission.VIEW_SCOPED, unit=unit)
        unit_scope_q(user=user, permission=Permission.MANAGE_VILLAGES)


def test_scope_unit_is_the_one_unit_whose_subtree_is_the_scope(
    holders: Holders, units: Units
) -> None:
    """One role: its unit. Nationwide or no role: none."""
    assert scope_unit(user=holders.province_officer, permission=Permission.VIEW_SCOPED) == (
        units.province
    )
    assert scope_unit(user=holders.commune_officer, permission=Permission.VIEW_SCOPED) == units.a
    assert scope_unit(user=holders.central_admin, permission=Permission.VIEW_SCOPED) is None
    assert scope_unit(user=holders.nobody, permission=Permission.VIEW_SCOPED) is None


def test_scope_unit_ignores_roles_inside_another_and_gives_up_on_units_apart(
    units: Units,
) -> None:
    """A commune role under the user's province adds nothing; two communes apart are no
    single subtree."""
    user = make_user(username="hai.vai.tro")
    make_role(user=user, role=Role.PROVINCE_OFFICER, unit=units.province)
    make_role(user=user, role=Role.COMMUNE_OFFICER, unit=units.a)
    assert scope_unit(user=user, permission=Permission.VIEW_SCOPED) == units.province

    apart = make_user(username="hai.xa")
    make_role(user=apart, role=Role.COMMUNE_OFFICER, unit=units.a)
    make_role(user=apart, role=Role.COMMUNE_OFFICER, unit=units.c)
    assert scope_unit(user=apart, permission=Permission.VIEW_SCOPED) is None
