"""Granting roles: scope cannot be widened by granting."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.contenttypes.models import ContentType

from langso.accounts.models import RoleAssignment
from langso.accounts.roles import Role
from langso.accounts.services import role_assign
from langso.core.errors import AccessDenied, DomainError
from langso.core.models import AuditEntry
from langso.places.models import LEGACY_VALID_TO
from langso.places.testing import make_commune, make_district, make_province

from ..conftest import Holders, Units
from ..factories import make_user


def test_commune_officer_grants_inside_their_commune(units: Units, holders: Holders) -> None:
    """A commune officer makes a village head in one of their villages; the grant records
    who gave it and lands in the audit trail."""
    target = make_user()
    assignment = role_assign(
        actor=holders.commune_officer, user=target, role=Role.VILLAGE_HEAD, unit=units.a2
    )
    assert assignment.granted_by == holders.commune_officer
    entry = AuditEntry.objects.get(
        content_type=ContentType.objects.get_for_model(RoleAssignment),
        object_id=str(assignment.pk),
    )
    assert entry.action == AuditEntry.Action.CREATE
    assert entry.actor == holders.commune_officer
    assert entry.changes["role"] == [None, Role.VILLAGE_HEAD]
    assert entry.changes["unit"] == [None, units.a2.pk]


def test_commune_officer_cannot_grant_on_another_commune(units: Units, holders: Holders) -> None:
    """Commune B is outside commune A's subtree, and so are its villages."""
    target = make_user()
    for unit in (units.b, units.b1, units.c):
        with pytest.raises(AccessDenied):
            role_assign(
                actor=holders.commune_officer,
                user=target,
                role=Role.DIGITAL_TEAM_MEMBER,
                unit=unit,
            )
    assert not RoleAssignment.objects.filter(user=target).exists()


def test_commune_officer_cannot_grant_on_the_province(units: Units, holders: Holders) -> None:
    """The province is above a commune officer's unit."""
    with pytest.raises(AccessDenied):
        role_assign(
            actor=holders.commune_officer,
            user=make_user(),
            role=Role.PROVINCE_OFFICER,
            unit=units.province,
        )


@pytest.mark.parametrize("role", [Role.PROVINCE_OFFICER, Role.CENTRAL_ADMIN])
def test_commune_officer_cannot_grant_a_role_above_their_own(
    units: Units, holders: Holders, role: str
) -> None:
    """Not even on their own commune: a higher role would widen scope."""
    with pytest.raises(AccessDenied):
        role_assign(actor=holders.commune_officer, user=make_user(), role=role, unit=units.a)


def test_nobody_but_a_central_admin_grants_central_admin(holders: Holders) -> None:
    """Central admin is held nationwide; a province officer cannot give it."""
    for actor in (holders.province_officer, holders.commune_officer):
        with pytest.raises(AccessDenied):
            role_assign(actor=actor, user=make_user(), role=Role.CENTRAL_ADMIN, unit=None)
    granted = role_assign(
        actor=holders.central_admin, user=make_user(), role=Role.CENTRAL_ADMIN, unit=None
    )
    assert granted.unit is None


@pytest.mark.parametrize(
    "role",
    [Role.VILLAGE_HEAD, Role.DIGITAL_TEAM_MEMBER, Role.COOPERATIVE_MANAGER, "nobody"],
)
def test_roles_without_assign_permission_grant_nothing(
    units: Units, holders: Holders, role: str
) -> None:
    """Village heads, team members and co-op managers cannot grant, even inside their unit."""
    with pytest.raises(AccessDenied):
        role_assign(actor=holders.of(role), user=make_user(), role=Role.VILLAGE_HEAD, unit=units.a1)


def test_anonymous_cannot_grant(units: Units) -> None:
    """Without signing in there is no actor to grant anything."""
    with pytest.raises(AccessDenied):
        role_assign(actor=AnonymousUser(), user=make_user(), role=Role.VILLAGE_HEAD, unit=units.a1)


