"""Creating accounts with their first role, under the same scope rules."""

from __future__ import annotations

import pytest

from langso.accounts.models import RoleAssignment, User
from langso.accounts.roles import Role
from langso.accounts.services import central_admin_create, user_create
from langso.core.errors import AccessDenied, DomainError
from langso.core.models import AuditEntry

from ..conftest import Holders, Units


def test_commune_officer_creates_a_team_member(units: Units, holders: Holders) -> None:
    """An officer creates an account for their commune; without a password it cannot sign
    in until its owner sets one by password reset."""
    user = user_create(
        actor=holders.commune_officer,
        username="tocongnghe.moi",
        full_name="Lê Thị Hoa",
        email="hoa@langso.test",
        role=Role.DIGITAL_TEAM_MEMBER,
        unit=units.a1,
    )
    assert not user.has_usable_password()
    assignment = RoleAssignment.objects.get(user=user)
    assert (assignment.role, assignment.unit, assignment.granted_by) == (
        Role.DIGITAL_TEAM_MEMBER,
        units.a1,
        holders.commune_officer,
    )
    assert AuditEntry.objects.filter(object_id=str(user.pk), actor=holders.commune_officer)


def test_account_with_a_password_can_sign_in(units: Units, holders: Holders) -> None:
    """A given password is checked by the validators and stored hashed."""
    user = user_create(
        actor=holders.province_officer,
        username="canbo.xa.b",
        full_name="Trần Văn Bình",
        email="",
        password="Ninh-Binh-2026!",
        role=Role.COMMUNE_OFFICER,
        unit=units.b,
    )
    assert user.check_password("Ninh-Binh-2026!")


def test_officer_cannot_create_accounts_outside_their_subtree(
    units: Units, holders: Holders
) -> None:
    """Refused before anything is written: no account without its role."""
    with pytest.raises(AccessDenied):
        user_create(
            actor=holders.commune_officer,
            username="la.mat",
            full_name="Người lạ",
            email="",
            role=Role.COMMUNE_OFFICER,
            unit=units.b,
        )
    assert not User.objects.filter(username="la.mat").exists()


def test_usernames_are_unique_ignoring_case(units: Units, holders: Holders) -> None:
    """“CanBo.Xa.A” is taken when “canbo.xa.a” exists."""
    with pytest.raises(DomainError, match="đã có"):
        user_create(
            actor=holders.commune_officer,
            username="CanBo.Xa.A",
            full_name="",
            email="",
            role=Role.VILLAGE_HEAD,
            unit=units.a1,
        )


def test_weak_password_is_refused(units: Units, holders: Holders) -> None:
    """Django's password validators apply; nothing is written."""
    with pytest.raises(DomainError):
        user_create(
            actor=holders.commune_officer,
            username="yeu",
            full_name="",
            email="",
            password="12345678",
            role=Role.VILLAGE_HEAD,
            unit=units.a1,
        )
    assert not User.objects.filter(username="yeu").exists()


def test_bad_email_is_refused(units: Units, holders: Holders) -> None:
    """An e-mail address that cannot receive the reset link is refused."""
    with pytest.raises(DomainError, match="e-mail"):
        user_create(
            actor=holders.commune_officer,
            username="sai.email",
            full_name="",
            email="khong-phai-email",
            role=Role.VILLAGE_HEAD,
            unit=units.a1,
        )


def test_first_central_admin_needs_no_actor(db: None) -> None:
    """From the command line the first central admin is created without an actor."""
    admin = central_admin_create(
        username="quantri", full_name="Quản trị", email="", password="Quan-Tri-2026!"
    )
    assert RoleAssignment.objects.get(user=admin).role == Role.CENTRAL_ADMIN
    assert admin.check_password("Quan-Tri-2026!")
