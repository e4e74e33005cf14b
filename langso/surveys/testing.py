"""Test helpers of surveys that other tests use (the flows across apps among them): Ninh
Bình with two communes, and who publishes and collects forms. `tree` and `users` are
fixtures, imported by the conftests that want them."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from langso.accounts.models import User
from langso.accounts.roles import Role
from langso.accounts.tests.factories import make_role, make_user
from langso.places.testing import UnitTree, make_unit_tree


@dataclass
class FormUsers:
    central_admin: User
    province_officer: User
    officer_a: User
    officer_b: User
    team_member_a: User


@pytest.fixture
def tree(db: None) -> UnitTree:
    return make_unit_tree(province_code="37", province_name="Tỉnh Ninh Bình")


@pytest.fixture
def users(tree: UnitTree) -> FormUsers:
    def holder(role: str, unit: object, username: str) -> User:
        user = make_user(username=username)
        make_role(user=user, role=role, unit=unit)
        return user

    a, b = tree.communes
    return FormUsers(
        central_admin=holder(Role.CENTRAL_ADMIN, None, "trunguong"),
        province_officer=holder(Role.PROVINCE_OFFICER, tree.province, "canbo.tinh"),
        officer_a=holder(Role.COMMUNE_OFFICER, a, "canbo.xa.a"),
        officer_b=holder(Role.COMMUNE_OFFICER, b, "canbo.xa.b"),
        team_member_a=holder(Role.DIGITAL_TEAM_MEMBER, a, "tocongnghe.a"),
    )