def test_province_officer_grants_in_their_province_only(units: Units, holders: Holders) -> None:
    """A province officer appoints commune officers in the province, not in another one."""
    target = make_user()
    role_assign(
        actor=holders.province_officer, user=target, role=Role.COMMUNE_OFFICER, unit=units.b
    )
    with pytest.raises(AccessDenied):
        role_assign(
            actor=holders.province_officer, user=target, role=Role.COMMUNE_OFFICER, unit=units.c
        )


@pytest.mark.parametrize(
    ("role", "unit_name"),
    [
        (Role.COMMUNE_OFFICER, "province"),
        (Role.PROVINCE_OFFICER, "a"),
        (Role.VILLAGE_HEAD, "a"),
        (Role.COOPERATIVE_MANAGER, "a1"),
        (Role.CENTRAL_ADMIN, "a"),
    ],
)
def test_role_must_be_held_at_its_level(
    units: Units, holders: Holders, role: str, unit_name: str
) -> None:
    """Each role is held at its own level of the tree; the message says which."""
    with pytest.raises(DomainError) as error:
        role_assign(
            actor=holders.central_admin,
            user=make_user(),
            role=role,
            unit=getattr(units, unit_name),
        )
    assert not isinstance(error.value, AccessDenied)


def test_non_central_role_needs_a_unit(holders: Holders) -> None:
    """Only a central admin's role is held on no unit."""
    with pytest.raises(DomainError):
        role_assign(
            actor=holders.central_admin, user=make_user(), role=Role.COMMUNE_OFFICER, unit=None
        )


def test_digital_team_member_may_be_held_on_a_village(units: Units, holders: Holders) -> None:
    """A team member works either for the commune or for one village."""
    assignment = role_assign(
        actor=holders.commune_officer,
        user=make_user(),
        role=Role.DIGITAL_TEAM_MEMBER,
        unit=units.a1,
    )
    assert assignment.unit == units.a1


def test_roles_are_granted_only_on_current_units(db: None) -> None:
    """A commune abolished by the 2025 merger takes no new roles."""
    admin = make_user()
    RoleAssignment.objects.create(user=admin, role=Role.CENTRAL_ADMIN)
    legacy_province = make_province(code="36", name="Tỉnh Nam Định", valid_to=LEGACY_VALID_TO)
    district = make_district(province=legacy_province, code="356", name="Huyện Hải Hậu")
    legacy_commune = make_commune(
        province=legacy_province, district=district, code="14119", name="Xã Hải Đông"
    )
    with pytest.raises(DomainError, match="chỉ có hiệu lực đến"):
        role_assign(actor=admin, user=make_user(), role=Role.COMMUNE_OFFICER, unit=legacy_commune)


def test_the_same_role_twice_is_refused(units: Units, holders: Holders) -> None:
    """Granting a role the user already holds on that unit is an error, not a duplicate."""
    with pytest.raises(DomainError, match="đã có vai trò"):
        role_assign(
            actor=holders.central_admin,
            user=holders.commune_officer,
            role=Role.COMMUNE_OFFICER,
            unit=units.a,
        )


def test_unknown_role_is_refused(units: Units, holders: Holders) -> None:
    """A role outside the table is a domain error naming it."""
    with pytest.raises(DomainError, match="sieu_nhan"):
        role_assign(actor=holders.central_admin, user=make_user(), role="sieu_nhan", unit=units.a)


def test_inactive_account_gets_no_role(units: Units, holders: Holders) -> None:
    """A locked account cannot be given a role."""
    with pytest.raises(DomainError, match="khoá"):
        role_assign(
            actor=holders.commune_officer,
            user=make_user(is_active=False),
            role=Role.VILLAGE_HEAD,
            unit=units.a1,
        )


def test_grant_takes_effect_on_the_same_user_object(units: Units, holders: Holders) -> None:
    """The granted user's cached roles are refreshed: the new permission holds at once."""
    target = make_user()
    assert not target.has_perm("manage_villages", units.b)
    role_assign(
        actor=holders.province_officer, user=target, role=Role.COMMUNE_OFFICER, unit=units.b
    )
    assert target.has_perm("manage_villages", units.b)
